//! From routes to a [`Plan`]: every route timed into an itinerary, every booking not served
//! listed with the reason a person would give.

use super::instance::{Instance, Rank};
use super::route::{LunchAt, Scheduler, Timed};
use crate::model::Ineligible;
use crate::plan::{Break, BreakPlace, Itinerary, Plan, Reason, Stop, Unassigned, Visit};
use crate::time::Seconds;

/// Times every route and lists the bookings that are not served.
pub(super) fn assemble(
    inst: &Instance,
    shifts_of: &[Vec<usize>],
    routes: Vec<Vec<usize>>,
    proven: bool,
) -> Plan {
    let p = inst.problem;
    let mut served = vec![false; inst.n()];
    let mut itineraries = Vec::new();
    let mut proven_optimal = proven;
    for (s, route) in routes.iter().enumerate() {
        if route.is_empty() {
            continue;
        }
        let sched = Scheduler { inst, shift: s };
        let Some(timed) = sched.timed(route) else {
            // The search only keeps feasible routes; should one fail to time, its bookings
            // are reported rather than lost.
            debug_assert!(false, "a route kept by the search could not be timed");
            proven_optimal = false;
            continue;
        };
        for &b in route {
            served[b] = true;
        }
        itineraries.push(itinerary(inst, s, route, &timed));
    }
    let unassigned = (0..inst.n())
        .filter(|&b| !served[b])
        .map(|b| {
            let confirmed = inst.bookings[b].priority == Rank::Confirmed;
            let (reason, detail) = if confirmed && !inst.can_serve[b].is_empty() {
                (Reason::ConfirmedConflict, conflict(inst, &routes, b))
            } else if shifts_of[b].is_empty() {
                why_not(inst, b)
            } else {
                day_full(inst, &shifts_of[b], &routes, b)
            };
            Unassigned {
                booking: p.bookings[b].id.clone(),
                reason,
                detail,
            }
        })
        .collect();
    Plan {
        itineraries,
        unassigned,
        proven_optimal,
    }
}

fn itinerary(inst: &Instance, s: usize, route: &[usize], t: &Timed) -> Itinerary {
    let p = inst.problem;
    let shift = &p.shifts[s];
    let sd = &inst.shifts[s];
    let mut prev = sd.start_loc;
    let mut leave = t.leave;
    let mut stops: Vec<Stop> = Vec::with_capacity(route.len() + 1);
    for (&b, st) in route.iter().zip(&t.stops) {
        let loc = inst.bookings[b].loc;
        stops.push(Stop::Visit(Visit {
            booking: p.bookings[b].id.clone(),
            arrival: Seconds(st.arrival),
            start: Seconds(st.start),
            end: Seconds(st.end),
            departure: Seconds(st.departure),
            drive_time: Seconds(st.drive),
            drive_distance: inst.matrix.drive(prev, loc, Seconds(leave)).distance,
        }));
        leave = st.departure;
        prev = loc;
    }
    let return_distance = inst.matrix.drive(prev, sd.end_loc, Seconds(leave)).distance;
    if let Some((at, start, end)) = t.lunch {
        let (pos, place) = match at {
            LunchAt::Place(0) => (0, BreakPlace::Start),
            LunchAt::Place(g) => (g, BreakPlace::Booking(p.bookings[route[g - 1]].id.clone())),
            LunchAt::Door(g) if g == route.len() => (g, BreakPlace::End),
            LunchAt::Door(g) => (g, BreakPlace::Booking(p.bookings[route[g]].id.clone())),
            LunchAt::None => unreachable!("a timed lunch has a place"),
        };
        stops.insert(
            pos,
            Stop::Break(Break {
                start: Seconds(start),
                end: Seconds(end),
                place,
            }),
        );
    }
    Itinerary {
        therapist: p.therapists[shift.therapist].id.clone(),
        date: shift.date,
        leave: Seconds(t.leave),
        stops,
        return_drive_time: Seconds(t.return_drive),
        return_drive_distance: return_distance,
        back: Seconds(t.back),
    }
}

