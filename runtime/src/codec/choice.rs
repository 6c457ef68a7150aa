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
    let found = ahead.read_map(|map| {
        while let Some(name) = map.next_field()? {
            if *name == *key.as_bytes() {
                return map.next_value::<TagText<'de>>().map(|tag| Some(tag.0));
            }
            map.skip_value()?;
        }
        Ok(None)
    })?;
    found.ok_or_else(|| Error::invalid_value(format!("unable to extract tag using discriminator '{key}'")))
}

/// A tag's text: a string as it is, anything else as its JSON-like text.
struct TagText<'de>(Cow<'de, str>);

impl<'de> super::Decode<'de> for TagText<'de> {
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        Ok(TagText(match reader.peek()? {
            Kind::Str => reader.read_str()?,
            Kind::Number => Cow::Owned(match reader.read_number()? {
                super::Number::Int(i) => i.to_string(),
                super::Number::Float(f) => f.to_string(),
            }),
            Kind::Bool => Cow::Borrowed(if reader.read_bool()? { "True" } else { "False" }),
            Kind::Null => {
                reader.read_null()?;
                Cow::Borrowed("None")
            }
            _ => {
                reader.skip()?;
                Cow::Borrowed("...")
            }
        }))
    }
}

/// pydantic's `union_tag_invalid`.
#[cold]
pub fn union_tag_invalid(tag: &str, key: &str, expected: &str) -> Error {
    Error::invalid_value(format!(
        "input tag '{tag}' found using '{key}' does not match any of the expected tags: {expected}"
    ))
}

/// A value that is none of an integer choice's (`found` when it was an integer).
#[cold]
pub fn unknown_int_value(found: Option<i64>, expected: &str) -> Error {
    match found {
        Some(value) => Error::invalid_value(format!("expected {expected}, got {value}")),
        None => Error::invalid_value(format!("expected {expected}")),
    }
}

/// A value that is none of a string choice's (`found` when it was a string).
#[cold]
pub fn unknown_str_value(found: Option<&str>, expected: &str) -> Error {
    match found {
        Some(value) => Error::unknown_variant(value, expected),
        None => Error::invalid_value(format!("expected {expected}")),
    }
}

/// A member of a plain union: its name in errors, and its decoder (the variant's).
pub type UnionMember<'de, R, T> = (&'static str, fn(&mut R) -> Result<T, Error>);

/// A plain union read in pydantic's smart mode: each member is tried in strict mode, and the
/// first exact match wins, else the first strict match (an integer read as a float is strict,
/// not exact); then, unless the reader is strict itself, each member in lax mode, and the
/// first to accept the value wins. Each try reads a copy of the reader (nothing is buffered),
/// and the winner's copy takes the reader's place. When no member accepts the value, the
/// error holds every member's error, as pydantic lists them.
pub fn decode_union<'de, R: Reader<'de>, T>(reader: &mut R, members: &[UnionMember<'de, R, T>]) -> Result<T, Error> {
    let outer = reader.validation();
    let mut best = None;
    let mut errors = Vec::new();
    for (name, decode) in members {
        let mut trial = lookahead(reader)?;
        trial.set_validation(Validation { strict: true, inexact: false });
        match decode(&mut trial) {
            Ok(value) => {
                let exact = !trial.validation().inexact;
                trial.set_validation(Validation { strict: outer.strict, inexact: outer.inexact || !exact });
                if exact {
                    *reader = trial;
                    return Ok(value);
                }
                best.get_or_insert((value, trial));
            }
            Err(error) if outer.strict => errors.push(error.at_field(*name)),
            Err(_) => {}
        }
    }
    if let Some((value, trial)) = best {
        *reader = trial;
        return Ok(value);
    }
    if !outer.strict {
        for (name, decode) in members {
            let mut trial = lookahead(reader)?;
            match decode(&mut trial) {
                Ok(value) => {
                    trial.set_validation(Validation { strict: false, inexact: true });
                    *reader = trial;
                    return Ok(value);
                }
                Err(error) => errors.push(error.at_field(*name)),
            }
        }
    }
    Err(Error::no_union_member(errors))
}

fn lookahead<'de, R: Reader<'de>>(reader: &R) -> Result<R, Error> {
    reader.lookahead().ok_or_else(|| Error::invalid_value("this reader cannot look ahead to try a union's members"))
}
