//! JSON forms of Rust's own types, as pydantic reads and writes their Python equivalents.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use super::{JsonDecode, JsonEncode, JsonReader, JsonWriter, Peek};
use crate::bytes::Bytes;
use crate::error::{Error, ErrorKind};
use crate::lax;

fn unexpected(expected: &'static str, found: &'static str) -> Error {
    ErrorKind::UnexpectedType { expected, found }.into()
}

impl JsonEncode for bool {
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.bool(*self);
    }
}

impl JsonDecode<'_> for bool {
    /// pydantic's lax booleans: `true`/`false`, the numbers 0 and 1, and the strings
    /// `0 off f false n no 1 on t true y yes` in any case.
    fn decode_json(reader: &mut JsonReader<'_>) -> Result<Self, Error> {
        match reader.peek()? {
            Peek::Bool => reader.read_bool(),
            Peek::Number => lax::bool_from_number(reader.read_number()?.to_f64()),
            Peek::String => lax::bool_from_str(&reader.read_str()?),
            found => Err(unexpected("a boolean", found.describe())),
        }
    }
}

/// An integer as pydantic reads one: a JSON integer, a float with no fractional part, a
/// string holding either (spaces around allowed), or a boolean. Returns the value and its
/// text (borrowed where the input allows), for range errors.
fn read_integer<'de>(reader: &mut JsonReader<'de>) -> Result<(i128, Cow<'de, str>), Error> {
    match reader.peek()? {
        Peek::Number => {
            let number = reader.read_number()?;
            let text = number.text;
            let value = if number.is_integer {
                text.parse::<i128>().map_err(|_| lax::out_of_range(text, "an integer"))?
            } else {
                lax::int_from_float(text.parse().unwrap_or(f64::NAN), text)?
            };
            Ok((value, Cow::Borrowed(text)))
        }
        Peek::String => {
            let text = reader.read_str()?;
            let value = lax::int_from_str(&text)?;
            let trimmed = match text {
                Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
                Cow::Owned(text) => Cow::Owned(text.trim().to_owned()),
            };
            Ok((value, trimmed))
        }
        Peek::Bool => Ok((i128::from(reader.read_bool()?), Cow::Borrowed("a boolean"))),
        found => Err(unexpected("an integer", found.describe())),
    }
}

macro_rules! impl_integer {
    ($($ty:ty),*) => {$(
        impl JsonEncode for $ty {
            fn encode_json(&self, writer: &mut JsonWriter) {
                writer.int(*self);
            }
        }

        impl JsonDecode<'_> for $ty {
            fn decode_json(reader: &mut JsonReader<'_>) -> Result<Self, Error> {
                let (value, text) = read_integer(reader)?;
                <$ty>::try_from(value).map_err(|_| lax::out_of_range(&text, stringify!($ty)))
            }
        }
    )*};
}

impl_integer!(u8, i8, u16, i16, u32, i32, u64, i64, usize, isize);

/// A float as pydantic reads one: any JSON number (`NaN` and `Infinity` included), a string
/// Python's `float()` reads (`"1.5"`, `" 2 "`, `"nan"`, `"-inf"`), or a boolean.
fn read_float(reader: &mut JsonReader<'_>) -> Result<f64, Error> {
    match reader.peek()? {
        Peek::Number => Ok(reader.read_number()?.to_f64()),
        Peek::String => lax::float_from_str(&reader.read_str()?),
        Peek::Bool => Ok(if reader.read_bool()? { 1.0 } else { 0.0 }),
        found => Err(unexpected("a number", found.describe())),
    }
}

impl JsonEncode for f64 {
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.float(*self);
    }
}

impl JsonDecode<'_> for f64 {
    fn decode_json(reader: &mut JsonReader<'_>) -> Result<Self, Error> {
        read_float(reader)
    }
}

impl JsonEncode for f32 {
    /// Written as the float64 Python holds for it (`0.1f32` is `0.10000000149011612`).
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.float(f64::from(*self));
    }
}

impl JsonDecode<'_> for f32 {
    fn decode_json(reader: &mut JsonReader<'_>) -> Result<Self, Error> {
        read_float(reader).map(|x| x as f32)
    }
}

