//! The request body, received once into an 8-byte aligned buffer under a size limit and the
//! memory budget of the bodies in flight.

use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_LENGTH;
use chainmodel_runtime::Limits;
use std::sync::Arc;

use chainmodel_runtime::json::{JsonDecode, JsonEncode};
use chainmodel_runtime::msgpack::{self, AlignedBytes, MsgpackDecode, MsgpackEncode};
use http_body_util::BodyExt;

use super::budget::{BodyBudget, BudgetShare};
use super::error::ModelRejection;
use crate::chains::Mode;
use crate::chains::growth::room_for;

/// The largest request body [`Model`](super::Model) and [`AlignedBody`] accept, in bytes.
///
/// Set it for some routes with `.layer(axum::Extension(BodyLimit(n)))` (or
/// [`Chainlet::body_limit`](super::Chainlet::body_limit)); without one, the limit is
/// [`BodyLimit::DEFAULT`], 2 GiB, the decoders' own limit ([`Limits::DEFAULT`]), fit for tensors.
/// A body over it is refused with `413` before it is buffered: from its `Content-Length`, or,
/// for a chunked body, as soon as the bytes that arrived pass it. Within the limit, a body's
/// buffer grows with the bytes that arrive, and the bodies in flight share a
/// [`BodyBudget`](super::BodyBudget) of memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

impl BodyLimit {
    /// 2 GiB: [`Limits::DEFAULT`]`.max_message_size`.
    pub const DEFAULT: BodyLimit = BodyLimit(Limits::DEFAULT.max_message_size);
}

impl Default for BodyLimit {
    fn default() -> Self {
        BodyLimit::DEFAULT
    }
}

/// The raw request body in an 8-byte aligned buffer, with the request's [`Mode`]: the extractor
/// for models that borrow from the body, such as those with [`NdArrayView`](crate::NdArrayView)
/// fields, which a by-value extractor cannot return.
///
/// [`decode`](Self::decode) reads a model from it in the request's mode; in binary mode every
/// array of an aligned message (what chainmodel's client and [`msgpack::to_vec`] send) is
/// borrowed, not copied. Rejections are [`ModelRejection`]s, in truss's error format.
///
/// ```
/// use axum::{Router, routing::post};
/// use chainmodel::prelude::*;
/// use chainmodel::server::{AlignedBody, ModelRejection, Mode, Reply};
///
/// #[derive(ChainModel)]
/// struct Frame<'a> { pixels: NdArrayView<'a, f32> }
///
/// #[derive(ChainModel)]
/// struct Summary { sum: f64, borrowed: bool }
///
/// async fn summarize(body: AlignedBody) -> Result<Reply<Summary>, ModelRejection> {
///     let frame: Frame<'_> = body.decode()?; // borrows `body`
///     let sum = frame.pixels.as_slice().iter().map(|&x| f64::from(x)).sum();
///     Ok(body.mode().reply(Summary { sum, borrowed: frame.pixels.is_borrowed() }))
/// }
///
/// let app: Router = Router::new().route("/summarize", post(summarize));
/// ```
pub struct AlignedBody {
    mode: Mode,
    bytes: Arc<AlignedBytes>,
    /// What the body holds of its [`BodyBudget`], given back with it.
    _share: BudgetShare,
}

impl AlignedBody {
    /// The request's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The body's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The aligned buffer (a copy if an [`answer`](Self::answer) still holds it). The body's
    /// share of its [`BodyBudget`] is given back: the bytes are the caller's to account for
    /// from here.
    pub fn into_bytes(self) -> AlignedBytes {
        Arc::try_unwrap(self.bytes).unwrap_or_else(|shared| shared.as_ref().clone())
    }

    /// Answers `value` in the request's mode, as [`Reply`](super::Reply) does, at once, while
    /// `value` may still borrow from the body: in binary mode the arrays it borrows from the
    /// body (views of the request) are sent from the body's memory, not copied
    /// ([`msgpack::to_pieces_within`]); the response holds the body until it is sent.
    ///
    /// ```
    /// use axum::response::Response;
    /// use chainmodel::prelude::*;
    /// use chainmodel::server::{AlignedBody, ModelRejection};
    ///
    /// #[derive(ChainModel)]
    /// struct Frame<'a> { pixels: NdArrayView<'a, f32> }
    ///
    /// async fn echo(body: AlignedBody) -> Result<Response, ModelRejection> {
    ///     let frame: Frame<'_> = body.decode()?;
    ///     Ok(body.answer(&frame))
    /// }
    /// ```
    pub fn answer<T: JsonEncode + MsgpackEncode + ?Sized>(&self, value: &T) -> axum::response::Response {
        super::model::answer(self.mode, value, Some(&self.bytes))
    }

