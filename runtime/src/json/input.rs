//! JSON as the decoders' input: pydantic's `model_validate_json` rules, lax conversions
//! included (`"3"` for an integer, `1` for `true`), each written here once.

use std::borrow::Cow;

use super::array::read_array;
use super::read::{JsonReader, Peek};
use crate::codec::whole_input::{map_values, seq_elements, whole_input_reader};
use crate::codec::{
    ArrayParts, Decode, Exactness, Integer, Kind, MapAccess, Mark, Number, Reader, Rewind, SeqAccess, Source,
    try_decode,
};
use crate::error::Error;
use crate::error::Input;
use crate::lax;

impl<'de> JsonReader<'de> {
    /// An integer `I` as pydantic reads one: a JSON integer (however many digits), a float with
    /// no fractional part, a string holding an integer (spaces around allowed), or a boolean.
    fn lax_integer<I: Integer>(&mut self) -> Result<I, Error> {
        match self.peek_token()? {
            Peek::Number => {
                let number = self.parse_number()?;
                if number.is_integer {
                    lax::int_from_digits(number.text)
                } else {
                    self.validation.floor(Exactness::Lax);
                    lax::int_from_float(number.to_f64())
                }
            }
            Peek::String => {
                self.validation.floor(Exactness::Lax);
                lax::int_from_str(&self.parse_str()?)
            }
            Peek::Bool => {
                self.validation.floor(Exactness::Lax);
                lax::int_in_range(i128::from(self.parse_bool()?))
            }
            found => Err(Error::unexpected_type("an integer", found.describe())),
        }
    }
}

impl<'de> JsonReader<'de> {
    /// An integer in strict mode: a JSON integer only.
    #[cold]
    fn strict_int<I: Integer>(&mut self) -> Result<I, Error> {
        match self.peek_token()? {
            Peek::Number => {
                let number = self.parse_number()?;
                let value = number.text.parse::<i128>().ok().filter(|_| number.is_integer);
                let value = value.ok_or_else(|| Error::unexpected_type("an integer", "a float"))?;
                I::from_i128(value).ok_or_else(|| Error::out_of_range(number.text, I::NAME))
            }
            _ => Err(self.type_error("an integer")),
        }
    }
}

