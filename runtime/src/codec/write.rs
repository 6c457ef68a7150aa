//! The writer abstraction: what a type's encoder writes, each piece written by the JSON and
//! the msgpack writer in its own mode's form.

use super::Encode;
use crate::dtype::DType;
use crate::error::PathSegment;

/// The output of the encoders: [`JsonWriter`](crate::json::JsonWriter) (pydantic's
/// `model_dump_json()` text) or [`MsgpackWriter`](crate::msgpack::MsgpackWriter) (truss's
/// binary mode).
///
/// Lists and maps are written through [`write_seq`](Self::write_seq) and
/// [`write_map`](Self::write_map), which open and close them and locate an error inside an
/// item (msgpack refuses lengths past 32 bits) at its index or key. The methods marked hidden
/// are the writers' own pieces of those two.
pub trait Writer: Sized {
    /// Whether this is binary mode (msgpack), for the few types whose two forms differ.
    const BINARY: bool;

    /// `null` / `nil`.
    fn write_null(&mut self);

    /// `true` or `false`.
    fn write_bool(&mut self, value: bool);

    /// A signed integer.
    fn write_int(&mut self, value: i64);

    /// An unsigned integer.
    fn write_uint(&mut self, value: u64);

    /// An integer of up to 128 bits (Python's ints are unbounded; msgpack holds 64 bits and
    /// writes a float beyond them).
    fn write_int128(&mut self, value: i128);

    /// An integer of any size as its text (`-` then ASCII digits, no leading zeros): JSON
    /// writes it as it is; msgpack holds 64 bits and stops the message beyond them, as
    /// Python's msgpack does (`OverflowError`).
    fn write_int_text(&mut self, text: &str);

    /// A float (a Python float: a double). JSON writes NaN and ±inf as `null`, as pydantic does.
    fn write_float(&mut self, value: f64);

    /// A string.
    fn write_str(&mut self, value: &str);

    /// Binary data: msgpack bin; in JSON, its UTF-8 text (invalid sequences replaced), as
    /// pydantic writes bytes — which no model reaches past the JSON-form check.
    fn write_bytes(&mut self, value: &[u8]);

    /// A numpy array of `dtype` and `shape` whose C-order bytes are `data`: `NumpyArrayField`'s
    /// base64 object in JSON, msgpack_numpy's map in msgpack.
    fn write_array(&mut self, dtype: DType, shape: &[usize], data: &[u8]);

    /// As [`write_bytes`](Self::write_bytes), for bytes whose memory `share` hands over (see
    /// [`write_shared_array`](Self::write_shared_array)).
    #[doc(hidden)]
    #[inline]
    fn write_shared_bytes(&mut self, value: &[u8], share: impl FnOnce() -> Option<crate::msgpack::Piece>) {
        let _ = share;
        self.write_bytes(value);
    }

    /// As [`write_array`](Self::write_array), for an owned array whose memory `share` hands
    /// over: a writer of [`Pieces`](crate::msgpack::Pieces) sends a large payload from that
    /// memory instead of copying it; every other writer writes `data`.
    #[doc(hidden)]
    #[inline]
    fn write_shared_array(
        &mut self,
        dtype: DType,
        shape: &[usize],
        data: &[u8],
        share: impl FnOnce() -> Option<crate::msgpack::Piece>,
    ) {
        let _ = share;
        self.write_array(dtype, shape, data);
    }

