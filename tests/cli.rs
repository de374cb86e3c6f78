//! End-to-end behaviour of `housecall plan`, `check` and `matrix` on the example days.

mod common;
use common::*;

#[test]
fn every_example_day_plans_and_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    for day in DAYS {
        for therapists in [THERAPISTS, PRACTICE] {
            let plan = plan_and_check(dir.path(), day, therapists, &[]);
            let s = &plan["summary"];
            let n_bookings = std::fs::read_to_string(day).unwrap().lines().count() - 1;
            assert_eq!(
                s["served"].as_u64().unwrap() + s["unassigned"].as_u64().unwrap(),
                n_bookings as u64
            );
            assert!(s["total_drive_s"].as_i64().unwrap() > 0);
        }
    }
}

#[test]
fn one_therapist_ten_bookings_is_proven_optimal_with_the_json_fields_documented() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_and_check(dir.path(), DAYS[0], THERAPISTS, &[]);
    assert_eq!(plan["summary"]["proven_optimal"], true);
    let route = &plan["routes"][0];
    assert_eq!(route["therapist"], "maya");
    assert_eq!(route["date"], "2026-12-01");
    for key in [
        "return_drive_s",
        "return_drive_m",
        "total_drive_s",
        "total_drive_m",
        "leave_s",
        "back_s",
    ] {
        assert!(route[key].is_i64(), "{key}");
    }
    let stops = route["stops"].as_array().unwrap();
    assert_eq!(
        stops.iter().filter(|s| s["kind"] == "break").count(),
        1,
        "one lunch break"
    );
    let visit = stops.iter().find(|s| s["kind"] == "visit").unwrap();
    for key in [
        "arrival_s",
        "start_s",
        "end_s",
        "departure_s",
        "drive_s",
        "drive_m",
    ] {
        assert!(visit[key].is_i64(), "{key}");
    }
    let start = visit["start_s"].as_i64().unwrap();
    assert_eq!(
        visit["start"].as_str().unwrap(),
        format!("{:02}:{:02}", start / 3600, start / 60 % 60)
    );
    let drive: i64 = stops
        .iter()
        .filter_map(|s| s["drive_s"].as_i64())
        .sum::<i64>()
        + route["return_drive_s"].as_i64().unwrap();
    assert_eq!(drive, route["total_drive_s"].as_i64().unwrap());
}

#[test]
fn over_booked_day_lists_every_unserved_booking_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_and_check(dir.path(), DAYS[2], THERAPISTS, &[]);
    let un = plan["unassigned"].as_array().unwrap();
    assert!(!un.is_empty());
    let reason = |id: &str| {
        un.iter()
            .find(|u| u["booking"] == id)
            .map(|u| u["reason"].as_str().unwrap().to_string())
    };
    // Pinned to a therapist who is not in the file.
    assert_eq!(reason("ob13").as_deref(), Some("therapist_unavailable"));
    // 17:00-17:30 in Orangeville cannot be reached and still be home by 18:00.
    assert_eq!(reason("ob14").as_deref(), Some("no_window_fits"));
    assert!(un.iter().all(|u| !u["detail"].as_str().unwrap().is_empty()));
    // All required bookings that fit are served before optional ones.
    let table = housecall(&["plan", DAYS[2], "--therapists", THERAPISTS]);
    assert_eq!(table.code, 0);
    assert!(table.stdout.contains("Unassigned ("), "{}", table.stdout);
    assert!(table
        .stdout
        .contains("therapist_unavailable: pinned to therapist 'liam'"));
}

