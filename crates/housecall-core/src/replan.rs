//! Re-planning during the day: visits started by `now` stay (the one in progress finishes,
//! later if it runs long), cancellations and new bookings are taken in, and the rest of the
//! day is planned again from where each therapist is, with the visits, hands-on time and
//! lunch already used counted. [`check_resumed`] validates such a plan from the resume point.

use crate::check::{check, Violation, ViolationCode};
use crate::model::{Booking, Location, Lunch, Problem, Therapist};
use crate::plan::{Itinerary, Plan, Reason, Stop, Unassigned};
use crate::solver::{solve_from, SolveOptions};
use crate::time::{Seconds, TimeWindow};
use crate::travel::TravelModel;
use crate::validate::ProblemError;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Where the day stands when re-planning.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Resume {
    /// The day re-planned (`None` for an undated plan); other days are left as they are.
    pub date: Option<NaiveDate>,
    /// The time of re-planning, seconds since midnight: visits that started before it stay.
    pub now: Seconds,
    /// Where a therapist is at `now`, when not at the last visit started (or at home).
    pub at: Vec<(String, Location)>,
    /// Bookings cancelled (ids): they leave the plan, listed as `cancelled`.
    pub cancel: Vec<String>,
    /// New bookings to fit into the rest of the day.
    pub add: Vec<Booking>,
    /// Visits in progress that run long (id, extra time): they end that much later.
    pub delay: Vec<(String, Seconds)>,
}

impl Resume {
    /// Re-planning day `date` at `now`, with nothing else changed.
    pub fn new(date: Option<NaiveDate>, now: Seconds) -> Self {
        Resume {
            date,
            now,
            ..Resume::default()
        }
    }
}

/// A re-planned day.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Replanned {
    /// The problem with the added bookings (what the plan accounts for).
    pub problem: Problem,
    /// The plan: visits started before `now` as they were, the rest planned again.
    pub plan: Plan,
    /// What changed, one sentence per booking, by booking id.
    pub changes: Vec<String>,
}

/// Re-plans `resume.date` of `plan` at `resume.now` (see [`Resume`]): the started visits stay,
/// the rest of the day is planned again from each therapist's position with `opts`, starting
/// from the old plan so that little moves without reason.
///
/// ```
/// use housecall_core::*;
/// let home = Location { lat: 43.685, lon: -79.76 };
/// let shift = TimeWindow::new(Seconds::hm(8, 30), Seconds::hm(18, 0)).unwrap();
/// let at = |lat, lon| Location { lat, lon };
/// let problem = Problem::new(
///     vec![
///         Booking::new("b1", at(43.59, -79.64), Seconds::from_minutes(60)),
///         Booking::new("b2", at(43.65, -79.70), Seconds::from_minutes(45)),
///         Booking::new("b3", at(43.62, -79.68), Seconds::from_minutes(60)),
///     ],
///     vec![Therapist::new("t1", home, shift)],
///     None,
/// );
/// let model = StraightLine::default();
/// let plan = solve(&problem, &model, &SolveOptions::default())?;
/// // At 11:00 the last visit is cancelled.
/// let last = plan.itineraries[0].visits().last().unwrap().booking.clone();
/// let mut resume = Resume::new(None, Seconds::hm(11, 0));
/// resume.cancel.push(last.clone());
/// let again = replan(&problem, &model, &SolveOptions::default(), &plan, &resume)?;
/// assert_eq!(again.plan.served(), 2);
/// assert!(again.changes.iter().any(|c| c.starts_with(&format!("{last}: cancelled"))));
/// assert!(check_resumed(&problem, &model, &again.plan, &resume)?.is_empty());
/// # Ok::<(), ProblemError>(())
/// ```
pub fn replan(
    problem: &Problem,
    model: &dyn TravelModel,
    opts: &SolveOptions,
    plan: &Plan,
    resume: &Resume,
) -> Result<Replanned, ProblemError> {
    let full = with_added(problem, resume)?;
    for id in &resume.cancel {
        if full.booking_index(id).is_none() {
            return Err(bad(format!("--cancel {id}: no booking has this id")));
        }
    }
    let delayed = apply_delays(plan, resume)?;
    let cut = Cut::new(&full, &delayed, resume)?;
    let again = solve_from(&cut.reduced, model, opts, &delayed)?;
    let merged = cut.merge(&full, model, &delayed, again, resume);
    let changes = changes(&full, plan, &merged, resume);
    Ok(Replanned {
        problem: full,
        plan: merged,
        changes,
    })
}

