//! The third reader: a [`Value`] already in memory, read as the msgpack reader reads the
//! message the value came from. A model's one decoder reads it unchanged, so
//! [`from_value`](super::from_value) is pydantic's `model_validate(dict)` of what
//! `truss_msgpack_deserialize` gives: binary mode's lax rules, defaults, `Option`s and errors
//! located as pydantic locates them, without a round trip through bytes.

use std::borrow::Cow;

use super::Value;
use crate::array::Shape;
use crate::array::map::{ArrayEntries, ArrayKey, dimension};
use crate::codec::{
    ArrayParts, Decode, Exactness, Integer, Kind, LazyMemo, MapAccess, Mark, Number, Payload, Reader, SeqAccess,
    Source, Validation, try_decode,
};
use crate::error::Error;
use crate::json::Base64Text;
use crate::lax;

/// Reads a [`Value`] as binary mode reads msgpack: the [`Reader`] behind
/// [`from_value`](super::from_value) and [`from_value_owned`](super::from_value_owned).
///
/// Over a borrowed value, strings, bytes and array payloads are lent to the decoders (a
/// `&str`, `&[u8]` or [`NdArrayView`](crate::NdArrayView) field borrows from the value; an
/// owned field copies). Over an owned value, strings, bytes and `AnyArray` payloads move into
/// the model; typed arrays are converted, a copy.
#[derive(Clone)]
pub struct ValueReader<'v> {
    next: Option<Next<'v>>,
    /// How many lists and maps are open, bounded as the other readers bound it.
    depth: usize,
    /// Strict for a strict field or model; a union's exactness while it tries a member.
    validation: Validation,
    /// The next value's place in the whole value, for the memo of union outcomes: its path,
    /// hashed (lent and owned values alike; see `Reader::union_memo`).
    place: u64,
    /// The outcomes of union members tried on this value.
    unions: LazyMemo,
}

/// The place of the `index`th child of the value at `parent`: a keyed mix of the path, so
/// that distinct places of one value do not meet, whatever the value (the key is drawn
/// once per process).
fn child_place(parent: u64, index: usize) -> u64 {
    static KEY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let key = *KEY
        .get_or_init(|| std::hash::BuildHasher::hash_one(&std::hash::RandomState::new(), 0x6368_6169_6e6d_6f64_u64));
    // splitmix64's finalizer over the parent, the index and the key.
    let mut x = parent ^ key ^ (index as u64).wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The value the next question is about.
#[derive(Clone)]
enum Next<'v> {
    Borrowed(&'v Value),
    Owned(Value),
}

impl Next<'_> {
    fn get(&self) -> &Value {
        match self {
            Next::Borrowed(value) => value,
            Next::Owned(value) => value,
        }
    }
}

/// A scalar as binary mode's lax rules see it: a number, a boolean, or text (a str, or bytes
/// read as their UTF-8 text).
enum Scalar<'v> {
    Bool(bool),
    Int(i128),
    Float(f64),
    Text(Cow<'v, str>),
}

/// What a value is, in the words of the msgpack reader's errors.
pub(super) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Nil => "nil",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Str(_) => "a string",
        Value::Bytes(_) => "bytes",
        Value::Array(_) => "a numpy array",
        Value::List(_) => "an array",
        Value::Map(_) => "a map",
        #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
        _ => "a map",
    }
}

/// Bytes read as text where pydantic wants `expected`: its error for that type when they are
/// not UTF-8.
fn utf8<'a>(bytes: &'a [u8], expected: &'static str) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes).map_err(|_| crate::lax::bytes_not_utf8(expected))
}

fn scalar_of<'a>(value: &'a Value, expected: &'static str) -> Result<Scalar<'a>, Error> {
    Ok(match value {
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Int(i) => Scalar::Int(*i),
        Value::Float(x) => Scalar::Float(*x),
        Value::Str(s) => Scalar::Text(Cow::Borrowed(s)),
        Value::Bytes(b) => Scalar::Text(Cow::Borrowed(utf8(b, expected)?)),
        other => return Err(Error::unexpected_type(expected, describe(other))),
    })
}

impl<'v> ValueReader<'v> {
    /// A reader of `value`, which the decoders may borrow from.
    pub fn new(value: &'v Value) -> Self {
        ValueReader {
            next: Some(Next::Borrowed(value)),
            depth: 0,
            validation: Validation::default(),
            place: 0,
            unions: LazyMemo::default(),
        }
    }

