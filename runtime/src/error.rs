//! The one error type of chainmodel: what went wrong, and where.

use std::borrow::Cow;
use std::fmt;

use crate::dtype::DType;

/// An encoding or decoding error: a [`ErrorKind`] and the location it happened at.
///
/// One decoding reports every error in its input, as pydantic's `ValidationError` does (up to
/// [`Error::MAX_ERRORS`]), each with pydantic's type and message
/// ([`to_pydantic_errors`](Self::to_pydantic_errors)). `Display` names the location the way pydantic does, dotted with
/// list indices, then the message: `items.1.x: Input should be a valid integer`. An error
/// with no location prints the message alone; several print one per line.
///
/// ```
/// use chainmodel::{DType, Error};
///
/// let err = "object".parse::<DType>().unwrap_err();
/// assert_eq!(err.to_string(), "unsupported dtype 'object'");
/// let err = err.at_index(1).at_field("items");
/// assert_eq!(err.to_string(), "items.1: unsupported dtype 'object'");
/// ```
#[derive(Clone)]
pub struct Error {
    // Boxed so that `Result<T, Error>` stays one pointer wide on the hot paths.
    inner: Box<Inner>,
}

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    // Stored innermost first: errors are located while the stack unwinds, and pushing
    // to the end is cheaper than inserting at the front.
    location_rev: Vec<PathSegment>,
    // The input the error is about, as pydantic's `input` (kept for small values only, as
    // they were in the message: read only when asked for).
    input: Option<Input>,
    // The errors found after this one in the same input, in pydantic's order; each has no
    // `more` of its own.
    more: Vec<Error>,
    // More errors were found than `Error::MAX_ERRORS`; decoding stopped there.
    truncated: bool,
    // The errors are those of a value read to its end, which starts at this position of the
    // input: whoever recovers from them there need not skip the value again.
    complete_from: Option<usize>,
}

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
    IntTooLargeForMsgpack(i128),
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

/// The errors of a plain union's members, each located inside its member's name (outermost
/// first). A member's error may be a nested union's, shared rather than copied (a union tried
/// again at the same place reuses its members' errors), so that nested unions cost memory in
/// proportion to the input; reading them flattened ([`leaves`](Self::leaves), `Display`,
/// `Debug`) stops after [`Error::MAX_ERRORS`] errors, as pydantic's list would be endless
/// for a deep recursive union.
#[derive(Clone)]
pub struct UnionMembers(std::sync::Arc<[(Vec<PathSegment>, ErrorKind)]>);

impl UnionMembers {
    /// The members' errors, as listed: each a location inside the union and a kind (which may
    /// itself be a nested union's).
    pub fn members(&self) -> &[(Vec<PathSegment>, ErrorKind)] {
        &self.0
    }

    /// The errors pydantic would list, nested unions flattened: each error's location inside
    /// the union and its kind, at most [`Error::MAX_ERRORS`] of them.
    pub fn leaves(&self) -> Vec<(Vec<PathSegment>, &ErrorKind)> {
        let mut out = Vec::new();
        self.visit(&[], &mut |location, kind| {
            out.push((location.to_vec(), kind));
            out.len() < Error::MAX_ERRORS
        });
        out
    }

    /// Calls `visit` with each flattened error (its location after `prefix`) until it answers
    /// `false`; `false` if it did.
    fn visit<'a>(&'a self, prefix: &[PathSegment], visit: &mut dyn FnMut(&[PathSegment], &'a ErrorKind) -> bool) -> bool {
        for (location, kind) in self.0.iter() {
            let location = [prefix, location].concat();
            let go_on = match kind {
                ErrorKind::NoUnionMember(nested) => nested.visit(&location, visit),
                kind => visit(&location, kind),
            };
            if !go_on {
                return false;
            }
        }
        true
    }
}

impl PartialEq for UnionMembers {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

/// Each member's error as `member.location: message`, `; `-separated (at most
/// [`Error::MAX_ERRORS`]).
impl fmt::Display for UnionMembers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        let mut written = 0;
        self.visit(&[], &mut |location, kind| {
            let path: Vec<String> = location.iter().map(ToString::to_string).collect();
            let separator = if written == 0 { "" } else { "; " };
            written += 1;
            result = write!(f, "{separator}{}: {kind}", path.join("."));
            result.is_ok() && written < Error::MAX_ERRORS
        });
        result
    }
}

