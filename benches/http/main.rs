//! The wire under load, on loopback (`scripts/bench` runs it; `cargo bench --bench http`):
//!
//! - **Small messages under load**: the report's small model (a 256-float32 embedding, id,
//!   name, score) as a chainlet's input, `run_remote(item: Embedding) -> Embedding` answering
//!   it as it came, served by a Rust [`Chainlet`](chainmodel::server::Chainlet) and by the real
//!   truss server (truss 0.18.36, tests/python/chains/bench.py's `SmallEcho` through
//!   tests/truss_support), in binary and JSON mode. One load generator for both
//!   ([`load`]): [`CONNECTIONS`] keep-alive connections in a closed loop, pre-encoded bodies;
//!   requests per second and p50 / p99 latency. Both servers allow [`CONNECTIONS`] calls at
//!   once (truss's `predict_concurrency`, the Chainlet's `concurrency_limit`).
//! - **One 64 MiB float32 array, round trip**: chainmodel's client (binary mode, decoding an
//!   owned array) calling a Chainlet that answers the array it got, against a bare TCP echo
//!   of the same bytes (the floor: the bytes out and back, warm buffers, no HTTP, no codec),
//!   and against truss's chains stub calling the truss server's `TensorEcho`
//!   (benches/python/stub_bench.py); chainmodel's client calling the truss server too, and a
//!   handler echoing a view with a client reading a view (the fewest copies the API allows).
//!   Medians of [`iterations`] trips.
//! - **Peak RSS of the server** (`VmHWM` of its process, before and after one 64 MiB call):
//!   the echoing Chainlet, and a handler that reads the array through a view of the aligned
//!   body and answers a small summary, each with mimalloc returning freed memory at once (the
//!   working set) and with its defaults; the truss server's, for comparison.
//!
//! Every server is a process of its own ([`roles`]: this binary run again in a server role).
//! On a machine of two CPUs or more the servers are pinned to CPU 1 and the load generator and
//! the clients to CPU 0 (`taskset`), so that client and server do not take each other's
//! time and each server has one CPU, the Rust one and the Python one alike.
//!
//! Prints one line per measurement and the ratios; `--json PATH` also writes them for
//! benches/python/table.py. `CHAINMODEL_PYTHON` (scripts/bench sets it) enables the truss
//! rows. `CHAINMODEL_HTTP_BENCH_SECONDS` (measured window per load run, default 5) and
//! `CHAINMODEL_HTTP_BENCH_ITERATIONS` (default 10) shorten a trial run;
//! `CHAINMODEL_HTTP_BENCH_ONLY=small` or `large` runs one half (to profile it).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chainmodel::client::Client;
use chainmodel::prelude::*;
use serde_json::{Value, json};

#[path = "../common/mod.rs"]
mod common;
mod load;
mod roles;
mod round_trip;
#[path = "../../tests/truss_support/mod.rs"]
mod truss_support;

use common::{Embedding, large_tensor, small_vector};
use load::{Load, Target};
use roles::{Role, Server, SmallInput, TensorInput, peak_rss};
use round_trip::median;

// As in benches/report.rs: a service's allocator, for the Rust servers and clients alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Connections of the load generator; the Python SmallEcho's `predict_concurrency`
/// (tests/python/chains/bench.py) is the same number.
pub const CONNECTIONS: usize = 32;

/// Unmeasured time at the start of each load run.
const WARMUP: Duration = Duration::from_secs(1);

/// The small messages' rounds: the chainlet and bare hyper take turns, each round a share of
/// the window after its own warm-up.
const ROUNDS: usize = 5;
const ROUND_WARMUP: Duration = Duration::from_millis(500);

/// truss's predict route, which the Rust Chainlet serves too.
const PREDICT: &str = "/v1/models/model:predict";

const MIB: f64 = 1024.0 * 1024.0;

fn window() -> Duration {
    Duration::from_secs_f64(env_number("CHAINMODEL_HTTP_BENCH_SECONDS", 5.0))
}

fn iterations() -> usize {
    env_number("CHAINMODEL_HTTP_BENCH_ITERATIONS", 10.0).max(1.0) as usize
}

fn env_number(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The CPUs (`taskset` lists) of the servers and of this process, when the machine has two
/// or more and `taskset` runs.
fn cpu_split() -> Option<(&'static str, &'static str)> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let taskset = Command::new("taskset").arg("-V").output().is_ok_and(|o| o.status.success());
    (cpus >= 2 && taskset).then_some(("1", "0"))
}

