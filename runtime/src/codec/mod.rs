//! One validator per type for both modes, as pydantic-core has it: each type reads itself
//! once ([`Decode`]), generic over a [`Reader`], and writes itself once ([`Encode`]), generic
//! over a [`Writer`]. JSON mode and binary mode are the two implementations of each:
//! [`JsonReader`](crate::json::JsonReader) / [`JsonWriter`](crate::json::JsonWriter) and
//! [`MsgpackReader`](crate::msgpack::MsgpackReader) /
//! [`MsgpackWriter`](crate::msgpack::MsgpackWriter).
//!
//! A type asks its reader questions ("an integer here", "a list here"), and the reader
//! answers them with its mode's rules: pydantic's `model_validate_json` for JSON, and
//! `model_validate` of what truss's deserializer makes of msgpack for binary mode (so `"3"`
//! reads as an integer in both, `b"3"` only in binary mode, and an array is a base64 object in
//! one and a msgpack_numpy map in the other). Lists and maps are read through accessors
//! ([`SeqAccess`], [`MapAccess`]) that the reader opens, bounds by its nesting limit, and
//! closes: a decoder cannot forget either. Everything is generic, so each decoder is compiled
//! once per mode, with no dynamic dispatch.
//!
//! ```
//! use chainmodel::codec::{Decode, Encode, MapAccess, Reader, Writer};
//! use chainmodel::Error;
//!
//! /// A point that travels as `{"x": .., "y": ..}` in both modes.
//! #[derive(Debug, PartialEq)]
//! struct Point { x: i64, y: i64 }
//!
//! impl<'de> Decode<'de> for Point {
//!     fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
//!         reader.read_map(|map| {
//!             let (mut x, mut y) = (None, None);
//!             while let Some(key) = map.next_field()? {
//!                 match &*key {
//!                     b"x" => x = Some(map.next_value::<i64>()?),
//!                     b"y" => y = Some(map.next_value::<i64>()?),
//!                     _ => map.skip_value()?,
//!                 }
//!             }
//!             Ok(Point { x: x.unwrap_or_default(), y: y.unwrap_or_default() })
//!         })
//!     }
//! }
//!
//! // Point holds no binary data: it has a JSON form (at every level of the check).
//! impl<N> chainmodel::json::JsonForm<N> for Point {}
//!
//! impl Encode for Point {
//!     fn encode<W: Writer>(&self, writer: &mut W) {
//!         writer.write_map(2, |map| {
//!             map.entry("x", &self.x);
//!             map.entry("y", &self.y);
//!         });
//!     }
//! }
//!
//! let point: Point = chainmodel::json::from_str(r#"{"y": "2", "x": 1}"#)?;
//! assert_eq!(chainmodel::json::to_string(&point)?, r#"{"x":1,"y":2}"#);
//! assert_eq!(chainmodel::msgpack::from_slice::<Point>(&chainmodel::msgpack::to_vec(&point)?)?, point);
//! # Ok::<(), chainmodel::Error>(())
//! ```

// What only the derive's generated code calls (through `__private`).
pub(crate) mod checked;
pub(crate) mod choice;
mod extra;
mod impls;
pub use extra::ExtraFields;
pub use impls::{KeyInput, MapKey};
pub(crate) mod read;
pub(crate) mod whole_input;
mod write;

pub use crate::error::Input;
#[cfg(any(feature = "chrono", feature = "uuid"))]
pub(crate) use choice::exactly;
pub use read::{
    ArrayParts, Exactness, Integer, Kind, MapAccess, Mark, Number, Reader, SeqAccess, Source, UnionMemo, Validation,
};
pub(crate) use read::{LazyMemo, Payload, Rewind, recover_in_place, try_decode, whole_message_error};
pub use write::{FieldKey, MapWriter, SeqWriter, Writer};

use crate::error::Error;

/// A type read from either mode: implemented once, over any [`Reader`].
///
/// `#[derive(ChainModel)]` implements it for models; the crate implements it for the field
/// types it supports. [`JsonDecode`](crate::json::JsonDecode) and
/// [`MsgpackDecode`](crate::msgpack::MsgpackDecode) are its two faces, for bounds that name
/// a mode.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be read by chainmodel", label = "needs `Decode`")]
pub trait Decode<'de>: Sized {
    /// The fewest bytes a valid binary-mode (msgpack) encoding of the value takes (1 unless
    /// more is certain): a list reserves no more items than its remaining input could hold,
    /// so a valid message is read with one allocation per list and a hostile header costs no
    /// more memory than the valid message of the same size would.
    const MIN_LEN: usize = 1;

    /// Reads one value; borrowing types borrow from the reader's input where they can.
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error>;

    /// The value of a model field whose key is absent: an error, except for `Option`.
    fn missing() -> Result<Self, Error> {
        Err(Error::missing_field())
    }

    /// Reads one value of a field with number `bounds` (which the field checks once the value
    /// is read): an integer type refuses a value beyond its range with the first of `bounds`
    /// that value breaks, as pydantic names an `int` field's own bound; other types read as
    /// [`decode`](Self::decode) does.
    #[doc(hidden)]
    #[inline]
    fn decode_within<R: Reader<'de>>(reader: &mut R, bounds: &crate::constraint::NumberBounds) -> Result<Self, Error> {
        let _ = bounds;
        Self::decode(reader)
    }
}

/// A type written in either mode: implemented once, over any [`Writer`].
///
/// [`JsonEncode`](crate::json::JsonEncode) and [`MsgpackEncode`](crate::msgpack::MsgpackEncode)
/// are its two faces, for bounds that name a mode.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be written by chainmodel", label = "needs `Encode`")]
pub trait Encode {
    /// Writes the value.
    fn encode<W: Writer>(&self, writer: &mut W);

    /// About how many bytes the value takes in binary mode (at least its payloads), so that a
    /// message is written into one buffer allocated once.
    fn size_hint(&self) -> usize {
        9
    }
}

impl<T: Encode + ?Sized> Encode for &T {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        (**self).encode(writer);
    }

    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
}
