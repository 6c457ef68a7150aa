//! A message on the wire as several chunks: the pieces of [`msgpack::to_pieces`], each large
//! owned array's payload a chunk that holds the array's memory, written with the rest in one
//! vectored write rather than copied into one buffer first.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use chainmodel_runtime::msgpack::{Piece, Pieces};
use http_body::{Body, Frame, SizeHint};

/// A message's chunks, in order; cloning shares them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Chunks {
    chunks: Vec<Bytes>,
    len: usize,
}

impl Chunks {
    /// The pieces as chunks, none copied.
    pub(crate) fn from_pieces(pieces: Pieces) -> Self {
        let len = pieces.len();
        let chunk = |piece: Piece| piece.into_buffer().map_or_else(Bytes::from_owner, Bytes::from);
        let chunks = pieces.into_pieces().into_iter().map(chunk).collect();
        Chunks { chunks, len }
    }

    /// The message's length in bytes.
    #[cfg_attr(not(feature = "client"), allow(dead_code))] // the client's upload progress
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The chunks, in order.
    #[cfg_attr(not(feature = "client"), allow(dead_code))]
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Bytes> {
        self.chunks.iter()
    }

    /// An HTTP body sending the chunks, of exactly their length (a `Content-Length`, not
    /// chunked transfer encoding).
    #[cfg_attr(not(feature = "client"), allow(dead_code))] // a request sent again on retry
    pub(crate) fn body(&self) -> ChunksBody {
        self.clone().into_body()
    }

    /// [`body`](Self::body), the chunks moved rather than shared.
    pub(crate) fn into_body(self) -> ChunksBody {
        ChunksBody { chunks: VecDeque::from(self.chunks), remaining: self.len as u64 }
    }
}

impl From<Vec<u8>> for Chunks {
    fn from(bytes: Vec<u8>) -> Self {
        Chunks { len: bytes.len(), chunks: vec![Bytes::from(bytes)] }
    }
}

/// [`Chunks::body`].
pub(crate) struct ChunksBody {
    chunks: VecDeque<Bytes>,
    remaining: u64,
}

impl Body for ChunksBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        Poll::Ready(this.chunks.pop_front().map(|chunk| {
            this.remaining -= chunk.len() as u64;
            Ok(Frame::data(chunk))
        }))
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}
