//! `housecall serve`: the booking system's calls (plan, slots, re-plan, check) over HTTP, with
//! the JSON problem as the body. Stateless: the region and road model are loaded once at start;
//! nothing of a request is kept after its answer. CPU-bound work runs on bounded pools of
//! workers (one for solves, one for short answers), never on the async runtime; when the
//! workers and their short queue are full the answer is `503` with `Retry-After` at once.

mod api;
mod metrics;

use crate::Failure;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use housecall_region::{Region, RoadModel};
use metrics::Metrics;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Settings of `housecall serve`.
#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// Address and port to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// A region directory instead of the shipped western-GTA region.
    #[arg(long)]
    region: Option<String>,
    /// Requests solved at once (plans, re-plans), one core each, at the lowest priority; as
    /// many short answers (slots into a plan, checks) run beside them at the priority of the
    /// threads that answer HTTP [default: the machine's cores].
    #[arg(long)]
    workers: Option<usize>,
    /// Requests that may wait for a worker; beyond them the answer is 503 at once. A short
    /// queue keeps latency bounded: 64 waiting slot requests clear in tens of milliseconds,
    /// while 64 waiting plans with long time limits would not (lower it for those).
    /// [default: 64]
    #[arg(long)]
    queue: Option<usize>,
    /// Largest request body: bytes, or with KiB / MiB.
    #[arg(long, default_value = "1MiB")]
    max_body: String,
    /// Longest a request may take, reading its body included: 10s, 500ms, 2m. A plan's own
    /// time limit (options.time_limit_s) is capped by it.
    #[arg(long, default_value = "10s")]
    timeout: String,
    /// A file holding the bearer token every request (but /v1/health) must carry. Required
    /// when listening on anything but loopback, unless --insecure.
    #[arg(long)]
    token_file: Option<String>,
    /// Listen on a public address without a token (behind a gateway that authenticates).
    #[arg(long)]
    insecure: bool,
}

/// What every request shares: read-only after start, but for the counters.
pub(crate) struct App {
    region: Region,
    road: RoadModel,
    straight: housecall_core::StraightLine,
    /// Requests admitted: running or waiting for a worker.
    admit: Arc<Semaphore>,
    /// The workers that run the admitted requests' CPU-bound work: short answers on `quick`,
    /// solves on `solving` (at the lowest priority), `workers` threads each.
    quick: api::Pool,
    solving: api::Pool,
    workers: usize,
    max_body: usize,
    timeout: Duration,
    token: Option<Vec<u8>>,
    metrics: Metrics,
    next_id: AtomicU64,
    /// Distinguishes the request ids of one process from another's.
    boot: u64,
}

