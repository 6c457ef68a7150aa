//! A dynamic payload, for messages without a model: the raw dicts a Binary IO docs client
//! sends, and the way between those dicts and models without a round trip through bytes:
//! [`from_value`] (pydantic's `model_validate(dict)`) and [`to_value`] (its
//! `model_dump(mode="python")`), through a third reader and writer beside JSON's and msgpack's.

use std::fmt;

mod access;
pub(crate) mod literal;
mod printable;
mod reader;
mod writer;

pub use access::{Entries, Items};
pub use reader::{ValueMap, ValueReader, ValueSeq};
pub use writer::ValueWriter;
#[cfg(all(feature = "serde", any(feature = "chrono", feature = "uuid", feature = "decimal")))]
pub(crate) use writer::extension_data;

use crate::array::AnyArray;
use crate::array::map::{FieldEntries, NumpyEntries};
use crate::bytes::Bytes;
use crate::codec::{ArrayParts, Decode, Encode, Kind, MapAccess, Number, Reader, Writer};
use crate::dtype::DType;
use crate::error::{Error, Input};
use crate::json::{Base64Text, DATA_KEY, DTYPE_KEY, SHAPE_KEY};
use crate::msgpack::NumpyScalar;
use crate::schema::{JsonSchema, SchemaGenerator};

/// Any value a Python service sends: what `truss_msgpack_deserialize` or `json.loads` gives,
/// with numpy arrays as [`AnyArray`] and `bytes` as [`Bytes`].
///
/// In msgpack, a map is read as `truss_msgpack_deserialize` reads it: one with a truss
/// extension tag (bin key `b"__uuid__"`, ...) becomes its value, one with msgpack_numpy's bin
/// key `b"nd"` an array or a scalar (a dict when a key msgpack_numpy needs is missing; a str
/// key `"nd"` is an ordinary key), any other a dict; bin becomes bytes. (Typed array fields
/// are more lenient: they also read str keys, as some writers produce.) In JSON, an object
/// of exactly `NumpyArrayField`'s keys (`data_b64`, `shape`, `dtype`) becomes an array.
/// Maps keep their order and may have keys of any type; decoded maps hold each key once, a
/// repeated key keeping its first place and its last value, as a Python dict does (`True`,
/// `1` and `1.0` are one key). `Debug` reads like Python's repr, arrays summarised as numpy
/// prints them.
///
/// ```
/// use chainmodel::{NdArray, Value};
///
/// let value = Value::Map(vec![
///     (Value::from("ids"), Value::List(vec![Value::from(1), Value::from(2)])),
///     (Value::from("embedding"), Value::Array(NdArray::from_vec(vec![0.5f32, 1.0]).into())),
/// ]);
/// let bytes = chainmodel::msgpack::to_vec(&value)?;
/// let back: Value = chainmodel::msgpack::from_slice(&bytes)?;
/// assert_eq!(back, value);
/// assert_eq!(format!("{value:?}"), "{'ids': [1, 2], 'embedding': AnyArray(shape=(2,), dtype=float32, data=[0.5 1. ])}");
/// assert_eq!(back.get("ids"), Some(&Value::List(vec![Value::from(1), Value::from(2)])));
/// # Ok::<(), chainmodel::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub enum Value {
    /// `None`.
    Nil,
    /// `True` or `False`.
    Bool(bool),
    /// An integer (msgpack carries -2^63 to 2^64-1: a larger one is written to JSON as it is,
    /// and refused in msgpack, located, as Python's msgpack refuses it).
    Int(i128),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// `bytes`.
    Bytes(Bytes),
    /// A numpy array.
    Array(AnyArray),
    /// A list (or tuple).
    List(Vec<Value>),
    /// A dict, in its order.
    Map(Vec<(Value, Value)>),
    /// An aware `datetime` (truss's `__dt_datetime_iso__` map), its offset kept as given.
    #[cfg(feature = "chrono")]
    DateTime(chrono::DateTime<chrono::FixedOffset>),
    /// A naive `datetime` (the same map, its text without an offset).
    #[cfg(feature = "chrono")]
    NaiveDateTime(chrono::NaiveDateTime),
    /// A `date` (truss's `__dt_date_iso__` map).
    #[cfg(feature = "chrono")]
    Date(chrono::NaiveDate),
    /// A `time` (truss's `__dt_time_iso__` map).
    #[cfg(feature = "chrono")]
    Time(chrono::NaiveTime),
    /// A `timedelta` (truss's `__dt_timedelta__` map).
    #[cfg(feature = "chrono")]
    TimeDelta(chrono::TimeDelta),
    /// A `Decimal` (truss's `__decimal__` map).
    #[cfg(feature = "decimal")]
    Decimal(crate::Decimal),
    /// A `UUID` (truss's `__uuid__` map).
    #[cfg(feature = "uuid")]
    Uuid(uuid::Uuid),
}

