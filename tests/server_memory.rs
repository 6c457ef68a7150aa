//! The server's heap for one N-byte request: at most N plus a constant for a chainlet that
//! decodes an owned model and answers it (the body, which the model's array shares and the
//! answer is sent from), and for a handler that reads the array through a view of the body and
//! answers small. The client is a raw socket writing a buffer made before the measure, so the
//! counting allocator (global to this test binary) sees the server alone.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use axum::routing::post;
use chainmodel::prelude::*;
use chainmodel::server::{self, AlignedBody, Chainlet, ModelRejection, Reply};
use std::io::{Read, Write};

mod counting_alloc;

use counting_alloc::{CURRENT, PEAK};

/// Room for the server's own buffers (hyper's read buffer, headers, the runtime's tasks).
const SLACK: usize = 2 << 20;

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Tensor {
    name: String,
    values: NdArray<f32>,
}

#[derive(ChainModel)]
struct TensorView<'a> {
    name: &'a str,
    values: NdArrayView<'a, f32>,
}

#[derive(ChainModel)]
struct Summary {
    len: usize,
    sum: f64,
    borrowed: bool,
}

async fn summarize(body: AlignedBody) -> Result<Reply<Summary>, ModelRejection> {
    let tensor: TensorView<'_> = body.decode()?;
    let sum = tensor.values.as_slice().iter().map(|&x| f64::from(x)).sum();
    let summary = Summary { len: tensor.values.len(), sum, borrowed: tensor.values.is_borrowed() };
    Ok(body.mode().reply(summary))
}

/// Serves the echo chainlet on `/predict` and the view handler on `/summarize`, in a runtime on
/// a thread of its own.
fn start_server() -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let echo = Chainlet::new(|tensor: Tensor| async move { Ok::<_, server::RemoteError>(tensor) });
            let app = echo.into_router().route("/summarize", post(summarize));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            server::serve(listener, app).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}

/// Posts `head` + `body` and reads the whole response into `sink`, which the caller made large
/// enough beforehand; returns the response's length.
fn exchange(addr: SocketAddr, head: &[u8], body: &[u8], sink: &mut [u8]) -> usize {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    stream.write_all(head).unwrap();
    stream.write_all(body).unwrap();
    let mut len = 0;
    loop {
        match stream.read(&mut sink[len..]).unwrap() {
            0 => return len,
            n => len += n,
        }
    }
}

/// The server's peak heap during one exchange, beyond what was live before it.
fn peak_of_exchange(addr: SocketAddr, path: &str, body: &[u8], sink: &mut [u8]) -> (usize, usize) {
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let len = exchange(addr, head.as_bytes(), body, sink);
    (PEAK.load(Ordering::SeqCst) - before, len)
}

/// The tests measure the heap of the whole process: one at a time.
static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn the_server_takes_the_request_once_for_an_owned_echo_and_a_view() {
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let addr = start_server();
    let values: Vec<f32> = (0..8 << 20).map(|i| i as f32).collect();
    let body = Tensor { name: "activations".into(), values: NdArray::from_vec(values) }.to_msgpack().unwrap();
    let n = body.len(); // 32 MiB and a little
    let mut sink = vec![0u8; 2 * n];
    // A first exchange warms the server (its runtime, its pools) before the measures.
    let _ = peak_of_exchange(addr, "/summarize", &body, &mut sink);

    let (peak, len) = peak_of_exchange(addr, "/predict", &body, &mut sink);
    let response = &sink[..len];
    assert!(response.starts_with(b"HTTP/1.1 200 OK"), "{:?}", String::from_utf8_lossy(&response[..200.min(len)]));
    assert!(len > n, "the echo answers the whole tensor");
    assert!(peak <= n + SLACK, "echo: {peak} bytes of heap for a {n}-byte request (bound N + {SLACK})");
    eprintln!("echo: peak heap {peak} bytes for a {n}-byte request ({:.3} N)", peak as f64 / n as f64);

    let (peak, len) = peak_of_exchange(addr, "/summarize", &body, &mut sink);
    let response = String::from_utf8_lossy(&sink[..len]);
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(len < 1000, "a small answer");
    assert!(peak <= n + SLACK, "view: {peak} bytes of heap for a {n}-byte request (bound N + {SLACK})");
    eprintln!("view: peak heap {peak} bytes for a {n}-byte request ({:.3} N)", peak as f64 / n as f64);
}

/// The resident set of this process, in bytes (Linux; 0 elsewhere).
fn resident() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|pages| pages.parse::<usize>().ok()).unwrap_or(0) * 4096
}

/// Serves the echo chainlet with a body limit of 64 GiB, configured by `configure`.
fn start_server_with(configure: impl FnOnce(server::Serve) -> server::Serve + Send + 'static) -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let echo = Chainlet::new(|tensor: Tensor| async move { Ok::<_, server::RemoteError>(tensor) })
                .body_limit(64 << 30);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            configure(server::serve(listener, echo.into_router())).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}

