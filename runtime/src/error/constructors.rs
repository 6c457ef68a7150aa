//! The cold constructors: every error is built here.

use std::fmt;

use super::{Error, ErrorKind};
use crate::dtype::DType;

/// Every error is built here, one constructor per kind (and per recurring message), so that
/// each kind's wording, and later its pydantic `type` and `msg`, has one place. Cold: errors
/// are off the decoders' hot paths.
impl Error {
    #[cold]
    pub(crate) fn unsupported_dtype(text: impl Into<String>) -> Self {
        ErrorKind::UnsupportedDType(text.into()).into()
    }

    #[cold]
    pub(crate) fn shape_overflow(shape: &[usize]) -> Self {
        ErrorKind::ShapeOverflow(shape.to_vec()).into()
    }

    #[cold]
    pub(crate) fn too_many_dimensions(count: usize) -> Self {
        ErrorKind::TooManyDimensions(count).into()
    }

    #[cold]
    pub(crate) fn length_mismatch(shape: &[usize], dtype: DType, expected: usize, actual: usize) -> Self {
        ErrorKind::LengthMismatch { shape: shape.to_vec(), dtype, expected, actual }.into()
    }

    #[cold]
    pub(crate) fn dtype_mismatch(expected: DType, actual: DType) -> Self {
        ErrorKind::DTypeMismatch { expected, actual }.into()
    }

    /// Malformed msgpack at byte `offset`.
    #[cold]
    pub(crate) fn syntax(format: &'static str, offset: usize, message: &'static str) -> Self {
        ErrorKind::Syntax { format, offset, line: 0, column: 0, message }.into()
    }

    /// Malformed JSON at byte `offset` of `input`, located by line and column as jiter does
    /// (the column of the offending byte from 1, or of the last byte at the end of the input).
    #[cold]
    pub(crate) fn json_syntax(input: &[u8], offset: usize, message: &'static str) -> Self {
        let offset = offset.min(input.len());
        let before = &input[..offset];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = if offset < input.len() { offset - line_start + 1 } else { offset - line_start };
        ErrorKind::Syntax { format: "JSON", offset, line, column, message }.into()
    }

    /// A value of another type than the field's: `expected` names what the field accepts
    /// (`an integer`, `a list`), `found` what the input held (kept for the odd message that
    /// names it). The message is pydantic's for the mode (`an array`/`an object` are JSON's
    /// words, `a list`/`a map` binary mode's).
    #[cold]
    pub(crate) fn unexpected_type(expected: &'static str, found: &'static str) -> Self {
        let (kind, message) = match expected {
            "an integer" => ("int_type", "Input should be a valid integer"),
            "a number" | "a float" => ("float_type", "Input should be a valid number"),
            "a string" | "a string key" => ("string_type", "Input should be a valid string"),
            "a boolean" => ("bool_type", "Input should be a valid boolean"),
            "an array" => ("list_type", "Input should be a valid array"),
            "a list" => ("list_type", "Input should be a valid list"),
            "an object" => ("dict_type", "Input should be an object"),
            "a map" => ("dict_type", "Input should be a valid dictionary"),
            "bytes" => ("bytes_type", "Input should be a valid bytes"),
            // No pydantic counterpart (a numpy array, truss's extension map): chainmodel's words.
            _ => return Error::invalid_value(format!("expected {expected}, got {found}")),
        };
        Error::validation(kind, message, None)
    }

    /// A value pydantic refuses with error type `kind`, message `message` and context `ctx`.
    #[cold]
    pub(crate) fn validation(kind: &'static str, message: impl Into<String>, ctx: Option<serde_json::Value>) -> Self {
        ErrorKind::Validation { kind, message: message.into(), ctx }.into()
    }

    #[cold]
    pub(crate) fn missing_field() -> Self {
        ErrorKind::MissingField.into()
    }

