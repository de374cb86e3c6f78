//! Ruin: remove a cluster of nearby visits, SISR-style strings of routes near a seed, or
//! (routes first, once routes may be opened again) the shorter of two routes; the removed
//! bookings are reinserted greedily in a random order, those left out most often first while
//! routes are being saved, and now and then (travel only) the first of them on a new route.

use super::*;
use crate::solver::instance::Rank;

/// The most visits one cluster removes, and the longest string. 40 rather than 15: Solomon 56
/// at 1 s, two threads, seeds 1-10, the same session (2026-12-05): 0.319 % against 0.363 %
/// mean gap, better on eight seeds of ten (25: no better than 15; 10: 0.51 %).
const MAX_RUIN: usize = 40;

/// One recreate in this many (with travel the only cost) first opens a route for one of the
/// removed bookings, which those near it may then join: greedy insertion alone seldom opens
/// a route, and a plan on fewer, longer routes than the shortest travel needs stays there
/// (Gehring-Homberger R2_2_1 at 30 s, two threads, seeds 1-5, 2026-12-05: 11-12 routes and
/// 0.23-0.91 % above the best known, 0.40 % mean, without; 13 routes and 0.00-0.01 % with one
/// recreate in 8; one in 16: 0.10 %. Solomon 56 at 1 s, the same seeds: mean gap 0.312 %
/// without, 0.306 % with one in 8, 0.313 % with one in 16).
const OPEN_ONE: usize = 8;

impl Search<'_, '_> {
    /// Removes a cluster of nearby visits (or, when routes count, a whole short route) and
    /// reinserts them, with everything unassigned, greedily in a random order within each
    /// [`Search::rank`].
    pub(super) fn ruin_recreate(&mut self, st: &mut State) {
        let served: Vec<usize> = st.routes.iter().flatten().copied().collect();
        if !served.is_empty() {
            let seed = served[self.rng.below(served.len())];
            let centre = self.inst.bookings[seed].loc;
            let m = &self.inst.matrix;
            let mut near = served.clone();
            near.sort_by_key(|&b| m.secs(centre, self.inst.bookings[b].loc, 0));
            let used: Vec<usize> = (0..st.routes.len())
                .filter(|&s| !st.routes[s].is_empty())
                .collect();
            let empty_one = self.route_fixed > 0 && self.open_routes && used.len() > 1;
            let mut removed = if empty_one && self.rng.below(3) == 0 {
                // Fewer routes: empty the shorter of two random routes, to be served by others.
                let a = used[self.rng.below(used.len())];
                let b = used[self.rng.below(used.len())];
                let s = if st.routes[b].len() < st.routes[a].len() {
                    b
                } else {
                    a
                };
                st.routes[s].clone()
            } else if self.rng.below(2) == 0 {
                // A cluster: the seed and its nearest served neighbours.
                near.truncate(1 + self.rng.below(served.len().min(MAX_RUIN)));
                near
            } else {
                self.strings_near(st, &near)
            };
            // Confirmed visits are never removed.
            removed.retain(|&b| self.inst.bookings[b].priority != Rank::Confirmed);
            st.unassigned.extend(removed.iter().copied());
            for s in 0..st.routes.len() {
                if st.routes[s].iter().any(|b| removed.contains(b)) {
                    self.stamp += 1;
                    st.stamps[s] = self.stamp;
                    st.routes[s].retain(|b| !removed.contains(b));
                    // Removing visits keeps a route feasible when drive times obey the
                    // triangle inequality; an external matrix need not, so empty the route
                    // rather than keep an infeasible one.
                    st.costs[s] = match self.cost(s, &st.routes[s]) {
                        Some(c) => c,
                        None => {
                            st.unassigned.append(&mut st.routes[s]);
                            EMPTY
                        }
                    };
                }
            }
        }
        let mut todo = std::mem::take(&mut st.unassigned);
        let keys: Vec<((Rank, u64), u64)> = todo
            .iter()
            .map(|&b| (self.rank(b), self.rng.next_u64()))
            .collect();
        let mut order: Vec<usize> = (0..todo.len()).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(keys[i].0), keys[i].1));
        todo = order.into_iter().map(|i| todo[i]).collect();
        // Now and then (travel only) the first booking opens a route.
        if self.route_fixed == 0
            && self.open_routes
            && !todo.is_empty()
            && self.rng.below(OPEN_ONE) == 0
        {
            let b = todo[0];
            let empty = (self.shifts_of[b].iter()).find(|&&s| st.routes[s].is_empty());
            if let Some(&s) = empty {
                if let Some((p, c)) = self.best_insertion(st, b, s) {
                    self.insert(st, s, p, b, c);
                    todo.remove(0);
                }
            }
        }
        for b in todo {
            match self.cheapest_insertion(st, b) {
                Some((s, p, c)) => self.insert(st, s, p, b, c),
                None => st.unassigned.push(b),
            }
        }
    }

    /// Strings of consecutive visits from a few routes near the seed (`near`: served bookings
    /// by distance from the seed, the seed first), in the spirit of SISR (Christiaens and
    /// Vanden Berghe, 2020): removing whole stretches of routes lets them be rebuilt
    /// differently, where scattered removals tend to go back where they were.
    pub(super) fn strings_near(&mut self, st: &State, near: &[usize]) -> Vec<usize> {
        let mut route_of = vec![usize::MAX; self.inst.n()];
        for (s, r) in st.routes.iter().enumerate() {
            for &b in r {
                route_of[b] = s;
            }
        }
        let served = near.len();
        let routes_used = st.routes.iter().filter(|r| !r.is_empty()).count().max(1);
        let max_len = (served / routes_used).clamp(1, MAX_RUIN);
        let strings = 1 + self.rng.below(3);
        let (mut done, mut removed) = (Vec::new(), Vec::new());
        for &b in near {
            if done.len() >= strings {
                break;
            }
            let s = route_of[b];
            if done.contains(&s) {
                continue;
            }
            done.push(s);
            let r = &st.routes[s];
            let len = 1 + self.rng.below(max_len.min(r.len()));
            let at = r.iter().position(|&x| x == b).unwrap_or(0);
            let first = at.saturating_sub(self.rng.below(len)).min(r.len() - len);
            removed.extend_from_slice(&r[first..first + len]);
        }
        removed
    }
}
