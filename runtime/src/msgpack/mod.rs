//! Binary mode: msgpack as truss writes it (`truss_msgpack_serialize(model.model_dump())`:
//! msgpack + msgpack_numpy), read without copying large arrays.
//!
//! [`to_vec`] (what [`ChainModel::to_msgpack`](crate::ChainModel::to_msgpack) writes) places
//! every array payload at an 8-byte aligned offset from the start of the message, using
//! msgpack's wider header forms where the smallest would misalign it; the result stays
//! standard msgpack that Python's msgpack_numpy reads. [`to_vec_compact`] writes exactly the
//! bytes Python writes for the same values.
//!
//! ```
//! use chainmodel::prelude::*;
//!
//! #[derive(ChainModel, Debug, PartialEq)]
//! struct Frame<'a> { id: u32, pixels: NdArrayView<'a, f32> }
//!
//! let frame = Frame { id: 7, pixels: NdArrayView::from_shape_slice(vec![2, 2], &[0.5, 1.0, 1.5, 2.0])? };
//! let bytes = chainmodel::msgpack::to_vec(&frame)?;
//! let back: Frame = chainmodel::msgpack::from_slice(&bytes)?;
//! assert_eq!(back.pixels.as_slice(), frame.pixels.as_slice());
//! # Ok::<(), chainmodel::Error>(())
//! ```

mod aligned;
mod array;
mod input;
mod pieces;
mod read;
mod unpack_error;
mod write;

pub use aligned::AlignedBytes;
pub(crate) use array::{MIN_ARRAY_LEN, NumpyScalar, scalar_from_bytes};
pub use input::{MsgpackMap, MsgpackSeq};
#[doc(hidden)]
pub use pieces::ByteOwner;
pub use pieces::{Piece, Pieces};
pub use read::{DEFAULT_MAX_DEPTH, MsgpackReader};
pub use write::{ARRAY_ALIGNMENT, MAX_LENGTH, MsgpackWriter};

use std::sync::Arc;

use crate::codec::{Decode, Encode};
use crate::error::Error;

/// A type with a msgpack form, written as truss writes the equivalent Python value: the
/// binary face of [`Encode`], which every encodable type has.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be written as msgpack", label = "needs a msgpack form")]
pub trait MsgpackEncode: Encode {
    /// Writes the value: [`Encode::encode`] with the msgpack writer.
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        self.encode(writer);
    }
}

impl<T: Encode + ?Sized> MsgpackEncode for T {}

/// A type read from msgpack as truss's deserializer and pydantic read the equivalent value:
/// the binary face of [`Decode`], which every decodable type has.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be read from msgpack", label = "needs a msgpack form")]
pub trait MsgpackDecode<'de>: Decode<'de> {
    /// [`Decode::MIN_LEN`]: the fewest bytes a valid encoding of the value takes.
    const MIN_LEN: usize = <Self as Decode<'de>>::MIN_LEN;

    /// Reads one value: [`Decode::decode`] with the msgpack reader.
    fn decode_msgpack(reader: &mut MsgpackReader<'de>) -> Result<Self, Error> {
        Self::decode(reader)
    }
}

impl<'de, T: Decode<'de>> MsgpackDecode<'de> for T {}

/// The default binary encoding: standard msgpack with every array payload 8-byte aligned
/// from the start of the message, so that a reader whose buffer is 8-aligned borrows them all.
pub fn to_vec<T: MsgpackEncode + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut writer = MsgpackWriter::with_buffer(Vec::with_capacity(value.size_hint()), true);
    value.encode(&mut writer);
    writer.into_result()
}

/// As [`to_vec`], into `buffer` (cleared first), reusing its memory: a server that answers
/// many requests encodes large arrays at the speed of a copy into warm memory.
pub fn to_vec_into<T: MsgpackEncode + ?Sized>(value: &T, buffer: &mut Vec<u8>) -> Result<(), Error> {
    let mut writer = MsgpackWriter::with_buffer(std::mem::take(buffer), true);
    writer.reserve(value.size_hint());
    value.encode(&mut writer);
    *buffer = writer.into_result()?;
    Ok(())
}

/// The bytes Python's `truss_msgpack_serialize(model.model_dump(mode="python"))` writes for
/// the same values: every item in its smallest form, no alignment.
pub fn to_vec_compact<T: MsgpackEncode + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut writer = MsgpackWriter::with_buffer(Vec::with_capacity(value.size_hint()), false);
    value.encode(&mut writer);
    writer.into_result()
}

/// The aligned encoding as [`Pieces`], for a vectored write (an HTTP body of several chunks):
/// the payload of every owned array ([`NdArray`](crate::NdArray)) of 64 KiB or more is a
/// piece of its own that holds the array's memory, shared rather than copied; everything else
/// is written into buffers. The pieces together are exactly [`to_vec`]'s bytes.
///
/// ```
/// use chainmodel::prelude::*;
///
/// #[derive(ChainModel)]
/// struct Tensor { values: NdArray<f32>, name: String }
///
/// let tensor = Tensor { values: NdArray::from_vec(vec![0.5; 1 << 16]), name: "x".into() };
/// let pieces = chainmodel::msgpack::to_pieces(&tensor)?;
/// let shared: Vec<bool> = pieces.into_pieces().iter().map(|piece| piece.is_shared()).collect();
/// assert_eq!(shared, [false, true, false]); // the map's head, the payload, the rest
/// # Ok::<(), chainmodel::Error>(())
/// ```
pub fn to_pieces<T: MsgpackEncode + ?Sized>(value: &T) -> Result<Pieces, Error> {
    let mut writer = MsgpackWriter::pieces(true);
    writer.presize_pieces(value.size_hint());
    value.encode(&mut writer);
    writer.into_pieces()
}

