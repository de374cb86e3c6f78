//! The independent plan checker. It walks each itinerary as written and re-derives every
//! drive from the travel model itself (not the solver's matrix or scheduler), so that a plan
//! from anywhere — the solver, a file, another tool — can be verified.

use crate::model::{Location, Problem, Therapist};
use crate::plan::{Break, BreakPlace, Itinerary, Plan, Reason, Stop, Visit};
use crate::time::Seconds;
use crate::travel::TravelModel;
use std::collections::HashMap;
use std::fmt;

/// What kind of rule a [`Violation`] breaks; [`ViolationCode::as_str`] gives the stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ViolationCode {
    /// `window_missed`: A session starts outside every window of its booking (or a confirmed visit not at its time).
    WindowMissed,
    /// `overlap`: Two things happen at once, or the times of a visit are out of order with its drive.
    Overlap,
    /// `shift_broken`: The itinerary leaves before the shift opens, ends after it closes, or is not a working day.
    ShiftBroken,
    /// `lunch_broken`: The lunch break is missing, too short, outside its window or overlaps work.
    LunchBroken,
    /// `limit_exceeded`: A daily limit (visits, hands-on time, capacity) is exceeded.
    LimitExceeded,
    /// `booking_missing`: A booking is neither in an itinerary nor listed as unassigned.
    BookingMissing,
    /// `booking_duplicated`: A booking appears more than once.
    BookingDuplicated,
    /// `unknown_booking`: A visit or unassigned entry names a booking that is not in the problem.
    UnknownBooking,
    /// `unknown_therapist`: An itinerary names a therapist who is not in the problem.
    UnknownTherapist,
    /// `travel_inconsistent`: A drive differs from what the travel model says.
    TravelInconsistent,
    /// `times_inconsistent`: Arrival, start, end and departure do not add up (set-up, session, pack-up).
    TimesInconsistent,
    /// `not_eligible`: The therapist may not take the booking that day (area, skill, pin, limits).
    NotEligible,
    /// `confirmed_moved`: A confirmed visit is served at another time or by another therapist, or dropped without the `confirmed_conflict` reason.
    ConfirmedMoved,
}

impl ViolationCode {
    /// The stable machine-readable code, e.g. `window_missed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationCode::WindowMissed => "window_missed",
            ViolationCode::Overlap => "overlap",
            ViolationCode::ShiftBroken => "shift_broken",
            ViolationCode::LunchBroken => "lunch_broken",
            ViolationCode::LimitExceeded => "limit_exceeded",
            ViolationCode::BookingMissing => "booking_missing",
            ViolationCode::BookingDuplicated => "booking_duplicated",
            ViolationCode::UnknownBooking => "unknown_booking",
            ViolationCode::UnknownTherapist => "unknown_therapist",
            ViolationCode::TravelInconsistent => "travel_inconsistent",
            ViolationCode::TimesInconsistent => "times_inconsistent",
            ViolationCode::NotEligible => "not_eligible",
            ViolationCode::ConfirmedMoved => "confirmed_moved",
        }
    }
}

impl fmt::Display for ViolationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One way in which a plan breaks the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which rule.
    pub code: ViolationCode,
    /// What is wrong, naming the therapist, day and booking.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// Every violation of `plan` against `problem` with travel times from `model`; empty when