/// Moves every thread of process `pid` to `cpus`.
fn pin(pid: u32, cpus: &str) {
    let status = Command::new("taskset").args(["-a", "-p", "-c", cpus, &pid.to_string()]).output();
    assert!(status.is_ok_and(|o| o.status.success()), "taskset could not pin process {pid}");
}

fn main() {
    if let Ok(role) = std::env::var(roles::ROLE_VAR) {
        roles::serve(&role);
    }
    let args: Vec<String> = std::env::args().collect();
    let json_path = args.iter().position(|a| a == "--json").and_then(|i| args.get(i + 1)).map(PathBuf::from);
    let split = cpu_split();
    let server_cpus = split.map(|(server, _)| server);

    // Every server first (the truss ones take a few seconds), then this process pinned.
    let truss_small = truss_support::truss_chainlet("bench.py:SmallEcho");
    let truss_tensor = truss_support::truss_chainlet("bench.py:TensorEcho");
    let rust_small = Server::start(Role::SmallEcho, server_cpus);
    let bare_small = Server::start(Role::BareHyper, server_cpus);
    if let Some((server, client)) = split {
        for truss in truss_small.iter().chain(truss_tensor.iter()) {
            pin(truss.pid(), server);
        }
        pin(std::process::id(), client);
        println!("servers on CPU {server}, load generator and clients on CPU {client}");
    } else {
        println!("no CPU pinning (one CPU, or no taskset): servers and clients share the CPUs");
    }

    let only = std::env::var("CHAINMODEL_HTTP_BENCH_ONLY").unwrap_or_default();
    let mut report = json!({ "connections": CONNECTIONS, "window_seconds": window().as_secs_f64() });
    if only != "large" {
        report["small"] = small_messages(&rust_small, &bare_small, truss_small);
        report["stub"] = stub_overhead(&rust_small);
    }
    drop((rust_small, bare_small));
    if only != "small" {
        let (large, rss) = large_message(server_cpus, truss_tensor);
        report["large"] = large;
        report["rss"] = rss;
    }

    if let Some(path) = json_path {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("the report's directory");
        }
        std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap()).expect("write the report");
    }
}

// Small messages under load ###############################################################

/// The small model of the report (the 8th of benches/common's small workload).
fn small_input() -> SmallInput {
    let i = 7;
    SmallInput {
        item: Embedding {
            id: i as i64,
            name: format!("doc-{i}"),
            embedding: NdArray::from_vec(small_vector(i)),
            score: i as f64 * 0.5,
        },
    }
}

/// One call through chainmodel's client before the load: the server answers the item it got.
fn check_small_echo(url: &str, binary: bool, input: &SmallInput) {
    let client = Client::builder(url).use_binary(binary).build().expect("a client");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let got: Embedding = runtime.block_on(client.predict(input)).unwrap_or_else(|e| panic!("{url}: {e}"));
    let sent = &input.item;
    assert!(
        got.id == sent.id && got.name == sent.name && got.embedding == sent.embedding && got.score == sent.score,
        "{url} answered another item"
    );
}