/// Runs `$body` on the extension value `$v` of `$value`, or `$otherwise`.
#[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
macro_rules! on_extension {
    ($value:expr, $v:ident => $body:expr, _ => $otherwise:expr) => {
        match $value {
            #[cfg(feature = "chrono")]
            Value::DateTime($v) => $body,
            #[cfg(feature = "chrono")]
            Value::NaiveDateTime($v) => $body,
            #[cfg(feature = "chrono")]
            Value::Date($v) => $body,
            #[cfg(feature = "chrono")]
            Value::Time($v) => $body,
            #[cfg(feature = "chrono")]
            Value::TimeDelta($v) => $body,
            #[cfg(feature = "decimal")]
            Value::Decimal($v) => $body,
            #[cfg(feature = "uuid")]
            Value::Uuid($v) => $body,
            _ => $otherwise,
        }
    };
}

/// Python's repr of a str: single quotes unless the text holds one and no double quote; a
/// character Python's `str.isprintable()` refuses as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
fn python_str(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    write!(f, "{quote}")?;
    for c in s.chars() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if c == quote => write!(f, "\\{c}")?,
            c if printable::is_printable(c) => write!(f, "{c}")?,
            c if u32::from(c) < 0x100 => write!(f, "\\x{:02x}", u32::from(c))?,
            c if u32::from(c) < 0x10000 => write!(f, "\\u{:04x}", u32::from(c))?,
            c => write!(f, "\\U{:08x}", u32::from(c))?,
        }
    }
    write!(f, "{quote}")
}

/// Python's repr of `text`.
pub(crate) fn python_repr(text: &str) -> String {
    struct Repr<'a>(&'a str);
    impl fmt::Display for Repr<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            python_str(f, self.0)
        }
    }
    Repr(text).to_string()
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("None"),
            Value::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{}", crate::format::python_float(*x)),
            Value::Str(s) => python_str(f, s),
            Value::Bytes(b) => write!(f, "{b:?}"),
            Value::Array(a) => write!(f, "{a:?}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item:?}")?;
                }
                f.write_str("]")
            }
            Value::Map(entries) => {
                f.write_str("{")?;
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{key:?}: {value:?}")?;
                }
                f.write_str("}")
            }
            #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
            other => {
                on_extension!(other, v => write!(f, "{}({})", self.extension_name(), crate::json::to_string(v).unwrap_or_default()), _ => Ok(()))
            }
        }
    }
}

/// The tag of truss's map for an extension value, `None` for other values.
#[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
pub(crate) fn extension_tag(value: &Value) -> Option<&'static str> {
    Some(match value {
        #[cfg(feature = "chrono")]
        Value::DateTime(_) | Value::NaiveDateTime(_) => "__dt_datetime_iso__",
        #[cfg(feature = "chrono")]
        Value::Date(_) => "__dt_date_iso__",
        #[cfg(feature = "chrono")]
        Value::Time(_) => "__dt_time_iso__",
        #[cfg(feature = "chrono")]
        Value::TimeDelta(_) => "__dt_timedelta__",
        #[cfg(feature = "decimal")]
        Value::Decimal(_) => "__decimal__",
        #[cfg(feature = "uuid")]
        Value::Uuid(_) => "__uuid__",
        _ => return None,
    })
}

