//! pydantic's `Field` constraints (`ge`, `gt`, `le`, `lt`, `multiple_of`, `min_length`,
//! `max_length`, `pattern`), checked once a field's value is decoded: only constrained fields
//! pay for them. Errors carry pydantic's type and message, word for word.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::bytes::Bytes;
use crate::error::Error;
use serde_json::json;

/// A number `ge`, `gt`, `le`, `lt` and `multiple_of` apply to.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number, so `ge`, `gt`, `le`, `lt` and `multiple_of` do not apply to it",
    label = "a number constraint on a field that is not an integer or a float",
    note = "pydantic's number constraints apply to `int` and `float` fields (and their `Optional`)"
)]
pub trait Number {
    /// Whether this is a float: pydantic writes a float field's bounds as floats in `ctx`.
    const FLOAT: bool = false;

    /// The value as a float, `None` for an absent `Option`.
    fn number(&self) -> Option<f64>;
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Number for $t {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn number(&self) -> Option<f64> {
                Some(*self as f64)
            }
        }
    )*};
}
number!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

macro_rules! float {
    ($($t:ty),*) => {$(
        impl Number for $t {
            const FLOAT: bool = true;

            #[allow(clippy::cast_lossless)]
            fn number(&self) -> Option<f64> {
                Some(*self as f64)
            }
        }
    )*};
}
float!(f32, f64);

impl<T: Number> Number for Option<T> {
    const FLOAT: bool = T::FLOAT;

    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(Number::number)
    }
}

impl<T: Number + ?Sized> Number for Box<T> {
    const FLOAT: bool = T::FLOAT;

    fn number(&self) -> Option<f64> {
        (**self).number()
    }
}

/// What pydantic calls a sized value in its messages, and how the schema names its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LengthKind {
    /// `str`: characters, `minLength`.
    Str,
    /// `bytes`: bytes, `minLength`.
    Bytes,
    /// `list`: items, `minItems`.
    List,
    /// `set`: items, `minItems`.
    Set,
    /// `dict`: items, `minProperties`.
    Dict,
}

/// A value `min_length` and `max_length` apply to: a string, bytes, a list, a set or a dict.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no length, so `min_length` and `max_length` do not apply to it",
    label = "a length constraint on a field that is not a string, bytes, list, set or dict",
    note = "pydantic's `min_length`/`max_length` apply to `str`, `bytes`, `list`, `set` and `dict` fields"
)]
pub trait Length {
    /// What the value is, in pydantic's words.
    const KIND: LengthKind;
    /// Its length in pydantic's unit (characters for a string), `None` for an absent `Option`.
    fn length(&self) -> Option<usize>;
}

