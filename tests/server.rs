//! `chainmodel::server` over real HTTP on 127.0.0.1: every route in both modes, each error
//! class (status, body, headers), the body limit, the timeouts, the load step, the concurrency
//! limit, graceful shutdown and a handler that reads a 64 MiB array through a borrowed view.

mod server_support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::routing;
use axum::{Extension, Router};
use chainmodel::prelude::*;
use chainmodel::server::{
    self, AlignedBody, BodyBudget, BodyLimit, Chainlet, Mode, Model, ModelRejection, RemoteError, Reply,
};
use serde_json::json;
use server_support::*;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Item {
    value: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Items {
    items: Vec<Item>,
}

/// A model that borrows its array from the request body.
#[derive(ChainModel)]
struct Frame<'a> {
    pixels: NdArrayView<'a, f32>,
}

#[derive(ChainModel, Debug, PartialEq)]
struct FrameSummary {
    borrowed: bool,
    len: u64,
    first: f64,
    last: f64,
    sum: f64,
}

async fn summarize(body: AlignedBody) -> Result<Reply<FrameSummary>, ModelRejection> {
    let frame: Frame<'_> = body.decode()?;
    let pixels = frame.pixels.as_slice();
    let summary = FrameSummary {
        borrowed: frame.pixels.is_borrowed(),
        len: pixels.len() as u64,
        first: pixels.first().copied().map_or(f64::NAN, f64::from),
        last: pixels.last().copied().map_or(f64::NAN, f64::from),
        sum: pixels.iter().map(|&x| f64::from(x)).sum(),
    };
    Ok(body.mode().reply(summary))
}

async fn count_items(mode: Mode, Model(items): Model<Items>) -> Reply<Item> {
    mode.reply(Item { value: items.items.iter().map(|i| i.value).sum() })
}

/// The worker chainlet with routes of the tests' own beside truss's.
fn main_server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        serve_forever(|| {
            worker().into_router().merge(
                Router::new()
                    .route("/items", routing::post(count_items))
                    .route("/summarize", routing::post(summarize))
                    .route("/small", routing::post(count_items).layer(Extension(BodyLimit(1024))))
                    .route(
                        "/panics",
                        routing::post(|Model(items): Model<Items>| async move {
                            assert!(items.items.is_empty(), "{} items, none expected", items.items.len());
                            "fine"
                        })
                        .layer(axum::middleware::from_fn(server::catch_panic)),
                    ),
            )
        })
    })
}

/// A worker with a 1 MiB body limit.
fn limited_server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| serve_forever(|| worker().body_limit(1 << 20).into_router()))
}

fn sample(shape: Vec<usize>, other_field: &str) -> WorkerInput {
    let len = shape.iter().product::<usize>();
    let values = (0..len).map(|i| i as f64 * 0.5 - 3.25).collect();
    WorkerInput {
        data: DataModel {
            some_numbers: NdArray::from_shape_vec(shape, values).unwrap(),
            other_field: other_field.into(),
        },
    }
}

fn assert_added_ten(input: &WorkerInput, output: &DataModel) {
    assert_eq!(output.some_numbers.shape(), input.data.some_numbers.shape());
    assert_eq!(output.other_field, input.data.other_field);
    for (i, (&out, &inp)) in output.some_numbers.as_slice().iter().zip(input.data.some_numbers.as_slice()).enumerate() {
        assert_eq!(out, inp + 10.0, "element {i}");
    }
}

const PREDICT_PATHS: [&str; 4] =
    ["/v1/models/worker:predict", "/v1/models/any_name:predict_binary", "/predict", "/run_remote"];

#[tokio::test]
async fn liveness_readiness_and_schema() {
    let addr = main_server();
    let live = get(addr, "/").await;
    assert_eq!((live.status, live.text()), (200, "true"));
    assert_eq!(live.header("content-type"), Some("application/json"));
    for path in ["/v1/models/worker", "/v1/models/worker/loaded"] {
        let ready = get(addr, path).await;
        assert_eq!((ready.status, ready.text()), (200, "{}"), "{path}");
    }
    let schema = get(addr, "/v1/models/worker/schema").await;
    assert_eq!(schema.status, 200);
    assert_eq!(
        schema.json(),
        json!({
            "input_schema": WorkerInput::json_schema(),
            "output_schema": DataModel::json_schema(),
            "supports_streaming": false,
        })
    );
}

#[tokio::test]
async fn predict_in_json_mode_on_every_route() {
    let addr = main_server();
    for (path, shape) in PREDICT_PATHS.iter().zip([vec![], vec![3, 2], vec![7], vec![2, 0, 3]]) {
        let input = sample(shape, "json");
        let response = post(addr, path, JSON, input.to_json().unwrap().as_bytes()).await;
        assert_eq!(response.status, 200, "{path}: {}", response.text());
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert_added_ten(&input, &DataModel::from_json(response.text()).unwrap());
    }
}

