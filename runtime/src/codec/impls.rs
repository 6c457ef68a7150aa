//! Rust's own types, each read and written once for both modes as pydantic reads and
//! writes their Python equivalents; the readers and writers supply each mode's form.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

use super::{Decode, Encode, Kind, MapAccess, MapWriter, Number, Reader, SeqAccess, Writer};
use crate::bytes::Bytes;
use crate::constraint::{NumberBounds, WideInt, beyond_range};
use crate::error::{Error, InputOf, PathSegment};

impl<'de> Decode<'de> for bool {
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        reader.read_bool()
    }
}

impl Encode for bool {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_bool(*self);
    }
}

/// An integer type's `Decode`, its range as its schema writes it (`None`: none).
macro_rules! decode_integer {
    ($ty:ty, $range:expr) => {
        impl<'de> Decode<'de> for $ty {
            #[inline]
            fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
                reader.read_int()
            }

            /// Read as an integer however large, so that one beyond the type is refused with
            /// the bound it breaks: the field's own, or its type's range where the schema
            /// writes it (as pydantic's `ge`/`le`, which the field's own replace).
            fn decode_within<R: Reader<'de>>(reader: &mut R, bounds: &NumberBounds) -> Result<Self, Error> {
                if bounds.is_empty() {
                    return reader.read_int();
                }
                let value: WideInt = reader.read_int()?;
                let fits = match &value {
                    WideInt::Int(int) => <$ty>::try_from(*int).ok(),
                    // Past 128 bits: only a `u128` holds some.
                    WideInt::Huge(text) => text.parse().ok(),
                };
                fits.ok_or_else(|| beyond_range(&value, bounds, $range, stringify!($ty)))
            }
        }
    };
}

macro_rules! impl_integer {
    ($($ty:ty => $write:ident as $wide:ty, $range:expr),*) => {$(
        decode_integer!($ty, $range);

        impl Encode for $ty {
            #[inline]
            fn encode<W: Writer>(&self, writer: &mut W) {
                writer.$write(*self as $wide);
            }
        }
    )*};
}

// Each type with its range, as its schema writes it (`minimum`, `maximum`).
impl_integer!(
    u8 => write_uint as u64, Some((0, u8::MAX as i128)),
    u16 => write_uint as u64, Some((0, u16::MAX as i128)),
    u32 => write_uint as u64, Some((0, u32::MAX as i128)),
    u64 => write_uint as u64, Some((0, u64::MAX as i128)),
    usize => write_uint as u64, Some((0, usize::MAX as i128)),
    i8 => write_int as i64, Some((i8::MIN as i128, i8::MAX as i128)),
    i16 => write_int as i64, Some((i16::MIN as i128, i16::MAX as i128)),
    i32 => write_int as i64, Some((i32::MIN as i128, i32::MAX as i128)),
    // pydantic's `int` has no range: the schemas of `i64` and `isize` write none.
    i64 => write_int as i64, None,
    isize => write_int as i64, None,
    i128 => write_int128 as i128, None
);

// The schema of a `u128` writes no `maximum` (JSON numbers hold 64 bits).
decode_integer!(u128, None);

impl Encode for u128 {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        match i128::try_from(*self) {
            Ok(value) => writer.write_int128(value),
            Err(_) => writer.write_int_text(&self.to_string()),
        }
    }
}

impl<'de> Decode<'de> for f64 {
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        reader.read_float()
    }
}

impl Encode for f64 {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_float(*self);
    }
}

impl<'de> Decode<'de> for f32 {
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        reader.read_float().map(|x| x as f32)
    }
}

impl Encode for f32 {
    /// Written as the float64 Python holds for it (`0.1f32` is `0.10000000149011612`).
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_float(f64::from(*self));
    }
}

impl<'de> Decode<'de> for String {
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        reader.read_str().map(Cow::into_owned)
    }
}

impl Encode for String {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_str(self);
    }

    fn size_hint(&self) -> usize {
        self.len() + 5
    }
}

