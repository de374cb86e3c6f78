//! `housecall serve` (issue 11), tested with the real server on an ephemeral loopback port and
//! a real HTTP client: every endpoint, every error, the token rule, overload and graceful
//! shutdown.

mod common;
use common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server; killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_housecall"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("HOUSECALL_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout piped"))
            .read_line(&mut line)
            .expect("the server prints its address");
        let url = line
            .trim()
            .strip_prefix("housecall serve: listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Server { child, url }
    }

    fn post(&self, path: &str, body: &Value) -> (u16, Value, reqwest::header::HeaderMap) {
        let r = client()
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .expect("an answer");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, r.json().unwrap_or(Value::Null), headers)
    }

    /// The Prometheus text of `/metrics`.
    fn metrics(&self) -> String {
        let r = client()
            .get(format!("{}/metrics", self.url))
            .send()
            .unwrap();
        r.text().unwrap()
    }

    /// Starts a plan request that keeps a worker busy for 1.5 s; its status when joined.
    fn slow_plan(&self) -> std::thread::JoinHandle<u16> {
        let mut slow = problem();
        slow["options"] = json!({"time_limit_s": 1.5, "iterations": 100000000});
        let url = self.url.clone();
        std::thread::spawn(move || {
            let r = client().post(format!("{url}/v1/plan")).json(&slow).send();
            r.map_or(0, |r| r.status().as_u16())
        })
    }

    fn alive(&self) -> bool {
        client()
            .get(format!("{}/v1/health", self.url))
            .send()
            .is_ok_and(|r| r.status() == 200)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The example day as a JSON problem.
fn problem() -> Value {
    converted("data/examples/brampton-mississauga.csv", PRACTICE)
}

/// A bookings file and therapist file as a JSON problem (`housecall convert`).
fn converted(bookings: &str, therapists: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.json");
    let r = housecall(&[
        "convert",
        bookings,
        "--therapists",
        therapists,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

#[test]
fn every_endpoint_answers() {
    let s = Server::start(&[]);
    let health: Value = client()
        .get(format!("{}/v1/health", s.url))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["status"], "ok");

    let problem = problem();
    let (status, plan, headers) = s.post("/v1/plan", &problem);
    assert_eq!(status, 200, "{plan}");
    assert!(headers.contains_key("x-request-id"));
    assert_eq!(plan["summary"]["served"], 10);

    let (status, verdict, _) = s.post("/v1/check", &json!({"problem": problem, "plan": plan}));
    assert_eq!(status, 200);
    assert_eq!(verdict["valid"], true, "{verdict}");
    // A plan with a visit moved by an hour is not valid.
    let mut moved = plan.clone();
    let visit = &mut moved["routes"][0]["stops"][0];
    visit["start_s"] = json!(visit["start_s"].as_i64().unwrap() + 3600);
    let (_, verdict, _) = s.post("/v1/check", &json!({"problem": problem, "plan": moved}));
    assert_eq!(verdict["valid"], false);
    assert!(!verdict["violations"].as_array().unwrap().is_empty());

    // Slots into the planned day, with a lighter problem so that something fits.
    let mut light = problem.clone();
    light["bookings"].as_array_mut().unwrap().truncate(4);
    let (_, light_plan, _) = s.post("/v1/plan", &light);
    let new = json!({"id": "N1", "postal_code": "L6P 2R1", "treatment": "Deep Tissue Massage", "window": "09:00-17:00"});
    let (status, slots, _) = s.post(
        "/v1/slots",
        &json!({"problem": light, "plan": light_plan, "new": new, "top": 3}),
    );
    assert_eq!(status, 200, "{slots}");
    assert_eq!(slots["slots"].as_array().unwrap().len(), 3, "{slots}");
    // Without a plan the problem is planned first.
    let (status, slots2, _) = s.post(
        "/v1/slots",
        &json!({"problem": light, "new": new, "top": 3}),
    );
    assert_eq!(status, 200);
    assert_eq!(slots2["slots"], slots["slots"]);

    let first = plan["routes"][0]["stops"][0]["booking"]
        .as_str()
        .unwrap()
        .to_string();
    let later = plan["routes"][0]["stops"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|s| s["kind"] == "visit")
        .unwrap()["booking"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, again, _) = s.post(
        "/v1/replan",
        &json!({
            "problem": problem, "plan": plan, "now": "09:20",
            "cancel": [later], "delay": {first.clone(): 15},
            "add": [{"id": "x1", "postal_code": "L6P 2R1", "treatment": "Swedish Massage", "window": "14:00-17:00"}],
            "at": {"liam": {"lat": 43.6, "lon": -79.7}}
        }),
    );
    assert_eq!(status, 200, "{again}");
    let changes: Vec<&str> = again["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        changes.contains(&format!("{later}: cancelled").as_str()),
        "{changes:?}"
    );
    assert!(changes.contains(&format!("{first}: runs 15 min long").as_str()));

    let metrics = s.metrics();
    for name in [
        "housecall_requests_total{endpoint=\"plan\",status=\"200\"}",
        "housecall_request_duration_seconds_bucket",
        "housecall_solves_in_flight",
        "housecall_rejected_total",
    ] {
        assert!(metrics.contains(name), "{name} in\n{metrics}");
    }
}

#[test]
fn bad_requests_get_json_errors_with_paths() {
    let s = Server::start(&["--max-body", "64KiB"]);
    let send = |path: &str, body: &str| {
        let r = client()
            .post(format!("{}{path}", s.url))
            .body(body.to_string())
            .send()
            .unwrap();
        (
            r.status().as_u16(),
            r.json::<Value>().unwrap_or(Value::Null),
        )
    };
    let team = r#""therapists": [{"id": "m", "home": {"lat": 43.7, "lon": -79.7}}]"#;
    for (path, body, status, error, at) in [
        (
            "/v1/plan",
            "{\"bookings\": [".to_string(),
            400,
            "malformed_json",
            None,
        ),
        ("/v1/plan", "[]".into(), 400, "invalid_input", None),
        (
            "/v1/plan",
            format!(
                r#"{{"bookings": [{{"id": "a", "lat": 43.7, "lon": -79.7, "window": "25:00-26:00"}}], {team}}}"#
            ),
            400,
            "invalid_input",
            Some("bookings[0].window"),
        ),
        (
            "/v1/plan",
            format!(r#"{{"bookings": [], {team}, "extra": 1}}"#),
            400,
            "invalid_input",
            Some("extra"),
        ),
        (
            "/v1/plan",
            format!(r#"{{"bookings": "none", {team}}}"#),
            400,
            "invalid_input",
            Some("bookings"),
        ),
        (
            "/v1/slots",
            format!(
                r#"{{"problem": {{"bookings": [], {team}}}, "new": {{"id": "n", "lat": "x", "lon": -79.7}}}}"#
            ),
            400,
            "invalid_input",
            Some("new.lat"),
        ),
        (
            "/v1/replan",
            format!(r#"{{"problem": {{"bookings": [], {team}}}, "plan": {{}}, "now": "10:00"}}"#),
            400,
            "invalid_input",
            Some("plan"),
        ),
        ("/v1/nothing", "{}".into(), 404, "not_found", None),
        ("/v1/plan", "x".repeat(100_000), 413, "too_large", None),
    ] {
        let (code, doc) = send(path, &body);
        let short = &body[..body.len().min(80)];
        assert_eq!(code, status, "{path} {short}: {doc}");
        assert_eq!(doc["error"], error, "{path} {short}: {doc}");
        assert!(doc["request_id"].as_str().is_some_and(|id| !id.is_empty()));
        if let Some(at) = at {
            assert!(
                doc["path"].as_str().unwrap_or("").starts_with(at),
                "{path} {short}: {doc}"
            );
        }
    }
    // A body that is not UTF-8 text.
    let r = client()
        .post(format!("{}/v1/plan", s.url))
        .header("content-type", "application/json")
        .body(b"{\"bookings\": [\"\xff\"]}".to_vec())
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let doc = r.json::<Value>().unwrap();
    assert_eq!(doc["error"], "malformed_json", "{doc}");
    assert!(doc["detail"].as_str().unwrap().contains("UTF-8"), "{doc}");
    // A panic inside a request: 500 with the request id, and the server stays up.
    let (code, doc) = send("/v1/_panic", "{}");
    assert_eq!(code, 500);
    assert_eq!(doc["error"], "internal");
    assert!(
        doc["request_id"]
            .as_str()
            .is_some_and(|id| id.contains('-')),
        "{doc}"
    );
    assert!(s.alive());
    // And on a worker, more than there are workers: each one 500, the workers still there.
    for _ in 0..3 {
        let (code, doc) = send("/v1/_panic_on_worker", "{}");
        assert_eq!(code, 500, "{doc}");
        assert_eq!(doc["error"], "internal");
    }
    assert!(s.alive());
    let one = format!(r#"{{"bookings": [{{"id": "a", "lat": 43.6, "lon": -79.7}}], {team}}}"#);
    let (code, doc) = send("/v1/plan", &one);
    assert_eq!((code, &doc["summary"]["served"]), (200, &json!(1)), "{doc}");
}

#[test]
fn slow_and_vanished_clients_do_not_hold_the_server() {
    let s = Server::start(&["--timeout", "1s"]);
    let addr = s.url.trim_start_matches("http://").to_string();
    // A client that sends half its body and stalls: 408 after the timeout.
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        slow,
        "POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"bookings\""
    )
    .unwrap();
    let started = Instant::now();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    let _ = slow.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Clients that vanish mid-request.
    for _ in 0..20 {
        let mut gone = std::net::TcpStream::connect(&addr).unwrap();
        let _ = write!(
            gone,
            "POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{{"
        );
    }
    assert!(s.alive());
}

#[test]
fn overload_is_turned_away_at_once() {
    let s = Server::start(&["--workers", "1", "--queue", "0"]);
    let busy = s.slow_plan();
    std::thread::sleep(Duration::from_millis(400));
    let started = Instant::now();
    let (status, doc, headers) = s.post("/v1/plan", &problem());
    assert_eq!(status, 503, "{doc}");
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(doc["error"], "busy");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(busy.join().unwrap(), 200, "the admitted one finishes");
    let metrics = s.metrics();
    assert!(metrics.contains("housecall_rejected_total 1"), "{metrics}");
}

#[test]
fn a_request_that_cannot_start_within_its_limit_is_answered_then() {
    let s = Server::start(&["--workers", "1", "--queue", "4"]);
    let busy = s.slow_plan();
    std::thread::sleep(Duration::from_millis(300));
    // Admitted to the queue, but the only worker is taken for longer than its limit.
    let mut quick = problem();
    quick["options"] = json!({"time_limit_s": 0.3});
    let started = Instant::now();
    let (status, doc, headers) = s.post("/v1/plan", &quick);
    let took = started.elapsed();
    assert_eq!(status, 503, "{doc}");
    assert_eq!(doc["error"], "busy");
    assert!(
        doc["detail"].as_str().unwrap().contains("time limit"),
        "{doc}"
    );
    assert_eq!(headers["retry-after"], "1");
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_millis(1100),
        "answered after {took:?}, at its limit, not when the worker came free"
    );
    // A body that is not JSON is answered at once, not after a wait for the worker (a body
    // still waiting after 10 ms has its head read for its time limit; a broken one is then
    // read in full for its error).
    let started = Instant::now();
    let r = client()
        .post(format!("{}/v1/plan", s.url))
        .header("content-type", "application/json")
        .body("{\"bookings\": [")
        .send()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(r.json::<Value>().unwrap()["error"], "malformed_json");
    assert!(
        took < Duration::from_millis(500),
        "answered after {took:?}: it waited for the worker"
    );
    assert_eq!(busy.join().unwrap(), 200, "the running one finishes");
    assert!(s.alive());
}

#[test]
fn short_answers_do_not_wait_behind_solves() {
    let s = Server::start(&["--workers", "1", "--queue", "4"]);
    let mut light = problem();
    light["bookings"].as_array_mut().unwrap().truncate(4);
    let (status, plan, _) = s.post("/v1/plan", &light);
    assert_eq!(status, 200, "{plan}");
    let busy = s.slow_plan();
    std::thread::sleep(Duration::from_millis(300));
    // The one worker for solves is taken for more than a second; slots into a plan and a
    // check run on the workers for short answers meanwhile.
    let started = Instant::now();
    let new = json!({"id": "N1", "postal_code": "L6P 2R1", "window": "09:00-17:00"});
    let (status, slots, _) = s.post(
        "/v1/slots",
        &json!({"problem": light, "plan": plan, "new": new, "top": 3}),
    );
    assert_eq!(status, 200, "{slots}");
    assert_eq!(slots["slots"].as_array().unwrap().len(), 3, "{slots}");
    let (status, verdict, _) = s.post("/v1/check", &json!({"problem": light, "plan": plan}));
    assert_eq!(status, 200);
    assert_eq!(verdict["valid"], true, "{verdict}");
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(900),
        "answered after {took:?}: behind the solve"
    );
    assert_eq!(busy.join().unwrap(), 200, "the solve finishes");
}

/// Linux: the server runs without transparent huge pages (a fresh 2 MiB page, zeroed whole
/// inside whichever request first touched it, held a burst's answers back by milliseconds).
#[cfg(target_os = "linux")]
#[test]
fn the_server_runs_without_transparent_huge_pages() {
    let s = Server::start(&[]);
    let status = std::fs::read_to_string(format!("/proc/{}/status", s.child.id()))
        .expect("the server's /proc status");
    // The field is there from Linux 5.0 on.
    if let Some(line) = status.lines().find(|l| l.starts_with("THP_enabled:")) {
        assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
    }
}

#[test]
fn a_public_address_needs_a_token() {
    let r = housecall(&["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--token-file"), "{}", r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let token = "s3cret-token-for-tests-0123456789";
    let file = write(dir.path(), "token", format!("{token}\n"));
    let short = write(dir.path(), "short", "abc");
    let r = housecall(&["serve", "--token-file", &short]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("at least 16 characters"), "{}", r.stderr);
    let s = Server::start(&["--token-file", &file]);
    let problem = problem();
    let post = |auth: Option<&str>| {
        let mut r = client().post(format!("{}/v1/plan", s.url)).json(&problem);
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        r.send().unwrap().status().as_u16()
    };
    assert_eq!(post(None), 401);
    assert_eq!(post(Some("Bearer wrong-token-of-the-same-len")), 401);
    assert_eq!(post(Some(token)), 401, "the scheme is required");
    assert_eq!(post(Some(&format!("Bearer {token}"))), 200);
    assert!(s.alive(), "the health check needs no token");
    let m = client().get(format!("{}/metrics", s.url)).send().unwrap();
    assert_eq!(m.status().as_u16(), 401);
}

#[test]
fn sigterm_finishes_the_requests_in_flight() {
    let mut s = Server::start(&[]);
    let mut slow = problem();
    slow["options"] = json!({"time_limit_s": 1.5, "iterations": 100000000});
    let url = s.url.clone();
    let in_flight = std::thread::spawn(move || {
        client()
            .post(format!("{url}/v1/plan"))
            .json(&slow)
            .send()
            .map(|r| r.status().as_u16())
    });
    std::thread::sleep(Duration::from_millis(400));
    let term = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    assert_eq!(in_flight.join().unwrap().unwrap(), 200);
    let status = s.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    // No new connections after it stopped.
    assert!(client().get(format!("{}/v1/health", s.url)).send().is_err());
}

#[test]
fn a_week_problem_is_planned_over_its_days() {
    let mut week = converted(
        "data/examples/week-35.csv",
        "data/examples/week-therapist.toml",
    );
    week["options"] = json!({"from": "2026-12-07", "to": "2026-12-11", "iterations": 30});
    let s = Server::start(&[]);
    let (status, plan, _) = s.post("/v1/plan", &week);
    assert_eq!(status, 200, "{plan}");
    assert_eq!(
        route_dates(&plan),
        ["2026-12-07", "2026-12-08", "2026-12-10", "2026-12-11"]
    );
    week["options"] = json!({"from": "2026-12-07"});
    let (status, err, _) = s.post("/v1/plan", &week);
    assert_eq!(status, 400);
    assert_eq!(err["path"], "options", "{err}");
}
