//! Bad input gets exit code 2 and a message naming the file, line, column and value, never
//! a panic. One test per case.

mod common;
use common::*;

const HEAD: &str = "id,client,lat,lon,treatment,duration_min,window\n";

/// Plans `csv` (written to a scratch file) and returns the error message, asserting exit 2.
fn plan_error(csv: impl AsRef<[u8]>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "bookings.csv", csv);
    let r = housecall(&["plan", &f, "--therapists", THERAPISTS]);
    assert_eq!(
        r.code, 2,
        "expected exit 2, got {}: {}{}",
        r.code, r.stdout, r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        r.stderr.contains("bookings.csv"),
        "the message names the file: {}",
        r.stderr
    );
    r.stderr
}

fn row(fields: &str) -> String {
    format!("{HEAD}{fields}\n")
}

#[test]
fn empty_file() {
    assert!(plan_error("").contains("the file is empty"));
}

#[test]
fn header_without_id() {
    let e = plan_error("client,lat,lon\nAnn,43.7,-79.7\n");
    assert!(
        e.contains("bookings.csv:1:") && e.contains("no `id` column"),
        "{e}"
    );
}

#[test]
fn row_without_id() {
    let e = plan_error(row(",Ann,43.7,-79.7,,,"));
    assert!(e.contains("bookings.csv:2:1: id \"\""), "{e}");
}

#[test]
fn duplicate_ids() {
    let e = plan_error(format!(
        "{HEAD}b1,Ann,43.7,-79.7,,,\nb1,Bob,43.6,-79.6,,,\n"
    ));
    assert!(
        e.contains("bookings.csv:3:1: id \"b1\"") && e.contains("already used on line 2"),
        "{e}"
    );
}

#[test]
fn hour_out_of_range() {
    let e = plan_error(row("b1,Ann,43.7,-79.7,,,25:00-26:00"));
    assert!(
        e.contains("bookings.csv:2:7: window \"25:00-26:00\"") && e.contains("HH:MM"),
        "{e}"
    );
}

#[test]
fn unparsable_time() {
    let e = plan_error(row("b1,Ann,43.7,-79.7,,,9am-11am"));
    assert!(e.contains("bookings.csv:2:7: window \"9am-11am\""), "{e}");
}

#[test]
fn window_ending_before_it_starts() {
    let e = plan_error(row("b1,Ann,43.7,-79.7,,,11:00-09:00"));
    assert!(
        e.contains(":2:7: window \"11:00-09:00\"") && e.contains("before it starts"),
        "{e}"
    );
}

#[test]
fn latitude_out_of_range() {
    let e = plan_error(row("b1,Ann,93.7,-79.7,,,"));
    assert!(
        e.contains(":2:3: lat \"93.7\"") && e.contains("-90 to 90"),
        "{e}"
    );
}

#[test]
fn longitude_not_a_number() {
    let e = plan_error(row("b1,Ann,43.7,west,,,"));
    assert!(e.contains(":2:4: lon \"west\""), "{e}");
}

#[test]
fn missing_coordinates() {
    let e = plan_error(row("b1,Ann,,-79.7,,,"));
    assert!(
        e.contains(":2:3: lat \"\"") && e.contains("required"),
        "{e}"
    );
}

#[test]
fn zero_minutes() {
    let e = plan_error(row("b1,Ann,43.7,-79.7,,0,"));
    assert!(
        e.contains(":2:6: duration_min \"0\"") && e.contains("whole minutes"),
        "{e}"
    );
}

#[test]
fn negative_minutes() {
    let e = plan_error(row("b1,Ann,43.7,-79.7,,-30,"));
    assert!(e.contains(":2:6: duration_min \"-30\""), "{e}");
}

#[test]
fn unknown_treatment_without_minutes() {
    let e = plan_error(row("b1,Ann,43.7,-79.7,Reiki,,"));
    assert!(
        e.contains(":2:5: treatment \"Reiki\"") && e.contains("Swedish Massage"),
        "{e}"
    );
}

#[test]
fn not_utf8() {
    let mut bytes = row("b1,Ann,43.7,-79.7,,,").into_bytes();
    bytes.extend_from_slice(b"b2,Ren\xe9e,43.7,-79.7,,,\n");
    let e = plan_error(bytes);
    assert!(e.contains("bookings.csv:3:") && e.contains("UTF-8"), "{e}");
}

#[test]
fn wrong_number_of_fields() {
    let e = plan_error(row("b1,Ann,43.7,-79.7,12 Main St, Brampton,,"));
    assert!(
        e.contains("bookings.csv:2:") && e.contains("8 fields but the header has 7"),
        "{e}"
    );
}

