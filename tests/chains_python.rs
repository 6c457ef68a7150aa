//! Rust chainlets (`#[chainlet]`) and stubs (`#[stub]`) against truss-chains' own Python:
//! truss-chains' generated stubs calling the Rust chainlets, the Rust chainlets' schemas equal
//! to those truss's real server gives the same chainlets written in Python, a Rust stub calling
//! the Binary IO docs' Worker on truss's real server, and `/metrics` as Prometheus's own
//! OpenMetrics parser reads it.
//!
//! Needs `CHAINMODEL_PYTHON` (the anchor venv, `scripts/test` sets it); without it every test
//! says it did not run and passes. The Rust chainlets are served once per test binary
//! (`rust_servers`), truss's servers once each by the harness (tests/truss_support).

mod chains_support;
#[path = "truss_support/mod.rs"]
mod truss_support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use chainmodel::chains::{RpcOptions, Stub};
use chainmodel::prelude::*;
use chains_support::*;
use serde_json::Value as Json;

/// The chainlets whose signatures truss-chains' code generation handles, by name.
const NAMES: [&str; 5] = ["NoArg", "ThreeArgs", "TupleOut", "BytesArg", "NoneOut"];

/// No Python script may run longer (the scripts' own watchdogs end them sooner).
const SCRIPT_DEADLINE: Duration = Duration::from_secs(180);

/// The Rust chainlets of tests/chains_support, each on its own 127.0.0.1 port for the whole
/// test binary, by name.
struct RustServers {
    urls: Vec<(&'static str, String)>,
}

impl RustServers {
    /// `http://127.0.0.1:PORT`.
    fn url(&self, name: &str) -> &str {
        &self.urls.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no Rust chainlet {name}")).1
    }

    fn addr(&self, name: &str) -> SocketAddr {
        self.url(name).trim_start_matches("http://").parse().unwrap()
    }

    fn predict_url(&self, name: &str) -> String {
        format!("{}/v1/models/model:predict", self.url(name))
    }
}

fn rust_servers() -> &'static RustServers {
    static SERVERS: OnceLock<RustServers> = OnceLock::new();
    SERVERS.get_or_init(|| RustServers {
        urls: vec![
            ("NoArg", serve_forever(NoArg)),
            ("ThreeArgs", serve_forever(ThreeArgs)),
            ("TupleOut", serve_forever(TupleOut)),
            ("BytesArg", serve_forever(BytesArg)),
            ("NoneOut", serve_forever(NoneOut)),
        ],
    })
}

/// Held by every test while it sends requests to the Rust chainlets or makes Rust stub calls:
/// the metrics are the process's, and the metrics test counts exactly what it caused.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The anchor interpreter, or `None` after saying that `test` did not run.
fn python(test: &str) -> Option<PathBuf> {
    match std::env::var_os(truss_support::PYTHON_VAR) {
        Some(python) => Some(PathBuf::from(python)),
        None => {
            eprintln!(
                "interop test `{test}` did not run: {} is not set (scripts/test sets it)",
                truss_support::PYTHON_VAR
            );
            None
        }
    }
}

/// Runs `tests/python/{script}` with `args`, `stdin` on its standard input; its stdout. Panics
/// with its output if it fails or is not done within [`SCRIPT_DEADLINE`] (then it is killed).
fn run_script(python: &Path, script: &str, args: &[String], stdin: &[u8]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    truss_support::run_script(python, script, &args, stdin, SCRIPT_DEADLINE).success(&format!("{script} {args:?}"))
}

/// The `ok ...` lines of a script's output, checked to end with `done`.
fn ok_lines(stdout: &str) -> Vec<&str> {
    assert_eq!(stdout.lines().last(), Some("done"), "{stdout}");
    stdout.lines().filter(|line| line.starts_with("ok ")).collect()
}

