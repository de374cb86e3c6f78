//! Limits that protect the body (issue 12, item 2): heavy sessions per day, rest between
//! sessions, hands-on runs and daily driving are kept by the solver, checked by `check`,
//! kept by slot suggestions, and each has its own unassigned reason with numbers.

mod common;
use common::*;

const HEAD: &str = "id,client,lat,lon,treatment,window,heavy\n";

/// Eight bookings around Brampton, five of them heavy by their treatment.
fn day() -> String {
    let rows = [
        ("h1", 43.700, -79.720, "Deep Tissue Massage", ""),
        ("h2", 43.705, -79.740, "Sports Massage Therapy", ""),
        ("h3", 43.710, -79.700, "Trigger Point Release", ""),
        ("h4", 43.690, -79.760, "Myofascial Release", ""),
        ("h5", 43.720, -79.730, "Rehabilitation Massage", ""),
        ("s1", 43.700, -79.750, "Swedish Massage", ""),
        ("s2", 43.715, -79.710, "Geriatric Massage", ""),
        ("s3", 43.695, -79.735, "Swedish Massage", "yes"),
    ];
    let mut csv = HEAD.to_string();
    for (id, lat, lon, t, heavy) in rows {
        csv.push_str(&format!("{id},{id},{lat},{lon},{t},,{heavy}\n"));
    }
    csv
}

fn team(extra: &str) -> String {
    format!(
        "[[therapist]]\nid = \"maya\"\nhome = {{ lat = 43.7521, lon = -79.7349 }}\nshift = \"08:00-19:00\"\n{extra}\n"
    )
}

struct Planned {
    doc: serde_json::Value,
}

impl Planned {
    fn visits(&self) -> Vec<(String, i64, i64)> {
        planned_visits(&self.doc)
            .into_iter()
            .map(|v| (v.booking, v.start_s, v.end_s))
            .collect()
    }
    fn unassigned(&self) -> Vec<(String, String, String)> {
        unassigned_of(&self.doc)
    }
}

fn plan(dir: &std::path::Path, bookings: &str, extra: &str) -> Planned {
    let b = write(dir, "day.csv", bookings);
    let t = write(dir, "team.toml", team(extra));
    Planned {
        doc: plan_and_check(dir, &b, &t, &[]),
    }
}

const HEAVY: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "s3"];

#[test]
fn heavy_sessions_per_day() {
    let dir = tempfile::tempdir().unwrap();
    let p = plan(dir.path(), &day(), "max_heavy_per_day = 2");
    let heavy: Vec<_> = p
        .visits()
        .into_iter()
        .filter(|v| HEAVY.contains(&v.0.as_str()))
        .collect();
    assert_eq!(heavy.len(), 2, "{:?}", p.visits());
    let u = p.unassigned();
    assert_eq!(u.len(), 4, "{u:?}");
    for (id, reason, detail) in &u {
        assert!(
            HEAVY.contains(&id.as_str()),
            "{id}: the `heavy` column counts too"
        );
        assert_eq!(reason, "heavy_limit", "{detail}");
        assert!(
            detail.contains("would be the third heavy session, limit 2"),
            "{detail}"
        );
    }
}

#[test]
fn rest_between_sessions_and_runs_of_hands_on_work() {
    let dir = tempfile::tempdir().unwrap();
    let p = plan(
        dir.path(),
        &day(),
        "min_rest_min = 25\nmax_hands_on_run_min = 120\nrun_break_min = 40",
    );
    let mut v = p.visits();
    v.sort_by_key(|x| x.1);
    assert!(v.len() >= 5, "{v:?}");
    let mut run = 0;
    for w in v.windows(2) {
        let gap = w[1].1 - w[0].2;
        assert!(gap >= 25 * 60, "{w:?}");
        run = if gap < 40 * 60 {
            run + (w[1].2 - w[1].1)
        } else {
            w[1].2 - w[1].1
        };
        assert!(run <= 120 * 60, "{w:?}");
    }
}