impl Encode for str {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_str(self);
    }

    fn size_hint(&self) -> usize {
        self.len() + 5
    }
}

impl<'de: 'a, 'a> Decode<'de> for &'a str {
    /// Borrows the string from the input; a JSON string with escapes cannot be borrowed and
    /// is an error (use `String` or `Cow<str>` for such fields).
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        match reader.read_str()? {
            Cow::Borrowed(text) => Ok(text),
            Cow::Owned(_) => Err(Error::cannot_borrow("&str")),
        }
    }
}

impl<'de: 'a, 'a> Decode<'de> for Cow<'a, str> {
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        reader.read_str()
    }
}

impl Encode for Cow<'_, str> {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_str(self);
    }

    fn size_hint(&self) -> usize {
        self.len() + 5
    }
}

impl<'de> Decode<'de> for () {
    /// Python's `None` (`RootModel[NoneType]`, a chainlet that returns nothing): only null.
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        if reader.read_null()? {
            Ok(())
        } else {
            reader.skip()?;
            Err(Error::validation("none_required", "Input should be None", None))
        }
    }
}

impl Encode for () {
    /// `None`: null, msgpack's nil.
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_null();
    }

    fn size_hint(&self) -> usize {
        1
    }
}

impl<'de, T: Decode<'de>> Decode<'de> for Option<T> {
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        if reader.read_null()? { Ok(None) } else { T::decode(reader).map(Some) }
    }

    fn missing() -> Result<Self, Error> {
        Ok(None)
    }

    fn decode_within<R: Reader<'de>>(reader: &mut R, bounds: &NumberBounds) -> Result<Self, Error> {
        if reader.read_null()? { Ok(None) } else { T::decode_within(reader, bounds).map(Some) }
    }
}

impl<T: Encode> Encode for Option<T> {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        match self {
            Some(value) => value.encode(writer),
            None => writer.write_null(),
        }
    }

    fn size_hint(&self) -> usize {
        self.as_ref().map_or(1, Encode::size_hint)
    }
}

impl<'de, T: Decode<'de>> Decode<'de> for Box<T> {
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        T::decode(reader).map(Box::new)
    }

    fn missing() -> Result<Self, Error> {
        T::missing().map(Box::new)
    }

    fn decode_within<R: Reader<'de>>(reader: &mut R, bounds: &NumberBounds) -> Result<Self, Error> {
        T::decode_within(reader, bounds).map(Box::new)
    }
}

impl<T: Encode + ?Sized> Encode for Box<T> {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        (**self).encode(writer);
    }

    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
}

impl<'de, T: Decode<'de>> Decode<'de> for Vec<T> {
    /// A list (a `Vec<u8>` too: binary data is `Bytes` or `&[u8]`); every bad item is
    /// reported, as pydantic does.
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        decode_items(reader, Vec::with_capacity, |_| Ok(()), Vec::push)
    }
}

/// Reads a list into a collection made by `new` (given the capacity to reserve) through
/// `insert`, each item checked by `check`: every bad item is reported, in order, located at
/// its index, until [`Error::MAX_ERRORS`].
#[inline]
pub(crate) fn decode_items<'de, R: Reader<'de>, T: Decode<'de>, C>(
    reader: &mut R,
    new: impl FnOnce(usize) -> C,
    check: impl Fn(&T) -> Result<(), Error>,
    mut insert: impl FnMut(&mut C, T),
) -> Result<C, Error> {
    let start = reader.mark().pos;
    reader.read_seq(|seq| {
        let mut items = new(seq.capacity(T::MIN_LEN));
        let mut errors = crate::error::Errors::new();
        let mut index = 0;
        loop {
            match seq.try_next_element(&check) {
                Ok(Some(item)) => insert(&mut items, item),
                Ok(None) => break,
                Err(error) => errors.push(index, error)?,
            }
            index += 1;
        }
        errors.finish().map(|()| items).map_err(|error| error.completed_from(start))
    })
}

