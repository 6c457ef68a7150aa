//! The one error type of chainmodel: what went wrong, and where.

use std::borrow::Cow;
use std::fmt;

use crate::dtype::DType;

/// An encoding or decoding error: a [`ErrorKind`] and the location it happened at.
///
/// `Display` names the location the way pydantic does, dotted with list indices, then the
/// message: `items.1.x: expected an integer, got a string`. An error with no location
/// prints the message alone.
///
/// ```
/// use chainmodel::{DType, Error};
///
/// let err = "object".parse::<DType>().unwrap_err();
/// assert_eq!(err.to_string(), "unsupported dtype 'object'");
/// let err = err.at_index(1).at_field("items");
/// assert_eq!(err.to_string(), "items.1: unsupported dtype 'object'");
/// ```
pub struct Error {
    // Boxed so that `Result<T, Error>` stays one pointer wide on the hot paths.
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    // Stored innermost first: errors are located while the stack unwinds, and pushing
    // to the end is cheaper than inserting at the front.
    location_rev: Vec<PathSegment>,
}

/// One step of an error's location: a field name or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A field of a model or a key of a map.
    Field(Cow<'static, str>),
    /// An index into a list or tuple.
    Index(usize),
}

impl fmt::Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSegment::Field(name) => f.write_str(name),
            PathSegment::Index(index) => write!(f, "{index}"),
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
    /// The input is not well-formed JSON (or msgpack) at byte `offset`.
    #[error("invalid {format} at byte {offset}: {message}")]
    Syntax {
        /// `JSON` or `msgpack`.
        format: &'static str,
        /// Byte offset of the problem in the input.
        offset: usize,
        /// What was expected there.
        message: &'static str,
    },
    /// A value of another type than the field's, such as a string for an integer.
    #[error("expected {expected}, got {found}")]
    UnexpectedType {
        /// What the field accepts, with its article: `an integer`.
        expected: &'static str,
        /// What the input held: `a string`.
        found: &'static str,
    },
    /// A required field is missing.
    #[error("field required")]
    MissingField,
    /// A key the model does not know, with `#[chain(deny_unknown_fields)]`.
    #[error("extra inputs are not permitted")]
    UnknownField,
    /// A number outside the range of the field's type.
    #[error("{value} is out of range for {ty}")]
    OutOfRange {
        /// The number as written in the input.
        value: String,
        /// The field's Rust type.
        ty: &'static str,
    },
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
    #[error("no member of the union accepts the value: {}", UnionErrors(.0))]
    NoUnionMember(Vec<(Vec<PathSegment>, ErrorKind)>),
    /// A value that breaks a field's constraint (`ge`, `min_length`, `pattern`, ...), with
    /// pydantic's error type and message.
    #[error("{message}")]
    Constraint {
        /// pydantic's error type: `greater_than_equal`, `string_too_short`, `too_long`, ...
        kind: &'static str,
        /// pydantic's message, word for word.
        message: String,
    },
}

/// The members' errors of a union, each as `member.location: message`, `; `-separated.
struct UnionErrors<'a>(&'a [(Vec<PathSegment>, ErrorKind)]);

impl fmt::Display for UnionErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (location, kind)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            let path: Vec<String> = location.iter().map(ToString::to_string).collect();
            write!(f, "{}: {kind}", path.join("."))?;
        }
        Ok(())
    }
}

