//! Drive times over the road graph, with rush hour.
//!
//! A drive leaves its point on local streets to one of the nearest graph nodes (an access
//! leg at local speed), follows the fastest path through the graph at the speeds of the
//! departure time, and leaves the graph at one of the nodes nearest the destination. A short
//! hop may instead stay on local streets all the way, if that is faster. Two minutes are added
//! to park and reach the door.
//!
//! Times are computed at fixed departure times (every 30 minutes from 06:00 to 20:00 when the
//! profiles vary, leaving out those where no speed changes), made FIFO (leaving later never arrives earlier), and interpolated between
//! them, exactly as [`housecall_core::TravelMatrix`] does, so plans and the checker agree.

use crate::profiles::SpeedProfiles;
use crate::roads::RoadGraph;
use housecall_core::{
    great_circle_m, interpolate, make_fifo, only_with, Drive, Location, Metres, Seconds, Spherical,
    TravelMatrix, TravelModel, SHARED,
};
use rayon::prelude::*;

/// Most entries of the per-node shortest-path table in [`RoadModel::matrix`] (per time bin);
/// above it (a large imported graph) each location runs its own search.
const NODE_TABLE_CELLS: usize = 4_000_000;

/// Units of work (cells, node visits) below which a parallel piece is not split further.
const PARALLEL_GRAIN: usize = 50_000;

/// Shortest paths over the graph from some of its nodes to every node at every time bin,
/// [packed](pack), the bins of one path side by side (a row of a matrix reads them in order).
#[derive(Clone, Debug)]
struct NodeTable {
    bins: usize,
    nodes: usize,
    /// Per node, its block of `cells` (`usize::MAX` for a node not searched from).
    block: Vec<usize>,
    cells: Vec<u64>,
}

impl NodeTable {
    /// Searches from each node of `from` (distinct) at every bin of `model`, in parallel.
    fn new(model: &RoadModel, from: &[usize]) -> Self {
        let (bins, nodes) = (model.bins.len(), model.graph.nodes.len());
        let mut block = vec![usize::MAX; nodes];
        for (k, &a) in from.iter().enumerate() {
            block[a] = k;
        }
        let mut cells = vec![FAR; from.len() * nodes * bins];
        cells
            .par_chunks_mut((nodes * bins).max(1))
            .zip(from)
            .for_each(|(out, &a)| {
                for bin in 0..bins {
                    for (b, p) in model.packed_from(a, bin).into_iter().enumerate() {
                        out[b * bins + bin] = p;
                    }
                }
            });
        NodeTable {
            bins,
            nodes,
            block,
            cells,
        }
    }

    /// The path from node `a`, one searched from, to node `b` at every bin.
    fn paths(&self, a: usize, b: usize) -> &[u64] {
        let at = (self.block[a] * self.nodes + b) * self.bins;
        &self.cells[at..at + self.bins]
    }
}

/// An unreachable [packed](pack) path: any sum with it is at least this.
const FAR: u64 = 1 << 63;

/// A path's `(milliseconds, metres)` in one word, milliseconds in the high half: the least of
/// two words is the least time, then the least distance (as for the tuples), and a path
/// plus legs is the sum of their words, without a branch. Each part is capped at 2^30
/// (12 days, 1,073 km) so that a sum of three never carries; unreachable is [`FAR`].
fn pack((ms, m): (u64, u64)) -> u64 {
    const CAP: u64 = (1 << 30) - 1;
    if ms == u64::MAX {
        FAR
    } else {
        (ms.min(CAP) << 32) | m.min(CAP)
    }
}

/// The `(milliseconds, metres)` of a packed path.
fn unpack(p: u64) -> (u64, u64) {
    (p >> 32, p & 0xffff_ffff)
}

/// Whole seconds of `ms` milliseconds, half a second rounding up.
fn whole_secs(ms: u64) -> i64 {
    ((ms + 500) / 1000) as i64
}

/// `x.round() as u64` (half away from zero, saturating) for every `x`, without the library
/// call that `f64::round` is on the baseline x86-64: the whole part, plus one when the
/// fraction (exact: `x` less its whole part) is at least a half. Local legs are rounded for
/// every location, bin and snap node of a matrix. Below 2^62 through signed integers, whose
/// conversions are one instruction each there (the unsigned ones are several).
fn round_u64(x: f64) -> u64 {
    if (0.0..4.6e18).contains(&x) {
        let whole = x as i64;
        return (whole + i64::from(x - whole as f64 >= 0.5)) as u64;
    }
    let whole = x as u64;
    whole.saturating_add(u64::from(x - whole as f64 >= 0.5))
}

