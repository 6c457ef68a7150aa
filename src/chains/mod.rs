//! What the server and the client share: how chains talk over HTTP (truss's conventions).

mod context;
pub(crate) mod growth;
mod mode;
mod remote_error;

pub use context::{CHAIN_REQUEST_ID_HEADER, ChainContext, REQUEST_ID_HEADER, TRACEPARENT_HEADER};
pub use mode::{BINARY_CONTENT_TYPE, JSON_CONTENT_TYPE, Mode};
pub use remote_error::{ERROR_CODE_HEADER, ERROR_SOURCE_HEADER, RemoteErrorDetail, StackFrame};
