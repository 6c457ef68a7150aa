//! msgpack forms of Rust's own types, as Python's msgpack writes their Python equivalents.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use super::array::{NumpyScalar, read_numpy_scalar};
use super::{Kind, MsgpackDecode, MsgpackEncode, MsgpackReader, MsgpackWriter};
use crate::error::{Error, ErrorKind};
use crate::lax;

/// A scalar as truss's deserializer hands it to pydantic: an int, a float (32 or 64 bits), a
/// bool, a numpy scalar map (`{nd: false, type, data}`), or text (`str`, or `bytes`, which
/// pydantic's lax mode reads as their UTF-8 text).
enum Scalar<'de> {
    Number(NumpyScalar),
    Text(&'de str),
}

#[inline]
fn read_scalar<'de>(reader: &mut MsgpackReader<'de>, expected: &'static str) -> Result<Scalar<'de>, Error> {
    Ok(Scalar::Number(match reader.peek()? {
        Kind::Int => NumpyScalar::Int(reader.read_int()?),
        Kind::Float => NumpyScalar::Float(reader.read_float()?),
        Kind::Bool => NumpyScalar::Bool(reader.read_bool()?),
        Kind::Str => return Ok(Scalar::Text(reader.read_str()?)),
        Kind::Bin => return bin_text(reader).map(Scalar::Text),
        Kind::Map => read_numpy_scalar(reader).map_err(|e| {
            // A map without msgpack_numpy's `nd` is no numpy scalar: a value of the wrong type.
            let not_numpy = matches!(e.kind(), ErrorKind::MissingField)
                && e.location() == [crate::error::PathSegment::Field("nd".into())];
            if not_numpy { ErrorKind::UnexpectedType { expected, found: "a map" }.into() } else { e }
        })?,
        _ => return Err(reader.type_error(expected)),
    }))
}

/// `bytes` read as text, as pydantic's lax mode reads them where it wants a str or a number.
fn bin_text<'de>(reader: &mut MsgpackReader<'de>) -> Result<&'de str, Error> {
    std::str::from_utf8(reader.read_bin()?)
        .map_err(|_| ErrorKind::InvalidValue("expected text, got bytes that are not UTF-8".into()).into())
}

impl MsgpackEncode for bool {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        writer.bool(*self);
    }
}

impl MsgpackDecode<'_> for bool {
    fn decode_msgpack(reader: &mut MsgpackReader<'_>) -> Result<Self, Error> {
        match read_scalar(reader, "a boolean")? {
            Scalar::Number(NumpyScalar::Bool(b)) => Ok(b),
            Scalar::Number(NumpyScalar::Int(i)) => lax::bool_from_number(i as f64),
            Scalar::Number(NumpyScalar::Float(x)) => lax::bool_from_number(x),
            Scalar::Text(text) => lax::bool_from_str(text),
        }
    }
}

macro_rules! impl_integer {
    ($($ty:ty => $write:ident as $wide:ty),*) => {$(
        impl MsgpackEncode for $ty {
            fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
                writer.$write(*self as $wide);
            }
        }

        impl MsgpackDecode<'_> for $ty {
            fn decode_msgpack(reader: &mut MsgpackReader<'_>) -> Result<Self, Error> {
                let value = match read_scalar(reader, "an integer")? {
                    Scalar::Number(NumpyScalar::Int(value)) => value,
                    Scalar::Number(NumpyScalar::Bool(b)) => b.into(),
                    Scalar::Number(NumpyScalar::Float(x)) => lax::int_from_float(x, x)?,
                    Scalar::Text(text) => lax::int_from_str(text)?,
                };
                <$ty>::try_from(value)
                    .map_err(|_| ErrorKind::OutOfRange { value: value.to_string(), ty: stringify!($ty) }.into())
            }
        }
    )*};
}

impl_integer!(
    u8 => uint as u64, u16 => uint as u64, u32 => uint as u64, u64 => uint as u64, usize => uint as u64,
    i8 => int as i64, i16 => int as i64, i32 => int as i64, i64 => int as i64, isize => int as i64
);

fn read_float(reader: &mut MsgpackReader<'_>) -> Result<f64, Error> {
    match read_scalar(reader, "a number")? {
        Scalar::Number(NumpyScalar::Float(x)) => Ok(x),
        Scalar::Number(NumpyScalar::Int(i)) => Ok(i as f64),
        Scalar::Number(NumpyScalar::Bool(b)) => Ok(if b { 1.0 } else { 0.0 }),
        Scalar::Text(text) => lax::float_from_str(text),
    }
}

impl MsgpackEncode for f64 {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        writer.float(*self);
    }
}

impl MsgpackDecode<'_> for f64 {
    fn decode_msgpack(reader: &mut MsgpackReader<'_>) -> Result<Self, Error> {
        read_float(reader)
    }
}

impl MsgpackEncode for f32 {
    /// Written as a float64, as Python holds every float.
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        writer.float(f64::from(*self));
    }
}

