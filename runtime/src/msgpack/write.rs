//! Writes msgpack as Python's `msgpack.packb` does (ints in their smallest form, floats as
//! float64, `str` as str and `bytes` as bin), optionally placing array payloads at 8-byte
//! aligned offsets.

use std::borrow::Cow;
use std::io::{self, Write};

use super::{Piece, Pieces};
use crate::codec::{FieldKey, Writer};
use crate::dtype::DType;
use crate::error::{Error, PathSegment};

/// The longest str, bin, array or map msgpack can describe: its lengths are 32-bit.
pub const MAX_LENGTH: usize = u32::MAX as usize;

/// The alignment `to_vec` gives every array payload, counted from the start of the message.
pub const ARRAY_ALIGNMENT: usize = 8;

/// Where the bytes go: a vector, an `io::Write` fed in chunks, or pieces.
enum Sink<'w> {
    Vec,
    Stream { out: &'w mut dyn Write, flushed: usize, error: Option<io::Error> },
    Pieces(Pieces),
}

impl Sink<'_> {
    /// Writes `bytes` to the stream, keeping the first error; nothing for a vector.
    #[inline]
    fn write_through(&mut self, bytes: &[u8]) {
        if let Sink::Stream { out, flushed, error } = self {
            if error.is_none()
                && let Err(e) = out.write_all(bytes)
            {
                *error = Some(e);
            }
            *flushed += bytes.len();
        }
    }
}

/// A msgpack message being written: the binary mode's [`Writer`].
///
/// A value msgpack cannot represent (a str, bin, list or map longer than [`MAX_LENGTH`])
/// stops the message: the writer keeps the error, writes nothing more, and the encoding
/// functions return it, located at the field that held the value.
pub struct MsgpackWriter<'w> {
    buffer: Vec<u8>,
    aligned: bool,
    sink: Sink<'w>,
    error: Option<Error>,
}

/// Payloads at least this large are written straight from the array's memory when streaming,
/// and are pieces of their own when writing pieces.
const STREAM_DIRECT: usize = 64 * 1024;

impl MsgpackWriter<'static> {
    /// A writer into a vector; `aligned` places array payloads at 8-byte offsets.
    #[inline]
    pub fn new(aligned: bool) -> Self {
        MsgpackWriter { buffer: Vec::new(), aligned, sink: Sink::Vec, error: None }
    }

    /// A writer that reuses `buffer`'s memory (its content is cleared).
    #[inline]
    pub fn with_buffer(mut buffer: Vec<u8>, aligned: bool) -> Self {
        buffer.clear();
        MsgpackWriter { buffer, aligned, sink: Sink::Vec, error: None }
    }

    /// The message written.
    #[inline]
    pub fn into_vec(self) -> Vec<u8> {
        self.buffer
    }

    /// The message written, or the error that stopped it.
    #[inline]
    pub fn into_result(self) -> Result<Vec<u8>, Error> {
        match self.error {
            None => Ok(self.buffer),
            Some(error) => Err(error),
        }
    }

    /// A writer of [`Pieces`]: owned arrays' payloads of 64 KiB or more are pieces of their
    /// own, shared with the array; the rest is written into buffers.
    #[inline]
    pub fn pieces(aligned: bool) -> Self {
        MsgpackWriter { buffer: Vec::new(), aligned, sink: Sink::Pieces(Pieces::default()), error: None }
    }

    /// Room for a message of `size_hint` bytes (its [`size_hint`](crate::codec::Encode::size_hint))
    /// when writing pieces and it is smaller than the smallest payload that becomes a piece:
    /// such a message is one buffer, allocated once rather than grown. A larger one grows as
    /// it is written, so that the payloads that become pieces take no room in it.
    #[inline]
    pub(crate) fn presize_pieces(&mut self, size_hint: usize) {
        if size_hint < STREAM_DIRECT && matches!(self.sink, Sink::Pieces(_)) {
            self.buffer.reserve_exact(size_hint);
        }
    }

    /// As [`pieces`](Self::pieces), and payloads borrowed from `body` (views of a received
    /// message) are pieces of its memory too.
    #[inline]
    pub fn pieces_within(aligned: bool, body: std::sync::Arc<super::AlignedBytes>) -> Self {
        MsgpackWriter { buffer: Vec::new(), aligned, sink: Sink::Pieces(Pieces::within(body)), error: None }
    }

    /// The pieces written (for a writer made by [`pieces`](Self::pieces); otherwise the whole
    /// message as one piece), or the error that stopped the message.
    pub fn into_pieces(self) -> Result<Pieces, Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut pieces = match self.sink {
            Sink::Pieces(pieces) => pieces,
            _ => Pieces::default(),
        };
        pieces.push_buffer(self.buffer);
        Ok(pieces)
    }
}

