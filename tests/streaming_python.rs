//! Streams against truss-chains' own Python: truss's generated stub and `stream_reader` read
//! the Rust Streamer (tests/streams_support) as they read the Python one served by truss's
//! real server (tests/python/chains/streams.py), aiohttp raises where the Rust stream fails
//! (truss's ends cleanly), and the Rust client reads truss's streams as they arrive.
//!
//! Needs `CHAINMODEL_PYTHON` (the anchor venv, `scripts/test` sets it); without it every test
//! says it did not run and passes.

mod server_support;
mod streams_support;
#[path = "truss_support/mod.rs"]
mod truss_support;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use chainmodel::client::Client;
use serde_json::{Value as Json, json};
use streams_support::*;

/// No Python script may run longer (the script's own watchdog ends it sooner).
const SCRIPT_DEADLINE: Duration = Duration::from_secs(180);

/// The anchor interpreter, or `None` after saying that `test` did not run.
fn python(test: &str) -> Option<PathBuf> {
    let python = std::env::var_os(truss_support::PYTHON_VAR).map(PathBuf::from);
    if python.is_none() {
        eprintln!("interop test `{test}` did not run: {} is not set (scripts/test sets it)", truss_support::PYTHON_VAR);
    }
    python
}

/// The Rust Streamer, once for the test binary: `http://127.0.0.1:PORT`.
fn rust_streamer() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| format!("http://{}", server_support::serve_forever(|| streamer(Arc::default())))).clone()
}

/// The Python Streamer (or TextStreamer) on truss's real server: `http://127.0.0.1:PORT`.
fn truss_streamer(class: &str) -> String {
    truss_support::truss_chainlet(&format!("streams.py:{class}")).expect("CHAINMODEL_PYTHON is set").url.clone()
}

/// What tests/python/stream_read.py printed (its JSON lines) and whether it ended cleanly.
struct ReadOut {
    lines: Vec<Json>,
    clean: bool,
}

fn stream_read(python: &std::path::Path, url: &str, args: &[&str]) -> ReadOut {
    let args = [&[url][..], args].concat();
    let run = truss_support::run_script(python, "stream_read.py", &args, b"", SCRIPT_DEADLINE);
    let (stdout, stderr) = (&run.stdout, &run.stderr);
    let Some(status) = run.status else {
        panic!("stream_read.py {args:?} did not end within {SCRIPT_DEADLINE:?}:\n{stderr}\n{stdout}");
    };
    let lines: Vec<Json> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}\n{stderr}")))
        .collect();
    match status.code() {
        Some(0) => ReadOut { lines, clean: true },
        Some(2) if lines.last().is_some_and(|line| line.get("error").is_some()) => ReadOut { lines, clean: false },
        _ => panic!("stream_read.py {args:?} failed ({status}):\n{stderr}\n{stdout}"),
    }
}

/// The frames of `Streamer(prompt, n)` as stream_read.py prints them.
fn typed_lines(prompt: &str, n: i64) -> Vec<Json> {
    let mut lines = vec![json!({"header": {"prompt": prompt}})];
    lines.extend((0..n).map(|i| json!({"item": {"index": i, "token": format!("{prompt}-{i}")}})));
    lines.push(json!({"footer": {"count": n}}));
    lines
}

/// The text of the `{"chunk": ..}` lines, joined.
fn joined(lines: &[Json]) -> String {
    lines.iter().filter_map(|line| line["chunk"].as_str()).collect()
}

/// truss's generated stub and `stream_reader` read the Rust typed stream, in both modes, as
/// they read the Python one served by truss's server; the raw text stream likewise.
#[test]
fn truss_chains_stream_reader_reads_the_rust_streams() {
    let Some(python) = python("truss_chains_stream_reader_reads_the_rust_streams") else { return };
    for url in [rust_streamer(), truss_streamer("Streamer")] {
        for binary in [&[][..], &["--binary"][..]] {
            let args = [&["--mode", "typed", "--prompt", "p", "--n", "3"][..], binary].concat();
            let read = stream_read(&python, &url, &args);
            assert!(read.clean, "{url} {args:?}: {:?}", read.lines);
            assert_eq!(read.lines, typed_lines("p", 3), "{url} {args:?}");
        }
        let read = stream_read(&python, &url, &["--mode", "raw", "--n", "3"]);
        assert!(read.clean, "{url}: {:?}", read.lines);
        assert_eq!(joined(&read.lines), "raw-0\nraw-1\nraw-2\n", "{url}");
        // A slow reader: the server holds the rest of the stream until it reads on.
        let args = ["--mode", "typed", "--prompt", "q", "--n", "50", "--pause-after", "2", "--pause", "0.5"];
        let read = stream_read(&python, &url, &args);
        assert_eq!(read.lines, typed_lines("q", 50), "{url}");
    }
}

