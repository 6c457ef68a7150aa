//! Reading a typed stream strictly, as `truss_chains.streaming.stream_reader` reads it and
//! stricter: every frame in its place, nothing after the footer, no frame cut short.

use std::marker::PhantomData;

use chainmodel_runtime::Limits;
use chainmodel_runtime::json::JsonDecode;
use futures_util::{Stream, StreamExt};

use chainmodel_runtime::msgpack::{ARRAY_ALIGNMENT, AlignedBytes};

use super::frame::{BINARY_FRAME_HEAD, BINARY_TAG, FRAME_TAG_SIZE, Frame, Tag};
use super::{BoxError, StreamError};

/// A frame's body: JSON text (truss's frames) or msgpack (binary frames), in an aligned
/// buffer so that its arrays are read at the speed of a copy.
enum Body {
    Json(Vec<u8>),
    Msgpack(AlignedBytes),
}

/// What a reader reads (a marker: it owns none).
type Reads<I, H, F> = fn() -> Frame<I, H, F>;

/// Where the reader is in the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Nothing read yet: a header may come.
    Start,
    /// A header or items read.
    Items,
    /// The footer, an end frame or the end of the input read: nothing may follow.
    Done,
}

/// Reads the frames of a typed stream (truss-chains' `stream_reader`) from a stream of byte
/// chunks, each frame's model validated as pydantic's `model_validate_json` validates it.
///
/// Chunks may split frames anywhere; a frame's buffer grows with the bytes that arrive, never
/// with the length its tag declares, and a frame over [`max_frame`](Self::max_frame) is
/// refused before it is read. Stricter than Python's reader, which stops reading at a footer:
/// a second header, data after the footer, an unknown tag or input that ends inside a frame
/// are errors, each naming the frame and its byte offset.
///
/// It reads chainmodel's binary frames too ([`FrameWriter::binary`](super::FrameWriter::binary):
/// msgpack bodies, what a Rust chainlet answers a Rust client in binary mode), each frame as its
/// tag says.
///
/// ```
/// # futures_util::FutureExt::now_or_never(async {
/// use chainmodel::prelude::*;
/// use chainmodel::chains::streaming::{Frame, FrameReader, FrameWriter};
///
/// #[derive(ChainModel, Debug, PartialEq)]
/// struct Header { prompt: String }
/// #[derive(ChainModel, Debug, PartialEq)]
/// struct Token { index: i64, token: String }
///
/// let mut writer = FrameWriter::new();
/// let mut bytes = writer.write(&Frame::<Token, Header>::Header(Header { prompt: "p".into() })).unwrap();
/// bytes.extend(writer.write(&Frame::<Token, Header>::Item(Token { index: 0, token: "p-0".into() })).unwrap());
/// // One byte per chunk: frames may be split anywhere.
/// let chunks = bytes.into_iter().map(|byte| Ok::<_, std::io::Error>(vec![byte]));
/// let mut reader = FrameReader::<_, Token, Header>::new(futures_util::stream::iter(chunks));
/// assert_eq!(reader.read_header().await.unwrap(), Header { prompt: "p".into() });
/// assert_eq!(reader.next_item().await.unwrap().unwrap(), Token { index: 0, token: "p-0".into() });
/// assert!(reader.next_item().await.is_none());
/// # }).unwrap();
/// ```
pub struct FrameReader<S, I, H = (), F = ()> {
    source: S,
    buffer: Vec<u8>,
    /// The first byte of `buffer` not read yet.
    start: usize,
    /// The source has ended.
    exhausted: bool,
    /// Frames read so far.
    frames: usize,
    /// Bytes of the input before `buffer[start]`.
    offset: u64,
    phase: Phase,
    /// A footer met while reading items, for `read_footer`.
    footer: Option<Body>,
    max_frame: usize,
    _types: PhantomData<Reads<I, H, F>>,
}