/// What chains_stub_client.py checks, in its order (`truss`: against truss's own server).
fn expected_stub_checks(truss: bool) -> Vec<String> {
    let common = [
        "NoArg",
        "ThreeArgs b given",
        "ThreeArgs b=None",
        "ThreeArgs ValueError re-raised",
        "TupleOut",
        "NoneOut None",
        "NoneOut ValueError re-raised",
    ];
    let json_bytes = ["BytesArg UTF-8 bytes", "BytesArg non-UTF-8 bytes refused by the stub"];
    let binary_bytes =
        if truss { "BytesArg: truss answers raw bytes, its stub cannot read them" } else { "BytesArg non-UTF-8 bytes" };
    let json = common.iter().chain(&json_bytes).map(|check| format!("ok json {check}"));
    let binary = common.iter().chain([&binary_bytes]).map(|check| format!("ok binary {check}"));
    json.chain(binary).collect()
}

// 1. truss-chains' own stubs call the Rust chainlets ####################################

/// truss-chains' stubs, as its code generation writes them for a depending chainlet (over
/// `StubBase.from_url`), call every Rust chainlet in JSON and binary mode: the values come back
/// as Python reads them (a `str`, the model, a tuple of int, str and model, `None`, `bytes`);
/// `b=None` travels as null (the key always sent) and is the chainlet's `None`; a `ValueError`
/// the Rust chainlet answers is re-raised in Python as `ValueError` with the chained remote
/// traceback. `bytes` that are not UTF-8 travel in binary mode (truss's own server cannot
/// answer them to its own stub); in JSON mode UTF-8 bytes travel as text.
#[test]
fn truss_chains_generated_stubs_call_rust_chainlets_in_both_modes() {
    let Some(python) = python("truss_chains_generated_stubs_call_rust_chainlets_in_both_modes") else { return };
    let servers = rust_servers();
    let args: Vec<String> = NAMES.iter().map(|name| format!("{name}={}", servers.predict_url(name))).collect();
    let stdout = {
        let _serial = serial();
        run_script(&python, "chains_stub_client.py", &args, b"")
    };
    assert_eq!(ok_lines(&stdout), expected_stub_checks(false), "{stdout}");
    // The re-raised message, as Python shows it (the Rust chainlet sends no stack frames).
    assert!(
        stdout.contains(
            "# (showing chained remote errors, root error at the bottom)\n\
             # ├─ Error calling dependency Chainlet `ThreeArgs`, HTTP status=500, trace ID=`None`.\n\
             # │   Chainlet-Traceback (most recent call last):\n\
             # ╰   ValueError: a is negative: -1\n"
        ),
        "{stdout}"
    );
}

