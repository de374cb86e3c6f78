//! The heuristic: regret insertion to build; a descent in the manner of HGS (bookings in a
//! shuffled order, each tried next to its neighbours: runs of one to three moved, 1-1, 2-1 and
//! 2-2 swaps, 2-opt*, a move onto an empty route; relocate, or-opt, swap and 2-opt within
//! routes), which applies each improving move and goes on, and after a change searches again
//! only where routes changed (route stamps); and ruin-and-recreate (remove a cluster of nearby
//! visits or strings of routes, or under the routes-first objective a whole route; reinsert
//! greedily in a random order, now and then opening a route first) to escape local optima,
//! with a record-to-record acceptance.
//! The routes-first objective starts with a route-minimisation phase (`run.rs`,
//! `Search::fewer_routes`): empty a route, close the empty ones, ruin and recreate until its
//! visits fit elsewhere, then the next.
//!
//! Moves describe the routes they would make as [`Piece`]s of the current ones. Where the
//! instance allows it ([`Segments`]), a move is evaluated in O(1) by concatenating cached
//! prefix, suffix and stop segments, and middle stretches grown one stop at a time as the
//! move loops advance; otherwise the changed routes are screened by their least drive (each
//! drive at its least over the day), then by relaxed segments (least drives, widest windows,
//! no lunch: late there is late however scheduled), and the rest scheduled from the first
//! change on, which checks every time constraint (lunch, time-dependent drives, several
//! windows).

mod construct;
mod evaluate;
mod inter;
mod intra;
mod neighbours;
mod ruin;
mod run;

use crate::rng::SplitMix64;
use crate::solver::instance::{Instance, Rank};
use crate::solver::route::{RouteCost, Walks};
use crate::solver::segment::{Segment, Segments};
use crate::solver::{Objective, Score};
use evaluate::{Piece, RouteSegments};
use neighbours::nearest_bookings;
use std::time::Instant;

/// A candidate plan during search: one visit order per shift, and the bookings left out.
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub routes: Vec<Vec<usize>>,
    costs: Vec<RouteCost>,
    /// A stamp per route, new whenever the route changes: equal stamps mean equal routes.
    stamps: Vec<u64>,
    pub unassigned: Vec<usize>,
    /// Per booking: the last stamp handed out when its neighbourhood was last searched. A
    /// pair of routes neither of which has changed since found no improving move then.
    tested: Vec<u64>,
    /// Per route: the stamp it had when its intra-route moves last found nothing.
    settled: Vec<u64>,
}

impl State {
    /// No visits on any of `shifts` routes, nothing unassigned yet, none of `bookings`
    /// searched.
    fn empty(shifts: usize, bookings: usize) -> Self {
        State {
            routes: vec![Vec::new(); shifts],
            costs: vec![EMPTY; shifts],
            stamps: vec![0; shifts],
            unassigned: Vec::new(),
            tested: vec![0; bookings],
            settled: vec![0; shifts],
        }
    }
}

pub(crate) struct Search<'a, 'p> {
    inst: &'a Instance<'p>,
    /// Shifts each booking may be placed on (eligible and feasible alone).
    shifts_of: &'a [Vec<usize>],
    rng: SplitMix64,
    /// The last stamp handed out.
    stamp: u64,
    /// Each booking's neighbours, nearest first: inter-route moves only bring a booking next
    /// to one of them. Every booking that can share a shift with it for small problems.
    neighbours: Vec<Vec<usize>>,
    /// Where each booking is during the local search: `(route, position)`.
    at: Vec<(usize, usize)>,
    /// The order the local search visits bookings and routes in, shuffled per descent.
    order: Vec<usize>,
    route_order: Vec<usize>,
    /// Best insertion of booking `b` into shift `s` (index `b * shifts + s`), valid while the
    /// route still has the stamp it was computed for.
    insertions: Vec<Option<CachedInsertion>>,
    /// Stop segments: exact when the instance allows O(1) move evaluation, else a relaxation
    /// that rules moves out before they are scheduled (none in the benchmark baseline).
    segments: Option<Segments>,
    /// Per shift: prefix and suffix segments of the route with the stamp they were built for.
    route_segments: Vec<RouteSegments>,
    /// The last middle stretch evaluated, forward and reversed, with its route's stamp: the
    /// move loops grow it one stop at a time.
    memo: [Option<(u64, Piece, Segment)>; 2],
    /// Without segments, per shift: the walks of the route with the stamp they were built
    /// for, so that a route keeping its first visits is scheduled from the first change on.
    walks: Vec<(Option<u64>, Walks)>,
    /// Buffers the routes of a move are built in while it is scheduled (without segments).
    seqs: Vec<Vec<usize>>,
    /// Whether every booking may go on every shift (no eligibility checks needed).
    everywhere: bool,
    /// Per shift: the first shift that is the same in every way (start, end, hours, limits,
    /// and which bookings it may serve), so that one empty route of each kind is tried.
    twin: Vec<usize>,
    /// The kinds of empty route tried so far for one booking.
    tried: Vec<usize>,
    /// What a route costs for being used at all, in the moves' comparisons: zero, or more
    /// than any saving in travel under [`Objective::RoutesThenTravel`].
    route_fixed: i64,
    /// Whether a booking may be put on an empty route: not while the search tries to serve
    /// everything on fewer routes ([`Search::fewer_routes`]).
    open_routes: bool,
    /// While the search tries to serve everything on fewer routes: per booking, the rounds it
    /// was left out (hard bookings are placed first, and may take the place of easier ones).
    /// Empty otherwise.
    absent: Vec<u64>,
    /// When the time limit is spent: the descent stops improving then.
    deadline: Option<Instant>,
    /// Told of the best plan as the search runs.
    pub progress: Option<crate::solver::ProgressHook>,
}

