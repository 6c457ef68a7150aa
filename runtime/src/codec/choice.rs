//! The choices among values: `Literal`s, `IntEnum`s and discriminated unions, read as
//! pydantic reads them. The derive generates the matching; the reading is written here once.

use std::borrow::Cow;

use super::{Exactness, Kind, MapAccess, Reader, Validation};
use crate::error::Error;

/// A string `Literal`'s input: only a string (pydantic compares Python inputs exactly, so
/// binary mode's bytes are refused); `None` for any other kind. A literal that matches is an
/// exact match for a union, whatever the mode.
pub fn read_literal_str<'de, R: Reader<'de>>(reader: &mut R) -> Result<Option<Cow<'de, str>>, Error> {
    match reader.peek()? {
        Kind::Str => exactly(reader, |reader| reader.read_str().map(Some)),
        _ => Ok(None),
    }
}

/// Reads with `read`, leaving the reader's exactness as it was: for values pydantic matches
/// exactly whatever the input's own exactness (a `Literal`, a UUID from a JSON string).
pub(crate) fn exactly<'de, R: Reader<'de>, V>(
    reader: &mut R,
    read: impl FnOnce(&mut R) -> Result<V, Error>,
) -> Result<V, Error> {
    let before = reader.validation();
    let value = read(reader);
    let after = reader.validation();
    reader.set_validation(super::Validation { exactness: before.exactness, ..after });
    value
}

/// A string `Enum`'s input: a string, or in binary mode bytes read as their text (pydantic's
/// lax enum reads the bytes truss's deserializer hands it); `None` for any other kind.
pub fn read_enum_str<'de, R: Reader<'de>>(reader: &mut R) -> Result<Option<Cow<'de, str>>, Error> {
    // pydantic's enum from anything but a member (and a member never comes over the wire) is
    // a lax match.
    reader.floor_exactness(Exactness::Lax);
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
    if lax {
        // An `IntEnum`, as an enum: a lax match.
        reader.floor_exactness(Exactness::Lax);
        return Ok(reader.read_int::<i64>().ok());
    }
    // A `Literal` that matches is an exact match.
    exactly(reader, |reader| Ok(reader.read_int::<i64>().ok()))
}

/// A discriminated union's tag: the string under `key` in the map that comes next, found by
/// looking ahead (the map is scanned, not buffered, and the reader does not move); a
/// non-string tag is its text, which no member's tag matches.
///
/// Errors: pydantic's `union_tag_not_found` when the map has no such key, and a type error
/// when the value is no map.
pub fn read_tag<'de, R: Reader<'de>>(reader: &R, key: &'static str) -> Result<Cow<'de, str>, Error> {
    let mut ahead = lookahead_for_tag(reader)?;
    let found: Option<TagText<'de>> = find_tag(reader, &mut ahead, key)?;
    found.map(|tag| tag.0).ok_or_else(|| tag_not_found(&format!("'{key}'")))
}

/// A copy of `reader` to find a tag in the map that comes next.
fn lookahead_for_tag<'de, R: Reader<'de>>(reader: &R) -> Result<R, Error> {
    reader
        .lookahead()
        .ok_or_else(|| Error::invalid_value("this reader cannot look ahead for a discriminated union's tag"))
}

/// The value of `key` in the map `ahead` holds next, read as a `T`, or `None` when the map has
/// no such key; pydantic's words for a value that is no dict: JSON's `dict_type`, and in python
/// mode (a Python object) `model_attributes_type`.
fn find_tag<'de, R: Reader<'de>, T: super::Decode<'de>>(
    reader: &R,
    ahead: &mut R,
    key: &'static str,
) -> Result<Option<T>, Error> {
    ahead
        .read_map(|map| {
            while let Some(name) = map.next_field()? {
                if *name == *key.as_bytes() {
                    return map.next_value::<T>().map(Some);
                }
                map.skip_value()?;
            }
            Ok(None)
        })
        .map_err(|error| {
            if !reader.python_mode() {
                return error;
            }
            let message = "Input should be a valid dictionary or object to extract fields from";
            error.retyped("dict_type", "model_attributes_type", Some(message.into()), None)
        })
}