impl<T: Encode> Encode for Vec<T> {
    /// A list. (A `&[u8]` field is bytes, not a list: it has its own form.)
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        encode_list(writer, self);
    }

    fn size_hint(&self) -> usize {
        5 + self.iter().map(Encode::size_hint).sum::<usize>()
    }
}

/// A list of `items`.
pub(crate) fn encode_list<W: Writer, T: Encode>(writer: &mut W, items: &[T]) {
    writer.write_seq(items.len(), |seq| items.iter().for_each(|item| seq.element(item)));
}

/// A map key as the input gives it: what a [`MapKey`] is read from, and where the errors of
/// the key and its value are located, as pydantic locates them (by the input's key: a str as
/// it is, an int as an int, bytes as their repr `b'k'`, ...).
pub struct KeyInput<'de> {
    key: InputKey<'de>,
    /// The reader was in strict mode (no lax conversions).
    strict: bool,
}

enum InputKey<'de> {
    Str(Cow<'de, str>),
    Bytes(Cow<'de, [u8]>),
    Int(i128),
    Float(f64),
    Bool(bool),
    Null,
    /// A list, a map, an array or an extension value (which no Python dict has as a key).
    Other(&'static str),
}

impl<'de> Decode<'de> for KeyInput<'de> {
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        let strict = reader.validation().strict;
        let key = match reader.peek()? {
            Kind::Str => InputKey::Str(reader.read_str()?),
            Kind::Bytes => InputKey::Bytes(reader.read_bytes()?),
            Kind::Number => match reader.read_number()? {
                Number::Int(int) => InputKey::Int(int),
                Number::Float(float) => InputKey::Float(float),
            },
            Kind::Bool => InputKey::Bool(reader.read_bool()?),
            Kind::Null => {
                reader.read_null()?;
                InputKey::Null
            }
            kind => {
                reader.skip()?;
                InputKey::Other(if kind == Kind::Seq { "a list" } else { "a map" })
            }
        };
        Ok(KeyInput { key, strict })
    }
}

impl KeyInput<'_> {
    /// Where the key's value (and, inside `[key]`, the key itself) is located.
    pub fn location(&self) -> PathSegment {
        match &self.key {
            InputKey::Str(text) => PathSegment::Field(Cow::Owned(text.clone().into_owned())),
            InputKey::Bytes(bytes) => PathSegment::Field(format!("{:?}", Bytes::from(bytes.to_vec())).into()),
            InputKey::Int(int) => PathSegment::Key(*int),
            InputKey::Bool(b) => PathSegment::Key(i128::from(*b)),
            InputKey::Float(x) => PathSegment::Field(crate::format::python_float(*x).into()),
            InputKey::Null => PathSegment::Field(Cow::Borrowed("None")),
            InputKey::Other(_) => PathSegment::Field(Cow::Borrowed("...")),
        }
    }

    /// The key as pydantic's `input` of an error about it.
    fn input(&self) -> Option<crate::error::Input> {
        let json = match &self.key {
            InputKey::Str(text) => return Some(crate::error::Input::Text(text.as_ref().into())),
            InputKey::Int(int) => int.to_string(),
            InputKey::Float(x) => serde_json::Number::from_f64(*x).map_or_else(|| "null".to_owned(), |n| n.to_string()),
            InputKey::Bool(b) => b.to_string(),
            InputKey::Null => "null".to_owned(),
            InputKey::Bytes(_) | InputKey::Other(_) => return None,
        };
        Some(crate::error::Input::Json(json.into_bytes().into()))
    }

    /// The key's text, if it is a str (or, in lax mode, bytes holding UTF-8 text).
    fn text(&self) -> Option<Result<&str, Error>> {
        match &self.key {
            InputKey::Str(text) => Some(Ok(text)),
            InputKey::Bytes(bytes) if !self.strict => {
                Some(std::str::from_utf8(bytes).map_err(|_| crate::lax::bytes_not_utf8("a string key")))
            }
            _ => None,
        }
    }

    /// What the key is, in a type error's words.
    fn found(&self) -> &'static str {
        match &self.key {
            InputKey::Str(_) => "a string",
            InputKey::Bytes(_) => "bytes",
            InputKey::Int(_) => "an integer",
            InputKey::Float(_) => "a float",
            InputKey::Bool(_) => "a boolean",
            InputKey::Null => "null",
            InputKey::Other(found) => found,
        }
    }
}

