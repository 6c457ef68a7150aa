//! A dynamic payload, for messages without a model: the seed's "raw dicts on the client".

use std::fmt;

use crate::array::AnyArray;
use crate::bytes::Bytes;
use crate::error::{Error, ErrorKind};
use crate::json::{JsonDecode, JsonEncode, JsonReader, JsonWriter, Peek};
use crate::msgpack::{
    Kind, MsgpackDecode, MsgpackEncode, MsgpackReader, MsgpackWriter, NumpyScalar, NumpyValue, read_numpy_value,
};
use crate::schema::{JsonSchema, SchemaGenerator};

/// Any value a Python service sends: what `truss_msgpack_deserialize` or `json.loads` gives,
/// with numpy arrays as [`AnyArray`] and `bytes` as [`Bytes`].
///
/// In msgpack, msgpack_numpy maps become arrays and bin becomes bytes; in JSON, objects of
/// `NumpyArrayField`'s shape (`data_b64`, `shape`, `dtype`) become arrays. Maps keep their
/// order and may have keys of any type, as Python dicts do. `Debug` reads like Python's repr,
/// arrays summarised as numpy prints them.
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
    /// An integer (msgpack carries -2^63 to 2^64-1).
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
    /// A `datetime` (truss's `__dt_datetime_iso__` map).
    #[cfg(feature = "chrono")]
    DateTime(chrono::DateTime<chrono::Utc>),
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
    Decimal(rust_decimal::Decimal),
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

impl Value {
    /// The value under string key `key`, if this is a map that has it (the last one wins).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => {
                entries.iter().rev().find(|(k, _)| matches!(k, Value::Str(s) if s == key)).map(|(_, v)| v)
            }
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i.into())
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<AnyArray> for Value {
    fn from(array: AnyArray) -> Self {
        Value::Array(array)
    }
}

impl From<Bytes> for Value {
    fn from(bytes: Bytes) -> Self {
        Value::Bytes(bytes)
    }
}

/// Python's repr of a str: single quotes unless the text holds one and no double quote.
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
            c if (c as u32) < 0x20 || c as u32 == 0x7f => write!(f, "\\x{:02x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    write!(f, "{quote}")
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

impl Value {
    /// The Python type name of an extension value.
    #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
    fn extension_name(&self) -> &'static str {
        match self {
            #[cfg(feature = "chrono")]
            Value::DateTime(_) => "datetime",
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

impl MsgpackEncode for Value {
    fn size_hint(&self) -> usize {
        match self {
            Value::Str(s) => s.len() + 5,
            Value::Bytes(b) => b.len() + 5,
            Value::Array(a) => a.size_hint(),
            Value::List(items) => 5 + items.iter().map(MsgpackEncode::size_hint).sum::<usize>(),
            Value::Map(entries) => 5 + entries.iter().map(|(k, v)| k.size_hint() + v.size_hint()).sum::<usize>(),
            _ => 9,
        }
    }

    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        match self {
            Value::Nil => writer.nil(),
            Value::Bool(b) => writer.bool(*b),
            Value::Int(i) => match (u64::try_from(*i), i64::try_from(*i)) {
                (Ok(u), _) => writer.uint(u),
                (_, Ok(i)) => writer.int(i),
                // Beyond msgpack's range; Python's msgpack refuses such ints too.
                _ => writer.float(*i as f64),
            },
            Value::Float(x) => writer.float(*x),
            Value::Str(s) => writer.str(s),
            Value::Bytes(b) => writer.bin(b),
            Value::Array(a) => a.encode_msgpack(writer),
            Value::List(items) => crate::msgpack::encode_list(writer, items),
            Value::Map(entries) => {
                writer.map_header(entries.len());
                for (index, (key, value)) in entries.iter().enumerate() {
                    if writer.failed() {
                        return;
                    }
                    key.encode_msgpack(writer);
                    value.encode_msgpack(writer);
                    if writer.failed() {
                        match key {
                            Value::Str(name) => writer.locate_field(name.clone()),
                            _ => writer.locate_index(index),
                        }
                    }
                }
            }
            #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
            other => on_extension!(other, v => v.encode_msgpack(writer), _ => ()),
        }
    }
}

/// Reads the truss extension map tagged `tag` (one of [`EXTENSION_TAGS`]).
#[cfg_attr(
    not(any(feature = "chrono", feature = "uuid", feature = "decimal")),
    allow(unused_variables, unreachable_code)
)]
fn extension_value(reader: &mut MsgpackReader<'_>, tag: &str) -> Result<Value, Error> {
    match tag {
        #[cfg(feature = "chrono")]
        "__dt_datetime_iso__" => MsgpackDecode::decode_msgpack(reader).map(Value::DateTime),
        #[cfg(feature = "chrono")]
        "__dt_date_iso__" => MsgpackDecode::decode_msgpack(reader).map(Value::Date),
        #[cfg(feature = "chrono")]
        "__dt_time_iso__" => MsgpackDecode::decode_msgpack(reader).map(Value::Time),
        #[cfg(feature = "chrono")]
        "__dt_timedelta__" => MsgpackDecode::decode_msgpack(reader).map(Value::TimeDelta),
        #[cfg(feature = "decimal")]
        "__decimal__" => MsgpackDecode::decode_msgpack(reader).map(Value::Decimal),
        #[cfg(feature = "uuid")]
        "__uuid__" => MsgpackDecode::decode_msgpack(reader).map(Value::Uuid),
        _ => Err(ErrorKind::InvalidValue(format!("unknown extension {tag}")).into()),
    }
}

