//! JSON mode: text byte-identical to pydantic's `model_dump_json()`, read as pydantic's
//! `model_validate_json` reads it.
//!
//! Models get these through `#[derive(ChainModel)]`; the free functions work on any value
//! whose type has a JSON form.
//!
//! ```
//! use chainmodel::prelude::*;
//!
//! #[derive(ChainModel, Debug, PartialEq)]
//! struct Point { x: i64, y: Option<f64> }
//!
//! let text = chainmodel::json::to_string(&Point { x: 1, y: None })?;
//! assert_eq!(text, r#"{"x":1,"y":null}"#);
//! let back: Point = chainmodel::json::from_str(r#"{"y": 2.5, "x": "3"}"#)?;
//! assert_eq!(back, Point { x: 3, y: Some(2.5) });
//! # Ok::<(), chainmodel::Error>(())
//! ```

mod array;
pub(crate) use array::{Base64Text, DATA_KEY, DTYPE_KEY, SHAPE_KEY, any_array, typed_elements};
mod form;
mod input;
mod python_error;
mod read;
pub(crate) mod unchecked;
mod write;

pub use form::{CHECKED_LEVELS, Checked, JsonForm, S, Z};
pub use input::{JsonMap, JsonSeq};
pub use read::{DEFAULT_MAX_DEPTH, JsonReader};
use unchecked::{from_slice_unchecked_with, from_truss_body_unchecked, to_string_unchecked};
pub use write::{JsonWriter, escape_into};

use crate::codec::{Decode, Encode};
use crate::error::{Error, Input, InputOf};

/// A type with a JSON form, written as pydantic writes the equivalent Python type: the JSON
/// face of [`Encode`], which every encodable type has.
///
/// Binary data is written as pydantic writes bytes (their UTF-8 text), but a model with a
/// `Bytes` or `&[u8]` field is binary-only: the functions that make JSON ask for
/// [`JsonForm`] too, which such a model lacks.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be written as JSON", label = "needs a JSON form")]
pub trait JsonEncode: Encode {
    /// Writes the value's JSON text: [`Encode::encode`] with the JSON writer.
    fn encode_json(&self, writer: &mut JsonWriter) {
        self.encode(writer);
    }
}

impl<T: Encode + ?Sized> JsonEncode for T {}

/// A type read from JSON as pydantic reads the equivalent Python type, lax conversions
/// included (`"3"` for an integer, `1` for `true`): the JSON face of [`Decode`], which every
/// decodable type has. The functions that read JSON ask for [`JsonForm`] too.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be read from JSON", label = "needs a JSON form")]
pub trait JsonDecode<'de>: Decode<'de> {
    /// Reads one value: [`Decode::decode`] with the JSON reader.
    fn decode_json(reader: &mut JsonReader<'de>) -> Result<Self, Error> {
        Self::decode(reader)
    }
}

impl<'de, T: Decode<'de>> JsonDecode<'de> for T {}

/// The JSON text of `value`, byte-identical to pydantic's `model_dump_json()` for the
/// equivalent model.
pub fn to_string<T: JsonEncode + JsonForm<Checked> + ?Sized>(value: &T) -> Result<String, Error> {
    to_string_unchecked(value)
}

/// Reads a `T` from JSON text; nothing but whitespace may follow the value.
pub fn from_str<'de, T: JsonDecode<'de> + JsonForm<Checked>>(text: &'de str) -> Result<T, Error> {
    from_slice(text.as_bytes())
}

/// Reads a `T` from JSON bytes (UTF-8); nothing but whitespace may follow the value.
/// Decodes with the default [`Limits`](crate::Limits).
pub fn from_slice<'de, T: JsonDecode<'de> + JsonForm<Checked>>(bytes: &'de [u8]) -> Result<T, Error> {
    from_slice_with(bytes, &crate::Limits::DEFAULT)
}

/// As [`from_slice`], with the given limits of nesting and message size.
pub fn from_slice_with<'de, T: JsonDecode<'de> + JsonForm<Checked>>(
    bytes: &'de [u8],
    limits: &crate::Limits,
) -> Result<T, Error> {
    from_slice_unchecked_with(bytes, limits)
}

