//! truss-chains' typed stream frames (`truss_chains.streaming`): a 5-byte tag, `>BI` (the
//! frame's kind, then the length of its body, big-endian), then the body, the model's
//! `model_dump_json()` text.

use chainmodel_runtime::json::JsonEncode;

use super::StreamError;

/// The bytes before each frame's body: its kind (one byte) and its body's length (`u32`,
/// big-endian), as `struct.pack(">BI", tag, len)` writes them.
pub const FRAME_TAG_SIZE: usize = 5;

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
#[derive(Debug, Default, Clone)]
pub struct FrameWriter {
    last: Option<Tag>,
    frames: usize,
}

impl FrameWriter {
    /// A writer for a new stream.
    pub fn new() -> FrameWriter {
        FrameWriter::default()
    }

    /// The frame's bytes: its tag, then its model's JSON text (pydantic's `model_dump_json()`).
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
        let json = match frame {
            Frame::Header(header) => crate::__private::to_string_unchecked(header),
            Frame::Item(item) => crate::__private::to_string_unchecked(item),
            Frame::Footer(footer) => crate::__private::to_string_unchecked(footer),
        }
        .map_err(|source| StreamError::Invalid { frame: self.frames, tag, source })?;
        let bytes = encode_frame(tag, json.as_bytes()).ok_or(StreamError::TooLarge {
            frame: self.frames,
            length: json.len() as u64,
            limit: u32::MAX as usize,
        })?;
        self.last = Some(tag);
        self.frames += 1;
        Ok(bytes)
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
