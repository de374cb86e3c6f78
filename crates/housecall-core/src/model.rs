//! The domain: bookings, therapists, the shifts they work, and the problem the solver plans.
//! The model is immutable once built; search state lives in the solver.

use crate::time::{Seconds, TimeWindow};
use chrono::{Datelike, NaiveDate, Weekday};

/// A point on the map, WGS84 degrees. (Benchmark instances, which live on a plane, put `x`
/// in `lon` and `y` in `lat`, for their own travel model.)
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Location {
    /// Latitude in degrees, -90 to 90.
    pub lat: f64,
    /// Longitude in degrees, -180 to 180.
    pub lon: f64,
}

/// The treatments of the catalogue with their typical session minutes (PRODUCT.md). The
/// bookings file may always override the minutes.
pub const TREATMENTS: &[(&str, i64)] = &[
    ("Swedish Massage", 60),
    ("Deep Tissue Massage", 60),
    ("Cupping Therapy", 45),
    ("Rehabilitation Massage", 60),
    ("Myofascial Release", 60),
    ("Trigger Point Release", 45),
    ("Joint Mobilization", 45),
    ("Hydrotherapy Applications", 45),
    ("Geriatric Massage", 45),
    ("Sports Massage Therapy", 60),
    ("Energy Healing", 60),
];

/// Looks a treatment up by name, case-insensitively, and returns its catalogue name and
/// typical session minutes.
///
/// ```
/// assert_eq!(housecall_core::treatment("cupping therapy"), Some(("Cupping Therapy", 45)));
/// ```
pub fn treatment(name: &str) -> Option<(&'static str, i64)> {
    let name = name.trim();
    TREATMENTS
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(name))
        .copied()
}

/// How a booking's location was found, from most to least precise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Precision {
    /// Latitude and longitude given.
    #[default]
    Coordinates,
    /// A full six-character postal code (a block face or building, roughly).
    PostalCode,
    /// Only the forward sortation area (first three characters): a district.
    Fsa,
    /// A town, neighbourhood or hamlet name: its centre.
    Place,
}

impl Precision {
    /// The stable code: `coordinates`, `postal_code`, `fsa`, `place`.
    pub fn code(self) -> &'static str {
        match self {
            Precision::Coordinates => "coordinates",
            Precision::PostalCode => "postal_code",
            Precision::Fsa => "fsa",
            Precision::Place => "place",
        }
    }
}

/// A service area a therapist covers, on some weekdays or all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaRule {
    /// The area's name, e.g. `Guelph`.
    pub area: String,
    /// The weekdays it is served; empty means every working day.
    pub days: Vec<Weekday>,
}

/// How much a booking matters when not all bookings fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Optional, weight 1 to 100: higher is more important.
    Optional(u8),
    /// Must be served if at all possible; outranks any number of optional bookings.
    Required,
}

/// One client visit to plan. Build one with [`Booking::new`] and the `with_*` setters; new
/// fields may be added in later versions (the type is `#[non_exhaustive]`).
///
/// ```
/// # use housecall_core::*;
/// let b = Booking::new("b1", Location { lat: 43.59, lon: -79.64 }, Seconds::from_minutes(60))
///     .with_window(TimeWindow::new(Seconds::hm(10, 0), Seconds::hm(11, 0)).unwrap())
///     .with_skills(["hydrotherapy"]);
/// assert_eq!(b.priority, Priority::Required);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Booking {
    /// Unique id, as in the bookings file.
    pub id: String,
    /// The client's name, for display.
    pub client: String,
    /// Where the session takes place.
    pub location: Location,
    /// How `location` was found.
    pub precision: Precision,
    /// The service area the location lies in, if any (`None` also when the region has no
    /// service areas).
    pub area: Option<String>,
    /// Treatment name (catalogue spelling where known), for display.
    pub treatment: Option<String>,
    /// Hands-on session length.
    pub session: Seconds,
    /// Set-up time at the door before the session; `None` takes the therapist's.
    pub setup: Option<Seconds>,
    /// Windows in which the session may *start*; empty means the whole shift.
    pub windows: Vec<TimeWindow>,
    /// The day the booking is for; `None` means any day that is planned (within `days` and
    /// `date_range` when given).
    pub date: Option<NaiveDate>,
    /// The weekdays the booking may go on (empty: any), for a booking without a fixed date.
    pub days: Vec<Weekday>,
    /// The first and last day the booking may go on, for a booking without a fixed date.
    pub date_range: Option<(NaiveDate, NaiveDate)>,
    /// Importance when not all bookings fit.
    pub priority: Priority,
    /// Skills the therapist must have (lower case).
    pub skills: Vec<String>,
    /// Only this therapist (by id) may serve it.
    pub therapist: Option<String>,
    /// Load it takes up (goods to deliver, for benchmark instances; 0 for a treatment).
    pub demand: i64,
    /// Whether the session is heavy on the therapist's body (deep tissue, sports, trigger
    /// point, myofascial and rehabilitation work by default; see [`is_heavy`]), counted
    /// against [`Therapist::max_heavy`].
    pub heavy: bool,
    /// A confirmed visit: the session starts at exactly this time, with the pinned
    /// [`therapist`](Booking::therapist) on [`date`](Booking::date) (or the planned day when
    /// undated). The solver never moves, drops or trades it for another booking; one that
    /// cannot be kept is reported as [`Reason::ConfirmedConflict`](crate::Reason).
    pub confirmed: Option<Seconds>,
}

