//! Errors as truss answers them: always JSON `{"error": ..}` with Baseten's error headers.

use std::fmt;

use crate::serde_json::{Value, json};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::chains::{ERROR_CODE_HEADER, ERROR_SOURCE_HEADER, JSON_CONTENT_TYPE, RemoteErrorDetail, StackFrame};

/// truss's `_BASETEN_CLIENT_ERROR_CODE`: bad input.
pub(crate) const CLIENT_ERROR_CODE: u16 = 700;
/// truss's code for an unhandled exception of its own (the status's, `500`).
pub(crate) const UNHANDLED_ERROR_CODE: u16 = 500;
/// truss's `_BASETEN_DOWNSTREAM_ERROR_CODE`: the model (chainlet) failed or is not ready.
pub(crate) const DOWNSTREAM_ERROR_CODE: u16 = 600;

/// truss's `_make_baseten_response`: `{"error": error}` with the headers Baseten reads.
pub(crate) fn truss_error_response(status: StatusCode, code: u16, error: Value) -> Response {
    let body = json!({ "error": error }).to_string();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    headers.insert(ERROR_SOURCE_HEADER, HeaderValue::from_static("04"));
    headers.insert(ERROR_CODE_HEADER, HeaderValue::from(code));
    response
}

/// Why a request's body could not be read as a model: the rejection of
/// [`Model`](super::Model) and [`AlignedBody`](super::AlignedBody).
///
/// It answers as truss answers bad input, `{"error": "Input Parsing Error:\n  `x`: Field required."}`
/// with `X-BASETEN-ERROR-SOURCE: 04` and `X-BASETEN-ERROR-CODE: 700`; match on it to answer otherwise.
///
/// ```
/// use axum::response::IntoResponse;
/// use chainmodel::prelude::*;
/// use chainmodel::server::ModelRejection;
///
/// #[derive(ChainModel, Debug)]
/// struct Input { some_numbers: NdArray<f64> }
///
/// let rejection = ModelRejection::Invalid(Input::from_json("{}").unwrap_err());
/// assert_eq!(rejection.to_string(), "Input Parsing Error:\n  `some_numbers`: Field required.");
/// assert_eq!(rejection.into_response().status(), 400);
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ModelRejection {
    /// The body is not a valid model in the request's mode: malformed JSON, a wrong type, a
    /// missing field, an array whose shape or dtype does not fit its bytes, a structured array,
    /// nesting deeper than the decoder's limit. `400`.
    Invalid(chainmodel_runtime::Error),
    /// A binary body msgpack itself refuses, as truss's server reads it (`msgpack.unpackb`):
    /// truncated, followed by more bytes, a `0xC1` byte, nested over 1024 deep, a str that is
    /// not UTF-8, a map key that is neither str nor bin, a pickled numpy array. The text is
    /// msgpack's own, answered bare as truss answers it: `{"error": "Unpack failed: incomplete
    /// input"}`, `unpack(b) received extra data.`, `int is not allowed for map key when
    /// strict_map_key=True`, and the empty text of msgpack's `FormatError` and `StackError`.
    /// `400`.
    Unpack(String),
    /// The body is larger than the limit (see [`BodyLimit`](super::BodyLimit)); refused before
    /// it is buffered, from `Content-Length` or, for a chunked body, once the bytes that arrived
    /// pass the limit. `413`.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body is larger than the whole [`BodyBudget`](super::BodyBudget) of memory for the
    /// bodies in flight: it could never be held. `413`.
    OverBudget {
        /// The budget, in bytes.
        budget: usize,
    },
    /// The bodies in flight hold the whole [`BodyBudget`](super::BodyBudget) of memory, and
    /// did not give back enough of it in time (a body with a `Content-Length`) or at all (a
    /// chunked body, which does not wait); or memory ran short. `503`, with
    /// `X-BASETEN-ERROR-CODE: 600` (the server's state, not the request, is at fault): clients
    /// retry it.
    Busy {
        /// The budget, in bytes.
        budget: usize,
    },
    /// The client stopped sending the body for longer than the body read timeout
    /// ([`Serve::body_read_timeout`](super::Serve::body_read_timeout)). `408`.
    Timeout,
    /// The body could not be read: the connection failed or the client broke off. `400`.
    BodyRead(String),
}

