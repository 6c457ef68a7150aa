//! WebSockets, as truss-chains serves them: a chainlet's
//! `run_remote(self, websocket: chains.WebSocketProtocol) -> None` on the route
//! `/v1/websocket`.
//!
//! [`WebSocket`] is one connection, on either end: the chainlet's (served by
//! [`server::Chainlet::websocket`](crate::server::Chainlet::websocket)) and the caller's
//! ([`Client::websocket`](crate::client::Client::websocket)). Its methods are those of
//! truss-chains' `WebSocketProtocol`: `receive_text`, `receive_bytes`, `receive_json`,
//! `send_text`, `send_bytes`, `send_json`, `close`.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::HeaderMap;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message as Wire};

use crate::json::{JsonDecode, JsonEncode};

/// The route truss serves a chainlet's WebSocket on.
pub const WEBSOCKET_ROUTE: &str = "/v1/websocket";

/// The largest message either end takes, 100 MiB: truss's server's (uvicorn's `ws_max_size`).
/// A larger one closes the connection with code 1009.
pub const MAX_MESSAGE_SIZE: usize = 100 << 20;

/// How often the server pings a connection by default: every 20 s, as uvicorn does
/// (`ws_ping_interval`; truss's `runtime.transport.ping_interval_seconds`).
pub const PING_INTERVAL: Duration = Duration::from_secs(20);

/// How long the server waits for a pong by default before it closes the connection with
/// 1011: 20 s, as uvicorn does (`ws_ping_timeout`; truss's `ping_timeout_seconds`).
pub const PING_TIMEOUT: Duration = Duration::from_secs(20);

/// Close codes truss uses.
pub mod close_code {
    /// A normal end: `run_remote` returned.
    pub const NORMAL: u16 = 1000;
    /// The peer went away.
    pub const GOING_AWAY: u16 = 1001;
    /// No WebSocket is served here (truss: "WebSocket is not implemented on this deployment.").
    pub const UNSUPPORTED: u16 = 1003;
    /// No close frame came: the connection was cut (never sent on the wire).
    pub const ABNORMAL: u16 = 1006;
    /// A message over the size limit.
    pub const TOO_BIG: u16 = 1009;
    /// `run_remote` failed (truss: "Internal Server Error (in model/chainlet).").
    pub const INTERNAL_ERROR: u16 = 1011;
}

/// What truss's server says when the chainlet's `run_remote` fails (close code 1011).
pub const INTERNAL_ERROR_REASON: &str = "Internal Server Error (in model/chainlet).";

/// What truss's server says where no WebSocket is served (close code 1003).
pub const NOT_IMPLEMENTED_REASON: &str = "WebSocket is not implemented on this deployment.";

/// One WebSocket message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A text message (`send_text`, `send_json`).
    Text(String),
    /// A binary message (`send_bytes`).
    Bytes(Bytes),
}

/// Why a WebSocket call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebSocketError {
    /// The peer closed the connection (Starlette's `WebSocketDisconnect`): its code and
    /// reason; 1006 when it went without a close frame.
    Closed {
        /// The close code.
        code: u16,
        /// The reason the peer gave.
        reason: String,
    },
    /// A message of the other kind came: `receive_text` got bytes, or `receive_bytes` text.
    UnexpectedKind {
        /// What was asked for.
        expected: &'static str,
    },
    /// `receive_json`: the text is not the model's JSON; its errors, located.
    Invalid(crate::Error),
    /// A message over [`MAX_MESSAGE_SIZE`]: the connection is closed with 1009.
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// The peer did not answer pings: the connection is closed with 1011.
    PingTimeout,
    /// The connection failed (or the handshake, for a client).
    Transport(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for WebSocketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebSocketError::Closed { code, reason } if reason.is_empty() => {
                write!(f, "the WebSocket was closed (code {code})")
            }
            WebSocketError::Closed { code, reason } => write!(f, "the WebSocket was closed (code {code}): {reason}"),
            WebSocketError::UnexpectedKind { expected } => {
                write!(f, "expected a {expected} message, a message of the other kind came")
            }
            WebSocketError::Invalid(error) => write!(f, "the WebSocket message is not valid: {error}"),
            WebSocketError::TooLarge { limit } => write!(f, "a WebSocket message over the limit of {limit} bytes"),
            WebSocketError::PingTimeout => f.write_str("the WebSocket's peer did not answer pings"),
            WebSocketError::Transport(error) => write!(f, "the WebSocket failed: {error}"),
        }
    }
}

