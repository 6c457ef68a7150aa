//! Which types have a JSON form: every type but binary data (`Bytes`, `&[u8]`), and the
//! containers and models that hold none, checked where JSON is asked for.
//!
//! The check is a trait the derive implements for each model from its fields' types. A
//! model may hold itself (`children: Vec<Self>`, through a type alias too) or a model that
//! holds it, as pydantic models do; a bound that asks the compiler to prove a model's trait
//! from the same trait of its fields would then never end. So the trait carries a nesting
//! level that each model lowers by one: the check looks [`CHECKED_LEVELS`] models deep, and
//! accepts what lies deeper (where a binary field, should one hide there, is written as
//! pydantic writes bytes in JSON: its UTF-8 text).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

use crate::array::{AnyArray, ArrayBase, Storage};

/// How many models deep [`JsonForm`] looks for binary data.
pub const CHECKED_LEVELS: usize = 16;

/// One more level of the [`JsonForm`] check (a Peano numeral: `S<S<Z>>` is two).
pub struct S<N>(PhantomData<N>);

/// No level left: [`JsonForm`] holds for every type, binary ones included.
pub struct Z;

/// The level `to_json`, `from_json` and the `json` functions ask for: [`CHECKED_LEVELS`].
pub type Checked = S<S<S<S<S<S<S<S<S<S<S<S<S<S<S<S<Z>>>>>>>>>>>>>>>>;

/// A type whose values have a JSON form: what `to_json`, `from_json` and the `json`
/// functions ask of their type, so that asking for the JSON of a binary-only model is an
/// error at compile time naming the binary field's type. `N` is the nesting level left to
/// check: a model has the form at level `S<N>` when each field's type has it at level `N`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no JSON form",
    label = "a binary-only model has no JSON form",
    note = "binary fields (`Bytes`, `&[u8]`) travel only in binary mode: a model holding one is binary-only, so use `to_msgpack()` / `from_msgpack()` or `chainmodel::msgpack::{{to_vec, from_slice}}`"
)]
pub trait JsonForm<N> {}

// Binary data passes only where the check has run out of levels.
impl JsonForm<Z> for crate::Bytes {}
impl JsonForm<Z> for [u8] {}

macro_rules! leaves {
    ($($ty:ty),* $(,)?) => {$(
        impl<N> JsonForm<N> for $ty {}
    )*};
}
leaves!(bool, u8, i8, u16, i16, u32, i32, u64, i64, i128, u128, usize, isize, f32, f64, str, String, AnyArray);
leaves!(crate::BigInt);
leaves!(serde_json::Value, crate::Value, crate::Decimal, ());
#[cfg(feature = "chrono")]
leaves!(
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::FixedOffset>,
    chrono::NaiveDateTime,
    crate::AnyDateTime,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::TimeDelta,
);
#[cfg(feature = "uuid")]
leaves!(uuid::Uuid);
#[cfg(feature = "decimal")]
leaves!(rust_decimal::Decimal);

impl<N> JsonForm<N> for Cow<'_, str> {}
impl<N, S: Storage> JsonForm<N> for ArrayBase<S> {}
impl<N, T: JsonForm<N> + ?Sized> JsonForm<N> for &T {}
impl<N, T: JsonForm<N> + ?Sized> JsonForm<N> for Box<T> {}
impl<N, T: JsonForm<N>> JsonForm<N> for Option<T> {}
impl<N, T: JsonForm<N>> JsonForm<N> for Vec<T> {}
impl<N, K: crate::codec::MapKey, V: JsonForm<N>, H> JsonForm<N> for HashMap<K, V, H> {}
impl<N, K: crate::codec::MapKey, V: JsonForm<N>> JsonForm<N> for BTreeMap<K, V> {}
#[cfg(feature = "indexmap")]
impl<N, K: crate::codec::MapKey, V: JsonForm<N>, H> JsonForm<N> for indexmap::IndexMap<K, V, H> {}
impl<N> JsonForm<N> for serde_json::Map<String, serde_json::Value> {}
impl<N, T: JsonForm<N>, H> JsonForm<N> for std::collections::HashSet<T, H> {}
impl<N, T: JsonForm<N>> JsonForm<N> for std::collections::BTreeSet<T> {}
#[cfg(feature = "indexmap")]
impl<N, T: JsonForm<N>, H> JsonForm<N> for indexmap::IndexSet<T, H> {}

macro_rules! tuples {
    ($(($($name:ident),+))*) => {$(
        impl<N, $($name: JsonForm<N>),+> JsonForm<N> for ($($name,)+) {}
    )*};
}
tuples!((A)(A, B)(A, B, C)(A, B, C, D)(A, B, C, D, E)(A, B, C, D, E, F));