fn small_messages(rust: &Server, bare: &Server, truss: Option<&truss_support::TrussServer>) -> Value {
    let input = small_input();
    let bodies = [
        ("binary", chainmodel::server::BINARY_CONTENT_TYPE, input.to_msgpack().unwrap()),
        ("json", chainmodel::server::JSON_CONTENT_TYPE, input.to_json().unwrap().into_bytes()),
    ];
    println!(
        "\nhttp small model: {CONNECTIONS} connections, {:.0} s measured after {:.0} s of warm-up",
        window().as_secs_f64(),
        WARMUP.as_secs_f64()
    );
    let mut results = json!({});
    for (mode, content_type, body) in bodies {
        let target = |addr| Target { addr, path: PREDICT, content_type, body: Bytes::from(body.clone()) };
        check_small_echo(&format!("http://{}{PREDICT}", rust.addr), mode == "binary", &input);
        if let Some(truss) = truss {
            check_small_echo(&format!("http://{}{PREDICT}", truss.addr), mode == "binary", &input);
            let (load, cpu) = measured(&target(truss.addr), truss.pid(), WARMUP, window());
            print_load("truss", mode, body.len(), &load, cpu);
            results[format!("truss/{mode}")] = load_json(&load, body.len(), cpu);
        }
        // The chainlet and its floor, hyper alone answering the same bytes on the same core,
        // in alternate rounds: a machine whose speed drifts during the run (a shared host)
        // slows both alike.
        let mut runs = [Rounds::new("chainmodel", rust), Rounds::new("bare-hyper", bare)];
        let mut round_ratios = Vec::new();
        for _ in 0..ROUNDS {
            let mut round = [0.0; 2];
            for (rps, run) in round.iter_mut().zip(runs.iter_mut()) {
                *rps = run.measure(&target(run.addr));
            }
            round_ratios.push(round[0] / round[1]);
        }
        for run in runs {
            let server = run.server;
            let (load, cpu) = run.total();
            print_load(server, mode, body.len(), &load, cpu);
            results[format!("{server}/{mode}")] = load_json(&load, body.len(), cpu);
        }
        let rps = |server: &str| results[format!("{server}/{mode}")]["requests_per_second"].as_f64();
        if let (Some(ours), Some(truss)) = (rps("chainmodel"), rps("truss")) {
            println!("ratio http small {mode}: chainmodel / truss requests per second = {:.1}", ours / truss);
        }
        if let (Some(ours), Some(bare)) = (rps("chainmodel"), rps("bare-hyper")) {
            let rounds: Vec<String> = round_ratios.iter().map(|r| format!("{r:.2}")).collect();
            println!(
                "ratio http small {mode}: chainmodel / bare hyper requests per second = {:.2} (rounds: {})",
                ours / bare,
                rounds.join(", ")
            );
        }
    }
    results
}

/// A server's load runs in rounds, added up.
struct Rounds {
    server: &'static str,
    pid: u32,
    addr: SocketAddr,
    load: Option<Load>,
    /// CPU seconds of the server and of the load generator, and wall seconds, over the rounds.
    seconds: (f64, f64, f64),
}

impl Rounds {
    fn new(server: &'static str, process: &Server) -> Rounds {
        Rounds { server, pid: process.pid(), addr: process.addr, load: None, seconds: (0.0, 0.0, 0.0) }
    }

    /// One round against `target`: its requests per second.
    fn measure(&mut self, target: &Target) -> f64 {
        let started = Instant::now();
        let (load, (server_cpu, client_cpu)) = measured(target, self.pid, ROUND_WARMUP, window() / ROUNDS as u32);
        let wall = started.elapsed().as_secs_f64();
        let rps = load.requests_per_second();
        self.seconds.0 += server_cpu * wall;
        self.seconds.1 += client_cpu * wall;
        self.seconds.2 += wall;
        match &mut self.load {
            Some(all) => all.merge(load),
            None => self.load = Some(load),
        }
        rps
    }

    /// The rounds' load, and how busy the server and the load generator were over them.
    fn total(self) -> (Load, (f64, f64)) {
        let (server, client, wall) = self.seconds;
        (self.load.expect("a round ran"), (server / wall, client / wall))
    }
}

/// One load run against `target`, and how busy the server (`pid`) and the load generator
/// were over it (which of them set the pace).
fn measured(target: &Target, pid: u32, warmup: Duration, window: Duration) -> (Load, (f64, f64)) {
    let cpu_before = (cpu_seconds(pid), cpu_seconds(std::process::id()));
    let started = Instant::now();
    let load = load::run(target, CONNECTIONS, warmup, window);
    let wall = started.elapsed().as_secs_f64();
    let cpu = ((cpu_seconds(pid) - cpu_before.0) / wall, (cpu_seconds(std::process::id()) - cpu_before.1) / wall);
    (load, cpu)
}

// The generated stub's overhead ############################################################

/// `SmallEcho`'s stub as `#[stub]` generates it from the chainlet's signature.
mod small_echo {
    use chainmodel::prelude::*;

    use super::Embedding;

    #[stub]
    pub trait SmallEcho {
        async fn run_remote(&self, item: Embedding) -> Embedding;
    }
}

