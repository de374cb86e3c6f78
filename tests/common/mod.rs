//! Helpers for the end-to-end tests: run the built binary, write scratch files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `housecall` with `args` from the repository root.
pub fn housecall(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_housecall"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub const THERAPISTS: &str = "data/examples/therapists.toml";
pub const PRACTICE: &str = "data/examples/practice.toml";
pub const DAYS: [&str; 3] = [
    "data/examples/brampton-mississauga.csv",
    "data/examples/guelph-orangeville.csv",
    "data/examples/overbooked.csv",
];

/// Writes `contents` to `name` in `dir` and returns the path as a string.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> String {
    let p: PathBuf = dir.join(name);
    std::fs::write(&p, contents).expect("scratch file written");
    p.to_string_lossy().into_owned()
}

/// Plans `bookings` as JSON into `dir`, asserts `check` accepts it, and returns the JSON.
/// `input` options (`--date`, `--travel`, `--region`) go to both commands.
pub fn plan_and_check(
    dir: &Path,
    bookings: &str,
    therapists: &str,
    input: &[&str],
) -> serde_json::Value {
    let out = dir.join("plan.json").to_string_lossy().into_owned();
    let mut args = vec![
        "plan",
        bookings,
        "--therapists",
        therapists,
        "--format",
        "json",
        "--out",
        &out,
    ];
    args.extend_from_slice(input);
    let r = housecall(&args);
    assert_eq!(r.code, 0, "plan failed: {}", r.stderr);
    let mut args = vec!["check", bookings, &out, "--therapists", therapists];
    args.extend_from_slice(input);
    let c = housecall(&args);
    assert_eq!(
        c.code, 0,
        "check rejected the plan of {bookings}: {}{}",
        c.stdout, c.stderr
    );
    serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap()
}

/// A file under `../shared` beside the checkout, or `None` (with a message saying the test
/// skips) when `../shared` is absent.
pub fn shared(rel: &str) -> Option<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if p.exists() {
        Some(p.to_string_lossy().into_owned())
    } else {
        eprintln!(
            "skipping: {} not found (../shared is not beside the checkout)",
            p.display()
        );
        None
    }
}

/// Runs `housecall` with `args`, feeding `input` on standard input.
pub fn housecall_with_stdin(args: &[&str], input: &str) -> Run {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_housecall"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin piped")
        .write_all(input.as_bytes())
        .expect("input written");
    let out = child.wait_with_output().expect("the binary finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A visit of a JSON plan document.
pub struct PlannedVisit {
    pub booking: String,
    pub therapist: String,
    /// `HH:MM`.
    pub start: String,
    pub start_s: i64,
    pub end_s: i64,
}

/// The visits of a JSON plan document, route by route.
pub fn planned_visits(doc: &serde_json::Value) -> Vec<PlannedVisit> {
    let mut out = Vec::new();
    for route in doc["routes"].as_array().unwrap() {
        for s in route["stops"].as_array().unwrap() {
            if s["kind"] != "visit" {
                continue;
            }
            out.push(PlannedVisit {
                booking: s["booking"].as_str().unwrap().to_string(),
                therapist: route["therapist"].as_str().unwrap().to_string(),
                start: s["start"].as_str().unwrap().to_string(),
                start_s: s["start_s"].as_i64().unwrap(),
                end_s: s["end_s"].as_i64().unwrap(),
            });
        }
    }
    out
}

/// The unassigned entries of a JSON plan document as `(id, reason, detail)`.
pub fn unassigned_of(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    doc["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let s = |k: &str| u[k].as_str().unwrap().to_string();
            (s("booking"), s("reason"), s("detail"))
        })
        .collect()
}

/// Runs `housecall slots BOOKINGS --therapists TEAM --new NEW --format json`, asserts it
/// succeeds, and returns the answer.
pub fn slots_json(bookings: &str, team: &str, new: &str) -> serde_json::Value {
    let r = housecall(&[
        "slots",
        bookings,
        "--therapists",
        team,
        "--new",
        new,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// The value of property `name` of an iCalendar event, or "".
pub fn ical_prop(e: &ical::parser::ical::component::IcalEvent, name: &str) -> String {
    e.properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
        .unwrap_or_default()
}

/// The dates of a plan document's routes, in order, each once per run of routes.
pub fn route_dates(doc: &serde_json::Value) -> Vec<String> {
    let mut dates: Vec<String> = doc["routes"]
        .as_array()
        .expect("a plan document")
        .iter()
        .map(|r| r["date"].as_str().unwrap_or("").to_string())
        .collect();
    dates.dedup();
    dates
}
