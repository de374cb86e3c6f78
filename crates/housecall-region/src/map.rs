//! Maps of a plan: a self-contained SVG picture (service areas, main roads, each route along
//! the road graph with numbered stops, and a timeline per therapist-day) and the same geometry
//! as GeoJSON for QGIS or geojson.io. Stops are labelled by booking id, never by name.

use crate::{Region, RoadModel};
use housecall_core::{BreakPlace, Itinerary, Location, Plan, Problem, Seconds, Stop};
use serde_json::json;
use std::collections::HashMap;
use svg::node::element::path::Data;
use svg::node::element::{Circle, Group, Line, Path, Polyline, Rectangle, Text};
use svg::Document;

/// Route colours, one per therapist-day in turn.
const COLOURS: [&str; 8] = [
    "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];

/// The width of the picture, pixels.
const WIDTH: f64 = 1000.0;

/// How the map part of the picture places a point: an equirectangular projection fitted to
/// the plan's places with a margin. Its parameters are written on the SVG root
/// (`data-lon0`, `data-lat1`, `data-scale`, `data-cos`) so that a reader can place points too.
#[derive(Clone, Copy, Debug)]
pub struct MapView {
    lon0: f64,
    lat1: f64,
    cos: f64,
    scale: f64,
    /// Height of the map part, pixels.
    pub height: f64,
}

impl MapView {
    /// Fits `points` into a map 1,000 pixels wide (at most 700 high), with a margin.
    pub fn fit(points: &[Location]) -> MapView {
        let (mut a, mut b) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
        for p in points {
            a = (a.0.min(p.lon), a.1.min(p.lat));
            b = (b.0.max(p.lon), b.1.max(p.lat));
        }
        if points.is_empty() {
            (a, b) = ((-80.0, 43.5), (-79.5, 43.9));
        }
        let cos = ((a.1 + b.1) / 2.0).to_radians().cos();
        // At least about 5 km across, and a tenth more on each side.
        let (w, h) = (((b.0 - a.0) * cos).max(0.06), (b.1 - a.1).max(0.04));
        let (mx, my) = (w * 0.1, h * 0.1);
        let scale = (WIDTH / (w + 2.0 * mx)).min(700.0 / (h + 2.0 * my));
        MapView {
            lon0: a.0 - mx / cos,
            lat1: b.1 + my,
            cos,
            scale,
            height: ((h + 2.0 * my) * scale).ceil(),
        }
    }

    /// Pixel coordinates of `l` (x to the right, y down).
    pub fn project(&self, l: Location) -> (f64, f64) {
        (
            (l.lon - self.lon0) * self.cos * self.scale,
            (self.lat1 - l.lat) * self.scale,
        )
    }
}

/// Each itinerary's way through the day: the places in order (start, visits, end) and the
/// points of each drive between them, along the road graph when `roads` is given (leaving at
/// the planned time), straight otherwise.
pub fn route_lines(
    problem: &Problem,
    plan: &Plan,
    roads: Option<&RoadModel>,
) -> Vec<Vec<Location>> {
    plan.itineraries
        .iter()
        .map(|it| {
            let legs = legs(problem, it);
            let mut line: Vec<Location> = Vec::new();
            for (from, to, depart) in legs {
                let path = match roads {
                    Some(m) => m.path(from, to, depart),
                    None => vec![from, to],
                };
                for p in path {
                    if line.last() != Some(&p) {
                        line.push(p);
                    }
                }
            }
            line
        })
        .collect()
}

/// The drives of an itinerary: (from, to, departure).
fn legs(problem: &Problem, it: &Itinerary) -> Vec<(Location, Location, Seconds)> {
    let Some(t) = problem
        .therapist_index(&it.therapist)
        .map(|i| &problem.therapists[i])
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut at, mut depart) = (t.start, it.leave);
    for v in it.visits() {
        if let Some(b) = problem.booking_index(&v.booking) {
            let to = problem.bookings[b].location;
            out.push((at, to, depart));
            at = to;
        }
        depart = v.departure;
    }
    out.push((at, t.end, depart));
    out
}

