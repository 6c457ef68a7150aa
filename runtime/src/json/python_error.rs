//! The text of the exception Python's `json` raises for a body it refuses: truss's model
//! server parses a request body with it (through pydantic's `parse_raw`) and answers a
//! malformed one with `str(exc)`, which a Rust chainlet must answer word for word.
//!
//! Two paths of CPython 3.11 are followed step by step.
//!
//! - truss's ([`truss_json_error`]): pydantic's `parse_raw` decodes the body with
//!   `bytes.decode('utf8')` (strict: no BOM skipped, no UTF-16 or UTF-32, no surrogates), then
//!   `json.loads(str)` refuses a leading U+FEFF (`Unexpected UTF-8 BOM (decode using
//!   utf-8-sig)`) and scans the text.
//! - `json.loads(bytes)` ([`python_json_error`]): `json.detect_encoding` picks the codec (UTF-8;
//!   `utf-8-sig` after a UTF-8 BOM; UTF-16 or UTF-32 by BOM or by the pattern of zero bytes),
//!   the bytes are decoded with `errors='surrogatepass'` (`Objects/unicodeobject.c`,
//!   `Objects/stringlib/codecs.h`, `Python/codecs.c`), and the text is scanned.
//!
//! The scanner is the C scanner of `Modules/_json.c` (`strict=True`). Decode errors are located
//! by byte offset, scanner errors by character index in the decoded text, as Python locates
//! them. Valid UTF-8 is scanned where it lies, byte by byte (every character JSON's grammar
//! names is ASCII, and the bytes of other characters are never ASCII), so refusing a body
//! costs no copy of it; only the other codecs of `json.loads(bytes)`, and UTF-8 holding
//! surrogates, are decoded into a text of code points (four bytes a character).
//!
//! Not emulated: the `RecursionError` of nesting deeper than Python's recursion limit (which
//! depends on how deep the caller's stack already is) and `MemoryError`. The scanner here is
//! iterative: deep nesting costs a byte of heap a level, not stack.

