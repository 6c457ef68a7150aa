//! pydantic's lax conversions of text and numbers, where the two modes' rules agree: the
//! readers apply them (`json/input.rs` as `model_validate_json` does, `msgpack/input.rs` as
//! `model_validate` does on what truss's deserializer makes of a message), each rule written
//! once here.

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

/// An integer from a string: digits with spaces around, or a float's text with no fractional
/// part (`"1.0"`, but not `"1e2"`).
pub(crate) fn int_from_str(text: &str) -> Result<i128, Error> {
    let trimmed = text.trim();
    let numeric = trimmed.bytes().all(|b| b.is_ascii_digit() || b"+-.".contains(&b));
    if !numeric || trimmed.parse::<f64>().is_err() {
        return Err(int_parsing());
    }
    if trimmed.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return trimmed.parse::<i128>().map_err(|_| Error::out_of_range(trimmed, "an integer"));
    }
    // pydantic parses a string with a fraction (`"1.0"`) as a float, but names any failure a
    // parsing one.
    int_from_float(trimmed.parse().unwrap_or(f64::NAN), trimmed).map_err(|_| int_parsing())
}

/// An integer from a float with no fractional part; `text` names it in a range error (written
/// only then).
pub(crate) fn int_from_float(value: f64, text: impl std::fmt::Display) -> Result<i128, Error> {
    if !value.is_finite() {
        return Err(invalid("finite_number", "Input should be a finite number"));
    }
    if value.fract() != 0.0 {
        return Err(invalid("int_from_float", "Input should be a valid integer, got a number with a fractional part"));
    }
    // Past ±1.7e38 a float is outside i128, and so outside every supported integer type.
    if value.abs() >= 1.7e38 {
        return Err(Error::out_of_range(text, "an integer"));
    }
    Ok(value as i128)
}

/// A float from a string Python's `float()` reads (`"1.5"`, `" 2 "`, `"nan"`, `"-inf"`).
pub(crate) fn float_from_str(text: &str) -> Result<f64, Error> {
    // Rust's parser reads `inf`, `infinity` and `nan` in any case, as Python's does.
    text.trim()
        .parse::<f64>()
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
