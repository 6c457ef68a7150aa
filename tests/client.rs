//! `chainmodel::client` against Rust chainlet servers on 127.0.0.1: both modes, arrays of
//! several shapes and dtypes, views borrowed from the response, remote errors as truss shows
//! them, timeouts, retries (a server that drops the first connection, `5xx`, never `4xx`),
//! the concurrency limit, the forwarded chain context, the API key, the blocking form.
//! (The same client against the real truss server: tests/client_truss.rs.)

mod server_support;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Router, middleware};
use chainmodel::client::{self, ChainContext, Client, Direction, Error, RemoteErrorBody};
use chainmodel::prelude::*;
use chainmodel::server::{Chainlet, Mode, Model, RemoteError, Reply, with_chain_context};
use server_support::*;
use tokio::net::{TcpListener, TcpStream};

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Echo {
    array: AnyArray,
    label: String,
}

#[derive(ChainModel, Debug)]
struct EchoView<'a> {
    array: NdArrayView<'a, f64>,
    label: &'a str,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Seconds {
    seconds: f64,
}

/// Answers `status` for the first `failures` calls with `key`, then the number of calls.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Flaky {
    key: String,
    failures: usize,
    status: u16,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Calls {
    calls: usize,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Seen {
    authorization: Option<String>,
    content_type: Option<String>,
}

/// The headers `/headers` saw.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct SeenHeaders {
    host: Option<String>,
    custom: Option<Vec<String>>,
    content_type: Option<String>,
    user_agent: Option<String>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct InFlight {
    key: String,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct MaxInFlight {
    max: usize,
}

fn calls_of(key: &str) -> usize {
    static CALLS: OnceLock<Mutex<HashMap<String, usize>>> = OnceLock::new();
    let mut calls = CALLS.get_or_init(Default::default).lock().unwrap();
    let count = calls.entry(key.to_owned()).or_default();
    *count += 1;
    *count
}

async fn flaky(mode: Mode, Model(input): Model<Flaky>) -> Result<Reply<Calls>, RemoteError> {
    let calls = calls_of(&input.key);
    if calls <= input.failures {
        let status = axum::http::StatusCode::from_u16(input.status).unwrap();
        return Err(RemoteError::new("RuntimeError", format!("call {calls} fails")).with_status(status));
    }
    Ok(mode.reply(Calls { calls }))
}

async fn in_flight(mode: Mode, Model(input): Model<InFlight>) -> Reply<MaxInFlight> {
    static STATE: OnceLock<Mutex<HashMap<String, (usize, usize)>>> = OnceLock::new();
    let state = STATE.get_or_init(Default::default);
    let max = {
        let mut state = state.lock().unwrap();
        let (now, max) = state.entry(input.key.clone()).or_default();
        *now += 1;
        *max = (*max).max(*now);
        *max
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    state.lock().unwrap().get_mut(&input.key).unwrap().0 -= 1;
    mode.reply(MaxInFlight { max })
}

/// A chainlet in the middle: calls the worker (same server) with a client of its own, in
/// binary mode, and answers what the worker answered.
async fn consumer(mode: Mode, Model(input): Model<WorkerInput>) -> Result<Reply<DataModel>, RemoteError> {
    let worker =
        Client::builder(format!("http://{}/predict", rust_server())).name("Worker").use_binary(true).build()?;
    let data: DataModel = worker.predict(&input).await?;
    Ok(mode.reply(data))
}

fn rust_server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        serve_forever(|| {
            let routes = Router::new()
                .route("/echo", post(|mode: Mode, Model(echo): Model<Echo>| async move { mode.reply(echo) }))
                .route(
                    "/slow",
                    post(|mode: Mode, Model(input): Model<Seconds>| async move {
                        tokio::time::sleep(Duration::from_secs_f64(input.seconds)).await;
                        mode.reply(input)
                    }),
                )
                .route("/flaky", post(flaky))
                .route("/in_flight", post(in_flight))
                .route(
                    "/seen",
                    post(|mode: Mode, headers: HeaderMap| async move {
                        let get = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
                        mode.reply(Seen { authorization: get("authorization"), content_type: get("content-type") })
                    }),
                )
                .route(
                    "/headers",
                    post(|mode: Mode, headers: HeaderMap| async move {
                        let get = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
                        let custom: Vec<String> =
                            headers.get_all("x-custom").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
                        mode.reply(SeenHeaders {
                            host: get("host"),
                            custom: (!custom.is_empty()).then_some(custom),
                            content_type: get("content-type"),
                            user_agent: get("user-agent"),
                        })
                    }),
                )
                .route("/consumer", post(consumer))
                .layer(middleware::from_fn(with_chain_context));
            worker().into_router().merge(routes)
        })
    })
}

/// The Worker alone, served as `chains::serve` serves a chainlet: `into_service`, whose
/// predict calls skip the router.
fn worker_service() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| serve_forever(|| worker().into_service()))
}

fn url(path: &str) -> String {
    format!("http://{}{path}", rust_server())
}

fn client(path: &str, binary: bool) -> Client {
    Client::builder(url(path)).name("Worker").use_binary(binary).build().unwrap()
}

fn data(shape: Vec<usize>) -> DataModel {
    let len = shape.iter().product();
    let numbers = (0..len).map(|i| i as f64 * 0.25 - 3.0).collect();
    DataModel { some_numbers: NdArray::from_shape_vec(shape, numbers).unwrap(), other_field: "Example".into() }
}

fn assert_added_ten(input: &DataModel, output: &DataModel) {
    assert_eq!(output.some_numbers.shape(), input.some_numbers.shape());
    for (i, (a, b)) in input.some_numbers.as_slice().iter().zip(output.some_numbers.as_slice()).enumerate() {
        assert_eq!(*b, a + 10.0, "element {i}");
    }
    assert_eq!(output.other_field, input.other_field);
}

#[tokio::test]
async fn the_worker_answers_in_both_modes_on_every_route() {
    for path in ["/predict", "/run_remote", "/v1/models/worker:predict", "/v1/models/worker:predict_binary"] {
        for binary in [false, true] {
            for shape in [vec![3, 2], vec![], vec![0], vec![2, 3, 4]] {
                let input = data(shape);
                let output: DataModel =
                    client(path, binary).predict(&WorkerInput { data: input.clone() }).await.unwrap();
                assert_added_ten(&input, &output);
            }
        }
    }
}

#[tokio::test]
async fn responses_are_read_in_the_mode_their_content_type_says() {
    for binary in [false, true] {
        let response = client("/predict", binary).call(&WorkerInput { data: data(vec![2]) }).await.unwrap();
        assert_eq!(response.mode(), if binary { Mode::Binary } else { Mode::Json });
        assert_eq!(response.status(), 200);
        let expected = if binary { "application/octet-stream" } else { "application/json" };
        assert_eq!(response.headers()["content-type"], expected);
        // A raw dict, as `predict` without an output model gives in Python.
        let value: Value = response.decode().unwrap();
        let field = value.get("other_field").unwrap();
        assert_eq!(field, &Value::from("Example"));
        let Some(Value::Array(numbers)) = value.get("some_numbers") else { panic!("{value:?}") };
        assert_eq!(numbers.to_typed::<f64>().unwrap().as_slice(), &[7.0, 7.25]);
    }
}

