//! Week planning (issue 12, item 1): bookings with a date stay on it, the others go on a day
//! their `days` and `date_range` allow, never on a therapist's day off; one plan, one route per
//! therapist per day, a section per day and a week summary.

mod common;
use common::*;

const WEEK: &str = "data/examples/week-35.csv";
const MAYA: &str = "data/examples/week-therapist.toml";
const RANGE: [&str; 4] = ["--from", "2026-12-07", "--to", "2026-12-11"];

#[test]
fn a_week_is_planned_within_each_bookings_days() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_and_check(dir.path(), WEEK, MAYA, &RANGE);
    let csv = std::fs::read_to_string(WEEK).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let mut served = 0;
    for route in plan["routes"].as_array().unwrap() {
        let date = route["date"].as_str().unwrap();
        assert_ne!(date, "2026-12-09", "maya is off on Wednesday");
        let weekday = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .unwrap()
            .format("%a")
            .to_string()
            .to_ascii_lowercase();
        for stop in route["stops"].as_array().unwrap() {
            if stop["kind"] != "visit" {
                continue;
            }
            served += 1;
            let row = rows.iter().find(|r| r[0] == stop["booking"]).unwrap();
            let (fixed, days, range) = (row[6], row[7], row[8]);
            if !fixed.is_empty() {
                assert_eq!(fixed, date);
            }
            if !days.is_empty() {
                assert!(days.split(';').any(|d| d == weekday), "{row:?} on {date}");
            }
            if let Some((a, b)) = range.split_once("..") {
                assert!(a <= date && date <= b, "{row:?} on {date}");
            }
        }
    }
    assert!(served >= 20, "{served} served");
    // One plan covers the week: routes on four days.
    assert_eq!(
        route_dates(&plan),
        ["2026-12-07", "2026-12-08", "2026-12-10", "2026-12-11"]
    );

    let mut args = vec!["plan", WEEK, "--therapists", MAYA];
    args.extend(RANGE);
    let table = housecall(&args);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        table.stdout.starts_with("=== Monday 2026-12-07 ===\n"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("=== Friday 2026-12-11 ==="));
    assert!(
        table.stdout.contains("\nWeek\n  Mon 2026-12-07"),
        "{}",
        table.stdout
    );
}

#[test]
fn a_booking_only_for_the_day_off_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,lat,lon,treatment,days,date_range\n\
        wed,43.70,-79.70,Swedish Massage,wed,\n\
        later,43.70,-79.70,Swedish Massage,,2026-12-14..2026-12-18\n\
        any,43.70,-79.70,Swedish Massage,,\n";
    let path = write(dir.path(), "b.csv", csv);
    let plan = plan_and_check(dir.path(), &path, MAYA, &RANGE);
    let reason = |id: &str| {
        plan["unassigned"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["booking"] == id)
            .map(|u| {
                (
                    u["reason"].as_str().unwrap().to_string(),
                    u["detail"].as_str().unwrap().to_string(),
                )
            })
    };
    let (r, d) = reason("wed").unwrap();
    assert_eq!(r, "no_therapist_that_day", "{d}");
    assert!(d.contains("2026-12-09"), "{d}");
    let (r, d) = reason("later").unwrap();
    assert_eq!(r, "other_date");
    assert!(d.contains("from 2026-12-14 to 2026-12-18"), "{d}");
    assert!(reason("any").is_none(), "served on some day");
}

#[test]
fn bad_week_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let head = "id,lat,lon,treatment,date,days,date_range\n";
    for (row, expect) in [
        ("a,43.7,-79.7,Swedish Massage,,funday,", "days \"funday\""),
        (
            "a,43.7,-79.7,Swedish Massage,,,2026-12-07",
            "expected FIRST..LAST",
        ),
        (
            "a,43.7,-79.7,Swedish Massage,,,2026-12-09..2026-12-07",
            "before the first",
        ),
        ("a,43.7,-79.7,Swedish Massage,2026-12-07,mon,", "not both"),
    ] {
        let path = write(dir.path(), "b.csv", format!("{head}{row}\n"));
        let mut args = vec!["plan", path.as_str(), "--therapists", MAYA];
        args.extend(RANGE);
        let r = housecall(&args);
        assert_eq!(r.code, 2, "{row}");
        assert!(r.stderr.contains(expect), "{row}: {}", r.stderr);
    }
    let r = housecall(&["plan", WEEK, "--therapists", MAYA, "--from", "2026-12-07"]);
    assert_eq!(r.code, 2);
    let r = housecall(&[
        "plan",
        WEEK,
        "--therapists",
        MAYA,
        "--from",
        "2026-12-11",
        "--to",
        "2026-12-07",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("on or after the first"), "{}", r.stderr);
    let team = write(
        dir.path(),
        "t.toml",
        "[[therapist]]\nid = \"m\"\nhome = { lat = 43.7, lon = -79.7 }\noff = [\"next tuesday\"]\n",
    );
    let r = housecall(&["plan", WEEK, "--therapists", &team]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("off"), "{}", r.stderr);
}
