//! Chainlets in Rust as truss-chains writes them: `#[chainlet]`, the typed stubs, the
//! deployment context, a whole chain in one process.

mod chains_support;

use std::future::IntoFuture;

use chainmodel::chains::{Context, RpcOptions, Stub};
use chainmodel::prelude::*;
use chains_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_stubs_call_rust_chainlets() {
    for binary in [false, true] {
        let options = RpcOptions::default().use_binary(binary);
        let url = |base: String| format!("{base}/v1/models/model:predict");
        let no_arg = NoArgStub::from_url(url(serve_forever(NoArg)), options.clone()).unwrap();
        assert_eq!(no_arg.run_remote().await.unwrap(), "no arguments");
        let three = ThreeArgsStub::from_url(url(serve_forever(ThreeArgs)), options.clone()).unwrap();
        let data = DataModel { some_numbers: vec![1.0, 2.5], other_field: "x".into() };
        let out = three.run_remote(2, data.clone(), None).await.unwrap();
        assert_eq!(out, DataModel { some_numbers: vec![3.0, 4.5], other_field: "x-".into() });
        let out = three.run_remote(0, data.clone(), Some("!".into())).await.unwrap();
        assert_eq!(out.other_field, "x!");
        let err = three.run_remote(-1, data, None).await.unwrap_err();
        assert!(err.to_string().contains("ValueError: a is negative: -1"), "{err}");
        let tuple = TupleOutStub::from_url(url(serve_forever(TupleOut)), options.clone()).unwrap();
        let (a, text, model) = tuple.run_remote(7).await.unwrap();
        assert_eq!((a, text.as_str(), model.some_numbers), (7, "7", vec![7.0]));
        let none = NoneOutStub::from_url(url(serve_forever(NoneOut)), options.clone()).unwrap();
        none.run_remote(1).await.unwrap();
        assert!(none.run_remote(0).await.unwrap_err().to_string().contains("ValueError: zero"));
        if binary {
            let bytes = BytesArgStub::from_url(url(serve_forever(BytesArg)), options.clone()).unwrap();
            let out = bytes.run_remote(Bytes::from(vec![0, 255]), "label:".into()).await.unwrap();
            assert_eq!(&*out, b"label:\x00\xff");
        }
    }
}

/// A Consumer calling the Worker through `Context::depends`, as the Binary IO docs' chain.
pub struct Consumer {
    worker: WorkerStub,
}

#[chainlet]
impl Consumer {
    pub fn new(context: &Context) -> Result<Self, RemoteError> {
        Ok(Consumer { worker: context.depends::<WorkerStub>(RpcOptions::default().use_binary(true))? })
    }

    pub async fn run_remote(&self, scale: Option<f64>) -> Result<DocsDataModel, RemoteError> {
        let numbers = vec![0.5 * scale.unwrap_or(1.0); 6];
        let data = DocsDataModel {
            some_numbers: NdArray::from_shape_vec(vec![3, 2], numbers)?,
            other_field: "Example".into(),
        };
        Ok(self.worker.run_remote(data).await?)
    }

    pub async fn is_healthy(&self) -> bool {
        self.worker.client().url().starts_with("http://127.0.0.1")
    }
}

/// Serves the chainlet built by `chains::load` with `context` on 127.0.0.1:0, for the whole
/// test binary; its base URL.
fn load_forever<T: chainmodel::chains::Chainlet>(context: Context) -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            chainmodel::chains::load::<T>(listener, context).await.unwrap();
        });
    });
    format!("http://{}", receiver.recv_timeout(std::time::Duration::from_secs(60)).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_chain_in_one_process_wired_by_name() {
    let worker = serve_forever(Worker);
    let context = Context::builder().predict_url("Worker", format!("{worker}/v1/models/model:predict")).build();
    let consumer = load_forever::<Consumer>(context);
    for binary in [false, true] {
        let stub = ConsumerStub::from_url(
            format!("{consumer}/run_remote"),
            RpcOptions::default().use_binary(binary).retries(3),
        )
        .unwrap();
        let result = stub.run_remote(Some(2.0)).await.unwrap();
        assert_eq!(result.some_numbers.as_slice(), &[11.0; 6]);
        assert_eq!(result.other_field, "Example");
        let result = stub.run_remote(None).await.unwrap();
        assert_eq!(result.some_numbers.as_slice(), &[10.5; 6]);
    }
    // Readiness asks `is_healthy`.
    let ready = reqwest_get(&format!("{consumer}/v1/models/model")).await;
    assert_eq!(ready.0, 200, "{}", ready.1);
}

/// `GET url`: status and body.
async fn reqwest_get(url: &str) -> (u16, String) {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let (host, path) = url.trim_start_matches("http://").split_once('/').unwrap();
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
        use std::io::{Read, Write};
        write!(stream, "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        let status = raw[9..12].parse().unwrap();
        let body = raw.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
        (status, body)
    })
    .await
    .unwrap()
}