impl JsonEncode for str {
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.string(self);
    }
}

impl JsonEncode for String {
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.string(self);
    }
}

impl JsonDecode<'_> for String {
    fn decode_json(reader: &mut JsonReader<'_>) -> Result<Self, Error> {
        reader.read_str().map(Cow::into_owned)
    }
}

impl<'de: 'a, 'a> JsonDecode<'de> for &'a str {
    /// Borrows the string from the input; a string with escapes cannot be borrowed and is an
    /// error (use `String` or `Cow<str>` for such fields).
    fn decode_json(reader: &mut JsonReader<'de>) -> Result<Self, Error> {
        match reader.read_str()? {
            Cow::Borrowed(text) => Ok(text),
            Cow::Owned(_) => Err(ErrorKind::InvalidValue(
                "a string with escapes cannot be borrowed into a `&str` field; use `String` or `Cow<str>`".into(),
            )
            .into()),
        }
    }
}

impl JsonEncode for Cow<'_, str> {
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.string(self);
    }
}

impl<'de: 'a, 'a> JsonDecode<'de> for Cow<'a, str> {
    fn decode_json(reader: &mut JsonReader<'de>) -> Result<Self, Error> {
        reader.read_str()
    }
}

impl<T: JsonEncode> JsonEncode for Option<T> {
    fn encode_json(&self, writer: &mut JsonWriter) {
        match self {
            Some(value) => value.encode_json(writer),
            None => writer.null(),
        }
    }
}

impl<'de, T: JsonDecode<'de>> JsonDecode<'de> for Option<T> {
    fn decode_json(reader: &mut JsonReader<'de>) -> Result<Self, Error> {
        if reader.eat_null()? { Ok(None) } else { T::decode_json(reader).map(Some) }
    }

    fn missing() -> Result<Self, Error> {
        Ok(None)
    }
}

impl<T: JsonEncode + ?Sized> JsonEncode for Box<T> {
    fn encode_json(&self, writer: &mut JsonWriter) {
        (**self).encode_json(writer);
    }
}

impl<'de, T: JsonDecode<'de>> JsonDecode<'de> for Box<T> {
    fn decode_json(reader: &mut JsonReader<'de>) -> Result<Self, Error> {
        T::decode_json(reader).map(Box::new)
    }

    fn missing() -> Result<Self, Error> {
        T::missing().map(Box::new)
    }
}

impl<T: JsonEncode> JsonEncode for Vec<T> {
    /// A list. (A `&[u8]` field is bytes, not a list, and so has no JSON form.)
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.raw("[");
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                writer.raw(",");
            }
            item.encode_json(writer);
        }
        writer.raw("]");
    }
}

impl<'de, T: JsonDecode<'de>> JsonDecode<'de> for Vec<T> {
    fn decode_json(reader: &mut JsonReader<'de>) -> Result<Self, Error> {
        reader.begin_array()?;
        let mut items = Vec::new();
        while reader.next_element()? {
            items.push(T::decode_json(reader).map_err(|e| e.at_index(items.len()))?);
        }
        Ok(items)
    }
}

fn encode_map<'a, V: JsonEncode + 'a>(writer: &mut JsonWriter, entries: impl Iterator<Item = (&'a String, &'a V)>) {
    writer.raw("{");
    for (i, (key, value)) in entries.enumerate() {
        if i > 0 {
            writer.raw(",");
        }
        writer.string(key);
        writer.raw(":");
        value.encode_json(writer);
    }
    writer.raw("}");
}

/// Reads an object into `insert`; a key given twice keeps its last value, as pydantic does.
fn decode_map<'de, V: JsonDecode<'de>>(
    reader: &mut JsonReader<'de>,
    mut insert: impl FnMut(String, V),
) -> Result<(), Error> {
    reader.begin_object()?;
    while let Some(key) = reader.next_key()? {
        let value = V::decode_json(reader).map_err(|e| e.at_field(key.clone().into_owned()))?;
        insert(key.into_owned(), value);
    }
    Ok(())
}

