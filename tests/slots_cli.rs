//! `housecall slots` end to end (issue 10, item 3): every suggestion, booked as a confirmed
//! visit, is planned at its time and the plan passes `check`.

mod common;
use common::*;

const LIGHT_DAY: &str = "id,client,lat,lon,treatment,window,date\n\
    d1,A,43.7315,-79.7624,Swedish Massage,09:00-10:30,2026-12-01\n\
    d2,B,43.7172,-79.7190,Deep Tissue Massage,,2026-12-01\n\
    d3,C,43.6780,-79.8230,Geriatric Massage,13:00-15:00,2026-12-01\n\
    d4,D,43.6000,-79.6500,Cupping Therapy,,2026-12-01\n";

const REQUEST: &str = "id=N1,postal_code=L6P 2R1,treatment=Deep Tissue Massage,window=09:00-17:00";

#[test]
fn every_suggestion_booked_as_confirmed_is_planned_at_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let day = write(dir.path(), "day.csv", LIGHT_DAY);
    let doc = slots_json(&day, PRACTICE, REQUEST);
    let slots = doc["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 10, "{doc}");
    assert!(doc["none"].is_null());
    let mut last = (i64::MIN, i64::MIN);
    for slot in slots {
        let key = (
            slot["added_drive_s"].as_i64().unwrap(),
            slot["added_wait_s"].as_i64().unwrap(),
        );
        assert!(key >= last, "ranked by added drive, then wait");
        last = key;
        let start = slot["start"].as_str().unwrap();
        let therapist = slot["therapist"].as_str().unwrap();
        assert!(("09:00"..="17:00").contains(&start));
        // Book it: the same request as a confirmed visit.
        let booked = format!(
            "id,client,lat,lon,treatment,window,date,therapist,confirmed_start,postal_code\n{}\
             N1,New,,,Deep Tissue Massage,,2026-12-01,{therapist},{start},L6P 2R1\n",
            LIGHT_DAY
                .lines()
                .skip(1)
                .map(|l| format!("{l},,,\n"))
                .collect::<String>()
        );
        let path = write(dir.path(), "booked.csv", booked);
        let plan = plan_and_check(dir.path(), &path, PRACTICE, &[]);
        let visit = plan["routes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["therapist"] == therapist)
            .flat_map(|r| r["stops"].as_array().unwrap().iter())
            .find(|s| s["booking"] == "N1")
            .unwrap_or_else(|| panic!("N1 not planned with {therapist}: {plan}"));
        assert_eq!(visit["start"], start);
        assert_eq!(plan["unassigned"].as_array().unwrap().len(), 0);
    }
}

#[test]
fn the_table_and_the_reasons_when_nothing_fits() {
    let dir = tempfile::tempdir().unwrap();
    let day = write(dir.path(), "day.csv", LIGHT_DAY);
    let r = housecall(&[
        "slots",
        &day,
        "--therapists",
        PRACTICE,
        "--new",
        REQUEST,
        "--top",
        "3",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .starts_with("Slots for N1 (Deep Tissue Massage, 60 min)"));
    assert_eq!(r.stdout.lines().count(), 5, "{}", r.stdout);
    for (new, reason) in [
        ("postal_code=L6P 2R1,window=06:00-07:00", "no_window_fits"),
        (
            "postal_code=L6P 2R1,skills=hydrotherapy;flying",
            "missing_skill",
        ),
        ("lat=44.5,lon=-81.0", "outside_service_area"),
    ] {
        let doc = slots_json(&day, PRACTICE, new);
        assert_eq!(doc["none"]["reason"], reason, "{new}: {doc}");
        assert!(doc["slots"].as_array().unwrap().is_empty());
    }
}

#[test]
fn a_bad_request_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let day = write(dir.path(), "day.csv", LIGHT_DAY);
    for (new, expect) in [
        ("postal_code=ZZZ", "postal_code \"ZZZ\""),
        (
            "postal_code=L6P 2R1,window=25:00-26:00",
            "25:00 is not a time of day",
        ),
        ("garbage", "\"garbage\": expected key=value"),
        ("id=d1,postal_code=L6P 2R1", "already a booking"),
        ("postal_code=L6P 2R1,postal_code=L6P 2R2", "given twice"),
    ] {
        let r = housecall(&["slots", &day, "--therapists", PRACTICE, "--new", new]);
        assert_eq!(r.code, 2, "{new}: {}", r.stdout);
        assert!(r.stderr.contains("--new"), "{}", r.stderr);
        assert!(r.stderr.contains(expect), "{new}: {}", r.stderr);
    }
    let r = housecall(&[
        "slots",
        &day,
        "--therapists",
        PRACTICE,
        "--new",
        REQUEST,
        "--step",
        "0",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--step"), "{}", r.stderr);
}
