//! Feature `serde`: the field types in serde's world, for a team whose types already derive
//! `Serialize`/`Deserialize`. Each type takes its form from the format:
//!
//! - human-readable formats (serde_json): an array is `NumpyArrayField`'s
//!   `{"data_b64", "shape", "dtype"}` object, bytes their UTF-8 text (pydantic's JSON for
//!   `bytes`; bytes that are not UTF-8 have no such form and are an error);
//! - binary formats (rmp-serde, whose `is_human_readable()` is `false`): an array is
//!   msgpack_numpy's map with bin keys and bin data, bytes are bin; so a struct written with
//!   `rmp_serde::to_vec_named` is read by truss's `truss_msgpack_deserialize`, and the other
//!   way round.
//!
//! Reading accepts either form in either kind of format. The trade-off against
//! `#[derive(ChainModel)]`: serde writes no aligned payloads and reads no zero-copy views
//! (arrays are copied out of the message), floats are serde_json's text rather than
//! pydantic's, and none of pydantic's lax conversions or error locations apply.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::de::{self, Deserialize, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::array::map::{ArrayEntries, ArrayKey, NumpyEntries};
use crate::array::{AnyArray, NdArray, Shape};
use crate::bytes::Bytes;
use crate::codec::{ArrayParts, Payload};
use crate::dtype::DType;
use crate::element::Element;
use crate::json::Base64Text;
use crate::value::{Dict, Value, finish_dict};

/// A msgpack bin key (`b"nd"`), as msgpack_numpy writes its keys.
struct Bin<'a>(&'a [u8]);

impl Serialize for Bin<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

/// An array's dimensions, as a list.
struct ShapeList<'a>(&'a [usize]);

impl Serialize for ShapeList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for dim in self.0 {
            seq.serialize_element(&(*dim as u64))?;
        }
        seq.end()
    }
}

/// Writes an array of `dtype` and `shape` whose C-order bytes are `data` in the format's form.
fn serialize_array<S: Serializer>(
    serializer: S,
    dtype: DType,
    shape: &[usize],
    data: &[u8],
) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("data_b64", &STANDARD.encode(data))?;
        map.serialize_entry("shape", &ShapeList(shape))?;
        map.serialize_entry("dtype", &dtype.to_string())?;
        return map.end();
    }
    let mut map = serializer.serialize_map(Some(5))?;
    map.serialize_entry(&Bin(b"nd"), &true)?;
    map.serialize_entry(&Bin(b"type"), &dtype.array_protocol())?;
    map.serialize_entry(&Bin(b"kind"), &Bin(b""))?;
    map.serialize_entry(&Bin(b"shape"), &ShapeList(shape))?;
    map.serialize_entry(&Bin(b"data"), &Bin(data))?;
    map.end()
}

impl Serialize for AnyArray {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_array(serializer, self.dtype(), self.shape(), self.as_bytes())
    }
}

impl<T: Element> Serialize for NdArray<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_array(serializer, self.dtype(), self.shape(), bytemuck::cast_slice(self.as_slice()))
    }
}

/// Bytes, text or a list of byte values, as bytes.
struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bytes")
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
        Ok(v.to_vec())
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
        Ok(v.as_bytes().to_vec())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<u8>, E> {
        Ok(v.into_bytes())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(byte) = seq.next_element::<u8>()? {
            bytes.push(byte);
        }
        Ok(bytes)
    }
}

/// An owned byte buffer read from bytes or text.
struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_byte_buf(BytesVisitor).map(ByteBuf)
    }
}

impl Serialize for Bytes {
    /// bin in a binary format; in a human-readable one, the UTF-8 text pydantic writes and
    /// reads back for `bytes` (an error for bytes that are not UTF-8).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !serializer.is_human_readable() {
            return serializer.serialize_bytes(self);
        }
        match std::str::from_utf8(self) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => Err(S::Error::custom(
                "bytes that are not UTF-8 have no text form pydantic reads back: use a binary format",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Bytes {
    /// bin, text (its UTF-8 bytes, as pydantic reads JSON into `bytes`), or a list of bytes.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_byte_buf(BytesVisitor).map(Bytes::from)
    }
}

/// A key of an array's map in either form, str or bin.
struct Key(ArrayKey);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = deserializer.deserialize_any(BytesVisitor)?;
        Ok(Key(ArrayKey::of(&key)))
    }
}

/// Reads `NumpyArrayField`'s object or msgpack_numpy's map, whichever comes, by the rules the
/// codecs read them by ([`ArrayEntries`]).
struct ArrayVisitor;

