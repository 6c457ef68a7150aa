//! truss-chains' typed stream frames (`truss_chains.streaming`): a 5-byte tag, `>BI` (the
//! frame's kind, then the length of its body, big-endian), then the body, the model's
//! `model_dump_json()` text; and chainmodel's binary frames, for streams between Rust ends.

use chainmodel_runtime::codec::Encode;
use chainmodel_runtime::json::JsonEncode;
use chainmodel_runtime::msgpack::{ARRAY_ALIGNMENT, MsgpackWriter};

use super::StreamError;

/// The bytes before each frame's body: its kind (one byte) and its body's length (`u32`,
/// big-endian), as `struct.pack(">BI", tag, len)` writes them.
pub const FRAME_TAG_SIZE: usize = 5;

/// The media type a caller puts in `Accept` to be answered binary frames (what the Rust
/// client does in binary mode): `application/vnd.chainmodel.frames+msgpack`.
pub const BINARY_FRAMES: &str = "application/vnd.chainmodel.frames+msgpack";

/// The bit a binary frame's tag adds to its kind (`0x12` header, `0x13` item, `0x14` footer):
/// tags Python's `stream_reader` does not know, so that it refuses the stream at its first
/// frame (`ValueError: 18 is not a valid _Delimiter`) rather than read msgpack as JSON.
pub const BINARY_TAG: u8 = 0x10;

/// A binary frame's head: the tag (`kind | 0x10`), the body's length (`u32`, big-endian), and
/// three zero bytes, so that the body starts 8-byte aligned; the body (msgpack, every array
/// payload 8-byte aligned from its start) is followed by zeros up to the next multiple of 8.
pub const BINARY_FRAME_HEAD: usize = 8;

/// A frame's kind, as `truss_chains.streaming._Delimiter` numbers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Tag {
    /// The header: at most one, before anything else.
    Header = 2,
    /// One item.
    Item = 3,
    /// The footer: at most one, last.
    Footer = 4,
    /// An explicit end (Python's reader takes it as the end of the stream; its writer never
    /// writes one).
    End = 5,
}

impl Tag {
    /// The tag numbered `byte`, if truss's reader knows it as a frame kind.
    pub fn from_byte(byte: u8) -> Option<Tag> {
        match byte {
            2 => Some(Tag::Header),
            3 => Some(Tag::Item),
            4 => Some(Tag::Footer),
            5 => Some(Tag::End),
            _ => None,
        }
    }

    /// The name errors use: `header`, `item`, `footer`, `end`.
    pub fn name(self) -> &'static str {
        match self {
            Tag::Header => "header",
            Tag::Item => "item",
            Tag::Footer => "footer",
            Tag::End => "end",
        }
    }
}

/// One frame of a typed stream: what a chainlet yields through
/// `stream_writer(stream_types(Item, header_type=H, footer_type=F))`. A stream without a
/// header or footer leaves `H` or `F` at `()` and never sends one.
#[derive(Clone, Debug, PartialEq)]
pub enum Frame<I, H = (), F = ()> {
    /// `yield_header(h)`.
    Header(H),
    /// `yield_item(i)`.
    Item(I),
    /// `yield_footer(f)`.
    Footer(F),
}

impl<I, H, F> Frame<I, H, F> {
    /// The frame's tag.
    pub fn tag(&self) -> Tag {
        match self {
            Frame::Header(_) => Tag::Header,
            Frame::Item(_) => Tag::Item,
            Frame::Footer(_) => Tag::Footer,
        }
    }
}

/// Writes frames as truss's `stream_writer` writes them, and refuses the orders a strict
/// reader refuses: a header after anything else, a second footer, an item after the footer.
///
/// ```
/// use chainmodel::prelude::*;
/// use chainmodel::chains::streaming::{Frame, FrameWriter};
///
/// #[derive(ChainModel)]
/// struct Token { index: i64, token: String }
///
/// let mut writer = FrameWriter::new();
/// let frame = Frame::<Token>::Item(Token { index: 0, token: "a".into() });
/// let bytes = writer.write(&frame).unwrap();
/// assert_eq!(bytes, b"\x03\x00\x00\x00\x17{\"index\":0,\"token\":\"a\"}");
/// ```
///
/// [`binary`](Self::binary) writes chainmodel's binary frames instead, for a Rust reader:
/// msgpack bodies with their arrays aligned, which a Python reader refuses at once.
#[derive(Debug, Default, Clone)]
pub struct FrameWriter {
    last: Option<Tag>,
    frames: usize,
    binary: bool,
}

