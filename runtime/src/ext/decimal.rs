//! `rust_decimal::Decimal`: truss's `{b"__decimal__": True, b"data": str}`, pydantic's `Decimal`
//! (a string in JSON), written as Python's `str(Decimal)`, read as [`crate::Decimal`] reads it.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::codec::{Decode, Encode, Reader, Writer};
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

#[cfg(test)]
fn parse(text: &str) -> Result<Decimal, Error> {
    let exact: crate::Decimal = text.parse()?;
    Decimal::try_from(&exact)
}

/// `rust_decimal` holds 28 digits after the point at most and no positive exponent: a
/// `chainmodel::Decimal` beyond that is refused (`1E+2` becomes `100`).
impl TryFrom<&crate::Decimal> for Decimal {
    type Error = Error;

    fn try_from(value: &crate::Decimal) -> Result<Self, Error> {
        let sign = if value.is_sign_negative() { "-" } else { "" };
        Decimal::from_scientific(&format!("{sign}{}e{}", value.digits(), value.exponent())).map_err(|e| {
            Error::invalid_value(format!("{value} does not fit a rust_decimal::Decimal ({e}): use chainmodel::Decimal"))
        })
    }
}

/// Exact: the digits and scale as they are.
impl From<Decimal> for crate::Decimal {
    fn from(value: Decimal) -> Self {
        python_str(&value).parse().unwrap_or_default()
    }
}

impl Encode for Decimal {
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_tagged(TAG, |w| w.write_str(&python_str(self)));
    }
}

impl<'de> Decode<'de> for Decimal {
    /// What pydantic's `Decimal` reads, as [`chainmodel::Decimal`](crate::Decimal) reads it,
    /// then held by `rust_decimal` (refused beyond its range).
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        let exact = crate::Decimal::decode(reader)?;
        Decimal::try_from(&exact)
    }
}

/// pydantic's `Decimal`, as [`chainmodel::Decimal`](crate::Decimal)'s.
impl JsonSchema for Decimal {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        <crate::Decimal as JsonSchema>::schema(generator)
    }

    fn type_name() -> std::borrow::Cow<'static, str> {
        <crate::Decimal as JsonSchema>::type_name()
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        <crate::Decimal as JsonSchema>::union_label()
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