/// The violations of a re-planned `plan` from the resume point on: the rest of the day
/// (visits starting at or after `resume.now`, from each therapist's position, with what was
/// used counted) checked against the rest of the problem as [`replan`] builds it, and every
/// booking of `problem` and `resume.add` accounted for exactly once. `resume.delay` is not
/// used: the plan's visits in progress already carry their delays.
pub fn check_resumed(
    problem: &Problem,
    model: &dyn TravelModel,
    plan: &Plan,
    resume: &Resume,
) -> Result<Vec<Violation>, ProblemError> {
    let problem = &with_added(problem, resume)?;
    let cut = Cut::new(problem, plan, resume)?;
    let rest: Vec<Itinerary> = plan
        .itineraries
        .iter()
        .filter(|it| it.date == resume.date)
        .filter_map(|it| {
            let (kept, leave) = cut.rest_of(it);
            (!kept.is_empty()).then(|| Itinerary {
                leave,
                stops: kept,
                ..it.clone()
            })
        })
        .collect();
    let reduced_plan = Plan {
        itineraries: rest,
        unassigned: plan
            .unassigned
            .iter()
            .filter(|u| cut.reduced.booking_index(&u.booking).is_some())
            .cloned()
            .collect(),
        proven_optimal: false,
    };
    let mut out = check(&cut.reduced, model, &reduced_plan);
    // Every booking accounted for once across the whole plan.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for it in &plan.itineraries {
        for v in it.visits() {
            *seen.entry(&v.booking).or_default() += 1;
        }
    }
    for u in &plan.unassigned {
        *seen.entry(&u.booking).or_default() += 1;
        if resume.cancel.contains(&u.booking) != (u.reason == Reason::Cancelled) {
            out.push(Violation {
                code: ViolationCode::BookingMissing,
                message: format!(
                    "'{}' is listed as {} but was {}cancelled",
                    u.booking,
                    u.reason,
                    if u.reason == Reason::Cancelled {
                        "not "
                    } else {
                        ""
                    }
                ),
            });
        }
    }
    for b in &problem.bookings {
        match seen.get(b.id.as_str()).copied().unwrap_or(0) {
            1 => {}
            0 => out.push(Violation {
                code: ViolationCode::BookingMissing,
                message: format!("booking '{}' is neither planned nor unassigned", b.id),
            }),
            n => out.push(Violation {
                code: ViolationCode::BookingDuplicated,
                message: format!("booking '{}' appears {n} times", b.id),
            }),
        }
    }
    Ok(out)
}

/// The day to re-plan when none is named: the problem's only day, or else the plan's only
/// day; `None` when there are several (the caller must name one).
pub fn replan_day(problem: &Problem, plan: &Plan) -> Option<Option<NaiveDate>> {
    let mut dates: Vec<_> = plan.itineraries.iter().map(|it| it.date).collect();
    dates.sort();
    dates.dedup();
    match (problem.days.as_slice(), dates.as_slice()) {
        ([d], _) | (_, [d]) => Some(*d),
        _ => None,
    }
}

fn bad(detail: String) -> ProblemError {
    ProblemError::Replan { detail }
}

/// The problem with `resume.add` (dated the re-planned day when undated).
fn with_added(problem: &Problem, resume: &Resume) -> Result<Problem, ProblemError> {
    let mut full = problem.clone();
    for b in &resume.add {
        if full.booking_index(&b.id).is_some() {
            return Err(bad(format!(
                "added booking '{}': this id is already a booking",
                b.id
            )));
        }
        let mut b = b.clone();
        if b.date.is_none() {
            b.date = resume.date;
        }
        full.bookings.push(b);
    }
    full.validate()?;
    Ok(full)
}

