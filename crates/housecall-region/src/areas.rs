//! Service areas: named (multi)polygons of the municipalities served, from a GeoJSON
//! FeatureCollection (`areas.geojson`). A point belongs to the first area that contains it,
//! so more specific areas (Etobicoke) come before the ones around them (Toronto).

use crate::RegionError;
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Area, BoundingRect, Contains, Coord, Line, LineString, MultiPolygon, Point, Polygon};
use housecall_core::Location;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;
use serde::Deserialize;
use std::sync::OnceLock;

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
    /// The bounding box of every polygon, with `(area, polygon, grid)` indices: a lookup tests
    /// only the polygons whose box holds the point.
    index: RTree<PolygonBox>,
    /// A grid over each polygon's box, indexed as in `index`, made on the first lookup that
    /// needs it (about 0.1 ms each, so a command that places a few points pays for few), or
    /// all at once by [`ServiceAreas::warm`].
    grids: Vec<OnceLock<Grid>>,
}

/// A polygon's bounding box with its `(area, polygon, grid)` indices.
type PolygonBox = GeomWithData<Rectangle<[f64; 2]>, (usize, usize, usize)>;

/// Cells per side of the grid over a polygon's bounding box.
const CELLS: usize = 64;

/// What every point in one cell of a [`Grid`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    Inside,
    Outside,
    /// An edge of the polygon may touch the cell: its points take the exact test.
    Edge,
}

/// A grid over a polygon's bounding box that answers most point-in-polygon questions in
/// O(1): a cell that no edge touches is wholly inside or wholly outside, as its centre is.
#[derive(Clone, Debug)]
struct Grid {
    min: Coord<f64>,
    /// Width and height of a cell, degrees.
    step: Coord<f64>,
    cells: Vec<Cell>,
    /// Per row of cells, the polygon's edges whose heights meet the row's, with their ring
    /// (0 the exterior, then the holes), in ring order: the only edges the exact test of a
    /// point in that row looks at. Empty for a degenerate grid.
    rows: Vec<Vec<(usize, Line<f64>)>>,
}

impl Grid {
    fn new(poly: &Polygon<f64>) -> Self {
        let rings = || std::iter::once(poly.exterior()).chain(poly.interiors());
        let r = poly.bounding_rect();
        let (min, max) = r.map_or((Coord::zero(), Coord::zero()), |r| (r.min(), r.max()));
        let step = Coord {
            x: (max.x - min.x) / CELLS as f64,
            y: (max.y - min.y) / CELLS as f64,
        };
        let mut grid = Grid {
            min,
            step,
            cells: vec![Cell::Edge; CELLS * CELLS],
            rows: Vec::new(),
        };
        if !(step.x > 0.0 && step.y > 0.0) || rings().any(|r| r.0.len() < 2) {
            return grid; // degenerate: every point takes geo's exact test
        }
        // Every edge in each row its heights meet (by the cell a height falls in, as a point's
        // row is found: a point's row is among its edges' rows whenever the edge spans its
        // height).
        grid.rows = vec![Vec::new(); CELLS];
        for (ring, r) in rings().enumerate() {
            for line in r.lines() {
                let (_, j0) = grid.cell(line.start.x, line.start.y.min(line.end.y));
                let (_, j1) = grid.cell(line.start.x, line.start.y.max(line.end.y));
                for row in &mut grid.rows[j0..=j1] {
                    row.push((ring, line));
                }
            }
        }
        // Every cell an edge's box covers (the cells its points fall in among them).
        let mut edge = vec![false; CELLS * CELLS];
        for line in rings().flat_map(|r| r.lines()) {
            let (i0, j0) = grid.cell(line.start.x.min(line.end.x), line.start.y.min(line.end.y));
            let (i1, j1) = grid.cell(line.start.x.max(line.end.x), line.start.y.max(line.end.y));
            for j in j0..=j1 {
                edge[j * CELLS + i0..=j * CELLS + i1].fill(true);
            }
        }
        // The other cells by their centres, a row at a time: a centre is inside when an odd
        // number of edges cross its row to its left (no edge touches its cell, so no centre
        // lies on an edge).
        let mut crossings = Vec::new();
        for j in 0..CELLS {
            let y = min.y + (j as f64 + 0.5) * step.y;
            crossings.clear();
            crossings.extend(
                rings()
                    .flat_map(|r| r.lines())
                    .filter(|l| (l.start.y > y) != (l.end.y > y))
                    .map(|l| {
                        l.start.x + (y - l.start.y) * (l.end.x - l.start.x) / (l.end.y - l.start.y)
                    }),
            );
            for i in 0..CELLS {
                if !edge[j * CELLS + i] {
                    let x = min.x + (i as f64 + 0.5) * step.x;
                    let left = crossings.iter().filter(|&&c| c < x).count();
                    grid.cells[j * CELLS + i] = if left % 2 == 1 {
                        Cell::Inside
                    } else {
                        Cell::Outside
                    };
                }
            }
        }
        grid
    }