impl fmt::Debug for UnionMembers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.leaves()).finish()
    }
}

impl Error {
    /// The most errors one decoding reports (pydantic reports every error, with no bound):
    /// past it, decoding stops, and the error says that it was cut short
    /// ([`is_truncated`](Self::is_truncated), a last line in `Display` and in
    /// [`to_truss_text`](Self::to_truss_text)). A message with a million bad items costs a
    /// thousand errors, not a million.
    pub const MAX_ERRORS: usize = 1000;

    /// An error of this kind, with no location yet.
    pub fn new(kind: ErrorKind) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                location_rev: Vec::new(),
                input: None,
                more: Vec::new(),
                truncated: false,
                complete_from: None,
            }),
        }
    }

    /// What went wrong (the first error, when there are several).
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// Where it went wrong, outermost first: `[Field("items"), Index(1), Field("x")]` (the
    /// first error's location, when there are several).
    pub fn location(&self) -> Vec<PathSegment> {
        self.inner.location_rev.iter().rev().cloned().collect()
    }

    /// How many errors this is: decoding reports every error in the input, as pydantic's
    /// `ValidationError.errors()` does (up to [`MAX_ERRORS`](Self::MAX_ERRORS)).
    pub fn count(&self) -> usize {
        1 + self.inner.more.len()
    }

    /// Every error, in pydantic's order: its kind and its location, outermost first.
    pub fn iter(&self) -> impl Iterator<Item = (&ErrorKind, Vec<PathSegment>)> {
        std::iter::once(self).chain(&self.inner.more).map(|error| (&error.inner.kind, error.location()))
    }

    /// Whether decoding stopped at [`MAX_ERRORS`](Self::MAX_ERRORS) errors, with more to come.
    pub fn is_truncated(&self) -> bool {
        self.inner.truncated
    }

    /// The input value the (first) error is about, as pydantic's `input` shows it, when it
    /// was kept: the wrong value, or the model's whole object for a missing field. Values
    /// longer than [`Error::MAX_INPUT`] bytes in the message are not kept (nor any in a
    /// [`Value`](crate::Value) being read).
    pub fn input(&self) -> Option<serde_json::Value> {
        self.inner.input.as_ref().and_then(Input::to_json)
    }

    /// The longest input value an error keeps, in bytes of the message: with
    /// [`MAX_ERRORS`](Self::MAX_ERRORS), what a message's errors cost is bounded (about a
    /// megabyte at most) whatever the message holds.
    pub const MAX_INPUT: usize = 512;

    /// The errors as pydantic's `ValidationError.errors(include_url=False)` lists them (as
    /// `.json()` writes them), every error in pydantic's order, each with `type`, `loc`, `msg`,
    /// `input` (when it was kept) and `ctx` (when pydantic's error has one):
    /// `[{"type": "missing", "loc": ["items", 1, "x"], "msg": "Field required", "input": {}}]`.
    ///
    /// ```
    /// use chainmodel::prelude::*;
    ///
    /// #[derive(ChainModel, Debug)]
    /// struct Point { x: i64, y: i64 }
    ///
    /// let err = Point::from_json(r#"{"y": "two"}"#).unwrap_err();
    /// assert_eq!(
    ///     err.to_pydantic_errors(),
    ///     serde_json::json!([
    ///         {"type": "missing", "loc": ["x"], "msg": "Field required", "input": {"y": "two"}},
    ///         {"type": "int_parsing", "loc": ["y"], "input": "two",
    ///          "msg": "Input should be a valid integer, unable to parse string as an integer"},
    ///     ])
    /// );
    /// ```
    pub fn to_pydantic_errors(&self) -> serde_json::Value {
        let mut errors = Vec::new();
        for error in std::iter::once(self).chain(&self.inner.more) {
            let input = error.inner.input.as_ref().and_then(Input::to_json);
            pydantic_errors(&error.location(), &error.inner.kind, input.as_ref(), &mut errors);
        }
        errors.into()
    }

    /// The text truss's server answers bad input with (its `format_pydantic_validation_error`,
    /// the `error` of a `400`): `Input Parsing Error:` (or `Errors:` when there are several),
    /// then one indented line per error, `` `loc`: msg. ``, the location written as
    /// `items[1].value`. An error cut short at [`MAX_ERRORS`](Self::MAX_ERRORS) says so in a
    /// last line.
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
        if self.inner.truncated {
            text.push_str("\n  ");
            text.push_str(TRUNCATED);
        }
        text
    }

    /// The error of a plain union no member accepts: every member's error, each located
    /// inside its member's name.
    #[cold]
    pub(crate) fn no_union_member(errors: Vec<Error>) -> Self {
        let mut members = Vec::new();
        for error in errors {
            for (kind, location) in error.iter() {
                // A nested union's errors are shared, not copied.
                members.push((location, kind.clone()));
            }
        }
        ErrorKind::NoUnionMember(UnionMembers(members.into())).into()
    }

    /// Locates the error inside the field or map key `name` (call it from the inside out).
    #[must_use]
    pub fn at_field(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        let segment = PathSegment::Field(name.into());
        for error in &mut self.inner.more {
            error.inner.location_rev.push(segment.clone());
        }
        self.inner.location_rev.push(segment);
        self
    }

    /// Locates the error at `segment` (call it from the inside out).
    #[must_use]
    pub fn at(mut self, segment: PathSegment) -> Self {
        for error in &mut self.inner.more {
            error.inner.location_rev.push(segment.clone());
        }
        self.inner.location_rev.push(segment);
        self
    }

    /// Locates the error inside list element `index` (call it from the inside out).
    #[must_use]
    pub fn at_index(mut self, index: usize) -> Self {
        for error in &mut self.inner.more {
            error.inner.location_rev.push(PathSegment::Index(index));
        }
        self.inner.location_rev.push(PathSegment::Index(index));
        self
    }

    /// Whether decoding cannot go on past this error to find more: the input is not
    /// well-formed (or too deep, or too large), or the errors reached
    /// [`MAX_ERRORS`](Self::MAX_ERRORS). A custom decoder that reads values with
    /// [`SeqAccess::try_next_element`](crate::codec::SeqAccess::try_next_element) or
    /// [`MapAccess::try_next_value`](crate::codec::MapAccess::try_next_value) goes on past any
    /// other error.
    pub fn is_fatal(&self) -> bool {
        self.inner.truncated
            || matches!(
                self.inner.kind,
                ErrorKind::Syntax { .. }
                    | ErrorKind::TooDeep(_)
                    | ErrorKind::MessageTooLarge { .. }
                    | ErrorKind::TooLongForMsgpack { .. }
                    | ErrorKind::IntTooLargeForMsgpack(_)
                    | ErrorKind::Io(_)
            )
    }

    /// Whether some error `of` takes has no input yet.
    pub(crate) fn wants_input(&self, of: InputOf) -> bool {
        std::iter::once(self).chain(&self.inner.more).any(|error| of.takes(&error.inner))
    }

    /// Sets `input` on the errors `of` takes that have none.
    pub(crate) fn set_input(&mut self, input: &Input, of: InputOf) {
        self.each_mut(|error| {
            if of.takes(error) {
                error.input = Some(input.clone());
            }
        });
    }

    /// Calls `f` on each error's own part.
    fn each_mut(&mut self, mut f: impl FnMut(&mut Inner)) {
        let mut more = std::mem::take(&mut self.inner.more);
        f(&mut self.inner);
        for error in &mut more {
            f(&mut error.inner);
        }
        self.inner.more = more;
    }

    /// Marks the errors as those of a value read to its end, which starts at `start`.
    pub(crate) fn completed_from(mut self, start: usize) -> Self {
        self.inner.complete_from = Some(start);
        self
    }

    /// Whether the errors are those of a value read to its end that starts at `start`.
    pub(crate) fn is_complete_from(&self, start: usize) -> bool {
        self.inner.complete_from == Some(start)
    }

    /// The error about the value itself (a single error with no location) of pydantic type
    /// `from`, retyped `to`, as pydantic names a container's type error by the container
    /// (`list_type` → `set_type`, `dict_type` → `model_type`): with python mode's `message` when
    /// given (else its own, JSON mode's), and `ctx`.
    pub(crate) fn retyped(
        self,
        from: &str,
        to: &'static str,
        message: Option<String>,
        ctx: Option<serde_json::Value>,
    ) -> Self {
        self.map_own_kind(|kind| match kind {
            ErrorKind::Validation { kind, message: own, .. } if *kind == from => {
                Some(ErrorKind::Validation { kind: to, message: message.unwrap_or_else(|| own.clone()), ctx })
            }
            _ => None,
        })
    }

    /// Maps the kind of the error about the value itself (a single error with no location).
    pub(crate) fn map_own_kind(mut self, map: impl FnOnce(&ErrorKind) -> Option<ErrorKind>) -> Self {
        if self.inner.more.is_empty()
            && self.inner.location_rev.is_empty()
            && let Some(kind) = map(&self.inner.kind)
        {
            self.inner.kind = kind;
        }
        self
    }
}

