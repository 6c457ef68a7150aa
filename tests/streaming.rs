//! Streaming chainlets (`server::Chainlet::streaming`) and the streaming client, on loopback:
//! truss-chains' wire (raw text and bytes, typed frames, `Accept: application/json`
//! gathering) and where this server does better than truss's (an abnormal end on failure,
//! a producer that runs only as fast as its reader, a client that goes away stopping it).

mod server_support;
mod streams_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chainmodel::chains::streaming::{Frame, FrameReader, FrameWriter, StreamError, Streamed, Yielder, generate};
use chainmodel::client::{Client, Error};
use chainmodel::prelude::*;
use chainmodel::server::Chainlet;
use futures_util::StreamExt;
use server_support::*;
use streams_support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn predict_url(addr: std::net::SocketAddr) -> String {
    format!("http://{addr}/v1/models/model:predict")
}

fn client(addr: std::net::SocketAddr, binary: bool) -> Client {
    Client::builder(predict_url(addr)).name("Streamer").use_binary(binary).timeout(DEADLINE).build().unwrap()
}

/// The raw bytes of an exchange, read until the server closes (or the deadline).
async fn raw_exchange(addr: std::net::SocketAddr, headers: &str, body: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/models/model:predict HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, stream.read_to_end(&mut raw)).await.expect("the server ends the answer");
    raw
}

