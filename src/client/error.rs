//! A failed call, told as truss-chains' stub tells it.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::chains::{ERROR_CODE_HEADER, ERROR_SOURCE_HEADER, RemoteErrorDetail};
use crate::serde_json::Value;

/// Why a call failed.
///
/// A failure of the remote side ([`Remote`](Self::Remote)) reads as the Python stub's
/// exception does: the chained `Chainlet-Traceback` of a chainlet that raised, truss's
/// `Input Parsing Error` text for bad input. A timeout reads as truss's:
/// ``Timeout calling remote Chainlet `Worker` (0.5 seconds limit).``
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The remote answered with a status of 400 or more.
    Remote(Box<RemoteFailure>),
    /// An attempt took longer than [`RpcOptions::timeout`](super::RpcOptions::timeout).
    Timeout {
        /// The remote's name.
        chainlet: String,
        /// The limit.
        limit: Duration,
    },
    /// The request could not be sent or the response not received: no connection, a
    /// connection closed or reset, a body cut short.
    Connection {
        /// The remote's name.
        chainlet: String,
        /// The attempts made, this one included ([`RpcOptions::retries`](super::RpcOptions::retries)).
        attempts: u32,
        /// What reqwest reported on the last one.
        source: reqwest::Error,
    },
    /// The input could not be encoded.
    Input(crate::Error),
    /// The response is not a valid value of the expected type (its location is named).
    Output {
        /// The remote's name.
        chainlet: String,
        /// The decoder's error.
        source: crate::Error,
    },
    /// The response is larger than [`ClientBuilder::max_response_size`](super::ClientBuilder::max_response_size).
    TooLarge {
        /// The remote's name.
        chainlet: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A stream's chunks could not be read as text or frames (its location in the stream is
    /// named).
    Stream {
        /// The remote's name.
        chainlet: String,
        /// What was wrong.
        source: crate::chains::streaming::StreamError,
    },
    /// A WebSocket's handshake was refused (the server answered, but not `101 Switching
    /// Protocols`, or with a wrong `Sec-WebSocket-Accept`).
    WebSocket {
        /// The remote's name.
        chainlet: String,
        /// What went wrong.
        message: String,
    },
    /// The client could not be built (a bad URL or API key, a concurrency limit of 0).
    Config(String),
    /// A blocking client was used inside an async runtime, where it would block the runtime's
    /// thread; use the async [`Client`](super::Client) there.
    BlockingInAsync,
}

