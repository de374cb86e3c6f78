//! Drive times over the road graph, with rush hour.
//!
//! A drive leaves its point on local streets to one of the nearest graph nodes (an access
//! leg at local speed), follows the fastest path through the graph at the speeds of the
//! departure time, and leaves the graph at one of the nodes nearest the destination. A short
//! hop may instead stay on local streets all the way, if that is faster. Two minutes are added
//! to park and reach the door.
//!
//! Times are computed at fixed departure times (every 30 minutes from 06:00 to 20:00 when the
//! profiles vary), made FIFO (leaving later never arrives earlier), and interpolated between
//! them, exactly as [`housecall_core::TravelMatrix`] does, so plans and the checker agree.

use crate::profiles::SpeedProfiles;
use crate::roads::RoadGraph;
use housecall_core::{
    great_circle_m, interpolate, make_fifo, Drive, Location, Metres, Seconds, TravelMatrix,
    TravelModel,
};
use rayon::prelude::*;

/// How locations reach the graph.
#[derive(Clone, Debug)]
pub struct Access {
    /// Road metres per great-circle metre on local streets.
    pub circuity: f64,
    /// Free-flow local-street speed, km/h.
    pub kmh: f64,
    /// How many nearest nodes a location may join the graph at.
    pub snaps: usize,
    /// Added to every drive between different points (parking, to the door).
    pub overhead: Seconds,
}

impl Default for Access {
    fn default() -> Self {
        Access {
            circuity: 1.3,
            kmh: 40.0,
            snaps: 3,
            overhead: Seconds(120),
        }
    }
}

/// The zone a point is in for rush hour: `gta` (from Milton and Brampton east, south of
/// Mayfield Rd) or `outer`.
pub fn zone_of(loc: Location) -> &'static str {
    if loc.lon > -79.95 && loc.lat < 43.80 {
        "gta"
    } else {
        "outer"
    }
}

/// Drive times over a [`RoadGraph`] with [`SpeedProfiles`].
#[derive(Clone, Debug)]
pub struct RoadModel {
    graph: RoadGraph,
    access: Access,
    bins: Vec<Seconds>,
    /// Edge travel milliseconds per bin.
    edge_ms: Vec<Vec<u64>>,
    /// Local-street travel-time factor per bin, for the `gta` and `outer` zones.
    local_factor: Vec<[f64; 2]>,
    name: String,
}

/// Where a location joins the graph: its nearest nodes and the great-circle metres to each.
struct Snap {
    at: Location,
    zone: usize,
    nodes: Vec<(usize, f64)>,
}

fn zone_index(loc: Location) -> usize {
    usize::from(zone_of(loc) != "gta")
}

impl RoadModel {
    /// A model over `graph` with `profiles`; time bins are laid only when the profiles vary.
    pub fn new(graph: RoadGraph, profiles: SpeedProfiles, access: Access, name: &str) -> Self {
        let bins: Vec<Seconds> = if profiles.is_time_dependent() {
            std::iter::once(Seconds(0))
                .chain((12..=40).map(|h| Seconds(h * 1800)))
                .collect()
        } else {
            vec![Seconds(0)]
        };
        let edge_ms = bins
            .iter()
            .map(|&t| {
                graph
                    .edges
                    .iter()
                    .map(|e| {
                        let f = profiles.factor(&e.class, &e.zone, t);
                        (e.length_m / (e.speed_kmh / 3.6) * f * 1000.0).round() as u64
                    })
                    .collect()
            })
            .collect();
        let local_factor = bins
            .iter()
            .map(|&t| {
                [
                    profiles.factor("local", "gta", t),
                    profiles.factor("local", "outer", t),
                ]
            })
            .collect();
        RoadModel {
            graph,
            access,
            bins,
            edge_ms,
            local_factor,
            name: name.to_string(),
        }
    }

    /// Local-street leg: `(milliseconds, metres)` over `gc_m` great-circle metres in zone
    /// `zone` (0 = gta, 1 = outer).
    fn local(&self, gc_m: f64, zone: usize, bin: usize) -> (u64, u64) {
        let m = gc_m * self.access.circuity;
        let f = self.local_factor[bin][zone];
        (
            (m / (self.access.kmh / 3.6) * f * 1000.0).round() as u64,
            m.round() as u64,
        )
    }

