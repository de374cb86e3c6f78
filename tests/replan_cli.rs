//! `housecall replan` end to end (issue 10, item 4): the re-planned day passes `check` from
//! the resume point, says what changed, and bad requests are clear errors.

mod common;
use common::*;

const DAY: &str = "data/examples/brampton-mississauga.csv";

/// Plans the example day with both therapists and returns the plan's path.
fn planned(dir: &std::path::Path) -> String {
    plan_and_check(dir, DAY, PRACTICE, &[]);
    dir.join("plan.json").to_string_lossy().into_owned()
}

/// The visits of a plan document as (booking, therapist, start).
fn visits(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    planned_visits(doc)
        .into_iter()
        .map(|v| (v.booking, v.therapist, v.start))
        .collect()
}

#[test]
fn a_replanned_day_passes_check_from_the_resume_point() {
    let dir = tempfile::tempdir().unwrap();
    let plan = planned(dir.path());
    let before: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let old = visits(&before);
    // At 11:50: the visit in progress runs 25 minutes long, a later one is cancelled, a new
    // client is added, and liam is between places.
    let running = old
        .iter()
        .rfind(|v| v.1 == "maya" && v.2.as_str() < "11:50")
        .unwrap()
        .0
        .clone();
    let cancel = old
        .iter()
        .find(|v| v.2.as_str() > "13:00")
        .unwrap()
        .0
        .clone();
    let more = write(
        dir.path(),
        "more.csv",
        "id,client,postal_code,treatment,window\nx1,New,L6P 2R1,Swedish Massage,14:00-17:00\n",
    );
    let out = dir.path().join("replanned.json");
    let out = out.to_str().unwrap();
    let delay = format!("{running}=25");
    let resume = [
        "--now",
        "11:50",
        "--cancel",
        &cancel,
        "--add",
        &more,
        "--at",
        "liam=43.60,-79.70",
    ];
    let mut args = vec![
        "replan",
        DAY,
        &plan,
        "--therapists",
        PRACTICE,
        "--delay",
        &delay,
        "--format",
        "json",
        "--out",
        out,
    ];
    args.extend(resume);
    let r = housecall(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let new = visits(&after);
    // What started stays; the rest starts after 11:50; the cancelled one is gone.
    for v in old.iter().filter(|v| v.2.as_str() < "11:50") {
        assert!(new.contains(v), "{v:?} kept");
    }
    assert!(new
        .iter()
        .all(|v| v.2.as_str() >= "11:50" || old.contains(v)));
    assert!(new.iter().all(|v| v.0 != cancel));
    assert!(new.iter().any(|v| v.0 == "x1"));
    let changes: Vec<&str> = after["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(changes.contains(&format!("{running}: runs 25 min long").as_str()));
    assert!(changes.contains(&format!("{cancel}: cancelled").as_str()));
    assert!(changes.iter().any(|c| c.starts_with("x1: added")));
    let cancelled = after["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["booking"] == cancel.as_str())
        .unwrap();
    assert_eq!(cancelled["reason"], "cancelled");
    // `check` with the same resume point accepts it; without, it does not (the day was
    // changed after it began).
    let mut args = vec!["check", DAY, out, "--therapists", PRACTICE];
    args.extend(resume);
    let c = housecall(&args);
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
    let c = housecall(&["check", DAY, out, "--therapists", PRACTICE]);
    assert_eq!(c.code, 1);
    // The table starts with the changes.
    let mut args = vec![
        "replan",
        DAY,
        &plan,
        "--therapists",
        PRACTICE,
        "--delay",
        &delay,
    ];
    args.extend(resume);
    let t = housecall(&args);
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(t.stdout.starts_with("Changes at 11:50:\n"), "{}", t.stdout);
}

#[test]
fn bad_replan_requests_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let plan = planned(dir.path());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let first = visits(&doc)[0].0.clone();
    let last = visits(&doc).last().unwrap().0.clone();
    for (extra, expect) in [
        (
            vec!["--now", "11:00", "--cancel", "nobody"],
            "no booking has this id".to_string(),
        ),
        (
            vec!["--now", "12:00", "--cancel", &first],
            format!("--cancel {first}: the visit started"),
        ),
        (
            vec!["--now", "09:00", "--delay", &format!("{last}=20")],
            "only a visit in progress".into(),
        ),
        (
            vec!["--now", "09:00", "--delay", "x"],
            "expected ID=MINUTES".into(),
        ),
        (
            vec!["--now", "09:00", "--at", "43.6,-79.7"],
            "2 therapists work that day".into(),
        ),
        (
            vec!["--now", "09:00", "--at", "liam=200,0"],
            "--at: point".into(),
        ),
        (vec!["--now", "25:00"], "not a time of day".into()),
        (vec!["--cancel", &first], "give --now HH:MM".into()),
    ] {
        let mut args = vec!["replan", DAY, &plan, "--therapists", PRACTICE];
        args.extend(extra.iter().copied());
        let r = housecall(&args);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stdout);
        assert!(r.stderr.contains(&expect), "{extra:?}: {}", r.stderr);
    }
}

#[test]
fn a_replanned_calendar_cancels_what_the_day_no_longer_has() {
    let dir = tempfile::tempdir().unwrap();
    let plan = planned(dir.path());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let cancel = visits(&doc)
        .into_iter()
        .find(|v| v.2.as_str() > "13:00")
        .unwrap()
        .0;
    let r = housecall(&[
        "replan",
        DAY,
        &plan,
        "--therapists",
        PRACTICE,
        "--now",
        "11:50",
        "--cancel",
        &cancel,
        "--format",
        "ics",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cal = ical::IcalParser::new(r.stdout.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    let prop = ical_prop;
    let cancelled: Vec<_> = cal
        .events
        .iter()
        .filter(|e| prop(e, "STATUS") == "CANCELLED")
        .map(|e| prop(e, "UID"))
        .collect();
    assert_eq!(
        cancelled,
        [
            format!("2026-12-01-drive-to-{cancel}@housecall"),
            format!("2026-12-01-visit-{cancel}@housecall")
        ]
    );
    // Every event supersedes the morning's (SEQUENCE 0): the minute of --now.
    assert!(cal.events.iter().all(|e| prop(e, "SEQUENCE") == "710"));
}