/// Opens `count` connections that each send the head of a request declaring 40 GiB and a few
/// bytes of its body, and keeps them open.
fn declare_40_gib(addr: SocketAddr, count: usize) -> Vec<std::net::TcpStream> {
    (0..count)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            stream.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
            let head = "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 42949672960\r\n\r\n";
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(b"\x82\xa4name").unwrap();
            stream
        })
        .collect()
}

/// A small request on a connection of its own; returns the response's head line.
fn small_request(addr: SocketAddr) -> String {
    let body = Tensor { name: "small".into(), values: NdArray::from_vec(vec![1.0, 2.0]) }.to_msgpack().unwrap();
    let head = format!(
        "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut sink = vec![0u8; 1 << 16];
    let len = exchange(addr, head.as_bytes(), &body, &mut sink);
    String::from_utf8_lossy(&sink[..len]).lines().next().unwrap_or_default().to_owned()
}

/// Under a body limit of 64 GiB, requests that declare 40 GiB and send a few bytes reserve
/// nothing of it: the server neither aborts nor grows, and answers the next request.
#[test]
fn a_declared_length_costs_memory_only_as_its_bytes_arrive() {
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    // A memory budget for bodies in flight larger than the claims: the bodies are read.
    let addr = start_server_with(|serve| serve.body_budget(server::BodyBudget::new(1 << 40)));
    assert!(small_request(addr).starts_with("HTTP/1.1 200"));
    let (heap, rss) = (CURRENT.load(Ordering::SeqCst), resident());
    let streams = declare_40_gib(addr, 8);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (heap_now, rss_now) = (CURRENT.load(Ordering::SeqCst), resident());
    assert!(heap_now.saturating_sub(heap) < 8 << 20, "heap grew by {} bytes", heap_now - heap);
    assert!(rss_now.saturating_sub(rss) < 64 << 20, "RSS grew by {} bytes", rss_now.saturating_sub(rss));
    assert!(small_request(addr).starts_with("HTTP/1.1 200"), "the server answers the next request");
    drop(streams);

    // The default budget (4 GiB): a claim larger than the whole budget is refused at once.
    let addr = start_server_with(|serve| serve);
    let mut streams = declare_40_gib(addr, 4);
    for stream in &mut streams {
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let response = String::from_utf8_lossy(&raw);
        assert!(response.starts_with("HTTP/1.1 413"), "{response}");
        assert!(response.contains("memory budget"), "{response}");
    }
    assert!(small_request(addr).starts_with("HTTP/1.1 200"), "the server answers the next request");
    assert!(resident().saturating_sub(rss) < 64 << 20, "RSS grew by {} bytes", resident().saturating_sub(rss));
}

#[derive(ChainModel)]
struct TokensInput {
    n: i64,
}

#[derive(ChainModel)]
struct Token {
    index: i64,
    token: String,
}

/// A stream of ten million typed items (some 400 MB of frames) that its client never reads:
/// the server's heap stays flat. The producer makes items only as the socket takes them, so
/// once the socket buffers are full nothing more is made or held; truss's server would queue
/// the whole stream.
#[test]
fn an_unread_stream_of_ten_million_items_keeps_the_heap_flat() {
    use chainmodel::chains::streaming::{Frame, Yielder, generate};
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::time::{Duration, Instant};

    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let made = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&made);
    let addr = start_server_with_router(move || {
        Chainlet::streaming(move |TokensInput { n }| {
            let made = Arc::clone(&counter);
            async move {
                Ok::<_, server::RemoteError>(generate(move |mut out: Yielder<Frame<Token>>| async move {
                    for index in 0..n {
                        made.fetch_add(1, Ordering::SeqCst);
                        out.send(Frame::Item(Token { index, token: format!("token-{index}") })).await;
                    }
                    Ok::<_, server::RemoteError>(())
                }))
            }
        })
        .into_router()
    });
    let before = CURRENT.load(Ordering::SeqCst);
    let body = br#"{"n": 10000000}"#;
    let head = format!(
        "POST /v1/models/model:predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    // Wait until the producer has stopped (the socket buffers full), then measure twice.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = usize::MAX;
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = made.load(Ordering::SeqCst);
        if now == last && now > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the producer never stopped: {now} items");
        last = now;
    }
    let held = CURRENT.load(Ordering::SeqCst).saturating_sub(before);
    std::thread::sleep(Duration::from_secs(1));
    let later = CURRENT.load(Ordering::SeqCst).saturating_sub(before);
    let items = made.load(Ordering::SeqCst);
    eprintln!("unread stream: {items} of 10000000 items made, {held} then {later} bytes of heap held");
    assert!(items < 1_000_000, "{items} items made for a reader that reads nothing");
    assert!(held <= SLACK && later <= SLACK, "{held} then {later} bytes held for an unread stream (bound {SLACK})");
    assert_eq!(made.load(Ordering::SeqCst), items, "the producer stays stopped");
    drop(stream);
}

/// Serves the router `make` builds, in a runtime on a thread of its own.
fn start_server_with_router(make: impl FnOnce() -> axum::Router + Send + 'static) -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            server::serve(listener, make()).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}
