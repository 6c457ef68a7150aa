//! [`Decimal`]: Python's `decimal.Decimal` as pydantic reads and writes it, kept exactly as
//! given (sign, digits and exponent), so that `1.50` stays `1.50` and `1e30` stays `1E+30`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde_json::{Value, json};

use crate::codec::{Decode, Encode, Exactness, Kind, Number, Reader, Source, Writer};
use crate::error::Error;
use crate::schema::{JsonSchema, SchemaGenerator};

/// truss's tag of a `Decimal` in msgpack: `{b"__decimal__": True, b"data": str(d)}`.
const TAG: &str = "__decimal__";

/// The largest adjusted exponent Python's `decimal` holds (`MAX_EMAX`).
const MAX_ADJUSTED: i128 = 999_999_999_999_999_999;
/// The smallest exponent Python's `decimal` holds (`MIN_ETINY`).
const MIN_EXPONENT: i128 = -1_999_999_999_999_999_997;

/// A finite decimal number as Python's `decimal.Decimal` holds it: a sign, a coefficient's
/// digits and an exponent, exactly as given — `Decimal("1.50")` has the digits `150` and the
/// exponent `-2`, and is written back as `1.50`; `Decimal("1e30")` is written `1E+30`.
///
/// Read as pydantic reads a `Decimal` field: a string (whitespace around it and `_` ignored),
/// an integer exactly, a float through its shortest text (Rust's in JSON mode, Python's `repr`
/// in binary mode, as pydantic-core does), or truss's `__decimal__` map; `NaN` and infinities
/// are refused (`finite_number`), as pydantic's default refuses them. Written as Python's
/// `str(Decimal)`: a JSON string, or truss's map in msgpack. Equality, hashing and ordering
/// are numeric, as Python's (`1.0 == 1.00`, `-0 == 0`).
///
/// ```
/// use chainmodel::Decimal;
///
/// let price: Decimal = "1.50".parse()?;
/// assert_eq!(price.to_string(), "1.50");
/// assert_eq!(price, "1.5".parse()?);
/// assert_eq!("1e30".parse::<Decimal>()?.to_string(), "1E+30");
/// assert_eq!("-0.00000012".parse::<Decimal>()?.to_string(), "-1.2E-7");
/// assert_eq!(price.to_f64(), 1.5);
/// # Ok::<(), chainmodel::Error>(())
/// ```
#[derive(Clone)]
pub struct Decimal {
    negative: bool,
    /// ASCII digits without leading zeros (`0` for zero).
    digits: Box<str>,
    exponent: i64,
}

impl Decimal {
    /// Zero, as `Decimal(0)`.
    pub fn zero() -> Self {
        Decimal { negative: false, digits: "0".into(), exponent: 0 }
    }

    /// Whether the sign is negative (also for `-0`).
    pub fn is_sign_negative(&self) -> bool {
        self.negative
    }

    /// The coefficient's digits, without leading zeros: `150` for `1.50`.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The exponent: `-2` for `1.50`, `30` for `1E+30`.
    pub fn exponent(&self) -> i64 {
        self.exponent
    }

    /// Whether the value is zero (of any sign and exponent).
    pub fn is_zero(&self) -> bool {
        &*self.digits == "0"
    }

    /// The nearest `f64` (infinite beyond its range), as Python's `float(d)`.
    pub fn to_f64(&self) -> f64 {
        let sign = if self.negative { "-" } else { "" };
        format!("{sign}{}e{}", self.digits, self.exponent).parse().unwrap_or(f64::NAN)
    }

    /// The number of decimal places and of digits, as pydantic counts them for
    /// `decimal_places` and `max_digits`: as given, and with trailing zeros stripped (any zero
    /// counts as `0`).
    pub(crate) fn digit_counts(&self) -> ((u64, u64), (u64, u64)) {
        let count = |digits: usize, exponent: i128| -> (u64, u64) {
            let digits = digits as i128;
            let (places, total) =
                if exponent >= 0 { (0, digits + exponent) } else { (-exponent, digits.max(-exponent)) };
            let clamp = |v: i128| u64::try_from(v).unwrap_or(u64::MAX);
            (clamp(places), clamp(total))
        };
        let as_given = count(self.digits.len(), i128::from(self.exponent));
        let trailing = self.digits.len() - self.digits.trim_end_matches('0').len();
        let normalized = if self.is_zero() {
            (0, 1)
        } else {
            count(self.digits.len() - trailing, i128::from(self.exponent) + trailing as i128)
        };
        (as_given, normalized)
    }

