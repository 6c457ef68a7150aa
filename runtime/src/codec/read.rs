//! The reader abstraction: the questions a type's decoder asks of its input, each answered
//! by the JSON and the msgpack reader with its own mode's rules.

use std::borrow::Cow;

use super::Decode;
use crate::array::{AnyArray, Shape, elements_from_bytes};
use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, InputOf};
use crate::json::JsonReader;
use crate::msgpack::MsgpackReader;

/// What the next value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `null` in JSON, `nil` in msgpack.
    Null,
    /// `true` or `false`.
    Bool,
    /// An integer or a float (`NaN` and `Infinity` included in JSON).
    Number,
    /// A string.
    Str,
    /// Bytes (msgpack bin; JSON has none).
    Bytes,
    /// A list.
    Seq,
    /// A map (a JSON object).
    Map,
    /// A msgpack extension value (JSON has none).
    Ext,
}

/// A number as the input holds it, for dynamic values: an integer (JSON: written without a
/// fraction or an exponent, and within 128 bits) or a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An integer.
    Int(i128),
    /// A float.
    Float(f64),
}

pub(crate) mod sealed {
    /// What only this crate's integer types are: the hook of the one that holds more than 128
    /// bits (a bounded field's wide integer).
    pub trait Sealed: Sized {
        /// An integer beyond 128 bits, from its text (`-` then ASCII digits for a negative
        /// one), if the type holds such values (no Rust integer type does).
        fn from_digits(text: &str) -> Option<Self> {
            let _ = text;
            None
        }
    }
}

/// The integer types a reader reads: `u8` to `u128`, `i8` to `i128`, `usize`, `isize`, and
/// [`BigInt`](crate::BigInt).
pub trait Integer: Sized + sealed::Sealed {
    /// The type's name in range errors: `u8`.
    const NAME: &'static str;

    /// The value, if it is in the type's range.
    fn from_i128(value: i128) -> Option<Self>;
}

macro_rules! impl_integer {
    ($($ty:ty),*) => {$(
        impl sealed::Sealed for $ty {}
        impl Integer for $ty {
            const NAME: &'static str = stringify!($ty);

            #[inline]
            fn from_i128(value: i128) -> Option<Self> {
                <$ty>::try_from(value).ok()
            }
        }
    )*};
}

impl_integer!(u8, i8, u16, i16, u32, i32, u64, i64, usize, isize, i128);

/// `u128`: beyond `i128::MAX` read from its digits.
impl sealed::Sealed for u128 {
    fn from_digits(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl Integer for u128 {
    const NAME: &'static str = "u128";

    #[inline]
    fn from_i128(value: i128) -> Option<Self> {
        u128::try_from(value).ok()
    }
}

/// The input of the decoders: [`JsonReader`] (pydantic's `model_validate_json` rules) or
/// [`MsgpackReader`] (truss's binary mode, read as pydantic's `model_validate` reads what
/// truss's deserializer makes of it). Each `read_*` method reads one value of the kind it
/// names, converting as its mode's lax rules allow, or answers with an error naming what it
/// found.
pub trait Reader<'de>: Sized {
    /// Whether this is binary mode (msgpack). The few types whose two forms differ in shape
    /// (truss's durations, dynamic values) ask it; the decoders of both modes are compiled
    /// apart, so the question costs nothing.
    const BINARY: bool;

    /// The accessor of a list being read.
    type Seq<'a>: SeqAccess<'de>
    where
        Self: 'a;

    /// The accessor of a map being read.
    type Map<'a>: MapAccess<'de>
    where
        Self: 'a;

    /// The kind of the next value, without consuming it.
    fn peek(&mut self) -> Result<Kind, Error>;

    /// Consumes a null if one comes next; `false` (and nothing consumed) otherwise.
    fn read_null(&mut self) -> Result<bool, Error>;

    /// A boolean: `true`/`false`, and in lax mode the numbers 0 and 1 and the strings
    /// `0 off f false n no 1 on t true y yes` in any case.
    fn read_bool(&mut self) -> Result<bool, Error>;

    /// An integer of type `I`: an integer, a float with no fractional part, a string holding
    /// either, or a boolean; out of `I`'s range is an error.
    fn read_int<I: Integer>(&mut self) -> Result<I, Error>;

    /// A float: any number, a string Python's `float()` reads, or a boolean.
    fn read_float(&mut self) -> Result<f64, Error>;

    /// A number as it is, integer or float (for dynamic values).
    fn read_number(&mut self) -> Result<Number, Error>;

    /// A string, borrowed from the input where it can be (msgpack also reads bytes as their
    /// UTF-8 text, as pydantic's lax mode does).
    fn read_str(&mut self) -> Result<Cow<'de, str>, Error>;

    /// Binary data: msgpack bin, borrowed; in JSON, a string's UTF-8 bytes (what pydantic
    /// writes for bytes), which no model reaches past the JSON-form check.
    fn read_bytes(&mut self) -> Result<Cow<'de, [u8]>, Error>;

    /// The shared buffer the input is, whose memory owned bytes may keep rather than copy
    /// ([`msgpack::from_shared`](crate::msgpack::from_shared)); `None` for other readers.
    #[doc(hidden)]
    #[inline]
    fn shared_body(&self) -> Option<&'de std::sync::Arc<crate::msgpack::AlignedBytes>> {
        None
    }

