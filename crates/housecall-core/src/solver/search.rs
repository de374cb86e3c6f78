//! The heuristic: regret insertion to build, a descent over relocate, or-opt, swap, 2-opt,
//! 2-opt* and insertion moves, and ruin-and-recreate (remove a cluster of nearby visits or
//! strings of routes, or under the routes-first objective a whole route; reinsert greedily in
//! a random order) to escape local optima, with a record-to-record acceptance.
//!
//! Moves describe the routes they would make as [`Piece`]s of the current ones. Where the
//! instance allows it ([`Segments`]), a move is evaluated in O(1) by concatenating cached
//! prefix, suffix and stop segments, and middle stretches grown one stop at a time as the
//! move loops advance; otherwise the changed routes are screened with their free-flow drive
//! and promising ones scheduled in full, which checks every time constraint (lunch,
//! time-dependent drives, several windows).

use super::instance::Instance;
use super::route::{RouteCost, Scheduler};
use super::segment::{Segment, Segments};
use super::{Objective, Score};
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
    /// Stop segments, when the instance allows O(1) move evaluation.
    segments: Option<Segments>,
    /// Per shift: prefix and suffix segments of the route with the stamp they were built for.
    route_segments: Vec<RouteSegments>,
    /// The last middle stretch evaluated, forward and reversed, with its route's stamp: the
    /// move loops grow it one stop at a time.
    memo: [Option<(u64, Piece, Segment)>; 2],
    /// Whether every booking may go on every shift (no eligibility checks needed).
    everywhere: bool,
    /// What a route costs for being used at all, in the moves' comparisons: zero, or more
    /// than any saving in travel under [`Objective::RoutesThenTravel`].
    route_fixed: i64,
    /// When the time limit is spent: the descent stops improving then.
    deadline: Option<Instant>,
}

/// The cost of using a route under [`Objective::RoutesThenTravel`].
const ROUTE_FIXED: i64 = 1 << 40;

/// A stretch of a proposed route: moves describe new routes as pieces of the current ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    /// `routes[s][from..to]`, in order.
    Run(usize, usize, usize),
    /// `routes[s][from..to]`, reversed.
    Rev(usize, usize, usize),
    /// One booking.
    One(usize),
}

#[derive(Clone, Default)]
struct RouteSegments {
    stamp: Option<u64>,
    /// `pre[k]`: visits `0..=k`; `suf[k]`: visits `k..`.
    pre: Vec<Segment>,
    suf: Vec<Segment>,
    /// Drive from the first visit to visit `k`, forward and against the route.
    ahead: Vec<i64>,
    back: Vec<i64>,
}

