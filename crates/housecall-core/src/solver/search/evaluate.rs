//! Route evaluation: moves describe their new routes as [`Piece`]s of current ones, screened
//! by their least drive, then evaluated in O(1) from cached prefix/suffix segments where the
//! instance allows it ([`Segments`]), otherwise scheduled from the first change on;
//! [`Search::try_routes`] applies a set of route changes if it improves the plan.

use super::*;
use crate::solver::route::{RouteCost, Scheduler};
use crate::solver::segment::Segment;

/// A stretch of a proposed route: moves describe new routes as pieces of the current ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Piece {
    /// `routes[s][from..to]`, in order.
    Run(usize, usize, usize),
    /// `routes[s][from..to]`, reversed.
    Rev(usize, usize, usize),
    /// One booking.
    One(usize),
}

#[derive(Clone, Default)]
pub(super) struct RouteSegments {
    stamp: Option<u64>,
    /// `pre[k]`: visits `0..=k`; `suf[k]`: visits `k..`.
    pre: Vec<Segment>,
    suf: Vec<Segment>,
    /// `head[k]`: from the shift's start place through visit `k`; `tail[k]`: from visit `k`
    /// to the end place (and `tail[len]` the end place alone).
    head: Vec<Segment>,
    tail: Vec<Segment>,
    /// Least drive (over the day) from the first visit to visit `k`, forward and against
    /// the route.
    ahead: Vec<i64>,
    back: Vec<i64>,
}

/// Middle stretches shorter than this are folded directly rather than memoised.
pub(super) const SHORT: usize = 4;

impl Search<'_, '_> {
    /// Evaluates moves by scheduling whole routes from now on (a benchmark baseline).
    pub fn schedule_in_full(&mut self) {
        self.segments = None;
    }

    /// The visits the pieces make, in order.
    pub(super) fn build(st: &State, pieces: &[Piece]) -> Vec<usize> {
        let mut seq = Vec::new();
        Self::build_into(st, pieces, &mut seq);
        seq
    }

    /// [`Search::build`] into `seq`, which is cleared first (no allocation once it is large
    /// enough).
    fn build_into(st: &State, pieces: &[Piece], seq: &mut Vec<usize>) {
        seq.clear();
        for p in pieces {
            match *p {
                Piece::Run(s, a, z) => seq.extend_from_slice(&st.routes[s][a..z]),
                Piece::Rev(s, a, z) => seq.extend(st.routes[s][a..z].iter().rev()),
                Piece::One(b) => seq.push(b),
            }
        }
    }

    /// Prefix and suffix segments of route `s` (with [`Segments`] only) and its least drives,
    /// rebuilt when the route has changed.
    pub(super) fn route_segments(&mut self, st: &State, s: usize) -> &RouteSegments {
        let stamp = Some(st.stamps[s]);
        if self.route_segments[s].stamp != stamp {
            let m = &self.inst.matrix;
            let r = &st.routes[s];
            let (mut pre, mut suf): (Vec<Segment>, Vec<Segment>) = (Vec::new(), Vec::new());
            let (mut head, mut tail) = (Vec::new(), Vec::new());
            if let Some(segs) = &self.segments {
                pre.reserve(r.len());
                for &b in r {
                    let n = &segs.nodes[b];
                    pre.push(pre.last().map_or(*n, |p| p.then(n, m)));
                }
                suf.reserve(r.len());
                for &b in r.iter().rev() {
                    let n = &segs.nodes[b];
                    suf.push(suf.last().map_or(*n, |p| n.then(p, m)));
                }
                suf.reverse();
                let start = &segs.starts[s];
                head = pre.iter().map(|p| start.then(p, m)).collect();
                tail = segs.tails(m, s, r);
            }
            let loc = |k: usize| self.inst.bookings[r[k]].loc;
            let (mut ahead, mut back) = (vec![0; r.len()], vec![0; r.len()]);
            for k in 1..r.len() {
                ahead[k] = ahead[k - 1] + m.least_secs(loc(k - 1), loc(k));
                back[k] = back[k - 1] + m.least_secs(loc(k), loc(k - 1));
            }
            self.route_segments[s] = RouteSegments {
                stamp,
                pre,
                suf,
                head,
                tail,
                ahead,
                back,
            };
        }
        &self.route_segments[s]
    }

