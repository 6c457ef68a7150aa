//! A pull parser over JSON bytes, token by token: the decoders drive it (through its
//! [`Reader`](crate::codec::Reader) implementation, in `input.rs`) key by key, so values go
//! straight into their fields with no intermediate tree.

use std::borrow::Cow;

use crate::error::Error;
#[cfg(test)]
use crate::error::ErrorKind;

/// The default limit on nesting of arrays and objects.
pub const DEFAULT_MAX_DEPTH: usize = crate::Limits::DEFAULT.max_depth;

/// What the next value is, judged by its first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Peek {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number, or `NaN`, `Infinity`, `-Infinity` (which pydantic's parser accepts).
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Peek {
    /// The value's kind with its article, for error messages: `a string`.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Peek::Null => "null",
            Peek::Bool => "a boolean",
            Peek::Number => "a number",
            Peek::String => "a string",
            Peek::Array => "an array",
            Peek::Object => "an object",
        }
    }
}

/// A JSON number as written: its text, and whether it is an integer (no fraction or
/// exponent). `NaN` and the infinities come as their literal text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Number<'de> {
    /// The number's text in the input.
    pub(crate) text: &'de str,
    /// No `.`, `e` or `E` in the text, and not a non-finite literal.
    pub(crate) is_integer: bool,
}

impl Number<'_> {
    /// The nearest `f64` (infinite when out of range, as Python's `float()`).
    pub(crate) fn to_f64(self) -> f64 {
        match self.text {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            // The grammar was checked while reading; Rust's parser accepts every JSON number.
            text => text.parse().unwrap_or(f64::NAN),
        }
    }
}

/// Reads JSON from a byte slice as pydantic's `model_validate_json` does: the JSON mode's
/// [`Reader`](crate::codec::Reader).
#[derive(Clone)]
pub struct JsonReader<'de> {
    input: &'de [u8],
    pub(crate) pos: usize,
    pub(crate) depth: usize,
    max_depth: usize,
    pub(crate) validation: crate::codec::Validation,
    /// The outcomes of union members tried on this input (see `Reader::union_memo`).
    pub(crate) unions: crate::codec::LazyMemo,
    /// Errors are worded as pydantic's python mode words them (see [`JsonReader::as_python`]).
    pub(crate) python_mode: bool,
}

impl<'de> JsonReader<'de> {
    /// A reader over `input`, with the default nesting limit.
    pub fn new(input: &'de [u8]) -> Self {
        JsonReader {
            input,
            pos: 0,
            depth: 0,
            max_depth: DEFAULT_MAX_DEPTH,
            validation: Default::default(),
            unions: Default::default(),
            python_mode: false,
        }
    }

    /// Reads the JSON as truss's server reads a request body: Python's `json.loads`, then
    /// pydantic's `model_validate` (python mode) of the result. The same values are accepted;
    /// refusals are worded as python mode words them (`list_type` is "Input should be a valid
    /// list", not JSON mode's "a valid array"; a model given no object is "Input should be a
    /// valid dictionary or instance of Model").
    pub fn as_python(mut self) -> Self {
        self.python_mode = true;
        self
    }

