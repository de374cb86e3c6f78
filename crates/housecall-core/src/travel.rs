//! Travel times and distances. The solver sees only [`TravelModel`] (any road model,
//! time-of-day aware or not) and the [`TravelMatrix`] it computes once per problem.

use crate::model::Location;
use crate::time::{Metres, Seconds};
use rayon::prelude::*;
use std::sync::{Arc, Mutex, OnceLock};

/// One drive: how long it takes and how far it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drive {
    /// Driving time.
    pub time: Seconds,
    /// Driving distance.
    pub distance: Metres,
}

/// The group of a location that meets every group, in [`TravelModel::matrix_within`].
pub const SHARED: u32 = u32::MAX;

/// Groups for [`TravelModel::matrix_within`] in which only the pairs with location `at` meet
/// (every other location its own group): the drives to and from one new location.
pub fn only_with(n: usize, at: usize) -> Vec<u32> {
    let mut groups: Vec<u32> = (0..n as u32).collect();
    if let Some(g) = groups.get_mut(at) {
        *g = SHARED;
    }
    groups
}

/// Whether two locations of groups `a` and `b` can meet (see [`TravelModel::matrix_within`]).
pub fn can_meet(a: u32, b: u32) -> bool {
    a == b || a == SHARED || b == SHARED
}

impl Drive {
    /// The answer for a pair a model cannot drive (a place it does not know): longer than any
    /// day, so that no plan can include it, and never mistaken for a free drive.
    pub const UNREACHABLE: Drive = Drive {
        time: Seconds(i32::MAX as i64),
        distance: Metres(i32::MAX as i64),
    };
}

/// A source of drive times between two points for a departure time.
///
/// Implementations must be deterministic and FIFO: leaving later never means arriving
/// earlier. A drive from a point to itself takes no time. A model whose times depend on the
/// time of day is piecewise linear between the departure times of [`TravelModel::time_bins`]
/// (see [`interpolate`]), with a slope of at least -1 between them, so that a matrix of its
/// values at those times reproduces it exactly.
pub trait TravelModel: Sync {
    /// The drive from `from` to `to` leaving at `depart` (seconds since local midnight).
    fn drive(&self, from: Location, to: Location, depart: Seconds) -> Drive;

    /// Departure times (seconds since midnight, ascending) at which the model's times are
    /// given; between them they are interpolated, before the first and after the last they
    /// are constant. A model that does not depend on the time of day returns `[0]`.
    fn time_bins(&self) -> Vec<Seconds> {
        vec![Seconds(0)]
    }

    /// The matrix of drives between `locations`. The default asks [`TravelModel::drive`] for
    /// every pair and time bin, in parallel; models with a faster many-to-many method
    /// override it with the same values.
    fn matrix(&self, locations: &[Location]) -> TravelMatrix {
        TravelMatrix::build(self, locations)
    }

    /// The matrix of drives between `locations` where only pairs that can meet are needed:
    /// `groups[i]` is location `i`'s group (a day), [`SHARED`] for one that meets every
    /// group (a therapist's home, an undated booking). Pairs of two different groups may be
    /// left [`Drive::UNREACHABLE`]: [`TravelModel::matrix_of`] for the pairs that can meet.
    fn matrix_within(&self, locations: &[Location], groups: &[u32]) -> TravelMatrix {
        self.matrix_of(locations, &|i, j| can_meet(groups[i], groups[j]))
    }

    /// The matrix of drives between `locations` where only the drives from `i` to `j` for
    /// which `needed(i, j)` holds are needed (answering one question about a day needs its
    /// routes' legs and the drives to and from the new place, not every pair). The others
    /// may be left [`Drive::UNREACHABLE`]; the default computes every pair.
    fn matrix_of(
        &self,
        locations: &[Location],
        needed: &(dyn Fn(usize, usize) -> bool + Sync),
    ) -> TravelMatrix {
        let _ = needed;
        self.matrix(locations)
    }

    /// [`TravelModel::matrix_of`] for drives that all leave at or after `earliest` (seconds
    /// since midnight; a day's shifts' first opening): the time bins before the last one at
    /// or before `earliest` may be left out, the matrix then starting at that one. Its drives
    /// from `earliest` on are [`TravelModel::matrix_of`]'s, and so is their least over the
    /// day from then on; the default leaves no bin out.
    fn matrix_from(
        &self,
        locations: &[Location],
        needed: &(dyn Fn(usize, usize) -> bool + Sync),
        earliest: Seconds,
    ) -> TravelMatrix {
        let _ = earliest;
        self.matrix_of(locations, needed)
    }