impl<'w> MsgpackWriter<'w> {
    /// A writer that streams to `out`, buffering only small items.
    #[inline]
    pub fn streaming(out: &'w mut dyn Write, aligned: bool) -> Self {
        MsgpackWriter {
            buffer: Vec::with_capacity(8 * 1024),
            aligned,
            sink: Sink::Stream { out, flushed: 0, error: None },
            error: None,
        }
    }

    /// Flushes what is buffered to the stream and returns the error that stopped the message,
    /// or the stream's first error.
    #[inline]
    pub fn finish_stream(mut self) -> Result<(), Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        self.flush_buffer();
        match self.sink {
            Sink::Stream { error: Some(error), .. } => Err(Error::io(&error)),
            _ => Ok(()),
        }
    }

    /// Whether a value msgpack cannot represent stopped the message. Encoders of containers
    /// check it after each item and return at once, locating the error on the way out.
    #[inline]
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// Locates the error that stopped the message inside field or key `name` (called from
    /// the inside out, as the encoders return).
    #[cold]
    pub fn locate_field(&mut self, name: impl Into<Cow<'static, str>>) {
        if let Some(error) = self.error.take() {
            self.error = Some(error.at_field(name));
        }
    }

    /// Locates the error that stopped the message at list index `index`.
    #[cold]
    pub fn locate_index(&mut self, index: usize) {
        if let Some(error) = self.error.take() {
            self.error = Some(error.at_index(index));
        }
    }

    #[cold]
    fn fail(&mut self, what: &'static str, len: usize) {
        self.fail_with(Error::too_long_for_msgpack(what, len));
    }

    /// Stops the message with `error` (the first one kept).
    #[cold]
    fn fail_with(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    #[inline]
    fn flush_buffer(&mut self) {
        let buffer = std::mem::take(&mut self.buffer);
        self.sink.write_through(&buffer);
        self.buffer = buffer;
        self.buffer.clear();
    }

    /// Bytes written so far, from the start of the message.
    #[inline]
    pub fn position(&self) -> usize {
        match &self.sink {
            Sink::Vec => self.buffer.len(),
            Sink::Stream { flushed, .. } => flushed + self.buffer.len(),
            Sink::Pieces(pieces) => pieces.len() + self.buffer.len(),
        }
    }

    /// Whether array payloads are aligned.
    #[inline]
    pub fn is_aligned(&self) -> bool {
        self.aligned
    }

    /// Room for `additional` more bytes.
    #[inline]
    pub fn reserve(&mut self, additional: usize) {
        if matches!(self.sink, Sink::Vec) {
            self.buffer.reserve(additional);
        }
    }

    /// Appends an array's or bytes' payload: when writing pieces, a large one is a piece of its
    /// own (the memory `share` hands over, or a part of the received message it borrows from),
    /// else its bytes are copied.
    #[inline]
    fn payload(&mut self, bytes: &[u8], share: impl FnOnce() -> Option<Piece>) {
        if bytes.len() >= STREAM_DIRECT
            && let Sink::Pieces(pieces) = &mut self.sink
            && let Some(piece) = share().or_else(|| pieces.piece_of_body(bytes))
        {
            debug_assert_eq!(piece.as_ref().len(), bytes.len());
            pieces.push_buffer(std::mem::take(&mut self.buffer));
            pieces.push_shared(piece);
        } else {
            if matches!(self.sink, Sink::Pieces(_)) {
                // A borrowed payload is copied; the pieces' buffers are not reserved ahead.
                self.buffer.reserve(bytes.len());
            }
            self.raw(bytes);
        }
    }

    /// Appends bytes that are already msgpack.
    #[inline]
    pub fn raw(&mut self, bytes: &[u8]) {
        if bytes.len() >= STREAM_DIRECT && matches!(self.sink, Sink::Stream { .. }) {
            self.flush_buffer();
            self.sink.write_through(bytes);
        } else {
            self.buffer.extend_from_slice(bytes);
        }
    }

    /// `nil`.
    #[inline]
    pub fn nil(&mut self) {
        self.raw(&[0xc0]);
    }

    /// `true` or `false`.
    #[inline]
    pub fn bool(&mut self, value: bool) {
        self.raw(&[if value { 0xc3 } else { 0xc2 }]);
    }

    /// A non-negative integer in its smallest form.
    #[inline]
    pub fn uint(&mut self, value: u64) {
        match value {
            0..=0x7f => self.raw(&[value as u8]),
            0x80..=0xff => self.raw(&[0xcc, value as u8]),
            0x100..=0xffff => self.marker_u16(0xcd, value as u16),
            0x1_0000..=0xffff_ffff => self.marker_u32(0xce, value as u32),
            _ => {
                self.raw(&[0xcf]);
                self.raw(&value.to_be_bytes());
            }
        }
    }

    /// An integer in its smallest form (unsigned forms for non-negative values, as Python).
    #[inline]
    pub fn int(&mut self, value: i64) {
        if value >= 0 {
            return self.uint(value as u64);
        }
        match value {
            -32..=-1 => self.raw(&[value as u8]),
            -128..=-33 => self.raw(&[0xd0, value as u8]),
            -32768..=-129 => {
                self.raw(&[0xd1]);
                self.raw(&(value as i16).to_be_bytes());
            }
            -2_147_483_648..=-32769 => {
                self.raw(&[0xd2]);
                self.raw(&(value as i32).to_be_bytes());
            }
            _ => {
                self.raw(&[0xd3]);
                self.raw(&value.to_be_bytes());
            }
        }
    }

    /// A float64 (Python floats are doubles).
    #[inline]
    pub fn float(&mut self, value: f64) {
        self.raw(&[0xcb]);
        self.raw(&value.to_be_bytes());
    }

    #[inline]
    fn marker_u16(&mut self, marker: u8, len: u16) {
        self.raw(&[marker]);
        self.raw(&len.to_be_bytes());
    }

    #[inline]
    fn marker_u32(&mut self, marker: u8, len: u32) {
        self.raw(&[marker]);
        self.raw(&len.to_be_bytes());
    }

    /// A 32-bit length header, or the error that stops the message past [`MAX_LENGTH`].
    #[inline]
    fn header_u32(&mut self, marker: u8, len: usize, what: &'static str) {
        match u32::try_from(len) {
            Ok(len) => self.marker_u32(marker, len),
            Err(_) => self.fail(what, len),
        }
    }

    /// A str header for `len` bytes.
    #[inline]
    pub fn str_header(&mut self, len: usize) {
        match len {
            0..=31 => self.raw(&[0xa0 | len as u8]),
            32..=0xff => self.raw(&[0xd9, len as u8]),
            0x100..=0xffff => self.marker_u16(0xda, len as u16),
            _ => self.header_u32(0xdb, len, "str"),
        }
    }

    /// A str.
    #[inline]
    pub fn str(&mut self, value: &str) {
        self.str_header(value.len());
        if !self.failed() {
            self.raw(value.as_bytes());
        }
    }

    /// A bin header for `len` bytes.
    #[inline]
    pub fn bin_header(&mut self, len: usize) {
        match len {
            0..=0xff => self.raw(&[0xc4, len as u8]),
            0x100..=0xffff => self.marker_u16(0xc5, len as u16),
            _ => self.header_u32(0xc6, len, "bin"),
        }
    }

    /// A bin.
    #[inline]
    pub fn bin(&mut self, value: &[u8]) {
        self.bin_header(value.len());
        if !self.failed() {
            self.raw(value);
        }
    }

    /// An array header for `len` elements.
    #[inline]
    pub fn array_header(&mut self, len: usize) {
        match len {
            0..=15 => self.raw(&[0x90 | len as u8]),
            16..=0xffff => self.marker_u16(0xdc, len as u16),
            _ => self.header_u32(0xdd, len, "list"),
        }
    }

    /// A map header for `len` entries.
    #[inline]
    pub fn map_header(&mut self, len: usize) {
        match len {
            0..=15 => self.raw(&[0x80 | len as u8]),
            16..=0xffff => self.marker_u16(0xde, len as u16),
            _ => self.header_u32(0xdf, len, "map"),
        }
    }

    /// A bin written in its smallest form widened by `extra` bytes (0, 1 or 3): msgpack's
    /// wider headers are as valid as the smallest, which lets the aligned encoding shift what
    /// follows without adding anything a reader would see.
    #[inline]
    pub fn bin_widened(&mut self, value: &[u8], extra: usize) {
        let len = value.len();
        let natural = match len {
            0..=0xff => 0,
            0x100..=0xffff => 1,
            _ => 3,
        };
        match natural + extra {
            0 => self.raw(&[0xc4, len as u8]),
            1 => self.marker_u16(0xc5, len as u16),
            _ => self.header_u32(0xc6, len, "bin"),
        }
        if !self.failed() {
            self.raw(value);
        }
    }
}

