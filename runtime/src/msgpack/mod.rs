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
mod impls;
mod read;
mod write;

pub use aligned::AlignedBytes;
pub(crate) use array::{NumpyScalar, scalar_from_bytes};
pub(crate) use impls::encode_list;
pub use read::{DEFAULT_MAX_DEPTH, Integer, Kind, MsgpackReader};
pub use write::{ARRAY_ALIGNMENT, MAX_LENGTH, MsgpackWriter};

use crate::error::{Error, ErrorKind};

/// A type with a msgpack form, written as truss writes the equivalent Python value.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be written as msgpack", label = "needs a msgpack form")]
pub trait MsgpackEncode {
    /// Writes the value.
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>);

    /// About how many bytes the value takes (at least its payloads), so that a message is
    /// written into one buffer allocated once.
    fn size_hint(&self) -> usize {
        9
    }
}

/// A type read from msgpack as truss's deserializer and pydantic read the equivalent value.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be read from msgpack", label = "needs a msgpack form")]
pub trait MsgpackDecode<'de>: Sized {
    /// The fewest bytes a valid encoding of the value takes (1 unless more is certain): a
    /// list reserves no more items than its remaining input could hold, so a valid message
    /// is read with one allocation per list and a hostile header costs no more memory than
    /// the valid message of the same size would.
    const MIN_LEN: usize = 1;

    /// Reads one value; borrowed types borrow from the reader's input.
    fn decode_msgpack(reader: &mut MsgpackReader<'de>) -> Result<Self, Error>;

    /// The value of a model field whose key is absent: an error, except for `Option`.
    fn missing() -> Result<Self, Error> {
        Err(ErrorKind::MissingField.into())
    }
}

impl<T: MsgpackEncode + ?Sized> MsgpackEncode for &T {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        (**self).encode_msgpack(writer);
    }

    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
}

/// The default binary encoding: standard msgpack with every array payload 8-byte aligned
/// from the start of the message, so that a reader whose buffer is 8-aligned borrows them all.
pub fn to_vec<T: MsgpackEncode + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut writer = MsgpackWriter::with_buffer(Vec::with_capacity(value.size_hint()), true);
    value.encode_msgpack(&mut writer);
    writer.into_result()
}

/// As [`to_vec`], into `buffer` (cleared first), reusing its memory: a server that answers
/// many requests encodes large arrays at the speed of a copy into warm memory.
pub fn to_vec_into<T: MsgpackEncode + ?Sized>(value: &T, buffer: &mut Vec<u8>) -> Result<(), Error> {
    let mut writer = MsgpackWriter::with_buffer(std::mem::take(buffer), true);
    writer.reserve(value.size_hint());
    value.encode_msgpack(&mut writer);
    *buffer = writer.into_result()?;
    Ok(())
}

/// The bytes Python's `truss_msgpack_serialize(model.model_dump(mode="python"))` writes for
/// the same values: every item in its smallest form, no alignment.
pub fn to_vec_compact<T: MsgpackEncode + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut writer = MsgpackWriter::with_buffer(Vec::with_capacity(value.size_hint()), false);
    value.encode_msgpack(&mut writer);
    writer.into_result()
}

/// Streams the aligned encoding to `out`; large array payloads are written straight from the
/// array's memory, never copied into a buffer.
pub fn to_writer<T: MsgpackEncode + ?Sized>(out: &mut impl std::io::Write, value: &T) -> Result<(), Error> {
    let mut writer = MsgpackWriter::streaming(out, true);
    value.encode_msgpack(&mut writer);
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
    limits.check_size(bytes.len())?;
    let mut reader = MsgpackReader::new(bytes).with_max_depth(limits.max_depth);
    let value = T::decode_msgpack(&mut reader)?;
    reader.finish()?;
    Ok(value)
}