impl std::error::Error for WebSocketError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebSocketError::Invalid(error) => Some(error),
            WebSocketError::Transport(error) => Some(error.as_ref()),
            _ => None,
        }
    }
}

/// The connection's bytes, whatever carries them (a server's upgraded connection, a client's).
pub(crate) trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// The keepalive of one end: when to ping next, and since when a pong is awaited.
#[derive(Debug)]
struct Keepalive {
    interval: Duration,
    timeout: Duration,
    next_ping: Instant,
    awaiting_since: Option<Instant>,
}

/// One WebSocket connection: truss-chains' `WebSocketProtocol`.
///
/// Messages are text or bytes, up to [`MAX_MESSAGE_SIZE`]. The peer's pings are answered as
/// messages are read; the server end also pings its peer every [`PING_INTERVAL`] while its
/// chainlet reads or writes, and closes with 1011 a peer that stops answering.
pub struct WebSocket {
    /// `None` only once given back to the server (on drop).
    state: Option<State>,
    headers: HeaderMap,
    /// Where a served connection goes when the chainlet drops it, for the server to close.
    returned: Option<Arc<Mutex<Option<State>>>>,
}

/// The connection itself.
pub(crate) struct State {
    stream: WebSocketStream<Box<dyn Io>>,
    keepalive: Option<Keepalive>,
    closed: bool,
    /// The peer closed it (or went): what Starlette raises `WebSocketDisconnect` for.
    peer_closed: bool,
}

impl fmt::Debug for WebSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocket").field("closed", &self.is_closed()).finish_non_exhaustive()
    }
}

impl Drop for WebSocket {
    /// A served connection goes back to the server, which closes it as truss does; a caller's
    /// that is still open is closed normally (1000) on a task of its own, as Python's
    /// `async with websockets.connect(..)` closes it on exit.
    fn drop(&mut self) {
        let Some(state) = self.state.take() else { return };
        match &self.returned {
            Some(returned) => {
                if let Ok(mut slot) = returned.lock() {
                    *slot = Some(state);
                }
            }
            None if !state.closed => {
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    let mut state = state;
                    runtime.spawn(async move {
                        let _ = state.close_with(close_code::NORMAL, "").await;
                    });
                }
            }
            None => {}
        }
    }
}

/// The server's hold on a served connection: closes it once the chainlet is done with it.
#[cfg(feature = "server")]
pub(crate) struct Closer(Arc<Mutex<Option<State>>>);

#[cfg(feature = "server")]
impl Closer {
    /// Whether the peer closed the connection, or went (the chainlet must have let it go).
    pub(crate) fn peer_closed(&self) -> bool {
        self.0.lock().ok().is_some_and(|slot| slot.as_ref().is_some_and(|state| state.peer_closed))
    }

    /// Closes the connection with `code` and `reason`, unless the chainlet closed it, or
    /// still holds it (it gave it to a task of its own).
    pub(crate) async fn close(self, code: u16, reason: &str) {
        let state = self.0.lock().ok().and_then(|mut slot| slot.take());
        if let Some(mut state) = state {
            let _ = state.close_with(code, reason).await;
        }
    }
}

/// The protocol's settings: truss's message limit, frames as large as a message.
pub(crate) fn config() -> WebSocketConfig {
    WebSocketConfig::default().max_message_size(Some(MAX_MESSAGE_SIZE)).max_frame_size(Some(MAX_MESSAGE_SIZE))
}

impl WebSocket {
    /// The WebSocket over `io`, whose handshake is done (`headers`: the handshake request's on
    /// the server, the response's on a client); `ping`: the server's keepalive, its interval
    /// and timeout.
    pub(crate) async fn new(
        io: Box<dyn Io>,
        role: Role,
        ping: Option<(Duration, Duration)>,
        headers: HeaderMap,
    ) -> WebSocket {
        let stream = WebSocketStream::from_raw_socket(io, role, Some(config())).await;
        let keepalive = ping.map(|(interval, timeout)| Keepalive {
            interval,
            timeout,
            next_ping: Instant::now() + interval,
            awaiting_since: None,
        });
        WebSocket {
            state: Some(State { stream, keepalive, closed: false, peer_closed: false }),
            headers,
            returned: None,
        }
    }

