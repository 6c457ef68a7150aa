//! msgpack as the decoders' input: what truss's deserializer makes of a message (msgpack +
//! msgpack_numpy + truss's extension maps), read as pydantic's `model_validate` reads those
//! Python objects, lax conversions included (`"3"`, `3.0` or `b"3"` for an integer; `1` or
//! `"yes"` for a bool; bytes for a str), each written here once.

use std::borrow::Cow;

use super::array::{NumpyScalar, read_array, read_numpy_scalar};
use super::read::{MsgpackReader, Token};
use crate::codec::whole_input::{map_values, seq_elements, whole_input_reader};
use crate::codec::{
    ArrayParts, Decode, Exactness, Integer, Kind, MapAccess, Mark, Number, Reader, SeqAccess, Source, try_decode,
};
use crate::error::Input;
use crate::error::{Error, ErrorKind, PathSegment};
use crate::lax;

/// A scalar as truss's deserializer hands it to pydantic: an int, a float (32 or 64 bits), a
/// bool, a numpy scalar map (`{nd: false, type, data}`), or text (`str`, or `bytes`, which
/// pydantic's lax mode reads as their UTF-8 text).
enum Scalar<'de> {
    Number(NumpyScalar),
    Text(&'de str),
}

impl<'de> MsgpackReader<'de> {
    #[inline]
    fn lax_scalar(&mut self, expected: &'static str) -> Result<Scalar<'de>, Error> {
        Ok(Scalar::Number(match self.peek_token()? {
            Token::Int => NumpyScalar::Int(self.parse_int()?),
            Token::Float => NumpyScalar::Float(self.parse_float()?),
            Token::Bool => NumpyScalar::Bool(self.parse_bool()?),
            Token::Str => return Ok(Scalar::Text(self.parse_str()?)),
            Token::Bin => return self.bin_text(expected).map(Scalar::Text),
            Token::Map => read_numpy_scalar(self).map_err(|e| {
                // A map without msgpack_numpy's `nd` is no numpy scalar: a value of the wrong type.
                let not_numpy =
                    matches!(e.kind(), ErrorKind::MissingField) && e.location() == [PathSegment::Field("nd".into())];
                if not_numpy { Error::unexpected_type(expected, "a map") } else { e }
            })?,
            _ => return Err(self.type_error(expected)),
        }))
    }

    /// `bytes` read as text, as pydantic's lax mode reads them where it wants `expected` (a
    /// str or a number); bytes that are not UTF-8 are its error for that type.
    fn bin_text(&mut self, expected: &'static str) -> Result<&'de str, Error> {
        std::str::from_utf8(self.parse_bin()?).map_err(|_| lax::bytes_not_utf8(expected))
    }
}

impl<'de> Reader<'de> for MsgpackReader<'de> {
    #[inline]
    fn shared_body(&self) -> Option<&'de std::sync::Arc<super::AlignedBytes>> {
        self.body
    }

    const BINARY: bool = true;
    type Seq<'a>
        = MsgpackSeq<'a, 'de>
    where
        Self: 'a;
    type Map<'a>
        = MsgpackMap<'a, 'de>
    where
        Self: 'a;

    #[inline]
    fn peek(&mut self) -> Result<Kind, Error> {
        Ok(match self.peek_token()? {
            Token::Nil => Kind::Null,
            Token::Bool => Kind::Bool,
            Token::Int | Token::Float => Kind::Number,
            Token::Str => Kind::Str,
            Token::Bin => Kind::Bytes,
            Token::Array => Kind::Seq,
            Token::Map => Kind::Map,
            Token::Ext => Kind::Ext,
        })
    }

    #[inline]
    fn read_null(&mut self) -> Result<bool, Error> {
        self.eat_nil()
    }

    #[inline]
    fn read_bool(&mut self) -> Result<bool, Error> {
        if self.validation.strict {
            return match self.peek_token()? {
                Token::Bool => self.parse_bool(),
                _ => Err(self.type_error("a boolean")),
            };
        }
        if self.peek_token()? != Token::Bool {
            self.validation.floor(Exactness::Lax);
        }
        match self.lax_scalar("a boolean")? {
            Scalar::Number(NumpyScalar::Bool(b)) => Ok(b),
            Scalar::Number(NumpyScalar::Int(i)) => lax::bool_from_number(i as f64),
            Scalar::Number(NumpyScalar::Float(x)) => lax::bool_from_number(x),
            Scalar::Text(text) => lax::bool_from_str(text),
        }
    }