/// A break the therapist must take during the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lunch {
    /// The break lies wholly inside this window.
    pub window: TimeWindow,
    /// Length of the break.
    pub duration: Seconds,
}

/// A therapist as described in the therapist file. Build one with [`Therapist::new`] and the
/// `with_*` setters (the type is `#[non_exhaustive]`).
///
/// ```
/// # use housecall_core::*;
/// let home = Location { lat: 43.685, lon: -79.76 };
/// let t = Therapist::new("maya", home, TimeWindow::new(Seconds::hm(9, 0), Seconds::hm(17, 0)).unwrap())
///     .with_name("Maya")
///     .with_lunch(Lunch {
///         window: TimeWindow::new(Seconds::hm(11, 30), Seconds::hm(14, 0)).unwrap(),
///         duration: Seconds::from_minutes(30),
///     })
///     .with_max_visits(7);
/// assert_eq!(t.setup, Seconds::from_minutes(10));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Therapist {
    /// Unique id, as used by bookings that pin a therapist.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Where the day starts.
    pub start: Location,
    /// Where the day ends.
    pub end: Location,
    /// Earliest departure from `start` and latest arrival at `end`.
    pub shift: TimeWindow,
    /// The lunch break, if any.
    pub lunch: Option<Lunch>,
    /// Set-up at the door before each session (the therapist arrives at least this early).
    pub setup: Seconds,
    /// Pack-up after each session, before leaving.
    pub packup: Seconds,
    /// Most visits in one day.
    pub max_visits: Option<u32>,
    /// Most hands-on (session) time in one day.
    pub max_hands_on: Option<Seconds>,
    /// Skills the therapist has (lower case).
    pub skills: Vec<String>,
    /// Weekdays the therapist works.
    pub days: Vec<Weekday>,
    /// Dates the therapist is off, whatever the weekday.
    pub off: Vec<NaiveDate>,
    /// The service areas served; `None` means no area restriction at all.
    pub areas: Option<Vec<AreaRule>>,
    /// Most total booking demand in one day (vehicle capacity), if limited.
    pub capacity: Option<i64>,
    /// Most heavy sessions ([`Booking::heavy`]) in one day.
    pub max_heavy: Option<u32>,
    /// Least time from the end of one session to the start of the next.
    pub min_rest: Option<Seconds>,
    /// Longest stretch of hands-on work without a real break.
    pub max_run: Option<HandsOnRun>,
    /// Most driving in one day.
    pub max_drive: Option<Seconds>,
}

/// A limit on hands-on work in a row: sessions less than `rest` apart form one run, whose
/// session time may not exceed `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandsOnRun {
    /// The most session time in one run.
    pub max: Seconds,
    /// The least gap between sessions that ends a run.
    pub rest: Seconds,
}

/// The treatments counted as heavy by default: deep tissue, sports, trigger point,
/// myofascial and rehabilitation work.
///
/// ```
/// assert!(housecall_core::is_heavy("Deep Tissue Massage"));
/// assert!(!housecall_core::is_heavy("Swedish Massage"));
/// assert!(housecall_core::is_heavy("SPORTS massage"));
/// ```
pub fn is_heavy(treatment: &str) -> bool {
    const HEAVY: [&str; 5] = [
        "deep tissue",
        "sports",
        "trigger point",
        "myofascial",
        "rehabilitation",
    ];
    // Case-insensitive, without a lower-case copy.
    let t = treatment.as_bytes();
    HEAVY.iter().any(|h| {
        t.windows(h.len())
            .any(|w| w.eq_ignore_ascii_case(h.as_bytes()))
    })
}

