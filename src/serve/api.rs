//! The endpoints: bodies in, JSON out, errors as `{error, path, detail, request_id}` with
//! the JSON paths the CLI names.

use super::{App, RequestId};
use crate::input::{planned_days, resolve_areas, travel_of, RegionLocator, Travel};
use axum::body::Body;
use axum::body::HttpBody;
use axum::extract::{Extension, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use housecall_core::{
    check, check_resumed, replan, replan_day, solve, Location, Plan, Prepared, Problem, Resume,
    Seconds, SlotQuery, SolveOptions, TravelModel,
};
use housecall_io::{BookingObject, InputError, Layout, PlanInput, ProblemDoc};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::OwnedSemaphorePermit;

/// An error answer.
pub(crate) struct ApiError {
    status: StatusCode,
    error: &'static str,
    path: Option<String>,
    detail: String,
}

#[derive(Serialize)]
struct ErrorDoc<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    detail: &'a str,
    request_id: &'a str,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, error: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            error,
            path: None,
            detail: detail.into(),
        }
    }

    pub(crate) fn internal(detail: &str) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }

    fn invalid(path: Option<String>, detail: impl Into<String>) -> Self {
        ApiError {
            path,
            ..Self::new(StatusCode::BAD_REQUEST, "invalid_input", detail)
        }
    }

    /// An input error of the readers: its field is the JSON path, under `prefix`.
    fn input(e: InputError, prefix: &str) -> Self {
        let path = match &e.field {
            Some(f) => Some(format!("{prefix}{f}")),
            None => Some(prefix.trim_end_matches('.').to_string()).filter(|p| !p.is_empty()),
        };
        let detail = match &e.value {
            Some(v) => format!("{v:?}: {}", e.message),
            None => e.message.clone(),
        };
        Self::invalid(path, detail)
    }

    pub(crate) fn into_response_with(self, request_id: &str) -> Response {
        let doc = ErrorDoc {
            error: self.error,
            path: self.path.as_deref(),
            detail: &self.detail,
            request_id,
        };
        let mut resp = (self.status, json(&doc)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        resp
    }
}

/// A handler's outcome: JSON text, or an error; answered with the request's id.
type Answer = Result<String, ApiError>;

fn respond(id: &RequestId, answer: Answer) -> Response {
    match answer {
        Ok(text) => json_text(text),
        Err(e) => e.into_response_with(&id.0),
    }
}

/// A JSON document's text as an answer.
fn json_text(text: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        text,
    )
        .into_response()
}

fn json<T: Serialize>(v: &T) -> Response {
    json_text(Layout::Compact.write(v))
}

pub(crate) async fn health(State(app): State<Arc<App>>) -> Response {
    json(&serde_json::json!({
        "status": "ok",
        "workers": app.workers,
        "free": app.admit.available_permits(),
    }))
}

pub(crate) async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        app.metrics.render(),
    )
        .into_response()
}

pub(crate) async fn not_found(Extension(id): Extension<RequestId>) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; see POST /v1/plan, /v1/slots, /v1/replan, /v1/check, GET /v1/health, /metrics",
    )
    .into_response_with(&id.0)
}

#[cfg(debug_assertions)]
pub(crate) async fn panic() -> Response {
    panic!("a test of the panic guard")
}

#[cfg(debug_assertions)]
pub(crate) async fn panic_on_worker(
    State(app): State<Arc<App>>,
    Extension(id): Extension<RequestId>,
) -> Response {
    let job = |_: &App| -> Result<(), ApiError> { panic!("a test of the worker's panic guard") };
    let answer = match admit(&app) {
        Ok(admitted) => {
            on_worker(
                &app,
                &app.quick,
                admitted,
                Instant::now(),
                || Ok(app.timeout),
                job,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match answer {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response_with(&id.0),
    }
}

/// Bytes of an unwanted body (too large, or not admitted) read and dropped before the
/// answer, so that a client still sending it sees the answer rather than a reset connection.
const DRAIN_CAP: usize = 16 << 20;

/// Reads the whole body within the size and time limits, as text (checked as UTF-8 once here,
/// so that serde_json checks no string again). A body over the size limit is read on (up to
/// [`DRAIN_CAP`]) and dropped before the `413`.
async fn body(app: &App, body: Body) -> Result<String, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is larger than {} bytes", app.max_body),
        )
    };
    let read = async {
        let mut body = body;
        // A declared length over the limit is not kept at all; one within it is kept in
        // one allocation.
        let declared = usize::try_from(body.size_hint().lower()).unwrap_or(usize::MAX);
        let mut over = declared > app.max_body;
        let mut kept = Vec::with_capacity(if over { 0 } else { declared });
        let mut drained = 0usize;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_body",
                    "the request body could not be read",
                ));
            };
            let Ok(data) = frame.into_data() else {
                continue; // trailers
            };
            if !over && kept.len() + data.len() <= app.max_body {
                kept.extend_from_slice(&data);
                continue;
            }
            over = true;
            kept = Vec::new();
            drained = drained.saturating_add(data.len());
            if drained > DRAIN_CAP {
                break;
            }
        }
        if over {
            Err(too_large())
        } else {
            String::from_utf8(kept).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_json",
                    format!("the body is not UTF-8 text: {}", e.utf8_error()),
                )
            })
        }
    };
    tokio::time::timeout(app.timeout, read)
        .await
        .unwrap_or_else(|_| {
            Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "the request body did not arrive in time",
            ))
        })
}