impl FrameWriter {
    /// A writer for a new stream, of truss's frames.
    pub fn new() -> FrameWriter {
        FrameWriter::default()
    }

    /// A writer for a new stream, of binary frames ([`BINARY_FRAME_HEAD`]): each body is the
    /// model's msgpack (truss's binary mode, arrays as `msgpack_numpy` writes them, their
    /// payloads 8-byte aligned in the stream), which [`FrameReader`](super::FrameReader) reads
    /// as it reads JSON frames. A streaming chainlet writes them to a caller that asks for
    /// them ([`BINARY_FRAMES`] in `Accept`, as the Rust client does in binary mode).
    pub fn binary() -> FrameWriter {
        FrameWriter { binary: true, ..FrameWriter::default() }
    }

    /// Whether this writer writes binary frames.
    pub fn is_binary(&self) -> bool {
        self.binary
    }

    /// The frame's bytes: its tag, then its model's JSON text (pydantic's `model_dump_json()`),
    /// or for a [`binary`](Self::binary) writer its binary frame.
    pub fn write<I, H, F>(&mut self, frame: &Frame<I, H, F>) -> Result<Vec<u8>, StreamError>
    where
        I: JsonEncode,
        H: JsonEncode,
        F: JsonEncode,
    {
        let tag = frame.tag();
        let refused = match (tag, self.last) {
            (Tag::Header, Some(_)) => Some("a header after other frames"),
            (_, Some(Tag::Footer)) => Some("a frame after the footer"),
            _ => None,
        };
        if let Some(what) = refused {
            return Err(StreamError::Order { frame: self.frames, what });
        }
        let invalid = |source| StreamError::Invalid { frame: self.frames, tag, source };
        let bytes = if self.binary {
            // The head first, so that the body's arrays are aligned from the frame's start.
            let mut writer = MsgpackWriter::new(true);
            writer.raw(&[0; BINARY_FRAME_HEAD]);
            match frame {
                Frame::Header(header) => binary_body(header, &mut writer),
                Frame::Item(item) => binary_body(item, &mut writer),
                Frame::Footer(footer) => binary_body(footer, &mut writer),
            }
            let mut bytes = writer.into_result().map_err(invalid)?;
            let length = bytes.len() - BINARY_FRAME_HEAD;
            let length = u32::try_from(length).map_err(|_| self.too_large(length))?;
            bytes[0] = tag as u8 | BINARY_TAG;
            bytes[1..5].copy_from_slice(&length.to_be_bytes());
            bytes.resize(bytes.len().next_multiple_of(ARRAY_ALIGNMENT), 0);
            bytes
        } else {
            let json = match frame {
                Frame::Header(header) => crate::__private::to_string_unchecked(header),
                Frame::Item(item) => crate::__private::to_string_unchecked(item),
                Frame::Footer(footer) => crate::__private::to_string_unchecked(footer),
            }
            .map_err(invalid)?;
            encode_frame(tag, json.as_bytes()).ok_or_else(|| self.too_large(json.len()))?
        };
        self.last = Some(tag);
        self.frames += 1;
        Ok(bytes)
    }
}

fn binary_body<T: Encode + ?Sized>(value: &T, writer: &mut MsgpackWriter<'_>) {
    writer.reserve(value.size_hint());
    value.encode(writer);
}

impl FrameWriter {
    fn too_large(&self, length: usize) -> StreamError {
        StreamError::TooLarge { frame: self.frames, length: length as u64, limit: u32::MAX as usize }
    }
}

/// A frame of `body` tagged `tag`, or `None` when the body is longer than a `u32` says.
pub fn encode_frame(tag: Tag, body: &[u8]) -> Option<Vec<u8>> {
    let length = u32::try_from(body.len()).ok()?;
    let mut bytes = Vec::with_capacity(FRAME_TAG_SIZE + body.len());
    bytes.push(tag as u8);
    bytes.extend_from_slice(&length.to_be_bytes());
    bytes.extend_from_slice(body);
    Some(bytes)
}
