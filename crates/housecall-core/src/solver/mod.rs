//! The visit planner: compiles a [`Problem`] for search, plans small independent shifts
//! exactly and everything else with a parallel heuristic, and turns the result into a
//! timed [`Plan`] with every unserved booking listed with its reason.

mod assemble;
mod exact;
mod instance;
pub mod measure;
mod objective;
mod route;
mod search;
mod segment;
mod slots;

use crate::model::Problem;
use crate::plan::Plan;
use crate::travel::TravelModel;
use crate::validate::ProblemError;
use assemble::assemble;
use instance::Instance;
pub use objective::Objective;
pub(crate) use objective::Score;
use rayon::prelude::*;
use route::Scheduler;
use search::Search;
pub use slots::{Prepared, Slot, SlotQuery, Slots};
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

/// Settings of a solve. Results are deterministic for a given seed, thread count and
/// iteration count, as long as the time limit is not reached first.
#[derive(Clone, Debug)]
pub struct SolveOptions {
    /// Seed of the search.
    pub seed: u64,
    /// Searches run in parallel (at least 1), meeting every 100 rounds to go on from the best
    /// plan; the best plan wins.
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
    /// Called as the heuristic searches run, for a progress display; never changes the result.
    pub progress: Option<ProgressHook>,
}

/// What a search reports while it runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Bookings served by the best plan this search has found so far.
    pub served: usize,
    /// That plan's total driving, seconds (instance units for benchmark instances).
    pub drive: i64,
    /// Ruin-and-recreate rounds done by this search.
    pub rounds: usize,
    /// How far this search has come, 0 to 1: by rounds or by time, whichever is further.
    pub done: f64,
}

/// A function the searches call with their [`Progress`], from several threads at once: at
/// each new best plan and at least every quarter second.
#[derive(Clone)]
pub struct ProgressHook(pub std::sync::Arc<dyn Fn(Progress) + Send + Sync>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
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
            progress: None,
        }
    }
}

/// Plans the problem: every booking ends up in exactly one itinerary or in the unassigned
/// list with its reason. Fails only when the problem does not pass [`Problem::validate`] or
/// the travel model's matrix has the wrong size.
///
/// ```
/// use housecall_core::*;
/// let home = Location { lat: 43.685, lon: -79.76 };
/// let shift = TimeWindow::new(Seconds::hm(8, 30), Seconds::hm(18, 0)).unwrap();
/// let therapist = Therapist::new("t1", home, shift).with_name("Alex");
/// let booking = Booking::new("b1", Location { lat: 43.59, lon: -79.64 }, Seconds::from_minutes(60))
///     .with_window(TimeWindow::new(Seconds::hm(10, 0), Seconds::hm(11, 0)).unwrap());
/// let problem = Problem::new(vec![booking], vec![therapist], None);
/// let model = StraightLine::default();
/// let plan = solve(&problem, &model, &SolveOptions::default())?;
/// assert_eq!(plan.served(), 1);
/// assert!(plan.proven_optimal);
/// assert!(check(&problem, &model, &plan).is_empty());
/// # Ok::<(), ProblemError>(())
/// ```
pub fn solve(
    problem: &Problem,
    model: &dyn TravelModel,
    opts: &SolveOptions,
) -> Result<Plan, ProblemError> {
    solve_with(problem, model, opts, None)
}

/// Plans the problem starting from `start` (a warm start), as [`solve`] does otherwise: the
/// routes of `start` that are still feasible are kept as the first plan, bookings it does not
/// serve (new ones, or those of routes no longer feasible) are inserted where they add least,
/// and the search improves on that. Visits of bookings that are no longer in the problem
/// are ignored. With the same seed, threads and iterations the result is deterministic; a
/// warm start from a good plan reaches a good plan in fewer iterations.
///
/// ```
/// use housecall_core::*;
/// let home = Location { lat: 43.685, lon: -79.76 };
/// let shift = TimeWindow::new(Seconds::hm(8, 30), Seconds::hm(18, 0)).unwrap();
/// let at = |lat, lon| Location { lat, lon };
/// let mut problem = Problem::new(
///     vec![
///         Booking::new("b1", at(43.59, -79.64), Seconds::from_minutes(60)),
///         Booking::new("b2", at(43.65, -79.70), Seconds::from_minutes(45)),
///     ],
///     vec![Therapist::new("t1", home, shift)],
///     None,
/// );
/// let model = StraightLine::default();
/// let opts = SolveOptions { method: Method::Heuristic, ..SolveOptions::default() };
/// let plan = solve(&problem, &model, &opts)?;
/// // A new booking comes in: start from the plan made so far.
/// problem.bookings.push(Booking::new("b3", at(43.62, -79.68), Seconds::from_minutes(60)));
/// let again = solve_from(&problem, &model, &opts, &plan)?;
/// assert_eq!(again.served(), 3);
/// assert!(check(&problem, &model, &again).is_empty());
/// # Ok::<(), ProblemError>(())
/// ```
pub fn solve_from(
    problem: &Problem,
    model: &dyn TravelModel,
    opts: &SolveOptions,
    start: &Plan,
) -> Result<Plan, ProblemError> {
    solve_with(problem, model, opts, Some(start))
}

