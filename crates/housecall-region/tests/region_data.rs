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
    let e = g.postal_code("L6P 2R3").unwrap_err();
    assert!(e.contains("near matches: L6P 2R"), "{e}");
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