/// A Rust stream that fails mid-way ends its answer abnormally: aiohttp raises (the stub and
/// `stream_reader` report `ClientPayloadError` after the items that came), where truss's own
/// server ends the same failing stream cleanly and its reader only finds the footer missing.
#[test]
fn aiohttp_raises_where_the_rust_stream_fails() {
    let Some(python) = python("aiohttp_raises_where_the_rust_stream_fails") else { return };
    let expected_items = &typed_lines("fail", 2)[..3];
    let read = stream_read(&python, &rust_streamer(), &["--mode", "typed", "--prompt", "fail", "--n", "4"]);
    assert!(!read.clean);
    assert_eq!(&read.lines[..3], expected_items);
    assert_eq!(read.lines[3]["error"], "ClientPayloadError", "{:?}", read.lines);
    let read = stream_read(&python, &rust_streamer(), &["--mode", "aiohttp-raw", "--prompt", "fail", "--n", "4"]);
    assert_eq!(read.lines.last().unwrap()["error"], "ClientPayloadError", "{:?}", read.lines);
    // truss's server: a clean end, the failure only guessed from the missing footer.
    let read = stream_read(&python, &truss_streamer("Streamer"), &["--mode", "typed", "--prompt", "fail", "--n", "4"]);
    assert_eq!(&read.lines[..3], expected_items);
    assert_eq!(read.lines[3], json!({"error": "ValueError", "message": "Stream does not contain footer."}));
    let read =
        stream_read(&python, &truss_streamer("Streamer"), &["--mode", "aiohttp-raw", "--prompt", "fail", "--n", "4"]);
    assert!(read.clean, "{:?}", read.lines);
    assert_eq!(read.lines.last().unwrap(), &json!({"end": "clean"}));
}

/// The Rust client reads truss's streams: typed frames in both modes, raw text, a `str`
/// stream whose characters are not ASCII; the first item of a slow stream arrives long
/// before its end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_client_reads_truss_streams_as_they_arrive() {
    if python("the_rust_client_reads_truss_streams_as_they_arrive").is_none() {
        return;
    }
    let streamer = tokio::task::spawn_blocking(|| truss_streamer("Streamer")).await.unwrap();
    let text_streamer = tokio::task::spawn_blocking(|| truss_streamer("TextStreamer")).await.unwrap();
    let predict = |url: &str| format!("{url}/v1/models/model:predict");
    for binary in [false, true] {
        let client = Client::builder(predict(&streamer)).use_binary(binary).build().unwrap();
        let mut frames = client
            .stream(&StreamerInput { prompt: "p".into(), n: 3 })
            .await
            .unwrap()
            .frames::<StreamItem, StreamHeader, StreamFooter>();
        assert_eq!(frames.read_header().await.unwrap().prompt, "p");
        let mut tokens = Vec::new();
        while let Some(item) = frames.next_item().await {
            tokens.push(item.unwrap().token);
        }
        assert_eq!(tokens, ["p-0", "p-1", "p-2"]);
        assert_eq!(frames.read_footer().await.unwrap().count, 3);
        let text = text_of(&client, &StreamerInput { prompt: "raw".into(), n: 3 }).await;
        assert_eq!(text, "raw-0\nraw-1\nraw-2\n");
    }
    #[derive(chainmodel::ChainModel)]
    struct TextStreamerInput {
        text: String,
        pieces: i64,
    }
    let client = Client::builder(predict(&text_streamer)).build().unwrap();
    let text = text_of(&client, &TextStreamerInput { text: "héllo😀".into(), pieces: 3 }).await;
    assert_eq!(text, "héllo😀".repeat(3));
    // The same through the stub `#[stub]` writes from the Python signature
    // `run_remote(self, text: str, pieces: int) -> AsyncIterator[str]`.
    let stub = text_stub::TextStreamerStub::from_url(predict(&text_streamer), Default::default()).unwrap();
    let text = stub.run_remote("wörld€".into(), 4).await.unwrap();
    let pieces: Vec<String> =
        futures_util::StreamExt::collect::<Vec<_>>(text).await.into_iter().map(Result::unwrap).collect();
    assert_eq!(pieces.concat(), "wörld€".repeat(4));

    // Ten items 0.1 s apart: the header is read at once, the footer a second later.
    let client = Client::builder(predict(&streamer)).build().unwrap();
    let started = Instant::now();
    let mut frames = client
        .stream(&StreamerInput { prompt: "slow".into(), n: 10 })
        .await
        .unwrap()
        .frames::<StreamItem, StreamHeader, StreamFooter>();
    frames.read_header().await.unwrap();
    let first = started.elapsed();
    while let Some(item) = frames.next_item().await {
        item.unwrap();
    }
    frames.read_footer().await.unwrap();
    let total = started.elapsed();
    assert!(total >= Duration::from_millis(900), "{total:?}");
    assert!(first * 3 < total, "the header came after {first:?} of {total:?}");
}