/// Which errors an input is pydantic's `input` of.
#[derive(Clone, Copy, Debug)]
pub(crate) enum InputOf {
    /// A value's: the errors about the value itself (no location yet).
    Value,
    /// A model's: its own errors (a model validator's), and its `missing` fields'.
    Model,
}

impl InputOf {
    /// Whether the input is `error`'s, which has none yet.
    fn takes(self, error: &Inner) -> bool {
        let own = error.location_rev.is_empty();
        let missing_field = error.location_rev.len() == 1 && matches!(error.kind, ErrorKind::MissingField);
        error.input.is_none() && (own || matches!(self, InputOf::Model) && missing_field)
    }
}

/// An error's input as the message holds it, read when asked for.
#[derive(Clone, Debug)]
pub enum Input {
    /// A JSON value's text.
    Json(std::sync::Arc<[u8]>),
    /// A msgpack value's bytes.
    Msgpack(std::sync::Arc<[u8]>),
    /// A string (malformed JSON's whole text).
    Text(std::sync::Arc<str>),
}

impl Input {
    /// The input as pydantic's `errors()` shows it.
    fn to_json(&self) -> Option<serde_json::Value> {
        match self {
            Input::Json(bytes) => crate::json::from_slice::<crate::Value>(bytes).ok(),
            Input::Msgpack(bytes) => crate::msgpack::from_slice::<crate::Value>(bytes).ok(),
            Input::Text(text) => return Some(serde_json::Value::from(&**text)),
        }
        .and_then(|value| crate::value::to_json_value(&value).ok())
    }
}