#[tokio::test]
async fn arrays_of_every_dtype_and_shape_travel_unchanged() {
    let arrays: Vec<AnyArray> = vec![
        NdArray::from_shape_vec(vec![3, 2], vec![0.5f64, -1.0, 2.0, 1e300, f64::MIN_POSITIVE, -0.0]).unwrap().into(),
        NdArray::from_shape_vec(vec![], vec![42i64]).unwrap().into(),
        NdArray::<f32>::from_shape_vec(vec![0], vec![]).unwrap().into(),
        NdArray::from_shape_vec(vec![2, 0, 3], Vec::<u8>::new()).unwrap().into(),
        NdArray::from_shape_vec(vec![2, 2], vec![true, false, false, true]).unwrap().into(),
        NdArray::from_vec(vec![f16::from_f32(1.5), f16::from_f32(-2.0)]).into(),
        NdArray::from_vec(vec![Complex::new(1.0f32, -1.0), Complex::new(0.0, 2.5)]).into(),
        NdArray::from_shape_vec(vec![2, 3], vec![u16::MAX, 0, 1, 2, 3, 4]).unwrap().into(),
        NdArray::from_shape_vec(vec![1, 1, 1, 5], vec![i8::MIN, -1, 0, 1, i8::MAX]).unwrap().into(),
        // Big-endian: kept byte for byte, as `NumpyArrayField` keeps it.
        AnyArray::from_bytes(DType::parse(">f8").unwrap(), vec![2], 1.5f64.to_be_bytes().repeat(2)).unwrap(),
        // Several MB.
        NdArray::from_shape_vec(vec![512, 1024], (0..512 * 1024).map(|i| i as f32).collect()).unwrap().into(),
    ];
    for binary in [false, true] {
        for array in &arrays {
            let input = Echo { array: array.clone(), label: format!("{:?}", array.dtype()) };
            let output: Echo = client("/echo", binary).predict(&input).await.unwrap();
            assert_eq!(output.array.dtype(), array.dtype(), "binary={binary}");
            assert_eq!(output.array.shape(), array.shape());
            assert_eq!(output, input, "binary={binary} {}", input.label);
        }
    }
}

#[tokio::test]
async fn binary_responses_decode_into_views_without_a_copy() {
    let numbers: Vec<f64> = (0..1 << 20).map(|i| i as f64).collect();
    let input =
        Echo { array: NdArray::from_shape_vec(vec![1024, 1024], numbers).unwrap().into(), label: "8 MiB".into() };
    let response = client("/echo", true).call(&input).await.unwrap();
    let view: EchoView<'_> = response.decode().unwrap();
    assert!(view.array.is_borrowed(), "the response buffer is aligned: the array is borrowed");
    assert_eq!(view.array.shape(), &[1024, 1024]);
    assert_eq!(view.array.as_slice()[123_456], 123_456.0);
    assert_eq!(view.label, "8 MiB");
    let bytes = response.bytes();
    let start = bytes.as_ptr() as usize;
    let array = view.array.as_slice().as_ptr() as usize;
    assert!(array >= start && array < start + bytes.len(), "the view points into the response body");
}

#[tokio::test]
async fn a_failing_chainlet_reads_as_the_python_stubs_chained_traceback() {
    for binary in [false, true] {
        let mut input = WorkerInput { data: data(vec![1]) };
        input.data.other_field = "fail".into();
        let error = client("/predict", binary).predict::<_, DataModel>(&input).await.unwrap_err();
        let failure = error.remote().expect("a remote failure");
        assert_eq!(failure.status, 500);
        assert_eq!(failure.error_source(), Some("04"));
        assert_eq!(failure.error_code(), Some("600"));
        let detail = failure.detail().expect("a RemoteErrorDetail");
        assert_eq!(detail.exception_cls_name, "ValueError");
        assert_eq!(detail.exception_message, "This input is too long: 100.");
        assert_eq!(
            error.to_string(),
            "(showing chained remote errors, root error at the bottom)\n\
             ├─ Error calling dependency Chainlet `Worker`, HTTP status=500, trace ID=`None`.\n\
             │   Chainlet-Traceback (most recent call last):\n\
             ╰   ValueError: This input is too long: 100."
        );
    }
    // A Rust error raised with `?` has a frame and a module.
    let mut input = WorkerInput { data: data(vec![1]) };
    input.data.other_field = "parse".into();
    let error = client("/predict", true).predict::<_, DataModel>(&input).await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("│   Chainlet-Traceback (most recent call last):\n│     File \""), "{text}");
    assert!(text.contains("in run_remote\n│   ParseIntError: invalid digit found in string\n╰   (Exception class defined in `core::num::error`.)"), "{text}");
}

#[tokio::test]
async fn bad_input_is_a_400_with_truss_message_and_is_not_retried() {
    let input = Value::Map(vec![(Value::from("data"), Value::Map(vec![]))]);
    for binary in [false, true] {
        let worker = Client::builder(url("/predict")).name("Worker").use_binary(binary).retries(3).build().unwrap();
        let error = worker.predict::<_, DataModel>(&input).await.unwrap_err();
        let failure = error.remote().unwrap();
        assert_eq!(failure.status, 400);
        assert_eq!(failure.error_code(), Some("700"));
        // Every error, as truss's server answers (tests/truss_server.rs has its text for this input).
        let message =
            "Input Parsing Errors:\n  `data.some_numbers`: Field required.\n  `data.other_field`: Field required.";
        match &failure.error {
            RemoteErrorBody::Message(text) => assert_eq!(text, message),
            other => panic!("{other:?}"),
        }
        assert!(error.to_string().starts_with(
            "Error calling dependency Chainlet `Worker`, HTTP status=400, trace ID=`None`.: 'Input Parsing Error"
        ));
        assert!(!error.is_retryable());
    }
    // Counted on the server: a 4xx is sent once, whatever `retries` says.
    let flaky = Client::builder(url("/flaky")).retries(5).build().unwrap();
    let input = Flaky { key: "teapot".into(), failures: 1, status: 418 };
    let error = flaky.predict::<_, Calls>(&input).await.unwrap_err();
    assert_eq!(error.status(), Some(axum::http::StatusCode::IM_A_TEAPOT));
    let calls: Calls = flaky.predict(&input).await.unwrap();
    assert_eq!(calls.calls, 2, "the 418 was not retried");
}