impl<'de> Reader<'de> for JsonReader<'de> {
    const BINARY: bool = false;
    type Seq<'a>
        = JsonSeq<'a, 'de>
    where
        Self: 'a;
    type Map<'a>
        = JsonMap<'a, 'de>
    where
        Self: 'a;

    #[inline]
    fn peek(&mut self) -> Result<Kind, Error> {
        Ok(match self.peek_token()? {
            Peek::Null => Kind::Null,
            Peek::Bool => Kind::Bool,
            Peek::Number => Kind::Number,
            Peek::String => Kind::Str,
            Peek::Array => Kind::Seq,
            Peek::Object => Kind::Map,
        })
    }

    #[inline]
    fn read_null(&mut self) -> Result<bool, Error> {
        self.eat_null()
    }

    /// `true`/`false`, the numbers 0 and 1, and the strings `0 off f false n no 1 on t true y
    /// yes` in any case.
    fn read_bool(&mut self) -> Result<bool, Error> {
        match self.peek_token()? {
            Peek::Bool => self.parse_bool(),
            _ if self.validation.strict => Err(self.type_error("a boolean")),
            Peek::Number => {
                self.validation.floor(Exactness::Lax);
                lax::bool_from_number(self.parse_number()?.to_f64())
            }
            Peek::String => {
                self.validation.floor(Exactness::Lax);
                lax::bool_from_str(&self.parse_str()?)
            }
            found => Err(Error::unexpected_type("a boolean", found.describe())),
        }
    }

    #[inline]
    fn read_int<I: Integer>(&mut self) -> Result<I, Error> {
        if self.validation.strict {
            return self.strict_int();
        }
        self.lax_integer()
    }

    /// Any JSON number (`NaN` and `Infinity` included), a string Python's `float()` reads
    /// (`"1.5"`, `" 2 "`, `"nan"`, `"-inf"`), or a boolean.
    fn read_float(&mut self) -> Result<f64, Error> {
        match self.peek_token()? {
            Peek::Number => {
                let number = self.parse_number()?;
                // An integer is a float in strict mode too, but not an exact one.
                if number.is_integer {
                    self.validation.floor(Exactness::Strict);
                }
                Ok(number.to_f64())
            }
            _ if self.validation.strict => Err(self.type_error("a number")),
            Peek::String => {
                self.validation.floor(Exactness::Lax);
                lax::float_from_str(&self.parse_str()?)
            }
            Peek::Bool => {
                self.validation.floor(Exactness::Lax);
                Ok(if self.parse_bool()? { 1.0 } else { 0.0 })
            }
            found => Err(Error::unexpected_type("a number", found.describe())),
        }
    }

    fn read_number(&mut self) -> Result<Number, Error> {
        let number = self.parse_number()?;
        Ok(match number.text.parse::<i128>() {
            Ok(i) if number.is_integer => Number::Int(i),
            _ => Number::Float(number.to_f64()),
        })
    }

    /// A string (pydantic's JSON string is a strict match for `str`, not an exact one; a
    /// Python `str` from truss's `json.loads` is exact).
    #[inline]
    fn read_str(&mut self) -> Result<Cow<'de, str>, Error> {
        if !self.python_mode {
            self.validation.floor(Exactness::Strict);
        }
        self.parse_str()
    }

    /// A string's UTF-8 bytes, as pydantic reads JSON text into `bytes` (a strict match; a
    /// Python `str` for `bytes` is a lax one); anything else is not "a valid bytes".
    fn read_bytes(&mut self) -> Result<Cow<'de, [u8]>, Error> {
        if self.peek_token()? != Peek::String {
            return Err(self.type_error("bytes"));
        }
        self.validation.floor(if self.python_mode { Exactness::Lax } else { Exactness::Strict });
        Ok(match self.parse_str()? {
            Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
        })
    }

    #[inline]
    fn read_array(&mut self) -> Result<ArrayParts<'de>, Error> {
        read_array(self)
    }

    #[inline]
    fn read_seq<'r, V>(&'r mut self, visit: impl FnOnce(&mut Self::Seq<'r>) -> Result<V, Error>) -> Result<V, Error> {
        self.begin_array()?;
        let mut seq = JsonSeq { reader: self, index: 0, pending: false, done: false };
        let value = visit(&mut seq)?;
        seq.close()?;
        Ok(value)
    }

    #[inline]
    fn read_map<'r, V>(&'r mut self, visit: impl FnOnce(&mut Self::Map<'r>) -> Result<V, Error>) -> Result<V, Error> {
        self.begin_object()?;
        let mut map = JsonMap { reader: self, first: true, pending_value: false, done: false };
        let value = visit(&mut map)?;
        map.close()?;
        Ok(value)
    }

    /// pydantic's JSON has no wrapper: the value is the extension type's text itself.
    #[inline]
    fn read_tagged<V>(
        &mut self,
        _tag: &'static str,
        data: impl FnOnce(&mut Self) -> Result<V, Error>,
    ) -> Result<V, Error> {
        data(self)
    }

    whole_input_reader!();

    fn source(&mut self) -> Source<'_, 'de> {
        Source::Json(self)
    }

    #[inline]
    fn python_mode(&self) -> bool {
        self.python_mode
    }

    #[inline]
    fn mark(&self) -> Mark {
        Mark { pos: self.pos, depth: self.depth }
    }

    #[cold]
    fn input_since(&self, mark: Mark) -> Option<Input> {
        let text = self.text_between(mark.pos, self.pos);
        (text.len() <= Error::MAX_INPUT).then(|| Input::Json(text.into()))
    }
}

impl Rewind for JsonReader<'_> {
    fn position(&self) -> usize {
        self.pos
    }

    fn back_to(&mut self, mark: Mark) {
        self.pos = mark.pos;
        self.depth = mark.depth;
    }
}

/// The elements of a JSON array being read.
pub struct JsonSeq<'a, 'de> {
    reader: &'a mut JsonReader<'de>,
    index: usize,
    /// The `,` before the next element was consumed (by `is_at_end`).
    pending: bool,
    /// The closing `]` was consumed.
    done: bool,
}