impl MsgpackDecode<'_> for f32 {
    fn decode_msgpack(reader: &mut MsgpackReader<'_>) -> Result<Self, Error> {
        read_float(reader).map(|x| x as f32)
    }
}

impl MsgpackEncode for str {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        writer.str(self);
    }

    fn size_hint(&self) -> usize {
        self.len() + 5
    }
}

impl MsgpackEncode for String {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        writer.str(self);
    }

    fn size_hint(&self) -> usize {
        self.len() + 5
    }
}

/// A str, or `bytes` as their UTF-8 text (pydantic's lax mode).
fn read_text<'de>(reader: &mut MsgpackReader<'de>) -> Result<&'de str, Error> {
    match reader.peek()? {
        Kind::Bin => bin_text(reader),
        _ => reader.read_str(),
    }
}

impl MsgpackDecode<'_> for String {
    fn decode_msgpack(reader: &mut MsgpackReader<'_>) -> Result<Self, Error> {
        read_text(reader).map(str::to_owned)
    }
}

impl<'de: 'a, 'a> MsgpackDecode<'de> for &'a str {
    /// Borrows the string from the input.
    fn decode_msgpack(reader: &mut MsgpackReader<'de>) -> Result<Self, Error> {
        read_text(reader)
    }
}

impl MsgpackEncode for Cow<'_, str> {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        writer.str(self);
    }

    fn size_hint(&self) -> usize {
        self.len() + 5
    }
}

impl<'de: 'a, 'a> MsgpackDecode<'de> for Cow<'a, str> {
    fn decode_msgpack(reader: &mut MsgpackReader<'de>) -> Result<Self, Error> {
        read_text(reader).map(Cow::Borrowed)
    }
}

impl<T: MsgpackEncode> MsgpackEncode for Option<T> {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        match self {
            Some(value) => value.encode_msgpack(writer),
            None => writer.nil(),
        }
    }

    fn size_hint(&self) -> usize {
        self.as_ref().map_or(1, MsgpackEncode::size_hint)
    }
}

impl<'de, T: MsgpackDecode<'de>> MsgpackDecode<'de> for Option<T> {
    fn decode_msgpack(reader: &mut MsgpackReader<'de>) -> Result<Self, Error> {
        if reader.eat_nil()? { Ok(None) } else { T::decode_msgpack(reader).map(Some) }
    }

    fn missing() -> Result<Self, Error> {
        Ok(None)
    }
}

impl<T: MsgpackEncode + ?Sized> MsgpackEncode for Box<T> {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        (**self).encode_msgpack(writer);
    }

    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
}

impl<'de, T: MsgpackDecode<'de>> MsgpackDecode<'de> for Box<T> {
    fn decode_msgpack(reader: &mut MsgpackReader<'de>) -> Result<Self, Error> {
        T::decode_msgpack(reader).map(Box::new)
    }

    fn missing() -> Result<Self, Error> {
        T::missing().map(Box::new)
    }
}

impl<T: MsgpackEncode> MsgpackEncode for Vec<T> {
    /// A list (a `Vec<u8>` too: binary data is `Bytes` or `&[u8]`).
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        encode_list(writer, self);
    }

    fn size_hint(&self) -> usize {
        5 + self.iter().map(MsgpackEncode::size_hint).sum::<usize>()
    }
}

impl<'de, T: MsgpackDecode<'de>> MsgpackDecode<'de> for Vec<T> {
    fn decode_msgpack(reader: &mut MsgpackReader<'de>) -> Result<Self, Error> {
        let len = reader.read_array_len()?;
        let mut items = Vec::with_capacity(reader.capacity_for(len, T::MIN_LEN));
        for index in 0..len {
            items.push(T::decode_msgpack(reader).map_err(|e| e.at_index(index))?);
        }
        reader.leave();
        Ok(items)
    }
}

/// A list; an item msgpack cannot hold stops it, located at its index.
pub(crate) fn encode_list<T: MsgpackEncode>(writer: &mut MsgpackWriter<'_>, items: &[T]) {
    writer.array_header(items.len());
    for (index, item) in items.iter().enumerate() {
        if writer.failed() {
            return;
        }
        item.encode_msgpack(writer);
        if writer.failed() {
            writer.locate_index(index);
        }
    }
}

fn encode_map<'a, V: MsgpackEncode + 'a>(
    writer: &mut MsgpackWriter<'_>,
    len: usize,
    entries: impl Iterator<Item = (&'a String, &'a V)>,
) {
    writer.map_header(len);
    for (key, value) in entries {
        if writer.failed() {
            return;
        }
        writer.str(key);
        value.encode_msgpack(writer);
        if writer.failed() {
            writer.locate_field(key.clone());
        }
    }
}

