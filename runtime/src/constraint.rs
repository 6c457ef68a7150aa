//! pydantic's `Field` constraints (`ge`, `gt`, `le`, `lt`, `multiple_of`, `min_length`,
//! `max_length`, `pattern`), checked once a field's value is decoded: only constrained fields
//! pay for them. Errors carry pydantic's type and message, word for word.

use std::borrow::Cow;
use std::cmp::Ordering::{self, Equal, Greater, Less};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

use crate::bytes::Bytes;
use crate::codec::{Decode, Reader};
use crate::error::Error;
use serde_json::json;

/// A number `ge`, `gt`, `le`, `lt` and `multiple_of` apply to.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number, so `ge`, `gt`, `le`, `lt` and `multiple_of` do not apply to it",
    label = "a number constraint on a field that is not an integer or a float",
    note = "pydantic's number constraints apply to `int` and `float` fields (and their `Optional`)"
)]
pub trait Number {
    /// The value as pydantic compares it, an integer exactly and a float as a float; `None`
    /// for an absent `Option`.
    fn number(&self) -> Option<NumberValue>;
}

/// A number as pydantic compares it with its bounds.
#[derive(Clone, Debug, PartialEq)]
pub enum NumberValue {
    /// An integer, compared exactly.
    Int(WideInt),
    /// A float, compared as pydantic compares floats.
    Float(f64),
}

/// An integer however large: pydantic's `int` has no range, so a value beyond the field's Rust
/// type is still compared with the field's bounds (and named by the one it breaks).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum WideInt {
    /// Within 128 bits.
    Int(i128),
    /// Beyond 128 bits: its text, `-` then ASCII digits for a negative one.
    Huge(Box<str>),
}

impl WideInt {
    fn is_negative(&self) -> bool {
        match self {
            WideInt::Int(value) => *value < 0,
            WideInt::Huge(text) => text.starts_with('-'),
        }
    }

    /// How it compares with `bound` (a huge value is beyond every bound).
    fn cmp_int(&self, bound: i128) -> Ordering {
        match self {
            WideInt::Int(value) => value.cmp(&bound),
            WideInt::Huge(_) if self.is_negative() => Ordering::Less,
            WideInt::Huge(_) => Ordering::Greater,
        }
    }

    /// How it compares with the float `bound`, exactly (not through a float).
    fn cmp_float(&self, bound: f64) -> Option<Ordering> {
        if bound.is_nan() {
            return None;
        }
        // 2^127: past it no i128 reaches the bound.
        const LIMIT: f64 = 1.701_411_834_604_692_3e38;
        match self {
            WideInt::Huge(_) => Some(self.cmp_int(0)),
            _ if bound >= LIMIT => Some(Ordering::Less),
            _ if bound < -LIMIT => Some(Ordering::Greater),
            WideInt::Int(value) => {
                #[allow(clippy::cast_possible_truncation)]
                let floor = bound.floor() as i128;
                Some(match value.cmp(&floor) {
                    // Between the floor and the bound.
                    Ordering::Equal if bound.fract() != 0.0 => Ordering::Less,
                    order => order,
                })
            }
        }
    }

    /// Whether it is a multiple of `m` (not 0).
    fn is_multiple_of(&self, m: i128) -> bool {
        let m = m.unsigned_abs();
        match self {
            WideInt::Int(value) => value.unsigned_abs() % m == 0,
            // The remainder digit by digit; `r < m <= 2^127`, so `r + r` never overflows.
            WideInt::Huge(text) => {
                let add = |a: u128, b: u128| {
                    let sum = a + b;
                    if sum >= m { sum - m } else { sum }
                };
                let rem = text.bytes().filter(u8::is_ascii_digit).fold(0u128, |r, digit| {
                    let ten = (0..10).fold(0, |acc, _| add(acc, r));
                    add(ten, u128::from(digit - b'0') % m)
                });
                rem == 0
            }
        }
    }
}

impl fmt::Display for WideInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WideInt::Int(value) => write!(f, "{value}"),
            WideInt::Huge(text) => f.write_str(text),
        }
    }
}

impl crate::codec::read::sealed::Sealed for WideInt {
    fn from_digits(text: &str) -> Option<Self> {
        Some(WideInt::Huge(text.into()))
    }
}