    /// A reader of `value`, whose strings, bytes and array payloads move into the decoders.
    pub fn owned(value: Value) -> Self {
        ValueReader {
            next: Some(Next::Owned(value)),
            depth: 0,
            validation: Validation::default(),
            place: 0,
            unions: LazyMemo::default(),
        }
    }

    fn current(&self) -> Result<&Value, Error> {
        self.next.as_ref().map(Next::get).ok_or_else(nothing_left)
    }

    /// Enters a list or map, within the default nesting limit (a `Value` decoded by chainmodel
    /// is within it already; one built in Rust may not be).
    fn enter(&mut self) -> Result<(), Error> {
        let limit = crate::limits::Limits::DEFAULT.max_depth;
        if self.depth >= limit {
            return Err(Error::too_deep(limit));
        }
        self.depth += 1;
        Ok(())
    }

    fn take(&mut self) -> Result<Next<'v>, Error> {
        self.next.take().ok_or_else(nothing_left)
    }

    fn scalar(&mut self, expected: &'static str) -> Result<Scalar<'v>, Error> {
        Ok(match self.take()? {
            Next::Borrowed(value) => scalar_of(value, expected)?,
            Next::Owned(value) => match scalar_of(&value, expected)? {
                Scalar::Text(text) => Scalar::Text(Cow::Owned(text.into_owned())),
                Scalar::Bool(b) => Scalar::Bool(b),
                Scalar::Int(i) => Scalar::Int(i),
                Scalar::Float(x) => Scalar::Float(x),
            },
        })
    }

    /// The next value itself: lent values are cloned, owned ones moved (`Value` fields).
    /// In strict mode, refuses a value that is not already of the type asked for.
    fn strict(&self, exact: impl Fn(&Value) -> bool, expected: &'static str) -> Result<(), Error> {
        let value = self.current()?;
        if exact(value) { Ok(()) } else { Err(Error::unexpected_type(expected, describe(value))) }
    }

    pub(crate) fn take_value(&mut self) -> Result<Value, Error> {
        Ok(match self.take()? {
            Next::Borrowed(value) => value.clone(),
            Next::Owned(value) => value,
        })
    }

    /// The data of truss's extension map tagged `tag`, or of the extension value (`datetime`,
    /// `UUID`, …) it became, as truss's map holds it.
    fn tagged_data(&mut self, tag: &'static str) -> Result<Next<'v>, Error> {
        let expected = || Error::invalid_value(format!("expected truss's {tag} map"));
        let next = self.take()?;
        #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
        if let Some(data) = super::writer::extension_data(next.get(), tag) {
            return data.map(Next::Owned).ok_or_else(expected);
        }
        let entries = match next {
            Next::Borrowed(Value::Map(entries)) => Entries::Borrowed(entries.iter()),
            Next::Owned(Value::Map(entries)) => Entries::Owned(entries.into_iter()),
            other => return Err(Error::unexpected_type("a truss extension map", describe(other.get()))),
        };
        // As the msgpack reader: str or bin keys, the last of each wins, others ignored.
        let (mut tagged, mut data) = (false, None);
        for (key, value) in entries.into_nexts() {
            match key_bytes(key.get()) {
                Some(key) if key == tag.as_bytes() => tagged = matches!(value.get(), Value::Bool(true)),
                Some(b"data") => data = Some(value),
                _ => {}
            }
        }
        match (tagged, data) {
            (true, Some(data)) => Ok(data),
            _ => Err(expected()),
        }
    }
}

#[cold]
fn nothing_left() -> Error {
    Error::invalid_value("no value left to read")
}

/// A str or bin key's bytes.
fn key_bytes(key: &Value) -> Option<&[u8]> {
    match key {
        Value::Str(s) => Some(s.as_bytes()),
        Value::Bytes(b) => Some(b),
        _ => None,
    }
}

/// An array from a map that stayed a dict: msgpack_numpy's keys as str (as some writers
/// write them) or bin, or `NumpyArrayField`'s `{"data_b64", "shape", "dtype"}`, read by the
/// rules the msgpack and JSON readers read such maps by ([`ArrayEntries`]); the payload stays
/// borrowed.
fn array_from_map(entries: &[(Value, Value)]) -> Result<ArrayParts<'_>, Error> {
    let mut found = ArrayEntries::default();
    for (key, value) in entries {
        let Some(key) = key_bytes(key) else { continue };
        match ArrayKey::of(key) {
            ArrayKey::Nd => {
                found.numpy.nd = Some(match value {
                    Value::Bool(nd) => *nd,
                    other => return Err(Error::unexpected_type("a boolean", describe(other)).at_field("nd")),
                });
            }
            ArrayKey::Kind => {
                found.numpy.kind =
                    Some(key_bytes(value).ok_or_else(|| Error::invalid_value("expected bytes").at_field("kind"))?);
            }
            // For kinds O and V, `type` is a list (the structured description): left unread.
            ArrayKey::Type if matches!(value, Value::List(_)) => {}
            ArrayKey::Type => {
                let text = key_bytes(value).ok_or_else(|| Error::invalid_value("expected a dtype string"));
                found.numpy.dtype = Some(text.map_err(|e| e.at_field("type"))?);
            }
            ArrayKey::Shape => found.numpy.shape = Some(dimensions(value).map_err(|e| e.at_field("shape"))?),
            ArrayKey::Data => {
                found.numpy.data = Some(Payload::Raw(match value {
                    Value::Bytes(data) => data,
                    Value::Str(data) => data.as_bytes(),
                    other => return Err(Error::unexpected_type("bytes", describe(other)).at_field("data")),
                }));
            }
            // A `data_b64` that is no string does not make the map `NumpyArrayField`'s.
            ArrayKey::DataB64 => {
                if let Value::Str(text) = value {
                    found.data_b64 = Some(Base64Text::Borrowed(text.as_bytes()));
                }
            }
            ArrayKey::DType => {
                found.dtype = Some(match value {
                    Value::Str(text) => text.as_bytes(),
                    other => return Err(Error::unexpected_type("a dtype string", describe(other)).at_field("dtype")),
                });
            }
            ArrayKey::Other => {}
        }
    }
    found.finish()
}

