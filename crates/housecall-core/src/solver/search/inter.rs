//! Inter-route moves, written once for a pair of bookings in different routes: the local
//! search feeds them each booking's neighbour list (every booking that can share a shift with
//! it for small problems, the nearest ones for large: granular neighbourhoods, Toth and Vigo
//! 2003).

use super::*;

/// The route of an unassigned booking in [`Search::at`].
pub(super) const NO_ROUTE: usize = usize::MAX;

impl Search<'_, '_> {
    /// Fills [`Search::at`]: each booking's `(route, position)`, route [`NO_ROUTE`] when unassigned.
    pub(super) fn locate(&mut self, st: &State) {
        self.at.clear();
        self.at.resize(self.inst.n(), (NO_ROUTE, 0));
        for s in 0..st.routes.len() {
            self.locate_route(st, s);
        }
    }

    /// Updates [`Search::at`] for the visits of route `s`.
    pub(super) fn locate_route(&mut self, st: &State, s: usize) {
        for (i, &b) in st.routes[s].iter().enumerate() {
            self.at[b] = (s, i);
        }
    }

    /// Tries the moves that bring booking `u` next to booking `v` of another route, and applies
    /// the first that improves the plan: the run of one to three visits from `u` (also
    /// reversed, runs only where moves are evaluated in O(1)) moved after `v` (or before it,
    /// when `v` is first); `u`,
    /// or `u` and the visit after it, swapped with `v`, or with `v` and the visit after it; and
    /// 2-opt* (the routes exchange their tails after `u` and from `v`).
    pub(super) fn pair_moves(&mut self, st: &mut State, u: usize, v: usize) -> bool {
        use Piece::{Rev, Run};
        let ((s1, i), (s2, j)) = (self.at[u], self.at[v]);
        let (n1, n2) = (st.routes[s1].len(), st.routes[s2].len());
        let longest = if self.exact() { 3 } else { 1 };
        for len in 1..=longest.min(n1 - i) {
            let e = i + len;
            if !self.all_fit(&st.routes[s1][i..e], s2) {
                break;
            }
            let from = [Run(s1, 0, i), Run(s1, e, n1)];
            for rev in [false, true] {
                if rev && len == 1 {
                    continue;
                }
                let run = if rev { Rev(s1, i, e) } else { Run(s1, i, e) };
                // After v; before v only when v is first (otherwise that is after the visit
                // before v, most likely a neighbour too).
                for p in [j + 1, 0] {
                    if p == 0 && j > 0 {
                        continue;
                    }
                    let to = [Run(s2, 0, p), run, Run(s2, p, n2)];
                    if self.apply(st, &[(s1, &from), (s2, &to)]) {
                        return true;
                    }
                }
            }
        }
        // Swaps: u (or u and its successor) for v (or v and its successor).
        for a in 1..=2.min(longest).min(n1 - i) {
            if !self.all_fit(&st.routes[s1][i..i + a], s2) {
                break;
            }
            for b in 1..=2.min(longest).min(n2 - j) {
                if !self.all_fit(&st.routes[s2][j..j + b], s1) {
                    break;
                }
                let r1 = [Run(s1, 0, i), Run(s2, j, j + b), Run(s1, i + a, n1)];
                let r2 = [Run(s2, 0, j), Run(s1, i, i + a), Run(s2, j + b, n2)];
                if self.apply(st, &[(s1, &r1), (s2, &r2)]) {
                    return true;
                }
            }
        }
        // 2-opt*: s1 keeps up to u, then v's tail; s2 keeps up to before v, then u's tail.
        if self.all_fit(&st.routes[s2][j..], s1) && self.all_fit(&st.routes[s1][i + 1..], s2) {
            let r1 = [Run(s1, 0, i + 1), Run(s2, j, n2)];
            let r2 = [Run(s2, 0, j), Run(s1, i + 1, n1)];
            if self.apply(st, &[(s1, &r1), (s2, &r2)]) {
                return true;
            }
        }
        false
    }

    /// Moves `u` alone onto an empty shift it may go on, when that lowers the plan's cost
    /// (only when routes are free to use); one empty shift of each kind is tried.
    pub(super) fn open_route(&mut self, st: &mut State, u: usize) -> bool {
        use Piece::{One, Run};
        let (s1, i) = self.at[u];
        let n1 = st.routes[s1].len();
        let from = [Run(s1, 0, i), Run(s1, i + 1, n1)];
        self.tried.clear();
        for k in 0..self.shifts_of[u].len() {
            let s2 = self.shifts_of[u][k];
            if !st.routes[s2].is_empty() || self.tried.contains(&self.twin[s2]) {
                continue;
            }
            self.tried.push(self.twin[s2]);
            if self.apply(st, &[(s1, &from), (s2, &[One(u)])]) {
                return true;
            }
        }
        false
    }

    /// [`Search::try_routes`], keeping [`Search::at`] up to date.
    pub(super) fn apply(&mut self, st: &mut State, changes: &[(usize, &[Piece])]) -> bool {
        if !self.try_routes(st, changes) {
            return false;
        }
        for &(s, _) in changes {
            self.locate_route(st, s);
        }
        true
    }
}