/// Read as a wide integer, a value is never out of range: a bounded field reads its value so,
/// to compare it with its bounds before its type's range.
impl crate::codec::Integer for WideInt {
    const NAME: &'static str = "an integer";

    fn from_i128(value: i128) -> Option<Self> {
        Some(WideInt::Int(value))
    }
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Number for $t {
            #[allow(clippy::cast_lossless)]
            fn number(&self) -> Option<NumberValue> {
                Some(NumberValue::Int(match i128::try_from(*self) {
                    Ok(value) => WideInt::Int(value),
                    Err(_) => WideInt::Huge(self.to_string().into()),
                }))
            }
        }
    )*};
}
number!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

macro_rules! float {
    ($($t:ty),*) => {$(
        impl Number for $t {
            #[allow(clippy::cast_lossless)]
            fn number(&self) -> Option<NumberValue> {
                Some(NumberValue::Float(*self as f64))
            }
        }
    )*};
}
float!(f32, f64);

impl<T: Number> Number for Option<T> {
    fn number(&self) -> Option<NumberValue> {
        self.as_ref().and_then(Number::number)
    }
}

impl<T: Number + ?Sized> Number for Box<T> {
    fn number(&self) -> Option<NumberValue> {
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

/// A number bound as the model writes it: an integer literal exactly, a float literal as a
/// float (an integer field compares itself with an integer bound as an integer, a float field
/// with any bound as a float, as pydantic does).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// `le = 10`.
    Int(i128),
    /// `le = 2.5`.
    Float(f64),
}

impl Bound {
    /// The bound as an integer field holds it: an integer, or a float with a fraction (which
    /// pydantic refuses on an `int` field; it is compared exactly all the same).
    fn for_int(self) -> Self {
        match self {
            // Within 2^127, a float with no fraction is an integer.
            #[allow(clippy::cast_possible_truncation)]
            Bound::Float(x) if x.fract() == 0.0 && x.abs() < 1.7e38 => Bound::Int(x as i128),
            bound => bound,
        }
    }

    /// The bound as a float field holds it.
    #[allow(clippy::cast_precision_loss)]
    fn as_float(self) -> f64 {
        match self {
            Bound::Int(value) => value as f64,
            Bound::Float(value) => value,
        }
    }

    /// pydantic's text and `ctx` value of the bound: an integer's as an integer, a float's as
    /// a float (its message prints it as Rust does: `0`, `2.5`).
    fn shown(self) -> (String, serde_json::Value) {
        match self {
            Bound::Int(value) => {
                let ctx = serde_json::Number::from_i128(value).map_or_else(|| self.as_float().into(), Into::into);
                (value.to_string(), ctx)
            }
            Bound::Float(value) => (value.to_string(), value.into()),
        }
    }
}

/// A field's number constraints.
#[derive(Clone, Copy, Debug, Default)]
pub struct NumberBounds {
    /// `ge`.
    pub ge: Option<Bound>,
    /// `gt`.
    pub gt: Option<Bound>,
    /// `le`.
    pub le: Option<Bound>,
    /// `lt`.
    pub lt: Option<Bound>,
    /// `multiple_of`.
    pub multiple_of: Option<Bound>,
}

impl NumberBounds {
    /// No bound at all.
    pub const NONE: NumberBounds = NumberBounds { ge: None, gt: None, le: None, lt: None, multiple_of: None };

    /// Whether there is no bound.
    pub fn is_empty(&self) -> bool {
        self.ge.is_none() && self.gt.is_none() && self.le.is_none() && self.lt.is_none() && self.multiple_of.is_none()
    }
}

/// The number bounds of one value, as a type: what a bounded value is read with
/// ([`Decode::decode_within`](crate::codec::Decode::decode_within)).
pub trait NumberLimits {
    /// The bounds.
    const BOUNDS: NumberBounds;
}

/// A value read within the bounds `B`: an integer beyond its Rust type is refused with the
/// first bound it breaks, as pydantic names a field's own bound (its type's range only when it
/// breaks no bound of its own).
pub struct Within<T, B>(pub T, PhantomData<fn() -> B>);

impl<'de, T: Decode<'de>, B: NumberLimits> Decode<'de> for Within<T, B> {
    const MIN_LEN: usize = T::MIN_LEN;

    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        T::decode_within(reader, &B::BOUNDS).map(|value| Within(value, PhantomData))
    }

    fn missing() -> Result<Self, Error> {
        T::missing().map(|value| Within(value, PhantomData))
    }
}

