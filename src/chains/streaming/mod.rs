//! Streams, as truss-chains streams: raw text or bytes, or typed frames
//! (`truss_chains.streaming`: an optional header, items, an optional footer).
//!
//! A Python chainlet streams by returning `AsyncIterator[str]` or `AsyncIterator[bytes]`; a
//! Rust one by answering a stream of [`Chunk`]s: `String`, `Vec<u8>`, `Bytes`, or [`Frame`]s
//! of models, which are written exactly as `stream_writer(stream_types(Item, header_type=H,
//! footer_type=F))` writes them, so that Python's `stream_reader` reads them. The server
//! side is [`server::Chainlet::streaming`](crate::server::Chainlet::streaming); the calling
//! side [`Client::stream`](crate::client::Client::stream), whose chunks [`Utf8Chunks`] reads
//! as text and [`FrameReader`] as frames.
//!
//! [`generate`] writes a stream as Python writes an async generator, one `send` per `yield`.

mod frame;
#[cfg(feature = "server")]
mod generate;
mod reader;
mod text;

pub use frame::{BINARY_FRAME_HEAD, BINARY_FRAMES, BINARY_TAG, FRAME_TAG_SIZE, Frame, FrameWriter, Tag, encode_frame};
#[cfg(feature = "server")]
pub use generate::{Generated, SendItem, Yielder, generate};
pub use reader::FrameReader;
pub use text::Utf8Chunks;

/// The error a stream's source failed with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a typed stream could not be written or read. Each names the frame (counted from 0) and,
/// when reading, its byte offset in the stream.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// A frame out of its place: a second header, a frame after the footer.
    Order {
        /// The frame's index.
        frame: usize,
        /// What was found.
        what: &'static str,
    },
    /// A header or footer was asked for, and another frame (or the end) came.
    Missing {
        /// The frame's index.
        frame: usize,
        /// What was asked for.
        expected: &'static str,
        /// What came instead (`None`: the end of the stream).
        found: Option<Tag>,
    },
    /// A tag truss does not know.
    UnknownTag {
        /// The frame's index.
        frame: usize,
        /// Its offset.
        offset: u64,
        /// The tag byte.
        tag: u8,
    },
    /// The input ended inside a frame.
    Truncated {
        /// The frame's index.
        frame: usize,
        /// The frame's offset.
        offset: u64,
        /// The bytes the frame's tag (5) or body needed.
        expected: u64,
        /// The bytes that came.
        got: usize,
    },
    /// A frame longer than the limit.
    TooLarge {
        /// The frame's index.
        frame: usize,
        /// Its declared length.
        length: u64,
        /// The limit.
        limit: usize,
    },
    /// A frame's model is not valid (reading), or could not be encoded (writing).
    Invalid {
        /// The frame's index.
        frame: usize,
        /// Its kind.
        tag: Tag,
        /// The model's errors, located.
        source: crate::Error,
    },
    /// A text stream's bytes are not UTF-8.
    Utf8 {
        /// The offset of the first byte that is not.
        offset: u64,
    },
    /// The stream's source failed (a connection cut, a server that ended its response
    /// abnormally).
    Transport {
        /// The frames read before.
        frame: usize,
        /// The source's error.
        source: BoxError,
    },
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Order { frame, what } => write!(f, "frame {frame} of the stream: {what}"),
            StreamError::Missing { frame, expected, found: Some(tag) } => {
                write!(f, "frame {frame} of the stream: expected {expected}, found {} {}", article(*tag), tag.name())
            }
            StreamError::Missing { frame, expected, found: None } => {
                write!(f, "frame {frame} of the stream: expected {expected}, found the end of the stream")
            }
            StreamError::UnknownTag { frame, offset, tag } => {
                write!(f, "frame {frame} of the stream (byte {offset}): unknown frame tag {tag}")
            }
            StreamError::Truncated { frame, offset, expected, got } => write!(
                f,
                "frame {frame} of the stream (byte {offset}): the stream ended after {got} of the frame's {expected} bytes"
            ),
            StreamError::TooLarge { frame, length, limit } => {
                write!(f, "frame {frame} of the stream: {length} bytes, over the limit of {limit}")
            }
            StreamError::Invalid { frame, tag, source } => {
                write!(f, "frame {frame} of the stream ({}): {source}", tag.name())
            }
            StreamError::Utf8 { offset } => write!(f, "the text stream is not UTF-8 at byte {offset}"),
            StreamError::Transport { frame, source } => {
                write!(f, "the stream failed after {frame} frames: {source}")
            }
        }
    }
}