/// The text of the exception truss's server gets for `input` (`input.decode('utf8')`, then
/// `json.loads`), or `None` if both accept it.
pub(crate) fn truss_json_error(input: &[u8]) -> Option<String> {
    let text = match std::str::from_utf8(input) {
        Ok(text) => text,
        Err(error) => return Some(strict_utf8_error(input, error.valid_up_to()).to_string()),
    };
    // `json.loads(str)` refuses a leading BOM before it scans.
    if text.starts_with('\u{feff}') {
        return Some(decode_error_text::<u32>(&[], "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0));
    }
    scan(text.as_bytes())
}

/// The text of the exception Python's `json.loads` raises for `input`, or `None` if it parses it.
pub(crate) fn python_json_error(input: &[u8]) -> Option<String> {
    if let Encoding::Utf8 { bom } = detect_encoding(input) {
        let rest = input.get(if bom { 3 } else { 0 }..).unwrap_or_default();
        // Valid UTF-8 decodes to itself: scanned where it lies.
        if std::str::from_utf8(rest).is_ok() {
            return scan(rest);
        }
    }
    match decode(input) {
        Ok(text) => scan(&text),
        Err(error) => Some(error.to_string()),
    }
}

/// Scans a decoded document: `None` if Python's scanner accepts it, else its exception's text.
fn scan<U: Unit>(text: &[U]) -> Option<String> {
    match (Scanner { text }).scan_document() {
        Ok(()) => None,
        Err(ScanError::Syntax(message, pos)) => Some(decode_error_text(text, message, pos)),
        Err(ScanError::Other(text)) => Some(text),
    }
}

/// A unit of a decoded document: a code point (Python's `str`, whose lone surrogates,
/// let through by `surrogatepass`, count as characters), or a byte of valid UTF-8.
trait Unit: Copy {
    /// The unit's value: the code point, or the byte (at least 0x80 inside a non-ASCII
    /// character, so never one of JSON's ASCII characters).
    fn code(self) -> u32;
    /// Whether the unit starts a character (a UTF-8 continuation byte does not).
    fn starts_char(self) -> bool;
}

impl Unit for u32 {
    fn code(self) -> u32 {
        self
    }
    fn starts_char(self) -> bool {
        true
    }
}

impl Unit for u8 {
    fn code(self) -> u32 {
        u32::from(self)
    }
    fn starts_char(self) -> bool {
        !is_continuation(self)
    }
}

/// A document decoded into code points: Python's `str`. Not `char`s: with `surrogatepass`,
/// lone surrogates get through, and they count as characters in positions.
type Text = Vec<u32>;

const LINE_FEED: u32 = b'\n' as u32;

/// `str(JSONDecodeError(message, doc, pos))`: the message, then the line and column (both from
/// 1) and the character index of `pos`, a unit index of `text`.
fn decode_error_text<U: Unit>(text: &[U], message: &str, pos: usize) -> String {
    let before = text.get(..pos).unwrap_or(text);
    let chars = |units: &[U]| units.iter().filter(|u| u.starts_char()).count();
    let char_pos = chars(before) + pos.saturating_sub(text.len());
    let line = before.iter().filter(|u| u.code() == LINE_FEED).count() + 1;
    // `pos - doc.rfind('\n', 0, pos)`, where `rfind` gives -1 when there is no line feed.
    let column = match before.iter().rposition(|u| u.code() == LINE_FEED) {
        Some(feed) => char_pos - chars(&before[..feed]),
        None => char_pos + 1,
    };
    format!("{message}: line {line} column {column} (char {char_pos})")
}

/// The `UnicodeDecodeError` of `bytes.decode('utf8')` (strict) for bytes whose first
/// `valid_up_to` are valid UTF-8 and the rest not.
pub(crate) fn strict_utf8_error(bytes: &[u8], valid_up_to: usize) -> DecodeError<'_> {
    let rest = bytes.get(valid_up_to..).unwrap_or_default();
    let (len, reason) = utf8_sequence(rest).err().unwrap_or((1, INVALID_START));
    DecodeError { encoding: "utf-8", object: bytes, start: valid_up_to, end: valid_up_to + len.max(1), reason }
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/// A `UnicodeDecodeError`: the codec, the bytes it decoded, the bad span and the reason.
pub(crate) struct DecodeError<'a> {
    encoding: &'static str,
    object: &'a [u8],
    start: usize,
    end: usize,
    reason: &'static str,
}

impl std::fmt::Display for DecodeError<'_> {
    /// `str(UnicodeDecodeError)`: one byte is shown in hex, a longer span by its first and last
    /// positions.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let DecodeError { encoding, start, end, reason, .. } = *self;
        match self.object.get(start) {
            Some(byte) if end == start + 1 => {
                write!(f, "'{encoding}' codec can't decode byte 0x{byte:02x} in position {start}: {reason}")
            }
            _ => write!(
                f,
                "'{encoding}' codec can't decode bytes in position {start}-{}: {reason}",
                end.saturating_sub(1)
            ),
        }
    }
}

/// The codec `json.detect_encoding` picks for the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    /// UTF-8; `bom` for `utf-8-sig`, which drops the BOM before decoding.
    Utf8 { bom: bool },
    /// UTF-16; `bom` for `utf-16`, which reads the byte order from the BOM and skips it.
    Utf16 { big_endian: bool, bom: bool },
    /// UTF-32; `bom` as for UTF-16.
    Utf32 { big_endian: bool, bom: bool },
}

/// `json.detect_encoding`: a BOM, else the zero bytes among the first four (or of exactly two)
/// bytes, else UTF-8.
fn detect_encoding(bytes: &[u8]) -> Encoding {
    use Encoding::*;
    // The UTF-32 BOMs first: the little-endian one begins with the UTF-16 one.
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Utf32 { big_endian: false, bom: true };
    }
    if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Utf32 { big_endian: true, bom: true };
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Utf16 { big_endian: true, bom: true };
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Utf16 { big_endian: false, bom: true };
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Utf8 { bom: true };
    }
    match *bytes {
        [0, second, _, _, ..] => {
            if second != 0 {
                Utf16 { big_endian: true, bom: false }
            } else {
                Utf32 { big_endian: true, bom: false }
            }
        }
        [_, 0, third, fourth, ..] => {
            if third != 0 || fourth != 0 {
                Utf16 { big_endian: false, bom: false }
            } else {
                Utf32 { big_endian: false, bom: false }
            }
        }
        [0, _] => Utf16 { big_endian: true, bom: false },
        [_, 0] => Utf16 { big_endian: false, bom: false },
        _ => Utf8 { bom: false },
    }
}

/// `bytes.decode(detect_encoding(bytes), 'surrogatepass')`.
fn decode(bytes: &[u8]) -> Result<Text, DecodeError<'_>> {
    match detect_encoding(bytes) {
        // `utf-8-sig` decodes what follows the BOM as a new object: positions start after it.
        Encoding::Utf8 { bom } => decode_utf8(bytes.get(if bom { 3 } else { 0 }..).unwrap_or_default()),
        Encoding::Utf16 { big_endian, bom } => decode_utf16(bytes, big_endian, bom),
        Encoding::Utf32 { big_endian, bom } => decode_utf32(bytes, big_endian, bom),
    }
}