/// Reads and drops a body that will not be used (up to the size limit, for at most a
/// second), so that the client sees the answer.
async fn drain(app: &App, body: Body) {
    let drop_all = async {
        let mut body = body;
        let mut seen = 0usize;
        while let Some(Ok(frame)) = body.frame().await {
            seen = seen.saturating_add(frame.data_ref().map_or(0, |d| d.len()));
            if seen > app.max_body {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(app.timeout.min(Duration::from_secs(1)), drop_all).await;
}

/// Parses a body as `T`: malformed JSON, a wrong type or an unknown field is a 400 naming
/// the JSON path.
fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    // The common case without tracking paths; a body that fails is read again for the path.
    if let Ok(t) = serde_json::from_str(text) {
        return Ok(t);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let t = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let (error, path) = if inner.is_syntax() || inner.is_eof() {
            ("malformed_json", None)
        } else {
            ("invalid_input", (path != ".").then_some(path))
        };
        ApiError {
            path,
            ..ApiError::new(StatusCode::BAD_REQUEST, error, inner.to_string())
        }
    })?;
    // Only white space may follow the document.
    de.end()
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.to_string()))?;
    Ok(t)
}

/// A place among the admitted requests (running or waiting for a worker), or `503` when
/// every worker and queue place is taken.
fn admit(app: &App) -> Result<OwnedSemaphorePermit, ApiError> {
    app.admit.clone().try_acquire_owned().map_err(|_| {
        app.metrics.rejected.inc();
        busy("every worker is busy; try again in a second")
    })
}

const QUEUED_TOO_LONG: &str =
    "the request waited for a worker past its time limit; try again in a second";

fn busy(detail: &str) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", detail)
}

/// A job for a worker.
type Job = Box<dyn FnOnce() + Send>;

/// Worker threads taking jobs in the order they came. A worker that finishes one takes the
/// next waiting one at once, without a round trip through the async runtime (which cost a
/// fifth of a slot request's CPU as a hand-off per request).
///
/// The service has two: one for short answers (slots into a plan, checks: a tenth of a
/// millisecond each) at the priority of the threads that answer HTTP, since switching out
/// for every thread that wakes costs such a job more than it waits; and one for solves
/// (plans and re-plans, up to their time limits) at the [lowest](lower_priority), so that a
/// full pool of them never delays a `503` or a health check, nor a short answer.
pub(crate) struct Pool {
    queue: std::sync::mpsc::Sender<Job>,
}

impl Pool {
    /// Starts `workers` threads named `name-k`, at the lowest priority if `lowered`.
    pub(crate) fn new(workers: usize, name: &str, lowered: bool) -> std::io::Result<Pool> {
        let (queue, jobs) = std::sync::mpsc::channel::<Job>();
        let jobs = Arc::new(std::sync::Mutex::new(jobs));
        for k in 0..workers {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name(format!("{name}-{k}"))
                .spawn(move || {
                    if lowered {
                        lower_priority();
                    }
                    // The lock is held only while waiting for the next job.
                    while let Ok(job) = jobs
                        .lock()
                        .map_err(drop)
                        .and_then(|j| j.recv().map_err(drop))
                    {
                        job();
                    }
                })?;
        }
        Ok(Pool { queue })
    }
}

/// Drops a job not yet started, with the request it belongs to.
struct Abandon<J>(Arc<std::sync::Mutex<Option<J>>>);

impl<J> Drop for Abandon<J> {
    fn drop(&mut self) {
        if let Ok(mut waiting) = self.0.lock() {
            waiting.take();
        }
    }
}