    #[inline]
    fn read_int<I: Integer>(&mut self) -> Result<I, Error> {
        if self.validation.strict {
            let value = match self.peek_token()? {
                Token::Int => self.parse_int()?,
                _ => return Err(self.type_error("an integer")),
            };
            return I::from_i128(value).ok_or_else(|| Error::out_of_range(value, I::NAME));
        }
        if self.peek_token()? != Token::Int {
            self.validation.floor(Exactness::Lax);
        }
        match self.lax_scalar("an integer")? {
            Scalar::Number(NumpyScalar::Int(value)) => lax::int_in_range(value),
            Scalar::Number(NumpyScalar::Bool(b)) => lax::int_in_range(b.into()),
            Scalar::Number(NumpyScalar::Float(x)) => lax::int_from_float(x),
            Scalar::Text(text) => lax::int_from_str(text),
        }
    }

    #[inline]
    fn read_float(&mut self) -> Result<f64, Error> {
        if self.validation.strict {
            return match self.peek_token()? {
                Token::Float => self.parse_float(),
                Token::Int => {
                    // An integer is a float in strict mode too, but not an exact one.
                    self.validation.floor(Exactness::Strict);
                    Ok(self.parse_int()? as f64)
                }
                _ => Err(self.type_error("a number")),
            };
        }
        match self.peek_token()? {
            Token::Float => {}
            Token::Int => self.validation.floor(Exactness::Strict),
            _ => self.validation.floor(Exactness::Lax),
        }
        match self.lax_scalar("a number")? {
            Scalar::Number(NumpyScalar::Float(x)) => Ok(x),
            Scalar::Number(NumpyScalar::Int(i)) => Ok(i as f64),
            Scalar::Number(NumpyScalar::Bool(b)) => Ok(if b { 1.0 } else { 0.0 }),
            Scalar::Text(text) => lax::float_from_str(text),
        }
    }

    fn read_number(&mut self) -> Result<Number, Error> {
        match self.peek_token()? {
            Token::Int => self.parse_int().map(Number::Int),
            _ => self.parse_float().map(Number::Float),
        }
    }

    /// A str, or `bytes` as their UTF-8 text (pydantic's lax mode).
    #[inline]
    fn read_str(&mut self) -> Result<Cow<'de, str>, Error> {
        match self.peek_token()? {
            Token::Bin if self.validation.strict => Err(self.type_error("a string")),
            Token::Bin => {
                self.validation.floor(Exactness::Lax);
                self.bin_text("a string").map(Cow::Borrowed)
            }
            _ => self.parse_str().map(Cow::Borrowed),
        }
    }

    /// A bin, borrowed from the input; in lax mode a str too (its UTF-8 bytes), as pydantic's
    /// python mode reads a `str` into `bytes`.
    #[inline]
    fn read_bytes(&mut self) -> Result<Cow<'de, [u8]>, Error> {
        match self.peek_token()? {
            Token::Str if !self.validation.strict => {
                self.validation.floor(Exactness::Lax);
                self.parse_str().map(|text| Cow::Borrowed(text.as_bytes()))
            }
            _ => self.parse_bin().map(Cow::Borrowed),
        }
    }

    #[inline]
    fn read_array(&mut self) -> Result<ArrayParts<'de>, Error> {
        read_array(self)
    }

    #[inline]
    fn read_seq<'r, V>(&'r mut self, visit: impl FnOnce(&mut Self::Seq<'r>) -> Result<V, Error>) -> Result<V, Error> {
        let len = self.begin_array()?;
        let mut seq = MsgpackSeq { reader: self, len, index: 0 };
        let value = visit(&mut seq)?;
        for _ in seq.index..seq.len {
            seq.reader.skip_value()?;
        }
        seq.reader.leave();
        Ok(value)
    }

    #[inline]
    fn read_map<'r, V>(&'r mut self, visit: impl FnOnce(&mut Self::Map<'r>) -> Result<V, Error>) -> Result<V, Error> {
        let len = self.begin_map()?;
        let mut map = MsgpackMap { reader: self, remaining: len, pending_value: false };
        let value = visit(&mut map)?;
        // The value of a key read last, then the entries left.
        let values = usize::from(map.pending_value) + 2 * map.remaining;
        for _ in 0..values {
            map.reader.skip_value()?;
        }
        map.reader.leave();
        Ok(value)
    }

    /// truss's map `{tag: True, b"data": …}` (other keys ignored, as truss ignores them).
    fn read_tagged<V>(
        &mut self,
        tag: &'static str,
        data: impl FnOnce(&mut Self) -> Result<V, Error>,
    ) -> Result<V, Error> {
        if self.peek_token()? != Token::Map {
            return Err(self.type_error("a truss extension map"));
        }
        let (mut tagged, mut value, mut data) = (false, None, Some(data));
        self.read_map(|map| {
            while let Some(key) = map.next_field()? {
                match &*key {
                    key if key == tag.as_bytes() => {
                        map.pending_value = false;
                        tagged = map.reader.parse_bool()?;
                    }
                    b"data" => match data.take() {
                        Some(read) => {
                            map.pending_value = false;
                            value = Some(read(map.reader).map_err(|e| e.at_field("data"))?);
                        }
                        None => map.skip_value()?,
                    },
                    _ => map.skip_value()?,
                }
            }
            Ok(())
        })?;
        match (tagged, value) {
            (true, Some(value)) => Ok(value),
            _ => Err(Error::invalid_value(format!("expected truss's {tag} map"))),
        }
    }

    whole_input_reader!();

    #[inline]
    fn mark(&self) -> Mark {
        self.mark_here()
    }

    #[cold]
    fn input_since(&self, mark: Mark) -> Option<Input> {
        let bytes = self.bytes_between(mark.pos, self.position());
        (bytes.len() <= Error::MAX_INPUT).then(|| Input::Msgpack(bytes.into()))
    }

    fn source(&mut self) -> Source<'_, 'de> {
        Source::Msgpack(self)
    }
}