    /// `matrix` (of `locations`) with `new` inserted as location `at`: only the drives to
    /// and from `new` are computed (through [`TravelModel::matrix_within`], every other pair
    /// left out), the rest is copied. For answering many one-visit questions against one
    /// day or week without recomputing its matrix.
    fn extend(
        &self,
        matrix: &TravelMatrix,
        locations: &[Location],
        at: usize,
        new: Location,
    ) -> TravelMatrix {
        let mut locs = locations.to_vec();
        locs.insert(at, new);
        matrix.with_location(at, &self.matrix_within(&locs, &only_with(locs.len(), at)))
    }

    /// A short name for the model, shown in plans.
    fn name(&self) -> &str;
}

/// The value at `t` of the piecewise-linear function through `(bins[k], values(k))`:
/// constant before the first and after the last knot, integer arithmetic rounding down.
/// Shared by [`TravelMatrix`] and time-dependent models so that both give the same seconds.
pub fn interpolate(bins: &[Seconds], t: Seconds, values: impl Fn(usize) -> i64) -> i64 {
    let k = bins.partition_point(|b| *b <= t).saturating_sub(1);
    interpolate_from(bins, k, t, values)
}

/// [`interpolate`] with `k`, the last knot at or before `t` (0 when none is), already known.
#[inline]
fn interpolate_from(bins: &[Seconds], k: usize, t: Seconds, values: impl Fn(usize) -> i64) -> i64 {
    if k + 1 >= bins.len() || t <= bins[k] {
        return values(k);
    }
    let (v0, v1) = (values(k), values(k + 1));
    if v0 == v1 {
        // A drive the same at both knots (common away from rush hour) needs no division.
        return v0;
    }
    let (t0, t1) = (bins[k].0, bins[k + 1].0);
    v0 + ((v1 - v0) * (t.0 - t0)).div_euclid(t1 - t0)
}

/// The last of `bins` starting at or before each minute of two days, shared by every matrix
/// with those bins (a model's matrices all have its bins): a service builds a small matrix
/// per request, and a table of its own would be 5.6 KiB to fill and then to miss in the cache
/// on every drive looked up.
fn minute_table(bins: &[Seconds]) -> Arc<[u16]> {
    /// A set of bins and its table.
    type Table = (Vec<Seconds>, Arc<[u16]>);
    /// The tables of the last few bin sets.
    static TABLES: Mutex<Vec<Table>> = Mutex::new(Vec::new());
    let mut tables = TABLES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, table)) = tables.iter().find(|(b, _)| b == bins) {
        return table.clone();
    }
    // In one sweep.
    let mut k = 0;
    let table: Arc<[u16]> = (0..2 * 24 * 60)
        .map(|m| {
            while k < bins.len() && bins[k].0 <= m * 60 {
                k += 1;
            }
            k.saturating_sub(1) as u16
        })
        .collect();
    if tables.len() == 8 {
        tables.remove(0);
    }
    tables.push((bins.to_vec(), table.clone()));
    table
}

/// Makes knot values FIFO: the time at knot `k` may not exceed the wait until knot `k + 1`
/// plus the time from there (leaving later and arriving earlier would beat it). `secs` holds
/// one value per knot of `bins`.
pub fn make_fifo(bins: &[Seconds], secs: &mut [i64]) {
    for k in (0..secs.len().saturating_sub(1)).rev() {
        let wait = bins[k + 1].0 - bins[k].0;
        secs[k] = secs[k].min(wait + secs[k + 1]);
    }
}

/// The **fallback** model: great-circle distance times a circuity factor, driven at a slower
/// speed for the first kilometres (local streets) and a faster one beyond (arterials and
/// freeways), plus a fixed overhead for parking and walking to the door, rounded up to whole
/// minutes (so that plans read in clean clock times). Independent of the time of day. Realistic road times come from the region crate's road graph.
#[derive(Clone, Debug, PartialEq)]
pub struct StraightLine {
    /// Road distance divided by great-circle distance (typically 1.2-1.4).
    pub circuity: f64,
    /// Speed over the first `local_m` metres of road, km/h.
    pub local_kmh: f64,
    /// Road metres driven at `local_kmh`.
    pub local_m: f64,
    /// Speed beyond that, km/h.
    pub through_kmh: f64,
    /// Added to every drive between two different points (parking, to the door).
    pub overhead: Seconds,
}

