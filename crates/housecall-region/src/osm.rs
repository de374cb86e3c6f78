//! Building a road graph from an OpenStreetMap extract (`.osm.pbf`).
//!
//! Roads from `motorway` to `residential` (with their `_link`s, `unclassified` and
//! `living_street`) are kept. Graph nodes are the road nodes where ways meet or end; the
//! points in between only add length. Speeds are `maxspeed` where tagged (km/h, mph, or
//! `XX:urban`/`XX:rural`), class defaults elsewhere; `oneway`, `junction=roundabout` and
//! motorways make one-way edges. The result is written as a region directory that
//! `--region` reads.

use crate::roads::{RoadEdge, RoadGraph, RoadNode};
use crate::RegionError;
use housecall_core::{great_circle_m, Location};
use osmpbf::{Element, ElementReader};
use std::collections::HashMap;
use std::path::Path;

/// Road class and default speed (km/h) of an OSM `highway` value, or `None` when it is not
/// a road for cars.
fn class_of(highway: &str) -> Option<(&'static str, f64)> {
    Some(match highway {
        "motorway" => ("freeway", 100.0),
        "trunk" => ("freeway", 80.0),
        "motorway_link" | "trunk_link" => ("freeway", 50.0),
        "primary" => ("arterial", 60.0),
        "secondary" => ("arterial", 50.0),
        "primary_link" | "secondary_link" => ("arterial", 40.0),
        "tertiary" | "tertiary_link" => ("arterial", 40.0),
        "unclassified" => ("local", 40.0),
        "residential" => ("local", 30.0),
        "living_street" => ("local", 10.0),
        _ => return None,
    })
}

/// A `maxspeed` value in km/h, if it can be read.
fn maxspeed(v: &str) -> Option<f64> {
    let v = v.trim();
    if let Some(mph) = v.strip_suffix("mph") {
        return mph.trim().parse::<f64>().ok().map(|m| m * 1.609_344);
    }
    if let Some((_, kind)) = v.split_once(':') {
        return match kind {
            "urban" => Some(50.0),
            "rural" => Some(80.0),
            "motorway" => Some(120.0),
            "living_street" => Some(20.0),
            _ => None,
        };
    }
    v.trim_end_matches("km/h")
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
}

struct Way {
    name: String,
    class: &'static str,
    kmh: f64,
    /// 1 forward only, -1 backward only, 0 both ways.
    oneway: i8,
    refs: Vec<i64>,
}

/// What an import found.
#[derive(Clone, Debug)]
pub struct ImportSummary {
    /// Graph nodes.
    pub nodes: usize,
    /// Graph edges (a two-way road is one edge).
    pub edges: usize,
    /// Nodes in the largest connected component.
    pub largest_component: usize,
    /// Edges whose speed came from `maxspeed`.
    pub with_maxspeed: usize,
}