    /// The segment of one piece (none when empty): prefixes and suffixes from the route's
    /// cache, middle stretches grown from the last one by a stop when they can be.
    pub(super) fn piece_segment(&mut self, st: &State, p: Piece) -> Option<Segment> {
        let (s, a, z, rev) = match p {
            Piece::One(b) => return self.segments.as_ref().map(|g| g.nodes[b]),
            Piece::Run(s, a, z) => (s, a, z, false),
            Piece::Rev(s, a, z) => (s, a, z, true),
        };
        if a >= z {
            return None;
        }
        let n = st.routes[s].len();
        if !rev && (a == 0 || z == n) {
            let rs = self.route_segments(st, s);
            return Some(if a == 0 { rs.pre[z - 1] } else { rs.suf[a] });
        }
        let segs = self.segments.as_ref()?;
        let m = &self.inst.matrix;
        let r = &st.routes[s];
        let node = |i: usize| &segs.nodes[r[i]];
        if z - a <= SHORT {
            return if rev {
                segs.fold(m, r[a..z].iter().rev().copied())
            } else {
                segs.fold(m, r[a..z].iter().copied())
            };
        }
        let slot = rev as usize;
        let grown = match self.memo[slot] {
            Some((stamp, Piece::Run(ms, ma, mz) | Piece::Rev(ms, ma, mz), seg))
                if stamp == st.stamps[s] && ms == s =>
            {
                match (ma == a, mz == z, rev) {
                    (true, true, _) => Some(seg),
                    (true, false, false) if mz + 1 == z => Some(seg.then(node(mz), m)),
                    (true, false, true) if mz + 1 == z => Some(node(mz).then(&seg, m)),
                    (false, true, false) if ma == a + 1 => Some(node(a).then(&seg, m)),
                    (false, true, true) if ma == a + 1 => Some(seg.then(node(a), m)),
                    _ => None,
                }
            }
            _ => None,
        };
        let seg = match grown {
            Some(g) => g,
            None if rev => segs.fold(m, r[a..z].iter().rev().copied())?,
            None => segs.fold(m, r[a..z].iter().copied())?,
        };
        self.memo[slot] = Some((st.stamps[s], p, seg));
        Some(seg)
    }

    /// First and last location and inner least drive of one piece (none when empty), in O(1).
    pub(super) fn piece_drive(&mut self, st: &State, p: Piece) -> Option<(usize, usize, i64)> {
        let (s, a, z, rev) = match p {
            Piece::One(b) => {
                let l = self.inst.bookings[b].loc;
                return Some((l, l, 0));
            }
            Piece::Run(s, a, z) => (s, a, z, false),
            Piece::Rev(s, a, z) => (s, a, z, true),
        };
        if a >= z {
            return None;
        }
        let inst = self.inst;
        let rs = self.route_segments(st, s);
        let (la, lz) = (
            inst.bookings[st.routes[s][a]].loc,
            inst.bookings[st.routes[s][z - 1]].loc,
        );
        Some(if rev {
            (lz, la, rs.back[z - 1] - rs.back[a])
        } else {
            (la, lz, rs.ahead[z - 1] - rs.ahead[a])
        })
    }

    /// The least drive of the route the pieces make on shift `s` (every drive at its least
    /// over the day), in O(pieces): the drive itself when drives do not depend on the time of
    /// day, else a lower bound.
    pub(super) fn drive_of(&mut self, st: &State, s: usize, pieces: &[Piece]) -> i64 {
        let m = &self.inst.matrix;
        let sh = &self.inst.shifts[s];
        let (mut at, mut total) = (sh.start_loc, 0);
        let mut any = false;
        for &p in pieces {
            if let Some((first, last, d)) = self.piece_drive(st, p) {
                total += m.least_secs(at, first) + d;
                at = last;
                any = true;
            }
        }
        if any {
            total + m.least_secs(at, sh.end_loc)
        } else {
            0
        }
    }

    /// Cost of the route the pieces make on shift `s`, or `None` when infeasible.
    pub(super) fn evaluate(&mut self, st: &State, s: usize, pieces: &[Piece]) -> Option<RouteCost> {
        if self.exact() {
            return self.joined(st, s, pieces);
        }
        if !self.may_fit(st, s, pieces) {
            return None;
        }
        self.scheduled(st, s, pieces, &Self::build(st, pieces))
    }

