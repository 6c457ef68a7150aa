//! What went wrong ([`ErrorKind`]) and where ([`PathSegment`]).

use std::borrow::Cow;
use std::fmt;

use super::UnionMembers;
use crate::dtype::DType;

/// One step of an error's location: a field name, a list index, or an integer map key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A field of a model or a key of a map given as text (a str key as it is, another key as
    /// pydantic writes it: `b'k'` for bytes, `1.5`, `None`, and `[key]` for the key itself).
    Field(Cow<'static, str>),
    /// An index into a list or tuple.
    Index(usize),
    /// A map key given as an integer (binary mode, a [`Value`](crate::Value)): an int in
    /// pydantic's `loc`, `d[1]` in truss's text.
    Key(i128),
}

impl fmt::Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSegment::Field(name) => f.write_str(name),
            PathSegment::Index(index) => write!(f, "{index}"),
            PathSegment::Key(key) => write!(f, "{key}"),
        }
    }
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A dtype string that numpy would not produce for a supported element type, such as
    /// `object`, `|V8` or `<U5`.
    #[error("unsupported dtype '{0}'")]
    UnsupportedDType(String),
    /// The product of an array's dimensions does not fit in `usize`, or its size in bytes
    /// does not.
    #[error("array shape {} is too large", PyShape(.0))]
    ShapeOverflow(Vec<usize>),
    /// An array shape with more dimensions than numpy allows (64).
    #[error("arrays have at most 64 dimensions, got {0}")]
    TooManyDimensions(usize),
    /// An array's data is not `product(shape) × itemsize` bytes (or elements) long.
    #[error("array of shape {} and dtype {dtype} needs {expected} bytes, got {actual}", PyShape(.shape))]
    LengthMismatch {
        /// The declared shape.
        shape: Vec<usize>,
        /// The declared dtype.
        dtype: DType,
        /// `product(shape) × itemsize`.
        expected: usize,
        /// The length of the data.
        actual: usize,
    },
    /// A typed array was asked for with another element type than the data has.
    #[error("expected an array of dtype {expected}, got dtype {actual}")]
    DTypeMismatch {
        /// The dtype of the requested element type (native byte order).
        expected: DType,
        /// The dtype of the data, as received.
        actual: DType,
    },
    /// The input is not well-formed JSON (or msgpack) at byte `offset`. JSON's is pydantic's
    /// `json_invalid`, worded as pydantic's parser (jiter) words it: `Invalid JSON: EOF while
    /// parsing an object at line 1 column 7`.
    #[error("{}", SyntaxText { format, offset: *offset, line: *line, column: *column, message })]
    Syntax {
        /// `JSON` or `msgpack`.
        format: &'static str,
        /// Byte offset of the problem in the input.
        offset: usize,
        /// Line of the problem (from 1; JSON only, 0 for msgpack).
        line: usize,
        /// Column of the problem as jiter counts it (JSON only, 0 for msgpack).
        column: usize,
        /// What was expected there.
        message: &'static str,
    },
    /// A required field is missing (pydantic's `missing`).
    #[error("Field required")]
    MissingField,
    /// A key the model does not know, with `#[chain(deny_unknown_fields)]` (pydantic's
    /// `extra_forbidden`).
    #[error("Extra inputs are not permitted")]
    UnknownField,
    /// A value of the right type that is still not acceptable, such as an unknown enum member.
    #[error("{0}")]
    InvalidValue(String),
    /// Nesting deeper than the decoder's limit.
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    /// A message larger than [`Limits::max_message_size`](crate::Limits).
    #[error("message of {size} bytes is larger than the limit of {limit} bytes")]
    MessageTooLarge {
        /// The message's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A str, bin, list or map longer than msgpack's 32-bit lengths can describe.
    #[error("msgpack cannot hold a {what} of {len} items or bytes (at most 4294967295)")]
    TooLongForMsgpack {
        /// `str`, `bin`, `list` or `map`.
        what: &'static str,
        /// Its length.
        len: usize,
    },
    /// An integer beyond msgpack's 64 bits (-2^63 to 2^64-1), which Python's msgpack refuses
    /// to write too (`OverflowError`).
    #[error("integer {0} does not fit in msgpack's 64 bits")]
    IntTooLargeForMsgpack(String),
    /// Writing to an `io::Write` failed.
    #[error("write failed: {0}")]
    Io(String),
    /// A numpy array this crate will not read: an object array (its data is a pickle, which is
    /// never interpreted) or a structured one.
    #[error("{0}")]
    UnsupportedArray(String),
    /// A `bool` array holds a byte that is neither 0 nor 1.
    #[error("bool array holds byte {value:#04x} at flat index {index}; only 0 and 1 are valid")]
    InvalidBool {
        /// Flat (C-order) index of the element.
        index: usize,
        /// The offending byte.
        value: u8,
    },
    /// No member of a plain union accepts the value: each member's error, located inside the
    /// member's name (outermost first), as pydantic lists one error per member.
    #[error("no member of the union accepts the value: {0}")]
    NoUnionMember(UnionMembers),
    /// A value pydantic refuses too, with pydantic's error type, message and context: a
    /// wrong type (`int_type`, `list_type`), a lax conversion that fails (`int_parsing`,
    /// `bool_parsing`), a broken constraint (`greater_than_equal`, `string_too_short`), an
    /// unknown enum value (`enum`, `literal_error`), a validator's refusal (`value_error`), ...
    #[error("{message}")]
    Validation {
        /// pydantic's error type: `int_parsing`, `greater_than_equal`, `too_long`, ...
        kind: &'static str,
        /// pydantic's message, word for word.
        message: String,
        /// pydantic's `ctx`, when its error has one: `{"ge": 1}`, `{"expected": "'a' or 'b'"}`.
        ctx: Option<serde_json::Value>,
    },
}