/// Which shift-day `s` is, for messages: `maya on 2026-12-01`.
fn shift_text(inst: &Instance, s: usize) -> String {
    let shift = &inst.problem.shifts[s];
    let t = &inst.problem.therapists[shift.therapist].id;
    shift.date.map_or(t.clone(), |d| format!("{t} on {d}"))
}

/// What stops booking `b`, which fits each shift of `shifts` alone, from joining the planned
/// routes: the daily limits it would break, with the numbers, or the lack of a gap. When the
/// same limit that protects the body stops it on every shift, that limit is the reason
/// (`heavy_limit`, `drive_limit`, `rest_limit`, `hands_on_run_limit`); otherwise `day_full`.
pub(super) fn day_full(
    inst: &Instance,
    shifts: &[usize],
    routes: &[Vec<usize>],
    b: usize,
) -> (Reason, String) {
    let bd = &inst.bookings[b];
    let mut why = Vec::new();
    let mut reasons = Vec::new();
    for &s in shifts {
        let (sd, route) = (&inst.shifts[s], &routes[s]);
        let sum = |f: &dyn Fn(usize) -> i64| route.iter().map(|&v| f(v)).sum::<i64>();
        let hands_on = sum(&|v| inst.bookings[v].session) + bd.session;
        let load = sum(&|v| inst.bookings[v].demand) + bd.demand;
        let heavy = route.iter().filter(|&&v| inst.bookings[v].heavy).count() + 1;
        let (reason, limit) = match body_limit(inst, s, route, b) {
            _ if bd.heavy && heavy > sd.max_heavy => (
                Reason::HeavyLimit,
                format!(
                    "would be the {} heavy session, limit {}",
                    ordinal(heavy),
                    sd.max_heavy
                ),
            ),
            Some(found) => found,
            None => (Reason::DayFull, String::new()),
        };
        reasons.push(reason);
        if reason != Reason::DayFull {
            why.push(format!("{}: {limit}", shift_text(inst, s)));
            continue;
        }
        let limit = if route.len() >= sd.max_visits {
            format!(
                "would be visit {}, limit {}",
                route.len() + 1,
                sd.max_visits
            )
        } else if hands_on > sd.max_hands_on {
            format!(
                "would make {} min hands-on, limit {}",
                hands_on / 60,
                sd.max_hands_on / 60
            )
        } else if load > sd.capacity {
            format!("would make a load of {load}, capacity {}", sd.capacity)
        } else {
            format!("no gap between its {} visits fits it", route.len())
        };
        why.push(format!("{}: {limit}", shift_text(inst, s)));
    }
    why.truncate(3);
    let reason = match reasons.first() {
        Some(&r) if reasons.iter().all(|&x| x == r) => r,
        _ => Reason::DayFull,
    };
    (
        reason,
        format!(
            "fits alone, but not together with the visits that were planned ({})",
            why.join("; ")
        ),
    )
}

/// `1st`, `2nd`, `third` ...: the words up to ten, then digits.
fn ordinal(n: usize) -> String {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    WORDS
        .get(n.wrapping_sub(1))
        .map_or_else(|| format!("{n}th"), |w| w.to_string())
}

