//! A successful response, kept in an 8-byte aligned buffer so views borrow from it.

use http::{HeaderMap, StatusCode};

use crate::Limits;
use crate::chains::Mode;
use crate::json::JsonDecode;
use crate::msgpack::{self, AlignedBytes, MsgpackDecode};

use super::error::Error;

/// A successful response: its body in an 8-byte aligned buffer and the [`Mode`] its
/// `Content-Type` says, so that [`decode`](Self::decode) borrows every array of a binary
/// response (`NdArrayView` fields) instead of copying it.
///
/// Made by [`Client::call`](super::Client::call); [`Client::predict`](super::Client::predict)
/// decodes it into an owned value at once.
pub struct Response {
    pub(crate) chainlet: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) mode: Mode,
    pub(crate) body: std::sync::Arc<AlignedBytes>,
}

impl Response {
    /// The status (a success: failures are [`Error::Remote`]).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body's mode, by its `Content-Type` (truss answers in the request's mode).
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The body.
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body's aligned buffer (a copy if owned values decoded from it still share it).
    pub fn into_bytes(self) -> AlignedBytes {
        std::sync::Arc::try_unwrap(self.body).unwrap_or_else(|shared| shared.as_ref().clone())
    }

    /// Reads a value from the body in its mode; borrowed fields borrow from `self`, and in
    /// binary mode owned arrays ([`NdArray`](crate::NdArray)) and `Bytes` share the body rather
    /// than copy it ([`msgpack::from_shared`]).
    pub fn decode<'a, T>(&'a self) -> Result<T, Error>
    where
        T: JsonDecode<'a> + MsgpackDecode<'a>,
    {
        // The size was checked against the response limit while reading.
        let limits = Limits { max_message_size: self.body.len(), ..Limits::DEFAULT };
        let decoded = match self.mode {
            Mode::Json => crate::__private::from_slice_unchecked_with(&self.body, &limits),
            Mode::Binary => msgpack::from_shared_with(&self.body, &limits),
        };
        decoded.map_err(|source| Error::Output { chainlet: self.chainlet.clone(), source })
    }

    /// Reads an owned value from the body, as [`decode`](Self::decode) does, and lets the
    /// response go: its owned arrays are then the body's only holders, written in place. What
    /// [`Client::predict`](super::Client::predict) does.
    pub fn decode_owned<T>(self) -> Result<T, Error>
    where
        T: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de>,
    {
        self.decode()
    }
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("mode", &self.mode)
            .field("len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Which way bytes travel in a [`Transfer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The request's body, going out.
    Upload,
    /// The response's body, coming in.
    Download,
}

/// Progress of a call's body, reported to [`ClientBuilder::on_progress`](super::ClientBuilder::on_progress).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// Which body.
    pub direction: Direction,
    /// Bytes so far.
    pub done: u64,
    /// The body's length, when known (a response without `Content-Length` has none).
    pub total: Option<u64>,
}