    /// The route the pieces make on shift `s` evaluated from segments: its cost when they are
    /// exact; otherwise `None` only proves it infeasible. A first piece that starts the
    /// shift's route and a last that ends it come with their drives from the start place and
    /// to the end place already joined.
    fn joined(&mut self, st: &State, s: usize, pieces: &[Piece]) -> Option<RouteCost> {
        let (start, end) = {
            let g = self.segments.as_ref()?;
            (g.starts[s], g.ends[s])
        };
        let n = st.routes[s].len();
        let mut rest = pieces;
        let mut acc: Option<Segment> = None;
        if let [Piece::Run(r, 0, p), ..] = *rest {
            if r == s && p > 0 {
                acc = Some(self.route_segments(st, s).head[p - 1]);
                rest = &rest[1..];
            }
        }
        let mut tail = None;
        if let [.., Piece::Run(r, q, z)] = *rest {
            if r == s && z == n && q < z {
                tail = Some(self.route_segments(st, s).tail[q]);
                rest = &rest[..rest.len() - 1];
            }
        }
        let m = &self.inst.matrix;
        for &p in rest {
            if let Some(seg) = self.piece_segment(st, p) {
                acc = Some(acc.unwrap_or(start).then(&seg, m));
            }
        }
        let whole = match (acc, tail) {
            (None, None) => return Some(EMPTY),
            (Some(a), Some(t)) => a.then(&t, m),
            (None, Some(t)) => start.then(&t, m),
            (Some(a), None) => a.then(&end, m),
        };
        whole.route_cost(&self.inst.shifts[s])
    }

    /// Whether the route the pieces make on shift `s` may be feasible: `false` when the
    /// relaxed segments find it late or over a limit (scheduling it would too), in O(pieces).
    /// Always `true` without segments (the benchmark baseline).
    pub(super) fn may_fit(&mut self, st: &State, s: usize, pieces: &[Piece]) -> bool {
        if self.segments.is_none() {
            return true;
        }
        let fits = self.joined(st, s, pieces).is_some();
        debug_assert!(
            fits || self.cost(s, &Self::build(st, pieces)).is_none(),
            "relaxed segments rule out a feasible route {:?}",
            Self::build(st, pieces)
        );
        fits
    }

    /// [`Search::cost`] of `seq`, the route `pieces` make on shift `s`: when it keeps the
    /// first visits of the shift's current route, scheduled from there on only.
    pub(super) fn scheduled(
        &mut self,
        st: &State,
        s: usize,
        pieces: &[Piece],
        seq: &[usize],
    ) -> Option<RouteCost> {
        let p = match pieces.first() {
            Some(&Piece::Run(r, 0, p)) if r == s && p > 0 && !seq.is_empty() => p,
            _ => return self.cost(s, seq),
        };
        let sched = Scheduler {
            inst: self.inst,
            shift: s,
        };
        let stamp = Some(st.stamps[s]);
        if self.walks[s].0 != stamp {
            self.walks[s] = (stamp, Walks::new(&sched, &st.routes[s]));
        }
        let c = self.walks[s].1.cost(&sched, seq, p);
        debug_assert_eq!(c, self.cost(s, seq), "resumed schedule of {seq:?}");
        c
    }

    pub(super) fn cost(&self, shift: usize, seq: &[usize]) -> Option<RouteCost> {
        if seq.is_empty() {
            return Some(EMPTY);
        }
        Scheduler {
            inst: self.inst,
            shift,
        }
        .cost(seq)
    }

    /// Replaces routes when the change lowers total drive; returns whether it did.
    pub(super) fn try_routes(&mut self, st: &mut State, changes: &[(usize, &[Piece])]) -> bool {
        let Some((routes, costs)) = self.improvement(st, changes) else {
            return false;
        };
        for (((s, _), r), c) in changes.iter().zip(routes).zip(costs) {
            debug_assert_eq!(self.cost(*s, &r), Some(c), "segment evaluation of {r:?}");
            self.set_route(st, *s, r, c);
        }
        true
    }

