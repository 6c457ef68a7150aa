//! The choices among values: `Literal`s, `IntEnum`s and discriminated unions, read as
//! pydantic reads them. The derive generates the matching; the reading is written here once.

use std::borrow::Cow;

use super::{Kind, MapAccess, Reader, Validation};
use crate::error::Error;

/// A string `Literal`'s input: only a string (pydantic compares Python inputs exactly, so
/// binary mode's bytes are refused); `None` for any other kind.
pub fn read_literal_str<'de, R: Reader<'de>>(reader: &mut R) -> Result<Option<Cow<'de, str>>, Error> {
    match reader.peek()? {
        Kind::Str => reader.read_str().map(Some),
        _ => Ok(None),
    }
}

/// A string `Enum`'s input: a string, or in binary mode bytes read as their text (pydantic's
/// lax enum reads the bytes truss's deserializer hands it); `None` for any other kind.
pub fn read_enum_str<'de, R: Reader<'de>>(reader: &mut R) -> Result<Option<Cow<'de, str>>, Error> {
    match reader.peek()? {
        Kind::Str => reader.read_str().map(Some),
        Kind::Bytes if R::BINARY => match reader.read_str() {
            Ok(text) => Ok(Some(text)),
            Err(error) if error.is_fatal() => Err(error),
            Err(_) => Ok(None),
        },
        _ => Ok(None),
    }
}

/// An integer choice's input: `Literal[1, 2]` reads a number or a boolean that is an integer
/// (`true`, `1.0`); an `IntEnum` (`lax`) reads what an `int` field reads (`"2"`, `2.0`,
/// binary mode's `b"2"`). `None` for anything else.
pub fn read_choice_int<'de, R: Reader<'de>>(reader: &mut R, lax: bool) -> Result<Option<i64>, Error> {
    let readable = match reader.peek()? {
        Kind::Number | Kind::Bool => true,
        Kind::Str | Kind::Bytes => lax,
        _ => false,
    };
    if !readable {
        return Ok(None);
    }
    Ok(reader.read_int::<i64>().ok())
}

/// A discriminated union's tag: the string under `key` in the map that comes next, found by
/// looking ahead (the map is scanned, not buffered, and the reader does not move); a
/// non-string tag is its text, which no member's tag matches.
///
/// Errors: pydantic's `union_tag_not_found` when the map has no such key, and a type error
/// when the value is no map.
pub fn read_tag<'de, R: Reader<'de>>(reader: &R, key: &'static str) -> Result<Cow<'de, str>, Error> {
    let Some(mut ahead) = reader.lookahead() else {
        return Err(Error::invalid_value("this reader cannot look ahead for a discriminated union's tag"));
    };
    let found = ahead
        .read_map(|map| {
            while let Some(name) = map.next_field()? {
                if *name == *key.as_bytes() {
                    return map.next_value::<TagText<'de>>().map(|tag| Some(tag.0));
                }
                map.skip_value()?;
            }
            Ok(None)
        })
        // pydantic's words for a value that is no dict: JSON's `dict_type`, and in python mode
        // (a Python object) `model_attributes_type`.
        .map_err(|error| {
            if !reader.python_mode() {
                return error;
            }
            let message = "Input should be a valid dictionary or object to extract fields from";
            error.retyped("dict_type", "model_attributes_type", Some(message.into()), None)
        })?;
    found.ok_or_else(|| {
        Error::validation(
            "union_tag_not_found",
            format!("Unable to extract tag using discriminator '{key}'"),
            Some(serde_json::json!({ "discriminator": format!("'{key}'") })),
        )
    })
}

/// A tag's text, as pydantic writes it (Python's `str()` of the value): a string as it is,
/// anything else as its Python repr (`1e+20`, `-0.0`, `True`, `None`, bytes as `b'text'`, which
/// no member's tag matches, a list or dict with its items' reprs).
struct TagText<'de>(Cow<'de, str>);

impl<'de> super::Decode<'de> for TagText<'de> {
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        Ok(TagText(match reader.peek()? {
            Kind::Str => reader.read_str()?,
            _ => Cow::Owned(format!("{:?}", <crate::Value as super::Decode<'de>>::decode(reader)?)),
        }))
    }
}

