//! pydantic's lax conversions of text and numbers, where the two modes' rules agree: the
//! readers apply them (`json/input.rs` as `model_validate_json` does, `msgpack/input.rs` as
//! `model_validate` does on what truss's deserializer makes of a message), each rule written
//! once here.

use crate::codec::Integer;
use crate::error::Error;

fn invalid(kind: &'static str, message: &'static str) -> Error {
    Error::validation(kind, message, None)
}

#[cold]
fn int_parsing() -> Error {
    invalid("int_parsing", "Input should be a valid integer, unable to parse string as an integer")
}

#[cold]
fn bool_parsing() -> Error {
    invalid("bool_parsing", "Input should be a valid boolean, unable to interpret input")
}

/// pydantic's error for bytes that are not UTF-8 where it wants `expected` (the readers' words:
/// `an integer`, `a boolean`, `a number`, else text): it decodes them before it parses, so a
/// number or a bool fails as unparsable text does, a `str` (a dict key too) with
/// `string_unicode`.
#[cold]
pub(crate) fn bytes_not_utf8(expected: &'static str) -> Error {
    match expected {
        "an integer" => int_parsing(),
        "a boolean" => bool_parsing(),
        "a number" | "a float" => {
            invalid("float_parsing", "Input should be a valid number, unable to parse string as a number")
        }
        _ => invalid("string_unicode", "Input should be a valid string, unable to parse raw data as a unicode string"),
    }
}

/// An integer `I` from a string as pydantic reads one: spaces around, a sign, ASCII digits with
/// single underscores between them (Python's `int()` spelling), and a fraction of zeros only
/// (`"1.00"`, not `"1."`, `"1.5"` nor `"1e2"`); more than 4300 digits is `int_parsing_size`,
/// as in Python. Never through a float: `"9007199254740993.0"` is that integer.
pub(crate) fn int_from_str<I: Integer>(text: &str) -> Result<I, Error> {
    let trimmed = text.trim();
    let whole = match trimmed.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() && fraction.bytes().all(|b| b == b'0') => whole,
        Some(_) => return Err(int_parsing()),
        None => trimmed,
    };
    let (negative, digits) = match whole.as_bytes().first() {
        Some(b'-') => (true, &whole[1..]),
        Some(b'+') => (false, &whole[1..]),
        _ => (false, whole),
    };
    let bytes = digits.as_bytes();
    let well_formed = bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.last().is_some_and(u8::is_ascii_digit)
        && bytes.iter().all(|&b| b.is_ascii_digit() || b == b'_')
        && !digits.contains("__");
    if !well_formed {
        return Err(int_parsing());
    }
    let mut clean = String::with_capacity(digits.len() + 1);
    if negative {
        clean.push('-');
    }
    clean.extend(digits.chars().filter(|&c| c != '_'));
    if clean.len() - usize::from(negative) > MAX_DIGITS {
        return Err(int_parsing_size());
    }
    int_from_digits(&clean)
}

/// The most digits Python reads into an `int` from text.
const MAX_DIGITS: usize = 4300;

#[cold]
fn int_parsing_size() -> Error {
    invalid("int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size")
}

/// An integer `I` written `text` (an optional `-`, then ASCII digits: a JSON integer, or a
/// string once cleaned), however many digits it has; out of `I`'s range is pydantic's error
/// for the bound of that range it breaks.
pub(crate) fn int_from_digits<I: Integer>(text: &str) -> Result<I, Error> {
    match text.parse::<i128>() {
        Ok(value) => int_in_range(value),
        Err(_) => I::from_digits(text).ok_or_else(|| Error::out_of_range(text, I::NAME)),
    }
}

/// `value` as an `I`, or pydantic's error for the bound of `I`'s range it breaks.
#[inline]
pub(crate) fn int_in_range<I: Integer>(value: i128) -> Result<I, Error> {
    I::from_i128(value).ok_or_else(|| Error::out_of_range(value, I::NAME))
}

/// An integer `I` from a float with no fractional part. pydantic reads only floats strictly
/// between -2^63 and 2^63 as integers (`int_parsing_size` beyond, whatever the field's bounds).
pub(crate) fn int_from_float<I: Integer>(value: f64) -> Result<I, Error> {
    if !value.is_finite() {
        return Err(invalid("finite_number", "Input should be a finite number"));
    }
    if value.fract() != 0.0 {
        return Err(invalid("int_from_float", "Input should be a valid integer, got a number with a fractional part"));
    }
    // 2^63, exactly.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if value >= LIMIT || value <= -LIMIT {
        return Err(int_parsing_size());
    }
    #[allow(clippy::cast_possible_truncation)]
    int_in_range(value as i128)
}

/// A float from a string as pydantic-core reads one (`"1.5"`, `" 2 "`, `"nan"`, `"-inf"`):
/// trimmed, or else with its underscores dropped (none first or last, no two in a row:
/// `"1_000"`, also `"1_e5"`), untrimmed.
pub(crate) fn float_from_str(text: &str) -> Result<f64, Error> {
    // Rust's parser reads `inf`, `infinity` and `nan` in any case, as Python's does.
    text.trim()
        .parse::<f64>()
        .or_else(|error| {
            if text.starts_with('_') || text.ends_with('_') || text.contains("__") || !text.contains('_') {
                return Err(error);
            }
            text.replace('_', "").parse::<f64>()
        })
        .map_err(|_| invalid("float_parsing", "Input should be a valid number, unable to parse string as a number"))
}

/// A boolean from a number: 0 or 1 only (another integer is `bool_parsing`, a fraction
/// `bool_type`, as pydantic says).
pub(crate) fn bool_from_number(value: f64) -> Result<bool, Error> {
    match value {
        0.0 => Ok(false),
        1.0 => Ok(true),
        _ if value.fract() != 0.0 || !value.is_finite() => Err(invalid("bool_type", "Input should be a valid boolean")),
        _ => Err(bool_parsing()),
    }
}

/// A boolean from the strings `0 off f false n no 1 on t true y yes`, in any case.
pub(crate) fn bool_from_str(text: &str) -> Result<bool, Error> {
    match text.to_ascii_lowercase().as_str() {
        "0" | "off" | "f" | "false" | "n" | "no" => Ok(false),
        "1" | "on" | "t" | "true" | "y" | "yes" => Ok(true),
        _ => Err(bool_parsing()),
    }
}