/// The plan's geometry as a GeoJSON FeatureCollection: per itinerary a `route` LineString
/// (along the roads) with therapist, date, driving seconds and metres; per visit a `stop`
/// Point with booking id, order and times (`HH:MM` and seconds); per therapist-day a `home`
/// Point.
pub fn plan_geojson(problem: &Problem, plan: &Plan, roads: Option<&RoadModel>) -> String {
    let lines = route_lines(problem, plan, roads);
    let mut features = Vec::new();
    let point = |l: Location| geojson::Value::Point(vec![l.lon, l.lat]);
    let feature = |g: geojson::Value, props: serde_json::Value| geojson::Feature {
        bbox: None,
        geometry: Some(geojson::Geometry::new(g)),
        id: None,
        properties: props.as_object().cloned(),
        foreign_members: None,
    };
    for (it, line) in plan.itineraries.iter().zip(&lines) {
        let date = it.date.map(|d| d.to_string());
        features.push(feature(
            geojson::Value::LineString(line.iter().map(|l| vec![l.lon, l.lat]).collect()),
            json!({"kind": "route", "therapist": it.therapist, "date": date,
                   "drive_s": it.drive_time().0, "drive_m": it.drive_distance().0}),
        ));
        if let Some(t) = problem.therapist_index(&it.therapist) {
            features.push(feature(
                point(problem.therapists[t].start),
                json!({"kind": "home", "therapist": it.therapist, "date": date,
                       "leave": it.leave.to_string(), "back": it.back.to_string()}),
            ));
        }
        for (k, v) in it.visits().enumerate() {
            let Some(b) = problem.booking_index(&v.booking) else {
                continue;
            };
            features.push(feature(
                point(problem.bookings[b].location),
                json!({"kind": "stop", "therapist": it.therapist, "date": date,
                       "order": k + 1, "booking": v.booking,
                       "arrival": v.arrival.to_string(), "start": v.start.to_string(),
                       "end": v.end.to_string(), "start_s": v.start.0, "end_s": v.end.0}),
            ));
        }
    }
    geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
    .to_string()
        + "\n"
}