impl Error {
    /// An error of this kind, with no location yet.
    pub fn new(kind: ErrorKind) -> Self {
        Error { inner: Box::new(Inner { kind, location_rev: Vec::new() }) }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// Where it went wrong, outermost first: `[Field("items"), Index(1), Field("x")]`.
    pub fn location(&self) -> Vec<PathSegment> {
        self.inner.location_rev.iter().rev().cloned().collect()
    }

    /// The error as pydantic lists validation errors, for a server that answers 422:
    /// `[{"type": "int_type", "loc": ["items", 1, "x"], "msg": "Expected an integer, got a string"}]`.
    ///
    /// ```
    /// use chainmodel::prelude::*;
    ///
    /// #[derive(ChainModel, Debug)]
    /// struct Point { x: i64 }
    ///
    /// let err = Point::from_json("{}").unwrap_err();
    /// assert_eq!(
    ///     err.to_pydantic_errors(),
    ///     serde_json::json!([{"type": "missing", "loc": ["x"], "msg": "Field required"}])
    /// );
    /// ```
    pub fn to_pydantic_errors(&self) -> serde_json::Value {
        let mut errors = Vec::new();
        pydantic_errors(&self.location(), &self.inner.kind, &mut errors);
        errors.into()
    }

    /// The text truss's server answers bad input with (its `format_pydantic_validation_error`,
    /// the `error` of a `400`): `Input Parsing Error:` (or `Errors:` when there are several),
    /// then one indented line per error, `` `loc`: msg. ``, the location written as
    /// `items[1].value`.
    ///
    /// ```
    /// use chainmodel::prelude::*;
    ///
    /// #[derive(ChainModel, Debug)]
    /// struct Item { value: i64 }
    /// #[derive(ChainModel, Debug)]
    /// struct Items { items: Vec<Item> }
    ///
    /// let err = Items::from_json(r#"{"items": [{"value": 1}, {}]}"#).unwrap_err();
    /// assert_eq!(err.to_truss_text(), "Input Parsing Error:\n  `items[1].value`: Field required.");
    /// ```
    pub fn to_truss_text(&self) -> String {
        let errors = self.to_pydantic_errors();
        let errors = errors.as_array().map(Vec::as_slice).unwrap_or_default();
        let mut text = String::from(if errors.len() == 1 { "Input Parsing Error:" } else { "Input Parsing Errors:" });
        for error in errors {
            let loc = error["loc"].as_array().map(Vec::as_slice).unwrap_or_default();
            let msg = error["msg"].as_str().unwrap_or_default();
            text.push_str("\n  `");
            text.push_str(&loc_to_dot_sep(loc));
            text.push_str("`: ");
            text.push_str(msg);
            text.push('.');
        }
        text
    }

    /// The error of a plain union no member accepts: every member's error, each located
    /// inside its member's name.
    #[cold]
    pub(crate) fn no_union_member(errors: Vec<Error>) -> Self {
        let members = errors.into_iter().map(|error| (error.location(), error.inner.kind)).collect();
        ErrorKind::NoUnionMember(members).into()
    }

    /// Locates the error inside the field or map key `name` (call it from the inside out).
    #[must_use]
    pub fn at_field(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.inner.location_rev.push(PathSegment::Field(name.into()));
        self
    }

    /// Locates the error inside list element `index` (call it from the inside out).
    #[must_use]
    pub fn at_index(mut self, index: usize) -> Self {
        self.inner.location_rev.push(PathSegment::Index(index));
        self
    }
}

/// Appends the pydantic errors of `kind` at `location`: one, or one per union member.
fn pydantic_errors(location: &[PathSegment], kind: &ErrorKind, out: &mut Vec<serde_json::Value>) {
    if let ErrorKind::NoUnionMember(members) = kind {
        for (inner, kind) in members {
            pydantic_errors(&[location, inner].concat(), kind, out);
        }
        return;
    }
    let loc: Vec<serde_json::Value> = location
        .iter()
        .map(|segment| match segment {
            PathSegment::Field(name) => serde_json::Value::from(name.to_string()),
            PathSegment::Index(index) => serde_json::Value::from(*index),
        })
        .collect();
    let message = kind.to_string();
    let mut chars = message.chars();
    let msg: String = chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default();
    out.push(serde_json::json!({"type": kind.pydantic_type(), "loc": loc, "msg": msg}));
}

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

    #[cold]
    pub(crate) fn syntax(format: &'static str, offset: usize, message: &'static str) -> Self {
        ErrorKind::Syntax { format, offset, message }.into()
    }

    /// `expected` and `found` with their articles: `an integer`, `a string`.
    #[cold]
    pub(crate) fn unexpected_type(expected: &'static str, found: &'static str) -> Self {
        ErrorKind::UnexpectedType { expected, found }.into()
    }

    #[cold]
    pub(crate) fn missing_field() -> Self {
        ErrorKind::MissingField.into()
    }

    /// A key `#[chain(deny_unknown_fields)]` refuses, located at the key.
    #[cold]
    pub(crate) fn unknown_field(key: &[u8]) -> Self {
        Error::from(ErrorKind::UnknownField).at_field(String::from_utf8_lossy(key).into_owned())
    }

