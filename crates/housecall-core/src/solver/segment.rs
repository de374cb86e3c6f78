//! Route segments evaluated by concatenation in O(1) (Vidal, Crainic, Gendreau and Prins,
//! "A hybrid genetic algorithm with adaptive diversity management for a large class of
//! vehicle routing problems with time-windows", 2013): each stretch of a route keeps its
//! minimal duration, time warp, earliest and latest start, drive and totals, and two
//! stretches joined by a drive give the same data for the whole. A route is feasible when
//! its time warp is zero.
//!
//! This is exact for the scheduler's semantics (leave as early as allowed, wait at the door,
//! set up before the session, pack up after it) when drive times do not depend on the time
//! of day, no shift has a lunch break, no booking has more than one window and every shift
//! has the same set-up and pack-up minutes: the benchmark case, and every such therapist day.
//! [`Segments::exact`] says whether an instance qualifies. Otherwise the search schedules
//! routes, and the same segments, made from each drive's least over the day, each booking's
//! widest window and the least set-up and pack-up, with lunch left out, are a relaxation: a
//! route they find late is late however it is scheduled (drives are FIFO, lunch only adds
//! time), so they rule out moves before the scheduler is asked.

use super::instance::{Instance, ShiftData};
use super::route::RouteCost;
use crate::travel::TravelMatrix;

/// Windows without an end, large enough never to bind and small enough never to overflow.
const OPEN_END: i64 = 1 << 50;

/// A stretch of a route, as seen from outside. Times are seconds since midnight; the window
/// is on the arrival at the first stop (before set-up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Segment {
    /// Location of the first and last stop.
    pub first: usize,
    pub last: usize,
    /// Shortest time from arriving at the first stop to leaving the last, waiting included.
    pub duration: i64,
    /// Seconds by which windows are missed even when leaving as early as is best.
    pub warp: i64,
    /// Earliest and latest arrival at the first stop that achieve `duration`.
    pub earliest: i64,
    pub latest: i64,
    /// Driving seconds inside the stretch.
    pub drive: i64,
    /// Visits, session seconds and load inside the stretch (for the shift's limits).
    pub visits: usize,
    pub hands_on: i64,
    pub load: i64,
}

impl Segment {
    /// This stretch, a drive, then `next`.
    #[inline]
    pub fn then(&self, next: &Segment, m: &TravelMatrix) -> Segment {
        let t = m.least_secs(self.last, next.first);
        let delta = self.duration - self.warp + t;
        let wait = (next.earliest - delta - self.latest).max(0);
        let warp = (self.earliest + delta - next.latest).max(0);
        Segment {
            first: self.first,
            last: next.last,
            duration: self.duration + next.duration + t + wait,
            warp: self.warp + next.warp + warp,
            earliest: (next.earliest - delta).max(self.earliest) - wait,
            latest: (next.latest - delta).min(self.latest) + warp,
            drive: self.drive + next.drive + t,
            visits: self.visits + next.visits,
            hands_on: self.hands_on + next.hands_on,
            load: self.load + next.load,
        }
    }

    /// The cost of a route on `shift` that this segment makes whole, from the start place to
    /// the end place, or `None` when it breaks a window, the shift or a limit.
    pub fn route_cost(&self, shift: &ShiftData) -> Option<RouteCost> {
        (self.warp == 0
            && self.visits <= shift.max_visits
            && self.hands_on <= shift.max_hands_on
            && self.load <= shift.capacity)
            .then_some(RouteCost {
                drive: self.drive,
                finish: self.earliest + self.duration,
            })
    }

    fn place(loc: usize, earliest: i64, latest: i64) -> Segment {
        Segment {
            first: loc,
            last: loc,
            duration: 0,
            warp: 0,
            earliest,
            latest,
            drive: 0,
            visits: 0,
            hands_on: 0,
            load: 0,
        }
    }
}