impl ModelRejection {
    /// The status it answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            ModelRejection::Invalid(_) | ModelRejection::Unpack(_) | ModelRejection::BodyRead(_) => {
                StatusCode::BAD_REQUEST
            }
            ModelRejection::TooLarge { .. } | ModelRejection::OverBudget { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ModelRejection::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ModelRejection::Timeout => StatusCode::REQUEST_TIMEOUT,
        }
    }
}

impl fmt::Display for ModelRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelRejection::Invalid(error) => f.write_str(&error.to_truss_text()),
            ModelRejection::Unpack(text) => f.write_str(text),
            ModelRejection::TooLarge { limit } => {
                write!(f, "Request body is larger than the limit of {limit} bytes.")
            }
            ModelRejection::OverBudget { budget } => {
                write!(f, "Request body is larger than the server's memory budget for request bodies, {budget} bytes.")
            }
            ModelRejection::Busy { budget } => write!(
                f,
                "The server is busy: the request bodies in flight hold its memory budget for request bodies \
                 ({budget} bytes). Try again later."
            ),
            ModelRejection::Timeout => {
                f.write_str("Timed out reading the request body: the client stopped sending it.")
            }
            ModelRejection::BodyRead(message) => {
                write!(f, "The request body could not be read: {message}.")
            }
        }
    }
}

impl std::error::Error for ModelRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ModelRejection::Invalid(error) => Some(error),
            _ => None,
        }
    }
}

impl From<chainmodel_runtime::Error> for ModelRejection {
    fn from(error: chainmodel_runtime::Error) -> Self {
        ModelRejection::Invalid(error)
    }
}

impl IntoResponse for ModelRejection {
    fn into_response(self) -> Response {
        let code = match self {
            ModelRejection::Busy { .. } => DOWNSTREAM_ERROR_CODE,
            _ => CLIENT_ERROR_CODE,
        };
        truss_error_response(self.status(), code, Value::from(self.to_string()))
    }
}

/// A chainlet's failure, answered as truss answers a Python chainlet's exception: status 500
/// (or the one set with [`with_status`](Self::with_status)), `X-BASETEN-ERROR-CODE: 600` and
/// `{"error": RemoteErrorDetail}`, from which the Python chains stub re-raises the error with
/// its class name and message.
///
/// Any error type (`Send + Sync + 'static`) converts into it with `?`: its class name is the
/// Rust type's name, its module the type's path, its one stack frame where the `?` was. An
/// error whose type is known only at run time, `anyhow::Error`, `Box<dyn Error + Send + Sync>`
/// or a string, is a `RuntimeError` (as pyo3 raises anyhow's), its message the chain of causes
/// (`reading the config: invalid digit found in string`). Name a Python builtin class
/// (`ValueError`, `RuntimeError`, ...) with [`new`](Self::new) and the stub raises that class.
///
/// ```
/// use chainmodel::server::RemoteError;
///
/// fn parse(text: &str) -> Result<i64, RemoteError> {
///     Ok(text.parse::<i64>()?)
/// }
/// let err = parse("ten").unwrap_err();
/// assert_eq!(err.class_name(), "ParseIntError");
/// assert_eq!(err.message(), "invalid digit found in string");
///
/// let err = RemoteError::new("ValueError", "This input is too long: 100.");
/// assert_eq!(err.to_detail()["exception_module_name"], serde_json::Value::Null);
/// ```
#[derive(Clone, Debug)]
pub struct RemoteError {
    status: StatusCode,
    class_name: String,
    module_name: Option<String>,
    message: String,
    stack: Vec<StackFrame>,
}