impl Value {
    /// The Python type name of an extension value.
    #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
    fn extension_name(&self) -> &'static str {
        match self {
            #[cfg(feature = "chrono")]
            Value::DateTime(_) | Value::NaiveDateTime(_) => "datetime",
            #[cfg(feature = "chrono")]
            Value::Date(_) => "date",
            #[cfg(feature = "chrono")]
            Value::Time(_) => "time",
            #[cfg(feature = "chrono")]
            Value::TimeDelta(_) => "timedelta",
            #[cfg(feature = "decimal")]
            Value::Decimal(_) => "Decimal",
            #[cfg(feature = "uuid")]
            Value::Uuid(_) => "UUID",
            _ => "",
        }
    }
}

impl Value {
    /// The text of a map key that is no str, as pydantic's `model_dump_json` writes it: `true`,
    /// `1`, Python's `str` of a float (`1.0`, `1e+20`), `None` for `None` and for a float JSON has
    /// no number for (NaN, the infinities), the UTF-8 text of bytes (invalid sequences replaced),
    /// a tuple's items' texts joined with `,`, an extension value's JSON text.
    fn json_key(&self) -> String {
        match self {
            Value::Nil => "None".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(x) if x.is_finite() => crate::format::python_float(*x),
            Value::Float(_) => "None".to_owned(),
            Value::Str(s) => s.clone(),
            Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            Value::List(items) => items.iter().map(Value::json_key).collect::<Vec<_>>().join(","),
            // Unhashable in Python (no dict has such a key): their repr.
            Value::Array(_) | Value::Map(_) => format!("{self:?}"),
            #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
            other => match crate::json::to_string(other).map(|text| serde_json::from_str::<serde_json::Value>(&text)) {
                Ok(Ok(serde_json::Value::String(text))) => text,
                _ => format!("{other:?}"),
            },
        }
    }
}

impl Encode for Value {
    /// As Python's msgpack writes the value, or pydantic its JSON: bytes as their UTF-8 text
    /// (invalid sequences replaced), arrays as `NumpyArrayField`, map keys as strings (`true`,
    /// `1`, `1.5`, `None`, as `model_dump_json` writes keys that are no str). An integer beyond
    /// msgpack's 64 bits stops a msgpack message with an error.
    fn encode<W: Writer>(&self, writer: &mut W) {
        match self {
            Value::Nil => writer.write_null(),
            Value::Bool(b) => writer.write_bool(*b),
            Value::Int(i) => writer.write_int128(*i),
            Value::Float(x) => writer.write_float(*x),
            Value::Str(s) => writer.write_str(s),
            Value::Bytes(b) => writer.write_bytes(b),
            Value::Array(a) => a.encode(writer),
            Value::List(items) => items.encode(writer),
            Value::Map(entries) => writer.write_map(entries.len(), |map| {
                for (key, value) in entries {
                    match key {
                        Value::Str(name) => map.entry(name, value),
                        // JSON's keys are strings: pydantic writes another key's text.
                        other if !W::BINARY => map.entry(&other.json_key(), value),
                        other => map.entry_encoded(other, value),
                    }
                }
            }),
            #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
            other => on_extension!(other, v => v.encode(writer), _ => ()),
        }
    }

    fn size_hint(&self) -> usize {
        match self {
            Value::Str(s) => s.len() + 5,
            Value::Bytes(b) => b.len() + 5,
            Value::Array(a) => a.size_hint(),
            Value::List(items) => 5 + items.iter().map(Encode::size_hint).sum::<usize>(),
            Value::Map(entries) => 5 + entries.iter().map(|(k, v)| k.size_hint() + v.size_hint()).sum::<usize>(),
            _ => 9,
        }
    }
}

