//! Building a plan: regret insertion (required bookings first), the insertion cache per route
//! stamp, and serving unassigned bookings directly or in place of less important ones.

use super::*;
use crate::solver::route::RouteCost;

impl Search<'_, '_> {
    /// Builds a first plan by regret-2 insertion, required bookings first.
    pub fn construct(&mut self, bookings: &[usize]) -> State {
        let mut st = State::empty(self.inst.shifts.len(), self.inst.n());
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
                        Some((self.added(&st, s, c), s, pos, c))
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

    /// A first plan from given routes (a warm start): each route that is still feasible on
    /// its shift is kept as it is; the bookings of the others, and every booking of
    /// `bookings` not on a route, are then inserted where they add least, most important first.
    pub fn warm_start(&mut self, bookings: &[usize], given: &[Vec<usize>]) -> State {
        let mut st = State::empty(self.inst.shifts.len(), self.inst.n());
        let mut placed = vec![false; self.inst.n()];
        for (s, route) in given.iter().enumerate().take(st.routes.len()) {
            if route.is_empty() || !self.all_fit(route, s) {
                continue;
            }
            if let Some(c) = self.cost(s, route) {
                for &b in route {
                    placed[b] = true;
                }
                self.set_route(&mut st, s, route.clone(), c);
            }
        }
        let mut todo: Vec<usize> = bookings.iter().copied().filter(|&b| !placed[b]).collect();
        todo.sort_by_key(|&b| std::cmp::Reverse(self.inst.bookings[b].priority));
        for b in todo {
            match self.cheapest_insertion(&st, b) {
                Some((s, p, c)) => self.insert(&mut st, s, p, b, c),
                None => st.unassigned.push(b),
            }
        }
        st
    }

    /// Cheapest feasible position for `b` on shift `s` (cached per route stamp).
    pub(super) fn best_insertion(
        &mut self,
        st: &State,
        b: usize,
        s: usize,
    ) -> Option<(usize, RouteCost)> {
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

    /// With exact segments, the cheapest feasible position; otherwise positions are tried in
    /// order of free-flow detour (those the relaxed segments rule out skipped), and the first
    /// feasible one wins.
    pub(super) fn find_insertion(
        &mut self,
        st: &State,
        b: usize,
        s: usize,
    ) -> Option<(usize, RouteCost)> {
        let n = st.routes[s].len();
        if self.exact() {
            let mut best: Option<(usize, RouteCost)> = None;
            for p in 0..=n {
                let pieces = [Piece::Run(s, 0, p), Piece::One(b), Piece::Run(s, p, n)];
                if let Some(c) = self.evaluate(st, s, &pieces) {
                    if best.is_none_or(|(_, x)| c.drive < x.drive) {
                        best = Some((p, c));
                    }
                }
            }
            return best;
        }
        let route = &st.routes[s];
        let sh = &self.inst.shifts[s];
        let m = &self.inst.matrix;
        let loc = |i: usize| self.inst.bookings[route[i]].loc;
        let bl = self.inst.bookings[b].loc;
        let mut cands: Vec<(i64, usize)> = (0..=n)
            .map(|p| {
                let a = if p == 0 { sh.start_loc } else { loc(p - 1) };
                let z = if p == n { sh.end_loc } else { loc(p) };
                (m.secs(a, bl, 0) + m.secs(bl, z, 0) - m.secs(a, z, 0), p)
            })
            .collect();
        cands.sort_unstable();
        let mut seq = Vec::with_capacity(n + 1);
        for (_, p) in cands {
            let pieces = [Piece::Run(s, 0, p), Piece::One(b), Piece::Run(s, p, n)];
            if !self.may_fit(st, s, &pieces) {
                continue;
            }
            seq.clear();
            seq.extend_from_slice(&st.routes[s][..p]);
            seq.push(b);
            seq.extend_from_slice(&st.routes[s][p..]);
            // Scheduled from the new visit on (the route's walks before it are cached).
            if let Some(c) = self.scheduled(st, s, &pieces, &seq) {
                return Some((p, c));
            }
        }
        None
    }

    /// The shift, position and new route cost that add the least drive for `b`, if any.
    pub(super) fn cheapest_insertion(
        &mut self,
        st: &State,
        b: usize,
    ) -> Option<(usize, usize, RouteCost)> {
        let mut best: Option<(i64, usize, usize, RouteCost)> = None;
        for &s in &self.shifts_of[b] {
            if !self.open_routes && st.routes[s].is_empty() {
                continue;
            }
            if let Some((p, c)) = self.best_insertion(st, b, s) {
                let d = self.added(st, s, c);
                if best.is_none_or(|x| d < x.0) {
                    best = Some((d, s, p, c));
                }
            }
        }
        best.map(|(_, s, p, c)| (s, p, c))
    }

    /// Serves an unassigned booking, directly or in place of a less important one.
    pub(super) fn insert_unassigned(&mut self, st: &mut State) -> bool {
        let mut order = st.unassigned.clone();
        order.sort_by_key(|&b| std::cmp::Reverse(self.rank(b)));
        for b in order {
            if let Some((s, p, c)) = self.cheapest_insertion(st, b) {
                self.insert(st, s, p, b, c);
                st.unassigned.retain(|&u| u != b);
                return true;
            }
            // Swap out a served booking it outranks.
            for k in 0..self.shifts_of[b].len() {
                let s = self.shifts_of[b][k];
                let n = st.routes[s].len();
                for i in 0..n {
                    let v = st.routes[s][i];
                    if self.rank(v) >= self.rank(b) {
                        continue;
                    }
                    let pieces = [Piece::Run(s, 0, i), Piece::One(b), Piece::Run(s, i + 1, n)];
                    if let Some(c) = self.evaluate(st, s, &pieces) {
                        let r = Self::build(st, &pieces);
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
}
