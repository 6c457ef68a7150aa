//! A pull reader over msgpack bytes, token by token: the decoders drive it through its
//! [`Reader`](crate::codec::Reader) implementation (in `input.rs`). Strings and bins are
//! borrowed from the input; every length is checked against the bytes that remain before
//! anything is allocated.

use crate::error::Error;
#[cfg(test)]
use crate::error::ErrorKind;

/// The default limit on nesting of arrays and maps.
pub const DEFAULT_MAX_DEPTH: usize = crate::Limits::DEFAULT.max_depth;

/// What the next value is, judged by its marker byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    /// `nil`
    Nil,
    /// `true` or `false`
    Bool,
    /// Any integer form.
    Int,
    /// float32 or float64.
    Float,
    /// str (any header width).
    Str,
    /// bin (any header width).
    Bin,
    /// An array.
    Array,
    /// A map.
    Map,
    /// An extension type.
    Ext,
}

impl Token {
    /// The value's kind with its article, for error messages.
    #[inline]
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Token::Nil => "nil",
            Token::Bool => "a boolean",
            Token::Int => "an integer",
            Token::Float => "a float",
            Token::Str => "a string",
            Token::Bin => "bytes",
            Token::Array => "an array",
            Token::Map => "a map",
            Token::Ext => "an extension value",
        }
    }
}

/// Reads msgpack from a byte slice as truss's deserializer and pydantic read it: the binary
/// mode's [`Reader`](crate::codec::Reader).
#[derive(Clone)]
pub struct MsgpackReader<'de> {
    input: &'de [u8],
    pos: usize,
    depth: usize,
    max_depth: usize,
    // Input bytes not yet claimed by a container's reservation (see `capacity_for`).
    unclaimed: usize,
    pub(crate) validation: crate::codec::Validation,
    /// The outcomes of union members tried on this input (see `Reader::union_memo`).
    pub(crate) unions: crate::codec::LazyMemo,
    /// The shared buffer `input` is, whose memory owned arrays keep rather than copy.
    pub(crate) body: Option<&'de std::sync::Arc<super::AlignedBytes>>,
}

impl<'de> MsgpackReader<'de> {
    /// A reader over `input`, with the default nesting limit.
    #[inline]
    pub fn new(input: &'de [u8]) -> Self {
        MsgpackReader {
            input,
            pos: 0,
            depth: 0,
            max_depth: DEFAULT_MAX_DEPTH,
            unclaimed: input.len(),
            validation: crate::codec::Validation { strict: false, exactness: None, fields_set: None },
            unions: crate::codec::LazyMemo::default(),
            body: None,
        }
    }

    /// Owned arrays read by this reader share `body`, which must be its input, rather than
    /// copy it ([`from_shared`](super::from_shared)).
    #[inline]
    pub(crate) fn sharing(mut self, body: &'de std::sync::Arc<super::AlignedBytes>) -> Self {
        debug_assert!(std::ptr::eq(self.input, &body[..]));
        self.body = Some(body);
        self
    }