/// The truss extension value tagged `tag` whose `data` is `data`, read by the typed decoder
/// from truss's two-entry map (the data of a valid tag is a short string or three ints).
#[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
fn extension_value(tag: &'static str, data: &Value) -> Result<Value, Error> {
    use crate::msgpack::{MsgpackReader, MsgpackWriter};
    let mut writer = MsgpackWriter::new(false);
    writer.write_tagged(tag, |writer| data.encode(writer));
    let message = writer.into_result()?;
    let reader = &mut MsgpackReader::new(&message);
    match tag {
        #[cfg(feature = "chrono")]
        // Aware or naive, as the text says (truss writes `isoformat()` of either).
        "__dt_datetime_iso__" => match Decode::decode(&mut reader.clone()) {
            Ok(aware) => Ok(Value::DateTime(aware)),
            Err(error) => Decode::decode(reader).map(Value::NaiveDateTime).map_err(|_| error),
        },
        #[cfg(feature = "chrono")]
        "__dt_date_iso__" => Decode::decode(reader).map(Value::Date),
        #[cfg(feature = "chrono")]
        "__dt_time_iso__" => Decode::decode(reader).map(Value::Time),
        #[cfg(feature = "chrono")]
        "__dt_timedelta__" => Decode::decode(reader).map(Value::TimeDelta),
        #[cfg(feature = "decimal")]
        "__decimal__" => Decode::decode(reader).map(Value::Decimal),
        #[cfg(feature = "uuid")]
        "__uuid__" => Decode::decode(reader).map(Value::Uuid),
        _ => Err(Error::invalid_value(format!("unknown extension {tag}"))),
    }
}

/// The tags of truss's extension maps for the enabled types, in the order truss's decoder
/// tries them.
#[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
const EXTENSION_TAGS: &[&str] = &[
    #[cfg(feature = "chrono")]
    "__dt_datetime_iso__",
    #[cfg(feature = "chrono")]
    "__dt_date_iso__",
    #[cfg(feature = "chrono")]
    "__dt_time_iso__",
    #[cfg(feature = "chrono")]
    "__dt_timedelta__",
    #[cfg(feature = "decimal")]
    "__decimal__",
    #[cfg(feature = "uuid")]
    "__uuid__",
];

/// A key as a Python dict compares it: `True == 1 == 1.0`, `'a' != b'a'`; `None` for keys
/// that equal nothing else (NaN) or that Python could not hash (lists, maps, arrays).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum DictKey<'a> {
    None,
    Int(i128),
    Float(u64),
    Str(&'a str),
    Bytes(&'a [u8]),
}

fn dict_key(key: &Value) -> Option<DictKey<'_>> {
    Some(match key {
        Value::Nil => DictKey::None,
        Value::Bool(b) => DictKey::Int(i128::from(*b)),
        Value::Int(i) => DictKey::Int(*i),
        Value::Float(x) if x.is_nan() => return None,
        Value::Float(x) if x.fract() == 0.0 && x.abs() < 1e38 => DictKey::Int(*x as i128),
        Value::Float(x) => DictKey::Float(x.to_bits()),
        Value::Str(s) => DictKey::Str(s),
        Value::Bytes(b) => DictKey::Bytes(b),
        _ => return None,
    })
}

/// The entries of a dict as they are read: a key given again replaces the value at the key's
/// first place, as assigning to a Python dict does (and as msgpack and `json.loads` build them).
pub(crate) struct Dict {
    entries: Vec<(Value, Value)>,
    // The hash of each key seen, to its entry (the keys live in `entries`); a collision falls
    // back to a scan.
    index: std::collections::HashMap<u64, usize>,
    hasher: std::hash::RandomState,
    // Whether a key is `bytes`: msgpack_numpy's and truss's maps have only such keys, so a
    // dict without one is neither.
    bin_keys: bool,
}