#[tokio::test]
async fn server_errors_are_retried_until_the_attempts_run_out() {
    let input = Flaky { key: "503-twice".into(), failures: 2, status: 503 };
    let flaky = Client::builder(url("/flaky")).retries(3).use_binary(true).build().unwrap();
    let calls: Calls = flaky.predict(&input).await.unwrap();
    assert_eq!(calls.calls, 3, "two 503s, then the answer");

    let input = Flaky { key: "500-thrice".into(), failures: 3, status: 500 };
    let flaky = Client::builder(url("/flaky")).name("Flaky").retries(2).build().unwrap();
    let error = flaky.predict::<_, Calls>(&input).await.unwrap_err();
    assert_eq!(error.status(), Some(axum::http::StatusCode::INTERNAL_SERVER_ERROR));
    assert!(error.to_string().ends_with("╰   RuntimeError: call 2 fails"), "{error}");
    let calls: Calls = flaky.predict(&input).await.unwrap();
    assert_eq!(calls.calls, 4, "two attempts per call");
}

/// A proxy to `target` on 127.0.0.1 that closes its first `drops` connections at once;
/// returns its address and the count of connections accepted.
async fn dropping_proxy(target: SocketAddr, drops: usize) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok(Ok((mut inbound, _))) = tokio::time::timeout(DEADLINE, listener.accept()).await {
            if count.fetch_add(1, Ordering::SeqCst) < drops {
                drop(inbound);
                continue;
            }
            tokio::spawn(async move {
                let mut outbound = TcpStream::connect(target).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    (addr, accepted)
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let (proxy, accepted) = dropping_proxy(rust_server(), 1).await;
    let input = WorkerInput { data: data(vec![3, 2]) };
    let worker =
        Client::builder(format!("http://{proxy}/predict")).name("Worker").retries(2).use_binary(true).build().unwrap();
    let output: DataModel = worker.predict(&input).await.unwrap();
    assert_added_ten(&input.data, &output);
    assert_eq!(accepted.load(Ordering::SeqCst), 2, "the first connection was dropped, the second answered");

    let (proxy, accepted) = dropping_proxy(rust_server(), 1).await;
    let once = Client::builder(format!("http://{proxy}/predict")).name("Worker").build().unwrap();
    let error = once.predict::<_, DataModel>(&input).await.unwrap_err();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert!(error.to_string().starts_with("Error calling dependency Chainlet `Worker` (1 attempt): "), "{error}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "one attempt by default");
}

#[tokio::test]
async fn nothing_listening_is_a_connection_error() {
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let worker = Client::builder(format!("http://127.0.0.1:{port}/predict")).retries(2).build().unwrap();
    let started = Instant::now();
    let error = worker.predict::<_, DataModel>(&WorkerInput { data: data(vec![1]) }).await.unwrap_err();
    assert!(matches!(error, Error::Connection { attempts: 2, .. }), "{error:?}");
    assert!(error.to_string().contains(" (2 attempts): "), "{error}");
    assert!(started.elapsed() >= Duration::from_millis(50), "a pause before the second attempt");
}

#[tokio::test]
async fn a_slow_chainlet_times_out_with_truss_message() {
    let slow = Client::builder(url("/slow")).name("Worker").timeout(Duration::from_millis(500)).build().unwrap();
    let started = Instant::now();
    let error = slow.predict::<_, Seconds>(&Seconds { seconds: 3.0 }).await.unwrap_err();
    assert_eq!(error.to_string(), "Timeout calling remote Chainlet `Worker` (0.5 seconds limit).");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let fast: Seconds = slow.predict(&Seconds { seconds: 0.0 }).await.unwrap();
    assert_eq!(fast.seconds, 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_beyond_the_concurrency_limit_wait() {
    for (limit, calls) in [(2, 6), (5, 5)] {
        let key = format!("limit-{limit}");
        let limited = Client::builder(url("/in_flight")).concurrency_limit(limit).build().unwrap();
        let tasks: Vec<_> = (0..calls)
            .map(|_| {
                let limited = limited.clone();
                let input = InFlight { key: key.clone() };
                tokio::spawn(async move { limited.predict::<_, MaxInFlight>(&input).await.unwrap().max })
            })
            .collect();
        let mut max = 0;
        for task in tasks {
            max = max.max(task.await.unwrap());
        }
        assert_eq!(max, limit, "at most {limit} at once, and the limit is reached");
    }
}

#[tokio::test]
async fn the_chain_context_is_forwarded_through_a_chainlet_in_the_middle() {
    let context = ChainContext {
        request_id: Some("req-7".into()),
        chain_request_id: Some("chain-9".into()),
        traceparent: Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into()),
    };
    let mut input = WorkerInput { data: data(vec![2]) };
    input.data.other_field = "context".into();
    // Straight to the worker.
    let direct: DataModel = context.clone().scope(client("/predict", false).predict(&input)).await.unwrap();
    assert_eq!(direct.other_field, "req-7|chain-9|00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    // Through a consumer, which forwards what it was called with.
    let through: DataModel = context.clone().scope(client("/consumer", false).predict(&input)).await.unwrap();
    assert_eq!(through.other_field, direct.other_field);
    // Without a context, nothing is sent.
    let none: DataModel = client("/consumer", true).predict(&input).await.unwrap();
    assert_eq!(none.other_field, "||");
    // The trace ID in an error is the forwarded traceparent.
    input.data.other_field = "fail".into();
    let error = context.scope(client("/predict", false).predict::<_, DataModel>(&input)).await.unwrap_err();
    assert!(
        error.to_string().contains("trace ID=`00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01`"),
        "{error}"
    );
}

#[tokio::test]
async fn a_rust_chain_error_keeps_its_chain_of_tracebacks() {
    // The consumer's `worker.predict(..).await?` re-raises the worker's ValueError, as a Python
    // chainlet re-raises it: same class, the chained traceback as its message.
    let mut input = WorkerInput { data: data(vec![2]) };
    input.data.other_field = "fail".into();
    let consumer = Client::builder(url("/consumer")).name("Consumer").build().unwrap();
    let error = consumer.predict::<_, DataModel>(&input).await.unwrap_err();
    let detail = error.remote().unwrap().detail().unwrap();
    assert_eq!((detail.exception_cls_name.as_str(), detail.exception_module_name.as_deref()), ("ValueError", None));
    assert_eq!(detail.user_stack_trace.len(), 1, "the `?` in the consumer");
    assert_eq!(detail.user_stack_trace[0].filename, file!());
    let text = error.to_string();
    assert!(
        text.starts_with(
            "(showing chained remote errors, root error at the bottom)\n\
         ├─ Error calling dependency Chainlet `Consumer`, HTTP status=500, trace ID=`None`.\n\
         │   Chainlet-Traceback (most recent call last):\n\
         │     File \""
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "in run_remote\n\
         │   ValueError: (showing chained remote errors, root error at the bottom)\n\
         │   ├─ Error calling dependency Chainlet `Worker`, HTTP status=500, trace ID=``.\n\
         │   │   Chainlet-Traceback (most recent call last):\n"
        ),
        "{text}"
    );
    assert!(text.ends_with("╰   ╰   ValueError: This input is too long: 100."), "{text}");
}

#[tokio::test]
async fn the_api_key_and_content_type_are_sent() {
    let input = Seconds { seconds: 1.0 };
    let keyed = Client::new(url("/seen"), "secret-key").unwrap();
    let seen: Seen = keyed.predict(&input).await.unwrap();
    assert_eq!(seen.authorization.as_deref(), Some("Api-Key secret-key"));
    assert_eq!(seen.content_type.as_deref(), Some("application/json"));
    let seen: Seen = client("/seen", true).predict(&input).await.unwrap();
    assert_eq!(seen, Seen { authorization: None, content_type: Some("application/octet-stream".into()) });
    assert!(!format!("{:?}", Client::builder("http://127.0.0.1/").api_key("secret-key")).contains("secret"));
}

#[tokio::test]
async fn extra_headers_are_sent_and_the_mode_and_key_win() {
    let input = Seconds { seconds: 1.0 };
    // A `Host` of its own, as truss's stub calls a chainlet's `internal_url`.
    let client = Client::builder(url("/headers"))
        .header("Host", "worker.internal.example")
        .header("x-custom", "a")
        .header("x-custom", "b")
        .header("content-type", "text/plain")
        .build()
        .unwrap();
    let seen: SeenHeaders = client.predict(&input).await.unwrap();
    assert_eq!(seen.host.as_deref(), Some("worker.internal.example"));
    assert_eq!(seen.custom, Some(vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!(seen.content_type.as_deref(), Some("application/json"), "the mode's Content-Type wins");
    let message = |builder: client::ClientBuilder| builder.build().unwrap_err().to_string();
    assert!(message(Client::builder(url("/headers")).header("bad name", "x")).contains("header"), "a bad name");
    assert!(message(Client::builder(url("/headers")).header("x-ok", "line\nbreak")).contains("header"), "a bad value");
}

#[tokio::test]
async fn a_client_of_ones_own_is_used() {
    let mut defaults = HeaderMap::new();
    defaults.insert("x-custom", "from-the-client".parse().unwrap());
    let http = reqwest::Client::builder().user_agent("my-agent/1.0").default_headers(defaults).build().unwrap();
    let client = Client::builder(url("/headers")).http_client(http).use_binary(true).build().unwrap();
    let seen: SeenHeaders = client.predict(&Seconds { seconds: 1.0 }).await.unwrap();
    assert_eq!(seen.user_agent.as_deref(), Some("my-agent/1.0"));
    assert_eq!(seen.custom, Some(vec!["from-the-client".to_owned()]));
    assert_eq!(seen.content_type.as_deref(), Some("application/octet-stream"));
}

#[tokio::test]
async fn progress_is_reported_both_ways() {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let echo = Client::builder(url("/echo"))
        .use_binary(true)
        .on_progress(move |transfer| sink.lock().unwrap().push(transfer))
        .build()
        .unwrap();
    let input = Echo { array: NdArray::from_vec(vec![1.0f64; 1 << 19]).into(), label: "4 MiB".into() };
    let output: Echo = echo.predict(&input).await.unwrap();
    assert_eq!(output, input);
    let events = events.lock().unwrap();
    let sent = input.to_msgpack().unwrap().len() as u64;
    let up: Vec<_> = events.iter().filter(|t| t.direction == Direction::Upload).collect();
    let down: Vec<_> = events.iter().filter(|t| t.direction == Direction::Download).collect();
    assert!(up.len() >= 4, "1 MiB chunks: {up:?}");
    assert_eq!(up.last().unwrap().done, sent);
    assert!(up.iter().all(|t| t.total == Some(sent)));
    assert!(up.windows(2).all(|w| w[0].done < w[1].done));
    let last = down.last().unwrap();
    assert_eq!(Some(last.done), last.total);
    assert!(last.done >= sent - 16);
}

#[tokio::test]
async fn a_response_over_the_limit_is_refused() {
    let small = Client::builder(url("/echo")).name("Echo").use_binary(true).max_response_size(1000).build().unwrap();
    let input = Echo { array: NdArray::from_vec(vec![0u8; 4000]).into(), label: String::new() };
    let error = small.predict::<_, Echo>(&input).await.unwrap_err();
    assert_eq!(error.to_string(), "the response of Chainlet `Echo` is larger than the limit of 1000 bytes");
}

#[tokio::test]
async fn a_response_of_the_wrong_shape_names_the_location() {
    // The worker answers a DataModel; read as an Echo it lacks `array`.
    let worker = client("/predict", true);
    let error = worker.predict::<_, Echo>(&WorkerInput { data: data(vec![1]) }).await.unwrap_err();
    assert!(matches!(error, Error::Output { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the response of Chainlet `Worker` could not be read: 2 validation errors:\n  array: Field required\n  \
         label: Field required"
    );
}

#[test]
fn bad_configurations_are_errors() {
    let message = |builder: client::ClientBuilder| builder.build().unwrap_err().to_string();
    assert!(
        message(Client::builder("not a url")).starts_with("invalid client configuration: `not a url` is not a URL")
    );
    assert_eq!(
        message(Client::builder("ftp://127.0.0.1/x")),
        "invalid client configuration: `ftp://127.0.0.1/x` is not an http or https URL"
    );
    assert!(message(Client::builder("http://127.0.0.1/").concurrency_limit(0)).contains("concurrency limit of 0"));
    assert!(message(Client::builder("http://127.0.0.1/").api_key("line\nbreak")).contains("API key"));
    let defaults = Client::builder("http://127.0.0.1/").build().unwrap();
    assert_eq!(defaults.options(), &client::RpcOptions::default());
    assert_eq!(defaults.name(), "http://127.0.0.1/");
}

#[test]
fn the_blocking_client_calls_outside_a_runtime_and_refuses_inside_one() {
    let worker = Client::builder(url("/predict")).name("Worker").use_binary(true).build_blocking().unwrap();
    let input = WorkerInput { data: data(vec![3, 2]) };
    let output: DataModel = worker.predict(&input).unwrap();
    assert_added_ten(&input.data, &output);
    let again: DataModel = worker.predict(&input).unwrap();
    assert_eq!(again, output);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let error = runtime.block_on(async { worker.predict::<_, DataModel>(&input) }).unwrap_err();
    assert!(matches!(error, Error::BlockingInAsync), "{error:?}");
}

/// A chainlet whose `run_remote` panics, counting its calls.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct PanicInput {
    key: String,
}

fn panicking_server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        serve_forever(|| {
            Chainlet::new(|input: PanicInput| async move {
                calls_of(&input.key);
                if input.key.starts_with("panic") {
                    panic!("the numbers are wrong: {}", input.key);
                }
                Ok::<_, RemoteError>(input)
            })
            .into_router()
        })
    })
}

#[tokio::test]
async fn a_panicking_run_remote_is_a_500_and_runs_once() {
    for binary in [false, true] {
        let key = format!("panic-{binary}");
        let panicky = Client::builder(format!("http://{}/predict", panicking_server()))
            .name("Panicky")
            .use_binary(binary)
            .build()
            .unwrap();
        let error = panicky.predict::<_, PanicInput>(&PanicInput { key: key.clone() }).await.unwrap_err();
        let failure = error.remote().unwrap_or_else(|| panic!("a remote failure, not {error:?}"));
        assert_eq!(failure.status, 500);
        assert_eq!(failure.error_code(), Some("600"));
        let detail = failure.detail().expect("a RemoteErrorDetail");
        assert_eq!(detail.exception_cls_name, "PanicException");
        assert_eq!(detail.exception_module_name.as_deref(), Some("pyo3_runtime"));
        assert_eq!(detail.exception_message, format!("the numbers are wrong: {key}"));
        assert_eq!(calls_of(&key), 2, "the handler ran once (this is the second count)");
        // The server goes on.
        let fine: PanicInput = panicky.predict(&PanicInput { key: "fine".into() }).await.unwrap();
        assert_eq!(fine.key, "fine");
    }
}

#[tokio::test]
async fn a_response_declaring_40_gib_is_an_error_not_an_abort() {
    // A server that declares 40 GiB, sends a few bytes and closes.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = tokio::time::timeout(DEADLINE, listener.accept()).await.unwrap().unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tokio::io::AsyncReadExt::read(&mut stream, &mut buf).await.unwrap();
            assert!(n > 0);
            request.extend_from_slice(&buf[..n]);
        }
        let response =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 42949672960\r\n\r\n{\"key\":";
        tokio::io::AsyncWriteExt::write_all(&mut stream, response).await.unwrap();
    });
    let client =
        Client::builder(format!("http://{addr}/predict")).name("Liar").max_response_size(64 << 30).build().unwrap();
    let error = client.predict::<_, PanicInput>(&PanicInput { key: "x".into() }).await.unwrap_err();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    server.await.unwrap();
}

#[tokio::test]
async fn a_blocking_client_can_be_dropped_inside_a_runtime() {
    let blocking = Client::builder(url("/predict")).build_blocking().unwrap();
    let clone = blocking.clone();
    drop(blocking);
    drop(clone);
    // And one that was used outside the runtime first.
    let used = std::thread::spawn(|| {
        let blocking = Client::builder(url("/predict")).use_binary(true).build_blocking().unwrap();
        let _: DataModel = blocking.predict(&WorkerInput { data: data(vec![2]) }).unwrap();
        blocking
    })
    .join()
    .unwrap();
    drop(used);
}

// ---- The same client against the real truss server (tests/truss_support), serving the
// ---- Python chainlets of tests/python/chains/binary_io.py.

#[path = "truss_support/mod.rs"]
mod truss_support;

use truss_support::truss_chainlet;

/// `Echo.run_remote(data: EchoIn)` in Python: the array back, with numpy's view of it.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EchoInput {
    data: Echo,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EchoOut {
    array: AnyArray,
    label: String,
    dtype: String,
    dtype_str: String,
    shape: Vec<usize>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Message {
    message: String,
}

fn python(server: &truss_support::TrussServer, name: &str, binary: bool) -> Client {
    Client::builder(server.predict_url()).name(name).use_binary(binary).build().unwrap()
}

#[tokio::test]
async fn the_python_worker_on_the_truss_server_adds_ten_in_both_modes() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    for binary in [false, true] {
        for shape in [vec![3, 2], vec![], vec![0], vec![1000, 1000]] {
            let input = data(shape.clone());
            let output: DataModel =
                python(worker, "Worker", binary).predict(&WorkerInput { data: input.clone() }).await.unwrap();
            assert_added_ten(&input, &output);
        }
    }
}

#[tokio::test]
async fn arrays_of_every_dtype_travel_through_the_truss_server() {
    let Some(echo) = truss_chainlet("Echo") else { return };
    let arrays: Vec<(AnyArray, &str, &str)> = vec![
        (
            NdArray::from_shape_vec(vec![3, 2], vec![0.5f64, -1.0, 2.0, 1e300, f64::MIN_POSITIVE, -0.0])
                .unwrap()
                .into(),
            "float64",
            "<f8",
        ),
        (NdArray::from_shape_vec(vec![], vec![42i64]).unwrap().into(), "int64", "<i8"),
        (NdArray::<f32>::from_shape_vec(vec![0], vec![]).unwrap().into(), "float32", "<f4"),
        (NdArray::from_shape_vec(vec![2, 2], vec![true, false, false, true]).unwrap().into(), "bool", "|b1"),
        (NdArray::from_vec(vec![f16::from_f32(1.5), f16::from_f32(-2.0)]).into(), "float16", "<f2"),
        (NdArray::from_vec(vec![Complex::new(1.0f32, -1.0), Complex::new(0.0, 2.5)]).into(), "complex64", "<c8"),
        (NdArray::from_shape_vec(vec![2, 3], vec![u16::MAX, 0, 1, 2, 3, 4]).unwrap().into(), "uint16", "<u2"),
        (NdArray::from_shape_vec(vec![1, 1, 5], vec![i8::MIN, -1, 0, 1, i8::MAX]).unwrap().into(), "int8", "|i1"),
        (
            AnyArray::from_bytes(DType::parse(">f8").unwrap(), vec![2], 1.5f64.to_be_bytes().repeat(2)).unwrap(),
            ">f8",
            ">f8",
        ),
        (
            NdArray::from_shape_vec(vec![512, 1024], (0..512 * 1024).map(|i| i as f32).collect()).unwrap().into(),
            "float32",
            "<f4",
        ),
    ];
    for binary in [false, true] {
        for (array, dtype, dtype_str) in &arrays {
            let input = EchoInput { data: Echo { array: array.clone(), label: dtype.to_string() } };
            let output: EchoOut = python(echo, "Echo", binary).predict(&input).await.unwrap();
            assert_eq!((output.dtype.as_str(), output.dtype_str.as_str()), (*dtype, *dtype_str), "binary={binary}");
            assert_eq!(output.shape, array.shape(), "{dtype} binary={binary}");
            assert_eq!(&output.array, array, "{dtype} binary={binary}");
        }
    }
}

#[tokio::test]
async fn truss_input_errors_are_shown_verbatim() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    let input =
        Value::Map(vec![(Value::from("data"), Value::Map(vec![(Value::from("other_field"), Value::from("x"))]))]);
    for binary in [false, true] {
        let client =
            Client::builder(worker.predict_url()).name("Worker").use_binary(binary).retries(3).build().unwrap();
        let error = client.predict::<_, DataModel>(&input).await.unwrap_err();
        let failure = error.remote().expect("a remote failure");
        assert_eq!(failure.status, 400);
        assert_eq!((failure.error_source(), failure.error_code()), (Some("04"), Some("700")));
        assert_eq!(
            failure.error,
            RemoteErrorBody::Message("Input Parsing Error:\n  `data.some_numbers`: Field required.".into())
        );
        assert_eq!(
            error.to_string(),
            "Error calling dependency Chainlet `Worker`, HTTP status=400, trace ID=`None`.: \
             'Input Parsing Error:\n  `data.some_numbers`: Field required.'"
        );
    }
}

#[tokio::test]
async fn a_raising_python_chainlet_reads_as_its_chained_traceback() {
    let Some(raiser) = truss_chainlet("Raiser") else { return };
    for binary in [false, true] {
        let input = Message { message: format!("no luck (binary={binary})") };
        let error = python(raiser, "Raiser", binary).predict::<_, String>(&input).await.unwrap_err();
        let failure = error.remote().expect("a remote failure");
        assert_eq!(failure.status, 500);
        assert_eq!(failure.error_code(), Some("600"));
        let detail = failure.detail().expect("a RemoteErrorDetail");
        assert_eq!(detail.exception_cls_name, "ValueError");
        assert_eq!(detail.exception_module_name, None);
        assert_eq!(detail.exception_message, input.message);
        let frame = detail.user_stack_trace.last().expect("the user's frame");
        assert!(frame.filename.ends_with("binary_io.py"), "{frame:?}");
        assert_eq!((frame.name.as_str(), frame.line.as_deref()), ("run_remote", Some("raise ValueError(message)")));
        let text = error.to_string();
        let expected_tail = format!(
            "│     File \"{}\", line {}, in run_remote\n│       raise ValueError(message)\n╰   ValueError: {}",
            frame.filename,
            frame.lineno.unwrap(),
            input.message
        );
        assert!(
            text.starts_with(
                "(showing chained remote errors, root error at the bottom)\n\
             ├─ Error calling dependency Chainlet `Raiser`, HTTP status=500, trace ID=`None`.\n\
             │   Chainlet-Traceback (most recent call last):\n"
            ),
            "{text}"
        );
        assert!(text.ends_with(&expected_tail), "{text}");
    }
}

#[tokio::test]
async fn a_python_chain_error_keeps_its_chain_of_tracebacks() {
    // A Python Consumer whose Worker (Python too) fails: two levels of traceback.
    let Some(worker) = truss_chainlet("Worker") else { return };
    let Some(consumer) =
        truss_support::truss_chainlet_with_dependencies("Consumer", &[("Worker", &worker.predict_url())])
    else {
        return;
    };
    let mut input = WorkerInput { data: data(vec![2]) };
    input.data.other_field = "fail".into();
    let error = python(consumer, "Consumer", true).predict::<_, DataModel>(&input).await.unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("(showing chained remote errors, root error at the bottom)\n├─ Error calling dependency Chainlet `Consumer`, HTTP status=500"), "{text}");
    assert!(text.contains("│   ├─ Error calling dependency Chainlet `Worker`, HTTP status=500"), "{text}");
    assert!(text.ends_with("╰   ╰   ValueError: This input is too long: 100."), "{text}");
}

#[tokio::test]
async fn a_slow_python_chainlet_times_out_with_truss_message() {
    let Some(sleeper) = truss_chainlet("Sleeper") else { return };
    let client =
        Client::builder(sleeper.predict_url()).name("Sleeper").timeout(Duration::from_millis(500)).build().unwrap();
    let started = Instant::now();
    let error = client.predict::<_, f64>(&Seconds { seconds: 3.0 }).await.unwrap_err();
    assert_eq!(error.to_string(), "Timeout calling remote Chainlet `Sleeper` (0.5 seconds limit).");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let seconds: f64 = client.predict(&Seconds { seconds: 0.1 }).await.unwrap();
    assert_eq!(seconds, 0.1);
}

#[tokio::test]
async fn a_dropped_connection_to_the_truss_server_is_retried() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    let (proxy, accepted) = dropping_proxy(worker.addr, 1).await;
    let input = WorkerInput { data: data(vec![3, 2]) };
    let client = Client::builder(format!("http://{proxy}{}", truss_support::PREDICT))
        .retries(2)
        .use_binary(true)
        .build()
        .unwrap();
    let output: DataModel = client.predict(&input).await.unwrap();
    assert_added_ten(&input.data, &output);
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

#[test]
fn the_blocking_client_calls_the_truss_server() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    let client = Client::builder(worker.predict_url()).use_binary(true).build_blocking().unwrap();
    let input = WorkerInput { data: data(vec![4]) };
    let output: DataModel = client.predict(&input).unwrap();
    assert_added_ten(&input.data, &output);
    // A raw dict out, as `predict_sync(inputs)` without an output model gives.
    let value: Value = client.predict(&input).unwrap();
    assert_eq!(value.get("other_field"), Some(&Value::from("Example")));
}