pub(crate) fn run(a: ServeArgs) -> Result<(), Failure> {
    no_transparent_huge_pages();
    let bad = |m: String| Failure::Input(m);
    let addr: SocketAddr = a.listen.parse().map_err(|_| {
        bad(format!(
            "--listen {}: expected ADDRESS:PORT, e.g. 127.0.0.1:8080",
            a.listen
        ))
    })?;
    let max_body = parse_size(&a.max_body).ok_or_else(|| {
        bad(format!(
            "--max-body {}: expected bytes, or a size like 512KiB or 1MiB (up to 64MiB)",
            a.max_body
        ))
    })?;
    let timeout = parse_duration(&a.timeout).ok_or_else(|| {
        bad(format!(
            "--timeout {}: expected a duration like 10s, 500ms or 2m (up to 1h)",
            a.timeout
        ))
    })?;
    let token = match &a.token_file {
        Some(path) => {
            let t = std::fs::read_to_string(path)
                .map_err(|e| bad(format!("--token-file {path}: cannot read: {e}")))?;
            let t = t.trim();
            if t.len() < 16 {
                return Err(bad(format!(
                    "--token-file {path}: the token must be at least 16 characters"
                )));
            }
            Some(t.as_bytes().to_vec())
        }
        None if !addr.ip().is_loopback() && !a.insecure => {
            return Err(bad(format!(
                "--listen {addr} is not a loopback address: give --token-file FILE (bookings are personal health information), or --insecure behind a gateway that authenticates"
            )))
        }
        None => None,
    };
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let workers = a.workers.unwrap_or(cores).clamp(1, 256);
    let queue = a.queue.unwrap_or(64).min(4096);
    // The solver's parallel pieces (a large day's matrix, exact routes per shift) run on
    // rayon's global pool, at the solving workers' lowest priority.
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .start_handler(|_| api::lower_priority())
        .build_global()
        .map_err(|e| bad(format!("cannot start the worker threads: {e}")))?;
    let region = crate::input::region(a.region.as_deref())?;
    let road = region.road_model();
    road.warm();
    region.areas.warm();
    let app = Arc::new(App {
        region,
        road,
        straight: housecall_region::straight_line(),
        admit: Arc::new(Semaphore::new(workers + queue)),
        quick: api::Pool::new(workers, "housecall-worker", false)
            .map_err(|e| bad(format!("cannot start the worker threads: {e}")))?,
        solving: api::Pool::new(workers, "housecall-solver", true)
            .map_err(|e| bad(format!("cannot start the worker threads: {e}")))?,
        workers,
        max_body,
        timeout,
        token,
        metrics: Metrics::new(),
        next_id: AtomicU64::new(1),
        boot: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() & 0xffff_ffff),
    });
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HOUSECALL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    // HTTP is a tenth of a slot request's work: one thread for it per four cores (beside the
    // thread that accepts connections). Two on two cores cost the load test's slot requests
    // 15 % more CPU (199-242 µs against 179-198 µs each) in waking and stealing between them.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores.div_ceil(4))
        .enable_all()
        .build()
        .map_err(|e| bad(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(serve(app, addr))
}

async fn serve(app: Arc<App>, addr: SocketAddr) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::Input(format!("--listen {addr}: cannot listen: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure::Input(format!("--listen {addr}: {e}")))?;
    // The first line on standard output: where to connect (tests and scripts read it).
    println!("housecall serve: listening on http://{local}");
    tracing::info!(%local, workers = app.workers, "listening");
    let service = router(app.clone());
    axum::serve(listener, axum::ServiceExt::into_make_service(service))
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| Failure::Input(format!("the server stopped: {e}")))?;
    tracing::info!("stopped: every request in flight answered");
    Ok(())
}

fn router(
    app: Arc<App>,
) -> impl tower::Service<
    Request,
    Response = Response,
    Error = std::convert::Infallible,
    Future: Send + 'static,
> + Clone
       + Send
       + 'static {
    let r = Router::new()
        .route("/v1/health", get(api::health))
        .route("/metrics", get(api::metrics))
        .route("/v1/plan", post(api::plan_handler))
        .route("/v1/slots", post(api::slots_handler))
        .route("/v1/replan", post(api::replan_handler))
        .route("/v1/check", post(api::check_handler));
    // Routes that panic, in debug builds only: the tests show a panic is caught, on the
    // async side and on a worker.
    #[cfg(debug_assertions)]
    let r = r
        .route("/v1/_panic", post(api::panic))
        .route("/v1/_panic_on_worker", post(api::panic_on_worker));
    // The middleware around the router as a whole: each request passes through it once,
    // where layers on the router would wrap (and clone, per request) every route.
    tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn_with_state(app.clone(), observe))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(caught))
        .layer(axum::middleware::from_fn_with_state(app.clone(), authorize))
        .service(r.fallback(api::not_found).with_state(app))
}

/// The id of a request, in its extensions and its answer's `x-request-id`.
#[derive(Clone)]
pub(crate) struct RequestId(pub String);