/// The errors found so far in one value (a model's fields, a list's items), each with its
/// place in pydantic's order (a field's rank in the model, an item's index): decoding goes on
/// past an error until the value ends, the input turns out malformed, or the errors reach
/// [`Error::MAX_ERRORS`].
#[doc(hidden)]
#[derive(Default)]
pub struct Errors {
    found: Vec<(usize, Error)>,
    count: usize,
}

impl Errors {
    /// An empty list.
    #[inline]
    pub const fn new() -> Self {
        Errors { found: Vec::new(), count: 0 }
    }

    /// A value at place `rank` was read after all: a key given twice keeps its last value, as
    /// pydantic does, so the errors of an earlier value there are forgotten.
    #[inline]
    pub fn settle(&mut self, rank: usize) {
        if !self.found.is_empty() {
            self.forget(rank);
        }
    }

    #[cold]
    fn forget(&mut self, rank: usize) {
        let count = &mut self.count;
        self.found.retain(|(found, error)| {
            let keep = *found != rank;
            if !keep {
                *count -= error.count();
            }
            keep
        });
    }

    /// Whether an error was found at place `rank`.
    #[inline]
    pub fn has(&self, rank: usize) -> bool {
        self.found.iter().any(|(found, _)| *found == rank)
    }

    /// Adds `error`, found at place `rank`; a fatal error, or one that brings the count to
    /// [`Error::MAX_ERRORS`], ends decoding: it comes back as `Err` (with the errors found so
    /// far, cut at the limit, in the second case).
    #[cold]
    pub fn push(&mut self, rank: usize, error: Error) -> Result<(), Error> {
        if error.is_fatal() && !error.inner.truncated {
            return Err(error);
        }
        let truncated = error.inner.truncated;
        self.count += error.count();
        self.found.push((rank, error));
        if truncated || self.count >= Error::MAX_ERRORS {
            let mut all = std::mem::take(self).merge();
            all.inner.more.truncate(Error::MAX_ERRORS - 1);
            all.inner.truncated = true;
            return Err(all);
        }
        Ok(())
    }