/// The plan as a self-contained SVG picture: the service areas of `region` and its main
/// roads, each route along the roads with numbered stops (booking ids in the tooltips), and
/// under the map a timeline per therapist-day (drive, wait, set-up and pack-up, session,
/// lunch) from 07:00 to 20:00.
pub fn plan_svg(
    region: &Region,
    problem: &Problem,
    plan: &Plan,
    roads: Option<&RoadModel>,
) -> String {
    let lines = route_lines(problem, plan, roads);
    let all: Vec<Location> = lines.iter().flatten().copied().collect();
    let view = MapView::fit(&all);
    let rows = plan.itineraries.len() as f64;
    let timeline_top = view.height + 20.0;
    let height = timeline_top + 40.0 + 28.0 * rows + 30.0;
    let mut doc = Document::new()
        .set("xmlns", "http://www.w3.org/2000/svg")
        .set("viewBox", (0, 0, WIDTH, height))
        .set("width", WIDTH)
        .set("height", height)
        .set("data-lon0", view.lon0)
        .set("data-lat1", view.lat1)
        .set("data-scale", view.scale)
        .set("data-cos", view.cos)
        .set("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif")
        .add(
            Rectangle::new()
                .set("width", WIDTH)
                .set("height", height)
                .set("fill", "#ffffff"),
        );
    let pt = |l: Location| {
        let (x, y) = view.project(l);
        format!("{x:.1},{y:.1}")
    };
    // Service areas, clipped to the map by the viewport of a nested group.
    let mut areas = Group::new().set("id", "areas");
    for area in &region.areas.areas {
        let mut data = Data::new();
        for poly in &area.shape.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for (i, c) in ring.0.iter().enumerate() {
                    let (x, y) = view.project(Location { lat: c.y, lon: c.x });
                    data = if i == 0 {
                        data.move_to((x, y))
                    } else {
                        data.line_to((x, y))
                    };
                }
                data = data.close();
            }
        }
        areas = areas.add(
            Path::new()
                .set("d", data)
                .set("fill", "#f4f1e8")
                .set("fill-rule", "evenodd")
                .set("stroke", "#b9b3a3")
                .set("stroke-width", 1),
        );
        if let Some(c) = area_label_at(area, &view) {
            areas = areas.add(
                Text::new(area.name.as_str())
                    .set("x", c.0)
                    .set("y", c.1)
                    .set("font-size", 13)
                    .set("fill", "#8a8373")
                    .set("text-anchor", "middle"),
            );
        }
    }
    // Main roads.
    let graph = roads.map_or(&region.roads, |m| m.graph());
    let nodes: HashMap<&str, Location> = graph
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.location()))
        .collect();
    let mut road_group = Group::new()
        .set("id", "roads")
        .set("stroke-linecap", "round");
    for e in &graph.edges {
        let (Some(&a), Some(&b)) = (nodes.get(e.from.as_str()), nodes.get(e.to.as_str())) else {
            continue;
        };
        let (x1, y1) = view.project(a);
        let (x2, y2) = view.project(b);
        let major = e.class.starts_with("freeway") || e.class == "expressway";
        road_group = road_group.add(
            Line::new()
                .set("x1", x1)
                .set("y1", y1)
                .set("x2", x2)
                .set("y2", y2)
                .set("stroke", if major { "#e0b04a" } else { "#c8c8c8" })
                .set("stroke-width", if major { 3.0 } else { 1.5 }),
        );
    }
    let map = Group::new()
        .set("clip-path", "url(#map)")
        .add(areas)
        .add(road_group);
    doc = doc
        .add(
            svg::node::element::Definitions::new().add(
                svg::node::element::ClipPath::new().set("id", "map").add(
                    Rectangle::new()
                        .set("width", WIDTH)
                        .set("height", view.height),
                ),
            ),
        )
        .add(map);
    // Routes and stops.
    for (k, (it, line)) in plan.itineraries.iter().zip(&lines).enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let points: Vec<String> = line.iter().map(|&l| pt(l)).collect();
        doc = doc.add(
            Polyline::new()
                .set("points", points.join(" "))
                .set("fill", "none")
                .set("stroke", colour)
                .set("stroke-width", 3)
                .set("stroke-opacity", 0.8)
                .set("stroke-linejoin", "round"),
        );
        if let Some(t) = problem.therapist_index(&it.therapist) {
            let (x, y) = view.project(problem.therapists[t].start);
            doc = doc.add(
                Rectangle::new()
                    .set("x", x - 7.0)
                    .set("y", y - 7.0)
                    .set("width", 14)
                    .set("height", 14)
                    .set("fill", "#333333")
                    .set("stroke", colour)
                    .set("stroke-width", 2)
                    .set("class", "home"),
            );
        }
        for (n, v) in it.visits().enumerate() {
            let Some(b) = problem.booking_index(&v.booking) else {
                continue;
            };
            let (x, y) = view.project(problem.bookings[b].location);
            doc = doc.add(
                Group::new()
                    .set("class", "stop")
                    .set("data-booking", v.booking.as_str())
                    .add(svg::node::element::Title::new(format!(
                        "{} {}-{} ({})",
                        v.booking, v.start, v.end, it.therapist
                    )))
                    .add(
                        Circle::new()
                            .set("cx", x)
                            .set("cy", y)
                            .set("r", 10)
                            .set("fill", colour)
                            .set("stroke", "#ffffff")
                            .set("stroke-width", 2),
                    )
                    .add(
                        Text::new((n + 1).to_string())
                            .set("x", x)
                            .set("y", y + 4.0)
                            .set("font-size", 11)
                            .set("font-weight", "bold")
                            .set("fill", "#ffffff")
                            .set("text-anchor", "middle"),
                    ),
            );
        }
    }
    doc = timeline(doc, problem, plan, timeline_top);
    doc.to_string() + "\n"
}

/// Where to write an area's name: the centre of its box, when inside the map.
fn area_label_at(area: &crate::areas::ServiceArea, view: &MapView) -> Option<(f64, f64)> {
    use geo::BoundingRect;
    let r = area.shape.bounding_rect()?;
    let c = r.center();
    let (x, y) = view.project(Location { lat: c.y, lon: c.x });
    ((20.0..WIDTH - 20.0).contains(&x) && (20.0..view.height - 10.0).contains(&y)).then_some((x, y))
}