/// How long a request waits for a worker before its time limit is read from its body's
/// [`Head`]: most are taken by a worker sooner (under the load test's 32 connections, p99
/// 4-5 ms), and never need it. One whose limit is shorter and that no worker has taken by
/// then is answered `503` then.
const HEAD_AFTER: Duration = Duration::from_millis(10);

/// Runs `job` on a worker of `pool` once one is free, off the async runtime. A request
/// still waiting for a worker after [`HEAD_AFTER`] gets its time limit from `limit` (or, for
/// a body that does not read, its error at once); one still waiting when that limit has
/// passed since `started` is answered `503` then (it could not finish within its limit), and
/// its job, with the body it holds, is dropped at once; one already running goes on to its
/// answer (its own time limit bounds it).
async fn on_worker<T: Send + 'static>(
    app: &Arc<App>,
    pool: &Pool,
    admitted: OwnedSemaphorePermit,
    started: Instant,
    limit: impl FnOnce() -> Result<Duration, ApiError>,
    job: impl FnOnce(&App) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    // Taken by the worker that starts it, or by the request when it gives up waiting or is
    // dropped (its client gone) before that.
    let waiting = Arc::new(std::sync::Mutex::new(Some((job, admitted))));
    let take = |w: &std::sync::Mutex<Option<_>>| w.lock().ok().and_then(|mut w| w.take());
    let _abandon = Abandon(waiting.clone());
    let (done, answer) = tokio::sync::oneshot::channel();
    let (worker_app, mine) = (app.clone(), waiting.clone());
    let sent = pool.queue.send(Box::new(move || {
        let Some((job, admitted)) = take(&mine) else {
            return;
        };
        let app = worker_app;
        app.metrics.in_flight.inc();
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&app)));
        app.metrics.in_flight.dec();
        drop(admitted);
        let _ = done.send(out);
    }));
    if sent.is_err() {
        return Err(ApiError::internal("the worker pool is closed"));
    }
    let mut answer = answer;
    let mut out = tokio::time::timeout_at((started + HEAD_AFTER).into(), &mut answer).await;
    if out.is_err() && waiting.lock().is_ok_and(|w| w.is_some()) {
        match limit() {
            Ok(limit) => {
                out = tokio::time::timeout_at((started + limit).into(), &mut answer).await;
            }
            Err(e) if take(&waiting).is_some() => return Err(e),
            // Taken by a worker meanwhile, which answers the same error.
            Err(_) => {}
        }
    }
    let out = match out {
        Ok(out) => out,
        Err(_) if take(&waiting).is_some() => {
            app.metrics.rejected.inc();
            return Err(busy(QUEUED_TOO_LONG));
        }
        Err(_) => answer.await,
    };
    match out {
        Ok(Ok(out)) => out,
        _ => Err(ApiError::internal("the request failed inside the server")),
    }
}

/// Lowers the calling thread's scheduling priority, once per thread: on Linux to the idle
/// class (`SCHED_IDLE`: it runs only when no ordinary thread wants the core, so a thread that
/// answers HTTP preempts it at once), or to nice 10 where that is refused; a no-op elsewhere.
pub(crate) fn lower_priority() {
    thread_local!(static LOWERED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    LOWERED.with(|lowered| {
        if !lowered.replace(true) {
            #[cfg(target_os = "linux")]
            // SAFETY: plain system calls on the calling thread (pid 0 and its own thread id);
            // the one pointer passed is to a local that outlives the call.
            unsafe {
                let idle = libc::sched_param { sched_priority: 0 };
                if libc::sched_setscheduler(0, libc::SCHED_IDLE, &idle) != 0 {
                    let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
                    libc::setpriority(libc::PRIO_PROCESS, tid, 10);
                }
            }
        }
    });
}

/// A problem read from its document, with its areas resolved as the CLI does.
fn problem_of(
    app: &App,
    doc: &ProblemDoc,
    prefix: &str,
) -> Result<(Problem, housecall_io::OptionsDoc), ApiError> {
    let read = housecall_io::read_problem_doc("body", doc, prefix, &RegionLocator(&app.region))
        .map_err(|e| ApiError::input(e, ""))?;
    let mut therapists = read.therapists;
    resolve_areas(&format!("{prefix}therapists"), &mut therapists, &app.region).map_err(
        |e| match e {
            crate::Failure::Input(m) | crate::Failure::Invalid(m) => {
                ApiError::invalid(Some(format!("{prefix}therapists")), m)
            }
        },
    )?;
    let o = &read.options;
    let problem = planned_days(
        Problem::new(read.bookings.bookings, therapists, None),
        o.date,
        o.from,
        o.to,
    )
    .map_err(|m| ApiError::invalid(Some(format!("{prefix}options")), m))?;
    Ok((problem, read.options))
}

/// The travel model a problem's options name.
fn model_of<'a>(
    app: &'a App,
    options: &housecall_io::OptionsDoc,
    prefix: &str,
) -> Result<&'a dyn TravelModel, ApiError> {
    match travel_of(None, options) {
        Ok(Travel::Road) => Ok(&app.road),
        Ok(Travel::StraightLine) => Ok(&app.straight),
        Err(m) => Err(ApiError::invalid(
            Some(format!("{prefix}options.travel")),
            m,
        )),
    }
}

