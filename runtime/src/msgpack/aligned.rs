//! A byte buffer whose start is 8-byte aligned, so that every array of an aligned message
//! read from it is borrowed.

use std::io::Read;
use std::ops::Deref;

use crate::Limits;

/// How much a read asks for at first; the buffer then grows with what arrives, so a declared
/// length costs memory only once its bytes are really there.
const FIRST_READ: usize = 64 * 1024;

/// Bytes stored from an 8-byte aligned address. Decoding [`to_vec`](super::to_vec)'s output
/// from here borrows every array payload, whatever the allocator does with a `Vec<u8>`.
///
/// ```
/// use chainmodel::msgpack::AlignedBytes;
/// use chainmodel::prelude::*;
///
/// #[derive(ChainModel)]
/// struct Frame<'a> { pixels: NdArrayView<'a, f64> }
///
/// let pixels = [0.5, 1.5, 2.5];
/// let message = Frame { pixels: NdArrayView::from_shape_slice(vec![3], &pixels)? }.to_msgpack()?;
/// let received = AlignedBytes::from(&message[..]); // e.g. a request body
/// let frame = Frame::from_msgpack(&received)?;
/// assert!(frame.pixels.is_borrowed());
/// # Ok::<(), chainmodel::Error>(())
/// ```
///
/// A body that arrives in pieces (an HTTP request's chunks) is gathered with
/// [`extend_from_slice`](Self::extend_from_slice); its start stays aligned as it grows.
#[derive(Clone, Default)]
pub struct AlignedBytes {
    words: Vec<u64>,
    len: usize,
}

impl AlignedBytes {
    /// An empty buffer.
    pub fn new() -> Self {
        AlignedBytes::default()
    }

    /// An empty buffer with room for `bytes` bytes.
    pub fn with_capacity(bytes: usize) -> Self {
        AlignedBytes { words: Vec::with_capacity(bytes.div_ceil(8)), len: 0 }
    }

    /// How many bytes it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many bytes it can hold before it grows.
    pub fn capacity(&self) -> usize {
        self.words.capacity().saturating_mul(8)
    }

    /// Makes room for `additional` more bytes than it holds, and no more (up to the next 8),
    /// or fails, without aborting, when the allocator cannot give that much: for a reader
    /// that grows its buffer with what arrives, in steps of its own choosing.
    ///
    /// ```
    /// use chainmodel::msgpack::AlignedBytes;
    ///
    /// let mut body = AlignedBytes::new();
    /// body.try_reserve_exact(100).unwrap();
    /// assert!(body.capacity() >= 100 && body.capacity() < 108);
    /// assert!(body.try_reserve_exact(usize::MAX).is_err());
    /// ```
    pub fn try_reserve_exact(&mut self, additional: usize) -> Result<(), std::collections::TryReserveError> {
        let words = self.len.saturating_add(additional).div_ceil(8);
        self.words.try_reserve_exact(words.saturating_sub(self.words.len()))
    }

    /// Appends `bytes`, growing the buffer as a `Vec` grows (amortised doubling).
    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        let start = self.len;
        self.grow_to(start + bytes.len());
        self.as_mut_bytes()[start..].copy_from_slice(bytes);
    }

    /// Reads exactly `len` bytes of `reader` (a body of known length, such as an HTTP request
    /// with `Content-Length`) straight into an aligned buffer, with no intermediate copy.
    ///
    /// `len` is a claim of the sender: a length beyond the default
    /// [`Limits::max_message_size`] is refused before anything is read, and the buffer grows
    /// with the bytes that really arrive, so a claim the reader does not back costs no memory.
    /// A reader that ends early is an [`UnexpectedEof`](std::io::ErrorKind::UnexpectedEof).
    ///
    /// ```
    /// use chainmodel::msgpack::AlignedBytes;
    ///
    /// let body = AlignedBytes::read_exact_from(&b"\x93\x01\x02\x03"[..], 4)?;
    /// assert_eq!(&body[..], b"\x93\x01\x02\x03");
    /// let err = AlignedBytes::read_exact_from(&b"short"[..], 64 << 30).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidData); // 64 GiB: over the limit
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn read_exact_from(reader: impl Read, len: usize) -> std::io::Result<Self> {
        Self::read_exact_from_with(reader, len, &Limits::DEFAULT)
    }

    /// As [`read_exact_from`](Self::read_exact_from), refusing lengths over
    /// `limits.max_message_size`.
    pub fn read_exact_from_with(reader: impl Read, len: usize, limits: &Limits) -> std::io::Result<Self> {
        check_size(len, limits)?;
        let mut bytes = AlignedBytes::new();
        let read = bytes.read_up_to(reader, len)?;
        if read < len {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("the input ended after {read} of {len} bytes"),
            ));
        }
        Ok(bytes)
    }

    /// Reads all of `reader` into an aligned buffer, refusing more than the default
    /// [`Limits::max_message_size`].
    pub fn read_from(reader: impl Read) -> std::io::Result<Self> {
        Self::read_from_with(reader, &Limits::DEFAULT)
    }

    /// As [`read_from`](Self::read_from), refusing more than `limits.max_message_size` bytes.
    pub fn read_from_with(reader: impl Read, limits: &Limits) -> std::io::Result<Self> {
        let mut bytes = AlignedBytes::new();
        // One byte past the limit tells a message over it from one exactly at it.
        let limit = limits.max_message_size;
        bytes.read_up_to(reader, limit.saturating_add(1))?;
        check_size(bytes.len, limits)?;
        Ok(bytes)
    }

    /// Appends what `reader` gives until it ends or `max` bytes were read; returns the count.
    fn read_up_to(&mut self, mut reader: impl Read, max: usize) -> std::io::Result<usize> {
        let start = self.len;
        let mut chunk = FIRST_READ;
        while self.len - start < max {
            let want = chunk.min(max - (self.len - start));
            let filled = self.len;
            self.grow_to(filled + want);
            let n = loop {
                match reader.read(&mut self.as_mut_bytes()[filled..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.len = filled;
                        return Err(e);
                    }
                }
            };
            self.len = filled + n;
            if n == 0 {
                break;
            }
            // Ask for more as more arrives: the buffer stays within twice what was read.
            chunk = chunk.max(self.len - start);
        }
        Ok(self.len - start)
    }

    fn grow_to(&mut self, len: usize) {
        let words = len.div_ceil(8);
        if words > self.words.len() {
            self.words.resize(words, 0);
        }
        self.len = len;
    }

    /// Where `part` starts in these bytes, if it lies inside them.
    pub(crate) fn offset_of(&self, part: &[u8]) -> Option<usize> {
        let at = (part.as_ptr() as usize).checked_sub(self.as_ptr() as usize)?;
        (at.checked_add(part.len())? <= self.len).then_some(at)
    }

    pub(crate) fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut bytemuck::cast_slice_mut::<u64, u8>(&mut self.words)[..self.len]
    }
}

fn check_size(len: usize, limits: &Limits) -> std::io::Result<()> {
    limits.check_size(len).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))
}

impl From<&[u8]> for AlignedBytes {
    fn from(bytes: &[u8]) -> Self {
        let mut aligned = AlignedBytes::with_capacity(bytes.len());
        aligned.extend_from_slice(bytes);
        aligned
    }
}

impl Deref for AlignedBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &bytemuck::cast_slice::<u64, u8>(&self.words)[..self.len]
    }
}

impl AsRef<[u8]> for AlignedBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::fmt::Debug for AlignedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AlignedBytes({} bytes)", self.len)
    }
}
