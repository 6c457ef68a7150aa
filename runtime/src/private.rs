//! What the code `#[derive(ChainModel)]` generates reaches: it names the runtime only as
//! `chainmodel::__private::..`, as serde_derive's code names serde only as
//! `serde::__private::..`, so the public modules (`codec`, `json`, `msgpack`, `schema`,
//! `value`) hold what users call, and these helpers can change with the derive. `value!` and
//! the chainmodel crate's server and client use a few items here too. Not public API.

pub use regex::Regex;
pub use serde_json::Value;

pub use crate::Value as RawValue;

pub use crate::codec::checked::{
    Before, BeforeHook, Bounded, Checked, Collection, DecodeChecked, ItemCheck, LiteralDefault, Transform, Transformed,
    key_text, model_errors, model_type_error, refuse_extra, refuse_extra_at, run_transform, run_validator,
};
pub use crate::codec::choice::{
    UnionMember, decode_member, decode_union, python_choices, python_reprs, read_choice_int, read_enum_str,
    read_literal_str, read_tag, read_tag_by, union_tag_invalid, union_tag_invalid_by, unknown_choice,
};
pub use crate::codec::{Decode, Encode, ExtraFields, FieldKey, MapAccess, Reader, Writer};
pub use crate::constraint::{
    Bound, Digits as ConstrainedDigits, Length as ConstrainedLength, Number as ConstrainedNumber, NumberBounds,
    NumberLimits, Text as ConstrainedText, Within, check_digits, check_length, check_number, check_pattern,
    length_keys,
};
pub use crate::error::{Error, Errors};
pub use crate::json::unchecked::{from_slice_unchecked_with, from_truss_body_unchecked, to_string_unchecked};
pub use crate::json::{JsonForm, S, Z};
pub use crate::model::ChainModel;
pub use crate::schema::derive::{
    FieldInfo, SchemaDefault, callable_union_schema, constrained, defs_key, enum_schema, field_schema, generic_title,
    int_enum_schema, literal_schema, object_schema, root_schema, tagged_union_schema, union_schema,
};
pub use crate::schema::{JsonSchema, ModelSchema, SchemaGenerator};
pub use crate::value::literal::literal_dict;

/// Implemented by the derive for models with fields: what a tagged union's member must be.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model, so it cannot be a member of a discriminated union",
    label = "a `#[chain(tag = ..)]` variant holds a `#[derive(ChainModel)]` struct",
    note = "each member is a model declaring the tag field as a `#[chain(literal)]` enum of the variant's value"
)]
pub trait TaggedMember {
    /// The model's keys on the wire.
    const KEYS: &'static [&'static str];
}

/// Fails to compile, at the variant, unless `T` is a model with fields.
pub const fn assert_tagged_member<T: TaggedMember + ?Sized>() {}

/// Whether `keys` holds `key` (in a constant: the derive checks that each member of a
/// tagged union has the tag field).
pub const fn has_key(keys: &[&str], key: &str) -> bool {
    let mut i = 0;
    while i < keys.len() {
        let (a, b) = (keys[i].as_bytes(), key.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// The error for a missing `#[chain(required)]` field.
#[cold]
pub fn missing_field() -> Error {
    Error::missing_field()
}