/// Checks `value` against `bounds` in pydantic-core's order (`multiple_of`, `le`, `lt`, `ge`,
/// `gt`), reporting the first that fails, as pydantic does: integers compare as integers,
/// exactly, floats as pydantic compares floats.
#[inline]
pub fn check_number<T: Number + ?Sized>(value: &T, bounds: &NumberBounds) -> Result<(), Error> {
    match value.number() {
        None => Ok(()),
        Some(NumberValue::Int(value)) => check_int(&value, bounds, None),
        Some(NumberValue::Float(value)) => check_float(value, bounds),
    }
}

/// An integer read for a bounded field whose Rust type `ty` cannot hold it (its range `range`
/// where the field's schema writes it, as pydantic's `ge`/`le`, the field's own in their
/// place): the error of the first bound it breaks, else the type's range error.
#[cold]
pub(crate) fn beyond_range(
    value: &WideInt,
    bounds: &NumberBounds,
    range: Option<(i128, i128)>,
    ty: &'static str,
) -> Error {
    match check_int(value, bounds, range) {
        Err(error) => error,
        Ok(()) => Error::out_of_range(value, ty),
    }
}

/// [`check_number`] of an integer; `range` is its type's, standing for `ge` and `le` where the
/// field has none.
fn check_int(x: &WideInt, bounds: &NumberBounds, range: Option<(i128, i128)>) -> Result<(), Error> {
    let int = |bound: Option<Bound>| bound.map(Bound::for_int);
    if let Some(m) = int(bounds.multiple_of) {
        let multiple = match m {
            Bound::Int(0) => true,
            Bound::Int(m) => x.is_multiple_of(m),
            #[allow(clippy::cast_precision_loss)]
            Bound::Float(m) => float_is_multiple(
                match x {
                    WideInt::Int(value) => *value as f64,
                    WideInt::Huge(text) => text.parse().unwrap_or(f64::NAN),
                },
                m,
            ),
        };
        if !multiple {
            return Err(multiple_of_error(m));
        }
    }
    let breaks = |bound: Option<Bound>, holds: &[Ordering]| {
        bound.filter(|bound| {
            let order = match *bound {
                Bound::Int(b) => Some(x.cmp_int(b)),
                Bound::Float(b) => x.cmp_float(b),
            };
            !order.is_some_and(|order| holds.contains(&order))
        })
    };
    let (min, max) = range.map_or((None, None), |(min, max)| (Some(Bound::Int(min)), Some(Bound::Int(max))));
    broken(
        breaks(int(bounds.le).or(max), &[Less, Equal]),
        breaks(int(bounds.lt), &[Less]),
        breaks(int(bounds.ge).or(min), &[Greater, Equal]),
        breaks(int(bounds.gt), &[Greater]),
    )
}

/// [`check_number`] of a float, as pydantic-core checks one.
fn check_float(x: f64, bounds: &NumberBounds) -> Result<(), Error> {
    let float = |bound: Option<Bound>| bound.map(|b| Bound::Float(b.as_float()));
    if let Some(m) = float(bounds.multiple_of)
        && !float_is_multiple(x, m.as_float())
    {
        return Err(multiple_of_error(m));
    }
    // A NaN compares as nothing, so it breaks every bound.
    let breaks = |bound: Option<Bound>, holds: &[Ordering]| {
        bound.filter(|b| !x.partial_cmp(&b.as_float()).is_some_and(|order| holds.contains(&order)))
    };
    broken(
        breaks(float(bounds.le), &[Less, Equal]),
        breaks(float(bounds.lt), &[Less]),
        breaks(float(bounds.ge), &[Greater, Equal]),
        breaks(float(bounds.gt), &[Greater]),
    )
}

/// pydantic-core's float test: a remainder within a billionth of the value counts as none.
fn float_is_multiple(x: f64, m: f64) -> bool {
    let rem = x % m;
    let threshold = x.abs() / 1e9;
    !(rem.abs() > threshold && (rem - m).abs() > threshold)
}

#[cold]
fn multiple_of_error(m: Bound) -> Error {
    let (text, ctx) = m.shown();
    constraint("multiple_of", format!("Input should be a multiple of {text}"), json!({ "multiple_of": ctx }))
}