/// The least of a pair's times over the bins (`i32::MAX` for none).
fn least_of(bins: &[i32]) -> i32 {
    bins.iter().fold(i32::MAX, |least, &t| least.min(t))
}

/// Mean Earth radius in metres (IUGG).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle (haversine) distance in metres.
pub fn great_circle_m(a: Location, b: Location) -> f64 {
    Spherical::new(a).metres_to(&Spherical::new(b))
}

/// A location with its latitude in radians and that latitude's cosine worked out once, for
/// many great-circle distances from or to one place; [`Spherical::metres_to`] gives exactly
/// [`great_circle_m`]'s metres.
///
/// ```
/// use housecall_core::{great_circle_m, Location, Spherical};
/// let (a, b) = (Location { lat: 43.59, lon: -79.64 }, Location { lat: 43.55, lon: -80.25 });
/// assert_eq!(Spherical::new(a).metres_to(&Spherical::new(b)), great_circle_m(a, b));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spherical {
    /// The location, degrees.
    pub at: Location,
    /// Latitude, radians.
    lat: f64,
    /// Cosine of the latitude.
    cos_lat: f64,
}

impl Spherical {
    /// `at` with its latitude's radians and cosine.
    pub fn new(at: Location) -> Self {
        let lat = at.lat.to_radians();
        Spherical {
            at,
            lat,
            cos_lat: lat.cos(),
        }
    }

    /// The cosine of the latitude.
    pub fn cos_lat(&self) -> f64 {
        self.cos_lat
    }

    /// Great-circle (haversine) distance to `b` in metres.
    pub fn metres_to(&self, b: &Spherical) -> f64 {
        let dp = b.lat - self.lat;
        let dl = (b.at.lon - self.at.lon).to_radians();
        let h = (dp / 2.0).sin().powi(2) + self.cos_lat * b.cos_lat * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }
}

impl Default for StraightLine {
    /// Suburban-to-regional driving: roads 1.3 times the great-circle distance, the first
    /// 5 km at 40 km/h, the rest at 80 km/h, 2 minutes to park (the western-GTA calibration).
    fn default() -> Self {
        StraightLine {
            circuity: 1.3,
            local_kmh: 40.0,
            local_m: 5_000.0,
            through_kmh: 80.0,
            overhead: Seconds(120),
        }
    }
}

impl TravelModel for StraightLine {
    fn drive(&self, from: Location, to: Location, _depart: Seconds) -> Drive {
        if from == to {
            return Drive::default();
        }
        let road_m = great_circle_m(from, to) * self.circuity;
        let local = road_m.min(self.local_m);
        let through = road_m - local;
        let secs = local / (self.local_kmh / 3.6) + through / (self.through_kmh / 3.6);
        Drive {
            time: Seconds((secs / 60.0).ceil() as i64 * 60) + self.overhead,
            distance: Metres(road_m.round() as i64),
        }
    }

    fn name(&self) -> &str {
        "straight-line"
    }
}

/// Drive times between a fixed list of locations, computed once per problem. Entry
/// `(bin, from, to)` holds the drive leaving at the start of time bin `bin`; between bins the
/// time is interpolated (as the model defines it) and the distance is the earlier bin's.
#[derive(Clone, Debug)]
pub struct TravelMatrix {
    n: usize,
    bins: Vec<Seconds>,
    /// For each minute of two days, the last bin starting at or before that minute (one
    /// table for all matrices with the same bins: see [`minute_table`]).
    bin_at_minute: Arc<[u16]>,
    /// Seconds, pair-major: the bins of a pair side by side (a lookup between two bins reads
    /// one cache line, and a search that asks for a few pairs keeps to a few lines).
    time: Vec<i32>,
    /// Metres, laid out as `time`.
    distance: Vec<i32>,
    /// The least time of each pair over the bins, built when first asked for (several bins
    /// only).
    least: OnceLock<Vec<i32>>,
}

