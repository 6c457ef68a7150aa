//! `rust_decimal::Decimal`: truss's `{b"__decimal__": True, b"data": str}`, pydantic's `Decimal`
//! (a string in JSON), written as Python's `str(Decimal)`.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::codec::{Decode, Encode, Exactness, Kind, Reader, Source, Writer};
use crate::error::Error;
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
        .map_err(|e| Error::invalid_value(format!("expected a decimal, got {text:?} ({e})")))
}

impl Encode for Decimal {
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_tagged(TAG, |w| w.write_str(&python_str(self)));
    }
}

impl<'de> Decode<'de> for Decimal {
    /// A string, or in JSON a number too (read from its exact text), as pydantic reads a
    /// `Decimal`.
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        // pydantic-core's Decimal from JSON is a strict match, from a Python str, int or float
        // a lax one; truss's map holds a `Decimal` itself (exact).
        if !R::BINARY {
            reader.floor_exactness(if reader.python_mode() { Exactness::Lax } else { Exactness::Strict });
        }
        reader.read_tagged(TAG, |r| {
            if r.peek()? == Kind::Number
                && let Source::Json(json) = r.source()
            {
                return parse(json.parse_number()?.text);
            }
            parse(&super::text(r)?)
        })
    }
}

impl JsonSchema for Decimal {
    fn schema(_: &mut SchemaGenerator) -> Value {
        json!({"anyOf": [{"type": "number"}, {"type": "string"}]})
    }

    fn type_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Decimal")
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("decimal")
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