#[test]
fn table_reads_like_an_itinerary() {
    let r = housecall(&["plan", DAYS[0], "--therapists", THERAPISTS]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = &r.stdout;
    for needle in [
        "Maya Patel (maya) - Tuesday 2026-12-01",
        "leave home",
        "lunch at",
        "home (drive",
        "hands-on",
        "waiting",
        "Total:",
        "proven optimal",
    ] {
        assert!(t.contains(needle), "missing {needle:?} in\n{t}");
    }
}

#[test]
fn csv_output_has_a_row_per_visit_break_and_unassigned_booking() {
    let r = housecall(&[
        "plan",
        DAYS[2],
        "--therapists",
        THERAPISTS,
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 0);
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.iter().filter(|r| &r[3] != "break").count(), 14);
    assert_eq!(rows.iter().filter(|r| &r[3] == "break").count(), 1);
}

#[test]
fn same_seed_gives_the_same_plan() {
    let args = [
        "plan",
        DAYS[2],
        "--therapists",
        PRACTICE,
        "--format",
        "json",
        "--seed",
        "5",
        "--threads",
        "2",
    ];
    let (a, b) = (housecall(&args), housecall(&args));
    assert_eq!(a.code, 0);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn date_option_plans_one_day_and_reports_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let two_days = "id,client,lat,lon,treatment,window,date\n\
        a1,Ann,43.7315,-79.7624,Swedish Massage,09:00-11:00,2026-12-01\n\
        a2,Bob,43.5890,-79.6441,Cupping Therapy,,2026-12-01\n\
        b1,Cat,43.5448,-80.2482,Deep Tissue Massage,10:00-12:00,2026-12-02\n\
        b2,Dan,43.6497,-79.9236,Geriatric Massage,,2026-12-02\n\
        c1,Eve,43.6780,-79.8230,Energy Healing,,\n";
    let file = write(dir.path(), "two-days.csv", two_days);
    let plan = plan_and_check(dir.path(), &file, THERAPISTS, &["--date", "2026-12-02"]);
    assert!(plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["date"] == "2026-12-02"));
    let other: Vec<_> = plan["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["reason"] == "other_date")
        .collect();
    assert_eq!(other.len(), 2);
    assert_eq!(
        plan["summary"]["served"], 3,
        "the undated booking joins the planned day"
    );
    // Without --date, both days are planned.
    let both = plan_and_check(dir.path(), &file, THERAPISTS, &[]);
    assert_eq!(both["routes"].as_array().unwrap().len(), 2);
}

#[test]
fn check_rejects_a_tampered_plan() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_and_check(dir.path(), DAYS[0], THERAPISTS, &[]);
    let tamper = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut p = plan.clone();
        f(&mut p);
        let path = write(dir.path(), "bad.json", serde_json::to_string(&p).unwrap());
        housecall(&["check", DAYS[0], &path, "--therapists", THERAPISTS])
    };
    // A session moved an hour later: outside its window or inconsistent with the drives.
    let r = tamper(&|p| {
        let v = &mut p["routes"][0]["stops"][0];
        v["start_s"] = (v["start_s"].as_i64().unwrap() - 3600).into();
    });
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("overlap") || r.stderr.contains("window_missed"),
        "{}",
        r.stderr
    );
    // A visit dropped: its booking is lost.
    let r = tamper(&|p| {
        let stops = p["routes"][0]["stops"].as_array_mut().unwrap();
        let i = stops.iter().position(|s| s["kind"] == "visit").unwrap();
        stops.remove(i);
    });
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("booking_missing"), "{}", r.stderr);
    // A shorter drive than the model gives.
    let r = tamper(&|p| {
        let v = &mut p["routes"][0]["stops"][0];
        v["drive_s"] = 1.into();
    });
    assert!(r.stderr.contains("travel_inconsistent"), "{}", r.stderr);
    // The lunch removed.
    let r = tamper(&|p| {
        p["routes"][0]["stops"]
            .as_array_mut()
            .unwrap()
            .retain(|s| s["kind"] != "break");
    });
    assert!(r.stderr.contains("lunch_broken"), "{}", r.stderr);
    // A booking listed twice.
    let r = tamper(&|p| {
        let id = p["routes"][0]["stops"][0]["booking"].clone();
        p["unassigned"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"booking": id, "reason": "day_full", "detail": ""}));
    });
    assert!(r.stderr.contains("booking_duplicated"), "{}", r.stderr);
}