    /// The number with its digits as given, from parts checked here.
    fn from_parts(negative: bool, digits: &str, exponent: i128) -> Result<Self, ParseDecimalError> {
        let digits = digits.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        let adjusted = exponent + digits.len() as i128 - 1;
        if adjusted > MAX_ADJUSTED || exponent < MIN_EXPONENT {
            return Err(ParseDecimalError(Fault::Invalid));
        }
        let exponent = i64::try_from(exponent).map_err(|_| ParseDecimalError(Fault::Invalid))?;
        Ok(Decimal { negative, digits: digits.into(), exponent })
    }

    /// The numeric value's canonical parts: sign, digits without trailing zeros, exponent
    /// (zero as `+0E0`).
    fn normalized(&self) -> (bool, &str, i128) {
        if self.is_zero() {
            return (false, "0", 0);
        }
        let digits = self.digits.trim_end_matches('0');
        (self.negative, digits, i128::from(self.exponent) + (self.digits.len() - digits.len()) as i128)
    }
}

/// Why a text is no `Decimal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// Not a number: pydantic's `decimal_parsing`.
    Invalid,
    /// `NaN` or an infinity: pydantic's `finite_number`.
    NotFinite,
}

/// A text that is no finite decimal number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseDecimalError(Fault);

impl fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Fault::Invalid => "Input should be a valid decimal",
            Fault::NotFinite => "Input should be a finite number",
        })
    }
}

impl std::error::Error for ParseDecimalError {}

impl From<ParseDecimalError> for Error {
    fn from(error: ParseDecimalError) -> Self {
        match error.0 {
            Fault::Invalid => Error::validation("decimal_parsing", error.to_string(), None),
            Fault::NotFinite => Error::validation("finite_number", error.to_string(), None),
        }
    }
}

impl FromStr for Decimal {
    type Err = ParseDecimalError;

    /// Python's `Decimal(text)` as pydantic calls it: whitespace around the number and `_`
    /// anywhere are ignored; a sign, digits with an optional `.`, an optional exponent.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let cleaned: String;
        let text = if text.contains('_') {
            cleaned = text.replace('_', "");
            &cleaned
        } else {
            text
        };
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let lower = rest.to_ascii_lowercase();
        if ["inf", "infinity"].contains(&lower.as_str())
            || (lower.starts_with("nan") || lower.starts_with("snan"))
                && lower.trim_start_matches('s').trim_start_matches("nan").bytes().all(|b| b.is_ascii_digit())
        {
            return Err(ParseDecimalError(Fault::NotFinite));
        }
        let invalid = || ParseDecimalError(Fault::Invalid);
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        let (int, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() && fraction.is_empty() || !all_digits(int) || !all_digits(fraction) {
            return Err(invalid());
        }
        let exponent = match exponent {
            None => 0i128,
            Some(text) => {
                let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
                if digits.is_empty() || !all_digits(digits) {
                    return Err(invalid());
                }
                // Beyond what Python holds either way: refused below.
                let magnitude = digits.trim_start_matches('0');
                let magnitude: i128 = if magnitude.len() > 30 { i128::MAX / 2 } else { magnitude.parse().unwrap_or(0) };
                if text.starts_with('-') { -magnitude } else { magnitude }
            }
        };
        let digits = format!("{int}{fraction}");
        Decimal::from_parts(negative, &digits, exponent - fraction.len() as i128)
    }
}

/// Python's `str(Decimal)`: plain notation when the exponent is at most 0 and the adjusted
/// exponent at least -6, else scientific (`1E+30`, `1.2E-7`).
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = &*self.digits;
        let sign = if self.negative { "-" } else { "" };
        let exponent = i128::from(self.exponent);
        let left = exponent + digits.len() as i128;
        let dot = if exponent <= 0 && left > -6 { left } else { 1 };
        f.write_str(sign)?;
        if dot <= 0 {
            write!(f, "0.{}{digits}", "0".repeat(usize::try_from(-dot).unwrap_or(0)))?;
        } else if dot >= digits.len() as i128 {
            write!(f, "{digits}{}", "0".repeat(usize::try_from(dot - digits.len() as i128).unwrap_or(0)))?;
        } else {
            let (int, fraction) = digits.split_at(dot as usize);
            write!(f, "{int}.{fraction}")?;
        }
        if left != dot {
            write!(f, "E{:+}", left - dot)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal('{self}')")
    }
}