fn article(tag: Tag) -> &'static str {
    if tag == Tag::Item { "an" } else { "a" }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Invalid { source, .. } => Some(source),
            StreamError::Transport { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

#[cfg(feature = "server")]
pub use served::{Chunk, Streamed};

#[cfg(feature = "server")]
mod served {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use chainmodel_runtime::json::JsonEncode;
    use futures_util::{Stream, StreamExt};

    use super::{Frame, FrameWriter};
    use crate::server::RemoteError;

    /// What a streaming chainlet's stream yields: raw text (`String`, `&'static str`), raw
    /// bytes (`Vec<u8>`, `Bytes`), or typed [`Frame`]s.
    pub trait Chunk: Send + 'static {
        /// The state kept from one chunk to the next (a frame writer's order).
        type Writer: Default + Send;

        /// The writer for a caller that asked for binary frames
        /// ([`BINARY_FRAMES`](super::BINARY_FRAMES) in `Accept`): [`FrameWriter::binary`] for
        /// frames; raw text and bytes are sent as they are.
        fn binary_writer() -> Self::Writer {
            Self::Writer::default()
        }

        /// The chunk's bytes on the wire.
        fn encode(self, writer: &mut Self::Writer) -> Result<bytes::Bytes, RemoteError>;
    }

    impl Chunk for String {
        type Writer = ();
        fn encode(self, _: &mut ()) -> Result<bytes::Bytes, RemoteError> {
            Ok(self.into())
        }
    }

    impl Chunk for &'static str {
        type Writer = ();
        fn encode(self, _: &mut ()) -> Result<bytes::Bytes, RemoteError> {
            Ok(bytes::Bytes::from_static(self.as_bytes()))
        }
    }

    impl Chunk for Vec<u8> {
        type Writer = ();
        fn encode(self, _: &mut ()) -> Result<bytes::Bytes, RemoteError> {
            Ok(self.into())
        }
    }

    impl Chunk for bytes::Bytes {
        type Writer = ();
        fn encode(self, _: &mut ()) -> Result<bytes::Bytes, RemoteError> {
            Ok(self)
        }
    }

    impl<I, H, F> Chunk for Frame<I, H, F>
    where
        I: JsonEncode + Send + 'static,
        H: JsonEncode + Send + 'static,
        F: JsonEncode + Send + 'static,
    {
        type Writer = FrameWriter;
        fn binary_writer() -> FrameWriter {
            FrameWriter::binary()
        }
        fn encode(self, writer: &mut FrameWriter) -> Result<bytes::Bytes, RemoteError> {
            writer.write(&self).map(Into::into).map_err(|error| RemoteError::new("ValueError", error.to_string()))
        }
    }

    /// A chainlet's answer stream: chunks, or the error that ends it. What a streaming
    /// chainlet's `run_remote` returns (`AsyncIterator[..]` in Python).
    #[must_use = "streams do nothing unless polled"]
    pub struct Streamed<C> {
        inner: Pin<Box<dyn Stream<Item = Result<C, RemoteError>> + Send>>,
    }

    impl<C: Chunk> Streamed<C> {
        /// The chunks of `stream`, errors made [`RemoteError`]s.
        pub fn new<S, E>(stream: S) -> Streamed<C>
        where
            S: Stream<Item = Result<C, E>> + Send + 'static,
            E: Into<RemoteError>,
        {
            Streamed { inner: Box::pin(stream.map(|chunk| chunk.map_err(Into::into))) }
        }
    }

    impl<C> Stream for Streamed<C> {
        type Item = Result<C, RemoteError>;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            self.inner.as_mut().poll_next(cx)
        }
    }

    impl<C> std::fmt::Debug for Streamed<C> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Streamed").finish_non_exhaustive()
        }
    }
}