    /// The server's hold on this connection, given back when the chainlet drops it.
    #[cfg(feature = "server")]
    pub(crate) fn closer(&mut self) -> Closer {
        let returned = Arc::new(Mutex::new(None));
        self.returned = Some(Arc::clone(&returned));
        Closer(returned)
    }

    /// The handshake's headers: on the chainlet's end the request's (`websocket.headers`: the
    /// chain's context, the API key), on the caller's the response's.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    fn state(&mut self) -> Result<&mut State, WebSocketError> {
        self.state.as_mut().ok_or(WebSocketError::Closed { code: close_code::ABNORMAL, reason: String::new() })
    }

    /// The next message, text or bytes. The peer's close is an error,
    /// [`WebSocketError::Closed`], as Starlette raises `WebSocketDisconnect`.
    pub async fn receive(&mut self) -> Result<Message, WebSocketError> {
        self.state()?.receive().await
    }

    /// The next message, which must be text (`receive_text`).
    pub async fn receive_text(&mut self) -> Result<String, WebSocketError> {
        match self.receive().await? {
            Message::Text(text) => Ok(text),
            Message::Bytes(_) => Err(WebSocketError::UnexpectedKind { expected: "text" }),
        }
    }

    /// The next message, which must be bytes (`receive_bytes`).
    pub async fn receive_bytes(&mut self) -> Result<Bytes, WebSocketError> {
        match self.receive().await? {
            Message::Bytes(bytes) => Ok(bytes),
            Message::Text(_) => Err(WebSocketError::UnexpectedKind { expected: "bytes" }),
        }
    }

    /// The next message, a text message of `T`'s JSON (`receive_json`), validated as pydantic's
    /// `model_validate_json` validates it.
    pub async fn receive_json<T: for<'de> JsonDecode<'de>>(&mut self) -> Result<T, WebSocketError> {
        let text = self.receive_text().await?;
        crate::__private::from_slice_unchecked_with(text.as_bytes(), &crate::Limits::DEFAULT)
            .map_err(WebSocketError::Invalid)
    }

    /// Sends a text message (`send_text`).
    pub async fn send_text(&mut self, text: impl Into<String>) -> Result<(), WebSocketError> {
        self.state()?.send(Wire::text(text.into())).await
    }

    /// Sends a binary message (`send_bytes`).
    pub async fn send_bytes(&mut self, bytes: impl Into<Bytes>) -> Result<(), WebSocketError> {
        self.state()?.send(Wire::binary(bytes.into())).await
    }

    /// Sends `value`'s JSON as a text message (`send_json`; a model as `model_dump_json()`).
    pub async fn send_json<T: JsonEncode + ?Sized>(&mut self, value: &T) -> Result<(), WebSocketError> {
        let text = crate::__private::to_string_unchecked(value).map_err(WebSocketError::Invalid)?;
        self.state()?.send(Wire::text(text)).await
    }

    /// Sends `message`.
    pub async fn send(&mut self, message: Message) -> Result<(), WebSocketError> {
        match message {
            Message::Text(text) => self.send_text(text).await,
            Message::Bytes(bytes) => self.send_bytes(bytes).await,
        }
    }

    /// Closes the connection with `code` (1000: a normal end) and `reason` (`close`), waiting
    /// for the peer's answer no longer than a second.
    pub async fn close(mut self, code: u16, reason: &str) -> Result<(), WebSocketError> {
        self.state()?.close_with(code, reason).await
    }

    /// Whether the connection is closed (by either end).
    pub fn is_closed(&self) -> bool {
        self.state.as_ref().is_none_or(|state| state.closed)
    }
}