/// A dict's key: `str`, or an integer (`dict[int, X]`: a string in JSON, as pydantic writes
/// it, an int in msgpack).
pub trait MapKey: Sized {
    /// The key, read from the key the input gives, as pydantic validates a dict's keys.
    fn from_input(key: &KeyInput<'_>) -> Result<Self, Error>;

    /// Writes the entry of this key.
    fn write_entry<W: Writer, V: Encode + ?Sized>(&self, map: &mut MapWriter<'_, W>, value: &V);

    /// About how many bytes the key takes.
    fn key_size(&self) -> usize {
        9
    }
}

impl MapKey for String {
    /// A str (in lax mode, bytes holding UTF-8 text, as pydantic reads what truss hands it).
    #[inline]
    fn from_input(key: &KeyInput<'_>) -> Result<Self, Error> {
        match key.text() {
            Some(text) => text.map(str::to_owned),
            None => Err(Error::unexpected_type("a string", key.found())),
        }
    }

    #[inline]
    fn write_entry<W: Writer, V: Encode + ?Sized>(&self, map: &mut MapWriter<'_, W>, value: &V) {
        map.entry(self, value);
    }

    fn key_size(&self) -> usize {
        self.len() + 5
    }
}

macro_rules! int_keys {
    ($($ty:ty),*) => {$(
        impl MapKey for $ty {
            /// An integer (binary mode's int keys), or text holding one (JSON's keys); in lax
            /// mode also a float with no fraction or a boolean, as an `int` field reads them.
            #[inline]
            fn from_input(key: &KeyInput<'_>) -> Result<Self, Error> {
                match &key.key {
                    InputKey::Int(int) => crate::lax::int_in_range(*int),
                    _ if key.strict => Err(Error::unexpected_type("an integer", key.found())),
                    InputKey::Float(x) => crate::lax::int_from_float(*x),
                    InputKey::Bool(b) => crate::lax::int_in_range(i128::from(*b)),
                    _ => match key.text() {
                        Some(text) => crate::lax::int_from_str(text?),
                        None => Err(Error::unexpected_type("an integer", key.found())),
                    },
                }
            }

            #[inline]
            fn write_entry<W: Writer, V: Encode + ?Sized>(&self, map: &mut MapWriter<'_, W>, value: &V) {
                if W::BINARY {
                    map.entry_encoded(self, value);
                } else {
                    map.entry(&self.to_string(), value);
                }
            }
        }
    )*};
}

int_keys!(i8, i16, i32, i64, u8, u16, u32, u64, isize, usize);

/// Reads a map into `insert`; a key given twice keeps its last value, as pydantic (a Python
/// dict) does. Binary mode reads bin keys as their text, as pydantic's lax `dict[str, …]` does.
fn decode_map<'de, R: Reader<'de>, K: MapKey, V: Decode<'de>>(
    reader: &mut R,
    insert: impl FnMut(K, V),
) -> Result<(), Error> {
    decode_entries(reader, |_| Ok(()), insert)
}

/// Reads a map into `insert`, each value checked by `check`: every bad key and value is
/// reported, in order, located as pydantic locates them (a value at its key, a key's own error
/// at the key then `[key]`, before its value's), until [`Error::MAX_ERRORS`].
#[inline]
pub(crate) fn decode_entries<'de, R: Reader<'de>, K: MapKey, V: Decode<'de>>(
    reader: &mut R,
    check: impl Fn(&V) -> Result<(), Error>,
    mut insert: impl FnMut(K, V),
) -> Result<(), Error> {
    let start = reader.mark().pos;
    reader.read_map(|map| {
        let mut errors = crate::error::Errors::new();
        let mut rank = 0;
        while let Some(input) = map.next_key::<KeyInput<'de>>()? {
            let key = K::from_input(&input);
            let value = map.try_next_value::<V>(false, &check);
            match (key, value) {
                (Ok(key), Ok(value)) => insert(key, value),
                (key, value) => {
                    if let Err(mut error) = key {
                        if let Some(given) = input.input().filter(|_| error.wants_input(InputOf::Value)) {
                            error.set_input(&given, crate::value::show_input, InputOf::Value);
                        }
                        errors.push(rank, error.at_field("[key]").at(input.location()))?;
                    }
                    if let Err(error) = value {
                        errors.push(rank, error.at(input.location()))?;
                    }
                }
            }
            rank += 1;
        }
        errors.finish().map_err(|error| error.completed_from(start))
    })
}