const INVALID_START: &str = "invalid start byte";
const INVALID_CONTINUATION: &str = "invalid continuation byte";
const UNEXPECTED_END: &str = "unexpected end of data";
const TRUNCATED: &str = "truncated data";

fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

fn is_surrogate(code: u32) -> bool {
    (0xD800..=0xDFFF).contains(&code)
}

/// UTF-8 with `surrogatepass`: a surrogate encoded in three bytes (which UTF-8 forbids) is kept.
fn decode_utf8(bytes: &[u8]) -> Result<Text, DecodeError<'_>> {
    let mut text = Vec::with_capacity(bytes.len());
    let mut pos = 0;
    while let Some(rest) = bytes.get(pos..).filter(|rest| !rest.is_empty()) {
        match utf8_sequence(rest) {
            Ok((code, len)) => {
                text.push(code);
                pos += len;
            }
            Err((len, reason)) => match encoded_surrogate(rest) {
                // `surrogatepass` decodes one surrogate and lets the codec go on after it.
                Some(surrogate) => {
                    text.push(surrogate);
                    pos += 3;
                }
                None => {
                    return Err(DecodeError { encoding: "utf-8", object: bytes, start: pos, end: pos + len, reason });
                }
            },
        }
    }
    Ok(text)
}

/// The UTF-8 sequence at the start of `rest` as CPython's decoder reads it: the code point and
/// its length, or the length of the bad bytes (all that is left for a truncated sequence) and
/// the reason.
fn utf8_sequence(rest: &[u8]) -> Result<(u32, usize), (usize, &'static str)> {
    let Some(&lead) = rest.first() else { return Err((0, UNEXPECTED_END)) };
    let truncated = Err((rest.len(), UNEXPECTED_END));
    let payload = |byte: u8| u32::from(byte & 0x3F);
    match lead {
        0..=0x7F => Ok((u32::from(lead), 1)),
        0xC2..=0xDF => match *rest {
            [_] => truncated,
            [_, second, ..] if !is_continuation(second) => Err((1, INVALID_CONTINUATION)),
            [_, second, ..] => Ok((u32::from(lead & 0x1F) << 6 | payload(second), 2)),
            [] => truncated,
        },
        0xE0..=0xEF => {
            // After E0 the second byte must not make an overlong form, after ED a surrogate.
            let second_ok =
                |byte: u8| is_continuation(byte) && !(lead == 0xE0 && byte < 0xA0) && !(lead == 0xED && byte >= 0xA0);
            match *rest {
                [_, second, ..] if !second_ok(second) => Err((1, INVALID_CONTINUATION)),
                [_, _, third, ..] if !is_continuation(third) => Err((2, INVALID_CONTINUATION)),
                [_, second, third, ..] => Ok((u32::from(lead & 0x0F) << 12 | payload(second) << 6 | payload(third), 3)),
                _ => truncated,
            }
        }
        0xF0..=0xF4 => {
            // After F0 the second byte must not make an overlong form, after F4 a code point
            // past U+10FFFF.
            let second_ok =
                |byte: u8| is_continuation(byte) && !(lead == 0xF0 && byte < 0x90) && !(lead == 0xF4 && byte >= 0x90);
            match *rest {
                [_, second, ..] if !second_ok(second) => Err((1, INVALID_CONTINUATION)),
                [_, _, third, ..] if !is_continuation(third) => Err((2, INVALID_CONTINUATION)),
                [_, _, _, fourth, ..] if !is_continuation(fourth) => Err((3, INVALID_CONTINUATION)),
                [_, second, third, fourth, ..] => Ok((
                    u32::from(lead & 0x07) << 18 | payload(second) << 12 | payload(third) << 6 | payload(fourth),
                    4,
                )),
                _ => truncated,
            }
        }
        // Continuation bytes, C0 and C1 (overlong forms of ASCII), and F5 up (past U+10FFFF).
        _ => Err((1, INVALID_START)),
    }
}

/// `surrogatepass` for UTF-8: the surrogate `rest` starts with, encoded in three bytes.
fn encoded_surrogate(rest: &[u8]) -> Option<u32> {
    match *rest {
        [first, second, third, ..] if first & 0xF0 == 0xE0 && is_continuation(second) && is_continuation(third) => {
            let code = u32::from(first & 0x0F) << 12 | u32::from(second & 0x3F) << 6 | u32::from(third & 0x3F);
            is_surrogate(code).then_some(code)
        }
        _ => None,
    }
}