/// The timeline: a row per itinerary from 07:00 to 20:00, with a legend.
fn timeline(mut doc: Document, problem: &Problem, plan: &Plan, top: f64) -> Document {
    let (left, right) = (170.0, WIDTH - 20.0);
    let (from, to) = (7 * 3600, 20 * 3600);
    let x = |t: Seconds| {
        left + (t.0.clamp(from, to) - from) as f64 / (to - from) as f64 * (right - left)
    };
    for h in (7..=20).step_by(1) {
        let hx = x(Seconds::hm(h, 0));
        doc = doc
            .add(
                Line::new()
                    .set("x1", hx)
                    .set("x2", hx)
                    .set("y1", top + 18.0)
                    .set("y2", top + 30.0 + 28.0 * plan.itineraries.len() as f64)
                    .set("stroke", "#e4e4e4"),
            )
            .add(
                Text::new(format!("{h:02}"))
                    .set("x", hx)
                    .set("y", top + 12.0)
                    .set("font-size", 11)
                    .set("fill", "#777777")
                    .set("text-anchor", "middle"),
            );
    }
    for (k, it) in plan.itineraries.iter().enumerate() {
        let y = top + 22.0 + 28.0 * k as f64;
        let colour = COLOURS[k % COLOURS.len()];
        let label = match it.date {
            Some(d) => format!("{} {}", it.therapist, d.format("%a %d %b")),
            None => it.therapist.clone(),
        };
        doc = doc.add(
            Text::new(label)
                .set("x", 10)
                .set("y", y + 14.0)
                .set("font-size", 12)
                .set("fill", colour),
        );
        let bar = |doc: Document, a: Seconds, b: Seconds, fill: &str, what: &str| {
            if b <= a {
                return doc;
            }
            doc.add(
                Rectangle::new()
                    .set("x", x(a))
                    .set("y", y)
                    .set("width", (x(b) - x(a)).max(0.5))
                    .set("height", 18)
                    .set("fill", fill)
                    .set("class", what),
            )
        };
        let t = problem
            .therapist_index(&it.therapist)
            .map(|i| &problem.therapists[i]);
        let mut prev = it.leave;
        for stop in &it.stops {
            match stop {
                Stop::Visit(v) => {
                    let setup = match (t, problem.booking_index(&v.booking)) {
                        (Some(t), Some(b)) => problem.bookings[b].setup_for(t),
                        _ => Seconds(0),
                    };
                    let packup = t.map_or(Seconds(0), |t| t.packup);
                    doc = bar(doc, prev, v.arrival, "#8c8c8c", "drive");
                    doc = bar(doc, v.arrival, v.start - setup, "#f2d680", "wait");
                    doc = bar(doc, v.start - setup, v.start, "#a9cbe8", "setup");
                    doc = bar(doc, v.start, v.end, colour, "session");
                    doc = bar(doc, v.end, v.end + packup, "#a9cbe8", "packup");
                    prev = v.departure;
                }
                Stop::Break(b) if b.place == BreakPlace::Start => prev = prev.max(b.end),
                Stop::Break(_) => {}
            }
        }
        doc = bar(
            doc,
            it.back - it.return_drive_time,
            it.back,
            "#8c8c8c",
            "drive",
        );
        // Lunch last: at a door it falls inside the time from arrival to set-up.
        if let Some(b) = it.lunch() {
            doc = bar(doc, b.start, b.end, "#7bc67b", "lunch");
        }
    }
    let legend_y = top + 30.0 + 28.0 * plan.itineraries.len() as f64 + 12.0;
    let mut lx = left;
    for (name, fill) in [
        ("drive", "#8c8c8c"),
        ("wait", "#f2d680"),
        ("set-up / pack-up", "#a9cbe8"),
        ("session", COLOURS[0]),
        ("lunch", "#7bc67b"),
    ] {
        doc = doc
            .add(
                Rectangle::new()
                    .set("x", lx)
                    .set("y", legend_y - 10.0)
                    .set("width", 12)
                    .set("height", 12)
                    .set("fill", fill),
            )
            .add(
                Text::new(name)
                    .set("x", lx + 16.0)
                    .set("y", legend_y)
                    .set("font-size", 11)
                    .set("fill", "#555555"),
            );
        lx += 30.0 + 7.0 * name.len() as f64;
    }
    doc
}
