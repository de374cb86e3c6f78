//! Travel times and distances. The solver sees only [`TravelModel`] (any road model,
//! time-of-day aware or not) and the [`TravelMatrix`] it computes once per problem.

use crate::model::Location;
use crate::time::{Metres, Seconds};
use rayon::prelude::*;

/// One drive: how long it takes and how far it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drive {
    /// Driving time.
    pub time: Seconds,
    /// Driving distance.
    pub distance: Metres,
}

/// A source of drive times between two points for a departure time.
///
/// Implementations must be deterministic and FIFO: leaving later never means arriving
/// earlier. A drive from a point to itself takes no time.
pub trait TravelModel: Sync {
    /// The drive from `from` to `to` leaving at `depart` (seconds since local midnight).
    fn drive(&self, from: Location, to: Location, depart: Seconds) -> Drive;

    /// Departure times (seconds since midnight, ascending, the first one 0) at which the
    /// model's times change. A model that does not depend on the time of day returns `[0]`.
    fn time_bins(&self) -> Vec<Seconds> {
        vec![Seconds(0)]
    }

    /// A short name for the model, shown in plans.
    fn name(&self) -> &str;
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

/// Mean Earth radius in metres (IUGG).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle (haversine) distance in metres.
pub fn great_circle_m(a: Location, b: Location) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
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
/// `(bin, from, to)` holds the drive leaving at the start of time bin `bin`; a departure uses
/// the last bin starting at or before it.
#[derive(Clone, Debug)]
pub struct TravelMatrix {
    n: usize,
    bins: Vec<Seconds>,
    time: Vec<i64>,
    distance: Vec<i64>,
}

impl TravelMatrix {
    /// Computes the matrix for `locations` with `model`, rows in parallel.
    pub fn build(model: &dyn TravelModel, locations: &[Location]) -> Self {
        let n = locations.len();
        let bins = model.time_bins();
        let rows: Vec<Vec<Drive>> = bins
            .iter()
            .flat_map(|&t| locations.iter().map(move |&from| (t, from)))
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(t, from)| {
                locations
                    .iter()
                    .map(|&to| model.drive(from, to, t))
                    .collect()
            })
            .collect();
        let cells = rows.into_iter().flatten();
        let (time, distance) = cells.map(|d| (d.time.0, d.distance.0)).unzip();
        TravelMatrix {
            n,
            bins,
            time,
            distance,
        }
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
    fn cell(&self, from: usize, to: usize, depart: i64) -> usize {
        let bin = if self.bins.len() == 1 {
            0
        } else {
            self.bins
                .partition_point(|b| b.0 <= depart)
                .saturating_sub(1)
        };
        (bin * self.n + from) * self.n + to
    }

    /// Driving seconds from location `from` to `to` leaving at `depart` (seconds since
    /// midnight).
    #[inline]
    pub fn secs(&self, from: usize, to: usize, depart: i64) -> i64 {
        self.time[self.cell(from, to, depart)]
    }

    /// The drive from location `from` to `to` leaving at `depart`.
    pub fn drive(&self, from: usize, to: usize, depart: Seconds) -> Drive {
        let c = self.cell(from, to, depart.0);
        Drive {
            time: Seconds(self.time[c]),
            distance: Metres(self.distance[c]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> StraightLine {
        StraightLine {
            circuity: 1.3,
            local_kmh: 40.0,
            local_m: 5000.0,
            through_kmh: 80.0,
            overhead: Seconds(120),
        }
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