/// The tags of truss's extension maps for the enabled types.
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

/// What the map at the reader holds, judged by its keys in one pass: a msgpack_numpy array or
/// scalar (an `nd` key, which wins), a truss extension value (its tag), or plain entries.
enum MapKind {
    Numpy,
    Extension(&'static str),
    Plain,
}

fn map_kind(reader: &MsgpackReader<'_>) -> MapKind {
    let mut probe = MsgpackReader::new(&reader.input()[reader.position()..]);
    let Ok(len) = probe.read_map_len() else { return MapKind::Plain };
    let mut extension = None;
    for _ in 0..len {
        let Ok(key) = probe.read_key_bytes() else { break };
        if key == b"nd" {
            return MapKind::Numpy;
        }
        extension = extension.or_else(|| EXTENSION_TAGS.iter().find(|tag| tag.as_bytes() == key).copied());
        if probe.skip_value().is_err() {
            break;
        }
    }
    extension.map_or(MapKind::Plain, MapKind::Extension)
}

/// A dict that is neither a numpy map nor a truss extension map, its keys of any type.
fn plain_map(reader: &mut MsgpackReader<'_>) -> Result<Value, Error> {
    let len = reader.read_map_len()?;
    let mut entries = Vec::with_capacity(reader.capacity_for(len, 2));
    for index in 0..len {
        let key = Value::decode_msgpack(reader)?;
        let value = Value::decode_msgpack(reader).map_err(|e| match &key {
            Value::Str(name) => e.at_field(name.clone()),
            _ => e.at_index(index),
        })?;
        entries.push((key, value));
    }
    reader.leave();
    Ok(Value::Map(entries))
}

impl MsgpackDecode<'_> for Value {
    fn decode_msgpack(reader: &mut MsgpackReader<'_>) -> Result<Self, Error> {
        Ok(match reader.peek()? {
            Kind::Nil => {
                reader.eat_nil()?;
                Value::Nil
            }
            Kind::Bool => Value::Bool(reader.read_bool()?),
            Kind::Int => Value::Int(reader.read_int()?),
            Kind::Float => Value::Float(reader.read_float()?),
            Kind::Str => Value::Str(reader.read_str()?.to_owned()),
            Kind::Bin => Value::Bytes(reader.read_bin()?.into()),
            Kind::Array => Value::List(Vec::decode_msgpack(reader)?),
            Kind::Map => match map_kind(reader) {
                MapKind::Numpy => numpy_value(reader)?,
                MapKind::Extension(tag) => extension_value(reader, tag)?,
                MapKind::Plain => plain_map(reader)?,
            },
            Kind::Ext => {
                return Err(
                    ErrorKind::UnexpectedType { expected: "a Python value", found: "an extension value" }.into()
                );
            }
        })
    }
}