/// The elements of a msgpack array being read.
pub struct MsgpackSeq<'a, 'de> {
    reader: &'a mut MsgpackReader<'de>,
    len: usize,
    index: usize,
}

impl MsgpackSeq<'_, '_> {
    /// Whether an element follows.
    #[inline]
    fn advance(&mut self) -> Result<bool, Error> {
        Ok(self.index < self.len)
    }
}

impl<'de> SeqAccess<'de> for MsgpackSeq<'_, 'de> {
    seq_elements!('de);

    #[inline]
    fn is_at_end(&mut self) -> Result<bool, Error> {
        Ok(self.index == self.len)
    }

    #[inline]
    fn size_hint(&self) -> Option<usize> {
        Some(self.len - self.index)
    }

    #[inline]
    fn capacity(&mut self, min_len: usize) -> usize {
        self.reader.capacity_for(self.len - self.index, min_len)
    }
}

/// The entries of a msgpack map being read.
pub struct MsgpackMap<'a, 'de> {
    reader: &'a mut MsgpackReader<'de>,
    remaining: usize,
    /// A key was read and its value not yet.
    pending_value: bool,
}

impl MsgpackMap<'_, '_> {
    /// Moves past a value left unread; whether another entry follows (its key is next).
    #[inline]
    fn advance(&mut self) -> Result<bool, Error> {
        if std::mem::take(&mut self.pending_value) {
            self.reader.skip_value()?;
        }
        if self.remaining == 0 {
            return Ok(false);
        }
        self.remaining -= 1;
        self.pending_value = true;
        Ok(true)
    }
}

impl<'de> MapAccess<'de> for MsgpackMap<'_, 'de> {
    #[inline]
    fn next_key<K: Decode<'de>>(&mut self) -> Result<Option<K>, Error> {
        if !self.advance()? {
            return Ok(None);
        }
        K::decode(self.reader).map(Some)
    }

    /// A str or a bin key, as bytes (Python writers produce both).
    #[inline]
    fn next_field(&mut self) -> Result<Option<Cow<'de, [u8]>>, Error> {
        if !self.advance()? {
            return Ok(None);
        }
        self.reader.parse_key().map(|key| Some(Cow::Borrowed(key)))
    }

    type Ahead = MsgpackReader<'de>;

    map_values!('de);

    #[inline]
    fn capacity(&mut self, min_len: usize) -> usize {
        self.reader.capacity_for(self.remaining + usize::from(self.pending_value), min_len)
    }
}
