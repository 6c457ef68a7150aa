//! Reading a [`Value`] as a Python dict is read: indexing that never panics, typed accessors,
//! iteration, conversions from Rust's types, and `Display` as Python's repr.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Index;

use super::Value;
use crate::array::{AnyArray, NdArray};
use crate::bytes::Bytes;
use crate::element::Element;

/// What indexing gives for a key or position that is not there.
static NIL: Value = Value::Nil;

impl Value {
    /// Whether this is `None`.
    ///
    /// ```
    /// use chainmodel::{Value, value};
    ///
    /// assert!(Value::Nil.is_nil());
    /// assert!(value!({"a": 1})["b"].is_nil()); // a missing key reads as None
    /// ```
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The boolean, if this is `True` or `False`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if this is an integer that fits in an `i64`.
    ///
    /// ```
    /// use chainmodel::value;
    ///
    /// let v = value!({"n": 3, "big": u64::MAX, "x": 1.5});
    /// assert_eq!(v["n"].as_i64(), Some(3));
    /// assert_eq!(v["big"].as_i64(), None);
    /// assert_eq!(v["big"].as_u64(), Some(u64::MAX));
    /// assert_eq!(v["x"].as_i64(), None); // no conversion: a float is not an integer
    /// assert_eq!(v["x"].as_f64(), Some(1.5));
    /// assert_eq!(v["n"].as_f64(), Some(3.0)); // an integer is a number
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => i64::try_from(*i).ok(),
            _ => None,
        }
    }

    /// The integer, if this is an integer that fits in a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Int(i) => u64::try_from(*i).ok(),
            _ => None,
        }
    }

    /// The number as a float, if this is a float or an integer.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(x) => Some(*x),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }

    /// The text, if this is a str (bytes are not text: see [`as_bytes`](Self::as_bytes)).
    ///
    /// ```
    /// use chainmodel::value;
    ///
    /// let v = value!({"name": "x", "blob": chainmodel::Bytes::from(&b"\x00\x01"[..])});
    /// assert_eq!(v["name"].as_str(), Some("x"));
    /// assert_eq!(v["blob"].as_str(), None);
    /// assert_eq!(v["blob"].as_bytes(), Some(&b"\x00\x01"[..]));
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes, if this is `bytes`.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The numpy array, if this is one; [`AnyArray::to_typed`] gives its elements.
    ///
    /// ```
    /// use chainmodel::{NdArray, value};
    ///
    /// let v = value!({"data": {"some_numbers": NdArray::from_vec(vec![1.0f64, 2.0])}});
    /// let array = v["data"]["some_numbers"].as_array().unwrap();
    /// assert_eq!(array.shape(), &[2]);
    /// assert_eq!(array.to_typed::<f64>()?.as_slice(), &[1.0, 2.0]);
    /// # Ok::<(), chainmodel::Error>(())
    /// ```
    pub fn as_array(&self) -> Option<&AnyArray> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The items, if this is a list.
    ///
    /// ```
    /// use chainmodel::value;
    ///
    /// let v = value!({"ids": [1, 2, 3]});
    /// assert_eq!(v["ids"].as_list().map(|ids| ids.len()), Some(3));
    /// assert_eq!(v["ids"][1].as_i64(), Some(2));
    /// assert!(v["ids"][9].is_nil()); // past the end: None, no panic
    /// ```
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The items, if this is a list, to change them.
    pub fn as_list_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The entries in their order, if this is a dict.
    pub fn as_map(&self) -> Option<&[(Value, Value)]> {
        match self {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entries, if this is a dict, to change them.
    pub fn as_map_mut(&mut self) -> Option<&mut Vec<(Value, Value)>> {
        match self {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under str key `key`, if this is a dict that has it (the last one wins).
    /// Bin keys (`b"data"`, as msgpack_numpy writes them) are other keys, as in Python.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => {
                entries.iter().rev().find(|(k, _)| matches!(k, Value::Str(s) if s == key)).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    /// The value under str key `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self {
            Value::Map(entries) => {
                entries.iter_mut().rev().find(|(k, _)| matches!(k, Value::Str(s) if s == key)).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    /// The item at `index`, if this is a list that long.
    pub fn get_index(&self, index: usize) -> Option<&Value> {
        self.as_list().and_then(|items| items.get(index))
    }

    /// The items of a list (none for any other value).
    ///
    /// ```
    /// use chainmodel::value;
    ///
    /// let v = value!([1, 2.5, "three"]);
    /// let numbers: Vec<f64> = v.iter().filter_map(|item| item.as_f64()).collect();
    /// assert_eq!(numbers, [1.0, 2.5]);
    /// ```
    pub fn iter(&self) -> Items<'_> {
        Items(self.as_list().unwrap_or_default().iter())
    }

    /// The entries of a dict, in their order (none for any other value).
    ///
    /// ```
    /// use chainmodel::value;
    ///
    /// let v = value!({"a": 1, "b": 2});
    /// let keys: Vec<&str> = v.entries().filter_map(|(key, _)| key.as_str()).collect();
    /// assert_eq!(keys, ["a", "b"]);
    /// ```
    pub fn entries(&self) -> Entries<'_> {
        Entries(self.as_map().unwrap_or_default().iter())
    }
}

/// The items of a list value: [`Value::iter`].
#[derive(Clone, Debug)]
pub struct Items<'a>(std::slice::Iter<'a, Value>);

impl<'a> Iterator for Items<'a> {
    type Item = &'a Value;

    fn next(&mut self) -> Option<&'a Value> {
        self.0.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for Items<'_> {}

impl DoubleEndedIterator for Items<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back()
    }
}

