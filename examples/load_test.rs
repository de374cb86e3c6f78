//! Load test of `housecall serve`, loopback only, bounded in count and time:
//!
//! 0. 1,000 slot requests on one connection: the latency of a request alone.
//! 1. 10,000 slot requests for an 8-visit day at 32 concurrent connections: p50, p99, errors.
//! 2. The same with 1,000 malformed requests mixed in, three rounds: every malformed one must
//!    be 4xx, none 5xx; the server's memory (resident set) before and after each round (it
//!    must level off, not grow round by round).
//! 3. Overload: more concurrent plan requests than workers: how fast the 503s come, and
//!    whether the admitted ones finish within their limits; twice, on connections opened
//!    beforehand and with each request opening its own (80 connections at once cost some
//!    milliseconds of their own).
//!
//! Phases 0 and 1 (and 1b, the floor: `GET /v1/health`) also print the CPU time the server
//! and this generator spent per request (Linux), which on a machine with few cores decides
//! a closed loop's latency.
//!
//! `cargo build --release && cargo run --release --example load_test` starts
//! `target/release/housecall serve` on a free loopback port itself; `-- --url URL` uses a
//! running server instead (the server's memory and CPU figures then need `--pid PID`).
//! `-- --overload-rounds N` repeats phase 3 N times and sums up the slowest `503` at the door
//! of every burst; `-- --overload-only` skips phases 0 to 2 (a fresh server's first bursts).

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

// One thread: the generator shares the machine's cores with the server, and on one thread
// it spends less of them per request (14 against 15-17 µs with tokio's two) and so measures
// the server rather than itself.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let mut server: Option<Child> = None;
    let (url, pid) = match arg("--url") {
        Some(u) => (u, arg("--pid").and_then(|p| p.parse().ok())),
        None => {
            let (child, url) = start(&format!("{root}/target/release/housecall"));
            let pid = child.id();
            server = Some(child);
            (url, Some(pid))
        }
    };
    if !args.iter().any(|a| a == "--overload-only") {
        slot_phases(&url, pid, root).await;
    }
    let rounds: usize = arg("--overload-rounds").map_or(1, |r| {
        r.parse()
            .ok()
            .filter(|&r| r > 0)
            .expect("--overload-rounds: a count above 0")
    });
    println!("phase 3: overload, 80 concurrent plan requests of the generated week (time limit 1 s each)");
    let week = housecall_io::files_to_problem_json(
        &format!("{root}/data/examples/week-60.csv"),
        &format!("{root}/data/examples/team-3.toml"),
    )
    .expect("the example week");
    let mut slow: Value = serde_json::from_str(&week).expect("a document");
    slow["options"] = json!({"time_limit_s": 1.0, "iterations": 100_000_000});
    // Encoded once, as the slot bodies are: the time measured is the server's, not the
    // generator's JSON encoder's.
    let slow = Bytes::from(serde_json::to_vec(&slow).expect("a body"));
    // The slowest 503 at the door of each burst, in milliseconds.
    let mut door = Vec::new();
    for _ in 0..rounds {
        for open in [true, false] {
            door.extend(overload(&url, &slow, open).await);
        }
    }
    if door.len() > 2 {
        door.sort_by(f64::total_cmp);
        println!(
            "  the slowest 503 at the door of each of {} bursts: median {:.1} ms, at most {:.1} ms; above 5 ms: {}",
            door.len(),
            door[door.len() / 2],
            door[door.len() - 1],
            door.iter().filter(|&&ms| ms > 5.0).count()
        );
    }
    if let Some(mut child) = server {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Phases 0 to 2: slot requests alone, 32 at a time, with malformed ones mixed in.
async fn slot_phases(url: &str, pid: Option<u32>, root: &str) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client");
    let (problem, requests) = day_of_8(root);
    let plan: Value = http
        .post(format!("{url}/v1/plan"))
        .json(&problem)
        .send()
        .await
        .expect("the plan answers")
        .json()
        .await
        .expect("a plan");
    assert_eq!(plan["summary"]["served"], 8, "{plan}");
    let bodies: Vec<Bytes> = requests
        .iter()
        .map(|new| {
            serde_json::to_vec(&json!({"problem": problem, "plan": plan, "new": new, "top": 5}))
                .expect("a body")
                .into()
        })
        .collect();
    let bodies = Arc::new(bodies);

    // Warm-up, not counted.
    run(url, &bodies, 500, 32, 0).await;

    println!("phase 0: 1,000 slot requests, 8-visit day, one connection (latency unloaded)");
    let cpu = Cpu::start(pid);
    let r = run(url, &bodies, 1_000, 1, 0).await;
    r.print();
    cpu.print(1_000);

    println!("phase 1: 10,000 slot requests, 8-visit day, 32 connections");
    let cpu = Cpu::start(pid);
    let r = run(url, &bodies, 10_000, 32, 0).await;
    r.print();
    cpu.print(10_000);

    println!("phase 1b: the floor: 10,000 GET /v1/health (no work), 32 connections");
    let cpu = Cpu::start(pid);
    let r = run(url, &Arc::new(Vec::new()), 10_000, 32, 0).await;
    r.print();
    cpu.print(10_000);

    let rss_before = pid.and_then(rss_kib);
    println!(
        "phase 2: 10,000 slot requests with 1,000 malformed mixed in, 32 connections, three rounds"
    );
    let mut rss_after = Vec::new();
    for _ in 0..3 {
        let r = run(url, &bodies, 11_000, 32, 11).await;
        r.print();
        rss_after.extend(pid.and_then(rss_kib).map(|k| (k / 1024).to_string()));
    }
    if let Some(before) = rss_before {
        println!(
            "  server resident memory: {} MiB before, after each round {} MiB",
            before / 1024,
            rss_after.join(", ")
        );
    }
    let health = http.get(format!("{url}/v1/health")).send().await;
    println!(
        "  server alive afterwards: {}",
        health.is_ok_and(|h| h.status().is_success())
    );
}