#[tokio::test]
async fn predict_in_binary_mode_on_every_route() {
    let addr = main_server();
    for (path, shape) in PREDICT_PATHS.iter().zip([vec![], vec![3, 2], vec![1 << 18], vec![4, 1]]) {
        let input = sample(shape, "binary");
        for body in [input.to_msgpack().unwrap(), chainmodel::msgpack::to_vec_compact(&input).unwrap()] {
            let response = post(addr, path, BINARY, &body).await;
            assert_eq!(response.status, 200, "{path}: {:?}", String::from_utf8_lossy(&response.body));
            assert_eq!(response.header("content-type"), Some("application/octet-stream"));
            assert_added_ten(&input, &DataModel::from_msgpack(&response.body).unwrap());
        }
    }
}

#[tokio::test]
async fn the_mode_follows_truss_content_type_rule() {
    let addr = main_server();
    let input = sample(vec![2], "mode");
    for content_type in
        ["Application/Octet-Stream; charset=binary", " application/octet-stream ;x=y", "APPLICATION/OCTET-STREAM"]
    {
        let response = post(addr, "/predict", Some(content_type), &input.to_msgpack().unwrap()).await;
        assert_eq!(response.header("content-type"), Some("application/octet-stream"), "{content_type}");
        assert_added_ten(&input, &DataModel::from_msgpack(&response.body).unwrap());
    }
    for content_type in
        [None, Some("text/plain"), Some("application/json; charset=utf-8"), Some("application/octet-streamx")]
    {
        let response = post(addr, "/predict", content_type, input.to_json().unwrap().as_bytes()).await;
        assert_eq!(response.status, 200, "{content_type:?}");
        assert_eq!(response.header("content-type"), Some("application/json"), "{content_type:?}");
        assert_added_ten(&input, &DataModel::from_json(response.text()).unwrap());
    }
}

/// Minimal msgpack writing, for messages no encoder would produce.
mod mp {
    pub fn map(n: u8) -> Vec<u8> {
        vec![0x80 | n]
    }
    pub fn str(s: &str) -> Vec<u8> {
        let mut out = vec![0xd9, s.len() as u8];
        out.extend_from_slice(s.as_bytes());
        out
    }
    pub fn bin(b: &[u8]) -> Vec<u8> {
        let mut out = vec![0xc6];
        out.extend_from_slice(&(b.len() as u32).to_be_bytes());
        out.extend_from_slice(b);
        out
    }
    /// A msgpack_numpy array map.
    pub fn array(dtype: &str, kind: &[u8], shape: &[u8], data: &[u8]) -> Vec<u8> {
        let mut out = map(5);
        out.extend(bin(b"nd"));
        out.push(0xc3);
        out.extend(bin(b"type"));
        out.extend(str(dtype));
        out.extend(bin(b"kind"));
        out.extend(bin(kind));
        out.extend(bin(b"shape"));
        out.push(0x90 | shape.len() as u8);
        out.extend_from_slice(shape);
        out.extend(bin(b"data"));
        out.extend(bin(data));
        out
    }
    /// `{"data": {"some_numbers": array, "other_field": "x"}}`.
    pub fn worker_input(array: Vec<u8>) -> Vec<u8> {
        let mut out = map(1);
        out.extend(str("data"));
        out.extend(map(2));
        out.extend(str("some_numbers"));
        out.extend(array);
        out.extend(str("other_field"));
        out.extend(str("x"));
        out
    }
}

