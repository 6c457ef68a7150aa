//! A streaming answer, read as it arrives.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http::HeaderMap;
use tokio::time::{Instant, Sleep};

use super::error::Error;
use crate::chains::streaming::{FrameReader, Utf8Chunks};

/// The chunks of a streaming answer, as they arrive ([`Client::stream`](super::Client::stream)).
///
/// Each item is one chunk as received (`Bytes`); a connection cut or a server that ends the
/// answer without its last chunk (a Rust chainlet that failed mid-stream) is an
/// [`Error::Connection`], a stream still running at the call's deadline an
/// [`Error::Timeout`]; the stream ends after an error. [`text`](Self::text) reads the chunks
/// as text, [`frames`](Self::frames) as typed frames (`truss_chains.streaming`).
#[must_use = "streams do nothing unless polled"]
pub struct ChunkStream {
    chainlet: String,
    timeout: Duration,
    headers: HeaderMap,
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    deadline: Pin<Box<Sleep>>,
    done: bool,
}

impl ChunkStream {
    pub(crate) fn new(
        chainlet: String,
        timeout: Duration,
        deadline: Instant,
        headers: HeaderMap,
        response: reqwest::Response,
    ) -> ChunkStream {
        ChunkStream {
            chainlet,
            timeout,
            headers,
            body: Box::pin(response.bytes_stream()),
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
            done: false,
        }
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The remote's name in errors.
    pub fn chainlet(&self) -> &str {
        &self.chainlet
    }

    /// The chunks as text (a Python `AsyncIterator[str]` chainlet's): a character split
    /// between chunks is joined, bytes that are not UTF-8 are an [`Error::Stream`] naming
    /// their offset.
    pub fn text(self) -> TextStream {
        TextStream { chunks: self, text: Utf8Chunks::new(), ended: false }
    }

    /// The chunks as typed frames (a chainlet streaming through truss's `stream_writer`):
    /// header `H`, items `I`, footer `F` (`()` for none), read strictly.
    pub fn frames<I, H, F>(self) -> FrameReader<ChunkStream, I, H, F>
    where
        I: for<'de> crate::json::JsonDecode<'de>,
        H: for<'de> crate::json::JsonDecode<'de>,
        F: for<'de> crate::json::JsonDecode<'de>,
    {
        FrameReader::new(self)
    }
}

impl Stream for ChunkStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Poll::Ready(chunk) = self.body.as_mut().poll_next(cx) {
            return Poll::Ready(match chunk {
                Some(Ok(bytes)) => Some(Ok(bytes)),
                Some(Err(source)) => {
                    self.done = true;
                    Some(Err(Error::Connection { chainlet: self.chainlet.clone(), attempts: 1, source }))
                }
                None => {
                    self.done = true;
                    None
                }
            });
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.done = true;
            return Poll::Ready(Some(Err(Error::Timeout { chainlet: self.chainlet.clone(), limit: self.timeout })));
        }
        Poll::Pending
    }
}

/// A streaming answer read as text ([`ChunkStream::text`]): each item is the text of one or
/// more chunks, whole characters only; the stream ends after an error.
#[must_use = "streams do nothing unless polled"]
pub struct TextStream {
    chunks: ChunkStream,
    text: Utf8Chunks,
    ended: bool,
}

impl TextStream {
    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        self.chunks.headers()
    }

    fn fail(&mut self, source: crate::chains::streaming::StreamError) -> Option<Result<String, Error>> {
        self.ended = true;
        Some(Err(Error::Stream { chainlet: self.chunks.chainlet.clone(), source }))
    }
}

impl Stream for TextStream {
    type Item = Result<String, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        while !this.ended {
            let item = match std::task::ready!(this.chunks.poll_next_unpin(cx)) {
                Some(Ok(bytes)) => match this.text.push(&bytes) {
                    Ok(piece) if piece.is_empty() => continue,
                    Ok(piece) => Some(Ok(piece)),
                    Err(source) => this.fail(source),
                },
                Some(Err(error)) => {
                    this.ended = true;
                    Some(Err(error))
                }
                None => match this.text.finish() {
                    Ok(()) => {
                        this.ended = true;
                        None
                    }
                    Err(source) => this.fail(source),
                },
            };
            return Poll::Ready(item);
        }
        Poll::Ready(None)
    }
}

impl std::fmt::Debug for TextStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextStream").field("chainlet", &self.chunks.chainlet).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ChunkStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkStream").field("chainlet", &self.chainlet).finish_non_exhaustive()
    }
}
