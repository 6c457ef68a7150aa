//! `Uuid`: truss's `{b"__uuid__": True, b"data": str}`, pydantic's `UUID`.

use serde_json::{Value, json};
use uuid::Uuid;

use super::read_text;
use crate::codec::{Decode, Encode, Reader, Writer};
use crate::error::Error;
use crate::schema::{JsonSchema, SchemaGenerator};

const TAG: &str = "__uuid__";

fn parse(text: &str) -> Option<Uuid> {
    Uuid::parse_str(text).ok()
}

impl Encode for Uuid {
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_tagged(TAG, |w| w.write_str(&self.hyphenated().to_string()));
    }
}

impl<'de> Decode<'de> for Uuid {
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        reader.read_tagged(TAG, |r| read_text(r, "a UUID", parse))
    }
}

impl JsonSchema for Uuid {
    fn schema(_: &mut SchemaGenerator) -> Value {
        json!({"format": "uuid", "type": "string"})
    }
}