fn encode_map<'a, W: Writer, K: MapKey + 'a, V: Encode + 'a>(
    writer: &mut W,
    len: usize,
    entries: impl Iterator<Item = (&'a K, &'a V)>,
) {
    writer.write_map(len, |map| entries.for_each(|(key, value)| key.write_entry(map, value)));
}

fn map_size_hint<'a, K: MapKey + 'a, V: Encode + 'a>(entries: impl Iterator<Item = (&'a K, &'a V)>) -> usize {
    5 + entries.map(|(k, v)| k.key_size() + v.size_hint()).sum::<usize>()
}

impl<'de, K: MapKey + Eq + Hash, V: Decode<'de>, S: BuildHasher + Default> Decode<'de> for HashMap<K, V, S> {
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        let mut map = HashMap::default();
        decode_map(reader, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl<K: MapKey, V: Encode, S> Encode for HashMap<K, V, S> {
    fn encode<W: Writer>(&self, writer: &mut W) {
        encode_map(writer, self.len(), self.iter());
    }

    fn size_hint(&self) -> usize {
        map_size_hint(self.iter())
    }
}

impl<'de, K: MapKey + Ord, V: Decode<'de>> Decode<'de> for BTreeMap<K, V> {
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        let mut map = BTreeMap::new();
        decode_map(reader, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl<K: MapKey, V: Encode> Encode for BTreeMap<K, V> {
    fn encode<W: Writer>(&self, writer: &mut W) {
        encode_map(writer, self.len(), self.iter());
    }

    fn size_hint(&self) -> usize {
        map_size_hint(self.iter())
    }
}

/// `dict` / `dict[str, Any]` in pydantic's order (serde_json keeps insertion order here).
impl<'de> Decode<'de> for serde_json::Map<String, serde_json::Value> {
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        let mut map = serde_json::Map::new();
        decode_map(reader, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl Encode for serde_json::Map<String, serde_json::Value> {
    fn encode<W: Writer>(&self, writer: &mut W) {
        encode_map(writer, self.len(), self.iter());
    }

    fn size_hint(&self) -> usize {
        map_size_hint(self.iter())
    }
}

#[cfg(feature = "indexmap")]
impl<'de, K: MapKey + Eq + Hash, V: Decode<'de>, S: BuildHasher + Default> Decode<'de> for indexmap::IndexMap<K, V, S> {
    /// pydantic's `dict`: insertion order kept; a key given twice keeps its first place and
    /// its last value, as a Python dict does.
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        let mut map = indexmap::IndexMap::default();
        decode_map(reader, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

#[cfg(feature = "indexmap")]
impl<K: MapKey, V: Encode, S> Encode for indexmap::IndexMap<K, V, S> {
    fn encode<W: Writer>(&self, writer: &mut W) {
        encode_map(writer, self.len(), self.iter());
    }

    fn size_hint(&self) -> usize {
        map_size_hint(self.iter())
    }
}

/// Reads a list into a set (`set[T]`: duplicates merge, as in Python); pydantic names a
/// wrong type `set_type`.
fn decode_set<'de, R: Reader<'de>, T: Decode<'de>>(reader: &mut R, mut insert: impl FnMut(T)) -> Result<(), Error> {
    let python = reader.python_mode();
    reader.floor_exactness(sequence_exactness(python));
    decode_items(reader, |_| (), |_| Ok(()), |(), item| insert(item)).map_err(|error| set_type_error(error, python))
}

/// A set given no list: pydantic's `set_type` (python mode's message; JSON mode's stays "a
/// valid array").
pub(crate) fn set_type_error(error: Error, python: bool) -> Error {
    error.retyped("list_type", "set_type", python.then(|| "Input should be a valid set".into()), None)
}

macro_rules! impl_set {
    ($($(#[$cfg:meta])* $set:ident<T $(, $s:ident)?> where $($bound:path),*;)*) => {$(
        $(#[$cfg])*
        impl<'de, T: Decode<'de> $(+ $bound)* $(, $s: BuildHasher + Default)?> Decode<'de> for $set<T $(, $s)?> {
            /// `set[T]`: a list, duplicates merged.
            fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
                let mut set = $set::default();
                decode_set(reader, |item| {
                    set.insert(item);
                })?;
                Ok(set)
            }
        }

        $(#[$cfg])*
        impl<T: Encode $(, $s)?> Encode for $set<T $(, $s)?> {
            /// A list, in the set's order.
            fn encode<W: Writer>(&self, writer: &mut W) {
                writer.write_seq(self.len(), |seq| self.iter().for_each(|item| seq.element(item)));
            }

            fn size_hint(&self) -> usize {
                5 + self.iter().map(Encode::size_hint).sum::<usize>()
            }
        }
    )*};
}

#[cfg(feature = "indexmap")]
use indexmap::IndexSet;

impl_set! {
    HashSet<T, S> where Eq, Hash;
    BTreeSet<T> where Ord;
    #[cfg(feature = "indexmap")]
    IndexSet<T, S> where Eq, Hash;
}

macro_rules! impl_tuple {
    ($len:literal => $($name:ident $index:tt),+) => {
        impl<'de, $($name: Decode<'de>),+> Decode<'de> for ($($name,)+) {
            const MIN_LEN: usize = 1 $(+ $name::MIN_LEN)+;

            /// A list of exactly the tuple's length: a missing item is `missing` at its
            /// index, extra items `too_long`, as pydantic reports them.
            fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
                let (start, python) = (reader.mark().pos, reader.python_mode());
                reader.floor_exactness(sequence_exactness(python));
                reader.read_seq(|seq| {
                    let mut errors = crate::error::Errors::new();
                    let items = ($(
                        match seq.try_next_element::<$name>(|_| Ok(())) {
                            Ok(Some(item)) => Some(item),
                            Err(error) => {
                                errors.push($index, error)?;
                                None
                            }
                            Ok(None) => {
                                errors.push($index, Error::missing_field().at_index($index))?;
                                None
                            }
                        },
                    )+);
                    let mut extra = 0;
                    while seq.try_next_element::<Skipped>(|_| Ok(()))?.is_some() {
                        extra += 1;
                    }
                    if extra > 0 {
                        errors.push($len, Error::tuple_too_long($len, $len + extra))?;
                    }
                    errors.finish().map_err(|error| error.completed_from(start))?;
                    Ok(($(items.$index.ok_or_else(Error::missing_field)?,)+))
                })
                .map_err(|error| {
                    error.retyped("list_type", "tuple_type", python.then(|| "Input should be a valid tuple".into()), None)
                })
            }
        }

        impl<$($name: Encode),+> Encode for ($($name,)+) {
            fn encode<W: Writer>(&self, writer: &mut W) {
                writer.write_seq($len, |seq| {
                    $(seq.element(&self.$index);)+
                });
            }

            fn size_hint(&self) -> usize {
                1 $(+ self.$index.size_hint())+
            }
        }
    };
}

/// How exactly a list matches a tuple or a set: a JSON array strictly, a Python list (binary
/// mode, or JSON as truss's server reads it) laxly, as pydantic-core ranks them.
pub(crate) fn sequence_exactness(python: bool) -> super::Exactness {
    if python { super::Exactness::Lax } else { super::Exactness::Strict }
}

/// Any value, skipped.
struct Skipped;

impl<'de> Decode<'de> for Skipped {
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        reader.skip().map(|()| Skipped)
    }
}

impl_tuple!(1 => A 0);
impl_tuple!(2 => A 0, B 1);
impl_tuple!(3 => A 0, B 1, C 2);
impl_tuple!(4 => A 0, B 1, C 2, D 3);
impl_tuple!(5 => A 0, B 1, C 2, D 3, E 4);
impl_tuple!(6 => A 0, B 1, C 2, D 3, E 4, F 5);

impl<'de> Decode<'de> for serde_json::Value {
    /// Any JSON-like value (pydantic's `Any`). Integers beyond 64 bits become floats; `NaN`
    /// and the infinities, which a `Value` cannot hold, become null. Bytes, numpy arrays and
    /// msgpack extension values have no JSON form and are errors (use `chainmodel::Value`).
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        use serde_json::Value;
        // pydantic's `Any` is a strict match.
        reader.floor_exactness(super::Exactness::Strict);
        Ok(match reader.peek()? {
            Kind::Null => {
                reader.read_null()?;
                Value::Null
            }
            Kind::Bool => Value::Bool(reader.read_bool()?),
            Kind::Number => {
                let float = |x: f64| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
                match reader.read_number()? {
                    Number::Int(i) => match (u64::try_from(i), i64::try_from(i)) {
                        (Ok(u), _) => Value::from(u),
                        (_, Ok(i)) => Value::from(i),
                        _ => float(i as f64),
                    },
                    Number::Float(x) => float(x),
                }
            }
            Kind::Str => Value::String(reader.read_str()?.into_owned()),
            Kind::Seq => Value::Array(Vec::decode(reader)?),
            Kind::Map => {
                let mut map = serde_json::Map::new();
                decode_map(reader, |k, v| {
                    map.insert(k, v);
                })?;
                Value::Object(map)
            }
            found @ (Kind::Bytes | Kind::Ext) => {
                let found = if found == Kind::Bytes { "bytes" } else { "an extension value" };
                return Err(Error::unexpected_type("a JSON-like value", found));
            }
        })
    }
}