/// the plan is valid.
pub fn check(problem: &Problem, model: &dyn TravelModel, plan: &Plan) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut days_seen = Vec::new();
    for it in &plan.itineraries {
        let label = format!(
            "{} on {}",
            it.therapist,
            it.date.map_or("the day".into(), |d| d.to_string())
        );
        let Some(ti) = problem.therapist_index(&it.therapist) else {
            out.push(v(
                ViolationCode::UnknownTherapist,
                format!("itinerary for unknown therapist '{}'", it.therapist),
            ));
            continue;
        };
        if days_seen.contains(&(ti, it.date)) {
            out.push(v(
                ViolationCode::ShiftBroken,
                format!("{label}: two itineraries for the same therapist and day"),
            ));
        }
        days_seen.push((ti, it.date));
        let t = &problem.therapists[ti];
        if !problem.days.contains(&it.date) || !t.works_on(it.date) {
            out.push(v(
                ViolationCode::ShiftBroken,
                format!("{label}: not a planned working day of this therapist"),
            ));
        }
        for visit in it.visits() {
            *seen.entry(visit.booking.as_str()).or_default() += 1;
        }
        check_itinerary(problem, model, t, it, &label, &mut out);
    }
    for u in &plan.unassigned {
        *seen.entry(u.booking.as_str()).or_default() += 1;
        let confirmed = problem
            .booking_index(&u.booking)
            .is_some_and(|b| problem.bookings[b].confirmed.is_some());
        if confirmed && u.reason == Reason::DayFull {
            out.push(v(
                ViolationCode::ConfirmedMoved,
                format!(
                    "confirmed visit '{}' is dropped for a full day; a confirmed visit is never traded for another booking",
                    u.booking
                ),
            ));
        }
        if problem.booking_index(&u.booking).is_none() {
            out.push(v(
                ViolationCode::UnknownBooking,
                format!("unassigned booking '{}' is not in the bookings", u.booking),
            ));
        }
    }
    for b in &problem.bookings {
        match seen.get(b.id.as_str()).copied().unwrap_or(0) {
            0 => out.push(v(
                ViolationCode::BookingMissing,
                format!(
                    "booking '{}' is neither planned nor listed as unassigned",
                    b.id
                ),
            )),
            1 => {}
            n => out.push(v(
                ViolationCode::BookingDuplicated,
                format!("booking '{}' appears {n} times", b.id),
            )),
        }
    }
    out
}

fn v(code: ViolationCode, message: String) -> Violation {
    Violation { code, message }
}