/// Reads a map with str keys into `insert`; a key given twice keeps its last value.
fn decode_map<'de, V: MsgpackDecode<'de>>(
    reader: &mut MsgpackReader<'de>,
    mut insert: impl FnMut(String, V),
) -> Result<(), Error> {
    let len = reader.read_map_len()?;
    for _ in 0..len {
        let key = reader.read_str()?;
        let value = V::decode_msgpack(reader).map_err(|e| e.at_field(key.to_owned()))?;
        insert(key.to_owned(), value);
    }
    reader.leave();
    Ok(())
}

impl<V: MsgpackEncode, S> MsgpackEncode for HashMap<String, V, S> {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        encode_map(writer, self.len(), self.iter());
    }

    fn size_hint(&self) -> usize {
        5 + self.iter().map(|(k, v)| k.len() + 5 + v.size_hint()).sum::<usize>()
    }
}

impl<'de, V: MsgpackDecode<'de>, S: BuildHasher + Default> MsgpackDecode<'de> for HashMap<String, V, S> {
    fn decode_msgpack(reader: &mut MsgpackReader<'de>) -> Result<Self, Error> {
        let mut map = HashMap::default();
        decode_map(reader, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl<V: MsgpackEncode> MsgpackEncode for BTreeMap<String, V> {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        encode_map(writer, self.len(), self.iter());
    }

    fn size_hint(&self) -> usize {
        5 + self.iter().map(|(k, v)| k.len() + 5 + v.size_hint()).sum::<usize>()
    }
}

impl<'de, V: MsgpackDecode<'de>> MsgpackDecode<'de> for BTreeMap<String, V> {
    fn decode_msgpack(reader: &mut MsgpackReader<'de>) -> Result<Self, Error> {
        let mut map = BTreeMap::new();
        decode_map(reader, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

macro_rules! impl_tuple {
    ($len:literal => $($name:ident $index:tt),+) => {
        impl<$($name: MsgpackEncode),+> MsgpackEncode for ($($name,)+) {
            fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
                writer.array_header($len);
                $(
                    self.$index.encode_msgpack(writer);
                    if writer.failed() {
                        return writer.locate_index($index);
                    }
                )+
            }

            fn size_hint(&self) -> usize {
                1 $(+ self.$index.size_hint())+
            }
        }

        impl<'de, $($name: MsgpackDecode<'de>),+> MsgpackDecode<'de> for ($($name,)+) {
            const MIN_LEN: usize = 1 $(+ $name::MIN_LEN)+;

            fn decode_msgpack(reader: &mut MsgpackReader<'de>) -> Result<Self, Error> {
                if reader.read_array_len()? != $len {
                    return Err(ErrorKind::InvalidValue(concat!("expected an array of ", $len, " elements").into()).into());
                }
                let value = ($($name::decode_msgpack(reader).map_err(|e| e.at_index($index))?,)+);
                reader.leave();
                Ok(value)
            }
        }
    };
}

impl_tuple!(1 => A 0);
impl_tuple!(2 => A 0, B 1);
impl_tuple!(3 => A 0, B 1, C 2);
impl_tuple!(4 => A 0, B 1, C 2, D 3);
impl_tuple!(5 => A 0, B 1, C 2, D 3, E 4);
impl_tuple!(6 => A 0, B 1, C 2, D 3, E 4, F 5);

impl MsgpackEncode for serde_json::Value {
    fn encode_msgpack(&self, writer: &mut MsgpackWriter<'_>) {
        use serde_json::Value;
        match self {
            Value::Null => writer.nil(),
            Value::Bool(b) => writer.bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => writer.uint(u),
                (_, Some(i)) => writer.int(i),
                _ => writer.float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => writer.str(s),
            Value::Array(items) => items.encode_msgpack(writer),
            Value::Object(map) => encode_map(writer, map.len(), map.iter()),
        }
    }
}

impl MsgpackDecode<'_> for serde_json::Value {
    /// Any JSON-like value (pydantic's `Any`); bytes, numpy arrays and extension values have
    /// no JSON form and are errors (use `chainmodel::Value` for those).
    fn decode_msgpack(reader: &mut MsgpackReader<'_>) -> Result<Self, Error> {
        use serde_json::Value;
        Ok(match reader.peek()? {
            Kind::Nil => {
                reader.eat_nil()?;
                Value::Null
            }
            Kind::Bool => Value::Bool(reader.read_bool()?),
            Kind::Int => {
                let i = reader.read_int()?;
                u64::try_from(i).map(Value::from).or_else(|_| i64::try_from(i).map(Value::from)).unwrap_or(Value::Null)
            }
            Kind::Float => serde_json::Number::from_f64(reader.read_float()?).map_or(Value::Null, Value::Number),
            Kind::Str => Value::String(reader.read_str()?.to_owned()),
            Kind::Array => Value::Array(Vec::decode_msgpack(reader)?),
            Kind::Map => {
                let mut map = serde_json::Map::new();
                decode_map(reader, |k, v| {
                    map.insert(k, v);
                })?;
                Value::Object(map)
            }
            other => {
                return Err(ErrorKind::UnexpectedType { expected: "a JSON-like value", found: other.describe() }.into());
            }
        })
    }
}