/// pydantic's `union_tag_not_found`, the discriminator named as its errors name it (`'type'`
/// for a field, `get_version()` for a function).
#[cold]
fn tag_not_found(discriminator: &str) -> Error {
    Error::validation(
        "union_tag_not_found",
        format!("Unable to extract tag using discriminator {discriminator}"),
        Some(serde_json::json!({ "discriminator": discriminator })),
    )
}

/// The tag of a discriminated union whose discriminator is a function (pydantic's
/// `Discriminator(fn)`) that reads field `key` of a dict, as TensorRT-LLM's configs write it:
/// `default` when the key is absent or the value is no dict (the function's fallback), the
/// key's value otherwise (its text, as [`read_tag`]); `null` is no tag. Errors name the
/// function (`function` is its text, `get_version()`), as pydantic's do.
pub fn read_tag_by<'de, R: Reader<'de>>(
    reader: &R,
    key: &'static str,
    function: &str,
    default: Option<&'static str>,
) -> Result<Cow<'de, str>, Error> {
    let mut ahead = lookahead_for_tag(reader)?;
    if let Some(default) = default
        && ahead.peek()? != Kind::Map
    {
        return Ok(Cow::Borrowed(default));
    }
    // `null` is no tag: read as `None`.
    let found: Option<Option<TagText<'de>>> = find_tag(reader, &mut ahead, key)?;
    match (found, default) {
        (Some(Some(tag)), _) => Ok(tag.0),
        (None, Some(default)) => Ok(Cow::Borrowed(default)),
        _ => Err(tag_not_found(function)),
    }
}

/// A discriminated union's member read with `decode`, an error about the value itself keeping
/// the value as its input (a function discriminator's default member given no dict).
#[inline]
pub fn decode_member<'de, R: Reader<'de>, T>(
    reader: &mut R,
    decode: impl FnOnce(&mut R) -> Result<T, Error>,
) -> Result<T, Error> {
    super::read::try_decode(reader, false, decode, |_| Ok(()))
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
    union_tag_invalid_by(tag, &format!("'{key}'"), expected)
}