impl TravelMatrix {
    /// Computes the matrix for `locations` by asking `model` for every pair and bin, rows in
    /// parallel.
    pub fn build<M: TravelModel + ?Sized>(model: &M, locations: &[Location]) -> Self {
        let n = locations.len();
        let bins = model.time_bins();
        let cells: Vec<Drive> = bins
            .iter()
            .flat_map(|&t| locations.iter().map(move |&from| (t, from)))
            .collect::<Vec<_>>()
            .into_par_iter()
            // Small matrices stay on one thread.
            .with_min_len(64)
            .flat_map_iter(|(t, from)| locations.iter().map(move |&to| model.drive(from, to, t)))
            .collect();
        // A value past the 32-bit cell is longer than any day: it saturates (unreachable)
        // rather than wrapping to a short or negative drive.
        let cell = |v: i64| i32::try_from(v.max(0)).unwrap_or(i32::MAX);
        let time = cells.iter().map(|d| cell(d.time.0)).collect();
        let distance = cells.iter().map(|d| cell(d.distance.0)).collect();
        TravelMatrix::from_parts(n, bins, time, distance)
    }

    /// A matrix from its parts: `time[(bin * n + from) * n + to]` in seconds and `distance`
    /// likewise in metres, for models that compute many-to-many themselves.
    pub fn from_parts(n: usize, bins: Vec<Seconds>, time: Vec<i32>, distance: Vec<i32>) -> Self {
        assert_eq!(
            time.len(),
            bins.len() * n * n,
            "one time per bin and ordered pair"
        );
        assert_eq!(distance.len(), time.len(), "one distance per time");
        let (cells, nb) = (n * n, bins.len());
        let by_pair = |v: Vec<i32>| -> Vec<i32> {
            if nb == 1 {
                return v;
            }
            (0..cells)
                .flat_map(|pair| (0..nb).map(move |bin| bin * cells + pair))
                .map(|x| v[x])
                .collect()
        };
        TravelMatrix::from_pairs(n, bins, by_pair(time), by_pair(distance))
    }

    /// A matrix from its parts pair by pair: `time[(from * n + to) * bins + bin]` in seconds
    /// (the bins of a pair side by side) and `distance` likewise in metres.
    ///
    /// ```
    /// use housecall_core::{Seconds, TravelMatrix};
    /// // Two places, two bins (midnight and 07:00): 10 minutes each way, 15 from 07:00.
    /// let bins = vec![Seconds(0), Seconds::hm(7, 0)];
    /// let time = vec![0, 0, 600, 900, 600, 900, 0, 0];
    /// let m = TravelMatrix::from_pairs(2, bins, time, vec![0, 0, 8000, 8000, 8000, 8000, 0, 0]);
    /// assert_eq!(m.secs(0, 1, 0), 600);
    /// assert_eq!(m.secs(1, 0, 7 * 3600), 900);
    /// assert_eq!(m.drive(0, 1, Seconds::hm(8, 0)).distance.0, 8000);
    /// ```
    pub fn from_pairs(n: usize, bins: Vec<Seconds>, time: Vec<i32>, distance: Vec<i32>) -> Self {
        assert_eq!(
            time.len(),
            bins.len() * n * n,
            "one time per bin and ordered pair"
        );
        assert_eq!(distance.len(), time.len(), "one distance per time");
        let bin_at_minute = minute_table(&bins);
        TravelMatrix {
            n,
            bins,
            bin_at_minute,
            time,
            distance,
            least: OnceLock::new(),
        }
    }

    /// This matrix with a location inserted at index `at`, whose drives (to and from every
    /// location) are taken from `fresh`, a matrix over all `n + 1` locations with the same
    /// bins; falls back to `fresh` itself when the sizes or bins do not fit.
    pub fn with_location(&self, at: usize, fresh: &TravelMatrix) -> TravelMatrix {
        let m = self.n + 1;
        if fresh.n != m || fresh.bins != self.bins || at > self.n {
            return fresh.clone();
        }
        let cells = |outbound: bool| {
            (0..self.bins.len())
                .flat_map(|bin| (0..m).map(move |j| (bin, j)))
                .map(|(bin, j)| {
                    let (from, to) = if outbound { (at, j) } else { (j, at) };
                    let x = fresh.at(bin, from, to);
                    (fresh.time[x], fresh.distance[x])
                })
                .collect::<Vec<_>>()
        };
        self.inserting(at, &cells(true), &cells(false))
    }