/// The chunks of a chunked body, the empty last one included; the bytes after the last whole
/// chunk (an answer cut short) are left out.
fn chunks(mut body: &[u8]) -> Vec<Vec<u8>> {
    let mut chunks = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&body[..end]).unwrap(), 16).unwrap();
        if body.len() < end + 2 + size + 2 {
            break;
        }
        chunks.push(body[end + 2..end + 2 + size].to_vec());
        body = &body[end + 2 + size + 2..];
        if size == 0 {
            break;
        }
    }
    chunks
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_streams_are_read_frame_by_frame_in_both_modes() {
    let addr = serve_forever(|| streamer(Arc::default()));
    for binary in [false, true] {
        let mut frames = client(addr, binary)
            .stream(&StreamerInput { prompt: "p".into(), n: 3 })
            .await
            .unwrap()
            .frames::<StreamItem, StreamHeader, StreamFooter>();
        assert_eq!(frames.read_header().await.unwrap(), StreamHeader { prompt: "p".into() });
        let mut items = Vec::new();
        while let Some(item) = frames.next_item().await {
            items.push(item.unwrap());
        }
        assert_eq!(items.iter().map(|i| i.token.as_str()).collect::<Vec<_>>(), ["p-0", "p-1", "p-2"]);
        assert_eq!(frames.read_footer().await.unwrap(), StreamFooter { count: 3 });
        assert!(frames.next_item().await.is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wire_is_truss_chains_framing_in_chunks() {
    let addr = serve_forever(|| streamer(Arc::default()));
    let raw = raw_exchange(addr, "", r#"{"prompt": "hi", "n": 2}"#).await;
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    let head = text.split("\r\n\r\n").next().unwrap().to_ascii_lowercase();
    assert!(head.contains("content-type: application/octet-stream"), "{head}");
    assert!(head.contains("transfer-encoding: chunked"), "{head}");
    // What truss's server sends for the Python Streamer("hi", 2): one chunk per frame, then the
    // last chunk.
    let body = &raw[raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
    let expected: [&[u8]; 5] = [
        b"\x02\x00\x00\x00\x0f{\"prompt\":\"hi\"}",
        b"\x03\x00\x00\x00\x1a{\"index\":0,\"token\":\"hi-0\"}",
        b"\x03\x00\x00\x00\x1a{\"index\":1,\"token\":\"hi-1\"}",
        b"\x04\x00\x00\x00\x0b{\"count\":2}",
        b"",
    ];
    assert_eq!(chunks(body), expected.map(<[u8]>::to_vec), "{:?}", String::from_utf8_lossy(body));
    // A stream of `Frame`s is framed by the server into the same bytes.
    let framed = serve_forever(frame_streamer);
    let raw = raw_exchange(framed, "", r#"{"prompt": "hi", "n": 2}"#).await;
    let body = &raw[raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
    assert_eq!(chunks(body), expected.map(<[u8]>::to_vec), "{:?}", String::from_utf8_lossy(body));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_mid_stream_ends_the_answer_abnormally() {
    let probe = Arc::new(Probe::default());
    let addr = serve_forever({
        let probe = Arc::clone(&probe);
        move || streamer(probe)
    });
    for prompt in ["fail", "panic"] {
        // On the wire: the frames made, and no last chunk.
        let raw = raw_exchange(addr, "", &format!(r#"{{"prompt": "{prompt}", "n": 4}}"#)).await;
        assert!(raw.starts_with(b"HTTP/1.1 200 OK\r\n"), "{prompt}: {:?}", String::from_utf8_lossy(&raw));
        assert!(!raw.ends_with(b"0\r\n\r\n"), "{prompt}: {:?}", String::from_utf8_lossy(&raw));
        let token = format!("{prompt}-1");
        assert!(String::from_utf8_lossy(&raw).contains(&token), "{prompt}: the items before the failure arrive");

        // The client: the items, then an error, never a clean end.
        let mut frames = client(addr, false)
            .stream(&StreamerInput { prompt: prompt.into(), n: 4 })
            .await
            .unwrap()
            .frames::<StreamItem, StreamHeader, StreamFooter>();
        frames.read_header().await.unwrap();
        assert_eq!(frames.next_item().await.unwrap().unwrap().index, 0);
        assert_eq!(frames.next_item().await.unwrap().unwrap().index, 1);
        let error = frames.next_item().await.expect("an error, not the end").unwrap_err();
        assert!(matches!(error, StreamError::Transport { frame: 3, .. }), "{prompt}: {error}");
    }
    // The server goes on.
    let mut frames = client(addr, false)
        .stream(&StreamerInput { prompt: "ok".into(), n: 1 })
        .await
        .unwrap()
        .frames::<StreamItem, StreamHeader, StreamFooter>();
    frames.read_header().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_before_the_stream_is_an_error_response() {
    let addr = serve_forever(|| streamer(Arc::default()));
    let error = client(addr, false).stream(&StreamerInput { prompt: "early".into(), n: 1 }).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(error.to_string().contains("ValueError: refused before the stream"), "{error}");
    // Bad input: truss's 400, before any stream.
    let response = post(addr, "/v1/models/model:predict", JSON, br#"{"prompt": "p"}"#).await;
    assert_eq!(response.truss_error(400, "700"), "Input Parsing Error:\n  `n`: Field required.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schema_says_the_chainlet_streams() {
    let addr = serve_forever(|| streamer(Arc::default()));
    let response = get(addr, "/v1/models/model/schema").await;
    // truss's server's answer for the Python Streamer, byte for byte.
    assert_eq!(
        response.text(),
        r#"{"input_schema":{"properties":{"prompt":{"title":"Prompt","type":"string"},"n":{"title":"N","type":"integer"}},"required":["prompt","n"],"title":"StreamerInput","type":"object"},"output_schema":null,"supports_streaming":true}"#
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_json_gathers_the_stream_as_truss_does() {
    let addr = serve_forever(text_streamer);
    let body = br#"{"prompt": "h\u00e9llo\n", "n": 2}"#;
    let accept = [("Accept", "application/json")];
    let response = post_with(addr, "/v1/models/model:predict", JSON, &accept, body).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    // Python's json.dumps: non-ASCII escaped.
    assert_eq!(response.text(), r#""h\u00e9llo\nh\u00e9llo\n""#);
    let msgpack_body = b"\x82\xa6prompt\xa2ab\xa1n\x02";
    let response = post_with(addr, "/v1/models/model:predict", BINARY, &accept, msgpack_body).await;
    assert_eq!(response.header("content-type"), Some("application/octet-stream"));
    assert_eq!(response.body, b"\xa4abab");
    // Only that exact Accept, and not for OpenAI's SDK.
    for headers in [
        vec![("Accept", "application/json, */*")],
        vec![("Accept", "Application/JSON")],
        vec![("Accept", "application/json"), ("User-Agent", "OpenAI/Python 1.61.0")],
    ] {
        let response = post_with(addr, "/v1/models/model:predict", JSON, &headers, body).await;
        assert_eq!(response.header("content-type"), Some("application/octet-stream"), "{headers:?}: {response:?}");
        assert_eq!(response.text(), "héllo\nhéllo\n", "{headers:?}");
    }
    // A failure while gathering: an error response.
    let typed = serve_forever(|| streamer(Arc::default()));
    let response = post_with(typed, "/v1/models/model:predict", JSON, &accept, br#"{"prompt": "fail", "n": 2}"#).await;
    let error = response.truss_error(500, "600");
    assert_eq!(error["exception_message"], "stream failed at item 1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_is_read_across_chunk_boundaries() {
    // Bytes chunks that split characters: the client's text joins them.
    let router = || {
        Chainlet::streaming(|StreamerInput { prompt, .. }| async move {
            let bytes = prompt.into_bytes();
            let pieces: Vec<Vec<u8>> = bytes.chunks(1).map(<[u8]>::to_vec).collect();
            Ok::<_, RemoteError>(futures_util::stream::iter(pieces.into_iter().map(Ok::<_, RemoteError>)))
        })
        .into_router()
    };
    let addr = serve_forever(router);
    assert_eq!(text_of(&client(addr, false), &StreamerInput { prompt: "né😀!".into(), n: 0 }).await, "né😀!");
    // Raw String chunks go out whole, one chunk each.
    let addr = serve_forever(text_streamer);
    let raw = raw_exchange(addr, "", r#"{"prompt": "é", "n": 2}"#).await;
    let body = &raw[raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
    assert_eq!(chunks(body), [&b"\xc3\xa9"[..], b"\xc3\xa9", b""].map(<[u8]>::to_vec));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unread_stream_holds_its_producer() {
    let probe = Arc::new(Probe::default());
    let addr = serve_forever({
        let probe = Arc::clone(&probe);
        move || streamer(probe)
    });
    // Ten million items asked for, none read.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let body = r#"{"prompt": "unread", "n": 10000000}"#;
    let head = format!(
        "POST /v1/models/model:predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The producer stops once the socket buffers are full, and stays stopped.
    let mut last = usize::MAX;
    let deadline = Instant::now() + DEADLINE;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let made = probe.made.load(Ordering::SeqCst);
        if made == last && made > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the producer never stopped: {made} items");
        last = made;
    }
    let held = probe.made.load(Ordering::SeqCst);
    assert!(held < 2_000_000, "{held} items made for a reader that reads nothing");
    // The client goes away: the producer is dropped where it stands.
    drop(stream);
    let deadline = Instant::now() + DEADLINE;
    while !probe.dropped.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "the producer outlived its client");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(probe.made.load(Ordering::SeqCst) < held + 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_goes_away_frees_the_concurrency_slot() {
    // `concurrency_limit(1)`: a second call waits for the first stream's slot.
    let probe = Arc::new(Probe::default());
    let addr = serve_forever({
        let probe = Arc::clone(&probe);
        move || streamer(probe)
    });
    let streamer = client(addr, false);
    let mut first = streamer
        .stream(&StreamerInput { prompt: "long".into(), n: i64::MAX })
        .await
        .unwrap()
        .frames::<StreamItem, StreamHeader, StreamFooter>();
    first.read_header().await.unwrap();
    first.next_item().await.unwrap().unwrap();
    drop(first);
    let started = Instant::now();
    let mut second = streamer
        .stream(&StreamerInput { prompt: "next".into(), n: 1 })
        .await
        .unwrap()
        .frames::<StreamItem, StreamHeader, StreamFooter>();
    assert_eq!(second.read_header().await.unwrap().prompt, "next");
    assert!(second.next_item().await.unwrap().is_ok());
    assert!(started.elapsed() < Duration::from_secs(10), "the second call waited {:?}", started.elapsed());
    assert!(probe.dropped.load(Ordering::SeqCst));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeout_counts_the_whole_stream_and_retries_stop_at_the_first_byte() {
    let calls = Arc::new(AtomicUsize::new(0));
    let router = {
        let calls = Arc::clone(&calls);
        move || {
            Chainlet::streaming(move |StreamerInput { n, .. }| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    Ok::<_, RemoteError>(generate(move |mut out: Yielder<String>| async move {
                        for i in 0..n {
                            out.send(format!("{i}\n")).await;
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                        Err::<(), _>(RemoteError::new("ValueError", "cut"))
                    }))
                }
            })
            .into_router()
        }
    };
    let addr = serve_forever(router);
    let slow = Client::builder(predict_url(addr)).retries(3).timeout(Duration::from_millis(450)).build().unwrap();
    let mut text = slow.stream(&StreamerInput { prompt: String::new(), n: 100 }).await.unwrap().text();
    let mut pieces = 0;
    let error = loop {
        match text.next().await.expect("an error ends the stream") {
            Ok(_) => pieces += 1,
            Err(error) => break error,
        }
    };
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    assert!((2..=6).contains(&pieces), "{pieces} pieces in 450 ms");
    // A stream that fails once started is not sent again.
    let once = Client::builder(predict_url(addr)).retries(3).timeout(DEADLINE).build().unwrap();
    let before = calls.load(Ordering::SeqCst);
    let results: Vec<_> =
        once.stream(&StreamerInput { prompt: String::new(), n: 2 }).await.unwrap().text().collect().await;
    assert!(matches!(results.last(), Some(Err(Error::Connection { .. }))), "{results:?}");
    assert_eq!(calls.load(Ordering::SeqCst), before + 1);
}

#[test]
fn frames_are_written_in_their_order_only() {
    let mut writer = FrameWriter::new();
    let item = || Typed::Item(StreamItem { index: 0, token: "t".into() });
    writer.write(&item()).unwrap();
    let error = writer.write(&Typed::Header(StreamHeader { prompt: "late".into() })).unwrap_err();
    assert_eq!(error.to_string(), "frame 1 of the stream: a header after other frames");
    writer.write(&Typed::Footer(StreamFooter { count: 1 })).unwrap();
    assert!(writer.write(&item()).is_err());
    assert!(writer.write(&Typed::Footer(StreamFooter { count: 1 })).is_err());
}

/// Reads every frame of `bytes`, fed in chunks of `chunk` bytes.
async fn read_all(bytes: &[u8], chunk: usize) -> Result<Vec<Typed>, StreamError> {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = bytes.chunks(chunk).map(|c| Ok(c.to_vec())).collect();
    let mut reader = FrameReader::<_, StreamItem, StreamHeader, StreamFooter>::new(futures_util::stream::iter(chunks));
    let mut frames = Vec::new();
    while let Some(frame) = reader.next_frame().await {
        frames.push(frame?);
    }
    Ok(frames)
}

#[tokio::test]
async fn frames_are_read_strictly_whatever_the_chunking() {
    let mut writer = FrameWriter::new();
    let all = [
        Typed::Header(StreamHeader { prompt: "p".into() }),
        Typed::Item(StreamItem { index: 0, token: "é".into() }),
        Typed::Footer(StreamFooter { count: 1 }),
    ];
    let bytes: Vec<u8> = all.iter().flat_map(|frame| writer.write(frame).unwrap()).collect();
    for chunk in [1, 2, 5, 7, bytes.len()] {
        assert_eq!(read_all(&bytes, chunk).await.unwrap(), all, "chunks of {chunk}");
    }
    let item = chainmodel::chains::streaming::encode_frame(
        chainmodel::chains::streaming::Tag::Item,
        br#"{"index":1,"token":"x"}"#,
    )
    .unwrap();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        ([&bytes[..], &item[..]].concat(), "frame 3 of the stream: data after the stream's last frame"),
        ([&item[..], &bytes[..]].concat(), "frame 1 of the stream: a header after other frames"),
        (
            bytes[..bytes.len() - 1].to_vec(),
            "frame 2 of the stream (byte 48): the stream ended after 10 of the frame's 11 bytes",
        ),
        (bytes[..3].to_vec(), "frame 0 of the stream (byte 0): the stream ended after 3 of the frame's 5 bytes"),
        (b"\x07\x00\x00\x00\x00".to_vec(), "frame 0 of the stream (byte 0): unknown frame tag 7"),
        (b"\x03\xff\xff\xff\xff".to_vec(), "frame 0 of the stream: 4294967295 bytes, over the limit of 2147483648"),
        (b"\x03\x00\x00\x00\x0b{\"index\":1}".to_vec(), "frame 0 of the stream (item): token: Field required"),
    ];
    for (input, expected) in cases {
        let error = read_all(&input, 3).await.unwrap_err();
        assert!(error.to_string().starts_with(expected), "{error} / {expected}");
    }
}

// `#[chainlet]` and `#[stub]` with a streamed output: served as `Chainlet::streaming` serves a
// closure, the stub returning the stream read as its chunk type says.

/// Typed frames: the Streamer's header, `n` items, footer; `fail` fails after one item.
#[derive(Default)]
pub struct Frames;

#[chainlet]
impl Frames {
    pub async fn run_remote(&self, prompt: String, n: i64) -> Result<Streamed<Typed>, RemoteError> {
        if prompt == "early" {
            return Err(RemoteError::new("ValueError", "refused before the stream"));
        }
        Ok(Streamed::new(generate(move |mut out: Yielder<Typed>| async move {
            out.send(Frame::Header(StreamHeader { prompt: prompt.clone() })).await;
            for index in 0..n {
                if prompt == "fail" && index == 1 {
                    return Err(RemoteError::new("RuntimeError", "failed mid-stream"));
                }
                out.send(Frame::Item(StreamItem { index, token: format!("{prompt}-{index}") })).await;
            }
            out.send(Frame::Footer(StreamFooter { count: n })).await;
            Ok::<_, RemoteError>(())
        })))
    }
}

/// Text made of characters of 1 to 4 bytes, one character per chunk of bytes... as strings.
#[derive(Default)]
pub struct Words;

#[chainlet(name = "WordStream")]
impl Words {
    pub async fn run_remote(&self, n: i64) -> Streamed<String> {
        Streamed::new(futures_util::stream::iter((0..n).map(|i| Ok::<_, RemoteError>(format!("é€😀{i} ")))))
    }
}

/// Raw bytes, one chunk per value.
#[derive(Default)]
pub struct Blobs;

#[chainlet]
impl Blobs {
    pub async fn run_remote(&self, sizes: Vec<u32>) -> Streamed<Vec<u8>> {
        Streamed::new(futures_util::stream::iter(
            sizes.into_iter().map(|size| Ok::<_, RemoteError>(vec![7_u8; size as usize])),
        ))
    }
}

/// The closure-served Streamer of tests/streams_support, declared by its signature alone.
#[stub(name = "Streamer")]
trait RemoteStreamer {
    async fn run_remote(&self, prompt: String, n: i64) -> Streamed<Typed>;
}

/// The same chainlet read as text: a second stub of the name, in a module of its own.
mod as_text {
    use chainmodel::chains::streaming::Streamed;
    use chainmodel::prelude::*;

    #[stub(name = "Streamer")]
    pub trait RemoteLines {
        async fn run_remote(&self, prompt: String, n: i64) -> Streamed<String>;
    }
}

fn stub_options() -> chainmodel::client::RpcOptions {
    chainmodel::client::RpcOptions::default().timeout(DEADLINE)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chainlet_attribute_serves_typed_streams_and_its_stub_reads_them() {
    let addr = serve_forever(|| chainmodel::chains::router(Frames));
    let schema = get(addr, "/v1/models/model/schema").await.json();
    assert_eq!(schema["supports_streaming"], true);
    assert_eq!(schema["output_schema"], serde_json::Value::Null);
    assert_eq!(schema["input_schema"]["title"], "FramesInput");

    for binary in [false, true] {
        let stub = FramesStub::from_url(predict_url(addr), stub_options().use_binary(binary)).unwrap();
        let mut frames: FrameReader<_, StreamItem, StreamHeader, StreamFooter> =
            stub.run_remote("p".into(), 3).await.unwrap();
        assert_eq!(frames.read_header().await.unwrap(), StreamHeader { prompt: "p".into() });
        let mut tokens = Vec::new();
        while let Some(item) = frames.next_item().await {
            tokens.push(item.unwrap().token);
        }
        assert_eq!(tokens, ["p-0", "p-1", "p-2"]);
        assert_eq!(frames.read_footer().await.unwrap(), StreamFooter { count: 3 });
    }

    let stub = FramesStub::from_url(predict_url(addr), stub_options()).unwrap();
    // An error before the stream starts is the call's error, as any remote error.
    let early = stub.run_remote("early".into(), 3).await.unwrap_err();
    assert!(matches!(&early, Error::Remote(failure) if failure.status == 500), "{early:?}");
    assert!(early.to_string().contains("refused before the stream"), "{early}");
    // A failure mid-stream reaches the reader as an error, never as a clean end.
    let mut frames = stub.run_remote("fail".into(), 3).await.unwrap();
    frames.read_header().await.unwrap();
    assert_eq!(frames.next_item().await.unwrap().unwrap().index, 0);
    let cut = frames.next_item().await.expect("an error, not the end");
    assert!(matches!(cut, Err(StreamError::Transport { .. })), "{cut:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stubs_read_text_and_byte_streams_as_they_arrive() {
    let words = serve_forever(|| chainmodel::chains::router(Words));
    let stub = WordStreamStub::from_url(predict_url(words), stub_options()).unwrap();
    let text: Vec<String> = stub.run_remote(200).await.unwrap().map(Result::unwrap).collect().await;
    let expected: String = (0..200).map(|i| format!("é€😀{i} ")).collect();
    assert_eq!(text.concat(), expected);
    assert_eq!(<WordStreamStub as chainmodel::chains::Stub>::NAME, "WordStream");

    let blobs = serve_forever(|| chainmodel::chains::router(Blobs));
    let stub = BlobsStub::from_url(predict_url(blobs), stub_options()).unwrap();
    let sizes = vec![1, 0, 70_000, 3];
    let chunks = stub.run_remote(sizes.clone()).await.unwrap();
    assert!(chunks.headers()["content-type"].to_str().unwrap().starts_with("application/octet-stream"));
    let bytes: Vec<u8> = chunks.map(Result::unwrap).collect::<Vec<_>>().await.concat();
    assert_eq!(bytes, vec![7_u8; sizes.iter().sum::<u32>() as usize]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stub_attribute_reads_a_closure_chainlets_stream() {
    let addr = serve_forever(|| streamer(Arc::default()));
    let stub = StreamerStub::from_url(predict_url(addr), stub_options()).unwrap();
    let mut frames = stub.run_remote("s".into(), 2).await.unwrap();
    assert_eq!(frames.read_header().await.unwrap().prompt, "s");
    assert_eq!(frames.next_item().await.unwrap().unwrap().token, "s-0");
    assert_eq!(frames.next_item().await.unwrap().unwrap().token, "s-1");
    assert!(frames.next_item().await.is_none());
    assert_eq!(frames.read_footer().await.unwrap().count, 2);

    let lines = as_text::StreamerStub::from_url(predict_url(addr), stub_options()).unwrap();
    let text: Vec<String> = lines.run_remote("raw".into(), 3).await.unwrap().map(Result::unwrap).collect().await;
    assert_eq!(text.concat(), "raw-0\nraw-1\nraw-2\n");
}

// Binary frames: a Rust client in binary mode asks for them, a Rust streaming chainlet answers
// them to it alone; msgpack bodies whose arrays are 8-byte aligned in the stream.

#[derive(ChainModel, Debug, PartialEq, Clone)]
pub struct Embedding {
    pub index: i64,
    pub vector: NdArray<f32>,
}

/// `n` embeddings of `dim` values: `index + k / 1024` for k in 0..dim.
fn embedding(index: i64, dim: usize) -> Embedding {
    let values = (0..dim).map(|k| index as f32 + k as f32 / 1024.0).collect();
    Embedding { index, vector: NdArray::from_shape_vec(vec![dim], values).unwrap() }
}

#[derive(Default)]
pub struct Embeddings;

#[chainlet]
impl Embeddings {
    pub async fn run_remote(&self, n: i64, dim: i64) -> Streamed<Frame<Embedding, StreamHeader>> {
        let header = futures_util::stream::once(async { Frame::Header(StreamHeader { prompt: "e".into() }) });
        let items = futures_util::stream::iter((0..n).map(move |i| Frame::Item(embedding(i, dim as usize))));
        Streamed::new(header.chain(items).map(Ok::<_, RemoteError>))
    }
}

/// The frames of a binary stream, parsed by hand: (tag, body), each frame checked to start at
/// a multiple of 8 with three zero bytes after its length.
fn binary_frames(stream: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut frames = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        assert_eq!(at % 8, 0, "a binary frame starts at {at}");
        let length = u32::from_be_bytes(stream[at + 1..at + 5].try_into().unwrap()) as usize;
        assert_eq!(&stream[at + 5..at + 8], &[0, 0, 0]);
        frames.push((stream[at], stream[at + 8..at + 8 + length].to_vec()));
        at += 8 + length.next_multiple_of(8);
    }
    assert_eq!(at, stream.len(), "the stream ends with its last frame's padding");
    frames
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_mode_streams_msgpack_frames_with_aligned_arrays() {
    let addr = serve_forever(|| chainmodel::chains::router(Embeddings));
    let body = r#"{"n": 3, "dim": 5}"#;
    let accept = format!("Accept: text/plain, {}; q=0.9\r\n", chainmodel::chains::streaming::BINARY_FRAMES);
    let raw = raw_exchange(addr, &accept, body).await;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let stream = chunks(&raw[split + 4..]).concat();
    let frames = binary_frames(&stream);
    assert_eq!(frames.iter().map(|(tag, _)| *tag).collect::<Vec<_>>(), [0x12, 0x13, 0x13, 0x13]);
    let header: StreamHeader = chainmodel::msgpack::from_slice(&frames[0].1).unwrap();
    assert_eq!(header.prompt, "e");
    for (index, (_, body)) in frames[1..].iter().enumerate() {
        let item: Embedding = chainmodel::msgpack::from_slice(body).unwrap();
        assert_eq!(item, embedding(index as i64, 5));
        // The array's payload is 8-byte aligned in the stream.
        let payload: Vec<u8> = item.vector.as_slice().iter().flat_map(|v| v.to_le_bytes()).collect();
        let found = stream.windows(payload.len()).position(|w| w == payload).unwrap();
        assert_eq!(found % 8, 0, "item {index}'s payload at {found}");
    }

    // Without the `Accept`, truss's frames, JSON; a JSON-mode client gets them too.
    let raw = raw_exchange(addr, "", body).await;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let stream = chunks(&raw[split + 4..]).concat();
    assert_eq!(stream[0], 2);
    assert!(String::from_utf8_lossy(&stream).contains(r#""vector":{"data_b64":"#), "arrays as base64 JSON");

    // The stub reads both, the same items.
    for binary in [false, true] {
        let stub = EmbeddingsStub::from_url(predict_url(addr), stub_options().use_binary(binary)).unwrap();
        let mut frames = stub.run_remote(4, 300).await.unwrap();
        assert_eq!(frames.read_header().await.unwrap().prompt, "e");
        let mut items = Vec::new();
        while let Some(item) = frames.next_item().await {
            items.push(item.unwrap());
        }
        assert_eq!(items, (0..4).map(|i| embedding(i, 300)).collect::<Vec<_>>(), "binary: {binary}");
    }
}

#[tokio::test]
async fn binary_frames_are_read_strictly() {
    let mut writer = FrameWriter::binary();
    let mut stream = writer.write(&Typed::Header(StreamHeader { prompt: "p".into() })).unwrap();
    let item = writer.write(&Typed::Item(StreamItem { index: 0, token: "p-0".into() })).unwrap();
    assert_eq!(item[0], 0x13);
    assert_eq!(item.len() % 8, 0);
    stream.extend_from_slice(&item);
    assert_eq!(read_all(&stream, 3).await.unwrap().len(), 2);
    // Whatever the chunking, cut anywhere inside the last frame (its padding included), the
    // stream is truncated.
    for cut in stream.len() - item.len() + 1..stream.len() {
        let error = read_all(&stream[..cut], 2).await.unwrap_err();
        assert!(matches!(error, StreamError::Truncated { frame: 1, .. }), "cut at {cut}: {error:?}");
    }
    // 0x10 | 5 (an end), and the other tags near the binary ones, are unknown.
    for tag in [0x10, 0x11, 0x15, 0x16, 0x17, 0x23, 0x93] {
        let mut bad = stream.clone();
        bad[0] = tag;
        let error = read_all(&bad, 64).await.unwrap_err();
        assert!(matches!(error, StreamError::UnknownTag { frame: 0, offset: 0, tag: t } if t == tag), "{error:?}");
    }
    // msgpack that is not the model is an error located in the frame.
    let mut wrong = FrameWriter::binary()
        .write(&Frame::<StreamHeader, StreamHeader>::Header(StreamHeader { prompt: "p".into() }))
        .unwrap();
    wrong.extend(
        FrameWriter::binary().write(&Frame::<StreamHeader>::Item(StreamHeader { prompt: "x".into() })).unwrap(),
    );
    let error = read_all(&wrong, 64).await.unwrap_err();
    assert!(matches!(&error, StreamError::Invalid { frame: 1, .. }), "{error:?}");
    assert!(error.to_string().contains("index"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_is_produced_in_its_request_s_chain_context() {
    // The generator runs as hyper sends the body, after `run_remote` has returned: the
    // request's context is current there too, so that the calls it makes forward it.
    let service = || {
        Chainlet::streaming(|StreamerInput { n, .. }| async move {
            Ok::<_, RemoteError>(generate(move |mut out: Yielder<String>| async move {
                for _ in 0..n {
                    let context = chainmodel::server::ChainContext::current().unwrap_or_default();
                    out.send(context.request_id.unwrap_or_else(|| "none".into())).await;
                }
                Ok::<_, RemoteError>(())
            }))
        })
        .into_service()
    };
    let addr = serve_forever(service);
    let raw = raw_exchange(addr, "x-baseten-request-id: req-7\r\n", r#"{"prompt": "", "n": 2}"#).await;
    let body = &raw[raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
    assert_eq!(chunks(body), [&b"req-7"[..], b"req-7", b""].map(<[u8]>::to_vec));
}
