//! The load generator: a fixed number of keep-alive HTTP/1.1 connections (hyper's own client
//! connections, one task each, on one thread), each sending the same pre-encoded body again as
//! soon as the previous answer has been read whole (a closed loop), for a warm-up and then a
//! measured window. Throughput counts the answers completed inside the window; latencies are
//! those of the requests sent inside it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper_util::rt::TokioIo;

/// What one run measured.
#[derive(Debug)]
pub struct Load {
    /// Answers completed inside the measured window.
    pub requests: u64,
    pub window: Duration,
    /// Per request sent inside the window, sorted.
    pub latencies: Vec<Duration>,
    /// Non-200 answers and failed connections, over the whole run.
    pub errors: u64,
    pub first_error: Option<String>,
}

impl Load {
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.window.as_secs_f64()
    }

    /// `other`'s answers, window and latencies added to these (a run in several rounds).
    pub fn merge(&mut self, other: Load) {
        self.requests += other.requests;
        self.window += other.window;
        self.latencies.extend(other.latencies);
        self.latencies.sort_unstable();
        self.errors += other.errors;
        self.first_error = self.first_error.take().or(other.first_error);
    }

    /// The `p`-th percentile latency (0 < p ≤ 100).
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }
}

/// The request every connection sends.
#[derive(Clone)]
pub struct Target {
    pub addr: SocketAddr,
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: Bytes,
}

/// Runs `connections` closed-loop connections against `target`: `warmup`, then `window`.
pub fn run(target: &Target, connections: usize, warmup: Duration, window: Duration) -> Load {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let start = Instant::now() + Duration::from_millis(50);
        let (measure_from, end) = (start + warmup, start + warmup + window);
        let tasks: Vec<_> =
            (0..connections).map(|_| tokio::spawn(connection(target.clone(), start, measure_from, end))).collect();
        let mut load = Load { requests: 0, window, latencies: Vec::new(), errors: 0, first_error: None };
        for task in tasks {
            let one = task.await.expect("a connection task");
            load.requests += one.requests;
            load.latencies.extend(one.latencies);
            load.errors += one.errors;
            load.first_error = load.first_error.or(one.first_error);
        }
        load.latencies.sort_unstable();
        load
    })
}

async fn connection(target: Target, start: Instant, measure_from: Instant, end: Instant) -> Load {
    let mut load =
        Load { requests: 0, window: end - measure_from, latencies: Vec::new(), errors: 0, first_error: None };
    if let Err(error) = exchange(&target, start, measure_from, end, &mut load).await {
        load.errors += 1;
        load.first_error = Some(error);
    }
    load
}

async fn exchange(
    target: &Target,
    start: Instant,
    measure_from: Instant,
    end: Instant,
    load: &mut Load,
) -> Result<(), String> {
    let stream = tokio::net::TcpStream::connect(target.addr).await.map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (mut sender, driver) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| format!("handshake: {e}"))?;
    // Runs the connection; ends when `sender` is dropped.
    tokio::spawn(driver);
    tokio::time::sleep_until(start.into()).await;
    let host = target.addr.to_string();
    loop {
        let sent = Instant::now();
        if sent >= end {
            return Ok(());
        }
        let request = Request::post(target.path)
            .header(HOST, &host)
            .header(CONTENT_TYPE, target.content_type)
            .body(Full::new(target.body.clone()))
            .map_err(|e| e.to_string())?;
        sender.ready().await.map_err(|e| format!("connection: {e}"))?;
        let response = sender.send_request(request).await.map_err(|e| format!("send: {e}"))?;
        let status = response.status();
        let body = response.into_body().collect().await.map_err(|e| format!("read: {e}"))?.to_bytes();
        let done = Instant::now();
        if status != 200 {
            load.errors += 1;
            if load.first_error.is_none() {
                load.first_error = Some(format!("status {status}: {}", String::from_utf8_lossy(&body)));
            }
            continue;
        }
        if done >= measure_from && done <= end {
            load.requests += 1;
        }
        if sent >= measure_from {
            load.latencies.push(done - sent);
        }
    }
}