impl JsonSeq<'_, '_> {
    /// Consumes the `,` before the next element, or the `]`; whether an element follows.
    #[inline]
    fn advance(&mut self) -> Result<bool, Error> {
        if self.done {
            return Ok(false);
        }
        if std::mem::take(&mut self.pending) {
            return Ok(true);
        }
        if self.reader.next_member(b']', self.index == 0)? {
            Ok(true)
        } else {
            self.done = true;
            Ok(false)
        }
    }

    /// Skips the elements left and the `]`.
    fn close(&mut self) -> Result<(), Error> {
        while self.advance()? {
            self.reader.skip_value()?;
            self.index += 1;
        }
        Ok(())
    }
}

impl<'de> SeqAccess<'de> for JsonSeq<'_, 'de> {
    seq_elements!('de);

    fn is_at_end(&mut self) -> Result<bool, Error> {
        if self.advance()? {
            self.pending = true;
            Ok(false)
        } else {
            Ok(true)
        }
    }

    #[inline]
    fn size_hint(&self) -> Option<usize> {
        None
    }

    /// JSON declares no length: the list grows as it is read.
    #[inline]
    fn capacity(&mut self, _min_len: usize) -> usize {
        0
    }
}

/// The members of a JSON object being read.
pub struct JsonMap<'a, 'de> {
    reader: &'a mut JsonReader<'de>,
    first: bool,
    /// A key was read and its value not yet.
    pending_value: bool,
    /// The closing `}` was consumed.
    done: bool,
}

impl JsonMap<'_, '_> {
    /// Moves past a value left unread and consumes the `,` before the next key, or the `}`;
    /// whether a key follows (checked to be a string).
    #[inline]
    fn advance(&mut self) -> Result<bool, Error> {
        if self.done {
            return Ok(false);
        }
        if std::mem::take(&mut self.pending_value) {
            self.reader.skip_value()?;
        }
        if !self.reader.next_member(b'}', std::mem::take(&mut self.first))? {
            self.done = true;
            return Ok(false);
        }
        self.reader.begin_key()?;
        self.pending_value = true;
        Ok(true)
    }

    /// Skips the members left and the `}`.
    fn close(&mut self) -> Result<(), Error> {
        while self.advance()? {
            self.reader.parse_str()?;
            self.reader.end_key()?;
        }
        Ok(())
    }
}

impl<'de> MapAccess<'de> for JsonMap<'_, 'de> {
    fn next_key<K: Decode<'de>>(&mut self) -> Result<Option<K>, Error> {
        if !self.advance()? {
            return Ok(None);
        }
        let key = K::decode(self.reader)?;
        self.reader.end_key()?;
        Ok(Some(key))
    }

    #[inline]
    fn next_field(&mut self) -> Result<Option<Cow<'de, [u8]>>, Error> {
        if !self.advance()? {
            return Ok(None);
        }
        let key = match self.reader.parse_str()? {
            Cow::Borrowed(key) => Cow::Borrowed(key.as_bytes()),
            Cow::Owned(key) => Cow::Owned(key.into_bytes()),
        };
        self.reader.end_key()?;
        Ok(Some(key))
    }

    type Ahead = JsonReader<'de>;

    map_values!('de);

    #[inline]
    fn capacity(&mut self, _min_len: usize) -> usize {
        0
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
            "Input should be a valid integer, got a number with a fractional part"
        );
        assert_eq!(from_str::<u8>("256").unwrap_err().to_string(), "Input should be less than or equal to 255");
        assert_eq!(from_str::<i64>("null").unwrap_err().to_string(), "Input should be a valid integer");
        assert_eq!(from_str::<i64>("NaN").unwrap_err().to_string(), "Input should be a finite number");
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
        assert_eq!(err.to_string(), "1.1: Input should be a valid integer, unable to parse string as an integer");
        // Every bad item, in order.
        let err = from_str::<BTreeMap<String, u8>>(r#"{"a":1,"b":-1,"c":"x"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "2 validation errors:\n  b: Input should be greater than or equal to 0\n  \
             c: Input should be a valid integer, unable to parse string as an integer"
        );
        // A tuple's missing items are `missing` at their index, extra ones `too_long`.
        let err = from_str::<(i32, String)>("[1]").unwrap_err();
        assert_eq!(err.to_string(), "1: Field required");
        let err = from_str::<(i32,)>("[1,2]").unwrap_err();
        assert_eq!(err.to_string(), "Tuple should have at most 1 item after validation, not 2");
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