    /// Sets the nesting limit of arrays and objects.
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// The input from `start` to `end`, whitespace around trimmed.
    pub(crate) fn text_between(&self, start: usize, end: usize) -> &'de [u8] {
        self.input[start..end].trim_ascii()
    }

    /// A syntax error at the current position.
    pub(crate) fn syntax_error(&self, message: &'static str) -> Error {
        Error::json_syntax(self.input, self.pos, message)
    }

    fn skip_whitespace(&mut self) {
        while let Some(&b) = self.input.get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        if self.input.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8, message: &'static str) -> Result<(), Error> {
        if self.eat(byte) { Ok(()) } else { Err(self.syntax_error(message)) }
    }

    fn expect_literal(&mut self, literal: &[u8]) -> Result<(), Error> {
        if self.input[self.pos..].starts_with(literal) {
            self.pos += literal.len();
            return Ok(());
        }
        // Located as jiter locates it: at the first byte that differs, or at the end.
        let rest = &self.input[self.pos..];
        let same = rest.iter().zip(literal).take_while(|(a, b)| a == b).count();
        self.pos += same;
        if self.pos == self.input.len() {
            Err(self.syntax_error("EOF while parsing a value"))
        } else {
            Err(self.syntax_error("expected ident"))
        }
    }

    /// The kind of the next value.
    pub(crate) fn peek_token(&mut self) -> Result<Peek, Error> {
        self.skip_whitespace();
        match self.input.get(self.pos) {
            Some(b'n') => Ok(Peek::Null),
            Some(b't' | b'f') => Ok(Peek::Bool),
            Some(b'"') => Ok(Peek::String),
            Some(b'[') => Ok(Peek::Array),
            Some(b'{') => Ok(Peek::Object),
            Some(b'-' | b'0'..=b'9' | b'N' | b'I') => Ok(Peek::Number),
            Some(_) => Err(self.syntax_error("expected value")),
            None => Err(self.syntax_error("EOF while parsing a value")),
        }
    }

    /// An error saying the next value is not what the field accepts.
    pub(crate) fn type_error(&mut self, expected: &'static str) -> Error {
        match self.peek_token() {
            Ok(found) => Error::unexpected_type(expected, found.describe()),
            Err(error) => error,
        }
    }

    /// Consumes `null` if it comes next.
    pub(crate) fn eat_null(&mut self) -> Result<bool, Error> {
        if self.peek_token()? == Peek::Null {
            self.expect_literal(b"null")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads `true` or `false`.
    pub(crate) fn parse_bool(&mut self) -> Result<bool, Error> {
        match self.peek_token()? {
            Peek::Bool if self.input[self.pos] == b't' => self.expect_literal(b"true").map(|()| true),
            Peek::Bool => self.expect_literal(b"false").map(|()| false),
            _ => Err(self.type_error("a boolean")),
        }
    }

    /// Reads a number, checking JSON's grammar (no leading zeros, digits after `.` and `e`).
    pub(crate) fn parse_number(&mut self) -> Result<Number<'de>, Error> {
        if self.peek_token()? != Peek::Number {
            return Err(self.type_error("a number"));
        }
        let start = self.pos;
        for literal in [&b"NaN"[..], b"Infinity", b"-Infinity"] {
            if self.input[start..].starts_with(literal) {
                self.pos += literal.len();
                return Ok(Number { text: self.text(start), is_integer: false });
            }
        }
        self.eat_byte(b'-');
        match self.input.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.skip_digits(),
            _ => return Err(self.syntax_error("invalid number")),
        }
        let mut is_integer = true;
        if self.eat_byte(b'.') {
            is_integer = false;
            self.require_digits()?;
        }
        if self.eat_byte(b'e') || self.eat_byte(b'E') {
            is_integer = false;
            if !self.eat_byte(b'+') {
                self.eat_byte(b'-');
            }
            self.require_digits()?;
        }
        if matches!(self.input.get(self.pos), Some(b'0'..=b'9')) {
            return Err(self.syntax_error("invalid number"));
        }
        Ok(Number { text: self.text(start), is_integer })
    }

    fn text(&self, start: usize) -> &'de str {
        // Only ASCII bytes were consumed since `start`.
        std::str::from_utf8(&self.input[start..self.pos]).unwrap_or_default()
    }

    fn eat_byte(&mut self, byte: u8) -> bool {
        if self.input.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_digits(&mut self) {
        while matches!(self.input.get(self.pos), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn require_digits(&mut self) -> Result<(), Error> {
        let start = self.pos;
        self.skip_digits();
        if self.pos == start { Err(self.syntax_error("invalid number")) } else { Ok(()) }
    }

    /// Reads a string, borrowed from the input unless it holds escapes.
    pub(crate) fn parse_str(&mut self) -> Result<Cow<'de, str>, Error> {
        if self.peek_token()? != Peek::String {
            return Err(self.type_error("a string"));
        }
        self.pos += 1;
        let start = self.pos;
        // Fast path: find the closing quote; a backslash first means escapes to undo.
        let rest = &self.input[start..];
        match memchr::memchr3(b'"', b'\\', 0x00, rest) {
            Some(len) if rest[len] == b'"' && !rest[..len].iter().any(|&b| b < 0x20) => {
                self.pos = start + len + 1;
                let raw = &self.input[start..start + len];
                std::str::from_utf8(raw).map(Cow::Borrowed).map_err(|e| self.invalid_utf8(start + e.valid_up_to()))
            }
            _ => self.read_escaped(start).map(Cow::Owned),
        }
    }

    /// Reads a string's raw bytes when it holds no escape (base64 payloads never do), without
    /// checking them for UTF-8; `None` if it has escapes, in which case nothing is consumed.
    pub(crate) fn parse_raw_str(&mut self) -> Result<Option<&'de [u8]>, Error> {
        if self.peek_token()? != Peek::String {
            return Err(self.type_error("a string"));
        }
        let start = self.pos + 1;
        let rest = &self.input[start..];
        match memchr::memchr2(b'"', b'\\', rest) {
            Some(len) if rest[len] == b'"' => {
                self.pos = start + len + 1;
                Ok(Some(&rest[..len]))
            }
            Some(_) => Ok(None),
            None => {
                self.pos = self.input.len();
                Err(self.syntax_error("EOF while parsing a string"))
            }
        }
    }

    fn invalid_utf8(&self, offset: usize) -> Error {
        Error::json_syntax(self.input, offset, "invalid unicode code point")
    }

    fn read_escaped(&mut self, start: usize) -> Result<String, Error> {
        let mut out = Vec::new();
        let mut lone_surrogate = false;
        self.pos = start;
        loop {
            let Some(&byte) = self.input.get(self.pos) else {
                return Err(self.syntax_error("EOF while parsing a string"));
            };
            self.pos += 1;
            match byte {
                b'"' => break,
                b'\\' => lone_surrogate |= !self.read_escape(&mut out)?,
                0x00..=0x1f => {
                    self.pos -= 1;
                    return Err(self.syntax_error("control character (\\u0000-\\u001F) found while parsing a string"));
                }
                _ => out.push(byte),
            }
        }
        if lone_surrogate {
            // Python's `json` keeps a lone surrogate in its `str`; pydantic's python mode then
            // refuses it where a Rust string cannot hold it either (its only error for `bytes`;
            // truss would accept it in a `str` and fail writing the answer).
            return Err(Error::validation(
                "string_unicode",
                "Input should be a valid string, unable to parse raw data as a unicode string",
                None,
            ));
        }
        String::from_utf8(out).map_err(|e| self.invalid_utf8(start + e.utf8_error().valid_up_to()))
    }

    /// Reads one escape into `out`; `false` for a lone surrogate (python mode), which nothing
    /// is written for.
    fn read_escape(&mut self, out: &mut Vec<u8>) -> Result<bool, Error> {
        let Some(&escape) = self.input.get(self.pos) else {
            return Err(self.syntax_error("EOF while parsing a string"));
        };
        self.pos += 1;
        let byte = match escape {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let Some(c) = self.read_unicode_escape()? else { return Ok(false) };
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                return Ok(true);
            }
            _ => return Err(Error::json_syntax(self.input, self.pos - 1, "invalid escape")),
        };
        out.push(byte);
        Ok(true)
    }

    /// Four hex digits; an error is located at the first byte that is none (jiter's column).
    fn read_hex4(&mut self) -> Result<u16, Error> {
        let mut value = 0u16;
        for _ in 0..4 {
            let Some(&byte) = self.input.get(self.pos) else {
                return Err(self.syntax_error("EOF while parsing a string"));
            };
            let digit = (byte as char).to_digit(16).ok_or_else(|| self.syntax_error("invalid escape"))?;
            value = value << 4 | u16::try_from(digit).unwrap_or_default();
            self.pos += 1;
        }
        Ok(value)
    }

    /// The character of a `\\uXXXX` escape (and of its pair, for a high surrogate); `None` for a
    /// lone surrogate in python mode (Python's `json` reads it, as a `str` Rust cannot hold),
    /// where an escape after a high surrogate that is no low one is left to be read on its own.
    fn read_unicode_escape(&mut self) -> Result<Option<char>, Error> {
        // Errors are located (and worded) as jiter does: at the escape's last digit.
        let at_last_digit =
            |reader: &Self| Error::json_syntax(reader.input, reader.pos - 1, "lone leading surrogate in hex escape");
        let first = self.read_hex4()?;
        if !(0xD800..0xDC00).contains(&first) {
            return match char::from_u32(first.into()) {
                Some(c) => Ok(Some(c)),
                // A lone low surrogate.
                None if self.python_mode => Ok(None),
                None => Err(at_last_digit(self)),
            };
        }
        if !self.input[self.pos..].starts_with(b"\\u") {
            return if self.python_mode { Ok(None) } else { Err(self.syntax_error("unexpected end of hex escape")) };
        }
        let second_start = self.pos;
        self.pos += 2;
        let second = self.read_hex4()?;
        if !(0xDC00..0xE000).contains(&second) {
            if self.python_mode {
                self.pos = second_start;
                return Ok(None);
            }
            return Err(at_last_digit(self));
        }
        let code = 0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00);
        char::from_u32(code).map(Some).ok_or_else(|| self.syntax_error("invalid unicode code point"))
    }

    fn enter(&mut self) -> Result<(), Error> {
        if self.depth >= self.max_depth {
            return Err(Error::too_deep(self.max_depth));
        }
        self.depth += 1;
        Ok(())
    }

    /// Consumes the `{` of an object (entering one level of nesting).
    pub(crate) fn begin_object(&mut self) -> Result<(), Error> {
        if self.peek_token()? != Peek::Object {
            return Err(self.type_error(if self.python_mode { "a map" } else { "an object" }));
        }
        self.enter()?;
        self.pos += 1;
        Ok(())
    }

    /// Consumes the `[` of an array (entering one level of nesting).
    pub(crate) fn begin_array(&mut self) -> Result<(), Error> {
        if self.peek_token()? != Peek::Array {
            return Err(self.type_error(if self.python_mode { "a list" } else { "an array" }));
        }
        self.enter()?;
        self.pos += 1;
        Ok(())
    }

    /// Consumes the closing byte (leaving the level), or the `,` before the next member;
    /// `false` at the end. `first`: just inside the `{` or `[`, where no `,` comes first.
    pub(crate) fn next_member(&mut self, close: u8, first: bool) -> Result<bool, Error> {
        self.skip_whitespace();
        match self.input.get(self.pos) {
            Some(&b) if b == close => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.pos += 1;
                self.skip_whitespace();
                if self.input.get(self.pos) == Some(&close) {
                    return Err(self.syntax_error("trailing comma"));
                }
                Ok(true)
            }
            Some(_) if first => Ok(true),
            None if close == b'}' => Err(self.syntax_error("EOF while parsing an object")),
            None => Err(self.syntax_error("EOF while parsing a list")),
            Some(_) if close == b'}' => Err(self.syntax_error("expected `,` or `}`")),
            Some(_) => Err(self.syntax_error("expected `,` or `]`")),
        }
    }

    /// Reads an object's key and the `:` after it.
    pub(crate) fn parse_key(&mut self) -> Result<Cow<'de, str>, Error> {
        self.begin_key()?;
        let key = self.parse_str()?;
        self.end_key()?;
        Ok(key)
    }

    /// Checks that a key comes next (a key is a string).
    pub(crate) fn begin_key(&mut self) -> Result<(), Error> {
        self.skip_whitespace();
        match self.input.get(self.pos) {
            Some(b'"') => Ok(()),
            None => Err(self.syntax_error("EOF while parsing an object")),
            Some(_) => Err(self.syntax_error("key must be a string")),
        }
    }

    /// Consumes the `:` after a key.
    pub(crate) fn end_key(&mut self) -> Result<(), Error> {
        self.skip_whitespace();
        if self.pos == self.input.len() {
            return Err(self.syntax_error("EOF while parsing an object"));
        }
        self.expect(b':', "expected `:`")
    }

    /// Skips one value of any kind, nesting included (bounded by the depth limit).
    pub(crate) fn skip_value(&mut self) -> Result<(), Error> {
        match self.peek_token()? {
            Peek::Null => self.expect_literal(b"null"),
            Peek::Bool => self.parse_bool().map(drop),
            Peek::Number => self.parse_number().map(drop),
            // Checked as any string is (UTF-8, no raw control characters), as pydantic refuses
            // such JSON wherever it stands; a lone surrogate (python mode), which Python's
            // `json` reads, is refused only where a value is read.
            Peek::String => match self.parse_str() {
                Err(error) if error.is_fatal() => Err(error),
                _ => Ok(()),
            },
            Peek::Array => {
                self.begin_array()?;
                let mut first = true;
                while self.next_member(b']', std::mem::take(&mut first))? {
                    self.skip_value()?;
                }
                Ok(())
            }
            Peek::Object => {
                self.begin_object()?;
                let mut first = true;
                while self.next_member(b'}', std::mem::take(&mut first))? {
                    self.parse_key()?;
                    self.skip_value()?;
                }
                Ok(())
            }
        }
    }

    /// Checks that only whitespace follows the value read.
    pub fn finish(&mut self) -> Result<(), Error> {
        self.skip_whitespace();
        if self.pos == self.input.len() { Ok(()) } else { Err(self.syntax_error("trailing characters")) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{MapAccess, Reader, SeqAccess};

    fn keys_and_values(json: &str) -> Vec<(String, f64)> {
        let mut r = JsonReader::new(json.as_bytes());
        let out = r
            .read_map(|map| {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    out.push((key, map.next_value::<f64>()?));
                }
                Ok(out)
            })
            .unwrap();
        r.finish().unwrap();
        out
    }

    #[test]
    fn objects_and_arrays() {
        assert_eq!(
            keys_and_values(r#" { "a" : 1 , "b\u00e9":-2.5e1 } "#),
            vec![("a".into(), 1.0), ("bé".into(), -25.0)]
        );
        assert_eq!(keys_and_values("{}"), vec![]);
        let mut r = JsonReader::new(b"[1, [], [[2]], {\"x\": [3]}]");
        r.skip_value().unwrap();
        r.finish().unwrap();
    }

    #[test]
    fn malformed_input_is_located() {
        for (json, offset) in
            [("{\"a\":1,}", 7), ("[1 2]", 3), ("{\"a\" 1}", 5), ("[01]", 2), ("[1.]", 3), ("\"ab", 3), ("[1,]", 3)]
        {
            let mut r = JsonReader::new(json.as_bytes());
            let err = r.skip_value().and_then(|()| r.finish()).expect_err(json);
            match err.kind() {
                ErrorKind::Syntax { offset: at, .. } => assert_eq!(*at, offset, "{json}: {err}"),
                other => panic!("{json}: {other:?}"),
            }
        }
    }

    #[test]
    fn strings_unescape_and_borrow() {
        let mut r = JsonReader::new(br#""plain""#);
        assert!(matches!(r.parse_str().unwrap(), Cow::Borrowed("plain")));
        let mut r = JsonReader::new(br#""a\"\\\/\b\f\n\r\t\u0041\ud83d\ude00""#);
        assert_eq!(r.parse_str().unwrap(), "a\"\\/\u{8}\u{c}\n\r\tA😀");
        for bad in [&br#""\ud83d""#[..], br#""\x""#, b"\"a\x01\"", b"\"\xff\""] {
            assert!(JsonReader::new(bad).parse_str().is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        let err = JsonReader::new(deep.as_bytes()).skip_value().unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::TooDeep(DEFAULT_MAX_DEPTH));
        let ok = "[".repeat(100) + &"]".repeat(100);
        JsonReader::new(ok.as_bytes()).skip_value().unwrap();
    }

    #[test]
    fn non_finite_literals() {
        let mut r = JsonReader::new(b"[NaN,-Infinity,Infinity]");
        let values = r
            .read_seq(|seq| {
                let mut values = Vec::new();
                while let Some(x) = seq.next_element::<f64>()? {
                    values.push(x);
                }
                Ok(values)
            })
            .unwrap();
        assert!(values[0].is_nan());
        assert_eq!(&values[1..], &[f64::NEG_INFINITY, f64::INFINITY]);
    }

    /// A visitor that stops early leaves the rest to the reader, which skips it and closes
    /// the container; the depth is back where it was.
    #[test]
    fn containers_are_closed_by_the_reader() {
        let mut r = JsonReader::new(br#"[{"a": 1, "b": [2, 3]}, [4, {"c": null}], 5] "#);
        let first = r
            .read_seq(|seq| {
                let first: Option<f64> = seq.next_element::<crate::Value>()?.and_then(|v| match v.get("a") {
                    Some(crate::Value::Int(i)) => Some(*i as f64),
                    _ => None,
                });
                Ok(first)
            })
            .unwrap();
        assert_eq!(first, Some(1.0));
        r.finish().unwrap();
        assert_eq!(r.depth, 0);
        let mut r = JsonReader::new(br#"{"a": [1], "b": 2}"#);
        r.read_map(|map| {
            map.next_field()?;
            Ok(())
        })
        .unwrap();
        r.finish().unwrap();
        assert_eq!(r.depth, 0);
    }
}
