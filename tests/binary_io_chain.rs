//! The Binary IO docs' chain end to end, with the chainlets of `examples/chain.rs` (the binary
//! `cargo test` builds, started as `chain serve worker|consumer`), Python on the other side:
//!
//! - Python calls Rust: the real `truss_chains` stub and the Binary IO docs' client steps call
//!   the Rust Worker (`tests/python/chain_stub.py`).
//! - Rust calls Python: the Rust Consumer calls the docs' Worker written in Python, served by the
//!   real truss server.
//! - A mixed chain: a Python Consumer served by the real truss server calls the Rust Worker
//!   through its chains stub, and a Rust client calls the Consumer.
//!
//! Both modes; arrays of shape (3, 2), 0-d, empty and several MB, checked element by element.
//! The deploy files are checked here too: `examples/deploy/config.yaml` loads with truss's own
//! `TrussConfig`, its `start_command` starts this Worker, and its endpoints answer.

mod common;
mod example_support;
mod server_support;
mod truss_support;

use std::path::PathBuf;
use std::sync::OnceLock;

use example_support::{Example, start_example};

use chainmodel::client::Client;
use chainmodel::prelude::*;
use server_support::{DataModel, WorkerInput};

/// `Consumer.run_remote(data: Optional[DataModel] = None)` of examples/chain.rs.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct ConsumerInput {
    data: Option<DataModel>,
}

fn rust_worker() -> &'static Example {
    static WORKER: OnceLock<Example> = OnceLock::new();
    WORKER.get_or_init(|| start_example(&["serve", "worker", "--port", "0"]))
}

/// The arrays every direction sends.
fn arrays() -> Vec<(&'static str, NdArray<f64>)> {
    vec![
        ("(3, 2)", NdArray::from_shape_vec(vec![3, 2], vec![0.5, -1.25, 2.0, 1e300, f64::MIN_POSITIVE, -0.0]).unwrap()),
        ("0-d", NdArray::from_shape_vec(vec![], vec![2.5]).unwrap()),
        ("empty", NdArray::from_shape_vec(vec![0], vec![]).unwrap()),
        (
            "several MB",
            NdArray::from_shape_vec(vec![1000, 750], (0..750_000).map(|i| i as f64 * 0.5 - 1e5).collect()).unwrap(),
        ),
    ]
}

fn check_added_ten(name: &str, sent: &NdArray<f64>, got: &DataModel) {
    assert_eq!(got.some_numbers.shape(), sent.shape(), "{name}");
    for (i, (a, b)) in sent.as_slice().iter().zip(got.some_numbers.as_slice()).enumerate() {
        assert_eq!(*b, a + 10.0, "{name}: element {i}");
    }
}

#[test]
fn python_calls_the_rust_worker_with_the_chains_stub_and_the_docs_client() {
    let Some(python) = common::anchor_python("python_calls_the_rust_worker") else { return };
    let worker = rust_worker();
    let stdout = common::run_script(&python, "chain_stub.py", &[&worker.url(""), "--no-error-cases"], b"");
    let checks: Vec<&str> = stdout.lines().filter(|l| l.starts_with("ok ")).collect();
    // 2 modes × 3 routes × 4 arrays (async and sync each), 4 docs-client arrays, the docs' bad input.
    assert_eq!(checks.len(), 24 + 4 + 1, "{stdout}");
    for name in ["0-d", "(3,2)", "(0,)", "several MB"] {
        assert!(checks.iter().any(|l| l.ends_with(&format!("{name} async+sync"))), "{name}: {stdout}");
    }
    assert_eq!(stdout.lines().last(), Some("done"), "{stdout}");
}

#[tokio::test]
async fn the_rust_consumer_calls_the_python_worker_on_the_truss_server() {
    let Some(python_worker) = truss_support::truss_chainlet("Worker") else { return };
    static CONSUMER: OnceLock<Example> = OnceLock::new();
    let consumer = CONSUMER
        .get_or_init(|| start_example(&["serve", "consumer", "--port", "0", "--worker", &python_worker.predict_url()]));
    for binary in [true, false] {
        let client = Client::builder(consumer.url("/run_remote")).name("Consumer").use_binary(binary).build().unwrap();
        // The docs' call: no argument, a random (3, 2) array.
        let result: DataModel = client.predict(&ConsumerInput { data: None }).await.unwrap();
        assert_eq!(result.some_numbers.shape(), &[3, 2]);
        assert!(result.some_numbers.as_slice().iter().all(|x| (10.0..11.0).contains(x)), "{result:?}");
        assert_eq!(result.other_field, "Example");
        for (name, array) in arrays() {
            let data = DataModel { some_numbers: array.clone(), other_field: format!("{name}, binary={binary}") };
            let result: DataModel = client.predict(&ConsumerInput { data: Some(data.clone()) }).await.unwrap();
            check_added_ten(name, &array, &result);
            assert_eq!(result.other_field, data.other_field);
        }
    }
}