#[test]
fn bad_date_and_priority() {
    let e = plan_error("id,lat,lon,date\nb1,43.7,-79.7,2026-13-01\n");
    assert!(
        e.contains(":2:4: date \"2026-13-01\"") && e.contains("YYYY-MM-DD"),
        "{e}"
    );
    let e = plan_error("id,lat,lon,priority\nb1,43.7,-79.7,urgent\n");
    assert!(
        e.contains(":2:4: priority \"urgent\"") && e.contains("1 to 100"),
        "{e}"
    );
}

#[test]
fn unknown_postal_code_suggests_near_matches() {
    let e = plan_error("id,postal_code\nb1,L6P 2R3\n");
    assert!(
        e.contains("bookings.csv:2:2: postal_code \"L6P 2R3\"")
            && e.contains("near matches: L6P 2R"),
        "{e}"
    );
    let e = plan_error("id,postal_code\nb1,90210\n");
    assert!(
        e.contains("postal_code \"90210\"") && e.contains("like L6P 2R3"),
        "{e}"
    );
}

#[test]
fn unknown_place_suggests_near_matches() {
    let e = plan_error("id,place\nb1,Glen Wiliams\n");
    assert!(
        e.contains("bookings.csv:2:2: place \"Glen Wiliams\"") && e.contains("Glen Williams"),
        "{e}"
    );
}

#[test]
fn row_without_any_location() {
    let e = plan_error("id,lat,lon,place\nb1,,,\n");
    assert!(
        e.contains("bookings.csv:2:2: lat") && e.contains("no location"),
        "{e}"
    );
}

#[test]
fn therapist_file_with_an_unknown_area() {
    let dir = tempfile::tempdir().unwrap();
    let t = write(dir.path(), "team.toml", "[[therapist]]\nid = \"a\"\nhome = { lat = 43.7, lon = -79.7 }\nareas = [\"Brampton\", \"Hamilton\"]\n");
    let r = housecall(&["plan", DAYS[0], "--therapists", &t]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("team.toml")
            && r.stderr.contains("\"Hamilton\"")
            && r.stderr.contains("Mississauga"),
        "{}",
        r.stderr
    );
}

#[test]
fn therapist_file_with_an_unknown_key() {
    let dir = tempfile::tempdir().unwrap();
    let t = write(
        dir.path(),
        "team.toml",
        "[[therapist]]\nid = \"a\"\nhome = { lat = 43.7, lon = -79.7 }\nbreak_min = 30\n",
    );
    let r = housecall(&["plan", DAYS[0], "--therapists", &t]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("team.toml:4:1") && r.stderr.contains("unknown field `break_min`"),
        "{}",
        r.stderr
    );
}

#[test]
fn therapist_file_with_a_bad_shift_or_no_home() {
    let dir = tempfile::tempdir().unwrap();
    let t = write(
        dir.path(),
        "team.toml",
        "[[therapist]]\nid = \"a\"\nhome = { lat = 43.7, lon = -79.7 }\nshift = \"18:00-08:00\"\n",
    );
    let r = housecall(&["plan", DAYS[0], "--therapists", &t]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("team.toml:4:9: shift \"18:00-08:00\""),
        "{}",
        r.stderr
    );
    let t = write(dir.path(), "team.toml", "[[therapist]]\nid = \"a\"\n");
    let r = housecall(&["plan", DAYS[0], "--therapists", &t]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("team.toml") && r.stderr.contains("home"),
        "{}",
        r.stderr
    );
}

#[test]
fn plan_without_a_therapist_file_points_to_the_example() {
    let r = housecall(&["plan", DAYS[0]]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--therapists") && r.stderr.contains("data/examples/therapists.toml"),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_bookings_file() {
    let r = housecall(&["plan", "no-such-file.csv", "--therapists", THERAPISTS]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no-such-file.csv: cannot read"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_with_an_unusable_plan_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "plan.json", "{\"routes\": [}");
    let r = housecall(&["check", DAYS[0], &p, "--therapists", THERAPISTS]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("plan.json:1:") && r.stderr.contains("not a Housecall plan"),
        "{}",
        r.stderr
    );
    let p = write(
        dir.path(),
        "plan.json",
        r#"{"routes": [], "unassigned": [{"booking": "bm01", "reason": "tired"}], "summary": {"served": 0, "unassigned": 1, "total_drive_s": 0, "total_drive_m": 0, "proven_optimal": false}}"#,
    );
    let r = housecall(&["check", DAYS[0], &p, "--therapists", THERAPISTS]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown reason \"tired\""),
        "{}",
        r.stderr
    );
}
