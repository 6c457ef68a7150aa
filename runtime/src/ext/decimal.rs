//! `rust_decimal::Decimal`: truss's `{b"__decimal__": True, b"data": str}`, pydantic's `Decimal`
//! (a string in JSON), written as Python's `str(Decimal)`.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{read_truss_map, write_truss_map};
use crate::error::{Error, ErrorKind};
use crate::json::{JsonDecode, JsonEncode, JsonReader, JsonWriter, Peek};
use crate::msgpack::{MsgpackDecode, MsgpackEncode, MsgpackReader, MsgpackWriter};
use crate::schema::{JsonSchema, SchemaGenerator};

const TAG: &str = "__decimal__";

/// Python's `str(Decimal)`: plain notation unless the adjusted exponent is below -6.
pub(crate) fn python_str(value: &Decimal) -> String {
    let digits = value.mantissa().unsigned_abs().to_string();
    let exponent = -i64::from(value.scale());
    let adjusted = exponent + digits.len() as i64 - 1;
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if adjusted >= -6 {
        if exponent == 0 {
            return format!("{sign}{digits}");
        }
        let point = digits.len() as i64 + exponent;
        return if point > 0 {
            let (int, fraction) = digits.split_at(point as usize);
            format!("{sign}{int}.{fraction}")
        } else {
            format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
        };
    }
    let (lead, rest) = digits.split_at(1);
    let point = if rest.is_empty() { "" } else { "." };
    format!("{sign}{lead}{point}{rest}E{adjusted:+}")
}

fn parse(text: &str) -> Result<Decimal, Error> {
    let trimmed = text.trim();
    Decimal::from_str(trimmed)
        .or_else(|_| Decimal::from_scientific(trimmed))
        .map_err(|e| ErrorKind::InvalidValue(format!("expected a decimal, got {text:?} ({e})")).into())
}

impl JsonEncode for Decimal {
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.string(&python_str(self));
    }
}

impl JsonDecode<'_> for Decimal {
    /// A string or a number, as pydantic reads a `Decimal`.
    fn decode_json(reader: &mut JsonReader<'_>) -> Result<Self, Error> {
        match reader.peek()? {
            Peek::Number => parse(reader.read_number()?.text),
            _ => parse(&reader.read_str()?),
        }
    }
}

impl MsgpackEncode for Decimal {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        write_truss_map(writer, TAG.as_bytes(), |w| w.str(&python_str(self)));
    }
}

impl MsgpackDecode<'_> for Decimal {
    fn decode_msgpack(reader: &mut MsgpackReader<'_>) -> Result<Self, Error> {
        read_truss_map(reader, TAG, |r| parse(r.read_str()?))
    }
}

impl JsonSchema for Decimal {
    fn schema(_: &mut SchemaGenerator) -> Value {
        json!({"anyOf": [{"type": "number"}, {"type": "string"}]})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_as_python_writes_decimals() {
        for (text, python) in [
            ("1.5", "1.5"),
            ("0.0000001", "1E-7"),
            ("0.000001", "0.000001"),
            ("-123456789012345678.000", "-123456789012345678.000"),
            ("0.00000012", "1.2E-7"),
            ("-0", "0"),
            ("100", "100"),
        ] {
            assert_eq!(python_str(&parse(text).unwrap()), python, "{text}");
        }
        assert_eq!(parse("1E+2").unwrap(), Decimal::from(100));
    }
}