/// A chainlet whose health follows a switch.
pub struct Flaky {
    healthy: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

static FLAKY_SWITCH: std::sync::OnceLock<std::sync::Arc<std::sync::atomic::AtomicBool>> = std::sync::OnceLock::new();

#[chainlet]
impl Flaky {
    pub fn new(_context: &Context) -> Self {
        Flaky { healthy: FLAKY_SWITCH.get_or_init(Default::default).clone() }
    }

    pub async fn run_remote(&self) -> bool {
        self.healthy.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub async fn is_healthy(&self) -> bool {
        self.healthy.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_is_healthy_as_truss_does() {
    let switch = FLAKY_SWITCH.get_or_init(Default::default).clone();
    let base = load_forever::<Flaky>(Context::default());
    // Ready once loaded, and healthy.
    switch.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut ready = (0, String::new());
    for _ in 0..100 {
        ready = reqwest_get(&format!("{base}/v1/models/model")).await;
        if ready.0 == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(ready, (200, "{}".to_owned()));
    switch.store(false, std::sync::atomic::Ordering::SeqCst);
    let (status, body) = reqwest_get(&format!("{base}/v1/models/model")).await;
    assert_eq!((status, body.as_str()), (503, r#"{"error":"Model with name Flaky is not ready."}"#));
    // Liveness and `/loaded` keep answering, as truss's do.
    assert_eq!(reqwest_get(&format!("{base}/")).await, (200, "true".to_owned()));
    assert_eq!(reqwest_get(&format!("{base}/v1/models/model/loaded")).await.0, 200);
    let stub = FlakyStub::from_url(format!("{base}/predict"), RpcOptions::default()).unwrap();
    assert!(!stub.run_remote().await.unwrap(), "predict keeps answering");
}

#[test]
fn the_context_reads_what_baseten_mounts() {
    let dir = std::env::temp_dir().join(format!("chainmodel-context-{}", std::process::id()));
    let secrets = dir.join("secrets");
    std::fs::create_dir_all(&secrets).unwrap();
    std::fs::write(secrets.join("hf_access_token"), "from-the-file\n").unwrap();
    std::fs::write(secrets.join("baseten_chain_api_key"), "chain-key").unwrap();
    let config = dir.join("dynamic_chainlet_config");
    std::fs::write(
        &config,
        r#"{"Worker": {"predict_url": "https://chain.api.baseten.co/worker/predict"},
            "Other": {"predict_url": "https://ignored", "internal_url": {"gateway_run_remote_url": "http://gateway/run_remote", "hostname": "other.internal"}}}"#,
    )
    .unwrap();
    let environment = dir.join("environment");
    std::fs::write(&environment, r#"{"name": "production", "extra": 1}"#).unwrap();
    let context = Context::from_files(&secrets, &config, &environment).unwrap();
    // A secret file is read as it is (truss does not strip it).
    assert_eq!(context.secret("hf_access_token").as_deref(), Some("from-the-file\n"));
    assert_eq!(context.chain_api_key().as_deref(), Some("chain-key"));
    assert_eq!(context.secret("missing"), None);
    assert_eq!(context.secret("../secrets/hf_access_token"), None, "a name cannot leave the directory");
    assert_eq!(context.environment(), Some("production"));
    use chainmodel::chains::ServiceUrl;
    assert_eq!(
        context.service("Worker"),
        Some(&ServiceUrl::Predict("https://chain.api.baseten.co/worker/predict".into()))
    );
    assert_eq!(
        context.service("Other"),
        Some(&ServiceUrl::Internal {
            gateway_run_remote_url: "http://gateway/run_remote".into(),
            hostname: "other.internal".into()
        })
    );
    // An unknown dependency is truss's error, naming the known ones.
    let err = context.depends::<NoArgStub>(RpcOptions::default()).unwrap_err();
    assert_eq!(err.class_name(), "MissingDependencyError");
    assert_eq!(
        err.message(),
        r#"Chainlet 'NoArg' not found in 'dynamic_chainlet_config'. Dynamic Chainlet config keys: ["Other", "Worker"]."#
    );
    // Missing files are an empty deployment; a malformed one is an error.
    let nothing = Context::from_files(&dir.join("none"), &dir.join("none"), &dir.join("none")).unwrap();
    assert_eq!((nothing.services().count(), nothing.environment()), (0, None));
    std::fs::write(&config, "{not json").unwrap();
    let err = Context::from_files(&secrets, &config, &environment).unwrap_err();
    assert!(err.message().contains("dynamic_chainlet_config`: not JSON"), "{}", err.message());
    std::fs::remove_dir_all(&dir).unwrap();
}

const SECRET_CHILD_VAR: &str = "CHAINMODEL_TEST_SECRET_CHILD";

#[test]
fn a_secret_without_a_file_is_read_from_truss_secret_variables() {
    if let Ok(dir) = std::env::var(SECRET_CHILD_VAR) {
        let dir = std::path::PathBuf::from(dir);
        let context = Context::from_files(&dir, &dir.join("none"), &dir.join("none")).unwrap();
        assert_eq!(context.secret("token").as_deref(), Some("from-the-file"), "the file wins");
        assert_eq!(context.secret("only_env").as_deref(), Some("from-the-variable"));
        assert_eq!(context.secret("neither"), None);
        return;
    }
    let dir = std::env::temp_dir().join(format!("chainmodel-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("token"), "from-the-file").unwrap();
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "a_secret_without_a_file_is_read_from_truss_secret_variables", "--test-threads=1"])
        .env(SECRET_CHILD_VAR, &dir)
        .env("TRUSS_SECRET_token", "from-the-variable-loses")
        .env("TRUSS_SECRET_only_env", "from-the-variable")
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 passed"));
}

/// The `Host` of the last request a chainlet received.
static LAST_HOST: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_url_is_called_through_the_gateway_with_a_host_header() {
    let router = chainmodel::chains::router(NoArg).layer(axum::middleware::from_fn(
        |request: axum::extract::Request, next: axum::middleware::Next| async move {
            let host = request.headers().get("host").and_then(|h| h.to_str().ok()).map(str::to_owned);
            *LAST_HOST.lock().unwrap() = host;
            next.run(request).await
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(chainmodel::server::serve(listener, router).into_future());
    let context = Context::builder()
        .internal_url("NoArg", format!("http://{addr}/run_remote"), "no-arg.chain.internal")
        .secret("baseten_chain_api_key", "chain-key")
        .build();
    let stub = context.depends::<NoArgStub>(RpcOptions::default()).unwrap();
    assert_eq!(stub.run_remote().await.unwrap(), "no arguments");
    assert_eq!(LAST_HOST.lock().unwrap().as_deref(), Some("no-arg.chain.internal"));
}

const LOAD_CHILD_VAR: &str = "CHAINMODEL_TEST_CHAIN_LOAD_CHILD";

pub struct Broken;

#[chainlet]
impl Broken {
    pub fn new(context: &Context) -> Result<Self, RemoteError> {
        if context.environment() == Some("panic") {
            panic!("the weights are missing");
        }
        Err(RemoteError::new("OSError", "no weights"))
    }

    pub async fn run_remote(&self) -> i64 {
        1
    }
}

#[test]
fn a_new_that_fails_ends_the_process_with_its_reason() {
    if let Ok(how) = std::env::var(LOAD_CHILD_VAR) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let context = Context::builder().environment(how).build();
            // Still running after this: the process outlived its failed `new`.
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                chainmodel::chains::load::<Broken>(listener, context),
            )
            .await;
        });
        std::process::exit(0);
    }
    for (how, reason) in [("error", "OSError: no weights"), ("panic", "the weights are missing")] {
        let started = std::time::Instant::now();
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "a_new_that_fails_ends_the_process_with_its_reason", "--nocapture", "--test-threads=1"])
            .env(LOAD_CHILD_VAR, how)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{how}: {}; stderr:\n{stderr}", output.status);
        assert!(stderr.contains("the load step failed") && stderr.contains(reason), "{how}: {stderr}");
        assert!(started.elapsed() < std::time::Duration::from_secs(4), "{how}: {:?}", started.elapsed());
    }
}

const LOG_CHILD_VAR: &str = "CHAINMODEL_TEST_LOG_CHILD";

#[test]
fn a_chainlet_logs_to_stderr_without_a_subscriber() {
    if std::env::var(LOG_CHILD_VAR).is_ok() {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/predict", listener.local_addr().unwrap());
            tokio::spawn(chainmodel::chains::serve(listener, ThreeArgs));
            let stub = ThreeArgsStub::from_url(url, RpcOptions::default()).unwrap();
            let data = DataModel { some_numbers: vec![], other_field: String::new() };
            assert!(stub.run_remote(-3, data, None).await.is_err());
        });
        std::process::exit(0);
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "a_chainlet_logs_to_stderr_without_a_subscriber", "--nocapture", "--test-threads=1"])
        .env(LOG_CHILD_VAR, "1")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("ERROR") && stderr.contains("ValueError: a is negative: -3"), "{stderr}");
}
