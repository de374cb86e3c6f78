//! Intra-route moves: relocate, or-opt (runs of two and three, also reversed), swap and 2-opt
//! within one route, with loops that stop where windows alone rule out the rest.

use super::*;

impl Search<'_, '_> {
    /// Within route `s`: relocate, or-opt (runs of two or three moved, also reversed, when
    /// moves are evaluated in O(1)), swap and 2-opt (segment reversal). A pass goes on after
    /// an improvement, and says whether it made any.
    ///
    /// With segments, each loop stops as soon as windows alone rule out the rest: service
    /// begins are nondecreasing along a route, so a visit placed after stops whose windows open
    /// later than it closes, or before stops that close earlier than it can be done, misses
    /// a window wherever it goes further on.
    pub(super) fn intra_route(&mut self, st: &mut State, s: usize) -> bool {
        use Piece::{One, Rev, Run};
        let longest = if self.exact() { 3 } else { 1 };
        let mut improved = false;
        let n = st.routes[s].len();
        for i in 0..n {
            for len in 1..=longest.min(n - i) {
                let e = i + len;
                for rev in [false, true] {
                    if rev && len == 1 {
                        continue;
                    }
                    let run = if rev { Rev(s, i, e) } else { Run(s, i, e) };
                    let (mut done, closes) = self.bounds(st, run);
                    // Later in the route: after visit j.
                    let mut opens = i64::MIN;
                    for j in e..n {
                        opens = opens.max(self.window(st.routes[s][j]).0);
                        if opens > closes {
                            break;
                        }
                        let r = [Run(s, 0, i), Run(s, e, j + 1), run, Run(s, j + 1, n)];
                        if self.apply(st, &[(s, &r)]) {
                            improved = true;
                            // The run now holds other visits.
                            done = self.bounds(st, run).0;
                            break;
                        }
                    }
                    // Earlier: before visit j.
                    let mut first_close = i64::MAX;
                    for j in (0..i).rev() {
                        first_close = first_close.min(self.window(st.routes[s][j]).1);
                        if done > first_close {
                            break;
                        }
                        let r = [Run(s, 0, j), run, Run(s, j, i), Run(s, e, n)];
                        if self.apply(st, &[(s, &r)]) {
                            improved = true;
                            break;
                        }
                    }
                }
            }
            // Swap visits i and j: i then comes after the visits in between.
            let mut opens = i64::MIN;
            for j in i + 1..n {
                let route = &st.routes[s];
                if j > i + 1 {
                    opens = opens.max(self.window(route[j - 1]).0);
                }
                if opens > self.window(route[i]).1 {
                    break;
                }
                let (a, b) = (route[i], route[j]);
                let r = [
                    Run(s, 0, i),
                    One(b),
                    Run(s, i + 1, j),
                    One(a),
                    Run(s, j + 1, n),
                ];
                if self.apply(st, &[(s, &r)]) {
                    improved = true;
                    break;
                }
            }
            // Reverse visits i..=j: i then comes after the rest of them.
            let mut opens = i64::MIN;
            for j in i + 1..n {
                let route = &st.routes[s];
                opens = opens.max(self.window(route[j]).0);
                if opens > self.window(route[i]).1 {
                    break;
                }
                if j > i + 1 {
                    let r = [Run(s, 0, i), Rev(s, i, j + 1), Run(s, j + 1, n)];
                    if self.apply(st, &[(s, &r)]) {
                        improved = true;
                        break;
                    }
                }
            }
        }
        improved
    }

    /// Earliest and latest arrival (before set-up) at booking `b` that can meet its window;
    /// unbounded without segments.
    pub(super) fn window(&self, b: usize) -> (i64, i64) {
        self.segments.as_ref().map_or((i64::MIN, i64::MAX), |g| {
            (g.nodes[b].earliest, g.nodes[b].latest)
        })
    }

    /// For a run of visits about to be moved: the earliest it can be done, and the latest
    /// arrival that still meets its windows (a run that misses a window alone fits nowhere).
    pub(super) fn bounds(&mut self, st: &State, run: Piece) -> (i64, i64) {
        if self.segments.is_none() {
            return (i64::MIN, i64::MAX);
        }
        match self.piece_segment(st, run) {
            Some(g) if g.warp == 0 => (g.earliest + g.duration, g.latest),
            _ => (i64::MAX, i64::MIN),
        }
    }
}
