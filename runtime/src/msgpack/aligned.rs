//! A byte buffer whose start is 8-byte aligned, so that every array of an aligned message
//! read from it is borrowed.

use std::ops::Deref;

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
#[derive(Clone, Default)]
pub struct AlignedBytes {
    words: Vec<u64>,
    len: usize,
}

impl AlignedBytes {
    /// Reads exactly `len` bytes of `reader` (a body of known length, such as an HTTP request
    /// with `Content-Length`) straight into an aligned buffer, with no intermediate copy.
    pub fn read_exact_from(mut reader: impl std::io::Read, len: usize) -> std::io::Result<Self> {
        let mut words = vec![0u64; len.div_ceil(8)];
        reader.read_exact(&mut bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..len])?;
        Ok(AlignedBytes { words, len })
    }

    /// Reads all of `reader` into an aligned buffer.
    pub fn read_from(mut reader: impl std::io::Read) -> std::io::Result<Self> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes)?;
        Ok(AlignedBytes::from(&bytes[..]))
    }
}

impl From<&[u8]> for AlignedBytes {
    fn from(bytes: &[u8]) -> Self {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
        AlignedBytes { words, len: bytes.len() }
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