/// `plan` with each delayed visit ending (and leaving) later; only a visit that has started
/// by `now` may be delayed.
fn apply_delays(plan: &Plan, resume: &Resume) -> Result<Plan, ProblemError> {
    let mut out = plan.clone();
    for (id, extra) in &resume.delay {
        if extra.0 <= 0 || extra.0 > 86_400 {
            return Err(bad(format!(
                "--delay {id}: {} s; a visit runs long by a positive time of at most a day",
                extra.0
            )));
        }
        let visit = out
            .itineraries
            .iter_mut()
            .filter(|it| it.date == resume.date)
            .flat_map(|it| it.stops.iter_mut())
            .find_map(|s| match s {
                Stop::Visit(v) if v.booking == *id => Some(v),
                _ => None,
            })
            .ok_or_else(|| bad(format!("--delay {id}: not a visit of the day's plan")))?;
        if visit.start >= resume.now {
            return Err(bad(format!(
                "--delay {id}: the visit starts at {}, after --now {}; only a visit in progress can run long",
                visit.start, resume.now
            )));
        }
        visit.end += *extra;
        visit.departure += *extra;
    }
    Ok(out)
}

/// The day cut at `now`: per therapist what is done and where the rest starts, and the
/// problem of the rest of the day.
struct Cut {
    /// The rest of the day: bookings not started, not cancelled, not on another day; each
    /// therapist from their position at the time they are free, with reduced limits.
    reduced: Problem,
    /// Per therapist id: the stops that started before `now`.
    done: HashMap<String, Vec<Stop>>,
}

impl Cut {
    fn new(full: &Problem, plan: &Plan, resume: &Resume) -> Result<Self, ProblemError> {
        let now = resume.now;
        let mut done: HashMap<String, Vec<Stop>> = HashMap::new();
        let mut started: Vec<String> = Vec::new();
        let mut elsewhere: Vec<&str> = Vec::new();
        for it in &plan.itineraries {
            if it.date != resume.date {
                elsewhere.extend(it.visits().map(|v| v.booking.as_str()));
                continue;
            }
            let stops: Vec<Stop> = it
                .stops
                .iter()
                .filter(|s| stop_start(s) < now)
                .cloned()
                .collect();
            started.extend(stops.iter().filter_map(|s| match s {
                Stop::Visit(v) => Some(v.booking.clone()),
                Stop::Break(_) => None,
            }));
            done.insert(it.therapist.clone(), stops);
        }
        if let Some(id) = resume.cancel.iter().find(|c| started.contains(c)) {
            return Err(bad(format!(
                "--cancel {id}: the visit started before --now {now}; it stays in the day"
            )));
        }
        for (id, _) in &resume.at {
            if full.therapist_index(id).is_none() {
                return Err(bad(format!("--at {id}: no therapist has this id")));
            }
        }
        let bookings: Vec<Booking> = full
            .bookings
            .iter()
            .filter(|b| {
                !started.contains(&b.id)
                    && !elsewhere.contains(&b.id.as_str())
                    && !resume.cancel.contains(&b.id)
                    && (b.date.is_none() || b.date == resume.date)
            })
            .cloned()
            .collect();
        let therapists = full
            .therapists
            .iter()
            .map(|t| {
                let stops = done.get(&t.id).map_or(&[][..], Vec::as_slice);
                rest_of_day(full, t, stops, resume)
            })
            .collect();
        Ok(Cut {
            reduced: Problem::new(bookings, therapists, resume.date),
            done,
        })
    }