    /// A truss extension value: in msgpack, truss's map `{tag: True, b"data": …}` whose data
    /// `data` writes; in JSON, the value itself.
    fn write_tagged(&mut self, tag: &'static str, data: impl FnOnce(&mut Self));

    /// A list of `len` elements, written by `elements` through a [`SeqWriter`].
    #[inline]
    fn write_seq(&mut self, len: usize, elements: impl FnOnce(&mut SeqWriter<'_, Self>)) {
        self.begin_seq(len);
        if !self.failed() {
            elements(&mut SeqWriter { writer: self, index: 0 });
        }
        self.end_seq();
    }

    /// A map of `len` entries, written by `entries` through a [`MapWriter`].
    #[inline]
    fn write_map(&mut self, len: usize, entries: impl FnOnce(&mut MapWriter<'_, Self>)) {
        self.begin_map(len);
        if !self.failed() {
            entries(&mut MapWriter { writer: self, index: 0 });
        }
        self.end_map();
    }

    #[doc(hidden)]
    fn begin_seq(&mut self, len: usize);

    #[doc(hidden)]
    fn end_seq(&mut self);

    #[doc(hidden)]
    fn begin_map(&mut self, len: usize);

    #[doc(hidden)]
    fn end_map(&mut self);

    /// Before the item at `index` of a list or map (JSON's comma).
    #[doc(hidden)]
    fn separator(&mut self, index: usize);

    /// A string key and what ends it (JSON's colon).
    #[doc(hidden)]
    fn map_key(&mut self, key: &str);

    /// A model's key, in the form this writer writes.
    #[doc(hidden)]
    fn field_key(&mut self, key: &FieldKey);

    /// After a key written as a value (JSON's colon).
    #[doc(hidden)]
    fn end_key(&mut self);

    /// Whether a value the format cannot hold stopped the message (never, in JSON).
    #[doc(hidden)]
    fn failed(&self) -> bool;

    /// Locates the error that stopped the message inside `segment` (called from the inside
    /// out, as the encoders return).
    #[doc(hidden)]
    fn locate(&mut self, segment: PathSegment);
}

/// A model field's key in each mode's form, computed by the derive: the name, its JSON text
/// with quotes and colon, its msgpack str.
#[derive(Clone, Copy, Debug)]
pub struct FieldKey {
    /// The key.
    pub name: &'static str,
    /// `"name":`, escaped as JSON.
    pub json: &'static str,
    /// The msgpack str of the key, header included.
    pub msgpack: &'static [u8],
}

/// The elements of a list being written.
pub struct SeqWriter<'a, W> {
    writer: &'a mut W,
    index: usize,
}

impl<W: Writer> SeqWriter<'_, W> {
    /// Writes the next element.
    #[inline]
    pub fn element<T: Encode + ?Sized>(&mut self, value: &T) {
        if self.writer.failed() {
            return;
        }
        self.writer.separator(self.index);
        value.encode(self.writer);
        if self.writer.failed() {
            self.writer.locate(PathSegment::Index(self.index));
        }
        self.index += 1;
    }
}

/// The entries of a map (or model) being written.
pub struct MapWriter<'a, W> {
    writer: &'a mut W,
    index: usize,
}

impl<W: Writer> MapWriter<'_, W> {
    /// Writes a model's field.
    #[inline]
    pub fn field<V: Encode + ?Sized>(&mut self, key: &FieldKey, value: &V) {
        if self.writer.failed() {
            return;
        }
        self.writer.separator(self.index);
        self.writer.field_key(key);
        value.encode(self.writer);
        if self.writer.failed() {
            self.writer.locate(PathSegment::Field(key.name.into()));
        }
        self.index += 1;
    }

    /// Writes an entry with a string key.
    #[inline]
    pub fn entry<V: Encode + ?Sized>(&mut self, key: &str, value: &V) {
        if self.writer.failed() {
            return;
        }
        self.writer.separator(self.index);
        self.writer.map_key(key);
        value.encode(self.writer);
        if self.writer.failed() {
            self.writer.locate(PathSegment::Field(key.to_owned().into()));
        }
        self.index += 1;
    }

    /// Writes an entry whose key is any value (binary mode: JSON keys are strings, so a JSON
    /// writer needs a string key here), located at its position.
    #[inline]
    pub fn entry_encoded<K: Encode + ?Sized, V: Encode + ?Sized>(&mut self, key: &K, value: &V) {
        if self.writer.failed() {
            return;
        }
        self.writer.separator(self.index);
        key.encode(self.writer);
        self.writer.end_key();
        value.encode(self.writer);
        if self.writer.failed() {
            self.writer.locate(PathSegment::Index(self.index));
        }
        self.index += 1;
    }
}