/// One call at a time against the Rust SmallEcho, in each mode: the generated stub's
/// `run_remote(item)` against what it replaces by hand (the input encoded, `call_raw`, the
/// answer decoded), alternating rounds of [`STUB_CALLS`]; median microseconds per call.
fn stub_overhead(rust: &Server) -> Value {
    use chainmodel::chains::{RpcOptions, Stub};
    const STUB_CALLS: usize = 2000;
    const ROUNDS: usize = 5;
    let url = format!("http://{}{PREDICT}", rust.addr);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let mut results = json!({});
    println!("\nhttp generated stub against call_raw: {STUB_CALLS} calls one at a time, {ROUNDS} rounds each");
    for binary in [true, false] {
        let mode = if binary { "binary" } else { "json" };
        let stub =
            small_echo::SmallEchoStub::from_url(url.clone(), RpcOptions::default().use_binary(binary)).expect("a stub");
        let client = stub.client().clone();
        let (mut by_stub, mut by_hand) = (Vec::new(), Vec::new());
        runtime.block_on(async {
            for _ in 0..ROUNDS {
                let started = Instant::now();
                for _ in 0..STUB_CALLS {
                    let got = stub.run_remote(small_input().item).await.expect("the stub's call");
                    std::hint::black_box(got);
                }
                by_stub.push(started.elapsed());
                let started = Instant::now();
                for _ in 0..STUB_CALLS {
                    let input = small_input();
                    let body = if binary { input.to_msgpack().unwrap() } else { input.to_json().unwrap().into_bytes() };
                    let mode = if binary { chainmodel::client::Mode::Binary } else { chainmodel::client::Mode::Json };
                    let response = client.call_raw(mode, body).await.expect("the raw call");
                    let got: Embedding = response.decode().expect("the answer");
                    std::hint::black_box(got);
                }
                by_hand.push(started.elapsed());
            }
        });
        let per_call = |times: &[Duration]| median(times).as_secs_f64() * 1e6 / STUB_CALLS as f64;
        let (stub_us, hand_us) = (per_call(&by_stub), per_call(&by_hand));
        println!(
            "  {mode}: stub {stub_us:.1} µs, call_raw by hand {hand_us:.1} µs per call, ratio {:.3}",
            stub_us / hand_us
        );
        results[mode] = json!({ "stub_us": stub_us, "call_raw_us": hand_us, "calls": STUB_CALLS, "rounds": ROUNDS });
    }
    results
}

/// CPU time (user and system, all threads) process `pid` has used, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command's closing parenthesis; utime and stime are the 14th and
    // 15th of the line, in clock ticks (USER_HZ, 100 on Linux).
    let fields: Vec<&str> = stat.rsplit_once(") ").map_or(vec![], |(_, rest)| rest.split(' ').collect());
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn print_load(server: &str, mode: &str, body: usize, load: &Load, (server_cpu, client_cpu): (f64, f64)) {
    println!(
        "  {server:<10} {mode:<6} ({body} B): {:>8.0} requests/s, p50 {:.3} ms, p99 {:.3} ms \
         (CPU busy: server {:.0}%, load generator {:.0}%; {} answers, {} errors{})",
        load.requests_per_second(),
        load.percentile(50.0).as_secs_f64() * 1e3,
        load.percentile(99.0).as_secs_f64() * 1e3,
        server_cpu * 100.0,
        client_cpu * 100.0,
        load.requests,
        load.errors,
        load.first_error.as_deref().map(|e| format!(", first: {e}")).unwrap_or_default(),
    );
}

fn load_json(load: &Load, body: usize, (server_cpu, client_cpu): (f64, f64)) -> Value {
    json!({
        "server_cpu": server_cpu,
        "load_generator_cpu": client_cpu,
        "requests_per_second": load.requests_per_second(),
        "p50_ms": load.percentile(50.0).as_secs_f64() * 1e3,
        "p99_ms": load.percentile(99.0).as_secs_f64() * 1e3,
        "requests": load.requests,
        "errors": load.errors,
        "body_bytes": body,
    })
}

// One 64 MiB array ########################################################################

/// mimalloc told to give freed memory back to the system at once and to commit its arena as
/// pages are used (its defaults keep freed memory for 10 ms, for reuse, and commit the first
/// arena eagerly), so that a server's peak RSS is its working set, as with the system allocator.
const MIMALLOC_RETURNING: &[(&str, &str)] = &[("MIMALLOC_PURGE_DELAY", "0"), ("MIMALLOC_ARENA_EAGER_COMMIT", "0")];

