//! Housecall's model of its region, the western Greater Toronto Area from Brampton to Guelph:
//! a road graph with time-of-day speed profiles ([`RoadModel`], behind the core's
//! [`TravelModel`] interface), and the calibrated straight-line fallback.
//!
//! The default region is compiled in from the repository's `data/region/` (see
//! `data/README.md`), so the binary needs no files at run time; [`Region::load`] reads the
//! same files from any directory instead.
#![warn(missing_docs)]

mod profiles;
mod road_model;
mod roads;

pub use profiles::SpeedProfiles;
pub use road_model::{zone_of, Access, RoadModel};
pub use roads::{RoadEdge, RoadGraph, RoadNode};

use housecall_core::{Location, Seconds, StraightLine, TravelModel};
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

/// A region's data: its road graph and speed profiles.
#[derive(Clone, Debug)]
pub struct Region {
    /// Where it came from (`western-gta` or a directory).
    pub name: String,
    /// The road graph.
    pub roads: RoadGraph,
    /// Travel-time factors by time of day.
    pub profiles: SpeedProfiles,
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
        let roads = RoadGraph::from_csv(
            "roads/nodes.csv",
            shipped!("roads/nodes.csv"),
            "roads/edges.csv",
            shipped!("roads/edges.csv"),
        )
        .expect("the shipped road graph is valid (tested)");
        let profiles = SpeedProfiles::from_csv("profiles.csv", shipped!("profiles.csv"))
            .expect("the shipped profiles are valid (tested)");
        Region {
            name: "western-gta".into(),
            roads,
            profiles,
        }
    }

    /// Reads a region directory: `roads/nodes.csv`, `roads/edges.csv`, and optionally
    /// `profiles.csv` (without it, times do not depend on the time of day).
    pub fn load(dir: &Path) -> Result<Region, RegionError> {
        let read = |f: &str| {
            let p = dir.join(f);
            std::fs::read_to_string(&p).map_err(|e| {
                RegionError::new(&p.display().to_string(), format!("cannot read: {e}"))
            })
        };
        let name = |f: &str| dir.join(f).display().to_string();
        let roads = RoadGraph::from_csv(
            &name("roads/nodes.csv"),
            &read("roads/nodes.csv")?,
            &name("roads/edges.csv"),
            &read("roads/edges.csv")?,
        )?;
        let profiles = match dir.join("profiles.csv").exists() {
            true => SpeedProfiles::from_csv(&name("profiles.csv"), &read("profiles.csv")?)?,
            false => SpeedProfiles::default(),
        };
        Ok(Region {
            name: dir.display().to_string(),
            roads,
            profiles,
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

/// The travel model the CLI uses by default: the shipped road graph with rush hour.
pub fn default_model() -> Box<dyn TravelModel> {
    Box::new(Region::western_gta().road_model())
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