    fn snap(&self, at: Location) -> Snap {
        let nodes = self
            .graph
            .nearest(at, self.access.snaps)
            .into_iter()
            .map(|n| (n, self.graph.gap_m(at, n)))
            .collect();
        Snap {
            at,
            zone: zone_index(at),
            nodes,
        }
    }

    /// Shortest paths at knot `bin` from where `from` joins the graph, to every node.
    fn tree(&self, from: &Snap, bin: usize) -> Vec<(u64, u64)> {
        let seeds: Vec<(usize, u64, u64)> = from
            .nodes
            .iter()
            .map(|&(n, gap)| {
                let (ms, m) = self.local(gap, from.zone, bin);
                (n, ms, m)
            })
            .collect();
        self.graph.shortest_from(&seeds, &self.edge_ms[bin])
    }

    /// The drive `(seconds, metres)` at knot `bin`, given shortest paths `tree` from `from`.
    fn knot(&self, tree: &[(u64, u64)], from: &Snap, to: &Snap, bin: usize) -> (i64, i64) {
        if from.at == to.at {
            return (0, 0);
        }
        let mut best = self.local(great_circle_m(from.at, to.at), from.zone, bin);
        for &(n, gap) in &to.nodes {
            let (ms, m) = tree[n];
            if ms == u64::MAX {
                continue;
            }
            let (ams, am) = self.local(gap, to.zone, bin);
            best = best.min((ms + ams, m + am));
        }
        (
            (best.0 as f64 / 1000.0).round() as i64 + self.access.overhead.0,
            best.1 as i64,
        )
    }
}

impl TravelModel for RoadModel {
    fn drive(&self, from: Location, to: Location, depart: Seconds) -> Drive {
        if from == to {
            return Drive::default();
        }
        let (a, b) = (self.snap(from), self.snap(to));
        let knots: Vec<(i64, i64)> = (0..self.bins.len())
            .map(|k| self.knot(&self.tree(&a, k), &a, &b, k))
            .collect();
        let mut secs: Vec<i64> = knots.iter().map(|k| k.0).collect();
        make_fifo(&self.bins, &mut secs);
        let k = self
            .bins
            .partition_point(|b| *b <= depart)
            .saturating_sub(1);
        Drive {
            time: Seconds(interpolate(&self.bins, depart, |i| secs[i])),
            distance: Metres(knots[k].1),
        }
    }

    fn time_bins(&self) -> Vec<Seconds> {
        self.bins.clone()
    }

    fn matrix(&self, locations: &[Location]) -> TravelMatrix {
        let n = locations.len();
        let nb = self.bins.len();
        let snaps: Vec<Snap> = locations.iter().map(|&l| self.snap(l)).collect();
        // One shortest-path tree per (bin, source), in parallel, each filling its row of the
        // matrix in place: cell (bin * n + from) * n + to.
        let mut time = vec![0i32; nb * n * n];
        let mut distance = vec![0i32; nb * n * n];
        time.par_chunks_mut(n.max(1))
            .zip(distance.par_chunks_mut(n.max(1)))
            .enumerate()
            .for_each(|(x, (t, d))| {
                let (bin, i) = (x / n, x % n);
                let tree = self.tree(&snaps[i], bin);
                for (j, to) in snaps.iter().enumerate() {
                    let (secs, metres) = self.knot(&tree, &snaps[i], to, bin);
                    (t[j], d[j]) = (secs as i32, metres as i32);
                }
            });
        let mut secs = vec![0i64; nb];
        for pair in 0..n * n {
            for (b, s) in secs.iter_mut().enumerate() {
                *s = time[b * n * n + pair] as i64;
            }
            make_fifo(&self.bins, &mut secs);
            for (b, s) in secs.iter().enumerate() {
                time[b * n * n + pair] = *s as i32;
            }
        }
        TravelMatrix::from_parts(n, self.bins.clone(), time, distance)
    }

    fn name(&self) -> &str {
        &self.name
    }
}