/// Numeric equality, as Python's: `1.0 == 1.00`, `-0 == 0`.
impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.normalized() == other.normalized()
    }
}

impl Eq for Decimal {}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalized().hash(state);
    }
}

/// Numeric order, as Python's.
impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a_negative, a_digits, a_exponent) = self.normalized();
        let (b_negative, b_digits, b_exponent) = other.normalized();
        let (a_zero, b_zero) = (a_digits == "0", b_digits == "0");
        // -1, 0 or 1, as a sign.
        let sign = |negative: bool, zero: bool| {
            if zero {
                0
            } else if negative {
                -1
            } else {
                1
            }
        };
        let (a_sign, b_sign) = (sign(a_negative, a_zero), sign(b_negative, b_zero));
        if a_sign != b_sign || a_sign == 0 {
            return a_sign.cmp(&b_sign);
        }
        // Same sign, both non-zero: compare magnitudes by adjusted exponent, then digits.
        let magnitude =
            (a_exponent + a_digits.len() as i128).cmp(&(b_exponent + b_digits.len() as i128)).then_with(|| {
                let width = a_digits.len().max(b_digits.len());
                let pad = |d: &str| format!("{d:0<width$}");
                pad(a_digits).cmp(&pad(b_digits))
            });
        if a_sign < 0 { magnitude.reverse() } else { magnitude }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Default for Decimal {
    fn default() -> Self {
        Decimal::zero()
    }
}

macro_rules! from_integer {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Decimal {
            /// `Decimal(int)`: the integer's digits, exponent 0.
            fn from(value: $ty) -> Self {
                Decimal {
                    negative: value < (0 as $ty),
                    digits: value.unsigned_abs().to_string().into(),
                    exponent: 0,
                }
            }
        }
    )*};
}

from_integer!(i8, i16, i32, i64, i128, isize);

macro_rules! from_unsigned {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Decimal {
            fn from(value: $ty) -> Self {
                Decimal { negative: false, digits: value.to_string().into(), exponent: 0 }
            }
        }
    )*};
}

from_unsigned!(u8, u16, u32, u64, u128, usize);

impl TryFrom<f64> for Decimal {
    type Error = ParseDecimalError;

    /// As pydantic reads a Python float: through its `repr` (`0.1` is `Decimal('0.1')`,
    /// `1e30` is `Decimal('1E+30')`); NaN and infinities are refused.
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        if !value.is_finite() {
            return Err(ParseDecimalError(Fault::NotFinite));
        }
        crate::format::python_float(value).parse()
    }
}

/// The type error pydantic gives a `Decimal` field for anything but a number or a string.
fn type_error() -> Error {
    Error::validation("decimal_type", "Decimal input should be an integer, float, string or Decimal object", None)
}

/// A plain value: a string, an integer, a float (its text as pydantic-core makes it: Rust's
/// shortest text from JSON, Python's `repr` from a Python float).
fn read_plain<'de, R: Reader<'de>>(reader: &mut R) -> Result<Decimal, Error> {
    match reader.peek()? {
        Kind::Str => Ok(reader.read_str()?.parse()?),
        Kind::Number => {
            let python = reader.python_mode();
            if let Source::Json(json) = reader.source() {
                let number = json.parse_number()?;
                if number.is_integer {
                    // An int: `-0` is `0`.
                    let decimal: Decimal = number.text.parse()?;
                    return Ok(if decimal.is_zero() { Decimal::zero() } else { decimal });
                }
                let value: f64 = number.text.parse().map_err(|_| Error::from(ParseDecimalError(Fault::NotFinite)))?;
                if !value.is_finite() {
                    return Err(ParseDecimalError(Fault::NotFinite).into());
                }
                return Ok(if python { Decimal::try_from(value)? } else { value.to_string().parse()? });
            }
            match reader.read_number()? {
                Number::Int(value) => Ok(Decimal::from(value)),
                Number::Float(value) => Ok(Decimal::try_from(value)?),
            }
        }
        _ => Err(type_error()),
    }
}