impl<'de> Visitor<'de> for ArrayVisitor {
    type Value = AnyArray;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a numpy array ({\"data_b64\", \"shape\", \"dtype\"} or msgpack_numpy's map)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyArray, A::Error> {
        // The entries as the format gives them (owned), then read as every reader reads them.
        let (mut nd, mut kind, mut numpy_type, mut dtype) = (None, None, None, None);
        let (mut shape, mut data, mut data_b64) = (None, None, None);
        while let Some(Key(key)) = map.next_key()? {
            match key {
                ArrayKey::Nd => nd = Some(map.next_value::<bool>()?),
                ArrayKey::Kind => kind = Some(map.next_value::<ByteBuf>()?.0),
                ArrayKey::Type => numpy_type = Some(map.next_value::<ByteBuf>()?.0),
                ArrayKey::DType => dtype = Some(map.next_value::<ByteBuf>()?.0),
                ArrayKey::Shape => shape = Some(map.next_value::<Vec<usize>>()?),
                ArrayKey::Data => data = Some(map.next_value::<ByteBuf>()?.0),
                ArrayKey::DataB64 => data_b64 = Some(map.next_value::<String>()?),
                ArrayKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let entries = ArrayEntries {
            numpy: NumpyEntries {
                nd,
                kind: kind.as_deref(),
                dtype: numpy_type.as_deref(),
                shape: shape.map(Shape::from),
                data: data.map(Payload::Owned),
            },
            data_b64: data_b64.map(Base64Text::Owned),
            dtype: dtype.as_deref(),
        };
        entries.finish().and_then(ArrayParts::into_any).map_err(A::Error::custom)
    }
}

impl<'de> Deserialize<'de> for AnyArray {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ArrayVisitor)
    }
}

impl<'de, T: Element> Deserialize<'de> for NdArray<T> {
    /// Either form, of `T`'s dtype in either byte order (converted to native order).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        AnyArray::deserialize(deserializer)?.to_typed().map_err(de::Error::custom)
    }
}

impl Serialize for Value {
    /// As Python's msgpack writes the value in a binary format (arrays as msgpack_numpy's
    /// maps, truss's extension maps), as pydantic's JSON in a human-readable one (arrays as
    /// `NumpyArrayField`, keys as text).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let human = serializer.is_human_readable();
        match self {
            Value::Nil => serializer.serialize_none(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(i) => match (i64::try_from(*i), u64::try_from(*i)) {
                (Ok(i), _) => serializer.serialize_i64(i),
                (_, Ok(u)) => serializer.serialize_u64(u),
                // msgpack holds 64 bits: beyond them, an error, as Python's msgpack and
                // chainmodel's writer refuse such integers.
                _ if !human => {
                    Err(serde::ser::Error::custom(crate::error::ErrorKind::IntTooLargeForMsgpack(i.to_string())))
                }
                _ => serializer.serialize_i128(*i),
            },
            Value::Float(x) => serializer.serialize_f64(*x),
            Value::Str(s) => serializer.serialize_str(s),
            Value::Bytes(b) => b.serialize(serializer),
            Value::Array(a) => a.serialize(serializer),
            Value::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    match key {
                        Value::Str(_) => map.serialize_entry(key, value)?,
                        // JSON's keys are strings: pydantic writes another key's text.
                        other if human => map.serialize_entry(&other.to_string(), value)?,
                        other => map.serialize_entry(other, value)?,
                    }
                }
                map.end()
            }
            #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
            other => serialize_extension(other, serializer),
        }
    }
}

/// A truss extension value: its pydantic JSON in a human-readable format, truss's map
/// `{tag: True, b"data": …}` in a binary one.
#[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
fn serialize_extension<S: Serializer>(value: &Value, serializer: S) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        return crate::value::to_json_value(value).map_err(S::Error::custom)?.serialize(serializer);
    }
    let tag = crate::value::extension_tag(value).unwrap_or_default();
    let data = crate::value::extension_data(value, tag).flatten().unwrap_or(Value::Nil);
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry(&Bin(tag.as_bytes()), &true)?;
    map.serialize_entry(&Bin(b"data"), &data)?;
    map.end()
}

/// Reads any value; maps become arrays or extension values as [`Value`]'s own decoder makes
/// them in the format's mode.
struct ValueVisitor {
    binary: bool,
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        i128::try_from(v).map(Value::Int).map_err(|_| E::custom("an integer beyond 128 bits"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(v.into()))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(v.into()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut dict = Dict::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some((key, value)) = map.next_entry::<Value, Value>()? {
            dict.insert(key, value);
        }
        finish_dict(dict, self.binary).map_err(A::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Value {
    /// Any value, read as [`Value`]'s decoder reads the format's mode: in a binary format,
    /// msgpack_numpy's maps become arrays and truss's extension maps their values; in a
    /// human-readable one, an object of exactly `NumpyArrayField`'s keys becomes an array.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let binary = !deserializer.is_human_readable();
        deserializer.deserialize_any(ValueVisitor { binary })
    }
}