    /// A numpy array: `NumpyArrayField`'s base64 object in JSON, msgpack_numpy's map in
    /// msgpack (whose payload stays borrowed until the caller decides).
    fn read_array(&mut self) -> Result<ArrayParts<'de>, Error>;

    /// A list, read by `visit` through its accessor. The reader enters the list (bounded by
    /// its nesting limit) and, once `visit` returns, skips what `visit` left and closes it.
    fn read_seq<'r, V>(&'r mut self, visit: impl FnOnce(&mut Self::Seq<'r>) -> Result<V, Error>) -> Result<V, Error>;

    /// A map (a JSON object), read by `visit` through its accessor, entered and closed by the
    /// reader as [`read_seq`](Self::read_seq) does.
    fn read_map<'r, V>(&'r mut self, visit: impl FnOnce(&mut Self::Map<'r>) -> Result<V, Error>) -> Result<V, Error>;

    /// A truss extension value (`datetime`, `UUID`, …): in msgpack, truss's map
    /// `{tag: True, b"data": …}` whose data `data` reads; in JSON, the value itself.
    fn read_tagged<V>(
        &mut self,
        tag: &'static str,
        data: impl FnOnce(&mut Self) -> Result<V, Error>,
    ) -> Result<V, Error>;

    /// Skips one value of any kind, nesting included (bounded by the nesting limit).
    fn skip(&mut self) -> Result<(), Error>;

    /// The concrete reader, for the rare type whose two forms share nothing.
    fn source(&mut self) -> Source<'_, 'de>;

    /// A copy of the reader at its position, to look ahead without consuming anything: a
    /// discriminated union finds its tag in the map that comes next, then reads its member
    /// from the start of that map (both readers hold the whole input, so nothing is
    /// buffered). `None` if the reader cannot look ahead; then tagged unions fail to read.
    fn lookahead(&self) -> Option<Self> {
        None
    }

    /// Whether refusals are worded as pydantic's python mode (`model_validate`) words them:
    /// binary mode, and JSON read as truss's server reads it ([`JsonReader::as_python`]). The
    /// few messages that differ by mode ask it.
    #[inline]
    fn python_mode(&self) -> bool {
        Self::BINARY
    }

    /// How the reader validates now (see [`Validation`]). A reader without strict mode is
    /// always lax.
    fn validation(&self) -> Validation {
        Validation::default()
    }

    /// Sets how the reader validates: a field in strict mode is read with `strict` set, and a
    /// plain union tracks each member's exactness.
    fn set_validation(&mut self, validation: Validation) {
        let _ = validation;
    }

    /// Where the reader is, to come back to after an error (see [`recover`](Self::recover)).
    #[inline]
    fn mark(&self) -> Mark {
        Mark::default()
    }

    /// After `error` was found in the value that starts at `mark` (read, or partly read):
    /// moves past that value, so that decoding goes on and reports every error in the input,
    /// as pydantic does, and keeps the value as the error's `input`. `Err` when decoding
    /// cannot go on: the error is fatal (malformed input, too deep, too many errors), or the
    /// value turns out to be malformed. A reader that cannot come back stops at the first
    /// error.
    #[cold]
    fn recover(&mut self, mark: Mark, error: Error) -> Result<Error, Error> {
        let _ = mark;
        Err(error)
    }

    /// The input from `mark` to where the reader is (one whole value), kept as an error's
    /// `input`: `None` when it is longer than [`Error::MAX_INPUT`], or the reader cannot come
    /// back.
    #[cold]
    fn input_since(&self, mark: Mark) -> Option<crate::error::Input> {
        let _ = mark;
        None
    }

    /// Records that a model was just read from a map, `count` of its fields in the input
    /// (pydantic's `fields_set`): while a union tries a member, the model is a strict match
    /// at best (pydantic's model from data), and its count adds to the member's, so that
    /// among members that all validate the one with the most fields set wins.
    #[inline]
    fn note_fields_set(&mut self, count: usize) {
        let validation = self.validation();
        if let Some(exactness) = validation.exactness {
            self.set_validation(Validation {
                exactness: Some(exactness.min(Exactness::Strict)),
                fields_set: Some(validation.fields_set.unwrap_or(0) + count),
                ..validation
            });
        }
    }

    /// Lowers how exact the value being read is to `exactness` at most, while a union tries
    /// a member (see [`Validation::exactness`]); nothing otherwise. Readers call it on each
    /// conversion pydantic calls strict (`1` for a float) or lax (`"1"` for an int).
    #[inline]
    fn floor_exactness(&mut self, exactness: Exactness) {
        let mut validation = self.validation();
        if validation.exactness.is_some_and(|current| exactness < current) {
            validation.floor(exactness);
            self.set_validation(validation);
        }
    }

    /// The outcomes of union members already tried on this input, shared by the reader and
    /// its lookahead copies, with the identity of the next value in the input (its byte
    /// offset, or its path in a [`Value`](crate::Value)): a union tried again at the same
    /// place (a member of an outer union revisiting it) reuses them instead of decoding the
    /// subtree again, so nested unions cost a constant factor per level, not one per member
    /// per level. `None` for a reader without lookahead: each try decodes again.
    fn union_memo(&mut self) -> Option<(UnionMemo, u64)> {
        None
    }
}

/// How exactly a value matched its type, as pydantic-core's smart-mode unions rank members:
/// `Lax` (a conversion: `"1"` for an int, a list for a tuple in python mode), `Strict` (the
/// type's own input but not the exact type: an int for a float, a JSON string for a `str`,
/// a model from a dict), `Exact`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exactness {
    /// A lax conversion.
    Lax,
    /// Accepted in strict mode, but not of the exact type.
    Strict,
    /// The exact type.
    Exact,
}

/// A union member's outcome at one place of the input: how exactly it matched and the
/// fields it set, or its error.
pub(crate) type MemberOutcome = Result<(Exactness, Option<usize>), Error>;

/// The outcomes of union members tried on one input, keyed by the place in the input, the
/// member's decoder and strictness (see [`Reader::union_memo`]). Cloning shares it.
#[derive(Clone, Default)]
pub struct UnionMemo(std::rc::Rc<std::cell::RefCell<std::collections::HashMap<MemberKey, MemberOutcome>>>);

/// A member's place: the value's place in the input, the member's decoder, strictness.
pub(crate) type MemberKey = (u64, usize, bool);

impl UnionMemo {
    pub(crate) fn get(&self, key: MemberKey) -> Option<MemberOutcome> {
        self.0.borrow().get(&key).cloned()
    }

