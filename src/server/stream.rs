//! A streaming chainlet's answer: the chunks as they come, or gathered into one string when
//! the caller asks for JSON, as truss's server does.

use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::body::Body;
use axum::http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::{FutureExt, Stream, StreamExt};
use tokio::sync::OwnedSemaphorePermit;

use super::RemoteError;
use crate::chains::streaming::BINARY_FRAMES;
use crate::chains::{BINARY_CONTENT_TYPE, ChainContext, JSON_CONTENT_TYPE, Mode};

/// A stream's chunks, encoded.
pub(crate) type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, RemoteError>> + Send>>;

/// The most a gathered stream may hold: the decoders' message limit.
const GATHER_LIMIT: usize = chainmodel_runtime::Limits::DEFAULT.max_message_size;

/// truss's `_should_gather_generator`: `Accept` exactly `application/json` (its first value),
/// unless the `User-Agent` names OpenAI's SDK, which sends that `Accept` and wants the stream.
pub(crate) fn gathers(headers: &HeaderMap) -> bool {
    // Python's `"openai" in user_agent.lower()`; without an allocation for ASCII agents.
    let openai = |agent: &HeaderValue| match agent.as_bytes() {
        ascii if ascii.is_ascii() => ascii.windows(6).any(|word| word.eq_ignore_ascii_case(b"openai")),
        other => String::from_utf8_lossy(other).to_lowercase().contains("openai"),
    };
    if headers.get(USER_AGENT).is_some_and(openai) {
        return false;
    }
    headers.get(ACCEPT).is_some_and(|accept| accept.as_bytes() == JSON_CONTENT_TYPE.as_bytes())
}

/// Whether the caller asks for chainmodel's binary frames: [`BINARY_FRAMES`] among the
/// `Accept` header's media types (what the Rust client sends in binary mode).
pub(crate) fn asks_binary_frames(headers: &HeaderMap) -> bool {
    headers.get_all(ACCEPT).iter().any(|accept| {
        String::from_utf8_lossy(accept.as_bytes())
            .split(',')
            .any(|range| range.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case(BINARY_FRAMES))
    })
}

/// The response of a stream: `200`, `application/octet-stream`, chunked, each chunk as it
/// comes. The producer runs only as the client reads (no buffer of its own: a reader that
/// does not read holds the producer at its next chunk), and stops when the client goes (the
/// body, and with it the stream and the concurrency `permit`, is dropped). A failure, or a
/// panic, mid-stream is logged and ends the response without its last chunk, so that every
/// HTTP client reports an error instead of a clean end (truss ends it cleanly).
pub(crate) fn streamed(stream: ByteStream, permit: Option<OwnedSemaphorePermit>) -> Response {
    // Produced as hyper sends the body, after the handler: in the request's span and chain
    // context still, so that the generator's logs carry the request ids and its calls forward
    // them, as while `run_remote` ran.
    let chunks =
        Chunks { stream: AssertUnwindSafe(stream).catch_unwind().boxed(), failure: None, done: false, _permit: permit };
    let chunks = InRequest { stream: chunks, span: tracing::Span::current(), context: ChainContext::current() };
    (StatusCode::OK, [(CONTENT_TYPE, BINARY_CONTENT_TYPE)], Body::from_stream(chunks)).into_response()
}

/// A stream polled inside the span and the chain context of the request it answers.
struct InRequest<S> {
    stream: S,
    span: tracing::Span,
    context: Option<ChainContext>,
}

impl<S: Stream + Unpin> Stream for InRequest<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let _entered = this.span.enter();
        match &this.context {
            Some(context) => context.sync_scope(|| this.stream.poll_next_unpin(cx)),
            None => this.stream.poll_next_unpin(cx),
        }
    }
}

/// A stream's chunks, a panic caught as an `Err` of its own.
type CaughtStream = Pin<Box<dyn Stream<Item = std::thread::Result<Result<Bytes, RemoteError>>> + Send>>;

/// The body of a streamed answer.
struct Chunks {
    stream: CaughtStream,
    /// The failure that ends the answer, held back for one poll.
    failure: Option<std::io::Error>,
    done: bool,
    /// Held as long as the stream is: given back when it ends or the client goes.
    _permit: Option<OwnedSemaphorePermit>,
}

impl Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(failure) = self.failure.take() {
            self.done = true;
            return Poll::Ready(Some(Err(failure)));
        }
        if self.done {
            return Poll::Ready(None);
        }
        loop {
            let error = match ready!(self.stream.as_mut().poll_next(cx)) {
                None => {
                    self.done = true;
                    return Poll::Ready(None);
                }
                // An empty chunk would read as the end of a chunked body: nothing to send.
                Some(Ok(Ok(bytes))) if bytes.is_empty() => continue,
                Some(Ok(Ok(bytes))) => return Poll::Ready(Some(Ok(bytes))),
                Some(Ok(Err(error))) => error,
                Some(Err(panic)) => RemoteError::from_panic(panic.as_ref()),
            };
            // hyper drops what it has not written yet when a body fails: the chunks before
            // the failure are flushed first (the server's next poll, after this `Pending`,
            // comes once hyper has flushed what it could), then the answer is cut.
            self.failure = Some(failed(error));
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
    }
}

/// Logs a stream's failure; the error ends the response abnormally.
fn failed(error: RemoteError) -> std::io::Error {
    tracing::error!("the stream failed: {}: {}", error.class_name(), error.message());
    std::io::Error::other(format!("{}: {}", error.class_name(), error.message()))
}

/// truss's `_gather_generator`: the whole stream's bytes as one UTF-8 string, answered as a
/// JSON string (Python's `json.dumps`, non-ASCII escaped) or, in binary mode, a msgpack str.
/// A failure while gathering is answered as any failure of `run_remote`.
pub(crate) async fn gathered(mut stream: ByteStream, mode: Mode) -> Response {
    let mut bytes = Vec::new();
    loop {
        match AssertUnwindSafe(stream.next()).catch_unwind().await {
            Ok(None) => break,
            Ok(Some(Ok(chunk))) => {
                if chunk.len() > GATHER_LIMIT - bytes.len() {
                    let message = format!("the stream is longer than {GATHER_LIMIT} bytes");
                    return RemoteError::new("MemoryError", message).into_response();
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(Some(Err(error))) => return error.into_response(),
            Err(panic) => return RemoteError::from_panic(panic.as_ref()).into_response(),
        }
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let position = error.utf8_error().valid_up_to();
            let message = format!("'utf-8' codec can't decode byte at position {position}: invalid utf-8");
            return RemoteError::new("UnicodeDecodeError", message).into_response();
        }
    };
    match mode {
        Mode::Json => ([(CONTENT_TYPE, JSON_CONTENT_TYPE)], python_json_string(&text)).into_response(),
        Mode::Binary => match chainmodel_runtime::msgpack::to_vec(text.as_str()) {
            Ok(body) => ([(CONTENT_TYPE, BINARY_CONTENT_TYPE)], body).into_response(),
            // A str longer than msgpack holds (4 GiB): the gathering limit keeps below it.
            Err(error) => RemoteError::new("ValueError", error.to_string()).into_response(),
        },
    }
}

/// `json.dumps(text)`: a JSON string with every non-ASCII character escaped (`ensure_ascii`).
fn python_json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_written_as_python_writes_them() {
        // Python: json.dumps("a\"b\\c\n\x01é😀\x7f")
        assert_eq!(python_json_string("a\"b\\c\n\u{1}é😀\u{7f}"), r#""a\"b\\c\n\u0001\u00e9\ud83d\ude00\u007f""#);
    }
}
