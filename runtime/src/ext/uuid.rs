//! `Uuid`: truss's `{b"__uuid__": True, b"data": str}`, pydantic's `UUID`.

use serde_json::{Value, json};
use uuid::Uuid;

use super::{read_json_text, read_truss_map, write_truss_map};
use crate::error::Error;
use crate::json::{JsonDecode, JsonEncode, JsonReader, JsonWriter};
use crate::msgpack::{MsgpackDecode, MsgpackEncode, MsgpackReader, MsgpackWriter};
use crate::schema::{JsonSchema, SchemaGenerator};

const TAG: &str = "__uuid__";

fn parse(text: &str) -> Option<Uuid> {
    Uuid::parse_str(text).ok()
}

impl JsonEncode for Uuid {
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.string(&self.hyphenated().to_string());
    }
}

impl JsonDecode<'_> for Uuid {
    fn decode_json(reader: &mut JsonReader<'_>) -> Result<Self, Error> {
        read_json_text(reader, "a UUID", parse)
    }
}

impl MsgpackEncode for Uuid {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        write_truss_map(writer, TAG.as_bytes(), |w| w.str(&self.hyphenated().to_string()));
    }
}

impl MsgpackDecode<'_> for Uuid {
    fn decode_msgpack(reader: &mut MsgpackReader<'_>) -> Result<Self, Error> {
        read_truss_map(reader, TAG, |r| {
            let text = r.read_str()?;
            parse(text).ok_or_else(|| crate::ErrorKind::InvalidValue(format!("expected a UUID, got {text:?}")).into())
        })
    }
}

impl JsonSchema for Uuid {
    fn schema(_: &mut SchemaGenerator) -> Value {
        json!({"format": "uuid", "type": "string"})
    }
}
