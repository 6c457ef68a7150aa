//! Chains in Rust, as truss-chains builds them in Python: chainlets, their typed stubs and the
//! deployment context; and what the server and the client share (truss's conventions over
//! HTTP: modes, the chain context, remote errors).
//!
//! `#[chainlet]` on an `impl` block with `async fn run_remote(&self, ..)` generates what
//! truss-chains' code generation does for a Python chainlet: the `{Name}Input` model, the
//! output as `RootModel[T]`, an implementation of [`Chainlet`] (served with [`router`],
//! [`serve`] or [`load`]) and the typed stub `{Name}Stub`. `#[stub]` on a trait declaring a
//! remote chainlet's `run_remote` (a chainlet written in Python) generates the same stub.
//! [`Context`] is truss-chains' `DeploymentContext`; [`Context::depends`] makes a dependency's
//! stub as `chains.depends(Worker)` does.
//!
//! ```
//! use chainmodel::prelude::*;
//! use chainmodel::chains::{Context, RpcOptions};
//!
//! #[derive(ChainModel, Debug, Clone, PartialEq)]
//! pub struct DataModel { some_numbers: NdArray<f64>, other_field: String }
//!
//! #[derive(Default)]
//! pub struct Worker;
//!
//! #[chainlet]
//! impl Worker {
//!     pub async fn run_remote(&self, data: DataModel) -> Result<DataModel, RemoteError> {
//!         let mut data = data;
//!         data.some_numbers += 10.0;
//!         Ok(data)
//!     }
//! }
//!
//! pub struct Consumer { worker: WorkerStub }
//!
//! #[chainlet]
//! impl Consumer {
//!     pub fn new(context: &Context) -> Result<Self, RemoteError> {
//!         Ok(Consumer { worker: context.depends::<WorkerStub>(RpcOptions::default().use_binary(true))? })
//!     }
//!
//!     pub async fn run_remote(&self) -> Result<DataModel, RemoteError> {
//!         let some_numbers = NdArray::from_shape_vec(vec![3, 2], vec![0.5; 6])?;
//!         Ok(self.worker.run_remote(DataModel { some_numbers, other_field: "Example".into() }).await?)
//!     }
//! }
//! ```

#[cfg(all(feature = "server", feature = "client"))]
mod chainlet;
mod context;
#[cfg(all(feature = "server", feature = "client"))]
mod deployment;
pub(crate) mod growth;
pub mod metrics;
mod mode;
mod remote_error;
#[cfg(all(feature = "server", feature = "client"))]
mod root;
#[cfg(any(feature = "server", feature = "client"))]
pub mod streaming;
#[cfg(all(feature = "server", feature = "client"))]
mod stub;
#[cfg(any(feature = "server", feature = "client"))]
pub mod websocket;
#[cfg(any(feature = "server", feature = "client"))]
pub(crate) mod wire;

#[cfg(feature = "client")]
pub use crate::client::RpcOptions;
#[cfg(feature = "server")]
pub use crate::server::RemoteError;
#[cfg(all(feature = "server", feature = "client"))]
pub use chainlet::{Chainlet, Output, Receive, load, log_to_stderr, router, serve};
pub use context::{CHAIN_REQUEST_ID_HEADER, ChainContext, REQUEST_ID_HEADER, TRACEPARENT_HEADER};
#[cfg(all(feature = "server", feature = "client"))]
pub use deployment::{
    CHAIN_API_KEY_SECRET, Context, ContextBuilder, DYNAMIC_CHAINLET_CONFIG, ENVIRONMENT_FILE, SECRETS_DIR, ServiceUrl,
};
pub use mode::{BINARY_CONTENT_TYPE, JSON_CONTENT_TYPE, Mode};
pub use remote_error::{ERROR_CODE_HEADER, ERROR_SOURCE_HEADER, RemoteErrorDetail, StackFrame};
#[cfg(all(feature = "server", feature = "client"))]
pub use root::RootModel;
#[cfg(all(feature = "server", feature = "client"))]
pub use stub::Stub;