/// Sends 80 plan requests of `body` at once, on connections opened beforehand (`open`, as
/// a booking site's back end keeps them) or each opened by its request, and prints how the
/// server answered: `503` at the door (queue full), `503` after waiting for a worker past
/// the request's time limit, `200`. Returns the slowest `503` at the door, in milliseconds
/// (none when no request was turned away there).
async fn overload(url: &str, body: &Bytes, open: bool) -> Option<f64> {
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut conns = Vec::new();
    for _ in 0..80 {
        conns.push(if open { connect(&host).await } else { None });
    }
    let mut tasks = Vec::new();
    for conn in conns {
        let (host, body) = (host.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let Some(mut send) = (match conn {
                Some(c) => Some(c),
                None => connect(&host).await,
            }) else {
                return (0, false, t.elapsed());
            };
            let request = hyper::Request::post("/v1/plan")
                .header(hyper::header::HOST, host.as_str())
                .header(hyper::header::CONTENT_TYPE, "application/json")
                .body(Full::new(body))
                .expect("a request");
            let Ok(r) = send.send_request(request).await else {
                return (0, false, t.elapsed());
            };
            let status = r.status().as_u16();
            let doc: Value = match r.into_body().collect().await {
                Ok(b) => serde_json::from_slice(&b.to_bytes()).unwrap_or(Value::Null),
                Err(_) => Value::Null,
            };
            let waited = doc["detail"].as_str().is_some_and(|d| d.contains("waited"));
            (status, waited, t.elapsed())
        }));
    }
    let (mut at_door, mut expired, mut admitted) = (Vec::new(), Vec::new(), Vec::new());
    for t in tasks {
        match t.await.expect("a task") {
            (503, false, took) => at_door.push(took),
            (503, true, took) => expired.push(took),
            (200, _, took) => admitted.push(took),
            (other, ..) => println!("  unexpected status {other}"),
        }
    }
    let max = |v: &[Duration]| v.iter().max().copied().unwrap_or_default();
    println!(
        "  {}:",
        if open {
            "on 80 connections opened beforehand"
        } else {
            "each request opening its connection"
        }
    );
    println!(
        "    503 at the door (queue full): {} (slowest answered in {:.1} ms)",
        at_door.len(),
        max(&at_door).as_secs_f64() * 1e3
    );
    println!(
        "    503 after waiting for a worker past their time limit: {} (slowest {:.2} s)",
        expired.len(),
        max(&expired).as_secs_f64()
    );
    println!(
        "    200: {} (slowest {:.2} s)",
        admitted.len(),
        max(&admitted).as_secs_f64()
    );
    (!at_door.is_empty()).then(|| max(&at_door).as_secs_f64() * 1e3)
}

