//! The heuristic: regret insertion to build, a descent over relocate, swap, 2-opt, 2-opt*
//! and insertion moves, and ruin-and-recreate (remove a cluster of nearby visits, reinsert
//! greedily in a random order) to escape local optima, with a record-to-record acceptance.
//!
//! Moves are screened with the free-flow drive of the changed route (a sum over its arcs)
//! and only promising ones are scheduled in full, which checks every time constraint.

use super::instance::Instance;
use super::route::{RouteCost, Scheduler};
use super::Score;
use crate::model::Priority;
use crate::rng::SplitMix64;
use std::time::Instant;

/// A candidate plan during search: one visit order per shift, and the bookings left out.
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub routes: Vec<Vec<usize>>,
    costs: Vec<RouteCost>,
    /// A stamp per route, new whenever the route changes: equal stamps mean equal routes.
    stamps: Vec<u64>,
    pub unassigned: Vec<usize>,
}

pub(crate) struct Search<'a, 'p> {
    inst: &'a Instance<'p>,
    /// Shifts each booking may be placed on (eligible and feasible alone).
    shifts_of: &'a [Vec<usize>],
    rng: SplitMix64,
    /// The last stamp handed out.
    stamp: u64,
    /// For large problems, each booking's nearest bookings: inter-route moves only bring a
    /// booking next to one of them (granular neighbourhoods, Toth and Vigo 2003). Empty for
    /// small problems, which search the full neighbourhoods.
    neighbours: Vec<Vec<usize>>,
    /// Best insertion of booking `b` into shift `s` (index `b * shifts + s`), valid while the
    /// route still has the stamp it was computed for.
    insertions: Vec<Option<CachedInsertion>>,
}

/// Above this many bookings, inter-route moves are granular.
const GRANULAR_FROM: usize = 60;
/// How many near bookings each booking's granular moves consider.
const NEIGHBOURS: usize = 15;

/// Each booking's [`NEIGHBOURS`] nearest bookings that can share a shift with it, by free-flow
/// drive in either direction.
fn nearest_bookings(inst: &Instance, shifts_of: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let m = &inst.matrix;
    let loc = |b: usize| inst.bookings[b].loc;
    (0..inst.n())
        .map(|b| {
            let mut near: Vec<(i64, usize)> = (0..inst.n())
                .filter(|&v| v != b && shifts_of[v].iter().any(|s| shifts_of[b].contains(s)))
                .map(|v| (m.secs(loc(b), loc(v), 0).min(m.secs(loc(v), loc(b), 0)), v))
                .collect();
            let k = NEIGHBOURS.min(near.len());
            if k > 0 {
                near.select_nth_unstable(k - 1);
                near.truncate(k);
                near.sort_unstable();
            }
            near.into_iter().map(|(_, v)| v).collect()
        })
        .collect()
}

/// A best insertion (position, new route cost), or none, for the route stamp it was found on.
type CachedInsertion = (u64, Option<(usize, RouteCost)>);

const EMPTY: RouteCost = RouteCost {
    drive: 0,
    finish: 0,
};

impl<'a, 'p> Search<'a, 'p> {
    pub fn new(inst: &'a Instance<'p>, shifts_of: &'a [Vec<usize>], seed: u64) -> Self {
        let cells = inst.n() * inst.shifts.len();
        let neighbours = if inst.n() > GRANULAR_FROM {
            nearest_bookings(inst, shifts_of)
        } else {
            Vec::new()
        };
        Search {
            inst,
            shifts_of,
            rng: SplitMix64::new(seed),
            stamp: 0,
            neighbours,
            insertions: vec![None; cells],
        }
    }

    /// Where each booking is: `(route, position)`, `usize::MAX` when unassigned.
    fn positions(&self, st: &State) -> Vec<(usize, usize)> {
        let mut at = vec![(usize::MAX, usize::MAX); self.inst.n()];
        for (s, r) in st.routes.iter().enumerate() {
            for (i, &b) in r.iter().enumerate() {
                at[b] = (s, i);
            }
        }
        at
    }

