//! Constructors and `with_*` setters of the model types, for callers outside the crate (the
//! types are `#[non_exhaustive]`, so struct literals do not compile there).

use crate::model::{AreaRule, Booking, Location, Lunch, Precision, Priority, Therapist};
use crate::time::{Seconds, TimeWindow};
use chrono::{NaiveDate, Weekday};

/// The seven days of the week, Monday first.
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

impl Booking {
    /// A required booking at `location` with a session of `session`, startable any time in
    /// the shift on any planned day, by any therapist, not heavy; `id` must be unique in the
    /// problem.
    pub fn new(id: impl Into<String>, location: Location, session: Seconds) -> Self {
        Booking {
            id: id.into(),
            client: String::new(),
            location,
            precision: Precision::Coordinates,
            area: None,
            treatment: None,
            session,
            setup: None,
            windows: Vec::new(),
            date: None,
            days: Vec::new(),
            date_range: None,
            priority: Priority::Required,
            skills: Vec::new(),
            therapist: None,
            demand: 0,
            heavy: false,
            confirmed: None,
        }
    }

    /// The client's name, for display only.
    pub fn with_client(mut self, client: impl Into<String>) -> Self {
        self.client = client.into();
        self
    }

    /// How the location was found.
    pub fn with_precision(mut self, precision: Precision) -> Self {
        self.precision = precision;
        self
    }

    /// The service area the location lies in.
    pub fn with_area(mut self, area: impl Into<String>) -> Self {
        self.area = Some(area.into());
        self
    }

    /// The treatment's name, for display.
    pub fn with_treatment(mut self, treatment: impl Into<String>) -> Self {
        self.treatment = Some(treatment.into());
        self
    }

    /// Set-up time at this door, instead of the therapist's.
    pub fn with_setup(mut self, setup: Seconds) -> Self {
        self.setup = Some(setup);
        self
    }

    /// Adds a window in which the session may start.
    pub fn with_window(mut self, window: TimeWindow) -> Self {
        self.windows.push(window);
        self
    }

    /// The day of the visit.
    pub fn with_date(mut self, date: NaiveDate) -> Self {
        self.date = Some(date);
        self
    }

    /// For a booking without a fixed date: the weekdays it may go on.
    pub fn with_days(mut self, days: impl IntoIterator<Item = Weekday>) -> Self {
        self.days = days.into_iter().collect();
        self
    }

    /// For a booking without a fixed date: the first and last day it may go on.
    pub fn with_date_range(mut self, first: NaiveDate, last: NaiveDate) -> Self {
        self.date_range = Some((first, last));
        self
    }

    /// How much the booking matters when not all fit.
    pub fn with_priority(mut self, priority: Priority) -> Self {
        self.priority = priority;
        self
    }

    /// Skills the therapist must have (stored lower case).
    pub fn with_skills<S: AsRef<str>>(mut self, skills: impl IntoIterator<Item = S>) -> Self {
        self.skills = lower_case(skills);
        self
    }

    /// Only this therapist (by id) may serve it.
    pub fn with_therapist(mut self, therapist: impl Into<String>) -> Self {
        self.therapist = Some(therapist.into());
        self
    }

    /// Whether the session is heavy on the therapist's body.
    pub fn with_heavy(mut self, heavy: bool) -> Self {
        self.heavy = heavy;
        self
    }

    /// Load it takes up against a therapist's [`capacity`](Therapist::capacity).
    pub fn with_demand(mut self, demand: i64) -> Self {
        self.demand = demand;
        self
    }

    /// Confirms the visit with `therapist` at session start `start` (seconds since
    /// midnight); see [`Booking::confirmed`]. Give the date with [`Booking::with_date`].
    pub fn with_confirmed(mut self, therapist: impl Into<String>, start: Seconds) -> Self {
        self.therapist = Some(therapist.into());
        self.confirmed = Some(start);
        self
    }
}

impl Therapist {
    /// A therapist who starts and ends the day at `home` within `shift`, works every weekday,
    /// serves everywhere, has no lunch, skills or limits, and takes the therapist file's
    /// default 10 minutes of set-up and 5 of pack-up per visit. The name is the id.
    pub fn new(id: impl Into<String>, home: Location, shift: TimeWindow) -> Self {
        let id = id.into();
        Therapist {
            name: id.clone(),
            id,
            start: home,
            end: home,
            shift,
            lunch: None,
            setup: Seconds::from_minutes(10),
            packup: Seconds::from_minutes(5),
            max_visits: None,
            max_hands_on: None,
            skills: Vec::new(),
            off: Vec::new(),
            days: WEEK.to_vec(),
            areas: None,
            capacity: None,
            max_heavy: None,
            min_rest: None,
            max_run: None,
            max_drive: None,
        }
    }

    /// The display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Where the day ends, when not at home.
    pub fn with_end(mut self, end: Location) -> Self {
        self.end = end;
        self
    }

    /// The lunch break.
    pub fn with_lunch(mut self, lunch: Lunch) -> Self {
        self.lunch = Some(lunch);
        self
    }

    /// Set-up before and pack-up after each session.
    pub fn with_setup_packup(mut self, setup: Seconds, packup: Seconds) -> Self {
        self.setup = setup;
        self.packup = packup;
        self
    }

    /// Most visits in one day.
    pub fn with_max_visits(mut self, visits: u32) -> Self {
        self.max_visits = Some(visits);
        self
    }

    /// Most hands-on (session) time in one day.
    pub fn with_max_hands_on(mut self, hands_on: Seconds) -> Self {
        self.max_hands_on = Some(hands_on);
        self
    }

    /// Skills the therapist has (stored lower case).
    pub fn with_skills<S: AsRef<str>>(mut self, skills: impl IntoIterator<Item = S>) -> Self {
        self.skills = lower_case(skills);
        self
    }

    /// The weekdays worked (every day by default).
    pub fn with_days(mut self, days: impl IntoIterator<Item = Weekday>) -> Self {
        self.days = days.into_iter().collect();
        self
    }

    /// Dates off, whatever the weekday.
    pub fn with_off(mut self, off: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.off = off.into_iter().collect();
        self
    }

    /// The service areas served, each on its weekdays.
    pub fn with_areas(mut self, areas: Vec<AreaRule>) -> Self {
        self.areas = Some(areas);
        self
    }

    /// Most heavy sessions in one day.
    pub fn with_max_heavy(mut self, sessions: u32) -> Self {
        self.max_heavy = Some(sessions);
        self
    }

    /// Least time from the end of one session to the start of the next.
    pub fn with_min_rest(mut self, rest: Seconds) -> Self {
        self.min_rest = Some(rest);
        self
    }

    /// At most `max` of session time in a row without a gap of at least `rest`.
    pub fn with_max_run(mut self, max: Seconds, rest: Seconds) -> Self {
        self.max_run = Some(crate::model::HandsOnRun { max, rest });
        self
    }

    /// Most driving in one day.
    pub fn with_max_drive(mut self, drive: Seconds) -> Self {
        self.max_drive = Some(drive);
        self
    }

    /// Most total booking demand in one day.
    pub fn with_capacity(mut self, capacity: i64) -> Self {
        self.capacity = Some(capacity);
        self
    }
}

/// Skills as stored: trimmed, lower case.
fn lower_case<S: AsRef<str>>(skills: impl IntoIterator<Item = S>) -> Vec<String> {
    skills
        .into_iter()
        .map(|s| s.as_ref().trim().to_ascii_lowercase())
        .collect()
}