/// The entries of a dict value: [`Value::entries`].
#[derive(Clone, Debug)]
pub struct Entries<'a>(std::slice::Iter<'a, (Value, Value)>);

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a Value, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for Entries<'_> {}

impl DoubleEndedIterator for Entries<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<'a> IntoIterator for &'a Value {
    type Item = &'a Value;
    type IntoIter = Items<'a>;

    /// The items of a list (none for any other value).
    fn into_iter(self) -> Items<'a> {
        self.iter()
    }
}

impl Index<&str> for Value {
    type Output = Value;

    /// The value under str key `key`; `None` (a [`Value::Nil`]) when this is no dict or has
    /// no such key, so lookups chain without panicking: `value["data"]["shape"][0]`.
    ///
    /// ```
    /// use chainmodel::value;
    ///
    /// let v = value!({"data": {"shape": [2, 3]}});
    /// assert_eq!(v["data"]["shape"][0].as_i64(), Some(2));
    /// assert!(v["nothing"]["here"][7].is_nil());
    /// assert!(v["data"]["shape"]["not a dict"].is_nil());
    /// ```
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NIL)
    }
}

impl Index<&String> for Value {
    type Output = Value;

    fn index(&self, key: &String) -> &Value {
        &self[key.as_str()]
    }
}

impl Index<usize> for Value {
    type Output = Value;

    /// The item at `index`; `None` (a [`Value::Nil`]) when this is no list or is shorter.
    fn index(&self, index: usize) -> &Value {
        self.get_index(index).unwrap_or(&NIL)
    }
}

impl fmt::Display for Value {
    /// Python's repr, as [`Debug`](fmt::Debug): `{'ids': [1, 2], 'name': 'x', 'blob': b'\x00'}`.
    ///
    /// ```
    /// use chainmodel::value;
    ///
    /// let v = value!({"ids": [1, 2], "ok": true, "none": null, "x": 0.1});
    /// assert_eq!(v.to_string(), "{'ids': [1, 2], 'ok': True, 'none': None, 'x': 0.1}");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

macro_rules! from_integer {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Value {
            fn from(i: $ty) -> Self {
                Value::Int(i as i128)
            }
        }

        impl PartialEq<$ty> for Value {
            fn eq(&self, other: &$ty) -> bool {
                matches!(self, Value::Int(i) if *i == *other as i128)
            }
        }
    )*};
}

from_integer!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}

impl From<f32> for Value {
    /// The float64 Python holds for it, as a model writes an `f32` field.
    fn from(x: f32) -> Self {
        Value::Float(x.into())
    }
}

impl PartialEq<f64> for Value {
    fn eq(&self, other: &f64) -> bool {
        matches!(self, Value::Float(x) if x == other)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        matches!(self, Value::Bool(b) if b == other)
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

impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Str(s.clone())
    }
}

impl From<Cow<'_, str>> for Value {
    fn from(s: Cow<'_, str>) -> Self {
        Value::Str(s.into_owned())
    }
}

impl From<char> for Value {
    fn from(c: char) -> Self {
        Value::Str(c.to_string())
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl From<Bytes> for Value {
    fn from(bytes: Bytes) -> Self {
        Value::Bytes(bytes)
    }
}

impl From<&[u8]> for Value {
    /// `bytes`, as a `&[u8]` model field is (a `Vec<u8>` is a list of integers).
    fn from(bytes: &[u8]) -> Self {
        Value::Bytes(bytes.into())
    }
}

impl From<AnyArray> for Value {
    fn from(array: AnyArray) -> Self {
        Value::Array(array)
    }
}

impl<T: Element> From<NdArray<T>> for Value {
    fn from(array: NdArray<T>) -> Self {
        Value::Array(array.into())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// `None` as `Value::Nil`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Nil, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    /// A list (a `Vec<u8>` too, as a model writes it).
    fn from(items: Vec<T>) -> Self {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>, const N: usize> From<[T; N]> for Value {
    fn from(items: [T; N]) -> Self {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}

macro_rules! from_tuple {
    ($($name:ident $index:tt),+) => {
        impl<$($name: Into<Value>),+> From<($($name,)+)> for Value {
            /// A list, as a tuple travels.
            fn from(tuple: ($($name,)+)) -> Self {
                Value::List(vec![$(tuple.$index.into()),+])
            }
        }
    };
}

from_tuple!(A 0, B 1);
from_tuple!(A 0, B 1, C 2);
from_tuple!(A 0, B 1, C 2, D 3);

impl<T: Into<Value>> FromIterator<T> for Value {
    /// A list.
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}

impl<K: Into<Value>, V: Into<Value>, S> From<HashMap<K, V, S>> for Value {
    /// A dict, in the map's iteration order.
    fn from(map: HashMap<K, V, S>) -> Self {
        Value::Map(map.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl<K: Into<Value>, V: Into<Value>> From<BTreeMap<K, V>> for Value {
    /// A dict, in key order.
    fn from(map: BTreeMap<K, V>) -> Self {
        Value::Map(map.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl From<serde_json::Value> for Value {
    /// JSON's value as Python's `json.loads` gives it (objects keep their order).
    fn from(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Value::Int(i.into()),
                (_, Some(u)) => Value::Int(u.into()),
                _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(s),
            serde_json::Value::Array(items) => items.into(),
            serde_json::Value::Object(map) => Value::Map(map.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
        }
    }
}
