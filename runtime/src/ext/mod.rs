//! truss's extension types: datetimes, UUIDs and decimals (features `chrono`, `uuid`,
//! `decimal`). In msgpack they are truss's maps (`{b"__uuid__": True, b"data": "…"}`), in JSON
//! pydantic's strings, in the schema pydantic's formats: each type reads and writes its text
//! once, and the readers and writers add truss's map in binary mode
//! ([`Reader::read_tagged`], [`Writer::write_tagged`](crate::codec::Writer::write_tagged)).

#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "decimal")]
mod decimal;
#[cfg(feature = "uuid")]
mod uuid;

use crate::codec::Reader;
use crate::error::Error;

/// Reads a string and parses it with `parse`, naming `what` in the error.
pub(crate) fn read_text<'de, R: Reader<'de>, T>(
    reader: &mut R,
    what: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, Error> {
    let text = reader.read_str()?;
    parse(&text).ok_or_else(|| Error::invalid_value(format!("expected {what}, got {text:?}")))
}