/// The Rust Worker and the Python Worker on truss's own server answer the same bad bodies with
/// the same `400` text, word for word: every error, a JSON body's in pydantic's python-mode
/// words (truss reads it with `json.loads`, then `model_validate`), malformed JSON with
/// Python's message at `__root__` (as pydantic's `parse_raw` in truss reports it: the body
/// decoded as UTF-8, then `json.loads`), malformed msgpack with msgpack's own words, bare. (A
/// value that is no array at all where an array goes is the exception: truss answers it with a
/// 500, see tests/truss_server.rs; and chainmodel refuses nesting deeper than its limit, 128
/// levels, where truss reads up to 1024 containers in binary mode.)
#[tokio::test]
async fn bad_bodies_get_the_same_400_text_from_rust_and_truss() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    let packed = |value: Value| chainmodel::msgpack::to_vec(&value).unwrap();
    let mut cases: Vec<(Option<&str>, Vec<u8>)> = [
        "{}",
        r#"{"data": {}}"#,
        r#"{"data": {"other_field": 5}, "extra": 1}"#,
        r#"{"data": []}"#,
        r#"{"data": null}"#,
        r#"{"data": "x"}"#,
        "[1, 2]",
        "3",
        // Malformed: Python's `json` finds these.
        "nope",
        "",
        "   ",
        r#"{"data": "#,
        r#"{"data": {"other_field": "x"}"#,
        r#"{"data": {"other_field": "x"},}"#,
        r#"{"data" {}}"#,
        r#"{'data': {}}"#,
        r#"{"data": [1 2]}"#,
        r#"{"data": {"other_field": "x"}} trailing"#,
        "{\"data\": {\"other_field\": \"line\nbreak\"}}",
        "{\n  \"data\": {\n    \"other_field\": \"é\" 1\n  }\n}",
        r#"{"data": {"other_field": "\q"}}"#,
        r#"{"data": 01}"#,
        r#"{"data": -}"#,
    ]
    .into_iter()
    .map(|text| (truss_support::JSON, text.as_bytes().to_vec()))
    .collect();
    cases.push((truss_support::JSON, b"{\"data\": {\"other_field\": \"\xff\"}}".to_vec()));
    cases.push((truss_support::JSON, b"{\"data\": {\"other_field\": \"\xe2\x82\"}}".to_vec()));
    // truss decodes the body as UTF-8 before `json.loads`: no BOM, UTF-16 or UTF-32.
    for body in [
        &b"\xef\xbb\xbf{\"data\": {}}"[..],
        b"\xef\xbb\xbf",
        b" \xef\xbb\xbf{}",
        b"\xff\xfe{\x00}\x00",
        b"\xfe\xff\x00{\x00}",
        b"\xff\xfe\x00\x00{\x00\x00\x00",
        b"\x00\x00\xfe\xff\x00\x00\x00{",
        b"{\x00\"\x00d\x00\"\x00:\x001\x00}\x00",
        b"\x00{\x00\"\x00d\x00\"\x00:\x001\x00}",
        b"{\"data\": {\"other_field\": \"\xed\xa0\x80\"}}",
        b"{\"data\": {\"other_field\": \"\xc0\x80\"}}",
        b"{\"data\": {\"other_field\": \"\x80\"}}",
        b"{\"data\": {\"other_field\": \"\xf4\x90\x80\x80\"}}",
        b"{\"data\": {\"other_field\": \"\xe2\x82",
        b"{\"extra\": \"\xff\", \"data\": {}}",
        b"{\"data\": {\"other_field\": \"\xe9t\xe9\"}}",
    ] {
        cases.push((truss_support::JSON, body.to_vec()));
    }
    // Malformed msgpack: msgpack's own words, bare.
    let mut deep = vec![0x91; 1025];
    deep.push(0x01);
    for body in [
        vec![],
        vec![0x81, 0xa4, b'd', b'a', b't', b'a'],
        vec![0x81, 0xa4, b'd', b'a', b't', b'a', 0x80, 0x00],
        vec![0xc1],
        vec![0x81, 0xa4, b'd', b'a', b't', b'a', 0x91, 0xc1],
        deep,
        vec![
            0x81, 0xa4, b'd', b'a', b't', b'a', 0x81, 0xab, b'o', b't', b'h', b'e', b'r', b'_', b'f', b'i', b'e', b'l',
            b'd', 0xa2, b'a', 0xff,
        ],
        vec![0x81, 0xa2, 0xed, 0xa0, 0x01],
        vec![0x82, 0xa4, b'd', b'a', b't', b'a', 0x80, 0x01, 0x02],
        vec![0x81, 0xc0, 0x02],
        vec![0x81, 0xcb, 0, 0, 0, 0, 0, 0, 0, 0, 0x02],
        vec![0x81, 0x80, 0x02],
        vec![0x81, 0xd4, 0x01, 0x00, 0x02],
        vec![0x81, 0xd6, 0xff, 0, 0, 0, 1, 0x02],
        vec![0x81, 0xa4, b'd', b'a', b't', b'a', 0xd4, 0xff, 0x00],
        vec![0x81, 0xa4, b'd', b'a', b't', b'a', 0xd7, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        vec![0xdd, 0, 0, 1, 0],
        vec![0xdf, 0, 0, 1, 0],
        [&[0x81, 0xa4][..], b"data", &[0x82, 0xc4, 0x02], b"nd", &[0xc3, 0xc4, 0x04], b"kind", &[0xc4, 0x01, b'O']]
            .concat(),
        [&[0x81, 0xa4][..], b"data", &[0x81, 0xc4, 0x04], b"data", &[0x80]].concat(),
    ] {
        cases.push((truss_support::BINARY, body));
    }
    for value in [
        chainmodel::value!({}),
        chainmodel::value!({"data": {}}),
        chainmodel::value!({"data": {"other_field": 5}}),
        chainmodel::value!({"data": [1]}),
        chainmodel::value!({"data": null}),
        chainmodel::value!({"data": {"other_field": [3]}, "extra": 1}),
    ] {
        cases.push((truss_support::BINARY, packed(value)));
    }
    let mut disagreements = Vec::new();
    for (content_type, body) in &cases {
        let theirs = truss_support::post(worker.addr, truss_support::PREDICT, *content_type, body);
        let theirs = (theirs.status, theirs.json());
        // The router, and the service whose predict calls skip it.
        for (server, path) in [(rust_server(), "/predict"), (worker_service(), truss_support::PREDICT)] {
            let ours = server_support::post(server, path, *content_type, body).await;
            let ours = (ours.status, ours.json());
            if theirs != ours {
                disagreements.push(format!(
                    "{content_type:?} {:?} to {path}\n  truss: {theirs:?}\n  Rust:  {ours:?}",
                    String::from_utf8_lossy(body)
                ));
            }
        }
    }
    assert!(disagreements.is_empty(), "{} of {}:\n{}", disagreements.len(), cases.len(), disagreements.join("\n"));
}

