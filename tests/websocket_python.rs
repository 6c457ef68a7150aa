//! WebSockets against truss's own: the Python `Echo` chainlet (tests/python/chains/
//! websocket_echo.py) on truss's real server and the Rust `Echo` (tests/websocket_support)
//! answer a Python client (the `websockets` library, tests/python/ws_talk.py) alike, close
//! codes and reasons included; the Rust client and a `#[stub]` talk to truss's.
//!
//! Needs `CHAINMODEL_PYTHON` (the anchor venv, `scripts/test` sets it); without it every test
//! says it did not run and passes.

mod server_support;
#[path = "truss_support/mod.rs"]
mod truss_support;
mod websocket_support;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use chainmodel::chains::websocket::{INTERNAL_ERROR_REASON, Message, WebSocketError, close_code};
use chainmodel::client::Client;
use serde_json::{Value as Json, json};
use websocket_support::Greeting;

/// No Python script may run longer (the script's own watchdog ends it sooner).
const SCRIPT_DEADLINE: Duration = Duration::from_secs(90);

fn python(test: &str) -> Option<PathBuf> {
    let python = std::env::var_os(truss_support::PYTHON_VAR).map(PathBuf::from);
    if python.is_none() {
        eprintln!("interop test `{test}` did not run: {} is not set (scripts/test sets it)", truss_support::PYTHON_VAR);
    }
    python
}

/// The Rust Echo, once for the test binary: `http://127.0.0.1:PORT`.
fn rust_echo() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| format!("http://{}", server_support::serve_forever(websocket_support::echo))).clone()
}

/// A Rust chainlet without a WebSocket.
fn rust_worker() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| format!("http://{}", server_support::serve_forever(|| server_support::worker().into_router())))
        .clone()
}

fn truss(spec: &str) -> String {
    truss_support::truss_chainlet(spec).expect("CHAINMODEL_PYTHON is set").url.clone()
}