#[tokio::test]
async fn bad_input_is_400_in_truss_format() {
    let addr = main_server();
    let f8 = 1.5f64.to_le_bytes().repeat(3);
    let cases: Vec<(&str, Option<&str>, Vec<u8>, &str)> = vec![
        (
            "/predict",
            JSON,
            br#"{"data": {"other_field": "x"}}"#.to_vec(),
            "Input Parsing Error:\n  `data.some_numbers`: Field required.",
        ),
        // Malformed JSON is one error about the whole text, as pydantic's `parse_raw` in truss
        // reports it: Python's `json` message at `__root__`.
        (
            "/predict",
            JSON,
            br#"{"data": {"some_numbers": 3, "other_field": "x"#.to_vec(),
            "Input Parsing Error:\n  `__root__`: Unterminated string starting at: line 1 column 45 (char 44).",
        ),
        ("/predict", JSON, b"{\"data\": ".to_vec(), "Input Parsing Error:\n  `__root__`: Expecting value: line 1 column 10 (char 9)."),
        ("/predict", None, b"".to_vec(), "Input Parsing Error:\n  `__root__`: Expecting value: line 1 column 1 (char 0)."),
        (
            "/run_remote",
            JSON,
            br#"{"data": {"some_numbers": {"data_b64": "AAAAAAAA+D8=", "shape": [2], "dtype": "float64"}, "other_field": "x"}}"#.to_vec(),
            "Input Parsing Error:\n  `data.some_numbers`: Array of shape (2,) and dtype float64 needs 16 bytes, got 8.",
        ),
        (
            "/predict",
            JSON,
            br#"{"data": {"some_numbers": {"data_b64": "AAAAAAAA+D8=", "shape": [1], "dtype": "int64"}, "other_field": "x"}}"#.to_vec(),
            "Input Parsing Error:\n  `data.some_numbers`: Expected an array of dtype float64, got dtype int64.",
        ),
        (
            "/items",
            JSON,
            br#"{"items": [{"value": 1}, {"value": "two"}]}"#.to_vec(),
            "Input Parsing Error:\n  `items[1].value`: ",
        ),
        ("/predict", BINARY, mp::worker_input(mp::array("<f8", b"", &[3], &f8[..16])), "Input Parsing Error:\n  `data.some_numbers`: Array of shape (3,) and dtype float64 needs 24 bytes, got 16."),
        ("/predict", BINARY, mp::worker_input(mp::array("<i4", b"", &[2], &[0; 8])), "Input Parsing Error:\n  `data.some_numbers`: Expected an array of dtype float64, got dtype int32."),
        ("/predict", BINARY, mp::worker_input(mp::array("|V8", b"V", &[1], &[0; 8])), "Input Parsing Error:\n  `data.some_numbers`: "),
        ("/predict", BINARY, vec![0x93, 0x01, 0x02, 0x03], "Input Parsing Error:\n  ``: "),
        ("/predict", BINARY, [&[0x81, 0xa4][..], b"data", &[0x81, 0xab], b"other_field", &[0xa1, b'x']].concat(), "Input Parsing Error:\n  `data.some_numbers`: Field required."),
    ];
    for (path, content_type, body, expected) in cases {
        let response = post(addr, path, content_type, &body).await;
        let error = response.truss_error(400, "700");
        let error = error.as_str().unwrap_or_else(|| panic!("a string error: {error}"));
        assert!(
            error.starts_with(expected),
            "{path} {content_type:?} {body:?}:\n{error:?}\ndoes not start with\n{expected:?}"
        );
        assert!(error.ends_with('.'), "{error:?}");
        assert_eq!(error.lines().count(), 2, "{error:?}");
    }
}

#[tokio::test]
async fn handler_errors_are_remote_error_details() {
    let addr = main_server();
    for mode in [JSON, BINARY] {
        let body = |input: WorkerInput| {
            if mode == JSON { input.to_json().unwrap().into_bytes() } else { input.to_msgpack().unwrap() }
        };
        let response = post(addr, "/predict", mode, &body(sample(vec![2], "fail"))).await;
        let detail = response.truss_error(500, "600");
        assert_eq!(
            detail,
            json!({
                "exception_cls_name": "ValueError",
                "exception_module_name": null,
                "exception_message": "This input is too long: 100.",
                "user_stack_trace": [],
            })
        );

        let response = post(addr, "/run_remote", mode, &body(sample(vec![2], "teapot"))).await;
        assert_eq!(response.truss_error(418, "600")["exception_cls_name"], "RuntimeError");

        let response = post(addr, "/v1/models/worker:predict", mode, &body(sample(vec![2], "parse"))).await;
        let detail = response.truss_error(500, "600");
        assert_eq!(detail["exception_cls_name"], "ParseIntError");
        assert_eq!(detail["exception_module_name"], "core::num::error");
        assert_eq!(detail["exception_message"], "invalid digit found in string");
        let frame = &detail["user_stack_trace"][0];
        assert!(frame["filename"].as_str().unwrap().ends_with("server_support/mod.rs"), "{frame}");
        assert!(frame["lineno"].as_u64().unwrap() > 0, "{frame}");
        assert_eq!(frame["name"], "run_remote");
    }
}