/// Requests no route serves as asked get the same status, body and `Allow` from the Rust
/// Worker and from truss's server (FastAPI's own `{"detail": ..}` errors, Starlette's slash
/// redirects).
#[test]
fn odd_requests_get_the_same_answer_from_rust_and_truss() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    let rust = rust_server();
    let cases = [
        ("POST", "/"),
        ("PUT", "/"),
        ("POST", "/v1/models/model"),
        ("PUT", "/v1/models/model"),
        ("POST", "/v1/models/model:unknown"),
        ("POST", "/v1/models/:predict"),
        ("PUT", "/v1/models/model:predict"),
        ("DELETE", "/v1/models/model:predict"),
        ("PATCH", "/v1/models/model:predict_binary"),
        ("OPTIONS", "/v1/models/model:predict"),
        ("POST", "/v1/models/model/schema"),
        ("DELETE", "/v1/models/model/loaded"),
        ("GET", "/nonexistent"),
        ("POST", "/nonexistent"),
        ("POST", "/v1/models/a/b:predict"),
        ("POST", "//v1/models/model:predict"),
        ("GET", "/v1/models/model:predict"),
        ("GET", "/v1/models/anything"),
        ("GET", "/v1/models/model/loaded"),
        ("POST", "/v1/models/model:predict/"),
        ("GET", "/v1/models/model/?q=1"),
        ("GET", "/v1/models/model/schema/"),
        // A path the service's shortcut leaves to the router: Starlette decodes it first.
        ("POST", "/v1/models/m%3Apredict"),
        ("POST", "/v1/models/m%3Apredict_binary"),
    ];
    let mut disagreements = Vec::new();
    for (method, path) in cases {
        let answer = |addr: SocketAddr| {
            let response = truss_support::request(addr, method, path, &[], b"");
            let location = response.header("location").map(|l| l.replace(&addr.to_string(), "HOST"));
            (response.status, response.body.clone(), response.header("allow").map(str::to_owned), location)
        };
        let theirs = answer(worker.addr);
        // The router, and the service whose predict calls skip it.
        for ours in [answer(rust), answer(worker_service())] {
            if theirs != ours {
                disagreements.push(format!("{method} {path}\n  truss: {theirs:?}\n  Rust:  {ours:?}"));
            }
        }
    }
    assert!(disagreements.is_empty(), "{} of {}:\n{}", disagreements.len(), cases.len(), disagreements.join("\n"));
}