/// The same checks with the stubs `chainmodel codegen python` writes from each Rust chainlet's
/// `/schema` (pydantic models, `{Name}Input`, `{Name}Output`, the `StubBase` class) in place of
/// those truss-chains' code generation writes from the Python source: the same answers in both
/// modes, tuples, `None`, bytes and re-raised errors included.
#[cfg(feature = "codegen")]
#[test]
fn stubs_generated_from_rust_chainlet_schemas_call_them_as_truss_chains_stubs_do() {
    let Some(python) = python("stubs_generated_from_rust_chainlet_schemas_call_them_as_truss_chains_stubs_do") else {
        return;
    };
    let servers = rust_servers();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen_python_chainlets");
    std::fs::create_dir_all(&dir).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for name in NAMES {
        let schema = {
            let _serial = serial();
            runtime.block_on(chainmodel::codegen::fetch_schema(servers.url(name), None)).unwrap()
        };
        let code = chainmodel::codegen::python_module(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(code.contains(&format!("class {name}(stub.StubBase):")), "{code}");
        std::fs::write(dir.join(format!("{name}.py")), code).unwrap();
    }
    let mut args: Vec<String> = NAMES.iter().map(|name| format!("{name}={}", servers.predict_url(name))).collect();
    args.extend(["--generated".to_owned(), dir.display().to_string()]);
    let stdout = {
        let _serial = serial();
        run_script(&python, "chains_stub_client.py", &args, b"")
    };
    assert_eq!(ok_lines(&stdout), expected_stub_checks(false), "{stdout}");
}

/// The same script against the same chainlets written in Python (chains/signatures.py) on
/// truss's real server: what the Rust chainlets answer is what truss answers, except `bytes`
/// in binary mode, which truss answers raw and its own stub cannot read.
#[test]
fn the_same_stub_checks_pass_against_the_python_chainlets_on_truss() {
    let Some(python) = python("the_same_stub_checks_pass_against_the_python_chainlets_on_truss") else { return };
    let truss = truss_servers();
    let mut args = vec!["--truss".to_owned()];
    args.extend(NAMES.iter().zip(&truss).map(|(name, server)| format!("{name}={}", server.predict_url())));
    let stdout = run_script(&python, "chains_stub_client.py", &args, b"");
    assert_eq!(ok_lines(&stdout), expected_stub_checks(true), "{stdout}");
    // Python's traceback, where the Rust chainlet's has no frames.
    assert!(stdout.contains("/packages/signatures.py\", line "), "{stdout}");
}

// 2. The Rust chainlets' schemas equal truss's ##########################################

/// truss's servers of chains/signatures.py's chainlets, in [`NAMES`]' order, started together.
fn truss_servers() -> Vec<&'static truss_support::TrussServer> {
    std::thread::scope(|scope| {
        let starting: Vec<_> = NAMES
            .iter()
            .map(|name| scope.spawn(move || truss_support::truss_chainlet(&format!("signatures.py:{name}"))))
            .collect();
        starting.into_iter().map(|thread| thread.join().unwrap().expect("CHAINMODEL_PYTHON is set")).collect()
    })
}

/// `GET /v1/models/model/schema` as JSON.
fn schema(addr: SocketAddr) -> Json {
    let response = truss_support::get(addr, "/v1/models/model/schema");
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.header("content-type"), Some("application/json"), "{response:?}");
    response.json()
}

/// Where `rust` differs from `truss`, one line per difference, by JSON path.
fn differences(path: &str, truss: &Json, rust: &Json, out: &mut Vec<String>) {
    match (truss, rust) {
        (Json::Object(t), Json::Object(r)) => {
            for (key, value) in t {
                match r.get(key) {
                    Some(other) => differences(&format!("{path}.{key}"), value, other, out),
                    None => out.push(format!("{path}.{key}: missing in Rust's (truss: {value})")),
                }
            }
            for (key, value) in r {
                if !t.contains_key(key) {
                    out.push(format!("{path}.{key}: only in Rust's ({value})"));
                }
            }
        }
        (Json::Array(t), Json::Array(r)) if t.len() == r.len() => {
            for (i, (a, b)) in t.iter().zip(r).enumerate() {
                differences(&format!("{path}[{i}]"), a, b, out);
            }
        }
        _ if truss != rust => out.push(format!("{path}: truss {truss}, Rust {rust}")),
        _ => {}
    }
}

/// Each Rust chainlet's `GET /v1/models/model/schema` is, key for key, what truss's real
/// server answers for the same chainlet written in Python: the `{Name}Input` model (fields in
/// order, the optional `b` as `anyOf [string, null]` with default null, the `DataModel` in
/// `$defs`), the output as `RootModel[..]` (a tuple's `prefixItems`, `None`'s null, `bytes`'
/// binary string) and `supports_streaming: false`.
#[test]
fn rust_chainlet_schemas_equal_truss_schemas_key_for_key() {
    let Some(_) = python("rust_chainlet_schemas_equal_truss_schemas_key_for_key") else { return };
    let truss = truss_servers();
    let servers = rust_servers();
    let mut report = Vec::new();
    for (name, truss) in NAMES.iter().zip(truss) {
        let expected = schema(truss.addr);
        // The Python chainlet is the one meant: code_gen's names and the signature's fields.
        assert_eq!(expected["input_schema"]["title"], format!("{name}Input"), "{expected}");
        assert_eq!(expected["supports_streaming"], false, "{expected}");
        let got = {
            let _serial = serial();
            schema(servers.addr(name))
        };
        let mut found = Vec::new();
        differences(name, &expected, &got, &mut found);
        assert_eq!(found.is_empty(), expected == got, "{name}: {found:?}");
        if !found.is_empty() {
            report.push(format!("{name}:\n  truss: {expected}\n  Rust:  {got}\n  {}", found.join("\n  ")));
        }
    }
    assert!(report.is_empty(), "schemas that differ from truss's:\n{}", report.join("\n"));
}

