//! pydantic's lax conversions of text and numbers, where the two modes' rules agree: the
//! readers apply them (`json/input.rs` as `model_validate_json` does, `msgpack/input.rs` as
//! `model_validate` does on what truss's deserializer makes of a message), each rule written
//! once here.

use crate::error::Error;

fn invalid(message: String) -> Error {
    Error::invalid_value(message)
}

/// An integer from a string: digits with spaces around, or a float's text with no fractional
/// part (`"1.0"`, but not `"1e2"`).
pub(crate) fn int_from_str(text: &str) -> Result<i128, Error> {
    let trimmed = text.trim();
    let numeric = trimmed.bytes().all(|b| b.is_ascii_digit() || b"+-.".contains(&b));
    if !numeric || trimmed.parse::<f64>().is_err() {
        return Err(invalid(format!("expected an integer, got the string {text:?}")));
    }
    if trimmed.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return trimmed.parse::<i128>().map_err(|_| Error::out_of_range(trimmed, "an integer"));
    }
    int_from_float(trimmed.parse().unwrap_or(f64::NAN), trimmed)
}

/// An integer from a float with no fractional part; `text` names it in a range error (written
/// only then).
pub(crate) fn int_from_float(value: f64, text: impl std::fmt::Display) -> Result<i128, Error> {
    if !value.is_finite() {
        return Err(invalid("expected a finite number".into()));
    }
    if value.fract() != 0.0 {
        return Err(invalid("expected an integer, got a number with a fractional part".into()));
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
    text.trim().parse::<f64>().map_err(|_| invalid(format!("expected a number, got the string {text:?}")))
}

/// A boolean from a number: 0 or 1 only.
pub(crate) fn bool_from_number(value: f64) -> Result<bool, Error> {
    match value {
        0.0 => Ok(false),
        1.0 => Ok(true),
        _ => Err(invalid("expected a boolean, got a number other than 0 and 1".into())),
    }
}

/// A boolean from the strings `0 off f false n no 1 on t true y yes`, in any case.
pub(crate) fn bool_from_str(text: &str) -> Result<bool, Error> {
    match text.to_ascii_lowercase().as_str() {
        "0" | "off" | "f" | "false" | "n" | "no" => Ok(false),
        "1" | "on" | "t" | "true" | "y" | "yes" => Ok(true),
        _ => Err(invalid(format!("expected a boolean, got the string {text:?}"))),
    }
}