/// A shape: a list of dimensions.
pub(super) fn dimensions(value: &Value) -> Result<Shape, Error> {
    match value {
        Value::List(dims) => dims
            .iter()
            .enumerate()
            .map(|(index, dim)| match dim {
                Value::Int(dim) => dimension(*dim, index),
                other => Err(Error::unexpected_type("an integer", describe(other)).at_index(index)),
            })
            .collect::<Result<Vec<usize>, Error>>()
            .map(Shape::from),
        other => Err(Error::unexpected_type("an array", describe(other))),
    }
}

impl<'v> Reader<'v> for ValueReader<'v> {
    const BINARY: bool = true;
    type Seq<'a>
        = ValueSeq<'a, 'v>
    where
        Self: 'a;
    type Map<'a>
        = ValueMap<'a, 'v>
    where
        Self: 'a;

    /// The kind of msgpack the value came from: an array, or truss's extension value, is a map.
    fn peek(&mut self) -> Result<Kind, Error> {
        Ok(match self.current()? {
            Value::Nil => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) | Value::Float(_) => Kind::Number,
            Value::Str(_) => Kind::Str,
            Value::Bytes(_) => Kind::Bytes,
            Value::List(_) => Kind::Seq,
            _ => Kind::Map,
        })
    }

    /// A copy of the reader, for a union to find its tag or try a member (a borrowed value is
    /// shared; an owned one is cloned).
    fn lookahead(&self) -> Option<Self> {
        Some(self.clone())
    }

    fn validation(&self) -> Validation {
        self.validation
    }

    fn union_memo(&mut self) -> Option<(crate::codec::UnionMemo, u64)> {
        Some((self.unions.get(), self.place))
    }

    fn set_validation(&mut self, validation: Validation) {
        self.validation = validation;
    }

    fn read_null(&mut self) -> Result<bool, Error> {
        if matches!(self.current()?, Value::Nil) {
            self.next = None;
            return Ok(true);
        }
        Ok(false)
    }

    fn read_bool(&mut self) -> Result<bool, Error> {
        if self.validation.strict {
            self.strict(|v| matches!(v, Value::Bool(_)), "a boolean")?;
        } else if !matches!(self.current()?, Value::Bool(_)) {
            self.validation.floor(Exactness::Lax);
        }
        match self.scalar("a boolean")? {
            Scalar::Bool(b) => Ok(b),
            Scalar::Int(i) => lax::bool_from_number(i as f64),
            Scalar::Float(x) => lax::bool_from_number(x),
            Scalar::Text(text) => lax::bool_from_str(&text),
        }
    }

    fn read_int<I: Integer>(&mut self) -> Result<I, Error> {
        if self.validation.strict {
            self.strict(|v| matches!(v, Value::Int(_)), "an integer")?;
        } else if !matches!(self.current()?, Value::Int(_)) {
            self.validation.floor(Exactness::Lax);
        }
        match self.scalar("an integer")? {
            Scalar::Int(value) => lax::int_in_range(value),
            Scalar::Bool(b) => lax::int_in_range(b.into()),
            Scalar::Float(x) => lax::int_from_float(x),
            Scalar::Text(text) => lax::int_from_str(&text),
        }
    }

    fn read_float(&mut self) -> Result<f64, Error> {
        if self.validation.strict {
            self.strict(|v| matches!(v, Value::Int(_) | Value::Float(_)), "a number")?;
        }
        match self.current()? {
            Value::Float(_) => {}
            // An integer is a float in strict mode too, but not an exact one.
            Value::Int(_) => self.validation.floor(Exactness::Strict),
            _ => self.validation.floor(Exactness::Lax),
        }
        match self.scalar("a number")? {
            Scalar::Float(x) => Ok(x),
            Scalar::Int(i) => Ok(i as f64),
            Scalar::Bool(b) => Ok(if b { 1.0 } else { 0.0 }),
            Scalar::Text(text) => lax::float_from_str(&text),
        }
    }

    fn read_number(&mut self) -> Result<Number, Error> {
        match self.current()? {
            Value::Int(i) => {
                let i = *i;
                self.next = None;
                Ok(Number::Int(i))
            }
            _ => self.read_float().map(Number::Float),
        }
    }

    /// A str, or `bytes` as their UTF-8 text (pydantic's lax mode).
    fn read_str(&mut self) -> Result<Cow<'v, str>, Error> {
        if self.validation.strict {
            self.strict(|v| matches!(v, Value::Str(_)), "a string")?;
        } else if !matches!(self.current()?, Value::Str(_)) {
            self.validation.floor(Exactness::Lax);
        }
        match self.take()? {
            Next::Borrowed(Value::Str(s)) => Ok(Cow::Borrowed(s)),
            Next::Borrowed(Value::Bytes(b)) => utf8(b, "a string").map(Cow::Borrowed),
            Next::Owned(Value::Str(s)) => Ok(Cow::Owned(s)),
            Next::Owned(Value::Bytes(b)) => {
                String::from_utf8(b.into_vec()).map(Cow::Owned).map_err(|_| crate::lax::bytes_not_utf8("a string"))
            }
            other => Err(Error::unexpected_type("a string", describe(other.get()))),
        }
    }

    fn read_bytes(&mut self) -> Result<Cow<'v, [u8]>, Error> {
        match self.take()? {
            Next::Borrowed(Value::Bytes(b)) => Ok(Cow::Borrowed(b)),
            Next::Owned(Value::Bytes(b)) => Ok(Cow::Owned(b.into_vec())),
            // A str for bytes, as binary mode reads one: pydantic's lax `bytes`.
            Next::Borrowed(Value::Str(text)) if !self.validation.strict => {
                self.validation.floor(Exactness::Lax);
                Ok(Cow::Borrowed(text.as_bytes()))
            }
            Next::Owned(Value::Str(text)) if !self.validation.strict => {
                self.validation.floor(Exactness::Lax);
                Ok(Cow::Owned(text.into_bytes()))
            }
            other => Err(Error::unexpected_type("bytes", describe(other.get()))),
        }
    }

    fn read_array(&mut self) -> Result<ArrayParts<'v>, Error> {
        match self.take()? {
            Next::Borrowed(Value::Array(array)) => Ok(ArrayParts {
                dtype: array.dtype(),
                shape: Shape::from(array.shape()),
                payload: Payload::Raw(array.as_bytes()),
            }),
            Next::Owned(Value::Array(array)) => {
                let (dtype, shape) = (array.dtype(), Shape::from(array.shape()));
                Ok(ArrayParts { dtype, shape, payload: Payload::Owned(array.into_bytes()) })
            }
            Next::Borrowed(Value::Map(entries)) => array_from_map(entries),
            Next::Owned(Value::Map(entries)) => {
                let ArrayParts { dtype, shape, payload } = array_from_map(&entries)?;
                Ok(ArrayParts { dtype, shape, payload: payload.into_owned() })
            }
            other => Err(Error::unexpected_type("a numpy array (a msgpack_numpy map)", describe(other.get()))),
        }
    }

    fn read_seq<'r, V>(&'r mut self, visit: impl FnOnce(&mut Self::Seq<'r>) -> Result<V, Error>) -> Result<V, Error> {
        let items = match self.take()? {
            Next::Borrowed(Value::List(items)) => Items::Borrowed(items.iter()),
            Next::Owned(Value::List(items)) => Items::Owned(items.into_iter()),
            other => return Err(Error::unexpected_type("a list", describe(other.get()))),
        };
        self.enter()?;
        let parent = self.place;
        let mut seq = ValueSeq { reader: self, items, index: 0, parent };
        let value = visit(&mut seq);
        seq.reader.depth -= 1;
        value
    }

    fn read_map<'r, V>(&'r mut self, visit: impl FnOnce(&mut Self::Map<'r>) -> Result<V, Error>) -> Result<V, Error> {
        let entries = match self.take()? {
            Next::Borrowed(Value::Map(entries)) => Entries::Borrowed(entries.iter()),
            Next::Owned(Value::Map(entries)) => Entries::Owned(entries.into_iter()),
            other => return Err(Error::unexpected_type("a map", describe(other.get()))),
        };
        self.enter()?;
        let parent = self.place;
        let mut map = ValueMap { reader: self, entries, value: None, parent, entry: 0 };
        let value = visit(&mut map);
        map.reader.depth -= 1;
        value
    }

    fn read_tagged<V>(
        &mut self,
        tag: &'static str,
        data: impl FnOnce(&mut Self) -> Result<V, Error>,
    ) -> Result<V, Error> {
        self.next = Some(self.tagged_data(tag)?);
        let value = data(self).map_err(|e| e.at_field("data"))?;
        self.next = None;
        Ok(value)
    }

    fn skip(&mut self) -> Result<(), Error> {
        self.take().map(drop)
    }

    #[inline]
    fn mark(&self) -> Mark {
        Mark { pos: 0, depth: self.depth }
    }

    /// The value in memory was taken by the decoder that failed: nothing is left to skip.
    #[cold]
    fn recover(&mut self, mark: Mark, error: Error) -> Result<Error, Error> {
        if error.is_fatal() {
            return Err(error);
        }
        self.depth = mark.depth;
        self.next = None;
        Ok(error)
    }

    fn source(&mut self) -> Source<'_, 'v> {
        Source::Value(self)
    }
}