impl Encode for serde_json::Value {
    fn encode<W: Writer>(&self, writer: &mut W) {
        use serde_json::Value;
        match self {
            Value::Null => writer.write_null(),
            Value::Bool(b) => writer.write_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => writer.write_uint(u),
                (_, Some(i)) => writer.write_int(i),
                _ => writer.write_float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => writer.write_str(s),
            Value::Array(items) => items.encode(writer),
            Value::Object(map) => encode_map(writer, map.len(), map.iter()),
        }
    }
}

impl<'de> Decode<'de> for Bytes {
    // `c4 00`, the empty bin.
    const MIN_LEN: usize = 2;

    /// Binary mode's bin (or, in lax mode, a str's UTF-8 bytes); JSON reads a string's UTF-8
    /// bytes, what pydantic writes for bytes (past the JSON-form check: a server answering JSON
    /// for a binary-only model, as truss does).
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        let bytes = reader.read_bytes()?;
        Ok(Bytes::from_data(match reader.shared_body() {
            Some(body) => crate::array::OwnedData::in_body(bytes, body),
            None => crate::array::OwnedData::from_vec(bytes.into_owned()),
        }))
    }
}

impl Encode for Bytes {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_shared_bytes(self, || self.data().share());
    }

    fn size_hint(&self) -> usize {
        self.len() + 5
    }
}

