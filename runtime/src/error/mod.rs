//! The one error type of chainmodel: what went wrong, and where.
//!
//! One concept per file: [`Error`] and its locating API here; its kinds and path segments
//! (`kind`), a plain union's member errors (`union`), the accumulator of one value's errors
//! (`accumulator`), the input an error keeps (`input`), the two renderers of a whole error,
//! pydantic's `errors()` (`pydantic`) and truss's text (`truss`), and the cold constructors
//! (`constructors`).
//!
//! The dependency goes one way: the codecs (`codec`, `json`, `msgpack`, `value`) use this
//! module, and nothing here uses them. An error keeps its input as the raw bytes of the
//! message with the function that shows them, which the codec that kept the input hands over
//! (`value::show_input`, which decodes them): showing an input decodes it, but the error
//! module never names a decoder.

mod accumulator;
mod constructors;
mod input;
mod kind;
mod pydantic;
mod truss;
mod union;

pub use accumulator::Errors;
pub use input::Input;
pub(crate) use input::InputOf;
use input::Kept;
pub(crate) use kind::PyShape;
pub use kind::{ErrorKind, PathSegment};
pub use union::UnionMembers;

use std::borrow::Cow;
use std::fmt;

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
    // they were in the message: shown only when asked for).
    input: Option<Kept>,
    // The errors found after this one in the same input, in pydantic's order; each has no
    // `more` of its own.
    more: Vec<Error>,
    // More errors were found than `Error::MAX_ERRORS`; decoding stopped there.
    truncated: bool,
    // The errors are those of a value read to its end, which starts at this position of the
    // input: whoever recovers from them there need not skip the value again.
    complete_from: Option<usize>,
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
        self.inner.input.as_ref().and_then(Kept::show)
    }

    /// The longest input value an error keeps, in bytes of the message: with
    /// [`MAX_ERRORS`](Self::MAX_ERRORS), what a message's errors cost is bounded (about a
    /// megabyte at most) whatever the message holds.
    pub const MAX_INPUT: usize = 512;

    /// Locates the error inside the field or map key `name` (call it from the inside out).
    #[must_use]
    pub fn at_field(self, name: impl Into<Cow<'static, str>>) -> Self {
        self.at(PathSegment::Field(name.into()))
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
    pub fn at_index(self, index: usize) -> Self {
        self.at(PathSegment::Index(index))
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

/// The last line of an error cut short.
const TRUNCATED: &str = "(decoding stopped after 1000 errors: more may follow)";

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
    fn error_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