/// The time a solve may take: the document's time limit, capped by the server's.
fn solve_limit(app: &App, time_limit_s: Option<f64>) -> Duration {
    let cap = app.timeout.mul_f64(0.8);
    time_limit_s
        .filter(|t| t.is_finite() && *t > 0.0)
        .map_or(cap, |t| Duration::from_secs_f64(t.min(3600.0)).min(cap))
}

/// What a long wait for a worker needs of a body: whether answering it takes a solve, and
/// that solve's time limit. Read on the thread that answers HTTP only for a request still
/// waiting after [`HEAD_AFTER`], and without building the rest (half the work of the full
/// read), so that waiting bodies hardly hold up that thread (and the door's `503`s); the full
/// read is done on the worker.
#[derive(Deserialize)]
struct Head {
    /// A plan body's options (the body is the problem).
    #[serde(default)]
    options: Option<LimitHead>,
    #[serde(default)]
    problem: Option<ProblemHead>,
    #[serde(default)]
    plan: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct ProblemHead {
    #[serde(default)]
    options: Option<LimitHead>,
}

#[derive(Deserialize)]
struct LimitHead {
    #[serde(default)]
    time_limit_s: Option<f64>,
}

impl Head {
    /// The time limit of the problem inside a body (slots, re-plan).
    fn problem_time_limit_s(&self) -> Option<f64> {
        self.problem.as_ref()?.options.as_ref()?.time_limit_s
    }
}

/// A request body as its [`Head`] tells it.
trait Request {
    /// Whether it is answered by a solve (a plan, a re-plan) on [`App::solving`], rather than
    /// on [`App::quick`] (slots, which solve only without a plan to fit into; a check).
    const SOLVES: bool;
    /// `Some(time limit)` when answering takes a solve (its time limit bounds the wait for a
    /// worker).
    fn solve(head: &Head) -> Option<Option<f64>>;
}

impl Request for ProblemDoc {
    const SOLVES: bool = true;
    fn solve(head: &Head) -> Option<Option<f64>> {
        Some(head.options.as_ref().and_then(|o| o.time_limit_s))
    }
}

/// Solve options for a request: one thread (the workers are the parallelism), the
/// document's seed and rounds, its time limit capped by the server's, counted from `started`.
/// `503` when that time is already spent (waiting for a worker).
fn options_of(
    app: &App,
    o: &housecall_io::OptionsDoc,
    started: Instant,
) -> Result<SolveOptions, ApiError> {
    let d = SolveOptions::default();
    let left = solve_limit(app, o.time_limit_s).saturating_sub(started.elapsed());
    if left.is_zero() {
        app.metrics.rejected.inc();
        return Err(busy(QUEUED_TOO_LONG));
    }
    Ok(SolveOptions {
        seed: o.seed.unwrap_or(d.seed),
        threads: 1,
        iterations: o.iterations.unwrap_or(d.iterations),
        time_limit: Some(left),
        ..d
    })
}

/// Solves and checks; a plan that fails the checker is a solver bug (500).
fn solve_checked(
    problem: &Problem,
    model: &dyn TravelModel,
    opts: &SolveOptions,
) -> Result<Plan, ApiError> {
    let plan = solve(problem, model, opts).map_err(|e| ApiError::invalid(None, e.to_string()))?;
    if check(problem, model, &plan).is_empty() {
        Ok(plan)
    } else {
        Err(ApiError::internal(
            "the plan failed the checker (a solver bug)",
        ))
    }
}

/// A plan document (as `plan` answers) inside a body, read in the body's one pass.
fn plan_of(doc: PlanInput, prefix: &str) -> Result<Plan, ApiError> {
    doc.into_plan("body")
        .map_err(|e| ApiError::input(e, prefix))
}

/// Reads the body and answers with `job` run on a worker, which reads the whole body as `T`;
/// `job` gets the time the request arrived, for time limits. The body's [`Head`] (its time
/// limit) is read only if it is still waiting for a worker after [`HEAD_AFTER`].
async fn handle<T: DeserializeOwned + Request + Send + 'static>(
    app: Arc<App>,
    id: RequestId,
    req: Body,
    job: impl FnOnce(&App, T, Instant) -> Answer + Send + 'static,
) -> Response {
    let started = Instant::now();
    let answer = async {
        let admitted = match admit(&app) {
            Ok(a) => a,
            Err(e) => {
                drain(&app, req).await;
                return Err(e);
            }
        };
        let text = Arc::new(body(&app, req).await?);
        let for_job = text.clone();
        let limit = || match serde_json::from_str::<Head>(&text) {
            Ok(head) => Ok(T::solve(&head).map_or(app.timeout, |t| solve_limit(&app, t))),
            // A body whose head does not read: the full read says what is wrong.
            Err(_) => parse::<T>(&text).map(|_| app.timeout),
        };
        let pool = if T::SOLVES { &app.solving } else { &app.quick };
        on_worker(&app, pool, admitted, started, limit, move |app| {
            job(app, parse(&for_job)?, started)
        })
        .await
    };
    respond(&id, answer.await)
}