#[tokio::test]
async fn the_chain_context_is_current_in_run_remote() {
    let addr = main_server();
    let input = sample(vec![1], "context");
    let headers = [
        ("X-Baseten-Request-Id", "req-7"),
        ("x-baseten-chain-request-id", "chain-3"),
        ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
    ];
    let response = post_with(addr, "/predict", JSON, &headers, input.to_json().unwrap().as_bytes()).await;
    let output = DataModel::from_json(response.text()).unwrap();
    assert_eq!(output.other_field, "req-7|chain-3|00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    let response = post(addr, "/predict", JSON, input.to_json().unwrap().as_bytes()).await;
    assert_eq!(DataModel::from_json(response.text()).unwrap().other_field, "||");
}

#[tokio::test]
async fn a_64_mib_array_is_read_through_a_borrowed_view() {
    let addr = main_server();
    let len = 16 << 20; // f32: 64 MiB
    let values: Vec<f32> = (0..len).map(|i| (i % 1000) as f32).collect();
    let frame = Frame { pixels: NdArrayView::from_shape_slice(vec![len], &values).unwrap() };
    let body = frame.to_msgpack().unwrap();
    assert!(body.len() > 64 << 20);
    let response = post(addr, "/summarize", BINARY, &body).await;
    assert_eq!(response.status, 200, "{:?}", String::from_utf8_lossy(&response.body));
    assert!(response.body.len() < 100, "answered small: {} bytes", response.body.len());
    let summary = FrameSummary::from_msgpack(&response.body).unwrap();
    let sum: f64 = values.iter().map(|&x| f64::from(x)).sum();
    assert_eq!(summary, FrameSummary { borrowed: true, len: len as u64, first: 0.0, last: 215.0, sum });

    // The same handler in JSON mode: the array is decoded from base64, so it is owned.
    let small = Frame { pixels: NdArrayView::from_shape_slice(vec![3], &[1.0, 2.0, 4.5]).unwrap() };
    let response = post(addr, "/summarize", JSON, small.to_json().unwrap().as_bytes()).await;
    let summary = FrameSummary::from_json(response.text()).unwrap();
    assert_eq!(summary, FrameSummary { borrowed: false, len: 3, first: 1.0, last: 4.5, sum: 7.5 });
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_before_it_is_read() {
    let addr = limited_server();
    // Content-Length over the limit: answered from the head alone; the body is never sent.
    let head = format!(
        "POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: {}",
        (1 << 20) + 1
    );
    let response = exchange(addr, &head, b"").await;
    let error = response.truss_error(413, "700");
    assert_eq!(error, "Request body is larger than the limit of 1048576 bytes.");

    // Chunked: counted as it arrives; refused once past the limit, though more keeps coming.
    let head = "POST /v1/models/worker:predict HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked";
    let mut chunked = Vec::new();
    for _ in 0..40 {
        chunked.extend_from_slice(format!("{:x}\r\n", 64 << 10).as_bytes());
        chunked.extend(std::iter::repeat_n(b' ', 64 << 10));
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let response = exchange(addr, head, &chunked).await;
    assert_eq!(response.truss_error(413, "700"), "Request body is larger than the limit of 1048576 bytes.");

    // Within the limit, chunked bodies are read whole.
    let input = sample(vec![1000], "chunked").to_msgpack().unwrap();
    let mut chunked = Vec::new();
    for piece in input.chunks(777) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head = "POST /run_remote HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked";
    let response = exchange(addr, head, &chunked).await;
    assert_added_ten(&sample(vec![1000], "chunked"), &DataModel::from_msgpack(&response.body).unwrap());

    // A route of one's own with a limit of its own.
    let response = post(main_server(), "/small", JSON, &[b' '; 1025]).await;
    assert_eq!(response.truss_error(413, "700"), "Request body is larger than the limit of 1024 bytes.");
}

/// Serves `router` in the test's runtime; returns the address and a handle that ends it.
async fn serve_here(
    router: Router,
    configure: impl FnOnce(server::Serve) -> server::Serve,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = configure(server::serve(listener, router)).with_graceful_shutdown(async move {
        let _ = stopped.await;
    });
    (addr, stop, tokio::spawn(serving.into_future()))
}

#[tokio::test]
async fn stalled_clients_are_cut_off() {
    let (addr, stop, serving) = serve_here(worker().into_router(), |serve| {
        serve.header_read_timeout(Duration::from_millis(300)).body_read_timeout(Duration::from_millis(300))
    })
    .await;

    // A body that stops arriving: 408 once the pause passes the body read timeout.
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"data\"",
        )
        .await
        .unwrap();
    let response = tokio::time::timeout(DEADLINE, read_response(&mut stream)).await.unwrap();
    assert_eq!(response.truss_error(408, "700"), "Timed out reading the request body: the client stopped sending it.");
    assert!(started.elapsed() < Duration::from_secs(10));

    // Headers that stop arriving: the connection is closed.
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"POST /predict HTTP/1.1\r\nHost: loc").await.unwrap();
    let mut buf = [0u8; 256];
    let read = tokio::time::timeout(DEADLINE, tokio::io::AsyncReadExt::read(&mut stream, &mut buf)).await.unwrap();
    assert!(matches!(read, Ok(0) | Err(_)) || buf.starts_with(b"HTTP/1.1 408"), "{read:?}");
    assert!(started.elapsed() < Duration::from_secs(10));

    stop.send(()).unwrap();
    tokio::time::timeout(DEADLINE, serving).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn the_load_step_answers_503_until_it_ends() {
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let chainlet = worker()
        .name("slow_loader")
        .load(async move { released.await.map_err(|_| RemoteError::new("RuntimeError", "never released")) });
    let (addr, stop, serving) = serve_here(chainlet.into_router(), |serve| serve).await;

    let not_ready = "Model with name slow_loader is not ready.";
    assert_eq!(get(addr, "/v1/models/slow_loader").await.truss_error(503, "600"), not_ready);
    let input = sample(vec![2], "loading");
    let response = post(addr, "/predict", BINARY, &input.to_msgpack().unwrap()).await;
    assert_eq!(response.truss_error(503, "600"), not_ready);
    assert_eq!(get(addr, "/").await.text(), "true", "alive while loading");

    release.send(()).unwrap();
    let mut ready = None;
    for _ in 0..200 {
        let response = get(addr, "/v1/models/slow_loader").await;
        if response.status == 200 {
            ready = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(ready.expect("ready within 2 s").text(), "{}");
    let response = post(addr, "/predict", BINARY, &input.to_msgpack().unwrap()).await;
    assert_added_ten(&input, &DataModel::from_msgpack(&response.body).unwrap());

    stop.send(()).unwrap();
    tokio::time::timeout(DEADLINE, serving).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn requests_beyond_the_concurrency_limit_wait() {
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (r, m) = (Arc::clone(&running), Arc::clone(&most));
    let chainlet = Chainlet::new(move |input: WorkerInput| {
        let (running, most) = (Arc::clone(&r), Arc::clone(&m));
        async move {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            running.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, RemoteError>(input.data)
        }
    })
    .concurrency_limit(2);
    let (addr, stop, serving) = serve_here(chainlet.into_router(), |serve| serve).await;
    let body = sample(vec![3], "busy").to_json().unwrap();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let body = body.clone();
            tokio::spawn(async move { post(addr, "/predict", JSON, body.as_bytes()).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().status, 200);
    }
    assert_eq!(most.load(Ordering::SeqCst), 2);
    stop.send(()).unwrap();
    tokio::time::timeout(DEADLINE, serving).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn graceful_shutdown_finishes_the_request_in_flight() {
    let (entered, is_entered) = tokio::sync::oneshot::channel::<()>();
    let entered = Arc::new(std::sync::Mutex::new(Some(entered)));
    let chainlet = Chainlet::new(move |input: WorkerInput| {
        let entered = entered.lock().unwrap().take();
        async move {
            if let Some(entered) = entered {
                let _ = entered.send(());
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok::<_, RemoteError>(input.data)
        }
    });
    let (addr, stop, serving) = serve_here(chainlet.into_router(), |serve| serve).await;
    let input = sample(vec![4], "in flight");
    let body = input.to_msgpack().unwrap();
    let in_flight = tokio::spawn(async move { post(addr, "/predict", BINARY, &body).await });
    tokio::time::timeout(DEADLINE, is_entered).await.unwrap().unwrap();

    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    // New connections are refused while the request in flight finishes.
    assert!(TcpStream::connect(addr).await.is_err(), "the listener is closed");
    let response = tokio::time::timeout(DEADLINE, in_flight).await.unwrap().unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(DataModel::from_msgpack(&response.body).unwrap(), input.data);
    tokio::time::timeout(DEADLINE, serving).await.unwrap().unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_still_uploading_holds_no_concurrency_slot() {
    // truss reads (and parses) the body before it takes a `predict_concurrency` slot: a client
    // trickling its body holds up nobody, even with a limit of 1.
    let (addr, stop, serving) = serve_here(worker().concurrency_limit(1).into_router(), |serve| serve).await;
    let body = sample(vec![4], "trickled").to_json().unwrap().into_bytes();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..10]).await.unwrap();
    let uploaded = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = Arc::clone(&uploaded);
    let trickle = tokio::spawn(async move {
        for piece in body[10..].chunks(4) {
            tokio::time::sleep(Duration::from_millis(30)).await;
            stream.write_all(piece).await.unwrap();
        }
        done.store(true, Ordering::SeqCst);
        tokio::time::timeout(DEADLINE, read_response(&mut stream)).await.unwrap()
    });
    tokio::time::sleep(Duration::from_millis(100)).await;

    let input = sample(vec![2], "meanwhile");
    let response = post(addr, "/predict", JSON, input.to_json().unwrap().as_bytes()).await;
    assert!(!uploaded.load(Ordering::SeqCst), "answered while the other body was still arriving");
    assert_added_ten(&input, &DataModel::from_json(response.text()).unwrap());

    let trickled = trickle.await.unwrap();
    assert_eq!(trickled.status, 200, "{}", trickled.text());
    assert_eq!(DataModel::from_json(trickled.text()).unwrap().other_field, "trickled");
    stop.send(()).unwrap();
    tokio::time::timeout(DEADLINE, serving).await.unwrap().unwrap().unwrap();
}

#[test]
#[should_panic(expected = "a concurrency limit of 0 would never run `run_remote`")]
fn a_concurrency_limit_of_zero_is_refused() {
    let _ = worker().concurrency_limit(0);
}

/// What the child process of [`a_failed_load_step_ends_the_process_with_its_reason`] does:
/// serve a chainlet whose load step fails (`error`) or panics (`panic`).
const LOAD_CHILD_VAR: &str = "CHAINMODEL_TEST_LOAD_STEP";

#[test]
fn a_failed_load_step_ends_the_process_with_its_reason() {
    if let Ok(how) = std::env::var(LOAD_CHILD_VAR) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        runtime.block_on(async move {
            let chainlet = if how == "panic" {
                worker().load(async { panic!("the weights are missing") as Result<(), RemoteError> })
            } else {
                worker().load(async { Err::<(), _>(RemoteError::new("OSError", "no weights")) })
            };
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let serving = tokio::spawn(server::serve(listener, chainlet.into_router()).into_future());
            // Still running after this: the process outlived its failed load step.
            let _ = tokio::time::timeout(Duration::from_secs(5), serving).await;
        });
        std::process::exit(0);
    }
    for (how, reason) in [("error", "OSError: no weights"), ("panic", "the weights are missing")] {
        let started = Instant::now();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "a_failed_load_step_ends_the_process_with_its_reason", "--nocapture", "--test-threads=1"])
            .env(LOAD_CHILD_VAR, how)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > DEADLINE {
                child.kill().unwrap();
                panic!("the child did not end");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert!(!status.success(), "{how}: the process ends with a failure status, not {status}; stderr:\n{stderr}");
        assert!(stderr.contains("the load step failed"), "{how}: {stderr}");
        assert!(stderr.contains(reason), "{how}: {stderr}");
        assert!(started.elapsed() < Duration::from_secs(4), "{how}: ended at once, not after {:?}", started.elapsed());
    }
}

/// Sends `method path` with no body and returns the status line's code and the raw head.
async fn head_only(addr: SocketAddr, method: &str, path: &str) -> (u16, String) {
    tokio::time::timeout(DEADLINE, async {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let request = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        let _ = tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut raw).await;
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let status = raw.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, raw)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn unmatched_routes_and_methods_answer_as_truss_does() {
    let addr = main_server();
    let not_allowed = r#"{"detail":"Method Not Allowed"}"#;
    let cases: &[(&str, &str, u16, Option<&str>)] = &[
        ("POST", "/", 405, Some("GET")),
        ("POST", "/v1/models/worker", 405, Some("GET")),
        ("PUT", "/v1/models/worker", 405, Some("GET")),
        ("POST", "/v1/models/worker:explain", 405, Some("GET")),
        ("POST", "/v1/models/predict", 405, Some("GET")),
        ("PUT", "/v1/models/worker:predict", 405, Some("GET")),
        ("DELETE", "/v1/models/worker:predict", 405, Some("GET")),
        ("PATCH", "/v1/models/worker:predict_binary", 405, Some("GET")),
        ("OPTIONS", "/v1/models/worker:predict", 405, Some("GET")),
        ("POST", "/v1/models/worker/schema", 405, Some("GET")),
        ("DELETE", "/v1/models/worker/loaded", 405, Some("GET")),
        ("GET", "/predict", 405, Some("POST")),
        ("GET", "/run_remote", 405, Some("POST")),
        ("GET", "/nonexistent", 404, None),
        ("POST", "/nonexistent", 404, None),
        ("POST", "/v1/models/a/b:predict", 404, None),
        ("GET", "/v1/models/worker/schema/x", 404, None),
    ];
    for &(method, path, status, allow) in cases {
        let response =
            exchange(addr, &format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0"), b"").await;
        let body = if status == 404 { r#"{"detail":"Not Found"}"# } else { not_allowed };
        assert_eq!((response.status, response.text()), (status, body), "{method} {path}");
        assert_eq!(response.header("allow"), allow, "{method} {path}");
        assert_eq!(response.header("content-type"), Some("application/json"), "{method} {path}");
        assert_eq!(response.header("x-baseten-error-code"), None, "FastAPI's own errors: {method} {path}");
    }
    // `GET` routes do not answer `HEAD` (FastAPI's do not).
    for path in ["/", "/v1/models/worker", "/v1/models/worker:predict"] {
        let (status, head) = head_only(addr, "HEAD", path).await;
        assert_eq!(status, 405, "HEAD {path}: {head}");
        assert!(head.to_ascii_lowercase().contains("\r\nallow: get\r\n"), "HEAD {path}: {head}");
    }
    // A trailing slash too many (or too few) is redirected, as Starlette does.
    let response = exchange(
        addr,
        "POST /v1/models/worker:predict/?x=1 HTTP/1.1\r\nHost: example.com:81\r\nContent-Length: 0",
        b"",
    )
    .await;
    assert_eq!(response.status, 307);
    assert_eq!(response.header("location"), Some("http://example.com:81/v1/models/worker:predict?x=1"));
    // Readiness answers any name, `model:predict` included.
    assert_eq!(get(addr, "/v1/models/worker:predict").await.text(), "{}");
}

/// Bodies truss refuses before any validation, with exactly its text (notes on truss 0.18.36).
#[tokio::test]
async fn malformed_bodies_are_answered_in_truss_words() {
    let addr = main_server();
    let parsing = |text: &str| format!("Input Parsing Error:\n  `__root__`: {text}.");
    let json_cases: Vec<(Vec<u8>, String)> = vec![
        (
            b"\xef\xbb\xbf{\"data\": {}}".to_vec(),
            parsing("Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"),
        ),
        (b"\xef\xbb\xbf".to_vec(), parsing("Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)")),
        (b" \xef\xbb\xbf{}".to_vec(), parsing("Expecting value: line 1 column 2 (char 1)")),
        (
            b"\xff\xfe{\x00}\x00".to_vec(),
            parsing("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
        ),
        (
            b"\xfe\xff\x00{\x00}".to_vec(),
            parsing("'utf-8' codec can't decode byte 0xfe in position 0: invalid start byte"),
        ),
        (
            b"\x00\x00\xfe\xff\x00\x00\x00{".to_vec(),
            parsing("'utf-8' codec can't decode byte 0xfe in position 2: invalid start byte"),
        ),
        (
            b"{\x00\"\x00a\x00\"\x00:\x001\x00}\x00".to_vec(),
            parsing("Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ),
        (b"\x00{\x00\"\x00a\x00\"\x00:\x001\x00}".to_vec(), parsing("Expecting value: line 1 column 1 (char 0)")),
        (
            b"{\"text\":\"\xed\xa0\x80\"}".to_vec(),
            parsing("'utf-8' codec can't decode byte 0xed in position 9: invalid continuation byte"),
        ),
        (
            b"{\"text\":\"\xe2\x82".to_vec(),
            parsing("'utf-8' codec can't decode bytes in position 9-10: unexpected end of data"),
        ),
        (
            b"{\"text\":\"\xe2\x82\"}".to_vec(),
            parsing("'utf-8' codec can't decode bytes in position 9-10: invalid continuation byte"),
        ),
        // Invalid UTF-8 in a key the model ignores: truss decodes the whole body first.
        (
            b"{\"extra\":\"\xff\", \"data\": 1}".to_vec(),
            parsing("'utf-8' codec can't decode byte 0xff in position 10: invalid start byte"),
        ),
    ];
    for (body, expected) in json_cases {
        let response = post(addr, "/predict", JSON, &body).await;
        assert_eq!(response.truss_error(400, "700"), expected.as_str(), "{body:?}");
    }
    let mut deep = vec![0x91; 1025];
    deep.push(0x01);
    let msgpack_cases: Vec<(Vec<u8>, &str)> = vec![
        (vec![], "Unpack failed: incomplete input"),
        (vec![0x81, 0xa4, b'd', b'a', b't', b'a'], "Unpack failed: incomplete input"),
        (vec![0x80, 0x80], "unpack(b) received extra data."),
        (vec![0xc1], ""),
        (vec![0x81, 0xa4, b'd', b'a', b't', b'a', 0x91, 0xc1], ""),
        (deep, ""),
        (vec![0x81, 0xa2, 0xff, b'x', 0x01], "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
        (
            vec![0x81, 0xa4, b'd', b'a', b't', b'a', 0xa3, b'a', 0xed, 0xa0],
            "'utf-8' codec can't decode byte 0xed in position 1: invalid continuation byte",
        ),
        (vec![0x81, 0x01, 0x02], "int is not allowed for map key when strict_map_key=True"),
        (vec![0x81, 0xc0, 0x02], "NoneType is not allowed for map key when strict_map_key=True"),
        (vec![0x81, 0x91, 0x01, 0x02], "list is not allowed for map key when strict_map_key=True"),
        (vec![0x81, 0xd6, 0xff, 0, 0, 0, 1, 0x02], "Timestamp is not allowed for map key when strict_map_key=True"),
        (vec![0x81, 0xa1, b'a', 0xd4, 0xff, 0x00], "Unpack failed: error = -1"),
        (vec![0xdd, 0, 0, 1, 0], "256 exceeds max_array_len(5)"),
        (vec![0xdf, 0, 0, 1, 0], "256 exceeds max_map_len(2)"),
        (
            [&[0x81, 0xa4][..], b"data", &[0x82, 0xc4, 0x02], b"nd", &[0xc3, 0xc4, 0x04], b"kind", &[0xc4, 0x01, b'O']]
                .concat(),
            "unsupported payload",
        ),
    ];
    for (body, expected) in msgpack_cases {
        let response = post(addr, "/predict", BINARY, &body).await;
        assert_eq!(response.truss_error(400, "700"), expected, "{body:?}");
    }
}

/// A body of about `kib` KiB for the worker, in binary mode.
fn body_of_kib(kib: usize, other_field: &str) -> Vec<u8> {
    sample(vec![kib * 1024 / 8 - 16], other_field).to_msgpack().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn honest_uploads_beyond_the_body_budget_wait_their_turn() {
    let budget = BodyBudget::new(1 << 20).max_wait(Duration::from_secs(20));
    let (addr, stop, serving) = serve_here(worker().into_router(), |serve| serve.body_budget(budget.clone())).await;
    // Six bodies of 600 KiB, one budget of 1 MiB: the oldest body in flight always gets what
    // the others give back; a younger one that cannot grow is answered 503 at once (as truss's
    // stub and chainmodel's client retry it), so every upload is served in the end.
    let calls: Vec<_> = (0..6)
        .map(|i| {
            let body = body_of_kib(600, &format!("upload {i}"));
            tokio::spawn(async move {
                for _ in 0..200 {
                    let response = post(addr, "/predict", BINARY, &body).await;
                    if response.status != 503 {
                        return response;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                panic!("upload {i} was refused 200 times");
            })
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        let response = call.await.unwrap();
        assert_eq!(response.status, 200, "{:?}", String::from_utf8_lossy(&response.body));
        assert_eq!(DataModel::from_msgpack(&response.body).unwrap().other_field, format!("upload {i}"));
    }
    assert_eq!(budget.available(), 1 << 20, "every share came back");
    stop.send(()).unwrap();
    tokio::time::timeout(DEADLINE, serving).await.unwrap().unwrap().unwrap();
}

/// Waits (a little) until `budget` has `bytes` held.
async fn wait_held(budget: &BodyBudget, bytes: usize) {
    for _ in 0..200 {
        if budget.bytes() - budget.available() == bytes {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_the_budget_cannot_hold_is_refused() {
    let budget = BodyBudget::new(1 << 20).max_wait(Duration::from_millis(200));
    // The budget given as a route's extension, as under plain `axum::serve`.
    let router = worker().into_router().layer(Extension(budget.clone()));
    let (addr, stop, serving) = serve_here(router, |serve| serve).await;

    // A declares 800 KiB and sends one byte of it: a claim holds nothing but what arrived.
    let mut holder = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        800 << 10
    );
    holder.write_all(head.as_bytes()).await.unwrap();
    holder.write_all(&[0x81]).await.unwrap();
    wait_held(&budget, 1 << 10).await;
    assert_eq!((1 << 20) - budget.available(), 1 << 10, "one byte holds one unit of the budget");
    // It sends 700 KiB more, and stalls: it holds what arrived.
    holder.write_all(&vec![0; 700 << 10]).await.unwrap();
    wait_held(&budget, 701 << 10).await;
    assert_eq!((1 << 20) - budget.available(), 701 << 10);

    // B sends 600 KiB: younger than A, it cannot grow past what is left, and is refused at
    // once (it does not wait on A), giving back what it held.
    let started = Instant::now();
    let response = post(addr, "/predict", BINARY, &body_of_kib(600, "B")).await;
    let busy = "The server is busy: the request bodies in flight hold its memory budget for request bodies (1048576 bytes). Try again later.";
    assert_eq!(response.truss_error(503, "600"), busy);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    wait_held(&budget, 701 << 10).await;
    assert_eq!((1 << 20) - budget.available(), 701 << 10, "B gave back what it held");
    // A chunked body too.
    let head = "POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked";
    let mut chunked = Vec::new();
    for piece in body_of_kib(600, "C").chunks(64 << 10) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(exchange(addr, head, &chunked).await.truss_error(503, "600"), busy);
    // A small body fits beside A's.
    let small = sample(vec![4], "small");
    let response = post(addr, "/predict", BINARY, &small.to_msgpack().unwrap()).await;
    assert_added_ten(&small, &DataModel::from_msgpack(&response.body).unwrap());
    // More than the whole budget could ever hold: 413.
    let head = "POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 2097152";
    let response = exchange(addr, head, b"").await;
    assert_eq!(
        response.truss_error(413, "700"),
        "Request body is larger than the server's memory budget for request bodies, 1048576 bytes."
    );

    // A goes away: its share comes back, and B is served.
    drop(holder);
    for _ in 0..200 {
        if budget.available() == 1 << 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(budget.available(), 1 << 20);
    let response = post(addr, "/predict", BINARY, &body_of_kib(600, "B")).await;
    assert_eq!(DataModel::from_msgpack(&response.body).unwrap().other_field, "B");
    stop.send(()).unwrap();
    tokio::time::timeout(DEADLINE, serving).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn a_chainlet_may_fail_with_anyhow_or_a_boxed_error() {
    fn check(field: &str, len: usize) -> anyhow::Result<()> {
        anyhow::ensure!(field != "anyhow", "no luck: {len}");
        Ok(())
    }
    fn check_boxed(field: &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        if field == "boxed" {
            return Err("no luck either".into());
        }
        Ok(())
    }
    let chainlet = Chainlet::new(|input: WorkerInput| async move {
        check(&input.data.other_field, input.data.some_numbers.len())?;
        check_boxed(&input.data.other_field)?;
        Ok::<_, RemoteError>(input.data)
    });
    let (addr, stop, serving) = serve_here(chainlet.into_router(), |serve| serve).await;
    for (field, message) in [("anyhow", "no luck: 2"), ("boxed", "no luck either")] {
        let response = post(addr, "/predict", JSON, sample(vec![2], field).to_json().unwrap().as_bytes()).await;
        let detail = response.truss_error(500, "600");
        assert_eq!(
            (detail["exception_cls_name"].as_str(), detail["exception_message"].as_str()),
            (Some("RuntimeError"), Some(message))
        );
    }
    stop.send(()).unwrap();
    tokio::time::timeout(DEADLINE, serving).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn a_panic_in_a_handler_of_ones_own_is_answered_with_catch_panic() {
    let addr = main_server();
    let response = post(addr, "/panics", JSON, br#"{"items": [{"value": 1}]}"#).await;
    let detail = response.truss_error(500, "600");
    assert_eq!(detail["exception_cls_name"], "PanicException");
    assert_eq!(detail["exception_module_name"], "pyo3_runtime");
    assert_eq!(detail["exception_message"], "1 items, none expected");
    let response = post(addr, "/panics", JSON, br#"{"items": []}"#).await;
    assert_eq!((response.status, response.text()), (200, "fine"));
}
