//! The request's mode, JSON or binary, as truss chooses it from the `Content-Type`.

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue};

/// The media type of binary mode: msgpack (with msgpack_numpy arrays) in both directions.
pub const BINARY_CONTENT_TYPE: &str = "application/octet-stream";
/// The media type of JSON mode.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// How a request's body is encoded, and so how its answer is: truss's rule, read from the
/// request alone.
///
/// Binary iff the `Content-Type` media type (the part before `;`, trimmed, case-insensitive) is
/// `application/octet-stream`; any other type, or none, is JSON. As an axum extractor it never
/// fails; the client reads a response's mode by the same rule.
///
/// ```
/// use http::HeaderMap;
/// use chainmodel::server::Mode;
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(Mode::of(&headers), Mode::Json);
/// headers.insert("content-type", " Application/Octet-Stream ; charset=x".parse().unwrap());
/// assert_eq!(Mode::of(&headers), Mode::Binary);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// `application/json`: pydantic's JSON text (arrays as base64).
    #[default]
    Json,
    /// `application/octet-stream`: msgpack of `model_dump(mode="python")`, arrays as msgpack_numpy maps.
    Binary,
}

impl Mode {
    /// The mode a request with these headers is in.
    pub fn of(headers: &HeaderMap) -> Mode {
        let Some(value) = headers.get(CONTENT_TYPE) else { return Mode::Json };
        // A header that is not visible ASCII has no media type truss would recognise.
        let Ok(text) = value.to_str() else { return Mode::Json };
        let media_type = text.split(';').next().unwrap_or_default().trim();
        if media_type.eq_ignore_ascii_case(BINARY_CONTENT_TYPE) { Mode::Binary } else { Mode::Json }
    }

    /// The `Content-Type` of a body in this mode.
    pub fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Mode::Json => JSON_CONTENT_TYPE,
            Mode::Binary => BINARY_CONTENT_TYPE,
        })
    }

    /// Whether this is binary mode.
    pub fn is_binary(self) -> bool {
        self == Mode::Binary
    }
}
