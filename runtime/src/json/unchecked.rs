//! The JSON functions for any type, binary-only models included, without the check that a
//! type has a JSON form: what the chainmodel crate's server and client use (through
//! `__private`) to answer and send every model in JSON mode, as truss does, bytes as their
//! UTF-8 text.

use super::python_error;
use super::{JsonDecode, JsonEncode, JsonReader, JsonWriter, python_json_error, read_whole, root_error};
use crate::error::Error;

/// [`to_string`](super::to_string) for any type, binary-only models included: bytes are written as pydantic
/// writes them, as their UTF-8 text, and bytes that are not UTF-8 are pydantic's error
/// (`invalid utf-8 sequence of 1 bytes from index 0`, the whole message, no location).
pub fn to_string_unchecked<T: JsonEncode + ?Sized>(value: &T) -> Result<String, Error> {
    let mut writer = JsonWriter::new();
    value.encode(&mut writer);
    writer.finish()
}

/// [`from_truss_body`](super::from_truss_body) for any type, binary-only models included (their bytes read from JSON
/// strings as pydantic reads them: the string's UTF-8 bytes): what a server answering a JSON
/// request for a binary-only model reads it with.
pub fn from_truss_body_unchecked<'de, T: JsonDecode<'de>>(
    bytes: &'de [u8],
    limits: &crate::Limits,
) -> Result<T, Error> {
    limits.check_size(bytes.len())?;
    // truss decodes the whole body before it parses: bytes that are not UTF-8 anywhere, or a
    // BOM, fail there, whatever the model would skip.
    if (std::str::from_utf8(bytes).is_err() || bytes.starts_with(b"\xef\xbb\xbf"))
        && let Some(message) = python_error::truss_json_error(bytes)
    {
        return Err(root_error(bytes, message));
    }
    read_whole(JsonReader::new(bytes).with_max_depth(limits.max_depth).as_python(), bytes, limits).map_err(|error| {
        if matches!(error.kind(), crate::ErrorKind::Syntax { .. }) { python_json_error(bytes, error) } else { error }
    })
}

/// [`from_slice_with`](super::from_slice_with) for any type, binary-only models included.
pub fn from_slice_unchecked_with<'de, T: JsonDecode<'de>>(
    bytes: &'de [u8],
    limits: &crate::Limits,
) -> Result<T, Error> {
    limits.check_size(bytes.len())?;
    read_whole(JsonReader::new(bytes).with_max_depth(limits.max_depth), bytes, limits)
}