/// Starts the server on a free loopback port and returns it with its address.
fn start(binary: &str) -> (Child, String) {
    let mut child = Command::new(binary)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("HOUSECALL_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{binary}: {e}; run cargo build --release first"));
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("the address line");
    let url = line
        .trim()
        .trim_start_matches("housecall serve: listening on ")
        .to_string();
    (child, url)
}

/// The 8-visit day of `benches/booking.rs` as a JSON problem (the generated week's 8
/// bookings nearest the first therapist's home, undated 45-minute sessions without windows,
/// shift 07:30-20:00, lunch), and the other 52 bookings as slot requests.
fn day_of_8(root: &str) -> (Value, Vec<Value>) {
    let text = housecall_io::files_to_problem_json(
        &format!("{root}/data/examples/week-60.csv"),
        &format!("{root}/data/examples/team-3.toml"),
    )
    .expect("the example week");
    let mut doc: Value = serde_json::from_str(&text).expect("a document");
    let mut therapist = doc["therapists"][0].clone();
    therapist["shift"] = json!("07:30-20:00");
    let (hlat, hlon) = (
        therapist["home"]["lat"].as_f64().unwrap_or(0.0),
        therapist["home"]["lon"].as_f64().unwrap_or(0.0),
    );
    let mut bookings: Vec<Value> = doc["bookings"].as_array().cloned().unwrap_or_default();
    let far = |b: &Value| {
        let (lat, lon) = (
            b["lat"].as_f64().unwrap_or(0.0),
            b["lon"].as_f64().unwrap_or(0.0),
        );
        let dx = (lon - hlon) * hlat.to_radians().cos();
        dx * dx + (lat - hlat) * (lat - hlat)
    };
    bookings.sort_by(|a, b| far(a).total_cmp(&far(b)));
    for b in &mut bookings {
        let m = b.as_object_mut().expect("a booking object");
        m.remove("window");
        m.remove("date");
        m.insert("duration_min".into(), json!(45));
    }
    let requests: Vec<Value> = bookings
        .split_off(8)
        .into_iter()
        .map(|mut b| {
            b["id"] = json!(format!("new-{}", b["id"].as_str().unwrap_or("")));
            b
        })
        .collect();
    doc["bookings"] = json!(bookings);
    doc["therapists"] = json!([therapist]);
    (doc, requests)
}

/// Results of one phase.
struct Results {
    latencies: Vec<Duration>,
    by_status: std::collections::BTreeMap<u16, usize>,
    malformed_ok: usize,
    malformed_bad: usize,
    elapsed: Duration,
}

impl Results {
    fn print(&self) {
        let mut l = self.latencies.clone();
        l.sort();
        let at = |p: f64| {
            l.get(((l.len().max(1) - 1) as f64 * p).round() as usize)
                .copied()
                .unwrap_or_default()
        };
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "  {} valid requests in {:.2} s ({:.0}/s): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            l.len(),
            self.elapsed.as_secs_f64(),
            l.len() as f64 / self.elapsed.as_secs_f64(),
            ms(at(0.5)),
            ms(at(0.9)),
            ms(at(0.99)),
            ms(at(1.0))
        );
        println!("  statuses: {:?}", self.by_status);
        if self.malformed_ok + self.malformed_bad > 0 {
            println!(
                "  malformed: {} answered 4xx, {} answered otherwise",
                self.malformed_ok, self.malformed_bad
            );
        }
    }
}

/// One keep-alive HTTP/1.1 connection to `host` (`127.0.0.1:PORT`), as a booking site's
/// back end keeps one per worker; `None` when it cannot be made.
async fn connect(host: &str) -> Option<SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(host).await.ok()?;
    stream.set_nodelay(true).ok()?;
    let (send, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(connection);
    Some(send)
}

