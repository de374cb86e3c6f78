//! The visit planner: compiles a [`Problem`] for search, plans small independent shifts
//! exactly and everything else with a parallel heuristic, and turns the result into a
//! timed [`Plan`] with every unserved booking listed with its reason.

mod exact;
mod instance;
mod route;
mod search;
mod segment;

use crate::model::{Ineligible, Priority, Problem};
use crate::plan::{Break, BreakPlace, Itinerary, Plan, Reason, Stop, Unassigned, Visit};
use crate::time::Seconds;
use crate::travel::TravelModel;
use instance::Instance;
use rayon::prelude::*;
use route::{LunchAt, Scheduler, Timed};
use search::Search;
use std::time::{Duration, Instant};

/// How to solve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Exact where every shift is independent and has at most 12 candidate bookings;
    /// heuristic search otherwise.
    Auto,
    /// Always the heuristic search (for comparison and testing).
    Heuristic,
}

/// What the search minimises once it serves as much as it can.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Objective {
    /// Total travel: drive seconds for therapists, distance for the benchmarks.
    #[default]
    Travel,
    /// Fewest routes (therapist-days used), then total travel: the classic hierarchical
    /// convention of the VRPTW literature.
    RoutesThenTravel,
}

/// Settings of a solve. Results are deterministic for a given seed, thread count and
/// iteration count, as long as the time limit is not reached first.
#[derive(Clone, Debug)]
pub struct SolveOptions {
    /// Seed of the search.
    pub seed: u64,
    /// Independent searches run in parallel (at least 1); the best plan wins.
    pub threads: usize,
    /// Ruin-and-recreate rounds per search.
    pub iterations: usize,
    /// Wall-clock limit for the whole solve, if any, counted from the call: building the
    /// travel matrix and the first plan count against it, and the search stops when it is
    /// spent (the first plan and its descent are always completed).
    pub time_limit: Option<Duration>,
    /// Exact where possible, or always heuristic.
    pub method: Method,
    /// What to minimise after serving as much as possible.
    pub objective: Objective,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            seed: 1,
            threads: 2,
            iterations: 300,
            time_limit: None,
            method: Method::Auto,
            objective: Objective::Travel,
        }
    }
}

/// The objective, compared lexicographically; smaller is better: most required bookings
/// served, then most optional priority weight, then fewest routes (counted only under
/// [`Objective::RoutesThenTravel`]), then least driving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Score {
    required_missed: i64,
    weight_missed: i64,
    routes: i64,
    drive: i64,
}

impl Score {
    /// A score from what is served (counted negatively: a baseline-free ordering).
    fn new(required_served: i64, weight_served: i64, drive: i64) -> Self {
        Score {
            required_missed: -required_served,
            weight_missed: -weight_served,
            routes: 0,
            drive,
        }
    }

    /// What serving a booking of this priority adds: `(required, weight)`.
    fn served_value(p: Priority) -> (i64, i64) {
        match p {
            Priority::Required => (1, 0),
            Priority::Optional(w) => (0, w as i64),
        }
    }
}

/// Plans the problem: every booking ends up in exactly one itinerary or in the unassigned
/// list with its reason.
///
/// ```
/// use housecall_core::*;
/// let home = Location { lat: 43.685, lon: -79.76 };
/// let therapist = Therapist {
///     id: "t1".into(), name: "Alex".into(), start: home, end: home,
///     shift: TimeWindow::new(Seconds::hm(8, 30), Seconds::hm(18, 0)).unwrap(),
///     lunch: None, setup: Seconds::from_minutes(10), packup: Seconds::from_minutes(5),
///     max_visits: None, max_hands_on: None, skills: vec![], days: vec![], areas: None, capacity: None,
/// };
/// let booking = Booking {
///     id: "b1".into(), client: "Jo".into(), location: Location { lat: 43.59, lon: -79.64 },
///     precision: Precision::Coordinates, area: None,
///     treatment: None, session: Seconds::from_minutes(60), setup: None,
///     windows: vec![TimeWindow::new(Seconds::hm(10, 0), Seconds::hm(11, 0)).unwrap()],
///     date: None, priority: Priority::Required, skills: vec![], therapist: None, demand: 0,
/// };
/// let problem = Problem::new(vec![booking], vec![therapist], None);
/// let model = StraightLine::default();
/// let plan = solve(&problem, &model, &SolveOptions::default());
/// assert_eq!(plan.served(), 1);
/// assert!(plan.proven_optimal);
/// assert!(check(&problem, &model, &plan).is_empty());
/// ```
pub fn solve(problem: &Problem, model: &dyn TravelModel, opts: &SolveOptions) -> Plan {
    let started = Instant::now();
    let inst = Instance::new(problem, model);
    let n = inst.n();
    let shifts_of = feasible_shifts(&inst);
    let candidates: Vec<usize> = (0..n).filter(|&b| !shifts_of[b].is_empty()).collect();

    let per_shift: Vec<Vec<usize>> = (0..inst.shifts.len())
        .map(|s| {
            candidates
                .iter()
                .copied()
                .filter(|&b| shifts_of[b].contains(&s))
                .collect()
        })
        .collect();
    let independent = candidates.iter().all(|&b| shifts_of[b].len() == 1);
    let exact = opts.method == Method::Auto
        && independent
        && per_shift.iter().all(|c| c.len() <= exact::MAX_EXACT);

    let routes: Vec<Vec<usize>> = if exact {
        per_shift
            .par_iter()
            .enumerate()
            .map(|(s, c)| exact::best_route(&inst, s, c))
            .collect()
    } else {
        heuristic(&inst, &shifts_of, &candidates, opts, started)
    };
    assemble(&inst, &shifts_of, routes, exact)
}