    /// The stops of `it` from `now` on, and the departure from where the therapist is.
    fn rest_of(&self, it: &Itinerary) -> (Vec<Stop>, Seconds) {
        let done = self.done.get(&it.therapist).map_or(0, Vec::len);
        let kept: Vec<Stop> = it.stops[done.min(it.stops.len())..].to_vec();
        let leave = match it.stops[..done.min(it.stops.len())]
            .iter()
            .rev()
            .find_map(|s| match s {
                Stop::Visit(v) => Some(v.departure),
                Stop::Break(_) => None,
            }) {
            Some(d) => d,
            None => it.leave,
        };
        (kept, leave)
    }

    /// The re-planned day: each therapist's done stops, then the new plan's; other days and
    /// their bookings as they were; cancelled bookings listed as such.
    fn merge(
        &self,
        full: &Problem,
        model: &dyn TravelModel,
        old: &Plan,
        again: Plan,
        resume: &Resume,
    ) -> Plan {
        let mut itineraries = Vec::new();
        let mut new_by_therapist: HashMap<String, Itinerary> = again
            .itineraries
            .into_iter()
            .map(|it| (it.therapist.clone(), it))
            .collect();
        for t in &full.therapists {
            let done = self.done.get(&t.id).cloned().unwrap_or_default();
            let new = new_by_therapist.remove(&t.id);
            let old_it = old
                .itineraries
                .iter()
                .find(|it| it.therapist == t.id && it.date == resume.date);
            if done.is_empty() {
                itineraries.extend(new);
                continue;
            }
            let Some(old_it) = old_it else { continue };
            let mut stops = done;
            let (leave_rest, return_time, return_distance, back) = match &new {
                Some(n) => (
                    n.leave,
                    n.return_drive_time,
                    n.return_drive_distance,
                    n.back,
                ),
                None => {
                    // Nothing left: home from where the therapist is when free.
                    let rt = self
                        .reduced
                        .therapist_index(&t.id)
                        .map(|i| &self.reduced.therapists[i]);
                    let (from, free) = rt.map_or((t.end, resume.now), |r| (r.start, r.shift.start));
                    let d = model.drive(from, t.end, free);
                    (free, d.time, d.distance, free + d.time)
                }
            };
            if let Some(Stop::Visit(v)) =
                stops.iter_mut().rev().find(|s| matches!(s, Stop::Visit(_)))
            {
                // Leaving for the rest of the day when the new plan does.
                v.departure = leave_rest;
            }
            if let Some(n) = new {
                stops.extend(n.stops);
            }
            itineraries.push(Itinerary {
                therapist: t.id.clone(),
                date: resume.date,
                leave: old_it.leave,
                stops,
                return_drive_time: return_time,
                return_drive_distance: return_distance,
                back,
            });
        }
        itineraries.extend(
            old.itineraries
                .iter()
                .filter(|it| it.date != resume.date)
                .cloned(),
        );
        itineraries.sort_by(|a, b| {
            let rank = |it: &Itinerary| full.therapist_index(&it.therapist);
            (a.date, rank(a)).cmp(&(b.date, rank(b)))
        });
        let mut unassigned = again.unassigned;
        let accounted = |id: &str, its: &[Itinerary], un: &[Unassigned]| {
            its.iter().any(|it| it.visits().any(|v| v.booking == id))
                || un.iter().any(|u| u.booking == id)
        };
        for id in &resume.cancel {
            unassigned.push(Unassigned {
                booking: id.clone(),
                reason: Reason::Cancelled,
                detail: format!("cancelled at {}", resume.now),
            });
        }
        for u in &old.unassigned {
            if !accounted(&u.booking, &itineraries, &unassigned) {
                unassigned.push(u.clone());
            }
        }
        let order = |id: &str| full.booking_index(id);
        unassigned.sort_by_key(|u| order(&u.booking));
        Plan {
            itineraries,
            unassigned,
            proven_optimal: false,
        }
    }
}

/// When a stop starts.
fn stop_start(s: &Stop) -> Seconds {
    match s {
        Stop::Visit(v) => v.start,
        Stop::Break(b) => b.start,
    }
}