/// Reads an OSM PBF extract into a road graph.
pub fn import_osm(path: &Path) -> Result<(RoadGraph, ImportSummary), RegionError> {
    let file = path.display().to_string();
    let err =
        |e: osmpbf::Error| RegionError::new(&file, format!("not a readable OSM PBF file: {e}"));
    let mut coords: HashMap<i64, (f64, f64)> = HashMap::new();
    let mut ways: Vec<Way> = Vec::new();
    ElementReader::from_path(path)
        .map_err(err)?
        .for_each(|el| match el {
            Element::Node(n) => {
                coords.insert(n.id(), (n.lat(), n.lon()));
            }
            Element::DenseNode(n) => {
                coords.insert(n.id(), (n.lat(), n.lon()));
            }
            Element::Way(w) => {
                let tags: HashMap<&str, &str> = w.tags().collect();
                let Some((class, default)) = tags.get("highway").and_then(|h| class_of(h)) else {
                    return;
                };
                let motorway = tags.get("highway") == Some(&"motorway");
                let oneway = match tags.get("oneway").copied() {
                    Some("yes" | "true" | "1") => 1,
                    Some("-1" | "reverse") => -1,
                    Some("no" | "false" | "0") => 0,
                    _ if motorway || tags.get("junction") == Some(&"roundabout") => 1,
                    _ => 0,
                };
                let kmh = tags.get("maxspeed").and_then(|v| maxspeed(v));
                ways.push(Way {
                    name: tags.get("name").unwrap_or(&"").to_string(),
                    class,
                    kmh: kmh.map_or(-default, |k| k), // negative marks a class default
                    oneway,
                    refs: w.refs().collect(),
                });
            }
            Element::Relation(_) => {}
        })
        .map_err(err)?;

    // Graph nodes: where ways end or meet.
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for w in &ways {
        for (i, r) in w.refs.iter().enumerate() {
            *uses.entry(*r).or_default() += if i == 0 || i + 1 == w.refs.len() {
                2
            } else {
                1
            };
        }
    }
    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut nodes: Vec<RoadNode> = Vec::new();
    let mut node = |id: i64, nodes: &mut Vec<RoadNode>| -> Option<usize> {
        let &(lat, lon) = coords.get(&id)?;
        Some(*index.entry(id).or_insert_with(|| {
            nodes.push(RoadNode {
                id: format!("n{id}"),
                name: String::new(),
                kind: "osm".into(),
                lat,
                lon,
            });
            nodes.len() - 1
        }))
    };
    let mut edges: Vec<RoadEdge> = Vec::new();
    let mut with_maxspeed = 0;
    for w in &ways {
        let (mut start, mut length, mut prev): (Option<usize>, f64, Option<Location>) =
            (None, 0.0, None);
        for (i, r) in w.refs.iter().enumerate() {
            let Some(&(lat, lon)) = coords.get(r) else {
                // A way leaving the extract: cut it here.
                (start, length, prev) = (None, 0.0, None);
                continue;
            };
            let here = Location { lat, lon };
            if let Some(p) = prev {
                length += great_circle_m(p, here);
            }
            prev = Some(here);
            let is_node = uses.get(r).copied().unwrap_or(0) >= 2 || i + 1 == w.refs.len();
            if !is_node && start.is_some() {
                continue;
            }
            let n = node(*r, &mut nodes).expect("coordinates are known");
            if let Some(s) = start.filter(|&s| s != n) {
                let (from, to) = if w.oneway < 0 { (n, s) } else { (s, n) };
                with_maxspeed += usize::from(w.kmh > 0.0);
                edges.push(RoadEdge {
                    from: nodes[from].id.clone(),
                    to: nodes[to].id.clone(),
                    road: w.name.clone(),
                    class: w.class.to_string(),
                    zone: "outer".into(),
                    length_m: length.round(),
                    speed_kmh: w.kmh.abs(),
                    oneway: u8::from(w.oneway != 0),
                });
            }
            (start, length) = (Some(n), 0.0);
        }
    }
    if nodes.is_empty() {
        return Err(RegionError::new(
            &file,
            "no roads for cars (highway=motorway ... residential) in this extract",
        ));
    }
    let graph = RoadGraph::new(nodes, edges, &file)?;
    let summary = ImportSummary {
        nodes: graph.nodes.len(),
        edges: graph.edges.len(),
        largest_component: graph.largest_component(),
        with_maxspeed,
    };
    Ok((graph, summary))
}

/// Writes a road graph as a region directory (`roads/nodes.csv`, `roads/edges.csv`, and a
/// README with the OpenStreetMap attribution).
pub fn write_region(graph: &RoadGraph, dir: &Path, source: &str) -> Result<(), RegionError> {
    let io = |p: &Path, e: std::io::Error| {
        RegionError::new(&p.display().to_string(), format!("cannot write: {e}"))
    };
    let roads = dir.join("roads");
    std::fs::create_dir_all(&roads).map_err(|e| io(&roads, e))?;
    let mut n = csv::Writer::from_writer(Vec::new());
    let _ = n.write_record(["id", "name", "kind", "lat", "lon"]);
    for x in &graph.nodes {
        let _ = n.write_record([
            x.id.as_str(),
            &x.name,
            &x.kind,
            &format!("{:.7}", x.lat),
            &format!("{:.7}", x.lon),
        ]);
    }
    let mut e = csv::Writer::from_writer(Vec::new());
    let _ = e.write_record([
        "from",
        "to",
        "road",
        "class",
        "zone",
        "length_m",
        "speed_kmh",
        "oneway",
    ]);
    for x in &graph.edges {
        let _ = e.write_record([
            x.from.as_str(),
            &x.to,
            &x.road,
            &x.class,
            &x.zone,
            &format!("{}", x.length_m),
            &format!("{:.1}", x.speed_kmh),
            &x.oneway.to_string(),
        ]);
    }
    let files = [
        (roads.join("nodes.csv"), n.into_inner().unwrap_or_default()),
        (roads.join("edges.csv"), e.into_inner().unwrap_or_default()),
        (
            dir.join("README.md"),
            format!(
                "# Region imported from {source}\n\nMade by `housecall region import-osm`. Road data \
                 © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright).\n"
            )
            .into_bytes(),
        ),
    ];
    for (p, bytes) in files {
        std::fs::write(&p, bytes).map_err(|e| io(&p, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxspeed_values_and_classes() {
        assert_eq!(maxspeed("50"), Some(50.0));
        assert_eq!(maxspeed("40 km/h"), Some(40.0));
        assert!((maxspeed("30 mph").unwrap() - 48.28).abs() < 0.01);
        assert_eq!(maxspeed("FI:urban"), Some(50.0));
        assert_eq!(maxspeed("none"), None);
        assert_eq!(class_of("footway"), None);
        assert_eq!(class_of("motorway").unwrap().0, "freeway");
    }
}
