//! Measurement hooks for the criterion benches; not a stable interface.

use super::*;

/// What [`relocations`] or [`relocation_decisions`] did.
#[derive(Clone, Copy, Debug)]
pub struct Evaluations {
    /// Moves evaluated (each relocation of a served booking to another position).
    pub moves: u64,
    /// How many of them were feasible ([`relocations`]) or would improve the plan
    /// ([`relocation_decisions`]).
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
) -> Result<Evaluations, crate::ProblemError> {
    timed_rounds(problem, model, rounds, |search, st| {
        if full_scheduling {
            search.schedule_in_full();
        }
        search.evaluate_relocations(st)
    })
}

/// As [`relocations`], but each relocation decided as the local search decides it: screened
/// by its least drive, then scheduled only if it might improve the plan.
pub fn relocation_decisions(
    problem: &Problem,
    model: &dyn TravelModel,
    rounds: usize,
) -> Result<Evaluations, crate::ProblemError> {
    timed_rounds(problem, model, rounds, |search, st| {
        search.decide_relocations(st)
    })
}

/// The first plan of [`relocations`], then `round` timed `rounds` times.
fn timed_rounds(
    problem: &Problem,
    model: &dyn TravelModel,
    rounds: usize,
    mut round: impl FnMut(&mut Search, &search::State) -> (u64, u64),
) -> Result<Evaluations, crate::ProblemError> {
    let inst = Instance::new(problem, model)?;
    let shifts_of = feasible_shifts(&inst);
    let cands: Vec<usize> = (0..inst.n())
        .filter(|&b| !shifts_of[b].is_empty())
        .collect();
    let mut search = Search::new(&inst, &shifts_of, 1, Objective::Travel);
    let st = search.run(&cands, None, 0, None);
    let started = Instant::now();
    let (mut moves, mut feasible) = (0, 0);
    for _ in 0..rounds {
        let (m, f) = round(&mut search, &st);
        moves += m;
        feasible += f;
    }
    Ok(Evaluations {
        moves,
        feasible,
        elapsed: started.elapsed(),
    })
}
