//! The service's Prometheus metrics: requests by endpoint and status, a latency histogram
//! per endpoint, solves in flight, and requests turned away because the pool was full.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

pub(crate) struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pub in_flight: IntGauge,
    pub rejected: IntCounter,
}

/// The endpoint label of a path: the known routes, everything else `other` (so that random
/// paths cannot grow the label set).
pub(crate) fn endpoint(path: &str) -> &'static str {
    match path {
        "/v1/plan" => "plan",
        "/v1/slots" => "slots",
        "/v1/replan" => "replan",
        "/v1/check" => "check",
        "/v1/health" => "health",
        "/metrics" => "metrics",
        _ => "other",
    }
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "housecall_requests_total",
                "Requests answered, by endpoint and status.",
            ),
            &["endpoint", "status"],
        )
        .expect("a valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "housecall_request_duration_seconds",
                "Time from receiving a request to its answer, by endpoint.",
            )
            .buckets(vec![
                0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                30.0,
            ]),
            &["endpoint"],
        )
        .expect("a valid metric");
        let in_flight = IntGauge::new(
            "housecall_solves_in_flight",
            "Requests running on a worker now.",
        )
        .expect("a valid metric");
        let rejected = IntCounter::new(
            "housecall_rejected_total",
            "Requests answered 503 because every worker and queue place was taken.",
        )
        .expect("a valid metric");
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(in_flight.clone()),
            Box::new(rejected.clone()),
        ] {
            registry.register(c).expect("each metric registered once");
        }
        Metrics {
            registry,
            requests,
            latency,
            in_flight,
            rejected,
        }
    }

    /// Counts one answered request.
    pub(crate) fn observe(&self, endpoint: &str, status: u16, secs: f64) {
        self.requests
            .with_label_values(&[endpoint, &status.to_string()])
            .inc();
        self.latency.with_label_values(&[endpoint]).observe(secs);
    }

    /// The Prometheus text exposition.
    pub(crate) fn render(&self) -> String {
        let mut out = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}