/// As [`to_pieces`], and large payloads of arrays that borrow from `body` (the views of a
/// received message, [`NdArrayView`](crate::NdArrayView)) are pieces of `body`'s memory too:
/// a handler answering views of its request sends them without a copy.
///
/// ```
/// use std::sync::Arc;
/// use chainmodel::msgpack::{self, AlignedBytes};
/// use chainmodel::prelude::*;
///
/// #[derive(ChainModel)]
/// struct Frame<'a> { pixels: NdArrayView<'a, f32> }
///
/// let pixels = vec![0.5f32; 1 << 16];
/// let message = Frame { pixels: NdArrayView::from_shape_slice(vec![1 << 16], &pixels)? }.to_msgpack()?;
/// let body = Arc::new(AlignedBytes::from(&message[..]));
/// let frame: Frame<'_> = msgpack::from_slice(&body)?;
/// let pieces = msgpack::to_pieces_within(&frame, &body)?.into_pieces();
/// assert!(pieces.iter().any(|piece| piece.is_shared()));
/// # Ok::<(), chainmodel::Error>(())
/// ```
pub fn to_pieces_within<T: MsgpackEncode + ?Sized>(value: &T, body: &Arc<AlignedBytes>) -> Result<Pieces, Error> {
    let mut writer = MsgpackWriter::pieces_within(true, Arc::clone(body));
    writer.presize_pieces(value.size_hint());
    value.encode(&mut writer);
    writer.into_pieces()
}

/// Streams the aligned encoding to `out`; large array payloads are written straight from the
/// array's memory, never copied into a buffer.
pub fn to_writer<T: MsgpackEncode + ?Sized>(out: &mut impl std::io::Write, value: &T) -> Result<(), Error> {
    let mut writer = MsgpackWriter::streaming(out, true);
    value.encode(&mut writer);
    writer.finish_stream()
}

/// Reads a `T` from msgpack; nothing may follow the value. Arrays and strings of borrowing
/// types (`NdArrayView`, `&str`, `&[u8]`) borrow from `bytes` when they can.
/// Decodes with the default [`Limits`](crate::Limits).
pub fn from_slice<'de, T: MsgpackDecode<'de>>(bytes: &'de [u8]) -> Result<T, Error> {
    from_slice_with(bytes, &crate::Limits::DEFAULT)
}

/// As [`from_slice`], with the given limits of nesting and message size.
pub fn from_slice_with<'de, T: MsgpackDecode<'de>>(bytes: &'de [u8], limits: &crate::Limits) -> Result<T, Error> {
    decode_with(MsgpackReader::new(bytes), limits)
}

fn decode_with<'de, T: MsgpackDecode<'de>>(reader: MsgpackReader<'de>, limits: &crate::Limits) -> Result<T, Error> {
    let input = reader.input();
    limits.check_size(input.len())?;
    let mut reader = reader.with_max_depth(limits.max_depth);
    let value = T::decode(&mut reader).map_err(|error| {
        // truss's deserializer reads the whole message before any validation.
        let again = MsgpackReader::new(input).with_max_depth(limits.max_depth);
        crate::codec::whole_message_error(again, |again| again.finish(), error)
    })?;
    reader.finish()?;
    Ok(value)
}

/// Reads a `T` from a received message in a shared aligned buffer (an HTTP body), as
/// [`from_slice`] does, except that owned arrays ([`NdArray`](crate::NdArray)) whose payload is
/// aligned and in native byte order are not copied: they share `body`'s memory, which lives
/// until the last of them is dropped. An array written to is copied first, unless it is the
/// buffer's only holder (then it is written in place); payloads that are not aligned (as
/// Python's msgpack writes them) are copied, once.
///
/// ```
/// use std::sync::Arc;
/// use chainmodel::msgpack::{self, AlignedBytes};
/// use chainmodel::prelude::*;
///
/// #[derive(ChainModel)]
/// struct Tensor { values: NdArray<f32> }
///
/// let message = Tensor { values: NdArray::from_vec(vec![1.0, 2.0, 3.0]) }.to_msgpack()?;
/// let body = Arc::new(AlignedBytes::from(&message[..]));
/// let mut tensor: Tensor = msgpack::from_shared(&body)?;
/// assert!(tensor.values.is_shared());
/// drop(body); // the array is now the buffer's only holder: written in place
/// tensor.values += 10.0;
/// assert_eq!(tensor.values.as_slice(), &[11.0, 12.0, 13.0]);
/// # Ok::<(), chainmodel::Error>(())
/// ```
pub fn from_shared<'de, T: MsgpackDecode<'de>>(body: &'de Arc<AlignedBytes>) -> Result<T, Error> {
    from_shared_with(body, &crate::Limits::DEFAULT)
}

/// As [`from_shared`], with the given limits of nesting and message size.
pub fn from_shared_with<'de, T: MsgpackDecode<'de>>(
    body: &'de Arc<AlignedBytes>,
    limits: &crate::Limits,
) -> Result<T, Error> {
    decode_with(MsgpackReader::new(body).sharing(body), limits)
}

/// The text of the exception truss's server gets when `msgpack.unpackb` refuses a binary
/// request body (`Unpack failed: incomplete input`, `unpack(b) received extra data.`, ...), which
/// truss answers bare with a `400`; `None` when msgpack reads the body.
#[doc(hidden)]
pub fn truss_unpack_error_text(bytes: &[u8]) -> Option<String> {
    unpack_error::truss_unpack_error(bytes)
}
