//! truss's extension types: datetimes, UUIDs and decimals (features `chrono`, `uuid`,
//! `decimal`). In msgpack they are truss's maps (`{b"__uuid__": True, b"data": "…"}`), in JSON
//! pydantic's strings, in the schema pydantic's formats: each type reads and writes its text
//! once, and the readers and writers add truss's map in binary mode
//! ([`Reader::read_tagged`], [`Writer::write_tagged`](crate::codec::Writer::write_tagged)).

#[cfg(feature = "chrono")]
pub(crate) mod chrono;
#[cfg(feature = "decimal")]
mod decimal;
#[cfg(feature = "uuid")]
mod uuid;

use std::borrow::Cow;

use crate::codec::{Kind, Reader};
use crate::error::Error;

/// The text of an extension value: pydantic's JSON string, or the str in truss's map. (Not
/// bytes, which pydantic's lax str would take: truss's decoder hands the map's data to
/// `datetime.fromisoformat`, `UUID` or `Decimal` before pydantic sees it, and they refuse bytes.)
pub(crate) fn text<'de, R: Reader<'de>>(reader: &mut R) -> Result<Cow<'de, str>, Error> {
    if R::BINARY && reader.peek()? == Kind::Bytes {
        return Err(Error::unexpected_type("a string", "bytes"));
    }
    reader.read_str()
}

/// Reads an extension value with `read`: in binary mode truss's map (`{tag: True, b"data": ..}`),
/// or a plain value as pydantic's `model_validate` reads what truss's deserializer leaves
/// alone (a str, a number); a plain value is a lax input there (and in JSON read as truss's
/// server reads it), so in strict mode, as a smart-mode union's first try is, it is pydantic's
/// type error (`kind`, `message`). In JSON mode, the value.
pub(crate) fn read_extension<'de, R: Reader<'de>, T>(
    reader: &mut R,
    tag: &'static str,
    kind: &'static str,
    message: &'static str,
    read: impl FnOnce(&mut R) -> Result<T, Error>,
) -> Result<T, Error> {
    // In python mode (binary mode, and JSON as truss's server reads it) a str is no datetime or
    // UUID itself: it is read laxly. In JSON mode, the text is the value's own form.
    if reader.python_mode() && reader.peek()? != Kind::Map {
        if reader.validation().strict {
            return Err(Error::validation(kind, message, None));
        }
        reader.floor_exactness(crate::codec::Exactness::Lax);
        return read(reader);
    }
    // A map that is not truss's is a value of another type.
    reader.read_tagged(tag, read).map_err(|error| {
        error.map_own_kind(|own| match own {
            crate::ErrorKind::InvalidValue(text) if text.starts_with("expected truss's") => {
                Some(crate::ErrorKind::Validation { kind, message: message.into(), ctx: None })
            }
            _ => None,
        })
    })
}

/// Reads an extension value's text and parses it with `parse`, naming `what` in the error.
pub(crate) fn read_text<'de, R: Reader<'de>, T>(
    reader: &mut R,
    what: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, Error> {
    let text = text(reader)?;
    parse(&text).ok_or_else(|| Error::invalid_value(format!("expected {what}, got {text:?}")))
}

#[cfg(all(test, feature = "uuid"))]
mod tests {
    use uuid::Uuid;

    /// truss's map holds the text as a str; as data, bytes are refused (truss's decoder would
    /// fail on them), though pydantic's lax str reads bytes elsewhere in binary mode.
    #[test]
    fn truss_map_data_is_a_str() {
        let text = b"67e55044-10b1-426f-9247-bb680e5fe0c8";
        let map = |data_marker: &[u8]| {
            let mut message = vec![0x82, 0xc4, 8];
            message.extend_from_slice(b"__uuid__");
            message.extend_from_slice(&[0xc3, 0xc4, 4, b'd', b'a', b't', b'a']);
            message.extend_from_slice(data_marker);
            message.extend_from_slice(text);
            message
        };
        let uuid: Uuid = crate::msgpack::from_slice(&map(&[0xd9, 36])).unwrap();
        assert_eq!(uuid.to_string().as_bytes(), text);
        let err = crate::msgpack::from_slice::<Uuid>(&map(&[0xc4, 36])).unwrap_err();
        assert_eq!(err.to_string(), "data: UUID input should be a string, bytes or UUID object");
    }
}