impl RemoteError {
    /// An error of the Python class `class_name` (a builtin, module `None`) with `message`.
    pub fn new(class_name: impl Into<String>, message: impl Into<String>) -> Self {
        RemoteError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            class_name: class_name.into(),
            module_name: None,
            message: message.into(),
            stack: Vec::new(),
        }
    }

    /// Sets the module the class is defined in (`exception_module_name`).
    #[must_use]
    pub fn with_module(mut self, module_name: impl Into<String>) -> Self {
        self.module_name = Some(module_name.into());
        self
    }

    /// Answers with `status` instead of 500, as a Python chainlet raising `HTTPException` does.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Appends a frame to the stack trace (outermost first, as Python lists them).
    #[must_use]
    pub fn with_frame(mut self, frame: StackFrame) -> Self {
        self.stack.push(frame);
        self
    }

    /// The status it answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A panic as pyo3 raises one in Python: `pyo3_runtime.PanicException`, the panic's
    /// message as its message.
    pub(crate) fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let message = match (payload.downcast_ref::<&'static str>(), payload.downcast_ref::<String>()) {
            (Some(message), _) => (*message).to_owned(),
            (None, Some(message)) => message.clone(),
            // What Rust's panic hook prints for a payload that is not text.
            (None, None) => "Box<dyn Any>".to_owned(),
        };
        RemoteError::new("PanicException", message).with_module("pyo3_runtime")
    }

    /// The exception's class name.
    pub fn class_name(&self) -> &str {
        &self.class_name
    }

    /// The exception's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The `RemoteErrorDetail` JSON: `{exception_cls_name, exception_module_name,
    /// exception_message, user_stack_trace: [{filename, lineno, name, line}]}`.
    pub fn to_detail(&self) -> Value {
        self.detail().to_json()
    }

    /// The [`RemoteErrorDetail`] the response carries.
    pub fn detail(&self) -> RemoteErrorDetail {
        RemoteErrorDetail {
            exception_cls_name: self.class_name.clone(),
            exception_module_name: self.module_name.clone(),
            exception_message: self.message.clone(),
            user_stack_trace: self.stack.clone(),
        }
    }
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class_name, self.message)
    }
}

// Not `std::error::Error` itself, so that every error type converts with `?` (as anyhow does).
// The bound is `Into<Box<dyn Error + Send + Sync>>` rather than `Error`, so that it also holds
// for `anyhow::Error` and `Box<dyn Error + Send + Sync>` (neither is an `Error`; impls for them
// beside one for every `E: Error` would overlap, as far as coherence can tell).
impl<E> From<E> for RemoteError
where
    E: Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
{
    #[track_caller]
    fn from(error: E) -> Self {
        let type_name = std::any::type_name::<E>();
        let error: Box<dyn std::error::Error + Send + Sync + 'static> = error.into();
        // An error whose type is known only at run time (anyhow's, a boxed one, a string) is
        // raised as pyo3 raises anyhow's: a `RuntimeError`, the chain of causes its message.
        let dynamic = type_name == "anyhow::Error"
            || type_name.starts_with("alloc::boxed::Box<dyn ")
            || type_name.starts_with("alloc::borrow::Cow<")
            || matches!(type_name, "&str" | "alloc::string::String");
        #[cfg_attr(not(feature = "client"), allow(unused_mut))]
        let (mut module, mut class, message) = if dynamic {
            let mut message = error.to_string();
            let mut cause = error.source();
            while let Some(error) = cause {
                message.push_str(": ");
                message.push_str(&error.to_string());
                cause = error.source();
            }
            (None, "RuntimeError", message)
        } else {
            // `core::num::error::ParseIntError` → module `core::num::error`, class
            // `ParseIntError`; generic parameters stay with the class.
            let path_end = type_name.find('<').unwrap_or(type_name.len());
            let (module, class) = match type_name[..path_end].rfind("::") {
                Some(split) => (Some(&type_name[..split]), &type_name[split + 2..]),
                None => (None, type_name),
            };
            (module, class, error.to_string())
        };
        // A failed call to another chainlet is re-raised as truss's stub re-raises it: as the
        // remote exception's class, the message the chained traceback.
        #[cfg(feature = "client")]
        if let Some((remote_module, remote_class)) = client_error_class(&*error) {
            (module, class) = (remote_module, remote_class);
        }
        let caller = std::panic::Location::caller();
        let mut remote = RemoteError::new(class, message);
        // A conversion through `Into::into` is located in the standard library: no user frame.
        if !caller.file().starts_with("/rustc/") {
            remote = remote.with_frame(StackFrame {
                filename: caller.file().to_owned(),
                lineno: Some(caller.line()),
                name: "run_remote".to_owned(),
                line: None,
            });
        }
        remote.module_name = module.map(str::to_owned);
        remote
    }
}

