//! Maps (issue 12, item 5): the SVG renders (resvg) to a picture that is not blank, with each
//! stop's marker where its booking is; the GeoJSON parses (geojson) with a route per
//! therapist-day along the roads and a point per visit at its booking.

mod common;
use common::*;

/// The value of `attr="..."` in `tag`.
fn attr(tag: &str, attr: &str) -> Option<f64> {
    let at = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
    tag[at..].split('"').next()?.parse().ok()
}

/// Bookings of an example file: id -> (lat, lon).
fn places(file: &str) -> std::collections::HashMap<String, (f64, f64)> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (id, lat, lon) = (col("id"), col("lat"), col("lon"));
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[id].to_string(),
                (r[lat].parse().unwrap(), r[lon].parse().unwrap()),
            )
        })
        .collect()
}

#[test]
fn the_svg_renders_with_the_stops_where_they_are() {
    let day = "data/examples/brampton-mississauga.csv";
    let r = housecall(&["plan", day, "--therapists", PRACTICE, "--format", "svg"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let svg = r.stdout;
    let root = &svg[svg.find("<svg").unwrap()..];
    let root = &root[..root.find('>').unwrap()];
    let (lon0, lat1, scale, cos) = (
        attr(root, "data-lon0").unwrap(),
        attr(root, "data-lat1").unwrap(),
        attr(root, "data-scale").unwrap(),
        attr(root, "data-cos").unwrap(),
    );
    let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).unwrap();
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    // Not blank: a good share of the picture is drawn on.
    let drawn = pixmap
        .pixels()
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) != (255, 255, 255))
        .count();
    assert!(drawn > pixmap.pixels().len() / 5, "{drawn} pixels drawn");
    // Every visit has a marker at its booking's place, in a route colour.
    let places = places(day);
    let mut stops = 0;
    for part in svg.split("<g class=\"stop\"").skip(1) {
        let booking = part
            .split("data-booking=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let circle = &part[part.find("<circle").unwrap()..];
        let circle = &circle[..circle.find('>').unwrap()];
        let (cx, cy) = (attr(circle, "cx").unwrap(), attr(circle, "cy").unwrap());
        let (lat, lon) = places[booking];
        let (x, y) = ((lon - lon0) * cos * scale, (lat1 - lat) * scale);
        assert!(
            (x - cx).abs() < 0.5 && (y - cy).abs() < 0.5,
            "{booking}: ({cx}, {cy}) vs ({x}, {y})"
        );
        // The rendered pixel just inside the marker's rim is strongly coloured.
        let p = pixmap.pixel((cx + 6.0) as u32, cy as u32).unwrap();
        let (r, g, b) = (p.red() as i32, p.green() as i32, p.blue() as i32);
        assert!(
            r.max(g).max(b) - r.min(g).min(b) > 80,
            "{booking}: {:?}",
            (r, g, b)
        );
        stops += 1;
    }
    assert_eq!(stops, 10, "every visit of the day has a marker");
    assert!(svg.contains("class=\"session\""), "a timeline");
}

#[test]
fn the_geojson_parses_with_routes_along_the_roads() {
    let day = "data/examples/brampton-mississauga.csv";
    let r = housecall(&["plan", day, "--therapists", PRACTICE, "--format", "geojson"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let gj: geojson::GeoJson = r.stdout.parse().unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!("a FeatureCollection");
    };
    let kind = |f: &geojson::Feature| {
        f.property("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("")
            .to_string()
    };
    let routes: Vec<_> = fc.features.iter().filter(|f| kind(f) == "route").collect();
    let stops: Vec<_> = fc.features.iter().filter(|f| kind(f) == "stop").collect();
    assert_eq!(routes.len(), 2);
    assert_eq!(stops.len(), 10);
    let places = places(day);
    for s in &stops {
        let id = s.property("booking").unwrap().as_str().unwrap();
        let Some(geojson::Value::Point(p)) = s.geometry.as_ref().map(|g| &g.value) else {
            panic!("a point");
        };
        assert_eq!((p[1], p[0]), places[id]);
    }
    for route in routes {
        let Some(geojson::Value::LineString(line)) = route.geometry.as_ref().map(|g| &g.value)
        else {
            panic!("a line");
        };
        // Along the roads: more points than the places it links (home, visits, home).
        let visits = stops
            .iter()
            .filter(|s| s.property("therapist") == route.property("therapist"))
            .count();
        assert!(
            line.len() > visits + 2,
            "{} points for {visits} visits",
            line.len()
        );
    }
    // Without the road model the drives are straight.
    let r = housecall(&[
        "plan",
        day,
        "--therapists",
        PRACTICE,
        "--format",
        "geojson",
        "--travel",
        "straight-line",
    ]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.parse::<geojson::GeoJson>().is_ok());
}