/// pydantic's `union_tag_invalid`.
#[cold]
pub fn union_tag_invalid(tag: &str, key: &str, expected: &str) -> Error {
    Error::validation(
        "union_tag_invalid",
        format!("Input tag '{tag}' found using '{key}' does not match any of the expected tags: {expected}"),
        Some(serde_json::json!({ "discriminator": format!("'{key}'"), "tag": tag, "expected_tags": expected })),
    )
}

/// A value that is none of a choice's (`expected` in pydantic's words: `'a' or 'b'`, `1 or 2`):
/// pydantic's `literal_error` for a `Literal`, `enum` for an `Enum` or `IntEnum`.
#[cold]
pub fn unknown_choice(expected: &str, literal: bool) -> Error {
    if literal { Error::literal_error(expected) } else { Error::unknown_variant(expected) }
}

/// A member of a plain union: its name in errors, and its decoder (the variant's).
pub type UnionMember<'de, R, T> = (fn() -> std::borrow::Cow<'static, str>, fn(&mut R) -> Result<T, Error>);

/// A plain union read in pydantic's smart mode: each member is tried in strict mode, and the
/// member that is no model and matches exactly wins at once; otherwise, as pydantic-core's
/// smart mode chooses, the member model with the most fields set in the input, then the most
/// exact match (exact, then strict: an integer read as a float, then lax: a member tried in lax
/// mode after it failed in strict mode, unless the reader is strict itself), then the first. Each try reads a copy of the reader (nothing is buffered),
/// and the winner's copy takes the reader's place. When no member accepts the value, the
/// error holds every member's error, as pydantic lists them.
pub fn decode_union<'de, R: Reader<'de>, T>(reader: &mut R, members: &[UnionMember<'de, R, T>]) -> Result<T, Error> {
    let outer = reader.validation();
    // (value, the reader after it, exactness: 2 exact, 1 strict, 0 lax, fields set)
    let mut best: Option<(T, R, u8, Option<usize>)> = None;
    let mut errors = Vec::new();
    for (name, decode) in members {
        let mut trial = lookahead(reader)?;
        trial.set_validation(Validation { strict: true, inexact: false, fields_set: None, tracking: true });
        let outcome = match decode(&mut trial) {
            Ok(value) => {
                let seen = trial.validation();
                Some((value, trial, if seen.inexact { 1 } else { 2 }, seen.fields_set))
            }
            Err(error) if outer.strict => {
                errors.push(error.at_field(name()));
                None
            }
            Err(_) => {
                let mut trial = lookahead(reader)?;
                trial.set_validation(Validation { strict: false, inexact: false, fields_set: None, tracking: true });
                match decode(&mut trial) {
                    Ok(value) => {
                        let fields_set = trial.validation().fields_set;
                        Some((value, trial, 0, fields_set))
                    }
                    Err(error) => {
                        errors.push(error.at_field(name()));
                        None
                    }
                }
            }
        };
        let Some((value, trial, exactness, fields_set)) = outcome else { continue };
        // pydantic-core's smart mode: an exact match that is no model wins at once; otherwise
        // the model with the most fields set, then the most exact, then the first.
        if exactness == 2 && fields_set.is_none() {
            best = Some((value, trial, exactness, fields_set));
            break;
        }
        let better = best.as_ref().is_none_or(|(_, _, best_exactness, best_fields)| match (best_fields, fields_set) {
            (Some(best_count), Some(count)) if *best_count != count => *best_count < count,
            _ => *best_exactness < exactness,
        });
        if better {
            best = Some((value, trial, exactness, fields_set));
        }
    }
    match best {
        Some((value, mut trial, exactness, fields_set)) => {
            trial.set_validation(Validation {
                strict: outer.strict,
                inexact: outer.inexact || exactness < 2,
                fields_set: fields_set.or(outer.fields_set),
                tracking: outer.tracking,
            });
            *reader = trial;
            Ok(value)
        }
        None => Err(Error::no_union_member(errors)),
    }
}

fn lookahead<'de, R: Reader<'de>>(reader: &R) -> Result<R, Error> {
    reader.lookahead().ok_or_else(|| Error::invalid_value("this reader cannot look ahead to try a union's members"))
}