/// A problem document's problem, options and travel model.
fn read_problem<'a>(
    app: &'a App,
    doc: &ProblemDoc,
    prefix: &str,
) -> Result<(Problem, housecall_io::OptionsDoc, &'a dyn TravelModel), ApiError> {
    let (problem, options) = problem_of(app, doc, prefix)?;
    let model = model_of(app, &options, prefix)?;
    Ok((problem, options, model))
}

pub(crate) async fn plan_handler(
    State(app): State<Arc<App>>,
    Extension(id): Extension<RequestId>,
    req: Body,
) -> Response {
    handle(app, id, req, |app, doc: ProblemDoc, started| {
        let (problem, options, model) = read_problem(app, &doc, "")?;
        let plan = solve_checked(&problem, model, &options_of(app, &options, started)?)?;
        Ok(housecall_io::write_plan_json(
            &problem,
            &plan,
            Layout::Compact,
        ))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotsBody {
    problem: ProblemDoc,
    new: BookingObject,
    #[serde(default)]
    top: Option<usize>,
    #[serde(default)]
    step_min: Option<u32>,
    /// The plan to fit into; by default the problem is planned first.
    #[serde(default)]
    plan: Option<PlanInput>,
}

pub(crate) async fn slots_handler(
    State(app): State<Arc<App>>,
    Extension(id): Extension<RequestId>,
    req: Body,
) -> Response {
    handle(app, id, req, |app, b: SlotsBody, started| {
        let (problem, options, model) = read_problem(app, &b.problem, "problem.")?;
        let new = housecall_io::read_booking_objects(
            "body",
            std::slice::from_ref(&b.new),
            &|_| "new".to_string(),
            &RegionLocator(&app.region),
        )
        .map_err(|e| ApiError::input(e, ""))?
        .bookings
        .pop()
        .ok_or_else(|| ApiError::invalid(Some("new".into()), "no booking"))?;
        if problem.booking_index(&new.id).is_some() {
            return Err(ApiError::invalid(
                Some("new.id".into()),
                format!("{:?} is already a booking of the problem", new.id),
            ));
        }
        let step = housecall_io::parse_step(b.step_min.unwrap_or(15))
            .map_err(|e| ApiError::invalid(Some("step_min".into()), e.message))?;
        let plan = match b.plan {
            Some(v) => plan_of(v, "plan.")?,
            None => solve_checked(&problem, model, &options_of(app, &options, started)?)?,
        };
        // The problem's own faults first, so that only the request's are put on `new`.
        problem
            .validate()
            .map_err(|e| ApiError::invalid(None, e.to_string()))?;
        let query = SlotQuery::new(step, b.top.unwrap_or(10).clamp(1, 100));
        let answer = Prepared::slots_once(&problem, model, &plan, &new, &query)
            .map_err(|e| ApiError::invalid(Some("new".into()), e.to_string()))?;
        Ok(housecall_io::write_slots_json(
            &new,
            &answer,
            Layout::Compact,
        ))
    })
    .await
}

impl Request for SlotsBody {
    const SOLVES: bool = false;
    fn solve(head: &Head) -> Option<Option<f64>> {
        // Without a plan to fit into, the problem is planned first.
        head.plan.is_none().then(|| head.problem_time_limit_s())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplanBody {
    problem: ProblemDoc,
    plan: PlanInput,
    now: String,
    #[serde(default)]
    cancel: Vec<String>,
    #[serde(default)]
    add: Vec<BookingObject>,
    /// Minutes a visit in progress runs long, by booking id.
    #[serde(default)]
    delay: BTreeMap<String, u32>,
    /// Where a therapist is at `now`, by therapist id.
    #[serde(default)]
    at: BTreeMap<String, Point>,
}

impl Request for ReplanBody {
    const SOLVES: bool = true;
    fn solve(head: &Head) -> Option<Option<f64>> {
        Some(head.problem_time_limit_s())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Point {
    lat: f64,
    lon: f64,
}

pub(crate) async fn replan_handler(
    State(app): State<Arc<App>>,
    Extension(id): Extension<RequestId>,
    req: Body,
) -> Response {
    handle(app, id, req, |app, b: ReplanBody, started| {
        let (problem, options, model) = read_problem(app, &b.problem, "problem.")?;
        let plan = plan_of(b.plan, "plan.")?;
        let now = housecall_io::parse_clock(&b.now)
            .map_err(|m| ApiError::invalid(Some("now".into()), m))?;
        let date = replan_day(&problem, &plan).ok_or_else(|| {
            ApiError::invalid(
                Some("problem.options.date".into()),
                "the plan covers several days: name the day to re-plan",
            )
        })?;
        let mut resume = Resume::new(date, now);
        resume.cancel = b.cancel;
        resume.add = housecall_io::read_booking_objects(
            "body",
            &b.add,
            &|i| format!("add[{i}]"),
            &RegionLocator(&app.region),
        )
        .map_err(|e| ApiError::input(e, ""))?
        .bookings;
        for (k, m) in b.delay {
            if !(1..=600).contains(&m) {
                return Err(ApiError::invalid(
                    Some(format!("delay.{k}")),
                    format!("{m}: expected minutes from 1 to 600"),
                ));
            }
            resume.delay.push((k, Seconds::from_minutes(m as i64)));
        }
        for (k, p) in b.at {
            if !(p.lat.abs() <= 90.0 && p.lon.abs() <= 180.0) {
                return Err(ApiError::invalid(
                    Some(format!("at.{k}")),
                    "expected lat -90 to 90 and lon -180 to 180",
                ));
            }
            resume.at.push((
                k,
                Location {
                    lat: p.lat,
                    lon: p.lon,
                },
            ));
        }
        let opts = options_of(app, &options, started)?;
        let again = replan(&problem, model, &opts, &plan, &resume)
            .map_err(|e| ApiError::invalid(None, e.to_string()))?;
        let violations = check_resumed(&problem, model, &again.plan, &resume)
            .map_err(|e| ApiError::invalid(None, e.to_string()))?;
        if !violations.is_empty() {
            return Err(ApiError::internal(
                "the re-plan failed the checker (a solver bug)",
            ));
        }
        Ok(housecall_io::write_replan_json(
            &again.problem,
            &again.plan,
            &again.changes,
            Layout::Compact,
        ))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckBody {
    problem: ProblemDoc,
    plan: PlanInput,
}

impl Request for CheckBody {
    const SOLVES: bool = false;
    fn solve(_: &Head) -> Option<Option<f64>> {
        None
    }
}

#[derive(Serialize)]
struct CheckDoc {
    valid: bool,
    violations: Vec<ViolationDoc>,
}

#[derive(Serialize)]
struct ViolationDoc {
    code: &'static str,
    message: String,
}

pub(crate) async fn check_handler(
    State(app): State<Arc<App>>,
    Extension(id): Extension<RequestId>,
    req: Body,
) -> Response {
    handle(app, id, req, |app, b: CheckBody, _| {
        let (problem, _, model) = read_problem(app, &b.problem, "problem.")?;
        let plan = plan_of(b.plan, "plan.")?;
        let violations: Vec<ViolationDoc> = check(&problem, model, &plan)
            .into_iter()
            .map(|v| ViolationDoc {
                code: v.code.as_str(),
                message: v.message,
            })
            .collect();
        let doc = CheckDoc {
            valid: violations.is_empty(),
            violations,
        };
        Ok(Layout::Compact.write(&doc))
    })
    .await
}