/// The shifts on which each booking fits, alone.
fn feasible_shifts(inst: &Instance) -> Vec<Vec<usize>> {
    (0..inst.n())
        .map(|b| {
            let fits = |&s: &usize| Scheduler { inst, shift: s }.cost(&[b]).is_some();
            inst.can_serve[b].iter().copied().filter(fits).collect()
        })
        .collect()
}

/// Runs `opts.threads` independent searches with derived seeds and keeps the best plan (ties
/// go to the lowest search index, so the result does not depend on scheduling).
fn heuristic(
    inst: &Instance,
    shifts_of: &[Vec<usize>],
    cands: &[usize],
    opts: &SolveOptions,
    started: Instant,
) -> Vec<Vec<usize>> {
    let limit = opts.time_limit.map(|d| (started, d));
    let threads = opts.threads.max(1);
    let run = |i: usize| {
        let seed = opts
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(i as u64);
        let mut search = Search::new(inst, shifts_of, seed, opts.objective);
        let st = search.run(cands, opts.iterations, limit);
        let score = search.score(&st);
        let waiting: i64 = st
            .routes
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .filter_map(|(s, r)| {
                let sched = Scheduler { inst, shift: s };
                Some(sched.timed(r)?.waiting(&sched, r))
            })
            .sum();
        ((score, waiting, i), st.routes)
    };
    let results: Vec<_> = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(|| (0..threads).into_par_iter().map(run).collect()),
        Err(_) => (0..threads).map(run).collect(),
    };
    results
        .into_iter()
        .min_by_key(|r| r.0)
        .map(|r| r.1)
        .unwrap_or_default()
}

/// Times every route and lists the bookings that are not served.
fn assemble(
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
            let (reason, detail) = if shifts_of[b].is_empty() {
                why_not(inst, b)
            } else {
                (
                    Reason::DayFull,
                    "fits alone, but not together with the visits that were planned".to_string(),
                )
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

/// Why booking `b` fits no shift at all. Each condition is checked across every therapist
/// working the booking's day(s) with the one eligibility rule ([`Booking::eligibility`]): the
/// first condition that no therapist meets names the reason, and its detail says who falls
/// short and how; when every condition is met by someone but never all by one therapist,
/// the detail lists what each one lacks.
///
/// [`Booking::eligibility`]: crate::Booking::eligibility
fn why_not(inst: &Instance, b: usize) -> (Reason, String) {
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
        None => p.days.clone(),
    };
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
        let windows: Vec<String> = bk.windows.iter().map(|w| w.text()).collect();
        let windows = if windows.is_empty() {
            "the whole shift".to_string()
        } else {
            windows.join(" or ")
        };
        return (
            Reason::NoWindowFits,
            format!("no start in {windows} can be reached, with set-up, drive, lunch and the way home, within the shift"),
        );
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
                    format!("{} serves it on other weekdays only", t.id)
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

/// Measurement hooks for the criterion benches; not a stable interface.
pub mod measure {
    use super::*;

    /// What [`relocations`] did.
    #[derive(Clone, Copy, Debug)]
    pub struct Evaluations {
        /// Moves evaluated (each relocation of a served booking to another position).
        pub moves: u64,
        /// How many of them were feasible.
        pub feasible: u64,
        /// Time spent evaluating, construction excluded.
        pub elapsed: Duration,
    }

    /// Builds a first plan for `problem` (regret construction and one descent, seed 1), then
    /// evaluates every relocation of every served booking `rounds` times without applying
    /// any: the inner loop of the local search, timed on its own. With `full_scheduling`,
    /// every move is scheduled in full even where segment concatenation applies (the
    /// baseline that segments replace).
    pub fn relocations(
        problem: &Problem,
        model: &dyn TravelModel,
        rounds: usize,
        full_scheduling: bool,
    ) -> Evaluations {
        let inst = Instance::new(problem, model);
        let shifts_of = feasible_shifts(&inst);
        let cands: Vec<usize> = (0..inst.n())
            .filter(|&b| !shifts_of[b].is_empty())
            .collect();
        let mut search = Search::new(&inst, &shifts_of, 1, Objective::Travel);
        let st = search.run(&cands, 0, None);
        if full_scheduling {
            search.schedule_in_full();
        }
        let started = Instant::now();
        let (mut moves, mut feasible) = (0, 0);
        for _ in 0..rounds {
            let (m, f) = search.evaluate_relocations(&st);
            moves += m;
            feasible += f;
        }
        Evaluations {
            moves,
            feasible,
            elapsed: started.elapsed(),
        }
    }
}

#[cfg(test)]
mod tests;
