//! JSON problems (issue 10, item 5): `convert` writes one document from the two files,
//! planning it gives the same plan as the files, and a bad document is an error naming the
//! JSON path (exit 2).

mod common;
use common::*;

#[test]
fn converted_examples_plan_exactly_as_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("problem.json");
    let doc = doc.to_str().unwrap();
    for bookings in DAYS
        .iter()
        .chain(&["data/examples/busy-40.csv", "data/examples/week-60.csv"])
    {
        for team in [THERAPISTS, PRACTICE] {
            let r = housecall(&["convert", bookings, "--therapists", team, "--out", doc]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            let quick = ["--format", "json", "--iterations", "30"];
            let mut from_files = vec!["plan", bookings, "--therapists", team];
            from_files.extend(quick);
            let mut from_json = vec!["plan", doc, "--input", "json"];
            from_json.extend(quick);
            let (a, b) = (housecall(&from_files), housecall(&from_json));
            assert_eq!(a.code, 0, "{}", a.stderr);
            assert_eq!(b.code, 0, "{}", b.stderr);
            assert_eq!(a.stdout, b.stdout, "{bookings} with {team}");
            // And `check` takes the JSON problem too.
            let plan = write(dir.path(), "plan.json", &b.stdout);
            let c = housecall(&["check", doc, &plan, "--input", "json"]);
            assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
        }
    }
}

const TEAM: &str = r#""therapists": [{"id": "maya", "home": {"lat": 43.7521, "lon": -79.7349},
    "lunch": {"window": "11:30-14:00", "minutes": 30}, "skills": ["cupping"]}]"#;

#[test]
fn a_document_on_standard_input_with_its_options() {
    let doc = format!(
        r#"{{"bookings": [
            {{"id": "a", "client": "A", "postal_code": "L6P 2R1", "treatment": "Cupping Therapy",
              "window": ["09:00-10:00", "14:00-15:00"], "date": "2026-12-01", "skills": ["Cupping"]}},
            {{"id": "b", "lat": 43.70, "lon": -79.70, "duration_min": 45, "date": "2026-12-02",
              "priority": 50, "extra": {{"notes": "side door"}}}}
          ],
          {TEAM},
          "options": {{"date": "2026-12-01", "travel": "straight-line", "seed": 4}}}}"#
    );
    let r = housecall_with_stdin(&["plan", "-", "--input", "json", "--format", "json"], &doc);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    // The document's date is planned; b, for another day, is listed with its reason.
    assert_eq!(plan["routes"][0]["stops"][0]["booking"], "a");
    assert_eq!(plan["unassigned"][0]["booking"], "b");
    assert_eq!(plan["unassigned"][0]["reason"], "other_date");
    // A flag takes precedence over the document's option.
    let r = housecall_with_stdin(
        &[
            "plan",
            "-",
            "--input",
            "json",
            "--format",
            "json",
            "--date",
            "2026-12-02",
        ],
        &doc,
    );
    let plan: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(plan["routes"][0]["stops"][0]["booking"], "b");
}

#[test]
fn a_bad_document_names_the_json_path() {
    let booking = r#"{"id": "a", "lat": 43.7, "lon": -79.7}"#;
    for (bookings, team, expect) in [
        (
            format!(
                r#"[{booking}, {{"id": "b", "lat": 43.7, "lon": -79.7, "window": "25:00-26:00"}}]"#
            ),
            TEAM.to_string(),
            r#"bookings[1].window "25:00-26:00" - 25:00 is not a time of day"#,
        ),
        (
            r#"[{"id": "a", "lat": 43.7, "lon": -79.7, "colour": "red"}]"#.into(),
            TEAM.into(),
            "bookings[0].colour - unknown field",
        ),
        (
            r#"[{"id": "a", "lat": true, "lon": -79.7}]"#.into(),
            TEAM.into(),
            "bookings[0].lat - expected text, a number or a list",
        ),
        (
            r#"[{"id": "a", "postal_code": "L6P 2R1", "window": ["09:00-10:00", 5]}]"#.into(),
            TEAM.into(),
            "bookings[0].window[1] - expected text",
        ),
        (
            format!("[{booking}, {booking}]"),
            TEAM.into(),
            "bookings[1].id \"a\" - duplicate id; already used by bookings[0]",
        ),
        (
            format!("[{booking}]"),
            r#""therapists": [{"id": "m", "home": {"lat": 43.7, "lon": -79.7}, "shift": "9-5"}]"#
                .into(),
            "therapists[0].shift \"9-5\"",
        ),
        (
            format!("[{booking}]"),
            r#""therapists": [{"id": "m", "home": {"lat": 43.7, "lon": -79.7}, "hair": "red"}]"#
                .into(),
            "therapists[0] - unknown field `hair`",
        ),
        (
            format!("[{booking}]"),
            r#""therapists": []"#.into(),
            "therapists - no therapist",
        ),
    ] {
        let doc = format!(r#"{{"bookings": {bookings}, {team}}}"#);
        let r = housecall_with_stdin(&["plan", "-", "--input", "json"], &doc);
        assert_eq!(r.code, 2, "{doc}: {}", r.stdout);
        assert!(r.stderr.contains(expect), "{doc}:\n{}", r.stderr);
    }
    for broken in [
        r#"{"bookings": ["#,
        r#"{"bookings": [], "therapists": [], "extra": 1}"#,
        "[]",
    ] {
        let r = housecall_with_stdin(&["plan", "-", "--input", "json"], broken);
        assert_eq!(r.code, 2, "{broken}");
        assert!(r.stderr.starts_with("error: -:"), "{}", r.stderr);
    }
}