/// A binary-only model (a `bytes` field), as `tests/python/chains/bytes_io.py` has it.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct BytesModel {
    payload: Bytes,
    label: String,
}

/// `BytesModelEcho.run_remote(data: BytesModel)`.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct BytesModelEchoInput {
    data: BytesModel,
}

/// The Rust `BytesModelEcho`: the model back; with `label == "bad"`, a payload that is not
/// UTF-8 (`0xff` before the one it got), as the Python one does.
fn bytes_server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        serve_forever(|| {
            Chainlet::new(|BytesModelEchoInput { data }: BytesModelEchoInput| async move {
                if data.label == "bad" {
                    let payload = [&[0xff][..], &data.payload].concat();
                    return Ok(BytesModel { payload: Bytes::from(payload), label: data.label });
                }
                Ok::<_, RemoteError>(data)
            })
            .into_router()
        })
    })
}

#[tokio::test]
async fn a_binary_only_model_is_served_and_called_in_binary_mode() {
    let echo = Client::builder(format!("http://{}/predict", bytes_server()))
        .name("BytesModelEcho")
        .use_binary(true)
        .build()
        .unwrap();
    let input = BytesModelEchoInput {
        data: BytesModel { payload: Bytes::from((0..=255).collect::<Vec<u8>>()), label: "every byte".into() },
    };
    let output: BytesModel = echo.predict(&input).await.unwrap();
    assert_eq!(output, input.data);
    let response = echo.call(&input).await.unwrap();
    assert_eq!(response.decode::<BytesModel>().unwrap(), input.data);
    // Not UTF-8 is no matter in binary mode.
    let bad = BytesModelEchoInput { data: BytesModel { payload: Bytes::from(vec![0xfe]), label: "bad".into() } };
    let output: BytesModel = echo.predict(&bad).await.unwrap();
    assert_eq!(&output.payload[..], &[0xff, 0xfe]);
    // The blocking client too.
    let url = format!("http://{}/predict", bytes_server());
    let blocking = std::thread::spawn(move || {
        let echo = Client::builder(url).use_binary(true).build_blocking().unwrap();
        echo.predict::<_, BytesModel>(&input).unwrap()
    });
    assert_eq!(blocking.join().unwrap().payload.len(), 256);
}