/// Sends `total` requests over `connections` concurrent connections, each request on its
/// connection as soon as the answer before it is read (a closed loop); every `bad_every`-th
/// (when not 0) is malformed in one of several ways. Without bodies the requests are
/// `GET /v1/health`: what HTTP alone costs on this machine. The requests are plain hyper
/// ones over a connection per worker, their bodies encoded once: what the generator spends
/// per request is CPU the server, on the same machine, does not get.
async fn run(
    url: &str,
    bodies: &Arc<Vec<Bytes>>,
    total: usize,
    connections: usize,
    bad_every: usize,
) -> Results {
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (host, bodies, next) = (host.clone(), bodies.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            let mut send: Option<SendRequest<Full<Bytes>>> = None;
            let host_value = hyper::header::HeaderValue::from_str(&host).expect("a host");
            loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if k >= total {
                    break;
                }
                let malformed = bad_every > 0 && k % bad_every == 0;
                let slots = || {
                    hyper::Request::post("/v1/slots")
                        .header(hyper::header::CONTENT_TYPE, "application/json")
                };
                let (request, body) = if bodies.is_empty() {
                    (hyper::Request::get("/v1/health"), Bytes::new())
                } else if malformed {
                    (slots(), Bytes::from(bad_body(k / bad_every, &bodies[0])))
                } else {
                    (slots(), bodies[k % bodies.len()].clone())
                };
                let request = request
                    .header(hyper::header::HOST, host_value.clone())
                    .body(Full::new(body))
                    .expect("a request");
                let t = Instant::now();
                // A connection the server closed (after a 413, say) is made again.
                if let Some(s) = &mut send {
                    if s.ready().await.is_err() {
                        send = None;
                    }
                }
                if send.is_none() {
                    send = connect(&host).await;
                }
                let status = match &mut send {
                    Some(s) => match s.send_request(request).await {
                        Ok(r) => {
                            let status = r.status().as_u16();
                            match r.into_body().collect().await {
                                Ok(_) => status,
                                Err(_) => 0,
                            }
                        }
                        Err(_) => 0,
                    },
                    None => 0,
                };
                if status == 0 {
                    send = None;
                }
                out.push((malformed, status, t.elapsed()));
            }
            out
        }));
    }
    let mut r = Results {
        latencies: Vec::new(),
        by_status: Default::default(),
        malformed_ok: 0,
        malformed_bad: 0,
        elapsed: Duration::ZERO,
    };
    for t in tasks {
        for (malformed, status, took) in t.await.expect("a task") {
            *r.by_status.entry(status).or_default() += 1;
            if malformed {
                if (400..500).contains(&status) {
                    r.malformed_ok += 1;
                } else {
                    r.malformed_bad += 1;
                }
            } else {
                r.latencies.push(took);
            }
        }
    }
    r.elapsed = started.elapsed();
    r
}

/// The `k`-th kind of malformed request: broken JSON, wrong types, unknown fields, bad
/// values, an oversized body.
fn bad_body(k: usize, good: &[u8]) -> Vec<u8> {
    let good: Value = serde_json::from_slice(good).unwrap_or(Value::Null);
    match k % 6 {
        0 => b"{\"problem\": {\"bookings\": [".to_vec(),
        1 => br#"{"problem": 5, "new": {}}"#.to_vec(),
        2 => {
            let mut v = good;
            v["surprise"] = json!(true);
            serde_json::to_vec(&v).unwrap_or_default()
        }
        3 => {
            let mut v = good;
            v["new"]["window"] = json!("25:00-26:00");
            serde_json::to_vec(&v).unwrap_or_default()
        }
        4 => {
            let mut v = good;
            v["problem"]["bookings"][0]["lat"] = json!("north");
            serde_json::to_vec(&v).unwrap_or_default()
        }
        _ => vec![b' '; 2 << 20],
    }
}

/// CPU time spent by the server and by this generator over a phase (Linux): on a machine
/// with few cores the two share them, so a closed loop's latency follows their sum.
struct Cpu {
    pid: Option<u32>,
    server: Option<Duration>,
    generator: Option<Duration>,
}

impl Cpu {
    fn start(pid: Option<u32>) -> Self {
        Cpu {
            pid,
            server: pid.and_then(cpu_time),
            generator: cpu_time(std::process::id()),
        }
    }

    /// Prints the CPU time per request of each side since `start`.
    fn print(&self, requests: u32) {
        let per =
            |before: Option<Duration>, pid: Option<u32>| match (before, pid.and_then(cpu_time)) {
                (Some(b), Some(a)) => format!(
                    "{:.0} us",
                    (a - b).as_secs_f64() * 1e6 / f64::from(requests)
                ),
                _ => "unknown".to_string(),
            };
        println!(
            "  CPU per request: server {}, load generator {}",
            per(self.server, self.pid),
            per(self.generator, Some(std::process::id()))
        );
    }
}

/// User and system CPU time of a process so far (Linux).
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime
    // and stime the 14th and 15th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    let per_s = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Some(Duration::from_secs_f64(ticks as f64 / per_s))
}

/// Resident memory of a process, KiB (Linux).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