/// UTF-16 with `surrogatepass`: a surrogate without its pair is kept, so the one error left is
/// an odd byte at the end. Positions count from the start, BOM included.
fn decode_utf16(bytes: &[u8], big_endian: bool, bom: bool) -> Result<Text, DecodeError<'_>> {
    let encoding = if big_endian { "utf-16-be" } else { "utf-16-le" };
    let unit = |pos: usize| match bytes.get(pos..pos + 2) {
        Some(&[first, second]) => Some(if big_endian {
            u32::from(first) << 8 | u32::from(second)
        } else {
            u32::from(second) << 8 | u32::from(first)
        }),
        _ => None,
    };
    let mut text = Vec::with_capacity(bytes.len() / 2);
    let mut pos = if bom { 2 } else { 0 };
    while pos < bytes.len() {
        let Some(code) = unit(pos) else {
            return Err(DecodeError { encoding, object: bytes, start: pos, end: bytes.len(), reason: TRUNCATED });
        };
        match unit(pos + 2) {
            Some(low) if (0xD800..0xDC00).contains(&code) && (0xDC00..0xE000).contains(&low) => {
                text.push(0x10000 + ((code - 0xD800) << 10 | (low - 0xDC00)));
                pos += 4;
            }
            _ => {
                text.push(code);
                pos += 2;
            }
        }
    }
    Ok(text)
}

/// UTF-32 with `surrogatepass` (surrogates are kept): the errors are a code point past U+10FFFF
/// and one to three bytes left at the end. Positions count from the start, BOM included.
fn decode_utf32(bytes: &[u8], big_endian: bool, bom: bool) -> Result<Text, DecodeError<'_>> {
    let encoding = if big_endian { "utf-32-be" } else { "utf-32-le" };
    let mut text = Vec::with_capacity(bytes.len() / 4);
    let mut pos = if bom { 4 } else { 0 };
    while pos < bytes.len() {
        let Some(&unit) = bytes.get(pos..pos + 4).and_then(|unit| <&[u8; 4]>::try_from(unit).ok()) else {
            return Err(DecodeError { encoding, object: bytes, start: pos, end: bytes.len(), reason: TRUNCATED });
        };
        let code = if big_endian { u32::from_be_bytes(unit) } else { u32::from_le_bytes(unit) };
        if code >= 0x11_0000 {
            let reason = "code point not in range(0x110000)";
            return Err(DecodeError { encoding, object: bytes, start: pos, end: pos + 4, reason });
        }
        text.push(code);
        pos += 4;
    }
    Ok(text)
}

// ---------------------------------------------------------------------------------------------
// Scanning
// ---------------------------------------------------------------------------------------------

/// Why the scanner stops.
#[derive(Debug, PartialEq, Eq)]
enum ScanError {
    /// A `JSONDecodeError`: its message and the character index it points at.
    Syntax(&'static str, usize),
    /// Another exception, its text complete: the `ValueError` of an integer too long to convert.
    Other(String),
}

const EXPECTING_VALUE: &str = "Expecting value";
const INVALID_UNICODE_ESCAPE: &str = "Invalid \\uXXXX escape";

/// Python's default `sys.get_int_max_str_digits()`: `int()` refuses longer decimal strings.
const INT_MAX_STR_DIGITS: usize = 4300;

/// `_json.c`'s scanner over the decoded text (see [`Unit`]). Indices may run past the end;
/// reads there find nothing.
struct Scanner<'t, U> {
    text: &'t [U],
}