    pub(crate) fn insert(&self, key: MemberKey, outcome: MemberOutcome) {
        self.0.borrow_mut().insert(key, outcome);
    }
}

impl std::fmt::Debug for UnionMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnionMemo").field("outcomes", &self.0.borrow().len()).finish()
    }
}

/// A reader's memo, made on the first union it meets.
#[derive(Clone, Debug, Default)]
pub(crate) struct LazyMemo(Option<UnionMemo>);

impl LazyMemo {
    pub(crate) fn get(&mut self) -> UnionMemo {
        self.0.get_or_insert_with(UnionMemo::default).clone()
    }
}

/// A place in a reader's input, to come back to after an error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    pub(crate) pos: usize,
    pub(crate) depth: usize,
}

/// How a reader validates, as pydantic's smart-mode unions need it: `strict` refuses every
/// lax conversion (`"3"` for an int, `1` for a bool, bytes for a str: a strict field or
/// model); while a union tries a member, `exactness` records how exactly the value matched
/// (see [`Exactness`]) and `fields_set` how many fields the models read found in the input,
/// nested models included, so that the union keeps the best member as pydantic-core does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Validation {
    /// Lax conversions are errors.
    pub strict: bool,
    /// How exactly the value read so far matched, while a union tries a member; `None`
    /// outside unions (nothing is tracked).
    pub exactness: Option<Exactness>,
    /// Fields the models read so far had in the input, while a union tries a member.
    pub fields_set: Option<usize>,
}

impl Validation {
    /// Lowers `exactness` to `to` at most, while a union tries a member.
    #[inline]
    pub fn floor(&mut self, to: Exactness) {
        if let Some(current) = &mut self.exactness
            && to < *current
        {
            *current = to;
        }
    }
}