/// Gives each request an id, answers a panic inside it (caught by tower-http's guard) with
/// a 500 carrying the id (the server stays up), counts the request and logs it: method,
/// endpoint, status and time only, never a body.
async fn observe(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let n = app.next_id.fetch_add(1, Ordering::Relaxed);
    let id = format!("{:08x}-{n}", app.boot);
    let endpoint = metrics::endpoint(req.uri().path());
    let method = req.method().clone();
    req.extensions_mut().insert(RequestId(id.clone()));
    let started = Instant::now();
    let mut resp = next.run(req).await;
    if let Some(Panicked(text)) = resp.extensions_mut().remove::<Panicked>() {
        tracing::error!(request_id = %id, endpoint, "request panicked: {text}");
        resp =
            api::ApiError::internal("the request failed inside the server").into_response_with(&id);
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    let secs = started.elapsed().as_secs_f64();
    app.metrics.observe(endpoint, resp.status().as_u16(), secs);
    tracing::info!(
        request_id = %id,
        %method,
        endpoint,
        status = resp.status().as_u16(),
        ms = format!("{:.2}", secs * 1e3),
        "request"
    );
    resp
}

/// Marks the answer to a request that panicked, with the panic's message, for [`observe`]
/// to log and answer with the request id.
#[derive(Clone)]
struct Panicked(String);

/// The answer to a request that panicked (tower-http's panic guard calls it).
fn caught(panic: Box<dyn std::any::Any + Send>) -> Response {
    let text = (panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into());
    let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    resp.extensions_mut().insert(Panicked(text));
    resp
}

/// With a token: every request but the health check carries `Authorization: Bearer TOKEN`,
/// compared in constant time.
async fn authorize(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let Some(token) = &app.token else {
        return next.run(req).await;
    };
    if req.uri().path() == "/v1/health" {
        return next.run(req).await;
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::as_bytes)
        .unwrap_or_default();
    use subtle::ConstantTimeEq;
    if given.len() == token.len() && bool::from(given.ct_eq(token)) {
        return next.run(req).await;
    }
    let id = req
        .extensions()
        .get::<RequestId>()
        .map_or(String::new(), |r| r.0.clone());
    let mut resp = api::ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "give the service's token as Authorization: Bearer TOKEN",
    )
    .into_response_with(&id);
    resp.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    resp
}

/// Turns transparent huge pages off for the server process (Linux; elsewhere a no-op).
///
/// The allocator asks for huge pages on its arenas, and the first touch of a fresh 2 MiB page
/// has the kernel zero all of it inside whichever request touched it: on the thread that
/// answers HTTP, a burst of requests whose bodies needed new memory stalled for 3-6 ms in
/// `clear_page` (seen with `perf record -g` on that thread), and the `503` at the door was
/// late by as much. With ordinary pages the server's memory grows a page at a time; its
/// steady-state speed is the same (the load test's slot requests alike with and without)
/// and it holds less (21-22 MiB before the load test's phase 2 instead of 27-29).
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: a plain system call with integer arguments; it changes only how the kernel
    // backs this process's future page faults.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Resolves on SIGTERM or Ctrl-C: the server stops taking connections and finishes the
/// requests in flight.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: no new requests, finishing those in flight");
}

/// `1048576`, `512KiB`, `1MiB` (at most 64 MiB).
fn parse_size(s: &str) -> Option<usize> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    let n: usize = num.parse().ok()?;
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" | "k" | "kb" => 1024,
        "mib" | "m" | "mb" => 1024 * 1024,
        _ => return None,
    };
    let bytes = n.checked_mul(scale)?;
    (1..=64 * 1024 * 1024).contains(&bytes).then_some(bytes)
}

/// `10s`, `500ms`, `2m` (at most an hour).
fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = num.parse().ok()?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.checked_mul(60)?),
        _ => return None,
    };
    (d > Duration::ZERO && d <= Duration::from_secs(3600)).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations() {
        assert_eq!(parse_size("1MiB"), Some(1 << 20));
        assert_eq!(parse_size("512KiB"), Some(512 << 10));
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("0"), None);
        assert_eq!(parse_size("1GiB"), None);
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_duration("10s"), Some(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("2h"), None);
        assert_eq!(parse_duration("0s"), None);
    }
}