impl<U: Unit> Scanner<'_, U> {
    /// The unit at `idx`.
    fn at(&self, idx: usize) -> Option<u32> {
        self.text.get(idx).map(|u| u.code())
    }

    /// The ASCII character at `idx`.
    fn ascii_at(&self, idx: usize) -> Option<u8> {
        self.at(idx).and_then(|c| u8::try_from(c).ok()).filter(u8::is_ascii)
    }

    fn is(&self, idx: usize, ascii: u8) -> bool {
        self.at(idx) == Some(u32::from(ascii))
    }

    fn is_digit(&self, idx: usize) -> bool {
        self.ascii_at(idx).is_some_and(|c| c.is_ascii_digit())
    }

    /// The index of the first character from `idx` on that is not JSON whitespace.
    fn skip_whitespace(&self, mut idx: usize) -> usize {
        while matches!(self.ascii_at(idx), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            idx += 1;
        }
        idx
    }

    /// `JSONDecoder.decode`: whitespace, one value, whitespace, and nothing else.
    fn scan_document(&self) -> Result<(), ScanError> {
        let end = self.scan_value(self.skip_whitespace(0))?;
        let end = self.skip_whitespace(end);
        if end == self.text.len() { Ok(()) } else { Err(ScanError::Syntax("Extra data", end)) }
    }

    /// Reads the value at `idx` and returns the index after it. Arrays and objects are read with
    /// a stack of their closing brackets rather than by recursion, so nesting costs no stack.
    fn scan_value(&self, mut idx: usize) -> Result<usize, ScanError> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            // A value starts at `idx`; it ends before the new `idx`, unless a container opens.
            idx = match self.ascii_at(idx) {
                Some(b'"') => self.scan_string(idx)?,
                Some(bracket @ (b'{' | b'[')) => {
                    let close = if bracket == b'{' { b'}' } else { b']' };
                    let first = self.skip_whitespace(idx + 1);
                    if self.is(first, close) {
                        first + 1
                    } else {
                        open.push(close);
                        idx = if close == b'}' { self.scan_key(first)? } else { first };
                        continue;
                    }
                }
                _ => self.scan_scalar(idx)?,
            };
            // After a value in a container: a bracket closes it (and ends a value of the outer
            // one), a comma leads to the next value.
            loop {
                let Some(&close) = open.last() else { return Ok(idx) };
                idx = self.skip_whitespace(idx);
                if self.is(idx, close) {
                    open.pop();
                    idx += 1;
                    continue;
                }
                if !self.is(idx, b',') {
                    return Err(ScanError::Syntax("Expecting ',' delimiter", idx));
                }
                idx = self.skip_whitespace(idx + 1);
                if close == b'}' {
                    idx = self.scan_key(idx)?;
                }
                break;
            }
        }
    }

    /// Reads an object's key at `idx` and the colon after it; returns where its value starts.
    fn scan_key(&self, idx: usize) -> Result<usize, ScanError> {
        if !self.is(idx, b'"') {
            return Err(ScanError::Syntax("Expecting property name enclosed in double quotes", idx));
        }
        let colon = self.skip_whitespace(self.scan_string(idx)?);
        if !self.is(colon, b':') {
            return Err(ScanError::Syntax("Expecting ':' delimiter", colon));
        }
        Ok(self.skip_whitespace(colon + 1))
    }

    /// Reads the string whose opening quote is at `begin`; returns the index after its closing
    /// quote.
    fn scan_string(&self, begin: usize) -> Result<usize, ScanError> {
        let unterminated = ScanError::Syntax("Unterminated string starting at", begin);
        let mut idx = begin + 1;
        loop {
            // On to the closing quote or the next escape, refusing control characters.
            match self.at(idx) {
                None => return Err(unterminated),
                Some(c) if c == u32::from(b'"') => return Ok(idx + 1),
                Some(c) if c == u32::from(b'\\') => {}
                Some(c) if c <= 0x1F => return Err(ScanError::Syntax("Invalid control character at", idx)),
                Some(_) => {
                    idx += 1;
                    continue;
                }
            }
            // A backslash at `idx`.
            match self.at(idx + 1) {
                None => return Err(unterminated),
                Some(c) if c == u32::from(b'u') => {}
                Some(c) if u8::try_from(c).is_ok_and(|c| b"\"\\/bfnrt".contains(&c)) => {
                    idx += 2;
                    continue;
                }
                Some(_) => return Err(ScanError::Syntax("Invalid \\escape", idx)),
            }
            // `\uXXXX`, located at its `u`. The C scanner wants a character after the four
            // digits: `"\u1234` is an invalid escape, not an unterminated string.
            let digits = idx + 2;
            if digits + 4 >= self.text.len() {
                return Err(ScanError::Syntax(INVALID_UNICODE_ESCAPE, idx + 1));
            }
            let code = self.hex4(digits).ok_or(ScanError::Syntax(INVALID_UNICODE_ESCAPE, idx + 1))?;
            idx = digits + 4;
            // A high surrogate takes a second `\uXXXX` right after it (with a character after
            // that one too) as its pair: its digits must be hex, but if it is no low surrogate
            // it is read again as an escape of its own.
            if (0xD800..0xDC00).contains(&code)
                && idx + 6 < self.text.len()
                && self.is(idx, b'\\')
                && self.is(idx + 1, b'u')
            {
                let low = self.hex4(idx + 2).ok_or(ScanError::Syntax(INVALID_UNICODE_ESCAPE, idx + 1))?;
                if (0xDC00..0xE000).contains(&low) {
                    idx += 6;
                }
            }
        }
    }

    /// The value of the four hex digits from `idx`.
    fn hex4(&self, idx: usize) -> Option<u32> {
        let digits = self.text.get(idx..idx + 4)?;
        digits.iter().try_fold(0, |value, u| Some(value << 4 | char::from_u32(u.code())?.to_digit(16)?))
    }

    /// Reads `null`, `true`, `false`, `NaN`, `Infinity`, `-Infinity` or a number at `idx`; where
    /// none starts, Python expects a value there.
    fn scan_scalar(&self, idx: usize) -> Result<usize, ScanError> {
        for literal in ["null", "true", "false", "NaN", "Infinity", "-Infinity"] {
            let len = literal.len();
            let is_literal = |text: &[U]| text.iter().map(|u| u.code()).eq(literal.bytes().map(u32::from));
            if self.text.get(idx..idx + len).is_some_and(is_literal) {
                return Ok(idx + len);
            }
        }
        self.scan_number(idx)
    }

    /// A number by `_match_number_unicode`: the longest prefix matching
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, so `01` is `0` and `1.` is `1`, each with
    /// more text after it. An integer needs at most 4300 digits, as Python's `int()` does.
    fn scan_number(&self, start: usize) -> Result<usize, ScanError> {
        let mut idx = start;
        if self.is(idx, b'-') {
            idx += 1;
        }
        let integer_start = idx;
        match self.ascii_at(idx) {
            Some(b'0') => idx += 1,
            Some(b'1'..=b'9') => {
                while self.is_digit(idx) {
                    idx += 1;
                }
            }
            _ => return Err(ScanError::Syntax(EXPECTING_VALUE, start)),
        }
        let integer_digits = idx - integer_start;
        let mut is_float = false;
        if self.is(idx, b'.') && self.is_digit(idx + 1) {
            is_float = true;
            idx += 2;
            while self.is_digit(idx) {
                idx += 1;
            }
        }
        // An exponent counts only with a digit; the C scanner looks at it only with a character
        // after the `e`, and at a sign only with a character after the sign.
        if matches!(self.ascii_at(idx), Some(b'e' | b'E')) && self.at(idx + 1).is_some() {
            let mut exponent = idx + 1;
            if matches!(self.ascii_at(exponent), Some(b'-' | b'+')) && self.at(exponent + 1).is_some() {
                exponent += 1;
            }
            let digits_start = exponent;
            while self.is_digit(exponent) {
                exponent += 1;
            }
            if exponent > digits_start {
                is_float = true;
                idx = exponent;
            }
        }
        if !is_float && integer_digits > INT_MAX_STR_DIGITS {
            return Err(ScanError::Other(format!(
                "Exceeds the limit ({INT_MAX_STR_DIGITS} digits) for integer string conversion: value has \
                 {integer_digits} digits; use sys.set_int_max_str_digits() to increase the limit"
            )));
        }
        Ok(idx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases whose text was taken from CPython 3.11.7's `str(e)` for `json.loads(input)`.
    const CASES: &[(&[u8], Option<&str>)] = &[
        (b"", Some("Expecting value: line 1 column 1 (char 0)")),
        (b" \n\t", Some("Expecting value: line 2 column 2 (char 3)")),
        (b"nope", Some("Expecting value: line 1 column 1 (char 0)")),
        (b"{", Some("Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")),
        (b"[1,", Some("Expecting value: line 1 column 4 (char 3)")),
        (b"[1,]", Some("Expecting value: line 1 column 4 (char 3)")),
        (b"[1 2]", Some("Expecting ',' delimiter: line 1 column 4 (char 3)")),
        (b"{\"a\" 1}", Some("Expecting ':' delimiter: line 1 column 6 (char 5)")),
        (b"{\"a\":1,}", Some("Expecting property name enclosed in double quotes: line 1 column 8 (char 7)")),
        (b"{'a':1}", Some("Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")),
        (b"\"\x01\"", Some("Invalid control character at: line 1 column 2 (char 1)")),
        (b"\"\\q\"", Some("Invalid \\escape: line 1 column 2 (char 1)")),
        (b"[\"\\u12", Some("Invalid \\uXXXX escape: line 1 column 4 (char 3)")),
        (b"\"\\u1234", Some("Invalid \\uXXXX escape: line 1 column 3 (char 2)")),
        (b"\"\\ud800\\uzzzz\"", Some("Invalid \\uXXXX escape: line 1 column 9 (char 8)")),
        (b"\"\\ud800\\x\"", Some("Invalid \\escape: line 1 column 8 (char 7)")),
        (b"\"abc", Some("Unterminated string starting at: line 1 column 1 (char 0)")),
        (b"01", Some("Extra data: line 1 column 2 (char 1)")),
        (b"1.", Some("Extra data: line 1 column 2 (char 1)")),
        (b"1e+", Some("Extra data: line 1 column 2 (char 1)")),
        (b"-", Some("Expecting value: line 1 column 1 (char 0)")),
        (b"[\n1,\n  x]", Some("Expecting value: line 3 column 3 (char 7)")),
        (b"\xc3\xa9 x", Some("Expecting value: line 1 column 1 (char 0)")),
        (b"[\"\xc3\xa9\" x]", Some("Expecting ',' delimiter: line 1 column 6 (char 5)")),
        (b"\xef\xbb\xbf[1,", Some("Expecting value: line 1 column 4 (char 3)")),
        (b"\xef\xbb\xbf{\"a\":\xff}", Some("'utf-8' codec can't decode byte 0xff in position 5: invalid start byte")),
        (b"\"\xed\xa0\"", Some("'utf-8' codec can't decode byte 0xed in position 1: invalid continuation byte")),
        (b"\"\xed\x9fA\"", Some("'utf-8' codec can't decode bytes in position 1-2: invalid continuation byte")),
        (b"\"\xe2\x82", Some("'utf-8' codec can't decode bytes in position 1-2: unexpected end of data")),
        (b"\"\xf0\x9f\x98", Some("'utf-8' codec can't decode bytes in position 1-3: unexpected end of data")),
        (b"\"\xf0\x9f\"", Some("'utf-8' codec can't decode bytes in position 1-2: invalid continuation byte")),
        (b"\x80", Some("'utf-8' codec can't decode byte 0x80 in position 0: invalid start byte")),
        (b"\xf4\x90\x80\x80", Some("'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte")),
        (b"\xe0\x80\x80", Some("'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byte")),
        (b"\xed\xa0\xbd\xed\xb0\x80 x", Some("Expecting value: line 1 column 1 (char 0)")),
        (b"\x00\x00", Some("Expecting value: line 1 column 1 (char 0)")),
        (b"\xff\xfe1\x00\x00", Some("'utf-16-le' codec can't decode byte 0x00 in position 4: truncated data")),
        (b"\xff\xfe1\x00\x00\xd8", Some("Extra data: line 1 column 2 (char 1)")),
        (
            b"1\x00\x00\x00\x00\x00\x11\x00",
            Some("'utf-32-le' codec can't decode bytes in position 4-7: code point not in range(0x110000)"),
        ),
        (b"\x00\x00\x001\x00\x00", Some("'utf-32-be' codec can't decode bytes in position 4-5: truncated data")),
        (
            b"\x00\x00\xfe\xff\x00\x00\x001\x00",
            Some("'utf-32-be' codec can't decode byte 0x00 in position 8: truncated data"),
        ),
        (b"1\x00", None),
        (b"\x001", None),
        (b"\"\xed\xa0\x80\"", None),
        (b"\"\\ud800\"", None),
        (b" [NaN, Infinity, -Infinity, -0.5e-3, {\"a\": [true, false, null]}] \r\n", None),
    ];

    #[test]
    fn matches_python() {
        for &(input, expected) in CASES {
            assert_eq!(python_json_error(input).as_deref(), expected, "input {input:?}");
        }
    }

    /// truss's path, `json.loads(body.decode('utf8'))`: texts measured on truss 0.18.36's server.
    const TRUSS_CASES: &[(&[u8], Option<&str>)] = &[
        (
            b"\xef\xbb\xbf{\"text\":\"x\"}",
            Some("Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"),
        ),
        (b"\xef\xbb\xbf", Some("Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)")),
        (b" \xef\xbb\xbf{}", Some("Expecting value: line 1 column 2 (char 1)")),
        (b"{\"text\":\"\xef\xbb\xbf\"}", None),
        (b"\xff\xfe{\x00}\x00", Some("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte")),
        (
            b"\xff\xfe\x00\x00{\x00\x00\x00",
            Some("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
        ),
        (b"\xfe\xff\x00{\x00}", Some("'utf-8' codec can't decode byte 0xfe in position 0: invalid start byte")),
        (
            b"\x00\x00\xfe\xff\x00\x00\x00{",
            Some("'utf-8' codec can't decode byte 0xfe in position 2: invalid start byte"),
        ),
        (
            b"{\x00\"\x00t\x00\"\x00:\x001\x00}\x00",
            Some("Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ),
        (b"\x00{\x00\"\x00t\x00\"\x00:\x001\x00}", Some("Expecting value: line 1 column 1 (char 0)")),
        (
            b"{\"text\":\"\xed\xa0\x80\"}",
            Some("'utf-8' codec can't decode byte 0xed in position 9: invalid continuation byte"),
        ),
        (b"{\"text\":\"a\xffb\"}", Some("'utf-8' codec can't decode byte 0xff in position 10: invalid start byte")),
        (b"{\"text\":\"\xc0\x80\"}", Some("'utf-8' codec can't decode byte 0xc0 in position 9: invalid start byte")),
        (b"{\"text\":\"\x80\"}", Some("'utf-8' codec can't decode byte 0x80 in position 9: invalid start byte")),
        (
            b"{\"text\":\"\xf4\x90\x80\x80\"}",
            Some("'utf-8' codec can't decode byte 0xf4 in position 9: invalid continuation byte"),
        ),
        (b"{\"text\":\"\xe2\x82", Some("'utf-8' codec can't decode bytes in position 9-10: unexpected end of data")),
        (
            b"{\"text\":\"\xe2\x82\"}",
            Some("'utf-8' codec can't decode bytes in position 9-10: invalid continuation byte"),
        ),
        (b"  \n", Some("Expecting value: line 2 column 1 (char 3)")),
        (b"{\"text\":\"\xf0\x9f\x98\x80\" x}", Some("Expecting ',' delimiter: line 1 column 13 (char 12)")),
        (b"{\"t\":\"\xc3\xa9\",\n \"u\": \xc3\xa9}", Some("Expecting value: line 2 column 7 (char 16)")),
        (b"\"\\ud800\"", None),
    ];

    #[test]
    fn truss_path_matches_truss() {
        for &(input, expected) in TRUSS_CASES {
            assert_eq!(truss_json_error(input).as_deref(), expected, "input {input:?}");
        }
    }

    /// Scanning valid UTF-8 byte by byte finds what scanning its code points finds.
    #[test]
    fn bytes_and_code_points_scan_alike() {
        let pieces = [
            "\"", "\\", "u", "\\u", "\\ud800", "\\udc00", "12", "ab", "é", "€", "😀", "\n", " ", "[", "]", "{", "}",
            ":", ",", "1", "-", "e", "null", "\u{1}", "x",
        ];
        let mut count = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in ["", "\"", "é\"", "}", "é"] {
                        let text = format!("{a}{b}{c}{d}");
                        let points: Text = text.chars().map(u32::from).collect();
                        assert_eq!(scan(text.as_bytes()), scan(&points), "{text:?}");
                        count += 1;
                    }
                }
            }
        }
        assert!(count > 50_000);
    }

    #[test]
    fn refuses_integers_longer_than_python_converts() {
        let limit = "1".repeat(INT_MAX_STR_DIGITS);
        assert_eq!(python_json_error(limit.as_bytes()), None);
        let over = format!("[-{limit}1]");
        let text = python_json_error(over.as_bytes()).expect("too long");
        assert!(
            text.starts_with("Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits;")
        );
        // A float has no such limit.
        assert_eq!(python_json_error(format!("{limit}1.5").as_bytes()), None);
    }

    #[test]
    fn deep_nesting_costs_no_stack() {
        let deep = "[".repeat(1 << 20);
        assert_eq!(
            python_json_error(deep.as_bytes()).as_deref(),
            Some("Expecting value: line 1 column 1048577 (char 1048576)")
        );
    }

    #[test]
    fn never_panics_on_any_short_input() {
        // Every input of up to two bytes, and three-byte ones over the bytes that matter.
        let interesting =
            [0, b' ', b'"', b'\\', b'u', b'[', b'{', b'-', b'1', 0x80, 0xC3, 0xE2, 0xED, 0xF0, 0xFE, 0xFF];
        for a in 0..=255u8 {
            python_json_error(&[a]);
            for b in 0..=255u8 {
                python_json_error(&[a, b]);
            }
            for b in interesting {
                for c in interesting {
                    python_json_error(&[a, b, c]);
                    python_json_error(&[b, a, c, 0]);
                }
            }
        }
    }
}