impl ErrorKind {
    /// pydantic's error type for this kind (`missing`, `int_type`, `json_invalid`, …), or, for
    /// the faults pydantic has no counterpart for (truss reports them as raw `TypeError`s),
    /// chainmodel's own: `array_dtype` (an unsupported dtype, or another than the field's),
    /// `array_shape` (a shape too large or too deep, data of another length than the shape
    /// needs), `array_bool` (a bool array byte other than 0 and 1), `array_unsupported` (object
    /// and structured arrays), `msgpack_invalid` (malformed msgpack), `too_deep`,
    /// `message_too_large`, `too_long_for_msgpack`, `int_too_large_for_msgpack`, `io`; and
    /// `value_error` for the rest.
    pub fn pydantic_type(&self) -> &'static str {
        match self {
            ErrorKind::MissingField => "missing",
            ErrorKind::Validation { kind, .. } => kind,
            ErrorKind::UnknownField => "extra_forbidden",
            ErrorKind::Syntax { format: "JSON", .. } => "json_invalid",
            ErrorKind::Syntax { .. } => "msgpack_invalid",
            ErrorKind::UnsupportedDType(_) | ErrorKind::DTypeMismatch { .. } => "array_dtype",
            ErrorKind::ShapeOverflow(_) | ErrorKind::TooManyDimensions(_) | ErrorKind::LengthMismatch { .. } => {
                "array_shape"
            }
            ErrorKind::InvalidBool { .. } => "array_bool",
            ErrorKind::UnsupportedArray(_) => "array_unsupported",
            ErrorKind::TooDeep(_) => "too_deep",
            ErrorKind::MessageTooLarge { .. } => "message_too_large",
            ErrorKind::TooLongForMsgpack { .. } => "too_long_for_msgpack",
            ErrorKind::IntTooLargeForMsgpack(_) => "int_too_large_for_msgpack",
            ErrorKind::Io(_) => "io",
            _ => "value_error",
        }
    }

    /// pydantic's `ctx` of this kind's error, when it has one.
    pub fn pydantic_ctx(&self) -> Option<serde_json::Value> {
        match self {
            ErrorKind::Validation { ctx, .. } => ctx.clone(),
            ErrorKind::Syntax { format: "JSON", .. } => {
                let text = self.to_string();
                Some(serde_json::json!({ "error": text.strip_prefix("Invalid JSON: ").unwrap_or(&text) }))
            }
            _ => None,
        }
    }
}

/// A syntax error's text: JSON's as pydantic words it, msgpack's with its byte offset.
struct SyntaxText<'a> {
    format: &'a str,
    offset: usize,
    line: usize,
    column: usize,
    message: &'a str,
}

impl fmt::Display for SyntaxText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.format == "JSON" {
            write!(f, "Invalid JSON: {} at line {} column {}", self.message, self.line, self.column)
        } else {
            write!(f, "invalid {} at byte {}: {}", self.format, self.offset, self.message)
        }
    }
}

/// Writes a shape as Python writes a tuple: `()`, `(3,)`, `(3, 2)`.
pub(crate) struct PyShape<'a>(pub(crate) &'a [usize]);

impl fmt::Display for PyShape<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => f.write_str("()"),
            [only] => write!(f, "({only},)"),
            [first, rest @ ..] => {
                write!(f, "({first}")?;
                for dim in rest {
                    write!(f, ", {dim}")?;
                }
                f.write_str(")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_print_as_python_tuples() {
        assert_eq!(PyShape(&[]).to_string(), "()");
        assert_eq!(PyShape(&[3]).to_string(), "(3,)");
        assert_eq!(PyShape(&[3, 2, 1]).to_string(), "(3, 2, 1)");
    }
}