fn check_itinerary(
    problem: &Problem,
    model: &dyn TravelModel,
    t: &Therapist,
    it: &Itinerary,
    label: &str,
    out: &mut Vec<Violation>,
) {
    let mut err = |code, msg: String| out.push(v(code, format!("{label}: {msg}")));
    if it.leave < t.shift.start {
        err(
            ViolationCode::ShiftBroken,
            format!(
                "leaves at {} before the shift starts at {}",
                it.leave, t.shift.start
            ),
        );
    }
    let breaks: Vec<&Break> = it
        .stops
        .iter()
        .filter_map(|s| {
            if let Stop::Break(b) = s {
                Some(b)
            } else {
                None
            }
        })
        .collect();
    match (&t.lunch, breaks.as_slice()) {
        (None, []) => {}
        (None, _) => err(
            ViolationCode::LunchBroken,
            "has a break but the therapist has no lunch configured".into(),
        ),
        (Some(_), []) => err(ViolationCode::LunchBroken, "has no lunch break".into()),
        (Some(l), [b]) => {
            if b.start < l.window.start || b.end > l.window.end || b.end - b.start < l.duration {
                err(
                    ViolationCode::LunchBroken,
                    format!(
                        "lunch {}-{} is not {} min inside {}",
                        b.start,
                        b.end,
                        l.duration.0 / 60,
                        l.window.text()
                    ),
                );
            }
            if b.start < t.shift.start || b.end > t.shift.end {
                err(
                    ViolationCode::LunchBroken,
                    format!("lunch {}-{} is outside the shift", b.start, b.end),
                );
            }
        }
        (Some(_), _) => err(ViolationCode::LunchBroken, "has more than one break".into()),
    }
    let visits: Vec<&Visit> = it.visits().collect();
    if let Some(max) = t.max_visits {
        if visits.len() > max as usize {
            err(
                ViolationCode::LimitExceeded,
                format!("{} visits, more than the limit of {max}", visits.len()),
            );
        }
    }
    let hands_on: Seconds = visits.iter().map(|x| x.end - x.start).sum();
    if let Some(max) = t.max_hands_on {
        if hands_on > max {
            err(
                ViolationCode::LimitExceeded,
                format!(
                    "{} min hands-on, more than the limit of {} min",
                    hands_on.0 / 60,
                    max.0 / 60
                ),
            );
        }
    }

    let heavy = visits
        .iter()
        .filter_map(|x| problem.booking_index(&x.booking))
        .filter(|&b| problem.bookings[b].heavy)
        .count();
    if let Some(max) = t.max_heavy.filter(|&m| heavy > m as usize) {
        err(
            ViolationCode::LimitExceeded,
            format!("{heavy} heavy sessions, more than the limit of {max}"),
        );
    }
    if let Some(max) = t.max_drive.filter(|&m| it.drive_time() > m) {
        err(
            ViolationCode::LimitExceeded,
            format!(
                "{} of driving, more than the limit of {}",
                it.drive_time().duration_text(),
                max.duration_text()
            ),
        );
    }
    let mut run = Seconds(0);
    for (i, x) in visits.iter().enumerate() {
        let gap = i.checked_sub(1).map(|p| x.start - visits[p].end);
        if let (Some(rest), Some(gap)) = (t.min_rest, gap) {
            if gap < rest {
                err(
                    ViolationCode::LimitExceeded,
                    format!(
                        "'{}' starts {} min after the session before, less than the rest of {} min",
                        x.booking,
                        gap.0 / 60,
                        rest.0 / 60
                    ),
                );
            }
        }
        if let Some(limit) = t.max_run {
            let joins = gap.is_some_and(|g| g < limit.rest);
            run = if joins {
                run + (x.end - x.start)
            } else {
                x.end - x.start
            };
            if run > limit.max {
                err(
                    ViolationCode::LimitExceeded,
                    format!(
                        "'{}' makes {} of hands-on work without a {}-minute break, more than {}",
                        x.booking,
                        run.duration_text(),
                        limit.rest.0 / 60,
                        limit.max.duration_text()
                    ),
                );
            }
        }
    }

    if let Some(cap) = t.capacity {
        let load: i64 = visits
            .iter()
            .filter_map(|x| problem.booking_index(&x.booking))
            .map(|b| problem.bookings[b].demand)
            .sum();
        if load > cap {
            err(
                ViolationCode::LimitExceeded,
                format!("load {load}, more than the capacity of {cap}"),
            );
        }
    }

    // Walk the day: `place` is where the therapist is, `free` when they may next do something.
    let mut place: Location = t.start;
    let mut free = t.shift.start;
    let mut depart = it.leave;
    let mut pending_door_break: Option<&Break> = None;
    for (i, stop) in it.stops.iter().enumerate() {
        match stop {
            Stop::Break(b) => {
                let next_is_here = |id: &str| matches!(it.stops.get(i + 1), Some(Stop::Visit(n)) if n.booking == id);
                let prev_is_here = |id: &str| {
                    i > 0 && matches!(&it.stops[i - 1], Stop::Visit(p) if p.booking == id)
                };
                match &b.place {
                    BreakPlace::Start if i == 0 => {
                        if b.start < free || b.end > it.leave {
                            err(ViolationCode::Overlap, format!("lunch at the start place {}-{} does not end before leaving at {}", b.start, b.end, it.leave));
                        }
                    }
                    BreakPlace::End if i + 1 == it.stops.len() => {
                        if b.start < it.back {
                            err(
                                ViolationCode::Overlap,
                                format!(
                                    "lunch at the end place starts at {} before arriving at {}",
                                    b.start, it.back
                                ),
                            );
                        }
                    }
                    BreakPlace::Booking(id) if prev_is_here(id) => {
                        if b.start < free || b.end > depart_of(&it.stops[i - 1]) {
                            err(
                                ViolationCode::Overlap,
                                format!(
                                    "lunch {}-{} at '{id}' overlaps the visit or the drive",
                                    b.start, b.end
                                ),
                            );
                        }
                    }
                    BreakPlace::Booking(id) if next_is_here(id) => pending_door_break = Some(b),
                    _ => err(
                        ViolationCode::LunchBroken,
                        "the break is not at the start, the end, or a neighbouring visit".into(),
                    ),
                }
            }
            Stop::Visit(x) => {
                let Some(bi) = problem.booking_index(&x.booking) else {
                    err(
                        ViolationCode::UnknownBooking,
                        format!("visit to unknown booking '{}'", x.booking),
                    );
                    continue;
                };
                let bk = &problem.bookings[bi];
                let d = model.drive(place, bk.location, depart);
                if d.time != x.drive_time || d.distance != x.drive_distance {
                    err(
                        ViolationCode::TravelInconsistent,
                        format!(
                            "drive to '{}' is {} s / {} m, the model says {} s / {} m",
                            x.booking, x.drive_time.0, x.drive_distance.0, d.time.0, d.distance.0
                        ),
                    );
                }
                if x.arrival != depart + d.time {
                    err(
                        ViolationCode::TimesInconsistent,
                        format!(
                            "arrives at '{}' at {}, expected {}",
                            x.booking,
                            x.arrival,
                            depart + d.time
                        ),
                    );
                }
                let mut ready = x.arrival;
                if let Some(b) = pending_door_break.take() {
                    if b.start < x.arrival {
                        err(
                            ViolationCode::Overlap,
                            format!(
                                "lunch at '{}' starts at {} before arriving at {}",
                                x.booking, b.start, x.arrival
                            ),
                        );
                    }
                    ready = ready.max(b.end);
                }
                let setup = bk.setup_for(t);
                if x.start < ready + setup {
                    err(
                        ViolationCode::Overlap,
                        format!(
                            "'{}' starts at {}, before {} min of set-up after {}",
                            x.booking,
                            x.start,
                            setup.0 / 60,
                            ready
                        ),
                    );
                }
                let windows = bk.start_windows(t);
                if let Some(c) = bk.confirmed {
                    if x.start != c {
                        err(
                            ViolationCode::ConfirmedMoved,
                            format!(
                                "'{}' is confirmed for {c}, planned at {}",
                                x.booking, x.start
                            ),
                        );
                    }
                } else if !windows.iter().any(|w| w.contains(x.start)) {
                    let ws: Vec<String> = windows.iter().map(|w| w.text()).collect();
                    err(
                        ViolationCode::WindowMissed,
                        format!(
                            "'{}' starts at {}, outside {}",
                            x.booking,
                            x.start,
                            ws.join(" or ")
                        ),
                    );
                }
                if x.end != x.start + bk.session {
                    err(
                        ViolationCode::TimesInconsistent,
                        format!(
                            "'{}' lasts {} min, booked {} min",
                            x.booking,
                            (x.end - x.start).0 / 60,
                            bk.session.0 / 60
                        ),
                    );
                }
                if x.departure < x.end + t.packup {
                    err(
                        ViolationCode::Overlap,
                        format!(
                            "leaves '{}' at {}, before {} min of pack-up after {}",
                            x.booking,
                            x.departure,
                            t.packup.0 / 60,
                            x.end
                        ),
                    );
                }
                if let Err(why) = bk.eligibility(t, it.date) {
                    err(
                        ViolationCode::NotEligible,
                        format!("'{}': {}", x.booking, why.text()),
                    );
                }
                place = bk.location;
                free = x.end + t.packup;
                depart = x.departure;
            }
        }
    }
    let d = model.drive(place, t.end, depart);
    if d.time != it.return_drive_time || d.distance != it.return_drive_distance {
        err(
            ViolationCode::TravelInconsistent,
            format!(
                "drive home is {} s / {} m, the model says {} s / {} m",
                it.return_drive_time.0, it.return_drive_distance.0, d.time.0, d.distance.0
            ),
        );
    }
    if it.back != depart + d.time {
        err(
            ViolationCode::TimesInconsistent,
            format!("back at {}, expected {}", it.back, depart + d.time),
        );
    }
    if it.back > t.shift.end {
        err(
            ViolationCode::ShiftBroken,
            format!(
                "back at {} after the shift ends at {}",
                it.back, t.shift.end
            ),
        );
    }
}

fn depart_of(s: &Stop) -> Seconds {
    match s {
        Stop::Visit(v) => v.departure,
        Stop::Break(b) => b.end,
    }
}