    /// The cell `(column, row)` a point falls in (clamped to the grid; a zero step gives
    /// an infinite or undefined ratio, which the cast saturates into the grid too).
    fn cell(&self, x: f64, y: f64) -> (usize, usize) {
        let at = |v: f64, min: f64, step: f64| (((v - min) / step) as usize).min(CELLS - 1);
        (
            at(x, self.min.x, self.step.x),
            at(y, self.min.y, self.step.y),
        )
    }

    /// Whether `p` is inside `poly` (the polygon the grid was made for). A degenerate grid
    /// is all [`Cell::Edge`], so every point takes the exact test there.
    fn contains(&self, poly: &Polygon<f64>, p: &Point<f64>) -> bool {
        let (i, j) = self.cell(p.x(), p.y());
        match self.cells[j * CELLS + i] {
            Cell::Inside => true,
            Cell::Outside => false,
            Cell::Edge if self.rows.is_empty() => poly.contains(p),
            Cell::Edge => Grid::exact(&self.rows[j], p.0),
        }
    }

    /// geo's `Polygon::contains` of `p`, from `edges` (the edges of `p`'s row, by ring): each
    /// ring's winding number about `p` (an edge counts at its lower end, not at its upper one,
    /// and a level edge not at all), with geo's robust orientation test; a point on a ring is
    /// not contained, nor one inside a hole. An edge away from `p`'s height adds nothing, so
    /// those of other rows are not needed.
    fn exact(edges: &[(usize, Line<f64>)], p: Coord<f64>) -> bool {
        let mut ring_edges = edges.chunk_by(|a, b| a.0 == b.0).peekable();
        // Some(winding number) of the ring, or None when `p` lies on it.
        let winding = |ring: &[(usize, Line<f64>)]| {
            let mut winding = 0;
            for &(_, Line { start: a, end: b }) in ring {
                let turn = || RobustKernel::orient2d(a, b, p);
                let on = |turn| {
                    turn == Orientation::Collinear && (a.x.min(b.x)..=a.x.max(b.x)).contains(&p.x)
                };
                if a.y <= p.y && p.y <= b.y {
                    match turn() {
                        Orientation::CounterClockwise if b.y != p.y => winding += 1,
                        t if on(t) => return None,
                        _ => {}
                    }
                } else if b.y <= p.y && p.y < a.y {
                    match turn() {
                        Orientation::Clockwise => winding -= 1,
                        t if on(t) => return None,
                        _ => {}
                    }
                }
            }
            Some(winding)
        };
        // Inside the exterior (ring 0), then outside and off every hole.
        match ring_edges.next_if(|r| r[0].0 == 0).map(winding) {
            Some(Some(w)) if w != 0 => {}
            _ => return false,
        }
        ring_edges.all(|hole| winding(hole) == Some(0))
    }
}

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
        let (mut boxes, mut grids) = (Vec::new(), Vec::new());
        for (a, area) in areas.iter().enumerate() {
            for (k, poly) in area.shape.0.iter().enumerate() {
                if let Some(r) = poly.bounding_rect() {
                    let rect =
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                    boxes.push(GeomWithData::new(rect, (a, k, grids.len())));
                    grids.push(OnceLock::new());
                }
            }
        }
        ServiceAreas {
            areas,
            index: RTree::bulk_load(boxes),
            grids,
        }
    }

    /// Makes every polygon's grid now, for a long-running service: its lookups then take the
    /// same time from the first, and which grids exist no longer depends on where earlier
    /// requests' points were.
    pub fn warm(&self) {
        for b in self.index.iter() {
            let (a, k, g) = b.data;
            self.grids[g].get_or_init(|| Grid::new(&self.areas[a].shape.0[k]));
        }
    }

    /// The name of the area containing `loc`, if any (the first in lookup order).
    pub fn area_of(&self, loc: Location) -> Option<&str> {
        let p = Point::new(loc.lon, loc.lat);
        // The polygons whose boxes hold the point, in lookup order: the first that holds it
        // decides, and the rest need no test.
        let mut boxes: Vec<(usize, usize, usize)> = self
            .index
            .locate_all_at_point(&[loc.lon, loc.lat])
            .map(|g| g.data)
            .collect();
        boxes.sort_unstable();
        boxes
            .into_iter()
            .find(|&(a, k, g)| {
                let poly = &self.areas[a].shape.0[k];
                self.grids[g]
                    .get_or_init(|| Grid::new(poly))
                    .contains(poly, &p)
            })
            .map(|(a, ..)| self.areas[a].name.as_str())
    }

    /// The area called `name` (case-insensitive), with its canonical name.
    pub fn find(&self, name: &str) -> Option<&ServiceArea> {
        self.areas
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In every cell of every shipped polygon's grid, a few points anywhere in the cell (and
    /// on its corner) get the exact test's answer.
    #[test]
    fn grids_agree_with_the_exact_test() {
        let areas = crate::Region::western_gta().areas;
        let mut unit = crate::tests::uniform(0x9e37_79b9_7f4a_7c15);
        let (mut inside, mut decided, mut all, mut on_edges) = (0, 0, 0, 0);
        areas.warm();
        for b in areas.index.iter() {
            let (a, k, g) = b.data;
            let poly = &areas.areas[a].shape.0[k];
            let grid = areas.grids[g].get().expect("warm makes every grid");
            for j in 0..CELLS {
                for i in 0..CELLS {
                    for corner in [true, false, false] {
                        let (dx, dy) = if corner { (0.0, 0.0) } else { (unit(), unit()) };
                        let p = Point::new(
                            grid.min.x + (i as f64 + dx) * grid.step.x,
                            grid.min.y + (j as f64 + dy) * grid.step.y,
                        );
                        let exact = poly.contains(&p);
                        assert_eq!(
                            grid.contains(poly, &p),
                            exact,
                            "{} at {p:?}",
                            areas.areas[a].name
                        );
                        inside += exact as usize;
                        decided += (grid.cells[j * CELLS + i] != Cell::Edge) as usize;
                        all += 1;
                    }
                }
            }
            // On the boundary and a hair off it: every vertex, every edge's middle, and each
            // nudged by a step of the last bit.
            let rings = std::iter::once(poly.exterior()).chain(poly.interiors());
            for line in rings.flat_map(|r| r.lines()) {
                let middle = (line.start + line.end) / 2.0;
                for c in [line.start, middle] {
                    for (dx, dy) in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)] {
                        let nudge = |v: f64, d: i32| match d {
                            1 => v.next_up(),
                            -1 => v.next_down(),
                            _ => v,
                        };
                        let p = Point::new(nudge(c.x, dx), nudge(c.y, dy));
                        assert_eq!(grid.contains(poly, &p), poly.contains(&p), "{p:?}");
                        on_edges += 1;
                    }
                }
            }
        }
        assert!(on_edges > 10_000, "{on_edges} points on and by the edges");
        // Both answers occur, and the grids decide most points without the exact test.
        assert!(inside > 0 && inside < all, "{inside} of {all} inside");
        assert!(decided * 2 > all, "{decided} of {all} decided by the grid");
    }

    /// A polygon with no height (or no width) gets a grid of edge cells only: every point
    /// takes the exact test, and none panics.
    #[test]
    fn degenerate_polygons_take_the_exact_test() {
        for ring in [
            vec![[0.0, 1.0], [2.0, 1.0], [1.0, 1.0], [0.0, 1.0]],
            vec![[3.0, 0.0], [3.0, 2.0], [3.0, 1.0], [3.0, 0.0]],
        ] {
            let poly = polygon(&[ring]);
            let grid = Grid::new(&poly);
            assert!(grid.cells.iter().all(|&c| c == Cell::Edge));
            for (x, y) in [(1.0, 1.0), (3.0, 1.0), (-5.0, 9.0), (f64::MAX, 0.0)] {
                let p = Point::new(x, y);
                assert_eq!(grid.contains(&poly, &p), poly.contains(&p), "{p:?}");
            }
        }
    }
}