#[test]
fn matrix_lists_every_ordered_pair_of_homes_and_bookings() {
    let r = housecall(&[
        "matrix",
        DAYS[0],
        "--therapists",
        THERAPISTS,
        "--depart",
        "08:30",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "from,to,depart_s,drive_s,drive_m");
    assert_eq!(lines.len() - 1, 11 * 10);
    assert!(lines.iter().any(|l| l.starts_with("home:maya,bm01,30600,")));
    // Without --depart: every time bin of the road model.
    let all = housecall(&["matrix", DAYS[0], "--therapists", THERAPISTS]);
    let rows = all.stdout.lines().count() - 1;
    assert!(rows > 110 && rows.is_multiple_of(110), "{rows}");
    // The first leg of the plan is in the matrix at its departure time.
    let plan = housecall(&[
        "plan",
        DAYS[0],
        "--therapists",
        THERAPISTS,
        "--format",
        "json",
    ]);
    let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    let route = &plan["routes"][0];
    let first = &route["stops"][0];
    let leave = route["leave_s"].as_i64().unwrap();
    let at = format!("{:02}:{:02}", leave / 3600, leave / 60 % 60);
    assert_eq!(leave % 60, 0, "departures fall on whole minutes");
    let m = housecall(&[
        "matrix",
        DAYS[0],
        "--therapists",
        THERAPISTS,
        "--depart",
        &at,
    ]);
    let row = format!(
        "home:maya,{},{leave},{},{}",
        first["booking"].as_str().unwrap(),
        first["drive_s"],
        first["drive_m"]
    );
    assert!(m.stdout.lines().any(|l| l == row), "{row}");
}

#[test]
fn rush_hour_slows_freeway_trips_and_straight_line_is_available() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "two.csv",
        "id,lat,lon\nguelph,43.5448,-80.2482\ntoronto,43.6450,-79.3810\n",
    );
    let drive = |travel: &str, depart: &str| -> i64 {
        let r = housecall(&[
            "matrix",
            &f,
            "--therapists",
            THERAPISTS,
            "--travel",
            travel,
            "--depart",
            depart,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let line = r
            .stdout
            .lines()
            .find(|l| l.starts_with("guelph,toronto,"))
            .unwrap()
            .to_string();
        line.split(',').nth(3).unwrap().parse().unwrap()
    };
    let (off, am, pm) = (
        drive("road", "10:30"),
        drive("road", "08:00"),
        drive("road", "17:00"),
    );
    assert!(
        am > off * 12 / 10 && pm > off * 12 / 10,
        "peak {am}/{pm} vs off-peak {off}"
    );
    assert_eq!(
        drive("straight-line", "08:00"),
        drive("straight-line", "10:30")
    );
    plan_and_check(
        dir.path(),
        DAYS[1],
        THERAPISTS,
        &["--travel", "straight-line"],
    );
}

/// Honest days (issue 8): idle time is spent at home or shown as free time between visits,
/// never as long waits at a client's door, on every example and on the two days of the
/// report (one late booking after a lunch at home; a morning and a late-afternoon booking).
#[test]
fn nobody_waits_long_at_a_door() {
    let dir = tempfile::tempdir().unwrap();
    let one = write(
        dir.path(),
        "one.csv",
        "id,client,lat,lon,window,date\na,Ann,43.7600,-79.7300,16:00-16:30,2026-12-01\n",
    );
    let two = write(
        dir.path(),
        "two.csv",
        "id,client,lat,lon,window,date\na,Ann,43.7600,-79.7300,09:30-09:30,2026-12-01\nb,Bob,43.7400,-79.7500,16:00-16:00,2026-12-01\n",
    );
    let days: Vec<&str> = DAYS
        .iter()
        .copied()
        .chain([one.as_str(), two.as_str()])
        .collect();
    for day in &days {
        for therapists in [THERAPISTS, PRACTICE] {
            let plan = plan_and_check(dir.path(), day, therapists, &[]);
            for route in plan["routes"].as_array().unwrap() {
                let mut free = 0;
                for stop in route["stops"].as_array().unwrap() {
                    let wait = stop["wait_s"].as_i64().unwrap_or(0);
                    assert!(wait <= 20 * 60, "{day}: {stop}");
                    free += stop["free_after_s"].as_i64().unwrap_or(0);
                }
                assert_eq!(route["free_s"].as_i64().unwrap(), free, "{day}");
            }
        }
    }
    // The late booking: lunch at home does not pin the departure.
    let plan = plan_and_check(dir.path(), &one, THERAPISTS, &[]);
    let leave = plan["routes"][0]["leave_s"].as_i64().unwrap();
    assert!(leave >= 15 * 3600 + 30 * 60, "leaves at {leave}");
    // The two far-apart bookings: the gap is free time after the first visit.
    let plan = plan_and_check(dir.path(), &two, THERAPISTS, &[]);
    assert!(
        plan["routes"][0]["free_s"].as_i64().unwrap() > 4 * 3600,
        "{plan}"
    );
}

/// The mileage log (issue 12): one row per drive with the booking id as purpose, day totals
/// and a plan total that match the plan's metres exactly, and no client's name.
#[test]
fn mileage_log_matches_the_plan_and_names_no_client() {
    let dir = tempfile::tempdir().unwrap();
    for day in DAYS {
        for therapists in [THERAPISTS, PRACTICE] {
            let plan = plan_and_check(dir.path(), day, therapists, &[]);
            let args = [
                "plan",
                day,
                "--therapists",
                therapists,
                "--format",
                "mileage",
            ];
            let r = housecall(&args);
            assert_eq!(r.code, 0, "{}", r.stderr);
            let metres = |km: &str| {
                let (a, b) = km.split_once('.').unwrap();
                a.parse::<i64>().unwrap() * 1000 + b.parse::<i64>().unwrap()
            };
            let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
            let (mut legs, mut days, mut total) = (0, Vec::new(), None);
            for rec in rdr.records() {
                let rec = rec.unwrap();
                match &rec[4] {
                    "day total" => days.push(metres(&rec[5])),
                    "total" => total = Some(metres(&rec[5])),
                    p => {
                        assert!(p.starts_with("visit ") || p == "return home", "{p}");
                        legs += metres(&rec[5]);
                    }
                }
            }
            let routes: Vec<i64> = plan["routes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["total_drive_m"].as_i64().unwrap())
                .collect();
            assert_eq!(days, routes, "{day}");
            assert_eq!(legs, plan["summary"]["total_drive_m"].as_i64().unwrap());
            assert_eq!(total, Some(legs));
            let bookings = std::fs::read_to_string(day).unwrap();
            let mut names = csv::Reader::from_reader(bookings.as_bytes());
            for b in names.deserialize::<std::collections::HashMap<String, String>>() {
                let client = &b.unwrap()["client"];
                assert!(!r.stdout.contains(client.as_str()), "{client} in the log");
            }
        }
    }
}

/// The calendar (issue 12): parsed back with another crate, one event per visit, drive and
/// lunch, every time equal to the JSON plan's, unique UIDs that stay the same on a re-run.
#[test]
fn calendar_matches_the_plan_with_stable_uids() {
    let dir = tempfile::tempdir().unwrap();
    let clock = |s: i64| format!("{:02}{:02}{:02}", s / 3600, s / 60 % 60, s % 60);
    for day in DAYS {
        for therapists in [THERAPISTS, PRACTICE] {
            let plan = plan_and_check(dir.path(), day, therapists, &[]);
            let args = ["plan", day, "--therapists", therapists, "--format", "ics"];
            let r = housecall(&args);
            assert_eq!(r.code, 0, "{}", r.stderr);
            let cal = ical::IcalParser::new(r.stdout.as_bytes())
                .next()
                .expect("one calendar")
                .expect("valid iCalendar");
            let prop = ical_prop;
            let mut uids: Vec<String> = cal.events.iter().map(|e| prop(e, "UID")).collect();
            let mut expected = 0;
            for route in plan["routes"].as_array().unwrap() {
                let date = route["date"].as_str().unwrap().replace('-', "");
                let stops = route["stops"].as_array().unwrap();
                expected += 1; // the drive home
                for s in stops {
                    if s["kind"] == "break" {
                        expected += 1;
                        continue;
                    }
                    expected += 2; // the drive there and the session
                    let b = s["booking"].as_str().unwrap();
                    let d = &route["date"].as_str().unwrap();
                    let visit = cal
                        .events
                        .iter()
                        .find(|e| prop(e, "UID") == format!("{d}-visit-{b}@housecall"))
                        .unwrap_or_else(|| panic!("no event for {b}"));
                    let at = |k: &str| format!("{date}T{}", clock(s[k].as_i64().unwrap()));
                    assert_eq!(prop(visit, "DTSTART"), at("start_s"), "{b}");
                    assert_eq!(prop(visit, "DTEND"), at("end_s"), "{b}");
                    let drive = cal
                        .events
                        .iter()
                        .find(|e| prop(e, "UID") == format!("{d}-drive-to-{b}@housecall"))
                        .unwrap();
                    assert_eq!(prop(drive, "DTEND"), at("arrival_s"), "{b}");
                }
            }
            assert_eq!(cal.events.len(), expected, "{day}");
            let n = uids.len();
            uids.sort();
            uids.dedup();
            assert_eq!(uids.len(), n, "UIDs are unique");
            let again = housecall(&args).stdout;
            let uid_lines = |s: &str| -> Vec<String> {
                s.lines()
                    .filter(|l| l.starts_with("UID:"))
                    .map(str::to_string)
                    .collect()
            };
            assert_eq!(uid_lines(&again), uid_lines(&r.stdout), "stable UIDs");
        }
    }
}