impl Dict {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Dict {
            entries: Vec::with_capacity(capacity),
            index: std::collections::HashMap::new(),
            hasher: std::hash::RandomState::new(),
            bin_keys: false,
        }
    }

    /// Where key `wanted` (whose hash is `hash`) is.
    fn position(&self, wanted: DictKey<'_>, hash: u64) -> Option<usize> {
        match self.index.get(&hash) {
            Some(&at) if dict_key(&self.entries[at].0) == Some(wanted) => Some(at),
            Some(_) => self.entries.iter().position(|(k, _)| dict_key(k) == Some(wanted)),
            None => None,
        }
    }

    pub(crate) fn insert(&mut self, key: Value, value: Value) {
        use std::hash::BuildHasher;
        if let Some(wanted) = dict_key(&key) {
            let hash = self.hasher.hash_one(wanted);
            if let Some(at) = self.position(wanted, hash) {
                self.entries[at].1 = value;
                return;
            }
            self.index.entry(hash).or_insert(self.entries.len());
            self.bin_keys |= matches!(wanted, DictKey::Bytes(_));
        }
        self.entries.push((key, value));
    }

    fn get(&self, wanted: DictKey<'_>) -> Option<&Value> {
        use std::hash::BuildHasher;
        let at = self.position(wanted, self.hasher.hash_one(wanted))?;
        Some(&self.entries[at].1)
    }

    /// The value of bin key `key` (msgpack_numpy's and truss's keys are bytes).
    fn bin(&self, key: &[u8]) -> Option<&Value> {
        self.get(DictKey::Bytes(key))
    }

    /// Moves out the value of bin key `key`, leaving `None` in its place.
    fn take_bin(&mut self, key: &[u8]) -> Option<Value> {
        use std::hash::BuildHasher;
        let wanted = DictKey::Bytes(key);
        let at = self.position(wanted, self.hasher.hash_one(wanted))?;
        Some(std::mem::replace(&mut self.entries[at].1, Value::Nil))
    }

    /// The value of str key `key`.
    fn str(&self, key: &str) -> Option<&Value> {
        self.get(DictKey::Str(key))
    }
}

/// A map, read once into a dict. In JSON, an object of exactly `NumpyArrayField`'s keys is
/// an array. In msgpack, as truss's `object_hook` does, a map with a truss extension tag
/// becomes its value, one with msgpack_numpy's bin key `b"nd"` an array or a scalar, and any
/// other a dict. (A str key `"nd"` is an ordinary key, as in msgpack_numpy.) Every value is
/// read once, so decoding costs the size of the message however deep it nests.
fn read_dict<'de, R: Reader<'de>>(reader: &mut R) -> Result<Value, Error> {
    let dict = reader.read_map(|map| {
        let mut dict = Dict::with_capacity(map.capacity(2));
        let mut index = 0;
        while let Some(key) = map.next_key::<Value>()? {
            let value = map.next_value::<Value>().map_err(|e| match &key {
                Value::Str(name) => e.at_field(name.clone()),
                Value::Bytes(name) => e.at_field(String::from_utf8_lossy(name).into_owned()),
                _ => e.at_index(index),
            })?;
            dict.insert(key, value);
            index += 1;
        }
        Ok(dict)
    })?;
    finish_dict(dict, R::BINARY)
}

/// What a dict read in binary mode (`binary`) or JSON mode becomes: an array, an extension
/// value or a dict (see [`read_dict`]).
pub(crate) fn finish_dict(dict: Dict, binary: bool) -> Result<Value, Error> {
    if !binary {
        return Ok(match json_array(&dict) {
            Some(array) => Value::Array(array),
            None => Value::Map(dict.entries),
        });
    }
    if !dict.bin_keys {
        return Ok(Value::Map(dict.entries));
    }
    if dict.bin(b"nd") == Some(&Value::Bool(true)) && dict.bin(b"kind") == Some(&Value::Bytes(Bytes::from(&b"O"[..]))) {
        return Err(Error::object_array());
    }
    #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
    for tag in EXTENSION_TAGS {
        if dict.bin(tag.as_bytes()).is_some() {
            return match dict.bin(b"data") {
                Some(data) => extension_value(tag, data).map_err(|e| e.at_field("data")),
                None => Ok(Value::Map(dict.entries)),
            };
        }
    }
    if dict.bin(b"nd").is_some() {
        return numpy_value(dict);
    }
    Ok(Value::Map(dict.entries))
}