/// The error of the first broken bound, in pydantic's order (`le`, `lt`, `ge`, `gt`).
fn broken(le: Option<Bound>, lt: Option<Bound>, ge: Option<Bound>, gt: Option<Bound>) -> Result<(), Error> {
    if let Some((text, ctx)) = le.map(Bound::shown) {
        return Err(constraint(
            "less_than_equal",
            format!("Input should be less than or equal to {text}"),
            json!({ "le": ctx }),
        ));
    }
    if let Some((text, ctx)) = lt.map(Bound::shown) {
        return Err(constraint("less_than", format!("Input should be less than {text}"), json!({ "lt": ctx })));
    }
    if let Some((text, ctx)) = ge.map(Bound::shown) {
        return Err(constraint(
            "greater_than_equal",
            format!("Input should be greater than or equal to {text}"),
            json!({ "ge": ctx }),
        ));
    }
    if let Some((text, ctx)) = gt.map(Bound::shown) {
        return Err(constraint("greater_than", format!("Input should be greater than {text}"), json!({ "gt": ctx })));
    }
    Ok(())
}

fn plural<N: fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let unit = if n == N::from(1) { one } else { many };
    format!("{n} {unit}")
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
            LengthKind::Bytes => constraint(
                "bytes_too_short",
                format!("Data should have at least {}", plural(min, "byte", "bytes")),
                json!({ "min_length": min }),
            ),
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
        LengthKind::Bytes => constraint(
            "bytes_too_long",
            format!("Data should have at most {}", plural(max, "byte", "bytes")),
            json!({ "max_length": max }),
        ),
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
        Some(text) if !regex.is_match(text) => Err(constraint(
            "string_pattern_mismatch",
            format!("String should match pattern '{}'", regex.as_str()),
            json!({ "pattern": regex.as_str() }),
        )),
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

/// A value `max_digits` and `decimal_places` apply to: a [`Decimal`](crate::Decimal).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is no decimal, so `max_digits` and `decimal_places` do not apply to it",
    label = "a digits constraint on a field that is not a `Decimal`",
    note = "pydantic's `max_digits`/`decimal_places` apply to `Decimal` fields: use `chainmodel::Decimal`"
)]
pub trait Digits {
    /// The decimal, `None` for an absent `Option`.
    fn decimal(&self) -> Option<&crate::Decimal>;
}

impl Digits for crate::Decimal {
    fn decimal(&self) -> Option<&crate::Decimal> {
        Some(self)
    }
}

impl<T: Digits> Digits for Option<T> {
    fn decimal(&self) -> Option<&crate::Decimal> {
        self.as_ref().and_then(Digits::decimal)
    }
}

/// Checks a decimal's digits as pydantic does: `max_digits` (all digits), `decimal_places`,
/// then with both the digits before the point; a limit is broken only when the decimal breaks
/// it both as given and with its trailing zeros stripped (`1.200` has 1 decimal place).
pub fn check_digits<T: Digits + ?Sized>(
    value: &T,
    max_digits: Option<u64>,
    decimal_places: Option<u64>,
) -> Result<(), Error> {
    let Some(decimal) = value.decimal() else { return Ok(()) };
    let ((places, digits), (normalized_places, normalized_digits)) = decimal.digit_counts();
    if let Some(max) = max_digits
        && digits > max
        && normalized_digits > max
    {
        return Err(constraint(
            "decimal_max_digits",
            format!("Decimal input should have no more than {} in total", plural(max, "digit", "digits")),
            json!({ "max_digits": max }),
        ));
    }
    if let Some(max) = decimal_places {
        if places > max && normalized_places > max {
            return Err(constraint(
                "decimal_max_places",
                format!("Decimal input should have no more than {}", plural(max, "decimal place", "decimal places")),
                json!({ "decimal_places": max }),
            ));
        }
        if let Some(max_digits) = max_digits {
            let whole = max_digits.saturating_sub(max);
            if digits - places > whole && normalized_digits - normalized_places > whole {
                return Err(constraint(
                    "decimal_whole_digits",
                    format!(
                        "Decimal input should have no more than {} before the decimal point",
                        plural(whole, "digit", "digits")
                    ),
                    json!({ "whole_digits": whole }),
                ));
            }
        }
    }
    Ok(())
}