/// Therapist `t` for the rest of the day: from the last place started (or `resume.at`, or
/// the start place) when free (not before `now`, the end of the visit in progress and its
/// pack-up, or a lunch in progress), with the lunch still owed (if it can still fit) and
/// the visit, hands-on and load limits less what was used.
fn rest_of_day(full: &Problem, t: &Therapist, done: &[Stop], resume: &Resume) -> Therapist {
    let mut r = t.clone();
    let mut free = resume.now.max(t.shift.start);
    let mut place = t.start;
    let mut visits = 0u32;
    let mut hands_on = Seconds(0);
    let mut load = 0;
    let mut lunch_taken = false;
    for s in done {
        match s {
            Stop::Visit(v) => {
                visits += 1;
                hands_on += v.end - v.start;
                if let Some(b) = full.booking_index(&v.booking).map(|i| &full.bookings[i]) {
                    place = b.location;
                    load += b.demand;
                }
                free = free.max(v.end + t.packup);
            }
            Stop::Break(b) => {
                lunch_taken = true;
                free = free.max(b.end);
            }
        }
    }
    if let Some((_, at)) = resume.at.iter().find(|(id, _)| *id == t.id) {
        place = *at;
    }
    r.start = place;
    r.shift = TimeWindow::new(free, t.shift.end.max(free)).unwrap_or(t.shift);
    r.lunch = match t.lunch {
        Some(l) if !lunch_taken => {
            let from = l.window.start.max(free);
            TimeWindow::new(from, l.window.end)
                .filter(|w| w.end - w.start >= l.duration)
                .map(|window| Lunch {
                    window,
                    duration: l.duration,
                })
        }
        _ => None,
    };
    r.max_visits = t.max_visits.map(|m| m.saturating_sub(visits));
    r.max_hands_on = t.max_hands_on.map(|h| Seconds((h - hands_on).0.max(0)));
    r.capacity = t.capacity.map(|c| (c - load).max(0));
    r
}

/// One sentence per booking whose place in the plan changed, in booking order.
fn changes(full: &Problem, old: &Plan, new: &Plan, resume: &Resume) -> Vec<String> {
    let served = |plan: &Plan| -> HashMap<String, (String, Seconds)> {
        plan.itineraries
            .iter()
            .flat_map(|it| {
                it.visits()
                    .map(move |v| (v.booking.clone(), (it.therapist.clone(), v.start)))
            })
            .collect()
    };
    let (before, after) = (served(old), served(new));
    let mut out = Vec::new();
    for b in &full.bookings {
        let id = &b.id;
        let added = resume.add.iter().any(|a| a.id == *id);
        let why = || {
            new.unassigned
                .iter()
                .find(|u| u.booking == *id)
                .map_or(String::new(), |u| format!("{}: {}", u.reason, u.detail))
        };
        let line = match (before.get(id), after.get(id)) {
            _ if resume.cancel.contains(id) => Some(format!("{id}: cancelled")),
            (Some((t0, s0)), Some((t1, s1))) if t0 == t1 && s0 == s1 => None,
            (Some((t0, s0)), Some((t1, s1))) if t0 == t1 => {
                Some(format!("{id}: {s0} -> {s1} ({t1})"))
            }
            (Some((t0, s0)), Some((t1, s1))) => Some(format!("{id}: {t0} at {s0} -> {t1} at {s1}")),
            (None, Some((t1, s1))) if added => Some(format!("{id}: added, {t1} at {s1}")),
            (None, Some((t1, s1))) => Some(format!("{id}: now served, {t1} at {s1}")),
            (Some((t0, s0)), None) => Some(format!(
                "{id}: no longer served (was {t0} at {s0}); {}",
                why()
            )),
            (None, None) if added => Some(format!("{id}: added, not served; {}", why())),
            (None, None) => None,
        };
        out.extend(line);
    }
    if let Some((id, d)) = resume.delay.first() {
        out.insert(0, format!("{id}: runs {} min long", d.round_minutes()));
    }
    out
}