/// A msgpack_numpy array (as [`AnyArray`]) or scalar (as its number).
fn numpy_value(reader: &mut MsgpackReader<'_>) -> Result<Value, Error> {
    Ok(match read_numpy_value(reader)? {
        NumpyValue::Array(array) => Value::Array(array),
        NumpyValue::Scalar(NumpyScalar::Bool(b)) => Value::Bool(b),
        NumpyValue::Scalar(NumpyScalar::Int(i)) => Value::Int(i),
        NumpyValue::Scalar(NumpyScalar::Float(x)) => Value::Float(x),
    })
}

impl JsonEncode for Value {
    /// As pydantic writes the equivalent Python value: bytes as their UTF-8 text (invalid
    /// sequences replaced), arrays as `NumpyArrayField`, map keys as strings.
    fn encode_json(&self, writer: &mut JsonWriter) {
        match self {
            Value::Nil => writer.null(),
            Value::Bool(b) => writer.bool(*b),
            Value::Int(i) => writer.raw(&i.to_string()),
            Value::Float(x) => writer.float(*x),
            Value::Str(s) => writer.string(s),
            Value::Bytes(b) => writer.string(&String::from_utf8_lossy(b)),
            Value::Array(a) => a.encode_json(writer),
            Value::List(items) => items.encode_json(writer),
            Value::Map(entries) => {
                writer.raw("{");
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        writer.raw(",");
                    }
                    match key {
                        Value::Str(s) => writer.string(s),
                        other => writer.string(&format!("{other:?}")),
                    }
                    writer.raw(":");
                    value.encode_json(writer);
                }
                writer.raw("}");
            }
            #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
            other => on_extension!(other, v => v.encode_json(writer), _ => ()),
        }
    }
}

impl JsonDecode<'_> for Value {
    fn decode_json(reader: &mut JsonReader<'_>) -> Result<Self, Error> {
        Ok(match reader.peek()? {
            Peek::Null => {
                reader.eat_null()?;
                Value::Nil
            }
            Peek::Bool => Value::Bool(reader.read_bool()?),
            Peek::Number => {
                let number = reader.read_number()?;
                match number.text.parse::<i128>() {
                    Ok(i) if number.is_integer => Value::Int(i),
                    _ => Value::Float(number.to_f64()),
                }
            }
            Peek::String => Value::Str(reader.read_str()?.into_owned()),
            Peek::Array => Value::List(Vec::decode_json(reader)?),
            Peek::Object => {
                let mut entries = Vec::new();
                reader.begin_object()?;
                while let Some(key) = reader.next_key()? {
                    let value = Value::decode_json(reader).map_err(|e| e.at_field(key.clone().into_owned()))?;
                    entries.push((Value::Str(key.into_owned()), value));
                }
                as_array(&entries).unwrap_or(Value::Map(entries))
            }
        })
    }
}

/// A JSON object of `NumpyArrayField`'s shape, read as an array.
fn as_array(entries: &[(Value, Value)]) -> Option<Value> {
    let map = Value::Map(entries.to_vec());
    let (Some(Value::Str(_)), Some(Value::List(_)), Some(Value::Str(_))) =
        (map.get("data_b64"), map.get("shape"), map.get("dtype"))
    else {
        return None;
    };
    let text = crate::json::to_string(&map).ok()?;
    crate::json::from_str::<AnyArray>(&text).ok().map(Value::Array)
}

impl JsonSchema for Value {
    fn schema(_: &mut SchemaGenerator) -> serde_json::Value {
        serde_json::json!({})
    }
}