/// The routes of `plan` as booking indices per shift of `problem` (itineraries of shifts and
/// visits of bookings the problem does not have are left out, as are repeated visits).
fn routes_of(problem: &Problem, plan: &Plan) -> Vec<Vec<usize>> {
    let mut routes = vec![Vec::new(); problem.shifts.len()];
    let mut seen = vec![false; problem.bookings.len()];
    for it in &plan.itineraries {
        let Some(s) = problem
            .shifts
            .iter()
            .position(|s| s.date == it.date && problem.therapists[s.therapist].id == it.therapist)
        else {
            continue;
        };
        routes[s] = it
            .visits()
            .filter_map(|v| problem.booking_index(&v.booking))
            .filter(|&b| !std::mem::replace(&mut seen[b], true))
            .collect();
    }
    routes
}

fn solve_with(
    problem: &Problem,
    model: &dyn TravelModel,
    opts: &SolveOptions,
    start: Option<&Plan>,
) -> Result<Plan, ProblemError> {
    problem.validate()?;
    let started = Instant::now();
    let inst = Instance::new(problem, model)?;
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
    // The exact method knows windows, lunch, the daily limits, heavy sessions and driving,
    // not rest between sessions or hands-on runs.
    let exact = opts.method == Method::Auto
        && independent
        && per_shift.iter().all(|c| c.len() <= exact::MAX_EXACT)
        && inst.shifts.iter().all(|s| !s.has_rest_limits());

    let routes: Vec<Vec<usize>> = if exact {
        per_shift
            .par_iter()
            .enumerate()
            .map(|(s, c)| exact::best_route(&inst, s, c))
            .collect()
    } else {
        let start = start.map(|p| routes_of(problem, p));
        heuristic(
            &inst,
            &shifts_of,
            &candidates,
            start.as_deref(),
            opts,
            started,
        )
    };
    Ok(assemble(&inst, &shifts_of, routes, exact))
}

/// The shifts on which each booking fits, alone.
fn feasible_shifts(inst: &Instance) -> Vec<Vec<usize>> {
    (0..inst.n()).map(|b| fits_alone(inst, b)).collect()
}

/// The shifts on which booking `b` fits alone.
fn fits_alone(inst: &Instance, b: usize) -> Vec<usize> {
    let fits = |&s: &usize| Scheduler { inst, shift: s }.cost(&[b]).is_some();
    inst.can_serve[b].iter().copied().filter(fits).collect()
}

/// Runs `opts.threads` searches with derived seeds as islands that cooperate: every
/// [`EPOCH`] rounds each search whose best plan is worse than the best of all goes on from
/// that one. The best plan is kept at the end (ties go to the lowest search index). Searches
/// meet at round counts, never at clock times, so the result depends only on the seed, the
/// number of threads and the iterations (unless the time limit cuts the search short).
fn heuristic(
    inst: &Instance,
    shifts_of: &[Vec<usize>],
    cands: &[usize],
    start: Option<&[Vec<usize>]>,
    opts: &SolveOptions,
    started: Instant,
) -> Vec<Vec<usize>> {
    let limit = opts.time_limit.map(|d| (started, d));
    let threads = opts.threads.max(1);
    let iterations = opts.iterations;
    let begin = |i: usize| {
        let seed = opts
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(i as u64);
        let mut search = Search::new(inst, shifts_of, seed, opts.objective);
        search.progress = opts.progress.clone();
        let walk = search.begin(cands, start, iterations, limit);
        (search, walk)
    };
    // One search runs on the calling thread (in the service, one of its workers);
    // more get a pool of their own.
    let pool = (threads > 1)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .ok()
        })
        .flatten();
    let mut islands: Vec<_> = on_pool(&pool, || (0..threads).into_par_iter().map(begin).collect());
    let mut until = 0;
    loop {
        until += EPOCH;
        let going: Vec<bool> = on_pool(&pool, || {
            islands
                .par_iter_mut()
                .map(|(search, walk)| search.rounds(walk, until, iterations, limit))
                .collect()
        });
        if !going.contains(&true) {
            break;
        }
        let lead = (0..threads).min_by_key(|&i| (islands[i].1.best_score, i));
        if let Some(lead) = lead {
            let (best, score) = (islands[lead].1.best.clone(), islands[lead].1.best_score);
            for (search, walk) in &mut islands {
                if score < walk.best_score {
                    search.adopt(walk, &best, score);
                }
            }
        }
    }
    let waiting = |routes: &[Vec<usize>]| -> i64 {
        routes
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .filter_map(|(s, r)| {
                let sched = Scheduler { inst, shift: s };
                Some(sched.timed(r)?.waiting(&sched, r))
            })
            .sum()
    };
    islands
        .into_iter()
        .enumerate()
        .map(|(i, (_, walk))| {
            (
                (walk.best_score, waiting(&walk.best.routes), i),
                walk.best.routes,
            )
        })
        .min_by_key(|r| r.0)
        .map(|r| r.1)
        .unwrap_or_default()
}

/// The rounds between two meetings of the searches of one solve (see [`heuristic`]).
const EPOCH: usize = 100;

/// Runs `job` on `pool`, or without one on the calling thread (a parallel iterator of one
/// item stays there; of more, it goes to rayon's global pool).
fn on_pool<R: Send>(pool: &Option<rayon::ThreadPool>, job: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(job),
        None => job(),
    }
}

#[cfg(test)]
mod tests;
