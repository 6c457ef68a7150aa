//! What a [`Chainlet`](super::Chainlet) router or service does around each request, in one tower layer:
//! the request's [`ChainContext`] made current and a `tracing` span carrying its request ids.
//! One pass over the headers, no boxed future, no span built when no subscriber wants it.

use std::task::{Context, Poll};

use axum::extract::Request;
use tokio::task::futures::TaskLocalFuture;
use tower::{Layer, Service};
use tracing::Instrument;
use tracing::instrument::Instrumented;

use crate::chains::ChainContext;

/// The layer of [`ChainContextService`].
#[derive(Clone, Copy, Debug, Default)]
pub struct ChainContextLayer;

impl<S> Layer<S> for ChainContextLayer {
    type Service = ChainContextService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ChainContextService { inner }
    }
}

/// Runs the inner service with the request's [`ChainContext`] current, in a span `request`
/// with the method, the path and Baseten's request ids.
#[derive(Clone, Debug)]
pub struct ChainContextService<S> {
    inner: S,
}

impl<S> ChainContextService<S> {
    pub(crate) fn inner(&self) -> &S {
        &self.inner
    }
}

impl<S> Service<Request> for ChainContextService<S>
where
    S: Service<Request>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Instrumented<TaskLocalFuture<ChainContext, S::Future>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let context = ChainContext::from_headers(request.headers());
        // The fields are evaluated only when a subscriber takes the span.
        let span = tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.uri().path(),
            request_id = context.request_id.as_deref().unwrap_or(""),
            chain_request_id = context.chain_request_id.as_deref().unwrap_or(""),
        );
        context.scoped(self.inner.call(request)).instrument(span)
    }
}