    /// Granular inter-route moves: for each served booking `b` and each near booking `v` in
    /// another route, relocate `b` before or after `v`, swap the two, or join `b` to `v` by
    /// exchanging the routes' tails (2-opt*).
    fn granular_inter(&mut self, st: &mut State) -> bool {
        let at = self.positions(st);
        for b in 0..self.inst.n() {
            let (s1, i) = at[b];
            if s1 == usize::MAX {
                continue;
            }
            for k in 0..self.neighbours[b].len() {
                let v = self.neighbours[b][k];
                let (s2, j) = at[v];
                if s2 == usize::MAX || s2 == s1 {
                    continue;
                }
                let fits = |x: usize, s: usize| self.shifts_of[x].contains(&s);
                if fits(b, s2) {
                    let mut from = st.routes[s1].clone();
                    from.remove(i);
                    for p in [j, j + 1] {
                        let mut to = st.routes[s2].clone();
                        to.insert(p, b);
                        if self.try_routes(st, &[(s1, from.clone()), (s2, to)]) {
                            return true;
                        }
                    }
                    if fits(v, s1) {
                        let (mut r1, mut r2) = (st.routes[s1].clone(), st.routes[s2].clone());
                        r1[i] = v;
                        r2[j] = b;
                        if self.try_routes(st, &[(s1, r1), (s2, r2)]) {
                            return true;
                        }
                    }
                }
                // 2-opt*: s1 keeps up to b, then v's tail; s2 keeps up to before v, then b's tail.
                let (a, c) = (&st.routes[s1], &st.routes[s2]);
                if c[j..].iter().all(|&x| fits(x, s1)) && a[i + 1..].iter().all(|&x| fits(x, s2)) {
                    let r1: Vec<usize> = a[..=i].iter().chain(&c[j..]).copied().collect();
                    let r2: Vec<usize> = c[..j].iter().chain(&a[i + 1..]).copied().collect();
                    if self.try_routes(st, &[(s1, r1), (s2, r2)]) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Replaces route `s` and its cost, with a new stamp.
    fn set_route(&mut self, st: &mut State, s: usize, route: Vec<usize>, cost: RouteCost) {
        self.stamp += 1;
        st.routes[s] = route;
        st.costs[s] = cost;
        st.stamps[s] = self.stamp;
    }

    /// Inserts `b` at `pos` of route `s`, whose new cost is `cost`.
    fn insert(&mut self, st: &mut State, s: usize, pos: usize, b: usize, cost: RouteCost) {
        let mut r = std::mem::take(&mut st.routes[s]);
        r.insert(pos, b);
        self.set_route(st, s, r, cost);
    }

    fn cost(&self, shift: usize, seq: &[usize]) -> Option<RouteCost> {
        if seq.is_empty() {
            return Some(EMPTY);
        }
        Scheduler {
            inst: self.inst,
            shift,
        }
        .cost(seq)
    }

    /// Free-flow drive along `seq` on `shift`: a cheap screen before full scheduling.
    fn free_flow(&self, shift: usize, seq: &[usize]) -> i64 {
        if seq.is_empty() {
            return 0;
        }
        let s = &self.inst.shifts[shift];
        let m = &self.inst.matrix;
        let mut prev = s.start_loc;
        let mut total = 0;
        for &b in seq {
            let l = self.inst.bookings[b].loc;
            total += m.secs(prev, l, 0);
            prev = l;
        }
        total + m.secs(prev, s.end_loc, 0)
    }

    pub fn score(&self, st: &State) -> Score {
        let (mut req, mut w) = (0, 0);
        for r in &st.routes {
            for &b in r {
                let (dr, dw) = Score::served_value(self.inst.bookings[b].priority);
                req += dr;
                w += dw;
            }
        }
        Score::new(req, w, st.costs.iter().map(|c| c.drive).sum())
    }

    /// Builds a first plan by regret-2 insertion, required bookings first.
    pub fn construct(&mut self, bookings: &[usize]) -> State {
        let ns = self.inst.shifts.len();
        let mut st = State {
            routes: vec![Vec::new(); ns],
            costs: vec![EMPTY; ns],
            stamps: vec![0; ns],
            unassigned: Vec::new(),
        };
        let mut todo: Vec<usize> = bookings.to_vec();
        while let Some(top) = todo.iter().map(|&b| self.inst.bookings[b].priority).max() {
            // (regret, -detour, booking, shift, position, cost) of the best pick so far.
            let mut pick: Option<(i64, i64, usize, usize, usize, RouteCost)> = None;
            let mut dead = Vec::new();
            for &b in todo
                .iter()
                .filter(|&&b| self.inst.bookings[b].priority == top)
            {
                let mut per_route: Vec<(i64, usize, usize, RouteCost)> = self.shifts_of[b]
                    .iter()
                    .filter_map(|&s| {
                        let (pos, c) = self.best_insertion(&st, b, s)?;
                        Some((c.drive - st.costs[s].drive, s, pos, c))
                    })
                    .collect();
                per_route.sort_by_key(|x| x.0);
                let Some(&(best, s, pos, c)) = per_route.first() else {
                    dead.push(b);
                    continue;
                };
                let regret = per_route.get(1).map_or(i64::MAX / 4, |x| x.0 - best);
                if pick.is_none_or(|p| (regret, -best) > (p.0, p.1)) {
                    pick = Some((regret, -best, b, s, pos, c));
                }
            }
            // A booking that fits nowhere now will not fit once routes are fuller.
            todo.retain(|b| !dead.contains(b));
            st.unassigned.extend(dead);
            if let Some((_, _, b, s, pos, c)) = pick {
                todo.retain(|&x| x != b);
                self.insert(&mut st, s, pos, b, c);
            }
        }
        st
    }

    /// Cheapest feasible position for `b` on shift `s` (cached per route stamp).
    fn best_insertion(&mut self, st: &State, b: usize, s: usize) -> Option<(usize, RouteCost)> {
        let cell = b * self.inst.shifts.len() + s;
        if let Some((stamp, found)) = self.insertions[cell] {
            if stamp == st.stamps[s] {
                return found;
            }
        }
        let found = self.find_insertion(st, b, s);
        self.insertions[cell] = Some((st.stamps[s], found));
        found
    }

    /// Positions are tried in order of free-flow detour, and the first feasible one wins.
    fn find_insertion(&self, st: &State, b: usize, s: usize) -> Option<(usize, RouteCost)> {
        let route = &st.routes[s];
        let sh = &self.inst.shifts[s];
        let m = &self.inst.matrix;
        let loc = |i: usize| self.inst.bookings[route[i]].loc;
        let bl = self.inst.bookings[b].loc;
        let mut cands: Vec<(i64, usize)> = (0..=route.len())
            .map(|p| {
                let a = if p == 0 { sh.start_loc } else { loc(p - 1) };
                let z = if p == route.len() { sh.end_loc } else { loc(p) };
                (m.secs(a, bl, 0) + m.secs(bl, z, 0) - m.secs(a, z, 0), p)
            })
            .collect();
        cands.sort_unstable();
        let mut seq = Vec::with_capacity(route.len() + 1);
        for (_, p) in cands {
            seq.clear();
            seq.extend_from_slice(&route[..p]);
            seq.push(b);
            seq.extend_from_slice(&route[p..]);
            if let Some(c) = self.cost(s, &seq) {
                return Some((p, c));
            }
        }
        None
    }

    /// Replaces routes when the change lowers total drive; returns whether it did.
    fn try_routes(&mut self, st: &mut State, changes: &[(usize, Vec<usize>)]) -> bool {
        let old: i64 = changes.iter().map(|(s, _)| st.costs[*s].drive).sum();
        let screen: i64 = changes.iter().map(|(s, r)| self.free_flow(*s, r)).sum();
        let old_screen: i64 = changes
            .iter()
            .map(|(s, _)| self.free_flow(*s, &st.routes[*s]))
            .sum();
        if screen >= old_screen && self.inst.matrix.bins().len() == 1 {
            return false;
        }
        let mut new = Vec::with_capacity(changes.len());
        for (s, r) in changes {
            match self.cost(*s, r) {
                Some(c) => new.push(c),
                None => return false,
            }
        }
        if new.iter().map(|c| c.drive).sum::<i64>() >= old {
            return false;
        }
        for ((s, r), c) in changes.iter().zip(new) {
            self.set_route(st, *s, r.clone(), c);
        }
        true
    }

    /// Descends until no move improves the plan: first the order of what is served, then,
    /// at each local optimum, serving one more booking (and descending again).
    pub fn local_search(&mut self, st: &mut State) {
        loop {
            if self.neighbours.is_empty() {
                while self.intra_moves(st)
                    || self.relocate_inter(st)
                    || self.swap_inter(st)
                    || self.two_opt_star(st)
                {}
            } else {
                while self.intra_moves(st) || self.granular_inter(st) {}
            }
            if !self.insert_unassigned(st) {
                break;
            }
        }
    }

    /// The shift, position and new route cost that add the least drive for `b`, if any.
    fn cheapest_insertion(&mut self, st: &State, b: usize) -> Option<(usize, usize, RouteCost)> {
        let mut best: Option<(i64, usize, usize, RouteCost)> = None;
        for &s in &self.shifts_of[b] {
            if let Some((p, c)) = self.best_insertion(st, b, s) {
                let d = c.drive - st.costs[s].drive;
                if best.is_none_or(|x| d < x.0) {
                    best = Some((d, s, p, c));
                }
            }
        }
        best.map(|(_, s, p, c)| (s, p, c))
    }

    /// Serves an unassigned booking, directly or in place of a less important one.
    fn insert_unassigned(&mut self, st: &mut State) -> bool {
        let mut order = st.unassigned.clone();
        order.sort_by_key(|&b| std::cmp::Reverse(self.inst.bookings[b].priority));
        for b in order {
            let pb = self.inst.bookings[b].priority;
            if let Some((s, p, c)) = self.cheapest_insertion(st, b) {
                self.insert(st, s, p, b, c);
                st.unassigned.retain(|&u| u != b);
                return true;
            }
            // Swap out a served booking of lower priority.
            for &s in &self.shifts_of[b] {
                for i in 0..st.routes[s].len() {
                    let v = st.routes[s][i];
                    if self.inst.bookings[v].priority >= pb {
                        continue;
                    }
                    let mut r = st.routes[s].clone();
                    r[i] = b;
                    if let Some(c) = self.cost(s, &r) {
                        self.set_route(st, s, r, c);
                        st.unassigned.retain(|&u| u != b);
                        st.unassigned.push(v);
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Relocate, swap and 2-opt (segment reversal) within each route.
    fn intra_moves(&mut self, st: &mut State) -> bool {
        for s in 0..st.routes.len() {
            let n = st.routes[s].len();
            for i in 0..n {
                for j in 0..n {
                    if i == j {
                        continue;
                    }
                    let mut r = st.routes[s].clone();
                    let b = r.remove(i);
                    r.insert(j, b);
                    if self.try_routes(st, &[(s, r)]) {
                        return true;
                    }
                    if i < j {
                        let mut r = st.routes[s].clone();
                        r.swap(i, j);
                        if self.try_routes(st, &[(s, r)]) {
                            return true;
                        }
                        let mut r = st.routes[s].clone();
                        r[i..=j].reverse();
                        if j > i + 1 && self.try_routes(st, &[(s, r)]) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    fn relocate_inter(&mut self, st: &mut State) -> bool {
        let ns = st.routes.len();
        for s1 in 0..ns {
            for i in 0..st.routes[s1].len() {
                let b = st.routes[s1][i];
                for &s2 in &self.shifts_of[b] {
                    if s2 == s1 {
                        continue;
                    }
                    let mut from = st.routes[s1].clone();
                    from.remove(i);
                    for p in 0..=st.routes[s2].len() {
                        let mut to = st.routes[s2].clone();
                        to.insert(p, b);
                        if self.try_routes(st, &[(s1, from.clone()), (s2, to)]) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    fn swap_inter(&mut self, st: &mut State) -> bool {
        let ns = st.routes.len();
        for s1 in 0..ns {
            for s2 in s1 + 1..ns {
                for i in 0..st.routes[s1].len() {
                    for j in 0..st.routes[s2].len() {
                        let (a, b) = (st.routes[s1][i], st.routes[s2][j]);
                        if !self.shifts_of[a].contains(&s2) || !self.shifts_of[b].contains(&s1) {
                            continue;
                        }
                        let (mut r1, mut r2) = (st.routes[s1].clone(), st.routes[s2].clone());
                        r1[i] = b;
                        r2[j] = a;
                        if self.try_routes(st, &[(s1, r1), (s2, r2)]) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// Exchanges the tails of two routes.
    fn two_opt_star(&mut self, st: &mut State) -> bool {
        let ns = st.routes.len();
        for s1 in 0..ns {
            for s2 in s1 + 1..ns {
                let (n1, n2) = (st.routes[s1].len(), st.routes[s2].len());
                for i in 0..=n1 {
                    for j in 0..=n2 {
                        if (i == n1 && j == n2) || (i == 0 && j == 0) {
                            continue;
                        }
                        let (a, b) = (&st.routes[s1], &st.routes[s2]);
                        if !b[j..].iter().all(|x| self.shifts_of[*x].contains(&s1))
                            || !a[i..].iter().all(|x| self.shifts_of[*x].contains(&s2))
                        {
                            continue;
                        }
                        let r1: Vec<usize> = a[..i].iter().chain(&b[j..]).copied().collect();
                        let r2: Vec<usize> = b[..j].iter().chain(&a[i..]).copied().collect();
                        if self.try_routes(st, &[(s1, r1), (s2, r2)]) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// Removes a cluster of nearby visits and reinserts them, with everything unassigned,
    /// greedily in a random order within each priority.
    fn ruin_recreate(&mut self, st: &mut State) {
        let served: Vec<usize> = st.routes.iter().flatten().copied().collect();
        if !served.is_empty() {
            let seed = served[self.rng.below(served.len())];
            let centre = self.inst.bookings[seed].loc;
            let m = &self.inst.matrix;
            let mut near = served.clone();
            near.sort_by_key(|&b| m.secs(centre, self.inst.bookings[b].loc, 0));
            let removed = if self.rng.below(2) == 0 {
                // A cluster: the seed and its nearest served neighbours.
                near.truncate(1 + self.rng.below(served.len().min(8)));
                near
            } else {
                self.strings_near(st, &near)
            };
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
        let keys: Vec<(Priority, u64)> = todo
            .iter()
            .map(|&b| (self.inst.bookings[b].priority, self.rng.next_u64()))
            .collect();
        let mut order: Vec<usize> = (0..todo.len()).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(keys[i].0), keys[i].1));
        todo = order.into_iter().map(|i| todo[i]).collect();
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
    fn strings_near(&mut self, st: &State, near: &[usize]) -> Vec<usize> {
        let mut route_of = vec![usize::MAX; self.inst.n()];
        for (s, r) in st.routes.iter().enumerate() {
            for &b in r {
                route_of[b] = s;
            }
        }
        let served = near.len();
        let routes_used = st.routes.iter().filter(|r| !r.is_empty()).count().max(1);
        let max_len = (served / routes_used).clamp(1, 10);
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

    /// Iterated ruin-and-recreate with local search, from a regret construction. Stops after
    /// `iterations` rounds or at `deadline`, and returns the best plan seen.
    pub fn run(
        &mut self,
        bookings: &[usize],
        iterations: usize,
        limit: Option<(Instant, std::time::Duration)>,
    ) -> State {
        let mut cur = self.construct(bookings);
        self.local_search(&mut cur);
        let mut best = cur.clone();
        let mut best_score = self.score(&best);
        let mut cur_score = best_score;
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
                }
            }
        }
        best
    }
}