impl Length for String {
    const KIND: LengthKind = LengthKind::Str;
    fn length(&self) -> Option<usize> {
        Some(self.chars().count())
    }
}
impl Length for &str {
    const KIND: LengthKind = LengthKind::Str;
    fn length(&self) -> Option<usize> {
        Some(self.chars().count())
    }
}
impl Length for Cow<'_, str> {
    const KIND: LengthKind = LengthKind::Str;
    fn length(&self) -> Option<usize> {
        Some(self.chars().count())
    }
}
impl Length for Box<str> {
    const KIND: LengthKind = LengthKind::Str;
    fn length(&self) -> Option<usize> {
        Some(self.chars().count())
    }
}
impl Length for Bytes {
    const KIND: LengthKind = LengthKind::Bytes;
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl<T> Length for Vec<T> {
    const KIND: LengthKind = LengthKind::List;
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl<T, S> Length for HashSet<T, S> {
    const KIND: LengthKind = LengthKind::Set;
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl<T> Length for BTreeSet<T> {
    const KIND: LengthKind = LengthKind::Set;
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl<K, V, S> Length for HashMap<K, V, S> {
    const KIND: LengthKind = LengthKind::Dict;
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl<K, V> Length for BTreeMap<K, V> {
    const KIND: LengthKind = LengthKind::Dict;
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl Length for serde_json::Map<String, serde_json::Value> {
    const KIND: LengthKind = LengthKind::Dict;
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
}
#[cfg(feature = "indexmap")]
impl<K, V, S> Length for indexmap::IndexMap<K, V, S> {
    const KIND: LengthKind = LengthKind::Dict;
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
}
#[cfg(feature = "indexmap")]
impl<T, S> Length for indexmap::IndexSet<T, S> {
    const KIND: LengthKind = LengthKind::Set;
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
}
impl<T: Length> Length for Option<T> {
    const KIND: LengthKind = T::KIND;
    fn length(&self) -> Option<usize> {
        self.as_ref().and_then(Length::length)
    }
}

/// A string `pattern` applies to.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a string, so `pattern` does not apply to it",
    label = "a `pattern` on a field that is not a string",
    note = "pydantic's `pattern` applies to `str` fields (and their `Optional`)"
)]
pub trait Text {
    /// The text, `None` for an absent `Option`.
    fn text(&self) -> Option<&str>;
}

impl Text for String {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}
impl Text for &str {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}
impl Text for Cow<'_, str> {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}
impl Text for Box<str> {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}
impl<T: Text> Text for Option<T> {
    fn text(&self) -> Option<&str> {
        self.as_ref().and_then(Text::text)
    }
}

/// A number bound: its value, and its text as the model writes it (pydantic's message repeats it).
pub type Bound = Option<(f64, &'static str)>;

/// A field's number constraints.
#[derive(Clone, Copy, Debug, Default)]
pub struct NumberBounds {
    /// `ge`.
    pub ge: Bound,
    /// `gt`.
    pub gt: Bound,
    /// `le`.
    pub le: Bound,
    /// `lt`.
    pub lt: Bound,
    /// `multiple_of`.
    pub multiple_of: Bound,
}

/// Checks `value` against `bounds` in pydantic-core's order (`multiple_of`, `le`, `lt`, `ge`,
/// `gt`), reporting the first that fails, as pydantic does.
#[inline]
pub fn check_number<T: Number + ?Sized>(value: &T, bounds: &NumberBounds) -> Result<(), Error> {
    let Some(x) = value.number() else { return Ok(()) };
    // pydantic's bound as it writes it: a float field's as a float in `ctx` (its message
    // prints it as Rust does, `0`, `2.5`), an integer field's as an integer.
    let bound_of = |value: f64| -> (String, serde_json::Value) {
        #[allow(clippy::cast_possible_truncation)]
        if !T::FLOAT && value.fract() == 0.0 && value.abs() < 9.2e18 {
            let int = value as i64;
            (int.to_string(), int.into())
        } else {
            (value.to_string(), value.into())
        }
    };
    if let Some((m, _)) = bounds.multiple_of {
        // pydantic-core's float test: a remainder within a billionth of the value counts as none.
        let rem = x % m;
        let threshold = x.abs() / 1e9;
        if rem.abs() > threshold && (rem - m).abs() > threshold {
            let (text, ctx) = bound_of(m);
            return Err(constraint("multiple_of", format!("Input should be a multiple of {text}"), json!({ "multiple_of": ctx })));
        }
    }
    use std::cmp::Ordering::{Equal, Greater, Less};
    // A NaN compares as nothing, so it breaks every bound.
    let breaks = |bound: Bound, holds: &[std::cmp::Ordering]| {
        bound.map(|(b, _)| b).filter(|&b| !x.partial_cmp(&b).is_some_and(|order| holds.contains(&order))).map(bound_of)
    };
    if let Some((text, ctx)) = breaks(bounds.le, &[Less, Equal]) {
        return Err(constraint(
            "less_than_equal",
            format!("Input should be less than or equal to {text}"),
            json!({ "le": ctx }),
        ));
    }
    if let Some((text, ctx)) = breaks(bounds.lt, &[Less]) {
        return Err(constraint("less_than", format!("Input should be less than {text}"), json!({ "lt": ctx })));
    }
    if let Some((text, ctx)) = breaks(bounds.ge, &[Greater, Equal]) {
        return Err(constraint(
            "greater_than_equal",
            format!("Input should be greater than or equal to {text}"),
            json!({ "ge": ctx }),
        ));
    }
    if let Some((text, ctx)) = breaks(bounds.gt, &[Greater]) {
        return Err(constraint("greater_than", format!("Input should be greater than {text}"), json!({ "gt": ctx })));
    }
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Checks `value`'s length against `min` and `max`, with pydantic's type and message.
#[inline]
pub fn check_length<T: Length + ?Sized>(value: &T, min: Option<usize>, max: Option<usize>) -> Result<(), Error> {
    let Some(len) = value.length() else { return Ok(()) };
    if let Some(min) = min.filter(|&min| len < min) {
        return Err(match T::KIND {
            LengthKind::Str => constraint(
                "string_too_short",
                format!("String should have at least {}", plural(min, "character", "characters")),
                json!({ "min_length": min }),
            ),
            LengthKind::Bytes => {
                constraint(
                    "bytes_too_short",
                    format!("Data should have at least {}", plural(min, "byte", "bytes")),
                    json!({ "min_length": min }),
                )
            }
            kind => constraint(
                "too_short",
                format!(
                    "{} should have at least {} after validation, not {len}",
                    collection(kind),
                    plural(min, "item", "items")
                ),
                json!({ "field_type": collection(kind), "min_length": min, "actual_length": len }),
            ),
        });
    }
    if let Some(max) = max.filter(|&max| len > max) {
        return Err(too_long(T::KIND, max, len));
    }
    Ok(())
}

/// pydantic's error for a value of `len` items (characters, bytes) where `max` is allowed.
#[cold]
pub(crate) fn too_long(kind: LengthKind, max: usize, len: usize) -> Error {
    match kind {
            LengthKind::Str => constraint(
                "string_too_long",
                format!("String should have at most {}", plural(max, "character", "characters")),
                json!({ "max_length": max }),
            ),
            LengthKind::Bytes => {
                constraint(
                    "bytes_too_long",
                    format!("Data should have at most {}", plural(max, "byte", "bytes")),
                    json!({ "max_length": max }),
                )
            }
            // pydantic stops reading a dict or set at its limit, so it does not say how many items it had.
            kind @ (LengthKind::Dict | LengthKind::Set) => constraint(
                "too_long",
                format!(
                    "{} should have at most {} after validation, not more",
                    collection(kind),
                    plural(max, "item", "items")
                ),
                json!({ "field_type": collection(kind), "max_length": max, "actual_length": null }),
            ),
            kind => constraint(
                "too_long",
                format!(
                    "{} should have at most {} after validation, not {len}",
                    collection(kind),
                    plural(max, "item", "items")
                ),
                json!({ "field_type": collection(kind), "max_length": max, "actual_length": len }),
            ),
        }
}

fn collection(kind: LengthKind) -> &'static str {
    match kind {
        LengthKind::Set => "Set",
        LengthKind::Dict => "Dictionary",
        _ => "List",
    }
}

/// Checks that `pattern` is found in `value` (a search, as pydantic's default `rust-regex` engine
/// does, not a full match).
#[inline]
pub fn check_pattern<T: Text + ?Sized>(value: &T, regex: &regex::Regex) -> Result<(), Error> {
    match value.text() {
        Some(text) if !regex.is_match(text) => {
            Err(constraint(
                "string_pattern_mismatch",
                format!("String should match pattern '{}'", regex.as_str()),
                json!({ "pattern": regex.as_str() }),
            ))
        }
        _ => Ok(()),
    }
}

/// The schema keys of `min_length` and `max_length` for `T`, as pydantic writes them.
pub fn length_keys<T: Length + ?Sized>() -> (&'static str, &'static str) {
    match T::KIND {
        LengthKind::Str | LengthKind::Bytes => ("minLength", "maxLength"),
        LengthKind::List | LengthKind::Set => ("minItems", "maxItems"),
        LengthKind::Dict => ("minProperties", "maxProperties"),
    }
}

#[cold]
fn constraint(kind: &'static str, message: String, ctx: serde_json::Value) -> Error {
    Error::validation(kind, message, Some(ctx))
}


