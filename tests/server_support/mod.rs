//! What the server tests share: the chainlet they serve, a server started on 127.0.0.1:0 in a
//! runtime of its own, and a raw HTTP/1.1 client that can send exactly what a test needs
//! (chunked bodies, lying `Content-Length`s, stalls). Every wait is bounded.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use chainmodel::prelude::*;
use chainmodel::server::{self, ChainContext, Chainlet, RemoteError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// No exchange with a test server may take longer.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// The Binary IO docs' model.
#[derive(ChainModel, Debug, Clone, PartialEq)]
pub struct DataModel {
    pub some_numbers: NdArray<f64>,
    pub other_field: String,
}

/// `Worker.run_remote(data: DataModel)`.
#[derive(ChainModel, Debug, Clone, PartialEq)]
pub struct WorkerInput {
    pub data: DataModel,
}

/// The Worker chainlet: `some_numbers + 10`. `other_field` steers the failures the tests need:
/// `fail` raises a `ValueError`, `teapot` one with status 418, `parse` a Rust error through
/// `?`, `context` answers the chain context in `other_field`.
pub fn worker() -> Chainlet<WorkerInput, DataModel> {
    Chainlet::new(|WorkerInput { mut data }| async move {
        match data.other_field.as_str() {
            "fail" => return Err(RemoteError::new("ValueError", "This input is too long: 100.")),
            "teapot" => {
                return Err(RemoteError::new("RuntimeError", "short and stout")
                    .with_status(axum::http::StatusCode::IM_A_TEAPOT));
            }
            "parse" => {
                let _: i32 = "ten".parse()?;
            }
            "context" => {
                let context = ChainContext::current().unwrap_or_default();
                data.other_field = format!(
                    "{}|{}|{}",
                    context.request_id.unwrap_or_default(),
                    context.chain_request_id.unwrap_or_default(),
                    context.traceparent.unwrap_or_default()
                );
            }
            _ => {}
        }
        data.some_numbers += 10.0;
        Ok(data)
    })
    .name("worker")
}

/// Serves `router` on 127.0.0.1:0 in a runtime on a thread of its own, for the whole test
/// binary; returns the address.
pub fn serve_forever<S>(router: impl FnOnce() -> S + Send + 'static) -> SocketAddr
where
    S: tower::Service<axum::extract::Request, Response = axum::response::Response, Error = std::convert::Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            server::serve(listener, router()).await.unwrap();
        });
    });
    receiver.recv_timeout(DEADLINE).expect("the server starts")
}

// Each harness includes it, so that either works alone; a test binary with both holds two
// copies, which never meet.
#[path = "../raw_http/mod.rs"]
#[allow(clippy::duplicate_mod)]
mod raw_http;
pub use raw_http::Response;
use raw_http::parse_response;

impl Response {
    /// The `"error"` of a truss error response, after checking its headers.
    pub fn truss_error(&self, status: u16, code: &str) -> serde_json::Value {
        assert_eq!(self.status, status, "{:?}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.header("x-baseten-error-source"), Some("04"));
        assert_eq!(self.header("x-baseten-error-code"), Some(code));
        assert_eq!(self.header("content-type"), Some("application/json"));
        let body = self.json();
        assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
        body["error"].clone()
    }
}

/// Sends `head` (request line and headers, without the blank line; `Connection: close` is
/// added) and `body`, then reads the whole response.
pub async fn exchange(addr: SocketAddr, head: &str, body: &[u8]) -> Response {
    tokio::time::timeout(DEADLINE, async {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let request = format!("{head}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("write the head");
        // The server may answer (413) before it reads a body: a failed write is not the test's end.
        let _ = stream.write_all(body).await;
        read_response(&mut stream).await
    })
    .await
    .expect("the exchange ends in time")
}

/// Reads a response until the server closes the connection.
pub async fn read_response(stream: &mut TcpStream) -> Response {
    let mut raw = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    parse_response(&raw)
}

pub async fn get(addr: SocketAddr, path: &str) -> Response {
    exchange(addr, &format!("GET {path} HTTP/1.1\r\nHost: localhost"), b"").await
}

/// POSTs `body` with `Content-Length` and, if given, `Content-Type`.
pub async fn post(addr: SocketAddr, path: &str, content_type: Option<&str>, body: &[u8]) -> Response {
    post_with(addr, path, content_type, &[], body).await
}

pub async fn post_with(
    addr: SocketAddr,
    path: &str,
    content_type: Option<&str>,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}", body.len());
    if let Some(content_type) = content_type {
        head.push_str(&format!("\r\nContent-Type: {content_type}"));
    }
    for (name, value) in headers {
        head.push_str(&format!("\r\n{name}: {value}"));
    }
    exchange(addr, &head, body).await
}

pub const JSON: Option<&str> = Some("application/json");
pub const BINARY: Option<&str> = Some("application/octet-stream");