impl Therapist {
    /// Whether the therapist works on `date`: one of their weekdays and not a day off (an
    /// undated plan is worked by everyone).
    pub fn works_on(&self, date: Option<NaiveDate>) -> bool {
        date.is_none_or(|d| self.days.contains(&d.weekday()) && !self.off.contains(&d))
    }

    /// Whether the therapist serves a booking in `area` on `date`. Without area rules every
    /// place is served; with them, only listed areas, on their days (an undated plan has no
    /// weekday to check).
    pub fn serves_area(&self, area: Option<&str>, date: Option<NaiveDate>) -> bool {
        let Some(rules) = &self.areas else {
            return true;
        };
        rules.iter().any(|r| {
            Some(r.area.as_str()) == area
                && (r.days.is_empty() || date.is_none_or(|d| r.days.contains(&d.weekday())))
        })
    }

    /// Whether the therapist has every skill in `skills`.
    pub fn has_skills(&self, skills: &[String]) -> bool {
        skills.iter().all(|s| self.skills.contains(s))
    }
}

/// Why a therapist cannot take a booking on a day, before any question of time; see
/// [`Booking::eligibility`]. Ordered as the checks are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ineligible {
    /// The booking is for another day.
    OtherDay,
    /// The therapist does not work that day.
    NotWorking,
    /// The therapist does not serve the booking's area, at all or on that day.
    Area,
    /// The booking is pinned to another therapist.
    Pinned,
    /// The therapist lacks a skill the booking needs.
    Skill,
    /// The session alone is longer than the therapist's daily hands-on limit, or than their
    /// longest hands-on run.
    HandsOn,
    /// The therapist's daily visit limit is zero.
    Visits,
    /// The booking's demand is more than the therapist's (vehicle's) capacity.
    Capacity,
}

impl Ineligible {
    /// A short phrase for messages, e.g. `area not served by the therapist that day`.
    pub fn text(self) -> &'static str {
        match self {
            Ineligible::OtherDay => "booked for another day",
            Ineligible::NotWorking => "the therapist does not work that day",
            Ineligible::Area => "area not served by the therapist that day",
            Ineligible::Pinned => "pinned to another therapist",
            Ineligible::Skill => "needs a skill the therapist lacks",
            Ineligible::HandsOn => {
                "session longer than the therapist's daily hands-on limit or longest run"
            }
            Ineligible::Visits => "the therapist's daily limit of such visits is zero",
            Ineligible::Capacity => "demand over the therapist's capacity",
        }
    }
}

/// One therapist working one day: a route to plan.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Shift {
    /// Index into [`Problem::therapists`].
    pub therapist: usize,
    /// The day, or `None` for an undated plan.
    pub date: Option<NaiveDate>,
}

/// Everything to plan: bookings, therapists and the shifts (therapist-days) available. Build
/// one with [`Problem::new`]; [`Problem::validate`] says whether it can be planned.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Problem {
    /// All bookings given, including those for days not planned (they are reported
    /// unassigned, never dropped).
    pub bookings: Vec<Booking>,
    /// All therapists given.
    pub therapists: Vec<Therapist>,
    /// The days planned (`None` for an undated plan), ascending.
    pub days: Vec<Option<NaiveDate>>,
    /// Therapist-days to plan, in order of date then therapist.
    pub shifts: Vec<Shift>,
}

impl Problem {
    /// Builds the problem for the given days. With `date` set, only that day is planned.
    /// Otherwise every distinct booking date is planned, or one undated day when no booking
    /// carries a date. A shift is made for every therapist who works on a planned day.
    pub fn new(
        bookings: Vec<Booking>,
        therapists: Vec<Therapist>,
        date: Option<NaiveDate>,
    ) -> Self {
        let days: Vec<Option<NaiveDate>> = match date {
            Some(d) => vec![Some(d)],
            None => {
                let mut ds: Vec<NaiveDate> = bookings.iter().filter_map(|b| b.date).collect();
                ds.sort();
                ds.dedup();
                if ds.is_empty() {
                    vec![None]
                } else {
                    ds.into_iter().map(Some).collect()
                }
            }
        };
        let shifts = shifts_on(&days, &therapists);
        Problem {
            bookings,
            therapists,
            days,
            shifts,
        }
    }