impl Error {
    /// The response's status, for a failure of the remote side.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Remote(failure) => Some(failure.status),
            _ => None,
        }
    }

    /// The remote side's failure, if that is what this is.
    pub fn remote(&self) -> Option<&RemoteFailure> {
        match self {
            Error::Remote(failure) => Some(failure),
            _ => None,
        }
    }

    /// Whether the call is worth another attempt: connection failures, timeouts and `5xx`.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Connection { .. } | Error::Timeout { .. } => true,
            Error::Remote(failure) => failure.status.is_server_error(),
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Remote(failure) => failure.fmt(f),
            Error::Timeout { chainlet, limit } => {
                // Python prints the float `timeout_sec`: `600.0`, `0.5`.
                write!(f, "Timeout calling remote Chainlet `{chainlet}` ({:?} seconds limit).", limit.as_secs_f64())
            }
            Error::Connection { chainlet, attempts, source } => {
                let attempts = if *attempts == 1 { "1 attempt".to_owned() } else { format!("{attempts} attempts") };
                write!(f, "Error calling dependency Chainlet `{chainlet}` ({attempts}): {source}")?;
                let mut cause = std::error::Error::source(source);
                while let Some(error) = cause {
                    write!(f, ": {error}")?;
                    cause = error.source();
                }
                Ok(())
            }
            Error::Input(error) => write!(f, "the input could not be encoded: {error}"),
            Error::Output { chainlet, source } => {
                write!(f, "the response of Chainlet `{chainlet}` could not be read: {source}")
            }
            Error::TooLarge { chainlet, limit } => {
                write!(f, "the response of Chainlet `{chainlet}` is larger than the limit of {limit} bytes")
            }
            Error::Stream { chainlet, source } => {
                write!(f, "the stream of Chainlet `{chainlet}` could not be read: {source}")
            }
            Error::WebSocket { chainlet, message } => {
                write!(f, "the WebSocket of Chainlet `{chainlet}` could not be opened: {message}")
            }
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
            Error::BlockingInAsync => f.write_str(
                "a blocking client cannot run inside an async runtime: use chainmodel::client::Client there",
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connection { source, .. } => Some(source),
            Error::Input(source) | Error::Output { source, .. } => Some(source),
            Error::Stream { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A response with a status of 400 or more: its status, its Baseten error headers and the
/// remote error its body carries.
///
/// `Display` is the message of the exception truss-chains' stub raises for it, so a Rust and
/// a Python caller see the same text:
///
/// ```text
/// (showing chained remote errors, root error at the bottom)
/// ├─ Error calling dependency Chainlet `Worker`, HTTP status=500, trace ID=`None`.
/// │   Chainlet-Traceback (most recent call last):
/// │     File "/app/model/chain.py", line 36, in validate_data
/// │       raise ValueError(f"This input is too long: {len(data)}.")
/// ╰   ValueError: This input is too long: 100.
/// ```
#[derive(Debug)]
pub struct RemoteFailure {
    /// The remote's name.
    pub chainlet: String,
    /// The response's status.
    pub status: StatusCode,
    /// The response's headers.
    pub headers: HeaderMap,
    /// The `traceparent` of the request being served when the call was made (truss names it
    /// the trace ID): empty when that request had none, `None` outside a served request.
    pub trace_parent: Option<String>,
    /// What the body says.
    pub error: RemoteErrorBody,
}

/// The body of an error response.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum RemoteErrorBody {
    /// `{"error": RemoteErrorDetail}`: a chainlet raised.
    Detail(RemoteErrorDetail),
    /// `{"error": "..."}`: truss's own errors (`Input Parsing Error: ...`) and older models.
    Message(String),
    /// JSON with an `error` that is neither.
    Unrecognized(Value),
    /// JSON without an `error` key.
    NoError(Value),
    /// Not JSON (a proxy's page, for instance): the body, lossily decoded, at most 1000 bytes.
    NotJson(String),
}

impl RemoteErrorBody {
    /// Reads an error response's body as the stub does.
    pub fn parse(body: &[u8]) -> Self {
        let Ok(json) = crate::serde_json::from_slice::<Value>(body) else {
            let end = body.len().min(1000);
            return RemoteErrorBody::NotJson(String::from_utf8_lossy(&body[..end]).into_owned());
        };
        match json.get("error") {
            None => RemoteErrorBody::NoError(json),
            Some(error) => match RemoteErrorDetail::from_json(error) {
                Some(detail) => RemoteErrorBody::Detail(detail),
                None => match error {
                    Value::String(message) => RemoteErrorBody::Message(message.clone()),
                    other => RemoteErrorBody::Unrecognized(other.clone()),
                },
            },
        }
    }
}

impl RemoteFailure {
    /// `X-BASETEN-ERROR-SOURCE`: `04` for a truss server.
    pub fn error_source(&self) -> Option<&str> {
        self.headers.get(ERROR_SOURCE_HEADER).and_then(|v| v.to_str().ok())
    }

    /// `X-BASETEN-ERROR-CODE`: `700` bad input, `600` the model failed.
    pub fn error_code(&self) -> Option<&str> {
        self.headers.get(ERROR_CODE_HEADER).and_then(|v| v.to_str().ok())
    }

    /// The chainlet's exception, when one raised.
    pub fn detail(&self) -> Option<&RemoteErrorDetail> {
        match &self.error {
            RemoteErrorBody::Detail(detail) => Some(detail),
            _ => None,
        }
    }

    /// truss's `_make_base_error_message`.
    fn base_message(&self) -> String {
        format!(
            "Error calling dependency Chainlet `{}`, HTTP status={}, trace ID=`{}`.",
            self.chainlet,
            self.status.as_u16(),
            self.trace_parent.as_deref().unwrap_or("None")
        )
    }
}

impl fmt::Display for RemoteFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = self.base_message();
        match &self.error {
            RemoteErrorBody::Detail(detail) => {
                f.write_str("(showing chained remote errors, root error at the bottom)\n├─ ")?;
                f.write_str(&base)?;
                // `textwrap.indent(error.format(), "│   ")`, the last line's bar turned into a corner.
                let lines: Vec<String> = detail
                    .format()
                    .lines()
                    .map(|line| if line.trim().is_empty() { line.to_owned() } else { format!("│   {line}") })
                    .collect();
                let last = lines.len().saturating_sub(1);
                for (i, line) in lines.iter().enumerate() {
                    f.write_str("\n")?;
                    match line.strip_prefix('│') {
                        Some(rest) if i == last => write!(f, "╰{rest}")?,
                        _ => f.write_str(line)?,
                    }
                }
                Ok(())
            }
            RemoteErrorBody::Message(message) => write!(f, "{base}: '{message}'"),
            RemoteErrorBody::NoError(_) => write!(f, "{base}. Could not get `error` field from JSON response."),
            RemoteErrorBody::Unrecognized(error) => write!(
                f,
                "{base}: Could not parse chainlet error. Error details are expected to be either a plain string \
                 (old truss models) or a serialized `RemoteErrorDetail`, got:\n{error}"
            ),
            RemoteErrorBody::NotJson(body) => write!(f, "{base} The body is not JSON: {body:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chains::StackFrame;

    fn failure(error: RemoteErrorBody) -> RemoteFailure {
        RemoteFailure {
            chainlet: "TextToNum".into(),
            status: StatusCode::INTERNAL_SERVER_ERROR,
            headers: HeaderMap::new(),
            trace_parent: None,
            error,
        }
    }

    #[test]
    fn a_chainlet_error_reads_as_the_stubs_exception() {
        let detail = RemoteErrorDetail {
            exception_cls_name: "ValueError".into(),
            exception_module_name: None,
            exception_message: "This input is too long: 100.".into(),
            user_stack_trace: vec![StackFrame {
                filename: "/packages/itest_chain.py".into(),
                lineno: Some(87),
                name: "run_remote".into(),
                line: Some("generated_text = self._replicator.run_remote(data)".into()),
            }],
        };
        assert_eq!(
            failure(RemoteErrorBody::Detail(detail)).to_string(),
            "(showing chained remote errors, root error at the bottom)\n\
             ├─ Error calling dependency Chainlet `TextToNum`, HTTP status=500, trace ID=`None`.\n\
             │   Chainlet-Traceback (most recent call last):\n\
             │     File \"/packages/itest_chain.py\", line 87, in run_remote\n\
             │       generated_text = self._replicator.run_remote(data)\n\
             ╰   ValueError: This input is too long: 100."
        );
    }

    #[test]
    fn error_bodies_are_read_as_the_stub_reads_them() {
        let parse = |body: &str| RemoteErrorBody::parse(body.as_bytes());
        assert_eq!(
            parse(r#"{"error": "Input Parsing Error:\n  `x`: Field required."}"#),
            RemoteErrorBody::Message("Input Parsing Error:\n  `x`: Field required.".into())
        );
        assert!(matches!(parse(r#"{"detail": "Not Found"}"#), RemoteErrorBody::NoError(_)));
        assert!(matches!(parse(r#"{"error": {"exception_cls_name": "X"}}"#), RemoteErrorBody::Unrecognized(_)));
        assert_eq!(parse("<html>bad gateway</html>"), RemoteErrorBody::NotJson("<html>bad gateway</html>".into()));
        let message = failure(parse(r#"{"error": "Input Parsing Error:\n  `x`: Field required."}"#)).to_string();
        assert_eq!(
            message,
            "Error calling dependency Chainlet `TextToNum`, HTTP status=500, trace ID=`None`.: \
             'Input Parsing Error:\n  `x`: Field required.'"
        );
    }

    #[test]
    fn a_timeout_reads_as_truss_reads_it() {
        let error = Error::Timeout { chainlet: "Worker".into(), limit: Duration::from_millis(500) };
        assert_eq!(error.to_string(), "Timeout calling remote Chainlet `Worker` (0.5 seconds limit).");
        let error = Error::Timeout { chainlet: "Worker".into(), limit: Duration::from_secs(600) };
        assert_eq!(error.to_string(), "Timeout calling remote Chainlet `Worker` (600.0 seconds limit).");
    }
}
