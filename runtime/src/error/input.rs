//! The input an error is about (pydantic's `input`), kept raw and shown when asked for.
//!
//! Showing an input decodes it, which is the codecs' work: whoever keeps an input hands over
//! the function that shows it ([`ShowInput`]), so this module names no decoder.

use super::{Error, ErrorKind, Inner};

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

/// How a kept input is shown as pydantic's `input` (the value it decodes to, as JSON): given
/// by the codec that keeps the input.
pub(crate) type ShowInput = fn(&Input) -> Option<serde_json::Value>;

/// An input an error keeps, with the function that shows it.
#[derive(Clone)]
pub(super) struct Kept {
    input: Input,
    show: ShowInput,
}

impl Kept {
    /// The input as pydantic's `errors()` shows it.
    pub(super) fn show(&self) -> Option<serde_json::Value> {
        (self.show)(&self.input)
    }
}

impl Error {
    /// Whether some error `of` takes has no input yet.
    pub(crate) fn wants_input(&self, of: InputOf) -> bool {
        std::iter::once(self).chain(&self.inner.more).any(|error| of.takes(&error.inner))
    }

    /// Sets `input`, shown by `show`, on the errors `of` takes that have none.
    pub(crate) fn set_input(&mut self, input: &Input, show: ShowInput, of: InputOf) {
        self.each_mut(|error| {
            if of.takes(error) {
                error.input = Some(Kept { input: input.clone(), show });
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
}
