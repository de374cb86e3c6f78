//! The shipped region data loads and answers: service areas, postal codes, places.

use housecall_core::{great_circle_m, Location, Precision};
use housecall_region::Region;

#[test]
fn shipped_region_loads_every_table() {
    let r = Region::western_gta();
    assert!(r.gazetteer.postal_codes() > 90_000);
    let names: Vec<&str> = r.areas.areas.iter().map(|a| a.name.as_str()).collect();
    for n in [
        "Brampton",
        "Mississauga",
        "Toronto",
        "Etobicoke",
        "Oakville",
        "Milton",
        "Halton Hills",
        "Caledon",
        "Orangeville",
        "Guelph",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
}

#[test]
fn points_fall_in_their_municipality() {
    let r = Region::western_gta();
    let area = |lat, lon| r.areas.area_of(Location { lat, lon });
    assert_eq!(area(43.6856, -79.7600), Some("Brampton"));
    assert_eq!(area(43.5930, -79.6420), Some("Mississauga"));
    assert_eq!(
        area(43.6205, -79.5132),
        Some("Etobicoke"),
        "Etobicoke before Toronto"
    );
    assert_eq!(area(43.6450, -79.3810), Some("Toronto"));
    assert_eq!(area(43.5448, -80.2482), Some("Guelph"));
    assert_eq!(area(43.6497, -79.9236), Some("Halton Hills"), "Georgetown");
    assert_eq!(area(43.9199, -80.0943), Some("Orangeville"));
    assert_eq!(area(43.3255, -79.7990), None, "Burlington is not served");
    assert_eq!(area(43.2557, -79.8711), None, "Hamilton is not served");
}

#[test]
fn postal_codes_fsas_and_places_are_found_or_suggested() {
    let g = Region::western_gta().gazetteer;
    let (l, p) = g.postal_code("l6p 2r1").unwrap();
    assert_eq!(p, Precision::PostalCode);
    assert!(
        great_circle_m(
            l,
            Location {
                lat: 43.7711,
                lon: -79.6932
            }
        ) < 1.0
    );
    assert_eq!(g.postal_code("L6P2R1").unwrap().0, l);
    assert_eq!(g.postal_code("L6P").unwrap().1, Precision::Fsa);
    // A well-formed code not in the table is placed at its FSA's centre.
    assert_eq!(
        g.postal_code("L6P 2R3").unwrap(),
        g.postal_code("L6P").unwrap()
    );
    let e = g.postal_code("K1A 0B1").unwrap_err();
    assert!(e.contains("unknown forward sortation area K1A"), "{e}");
    assert!(g.postal_code("12345").unwrap_err().contains("L6P 2R3"));
    let erin = g.place("erin").unwrap();
    assert!(
        great_circle_m(
            erin,
            Location {
                lat: 43.7729,
                lon: -80.0644
            }
        ) < 100.0
    );
    let e = g.place("Glen Wiliams").unwrap_err();
    assert!(e.contains("Glen Williams"), "{e}");
}

/// Real codes whose GeoNames point is unreliable (issue 8): placed at their FSA, not rejected.
#[test]
fn codes_with_unreliable_points_are_placed_at_their_fsa() {
    let g = Region::western_gta().gazetteer;
    for code in ["L6R 0J5", "L9T 0J2", "L7E 5T1", "M9A 5C5", "L5N 8R4"] {
        let (at, precision) = g
            .postal_code(code)
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(precision, Precision::Fsa, "{code}");
        assert_eq!(at, g.postal_code(&code[..3]).unwrap().0, "{code}");
    }
}

/// The GeoNames postal-code table under `../shared`, or `None` (saying the test skips).
fn geonames_postal_codes() -> Option<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/geodata/postal/geonames_postal_codes_gta_west.csv"
    );
    let text = std::fs::read_to_string(path).ok();
    if text.is_none() {
        eprintln!("skipping: {path} not found (../shared is not beside the checkout)");
    }
    text
}

/// Every postal code of the GeoNames source resolves, suspect or not.
#[test]
fn every_source_postal_code_resolves() {
    let Some(text) = geonames_postal_codes() else {
        return;
    };
    let g = Region::western_gta().gazetteer;
    let mut failed = Vec::new();
    let mut n = 0;
    for line in text.lines().skip(1) {
        let code = line.split(',').next().unwrap_or_default();
        n += 1;
        if let Err(e) = g.postal_code(code) {
            failed.push(format!("{code}: {e}"));
        }
    }
    assert!(n > 90_000, "read {n} codes");
    assert!(
        failed.is_empty(),
        "{} of {n} codes fail, e.g. {:?}",
        failed.len(),
        &failed[..failed.len().min(5)]
    );
}

/// The service area a GeoNames place name belongs to (Toronto's former boroughs are Toronto;
/// Etobicoke is its own area), for the places of served municipalities.
fn municipality_of(place: &str) -> Option<&'static [&'static str]> {
    Some(match place {
        "Toronto" | "North York" | "Scarborough" | "York" | "East York" => {
            &["Toronto", "Etobicoke"]
        }
        "Etobicoke" => &["Etobicoke"],
        "Mississauga" => &["Mississauga"],
        "Brampton" => &["Brampton"],
        "Oakville" => &["Oakville"],
        "Milton" => &["Milton"],
        "Georgetown" | "Acton" | "Glen Williams" => &["Halton Hills"],
        "Bolton" | "Caledon" | "Caledon East" | "Caledon Village" | "Inglewood" | "Alton"
        | "Palgrave" | "Cheltenham" | "Belfountain" => &["Caledon"],
        "Orangeville" => &["Orangeville"],
        "Guelph" => &["Guelph"],
        _ => return None,
    })
}

/// Every GeoNames postal code (reliable point) of a served municipality lands in that
/// municipality's area, but for the few GeoNames places on the wrong side of a border; the
/// count is printed and bounded (issue 8).
#[test]
fn postal_codes_land_in_their_municipality() {
    let Some(text) = geonames_postal_codes() else {
        return;
    };
    let areas = Region::western_gta().areas;
    let mut total = 0;
    let mut misses: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut landed: std::collections::BTreeMap<String, usize> = Default::default();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (place, suspect) = (f[2], f[6]);
        let Some(expected) = municipality_of(place) else {
            continue;
        };
        if suspect != "0" {
            continue; // placed at its FSA, not at its own point
        }
        let at = Location {
            lat: f[4].parse().unwrap(),
            lon: f[5].parse().unwrap(),
        };
        total += 1;
        let e = misses.entry(place.to_string()).or_default();
        e.0 += 1;
        let got = areas.area_of(at);
        if !got.is_some_and(|a| expected.contains(&a)) {
            e.1 += 1;
            *landed
                .entry(format!("{place} -> {}", got.unwrap_or("none")))
                .or_default() += 1;
        }
    }
    let missed: usize = misses.values().map(|m| m.1).sum();
    for (place, (n, miss)) in &misses {
        if *miss > 0 {
            eprintln!("{place}: {miss} of {n} outside the area");
        }
    }
    eprintln!("{missed} of {total} postal codes outside their municipality's area: {landed:?}");
    assert!(total > 80_000, "{total}");
    assert_eq!(
        misses["Orangeville"].1, 0,
        "every Orangeville code is in its area"
    );
    assert!(
        missed * 200 <= total,
        "{missed} of {total} outside (more than 0.5 %)"
    );
}