/// A value in a 32-bit matrix cell; anything longer is unreachable in practice.
fn cell(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

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
    /// Local-street milliseconds per great-circle metre per bin and zone (circuity, speed
    /// and factor together), for the test of whether local streets all the way are faster.
    local_ms_per_m: Vec<[f64; 2]>,
    name: String,
    /// Shortest paths between every two nodes, per bin, for a small graph (computed on the
    /// first [`TravelModel::extend`]); `None` inside for a graph too large to keep them.
    all_pairs: std::sync::OnceLock<Option<NodeTable>>,
}

/// A local-street leg without its time of day ([`RoadModel::local_leg`]).
#[derive(Clone, Copy)]
struct Local {
    /// Great-circle metres.
    gc_m: f64,
    /// Street metres over the zone's speed, before the time's factor and the thousand.
    ms_per_factor: f64,
    /// Street metres, rounded.
    m: u64,
}

impl Local {
    /// `(milliseconds, metres)` with travel-time factor `f`.
    fn at(self, f: f64) -> (u64, u64) {
        (round_u64(self.ms_per_factor * f * 1000.0), self.m)
    }
}

/// Where a location joins the graph: its nearest nodes and the great-circle metres to each.
struct Snap {
    /// The place, with its latitude's cosine for great-circle metres.
    place: Spherical,
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
        let edge_ms: Vec<Vec<u64>> = bins
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
        let local_factor: Vec<[f64; 2]> = bins
            .iter()
            .map(|&t| {
                [
                    profiles.factor("local", "gta", t),
                    profiles.factor("local", "outer", t),
                ]
            })
            .collect();
        // A knot whose speeds equal both neighbours' (midday, the evening) adds nothing to the
        // interpolation: it is left out, which makes every matrix smaller and faster.
        let same =
            |a: usize, b: usize| edge_ms[a] == edge_ms[b] && local_factor[a] == local_factor[b];
        let keep: Vec<usize> = (0..bins.len())
            .filter(|&k| k == 0 || k + 1 == bins.len() || !(same(k - 1, k) && same(k, k + 1)))
            .collect();
        let bins = keep.iter().map(|&k| bins[k]).collect();
        let edge_ms = keep.iter().map(|&k| edge_ms[k].clone()).collect();
        let local_factor: Vec<[f64; 2]> = keep.iter().map(|&k| local_factor[k]).collect();
        let local_ms_per_m = (local_factor.iter())
            .map(|z| z.map(|f| access.circuity / (access.kmh / 3.6) * f * 1000.0))
            .collect();
        RoadModel {
            graph,
            access,
            bins,
            edge_ms,
            local_factor,
            local_ms_per_m,
            name: name.to_string(),
            all_pairs: std::sync::OnceLock::new(),
        }
    }

    /// Computes and keeps the shortest paths between all nodes of a small graph (a few
    /// milliseconds for the shipped one), so that every later matrix, and every location
    /// added by [`TravelModel::extend`], reads them instead of searching: for a long-running
    /// service. Without it they are computed on the first `extend`.
    pub fn warm(&self) {
        let _ = self.all_pairs();
    }

    /// Shortest paths between all nodes per bin, when the graph is small enough to keep them.
    fn all_pairs(&self) -> Option<&NodeTable> {
        self.all_pairs
            .get_or_init(|| {
                let nodes = self.graph.nodes.len();
                (nodes * nodes * self.bins.len() <= NODE_TABLE_CELLS)
                    .then(|| NodeTable::new(self, &(0..nodes).collect::<Vec<_>>()))
            })
            .as_ref()
    }

    /// The way a drive from `from` to `to` leaving at `depart` goes, for maps: the door, the
    /// graph nodes of the fastest path at the speeds of that time, the door; or just the two
    /// doors when local streets all the way are faster (as [`TravelModel::drive`] decides).
    pub fn path(&self, from: Location, to: Location, depart: Seconds) -> Vec<Location> {
        if from == to {
            return vec![from];
        }
        let bin = self
            .bins
            .partition_point(|b| *b <= depart)
            .saturating_sub(1);
        let (a, b) = (self.snap(from), self.snap(to));
        let seeds: Vec<(usize, u64, u64)> = a
            .nodes
            .iter()
            .map(|&(n, gap)| {
                let (ms, m) = self.local(gap, a.zone, bin);
                (n, ms, m)
            })
            .collect();
        let (tree, parent) = self.graph.shortest_tree(&seeds, &self.edge_ms[bin]);
        let exit = b
            .nodes
            .iter()
            .filter(|&&(n, _)| tree[n].0 != u64::MAX)
            .map(|&(n, gap)| {
                let (ms, m) = self.local(gap, b.zone, bin);
                ((tree[n].0 + ms, tree[n].1 + m), n)
            })
            .min();
        let local_ms_per_m = self.local_ms_per_m[bin][a.zone];
        let Some(((ms, _), mut n)) = exit else {
            return vec![from, to];
        };
        if great_circle_m(from, to) * local_ms_per_m <= ms as f64 + 2.0 {
            return vec![from, to];
        }
        let mut nodes = vec![n];
        while parent[n] != usize::MAX {
            n = parent[n];
            nodes.push(n);
        }
        std::iter::once(from)
            .chain(
                nodes
                    .into_iter()
                    .rev()
                    .map(|n| self.graph.nodes[n].location()),
            )
            .chain(std::iter::once(to))
            .collect()
    }

    /// The road graph the model drives on.
    pub fn graph(&self) -> &RoadGraph {
        &self.graph
    }

    /// The matrix cell `(seconds, metres)` of a drive at knot `bin` from a place in zone
    /// `from_zone`, `g` great-circle metres from the destination, given `tr(node)`, the
    /// shortest path from the start to each node of the destination's snap, and `exits`,
    /// the local-street leg from each of those nodes to the door (`(node, leg)`, `FAR` for
    /// none), all [packed](pack): the best exit, as [`RoadModel::cell_of`] takes it.
    fn pair(
        &self,
        tr: impl Fn(usize) -> u64,
        exits: &[(usize, u64)],
        g: &Local,
        from_zone: usize,
        bin: usize,
    ) -> (i32, i32) {
        let best = exits
            .iter()
            .filter(|e| e.1 < FAR)
            .map(|&(b, leg)| tr(b) + leg)
            .min()
            .unwrap_or(FAR);
        self.cell_of(best, g, from_zone, bin)
    }

    /// The matrix cell `(seconds, metres)` of a drive at knot `bin` from a place in zone
    /// `from_zone`, `g` great-circle metres from the destination, whose best way over the
    /// graph is `graph` ([packed](pack), `FAR` or more for none): that way, or local streets
    /// all the way when surely faster (the margin covers rounding).
    fn cell_of(&self, graph: u64, g: &Local, from_zone: usize, bin: usize) -> (i32, i32) {
        let mut best = graph;
        let local_ms_per_m = self.local_ms_per_m[bin][from_zone];
        if best >= FAR || g.gc_m * local_ms_per_m <= unpack(best).0 as f64 + 2.0 {
            best = best.min(pack(g.at(self.local_factor[bin][from_zone])));
        }
        let (ms, m) = unpack(best);
        (
            cell(whole_secs(ms) + self.access.overhead.0),
            cell(m as i64),
        )
    }

    /// Local-street leg: `(milliseconds, metres)` over `gc_m` great-circle metres in zone
    /// `zone` (0 = gta, 1 = outer).
    fn local(&self, gc_m: f64, zone: usize, bin: usize) -> (u64, u64) {
        self.local_leg(gc_m).at(self.local_factor[bin][zone])
    }

    /// The parts of a local-street leg over `gc_m` great-circle metres that are the same at
    /// every time, for a leg needed at many.
    fn local_leg(&self, gc_m: f64) -> Local {
        let m = gc_m * self.access.circuity;
        Local {
            gc_m,
            ms_per_factor: m / (self.access.kmh / 3.6),
            m: round_u64(m),
        }
    }

    fn snap(&self, at: Location) -> Snap {
        let place = Spherical::new(at);
        let nodes = self
            .graph
            .nearest_to(&place, self.access.snaps)
            .into_iter()
            .map(|n| (n, self.graph.gap_from(&place, n)))
            .collect();
        Snap {
            place,
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

    /// Shortest paths at knot `bin` from graph node `a` to every node, packed.
    fn packed_from(&self, a: usize, bin: usize) -> Vec<u64> {
        (self
            .graph
            .shortest_from(&[(a, 0, 0)], &self.edge_ms[bin])
            .into_iter())
        .map(pack)
        .collect()
    }

    /// [`TravelModel::matrix_of`] at the time bins from `first` on; with `searches_only`,
    /// from a shortest-path search per location and bin even where a node table would serve
    /// (as on a large graph), for tests.
    fn matrix_by(
        &self,
        locations: &[Location],
        needed: &(dyn Fn(usize, usize) -> bool + Sync),
        searches_only: bool,
        first: usize,
    ) -> TravelMatrix {
        let n = locations.len();
        // The bins computed, counted from `first`: `bin` here is knot `first + bin`.
        let bins = &self.bins[first..];
        let nb = bins.len();
        // Parallel pieces of at least this many items of `cost` units each: a small matrix
        // (a day's, in a service answering many at once) stays on one thread.
        let at_least = |cost: usize| (PARALLEL_GRAIN / cost.max(1)).max(1);
        let snaps: Vec<Snap> = locations
            .par_iter()
            .with_min_len(at_least(64))
            .map(|&l| self.snap(l))
            .collect();
        // The k-th snap node of location i, `node[i * per + k]` (`usize::MAX` for none), and
        // the local-street legs to it at every bin side by side, `legs[(i * per + k) * nb +
        // bin]` ([packed](pack), `FAR` for none).
        let per = self.access.snaps;
        let mut node = vec![usize::MAX; n * per];
        let mut legs = vec![FAR; n * per * nb];
        for (i, s) in snaps.iter().enumerate() {
            for (k, &(b, gap)) in s.nodes.iter().enumerate().take(per) {
                node[i * per + k] = b;
                let l = self.local_leg(gap);
                let at = (i * per + k) * nb;
                for (bin, x) in legs[at..at + nb].iter_mut().enumerate() {
                    *x = pack(l.at(self.local_factor[first + bin][s.zone]));
                }
            }
        }
        let legs_of = |i: usize, k: usize| &legs[(i * per + k) * nb..(i * per + k + 1) * nb];
        // Shortest paths from every snap node, per bin, when that table stays small.
        let mut sources: Vec<usize> = snaps
            .iter()
            .flat_map(|s| s.nodes.iter().map(|x| x.0))
            .collect();
        sources.sort_unstable();
        sources.dedup();
        let nodes = self.graph.nodes.len();
        // The all-pairs table when it is kept (see `RoadModel::warm`), else the sources'.
        let computed: Option<NodeTable>;
        let per_node: Option<&NodeTable> = match self.all_pairs.get().and_then(Option::as_ref) {
            _ if searches_only => None,
            Some(table) => Some(table),
            None => {
                computed = (sources.len() * nodes <= NODE_TABLE_CELLS)
                    .then(|| NodeTable::new(self, &sources));
                computed.as_ref()
            }
        };
        // Without a node table, per source location its shortest-path trees, one per bin,
        // from a search seeded at its snap nodes (each at its access leg), indexed by node,
        // the bins of a node side by side.
        let trees = |i: usize| -> Vec<u64> {
            let mut best = vec![FAR; nodes * nb];
            for bin in 0..nb {
                for (x, path) in best[bin..]
                    .iter_mut()
                    .step_by(nb)
                    .zip(self.tree(&snaps[i], first + bin))
                {
                    *x = pack(path);
                }
            }
            best
        };
        // Work per row: a drive per pair of snap nodes from a node table, else the searches.
        let row_cost = match per_node {
            Some(_) => n * per * per,
            None => per * nodes,
        };
        // The waits that make a drive FIFO (as `make_fifo` does): a knot may not exceed
        // waiting until the next knot plus the time from there.
        let waits: Vec<i32> = bins.windows(2).map(|w| cell(w[1].0 - w[0].0)).collect();
        // The rows from one location at a time, in parallel, filled in place, pair-major:
        // cell (from * n + to) * nb + bin; a drive not needed stays unreachable.
        let mut time = vec![i32::MAX; nb * n * n];
        let mut distance = vec![i32::MAX; nb * n * n];
        let row = (n * nb).max(1);
        time.par_chunks_mut(row)
            .zip(distance.par_chunks_mut(row))
            .with_min_len(at_least(nb * row_cost))
            .enumerate()
            .for_each(|(i, (time, distance))| {
                // Asked once per row, not once per pair.
                let cols: Vec<usize> = (0..n).filter(|&j| needed(i, j)).collect();
                if cols.is_empty() {
                    return;
                }
                let trees = if per_node.is_none() {
                    trees(i)
                } else {
                    Vec::new()
                };
                let from = &snaps[i];
                let mut best = vec![FAR; nb];
                for &j in &cols {
                    let to = &snaps[j];
                    let (secs, metres) = (
                        &mut time[j * nb..(j + 1) * nb],
                        &mut distance[j * nb..(j + 1) * nb],
                    );
                    if from.place.at == to.place.at {
                        secs.fill(0);
                        metres.fill(0);
                        continue;
                    }
                    // The best over the destination's snap nodes `b` of the way to it plus its
                    // leg to the door; from a node table, the way is the best over the
                    // source's snap nodes `a` of access leg plus path.
                    best.fill(FAR);
                    for k in (0..per).filter(|&k| node[j * per + k] != usize::MAX) {
                        let (b, exit) = (node[j * per + k], legs_of(j, k));
                        let Some(table) = per_node else {
                            let tree = trees[b * nb..(b + 1) * nb].iter().zip(exit);
                            for (x, (&path, &leg)) in best.iter_mut().zip(tree) {
                                *x = (*x).min(path + leg);
                            }
                            continue;
                        };
                        for (ka, &(a, _)) in from.nodes.iter().enumerate() {
                            // Slices of one length: the loop needs no bounds checks.
                            let paths = &table.paths(a, b)[first..first + nb];
                            let (access, exit) = (&legs_of(i, ka)[..nb], &exit[..nb]);
                            for (bin, x) in best[..nb].iter_mut().enumerate() {
                                *x = (*x).min(access[bin] + paths[bin] + exit[bin]);
                            }
                        }
                    }
                    let g = self.local_leg(from.place.metres_to(&to.place));
                    for (bin, &best) in best.iter().enumerate() {
                        (secs[bin], metres[bin]) = self.cell_of(best, &g, from.zone, first + bin);
                    }
                    for (k, &wait) in waits.iter().enumerate().rev() {
                        secs[k] = secs[k].min(wait.saturating_add(secs[k + 1]));
                    }
                }
            });
        TravelMatrix::from_pairs(n, bins.to_vec(), time, distance)
    }

    /// The drive `(seconds, metres)` at knot `bin`, given shortest paths `tree` from `from`.
    fn knot(&self, tree: &[(u64, u64)], from: &Snap, to: &Snap, bin: usize) -> (i64, i64) {
        if from.place.at == to.place.at {
            return (0, 0);
        }
        let mut best = self.local(from.place.metres_to(&to.place), from.zone, bin);
        for &(n, gap) in &to.nodes {
            let (ms, m) = tree[n];
            if ms == u64::MAX {
                continue;
            }
            let (ams, am) = self.local(gap, to.zone, bin);
            best = best.min((ms + ams, m + am));
        }
        (whole_secs(best.0) + self.access.overhead.0, best.1 as i64)
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
        self.matrix_within(locations, &vec![SHARED; locations.len()])
    }

    /// The same values as [`RoadModel::drive`] for every pair asked for (others are
    /// unreachable), computed many-to-many: shortest paths from each graph node that some
    /// location joins the graph at, once per time bin (on a small graph such as the shipped
    /// one; one search per location and bin on a large imported one), great-circle distances
    /// once per pair, and the access and egress legs once per location and bin.
    fn matrix_of(
        &self,
        locations: &[Location],
        needed: &(dyn Fn(usize, usize) -> bool + Sync),
    ) -> TravelMatrix {
        self.matrix_by(locations, needed, false, 0)
    }

    /// [`TravelModel::matrix_of`] at the bins from the last one at or before `earliest` on:
    /// the same cells there (a drive's wait for a later bin only looks forward).
    fn matrix_from(
        &self,
        locations: &[Location],
        needed: &(dyn Fn(usize, usize) -> bool + Sync),
        earliest: Seconds,
    ) -> TravelMatrix {
        let first = self.bins.partition_point(|b| *b <= earliest);
        self.matrix_by(locations, needed, false, first.saturating_sub(1))
    }

    /// On a small graph, the new location's row and column come from the all-pairs node
    /// table (no shortest-path search per request); otherwise as the default does.
    fn extend(
        &self,
        matrix: &TravelMatrix,
        locations: &[Location],
        at: usize,
        new: Location,
    ) -> TravelMatrix {
        let mut locs = locations.to_vec();
        locs.insert(at, new);
        let Some(table) = self.all_pairs().filter(|_| matrix.len() + 1 == locs.len()) else {
            return matrix
                .with_location(at, &self.matrix_within(&locs, &only_with(locs.len(), at)));
        };
        let (n, nb) = (locs.len(), self.bins.len());
        let snaps: Vec<Snap> = locs.iter().map(|&l| self.snap(l)).collect();
        // Bin-major cells from the new place to every place, and back.
        let (mut out, mut inbound) = (vec![(0, 0); nb * n], vec![(0, 0); nb * n]);
        let s = &snaps[at];
        // Per place, the great-circle metres to and from the new one; per bin and place,
        // the local-street legs between the door and its snap nodes.
        let to: Vec<Local> = (snaps.iter())
            .map(|o| self.local_leg(s.place.metres_to(&o.place)))
            .collect();
        let from: Vec<Local> = (snaps.iter())
            .map(|o| self.local_leg(o.place.metres_to(&s.place)))
            .collect();
        // Per place and bin, its snap nodes and the local-street legs to them, [packed](pack),
        // `per` entries each, `FAR` for none.
        let per = self.access.snaps;
        let mut legs = vec![(0, FAR); n * nb * per];
        for (j, snap) in snaps.iter().enumerate() {
            for (k, &(node, gap)) in snap.nodes.iter().enumerate() {
                let l = self.local_leg(gap);
                for bin in 0..nb {
                    let f = self.local_factor[bin][snap.zone];
                    legs[(j * nb + bin) * per + k] = (node, pack(l.at(f)));
                }
            }
        }
        let legs_at = |j: usize, bin: usize| {
            let at = (j * nb + bin) * per;
            &legs[at..at + per]
        };
        // From a door to node `b` at `bin`: the best entry over its snap nodes, then the table.
        let via = |entries: &[(usize, u64)], b: usize, bin: usize| {
            (entries.iter())
                .filter(|e| e.1 < FAR)
                .map(|&(a, leg)| (leg + table.paths(a, b)[bin]).min(FAR))
                .min()
                .unwrap_or(FAR)
        };
        for (j, other) in snaps.iter().enumerate() {
            if j == at || other.place.at == s.place.at {
                continue;
            }
            // All bins of a pair together: their paths lie side by side in the table.
            for bin in 0..nb {
                let (new, there) = (legs_at(at, bin), legs_at(j, bin));
                out[bin * n + j] = self.pair(|b| via(new, b, bin), there, &to[j], s.zone, bin);
                inbound[bin * n + j] =
                    self.pair(|b| via(there, b, bin), new, &from[j], other.zone, bin);
            }
        }
        // FIFO for the new cells, as for the whole matrix.
        for k in (0..nb.saturating_sub(1)).rev() {
            let wait = cell(self.bins[k + 1].0 - self.bins[k].0);
            for cells in [&mut out, &mut inbound] {
                for j in 0..n {
                    let later = cells[(k + 1) * n + j].0;
                    let here = &mut cells[k * n + j].0;
                    *here = (*here).min(wait.saturating_add(later));
                }
            }
        }
        matrix.inserting(at, &out, &inbound)
    }

    fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::round_u64;
    use crate::Region;
    use housecall_core::{
        solve, Booking, Drive, Location, Lunch, Prepared, Problem, Seconds, SlotQuery,
        SolveOptions, Therapist, TimeWindow, TravelModel,
    };

    /// A slot question answered from a matrix of its own from the day's first opening on
    /// ([`TravelModel::matrix_from`], as `housecall serve` builds one per question) gives the
    /// answer of the day's whole matrix kept between questions, rush hours and lunch included.
    #[test]
    fn a_question_from_the_opening_on_answers_as_the_whole_day() {
        let model = Region::western_gta().road_model();
        let at = |k: usize| Location {
            lat: 43.52 + 0.03 * (k % 5) as f64,
            lon: -79.80 + 0.04 * (k % 7) as f64,
        };
        let hours = |a, b| TimeWindow::new(Seconds::hm(a, 0), Seconds::hm(b, 0)).unwrap();
        let bookings = (0..4)
            .map(|k| Booking::new(format!("b{k}"), at(2 * k), Seconds::from_minutes(45)))
            .collect();
        let lunch = Lunch {
            window: hours(12, 14),
            duration: Seconds::from_minutes(30),
        };
        let therapist = Therapist::new("t", at(11), hours(9, 18)).with_lunch(lunch);
        let problem = Problem::new(bookings, vec![therapist], None);
        let options = SolveOptions {
            iterations: 50,
            threads: 1,
            ..SolveOptions::default()
        };
        let plan = solve(&problem, &model, &options).unwrap();
        let day = Prepared::new(&problem, &model, &plan).unwrap();
        let mut slots = 0;
        for k in 0..10 {
            let mut new = Booking::new(format!("n{k}"), at(3 * k + 1), Seconds::from_minutes(60));
            if k % 2 == 1 {
                new = new.with_window(hours(14, 17));
            }
            let whole = day.slots(&new, &SlotQuery::default()).unwrap();
            let once =
                Prepared::slots_once(&problem, &model, &plan, &new, &SlotQuery::default()).unwrap();
            assert_eq!(once, whole, "request {k}");
            slots += whole.slots.len();
        }
        assert!(slots > 20, "only {slots} slots");
    }

    /// The searches a large graph takes (one per location and bin) give the node tables'
    /// matrix, pairs left out included.
    #[test]
    fn searches_give_the_tables_matrix() {
        let model = Region::western_gta().road_model();
        let locs: Vec<Location> = (0..9)
            .map(|k| Location {
                lat: 43.45 + 0.05 * k as f64,
                lon: -80.2 + 0.07 * ((k * 5) % 9) as f64,
            })
            .collect();
        let needed = |i: usize, j: usize| i == 2 || j == 5 || j == i + 1;
        let tables = model.matrix_of(&locs, &needed);
        let searches = model.matrix_by(&locs, &needed, true, 0);
        // Drives from 09:00 on only: the bins before 09:00 left out, the same drives after.
        let nine = Seconds::hm(9, 0);
        let from_nine = model.matrix_from(&locs, &needed, nine);
        assert!(from_nine.bins().len() < tables.bins().len());
        assert!(from_nine.bins()[0] <= nine && from_nine.bins()[1] > nine);
        for i in 0..locs.len() {
            for j in 0..locs.len() {
                for t in (5 * 3600..21 * 3600).step_by(1999) {
                    let want = match needed(i, j) {
                        true => model.drive(locs[i], locs[j], Seconds(t)),
                        false => Drive::UNREACHABLE,
                    };
                    let (a, b) = (
                        tables.drive(i, j, Seconds(t)),
                        searches.drive(i, j, Seconds(t)),
                    );
                    assert_eq!((a, b), (want, want), "{i} -> {j} at {t}");
                    if t >= nine.0 {
                        assert_eq!(from_nine.drive(i, j, Seconds(t)), want, "{i} -> {j} at {t}");
                    }
                }
            }
        }
    }

    #[test]
    fn round_u64_is_round_as_u64() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.49999999999999994,
            4_503_599_627_370_495.5,
            4_503_599_627_370_497.0,
            4.599_999_999_999_999e18,
            4.6e18,
            4.7e18,
            9.3e18,
            1.9e19,
            1e300,
            f64::INFINITY,
            f64::NAN,
            -0.7,
            -3.5,
        ];
        // And a spread of ordinary values, halves and near-halves included.
        let spread = (0..200_000u32).flat_map(|i| {
            let x = f64::from(i) * 0.25;
            [x, x * 1.000_000_1, x + 1e-9, x - 1e-9, f64::from(i) * 37.13]
        });
        for x in edges.into_iter().chain(spread) {
            assert_eq!(round_u64(x), x.round() as u64, "{x:e}");
        }
    }
}
