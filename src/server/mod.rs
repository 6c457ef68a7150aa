//! Serve a Rust chainlet exactly as truss serves a Python one, on axum.
//!
//! Callers, the Python chains stub (`StubBase.from_url(..)`, JSON or binary) or a client that
//! follows Baseten's Binary IO docs, cannot tell it from a truss server: the same routes, the
//! same modes chosen by the request's `Content-Type`, the same error format. It reads every bad
//! input as a `400` in that format (truss answers some with `500`), and reads large arrays
//! without copying them.
//!
//! A chainlet in a few lines, with truss's routes (see [`Chainlet`]):
//!
//! ```no_run
//! use chainmodel::prelude::*;
//! use chainmodel::server::{self, Chainlet, RemoteError};
//!
//! #[derive(ChainModel, Debug, Clone, PartialEq)]
//! struct DataModel { some_numbers: NdArray<f64>, other_field: String }
//!
//! /// `Worker.run_remote(data: DataModel)`: one field per argument.
//! #[derive(ChainModel)]
//! struct WorkerInput { data: DataModel }
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let app = Chainlet::new(|WorkerInput { mut data }| async move {
//!         if data.some_numbers.len() == 0 {
//!             return Err(RemoteError::new("ValueError", "no numbers"));
//!         }
//!         data.some_numbers += 10.0;
//!         Ok(data)
//!     })
//!     .name("worker")
//!     .into_router();
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//!     server::serve(listener, app).with_graceful_shutdown(server::shutdown_signal()).await
//! }
//! ```
//!
//! The building blocks compose with your own routes, layers and state as axum's `Json` does:
//! [`Model<T>`] extracts a model in the request's [`Mode`], [`Reply<T>`] answers in it,
//! [`ModelRejection`] and [`RemoteError`] answer failures in truss's format, [`AlignedBody`]
//! gives the raw body in an 8-byte aligned buffer for models that borrow from it
//! (`NdArrayView` fields), and [`ChainContext`] is the request's chain context
//! (`x-baseten-request-id`, `x-baseten-chain-request-id`, `traceparent`); the middleware
//! [`catch_panic`] answers a handler's panic as a chainlet's.
//!
//! ```
//! use axum::{Router, routing::post};
//! use chainmodel::prelude::*;
//! use chainmodel::server::{ChainContext, Mode, Model, RemoteError, Reply};
//!
//! #[derive(ChainModel)]
//! struct Query { text: String }
//!
//! async fn echo(mode: Mode, context: ChainContext, Model(query): Model<Query>) -> Result<Reply<Query>, RemoteError> {
//!     tracing::info!(request_id = ?context.request_id, "echo");
//!     Ok(mode.reply(query))
//! }
//!
//! let app: Router = Router::new().route("/echo", post(echo));
//! ```
//!
//! Binary-only models (a `Bytes` field, which the Binary IO docs send in binary mode) are
//! served as any other. A JSON-mode request for one is read and answered as truss answers it: a
//! JSON string for a bytes field is read as its UTF-8 bytes, bytes are written as UTF-8 text,
//! and an answer holding bytes that are not UTF-8 is truss's `500` (code 500, `Unhandled
//! exception: PydanticSerializationError: Error serializing to JSON: invalid utf-8 sequence of 1
//! bytes from index 0`).
//!
//! Errors are always JSON `{"error": ..}` with `X-BASETEN-ERROR-SOURCE: 04`:
//! - bad input: `400`, `X-BASETEN-ERROR-CODE: 700`,
//!   `{"error": "Input Parsing Error:\n  `data.some_numbers`: Field required."}`;
//!   a body over the [`BodyLimit`]: `413`, code 700, refused before it is buffered;
//! - request bodies in flight share a [`BodyBudget`] of memory (4 GiB for the process by
//!   default): a body that finds too little of it left waits a while, then gets `503`, code 600;
//!   a body's buffer grows with the bytes that arrive, not with the length it declares;
//! - a failing `run_remote`: `500` (or the [`RemoteError`]'s status), code 600,
//!   `{"error": {"exception_cls_name", "exception_module_name", "exception_message", "user_stack_trace"}}`;
//!   a panic in `run_remote` likewise, as pyo3 raises a Rust panic in Python (`PanicException`
//!   from `pyo3_runtime`, the panic's message), so a client is answered once and does not retry
//!   a dropped connection;
//! - not ready (a load step runs): `503`, code 600, `{"error": "Model with name worker is not ready."}`;
//!   a load step that fails or panics ends the process, its reason on stderr, so that the
//!   replica restarts (see [`Chainlet::load`]).
//!
//! [`serve`] runs a router with header and body read timeouts and graceful shutdown (on
//! [`shutdown_signal`]: ctrl-c or SIGTERM).

mod body;
mod budget;
mod chainlet;
mod error;
mod extract;
mod model;
mod request;
mod serve;
mod stream;
mod timeout;
mod websocket;

pub use crate::chains::{
    BINARY_CONTENT_TYPE, CHAIN_REQUEST_ID_HEADER, ChainContext, ERROR_CODE_HEADER, ERROR_SOURCE_HEADER,
    JSON_CONTENT_TYPE, Mode, REQUEST_ID_HEADER, RemoteErrorDetail, StackFrame, TRACEPARENT_HEADER,
};
pub use body::{AlignedBody, BodyLimit};
pub use budget::BodyBudget;
pub use chainlet::{Chainlet, ChainletFuture, ChainletService};
pub use error::{ModelRejection, RemoteError};
pub use extract::{catch_panic, with_chain_context};
pub use model::{Model, Reply};
pub use serve::{
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, OpenConnections, Serve, serve, shutdown_signal,
};
pub use timeout::BodyReadTimeout;
pub use websocket::WebSocketInput;
