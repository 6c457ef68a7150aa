//! Call a truss model or chain, Python or Rust, as truss-chains' own stub does.
//!
//! The Binary IO docs show a Python client that posts msgpack with `application/octet-stream`
//! and reads the answer with `truss_msgpack_deserialize` ("`response.json()` will not work").
//! [`Client`] does that, and what the chains stub adds (`RPCOptions`: retries, a timeout, a
//! concurrency limit; remote errors shown as chained tracebacks; the chain context forwarded),
//! with typed models in and out:
//!
//! ```no_run
//! use chainmodel::prelude::*;
//! use chainmodel::client::Client;
//!
//! #[derive(ChainModel, Debug)]
//! struct DataModel { some_numbers: NdArray<f64>, other_field: String }
//!
//! /// `Worker.run_remote(data: DataModel)`: one field per argument.
//! #[derive(ChainModel)]
//! struct WorkerInput { data: DataModel }
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let worker = Client::builder("http://127.0.0.1:8000/v1/models/model:predict")
//!         .name("Worker")
//!         .use_binary(true)
//!         .build()?;
//!     let data = DataModel {
//!         some_numbers: NdArray::from_shape_vec(vec![3, 2], vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6])?,
//!         other_field: "Example".into(),
//!     };
//!     match worker.predict::<_, DataModel>(&WorkerInput { data }).await {
//!         Ok(result) => println!("{}", result.some_numbers),
//!         // The remote's traceback, as the Python stub shows it.
//!         Err(error) => eprintln!("{error}"),
//!     }
//!     Ok(())
//! }
//! ```
//!
//! - **Modes.** Inputs go as JSON (pydantic's text) or, with `use_binary`, as msgpack
//!   (`to_msgpack()`, arrays aligned); a response is read in the mode its `Content-Type` says
//!   (truss's errors are JSON in both). [`Value`](crate::Value) stands for any raw dict.
//!   Binary-only models (a `Bytes` field) are called in either mode; in JSON mode their bytes
//!   travel as pydantic writes them, as UTF-8 text, so bytes that are not UTF-8 cannot be sent
//!   ([`Error::Input`]) and are read back as their text's bytes.
//! - **Large responses** are read into an 8-byte aligned buffer: [`Client::call`] returns it
//!   as a [`Response`], whose [`decode`](Response::decode) borrows the arrays of a binary
//!   response (`NdArrayView` fields) instead of copying them.
//! - **Errors** ([`Error`]): a status of 400 or more is [`Error::Remote`], with the status,
//!   the Baseten error headers and the body's [`RemoteErrorDetail`] or message, shown as the
//!   Python stub shows it; a timeout reads
//!   ``Timeout calling remote Chainlet `Worker` (0.5 seconds limit).``
//! - **Retries** ([`RpcOptions::retries`], attempts): on connection failures, timeouts and
//!   `5xx`, after a pause that doubles from 100 ms (at most 5 s) with jitter; never on `4xx`.
//! - **Chain context.** Called while a [`server`](crate::server) chainlet serves a request, a
//!   client forwards its `traceparent`, `x-baseten-request-id` and `x-baseten-chain-request-id`.
//! - [`blocking::Client`] is the same for code without an async runtime.

pub mod blocking;
mod call;
mod error;
mod options;
mod response;
mod retry;
mod stream;

pub use crate::chains::{
    BINARY_CONTENT_TYPE, CHAIN_REQUEST_ID_HEADER, ChainContext, ERROR_CODE_HEADER, ERROR_SOURCE_HEADER,
    JSON_CONTENT_TYPE, Mode, REQUEST_ID_HEADER, RemoteErrorDetail, StackFrame, TRACEPARENT_HEADER,
};
pub use call::Client;
pub use error::{Error, RemoteErrorBody, RemoteFailure};
pub use options::{ClientBuilder, RpcOptions};
pub use response::{Direction, Response, Transfer};
pub use stream::{ChunkStream, TextStream};
