//! The model of the benchmark formats (Solomon, Gehring-Homberger, TSPTW): travel on a plane
//! or through an explicit matrix, customers as required stops, vehicles as therapists with a
//! capacity. Kept here, with the formats, rather than in the core's public surface.

use housecall_core::{
    Booking, Drive, Location, Metres, Seconds, Therapist, TimeWindow, TravelModel,
};

/// Straight-line distances on a plane, for benchmark instances (Solomon, Gehring-Homberger):
/// `lon` is x and `lat` is y. Each arc's time and distance is `floor(scale × euclid)` units,
/// computed exactly for integer coordinates (the DIMACS convention is `scale` 10: one decimal,
/// truncated), or rounded up when `round_up` is set (so that a plan feasible in units is
/// feasible in exact arithmetic).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanarEuclid {
    /// Units per coordinate unit.
    pub scale: i64,
    /// Round each arc up instead of down.
    pub round_up: bool,
}

impl PlanarEuclid {
    /// The arc length from `a` to `b` in units.
    pub fn units(&self, a: Location, b: Location) -> i64 {
        let (dx, dy) = (b.lon - a.lon, b.lat - a.lat);
        let integral = [a.lon, a.lat, b.lon, b.lat]
            .iter()
            .all(|v| v.fract() == 0.0 && v.abs() < 1e6);
        if integral {
            let sq = (self.scale * self.scale) as i128 * ((dx * dx + dy * dy) as i128);
            let mut r = (sq as f64).sqrt() as i128;
            while r * r > sq {
                r -= 1;
            }
            while (r + 1) * (r + 1) <= sq {
                r += 1;
            }
            (r + i128::from(self.round_up && r * r != sq)) as i64
        } else {
            let d = (dx * dx + dy * dy).sqrt() * self.scale as f64;
            if self.round_up {
                d.ceil() as i64
            } else {
                d.floor() as i64
            }
        }
    }
}

impl TravelModel for PlanarEuclid {
    fn drive(&self, from: Location, to: Location, _depart: Seconds) -> Drive {
        let u = self.units(from, to);
        Drive {
            time: Seconds(u),
            distance: Metres(u),
        }
    }

    fn name(&self) -> &str {
        "planar euclidean"
    }
}

/// An explicit travel-time matrix between numbered nodes, for benchmark instances given as
/// matrices (TSPTW): the location of node `i` is [`IndexedMatrix::location`]`(i)`, and the
/// time and distance of an arc are its matrix entry, in solver units. Not time-dependent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedMatrix {
    n: usize,
    time: Vec<i64>,
}

impl IndexedMatrix {
    /// A matrix of `n` nodes, `time[from * n + to]`.
    pub fn new(n: usize, time: Vec<i64>) -> Self {
        assert_eq!(time.len(), n * n, "one entry per ordered pair");
        IndexedMatrix { n, time }
    }

    /// The location that stands for node `i`.
    pub fn location(i: usize) -> Location {
        Location {
            lat: i as f64,
            lon: 0.0,
        }
    }

    /// The entry from node `a` to node `b`.
    pub fn units(&self, a: usize, b: usize) -> i64 {
        self.time[a * self.n + b]
    }
}

impl TravelModel for IndexedMatrix {
    fn drive(&self, from: Location, to: Location, _depart: Seconds) -> Drive {
        let (a, b) = (from.lat as usize, to.lat as usize);
        if a >= self.n || b >= self.n {
            return Drive::UNREACHABLE;
        }
        let u = self.units(a, b);
        Drive {
            time: Seconds(u),
            distance: Metres(u),
        }
    }

    fn name(&self) -> &str {
        "explicit matrix"
    }
}

/// A required stop of a benchmark instance: `service` long, starting within `window`,
/// taking `demand` of the vehicle's capacity.
pub(crate) fn stop(
    id: String,
    location: Location,
    service: Seconds,
    window: TimeWindow,
    demand: i64,
) -> Booking {
    Booking::new(id, location, service)
        .with_window(window)
        .with_demand(demand)
}

/// A benchmark vehicle: from and back to `depot` within `shift`, with no lunch, set-up or
/// limits other than `capacity`.
pub(crate) fn vehicle(
    id: String,
    depot: Location,
    shift: TimeWindow,
    capacity: Option<i64>,
) -> Therapist {
    let mut v = Therapist::new(id, depot, shift).with_setup_packup(Seconds(0), Seconds(0));
    v.capacity = capacity;
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planar_distances_truncate_exactly() {
        let m = PlanarEuclid {
            scale: 10,
            round_up: false,
        };
        let at = |x: f64, y: f64| Location { lat: y, lon: x };
        assert_eq!(m.units(at(0.0, 0.0), at(3.0, 4.0)), 50);
        // sqrt(2) * 10 = 14.142...: truncated to 14, rounded up to 15.
        assert_eq!(m.units(at(0.0, 0.0), at(1.0, 1.0)), 14);
        assert_eq!(
            PlanarEuclid {
                scale: 10,
                round_up: true
            }
            .units(at(0.0, 0.0), at(1.0, 1.0)),
            15
        );
    }
}