#[test]
fn daily_driving_and_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    // A far booking in Guelph: with 40 minutes of driving a day it cannot be reached.
    let csv = day() + "far,far,43.5448,-80.2482,Swedish Massage,,\n";
    let p = plan(dir.path(), &csv, "max_drive_min = 40");
    let drive: i64 = p.doc["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["total_drive_s"].as_i64().unwrap())
        .sum();
    assert!(drive <= 40 * 60, "{drive}");
    let u = p.unassigned();
    let far = u.iter().find(|x| x.0 == "far").expect("far is not served");
    assert!(
        far.1 == "drive_limit" || far.1 == "no_window_fits",
        "{far:?}"
    );
    assert!(u.iter().any(|x| x.1 == "drive_limit"), "{u:?}");
    let d = &u.iter().find(|x| x.1 == "drive_limit").unwrap().2;
    assert!(d.contains("of driving, limit 40 min"), "{d}");
}

#[test]
fn check_rejects_a_plan_that_breaks_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let p = plan(dir.path(), &day(), "");
    assert!(p.visits().len() >= 7);
    let strict = write(
        dir.path(),
        "strict.toml",
        team("max_heavy_per_day = 1\nmin_rest_min = 90\nmax_drive_min = 10\nmax_hands_on_run_min = 60"),
    );
    let b = dir.path().join("day.csv");
    let plan = dir.path().join("plan.json");
    let r = housecall(&[
        "check",
        b.to_str().unwrap(),
        plan.to_str().unwrap(),
        "--therapists",
        &strict,
    ]);
    assert_eq!(r.code, 1);
    let out = r.stdout + &r.stderr;
    for what in [
        "heavy sessions, more than the limit of 1",
        "of driving, more than the limit of 10 min",
        "less than the rest of 90 min",
        "of hands-on work without a 30-minute break",
    ] {
        assert!(out.contains(what), "{what} in\n{out}");
    }
}

#[test]
fn slots_keep_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let b = write(dir.path(), "day.csv", format!("{HEAD}h1,A,43.70,-79.72,Deep Tissue Massage,,\nh2,B,43.705,-79.74,Sports Massage Therapy,,\n"));
    let t = write(dir.path(), "team.toml", team("max_heavy_per_day = 2"));
    let ask = |new: &str| slots_json(&b, &t, new);
    let heavy = ask("lat=43.70,lon=-79.70,treatment=Deep Tissue Massage");
    assert!(heavy["slots"].as_array().unwrap().is_empty());
    assert_eq!(heavy["none"]["reason"], "heavy_limit");
    let light = ask("lat=43.70,lon=-79.70,treatment=Swedish Massage");
    assert!(!light["slots"].as_array().unwrap().is_empty());
    let declared = ask("lat=43.70,lon=-79.70,treatment=Swedish Massage,heavy=yes");
    assert_eq!(declared["none"]["reason"], "heavy_limit");
}

#[test]
fn bad_limits_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let b = write(dir.path(), "day.csv", day());
    for (extra, expect) in [
        ("max_heavy_per_day = -1", "max_heavy_per_day"),
        ("min_rest_min = 999", "min_rest_min"),
        ("run_break_min = 30", "give max_hands_on_run_min too"),
        ("max_drive_min = 0", "max_drive_min"),
    ] {
        let t = write(dir.path(), "team.toml", team(extra));
        let r = housecall(&["plan", &b, "--therapists", &t]);
        assert_eq!(r.code, 2, "{extra}");
        assert!(r.stderr.contains(expect), "{extra}: {}", r.stderr);
    }
    let bad = write(
        dir.path(),
        "bad.csv",
        format!("{HEAD}a,A,43.7,-79.7,Swedish Massage,,maybe\n"),
    );
    let t = write(dir.path(), "team.toml", team(""));
    let r = housecall(&["plan", &bad, "--therapists", &t]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("heavy \"maybe\" - expected yes or no"),
        "{}",
        r.stderr
    );
}