/// Segments of single stops: exact for an instance that qualifies, a relaxation otherwise.
pub(crate) struct Segments {
    /// Whether routes are evaluated exactly; otherwise a route with time warp or over a
    /// limit is infeasible, and one without needs the scheduler.
    pub exact: bool,
    /// One per booking.
    pub nodes: Vec<Segment>,
    /// Leaving the start place, and arriving at the end place, per shift.
    pub starts: Vec<Segment>,
    pub ends: Vec<Segment>,
}

impl Segments {
    /// The stop segments (`None` without shifts): exact unless the instance needs full
    /// scheduling (time-dependent drives, lunch breaks, several windows, or set-up and
    /// pack-up differing by shift).
    pub fn new(inst: &Instance) -> Option<Segments> {
        let first = inst.shifts.first()?;
        let uniform = inst.shifts.iter().all(|s| {
            s.lunch.is_none()
                && !s.has_body_limits()
                && s.setup == first.setup
                && s.packup == first.packup
        });
        let exact = uniform
            && inst.matrix.bins().len() == 1
            && inst.bookings.iter().all(|b| b.windows.len() <= 1);
        let least_setup = inst.shifts.iter().map(|s| s.setup).min().unwrap_or(0);
        let least_packup = inst.shifts.iter().map(|s| s.packup).min().unwrap_or(0);
        let nodes = inst
            .bookings
            .iter()
            .map(|b| {
                let setup = b.setup.unwrap_or(least_setup);
                let (e, l) = match (b.windows.first(), b.windows.iter().map(|w| w.1).max()) {
                    (Some(&(e, _)), Some(l)) => (e, l),
                    _ => (-OPEN_END, OPEN_END),
                };
                Segment {
                    duration: setup + b.session + least_packup,
                    visits: 1,
                    hands_on: b.session,
                    load: b.demand,
                    ..Segment::place(b.loc, e - setup, l - setup)
                }
            })
            .collect();
        let starts = inst
            .shifts
            .iter()
            .map(|s| Segment::place(s.start_loc, s.open, s.close))
            .collect();
        let ends = inst
            .shifts
            .iter()
            .map(|s| Segment::place(s.end_loc, -OPEN_END, s.close))
            .collect();
        Some(Segments {
            exact,
            nodes,
            starts,
            ends,
        })
    }

    /// The cost of a whole route on `shift` whose visits make `inner` (none when empty), or
    /// `None` when it breaks a window, the shift or a limit. Only `None` is certain when
    /// the segments are not [`exact`](Segments::exact).
    #[cfg(test)]
    pub fn route_cost(
        &self,
        inst: &Instance,
        shift: usize,
        inner: Option<&Segment>,
    ) -> Option<RouteCost> {
        let m = &inst.matrix;
        let Some(inner) = inner else {
            return Some(RouteCost {
                drive: 0,
                finish: 0,
            });
        };
        let whole = self.starts[shift].then(inner, m).then(&self.ends[shift], m);
        whole.route_cost(&inst.shifts[shift])
    }

    /// Per position `k` of `route` on `shift`, the segment from visit `k` to the end place,
    /// and last the end place's own (`route.len() + 1` in all), in O(len).
    pub fn tails(&self, m: &TravelMatrix, shift: usize, route: &[usize]) -> Vec<Segment> {
        let mut tails = vec![self.ends[shift]; route.len() + 1];
        for (k, &b) in route.iter().enumerate().rev() {
            tails[k] = self.nodes[b].then(&tails[k + 1], m);
        }
        tails
    }

    /// The segment of `seq` in order (none when empty), in O(len).
    pub fn fold(&self, m: &TravelMatrix, seq: impl IntoIterator<Item = usize>) -> Option<Segment> {
        seq.into_iter().fold(None, |acc: Option<Segment>, b| {
            let n = &self.nodes[b];
            Some(acc.map_or(*n, |a| a.then(n, m)))
        })
    }
}
