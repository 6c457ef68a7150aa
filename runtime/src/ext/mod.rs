//! truss's extension types: datetimes, UUIDs and decimals (features `chrono`, `uuid`,
//! `decimal`). In msgpack they are truss's maps (`{b"__uuid__": True, b"data": "…"}`), in JSON
//! pydantic's strings, in the schema pydantic's formats.

#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "decimal")]
mod decimal;
#[cfg(feature = "uuid")]
mod uuid;

use crate::error::{Error, ErrorKind};
use crate::msgpack::{MsgpackReader, MsgpackWriter};

/// Writes truss's map `{tag: True, b"data": …}`, the data written by `data`.
pub(crate) fn write_truss_map(writer: &mut MsgpackWriter<'_>, tag: &[u8], data: impl FnOnce(&mut MsgpackWriter<'_>)) {
    writer.map_header(2);
    writer.bin(tag);
    writer.bool(true);
    writer.bin(b"data");
    data(writer);
}

/// Reads truss's map for `tag`, its `data` read by `data`.
pub(crate) fn read_truss_map<'de, T>(
    reader: &mut MsgpackReader<'de>,
    tag: &'static str,
    data: impl FnOnce(&mut MsgpackReader<'de>) -> Result<T, Error>,
) -> Result<T, Error> {
    if reader.peek()? != crate::msgpack::Kind::Map {
        return Err(reader.type_error("a truss extension map"));
    }
    let (mut tagged, mut value, mut data) = (false, None, Some(data));
    for _ in 0..reader.read_map_len()? {
        match reader.read_key_bytes()? {
            key if key == tag.as_bytes() => tagged = reader.read_bool()?,
            b"data" => match data.take() {
                Some(read) => value = Some(read(reader).map_err(|e| e.at_field("data"))?),
                None => reader.skip_value()?,
            },
            _ => reader.skip_value()?,
        }
    }
    reader.leave();
    match (tagged, value) {
        (true, Some(value)) => Ok(value),
        _ => Err(ErrorKind::InvalidValue(format!("expected truss's {tag} map")).into()),
    }
}

/// Reads a JSON string and parses it with `parse`, naming `what` in the error.
#[cfg(any(feature = "chrono", feature = "uuid"))]
pub(crate) fn read_json_text<T>(
    reader: &mut crate::json::JsonReader<'_>,
    what: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, Error> {
    let text = reader.read_str()?;
    parse(&text).ok_or_else(|| ErrorKind::InvalidValue(format!("expected {what}, got {text:?}")).into())
}