    /// `Ok` if no error was found, else every error in pydantic's order as one.
    #[inline]
    pub fn finish(self) -> Result<(), Error> {
        if self.found.is_empty() { Ok(()) } else { Err(self.merge()) }
    }

    /// Every error found, in pydantic's order, as one.
    #[cold]
    fn merge(mut self) -> Error {
        self.found.sort_by_key(|(rank, _)| *rank);
        let mut found = self.found.into_iter().map(|(_, error)| error);
        let mut first = found.next().expect("not empty");
        first.inner.complete_from = None;
        for mut error in found {
            let more = std::mem::take(&mut error.inner.more);
            first.inner.truncated |= error.inner.truncated;
            first.inner.more.push(error);
            first.inner.more.extend(more);
        }
        first
    }
}

/// The last line of an error cut short.
const TRUNCATED: &str = "(decoding stopped after 1000 errors: more may follow)";

/// Appends the pydantic errors of `kind` at `location`: one, or one per union member.
fn pydantic_errors(
    location: &[PathSegment],
    kind: &ErrorKind,
    input: Option<&serde_json::Value>,
    out: &mut Vec<serde_json::Value>,
) {
    if out.len() >= Error::MAX_ERRORS {
        return;
    }
    if let ErrorKind::NoUnionMember(members) = kind {
        // A member's own error is about the union's input; deeper ones keep none.
        for (inner, kind) in members.members() {
            pydantic_errors(&[location, inner].concat(), kind, input.filter(|_| inner.len() == 1), out);
        }
        return;
    }
    let loc: Vec<serde_json::Value> = location
        .iter()
        .map(|segment| match segment {
            PathSegment::Field(name) => serde_json::Value::from(name.to_string()),
            PathSegment::Index(index) => serde_json::Value::from(*index),
            PathSegment::Key(key) => {
                serde_json::Number::from_i128(*key).map_or_else(|| key.to_string().into(), serde_json::Value::from)
            }
        })
        .collect();
    let mut error = serde_json::Map::new();
    error.insert("type".into(), kind.pydantic_type().into());
    error.insert("loc".into(), loc.into());
    // pydantic's messages are capitalized; chainmodel's own (array faults) are too, here.
    let message = kind.to_string();
    let mut chars = message.chars();
    let msg: String = chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default();
    error.insert("msg".into(), msg.into());
    if let Some(input) = input {
        error.insert("input".into(), input.clone());
    }
    if let Some(ctx) = kind.pydantic_ctx() {
        error.insert("ctx".into(), ctx);
    }
    out.push(error.into());
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
        Error::validation("enum", format!("Input should be {expected}"), Some(serde_json::json!({ "expected": expected })))
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

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

/// One error: `items.1.x: Input should be a valid integer` (the location dotted, as pydantic
/// prints it, then the message). Several: `3 validation errors:`, then one such line each,
/// indented; an error cut short at [`Error::MAX_ERRORS`] says so in a last line.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn one(error: &Error, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let mut segments = error.inner.location_rev.iter().rev();
            if let Some(first) = segments.next() {
                write!(f, "{first}")?;
                for segment in segments {
                    write!(f, ".{segment}")?;
                }
                f.write_str(": ")?;
            }
            write!(f, "{}", error.inner.kind)
        }
        if self.inner.more.is_empty() && !self.inner.truncated {
            return one(self, f);
        }
        write!(f, "{} validation errors:", self.count())?;
        for error in std::iter::once(self).chain(&self.inner.more) {
            f.write_str("\n  ")?;
            one(error, f)?;
        }
        if self.inner.truncated {
            write!(f, "\n  {TRUNCATED}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Error");
        debug.field("kind", &self.inner.kind).field("location", &self.location());
        if !self.inner.more.is_empty() {
            debug.field("more", &self.inner.more);
        }
        debug.finish()
    }
}

impl std::error::Error for Error {}

impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        self.inner.kind == other.inner.kind
            && self.inner.location_rev == other.inner.location_rev
            && self.inner.more == other.inner.more
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
