//! Confirmed visits (issue 10, item 2): kept at their time, never dropped or traded for
//! another booking; those that cannot all be kept are `confirmed_conflict`, never `day_full`.

mod common;
use common::*;

const HEAD: &str = "id,client,lat,lon,treatment,window,date,priority,therapist,confirmed_start\n";

fn visits(doc: &serde_json::Value) -> Vec<(String, String)> {
    planned_visits(doc)
        .into_iter()
        .map(|v| (v.booking, v.start))
        .collect()
}

#[test]
fn a_confirmed_visit_keeps_its_time_and_outranks_required_bookings() {
    // The overbooked day cannot serve everything; confirm an extra visit at 14:20 and it is
    // kept there, at the cost of some required booking rather than itself.
    let dir = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string("data/examples/overbooked.csv").unwrap();
    let head = csv.lines().next().unwrap().to_string();
    let cols = head.split(',').count();
    let mut row = vec![""; cols];
    let col = |name: &str| head.split(',').position(|h| h == name).unwrap();
    row[col("id")] = "cf1";
    row[col("lat")] = "43.7000";
    row[col("lon")] = "-79.7000";
    row[col("treatment")] = "Swedish Massage";
    row[col("date")] = "2026-12-03";
    row[col("therapist")] = "maya";
    let line = format!("{},14:20\n", row.join(","));
    let rows: Vec<String> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{l},\n"))
        .collect();
    let body = format!("{head},confirmed_start\n{}{line}", rows.concat());
    let path = write(dir.path(), "day.csv", body);
    let doc = plan_and_check(dir.path(), &path, THERAPISTS, &[]);
    assert!(
        visits(&doc).contains(&("cf1".into(), "14:20".into())),
        "{:?}",
        visits(&doc)
    );
    assert!(unassigned_of(&doc).iter().all(|u| u.0 != "cf1"));
}

#[test]
fn confirmed_visits_that_clash_are_confirmed_conflict_never_day_full() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "{HEAD}c1,A,43.70,-79.70,Swedish Massage,,2026-12-01,,maya,10:00\n\
         c2,B,43.60,-79.60,Swedish Massage,,2026-12-01,,maya,10:30\n\
         c3,C,43.71,-79.71,Swedish Massage,,2026-12-01,,maya,13:00\n\
         r1,D,43.72,-79.72,Swedish Massage,09:00-16:00,2026-12-01,,,\n"
    );
    let path = write(dir.path(), "day.csv", csv);
    let doc = plan_and_check(dir.path(), &path, THERAPISTS, &[]);
    let v = visits(&doc);
    assert!(v.contains(&("c3".into(), "13:00".into())), "{v:?}");
    assert!(v.contains(&(
        "r1".into(),
        v.iter().find(|x| x.0 == "r1").unwrap().1.clone()
    )));
    let u = unassigned_of(&doc);
    assert_eq!(u.len(), 1, "{u:?}");
    let (id, reason, detail) = &u[0];
    assert!(id == "c1" || id == "c2");
    assert_eq!(reason, "confirmed_conflict");
    let other = if id == "c1" { "c2 at 10:" } else { "c1 at 10:" };
    assert!(detail.contains(other), "{detail}");
    // The one kept is at its confirmed time.
    let kept = v.iter().find(|x| x.0 == "c1" || x.0 == "c2").unwrap();
    assert_eq!(kept.1, if kept.0 == "c1" { "10:00" } else { "10:30" });
}

#[test]
fn a_confirmed_time_that_cannot_be_reached_is_a_conflict_with_numbers() {
    let dir = tempfile::tempdir().unwrap();
    // 08:35: leaving at 08:30 there is no time to drive and set up.
    let csv = format!("{HEAD}c1,A,43.55,-79.60,Swedish Massage,,2026-12-01,,maya,08:35\n");
    let path = write(dir.path(), "day.csv", csv);
    let doc = plan_and_check(dir.path(), &path, THERAPISTS, &[]);
    let u = unassigned_of(&doc);
    assert_eq!(u[0].1, "confirmed_conflict");
    assert!(u[0].2.contains("confirmed for 08:35"), "{}", u[0].2);
    assert!(u[0].2.contains("earliest start"), "{}", u[0].2);
}

#[test]
fn a_confirmed_visit_needs_a_therapist_and_a_time() {
    let dir = tempfile::tempdir().unwrap();
    for (row, expect) in [
        (
            "c1,A,43.70,-79.70,Swedish Massage,,2026-12-01,,,10:00",
            "without a therapist",
        ),
        (
            "c1,A,43.70,-79.70,Swedish Massage,,2026-12-01,,maya,25:00",
            "not a time of day",
        ),
    ] {
        let path = write(dir.path(), "bad.csv", format!("{HEAD}{row}\n"));
        let r = housecall(&["plan", &path, "--therapists", THERAPISTS]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("bad.csv:2:"), "{}", r.stderr);
        assert!(r.stderr.contains("confirmed_start"), "{}", r.stderr);
        assert!(r.stderr.contains(expect), "{}", r.stderr);
    }
}

#[test]
fn check_rejects_a_confirmed_visit_moved() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("{HEAD}c1,A,43.70,-79.70,Swedish Massage,,2026-12-01,,maya,10:00\n");
    let path = write(dir.path(), "day.csv", csv);
    plan_and_check(dir.path(), &path, THERAPISTS, &[]);
    // Confirm it for another time and check the same plan against that.
    let moved = write(
        dir.path(),
        "moved.csv",
        format!("{HEAD}c1,A,43.70,-79.70,Swedish Massage,,2026-12-01,,maya,11:00\n"),
    );
    let plan = dir.path().join("plan.json");
    let r = housecall(&[
        "check",
        &moved,
        plan.to_str().unwrap(),
        "--therapists",
        THERAPISTS,
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let out = r.stdout + &r.stderr;
    assert!(out.contains("confirmed_moved"), "{out}");
    assert!(
        out.contains("'c1' is confirmed for 11:00, planned at 10:00"),
        "{out}"
    );
}