/// A list's items, lent or owned.
enum Items<'v> {
    Borrowed(std::slice::Iter<'v, Value>),
    Owned(std::vec::IntoIter<Value>),
}

impl<'v> Items<'v> {
    fn next(&mut self) -> Option<Next<'v>> {
        match self {
            Items::Borrowed(items) => items.next().map(Next::Borrowed),
            Items::Owned(items) => items.next().map(Next::Owned),
        }
    }

    fn len(&self) -> usize {
        match self {
            Items::Borrowed(items) => items.len(),
            Items::Owned(items) => items.len(),
        }
    }
}

/// A map's entries, lent or owned.
enum Entries<'v> {
    Borrowed(std::slice::Iter<'v, (Value, Value)>),
    Owned(std::vec::IntoIter<(Value, Value)>),
}

impl<'v> Entries<'v> {
    fn next(&mut self) -> Option<(Next<'v>, Next<'v>)> {
        match self {
            Entries::Borrowed(entries) => entries.next().map(|(k, v)| (Next::Borrowed(k), Next::Borrowed(v))),
            Entries::Owned(entries) => entries.next().map(|(k, v)| (Next::Owned(k), Next::Owned(v))),
        }
    }

    fn len(&self) -> usize {
        match self {
            Entries::Borrowed(entries) => entries.len(),
            Entries::Owned(entries) => entries.len(),
        }
    }

