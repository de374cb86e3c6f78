//! The run loop: construction, descent, and ruin-and-recreate rounds with record-to-record
//! acceptance until the iterations or the time limit are spent, in stretches between which a
//! search may go on from another's best plan ([`Search::adopt`]; the islands of
//! `solver::heuristic`).

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
    /// rounds or at the time limit, and returns the best plan seen.
    pub fn run(
        &mut self,
        bookings: &[usize],
        start: Option<&[Vec<usize>]>,
        iterations: usize,
        limit: Option<(Instant, std::time::Duration)>,
    ) -> State {
        let mut walk = self.begin(bookings, start, iterations, limit);
        self.rounds(&mut walk, iterations, iterations, limit);
        walk.best
    }

    /// The first plan: a regret construction or the given routes, a descent, and under the
    /// routes-first objective the route-minimisation phase.
    pub fn begin(
        &mut self,
        bookings: &[usize],
        start: Option<&[Vec<usize>]>,
        iterations: usize,
        limit: Option<(Instant, std::time::Duration)>,
    ) -> Walk {
        self.deadline = limit.and_then(|(start, d)| start.checked_add(d));
        let mut cur = match start {
            Some(routes) => self.warm_start(bookings, routes),
            None => self.construct(bookings),
        };
        self.local_search(&mut cur);
        let mut it = 0;
        if self.route_fixed > 0 {
            (cur, it) = self.fewer_routes(cur, iterations, limit);
        }
        let score = self.score(&cur);
        Walk {
            best: cur.clone(),
            best_score: score,
            cur,
            cur_score: score,
            it,
            reported: None,
        }
    }

    /// Ruin-and-recreate rounds with local search and record-to-record acceptance, from
    /// round `walk.it` up to round `until` of `iterations`; returns false once the search is
    /// over (every round done, or the time limit spent).
    pub fn rounds(
        &mut self,
        walk: &mut Walk,
        until: usize,
        iterations: usize,
        limit: Option<(Instant, std::time::Duration)>,
    ) -> bool {
        while walk.it < until.min(iterations) {
            let Some(progress) = budget_spent(walk.it, iterations, limit) else {
                return false;
            };
            walk.it += 1;
            let mut cand = walk.cur.clone();
            self.ruin_recreate(&mut cand);
            self.local_search(&mut cand);
            let sc = self.score(&cand);
            // Record-to-record: accept a plan serving as much as the best, with drive within a
            // shrinking margin of the best.
            let margin = 0.02 * (1.0 - progress);
            let limit = Score {
                drive: walk.best_score.drive + (walk.best_score.drive as f64 * margin) as i64,
                ..walk.best_score
            };
            if sc < walk.cur_score || sc <= limit {
                walk.cur = cand;
                walk.cur_score = sc;
                if sc < walk.best_score {
                    walk.best = walk.cur.clone();
                    walk.best_score = sc;
                    walk.reported = None;
                }
            }
            if let Some(hook) = &self.progress {
                if walk.reported.is_none_or(|t| t.elapsed().as_millis() >= 250) {
                    walk.reported = Some(Instant::now());
                    (hook.0)(crate::solver::Progress {
                        served: walk.best.routes.iter().map(Vec::len).sum(),
                        drive: walk.best_score.drive,
                        rounds: walk.it,
                        done: progress,
                    });
                }
            }
        }
        walk.it < iterations && budget_spent(walk.it, iterations, limit).is_some()
    }

    /// Goes on from another search's best plan (`st`, scoring `score`), for both the current
    /// and the best plan of `walk`. Its routes get new stamps from this search, so that no
    /// cache keyed by this search's stamps takes them for routes it has seen.
    pub fn adopt(&mut self, walk: &mut Walk, st: &State, score: Score) {
        let mut st = st.clone();
        for stamp in &mut st.stamps {
            self.stamp += 1;
            *stamp = self.stamp;
        }
        st.tested.fill(0);
        st.settled.fill(0);
        walk.cur = st.clone();
        walk.best = st;
        walk.cur_score = score;
        walk.best_score = score;
        walk.reported = None;
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

/// Where a search stands between rounds: the plan it goes on from, the best it has seen,
/// and the rounds done.
pub(crate) struct Walk {
    cur: State,
    cur_score: Score,
    pub best: State,
    pub best_score: Score,
    it: usize,
    /// When the best plan was last reported to the progress hook.
    reported: Option<Instant>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Problem, Therapist};
    use crate::rng::SplitMix64;
    use crate::solver::feasible_shifts;
    use crate::solver::route::Scheduler;
    use crate::solver::tests::{model, random_day, therapist};
    use crate::solver::Objective;

    #[test]
    fn a_search_goes_on_soundly_from_another_searchs_best_plan() {
        let mut rng = SplitMix64::new(5);
        let day = random_day(&mut rng, 36);
        let team = (0..3)
            .map(|i| Therapist {
                id: format!("t{i}"),
                ..therapist(i != 1)
            })
            .collect();
        let p = Problem::new(day.bookings, team, None);
        let m = model();
        let inst = Instance::new(&p, &m).unwrap();
        let shifts_of = feasible_shifts(&inst);
        let cands: Vec<usize> = (0..inst.n())
            .filter(|&b| !shifts_of[b].is_empty())
            .collect();
        let mut a = Search::new(&inst, &shifts_of, 1, Objective::Travel);
        let mut b = Search::new(&inst, &shifts_of, 2, Objective::Travel);
        let mut wa = a.begin(&cands, None, 120, None);
        let mut wb = b.begin(&cands, None, 120, None);
        assert!(a.rounds(&mut wa, 60, 120, None));
        assert!(b.rounds(&mut wb, 60, 120, None));
        let handed_out = b.stamp;
        b.adopt(&mut wb, &wa.best, wa.best_score);
        assert_eq!(wb.best.routes, wa.best.routes);
        assert_eq!(wb.cur.routes, wa.best.routes);
        // B's caches are keyed by the stamps it handed out, which A's may repeat: the adopted
        // routes get stamps B never used, and count as never searched.
        for st in [&wb.cur, &wb.best] {
            assert!(st.stamps.iter().all(|&s| s > handed_out));
            assert!(st.tested.iter().chain(&st.settled).all(|&t| t == 0));
        }
        assert!(!b.rounds(&mut wb, 120, 120, None));
        assert!(wb.best_score <= wa.best_score);
        let drive: i64 = (wb.best.routes.iter().enumerate())
            .filter(|(_, r)| !r.is_empty())
            .map(|(s, r)| {
                Scheduler {
                    inst: &inst,
                    shift: s,
                }
                .cost(r)
                .unwrap()
                .drive
            })
            .sum();
        assert_eq!(b.score(&wb.best).drive, drive);
    }
}