// 3. A Rust #[stub] calls the docs' Worker on truss's real server ########################

/// The Binary IO docs' Worker (tests/python/chains/binary_io.py), written in Python, declared
/// by its signature alone (chains_support's Rust `Worker` makes the same names at the root).
mod python_worker {
    pub use crate::chains_support::DocsDataModel;
    use chainmodel::prelude::*;

    #[stub]
    pub trait Worker {
        async fn run_remote(&self, data: DocsDataModel) -> DocsDataModel;
    }
}

/// A `#[stub]` calls the Python Worker on truss's real server in JSON and binary mode: 10 is
/// added to every number of every shape (0-d, empty, 3×2), the text comes back as sent; the
/// Worker's `ValueError` reads as truss-chains' chained traceback.
#[test]
fn a_rust_stub_calls_the_python_worker_on_truss_in_both_modes() {
    let Some(_) = python("a_rust_stub_calls_the_python_worker_on_truss_in_both_modes") else { return };
    let server = truss_support::truss_chainlet("Worker").expect("CHAINMODEL_PYTHON is set");
    assert_eq!(<python_worker::WorkerStub as Stub>::NAME, "Worker");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        for binary in [false, true] {
            let options = RpcOptions::default().use_binary(binary).timeout(Duration::from_secs(30));
            let worker =
                python_worker::WorkerStub::from_url(format!("{}/v1/models/model:predict", server.url), options)
                    .unwrap();
            let shapes: [(Vec<usize>, Vec<f64>); 4] = [
                (vec![3, 2], vec![0.5, -1.0, 2.25, 1e300, -0.0, 7.0]),
                (vec![], vec![2.5]),
                (vec![0], vec![]),
                (vec![2, 0, 3], vec![]),
            ];
            for (shape, numbers) in shapes {
                let data = DocsDataModel {
                    some_numbers: NdArray::from_shape_vec(shape.clone(), numbers.clone()).unwrap(),
                    other_field: format!("shape {shape:?}, binary={binary}"),
                };
                let out = worker.run_remote(data.clone()).await.unwrap();
                assert_eq!(out.some_numbers.shape(), &shape[..], "binary={binary}");
                let expected: Vec<f64> = numbers.iter().map(|x| x + 10.0).collect();
                assert_eq!(out.some_numbers.as_slice(), &expected[..], "binary={binary} {shape:?}");
                assert_eq!(out.other_field, data.other_field);
            }
            let data = DocsDataModel { some_numbers: NdArray::from_vec(vec![1.0]), other_field: "fail".into() };
            let error = worker.run_remote(data).await.unwrap_err().to_string();
            assert!(
                error.starts_with(
                    "(showing chained remote errors, root error at the bottom)\n\
                     ├─ Error calling dependency Chainlet `Worker`, HTTP status=500, trace ID=`None`.\n\
                     │   Chainlet-Traceback (most recent call last):\n"
                ),
                "{error}"
            );
            assert!(error.contains("/packages/binary_io.py\", line "), "{error}");
            assert!(error.ends_with("\n╰   ValueError: This input is too long: 100."), "{error}");
        }
    });
}

// 4. /metrics as Prometheus reads it ###################################################

/// `GET /metrics` of a Rust chainlet, parsed by prometheus_client's OpenMetrics parser.
fn metrics(python: &Path, addr: SocketAddr) -> Json {
    let response = truss_support::get(addr, "/metrics");
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(
        response.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        "{response:?}"
    );
    let parsed = run_script(python, "chains_metrics.py", &[], &response.body);
    serde_json::from_str(&parsed).unwrap_or_else(|e| panic!("{e}: {parsed}"))
}

