//! WebSocket chainlets (`server::Chainlet::websocket`) and the client's `websocket()`, on
//! loopback: truss's close codes and reasons, text, bytes and JSON messages, the 100 MiB
//! limit, pings, and a chainlet without a WebSocket.

mod server_support;
mod websocket_support;

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use chainmodel::chains::websocket::{
    INTERNAL_ERROR_REASON, MAX_MESSAGE_SIZE, Message, NOT_IMPLEMENTED_REASON, WebSocket, WebSocketError, close_code,
};
use chainmodel::client::{Client, Error};
use chainmodel::prelude::*;
use chainmodel::server::Chainlet;
use futures_util::{SinkExt, StreamExt};
use server_support::*;
use tokio_tungstenite::tungstenite;
use websocket_support::{Greeting, echo};

fn echo_addr() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| serve_forever(echo))
}

fn client(addr: SocketAddr) -> Client {
    Client::builder(format!("http://{addr}/v1/models/model:predict")).name("Echo").timeout(DEADLINE).build().unwrap()
}

async fn closed(websocket: &mut WebSocket) -> (u16, String) {
    match tokio::time::timeout(DEADLINE, websocket.receive()).await.expect("the server closes") {
        Err(WebSocketError::Closed { code, reason }) => (code, reason),
        other => panic!("expected the close, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_bytes_and_json_are_echoed_and_a_normal_end_closes_1000() {
    let mut websocket = client(echo_addr()).websocket().await.unwrap();
    websocket.send_text("héllo").await.unwrap();
    assert_eq!(websocket.receive().await.unwrap(), Message::Text("héllo".into()));
    websocket.send_text("").await.unwrap();
    assert_eq!(websocket.receive_text().await.unwrap(), "");
    websocket.send_bytes(vec![0_u8, 159, 255]).await.unwrap();
    assert_eq!(websocket.receive_bytes().await.unwrap().as_ref(), [0, 159, 255]);
    websocket.send_text("json").await.unwrap();
    websocket.send_json(&Greeting { name: "a".into(), times: 21 }).await.unwrap();
    assert_eq!(websocket.receive_json::<Greeting>().await.unwrap(), Greeting { name: "a".into(), times: 42 });
    // A large message, under the limit, both ways.
    let large = vec![7_u8; 20 << 20];
    websocket.send_bytes(large.clone()).await.unwrap();
    assert_eq!(websocket.receive_bytes().await.unwrap().len(), large.len());
    // A message of the other kind is an error, not a misreading.
    websocket.send_text("text").await.unwrap();
    assert!(matches!(websocket.receive_bytes().await, Err(WebSocketError::UnexpectedKind { expected: "bytes" })));
    websocket.send_text("close").await.unwrap();
    assert_eq!(closed(&mut websocket).await, (close_code::NORMAL, String::new()));
    assert!(websocket.is_closed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_or_a_panic_closes_1011_as_truss_does() {
    for word in ["fail", "panic"] {
        let mut websocket = client(echo_addr()).websocket().await.unwrap();
        websocket.send_text(word).await.unwrap();
        assert_eq!(closed(&mut websocket).await, (close_code::INTERNAL_ERROR, INTERNAL_ERROR_REASON.to_owned()));
    }
    // The server goes on.
    let mut websocket = client(echo_addr()).websocket().await.unwrap();
    websocket.send_text("still here").await.unwrap();
    assert_eq!(websocket.receive_text().await.unwrap(), "still here");
    websocket.close(close_code::NORMAL, "done").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chainlet_without_a_websocket_accepts_then_closes_1003() {
    let addr = serve_forever(|| worker().into_router());
    let mut websocket = client(addr).websocket().await.unwrap();
    assert_eq!(closed(&mut websocket).await, (close_code::UNSUPPORTED, NOT_IMPLEMENTED_REASON.to_owned()));
    // A plain GET of the route: FastAPI has no HTTP route there.
    assert_eq!(get(addr, "/v1/websocket").await.status, 404);
    assert_eq!(get(echo_addr(), "/v1/websocket").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_chainlet_has_no_predict_and_no_schema() {
    let addr = echo_addr();
    let response = post(addr, "/v1/models/model:predict", Some("application/json"), b"{}").await;
    let message = "Unhandled exception: AssertionError: `predict` must only be called if model has it.";
    assert_eq!(response.truss_error(500, "500"), message);
    // A body that does not parse is refused first, as for any chainlet.
    let response = post(addr, "/v1/models/model:predict", Some("application/json"), b"not json").await;
    assert_eq!(response.status, 400);
    assert_eq!(get(addr, "/v1/models/model/schema").await.truss_error(404, "600"), "No schema found");
    assert_eq!(get(addr, "/v1/models/model").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_over_100_mib_closes_1009_without_being_read() {
    let mut websocket = client(echo_addr()).websocket().await.unwrap();
    // Sent, or cut off part way by the server's close: either way the server refuses it.
    let _ = websocket.send_bytes(vec![1_u8; MAX_MESSAGE_SIZE + 1]).await;
    match tokio::time::timeout(DEADLINE, websocket.receive()).await.expect("the server closes") {
        Err(WebSocketError::Closed { code, .. }) => {
            // The close may race the end of the upload: a reset (1006) is a refusal too.
            assert!([close_code::TOO_BIG, close_code::ABNORMAL].contains(&code), "{code}");
        }
        other => panic!("expected a 1009 close, got {other:?}"),
    }
}

/// A raw tungstenite client, to see what the chainlet's end sends (pings) and to not answer.
async fn raw_client(addr: SocketAddr) -> tokio_tungstenite::WebSocketStream<tokio::net::TcpStream> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (websocket, response) =
        tokio_tungstenite::client_async(format!("ws://{addr}/v1/websocket"), stream).await.unwrap();
    assert_eq!(response.status(), 101);
    websocket
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_pings_and_closes_a_peer_that_stops_answering() {
    // A reader sees pings (and its library answers them as it reads): the connection stays
    // up well past the timeout.
    let mut websocket = raw_client(echo_addr()).await;
    let mut pings = 0;
    let reading = tokio::time::sleep(Duration::from_millis(1000));
    tokio::pin!(reading);
    loop {
        tokio::select! {
            () = &mut reading => break,
            message = websocket.next() => match message.unwrap().unwrap() {
                tungstenite::Message::Ping(_) => pings += 1,
                other => panic!("{other:?}"),
            },
        }
    }
    assert!(pings >= 3, "{pings} pings in a second, one every 200 ms");
    websocket.send(tungstenite::Message::text("alive")).await.unwrap();
    loop {
        match tokio::time::timeout(DEADLINE, websocket.next()).await.unwrap().unwrap().unwrap() {
            tungstenite::Message::Text(text) => break assert_eq!(text.as_str(), "alive"),
            tungstenite::Message::Ping(_) => {}
            other => panic!("{other:?}"),
        }
    }

    // A peer that does not read never answers: 1011 once the timeout has passed.
    let started = std::time::Instant::now();
    let mut silent = raw_client(echo_addr()).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let mut close = None;
    while let Some(Ok(message)) = tokio::time::timeout(DEADLINE, silent.next()).await.unwrap() {
        if let tungstenite::Message::Close(frame) = message {
            close = frame;
            break;
        }
    }
    let close = close.expect("a close frame");
    assert_eq!(u16::from(close.code), close_code::INTERNAL_ERROR);
    assert_eq!(close.reason.as_str(), "keepalive ping timeout");
    assert!(started.elapsed() >= Duration::from_millis(500));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handshake_carries_the_chain_context_and_refusals_are_errors() {
    let mut websocket = Client::builder(format!("http://{}/predict", echo_addr()))
        .header("x-baseten-request-id", "req-7")
        .timeout(DEADLINE)
        .build()
        .unwrap()
        .websocket()
        .await
        .unwrap();
    websocket.send_text("headers").await.unwrap();
    assert_eq!(websocket.receive_text().await.unwrap(), "req-7");

    // Not ready: truss's 503, before the handshake.
    let addr = serve_forever(|| {
        Chainlet::websocket(|_: WebSocket| async { Ok::<_, RemoteError>(()) })
            .load(std::future::pending::<Result<(), RemoteError>>())
            .into_router()
    });
    let error = client(addr).websocket().await.unwrap_err();
    assert!(matches!(&error, Error::Remote(failure) if failure.status == 503), "{error:?}");

    // No server at all: a connection error.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = listener.local_addr().unwrap();
    drop(listener);
    assert!(matches!(client(gone).websocket().await.unwrap_err(), Error::Connection { .. }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_goes_away_ends_the_chainlets_receive() {
    let (seen, mut seen_rx) = tokio::sync::mpsc::channel(1);
    let addr = serve_forever(move || {
        Chainlet::websocket(move |mut websocket: WebSocket| {
            let seen = seen.clone();
            async move {
                let outcome = websocket.receive().await;
                let _ = seen.send(format!("{outcome:?}")).await;
                outcome.map(|_| ()).map_err(RemoteError::from)
            }
        })
        .into_router()
    });
    // Dropped: closed normally, as Python's `async with` closes it.
    let websocket = client(addr).websocket().await.unwrap();
    drop(websocket);
    let outcome = tokio::time::timeout(DEADLINE, seen_rx.recv()).await.unwrap().unwrap();
    assert_eq!(outcome, r#"Err(Closed { code: 1000, reason: "" })"#);
    // Gone without a close (its connection cut): 1006, as Starlette reports it.
    drop(raw_client(addr).await);
    let outcome = tokio::time::timeout(DEADLINE, seen_rx.recv()).await.unwrap().unwrap();
    assert_eq!(outcome, r#"Err(Closed { code: 1006, reason: "" })"#);
}

/// `#[chainlet]` with `run_remote(&self, websocket: WebSocket)`: truss-chains'
/// `run_remote(self, websocket: chains.WebSocketProtocol) -> None`.
#[derive(Default)]
pub struct Shouter;

#[chainlet]
impl Shouter {
    pub async fn run_remote(&self, mut websocket: WebSocket) -> Result<(), RemoteError> {
        loop {
            let text = websocket.receive_text().await?;
            if text == "bye" {
                return Ok(());
            }
            if text == "oops" {
                return Err(RemoteError::new("ValueError", "oops"));
            }
            websocket.send_text(text.to_uppercase()).await?;
        }
    }
}

/// The same chainlet declared by its signature alone.
mod declared {
    use chainmodel::chains::websocket::WebSocket;
    use chainmodel::prelude::*;

    #[stub(name = "Shouter")]
    pub trait Remote {
        async fn run_remote(&self, websocket: WebSocket);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chainlet_attribute_serves_a_websocket_and_its_stubs_open_it() {
    let addr = serve_forever(|| chainmodel::chains::router(Shouter));
    let url = format!("http://{addr}/v1/models/model:predict");
    let options = chainmodel::client::RpcOptions::default().timeout(DEADLINE);
    let mut websocket = ShouterStub::from_url(&url, options.clone()).unwrap().run_remote().await.unwrap();
    websocket.send_text("hé").await.unwrap();
    assert_eq!(websocket.receive_text().await.unwrap(), "HÉ");
    websocket.send_text("bye").await.unwrap();
    assert_eq!(closed(&mut websocket).await, (close_code::NORMAL, String::new()));

    let mut websocket = declared::ShouterStub::from_url(&url, options).unwrap().run_remote().await.unwrap();
    websocket.send_text("oops").await.unwrap();
    assert_eq!(closed(&mut websocket).await, (close_code::INTERNAL_ERROR, INTERNAL_ERROR_REASON.to_owned()));

    // No predict, no schema, as truss serves a WebSocket chainlet.
    assert_eq!(post(addr, "/v1/models/model:predict", Some("application/json"), b"{}").await.status, 500);
    assert_eq!(get(addr, "/v1/models/model").await.status, 200);
}