    /// `value` as written in the input (or as read, where the input has no text).
    #[cold]
    pub(crate) fn out_of_range(value: impl fmt::Display, ty: &'static str) -> Self {
        ErrorKind::OutOfRange { value: value.to_string(), ty }.into()
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

    /// A string that is none of an enum's values (`expected` in pydantic's words: `'a' or 'b'`).
    #[cold]
    pub(crate) fn unknown_variant(value: &str, expected: &str) -> Self {
        Error::invalid_value(format!("expected {expected}, got {value:?}"))
    }

    /// A borrowed field (`&str`, `&[u8]`) given text with escapes, which only an owned copy holds.
    #[cold]
    pub(crate) fn cannot_borrow(field_type: &'static str) -> Self {
        Error::invalid_value(match field_type {
            "&str" => "a string with escapes cannot be borrowed into a `&str` field; use `String` or `Cow<str>`",
            _ => "a borrowed &[u8] cannot hold a string with escapes",
        })
    }

    /// A tuple given a list of another length.
    #[cold]
    pub(crate) fn wrong_tuple_length(len: usize) -> Self {
        Error::invalid_value(format!("expected an array of {len} elements"))
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

impl ErrorKind {
    /// The pydantic error type closest to this kind (`missing`, `int_type`, `json_invalid`, …).
    pub fn pydantic_type(&self) -> &'static str {
        match self {
            ErrorKind::MissingField => "missing",
            ErrorKind::Constraint { kind, .. } => kind,
            ErrorKind::UnknownField => "extra_forbidden",
            ErrorKind::Syntax { format: "JSON", .. } => "json_invalid",
            ErrorKind::UnexpectedType { expected, .. } => match *expected {
                "an integer" => "int_type",
                "a number" | "a float" => "float_type",
                "a string" => "string_type",
                "a boolean" => "bool_type",
                "an array" => "list_type",
                "an object" | "a map" => "dict_type",
                "bytes" => "bytes_type",
                _ => "value_error",
            },
            _ => "value_error",
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut segments = self.inner.location_rev.iter().rev();
        if let Some(first) = segments.next() {
            write!(f, "{first}")?;
            for segment in segments {
                write!(f, ".{segment}")?;
            }
            f.write_str(": ")?;
        }
        write!(f, "{}", self.inner.kind)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error").field("kind", &self.inner.kind).field("location", &self.location()).finish()
    }
}

impl std::error::Error for Error {}

impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        self.inner.kind == other.inner.kind && self.inner.location_rev == other.inner.location_rev
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
    fn location_is_dotted_outermost_first() {
        let err = Error::new(ErrorKind::UnsupportedDType("|O".into())).at_field("x").at_index(1).at_field("items");
        assert_eq!(err.to_string(), "items.1.x: unsupported dtype '|O'");
        assert_eq!(
            err.location(),
            vec![PathSegment::Field("items".into()), PathSegment::Index(1), PathSegment::Field("x".into())]
        );
    }

    #[test]
    fn shapes_print_as_python_tuples() {
        assert_eq!(PyShape(&[]).to_string(), "()");
        assert_eq!(PyShape(&[3]).to_string(), "(3,)");
        assert_eq!(PyShape(&[3, 2, 1]).to_string(), "(3, 2, 1)");
    }

    #[test]
    fn error_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}

/// truss's `_loc_to_dot_sep`: `("items", 1, "value")` → `items[1].value`.
fn loc_to_dot_sep(loc: &[serde_json::Value]) -> String {
    let mut out = String::new();
    for (i, part) in loc.iter().enumerate() {
        match part {
            serde_json::Value::String(name) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(name);
            }
            other => {
                out.push('[');
                out.push_str(&other.to_string());
                out.push(']');
            }
        }
    }
    out
}

#[cfg(test)]
mod truss_text_tests {
    use super::loc_to_dot_sep;
    use serde_json::json;

    #[test]
    fn locations_are_rendered_as_truss_renders_them() {
        let loc = [json!("items"), json!(1), json!("value"), json!(0), json!(2)];
        assert_eq!(loc_to_dot_sep(&loc), "items[1].value[0][2]");
        assert_eq!(loc_to_dot_sep(&[json!(3), json!("x")]), "[3].x");
        assert_eq!(loc_to_dot_sep(&[]), "");
    }
}
