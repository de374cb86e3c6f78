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
    let e = plan_error("id,postal_code\nb1,K1A 0B1\n");
    assert!(
        e.contains("bookings.csv:2:2: postal_code \"K1A 0B1\"")
            && e.contains("unknown forward sortation area K1A"),
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

/// A code whose published point is unreliable (or not in the table) is placed at its FSA's
/// centre with a warning naming the booking, not rejected (issue 8).
#[test]
fn unreliable_postal_code_is_placed_at_its_fsa_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "bookings.csv",
        "id,client,postal_code\nb1,Ann,L6R 0J5\nb2,Bob,L6P 2R3\nb3,Cy,L6P 2R1\n",
    );
    let r = housecall(&["plan", &f, "--therapists", THERAPISTS, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (line, id) in [(2, "b1"), (3, "b2")] {
        assert!(
            r.stderr
                .contains(&format!("bookings.csv:{line}: booking \"{id}\"")),
            "{}",
            r.stderr
        );
    }
    // Quoted, and the code with its space: a temporary directory's random name may hold
    // `b3` or `L6R` (it is in every warning's file name).
    assert!(!r.stderr.contains("\"b3\""), "{}", r.stderr);
    assert!(
        !r.stderr.contains("L6R 0J5") && !r.stderr.contains("L6R0J5"),
        "no address in messages: {}",
        r.stderr
    );
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let located: Vec<&str> = doc["routes"][0]["stops"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["located_by"].as_str())
        .collect();
    assert_eq!(
        located.iter().filter(|l| **l == "fsa").count(),
        2,
        "{located:?}"
    );
}

/// Every bad row of a file is reported in one run, not only the first.
#[test]
fn several_bad_rows_are_all_reported() {
    let e = plan_error(format!(
        "{HEAD}b1,Ann,43.7,-79.7,,,25:00-26:00\nb2,Bob,43.7,-79.7,,,\nb3,Cy,91,-79.7,,,\nb4,Di,43.7,-79.7,,0,\n"
    ));
    for at in [
        "bookings.csv:2:7: window",
        "bookings.csv:4:3: lat",
        "bookings.csv:5:6: duration_min",
    ] {
        assert!(e.contains(at), "{at} missing from {e}");
    }
    assert!(!e.contains("bookings.csv:3:"), "{e}");
}

/// At most twenty problems are listed, with a count of the rest.
#[test]
fn many_bad_rows_are_capped_at_twenty() {
    let rows: String = (0..30).map(|i| format!("b{i},Ann,95,-79.7,,,\n")).collect();
    let e = plan_error(format!("{HEAD}{rows}"));
    assert_eq!(e.matches(":3: lat \"95\"").count(), 20, "{e}");
    assert!(e.contains("10 more problem(s) not shown"), "{e}");
}

#[test]
fn time_limit_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "bookings.csv", row("b1,Ann,43.7,-79.7,,,"));
    let tsptw = write(
        dir.path(),
        "t.txt",
        "3\n0 5 7\n5 0 4\n7 4 0\n0 100\n2 20\n10 30\n",
    );
    for t in ["1e20", "0", "-1", "nan", "inf"] {
        let arg = format!("--time-limit={t}");
        for args in [
            vec!["plan", &f, "--therapists", THERAPISTS, &arg],
            vec!["tsptw", &tsptw, &arg],
        ] {
            let r = housecall(&args);
            assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
            assert!(r.stderr.contains("--time-limit"), "{}", r.stderr);
        }
    }
}

/// External matrices: drives past a day are rejected (they used to wrap to negative
/// seconds), decimals as OSRM writes them are rounded, conflicting duplicates are rejected.
#[test]
fn external_matrix_values_are_range_checked() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "bookings.csv",
        format!("{HEAD}b1,Ann,43.70,-79.70,,,\n"),
    );
    let matrix = |rows: &str| {
        write(
            dir.path(),
            "m.csv",
            format!("from,to,drive_s,drive_m\n{rows}"),
        )
    };
    let ok = "home:maya,b1,600.4,5000\nb1,home:maya,610.6,5100\n";
    let r = housecall(&[
        "plan",
        &f,
        "--therapists",
        THERAPISTS,
        "--matrix",
        &matrix(ok),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("drive 20 min"),
        "600 + 611 s: {}",
        r.stdout
    );
    for (rows, expect) in [
        (
            "home:maya,b1,2147483648,5000\nb1,home:maya,600,5000\n",
            "m.csv:2:3: drive_s",
        ),
        (
            "home:maya,b1,4294967296,5000\nb1,home:maya,600,5000\n",
            "expected a number from 0 to 86400",
        ),
        (
            "home:maya,b1,600,-1\nb1,home:maya,600,5000\n",
            "m.csv:2:4: drive_m",
        ),
        (
            "home:maya,b1,NaN,5000\nb1,home:maya,600,5000\n",
            "drive_s \"NaN\"",
        ),
        (
            "home:maya,b1,600,5000\nb1,home:maya,600,5000\nhome:maya,b1,700,5000\n",
            "conflicts with line 2",
        ),
    ] {
        let r = housecall(&[
            "plan",
            &f,
            "--therapists",
            THERAPISTS,
            "--matrix",
            &matrix(rows),
        ]);
        assert_eq!(r.code, 2, "{rows}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains(expect),
            "expected {expect:?} in {}",
            r.stderr
        );
    }
}

/// A plan whose times are out of range is bad input for `check`, named by its JSON path,
/// not an overflow or "a solver bug".
#[test]
fn check_rejects_out_of_range_plan_times() {
    let dir = tempfile::tempdir().unwrap();
    let bookings = "data/examples/brampton-mississauga.csv";
    let out = dir.path().join("plan.json");
    let out = out.to_str().unwrap();
    let r = housecall(&[
        "plan",
        bookings,
        "--therapists",
        THERAPISTS,
        "--format",
        "json",
        "--out",
        out,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(out).unwrap();
    // The plan with the first value of `key` replaced by `value`, checked: the error output.
    let check_with = |key: &str, value: &str| {
        let key = format!("\"{key}\": ");
        let at = text.find(&key).unwrap() + key.len();
        let end = at + text[at..].find(',').unwrap();
        let bad = format!("{}{value}{}", &text[..at], &text[end..]);
        let f = write(dir.path(), "bad.json", bad);
        let r = housecall(&["check", bookings, &f, "--therapists", THERAPISTS]);
        assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
        r.stderr
    };
    let stderr = check_with("leave_s", "9223372036854775807");
    assert!(
        stderr.contains(
            "routes[0].leave_s \"9223372036854775807\" - expected seconds from 0 to 172800"
        ),
        "{stderr}"
    );
    // A stop's field is named with its place too.
    let stderr = check_with("drive_m", "-5");
    assert!(
        stderr.contains("routes[0].stops[0].drive_m \"-5\" - expected metres from 0 to"),
        "{stderr}"
    );
    // A visit without a field it needs, and a break at no place.
    let stderr = check_with("arrival_s", "null");
    assert!(
        stderr.contains("routes[0].stops[0].arrival_s - missing; expected seconds"),
        "{stderr}"
    );
    let stderr = check_with("at", "\"noon\"");
    assert!(
        stderr.contains("stops[") && stderr.contains(".at \"noon\" - expected \"start\", \"end\""),
        "{stderr}"
    );
}