/// The concrete reader behind a [`Reader`].
pub enum Source<'r, 'de> {
    /// JSON mode.
    Json(&'r mut JsonReader<'de>),
    /// Binary mode.
    Msgpack(&'r mut MsgpackReader<'de>),
    /// A [`Value`](crate::Value) in memory, read as binary mode reads msgpack.
    Value(&'r mut crate::value::ValueReader<'de>),
}

/// The elements of a list being read; errors inside an element are located at its index.
pub trait SeqAccess<'de> {
    /// The next element, or `None` after the last.
    fn next_element<T: Decode<'de>>(&mut self) -> Result<Option<T>, Error>;

    /// The next element, checked by `check` once read, or `None` after the last. A bad
    /// element's error (located at its index) leaves the reader after it, so that the list's
    /// other elements are read too, unless the error [is fatal](Error::is_fatal) (see
    /// [`Reader::recover`]).
    fn try_next_element<T: Decode<'de>>(
        &mut self,
        check: impl FnOnce(&T) -> Result<(), Error>,
    ) -> Result<Option<T>, Error>;

    /// Whether no element is left.
    fn is_at_end(&mut self) -> Result<bool, Error>;

    /// The number of elements left, when the input declares it (msgpack).
    fn size_hint(&self) -> Option<usize>;

    /// How many elements to reserve room for, each taking at least `min_len` bytes in
    /// binary mode: as many as the input declares and could hold (see [`Decode::MIN_LEN`]);
    /// none in JSON, which declares no length.
    fn capacity(&mut self, min_len: usize) -> usize;
}

/// The entries of a map being read: a key, then its value, then the next key.
pub trait MapAccess<'de> {
    /// The next key, read as a `K`, or `None` after the last entry. (JSON keys are strings.)
    fn next_key<K: Decode<'de>>(&mut self) -> Result<Option<K>, Error>;

    /// The next key as a model reads it, to match a field's name: its bytes (msgpack: str or
    /// bin, as Python writers produce both), or `None` after the last entry.
    fn next_field(&mut self) -> Result<Option<Cow<'de, [u8]>>, Error>;

    /// The value of the key just read.
    fn next_value<V: Decode<'de>>(&mut self) -> Result<V, Error>;

    /// The value of the key just read, in strict mode if `strict` (else in the reader's mode),
    /// checked by `check` once read. A bad value's error leaves the reader after it, so that
    /// the map's other entries are read too, unless the error [is fatal](Error::is_fatal) (see
    /// [`Reader::recover`]).
    fn try_next_value<V: Decode<'de>>(
        &mut self,
        strict: bool,
        check: impl FnOnce(&V) -> Result<(), Error>,
    ) -> Result<V, Error>;

    /// Skips the value of the key just read.
    fn skip_value(&mut self) -> Result<(), Error>;

    /// How many entries to reserve room for, each taking at least `min_len` bytes in binary
    /// mode (as [`SeqAccess::capacity`]).
    fn capacity(&mut self, min_len: usize) -> usize;

    /// The reader [`value_ahead`](Self::value_ahead) gives.
    type Ahead: Reader<'de>;

    /// A copy of the reader at the value of the key just read (before it is read), to read
    /// that value once more later: an alias choice read before a better one turns up is then
    /// kept as an extra key, or refused as one, as pydantic treats it. `None` if the reader
    /// cannot look ahead.
    fn value_ahead(&self) -> Option<Self::Ahead>;
}

/// An array as a reader found it: dtype, shape and payload, checked against each other when
/// the elements are taken.
pub struct ArrayParts<'de> {
    pub(crate) dtype: DType,
    pub(crate) shape: Shape,
    pub(crate) payload: Payload<'de>,
}

/// An array's payload: raw bytes in the input (msgpack), base64 text (JSON), or bytes moved
/// out of an owned [`Value`](crate::Value).
pub(crate) enum Payload<'de> {
    Raw(&'de [u8]),
    Base64(crate::json::Base64Text<'de>),
    Owned(Vec<u8>),
}

impl Payload<'_> {
    /// The payload, owning what it borrowed.
    pub(crate) fn into_owned(self) -> Payload<'static> {
        use crate::json::Base64Text;
        match self {
            Payload::Raw(bytes) => Payload::Owned(bytes.to_vec()),
            Payload::Base64(Base64Text::Borrowed(text)) => {
                Payload::Base64(Base64Text::Owned(String::from_utf8_lossy(text).into_owned()))
            }
            Payload::Base64(Base64Text::Owned(text)) => Payload::Base64(Base64Text::Owned(text)),
            Payload::Owned(bytes) => Payload::Owned(bytes),
        }
    }
}