#[tokio::test]
async fn a_python_consumer_on_the_truss_server_calls_the_rust_worker() {
    let worker = rust_worker();
    let worker_url = worker.url("/v1/models/model:predict");
    let Some(consumer) = truss_support::truss_chainlet_with_dependencies("Consumer", &[("Worker", &worker_url)]) else {
        return;
    };
    for binary in [true, false] {
        let client = Client::builder(consumer.predict_url()).name("Consumer").use_binary(binary).build().unwrap();
        for (name, array) in arrays() {
            let data = DataModel { some_numbers: array.clone(), other_field: format!("{name}, binary={binary}") };
            let result: DataModel = client.predict(&WorkerInput { data: data.clone() }).await.unwrap();
            check_added_ten(name, &array, &result);
            assert_eq!(result.other_field, data.other_field);
        }
    }
}

#[tokio::test]
async fn the_deploy_config_starts_this_worker_and_its_endpoints_answer() {
    let Some(python) = common::anchor_python("the_deploy_config_starts_this_worker") else { return };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let deploy = root.join("examples/deploy");
    // truss's own config loader and image build context, as `truss push` uses them.
    let stdout = common::run_script(&python, "deploy_config.py", &[deploy.to_str().unwrap()], b"");
    let config: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let port = config["server_port"].as_u64().unwrap();
    assert_ne!(port, 8080, "Baseten's proxy has 8080");
    let start_command = config["start_command"].as_str().unwrap();
    assert_eq!(config["supervised_command"], start_command, "supervisord runs the start command");
    assert_eq!(config["proxy_targets"], serde_json::json!([format!("http://127.0.0.1:{port}")]));
    let endpoints =
        ["predict_endpoint", "readiness_endpoint", "liveness_endpoint"].map(|key| config[key].as_str().unwrap());
    for endpoint in endpoints {
        assert_eq!(config["rewrites"][endpoint], endpoint, "nginx maps {endpoint}: {config}");
    }

    // The image: the example built in one stage, copied to the start command's path in the next.
    let argv: Vec<&str> = start_command.split_whitespace().collect();
    let dockerfile = std::fs::read_to_string(deploy.join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("cargo build --release --locked --example chain"), "{dockerfile}");
    assert!(dockerfile.contains(&format!("COPY --from=build /chain {}\n", argv[0])), "{dockerfile}");
    let entrypoint = dockerfile.lines().find_map(|line| line.strip_prefix("ENTRYPOINT ")).expect("an ENTRYPOINT");
    let entrypoint: Vec<String> = serde_json::from_str(entrypoint).expect("the exec form");
    assert_eq!(entrypoint, argv, "the image runs the start command by itself too");
    assert!(dockerfile.contains(&format!("EXPOSE {port}\n")), "{dockerfile}");
    assert!(argv.windows(2).any(|w| w == ["--port", &port.to_string()]), "{start_command}");

    // The start command's own arguments, on loopback and a free port instead.
    let mut args: Vec<&str> = argv[1..].to_vec();
    for (flag, value) in [("--host", "127.0.0.1"), ("--port", "0")] {
        let at = args.iter().position(|a| *a == flag).unwrap_or_else(|| panic!("{flag} in {start_command}"));
        args[at + 1] = value;
    }
    let worker = start_example(&args);
    let [predict, readiness, liveness] = endpoints;
    let live = server_support::get(worker.addr, liveness).await;
    assert_eq!((live.status, live.text()), (200, "true"));
    let ready = server_support::get(worker.addr, readiness).await;
    assert_eq!((ready.status, ready.text()), (200, "{}"));
    for binary in [true, false] {
        let client = Client::builder(worker.url(predict)).use_binary(binary).build().unwrap();
        for (name, array) in arrays() {
            let data = DataModel { some_numbers: array.clone(), other_field: name.into() };
            let result: DataModel = client.predict(&WorkerInput { data }).await.unwrap();
            check_added_ten(name, &array, &result);
        }
    }
}