    /// An integer outside the range of the field's Rust type `ty` (`u8`; `an integer` past
    /// 128 bits): pydantic's error for the bound it breaks, as if the field were
    /// `Field(ge=MIN, le=MAX)` (a Python `int` has no range of its own). `value` as written.
    #[cold]
    pub(crate) fn out_of_range(value: impl fmt::Display, ty: &'static str) -> Self {
        let negative = value.to_string().trim_start().starts_with('-');
        let (min, max): (i128, u128) = match ty {
            "u8" => (0, u8::MAX.into()),
            "u16" => (0, u16::MAX.into()),
            "u32" => (0, u32::MAX.into()),
            "u64" | "usize" => (0, u64::MAX.into()),
            "i8" => (i8::MIN.into(), i8::MAX as u128),
            "i16" => (i16::MIN.into(), i16::MAX as u128),
            "i32" => (i32::MIN.into(), i32::MAX as u128),
            "i64" | "isize" => (i64::MIN.into(), i64::MAX as u128),
            "u128" => (0, u128::MAX),
            _ => (i128::MIN, i128::MAX as u128),
        };
        if negative {
            let ctx = serde_json::Number::from_i128(min).map(|n| serde_json::json!({ "ge": n }));
            Error::validation("greater_than_equal", format!("Input should be greater than or equal to {min}"), ctx)
        } else {
            let ctx = serde_json::Number::from_u128(max).map(|n| serde_json::json!({ "le": n }));
            Error::validation("less_than_equal", format!("Input should be less than or equal to {max}"), ctx)
        }
    }

    #[cold]
    pub(crate) fn invalid_value(message: impl Into<String>) -> Self {
        ErrorKind::InvalidValue(message.into()).into()
    }

    #[cold]
    pub(crate) fn too_deep(limit: usize) -> Self {
        ErrorKind::TooDeep(limit).into()
    }

    #[cold]
    pub(crate) fn message_too_large(size: usize, limit: usize) -> Self {
        ErrorKind::MessageTooLarge { size, limit }.into()
    }

    #[cold]
    pub(crate) fn too_long_for_msgpack(what: &'static str, len: usize) -> Self {
        ErrorKind::TooLongForMsgpack { what, len }.into()
    }

    #[cold]
    pub(crate) fn io(error: &std::io::Error) -> Self {
        ErrorKind::Io(error.to_string()).into()
    }

    #[cold]
    pub(crate) fn unsupported_array(message: impl Into<String>) -> Self {
        ErrorKind::UnsupportedArray(message.into()).into()
    }

    #[cold]
    pub(crate) fn invalid_bool(index: usize, value: u8) -> Self {
        ErrorKind::InvalidBool { index, value }.into()
    }

    // Recurring messages of `InvalidValue`.

    /// A value that is none of an enum's values (`expected` in pydantic's words: `'a' or 'b'`).
    #[cold]
    pub(crate) fn unknown_variant(expected: &str) -> Self {
        Error::validation(
            "enum",
            format!("Input should be {expected}"),
            Some(serde_json::json!({ "expected": expected })),
        )
    }

    /// A value that is none of a `Literal`'s values (`expected` in pydantic's words: `1 or 2`).
    #[cold]
    pub(crate) fn literal_error(expected: &str) -> Self {
        Error::validation(
            "literal_error",
            format!("Input should be {expected}"),
            Some(serde_json::json!({ "expected": expected })),
        )
    }

    /// A borrowed field (`&str`, `&[u8]`) given text with escapes, which only an owned copy holds.
    #[cold]
    pub(crate) fn cannot_borrow(field_type: &'static str) -> Self {
        Error::invalid_value(match field_type {
            "&str" => "a string with escapes cannot be borrowed into a `&str` field; use `String` or `Cow<str>`",
            _ => "a borrowed &[u8] cannot hold a string with escapes",
        })
    }

    /// A tuple of `max` items given `len`.
    #[cold]
    pub(crate) fn tuple_too_long(max: usize, len: usize) -> Self {
        let items = if max == 1 { "item" } else { "items" };
        Error::validation(
            "too_long",
            format!("Tuple should have at most {max} {items} after validation, not {len}"),
            Some(serde_json::json!({ "field_type": "Tuple", "max_length": max, "actual_length": len })),
        )
    }

    /// numpy's object arrays carry a pickle, which is never interpreted.
    #[cold]
    pub(crate) fn object_array() -> Self {
        Error::unsupported_array(
            "refusing a numpy object array (kind 'O'): its data is a pickle, which chainmodel never interprets",
        )
    }

    #[cold]
    pub(crate) fn structured_array() -> Self {
        Error::unsupported_array("structured numpy arrays (kind 'V') are not supported")
    }
}
