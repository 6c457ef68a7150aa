//! The shared chain types as axum extractors, and the middleware: the chain context, panics answered.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

use super::error::RemoteError;

use crate::chains::{ChainContext, Mode};

impl<S: Send + Sync> FromRequestParts<S> for Mode {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Mode::of(&parts.headers))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ChainContext {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ChainContext::from_headers(&parts.headers))
    }
}

/// Middleware (for `axum::middleware::from_fn`) that makes the request's [`ChainContext`] the
/// [`current`](ChainContext::current) one while its handler runs.
pub async fn with_chain_context(request: Request, next: Next) -> Response {
    ChainContext::from_headers(request.headers()).scope(next.run(request)).await
}

/// Middleware (for `axum::middleware::from_fn`) that answers a handler's panic as a
/// [`Chainlet`](super::Chainlet) answers a panic in `run_remote`, as pyo3 raises a Rust panic in
/// Python: `500`, code 600, a [`RemoteErrorDetail`](crate::chains::RemoteErrorDetail) of class
/// `PanicException` (module `pyo3_runtime`) with the panic's message. Without it, a panic
/// closes the connection unanswered, which a client takes for a failure to retry.
///
/// ```
/// use axum::{Router, middleware, routing::post};
/// use chainmodel::server::catch_panic;
///
/// let app: Router = Router::new()
///     .route("/divide", post(|| async { (1 / std::hint::black_box(0)).to_string() }))
///     .layer(middleware::from_fn(catch_panic));
/// ```
pub async fn catch_panic(request: Request, next: Next) -> Response {
    match std::panic::AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => RemoteError::from_panic(panic.as_ref()).into_response(),
    }
}