impl Encode for Decimal {
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_tagged(TAG, |w| w.write_str(&self.to_string()));
    }
}

impl<'de> Decode<'de> for Decimal {
    /// What pydantic's `Decimal` reads (see [`Decimal`]); in binary mode also truss's map.
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        let kind = reader.peek()?;
        if reader.python_mode() && kind == Kind::Map {
            // truss's map holds a `Decimal` itself: an exact match.
            let data = |r: &mut R| -> Result<Decimal, Error> {
                if r.peek()? != Kind::Str {
                    return Err(Error::unexpected_type("a string", "another value"));
                }
                Ok(r.read_str()?.parse()?)
            };
            return reader.read_tagged(TAG, data).map_err(|error| {
                error.map_own_kind(|own| match own {
                    crate::ErrorKind::InvalidValue(text) if text.starts_with("expected truss's") => {
                        Some(crate::ErrorKind::Validation {
                            kind: "decimal_type",
                            message: "Decimal input should be an integer, float, string or Decimal object".into(),
                            ctx: None,
                        })
                    }
                    _ => None,
                })
            });
        }
        // pydantic-core's Decimal from JSON is a strict match, from a Python str, int or float
        // a lax one (refused in strict mode).
        if reader.python_mode() {
            if reader.validation().strict {
                return Err(type_error());
            }
            reader.floor_exactness(Exactness::Lax);
        } else {
            reader.floor_exactness(Exactness::Strict);
        }
        read_plain(reader)
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

    fn d(text: &str) -> Decimal {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn written_as_python_writes_decimals() {
        for (text, python) in [
            ("1.5", "1.5"),
            ("1.50", "1.50"),
            ("0.0000001", "1E-7"),
            ("0.000001", "0.000001"),
            ("-123456789012345678.000", "-123456789012345678.000"),
            ("0.00000012", "1.2E-7"),
            ("-0", "-0"),
            ("100", "100"),
            ("1e30", "1E+30"),
            ("1E+2", "1E+2"),
            ("-1.50E-3", "-0.00150"),
            ("0E-7", "0E-7"),
            ("1_0.0_1e1_0", "1.001E+11"),
            ("+.5e-3", "0.0005"),
            ("1.", "1"),
            (" \t1\n", "1"),
            ("007.50", "7.50"),
            ("1e999999999999999999", "1E+999999999999999999"),
        ] {
            assert_eq!(d(text).to_string(), python, "{text}");
        }
    }

    #[test]
    fn refuses_what_python_refuses() {
        for text in ["1e", "e5", "0x10", "1 000", "", ".", "-", "1e+", "15e999999999999999999", "0e1000000000000000000"]
        {
            assert_eq!(text.parse::<Decimal>(), Err(ParseDecimalError(Fault::Invalid)), "{text}");
        }
        for text in ["NaN", "-nan", "NaN123", "sNaN", "Inf", "-Infinity", "inf"] {
            assert_eq!(text.parse::<Decimal>(), Err(ParseDecimalError(Fault::NotFinite)), "{text}");
        }
    }

    #[test]
    fn equal_and_ordered_by_value() {
        assert_eq!(d("1.0"), d("1.00"));
        assert_eq!(d("-0"), d("0E-7"));
        assert_eq!(d("1E+2"), d("100"));
        assert!(d("-2") < d("-1.5"));
        assert!(d("0.099") < d("0.1"));
        assert!(d("1E+30") > d("999999999999999999999999999999"));
        assert_eq!(Decimal::try_from(0.1).unwrap().to_string(), "0.1");
        assert_eq!(Decimal::try_from(1e30).unwrap().to_string(), "1E+30");
        assert_eq!(Decimal::from(-5i64).to_string(), "-5");
        assert_eq!(d("1.5E+3").to_f64(), 1500.0);
    }

    #[test]
    fn digits_counted_as_pydantic_counts_them() {
        assert_eq!(d("1.230").digit_counts(), ((3, 4), (2, 3)));
        assert_eq!(d("0.0123").digit_counts(), ((4, 4), (4, 4)));
        assert_eq!(d("1E+2").digit_counts(), ((0, 3), (0, 3)));
        assert_eq!(d("0.00").digit_counts(), ((2, 2), (0, 1)));
    }
}
