//! A plan: one itinerary per therapist-day, and the bookings that could not be served with
//! their reasons. Bookings are referred to by id so that a plan read back from a file can be
//! checked against the problem independently.

use crate::model::Problem;
use crate::time::{Metres, Seconds};
use chrono::NaiveDate;
use std::fmt;

/// A client visit within an itinerary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    /// The booking's id.
    pub booking: String,
    /// Arrival at the door.
    pub arrival: Seconds,
    /// Session start.
    pub start: Seconds,
    /// Session end.
    pub end: Seconds,
    /// Departure from the door (after pack-up, and after lunch when lunch is taken here).
    pub departure: Seconds,
    /// The drive into this stop, from the previous place.
    pub drive_time: Seconds,
    /// Length of that drive.
    pub drive_distance: Metres,
}

/// Where a lunch break is taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BreakPlace {
    /// At the start place, before leaving.
    Start,
    /// At the end place, after coming back.
    End,
    /// At this booking's place (after pack-up, or at the door on arrival before set-up).
    Booking(String),
}

/// The lunch break within an itinerary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    /// Start of the break.
    pub start: Seconds,
    /// End of the break.
    pub end: Seconds,
    /// Where it is taken.
    pub place: BreakPlace,
}

/// One entry of an itinerary, in time order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A client visit.
    Visit(Visit),
    /// The lunch break.
    Break(Break),
}

/// Idle time around one visit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Idle {
    /// Waiting at the client's door before set-up can begin (the plan avoids it by leaving
    /// the previous place later, unless rush hour would add more driving than a quarter of
    /// the wait).
    pub at_door: Seconds,
    /// Free time after pack-up (and a lunch taken there) before leaving for the next place.
    pub free_after: Seconds,
}

/// One therapist's day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Itinerary {
    /// The therapist's id.
    pub therapist: String,
    /// The day, `None` for an undated plan.
    pub date: Option<NaiveDate>,
    /// Departure from the start place.
    pub leave: Seconds,
    /// Visits and the break, in time order.
    pub stops: Vec<Stop>,
    /// The drive from the last visit to the end place.
    pub return_drive_time: Seconds,
    /// Length of that drive.
    pub return_drive_distance: Metres,
    /// Arrival at the end place.
    pub back: Seconds,
}

impl Itinerary {
    /// The visits, without the break.
    pub fn visits(&self) -> impl Iterator<Item = &Visit> {
        self.stops.iter().filter_map(|s| match s {
            Stop::Visit(v) => Some(v),
            Stop::Break(_) => None,
        })
    }

    /// The lunch break, if the itinerary has one.
    pub fn lunch(&self) -> Option<&Break> {
        self.stops.iter().find_map(|s| match s {
            Stop::Break(b) => Some(b),
            Stop::Visit(_) => None,
        })
    }

    /// Total driving time, the drive home included.
    pub fn drive_time(&self) -> Seconds {
        self.visits().map(|v| v.drive_time).sum::<Seconds>() + self.return_drive_time
    }

    /// Total driving distance, the drive home included.
    pub fn drive_distance(&self) -> Metres {
        self.visits().map(|v| v.drive_distance).sum::<Metres>() + self.return_drive_distance
    }

    /// Total hands-on (session) time.
    pub fn hands_on(&self) -> Seconds {
        self.visits().map(|v| v.end - v.start).sum()
    }

    /// Length of the day, from leaving to coming back.
    pub fn day_length(&self) -> Seconds {
        self.back - self.leave
    }

    /// Idle time around each visit, in visit order: waiting at the door before set-up (lunch
    /// taken there aside), and free time between pack-up (and a lunch taken there) and
    /// leaving.
    pub fn idle(&self, problem: &Problem) -> Vec<Idle> {
        let therapist = problem
            .therapist_index(&self.therapist)
            .map(|t| &problem.therapists[t]);
        let mut out = Vec::new();
        for (i, stop) in self.stops.iter().enumerate() {
            let Stop::Visit(v) = stop else { continue };
            let (setup, packup) = match (therapist, problem.booking_index(&v.booking)) {
                (Some(t), Some(b)) => (problem.bookings[b].setup_for(t), t.packup),
                _ => (Seconds(0), Seconds(0)),
            };
            let break_here = |j: Option<usize>| match j.and_then(|j| self.stops.get(j)) {
                Some(Stop::Break(b)) if b.place == BreakPlace::Booking(v.booking.clone()) => {
                    Some(b.clone())
                }
                _ => None,
            };
            let ready = break_here(i.checked_sub(1)).map_or(v.arrival, |b| b.end.max(v.arrival));
            let lunch_after = break_here(Some(i + 1)).map_or(Seconds(0), |b| b.end - b.start);
            let before = v.start - setup - ready;
            let after = v.departure - v.end - packup - lunch_after;
            out.push(Idle {
                at_door: Seconds(before.0.max(0)),
                free_after: Seconds(after.0.max(0)),
            });
        }
        out
    }
}