impl<'de> ArrayParts<'de> {
    /// The dtype as received, byte order included.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The elements as `T` in native byte order: borrowed from the input when the payload is
    /// raw, aligned for `T` and native-endian, else a converted copy (base64 is decoded
    /// straight into the elements' buffer).
    ///
    /// Errors: the dtype is not `T`'s (in either byte order); the payload is not the shape's
    /// length; a bool byte is not 0 or 1; bad base64.
    #[inline]
    pub fn elements<T: Element>(&self) -> Result<Cow<'de, [T]>, Error> {
        match &self.payload {
            Payload::Raw(bytes) => elements_from_bytes(self.dtype, &self.shape, bytes),
            Payload::Base64(text) => crate::json::typed_elements(self.dtype, &self.shape, text).map(Cow::Owned),
            Payload::Owned(bytes) => {
                elements_from_bytes(self.dtype, &self.shape, bytes).map(|e| Cow::Owned(e.into_owned()))
            }
        }
    }

    /// The array with its dtype as received.
    pub fn into_any(self) -> Result<AnyArray, Error> {
        match self.payload {
            Payload::Raw(bytes) => AnyArray::from_parts(self.dtype, self.shape, bytes.to_vec()),
            Payload::Base64(text) => crate::json::any_array(self.dtype, self.shape, &text),
            Payload::Owned(bytes) => AnyArray::from_parts(self.dtype, self.shape, bytes),
        }
    }

    pub(crate) fn into_shape(self) -> Shape {
        self.shape
    }
}

/// A reader over its whole input, which can go back to a [`Mark`].
pub(crate) trait Rewind {
    /// Where the reader is.
    fn position(&self) -> usize;

    /// Goes back to `mark`.
    fn back_to(&mut self, mark: Mark);
}

/// [`Reader::recover`] for a reader over its whole input: errors collected to the end of their
/// value leave the reader after it already; others are skipped from the value's start (so a
/// nested value's errors are skipped once, not once per level), and the value is kept as the
/// errors' input.
#[cold]
pub(crate) fn recover_in_place<'de, R: Reader<'de> + Rewind>(
    reader: &mut R,
    mark: Mark,
    mut error: Error,
) -> Result<Error, Error> {
    if error.is_fatal() {
        return Err(error);
    }
    if error.is_complete_from(mark.pos) {
        reader.back_to(Mark { pos: reader.position(), depth: mark.depth });
    } else {
        reader.back_to(mark);
        reader.skip()?;
        error = error.completed_from(mark.pos);
    }
    if error.wants_input(InputOf::Value)
        && let Some(input) = reader.input_since(mark)
    {
        error.set_input(&input, crate::value::show_input, InputOf::Value);
    }
    Ok(error)
}

/// An error found decoding a whole message, as the Python side reports it: Python parses the
/// whole message before it validates anything (pydantic's JSON, truss's msgpack deserializer),
/// so a malformed message anywhere is the one error; else a wrong value at the top keeps the
/// value as its input. `again` reads the message from its start; `finish` checks that nothing
/// follows the value.
#[cold]
pub(crate) fn whole_message_error<'de, R: Reader<'de>>(
    mut again: R,
    finish: impl FnOnce(&mut R) -> Result<(), Error>,
    mut error: Error,
) -> Error {
    if error.is_fatal() {
        return error;
    }
    let start = again.mark();
    if let Err(malformed) = again.skip().and_then(|()| finish(&mut again)) {
        return malformed;
    }
    if error.wants_input(InputOf::Value)
        && let Some(input) = again.input_since(start)
    {
        error.set_input(&input, crate::value::show_input, InputOf::Value);
    }
    error
}

/// Reads one value with `decode`, strict if `strict`, then checks it; a bad value is recovered
/// from (skipped, its input kept) when the reader can, else its error is fatal.
#[inline]
pub(crate) fn try_decode<'de, R: Reader<'de>, V>(
    reader: &mut R,
    strict: bool,
    decode: impl FnOnce(&mut R) -> Result<V, Error>,
    check: impl FnOnce(&V) -> Result<(), Error>,
) -> Result<V, Error> {
    let mark = reader.mark();
    let result = if strict && !reader.validation().strict {
        let outer = reader.validation();
        reader.set_validation(Validation { strict: true, ..outer });
        let result = decode(reader);
        let after = reader.validation();
        reader.set_validation(Validation { strict: false, ..after });
        result
    } else {
        decode(reader)
    };
    match result.and_then(|value| check(&value).map(|()| value)) {
        Ok(value) => Ok(value),
        Err(error) => Err(reader.recover(mark, error).unwrap_or_else(|fatal| fatal)),
    }
}
