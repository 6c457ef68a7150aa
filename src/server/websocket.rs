//! A chainlet's WebSocket on `/v1/websocket`, as truss's server serves one.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_VERSION, UPGRADE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::RemoteError;
use super::body::AlignedBody;
use super::chainlet::{BoxFuture, Shared};
use super::error::{ModelRejection, UNHANDLED_ERROR_CODE, truss_error_response};
use crate::chains::Mode;
use crate::chains::websocket::{INTERNAL_ERROR_REASON, NOT_IMPLEMENTED_REASON, WebSocket, close_code};

/// A WebSocket chainlet's `run_remote`.
pub(crate) type Handler = dyn Fn(WebSocket) -> BoxFuture<Result<(), RemoteError>> + Send + Sync;

/// The input of a WebSocket chainlet, which has none: its `run_remote` takes the connection
/// ([`Chainlet::websocket`](super::Chainlet::websocket)). Nothing decodes into it.
#[derive(Debug)]
#[non_exhaustive]
pub struct WebSocketInput;

impl<'de> chainmodel_runtime::codec::Decode<'de> for WebSocketInput {
    /// Any value (never used: a WebSocket chainlet answers predict before it decodes).
    fn decode<R: chainmodel_runtime::codec::Reader<'de>>(reader: &mut R) -> Result<Self, crate::Error> {
        reader.skip()?;
        Ok(WebSocketInput)
    }
}

impl chainmodel_runtime::schema::ModelSchema for WebSocketInput {
    fn model_schema(_: &mut chainmodel_runtime::schema::SchemaGenerator) -> crate::serde_json::Value {
        crate::serde_json::json!({})
    }
}

/// Predict on a WebSocket chainlet, as truss's server answers it: the body parsed first (its
/// own `json.loads` or `msgpack.unpackb`, a refusal `400` in their words), then the failed
/// assertion that the model has a predict method, an unhandled exception of its own (`500`).
pub(crate) fn predict(body: &AlignedBody) -> Response {
    let refused = match body.mode() {
        Mode::Json => chainmodel_runtime::json::python_json_error_text(body.as_bytes())
            .map(|text| format!("Invalid JSON payload: {text}")),
        Mode::Binary => chainmodel_runtime::msgpack::truss_unpack_error_text(body.as_bytes()),
    };
    match refused {
        Some(text) => ModelRejection::Unpack(text).into_response(),
        None => {
            let message = "Unhandled exception: AssertionError: `predict` must only be called if model has it.";
            truss_error_response(StatusCode::INTERNAL_SERVER_ERROR, UNHANDLED_ERROR_CODE, message.into())
        }
    }
}

/// `GET /v1/websocket`: the handshake, then the chainlet's `run_remote` on the connection,
/// closed as truss closes it: 1000 when `run_remote` returns, 1011 "Internal Server Error (in
/// model/chainlet)." when it fails or panics, 1003 "WebSocket is not implemented on this
/// deployment." (after accepting it, as truss does) where the chainlet has no WebSocket.
pub(crate) async fn websocket<I>(State(shared): State<Arc<Shared<I>>>, mut request: Request) -> Response {
    // A request that is not a WebSocket's: FastAPI has no HTTP route here.
    if !is_upgrade(request.method(), request.headers()) {
        return super::chainlet::json_response(StatusCode::NOT_FOUND, r#"{"detail":"Not Found"}"#.to_owned());
    }
    // truss's `check_healthy`, before the handshake.
    if let Some(not_ready) = shared.not_ready() {
        return not_ready;
    }
    let headers = request.headers();
    let version_ok = headers.get(SEC_WEBSOCKET_VERSION).is_some_and(|version| version.as_bytes() == b"13");
    let Some(key) = headers.get(SEC_WEBSOCKET_KEY).filter(|_| version_ok).map(|key| derive_accept_key(key.as_bytes()))
    else {
        let headers = [(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"))];
        return (StatusCode::BAD_REQUEST, headers, "a WebSocket handshake needs Sec-WebSocket-Key and version 13")
            .into_response();
    };
    let Ok(accept) = HeaderValue::from_str(&key) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let request_headers = request.headers().clone();
    let upgrade = hyper::upgrade::on(&mut request);
    let handler = shared.websocket.clone();
    let ping = shared.ping;
    tokio::spawn(async move {
        let io = match upgrade.await {
            Ok(upgraded) => TokioIo::new(upgraded),
            Err(error) => {
                tracing::debug!("the WebSocket upgrade failed: {error}");
                return;
            }
        };
        let socket = WebSocket::new(Box::new(io), Role::Server, Some(ping), request_headers).await;
        let Some(handler) = handler else {
            tracing::error!("{NOT_IMPLEMENTED_REASON}");
            let _ = socket.close(close_code::UNSUPPORTED, NOT_IMPLEMENTED_REASON).await;
            return;
        };
        run(socket, handler).await;
    });
    (
        StatusCode::SWITCHING_PROTOCOLS,
        [(UPGRADE, HeaderValue::from_static("websocket")), (CONNECTION, HeaderValue::from_static("Upgrade"))],
        [(SEC_WEBSOCKET_ACCEPT, accept)],
    )
        .into_response()
}

/// Runs the chainlet on the connection and closes it as truss does.
async fn run(mut socket: WebSocket, handler: Arc<Handler>) {
    let closer = socket.closer();
    let outcome = std::panic::AssertUnwindSafe(handler(socket))
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(RemoteError::from_panic(panic.as_ref())));
    match outcome {
        Ok(()) => closer.close(close_code::NORMAL, "").await,
        // The client went (Starlette's `WebSocketDisconnect`): nothing to close, truss logs it.
        Err(error) if closer.peer_closed() => {
            tracing::info!("Client terminated websocket connection: `{}`.", error.message());
        }
        Err(error) => {
            tracing::error!("the WebSocket chainlet failed: {}: {}", error.class_name(), error.message());
            closer.close(close_code::INTERNAL_ERROR, INTERNAL_ERROR_REASON).await;
        }
    }
}

/// An HTTP/1.1 WebSocket upgrade: `GET`, `Upgrade: websocket`, `Connection: upgrade`.
fn is_upgrade(method: &Method, headers: &HeaderMap) -> bool {
    let has_token = |name, token: &str| {
        headers.get_all(name).iter().any(|value| {
            String::from_utf8_lossy(value.as_bytes()).split(',').any(|part| part.trim().eq_ignore_ascii_case(token))
        })
    };
    method == Method::GET && has_token(UPGRADE, "websocket") && has_token(CONNECTION, "upgrade")
}
