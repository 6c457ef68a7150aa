//! [`BigInt`]: Python's unbounded `int`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde_json::{Value, json};

use crate::codec::{Decode, Encode, Reader, Writer};
use crate::constraint::{Number, NumberValue, WideInt};
use crate::error::Error;
use crate::schema::{JsonSchema, SchemaGenerator};

/// An integer of any size, as Python's `int`: a field that takes whatever integer pydantic's
/// `int` takes (`{"n": 2**127 + 5}`, a 4300-digit string), read with pydantic's lax rules
/// (`"1_000"`, `5.0`, `true`; a float past 2^63 is `int_parsing_size`) and written as its
/// digits in JSON; msgpack holds 64 bits, so a larger value stops a binary message, as
/// Python's msgpack refuses it.
///
/// ```
/// use chainmodel::BigInt;
///
/// let n: BigInt = "170141183460469231731687303715884105733".parse()?;
/// assert_eq!(n.to_string(), "170141183460469231731687303715884105733");
/// assert_eq!(i128::try_from(&n), Err(n.clone()));
/// assert_eq!(BigInt::from(-5i64).to_string(), "-5");
/// assert!(n > BigInt::from(u64::MAX));
/// # Ok::<(), chainmodel::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BigInt(WideInt);

impl BigInt {
    /// The value as an `i128`, if it is one.
    pub fn as_i128(&self) -> Option<i128> {
        match &self.0 {
            WideInt::Int(value) => Some(*value),
            WideInt::Huge(_) => None,
        }
    }

    /// The nearest `f64` (infinite beyond its range), as Python's `float(n)`.
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            #[allow(clippy::cast_precision_loss)]
            WideInt::Int(value) => *value as f64,
            WideInt::Huge(text) => text.parse().unwrap_or(f64::NAN),
        }
    }

    /// From a canonical text (`-` then ASCII digits, no leading zero).
    fn from_text(text: &str) -> Self {
        match text.parse::<i128>() {
            Ok(value) => BigInt(WideInt::Int(value)),
            Err(_) => BigInt(WideInt::Huge(text.into())),
        }
    }
}

impl fmt::Display for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            WideInt::Int(value) => write!(f, "{value}"),
            WideInt::Huge(text) => f.write_str(text),
        }
    }
}

impl fmt::Debug for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for BigInt {
    type Err = Error;

    /// Python's `int(text)` as pydantic reads a string: spaces around, a sign, digits with
    /// single underscores between them.
    fn from_str(text: &str) -> Result<Self, Error> {
        crate::lax::int_from_str(text)
    }
}

impl Ord for BigInt {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            (WideInt::Int(a), WideInt::Int(b)) => a.cmp(b),
            (WideInt::Int(_), WideInt::Huge(huge)) => {
                if huge.starts_with('-') {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (WideInt::Huge(huge), WideInt::Int(_)) => {
                if huge.starts_with('-') {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (WideInt::Huge(a), WideInt::Huge(b)) => match (a.strip_prefix('-'), b.strip_prefix('-')) {
                (None, None) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
                (Some(a), Some(b)) => b.len().cmp(&a.len()).then_with(|| b.cmp(a)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
            },
        }
    }
}

impl PartialOrd for BigInt {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Default for BigInt {
    fn default() -> Self {
        BigInt(WideInt::Int(0))
    }
}

macro_rules! conversions {
    ($($ty:ty),*) => {$(
        impl From<$ty> for BigInt {
            #[allow(clippy::cast_lossless)]
            fn from(value: $ty) -> Self {
                BigInt(WideInt::Int(value as i128))
            }
        }

        impl TryFrom<&BigInt> for $ty {
            type Error = BigInt;

            /// The value, if it fits; else the value back.
            fn try_from(value: &BigInt) -> Result<Self, BigInt> {
                value.as_i128().and_then(|v| <$ty>::try_from(v).ok()).ok_or_else(|| value.clone())
            }
        }
    )*};
}

conversions!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, i128);

impl From<u128> for BigInt {
    fn from(value: u128) -> Self {
        match i128::try_from(value) {
            Ok(value) => BigInt(WideInt::Int(value)),
            Err(_) => BigInt(WideInt::Huge(value.to_string().into())),
        }
    }
}

impl TryFrom<&BigInt> for u128 {
    type Error = BigInt;

    fn try_from(value: &BigInt) -> Result<Self, BigInt> {
        match &value.0 {
            WideInt::Int(v) => u128::try_from(*v).ok(),
            WideInt::Huge(text) => text.parse().ok(),
        }
        .ok_or_else(|| value.clone())
    }
}

impl crate::codec::read::sealed::Sealed for BigInt {
    fn from_digits(text: &str) -> Option<Self> {
        let (sign, digits) = match text.strip_prefix('-') {
            Some(digits) => ("-", digits),
            None => ("", text),
        };
        let digits = digits.trim_start_matches('0');
        Some(if digits.is_empty() { BigInt::default() } else { BigInt::from_text(&format!("{sign}{digits}")) })
    }
}

impl crate::codec::Integer for BigInt {
    const NAME: &'static str = "int";

    fn from_i128(value: i128) -> Option<Self> {
        Some(BigInt(WideInt::Int(value)))
    }
}

impl<'de> Decode<'de> for BigInt {
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        reader.read_int()
    }
}

impl Encode for BigInt {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        match &self.0 {
            WideInt::Int(value) => writer.write_int128(*value),
            WideInt::Huge(text) => writer.write_int_text(text),
        }
    }
}

impl JsonSchema for BigInt {
    fn schema(_: &mut SchemaGenerator) -> Value {
        json!({"type": "integer"})
    }

    fn type_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("int")
    }
}

impl Number for BigInt {
    fn number(&self) -> Option<NumberValue> {
        Some(NumberValue::Int(self.0.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_by_value() {
        let big = |t: &str| t.parse::<BigInt>().unwrap();
        let mut values = [
            big("-1000000000000000000000000000000000000000"),
            big("5"),
            big("100000000000000000000000000000000000000000"),
            big("-99999999999999999999999999999999999999999"),
            big("-3"),
            big("99999999999999999999999999999999999999999"),
        ];
        values.sort();
        let texts: Vec<String> = values.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "-99999999999999999999999999999999999999999",
                "-1000000000000000000000000000000000000000",
                "-3",
                "5",
                "99999999999999999999999999999999999999999",
                "100000000000000000000000000000000000000000",
            ]
        );
        assert_eq!(big(" 0001_000 ").to_string(), "1000");
        assert_eq!(big("-000000000000000000000000000000000000000000000000001").to_string(), "-1");
    }
}