/// The cost of using a route under [`Objective::RoutesThenTravel`].
const ROUTE_FIXED: i64 = 1 << 40;

/// Above this many bookings, inter-route moves are granular.
const GRANULAR_FROM: usize = 60;

/// A best insertion (position, new route cost), or none, for the route stamp it was found on.
type CachedInsertion = (u64, Option<(usize, RouteCost)>);

const EMPTY: RouteCost = RouteCost {
    drive: 0,
    finish: 0,
};

/// [`Search::twin`] of every shift.
fn twins(inst: &Instance, shifts_of: &[Vec<usize>], everywhere: bool) -> Vec<usize> {
    let ns = inst.shifts.len();
    // Which bookings each shift may serve, unless every shift may serve every booking.
    let mut serves = vec![Vec::new(); if everywhere { 0 } else { ns }];
    if !everywhere {
        for (b, shifts) in shifts_of.iter().enumerate() {
            for &s in shifts {
                serves[s].push(b);
            }
        }
    }
    let same = |a: usize, b: usize| {
        inst.shifts[a] == inst.shifts[b] && (everywhere || serves[a] == serves[b])
    };
    let mut twin: Vec<usize> = Vec::with_capacity(ns);
    for s in 0..ns {
        let first = (0..s).find(|&t| twin[t] == t && same(t, s)).unwrap_or(s);
        twin.push(first);
    }
    twin
}

impl<'a, 'p> Search<'a, 'p> {
    pub fn new(
        inst: &'a Instance<'p>,
        shifts_of: &'a [Vec<usize>],
        seed: u64,
        objective: Objective,
    ) -> Self {
        let cells = inst.n() * inst.shifts.len();
        let neighbours = nearest_bookings(inst, shifts_of, GRANULAR_FROM);
        let ns = inst.shifts.len();
        let everywhere = shifts_of.iter().all(|s| s.len() == ns);
        Search {
            inst,
            shifts_of,
            rng: SplitMix64::new(seed),
            stamp: 0,
            neighbours,
            at: Vec::new(),
            order: Vec::new(),
            route_order: Vec::new(),
            insertions: vec![None; cells],
            segments: Segments::new(inst),
            route_segments: vec![RouteSegments::default(); ns],
            memo: [None, None],
            walks: vec![(None, Walks::default()); ns],
            seqs: Vec::new(),
            everywhere,
            twin: twins(inst, shifts_of, everywhere),
            tried: Vec::new(),
            route_fixed: match objective {
                Objective::Travel => 0,
                Objective::RoutesThenTravel => ROUTE_FIXED,
            },
            open_routes: true,
            absent: Vec::new(),
            deadline: None,
            progress: None,
        }
    }

    /// Whether moves are evaluated exactly in O(1) from segments.
    fn exact(&self) -> bool {
        self.segments.as_ref().is_some_and(|g| g.exact)
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

    /// The order of importance in which bookings are placed, and in which one may take the
    /// place of another that cannot be served otherwise: priority, then (while routes are
    /// being saved) how often a booking was left out.
    fn rank(&self, b: usize) -> (Rank, u64) {
        (
            self.inst.bookings[b].priority,
            self.absent.get(b).copied().unwrap_or(0),
        )
    }

    /// Whether every booking of `seq` may go on shift `s`.
    fn all_fit(&self, seq: &[usize], s: usize) -> bool {
        self.everywhere || seq.iter().all(|&b| self.shifts_of[b].contains(&s))
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
}