    /// This matrix with a location inserted at index `at`: `out[bin * (n + 1) + j]` is the
    /// drive `(seconds, metres)` from it to location `j` of the grown matrix at time bin
    /// `bin`, and `inbound` likewise the drive from `j` to it (the cells at `j == at` are
    /// ignored: zero).
    ///
    /// # Panics
    /// When `at > n` or the slices do not hold one cell per bin and grown location.
    pub fn inserting(&self, at: usize, out: &[(i32, i32)], inbound: &[(i32, i32)]) -> TravelMatrix {
        let (n, m) = (self.n, self.n + 1);
        assert!(at <= n, "insert at {at} into {n} locations");
        assert_eq!(
            out.len(),
            self.bins.len() * m,
            "one outbound cell per bin and location"
        );
        assert_eq!(
            inbound.len(),
            out.len(),
            "one inbound cell per bin and location"
        );
        let nb = self.bins.len();
        let mut time = Vec::with_capacity(nb * m * m);
        let mut distance = Vec::with_capacity(time.capacity());
        // The new location's cells with location `j`, at every bin (zero to itself).
        let new = |time: &mut Vec<i32>, distance: &mut Vec<i32>, cells: &[(i32, i32)], j| {
            for bin in 0..nb {
                let c = if j == at { (0, 0) } else { cells[bin * m + j] };
                time.push(c.0);
                distance.push(c.1);
            }
        };
        for from in 0..m {
            if from == at {
                for to in 0..m {
                    new(&mut time, &mut distance, out, to);
                }
                continue;
            }
            // The old row: its pairs before `at`, the drive to the new location, the rest.
            let row = self.at(0, from - usize::from(from > at), 0);
            let (split, end) = (row + at * nb, row + n * nb);
            time.extend_from_slice(&self.time[row..split]);
            distance.extend_from_slice(&self.distance[row..split]);
            new(&mut time, &mut distance, inbound, from);
            time.extend_from_slice(&self.time[split..end]);
            distance.extend_from_slice(&self.distance[split..end]);
        }
        // The least times: the old pairs' from this matrix's table (built now if it is not
        // yet: a day asked about one more visit at a time grows it once per question), the
        // new location's from its cells.
        let least = OnceLock::new();
        if nb > 1 {
            let old = self.least_table();
            let new = |from: usize, to: usize| least_of(&time[(from * m + to) * nb..][..nb]);
            let mut grown = Vec::with_capacity(m * m);
            for from in 0..m {
                if from == at {
                    grown.extend((0..m).map(|to| new(from, to)));
                    continue;
                }
                let row = &old[(from - usize::from(from > at)) * n..][..n];
                grown.extend_from_slice(&row[..at]);
                grown.push(new(from, at));
                grown.extend_from_slice(&row[at..]);
            }
            let _ = least.set(grown);
        }
        TravelMatrix {
            n: m,
            bins: self.bins.clone(),
            bin_at_minute: self.bin_at_minute.clone(),
            time,
            distance,
            least,
        }
    }

    /// The last bin starting at or before `t` (0 when none does).
    #[inline]
    fn bin_of(&self, t: i64) -> usize {
        // The minute of `t`, 0 before midnight (an unsigned division: one multiplication).
        let minute = u64::try_from(t).map_or(0, |t| t / 60) as usize;
        let mut k = self.bin_at_minute[minute.min(self.bin_at_minute.len() - 1)] as usize;
        while k + 1 < self.bins.len() && self.bins[k + 1].0 <= t {
            k += 1;
        }
        k
    }

    /// Number of locations.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no locations.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Start times of the time bins.
    pub fn bins(&self) -> &[Seconds] {
        &self.bins
    }

    #[inline]
    fn at(&self, bin: usize, from: usize, to: usize) -> usize {
        (from * self.n + to) * self.bins.len() + bin
    }

    /// Driving seconds from location `from` to `to` leaving at `depart` (seconds since
    /// midnight).
    #[inline]
    pub fn secs(&self, from: usize, to: usize, depart: i64) -> i64 {
        if self.bins.len() == 1 {
            // One bin: a pair's index is its cell's.
            return self.time[from * self.n + to] as i64;
        }
        let k = self.bin_of(depart);
        interpolate_from(&self.bins, k, Seconds(depart), |k| {
            self.time[self.at(k, from, to)] as i64
        })
    }

    /// The least driving seconds from location `from` to `to` at any time of day: between
    /// bins the time is interpolated, so the least is at a bin's start. A lower bound for
    /// screening moves and slots. The table of several bins is built on the first call.
    #[inline]
    pub fn least_secs(&self, from: usize, to: usize) -> i64 {
        if self.bins.len() == 1 {
            // One bin: a pair's index is its cell's.
            return self.time[from * self.n + to] as i64;
        }
        self.least_table()[from * self.n + to] as i64
    }