    /// The routes `changes` make and their costs, when together they cost less than the
    /// routes they replace. Every change is first screened by its least drive (each drive at
    /// its least over the day), a lower bound that rejects most moves in O(pieces) (and the
    /// drive itself when drives do not depend on the time of day).
    fn improvement(
        &mut self,
        st: &State,
        changes: &[(usize, &[Piece])],
    ) -> Option<(Vec<Vec<usize>>, Vec<RouteCost>)> {
        let old: i64 = changes
            .iter()
            .map(|(s, _)| self.value(st.routes[*s].len(), st.costs[*s]))
            .sum();
        let len = |pieces: &[Piece]| -> usize {
            pieces
                .iter()
                .map(|p| match *p {
                    Piece::Run(_, a, z) | Piece::Rev(_, a, z) => z.saturating_sub(a),
                    Piece::One(_) => 1,
                })
                .sum()
        };
        let fixed: i64 = changes.iter().map(|(_, p)| self.value(len(p), EMPTY)).sum();
        let least: i64 = changes.iter().map(|(s, p)| self.drive_of(st, *s, p)).sum();
        if fixed + least >= old {
            return None;
        }
        let mut new = Vec::new();
        let routes: Vec<Vec<usize>>;
        if self.exact() {
            // Evaluated without allocating until the move is known to improve.
            let mut drive = fixed;
            for (s, pieces) in changes {
                drive += self.evaluate(st, *s, pieces)?.drive;
                if drive >= old {
                    return None;
                }
            }
            for (s, pieces) in changes {
                new.push(self.evaluate(st, *s, pieces).expect("evaluated above"));
            }
            routes = changes.iter().map(|(_, p)| Self::build(st, p)).collect();
        } else {
            // Built into reused buffers, copied out only when the move improves.
            if !changes.iter().all(|(s, p)| self.may_fit(st, *s, p)) {
                return None;
            }
            let mut drive = fixed;
            for (i, (s, pieces)) in changes.iter().enumerate() {
                if self.seqs.len() <= i {
                    self.seqs.push(Vec::new());
                }
                let mut seq = std::mem::take(&mut self.seqs[i]);
                Self::build_into(st, pieces, &mut seq);
                let c = self.scheduled(st, *s, pieces, &seq);
                self.seqs[i] = seq;
                let c = c?;
                debug_assert!(c.drive >= self.drive_of(st, *s, pieces), "least drive");
                drive += c.drive;
                if drive >= old {
                    return None;
                }
                new.push(c);
            }
            routes = self.seqs[..changes.len()].to_vec();
        }
        Some((routes, new))
    }

    /// Evaluates every relocation of every served booking, within its route and into every
    /// other route it may go on, without applying any. Returns the moves evaluated and how
    /// many of them were feasible (for the move-evaluation benchmark).
    pub fn evaluate_relocations(&mut self, st: &State) -> (u64, u64) {
        self.relocations(st, |search, st, changes| {
            changes
                .iter()
                .all(|(s, pieces)| search.evaluate(st, *s, pieces).is_some())
        })
    }

    /// Decides every relocation of every served booking as the local search does (screened
    /// by least drive, then scheduled), without applying any. Returns the moves decided and
    /// how many of them would improve the plan (for the move-evaluation benchmark).
    pub fn decide_relocations(&mut self, st: &State) -> (u64, u64) {
        self.relocations(st, |search, st, changes| {
            search.improvement(st, changes).is_some()
        })
    }

    /// Every relocation of every served booking put to `judge` as the route changes it makes;
    /// returns how many there were and how many `judge` passed.
    fn relocations(
        &mut self,
        st: &State,
        mut judge: impl FnMut(&mut Self, &State, &[(usize, &[Piece])]) -> bool,
    ) -> (u64, u64) {
        use Piece::{One, Run};
        let (mut moves, mut passed) = (0, 0);
        for s1 in 0..st.routes.len() {
            let n1 = st.routes[s1].len();
            for i in 0..n1 {
                let b = st.routes[s1][i];
                for k in 0..self.shifts_of[b].len() {
                    let s2 = self.shifts_of[b][k];
                    let n2 = st.routes[s2].len();
                    for p in 0..=n2 {
                        let ok = if s2 != s1 {
                            let from = [Run(s1, 0, i), Run(s1, i + 1, n1)];
                            let to = [Run(s2, 0, p), One(b), Run(s2, p, n2)];
                            judge(self, st, &[(s1, &from), (s2, &to)])
                        } else if p < i {
                            let r = [Run(s1, 0, p), One(b), Run(s1, p, i), Run(s1, i + 1, n1)];
                            judge(self, st, &[(s1, &r)])
                        } else if p > i + 1 {
                            let r = [Run(s1, 0, i), Run(s1, i + 1, p), One(b), Run(s1, p, n1)];
                            judge(self, st, &[(s1, &r)])
                        } else {
                            continue;
                        };
                        moves += 1;
                        passed += ok as u64;
                    }
                }
            }
        }
        (moves, passed)
    }
}
