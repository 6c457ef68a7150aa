//! A message as pieces ([`to_pieces`](super::to_pieces)): the msgpack around the large array
//! payloads in buffers of their own, each large payload of an owned array the array's own
//! memory, shared rather than copied, for a vectored write (an HTTP body of several chunks).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use super::AlignedBytes;
use crate::element::Element;

/// Memory a piece of a message is sent from: an owned array's elements, or the aligned buffer
/// of a received message that an array shares.
#[doc(hidden)]
pub trait ByteOwner: Send + Sync + 'static {
    /// The memory, as bytes.
    fn bytes(&self) -> &[u8];
}

impl<T: Element> ByteOwner for Vec<T> {
    #[inline]
    fn bytes(&self) -> &[u8] {
        bytemuck::cast_slice(self)
    }
}

impl ByteOwner for AlignedBytes {
    #[inline]
    fn bytes(&self) -> &[u8] {
        self
    }
}

/// One piece of a message written by [`to_pieces`](super::to_pieces): msgpack written into a
/// buffer of its own, or an array's payload read from the array's memory, which the piece
/// holds (the array may be dropped or changed meanwhile: a change copies the array first).
///
/// It is `AsRef<[u8]> + Send + Sync + 'static`, what an HTTP body's chunk is made from without
/// a copy (`bytes::Bytes::from_owner`).
pub struct Piece(Repr);

enum Repr {
    Buffer(Vec<u8>),
    Shared { owner: Arc<dyn ByteOwner>, range: Range<usize> },
}

impl Piece {
    /// The bytes `range` of `owner`'s memory.
    #[inline]
    pub(crate) fn shared(owner: Arc<dyn ByteOwner>, range: Range<usize>) -> Self {
        debug_assert!(range.end <= owner.bytes().len());
        Piece(Repr::Shared { owner, range })
    }

    /// Whether the piece is an array's memory rather than a buffer the encoder wrote.
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Repr::Shared { .. })
    }

    /// The buffer the encoder wrote, or the piece itself if it is an array's memory.
    pub fn into_buffer(self) -> Result<Vec<u8>, Piece> {
        match self.0 {
            Repr::Buffer(bytes) => Ok(bytes),
            shared => Err(Piece(shared)),
        }
    }
}

impl AsRef<[u8]> for Piece {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        match &self.0 {
            Repr::Buffer(bytes) => bytes,
            Repr::Shared { owner, range } => &owner.bytes()[range.clone()],
        }
    }
}

impl fmt::Debug for Piece {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.is_shared() { "shared" } else { "buffer" };
        write!(f, "Piece({kind}, {} bytes)", self.as_ref().len())
    }
}

/// A message written as [`Piece`]s, in order: their concatenation is exactly what
/// [`to_vec`](super::to_vec) writes for the same value.
#[derive(Debug, Default)]
pub struct Pieces {
    pieces: Vec<Piece>,
    len: usize,
    /// A received message whose borrowed payloads (views of it) are pieces too.
    within: Option<Arc<AlignedBytes>>,
}

impl Pieces {
    /// The message's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the message is empty (it never is for an encoded value).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The pieces' bytes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.pieces.iter().map(AsRef::as_ref)
    }

    /// The pieces, in order.
    pub fn into_pieces(self) -> Vec<Piece> {
        self.pieces
    }

    /// The message in one buffer (a copy of every piece).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut message = Vec::with_capacity(self.len);
        self.iter().for_each(|piece| message.extend_from_slice(piece));
        message
    }

    /// Pieces that may share `body`'s memory for payloads borrowed from it.
    pub(crate) fn within(body: Arc<AlignedBytes>) -> Self {
        Pieces { within: Some(body), ..Pieces::default() }
    }

    /// `payload` as a piece of the received message it lies in, if it does.
    pub(crate) fn piece_of_body(&self, payload: &[u8]) -> Option<Piece> {
        let body = self.within.as_ref()?;
        let start = body.offset_of(payload)?;
        Some(Piece::shared(Arc::clone(body) as Arc<dyn ByteOwner>, start..start + payload.len()))
    }

    /// Appends msgpack the encoder wrote.
    pub(crate) fn push_buffer(&mut self, buffer: Vec<u8>) {
        if !buffer.is_empty() {
            self.len += buffer.len();
            self.pieces.push(Piece(Repr::Buffer(buffer)));
        }
    }

    /// Appends an array's payload.
    pub(crate) fn push_shared(&mut self, piece: Piece) {
        self.len += piece.as_ref().len();
        self.pieces.push(piece);
    }
}