    /// Each pair's least time over the bins, `[from * n + to]`, built on the first call.
    fn least_table(&self) -> &[i32] {
        self.least.get_or_init(|| {
            (self.time.chunks_exact(self.bins.len().max(1)))
                .map(least_of)
                .collect()
        })
    }

    /// The length in metres of the drive from location `from` to `to` when it is the same
    /// whenever one leaves within `leaving` (seconds since midnight: the same way at every
    /// time bin those times fall in), else `None`.
    pub fn fixed_distance(
        &self,
        from: usize,
        to: usize,
        leaving: std::ops::RangeInclusive<i64>,
    ) -> Option<i64> {
        let (first, last) = (self.bin_of(*leaving.start()), self.bin_of(*leaving.end()));
        let d = self.distance[self.at(first, from, to)];
        (first + 1..=last)
            .all(|k| self.distance[self.at(k, from, to)] == d)
            .then_some(d as i64)
    }

    /// The drive from location `from` to `to` leaving at `depart`.
    pub fn drive(&self, from: usize, to: usize, depart: Seconds) -> Drive {
        let k = self.bin_of(depart.0);
        Drive {
            time: Seconds(self.secs(from, to, depart.0)),
            distance: Metres(self.distance[self.at(k, from, to)] as i64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> StraightLine {
        StraightLine::default()
    }

    #[test]
    fn great_circle_matches_known_distance() {
        // Brampton city hall to Guelph city hall is about 45.6 km as the crow flies.
        let b = Location {
            lat: 43.6856,
            lon: -79.7600,
        };
        let g = Location {
            lat: 43.5431,
            lon: -80.2488,
        };
        let d = great_circle_m(b, g);
        assert!((d - 42_500.0).abs() < 3_000.0, "{d}");
    }

    #[test]
    fn fixed_distance_is_the_length_at_every_bin_of_the_hours() {
        // One pair, four bins (00:00, 07:00, 09:00, 19:00): a detour from 07:00 to 09:00.
        let bins: Vec<Seconds> = [0, 7, 9, 19].iter().map(|h| Seconds(h * 3600)).collect();
        let distance = vec![1000, 1200, 1000, 1000];
        let m = TravelMatrix::from_parts(1, bins, vec![60; 4], distance);
        assert_eq!(m.fixed_distance(0, 0, 0..=86_399), None);
        assert_eq!(m.fixed_distance(0, 0, 9 * 3600..=20 * 3600), Some(1000));
        assert_eq!(
            m.fixed_distance(0, 0, 7 * 3600..=8 * 3600 + 3599),
            Some(1200)
        );
        assert_eq!(m.fixed_distance(0, 0, 6 * 3600..=7 * 3600), None);
        for t in (9 * 3600..=20 * 3600).step_by(600) {
            assert_eq!(m.drive(0, 0, Seconds(t)).distance, Metres(1000));
        }
    }

    #[test]
    fn interpolation_between_knots_and_fifo() {
        let bins = [Seconds(0), Seconds(100), Seconds(200)];
        let v = [50i64, 150, 10];
        assert_eq!(interpolate(&bins, Seconds(50), |k| v[k]), 100);
        assert_eq!(interpolate(&bins, Seconds(999), |k| v[k]), 10);
        let mut fifo = v;
        make_fifo(&bins, &mut fifo);
        // Leaving at 100 and taking 150 arrives at 250, later than waiting until 200 (arrive
        // 210): the knot is lowered to 110.
        assert_eq!(fifo, [50, 110, 10]);
        let arrive = |t: i64| t + interpolate(&bins, Seconds(t), |k| fifo[k]);
        assert!((0..300).all(|t| arrive(t) <= arrive(t + 1)));
    }

    #[test]
    fn same_point_is_free_and_matrix_agrees_with_model() {
        let m = model();
        let locs = [
            Location {
                lat: 43.6856,
                lon: -79.7600,
            },
            Location {
                lat: 43.5890,
                lon: -79.6441,
            },
        ];
        let mx = TravelMatrix::build(&m, &locs);
        assert_eq!(mx.secs(0, 0, 0), 0);
        assert_eq!(
            mx.drive(0, 1, Seconds(30_000)),
            m.drive(locs[0], locs[1], Seconds(0))
        );
        assert!(mx.secs(0, 1, 0) > 600);
    }
}