/// What tests/python/ws_talk.py printed for `messages` sent to `base`'s WebSocket.
fn talk(python: &std::path::Path, base: &str, messages: &[Json]) -> Vec<Json> {
    let url = format!("{}/v1/websocket", base.replacen("http://", "ws://", 1));
    let input: String = messages.iter().map(|m| format!("{m}\n")).collect();
    let run = truss_support::run_script(python, "ws_talk.py", &[&url], input.as_bytes(), SCRIPT_DEADLINE);
    let stdout = run.success(&format!("ws_talk.py {url}"));
    stdout.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

fn text(text: &str) -> Json {
    json!({"text": text})
}

/// The Python client gets the same answers from both servers: messages, a normal end (1000), a
/// failure (1011 and truss's reason), and 1003 from a chainlet without a WebSocket.
#[test]
fn python_clients_see_the_rust_websocket_as_truss_s() {
    let Some(python) = python("python_clients_see_the_rust_websocket_as_truss_s") else { return };
    let (rust, truss_echo) = (rust_echo(), truss("websocket_echo.py:Echo"));
    let greeting = json!({"name": "a", "times": 21}).to_string();
    let conversations = [
        vec![
            text("héllo 😀"),
            json!({"bytes_b64": "AJ//"}),
            json!({"text": "json", "no_reply": true}),
            text(&greeting),
            text("close"),
        ],
        vec![text("one"), text("fail")],
        vec![text("last")],
    ];
    for messages in &conversations {
        let from_truss = talk(&python, &truss_echo, messages);
        assert_eq!(talk(&python, &rust, messages), from_truss, "{messages:?}");
    }
    let expected = [
        text("héllo 😀"),
        json!({"bytes_b64": "AJ//"}),
        text(r#"{"name":"a","times":42}"#),
        json!({"close": 1000, "reason": ""}),
    ];
    assert_eq!(talk(&python, &truss_echo, &conversations[0]), expected);
    let failed = talk(&python, &rust, &conversations[1]);
    assert_eq!(failed[1], json!({"close": 1011, "reason": INTERNAL_ERROR_REASON}));
    assert_eq!(talk(&python, &rust, &conversations[2])[1], json!({"closed_by_client": true}));

    // No WebSocket here: accepted, then closed with 1003, by both.
    let none = talk(&python, &truss("streams.py:Streamer"), &[text("x")]);
    assert_eq!(none, [json!({"close": 1003, "reason": "WebSocket is not implemented on this deployment."})]);
    assert_eq!(talk(&python, &rust_worker(), &[text("x")]), none);

    // truss's `receive()` fails on an empty text message (1011); the Rust one reads it.
    assert_eq!(talk(&python, &truss_echo, &[text("")])[0]["close"], 1011);
    assert_eq!(talk(&python, &rust, &[text("")])[0], text(""));
}

/// The HTTP answers of a WebSocket chainlet are truss's: no predict, no schema, no HTTP route
/// on `/v1/websocket`.
#[test]
fn a_websocket_chainlet_answers_http_as_truss_s() {
    if python("a_websocket_chainlet_answers_http_as_truss_s").is_none() {
        return;
    }
    let addr = |url: &str| url.trim_start_matches("http://").parse().unwrap();
    let (rust, truss_echo) = (addr(&rust_echo()), addr(&truss("websocket_echo.py:Echo")));
    let answer = |at, method: &str, path: &str, body: &[u8]| {
        // A body starting with a msgpack map marker goes in binary mode.
        let binary = body.first().is_some_and(|byte| byte & 0xf0 == 0x80);
        let content_type = if binary { "application/octet-stream" } else { "application/json" };
        let response = truss_support::request(at, method, path, &[("Content-Type", content_type)], body);
        let code = response.header("x-baseten-error-code").map(str::to_owned);
        (response.status, code, String::from_utf8_lossy(&response.body).into_owned())
    };
    for (method, path, body) in [
        ("POST", truss_support::PREDICT, &b"{}"[..]),
        ("POST", truss_support::PREDICT, b"not json"),
        ("POST", truss_support::PREDICT, b"\x81\xa1a\x01"),
        ("POST", truss_support::PREDICT, b"\x81\xa1a"),
        ("GET", "/v1/models/model/schema", b""),
        ("GET", "/v1/websocket", b""),
        ("GET", "/v1/models/model", b""),
    ] {
        assert_eq!(answer(rust, method, path, body), answer(truss_echo, method, path, body), "{method} {path}");
    }
}

/// The Rust client, and the stub `#[stub]` writes from the Python signature, talk to truss's
/// Echo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_client_talks_to_truss_s_websocket() {
    if python("the_rust_client_talks_to_truss_s_websocket").is_none() {
        return;
    }
    let base = tokio::task::spawn_blocking(|| truss("websocket_echo.py:Echo")).await.unwrap();
    let predict = format!("{base}/v1/models/model:predict");
    let client = Client::builder(&predict).name("Echo").timeout(Duration::from_secs(60)).build().unwrap();
    let mut websocket = client.websocket().await.unwrap();
    websocket.send_text("wörld").await.unwrap();
    assert_eq!(websocket.receive().await.unwrap(), Message::Text("wörld".into()));
    websocket.send_bytes(vec![1_u8, 2, 3]).await.unwrap();
    assert_eq!(websocket.receive_bytes().await.unwrap().as_ref(), [1, 2, 3]);
    let large = vec![9_u8; 8 << 20];
    websocket.send_bytes(large.clone()).await.unwrap();
    assert_eq!(websocket.receive_bytes().await.unwrap().len(), large.len());
    websocket.send_text("json").await.unwrap();
    websocket.send_json(&Greeting { name: "b".into(), times: 4 }).await.unwrap();
    assert_eq!(websocket.receive_json::<Greeting>().await.unwrap(), Greeting { name: "b".into(), times: 8 });
    websocket.send_text("close").await.unwrap();
    match websocket.receive().await {
        Err(WebSocketError::Closed { code, reason }) => assert_eq!((code, reason.as_str()), (close_code::NORMAL, "")),
        other => panic!("{other:?}"),
    }

    let stub = declared::EchoStub::from_url(&predict, chainmodel::client::RpcOptions::default()).unwrap();
    let mut websocket = stub.run_remote().await.unwrap();
    websocket.send_text("fail").await.unwrap();
    match websocket.receive().await {
        Err(WebSocketError::Closed { code, reason }) => {
            assert_eq!((code, reason.as_str()), (close_code::INTERNAL_ERROR, INTERNAL_ERROR_REASON));
        }
        other => panic!("{other:?}"),
    }
}

mod declared {
    use chainmodel::chains::websocket::WebSocket;
    use chainmodel::prelude::*;

    /// `class Echo(chains.ChainletBase): async def run_remote(self, websocket) -> None`.
    #[stub]
    pub trait Echo {
        async fn run_remote(&self, websocket: WebSocket);
    }
}
