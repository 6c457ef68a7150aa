//! The process's Prometheus metrics: a chainlet's requests (by status, their latency, those in
//! flight) and, for each chainlet it calls, what truss-chains' stub counts (calls in flight,
//! queued for a concurrency slot, attempts, retries). Chainlet routers serve them on
//! `GET /metrics`; [`encode`] gives the text to serve them elsewhere.

use std::sync::{Mutex, OnceLock, PoisonError};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The `Content-Type` of [`encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The labels of a request a chainlet served.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct RequestLabels {
    /// The HTTP status answered.
    pub(crate) status: u16,
}

/// The label of a call to another chainlet, as truss-chains' stub names it.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct DependencyLabels {
    pub(crate) dependency_chainlet: String,
}

/// Every metric of the process (a build with one of `server` and `client` uses half of them).
#[cfg_attr(not(all(feature = "server", feature = "client")), allow(dead_code))]
pub(crate) struct Metrics {
    registry: Registry,
    /// Predict requests answered, by status.
    pub(crate) requests: Family<RequestLabels, Counter>,
    /// Its `200` counter, held so that the usual answer skips the family's lookup.
    pub(crate) answered_ok: Counter,
    /// Seconds from a predict request's arrival to its answer.
    pub(crate) latency: Histogram,
    /// Predict requests being answered.
    pub(crate) in_flight: Gauge,
    /// Calls to each dependency in flight (truss's `dependency_chainlet_ongoing_requests`).
    pub(crate) ongoing: Family<DependencyLabels, Gauge>,
    /// Calls waiting for a concurrency slot (`dependency_chainlet_queued_requests`).
    pub(crate) queued: Family<DependencyLabels, Gauge>,
    /// Calls in flight or queued (`dependency_chainlet_total_requests`).
    pub(crate) total: Family<DependencyLabels, Gauge>,
    /// Attempts made, retries included (`dependency_chainlet_requests_total`).
    pub(crate) attempts: Family<DependencyLabels, Counter>,
    /// Attempts made again after a failed one.
    pub(crate) retries: Family<DependencyLabels, Counter>,
}

/// The process's metrics, registered on first use.
pub(crate) fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("chainlet_requests", "Predict requests answered, by HTTP status", requests.clone());
        let buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0];
        let latency = Histogram::new(buckets);
        registry.register("chainlet_request_duration_seconds", "Seconds to answer a predict request", latency.clone());
        let in_flight = Gauge::default();
        registry.register("chainlet_requests_in_flight", "Predict requests being answered", in_flight.clone());
        let ongoing = Family::<DependencyLabels, Gauge>::default();
        registry.register("dependency_chainlet_ongoing_requests", "Calls to a dependency in flight", ongoing.clone());
        let queued = Family::<DependencyLabels, Gauge>::default();
        registry.register(
            "dependency_chainlet_queued_requests",
            "Calls to a dependency waiting for a concurrency slot",
            queued.clone(),
        );
        let total = Family::<DependencyLabels, Gauge>::default();
        registry.register(
            "dependency_chainlet_total_requests",
            "Calls to a dependency in flight or queued",
            total.clone(),
        );
        let attempts = Family::<DependencyLabels, Counter>::default();
        registry.register("dependency_chainlet_requests", "Attempts of calls to a dependency", attempts.clone());
        let retries = Family::<DependencyLabels, Counter>::default();
        registry.register(
            "dependency_chainlet_retries",
            "Attempts of calls to a dependency made again",
            retries.clone(),
        );
        let answered_ok = requests.get_or_create(&RequestLabels { status: 200 }).clone();
        Metrics { registry, requests, answered_ok, latency, in_flight, ongoing, queued, total, attempts, retries }
    })
}

/// The metrics as Prometheus's OpenMetrics text (served with [`CONTENT_TYPE`]).
pub fn encode() -> String {
    // The registry is read-only once made; the lock only orders concurrent encodings.
    static ENCODING: Mutex<()> = Mutex::new(());
    let _guard = ENCODING.lock().unwrap_or_else(PoisonError::into_inner);
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut text, &metrics().registry);
    text
}

/// Counts one predict request from its arrival to its answer.
#[cfg(feature = "server")]
pub(crate) struct RequestTimer {
    started: std::time::Instant,
}

#[cfg(feature = "server")]
impl RequestTimer {
    pub(crate) fn start() -> Self {
        metrics().in_flight.inc();
        RequestTimer { started: std::time::Instant::now() }
    }

    /// The request was answered with `status`.
    pub(crate) fn answered(self, status: u16) {
        let metrics = metrics();
        match status {
            200 => metrics.answered_ok.inc(),
            _ => metrics.requests.get_or_create(&RequestLabels { status }).inc(),
        };
        metrics.latency.observe(self.started.elapsed().as_secs_f64());
    }
}

#[cfg(feature = "server")]
impl Drop for RequestTimer {
    fn drop(&mut self) {
        metrics().in_flight.dec();
    }
}

/// What a call to a dependency counts: queued until it has its slot, then in flight.
#[cfg_attr(not(feature = "client"), allow(dead_code))]
pub(crate) struct CallGauge {
    labels: DependencyLabels,
    queued: bool,
}

#[cfg_attr(not(feature = "client"), allow(dead_code))]
impl CallGauge {
    /// A call to `dependency` that waits for its slot.
    pub(crate) fn queued(dependency: &str) -> Self {
        let labels = DependencyLabels { dependency_chainlet: dependency.to_owned() };
        let metrics = metrics();
        metrics.queued.get_or_create(&labels).inc();
        metrics.total.get_or_create(&labels).inc();
        CallGauge { labels, queued: true }
    }

    /// The call has its slot: one attempt starts (a retry when `retry`).
    pub(crate) fn attempt(&mut self, retry: bool) {
        let metrics = metrics();
        if self.queued {
            metrics.queued.get_or_create(&self.labels).dec();
            metrics.ongoing.get_or_create(&self.labels).inc();
            self.queued = false;
        }
        metrics.attempts.get_or_create(&self.labels).inc();
        if retry {
            metrics.retries.get_or_create(&self.labels).inc();
        }
    }
}

impl Drop for CallGauge {
    fn drop(&mut self) {
        let metrics = metrics();
        let gauge = if self.queued { &metrics.queued } else { &metrics.ongoing };
        gauge.get_or_create(&self.labels).dec();
        metrics.total.get_or_create(&self.labels).dec();
    }
}