/// msgpack_numpy's `decode` of a map with key `b"nd"`: an array when `nd` is `True`, else a
/// scalar; a dict when a key it needs is missing (its `KeyError` fallback). Its `kind` matters
/// only as `V` here (`O` is refused before the extension tags are looked at); the entries are
/// then read by the rules every reader of such maps follows ([`NumpyEntries`]). The data moves
/// into the array without a copy.
fn numpy_value(mut dict: Dict) -> Result<Value, Error> {
    let is_array = dict.bin(b"nd") == Some(&Value::Bool(true));
    if let Some(Value::Bytes(kind)) = dict.bin(b"kind")
        && &kind[..] == b"V"
    {
        return Err(Error::structured_array());
    }
    let has = |dict: &Dict, key: &[u8]| dict.bin(key).is_some();
    if !has(&dict, b"type") || !has(&dict, b"data") || (is_array && !has(&dict, b"shape")) {
        return Ok(Value::Map(dict.entries));
    }
    let data = match dict.take_bin(b"data") {
        Some(Value::Bytes(data)) => data.into_vec(),
        _ => return Err(Error::unexpected_type("bytes", "another type").at_field("data")),
    };
    let dtype = match dict.bin(b"type") {
        Some(Value::Str(text)) => text.as_bytes(),
        Some(Value::Bytes(text)) => text,
        _ => return Err(Error::invalid_value("expected a dtype string").at_field("type")),
    };
    let shape = match dict.bin(b"shape") {
        Some(shape) if is_array => Some(reader::dimensions(shape).map_err(|e| e.at_field("shape"))?),
        _ => None,
    };
    let entries = NumpyEntries { nd: Some(is_array), kind: None, dtype: Some(dtype), shape, data: Some(data) };
    let map = entries.finish()?;
    if map.nd {
        return AnyArray::from_parts(map.dtype, map.shape, map.data).map(Value::Array);
    }
    Ok(match crate::msgpack::scalar_from_bytes(map.dtype, &map.data)? {
        NumpyScalar::Bool(b) => Value::Bool(b),
        NumpyScalar::Int(i) => Value::Int(i),
        NumpyScalar::Float(x) => Value::Float(x),
    })
}

impl<'de> Decode<'de> for Value {
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        // pydantic's `Any` is a strict match.
        reader.floor_exactness(crate::codec::Exactness::Strict);
        // A value read from a value is itself (cloned when lent, moved when owned).
        if let crate::codec::Source::Value(reader) = reader.source() {
            return reader.take_value();
        }
        Ok(match reader.peek()? {
            Kind::Null => {
                reader.read_null()?;
                Value::Nil
            }
            Kind::Bool => Value::Bool(reader.read_bool()?),
            Kind::Number => match reader.read_number()? {
                Number::Int(i) => Value::Int(i),
                Number::Float(x) => Value::Float(x),
            },
            Kind::Str => Value::Str(reader.read_str()?.into_owned()),
            Kind::Bytes => Value::Bytes(reader.read_bytes()?.into_owned().into()),
            Kind::Seq => Value::List(Vec::decode(reader)?),
            Kind::Map => read_dict(reader)?,
            Kind::Ext => return Err(Error::unexpected_type("a Python value", "an extension value")),
        })
    }
}

/// An object of exactly `NumpyArrayField`'s three keys, read as an array; `None` (a dict) when
/// they do not make one.
fn json_array(dict: &Dict) -> Option<AnyArray> {
    if dict.entries.len() != 3 {
        return None;
    }
    let (Some(Value::Str(data)), Some(shape), Some(Value::Str(dtype))) =
        (dict.str(DATA_KEY), dict.str(SHAPE_KEY), dict.str(DTYPE_KEY))
    else {
        return None;
    };
    let entries = FieldEntries {
        data_b64: Some(Base64Text::Borrowed(data.as_bytes())),
        shape: Some(reader::dimensions(shape).ok()?),
        dtype: Some(DType::parse(dtype).ok()?),
    };
    entries.finish().and_then(ArrayParts::into_any).ok()
}

impl JsonSchema for Value {
    fn schema(_: &mut SchemaGenerator) -> serde_json::Value {
        serde_json::json!({})
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("any")
    }
}