/// Which limit that protects the body alone keeps booking `b` out of `route` on shift `s`:
/// the first of driving, rest and hands-on runs without which it would fit somewhere in the
/// route, with its numbers.
fn body_limit(inst: &Instance, s: usize, route: &[usize], b: usize) -> Option<(Reason, String)> {
    let sd = &inst.shifts[s];
    if !sd.has_body_limits() {
        return None;
    }
    let relaxed = |f: &dyn Fn(&mut super::instance::ShiftData)| {
        let mut shifts = inst.shifts.clone();
        f(&mut shifts[s]);
        Instance {
            problem: inst.problem,
            matrix: inst.matrix.clone(),
            shifts,
            bookings: inst.bookings.clone(),
            can_serve: inst.can_serve.clone(),
        }
    };
    // The least driving of a day with `b` inserted, when one fits at all.
    let best = |relaxed: &Instance| {
        (0..=route.len())
            .filter_map(|p| {
                let mut seq = route.to_vec();
                seq.insert(p, b);
                Scheduler {
                    inst: relaxed,
                    shift: s,
                }
                .cost(&seq)
            })
            .map(|c| c.drive)
            .min()
    };
    if sd.max_drive != i64::MAX {
        if let Some(d) = best(&relaxed(&|x| x.max_drive = i64::MAX)) {
            return Some((
                Reason::DriveLimit,
                format!(
                    "would make {} of driving, limit {}",
                    Seconds(d).duration_text(),
                    Seconds(sd.max_drive).duration_text()
                ),
            ));
        }
    }
    if sd.min_rest > 0 && best(&relaxed(&|x| x.min_rest = 0)).is_some() {
        return Some((
            Reason::RestLimit,
            format!(
                "no place in the day leaves {} min of rest between sessions",
                sd.min_rest / 60
            ),
        ));
    }
    if let Some((max, gap)) = sd.run {
        if best(&relaxed(&|x| x.run = None)).is_some() {
            return Some((
                Reason::HandsOnRunLimit,
                format!(
                    "would make more than {} of hands-on work without a {}-minute break",
                    Seconds(max).duration_text(),
                    gap / 60
                ),
            ));
        }
    }
    None
}

/// Why confirmed visit `b`, which its therapist may take that day, is not kept: the confirmed
/// visits of the day it clashes with, or why its time cannot be reached even alone.
fn conflict(inst: &Instance, routes: &[Vec<usize>], b: usize) -> String {
    let p = inst.problem;
    let at = p.bookings[b].confirmed.unwrap_or_default();
    let s = inst.can_serve[b][0];
    let sched = Scheduler { inst, shift: s };
    if sched.cost(&[b]).is_none() {
        return format!("confirmed for {at}, but {}", no_window(inst, b));
    }
    let others: Vec<String> = routes[s]
        .iter()
        .filter(|&&v| inst.bookings[v].priority == Rank::Confirmed)
        .map(|&v| {
            let c = p.bookings[v].confirmed.unwrap_or_default();
            format!("{} at {c}", p.bookings[v].id)
        })
        .collect();
    let with = if others.is_empty() {
        "the visits planned".to_string()
    } else {
        format!("the confirmed visits {}", others.join(", "))
    };
    format!(
        "confirmed for {at}, but {}: cannot be kept together with {with}",
        shift_text(inst, s)
    )
}

/// Why booking `b` cannot be served on any shift that may take it, even alone, with the
/// numbers of the first few: the earliest start against the window, the way home against the
/// end of the shift, or the lunch.
fn no_window(inst: &Instance, b: usize) -> String {
    let bd = &inst.bookings[b];
    let mut why = Vec::new();
    for &s in inst.can_serve[b].iter().take(3) {
        let sd = &inst.shifts[s];
        let sched = Scheduler { inst, shift: s };
        let drive = inst.matrix.secs(sd.start_loc, bd.loc, sd.open);
        let ready = sd.open + drive;
        let setup = bd.setup.unwrap_or(sd.setup);
        let text = match sched.session_start(b, ready) {
            None => {
                let closes = bd.windows.last().map_or(sd.close, |w| w.1);
                format!(
                    "leaving at {}, the earliest start is {} ({} min drive, {} min set-up); the last window closes at {}",
                    Seconds(sd.open),
                    Seconds(ready + setup),
                    Seconds(drive).round_minutes(),
                    setup / 60,
                    Seconds(closes)
                )
            }
            Some(start) => {
                let out = start + bd.session + sd.packup;
                let back = out + inst.matrix.secs(bd.loc, sd.end_loc, out);
                if back > sd.close {
                    format!(
                        "starting at {}, the day ends at {}, after the shift ends at {}",
                        Seconds(start),
                        Seconds(back),
                        Seconds(sd.close)
                    )
                } else {
                    let (la, lb, ll) = sd.lunch.unwrap_or_default();
                    format!(
                        "starting at {} leaves no room for the {}-minute lunch in {}-{}",
                        Seconds(start),
                        ll / 60,
                        Seconds(la),
                        Seconds(lb)
                    )
                }
            }
        };
        why.push(format!("{}: {text}", shift_text(inst, s)));
    }
    let windows: Vec<String> = bd
        .windows
        .iter()
        .map(|w| format!("{}-{}", Seconds(w.0), Seconds(w.1)))
        .collect();
    let windows = if windows.is_empty() {
        "the shift".to_string()
    } else {
        windows.join(" or ")
    };
    format!("no start in {windows} can be reached ({})", why.join("; "))
}

