//! The shared chain types as axum extractors, and the middleware that sets the chain context.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

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