/// Reads a `T` from a JSON request body as truss's server reads one: `body.decode('utf8')`,
/// Python's `json.loads` of the text, then pydantic's `model_validate` (python mode) of the
/// result, as its `parse_raw` does. The values accepted are [`from_slice_with`]'s; refusals
/// are worded as python mode words them ([`JsonReader::as_python`]), and a body that is not
/// UTF-8, starts with a byte order mark, or is malformed JSON is `parse_raw`'s one error,
/// located at `__root__`, with Python's message (`'utf-8' codec can't decode byte 0xff in
/// position 0: invalid start byte`, `Unexpected UTF-8 BOM (decode using utf-8-sig): line 1
/// column 1 (char 0)`, `Expecting value: line 1 column 1 (char 0)`). Finding that message
/// copies nothing of the body. chainmodel's chainlet server reads JSON bodies with it.
pub fn from_truss_body<'de, T: JsonDecode<'de> + JsonForm<Checked>>(
    bytes: &'de [u8],
    limits: &crate::Limits,
) -> Result<T, Error> {
    from_truss_body_unchecked(bytes, limits)
}

/// Reads one `T` with `reader`, over the whole of `bytes`; an error is reported as pydantic
/// reports it for the whole input: pydantic parses the JSON before it validates anything, so
/// malformed JSON anywhere is the one error (`json_invalid`, about the whole text, whose
/// input is the text); a wrong value at the top keeps the value as its input.
fn read_whole<'de, T: Decode<'de>>(
    mut reader: JsonReader<'de>,
    bytes: &'de [u8],
    limits: &crate::Limits,
) -> Result<T, Error> {
    let python_mode = reader.python_mode;
    let error = match T::decode(&mut reader).and_then(|value| reader.finish().map(|()| value)) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let mut again = JsonReader::new(bytes).with_max_depth(limits.max_depth);
    again.python_mode = python_mode;
    let mut error = crate::codec::whole_message_error(again, JsonReader::finish, error);
    if matches!(error.kind(), crate::ErrorKind::Syntax { .. }) {
        // Malformed JSON is an error about the whole text, wherever it was found.
        error = Error::new(error.kind().clone());
        if let Some(input) = text_input(bytes) {
            error.set_input(&input, crate::value::show_input, InputOf::Value);
        }
    }
    Err(error)
}

/// The whole text as an error's `input`, when it is small enough to keep.
fn text_input(bytes: &[u8]) -> Option<Input> {
    (bytes.len() <= Error::MAX_INPUT).then(|| Input::Text(String::from_utf8_lossy(bytes).into()))
}

/// Malformed JSON as pydantic's `parse_raw` reports it: one error at `__root__`, whose message is
/// Python's exception on truss's path (see [`from_truss_body`]).
#[cold]
fn python_json_error(bytes: &[u8], error: Error) -> Error {
    match python_error::truss_json_error(bytes) {
        Some(message) => root_error(bytes, message),
        // Python reads what chainmodel's reader does not: keep chainmodel's error.
        None => error,
    }
}

/// `parse_raw`'s error for a body Python refuses: at `__root__`, its type naming the
/// exception's class.
#[cold]
fn root_error(bytes: &[u8], message: String) -> Error {
    let kind = if message.contains("codec can't decode") {
        "value_error.unicodedecode"
    } else if message.contains(": line ") {
        "value_error.jsondecode"
    } else {
        "value_error"
    };
    let mut error = Error::validation(kind, message, None);
    if let Some(input) = text_input(bytes) {
        error.set_input(&input, crate::value::show_input, InputOf::Value);
    }
    error.at_field("__root__")
}

/// `str(UnicodeDecodeError)` of `bytes.decode('utf8')` for bytes valid up to `valid_up_to`.
pub(crate) fn strict_utf8_error_text(bytes: &[u8], valid_up_to: usize) -> String {
    python_error::strict_utf8_error(bytes, valid_up_to).to_string()
}

/// The text of the exception Python's `json.loads(bytes)` raises for `input` (encoding
/// detection included), or `None` if it parses it.
#[doc(hidden)]
pub fn python_json_error_text(input: &[u8]) -> Option<String> {
    python_error::python_json_error(input)
}
