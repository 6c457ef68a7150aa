//! Writes JSON text exactly as pydantic's `model_dump_json()` does: compact, UTF-8 kept as
//! is, control characters escaped, floats in pydantic's shortest form, NaN and ±inf as null.

use crate::codec::{FieldKey, Writer};
use crate::dtype::DType;
use crate::error::{Error, PathSegment};

/// A JSON text being written: the JSON mode's [`Writer`].
#[derive(Default)]
pub struct JsonWriter {
    out: String,
    /// The first value JSON cannot hold as pydantic writes it: bytes that are not UTF-8.
    error: Option<Error>,
}

impl JsonWriter {
    /// An empty writer.
    pub fn new() -> Self {
        JsonWriter::default()
    }

    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        JsonWriter { out: String::with_capacity(capacity), error: None }
    }

    /// The text written (bytes that are not UTF-8 written with replacement characters).
    pub fn into_string(self) -> String {
        self.out
    }

    /// The text written, or the error pydantic's `model_dump_json()` raises for the value:
    /// bytes that are not UTF-8 (`invalid utf-8 sequence of 1 bytes from index 0`).
    pub fn finish(self) -> Result<String, Error> {
        match self.error {
            None => Ok(self.out),
            Some(error) => Err(error),
        }
    }

    /// Appends text that is already JSON (punctuation, escaped keys).
    #[inline]
    pub fn raw(&mut self, json: &str) {
        self.out.push_str(json);
    }

    /// Room for `additional` more bytes.
    pub fn reserve(&mut self, additional: usize) {
        self.out.reserve(additional);
    }

    /// The text buffer, for writers that append directly (base64).
    pub fn buffer(&mut self) -> &mut String {
        &mut self.out
    }

    /// `null`.
    pub fn null(&mut self) {
        self.out.push_str("null");
    }

    /// `true` or `false`.
    pub fn bool(&mut self, value: bool) {
        self.out.push_str(if value { "true" } else { "false" });
    }

    /// An integer.
    pub fn int(&mut self, value: impl itoa::Integer) {
        self.out.push_str(itoa::Buffer::new().format(value));
    }

    /// A float as pydantic writes it: `1.0`, `0.1`, `1e-7`, `1e+16`; NaN and ±inf as `null`.
    pub fn float(&mut self, value: f64) {
        if !value.is_finite() {
            return self.null();
        }
        let mut buffer = ryu::Buffer::new();
        let text = buffer.format_finite(value);
        // pydantic's text is ryu's with a `+` on positive exponents.
        match text.find('e') {
            Some(e) if text.as_bytes().get(e + 1) != Some(&b'-') => {
                self.out.push_str(&text[..=e]);
                self.out.push('+');
                self.out.push_str(&text[e + 1..]);
            }
            _ => self.out.push_str(text),
        }
    }

    /// A string, quoted and escaped.
    pub fn string(&mut self, value: &str) {
        self.out.reserve(value.len() + 2);
        self.out.push('"');
        escape_into(&mut self.out, value);
        self.out.push('"');
    }
}

impl Writer for JsonWriter {
    const BINARY: bool = false;

    #[inline]
    fn write_null(&mut self) {
        self.null();
    }

    #[inline]
    fn write_bool(&mut self, value: bool) {
        self.bool(value);
    }

    #[inline]
    fn write_int(&mut self, value: i64) {
        self.int(value);
    }

    #[inline]
    fn write_uint(&mut self, value: u64) {
        self.int(value);
    }

    #[inline]
    fn write_int128(&mut self, value: i128) {
        self.int(value);
    }

    fn write_int_text(&mut self, text: &str) {
        self.out.push_str(text);
    }

    #[inline]
    fn write_float(&mut self, value: f64) {
        self.float(value);
    }

    #[inline]
    fn write_str(&mut self, value: &str) {
        self.string(value);
    }

    /// Bytes as pydantic writes them (`ser_json_bytes="utf8"`): their UTF-8 text. Bytes that
    /// are not UTF-8 make pydantic fail; here they make [`finish`](JsonWriter::finish) fail
    /// with pydantic's words, and are written with replacement characters meanwhile.
    fn write_bytes(&mut self, value: &[u8]) {
        match std::str::from_utf8(value) {
            Ok(text) => self.string(text),
            Err(error) => {
                if self.error.is_none() {
                    self.error = Some(Error::invalid_value(error.to_string()));
                }
                self.string(&String::from_utf8_lossy(value));
            }
        }
    }

    fn write_array(&mut self, dtype: DType, shape: &[usize], data: &[u8]) {
        super::array::write_array(self, dtype, shape, data);
    }

    /// pydantic's JSON has no wrapper: the value is the extension type's text itself.
    #[inline]
    fn write_tagged(&mut self, _tag: &'static str, data: impl FnOnce(&mut Self)) {
        data(self);
    }

    #[inline]
    fn begin_seq(&mut self, _len: usize) {
        self.raw("[");
    }

    #[inline]
    fn end_seq(&mut self) {
        self.raw("]");
    }

    #[inline]
    fn begin_map(&mut self, _len: usize) {
        self.raw("{");
    }

    #[inline]
    fn end_map(&mut self) {
        self.raw("}");
    }

    #[inline]
    fn separator(&mut self, index: usize) {
        if index > 0 {
            self.raw(",");
        }
    }

    #[inline]
    fn map_key(&mut self, key: &str) {
        self.string(key);
        self.raw(":");
    }

    #[inline]
    fn field_key(&mut self, key: &FieldKey) {
        self.raw(key.json);
    }

    #[inline]
    fn end_key(&mut self) {
        self.raw(":");
    }

    #[inline]
    fn failed(&self) -> bool {
        false
    }

    #[inline]
    fn locate(&mut self, _segment: PathSegment) {}
}

/// Appends `value` with JSON's escapes: `"`, `\` and control characters; everything else,
/// non-ASCII included, is written as is (pydantic does not escape it).
pub fn escape_into(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&value[start..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&value[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(x: f64) -> String {
        let mut w = JsonWriter::new();
        w.float(x);
        w.into_string()
    }

    #[test]
    fn floats_are_written_as_pydantic_does() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e-7, "1e-7"),
            (1e-5, "0.00001"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::NAN, "null"),
            (f64::NEG_INFINITY, "null"),
        ];
        for (x, text) in cases {
            assert_eq!(float(x), text, "{x:e}");
        }
    }

    #[test]
    fn strings_escape_only_what_json_needs() {
        let mut w = JsonWriter::new();
        w.string("a\"\\\n\t\u{0}\u{1f}\u{7f} é 😀 \u{2028}");
        assert_eq!(w.into_string(), "\"a\\\"\\\\\\n\\t\\u0000\\u001f\u{7f} é 😀 \u{2028}\"");
    }
}