/// Why a booking was not served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The booking is for a day that is not being planned.
    OtherDate,
    /// No therapist works on the booking's day.
    NoTherapistThatDay,
    /// The location lies outside every area the therapists serve.
    OutsideServiceArea,
    /// The area is served, but not on the booking's day.
    AreaNotServedThatDay,
    /// The pinned therapist does not exist or does not work that day.
    TherapistUnavailable,
    /// No therapist working that day has the skills it needs.
    MissingSkill,
    /// The session alone is longer than the therapist's hands-on limit.
    ExceedsHandsOnLimit,
    /// The booking's demand is more than any vehicle's capacity (benchmark instances).
    ExceedsCapacity,
    /// Each condition (area, skill, pinned therapist, limits) is met by some therapist
    /// working that day, but none meets them all; the detail says what each one lacks.
    NoEligibleTherapist,
    /// Even alone in the day, no start window can be reached within the shift and lunch.
    NoWindowFits,
    /// It fits alone, but not together with the bookings that were served.
    DayFull,
    /// A confirmed visit that cannot be kept at its time: it clashes with other confirmed
    /// visits, or its start cannot be reached within the shift.
    ConfirmedConflict,
    /// Cancelled while re-planning the day.
    Cancelled,
    /// It would be one heavy session more than the therapist's daily limit.
    HeavyLimit,
    /// It would take the day's driving over the therapist's limit.
    DriveLimit,
    /// No place in the day leaves the therapist's rest between sessions.
    RestLimit,
    /// It would make a longer stretch of hands-on work than the therapist's limit allows.
    HandsOnRunLimit,
}

impl Reason {
    /// Every reason, for parsing and documentation.
    pub const ALL: [Reason; 17] = [
        Reason::OtherDate,
        Reason::NoTherapistThatDay,
        Reason::OutsideServiceArea,
        Reason::AreaNotServedThatDay,
        Reason::TherapistUnavailable,
        Reason::MissingSkill,
        Reason::ExceedsHandsOnLimit,
        Reason::ExceedsCapacity,
        Reason::NoEligibleTherapist,
        Reason::NoWindowFits,
        Reason::DayFull,
        Reason::ConfirmedConflict,
        Reason::Cancelled,
        Reason::HeavyLimit,
        Reason::DriveLimit,
        Reason::RestLimit,
        Reason::HandsOnRunLimit,
    ];

    /// The stable machine-readable code, e.g. `day_full`.
    pub fn code(self) -> &'static str {
        match self {
            Reason::OtherDate => "other_date",
            Reason::NoTherapistThatDay => "no_therapist_that_day",
            Reason::OutsideServiceArea => "outside_service_area",
            Reason::AreaNotServedThatDay => "area_not_served_that_day",
            Reason::TherapistUnavailable => "therapist_unavailable",
            Reason::MissingSkill => "missing_skill",
            Reason::ExceedsHandsOnLimit => "exceeds_hands_on_limit",
            Reason::ExceedsCapacity => "exceeds_capacity",
            Reason::NoEligibleTherapist => "no_eligible_therapist",
            Reason::NoWindowFits => "no_window_fits",
            Reason::DayFull => "day_full",
            Reason::ConfirmedConflict => "confirmed_conflict",
            Reason::Cancelled => "cancelled",
            Reason::HeavyLimit => "heavy_limit",
            Reason::DriveLimit => "drive_limit",
            Reason::RestLimit => "rest_limit",
            Reason::HandsOnRunLimit => "hands_on_run_limit",
        }
    }

    /// The reason for a code, if it is one.
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A booking that is not in any itinerary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unassigned {
    /// The booking's id.
    pub booking: String,
    /// Why.
    pub reason: Reason,
    /// A sentence for people.
    pub detail: String,
}

/// The answer to a [`Problem`](crate::Problem).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Itineraries with at least one visit.
    pub itineraries: Vec<Itinerary>,
    /// Bookings not served.
    pub unassigned: Vec<Unassigned>,
    /// Whether the solver proved that no plan serves more priority with less driving.
    pub proven_optimal: bool,
}

impl Plan {
    /// Total driving time over all itineraries.
    pub fn drive_time(&self) -> Seconds {
        self.itineraries.iter().map(Itinerary::drive_time).sum()
    }

    /// Total driving distance over all itineraries.
    pub fn drive_distance(&self) -> Metres {
        self.itineraries.iter().map(Itinerary::drive_distance).sum()
    }

    /// Number of bookings served.
    pub fn served(&self) -> usize {
        self.itineraries.iter().map(|i| i.visits().count()).sum()
    }
}