#[tokio::test]
async fn a_binary_only_model_in_json_mode_is_read_and_written_as_truss_does() {
    let echo = Client::builder(format!("http://{}/predict", bytes_server())).name("BytesModelEcho").build().unwrap();
    // UTF-8 bytes travel as their text, as pydantic writes and reads them.
    let input = BytesModelEchoInput {
        data: BytesModel { payload: Bytes::from("héllo €".as_bytes().to_vec()), label: "text".into() },
    };
    assert_eq!(echo.predict::<_, BytesModel>(&input).await.unwrap(), input.data);
    let response =
        server_support::post(bytes_server(), "/predict", JSON, br#"{"data": {"payload": "AAE=\u00ff", "label": "l"}}"#)
            .await;
    assert_eq!((response.status, response.text()), (200, "{\"payload\":\"AAE=\u{ff}\",\"label\":\"l\"}"));
    // Bytes that are not UTF-8 have no JSON form: the client cannot send them...
    let input = BytesModelEchoInput { data: BytesModel { payload: Bytes::from(vec![0xc3]), label: "l".into() } };
    let error = echo.predict::<_, BytesModel>(&input).await.unwrap_err();
    assert!(matches!(error, Error::Input(_)), "{error:?}");
    assert_eq!(error.to_string(), "the input could not be encoded: incomplete utf-8 byte sequence from index 0");
    // ... and the server answers them as truss does: 500, code 500, pydantic's error.
    let response =
        server_support::post(bytes_server(), "/predict", JSON, br#"{"data": {"payload": "ok", "label": "bad"}}"#).await;
    assert_eq!(
        response.truss_error(500, "500"),
        "Unhandled exception: PydanticSerializationError: Error serializing to JSON: invalid utf-8 sequence of 1 bytes from index 0"
    );
}

/// The Rust and the Python `BytesModelEcho` (truss's own server) answer the same requests
/// alike, in both modes.
#[test]
fn a_binary_only_model_gets_the_same_answers_from_rust_and_truss() {
    let Some(python) = truss_chainlet("bytes_io.py:BytesModelEcho") else { return };
    let packed = |value: Value| chainmodel::msgpack::to_vec(&value).unwrap();
    let mut cases: Vec<(Option<&str>, Vec<u8>)> = [
        r#"{"data": {"payload": "abc", "label": "l"}}"#,
        r#"{"data": {"payload": "h\u00e9 \ud83d\ude00", "label": "l"}}"#,
        r#"{"data": {"payload": "", "label": "l"}}"#,
        r#"{"data": {"payload": "\ud800", "label": "l"}}"#,
        r#"{"data": {"payload": "AAE=", "label": "l"}}"#,
        r#"{"data": {"payload": "ok", "label": "bad"}}"#,
        r#"{"data": {"payload": 1, "label": "l"}}"#,
        r#"{"data": {"payload": [1, 2], "label": "l"}}"#,
        r#"{"data": {"payload": null, "label": "l"}}"#,
        r#"{"data": {"label": "l"}}"#,
    ]
    .into_iter()
    .map(|text| (truss_support::JSON, text.as_bytes().to_vec()))
    .collect();
    let bytes = |b: &[u8]| Value::Bytes(Bytes::from(b.to_vec()));
    for value in [
        chainmodel::value!({"data": {"payload": (bytes(b"\xff\x00")), "label": "l"}}),
        chainmodel::value!({"data": {"payload": "text", "label": "l"}}),
        chainmodel::value!({"data": {"payload": (bytes(b"")), "label": "bad"}}),
        chainmodel::value!({"data": {"payload": 1, "label": "l"}}),
        chainmodel::value!({"data": {"payload": [1], "label": "l"}}),
        chainmodel::value!({"data": {"payload": null, "label": "l"}}),
    ] {
        cases.push((truss_support::BINARY, packed(value)));
    }
    let mut disagreements = Vec::new();
    for (content_type, body) in &cases {
        let theirs = truss_support::post(python.addr, truss_support::PREDICT, *content_type, body);
        let ours = truss_support::post(bytes_server(), "/predict", *content_type, body);
        let answer = |response: &truss_support::Response| {
            let body = match (response.status, *content_type) {
                (200, truss_support::BINARY) => format!("{:?}", BytesModel::from_msgpack(&response.body)),
                _ => String::from_utf8_lossy(&response.body).into_owned(),
            };
            (response.status, response.header("x-baseten-error-code").map(str::to_owned), body)
        };
        let (theirs, ours) = (answer(&theirs), answer(&ours));
        if theirs != ours {
            disagreements.push(format!(
                "{content_type:?} {:?}\n  truss: {theirs:?}\n  Rust:  {ours:?}",
                String::from_utf8_lossy(body)
            ));
        }
    }
    assert!(disagreements.is_empty(), "{} of {}:\n{}", disagreements.len(), cases.len(), disagreements.join("\n"));
}