impl State {
    async fn receive(&mut self) -> Result<Message, WebSocketError> {
        loop {
            let next = match &self.keepalive {
                Some(keepalive) => {
                    let due = keepalive.awaiting_since.map_or(keepalive.next_ping, |since| since + keepalive.timeout);
                    tokio::select! {
                        next = self.stream.next() => next,
                        () = tokio::time::sleep_until(due) => {
                            self.keep_alive().await?;
                            continue;
                        }
                    }
                }
                None => self.stream.next().await,
            };
            match next {
                Some(Ok(Wire::Text(text))) => return Ok(Message::Text(text.as_str().to_owned())),
                Some(Ok(Wire::Binary(bytes))) => return Ok(Message::Bytes(bytes)),
                Some(Ok(Wire::Pong(_))) => {
                    if let Some(keepalive) = &mut self.keepalive {
                        keepalive.awaiting_since = None;
                    }
                }
                // Pings are answered by the protocol as it reads.
                Some(Ok(Wire::Ping(_) | Wire::Frame(_))) => {}
                Some(Ok(Wire::Close(frame))) => {
                    self.closed = true;
                    self.peer_closed = true;
                    let (code, reason) = match frame {
                        Some(frame) => (u16::from(frame.code), frame.reason.as_str().to_owned()),
                        None => (close_code::NORMAL, String::new()),
                    };
                    return Err(WebSocketError::Closed { code, reason });
                }
                None => {
                    self.closed = true;
                    self.peer_closed = true;
                    return Err(WebSocketError::Closed { code: close_code::ABNORMAL, reason: String::new() });
                }
                Some(Err(tungstenite::Error::Capacity(_))) => {
                    let _ = self.close_with(close_code::TOO_BIG, "message too big").await;
                    return Err(WebSocketError::TooLarge { limit: MAX_MESSAGE_SIZE });
                }
                Some(Err(
                    tungstenite::Error::ConnectionClosed
                    | tungstenite::Error::AlreadyClosed
                    | tungstenite::Error::Protocol(tungstenite::error::ProtocolError::ResetWithoutClosingHandshake)
                    // A reset, a broken pipe: the peer is gone as surely.
                    | tungstenite::Error::Io(_),
                )) => {
                    self.closed = true;
                    self.peer_closed = true;
                    return Err(WebSocketError::Closed { code: close_code::ABNORMAL, reason: String::new() });
                }
                Some(Err(error)) => {
                    self.closed = true;
                    return Err(WebSocketError::Transport(Box::new(error)));
                }
            }
        }
    }

    async fn send(&mut self, message: Wire) -> Result<(), WebSocketError> {
        if self.closed {
            return Err(WebSocketError::Closed { code: close_code::ABNORMAL, reason: "already closed".into() });
        }
        if self.keepalive.as_ref().is_some_and(|keepalive| Instant::now() >= keepalive.next_ping) {
            self.keep_alive().await?;
        }
        self.stream.send(message).await.map_err(|error| self.failed(error))
    }

    /// Pings the peer when due, or closes it with 1011 when its pong is late.
    async fn keep_alive(&mut self) -> Result<(), WebSocketError> {
        let Some(keepalive) = &mut self.keepalive else { return Ok(()) };
        let now = Instant::now();
        if let Some(since) = keepalive.awaiting_since {
            if now >= since + keepalive.timeout {
                let _ = self.close_with(close_code::INTERNAL_ERROR, "keepalive ping timeout").await;
                return Err(WebSocketError::PingTimeout);
            }
            return Ok(());
        }
        if now >= keepalive.next_ping {
            keepalive.next_ping = now + keepalive.interval;
            keepalive.awaiting_since = Some(now);
            self.stream.send(Wire::Ping(Bytes::new())).await.map_err(|error| self.failed(error))?;
        }
        Ok(())
    }

    fn failed(&mut self, error: tungstenite::Error) -> WebSocketError {
        self.closed = true;
        match error {
            tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed | tungstenite::Error::Io(_) => {
                self.peer_closed = true;
                WebSocketError::Closed { code: close_code::ABNORMAL, reason: String::new() }
            }
            error => WebSocketError::Transport(Box::new(error)),
        }
    }

    /// Sends a close frame, then reads until the peer's close (at most a second).
    pub(crate) async fn close_with(&mut self, code: u16, reason: &str) -> Result<(), WebSocketError> {
        if self.closed {
            return Ok(());
        }
        self.closed = true;
        let frame = CloseFrame { code: CloseCode::from(code), reason: reason.to_owned().into() };
        let sent = self.stream.close(Some(frame)).await;
        let _ =
            tokio::time::timeout(Duration::from_secs(1), async { while let Some(Ok(_)) = self.stream.next().await {} })
                .await;
        match sent {
            Ok(()) | Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => Ok(()),
            Err(error) => Err(WebSocketError::Transport(Box::new(error))),
        }
    }
}