fn large_message(server_cpus: Option<&str>, truss: Option<&truss_support::TrussServer>) -> (Value, Value) {
    let iterations = iterations();
    let input = TensorInput { tensor: large_tensor() };
    let message = input.to_msgpack().unwrap().len() as u64;
    let payload: &[u8] = bytemuck::cast_slice(input.tensor.values.as_slice());
    println!("\nhttp 64 MiB float32 array, round trip: median of {iterations} after one unmeasured");

    // Peak RSS, each on a fresh server process: before its first call, and after it.
    let mut rss = json!({ "message_bytes": message });
    for (config, env) in [("", MIMALLOC_RETURNING), ("_mimalloc_defaults", &[][..])] {
        let label = if config.is_empty() { "mimalloc returning freed memory" } else { "mimalloc's defaults" };
        let echo = Server::start_with_env(Role::TensorEcho, server_cpus, env);
        let before = peak_rss(echo.pid());
        round_trip::chainmodel_calls(&round_trip::client(&echo.url(PREDICT), "TensorEcho"), &input, 10.0, 0);
        let what = format!("Chainlet echo, {label}");
        rss[format!("chainmodel_echo{config}")] = rss_json(&what, before, peak_rss(echo.pid()), message);
        let view = Server::start_with_env(Role::TensorView, server_cpus, env);
        let before = peak_rss(view.pid());
        round_trip::view_call(&round_trip::client(&view.url("/predict"), "TensorView"), &input);
        let what = format!("view handler, small answer, {label}");
        rss[format!("chainmodel_view{config}")] = rss_json(&what, before, peak_rss(view.pid()), message);
    }

    let mut times = json!({ "message_bytes": message, "iterations": iterations });
    let bare = {
        let server = Server::start(Role::TcpEcho, server_cpus);
        median(&round_trip::bare_echo(server.addr, payload, iterations))
    };
    print_trip("bare TCP echo of the payload (floor)", bare, bare);
    times["bare_echo_ms"] = ms(bare).into();
    let ours = {
        let server = Server::start(Role::TensorEcho, server_cpus);
        let client = round_trip::client(&server.url(PREDICT), "TensorEcho");
        median(&round_trip::chainmodel_calls(&client, &input, 10.0, iterations))
    };
    print_trip("chainmodel client -> Chainlet adding 10, owned", ours, bare);
    times["chainmodel_ms"] = ms(ours).into();
    let views = {
        let server = Server::start(Role::TensorViewEcho, server_cpus);
        let client = round_trip::client(&server.url("/predict"), "TensorViewEcho");
        median(&round_trip::chainmodel_view_calls(&client, &input, iterations))
    };
    print_trip("chainmodel client -> view echo, views both ends", views, bare);
    times["chainmodel_views_ms"] = ms(views).into();

    if let Some(truss) = truss {
        let python = std::env::var_os(truss_support::PYTHON_VAR).map(PathBuf::from).expect("set with a truss server");
        let before = peak_rss(truss.pid());
        let stub = median(&round_trip::truss_stub_calls(&python, &truss.predict_url(), iterations));
        rss["truss_echo"] = rss_json("truss server, echo (over all its calls)", before, peak_rss(truss.pid()), message);
        print_trip("truss stub -> truss server", stub, bare);
        times["truss_stub_ms"] = ms(stub).into();
        let client = round_trip::client(&truss.predict_url(), "TensorEcho");
        let mixed = median(&round_trip::chainmodel_calls(&client, &input, 0.0, iterations));
        print_trip("chainmodel client -> truss server", mixed, bare);
        times["chainmodel_to_truss_ms"] = ms(mixed).into();
        println!("ratio http 64mib: truss stub / chainmodel = {:.1}", stub.as_secs_f64() / ours.as_secs_f64());
    }
    (times, rss)
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

fn print_trip(what: &str, time: Duration, floor: Duration) {
    println!(
        "  {what:<48} {:>9.1} ms  ratio to the bare echo {:.2}",
        ms(time),
        time.as_secs_f64() / floor.as_secs_f64()
    );
}

fn rss_json(what: &str, before: u64, after: u64, message: u64) -> Value {
    let growth = after.saturating_sub(before);
    println!(
        "  peak RSS, {what}: {:.0} MiB before the call, {:.0} MiB after: +{:.0} MiB = {:.2} x the {:.0} MiB message",
        before as f64 / MIB,
        after as f64 / MIB,
        growth as f64 / MIB,
        growth as f64 / message as f64,
        message as f64 / MIB
    );
    json!({ "before_bytes": before, "after_bytes": after })
}
