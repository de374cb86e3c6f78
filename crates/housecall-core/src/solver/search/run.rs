//! The run loop: construction, descent, and ruin-and-recreate rounds with record-to-record
//! acceptance until the iterations or the time limit are spent.

use super::*;
use crate::solver::Score;
use std::time::Instant;

impl Search<'_, '_> {
    /// Descends until no move improves the plan: first the order of what is served, then,
    /// at each local optimum, serving one more booking (and descending again).
    pub fn local_search(&mut self, st: &mut State) {
        loop {
            if self.neighbours.is_empty() {
                while !self.out_of_time()
                    && (self.intra_moves(st)
                        || self.relocate_inter(st)
                        || self.swap_inter(st)
                        || self.two_opt_star(st))
                {}
            } else {
                while !self.out_of_time() && (self.intra_moves(st) || self.granular_inter(st)) {}
            }
            if self.out_of_time() || !self.insert_unassigned(st) {
                break;
            }
        }
    }

    /// Iterated ruin-and-recreate with local search, from a regret construction or from the
    /// given routes (one per shift; see [`Search::warm_start`]). Stops after `iterations`
    /// rounds or at `deadline`, and returns the best plan seen.
    pub fn run(
        &mut self,
        bookings: &[usize],
        start: Option<&[Vec<usize>]>,
        iterations: usize,
        limit: Option<(Instant, std::time::Duration)>,
    ) -> State {
        self.deadline = limit.and_then(|(start, d)| start.checked_add(d));
        let mut cur = match start {
            Some(routes) => self.warm_start(bookings, routes),
            None => self.construct(bookings),
        };
        self.local_search(&mut cur);
        let mut best = cur.clone();
        let mut best_score = self.score(&best);
        let mut cur_score = best_score;
        let mut reported: Option<Instant> = None;
        for it in 0..iterations {
            // How far the search has come, by iterations or by time, whichever is further.
            let mut progress = it as f64 / iterations as f64;
            if let Some((start, limit)) = limit {
                let spent = start.elapsed().as_secs_f64() / limit.as_secs_f64();
                if spent >= 1.0 {
                    break;
                }
                progress = progress.max(spent);
            }
            let mut cand = cur.clone();
            self.ruin_recreate(&mut cand);
            self.local_search(&mut cand);
            let sc = self.score(&cand);
            // Record-to-record: accept a plan serving as much as the best, with drive within a
            // shrinking margin of the best.
            let margin = 0.02 * (1.0 - progress);
            let limit = Score {
                drive: best_score.drive + (best_score.drive as f64 * margin) as i64,
                ..best_score
            };
            if sc < cur_score || sc <= limit {
                cur = cand;
                cur_score = sc;
                if sc < best_score {
                    best = cur.clone();
                    best_score = sc;
                    reported = None;
                }
            }
            if let Some(hook) = &self.progress {
                if reported.is_none_or(|t| t.elapsed().as_millis() >= 250) {
                    reported = Some(Instant::now());
                    (hook.0)(crate::solver::Progress {
                        served: best.routes.iter().map(Vec::len).sum(),
                        drive: best_score.drive,
                        rounds: it + 1,
                        done: progress,
                    });
                }
            }
        }
        best
    }
}