    /// Reads a model from the body in the request's mode, as truss reads it; borrowed fields
    /// borrow from `self`, and in binary mode owned arrays ([`NdArray`](crate::NdArray)) and
    /// `Bytes` share the body rather than copy it ([`msgpack::from_shared`]). A JSON body is read as
    /// [`json::from_truss_body`](chainmodel_runtime::json::from_truss_body) reads it (binary-only
    /// models too: a JSON string for a bytes field is read as its UTF-8 bytes, as pydantic reads
    /// it); a binary body that msgpack itself refuses is a [`ModelRejection::Unpack`] in
    /// msgpack's words.
    pub fn decode<'a, M>(&'a self) -> Result<M, ModelRejection>
    where
        M: JsonDecode<'a> + MsgpackDecode<'a>,
    {
        // The size was checked against the body limit while reading.
        let limits = Limits { max_message_size: self.bytes.len(), ..Limits::DEFAULT };
        match self.mode {
            Mode::Json => Ok(crate::__private::from_truss_body_unchecked(&self.bytes, &limits)?),
            // truss unpacks the whole body before it validates: msgpack's own refusal comes
            // first, in its words.
            Mode::Binary => {
                msgpack::from_shared_with(&self.bytes, &limits).map_err(|error| match msgpack::truss_unpack_error_text(
                    &self.bytes,
                ) {
                    Some(text) => ModelRejection::Unpack(text),
                    None => ModelRejection::Invalid(error),
                })
            }
        }
    }

    /// Reads an owned model from the body, as [`decode`](Self::decode) does, and lets the body
    /// go: the model's owned arrays are then the body's only holders, so `input.values += 1.0`
    /// writes in place, one pass over the data. What [`Model`](super::Model) and a
    /// [`Chainlet`](super::Chainlet) do.
    pub fn decode_owned<M>(self) -> Result<M, ModelRejection>
    where
        M: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de>,
    {
        self.decode()
    }

    /// Reads the body of `request`, refusing one over `limit` bytes before buffering it, under
    /// the request's [`BodyBudget`] (its extension, else the global one).
    pub(crate) async fn read(request: Request, limit: usize) -> Result<Self, ModelRejection> {
        let mode = Mode::of(request.headers());
        let declared = match request.headers().get(CONTENT_LENGTH) {
            Some(value) => Some(
                value
                    .to_str()
                    .ok()
                    .and_then(|text| text.trim().parse::<u64>().ok())
                    .ok_or_else(|| ModelRejection::BodyRead("invalid Content-Length".into()))?,
            ),
            None => None,
        };
        let declared = match declared.map(usize::try_from) {
            Some(Ok(len)) if len <= limit => Some(len),
            Some(_) => return Err(ModelRejection::TooLarge { limit }),
            None => None,
        };
        let budget = request.extensions().get::<BodyBudget>().cloned().unwrap_or_else(BodyBudget::global);
        // The budget is taken as the bytes arrive: a declared length is only a claim.
        let mut share = budget.share(declared)?;
        // The buffer grows with the bytes that really arrive (`room_for`): a claim the client
        // does not back costs no memory.
        let mut bytes = AlignedBytes::new();
        let mut body = request.into_body();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(body_error)?;
            let Ok(data) = frame.into_data() else { continue };
            if data.len() > limit - bytes.len() {
                return Err(ModelRejection::TooLarge { limit });
            }
            let needed = bytes.len() + data.len();
            share.hold(needed).await?;
            if needed > bytes.capacity() {
                let wanted = room_for(bytes.len(), needed, declared, limit);
                bytes
                    .try_reserve_exact(wanted - bytes.len())
                    .map_err(|_| ModelRejection::Busy { budget: budget.bytes() })?;
            }
            bytes.extend_from_slice(&data);
        }
        Ok(AlignedBody { mode, bytes: Arc::new(bytes), _share: share })
    }
}

impl std::fmt::Debug for AlignedBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlignedBody").field("mode", &self.mode).field("len", &self.bytes.len()).finish()
    }
}

/// The limit in force for a request.
pub(crate) fn limit_of(request: &Request) -> usize {
    request.extensions().get::<BodyLimit>().copied().unwrap_or_default().0
}

fn body_error(error: axum::Error) -> ModelRejection {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(error) = source {
        if error.is::<super::timeout::BodyReadTimeout>() {
            return ModelRejection::Timeout;
        }
        source = error.source();
    }
    ModelRejection::BodyRead(error.to_string())
}

impl<S: Send + Sync> FromRequest<S> for AlignedBody {
    type Rejection = ModelRejection;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let limit = limit_of(&request);
        AlignedBody::read(request, limit).await
    }
}
