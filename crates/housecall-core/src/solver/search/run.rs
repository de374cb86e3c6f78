//! The run loop: construction, descent, and ruin-and-recreate rounds with record-to-record
//! acceptance until the iterations or the time limit are spent.

use super::inter::NO_ROUTE;
use super::*;
use crate::solver::instance::Rank;
use crate::solver::Score;
use std::time::Instant;

impl Search<'_, '_> {
    /// Descends until no move improves the plan: first the order of what is served, then,
    /// at each local optimum, serving one more booking (and descending again).
    pub fn local_search(&mut self, st: &mut State) {
        loop {
            self.descend(st);
            if self.out_of_time() || !self.insert_unassigned(st) {
                break;
            }
        }
    }

    /// One descent in the manner of HGS (Vidal 2022): bookings in a shuffled order, each with
    /// its neighbours, applying every improving move found and going on from there (no
    /// restart), until a whole pass finds none. A pair whose two routes have not changed since
    /// the booking was last searched is skipped, so after a ruin only the routes it touched,
    /// and what lies near them, are searched again.
    fn descend(&mut self, st: &mut State) {
        let n = self.inst.n();
        self.order.clear();
        self.order.extend(0..n);
        self.rng.shuffle(&mut self.order);
        self.route_order.clear();
        self.route_order.extend(0..st.routes.len());
        self.rng.shuffle(&mut self.route_order);
        self.locate(st);
        // Visits on routes changed since they were last searched (after a ruin: those it
        // removed and reinserted, and their routes) first.
        let (at, stamps, tested) = (&self.at, &st.stamps, &st.tested);
        self.order
            .sort_by_key(|&u| at[u].0 == NO_ROUTE || stamps[at[u].0] <= tested[u]);
        let free_routes = self.route_fixed == 0;
        loop {
            let mut improved = false;
            for k in 0..n {
                let u = self.order[k];
                if self.at[u].0 == NO_ROUTE {
                    continue;
                }
                if self.out_of_time() {
                    return;
                }
                let last = st.tested[u];
                st.tested[u] = self.stamp;
                for x in 0..self.neighbours[u].len() {
                    let v = self.neighbours[u][x];
                    let (s1, s2) = (self.at[u].0, self.at[v].0);
                    if s2 == NO_ROUTE || s1 == s2 || st.stamps[s1].max(st.stamps[s2]) <= last {
                        continue;
                    }
                    improved |= self.pair_moves(st, u, v);
                }
                if free_routes && st.stamps[self.at[u].0] > last {
                    improved |= self.open_route(st, u);
                }
            }
            for k in 0..self.route_order.len() {
                let s = self.route_order[k];
                if st.settled[s] == st.stamps[s] {
                    continue;
                }
                if self.intra_route(st, s) {
                    improved = true;
                } else {
                    st.settled[s] = st.stamps[s];
                }
            }
            if !improved || self.out_of_time() {
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
        let mut first = 0;
        if self.route_fixed > 0 {
            (cur, first) = self.fewer_routes(cur, iterations, limit);
        }
        let mut best = cur.clone();
        let mut best_score = self.score(&best);
        let mut cur_score = best_score;
        let mut reported: Option<Instant> = None;
        for it in first..iterations {
            let Some(progress) = budget_spent(it, iterations, limit) else {
                break;
            };
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

    /// The route-minimisation phase of the routes-first objective, in the manner of SISR's
    /// fleet minimisation (Christiaens and Vanden Berghe, 2020): empty a route, close the
    /// empty routes, and ruin and recreate until its visits fit on the others. A candidate
    /// is accepted when it serves more, or as much while what it leaves out was left out less
    /// often (each booking counts the rounds it was left out: those that are hard to place
    /// are placed first, and may take the place of easier ones); once everything fits,
    /// another route is emptied. Runs for up to [`FLEET_SHARE`] of the budget and returns
    /// the plan on the fewest routes that serves as much as `best` (after a descent), with
    /// the rounds spent.
    fn fewer_routes(
        &mut self,
        mut best: State,
        iterations: usize,
        limit: Option<(Instant, std::time::Duration)>,
    ) -> (State, usize) {
        let served = |sc: Score| (sc.required_missed, sc.weight_missed);
        let target = served(self.score(&best));
        let Some(mut cur) = self.without_a_route(&best) else {
            return (best, 0);
        };
        let mut cur_served = served(self.score(&cur));
        self.absent = vec![0; self.inst.n()];
        self.open_routes = false;
        let mut it = 0;
        while it < iterations {
            match budget_spent(it, iterations, limit) {
                Some(p) if p < FLEET_SHARE => {}
                _ => break,
            }
            it += 1;
            let mut cand = cur.clone();
            self.ruin_recreate(&mut cand);
            // No descent: the drive does not count here, and rounds are ten times faster.
            while self.insert_unassigned(&mut cand) {}
            let absent = &self.absent;
            let left_out = |st: &State| st.unassigned.iter().map(|&b| absent[b]).sum::<u64>();
            let cand_served = served(self.score(&cand));
            if (cand_served, left_out(&cand)) < (cur_served, left_out(&cur)) {
                cur = cand;
                cur_served = cand_served;
            }
            for &b in &cur.unassigned {
                self.absent[b] += 1;
            }
            if cur_served <= target {
                best = cur.clone();
                match self.without_a_route(&best) {
                    Some(next) => {
                        cur = next;
                        cur_served = served(self.score(&cur));
                    }
                    None => break,
                }
            }
        }
        self.open_routes = true;
        self.absent.clear();
        self.local_search(&mut best);
        (best, it)
    }

    /// `st` with the visits of one of its routes (chosen at random among those without a
    /// confirmed visit) left out; `None` when it has fewer than two routes in use or every
    /// route in use holds a confirmed visit.
    fn without_a_route(&mut self, st: &State) -> Option<State> {
        let confirmed = |b: &usize| self.inst.bookings[*b].priority == Rank::Confirmed;
        let used: Vec<usize> = (0..st.routes.len())
            .filter(|&s| !st.routes[s].is_empty() && !st.routes[s].iter().any(confirmed))
            .collect();
        if st.routes.iter().filter(|r| !r.is_empty()).count() < 2 || used.is_empty() {
            return None;
        }
        let s = used[self.rng.below(used.len())];
        let mut out = st.clone();
        let mut visits = std::mem::take(&mut out.routes[s]);
        out.unassigned.append(&mut visits);
        out.costs[s] = EMPTY;
        self.stamp += 1;
        out.stamps[s] = self.stamp;
        Some(out)
    }
}

/// The share of the budget (rounds or time) the routes-first objective spends on using
/// fewer routes before it shortens the drive.
const FLEET_SHARE: f64 = 0.5;

/// How far a search has come after `it` of `iterations` rounds, by rounds or by time,
/// whichever is further; `None` once the time limit is spent.
fn budget_spent(
    it: usize,
    iterations: usize,
    limit: Option<(Instant, std::time::Duration)>,
) -> Option<f64> {
    let mut progress = it as f64 / iterations as f64;
    if let Some((start, limit)) = limit {
        let spent = start.elapsed().as_secs_f64() / limit.as_secs_f64();
        if spent >= 1.0 {
            return None;
        }
        progress = progress.max(spent);
    }
    Some(progress)
}