impl<'de: 'a, 'a> Decode<'de> for &'a [u8] {
    // `c4 00`, the empty bin.
    const MIN_LEN: usize = 2;

    /// Borrows the bytes from the input.
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        match reader.read_bytes()? {
            Cow::Borrowed(bytes) => Ok(bytes),
            Cow::Owned(_) => Err(Error::cannot_borrow("&[u8]")),
        }
    }
}

impl Encode for [u8] {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_bytes(self);
    }

    fn size_hint(&self) -> usize {
        self.len() + 5
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::codec::{Decode, MapAccess, Reader, SeqAccess};
    use crate::json::{JsonDecode, JsonEncode, JsonReader, JsonWriter};
    use crate::msgpack::{MsgpackDecode, MsgpackEncode, MsgpackReader, MsgpackWriter};

    /// The per-mode traits are faces of the one codec: the same value either way.
    #[test]
    fn faces_call_the_one_codec() {
        let value = (3i64, "x".to_owned(), vec![1.5f64]);
        let mut json = JsonWriter::new();
        value.encode_json(&mut json);
        let json = json.into_string();
        assert_eq!(json, r#"[3,"x",[1.5]]"#);
        assert_eq!(<(i64, String, Vec<f64>)>::decode_json(&mut JsonReader::new(json.as_bytes())).unwrap(), value);
        let mut msgpack = MsgpackWriter::new(false);
        value.encode_msgpack(&mut msgpack);
        let msgpack = msgpack.into_vec();
        assert_eq!(<(i64, String, Vec<f64>)>::decode_msgpack(&mut MsgpackReader::new(&msgpack)).unwrap(), value);
    }

    /// Binary mode reads a `dict[str, ..]` key given as bytes as its text, as pydantic's lax
    /// mode does with what truss's deserializer hands it.
    #[test]
    fn binary_mode_reads_bin_keys_as_text() {
        let message = [0x82, 0xc4, 1, b'a', 1, 0xa1, b'b', 2];
        let map: HashMap<String, i64> = crate::msgpack::from_slice(&message).unwrap();
        assert_eq!(map, HashMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)]));
        let value: serde_json::Value = crate::msgpack::from_slice(&message).unwrap();
        assert_eq!(value, serde_json::json!({"a": 1, "b": 2}));
    }

    /// A visitor that stops early leaves the rest of a list or map to the reader, which skips
    /// it and closes the container; what follows reads as it should.
    #[test]
    fn msgpack_containers_are_closed_by_the_reader() {
        // [[1, 2, 3], {"a": [4], "b": 5}, 6]
        let message = [0x93, 0x93, 1, 2, 3, 0x82, 0xa1, b'a', 0x91, 4, 0xa1, b'b', 5, 6];
        let mut reader = MsgpackReader::new(&message);
        let (first, key, last) = reader
            .read_seq(|seq| {
                let first = seq.next_element::<FirstOf>()?.map(|f| f.0);
                let key = seq.next_element::<FirstKey>()?.map(|k| k.0);
                Ok((first, key, seq.next_element::<i64>()?))
            })
            .unwrap();
        assert_eq!((first, key.as_deref(), last), (Some(1), Some("a"), Some(6)));
        reader.finish().unwrap();
    }

    /// The first element of a list of integers.
    struct FirstOf(i64);

    impl<'de> Decode<'de> for FirstOf {
        fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, crate::Error> {
            reader.read_seq(|seq| Ok(FirstOf(seq.next_element()?.unwrap_or_default())))
        }
    }

    /// The first key of a map, its value left unread.
    struct FirstKey(String);

    impl<'de> Decode<'de> for FirstKey {
        fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, crate::Error> {
            reader.read_map(|map| Ok(FirstKey(map.next_key()?.unwrap_or_default())))
        }
    }
}