/// Why booking `b` fits no shift at all. Each condition is checked across every therapist
/// working the booking's day(s) with the one eligibility rule ([`Booking::eligibility`]): the
/// first condition that no therapist meets names the reason, and its detail says who falls
/// short and how; when every condition is met by someone but never all by one therapist,
/// the detail lists what each one lacks.
///
/// [`Booking::eligibility`]: crate::Booking::eligibility
pub(super) fn why_not(inst: &Instance, b: usize) -> (Reason, String) {
    let p = inst.problem;
    let bk = &p.bookings[b];
    let day_text =
        |d: Option<chrono::NaiveDate>| d.map_or("the planned day".to_string(), |d| d.to_string());
    if let Some(d) = bk.date {
        if !p.days.contains(&Some(d)) {
            let planned: Vec<String> = p.days.iter().map(|&d| day_text(d)).collect();
            return (
                Reason::OtherDate,
                format!("booked for {d}; this plan covers {}", planned.join(", ")),
            );
        }
    }
    let days: Vec<Option<chrono::NaiveDate>> = match bk.date {
        Some(d) => vec![Some(d)],
        None => p
            .days
            .iter()
            .copied()
            .filter(|&d| bk.may_go_on(d))
            .collect(),
    };
    if days.is_empty() {
        let planned: Vec<String> = p.days.iter().map(|&d| day_text(d)).collect();
        let mut asks = Vec::new();
        if !bk.days.is_empty() {
            let names: Vec<String> = bk.days.iter().map(|d| d.to_string()).collect();
            asks.push(format!("on {}", names.join(", ")));
        }
        if let Some((a, b)) = bk.date_range {
            asks.push(format!("from {a} to {b}"));
        }
        return (
            Reason::OtherDate,
            format!(
                "asks for a day {}; this plan covers {}",
                asks.join(" "),
                planned.join(", ")
            ),
        );
    }
    let when = days
        .iter()
        .map(|&d| day_text(d))
        .collect::<Vec<_>>()
        .join(", ");
    // (therapist, day, eligibility) for every therapist working one of the days.
    let working: Vec<(
        &crate::Therapist,
        Option<chrono::NaiveDate>,
        Result<(), Ineligible>,
    )> = days
        .iter()
        .flat_map(|&d| p.therapists.iter().map(move |t| (t, d)))
        .filter(|(t, d)| t.works_on(*d))
        .map(|(t, d)| (t, d, bk.eligibility(t, d)))
        .collect();
    let ids = |ts: &mut dyn Iterator<Item = &crate::Therapist>| {
        let mut v: Vec<&str> = ts.map(|t| t.id.as_str()).collect();
        v.dedup();
        v.join(", ")
    };
    if working.is_empty() {
        return (
            Reason::NoTherapistThatDay,
            format!("no therapist works on {when}"),
        );
    }
    if working.iter().any(|w| w.2.is_ok()) {
        return (Reason::NoWindowFits, no_window(inst, b));
    }
    let area = bk.area.as_deref();
    if !working.iter().any(|(t, d, _)| t.serves_area(area, *d)) {
        let serving: Vec<&crate::Therapist> = p
            .therapists
            .iter()
            .filter(|t| t.serves_area(area, None))
            .collect();
        let place = area.map_or_else(
            || format!("{:.4}, {:.4}", bk.location.lat, bk.location.lon),
            str::to_string,
        );
        if serving.is_empty() {
            let detail = match area {
                Some(a) => format!("{a} is not among the areas served"),
                None => format!("{place} is outside every service area"),
            };
            return (Reason::OutsideServiceArea, detail);
        }
        let why: Vec<String> = serving
            .iter()
            .map(|t| {
                if days.iter().all(|&d| !t.works_on(d)) {
                    format!("{} serves it but does not work on {when}", t.id)
                } else {
                    let on: Vec<String> = t
                        .areas
                        .iter()
                        .flatten()
                        .filter(|r| Some(r.area.as_str()) == area)
                        .flat_map(|r| r.days.iter().map(|d| d.to_string()))
                        .collect();
                    format!("{} serves it on {} only", t.id, on.join(", "))
                }
            })
            .collect();
        return (
            Reason::AreaNotServedThatDay,
            format!("{place} is not served on {when}: {}", why.join("; ")),
        );
    }
    if let Some(pin) = &bk.therapist {
        if !working.iter().any(|(t, _, _)| t.id == *pin) {
            let msg = match p.therapist_index(pin) {
                None => format!("pinned to therapist '{pin}', who is not in the therapist file"),
                Some(_) => format!("pinned to therapist '{pin}', who does not work on {when}"),
            };
            return (Reason::TherapistUnavailable, msg);
        }
    }
    if !working.iter().any(|(t, _, _)| t.has_skills(&bk.skills)) {
        let elsewhere = ids(&mut p.therapists.iter().filter(|t| t.has_skills(&bk.skills)));
        let also = if elsewhere.is_empty() {
            String::new()
        } else {
            format!(" ({elsewhere} has it, but does not work on {when})")
        };
        return (
            Reason::MissingSkill,
            format!(
                "needs {}; no therapist working on {when} has it{also}",
                bk.skills.join(", ")
            ),
        );
    }
    if !working
        .iter()
        .any(|(t, _, _)| t.max_hands_on.is_none_or(|h| bk.session <= h))
    {
        return (
            Reason::ExceedsHandsOnLimit,
            format!(
                "a {}-minute session is longer than the daily hands-on limit of every therapist working on {when}",
                bk.session.0 / 60
            ),
        );
    }
    if !working
        .iter()
        .any(|(t, _, _)| t.capacity.is_none_or(|c| bk.demand <= c))
    {
        return (
            Reason::ExceedsCapacity,
            format!("a demand of {} is more than any vehicle carries", bk.demand),
        );
    }
    let lacks_text = |t: &crate::Therapist, e: Ineligible| match e {
        Ineligible::Area => format!("does not serve {} that day", area.unwrap_or("the place")),
        Ineligible::Skill => {
            let missing: Vec<&str> = bk
                .skills
                .iter()
                .filter(|s| !t.skills.contains(s))
                .map(String::as_str)
                .collect();
            format!("lacks {}", missing.join(", "))
        }
        e => e.text().to_string(),
    };
    let mut lacks: Vec<String> = working
        .iter()
        .filter_map(|(t, _, e)| e.err().map(|e| format!("{} {}", t.id, lacks_text(t, e))))
        .collect();
    lacks.dedup();
    (
        Reason::NoEligibleTherapist,
        format!(
            "no therapist working on {when} meets every condition ({})",
            lacks.join("; ")
        ),
    )
}