    /// The same bookings and therapists planned on exactly `days` (a week, say): the shifts
    /// are made again for every therapist working one of them; bookings for other days are
    /// reported unassigned as `other_date`.
    ///
    /// ```
    /// # use housecall_core::*;
    /// # use chrono::NaiveDate;
    /// let home = Location { lat: 43.7, lon: -79.7 };
    /// let shift = TimeWindow::new(Seconds::hm(9, 0), Seconds::hm(17, 0)).unwrap();
    /// let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    /// let week: Vec<_> = monday.iter_days().take(5).collect();
    /// let p = Problem::new(vec![], vec![Therapist::new("t", home, shift)], None).with_days(week);
    /// assert_eq!(p.shifts.len(), 5);
    /// ```
    pub fn with_days(self, mut days: Vec<NaiveDate>) -> Self {
        days.sort();
        days.dedup();
        let days: Vec<Option<NaiveDate>> = days.into_iter().map(Some).collect();
        Problem {
            shifts: shifts_on(&days, &self.therapists),
            days,
            ..self
        }
    }

    /// The therapist working shift `s`.
    pub fn therapist_of(&self, s: &Shift) -> &Therapist {
        &self.therapists[s.therapist]
    }

    /// Index of the therapist with this id.
    pub fn therapist_index(&self, id: &str) -> Option<usize> {
        self.therapists.iter().position(|t| t.id == id)
    }

    /// Index of the booking with this id.
    pub fn booking_index(&self, id: &str) -> Option<usize> {
        self.bookings.iter().position(|b| b.id == id)
    }
}

/// A shift for every therapist working each of `days`, in order of day then therapist.
fn shifts_on(days: &[Option<NaiveDate>], therapists: &[Therapist]) -> Vec<Shift> {
    days.iter()
        .flat_map(|&d| {
            therapists
                .iter()
                .enumerate()
                .filter(move |(_, t)| t.works_on(d))
                .map(move |(i, _)| Shift {
                    therapist: i,
                    date: d,
                })
        })
        .collect()
}

impl Booking {
    /// The set-up time at the door for this booking when served by `t`.
    pub fn setup_for(&self, t: &Therapist) -> Seconds {
        self.setup.unwrap_or(t.setup)
    }

    /// Whether `therapist` may take this booking on `date`, before any question of time: the
    /// one eligibility rule of the solver, the unassigned reasons and the checker. The checks
    /// run in the order a person makes them and the first that fails is returned.
    ///
    /// ```
    /// # use housecall_core::*;
    /// # let home = Location { lat: 43.7, lon: -79.7 };
    /// let shift = TimeWindow::new(Seconds::hm(9, 0), Seconds::hm(17, 0)).unwrap();
    /// let t = Therapist::new("maya", home, shift);
    /// let b = Booking::new("b1", home, Seconds::from_minutes(45)).with_skills(["cupping"]);
    /// assert_eq!(b.eligibility(&t, None), Err(Ineligible::Skill));
    /// let t = t.with_skills(["Cupping"]);
    /// assert_eq!(b.eligibility(&t, None), Ok(()));
    /// ```
    pub fn eligibility(
        &self,
        therapist: &Therapist,
        date: Option<NaiveDate>,
    ) -> Result<(), Ineligible> {
        let t = therapist;
        if !self.may_go_on(date) {
            Err(Ineligible::OtherDay)
        } else if !t.works_on(date) {
            Err(Ineligible::NotWorking)
        } else if !t.serves_area(self.area.as_deref(), date) {
            Err(Ineligible::Area)
        } else if self.therapist.as_ref().is_some_and(|p| *p != t.id) {
            Err(Ineligible::Pinned)
        } else if !t.has_skills(&self.skills) {
            Err(Ineligible::Skill)
        } else if t.max_hands_on.is_some_and(|h| self.session > h)
            || t.max_run.is_some_and(|r| self.session > r.max)
        {
            Err(Ineligible::HandsOn)
        } else if t.max_visits == Some(0) || (self.heavy && t.max_heavy == Some(0)) {
            Err(Ineligible::Visits)
        } else if t.capacity.is_some_and(|c| self.demand > c) {
            Err(Ineligible::Capacity)
        } else {
            Ok(())
        }
    }

    /// Whether the booking may go on `date`: its own date, or for a booking without one, a
    /// day among its weekdays and within its date range (an undated plan always).
    pub fn may_go_on(&self, date: Option<NaiveDate>) -> bool {
        let Some(d) = date else {
            return self.date.is_none();
        };
        match self.date {
            Some(own) => own == d,
            None => {
                (self.days.is_empty() || self.days.contains(&d.weekday()))
                    && self.date_range.is_none_or(|(a, b)| a <= d && d <= b)
            }
        }
    }

    /// The start windows that apply on a shift: the booking's own, or the whole shift.
    pub fn start_windows(&self, t: &Therapist) -> Vec<TimeWindow> {
        if self.windows.is_empty() {
            vec![t.shift]
        } else {
            self.windows.clone()
        }
    }
}