/// Reads a `T` (a model, or any field type) from a value as pydantic's `model_validate(dict)`
/// reads what `truss_msgpack_deserialize` gives: binary mode's lax rules (`"3"` or `b"3"` for an
/// integer), defaults, `Option`s, and errors located as pydantic locates them — what decoding
/// the equivalent msgpack gives, without a round trip through bytes.
///
/// Nothing is copied but what the `T` owns: `&str`, `&[u8]` and `NdArrayView` fields borrow
/// from `value` (a view when the payload is aligned for its elements, as allocations are);
/// `String`, `Bytes`, `AnyArray`, `NdArray` and `Value` fields copy what they hold. To move
/// strings, bytes and `AnyArray` payloads instead, give up the value: [`from_value_owned`].
///
/// ```
/// use chainmodel::prelude::*;
///
/// #[derive(ChainModel, Debug, PartialEq)]
/// struct Point { x: i64, y: Option<f64> }
///
/// let dict = chainmodel::value!({"x": "3"});
/// assert_eq!(Point::from_value(&dict)?, Point { x: 3, y: None });
/// let err = Point::from_value(&chainmodel::value!({"x": [1]})).unwrap_err();
/// assert_eq!(err.to_string(), "x: Input should be a valid integer");
/// # Ok::<(), chainmodel::Error>(())
/// ```
pub fn from_value<'v, T: Decode<'v>>(value: &'v Value) -> Result<T, Error> {
    T::decode(&mut ValueReader::new(value))
}

/// Reads a `T` from a value it consumes, as [`from_value`] does, moving strings, bytes and
/// `AnyArray` payloads into it rather than copying them (typed arrays are converted: a copy,
/// as their elements need an alignment the value's bytes do not promise).
pub fn from_value_owned<T: for<'v> Decode<'v>>(value: Value) -> Result<T, Error> {
    T::decode(&mut ValueReader::owned(value))
}

/// The value of `value` as pydantic's `model_dump(mode="python")` gives it: arrays as
/// [`AnyArray`]s, bytes as [`Bytes`], truss's extension types as themselves; written in
/// binary mode (`msgpack::to_vec_compact`), it is truss's `truss_msgpack_serialize` of that
/// dict, byte for byte.
///
/// Built straight from the encoder, without bytes in between; strings, bytes and array
/// payloads are copied from `value` (an encoder lends them).
///
/// ```
/// use chainmodel::prelude::*;
///
/// #[derive(ChainModel)]
/// struct DataModel { some_numbers: NdArray<f64>, other_field: String }
///
/// let m = DataModel { some_numbers: NdArray::from_vec(vec![1.0, 2.0]), other_field: "x".into() };
/// let dict = m.to_value()?;
/// assert_eq!(dict["other_field"].as_str(), Some("x"));
/// assert_eq!(dict["some_numbers"].as_array().map(|a| a.shape()), Some(&[2][..]));
/// # Ok::<(), chainmodel::Error>(())
/// ```
pub fn to_value<T: Encode + ?Sized>(value: &T) -> Result<Value, Error> {
    let mut writer = ValueWriter::new();
    value.encode(&mut writer);
    writer.into_value()
}

/// An error's kept input as pydantic's `errors()` shows it: the value its bytes decode to, in
/// JSON form. The codecs hand it to the errors whose input they keep (the error module decodes
/// nothing itself).
pub(crate) fn show_input(input: &Input) -> Option<serde_json::Value> {
    match input {
        Input::Json(bytes) => crate::json::from_slice::<Value>(bytes).ok(),
        Input::Msgpack(bytes) => crate::msgpack::from_slice::<Value>(bytes).ok(),
        Input::Text(text) => return Some(serde_json::Value::from(&**text)),
    }
    .and_then(|value| to_json_value(&value).ok())
}

/// The value's JSON-mode dump (pydantic's `model_dump(mode="json")`): arrays as
/// `NumpyArrayField`'s `{"data_b64", "shape", "dtype"}` objects, NaN and the infinities as
/// null, truss's extension types as their text. (Built from the JSON text pydantic would
/// write, which this is the parse of.)
pub fn to_json_value<T>(value: &T) -> Result<serde_json::Value, Error>
where
    T: crate::json::JsonEncode + crate::json::JsonForm<crate::json::Checked> + ?Sized,
{
    // Read back by chainmodel's own JSON reader, whose floats are exact.
    crate::json::from_str(&crate::json::to_string(value)?)
}