/// chainmodel's binary frames reach a Python reader only if it asks for them, and then it
/// refuses them at the first frame rather than misreading msgpack as JSON; truss's server
/// ignores the request and answers its JSON frames.
#[test]
fn python_refuses_binary_frames_at_once() {
    let Some(python) = python("python_refuses_binary_frames_at_once") else { return };
    let typed = ["--mode", "aiohttp-typed", "--prompt", "p", "--n", "3"];
    let asked = [&typed[..], &["--accept", chainmodel::chains::streaming::BINARY_FRAMES]].concat();
    // A chainlet that streams `Frame`s (the Streamer frames its bytes by hand, which stay as
    // they are whatever is asked).
    let frames = format!("http://{}", server_support::serve_forever(frame_streamer));
    let read = stream_read(&python, &frames, &typed);
    assert!(read.clean, "{:?}", read.lines);
    assert_eq!(read.lines, typed_lines("p", 3));
    let read = stream_read(&python, &frames, &asked);
    assert!(!read.clean);
    assert_eq!(read.lines, [json!({"error": "ValueError", "message": "18 is not a valid _Delimiter"})]);
    let read = stream_read(&python, &truss_streamer("Streamer"), &asked);
    assert!(read.clean, "{:?}", read.lines);
    assert_eq!(read.lines, typed_lines("p", 3));
}

mod text_stub {
    use chainmodel::chains::streaming::Streamed;
    use chainmodel::prelude::*;

    #[stub]
    pub trait TextStreamer {
        async fn run_remote(&self, text: String, pieces: i64) -> Streamed<String>;
    }
}

/// The Rust server answers what truss's does where truss's answer is a format: the schema, and
/// a raw stream gathered for `Accept: application/json` in both modes.
#[test]
fn the_rust_streamer_answers_as_truss_does() {
    if python("the_rust_streamer_answers_as_truss_does").is_none() {
        return;
    }
    let addr = |url: &str| url.trim_start_matches("http://").parse().unwrap();
    let (rust, truss) = (addr(&rust_streamer()), addr(&truss_streamer("Streamer")));
    let schema = |at| truss_support::get(at, "/v1/models/model/schema").body;
    assert_eq!(String::from_utf8_lossy(&schema(rust)), String::from_utf8_lossy(&schema(truss)));
    let gathered = |at, content_type: &str, body: &[u8]| {
        let headers = [("Content-Type", content_type), ("Accept", "application/json")];
        let response = truss_support::request(at, "POST", truss_support::PREDICT, &headers, body);
        (response.status, response.header("content-type").map(str::to_owned), response.body)
    };
    let json_body = br#"{"prompt": "raw", "n": 2}"#;
    assert_eq!(gathered(rust, "application/json", json_body), gathered(truss, "application/json", json_body));
    let msgpack_body = b"\x82\xa6prompt\xa3raw\xa1n\x02";
    let (status, content_type, body) = gathered(rust, "application/octet-stream", msgpack_body);
    assert_eq!(
        (status, content_type.as_deref(), &body[..]),
        (200, Some("application/octet-stream"), &b"\xacraw-0\nraw-1\n"[..])
    );
    assert_eq!((status, content_type, body), gathered(truss, "application/octet-stream", msgpack_body));
}