/// The Python class a client error is raised as by truss's stub: the remote exception's for a
/// chainlet that raised, `TimeoutError` for a timeout.
#[cfg(feature = "client")]
fn client_error_class<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<(Option<&'a str>, &'a str)> {
    use crate::client::{Error, RemoteErrorBody};
    match error.downcast_ref::<Error>()? {
        Error::Remote(failure) => match &failure.error {
            RemoteErrorBody::Detail(detail) => {
                Some((detail.exception_module_name.as_deref(), detail.exception_cls_name.as_str()))
            }
            // What the stub raises for truss's own messages.
            RemoteErrorBody::Message(_) => Some((Some("truss_chains.public_types"), "GenericRemoteException")),
            _ => Some((None, "ValueError")),
        },
        Error::Timeout { .. } => Some((None, "TimeoutError")),
        _ => None,
    }
}

impl IntoResponse for RemoteError {
    fn into_response(self) -> Response {
        tracing::error!(status = %self.status, "chainlet failed: {self}");
        truss_error_response(self.status, DOWNSTREAM_ERROR_CODE, self.to_detail())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_errors_are_named_by_their_type() {
        let err: RemoteError = "x".parse::<u8>().unwrap_err().into();
        assert_eq!(err.class_name(), "ParseIntError");
        assert_eq!(err.to_detail()["exception_module_name"], "core::num::error");
        assert_eq!(err.to_detail()["user_stack_trace"][0]["filename"], file!());
        let err: RemoteError = "x".parse::<u8>().map_err(Into::into).unwrap_err();
        assert_eq!(err.to_detail()["user_stack_trace"], json!([]));
    }

    fn anyhow_error() -> Result<(), RemoteError> {
        Err(anyhow::anyhow!("the weights are missing"))?;
        Ok(())
    }

    fn boxed_error() -> Result<(), RemoteError> {
        let error: Box<dyn std::error::Error + Send + Sync> = "x".parse::<u8>().unwrap_err().into();
        Err(error)?;
        Ok(())
    }

    #[test]
    fn dynamic_errors_convert_with_a_question_mark() {
        for (err, message) in [
            (anyhow_error().unwrap_err(), "the weights are missing"),
            (boxed_error().unwrap_err(), "invalid digit found in string"),
        ] {
            // Of a type known only at run time: Python's RuntimeError, as pyo3 raises anyhow's.
            assert_eq!(err.class_name(), "RuntimeError");
            assert_eq!(err.to_detail()["exception_module_name"], json!(null));
            assert_eq!(err.message(), message);
            assert_eq!(err.to_detail()["user_stack_trace"][0]["filename"], file!());
        }
        // anyhow's context is kept in the message.
        let err: RemoteError = anyhow::Error::new("x".parse::<u8>().unwrap_err()).context("reading the config").into();
        assert_eq!(err.message(), "reading the config: invalid digit found in string");
    }
}