impl Writer for MsgpackWriter<'_> {
    const BINARY: bool = true;

    #[inline]
    fn write_null(&mut self) {
        self.nil();
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
        self.uint(value);
    }

    /// In msgpack's smallest form; beyond its 64 bits, an error that stops the message, as
    /// Python's msgpack refuses such ints (`OverflowError`).
    fn write_int128(&mut self, value: i128) {
        match (u64::try_from(value), i64::try_from(value)) {
            (Ok(u), _) => self.uint(u),
            (_, Ok(i)) => self.int(i),
            _ => self.fail_with(Error::new(crate::error::ErrorKind::IntTooLargeForMsgpack(value.to_string()))),
        }
    }

    fn write_int_text(&mut self, text: &str) {
        match text.parse::<i128>() {
            Ok(value) => self.write_int128(value),
            Err(_) => self.fail_with(Error::new(crate::error::ErrorKind::IntTooLargeForMsgpack(text.to_owned()))),
        }
    }

    #[inline]
    fn write_float(&mut self, value: f64) {
        self.float(value);
    }

    #[inline]
    fn write_str(&mut self, value: &str) {
        self.str(value);
    }

    #[inline]
    fn write_bytes(&mut self, value: &[u8]) {
        self.write_shared_bytes(value, || None);
    }

    #[inline]
    fn write_array(&mut self, dtype: DType, shape: &[usize], data: &[u8]) {
        self.write_shared_array(dtype, shape, data, || None);
    }

    #[inline]
    fn write_shared_bytes(&mut self, value: &[u8], share: impl FnOnce() -> Option<Piece>) {
        self.bin_header(value.len());
        if !self.failed() {
            self.payload(value, share);
        }
    }

    #[inline]
    fn write_shared_array(
        &mut self,
        dtype: DType,
        shape: &[usize],
        data: &[u8],
        share: impl FnOnce() -> Option<Piece>,
    ) {
        if super::array::write_array_head(self, dtype, shape, data.len()) {
            self.payload(data, share);
        }
    }

    /// truss's map `{tag: True, b"data": …}`.
    fn write_tagged(&mut self, tag: &'static str, data: impl FnOnce(&mut Self)) {
        self.map_header(2);
        self.bin(tag.as_bytes());
        self.bool(true);
        self.bin(b"data");
        data(self);
    }

    #[inline]
    fn begin_seq(&mut self, len: usize) {
        self.array_header(len);
    }

    #[inline]
    fn end_seq(&mut self) {}

    #[inline]
    fn begin_map(&mut self, len: usize) {
        self.map_header(len);
    }

    #[inline]
    fn end_map(&mut self) {}

    #[inline]
    fn separator(&mut self, _index: usize) {}

    #[inline]
    fn map_key(&mut self, key: &str) {
        self.str(key);
    }

    #[inline]
    fn field_key(&mut self, key: &FieldKey) {
        self.raw(key.msgpack);
    }

    #[inline]
    fn end_key(&mut self) {}

    #[inline]
    fn failed(&self) -> bool {
        self.error.is_some()
    }

    #[cold]
    fn locate(&mut self, segment: PathSegment) {
        if let Some(error) = self.error.take() {
            self.error = Some(error.at(segment));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(write: impl FnOnce(&mut MsgpackWriter<'static>)) -> Vec<u8> {
        let mut w = MsgpackWriter::new(false);
        write(&mut w);
        w.into_vec()
    }

    #[test]
    fn integers_take_their_smallest_form() {
        assert_eq!(bytes(|w| w.int(5)), [0x05]);
        assert_eq!(bytes(|w| w.int(200)), [0xcc, 200]);
        assert_eq!(bytes(|w| w.int(-1)), [0xff]);
        assert_eq!(bytes(|w| w.int(-33)), [0xd0, 0xdf]);
        assert_eq!(bytes(|w| w.int(-129)), [0xd1, 0xff, 0x7f]);
        assert_eq!(bytes(|w| w.int(i64::MIN)), [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(bytes(|w| w.uint(u64::MAX)), [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(bytes(|w| w.uint(65536)), [0xce, 0, 1, 0, 0]);
    }

    #[test]
    fn headers_and_widened_bins() {
        assert_eq!(bytes(|w| w.str("ab")), [0xa2, b'a', b'b']);
        assert_eq!(bytes(|w| w.str(&"x".repeat(32)))[..2], [0xd9, 32]);
        assert_eq!(bytes(|w| w.bin(b"")), [0xc4, 0]);
        assert_eq!(bytes(|w| w.bin_widened(b"", 1)), [0xc5, 0, 0]);
        assert_eq!(bytes(|w| w.bin_widened(b"", 3)), [0xc6, 0, 0, 0, 0]);
        assert_eq!(bytes(|w| w.map_header(16)), [0xde, 0, 16]);
        assert_eq!(bytes(|w| w.array_header(3)), [0x93]);
    }

    #[test]
    fn streaming_writes_the_same_bytes() {
        let big = vec![7u8; STREAM_DIRECT + 5];
        let mut out = Vec::new();
        let mut w = MsgpackWriter::streaming(&mut out, true);
        w.str("head");
        w.bin(&big);
        w.int(-5);
        assert_eq!(w.position(), 5 + 5 + big.len() + 1);
        w.finish_stream().unwrap();
        let expected = bytes(|w| {
            w.str("head");
            w.bin(&big);
            w.int(-5);
        });
        assert_eq!(out, expected);
    }
}