    fn into_nexts(mut self) -> impl Iterator<Item = (Next<'v>, Next<'v>)> {
        std::iter::from_fn(move || self.next())
    }
}

/// The items of a list being read.
pub struct ValueSeq<'a, 'v> {
    reader: &'a mut ValueReader<'v>,
    items: Items<'v>,
    index: usize,
    /// The list's place.
    parent: u64,
}

impl<'v> SeqAccess<'v> for ValueSeq<'_, 'v> {
    fn next_element<T: Decode<'v>>(&mut self) -> Result<Option<T>, Error> {
        let Some(item) = self.items.next() else { return Ok(None) };
        let index = self.index;
        self.index += 1;
        self.reader.next = Some(item);
        self.reader.place = child_place(self.parent, index);
        let value = T::decode(self.reader).map_err(|e| e.at_index(index))?;
        self.reader.next = None;
        Ok(Some(value))
    }

    fn try_next_element<T: Decode<'v>>(
        &mut self,
        check: impl FnOnce(&T) -> Result<(), Error>,
    ) -> Result<Option<T>, Error> {
        let Some(item) = self.items.next() else { return Ok(None) };
        let index = self.index;
        self.index += 1;
        self.reader.next = Some(item);
        self.reader.place = child_place(self.parent, index);
        let outcome = try_decode(self.reader, false, T::decode, check);
        self.reader.next = None;
        outcome.map(Some).map_err(|error| error.at_index(index))
    }

    fn is_at_end(&mut self) -> Result<bool, Error> {
        Ok(self.items.len() == 0)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }

    /// The value is in memory: its length is real.
    fn capacity(&mut self, _min_len: usize) -> usize {
        self.items.len()
    }
}

