//! Housecall's model of its region, the western Greater Toronto Area from Brampton to Guelph.
//!
//! For now this is the straight-line travel model calibrated for the region's roads: a mix
//! of dense suburban grids (Brampton, Mississauga) and long freeway hops (401, 410, Hwy 6,
//! Hwy 10). Road graphs, rush hour and service areas come later and will plug in behind the
//! same [`TravelModel`] interface.
#![warn(missing_docs)]

use housecall_core::{Location, Seconds, StraightLine, TravelModel};

/// The fallback travel model with parameters for the western GTA: roads 1.3 times the
/// great-circle distance, the first 5 km at 40 km/h (local streets and arterials), the rest
/// at 80 km/h (freeways and rural highways), plus 2 minutes to park and reach the door.
///
/// With these, Brampton to Guelph city halls comes to about an hour and Brampton to
/// Mississauga City Centre to about 23 minutes, close to typical off-peak figures.
///
/// ```
/// use housecall_core::{Location, Seconds, TravelModel};
/// let model = housecall_region::straight_line();
/// let brampton = Location { lat: 43.6856, lon: -79.7600 };
/// let guelph = Location { lat: 43.5431, lon: -80.2488 };
/// let d = model.drive(brampton, guelph, Seconds::hm(10, 0));
/// assert!((45..=70).contains(&d.time.round_minutes()));
/// ```
pub fn straight_line() -> StraightLine {
    StraightLine {
        circuity: 1.3,
        local_kmh: 40.0,
        local_m: 5_000.0,
        through_kmh: 80.0,
        overhead: Seconds(120),
    }
}

/// The rough bounding box of the region served (south-west and north-east corners). Used to
/// warn about coordinates that are plausible WGS84 but far from the service area, such as
/// swapped latitude and longitude or a missing minus sign.
pub const BOUNDS: (Location, Location) = (
    Location {
        lat: 43.25,
        lon: -80.60,
    },
    Location {
        lat: 44.25,
        lon: -79.10,
    },
);

/// Whether `loc` lies within [`BOUNDS`].
pub fn in_region(loc: Location) -> bool {
    let (sw, ne) = BOUNDS;
    (sw.lat..=ne.lat).contains(&loc.lat) && (sw.lon..=ne.lon).contains(&loc.lon)
}

/// The travel model the CLI uses by default.
pub fn default_model() -> Box<dyn TravelModel> {
    Box::new(straight_line())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_contains_its_towns_and_not_swapped_coordinates() {
        assert!(in_region(Location {
            lat: 43.5431,
            lon: -80.2488
        }));
        assert!(in_region(Location {
            lat: 43.9199,
            lon: -80.0943
        }));
        assert!(!in_region(Location {
            lat: -79.76,
            lon: 43.68
        }));
        assert!(!in_region(Location {
            lat: 43.68,
            lon: 79.76
        }));
    }
}