/// Middle stretches shorter than this are folded directly rather than memoised.
const SHORT: usize = 4;

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
    pub fn new(
        inst: &'a Instance<'p>,
        shifts_of: &'a [Vec<usize>],
        seed: u64,
        objective: Objective,
    ) -> Self {
        let cells = inst.n() * inst.shifts.len();
        let neighbours = if inst.n() > GRANULAR_FROM {
            nearest_bookings(inst, shifts_of)
        } else {
            Vec::new()
        };
        let ns = inst.shifts.len();
        Search {
            inst,
            shifts_of,
            rng: SplitMix64::new(seed),
            stamp: 0,
            neighbours,
            insertions: vec![None; cells],
            segments: Segments::new(inst),
            route_segments: vec![RouteSegments::default(); ns],
            memo: [None, None],
            everywhere: shifts_of.iter().all(|s| s.len() == ns),
            route_fixed: match objective {
                Objective::Travel => 0,
                Objective::RoutesThenTravel => ROUTE_FIXED,
            },
            deadline: None,
        }
    }

    /// Whether the time limit is spent.
    fn out_of_time(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// What the moves compare for a route of `len` visits costing `c`.
    fn value(&self, len: usize, c: RouteCost) -> i64 {
        c.drive + if len > 0 { self.route_fixed } else { 0 }
    }

    /// What inserting into route `s` adds, when it would cost `c` afterwards.
    fn added(&self, st: &State, s: usize, c: RouteCost) -> i64 {
        let len = st.routes[s].len();
        self.value(len + 1, c) - self.value(len, st.costs[s])
    }

    /// Evaluates moves by scheduling whole routes from now on (a benchmark baseline).
    pub fn schedule_in_full(&mut self) {
        self.segments = None;
    }

    /// Whether booking `b` may go on shift `s`.
    fn fits(&self, b: usize, s: usize) -> bool {
        self.everywhere || self.shifts_of[b].contains(&s)
    }

    /// Whether every booking of `seq` may go on shift `s`.
    fn all_fit(&self, seq: &[usize], s: usize) -> bool {
        self.everywhere || seq.iter().all(|&b| self.shifts_of[b].contains(&s))
    }

    /// The visits the pieces make, in order.
    fn build(st: &State, pieces: &[Piece]) -> Vec<usize> {
        let mut seq = Vec::new();
        for p in pieces {
            match *p {
                Piece::Run(s, a, z) => seq.extend_from_slice(&st.routes[s][a..z]),
                Piece::Rev(s, a, z) => seq.extend(st.routes[s][a..z].iter().rev()),
                Piece::One(b) => seq.push(b),
            }
        }
        seq
    }

    /// Prefix and suffix segments of route `s`, rebuilt when the route has changed.
    fn route_segments(&mut self, st: &State, s: usize) -> &RouteSegments {
        let stamp = Some(st.stamps[s]);
        if self.route_segments[s].stamp != stamp {
            let segs = self.segments.as_ref().expect("segments in use");
            let m = &self.inst.matrix;
            let r = &st.routes[s];
            let mut pre: Vec<Segment> = Vec::with_capacity(r.len());
            for &b in r {
                let n = &segs.nodes[b];
                pre.push(pre.last().map_or(*n, |p| p.then(n, m)));
            }
            let mut suf: Vec<Segment> = Vec::with_capacity(r.len());
            for &b in r.iter().rev() {
                let n = &segs.nodes[b];
                suf.push(suf.last().map_or(*n, |p| n.then(p, m)));
            }
            suf.reverse();
            let loc = |k: usize| self.inst.bookings[r[k]].loc;
            let (mut ahead, mut back) = (vec![0; r.len()], vec![0; r.len()]);
            for k in 1..r.len() {
                ahead[k] = ahead[k - 1] + m.secs(loc(k - 1), loc(k), 0);
                back[k] = back[k - 1] + m.secs(loc(k), loc(k - 1), 0);
            }
            self.route_segments[s] = RouteSegments {
                stamp,
                pre,
                suf,
                ahead,
                back,
            };
        }
        &self.route_segments[s]
    }

    /// The segment of one piece (none when empty): prefixes and suffixes from the route's
    /// cache, middle stretches grown from the last one by a stop when they can be.
    fn piece_segment(&mut self, st: &State, p: Piece) -> Option<Segment> {
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

    /// First and last location and inner drive of one piece (none when empty), in O(1).
    fn piece_drive(&mut self, st: &State, p: Piece) -> Option<(usize, usize, i64)> {
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

    /// Drive of the route the pieces make on shift `s`, in O(pieces); with [`Segments`] only
    /// (drives do not depend on the time of day).
    fn drive_of(&mut self, st: &State, s: usize, pieces: &[Piece]) -> i64 {
        let m = &self.inst.matrix;
        let sh = &self.inst.shifts[s];
        let (mut at, mut total) = (sh.start_loc, 0);
        let mut any = false;
        for &p in pieces {
            if let Some((first, last, d)) = self.piece_drive(st, p) {
                total += m.secs(at, first, 0) + d;
                at = last;
                any = true;
            }
        }
        if any {
            total + m.secs(at, sh.end_loc, 0)
        } else {
            0
        }
    }

    /// Cost of the route the pieces make on shift `s`, or `None` when infeasible.
    fn evaluate(&mut self, st: &State, s: usize, pieces: &[Piece]) -> Option<RouteCost> {
        if self.segments.is_none() {
            return self.cost(s, &Self::build(st, pieces));
        }
        let mut acc: Option<Segment> = None;
        for &p in pieces {
            if let Some(seg) = self.piece_segment(st, p) {
                acc = Some(acc.map_or(seg, |a| a.then(&seg, &self.inst.matrix)));
            }
        }
        self.segments
            .as_ref()?
            .route_cost(self.inst, s, acc.as_ref())
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
        let routes = match self.route_fixed {
            0 => 0,
            _ => st.routes.iter().filter(|r| !r.is_empty()).count() as i64,
        };
        Score {
            routes,
            ..Score::new(req, w, st.costs.iter().map(|c| c.drive).sum())
        }
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

    /// With segments, the cheapest feasible position; otherwise positions are tried in order
    /// of free-flow detour, and the first feasible one wins.
    fn find_insertion(&mut self, st: &State, b: usize, s: usize) -> Option<(usize, RouteCost)> {
        let n = st.routes[s].len();
        if self.segments.is_some() {
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

    /// Replaces routes when the change lowers total drive; returns whether it did. Without
    /// segments, the changed routes are first screened by their free-flow drive.
    fn try_routes(&mut self, st: &mut State, changes: &[(usize, &[Piece])]) -> bool {
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
        let mut new = Vec::new();
        let mut routes = Vec::new();
        if self.segments.is_some() {
            // Screened by drive, then evaluated, without allocating: most moves stop here.
            let screen: i64 = changes.iter().map(|(s, p)| self.drive_of(st, *s, p)).sum();
            if fixed + screen >= old {
                return false;
            }
            let mut drive = fixed;
            for (s, pieces) in changes {
                match self.evaluate(st, *s, pieces) {
                    Some(c) => drive += c.drive,
                    None => return false,
                }
                if drive >= old {
                    return false;
                }
            }
            for (s, pieces) in changes {
                new.push(self.evaluate(st, *s, pieces).expect("evaluated above"));
                routes.push(Self::build(st, pieces));
            }
        } else {
            routes.extend(changes.iter().map(|(_, p)| Self::build(st, p)));
            let screen: i64 = changes
                .iter()
                .zip(&routes)
                .map(|((s, _), r)| self.free_flow(*s, r))
                .sum();
            let old_screen: i64 = changes
                .iter()
                .map(|(s, _)| self.free_flow(*s, &st.routes[*s]))
                .sum();
            if screen >= old_screen && self.inst.matrix.bins().len() == 1 && self.route_fixed == 0 {
                return false;
            }
            for ((s, _), r) in changes.iter().zip(&routes) {
                match self.cost(*s, r) {
                    Some(c) => new.push(c),
                    None => return false,
                }
            }
            if fixed + new.iter().map(|c| c.drive).sum::<i64>() >= old {
                return false;
            }
        }
        for (((s, _), r), c) in changes.iter().zip(routes).zip(new) {
            debug_assert_eq!(self.cost(*s, &r), Some(c), "segment evaluation of {r:?}");
            self.set_route(st, *s, r, c);
        }
        true
    }

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

    /// The shift, position and new route cost that add the least drive for `b`, if any.
    fn cheapest_insertion(&mut self, st: &State, b: usize) -> Option<(usize, usize, RouteCost)> {
        let mut best: Option<(i64, usize, usize, RouteCost)> = None;
        for &s in &self.shifts_of[b] {
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
            for k in 0..self.shifts_of[b].len() {
                let s = self.shifts_of[b][k];
                let n = st.routes[s].len();
                for i in 0..n {
                    let v = st.routes[s][i];
                    if self.inst.bookings[v].priority >= pb {
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

    /// Evaluates every relocation of every served booking, within its route and into every
    /// other route it may go on, without applying any. Returns the moves evaluated and how
    /// many of them were feasible (for the move-evaluation benchmark).
    pub fn evaluate_relocations(&mut self, st: &State) -> (u64, u64) {
        use Piece::{One, Run};
        let (mut moves, mut feasible) = (0, 0);
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
                            self.evaluate(st, s1, &from).is_some()
                                && self.evaluate(st, s2, &to).is_some()
                        } else if p < i {
                            let r = [Run(s1, 0, p), One(b), Run(s1, p, i), Run(s1, i + 1, n1)];
                            self.evaluate(st, s1, &r).is_some()
                        } else if p > i + 1 {
                            let r = [Run(s1, 0, i), Run(s1, i + 1, p), One(b), Run(s1, p, n1)];
                            self.evaluate(st, s1, &r).is_some()
                        } else {
                            continue;
                        };
                        moves += 1;
                        feasible += ok as u64;
                    }
                }
            }
        }
        (moves, feasible)
    }

    /// Within each route: relocate, or-opt (runs of two or three moved, also reversed, when
    /// moves are evaluated in O(1)), swap and 2-opt (segment reversal). A pass goes on after
    /// an improvement, and says whether it made any.
    ///
    /// With segments, each loop stops as soon as windows alone rule out the rest: service
    /// begins are nondecreasing along a route, so a visit placed after stops whose windows open
    /// later than it closes, or before stops that close earlier than it can be done, misses
    /// a window wherever it goes further on.
    fn intra_moves(&mut self, st: &mut State) -> bool {
        use Piece::{One, Rev, Run};
        let longest = if self.segments.is_some() { 3 } else { 1 };
        let mut improved = false;
        for s in 0..st.routes.len() {
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
                            if self.try_routes(st, &[(s, &r)]) {
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
                            if self.try_routes(st, &[(s, &r)]) {
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
                    if self.try_routes(st, &[(s, &r)]) {
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
                        if self.try_routes(st, &[(s, &r)]) {
                            improved = true;
                            break;
                        }
                    }
                }
            }
        }
        improved
    }

    /// Earliest and latest arrival (before set-up) at booking `b` that can meet its window;
    /// unbounded without segments.
    fn window(&self, b: usize) -> (i64, i64) {
        self.segments.as_ref().map_or((i64::MIN, i64::MAX), |g| {
            (g.nodes[b].earliest, g.nodes[b].latest)
        })
    }

    /// For a run of visits about to be moved: the earliest it can be done, and the latest
    /// arrival that still meets its windows (a run that misses a window alone fits nowhere).
    fn bounds(&mut self, st: &State, run: Piece) -> (i64, i64) {
        if self.segments.is_none() {
            return (i64::MIN, i64::MAX);
        }
        match self.piece_segment(st, run) {
            Some(g) if g.warp == 0 => (g.earliest + g.duration, g.latest),
            _ => (i64::MAX, i64::MIN),
        }
    }

    fn relocate_inter(&mut self, st: &mut State) -> bool {
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

    fn swap_inter(&mut self, st: &mut State) -> bool {
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
    fn two_opt_star(&mut self, st: &mut State) -> bool {
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

    /// Removes a cluster of nearby visits (or, when routes count, a whole short route) and
    /// reinserts them, with everything unassigned, greedily in a random order within each
    /// priority.
    fn ruin_recreate(&mut self, st: &mut State) {
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
            let removed = if self.route_fixed > 0 && used.len() > 1 && self.rng.below(3) == 0 {
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
                near.truncate(1 + self.rng.below(served.len().min(15)));
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
        let max_len = (served / routes_used).clamp(1, 15);
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
        self.deadline = limit.and_then(|(start, d)| start.checked_add(d));
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