/// The entries of a map being read.
pub struct ValueMap<'a, 'v> {
    reader: &'a mut ValueReader<'v>,
    entries: Entries<'v>,
    /// The value of the key just read.
    value: Option<Next<'v>>,
    /// The map's place, and the number of entries read.
    parent: u64,
    entry: usize,
}

impl<'v> MapAccess<'v> for ValueMap<'_, 'v> {
    fn next_key<K: Decode<'v>>(&mut self) -> Result<Option<K>, Error> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        self.entry += 1;
        self.reader.next = Some(key);
        self.reader.place = child_place(self.parent, 2 * self.entry - 1);
        let key = K::decode(self.reader)?;
        self.reader.next = None;
        Ok(Some(key))
    }

    /// A str or a bin key, as bytes (as the msgpack reader reads keys).
    fn next_field(&mut self) -> Result<Option<Cow<'v, [u8]>>, Error> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        self.entry += 1;
        match key {
            Next::Borrowed(Value::Str(s)) => Ok(Some(Cow::Borrowed(s.as_bytes()))),
            Next::Borrowed(Value::Bytes(b)) => Ok(Some(Cow::Borrowed(b))),
            Next::Owned(Value::Str(s)) => Ok(Some(Cow::Owned(s.into_bytes()))),
            Next::Owned(Value::Bytes(b)) => Ok(Some(Cow::Owned(b.into_vec()))),
            other => Err(Error::unexpected_type("a string key", describe(other.get()))),
        }
    }

    fn next_value<V: Decode<'v>>(&mut self) -> Result<V, Error> {
        self.reader.next = Some(self.value.take().ok_or_else(nothing_left)?);
        self.reader.place = child_place(self.parent, 2 * self.entry);
        let value = V::decode(self.reader)?;
        self.reader.next = None;
        Ok(value)
    }

    fn try_next_value<V: Decode<'v>>(
        &mut self,
        strict: bool,
        check: impl FnOnce(&V) -> Result<(), Error>,
    ) -> Result<V, Error> {
        self.reader.next = Some(self.value.take().ok_or_else(nothing_left)?);
        self.reader.place = child_place(self.parent, 2 * self.entry);
        let outcome = try_decode(self.reader, strict, V::decode, check);
        self.reader.next = None;
        outcome
    }

    fn skip_value(&mut self) -> Result<(), Error> {
        self.value = None;
        Ok(())
    }

    fn capacity(&mut self, _min_len: usize) -> usize {
        self.entries.len() + usize::from(self.value.is_some())
    }

    type Ahead = ValueReader<'v>;

    fn value_ahead(&self) -> Option<ValueReader<'v>> {
        let mut ahead = self.reader.clone();
        ahead.next = Some(self.value.clone()?);
        ahead.place = child_place(self.parent, 2 * self.entry);
        Some(ahead)
    }
}
