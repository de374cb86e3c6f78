//! Inter-route moves: relocate, swap and 2-opt* between routes, over all pairs for small
//! problems or the granular neighbour lists for large ones.

use super::*;

impl Search<'_, '_> {
    /// Where each booking is: `(route, position)`, `usize::MAX` when unassigned.
    pub(super) fn positions(&self, st: &State) -> Vec<(usize, usize)> {
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
    pub(super) fn granular_inter(&mut self, st: &mut State) -> bool {
        use Piece::{One, Run};
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
                let (n1, n2) = (st.routes[s1].len(), st.routes[s2].len());
                let from = [Run(s1, 0, i), Run(s1, i + 1, n1)];
                if self.fits(b, s2) {
                    for p in [j, j + 1] {
                        let to = [Run(s2, 0, p), One(b), Run(s2, p, n2)];
                        if self.try_routes(st, &[(s1, &from), (s2, &to)]) {
                            return true;
                        }
                    }
                    if self.fits(v, s1) {
                        let r1 = [Run(s1, 0, i), One(v), Run(s1, i + 1, n1)];
                        let r2 = [Run(s2, 0, j), One(b), Run(s2, j + 1, n2)];
                        if self.try_routes(st, &[(s1, &r1), (s2, &r2)]) {
                            return true;
                        }
                    }
                }
                // 2-opt*: s1 keeps up to b, then v's tail; s2 keeps up to before v, then b's tail.
                if self.all_fit(&st.routes[s2][j..], s1)
                    && self.all_fit(&st.routes[s1][i + 1..], s2)
                {
                    let r1 = [Run(s1, 0, i + 1), Run(s2, j, n2)];
                    let r2 = [Run(s2, 0, j), Run(s1, i + 1, n1)];
                    if self.try_routes(st, &[(s1, &r1), (s2, &r2)]) {
                        return true;
                    }
                }
            }
        }
        false
    }

    pub(super) fn relocate_inter(&mut self, st: &mut State) -> bool {
        use Piece::{One, Run};
        let ns = st.routes.len();
        for s1 in 0..ns {
            let n1 = st.routes[s1].len();
            for i in 0..n1 {
                let b = st.routes[s1][i];
                let from = [Run(s1, 0, i), Run(s1, i + 1, n1)];
                for k in 0..self.shifts_of[b].len() {
                    let s2 = self.shifts_of[b][k];
                    if s2 == s1 {
                        continue;
                    }
                    let n2 = st.routes[s2].len();
                    for p in 0..=n2 {
                        let to = [Run(s2, 0, p), One(b), Run(s2, p, n2)];
                        if self.try_routes(st, &[(s1, &from), (s2, &to)]) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    pub(super) fn swap_inter(&mut self, st: &mut State) -> bool {
        use Piece::{One, Run};
        let ns = st.routes.len();
        for s1 in 0..ns {
            for s2 in s1 + 1..ns {
                let (n1, n2) = (st.routes[s1].len(), st.routes[s2].len());
                for i in 0..n1 {
                    for j in 0..n2 {
                        let (a, b) = (st.routes[s1][i], st.routes[s2][j]);
                        if !self.fits(a, s2) || !self.fits(b, s1) {
                            continue;
                        }
                        let r1 = [Run(s1, 0, i), One(b), Run(s1, i + 1, n1)];
                        let r2 = [Run(s2, 0, j), One(a), Run(s2, j + 1, n2)];
                        if self.try_routes(st, &[(s1, &r1), (s2, &r2)]) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// Exchanges the tails of two routes.
    pub(super) fn two_opt_star(&mut self, st: &mut State) -> bool {
        use Piece::Run;
        let ns = st.routes.len();
        for s1 in 0..ns {
            for s2 in s1 + 1..ns {
                let (n1, n2) = (st.routes[s1].len(), st.routes[s2].len());
                for i in 0..=n1 {
                    for j in 0..=n2 {
                        if (i == n1 && j == n2) || (i == 0 && j == 0) {
                            continue;
                        }
                        if !self.all_fit(&st.routes[s2][j..], s1)
                            || !self.all_fit(&st.routes[s1][i..], s2)
                        {
                            continue;
                        }
                        let r1 = [Run(s1, 0, i), Run(s2, j, n2)];
                        let r2 = [Run(s2, 0, j), Run(s1, i, n1)];
                        if self.try_routes(st, &[(s1, &r1), (s2, &r2)]) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }
}