impl<S, I, H, F, B, E> FrameReader<S, I, H, F>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: Into<BoxError>,
    I: for<'de> JsonDecode<'de>,
    H: for<'de> JsonDecode<'de>,
    F: for<'de> JsonDecode<'de>,
{
    /// A reader of the frames in `source`'s chunks.
    pub fn new(source: S) -> Self {
        FrameReader {
            source,
            buffer: Vec::new(),
            start: 0,
            exhausted: false,
            frames: 0,
            offset: 0,
            phase: Phase::Start,
            footer: None,
            max_frame: Limits::DEFAULT.max_message_size,
            _types: PhantomData,
        }
    }

    /// The largest frame body accepted, in bytes (default 2 GiB, [`Limits::DEFAULT`]).
    #[must_use]
    pub fn max_frame(mut self, bytes: usize) -> Self {
        self.max_frame = bytes;
        self
    }

    /// The header (`read_header()`): the stream's first frame must be one.
    pub async fn read_header(&mut self) -> Result<H, StreamError> {
        let frame = self.frames;
        match self.raw().await? {
            Some((Tag::Header, frame, body)) => decode(body, frame, Tag::Header),
            other => Err(StreamError::Missing { frame, expected: "a header", found: other.map(|(tag, ..)| tag) }),
        }
    }

    /// The next item (`read_items()`), `None` at the footer or the end of the stream. A header
    /// not read first is an error, as in Python.
    pub async fn next_item(&mut self) -> Option<Result<I, StreamError>> {
        if self.phase == Phase::Done && self.footer.is_some() {
            return None;
        }
        match self.raw().await {
            Err(error) => Some(Err(error)),
            Ok(None) => None,
            Ok(Some((Tag::Item, frame, body))) => Some(decode(body, frame, Tag::Item)),
            Ok(Some((Tag::Footer, _, body))) => {
                self.footer = Some(body);
                None
            }
            Ok(Some((tag, frame, _))) => Some(Err(StreamError::Order {
                frame,
                what: if tag == Tag::Header { "a header not read with `read_header`" } else { "an end frame" },
            })),
        }
    }

    /// The footer (`read_footer()`): after the items, the next frame must be one.
    pub async fn read_footer(&mut self) -> Result<F, StreamError> {
        if let Some(body) = self.footer.take() {
            return decode(body, self.frames - 1, Tag::Footer);
        }
        let frame = self.frames;
        match self.raw().await? {
            Some((Tag::Footer, frame, body)) => decode(body, frame, Tag::Footer),
            other => Err(StreamError::Missing { frame, expected: "a footer", found: other.map(|(tag, ..)| tag) }),
        }
    }

    /// The next frame whatever its kind, `None` at the end: what a reader that does not know
    /// whether a header or a footer comes uses (the CLI's `--typed`).
    pub async fn next_frame(&mut self) -> Option<Result<Frame<I, H, F>, StreamError>> {
        if let Some(body) = self.footer.take() {
            return Some(decode(body, self.frames - 1, Tag::Footer).map(Frame::Footer));
        }
        match self.raw().await {
            Err(error) => Some(Err(error)),
            Ok(None) => None,
            Ok(Some((tag, frame, body))) => Some(match tag {
                Tag::Header => decode(body, frame, tag).map(Frame::Header),
                Tag::Item => decode(body, frame, tag).map(Frame::Item),
                Tag::Footer => decode(body, frame, tag).map(Frame::Footer),
                Tag::End => unreachable!("`raw` ends the stream at an end frame"),
            }),
        }
    }

    /// The next frame's tag, index and body; `None` at the end of the stream, after the footer
    /// or an end frame (input after them is an error).
    async fn raw(&mut self) -> Result<Option<(Tag, usize, Body)>, StreamError> {
        if self.phase == Phase::Done {
            return self.expect_end().await.map(|()| None);
        }
        let frame = self.frames;
        let at = self.offset;
        if !self.fill(FRAME_TAG_SIZE).await? {
            let got = self.available();
            if got == 0 {
                self.phase = Phase::Done;
                return Ok(None);
            }
            return Err(StreamError::Truncated { frame, offset: at, expected: FRAME_TAG_SIZE as u64, got });
        }
        let head = &self.buffer[self.start..self.start + FRAME_TAG_SIZE];
        let byte = head[0];
        let length = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as u64;
        // A binary frame: `kind | 0x10`, for a header, an item or a footer.
        let binary = byte & !0x07 == BINARY_TAG && byte != BINARY_TAG | Tag::End as u8;
        let Some(tag) = Tag::from_byte(if binary { byte & !BINARY_TAG } else { byte }) else {
            return Err(StreamError::UnknownTag { frame, offset: at, tag: byte });
        };
        if length > self.max_frame as u64 {
            return Err(StreamError::TooLarge { frame, length, limit: self.max_frame });
        }
        match (tag, self.phase) {
            (Tag::Header, Phase::Items) => {
                return Err(StreamError::Order { frame, what: "a header after other frames" });
            }
            (Tag::Footer | Tag::End, _) => self.phase = Phase::Done,
            _ => self.phase = Phase::Items,
        }
        // A binary frame's head is 8 bytes, its body padded to a multiple of 8.
        let (head, padded) = match binary {
            true => (BINARY_FRAME_HEAD, (length as usize).next_multiple_of(ARRAY_ALIGNMENT)),
            false => (FRAME_TAG_SIZE, length as usize),
        };
        let total = head + padded;
        if !self.fill(total).await? {
            let got = self.available().saturating_sub(head).min(length as usize);
            return Err(StreamError::Truncated { frame, offset: at, expected: length, got });
        }
        let bytes = &self.buffer[self.start + head..self.start + head + length as usize];
        let body = match binary {
            true => {
                let mut aligned = AlignedBytes::with_capacity(bytes.len());
                aligned.extend_from_slice(bytes);
                Body::Msgpack(aligned)
            }
            false => Body::Json(bytes.to_vec()),
        };
        self.consume(total);
        self.frames += 1;
        if tag == Tag::End {
            return self.expect_end().await.map(|()| None);
        }
        Ok(Some((tag, frame, body)))
    }

    /// After the last frame: the input must end here.
    async fn expect_end(&mut self) -> Result<(), StreamError> {
        if self.fill(1).await? {
            return Err(StreamError::Order { frame: self.frames, what: "data after the stream's last frame" });
        }
        Ok(())
    }

    fn available(&self) -> usize {
        self.buffer.len() - self.start
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
        // Keep the buffer from growing with the whole stream: drop what was read once it is
        // the larger part.
        if self.start > self.buffer.len() / 2 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
    }

    /// Reads chunks until `n` bytes are available; `false` if the input ends first.
    async fn fill(&mut self, n: usize) -> Result<bool, StreamError> {
        while self.available() < n {
            if self.exhausted {
                return Ok(false);
            }
            match self.source.next().await {
                None => self.exhausted = true,
                Some(Ok(chunk)) => self.buffer.extend_from_slice(chunk.as_ref()),
                Some(Err(error)) => {
                    self.exhausted = true;
                    return Err(StreamError::Transport { frame: self.frames, source: error.into() });
                }
            }
        }
        Ok(true)
    }
}

impl<S, I, H, F> std::fmt::Debug for FrameReader<S, I, H, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameReader")
            .field("frames", &self.frames)
            .field("offset", &self.offset)
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}

fn decode<T: for<'de> JsonDecode<'de>>(body: Body, frame: usize, tag: Tag) -> Result<T, StreamError> {
    match &body {
        Body::Json(text) => crate::__private::from_slice_unchecked_with(text, &Limits::DEFAULT),
        Body::Msgpack(bytes) => chainmodel_runtime::msgpack::from_slice_with(bytes, &Limits::DEFAULT),
    }
    .map_err(|source| StreamError::Invalid { frame, tag, source })
}
