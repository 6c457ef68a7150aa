//! `Uuid`: truss's `{b"__uuid__": True, b"data": str}`, pydantic's `UUID`.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::codec::{Decode, Encode, Kind, Reader, Writer};
use crate::error::Error;
use crate::schema::{JsonSchema, SchemaGenerator};

const TAG: &str = "__uuid__";

impl Encode for Uuid {
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_tagged(TAG, |w| w.write_str(&self.hyphenated().to_string()));
    }
}

/// pydantic's `uuid_type`.
fn uuid_type() -> Error {
    Error::validation("uuid_type", "UUID input should be a string, bytes or UUID object", None)
}

/// A UUID's text, refused with pydantic's `uuid_parsing` and the `uuid` crate's reason, as
/// pydantic-core (which parses with the same crate) words it.
fn read_uuid<'de, R: Reader<'de>>(reader: &mut R) -> Result<Uuid, Error> {
    if !matches!(reader.peek()?, Kind::Str) {
        return Err(uuid_type());
    }
    let text = super::text(reader)?;
    Uuid::parse_str(&text).map_err(|error| {
        let error = error.to_string();
        Error::validation(
            "uuid_parsing",
            format!("Input should be a valid UUID, {error}"),
            Some(json!({ "error": error })),
        )
    })
}

impl<'de> Decode<'de> for Uuid {
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        let read = |reader: &mut R| {
            super::read_extension(
                reader,
                TAG,
                "uuid_type",
                "UUID input should be a string, bytes or UUID object",
                read_uuid,
            )
        };
        // pydantic-core's UUID from a JSON string is an exact match (a Python str a lax one).
        if reader.python_mode() { read(reader) } else { crate::codec::exactly(reader, read) }
    }
}

impl JsonSchema for Uuid {
    fn schema(_: &mut SchemaGenerator) -> Value {
        json!({"format": "uuid", "type": "string"})
    }

    fn type_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("UUID")
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("uuid")
    }
}