    /// Sets the nesting limit of arrays and maps.
    #[inline]
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// The input this reader reads.
    #[inline]
    pub fn input(&self) -> &'de [u8] {
        self.input
    }

    /// A syntax error at the current position.
    #[inline]
    pub(crate) fn syntax_error(&self, message: &'static str) -> Error {
        Error::syntax("msgpack", self.pos, message)
    }

    #[inline]
    fn take(&mut self, len: usize) -> Result<&'de [u8], Error> {
        let end = self.pos.checked_add(len).filter(|&end| end <= self.input.len());
        match end {
            Some(end) => {
                let bytes = &self.input[self.pos..end];
                self.pos = end;
                Ok(bytes)
            }
            None => Err(self.syntax_error("unexpected end of input")),
        }
    }

    #[inline]
    fn byte(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    #[inline]
    fn be<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    #[inline]
    fn marker(&self) -> Result<u8, Error> {
        self.input.get(self.pos).copied().ok_or_else(|| self.syntax_error("unexpected end of input"))
    }

    /// The kind of the next value.
    #[inline]
    pub(crate) fn peek_token(&self) -> Result<Token, Error> {
        Ok(match self.marker()? {
            0x00..=0x7f | 0xe0..=0xff | 0xcc..=0xcf | 0xd0..=0xd3 => Token::Int,
            0x80..=0x8f | 0xde | 0xdf => Token::Map,
            0x90..=0x9f | 0xdc | 0xdd => Token::Array,
            0xa0..=0xbf | 0xd9..=0xdb => Token::Str,
            0xc0 => Token::Nil,
            0xc2 | 0xc3 => Token::Bool,
            0xc4..=0xc6 => Token::Bin,
            0xca | 0xcb => Token::Float,
            0xc7..=0xc9 | 0xd4..=0xd8 => Token::Ext,
            _ => return Err(self.syntax_error("invalid marker byte 0xc1")),
        })
    }

    /// An error saying the next value is not what the field accepts.
    #[inline]
    pub(crate) fn type_error(&self, expected: &'static str) -> Error {
        match self.peek_token() {
            Ok(found) => Error::unexpected_type(expected, found.describe()),
            Err(error) => error,
        }
    }

    /// Consumes `nil` if it comes next.
    #[inline]
    pub(crate) fn eat_nil(&mut self) -> Result<bool, Error> {
        if self.peek_token()? == Token::Nil {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads `true` or `false`.
    #[inline]
    pub(crate) fn parse_bool(&mut self) -> Result<bool, Error> {
        match self.marker()? {
            0xc2 => {
                self.pos += 1;
                Ok(false)
            }
            0xc3 => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.type_error("a boolean")),
        }
    }

    /// Reads an integer in any of msgpack's forms (its widest signed and unsigned forms both
    /// fit an `i128`).
    #[inline]
    pub(crate) fn parse_int(&mut self) -> Result<i128, Error> {
        let marker = self.marker()?;
        // Positive fixints first: most integers on the wire are small.
        if marker <= 0x7f {
            self.pos += 1;
            return Ok(marker.into());
        }
        if !matches!(marker, 0xe0..=0xff | 0xcc..=0xcf | 0xd0..=0xd3) {
            return Err(self.type_error("an integer"));
        }
        self.pos += 1;
        Ok(match marker {
            0xe0..=0xff => (marker as i8).into(),
            0xcc => self.byte()?.into(),
            0xcd => u16::from_be_bytes(self.be()?).into(),
            0xce => u32::from_be_bytes(self.be()?).into(),
            0xcf => u64::from_be_bytes(self.be()?).into(),
            0xd0 => (self.byte()? as i8).into(),
            0xd1 => i16::from_be_bytes(self.be()?).into(),
            0xd2 => i32::from_be_bytes(self.be()?).into(),
            _ => i64::from_be_bytes(self.be()?).into(),
        })
    }

    /// Reads a float32 or float64.
    #[inline]
    pub(crate) fn parse_float(&mut self) -> Result<f64, Error> {
        match self.marker()? {
            0xca => {
                self.pos += 1;
                Ok(f32::from_be_bytes(self.be()?).into())
            }
            0xcb => {
                self.pos += 1;
                Ok(f64::from_be_bytes(self.be()?))
            }
            _ => Err(self.type_error("a float")),
        }
    }

    #[inline]
    fn length(&mut self, short: Option<u8>, width: u8) -> Result<usize, Error> {
        self.pos += 1;
        Ok(match (short, width) {
            (Some(len), _) => len.into(),
            (None, 1) => self.byte()?.into(),
            (None, 2) => u16::from_be_bytes(self.be()?).into(),
            _ => u32::from_be_bytes(self.be()?) as usize,
        })
    }

    /// Reads a str's bytes, borrowed, without checking UTF-8.
    #[inline]
    pub(crate) fn parse_str_bytes(&mut self) -> Result<&'de [u8], Error> {
        let marker = self.marker()?;
        let len = match marker {
            0xa0..=0xbf => self.length(Some(marker & 0x1f), 0)?,
            0xd9 => self.length(None, 1)?,
            0xda => self.length(None, 2)?,
            0xdb => self.length(None, 4)?,
            _ => return Err(self.type_error("a string")),
        };
        self.take(len)
    }

    /// Reads a str, borrowed from the input.
    #[inline]
    pub(crate) fn parse_str(&mut self) -> Result<&'de str, Error> {
        let bytes = self.parse_str_bytes()?;
        std::str::from_utf8(bytes).map_err(|e| {
            let offset = self.pos - bytes.len() + e.valid_up_to();
            Error::syntax("msgpack", offset, "invalid UTF-8 in string")
        })
    }

    /// Reads a bin, borrowed from the input.
    #[inline]
    pub(crate) fn parse_bin(&mut self) -> Result<&'de [u8], Error> {
        let len = match self.marker()? {
            0xc4 => self.length(None, 1)?,
            0xc5 => self.length(None, 2)?,
            0xc6 => self.length(None, 4)?,
            _ => return Err(self.type_error("bytes")),
        };
        self.take(len)
    }

    /// Reads a str or a bin as bytes (map keys written by Python may be either).
    #[inline]
    pub(crate) fn parse_key(&mut self) -> Result<&'de [u8], Error> {
        let marker = self.marker()?;
        let len = match marker {
            0xa0..=0xbf => self.length(Some(marker & 0x1f), 0)?,
            0xc4 | 0xd9 => self.length(None, 1)?,
            0xc5 | 0xda => self.length(None, 2)?,
            0xc6 | 0xdb => self.length(None, 4)?,
            _ => return Err(self.type_error("a string key")),
        };
        self.take(len)
    }

    #[inline]
    fn enter(&mut self) -> Result<(), Error> {
        if self.depth >= self.max_depth {
            return Err(Error::too_deep(self.max_depth));
        }
        self.depth += 1;
        Ok(())
    }

    /// Leaves an array or map entered with `begin_array` or `begin_map`, once all of its
    /// items are read (the [`Reader`](crate::codec::Reader) does it, never a decoder).
    #[inline]
    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Reads an array header, entering one level of nesting. Each element takes at least one
    /// byte, so a length beyond the bytes that remain is refused before anyone allocates for
    /// it.
    #[inline]
    pub(crate) fn begin_array(&mut self) -> Result<usize, Error> {
        let marker = self.marker()?;
        let len = match marker {
            0x90..=0x9f => self.length(Some(marker & 0x0f), 0)?,
            0xdc => self.length(None, 2)?,
            0xdd => self.length(None, 4)?,
            _ => return Err(self.type_error("a list")),
        };
        self.check_items(len, 1)?;
        self.enter()?;
        Ok(len)
    }

    /// Reads a map header; as `begin_array`, with two bytes at least per entry.
    #[inline]
    pub(crate) fn begin_map(&mut self) -> Result<usize, Error> {
        let marker = self.marker()?;
        let len = match marker {
            0x80..=0x8f => self.length(Some(marker & 0x0f), 0)?,
            0xde => self.length(None, 2)?,
            0xdf => self.length(None, 4)?,
            _ => return Err(self.type_error("a map")),
        };
        self.check_items(len, 2)?;
        self.enter()?;
        Ok(len)
    }

    #[inline]
    fn check_items(&self, len: usize, min_bytes: usize) -> Result<(), Error> {
        if len.saturating_mul(min_bytes) > self.input.len() - self.pos {
            return Err(self.syntax_error("container length exceeds the input"));
        }
        Ok(())
    }

    /// Skips one value of any kind, nesting included (bounded by the depth limit).
    #[inline]
    pub(crate) fn skip_value(&mut self) -> Result<(), Error> {
        let marker = self.marker()?;
        match self.peek_token()? {
            Token::Nil | Token::Bool => self.pos += 1,
            Token::Int => drop(self.parse_int()?),
            Token::Float => drop(self.parse_float()?),
            Token::Str => drop(self.parse_str_bytes()?),
            Token::Bin => drop(self.parse_bin()?),
            Token::Array => {
                for _ in 0..self.begin_array()? {
                    self.skip_value()?;
                }
                self.leave();
            }
            Token::Map => {
                for _ in 0..self.begin_map()? {
                    self.skip_value()?;
                    self.skip_value()?;
                }
                self.leave();
            }
            Token::Ext => {
                let len = match marker {
                    0xd4 => self.length(Some(1), 0)?,
                    0xd5 => self.length(Some(2), 0)?,
                    0xd6 => self.length(Some(4), 0)?,
                    0xd7 => self.length(Some(8), 0)?,
                    0xd8 => self.length(Some(16), 0)?,
                    0xc7 => self.length(None, 1)?,
                    0xc8 => self.length(None, 2)?,
                    _ => self.length(None, 4)?,
                };
                self.take(len + 1)?; // the type byte, then the data
            }
        }
        Ok(())
    }

    /// Checks that nothing follows the value read.
    #[inline]
    pub fn finish(&self) -> Result<(), Error> {
        if self.pos == self.input.len() { Ok(()) } else { Err(self.syntax_error("trailing bytes after the value")) }
    }

    /// How many items to reserve for a container that declares `len` items, each taking at
    /// least `min_len` bytes. The reservation claims that many bytes of the input, and no byte
    /// is claimed twice: the items of a valid message occupy distinct bytes, so each of its
    /// lists is reserved whole, while headers that lie, however deeply they nest, reserve no
    /// more items in all than the message has bytes for.
    #[inline]
    pub(crate) fn capacity_for(&mut self, len: usize, min_len: usize) -> usize {
        let min_len = min_len.max(1);
        let capacity = len.min((self.input.len() - self.pos).min(self.unclaimed) / min_len);
        self.unclaimed -= capacity * min_len;
        capacity
    }

    /// Where the reader is, to come back to.
    #[inline]
    pub(crate) fn mark_here(&self) -> crate::codec::Mark {
        crate::codec::Mark { pos: self.pos, depth: self.depth }
    }

    /// The input from `start` to `end`.
    pub(crate) fn bytes_between(&self, start: usize, end: usize) -> &'de [u8] {
        &self.input[start..end]
    }

    /// The reader's position in the input.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl crate::codec::Rewind for MsgpackReader<'_> {
    fn position(&self) -> usize {
        self.pos
    }

    /// Goes back to `mark` (the bytes claimed since stay claimed).
    fn back_to(&mut self, mark: crate::codec::Mark) {
        self.pos = mark.pos;
        self.depth = mark.depth;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_int_form() {
        let cases: [(&[u8], i128); 10] = [
            (&[0x05], 5),
            (&[0xff], -1),
            (&[0xcc, 0xff], 255),
            (&[0xcd, 1, 0], 256),
            (&[0xce, 0, 1, 0, 0], 65536),
            (&[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], u64::MAX as i128),
            (&[0xd0, 0x80], -128),
            (&[0xd1, 0x80, 0], -32768),
            (&[0xd2, 0x80, 0, 0, 0], i32::MIN as i128),
            (&[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0], i64::MIN as i128),
        ];
        for (bytes, value) in cases {
            let mut r = MsgpackReader::new(bytes);
            assert_eq!(r.parse_int().unwrap(), value);
            r.finish().unwrap();
        }
    }

    #[test]
    fn non_minimal_header_forms_are_read() {
        // str8 and str32 for a 2-byte string, bin32 for 1 byte, map16 and array32 for one entry.
        let mut r = MsgpackReader::new(&[0xd9, 2, b'h', b'i', 0xdb, 0, 0, 0, 2, b'h', b'i', 0xc6, 0, 0, 0, 1, 7]);
        assert_eq!(r.parse_str().unwrap(), "hi");
        assert_eq!(r.parse_str().unwrap(), "hi");
        assert_eq!(r.parse_bin().unwrap(), &[7]);
        let mut r = MsgpackReader::new(&[0xde, 0, 1, 0xa1, b'k', 0xdd, 0, 0, 0, 1, 0xcd, 0, 5]);
        assert_eq!(r.begin_map().unwrap(), 1);
        assert_eq!(r.parse_key().unwrap(), b"k");
        assert_eq!(r.begin_array().unwrap(), 1);
        assert_eq!(r.parse_int().unwrap(), 5);
        r.finish().unwrap();
    }

    #[test]
    fn lengths_beyond_the_input_are_refused_before_allocating() {
        let err = MsgpackReader::new(&[0xdd, 0xff, 0xff, 0xff, 0xff]).begin_array().unwrap_err();
        assert!(err.to_string().contains("container length exceeds the input"), "{err}");
        let err = MsgpackReader::new(&[0xdf, 0xff, 0xff, 0xff, 0xff, 0]).begin_map().unwrap_err();
        assert!(err.to_string().contains("container length exceeds the input"), "{err}");
        let err = MsgpackReader::new(&[0xc6, 0xff, 0xff, 0xff, 0xff, 1, 2]).parse_bin().unwrap_err();
        assert!(err.to_string().contains("unexpected end of input"), "{err}");
    }

    #[test]
    fn nesting_is_bounded_in_skipped_values() {
        let mut deep = vec![0x91; 200];
        deep.push(0xc0);
        let err = MsgpackReader::new(&deep).skip_value().unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::TooDeep(DEFAULT_MAX_DEPTH));
    }

    #[test]
    fn strings_borrow_and_check_utf8() {
        let mut r = MsgpackReader::new(&[0xa2, b'h', b'i', 0xd9, 1, 0xff]);
        assert_eq!(r.parse_str().unwrap(), "hi");
        let err = r.parse_str().unwrap_err();
        assert!(err.to_string().contains("invalid UTF-8"), "{err}");
    }
}
