//! The chain context of the request being served: the headers truss forwards on every call a
//! chainlet makes, as it does with contextvars.

use std::future::Future;

use http::{HeaderMap, HeaderName, HeaderValue};

/// `x-baseten-request-id`: Baseten's id of the request.
pub const REQUEST_ID_HEADER: &str = "x-baseten-request-id";
/// `x-baseten-chain-request-id`: Baseten's id of the chain run the request belongs to.
pub const CHAIN_REQUEST_ID_HEADER: &str = "x-baseten-chain-request-id";
/// `traceparent`: the W3C trace context.
pub const TRACEPARENT_HEADER: &str = "traceparent";

tokio::task_local! {
    static CURRENT: ChainContext;
}

/// The `x-baseten-request-id`, `x-baseten-chain-request-id` and `traceparent` headers of the
/// request being served, which a chainlet forwards on the calls it makes (truss's stub does).
///
/// Extract it in a handler, or read it anywhere in the request's task with
/// [`ChainContext::current`]: `Chainlet` routers set it for every request; on routes of your
/// own add `axum::middleware::from_fn(chainmodel::server::with_chain_context)`. The client
/// (`chainmodel::client`) forwards the current one on every call. A task spawned with
/// `tokio::spawn` does not inherit it: wrap its future with [`scope`](Self::scope).
///
/// ```
/// use http::HeaderMap;
/// use chainmodel::server::ChainContext;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-baseten-request-id", "req-1".parse().unwrap());
/// let context = ChainContext::from_headers(&headers);
/// assert_eq!(context.request_id.as_deref(), Some("req-1"));
/// assert_eq!(context.headers().count(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainContext {
    /// `x-baseten-request-id`.
    pub request_id: Option<String>,
    /// `x-baseten-chain-request-id`.
    pub chain_request_id: Option<String>,
    /// `traceparent`.
    pub traceparent: Option<String>,
}

impl ChainContext {
    /// The context carried by these request headers (values that are not visible ASCII are left out).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        // Names made once: a lookup by `&str` would parse the name on every request.
        const NAMES: [HeaderName; 3] = [
            HeaderName::from_static(REQUEST_ID_HEADER),
            HeaderName::from_static(CHAIN_REQUEST_ID_HEADER),
            HeaderName::from_static(TRACEPARENT_HEADER),
        ];
        let [request_id, chain_request_id, traceparent] = &NAMES;
        let get = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        ChainContext {
            request_id: get(request_id),
            chain_request_id: get(chain_request_id),
            traceparent: get(traceparent),
        }
    }

    /// The context of the request this task serves, if it runs inside one.
    pub fn current() -> Option<ChainContext> {
        CURRENT.try_with(Clone::clone).ok()
    }

    /// The headers to forward on a call made while serving the request: name and value of each
    /// one present, in truss's order (`traceparent`, request id, chain request id).
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, HeaderValue)> + '_ {
        [
            (TRACEPARENT_HEADER, &self.traceparent),
            (REQUEST_ID_HEADER, &self.request_id),
            (CHAIN_REQUEST_ID_HEADER, &self.chain_request_id),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, HeaderValue::from_str(value.as_deref()?).ok()?)))
    }

    /// Runs `future` with this as the [`current`](Self::current) context.
    pub async fn scope<F: Future>(self, future: F) -> F::Output {
        self.scoped(future).await
    }

    /// Runs `f` with this as the current context (a stream's poll, outside its handler's
    /// future).
    #[cfg(feature = "server")]
    pub(crate) fn sync_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        CURRENT.sync_scope(self.clone(), f)
    }

    /// [`scope`](Self::scope)'s future, a type that a tower service can name.
    pub(crate) fn scoped<F: Future>(self, future: F) -> tokio::task::futures::TaskLocalFuture<ChainContext, F> {
        CURRENT.scope(self, future)
    }
}