impl<V: JsonEncode, S> JsonEncode for HashMap<String, V, S> {
    fn encode_json(&self, writer: &mut JsonWriter) {
        encode_map(writer, self.iter());
    }
}

impl<'de, V: JsonDecode<'de>, S: BuildHasher + Default> JsonDecode<'de> for HashMap<String, V, S> {
    fn decode_json(reader: &mut JsonReader<'de>) -> Result<Self, Error> {
        let mut map = HashMap::default();
        decode_map(reader, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl<V: JsonEncode> JsonEncode for BTreeMap<String, V> {
    fn encode_json(&self, writer: &mut JsonWriter) {
        encode_map(writer, self.iter());
    }
}

impl<'de, V: JsonDecode<'de>> JsonDecode<'de> for BTreeMap<String, V> {
    fn decode_json(reader: &mut JsonReader<'de>) -> Result<Self, Error> {
        let mut map = BTreeMap::new();
        decode_map(reader, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

macro_rules! impl_tuple {
    ($len:literal => $($name:ident $index:tt),+) => {
        impl<$($name: JsonEncode),+> JsonEncode for ($($name,)+) {
            fn encode_json(&self, writer: &mut JsonWriter) {
                writer.raw("[");
                $(
                    if $index > 0 {
                        writer.raw(",");
                    }
                    self.$index.encode_json(writer);
                )+
                writer.raw("]");
            }
        }

        impl<'de, $($name: JsonDecode<'de>),+> JsonDecode<'de> for ($($name,)+) {
            fn decode_json(reader: &mut JsonReader<'de>) -> Result<Self, Error> {
                let wrong_length = || Error::from(ErrorKind::InvalidValue(concat!("expected an array of ", $len, " elements").into()));
                reader.begin_array()?;
                let value = ($(
                    {
                        if !reader.next_element()? {
                            return Err(wrong_length());
                        }
                        $name::decode_json(reader).map_err(|e| e.at_index($index))?
                    },
                )+);
                if reader.next_element()? {
                    return Err(wrong_length());
                }
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

impl JsonEncode for serde_json::Value {
    fn encode_json(&self, writer: &mut JsonWriter) {
        match self {
            serde_json::Value::Null => writer.null(),
            serde_json::Value::Bool(b) => writer.bool(*b),
            serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => writer.int(u),
                (_, Some(i)) => writer.int(i),
                _ => writer.float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => writer.string(s),
            serde_json::Value::Array(items) => items.encode_json(writer),
            serde_json::Value::Object(map) => encode_map(writer, map.iter()),
        }
    }
}

impl JsonDecode<'_> for serde_json::Value {
    /// Any JSON value (pydantic's `Any`). Integers beyond 64 bits and non-finite numbers
    /// become floats; `NaN` and the infinities, which a `Value` cannot hold, become null.
    fn decode_json(reader: &mut JsonReader<'_>) -> Result<Self, Error> {
        use serde_json::Value;
        Ok(match reader.peek()? {
            Peek::Null => {
                reader.eat_null()?;
                Value::Null
            }
            Peek::Bool => Value::Bool(reader.read_bool()?),
            Peek::Number => {
                let number = reader.read_number()?;
                let integer = number.is_integer.then(|| {
                    number.text.parse::<u64>().map(Value::from).or_else(|_| number.text.parse::<i64>().map(Value::from))
                });
                match integer {
                    Some(Ok(value)) => value,
                    _ => serde_json::Number::from_f64(number.to_f64()).map_or(Value::Null, Value::Number),
                }
            }
            Peek::String => Value::String(reader.read_str()?.into_owned()),
            Peek::Array => Value::Array(Vec::decode_json(reader)?),
            Peek::Object => {
                let mut map = serde_json::Map::new();
                decode_map(reader, |k, v| {
                    map.insert(k, v);
                })?;
                Value::Object(map)
            }
        })
    }
}

/// Bytes in JSON are what pydantic makes of them (`ser_json_bytes="utf8"`): their UTF-8 text
/// (invalid sequences replaced), read back as the text's bytes. Models never reach this
/// through `to_json` or `from_json`, which refuse binary-only models at compile time; it
/// serves schema defaults and models nested deeper than that check looks.
impl JsonEncode for Bytes {
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.string(&String::from_utf8_lossy(self));
    }
}

impl JsonDecode<'_> for Bytes {
    fn decode_json(reader: &mut JsonReader<'_>) -> Result<Self, Error> {
        Ok(Bytes::from(reader.read_str()?.into_owned().into_bytes()))
    }
}

impl JsonEncode for [u8] {
    fn encode_json(&self, writer: &mut JsonWriter) {
        writer.string(&String::from_utf8_lossy(self));
    }
}

impl<'de: 'a, 'a> JsonDecode<'de> for &'a [u8] {
    /// Borrows the text's bytes; a string with escapes cannot be borrowed.
    fn decode_json(reader: &mut JsonReader<'de>) -> Result<Self, Error> {
        match reader.read_str()? {
            Cow::Borrowed(text) => Ok(text.as_bytes()),
            Cow::Owned(_) => Err(ErrorKind::InvalidValue("a borrowed &[u8] cannot hold a string with escapes".into()).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::json::{from_str, to_string};
    use std::collections::BTreeMap;

    #[test]
    fn integers_read_as_pydantic_reads_them() {
        assert_eq!(from_str::<i64>("1").unwrap(), 1);
        assert_eq!(from_str::<i64>("1.0").unwrap(), 1);
        assert_eq!(from_str::<i64>("1e3").unwrap(), 1000);
        assert_eq!(from_str::<i64>(r#"" 12 ""#).unwrap(), 12);
        assert_eq!(from_str::<i64>(r#""1.0""#).unwrap(), 1);
        assert_eq!(from_str::<i64>("true").unwrap(), 1);
        assert_eq!(from_str::<u64>("18446744073709551615").unwrap(), u64::MAX);
        assert_eq!(
            from_str::<i64>("1.5").unwrap_err().to_string(),
            "expected an integer, got a number with a fractional part"
        );
        assert_eq!(from_str::<u8>("256").unwrap_err().to_string(), "256 is out of range for u8");
        assert_eq!(from_str::<i64>("null").unwrap_err().to_string(), "expected an integer, got null");
        assert!(from_str::<i64>(r#""abc""#).is_err());
        assert!(from_str::<i64>("NaN").is_err());
        assert!(from_str::<i64>(r#""nan""#).is_err());
    }

    #[test]
    fn floats_and_bools_are_lax_too() {
        assert_eq!(from_str::<f64>(r#"" 12 ""#).unwrap(), 12.0);
        assert!(from_str::<f64>(r#""nan""#).unwrap().is_nan());
        assert_eq!(from_str::<f64>("1E400").unwrap(), f64::INFINITY);
        assert_eq!(from_str::<f64>("true").unwrap(), 1.0);
        assert!(from_str::<bool>(r#""YES""#).unwrap());
        assert!(!from_str::<bool>("-0").unwrap());
        assert!(from_str::<bool>("2").is_err());
        assert!(from_str::<String>("1").is_err());
    }

    #[test]
    fn containers_locate_their_errors() {
        let err = from_str::<Vec<Vec<i32>>>("[[1],[2,\"x\"]]").unwrap_err();
        assert_eq!(err.to_string(), r#"1.1: expected an integer, got the string "x""#);
        let err = from_str::<BTreeMap<String, u8>>(r#"{"a":1,"b":-1}"#).unwrap_err();
        assert_eq!(err.to_string(), "b: -1 is out of range for u8");
        let err = from_str::<(i32, String)>("[1]").unwrap_err();
        assert_eq!(err.to_string(), "expected an array of 2 elements");
        assert!(from_str::<(i32,)>("[1,2]").is_err());
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        let map = from_str::<BTreeMap<String, i32>>(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(map["a"], 2);
    }

    #[test]
    fn values_round_trip() {
        let text = r#"{"a":[1,-2,3.5,null,true,"s"],"b":{"c":18446744073709551615}}"#;
        let value: serde_json::Value = from_str(text).unwrap();
        assert_eq!(to_string(&value).unwrap(), text);
    }
}
