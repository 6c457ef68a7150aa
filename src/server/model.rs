//! The extractor and responder pair: a model in, a model out, in the request's mode.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use chainmodel_runtime::json::{JsonDecode, JsonEncode};
use chainmodel_runtime::msgpack::{MsgpackDecode, MsgpackEncode};

use super::body::{AlignedBody, limit_of};
use super::error::{ModelRejection, RemoteError, UNHANDLED_ERROR_CODE, truss_error_response};
use crate::chains::Mode;
use crate::chains::wire::Chunks;
use axum::body::Body;
use chainmodel_runtime::msgpack::AlignedBytes;

/// Extracts a model from the request body in the mode its `Content-Type` selects (see
/// [`Mode`]), as axum's `Json<T>` extracts JSON; the rejection, [`ModelRejection`], answers in
/// truss's error format (`400`, or `413` for a body over the [`BodyLimit`](super::BodyLimit)).
///
/// For models that borrow from the body (`NdArrayView`, `&str` fields) use
/// [`AlignedBody`]; answer with [`Reply`] so the response is in the request's mode.
///
/// ```
/// use axum::{Router, routing::post};
/// use chainmodel::prelude::*;
/// use chainmodel::server::{Mode, Model, Reply};
///
/// #[derive(ChainModel)]
/// struct Embed { text: String }
///
/// #[derive(ChainModel)]
/// struct Embedding { vector: NdArray<f32> }
///
/// async fn embed(mode: Mode, Model(input): Model<Embed>) -> Reply<Embedding> {
///     let vector = NdArray::from_vec(vec![input.text.len() as f32; 4]);
///     mode.reply(Embedding { vector })
/// }
///
/// let app: Router = Router::new().route("/embed", post(embed));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Model<T>(pub T);

impl<T, S> FromRequest<S> for Model<T>
where
    T: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de>,
    S: Send + Sync,
{
    type Rejection = ModelRejection;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let limit = limit_of(&request);
        let body = AlignedBody::read(request, limit).await?;
        body.decode_owned().map(Model)
    }
}

/// A model answered in the request's mode: pydantic's JSON text with `application/json`, or
/// truss's msgpack with `application/octet-stream` (arrays 8-byte aligned, see
/// [`msgpack::to_vec`](crate::msgpack::to_vec)). Made with [`Mode::reply`] or [`Reply::new`].
#[derive(Clone, Debug, PartialEq)]
pub struct Reply<T> {
    /// The mode to answer in: the request's.
    pub mode: Mode,
    /// The model.
    pub value: T,
}

impl<T> Reply<T> {
    /// Answers `value` in `mode`.
    pub fn new(mode: Mode, value: T) -> Self {
        Reply { mode, value }
    }
}

impl Mode {
    /// Answers `value` in this mode.
    pub fn reply<T>(self, value: T) -> Reply<T> {
        Reply::new(self, value)
    }
}

impl<T: JsonEncode + MsgpackEncode> IntoResponse for Reply<T> {
    fn into_response(self) -> Response {
        answer(self.mode, &self.value, None)
    }
}

/// `value` answered in `mode`; in binary mode large owned arrays, and arrays borrowed from
/// `within` (the request's body), are sent from their own memory.
pub(crate) fn answer<T: JsonEncode + MsgpackEncode + ?Sized>(
    mode: Mode,
    value: &T,
    within: Option<&std::sync::Arc<AlignedBytes>>,
) -> Response {
    let body = match mode {
        Mode::Json => match crate::__private::to_string_unchecked(value) {
            Ok(text) => Ok(Chunks::from(Vec::from(text))),
            // What truss answers when pydantic cannot write the output: bytes that are not
            // UTF-8, in JSON mode.
            Err(error) => return unserializable(&error),
        },
        // The payloads of large owned arrays are sent from the arrays' memory.
        Mode::Binary => match within {
            Some(body) => chainmodel_runtime::msgpack::to_pieces_within(value, body),
            None => chainmodel_runtime::msgpack::to_pieces(value),
        }
        .map(Chunks::from_pieces),
    };
    match body {
        Ok(body) => ([(CONTENT_TYPE, mode.content_type())], Body::new(body.into_body())).into_response(),
        Err(error) => RemoteError::from(error).into_response(),
    }
}

/// truss's answer to an output pydantic cannot write as JSON (bytes that are not UTF-8): its
/// unhandled-exception error, `500`, code 500.
fn unserializable(error: &chainmodel_runtime::Error) -> Response {
    let reason = match error.kind() {
        chainmodel_runtime::ErrorKind::InvalidValue(message) => message.clone(),
        other => other.to_string(),
    };
    tracing::error!("the output cannot be written as JSON: {reason}");
    let message = format!("Unhandled exception: PydanticSerializationError: Error serializing to JSON: {reason}");
    truss_error_response(StatusCode::INTERNAL_SERVER_ERROR, UNHANDLED_ERROR_CODE, message.into())
}
