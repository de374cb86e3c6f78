//! Service areas: named (multi)polygons of the municipalities served, from a GeoJSON
//! FeatureCollection (`areas.geojson`). A point belongs to the first area that contains it,
//! so more specific areas (Etobicoke) come before the ones around them (Toronto).

use crate::RegionError;
use geo::{Area, BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use housecall_core::Location;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;
use serde::Deserialize;

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    name: String,
    #[serde(default)]
    approximate: bool,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

/// One service area.
#[derive(Clone, Debug)]
pub struct ServiceArea {
    /// Its name, e.g. `Halton Hills`.
    pub name: String,
    /// Whether the boundary is only approximate (Orangeville is drawn from postal codes).
    pub approximate: bool,
    /// The boundary, lon/lat degrees.
    pub shape: MultiPolygon<f64>,
}

impl ServiceArea {
    /// Approximate area in km² (planar, at this latitude).
    pub fn km2(&self) -> f64 {
        let lat = self
            .shape
            .0
            .first()
            .and_then(|p| p.exterior().0.first())
            .map_or(43.6, |c| c.y);
        self.shape.unsigned_area() * 111.32 * 111.32 * lat.to_radians().cos()
    }
}

/// The areas of a region, in lookup order, with a spatial index over their polygons.
#[derive(Clone, Debug, Default)]
pub struct ServiceAreas {
    /// The areas.
    pub areas: Vec<ServiceArea>,
    /// The bounding box of every polygon, with `(area, polygon)` indices: a lookup tests only
    /// the polygons whose box holds the point.
    index: RTree<PolygonBox>,
}

/// A polygon's bounding box with its `(area, polygon)` indices.
type PolygonBox = GeomWithData<Rectangle<[f64; 2]>, (usize, usize)>;

fn polygon(rings: &[Vec<[f64; 2]>]) -> Polygon<f64> {
    let ring = |r: &Vec<[f64; 2]>| {
        LineString::from(
            r.iter()
                .map(|c| Coord { x: c[0], y: c[1] })
                .collect::<Vec<_>>(),
        )
    };
    let mut it = rings.iter();
    let exterior = it
        .next()
        .map(ring)
        .unwrap_or_else(|| LineString::new(vec![]));
    Polygon::new(exterior, it.map(ring).collect())
}

impl ServiceAreas {
    /// Parses a GeoJSON FeatureCollection with a `name` property per feature.
    pub fn from_geojson(file: &str, text: &str) -> Result<Self, RegionError> {
        let c: Collection = serde_json::from_str(text)
            .map_err(|e| RegionError::new(file, format!("not service-area GeoJSON: {e}")))?;
        let areas = c
            .features
            .into_iter()
            .map(|f| ServiceArea {
                name: f.properties.name,
                approximate: f.properties.approximate,
                shape: match f.geometry {
                    Geometry::Polygon(p) => MultiPolygon::new(vec![polygon(&p)]),
                    Geometry::MultiPolygon(ps) => {
                        MultiPolygon::new(ps.iter().map(|p| polygon(p)).collect())
                    }
                },
            })
            .collect();
        Ok(ServiceAreas::new(areas))
    }

    /// The areas, indexed for lookups; `areas` in lookup order.
    pub fn new(areas: Vec<ServiceArea>) -> Self {
        let boxes = areas
            .iter()
            .enumerate()
            .flat_map(|(a, area)| {
                area.shape
                    .0
                    .iter()
                    .enumerate()
                    .filter_map(move |(k, poly)| {
                        let r = poly.bounding_rect()?;
                        let rect =
                            Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                        Some(GeomWithData::new(rect, (a, k)))
                    })
            })
            .collect();
        ServiceAreas {
            areas,
            index: RTree::bulk_load(boxes),
        }
    }

    /// The name of the area containing `loc`, if any (the first in lookup order).
    pub fn area_of(&self, loc: Location) -> Option<&str> {
        let p = Point::new(loc.lon, loc.lat);
        self.index
            .locate_all_at_point(&[loc.lon, loc.lat])
            .map(|g| g.data)
            .filter(|&(a, k)| self.areas[a].shape.0[k].contains(&p))
            .map(|(a, _)| a)
            .min()
            .map(|a| self.areas[a].name.as_str())
    }

    /// The area called `name` (case-insensitive), with its canonical name.
    pub fn find(&self, name: &str) -> Option<&ServiceArea> {
        self.areas
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name.trim()))
    }
}
