//! `value!`: a [`Value`](crate::Value) written as a Python literal is, in the spirit of
//! `serde_json::json!`, holding arrays and bytes as any other Rust value.

use super::{Dict, Value};

/// A [`Value`](crate::Value) from a literal in the spirit of `serde_json::json!`: dicts
/// `{key: value, ...}` (keys are any value, usually strings), lists `[a, b, ...]`, `null`,
/// `true`, `false`, and any Rust expression that converts `Into<Value>` — numbers, strings,
/// [`NdArray`](crate::NdArray) and [`AnyArray`](crate::AnyArray) (numpy arrays),
/// [`Bytes`](crate::Bytes) and `&[u8]` (`bytes`), `Vec`s, maps, `Option`s, other `Value`s.
///
/// As in a Python dict literal, a key given twice keeps its first place and its last value.
/// Each item and entry is one step of macro expansion: a literal of more than about 60 items
/// at one level needs a higher `#![recursion_limit]` (or `Value::from` of a `Vec`).
///
/// ```
/// use chainmodel::{Bytes, NdArray, value};
///
/// let array = NdArray::from_vec(vec![0.5f64, 1.5]);
/// let request = value!({
///     "data": {"some_numbers": array, "other_field": "x"},
///     "ids": [1, 2, -3],
///     "blob": Bytes::from(&b"\x00\xff"[..]),
///     "scale": 0.5,
///     "missing": null,
/// });
/// assert_eq!(request["data"]["other_field"], "x");
/// assert_eq!(request["ids"][2], -3);
/// assert_eq!(request.to_string(),
///     "{'data': {'some_numbers': AnyArray(shape=(2,), dtype=float64, data=[0.5 1.5]), 'other_field': 'x'}, \
///       'ids': [1, 2, -3], 'blob': b'\\x00\\xff', 'scale': 0.5, 'missing': None}");
/// // Written as truss writes `model_dump(mode="python")` dicts.
/// let bytes = chainmodel::msgpack::to_vec(&request)?;
/// assert_eq!(chainmodel::msgpack::from_slice::<chainmodel::Value>(&bytes)?, request);
/// # Ok::<(), chainmodel::Error>(())
/// ```
#[macro_export]
macro_rules! value {
    (null) => {
        $crate::Value::Nil
    };
    (true) => {
        $crate::Value::Bool(true)
    };
    (false) => {
        $crate::Value::Bool(false)
    };
    ([ $($tt:tt)* ]) => {
        $crate::Value::List($crate::__value_list!([] [] $($tt)*))
    };
    ({ $($tt:tt)* }) => {
        $crate::__private::literal_dict($crate::__value_dict!(@key [] $($tt)*))
    };
    ($other:expr) => {
        $crate::Value::from($other)
    };
}

/// The items of a `value!` list: each a nested literal (`[..]`, `{..}`, `null`) or an
/// expression, then a comma or the end (one step per item, for long literals).
#[doc(hidden)]
#[macro_export]
macro_rules! __value_list {
    ([$($done:expr),*] []) => {
        vec![$($done),*]
    };
    ([$($done:expr),*] [] null $(, $($rest:tt)*)?) => {
        $crate::__value_list!([$($done,)* $crate::Value::Nil] [] $($($rest)*)?)
    };
    ([$($done:expr),*] [] [$($inner:tt)*] $(, $($rest:tt)*)?) => {
        $crate::__value_list!([$($done,)* $crate::value!([$($inner)*])] [] $($($rest)*)?)
    };
    ([$($done:expr),*] [] {$($inner:tt)*} $(, $($rest:tt)*)?) => {
        $crate::__value_list!([$($done,)* $crate::value!({$($inner)*})] [] $($($rest)*)?)
    };
    ([$($done:expr),*] [] $item:expr $(, $($rest:tt)*)?) => {
        $crate::__value_list!([$($done,)* $crate::Value::from($item)] [] $($($rest)*)?)
    };
}

/// The entries of a `value!` dict: a literal key (or the tokens up to a colon), a colon, then
/// a value as a list item is read.
#[doc(hidden)]
#[macro_export]
macro_rules! __value_dict {
    (@key [$($done:expr),*]) => {
        vec![$($done),*]
    };
    (@key [$($done:expr),*] $key:literal : $($rest:tt)*) => {
        $crate::__value_dict!(@value [$($done),*] [$crate::Value::from($key)] $($rest)*)
    };
    (@key [$($done:expr),*] $($rest:tt)+) => {
        $crate::__value_dict!(@munch [$($done),*] [] $($rest)+)
    };
    (@munch [$($done:expr),*] [$($key:tt)+] : $($rest:tt)*) => {
        $crate::__value_dict!(@value [$($done),*] [$crate::value!($($key)+)] $($rest)*)
    };
    (@munch [$($done:expr),*] [$($key:tt)*] $next:tt $($rest:tt)*) => {
        $crate::__value_dict!(@munch [$($done),*] [$($key)* $next] $($rest)*)
    };
    (@value [$($done:expr),*] [$key:expr] null $(, $($rest:tt)*)?) => {
        $crate::__value_dict!(@key [$($done,)* ($key, $crate::Value::Nil)] $($($rest)*)?)
    };
    (@value [$($done:expr),*] [$key:expr] [$($inner:tt)*] $(, $($rest:tt)*)?) => {
        $crate::__value_dict!(@key [$($done,)* ($key, $crate::value!([$($inner)*]))] $($($rest)*)?)
    };
    (@value [$($done:expr),*] [$key:expr] {$($inner:tt)*} $(, $($rest:tt)*)?) => {
        $crate::__value_dict!(@key [$($done,)* ($key, $crate::value!({$($inner)*}))] $($($rest)*)?)
    };
    (@value [$($done:expr),*] [$key:expr] $item:expr $(, $($rest:tt)*)?) => {
        $crate::__value_dict!(@key [$($done,)* ($key, $crate::Value::from($item))] $($($rest)*)?)
    };
}

/// A dict from a literal's entries, a repeated key keeping its first place and last value.
pub fn literal_dict(entries: Vec<(Value, Value)>) -> Value {
    let mut dict = Dict::with_capacity(entries.len());
    for (key, value) in entries {
        dict.insert(key, value);
    }
    Value::Map(dict.entries)
}
