//! Housecall's model of its region, the western Greater Toronto Area from Brampton to Guelph:
//! a road graph with time-of-day speed profiles ([`RoadModel`], behind the core's
//! [`housecall_core::TravelModel`] interface), the calibrated straight-line fallback, the
//! service areas ([`ServiceAreas`]), postal codes and places ([`Gazetteer`]), and an importer
//! of OpenStreetMap road networks ([`import_osm`]).
//!
//! The default region is compiled in from the repository's `data/region/` (see
//! `data/README.md`), so the binary needs no files at run time; [`Region::load`] reads the
//! same files from any directory instead.
#![warn(missing_docs)]

mod areas;
mod gazetteer;
mod map;
mod osm;
mod profiles;
mod road_model;
mod roads;

pub use areas::{ServiceArea, ServiceAreas};
pub use gazetteer::Gazetteer;
pub use map::{plan_geojson, plan_svg, route_lines, MapView};
pub use osm::{import_osm, write_region, ImportSummary};
pub use profiles::SpeedProfiles;
pub use road_model::{zone_of, Access, RoadModel};
pub use roads::{RoadEdge, RoadGraph, RoadNode};

use housecall_core::{Location, StraightLine};
use std::fmt;
use std::path::Path;

/// A problem with region data: which file, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionError {
    /// The file concerned.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl RegionError {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> Self {
        RegionError {
            file: file.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for RegionError {}

/// A region's data: road graph, speed profiles, service areas, postal codes and places.
#[derive(Clone, Debug)]
pub struct Region {
    /// Where it came from (`western-gta` or a directory).
    pub name: String,
    /// The road graph.
    pub roads: RoadGraph,
    /// Travel-time factors by time of day.
    pub profiles: SpeedProfiles,
    /// The service areas (none for a region without `areas.geojson`).
    pub areas: ServiceAreas,
    /// Postal codes and places.
    pub gazetteer: Gazetteer,
}

macro_rules! shipped {
    ($f:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/region/",
            $f
        ))
    };
}

impl Region {
    /// The shipped region, Brampton to Guelph, compiled into the binary.
    pub fn western_gta() -> Region {
        Region::from_texts(
            "western-gta",
            |f| {
                Ok(match f {
                    "roads/nodes.csv" => shipped!("roads/nodes.csv"),
                    "roads/edges.csv" => shipped!("roads/edges.csv"),
                    "profiles.csv" => shipped!("profiles.csv"),
                    "areas.geojson" => shipped!("areas.geojson"),
                    "postal_codes.csv" => shipped!("postal_codes.csv"),
                    "fsa.csv" => shipped!("fsa.csv"),
                    "places.csv" => shipped!("places.csv"),
                    _ => "",
                }
                .to_string())
            },
            |f| f.to_string(),
        )
        .expect("the shipped region is valid (tested)")
    }

    /// Reads a region directory: `roads/nodes.csv`, `roads/edges.csv`, and optionally
    /// `profiles.csv` (without it, times do not depend on the time of day), `areas.geojson`
    /// (without it, no area restrictions), `postal_codes.csv`, `fsa.csv`, `places.csv`.
    pub fn load(dir: &Path) -> Result<Region, RegionError> {
        let name = |f: &str| dir.join(f).display().to_string();
        let read = |f: &str| {
            let p = dir.join(f);
            let required = f.starts_with("roads/");
            match std::fs::read_to_string(&p) {
                Ok(t) => Ok(t),
                Err(e) if required || p.exists() => {
                    Err(RegionError::new(&name(f), format!("cannot read: {e}")))
                }
                Err(_) => Ok(String::new()),
            }
        };
        Region::from_texts(&dir.display().to_string(), read, name)
    }

    /// Builds a region from its files' text (`read`; empty for an optional file that is
    /// absent) and their names for errors (`name`).
    fn from_texts(
        region: &str,
        read: impl Fn(&str) -> Result<String, RegionError>,
        name: impl Fn(&str) -> String,
    ) -> Result<Region, RegionError> {
        let (nodes, edges) = (read("roads/nodes.csv")?, read("roads/edges.csv")?);
        let roads = RoadGraph::from_csv(
            &name("roads/nodes.csv"),
            &nodes,
            &name("roads/edges.csv"),
            &edges,
        )?;
        let profiles = SpeedProfiles::from_csv(&name("profiles.csv"), &read("profiles.csv")?)?;
        let areas = match read("areas.geojson")?.as_str() {
            "" => ServiceAreas::default(),
            text => ServiceAreas::from_geojson(&name("areas.geojson"), text)?,
        };
        let (codes, fsas, places) = (
            read("postal_codes.csv")?,
            read("fsa.csv")?,
            read("places.csv")?,
        );
        let gazetteer = Gazetteer::from_csv(
            (&name("postal_codes.csv"), &codes),
            (&name("fsa.csv"), &fsas),
            (&name("places.csv"), &places),
        )?;
        Ok(Region {
            name: region.to_string(),
            roads,
            profiles,
            areas,
            gazetteer,
        })
    }

    /// The road travel model of this region.
    pub fn road_model(&self) -> RoadModel {
        RoadModel::new(
            self.roads.clone(),
            self.profiles.clone(),
            Access::default(),
            "road",
        )
    }
}

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
    StraightLine::default()
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A seeded stream of numbers in [0, 1) (a 64-bit linear congruential generator), for
    /// tests that sample many points.
    pub(crate) fn uniform(mut state: u64) -> impl FnMut() -> f64 {
        move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

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