/// pydantic's `union_tag_invalid`, the discriminator named as its errors name it (`'type'`
/// for a field, `get_version()` for a function).
#[cold]
pub fn union_tag_invalid_by(tag: &str, discriminator: &str, expected: &str) -> Error {
    Error::validation(
        "union_tag_invalid",
        format!("Input tag '{tag}' found using {discriminator} does not match any of the expected tags: {expected}"),
        Some(serde_json::json!({ "discriminator": discriminator, "tag": tag, "expected_tags": expected })),
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

/// The best member so far: its index, its value and reader when decoded in this visit (`None`
/// when its outcome was known), its exactness and fields set.
type Best<T, R> = (usize, Option<(T, R)>, Exactness, Option<usize>);

/// A plain union read in pydantic-core's smart mode: each member is tried once, in the
/// reader's mode (strict only when the field or model is), measuring how exactly it
/// matched ([`Exactness`]) and how many fields its models found in the input. A member that
/// matches exactly and is no model wins at once; otherwise the member with the most fields
/// set wins when both have a count and the counts differ, else the most exact, else the
/// first. The winner's exactness lowers the outer value's and its count adds to the outer
/// count, as pydantic-core's `validate_smart` does. When no member accepts the value, the
/// error holds every member's error, as pydantic lists them.
///
/// Each try reads a copy of the reader (nothing is buffered), and the winner's copy takes
/// the reader's place. The outcome of each member at each place of the input is kept in
/// the reader's [`UnionMemo`](super::UnionMemo): a nested union revisited by another member
/// of an outer union is not decoded again member by member, only its winner is read
/// again, so a union of recursive models costs a constant factor per level, not a factor
/// per member per level (pydantic's own cost doubles with every level).
pub fn decode_union<'de, R: Reader<'de>, T>(reader: &mut R, members: &[UnionMember<'de, R, T>]) -> Result<T, Error> {
    let outer = reader.validation();
    // At the value itself (past JSON's whitespace), so that every visit has the same place.
    reader.peek()?;
    let memo = reader.union_memo();
    let trial_mode = Validation { strict: outer.strict, exactness: Some(Exactness::Exact), fields_set: None };
    let mut best: Option<Best<T, R>> = None;
    let mut errors = Vec::new();
    for (index, (name, decode)) in members.iter().enumerate() {
        let key = memo.as_ref().map(|(_, place)| (*place, *decode as usize, outer.strict));
        let known = match (&memo, key) {
            (Some((memo, _)), Some(key)) => memo.get(key),
            _ => None,
        };
        let (exactness, fields_set, decoded) = match known {
            Some(Ok((exactness, fields_set))) => (exactness, fields_set, None),
            Some(Err(error)) => {
                if best.is_none() {
                    errors.push(error.at_field(name()));
                }
                continue;
            }
            None => {
                let mut trial = lookahead(reader)?;
                trial.set_validation(trial_mode);
                let outcome = decode(&mut trial);
                if matches!(&outcome, Err(error) if error.is_fatal()) {
                    return outcome;
                }
                let seen = trial.validation();
                let exactness = seen.exactness.unwrap_or(Exactness::Lax);
                if let (Some((memo, _)), Some(key)) = (&memo, key) {
                    memo.insert(
                        key,
                        match &outcome {
                            Ok(_) => Ok((exactness, seen.fields_set)),
                            Err(error) => Err(error.clone()),
                        },
                    );
                }
                match outcome {
                    Ok(value) => (exactness, seen.fields_set, Some((value, trial))),
                    Err(error) => {
                        if best.is_none() {
                            errors.push(error.at_field(name()));
                        }
                        continue;
                    }
                }
            }
        };
        // pydantic-core's smart mode: an exact match that is no model wins at once; otherwise
        // the most fields set (when both have a count and they differ), then the most exact,
        // then the first.
        if exactness == Exactness::Exact && fields_set.is_none() {
            best = Some((index, decoded, exactness, fields_set));
            break;
        }
        let better = best.as_ref().is_none_or(|(_, _, best_exactness, best_fields)| match (best_fields, fields_set) {
            (Some(best_count), Some(count)) if *best_count != count => *best_count < count,
            _ => *best_exactness < exactness,
        });
        if better {
            best = Some((index, decoded, exactness, fields_set));
        }
    }
    let Some((index, decoded, exactness, fields_set)) = best else {
        return Err(Error::no_union_member(errors));
    };
    let (value, mut trial) = match decoded {
        Some(decoded) => decoded,
        // Known from an earlier visit: read the winner again (its own nested unions are known
        // too, so this is one pass over the value).
        None => {
            let mut trial = lookahead(reader)?;
            trial.set_validation(trial_mode);
            ((members[index].1)(&mut trial)?, trial)
        }
    };
    trial.set_validation(Validation {
        strict: outer.strict,
        exactness: outer.exactness.map(|outer| outer.min(exactness)),
        fields_set: match (outer.exactness, fields_set) {
            (None, _) => None,
            (Some(_), None) => outer.fields_set,
            (Some(_), Some(count)) => Some(outer.fields_set.unwrap_or(0) + count),
        },
    });
    *reader = trial;
    Ok(value)
}
fn lookahead<'de, R: Reader<'de>>(reader: &R) -> Result<R, Error> {
    reader.lookahead().ok_or_else(|| Error::invalid_value("this reader cannot look ahead to try a union's members"))
}

/// Python's repr of each value (a `Literal`'s label, `literal['none','auto']`).
#[cold]
pub fn python_reprs(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| crate::value::python_repr(value)).collect()
}

/// pydantic's words for a choice's string values: each as Python's repr, `, `-separated, the
/// last after `last` (`'a', 'b' or 'c'` for an enum's or a `Literal`'s, `'a', 'b'` for a
/// discriminated union's tags).
#[cold]
pub fn python_choices(values: &[&str], last: &str) -> String {
    let mut text = String::new();
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            text.push_str(if i + 1 == values.len() { last } else { ", " });
        }
        text.push_str(&crate::value::python_repr(value));
    }
    text
}