/// The family `name` (`type`), its samples.
fn family<'a>(families: &'a Json, name: &str, kind: &str) -> &'a Vec<Json> {
    let family = families
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no family {name} in {families}"));
    assert_eq!(family["type"], kind, "{family}");
    assert!(!family["documentation"].as_str().unwrap().is_empty(), "{family}");
    family["samples"].as_array().unwrap()
}

/// The value of sample `name` with exactly `labels` in family `family` (0 when absent: a
/// family or label set not yet seen; a family without samples is not written).
fn value(families: &Json, family_name: &str, kind: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    let wanted: serde_json::Map<String, Json> = labels.iter().map(|(k, v)| (k.to_string(), Json::from(*v))).collect();
    if !families.as_array().unwrap().iter().any(|f| f["name"] == family_name) {
        return 0.0;
    }
    family(families, family_name, kind)
        .iter()
        .find(|s| s["name"] == name && s["labels"].as_object() == Some(&wanted))
        .map(|s| s["value"].as_f64().unwrap())
        .unwrap_or(0.0)
}

/// After calls to a Rust chainlet, its `/metrics` is OpenMetrics text that Prometheus's own
/// parser reads: `chainlet_requests_total` by status (200, 400, 500: every predict route, each
/// attempt of a retried call), the `chainlet_request_duration_seconds` histogram (one
/// observation per request, buckets ending at +Inf), nothing in flight; and the
/// `dependency_chainlet_*` families truss-chains' stub keeps, labelled with the chainlet a Rust
/// stub called (`dependency_chainlet="ThreeArgs"`): attempts, retries, and gauges back at 0.
#[test]
fn metrics_read_as_openmetrics_count_requests_and_dependency_calls() {
    let Some(python) = python("metrics_read_as_openmetrics_count_requests_and_dependency_calls") else { return };
    let servers = rust_servers();
    let addr = servers.addr("ThreeArgs");
    let _serial = serial();
    let before = metrics(&python, addr);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let data = DataModel { some_numbers: vec![1.0, 2.0], other_field: "m".into() };
    runtime.block_on(async {
        let options = RpcOptions::default().timeout(Duration::from_secs(30));
        let json = ThreeArgsStub::from_url(servers.predict_url("ThreeArgs"), options.clone()).unwrap();
        let binary =
            ThreeArgsStub::from_url(servers.predict_url("ThreeArgs"), options.clone().use_binary(true)).unwrap();
        let retried = ThreeArgsStub::from_url(servers.predict_url("ThreeArgs"), options.retries(2)).unwrap();
        assert_eq!(json.run_remote(1, data.clone(), None).await.unwrap().some_numbers, vec![2.0, 3.0]);
        assert_eq!(json.run_remote(2, data.clone(), Some("!".into())).await.unwrap().other_field, "m!");
        assert_eq!(binary.run_remote(3, data.clone(), None).await.unwrap().some_numbers, vec![4.0, 5.0]);
        // A chainlet error: one attempt; retried: two (a 500 is retried).
        json.run_remote(-1, data.clone(), None).await.unwrap_err();
        retried.run_remote(-2, data.clone(), None).await.unwrap_err();
    });
    // Not through a stub: the run_remote route, and input that fails validation.
    let ok = truss_support::post(
        addr,
        "/run_remote",
        truss_support::JSON,
        br#"{"a":1,"data":{"some_numbers":[],"other_field":""}}"#,
    );
    assert_eq!(ok.status, 200, "{ok:?}");
    let bad = truss_support::post(addr, "/v1/models/model:predict", truss_support::JSON, br#"{"a":1}"#);
    assert_eq!(bad.status, 400, "{bad:?}");
    let after = metrics(&python, addr);

    // Requests the chainlets answered, by status.
    let requests = |families: &Json, status: &str| {
        value(families, "chainlet_requests", "counter", "chainlet_requests_total", &[("status", status)])
    };
    for (status, count) in [("200", 4.0), ("400", 1.0), ("500", 3.0)] {
        assert_eq!(requests(&after, status) - requests(&before, status), count, "status {status}: {after}");
    }
    // Their latency: one observation each, a few milliseconds on loopback.
    let histogram = "chainlet_request_duration_seconds";
    let count = |families: &Json| value(families, histogram, "histogram", &format!("{histogram}_count"), &[]);
    let sum = |families: &Json| value(families, histogram, "histogram", &format!("{histogram}_sum"), &[]);
    let inf =
        |families: &Json| value(families, histogram, "histogram", &format!("{histogram}_bucket"), &[("le", "+Inf")]);
    assert_eq!(count(&after) - count(&before), 8.0, "{after}");
    assert_eq!(inf(&after), count(&after), "{after}");
    let seconds = sum(&after) - sum(&before);
    assert!(seconds > 0.0 && seconds < 8.0 * 5.0, "{seconds} s: {after}");
    let buckets: Vec<f64> = family(&after, histogram, "histogram")
        .iter()
        .filter(|s| s["name"] == format!("{histogram}_bucket"))
        .map(|s| s["value"].as_f64().unwrap())
        .collect();
    assert!(buckets.len() > 2, "{after}");
    assert!(buckets.windows(2).all(|w| w[0] <= w[1]), "cumulative buckets: {buckets:?}");
    // The 8 requests took well under a second each: the 1 s bucket holds them.
    let under_a_second =
        |families: &Json| value(families, histogram, "histogram", &format!("{histogram}_bucket"), &[("le", "1.0")]);
    assert_eq!(under_a_second(&after) - under_a_second(&before), 8.0, "{after}");
    assert_eq!(value(&after, "chainlet_requests_in_flight", "gauge", "chainlet_requests_in_flight", &[]), 0.0);

    // The calls the Rust stubs made to ThreeArgs, as truss-chains' stub counts them.
    let three = [("dependency_chainlet", "ThreeArgs")];
    let attempts = |families: &Json| {
        value(families, "dependency_chainlet_requests", "counter", "dependency_chainlet_requests_total", &three)
    };
    let retries = |families: &Json| {
        value(families, "dependency_chainlet_retries", "counter", "dependency_chainlet_retries_total", &three)
    };
    assert_eq!(attempts(&after) - attempts(&before), 6.0, "{after}");
    assert_eq!(retries(&after) - retries(&before), 1.0, "{after}");
    for gauge in [
        "dependency_chainlet_ongoing_requests",
        "dependency_chainlet_queued_requests",
        "dependency_chainlet_total_requests",
    ] {
        let samples = family(&after, gauge, "gauge");
        let sample = samples
            .iter()
            .find(|s| s["labels"]["dependency_chainlet"] == "ThreeArgs")
            .unwrap_or_else(|| panic!("no {gauge} for ThreeArgs: {after}"));
        assert_eq!(sample["name"], gauge);
        assert_eq!(sample["value"], 0.0, "{gauge}: {after}");
    }
}

// 5. Code generation against truss's real server ########################################

// What `chainmodel codegen rust` writes from the `/schema` of the Python chainlets on truss's
// real server (the Binary IO docs' Worker and those of chains/signatures.py): checked in, as
// the generator writes it, and compiled here.
#[cfg(feature = "codegen")]
#[rustfmt::skip]
#[path = "codegen/truss_chainlets.rs"]
mod truss_chainlets;

/// The chainlets of `truss_chainlets.rs`, by module: (module, chainlet, truss's chainlet).
#[cfg(feature = "codegen")]
const GENERATED: [(&str, &str, &str); 7] = [
    ("worker", "Worker", "Worker"),
    ("no_arg", "NoArg", "signatures.py:NoArg"),
    ("three_args", "ThreeArgs", "signatures.py:ThreeArgs"),
    ("tuple_out", "TupleOut", "signatures.py:TupleOut"),
    ("bytes_arg", "BytesArg", "signatures.py:BytesArg"),
    ("none_out", "NoneOut", "signatures.py:NoneOut"),
    ("streamer", "Streamer", "streams.py:Streamer"),
];

/// `chainmodel::codegen` over truss's real server: the `/schema` of each Python chainlet gives
/// Rust models and a `#[stub]` (checked in as written: `CHAINMODEL_BLESS=1` rewrites it), whose
/// `{Name}Input` publishes truss's input schema key for key, and whose stubs call the Python
/// chainlets in JSON and binary mode: the Worker adds 10 to a NumpyArrayField of any shape,
/// `ThreeArgs` takes its optional argument, `TupleOut` answers a tuple, `NoneOut` nothing, a
/// Python `ValueError` comes back as truss's chained traceback, and `Streamer`'s stream (which
/// the schema does not type) arrives as raw bytes.
#[cfg(feature = "codegen")]
#[test]
fn rust_stubs_generated_from_truss_schemas_call_the_python_chainlets() {
    use truss_chainlets::*;

    let Some(_) = python("rust_stubs_generated_from_truss_schemas_call_the_python_chainlets") else { return };
    let servers: Vec<_> = std::thread::scope(|scope| {
        let starting: Vec<_> =
            GENERATED.iter().map(|(_, _, file)| scope.spawn(move || truss_support::truss_chainlet(file))).collect();
        starting.into_iter().map(|thread| thread.join().unwrap().expect("CHAINMODEL_PYTHON is set")).collect()
    });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut file = String::from(
        "// @generated by tests/chains_python.rs with `chainmodel::codegen::rust_module` from the `/schema` of\n\
         // the Python chainlets of tests/python/chains/{binary_io,signatures,streams}.py on truss's real server.\n\
         // Regenerate: CHAINMODEL_BLESS=1 scripts/test (or cargo test --all-features --test chains_python)\n\
         #![deny(warnings)]\n\n",
    );
    let mut schemas = Vec::new();
    for ((module, name, _), server) in GENERATED.iter().zip(&servers) {
        // The server's base URL, as `chainmodel codegen rust http://...` is given it.
        let schema = runtime.block_on(chainmodel::codegen::fetch_schema(&server.url, None)).unwrap();
        assert_eq!(schema["input_schema"]["title"], format!("{name}Input"), "{schema}");
        let code = chainmodel::codegen::rust_module(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
        file.push_str(&format!("pub mod {module} {{\n"));
        for line in code.trim_end().lines() {
            file.push_str(if line.is_empty() { "\n" } else { "    " });
            if !line.is_empty() {
                file.push_str(line);
                file.push('\n');
            }
        }
        file.push_str("}\n\n");
        schemas.push(schema);
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/codegen/truss_chainlets.rs");
    if std::env::var_os("CHAINMODEL_BLESS").is_some() {
        std::fs::write(&path, &file).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).unwrap() == file,
        "{} is not what the generator writes from truss's schemas; regenerate with CHAINMODEL_BLESS=1",
        path.display()
    );
    // The stubs' input models are truss's, key for key.
    let inputs = [
        worker::WorkerInput::json_schema(),
        no_arg::NoArgInput::json_schema(),
        three_args::ThreeArgsInput::json_schema(),
        tuple_out::TupleOutInput::json_schema(),
        bytes_arg::BytesArgInput::json_schema(),
        none_out::NoneOutInput::json_schema(),
        streamer::StreamerInput::json_schema(),
    ];
    for (schema, ours) in schemas.iter().zip(&inputs) {
        assert_eq!(&schema["input_schema"], ours);
    }
    let predict = |i: usize| servers[i].predict_url();
    runtime.block_on(async {
        for binary in [false, true] {
            let options = || RpcOptions::default().use_binary(binary).timeout(Duration::from_secs(30));
            let worker = worker::WorkerStub::from_url(predict(0), options()).unwrap();
            for (shape, numbers) in [(vec![3, 2], vec![0.5, -1.0, 2.25, 1e300, -0.0, 7.0]), (vec![], vec![2.5])] {
                let sent = NdArray::from_shape_vec(shape.clone(), numbers.clone()).unwrap();
                let data = worker::DataModel { some_numbers: sent.into(), other_field: format!("binary={binary}") };
                let out = worker.run_remote(data).await.unwrap();
                let got = out.some_numbers.to_typed::<f64>().unwrap();
                assert_eq!(got.shape(), &shape[..]);
                assert_eq!(got.as_slice(), &numbers.iter().map(|x| x + 10.0).collect::<Vec<_>>()[..]);
                assert_eq!(out.other_field, format!("binary={binary}"));
            }

            let no_arg = no_arg::NoArgStub::from_url(predict(1), options()).unwrap();
            assert_eq!(no_arg.run_remote().await.unwrap(), "no arguments");

            let three = three_args::ThreeArgsStub::from_url(predict(2), options()).unwrap();
            let data = || three_args::DataModel { some_numbers: vec![1.0, 2.5], other_field: "x".into() };
            let out = three.run_remote(2, data(), Some("!".into())).await.unwrap();
            assert_eq!((out.some_numbers, out.other_field), (vec![3.0, 4.5], "x!".to_owned()));
            let out = three.run_remote(0, data(), None).await.unwrap();
            assert_eq!(out.other_field, "x-");
            let error = three.run_remote(-1, data(), None).await.unwrap_err().to_string();
            assert!(error.ends_with("ValueError: a is negative: -1"), "{error}");

            let tuple = tuple_out::TupleOutStub::from_url(predict(3), options()).unwrap();
            let (n, text, data) = tuple.run_remote(7).await.unwrap();
            assert_eq!((n, text, data.some_numbers, data.other_field), (7, "7".into(), vec![7.0], "tuple".into()));

            let none = none_out::NoneOutStub::from_url(predict(5), options()).unwrap();
            none.run_remote(1).await.unwrap();
            let error = none.run_remote(0).await.unwrap_err().to_string();
            assert!(error.ends_with("ValueError: zero"), "{error}");

            let streamer = streamer::StreamerStub::from_url(predict(6), options()).unwrap();
            let mut chunks = streamer.run_remote("raw".into(), 3).await.unwrap();
            let mut received = Vec::new();
            while let Some(chunk) = futures_util::StreamExt::next(&mut chunks).await {
                received.extend_from_slice(&chunk.unwrap());
            }
            assert_eq!(String::from_utf8(received).unwrap(), "raw-0\nraw-1\nraw-2\n");
        }
    });
}

/// `chainmodel codegen python` from truss's streaming chainlet's `/schema`: a `StubBase` whose
/// `run_remote` is an async iterator of the chunks as they come, in both modes.
#[cfg(feature = "codegen")]
#[test]
fn a_python_stub_generated_from_a_streaming_schema_streams() {
    let Some(python) = python("a_python_stub_generated_from_a_streaming_schema_streams") else { return };
    let server = truss_support::truss_chainlet("streams.py:Streamer").expect("CHAINMODEL_PYTHON is set");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let schema = runtime.block_on(chainmodel::codegen::fetch_schema(&server.url, None)).unwrap();
    let code = chainmodel::codegen::python_module(&schema).unwrap();
    assert!(code.contains("async def run_remote(self, prompt: str, n: int) -> AsyncIterator[bytes]:"), "{code}");
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("streamer_stub.py");
    std::fs::write(&file, code).unwrap();
    let args = [
        file.display().to_string(),
        "Streamer".to_owned(),
        server.predict_url(),
        r#"{"prompt": "raw", "n": 3}"#.to_owned(),
    ];
    let got: Json = serde_json::from_str(&run_script(&python, "codegen_stream_stub.py", &args, b"")).unwrap();
    let text = |mode: &str| got[mode].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect::<String>();
    assert_eq!(text("json"), "raw-0\nraw-1\nraw-2\n", "{got}");
    assert_eq!(text("binary"), "raw-0\nraw-1\nraw-2\n", "{got}");
}
