//! The client: one connection pool per target, truss's retries, timeout and concurrency limit.

use std::sync::Arc;

use bytes::Bytes;
use http::header::{
    ACCEPT, AUTHORIZATION, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY,
    SEC_WEBSOCKET_VERSION, UPGRADE,
};
use http::{HeaderMap, HeaderValue};
use tokio::sync::Semaphore;

use crate::chains::growth::room_for;
use crate::chains::streaming::BINARY_FRAMES;
use crate::chains::wire::Chunks;
use crate::chains::{ChainContext, Mode};
use crate::json::{JsonDecode, JsonEncode};
use crate::msgpack::{self, AlignedBytes, MsgpackDecode, MsgpackEncode};

use super::error::{Error, RemoteErrorBody, RemoteFailure};
use super::options::{ClientBuilder, ProgressFn, RpcOptions};
use super::response::{Direction, Response, Transfer};
use super::retry::backoff;
use super::stream::ChunkStream;
use std::future::Future;

/// Calls one truss model or chainlet, Python or Rust, as truss-chains' stub (`StubBase`) does:
/// `POST` of the input to the predict URL, in JSON or binary mode ([`RpcOptions::use_binary`]),
/// with `Authorization: Api-Key {key}`, retries, a timeout and a concurrency limit.
///
/// Clones share one connection pool and one concurrency limit; make one client per target and
/// keep it. Called while a chainlet serves a request, it forwards that request's
/// [`ChainContext`] (`traceparent`, `x-baseten-request-id`, `x-baseten-chain-request-id`).
///
/// ```no_run
/// use chainmodel::prelude::*;
/// use chainmodel::client::Client;
///
/// #[derive(ChainModel, Debug)]
/// struct DataModel { some_numbers: NdArray<f64>, other_field: String }
///
/// #[derive(ChainModel)]
/// struct WorkerInput { data: DataModel }
///
/// # async fn run() -> Result<(), chainmodel::client::Error> {
/// let worker = Client::builder("https://chain-abc.api.baseten.co/environments/production/run_remote")
///     .api_key(std::env::var("BASETEN_API_KEY").unwrap_or_default())
///     .use_binary(true)
///     .build()?;
/// let data = DataModel {
///     some_numbers: NdArray::from_shape_vec(vec![3, 2], vec![0.5; 6]).unwrap(),
///     other_field: "Example".into(),
/// };
/// let result: DataModel = worker.predict(&WorkerInput { data }).await?;
/// println!("{}", result.some_numbers);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    url: reqwest::Url,
    name: String,
    authorization: Option<HeaderValue>,
    /// Headers of the builder's, sent with every call.
    headers: HeaderMap,
    options: RpcOptions,
    permits: Semaphore,
    max_response_size: usize,
    progress: Option<ProgressFn>,
}

impl Client {
    /// A client for `predict_url` that authorizes with the Baseten `api_key`, with truss's
    /// default [`RpcOptions`] (JSON mode). See [`builder`](Self::builder) for the others.
    pub fn new(predict_url: impl Into<String>, api_key: impl Into<String>) -> Result<Client, Error> {
        Client::builder(predict_url).api_key(api_key).build()
    }

    /// Configures a client for `predict_url`: a model's `.../predict`, a chain's
    /// `.../run_remote`, or a truss server's `/v1/models/model:predict`.
    pub fn builder(predict_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(predict_url.into())
    }

    pub(crate) fn from_builder(builder: ClientBuilder) -> Result<Client, Error> {
        let url = reqwest::Url::parse(&builder.url)
            .map_err(|e| Error::Config(format!("`{}` is not a URL: {e}", builder.url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Config(format!("`{url}` is not an http or https URL")));
        }
        let limit = builder.options.concurrency_limit;
        if limit == 0 || limit > Semaphore::MAX_PERMITS {
            return Err(Error::Config(format!(
                "a concurrency limit of {limit} (it must be 1 to {})",
                Semaphore::MAX_PERMITS
            )));
        }
        let authorization = builder.authorization()?;
        if let Some(error) = builder.header_error {
            return Err(Error::Config(error));
        }
        let http = match builder.http {
            Some(http) => http,
            None => {
                // As truss's stub keeps at most 50 idle connections.
                let mut http = reqwest::Client::builder().pool_max_idle_per_host(50);
                if is_loopback(&url) {
                    // No proxy can reach this machine's loopback.
                    http = http.no_proxy();
                }
                http.build().map_err(|e| Error::Config(e.to_string()))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                name: builder.name.unwrap_or_else(|| url.to_string()),
                url,
                authorization,
                headers: builder.headers,
                permits: Semaphore::new(limit),
                options: builder.options,
                max_response_size: builder.max_response_size,
                progress: builder.progress,
            }),
        })
    }

    /// The remote's name in errors.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The predict URL.
    pub fn url(&self) -> &str {
        self.inner.url.as_str()
    }

    /// The options calls are made with.
    pub fn options(&self) -> &RpcOptions {
        &self.inner.options
    }

    /// The mode inputs are sent in.
    pub fn mode(&self) -> Mode {
        if self.inner.options.use_binary { Mode::Binary } else { Mode::Json }
    }

    /// Sends `input` and reads the response as an `O` (any model, or [`Value`](crate::Value)
    /// for a raw dict), in the mode its `Content-Type` says.
    pub async fn predict<I, O>(&self, input: &I) -> Result<O, Error>
    where
        I: JsonEncode + MsgpackEncode + ?Sized,
        O: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de>,
    {
        self.call(input).await?.decode_owned()
    }

    /// Sends `input` and returns the response undecoded, in an 8-byte aligned buffer:
    /// [`Response::decode`] then borrows the arrays of a binary response.
    pub async fn call<I>(&self, input: &I) -> Result<Response, Error>
    where
        I: JsonEncode + MsgpackEncode + ?Sized,
    {
        let (mode, body) = self.encode(input)?;
        self.call_chunks(mode, body).await
    }

    /// `input` in the client's mode: pydantic's JSON text, or msgpack in pieces (every large
    /// owned array sent from its own memory, not copied: [`msgpack::to_pieces`]).
    fn encode<I: JsonEncode + MsgpackEncode + ?Sized>(&self, input: &I) -> Result<(Mode, Chunks), Error> {
        let mode = self.mode();
        let body = match mode {
            Mode::Json => crate::__private::to_string_unchecked(input).map(|text| Chunks::from(text.into_bytes())),
            Mode::Binary => msgpack::to_pieces(input).map(Chunks::from_pieces),
        };
        Ok((mode, body.map_err(Error::Input)?))
    }

    /// Sends a body already encoded in `mode` (JSON text or msgpack), whatever the client's
    /// own mode.
    pub async fn call_raw(&self, mode: Mode, body: Vec<u8>) -> Result<Response, Error> {
        self.call_chunks(mode, Chunks::from(body)).await
    }

    async fn call_chunks(&self, mode: Mode, body: Chunks) -> Result<Response, Error> {
        let body = &body;
        self.with_retries(|context, trace_parent, _| async move {
            let (response, headers) = self.send(mode, body, &context, &trace_parent, None).await?;
            let status = response.status();
            let bytes = self.read_body(response).await?;
            Ok(Response {
                chainlet: self.inner.name.clone(),
                status,
                mode: Mode::of(&headers),
                headers,
                body: Arc::new(bytes),
            })
        })
        .await
    }

    /// Sends `input` to a streaming chainlet (a Python `AsyncIterator[..]` one, or a Rust
    /// [`Chainlet::streaming`](crate::server::Chainlet::streaming)) and returns its answer's
    /// chunks as they arrive: raw, as [`text`](ChunkStream::text), or as typed
    /// [`frames`](ChunkStream::frames).
    ///
    /// As truss's stub: attempts are retried only until the answer's headers arrive (never
    /// once the stream has started), the concurrency slot is given back then, and the
    /// [`timeout`](RpcOptions::timeout) counts the whole stream. A stream the server ends
    /// abnormally (no last chunk: a Rust chainlet that failed mid-stream) yields an error.
    pub async fn stream<I>(&self, input: &I) -> Result<ChunkStream, Error>
    where
        I: JsonEncode + MsgpackEncode + ?Sized,
    {
        let (mode, body) = self.encode(input)?;
        self.stream_chunks(mode, body).await
    }

    /// [`stream`](Self::stream) with a body already encoded in `mode`.
    pub async fn stream_raw(&self, mode: Mode, body: Vec<u8>) -> Result<ChunkStream, Error> {
        self.stream_chunks(mode, Chunks::from(body)).await
    }

    async fn stream_chunks(&self, mode: Mode, body: Chunks) -> Result<ChunkStream, Error> {
        let body = &body;
        // In binary mode a Rust chainlet's typed frames come as msgpack (Python ignores it).
        let accept = (mode == Mode::Binary).then_some(BINARY_FRAMES);
        self.with_retries(|context, trace_parent, deadline| async move {
            let (response, headers) = self.send(mode, body, &context, &trace_parent, accept).await?;
            Ok(ChunkStream::new(self.inner.name.clone(), self.inner.options.timeout, deadline, headers, response))
        })
        .await
    }

    /// Opens a WebSocket to the chainlet (truss-chains' `ws_call_args`): its predict URL with
    /// `/run_remote` (a chain's) made `/websocket`, or, for a truss server's
    /// `/v1/models/{name}:predict` or `/predict`, truss's `/v1/websocket`; `http` becomes `ws`
    /// and `https` `wss` (rustls, as every call). The API key, the builder's headers and the
    /// chain context go with the handshake, which must end within the
    /// [`timeout`](RpcOptions::timeout); the connection then lasts as long as both ends want.
    ///
    /// A refused handshake is an [`Error::Remote`] when the server answered an error (a
    /// chainlet not ready: `503`), else an [`Error::WebSocket`]. Messages up to 100 MiB either
    /// way; the client answers the server's pings as it reads.
    pub async fn websocket(&self) -> Result<crate::chains::websocket::WebSocket, Error> {
        use tokio_tungstenite::tungstenite::handshake::{client::generate_key, derive_accept_key};
        let inner = &*self.inner;
        let refused = |message: String| Error::WebSocket { chainlet: inner.name.clone(), message };
        let url = websocket_url(&inner.url);
        let key = generate_key();
        let mut headers = self.identity_headers(&ChainContext::current().unwrap_or_default());
        headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
        headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
        headers.insert(SEC_WEBSOCKET_KEY, HeaderValue::from_str(&key).map_err(|e| refused(e.to_string()))?);
        let handshake = async {
            let response =
                inner.http.get(url).headers(headers).send().await.map_err(|source| self.connection(source))?;
            let status = response.status();
            if status.as_u16() >= 400 {
                return Err(self.remote_failure(response, None).await);
            }
            if status != http::StatusCode::SWITCHING_PROTOCOLS {
                return Err(refused(format!("the server answered {status}, not 101 Switching Protocols")));
            }
            let accepted = response.headers().get(SEC_WEBSOCKET_ACCEPT).map(|value| value.as_bytes().to_vec());
            if accepted.as_deref() != Some(derive_accept_key(key.as_bytes()).as_bytes()) {
                return Err(refused("the server's Sec-WebSocket-Accept does not match the key".to_owned()));
            }
            let headers = response.headers().clone();
            let upgraded = response.upgrade().await.map_err(|source| self.connection(source))?;
            Ok((upgraded, headers))
        };
        let (upgraded, headers) = tokio::time::timeout(inner.options.timeout, handshake)
            .await
            .map_err(|_| Error::Timeout { chainlet: inner.name.clone(), limit: inner.options.timeout })??;
        let role = tokio_tungstenite::tungstenite::protocol::Role::Client;
        Ok(crate::chains::websocket::WebSocket::new(Box::new(upgraded), role, None, headers).await)
    }

    /// Runs `attempt` as truss's stub runs a call: under the concurrency limit, each attempt
    /// within the timeout (its deadline given), retried on what [`Error::is_retryable`] says.
    async fn with_retries<T, A, Fut>(&self, attempt: A) -> Result<T, Error>
    where
        A: Fn(ChainContext, Option<String>, tokio::time::Instant) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let current = ChainContext::current();
        // truss's trace ID in errors: the served request's traceparent (empty when it had
        // none), `None` outside a served request.
        let trace_parent = current.as_ref().map(|c| c.traceparent.clone().unwrap_or_default());
        let context = current.unwrap_or_default();
        let attempts = self.inner.options.retries.max(1);
        let attempt_once = attempt;
        let mut attempt = 1;
        // truss-chains' stub gauges: queued until the first slot, then in flight.
        let mut gauge = crate::chains::metrics::CallGauge::queued(self.name());
        loop {
            let result = {
                let _permit = self.inner.permits.acquire().await.expect("the semaphore is never closed");
                gauge.attempt(attempt > 1);
                let deadline = tokio::time::Instant::now() + self.inner.options.timeout;
                tokio::time::timeout_at(deadline, attempt_once(context.clone(), trace_parent.clone(), deadline))
                    .await
                    .unwrap_or_else(|_| {
                        Err(Error::Timeout { chainlet: self.name().to_owned(), limit: self.inner.options.timeout })
                    })
            };
            match result {
                Err(error) if error.is_retryable() && attempt < attempts => {
                    tracing::info!("Retrying `{}`, attempt {attempt}: {error}", self.name());
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                Err(Error::Connection { chainlet, source, .. }) => {
                    return Err(Error::Connection { chainlet, attempts: attempt, source });
                }
                result => return result,
            }
        }
    }

    /// One attempt's request, up to its answer's headers: a status of 400 or more is read
    /// whole and returned as [`Error::Remote`].
    async fn send(
        &self,
        mode: Mode,
        body: &Chunks,
        context: &ChainContext,
        trace_parent: &Option<String>,
        accept: Option<&'static str>,
    ) -> Result<(reqwest::Response, HeaderMap), Error> {
        let inner = &*self.inner;
        // The builder's headers, the key's and the context's, then the mode's.
        let mut headers = self.identity_headers(context);
        headers.insert(CONTENT_TYPE, mode.content_type());
        if let Some(accept) = accept {
            headers.insert(ACCEPT, HeaderValue::from_static(accept));
        }
        let mut request = inner.http.post(inner.url.clone()).headers(headers);
        request = match &inner.progress {
            Some(progress) => request.header(CONTENT_LENGTH, body.len()).body(upload(body.clone(), progress.clone())),
            None => request.body(reqwest::Body::wrap(body.body())),
        };
        let response = request.send().await.map_err(|source| self.connection(source))?;
        if response.status().as_u16() >= 400 {
            return Err(self.remote_failure(response, trace_parent.clone()).await);
        }
        let headers = response.headers().clone();
        Ok((response, headers))
    }

    /// The headers every request carries: the builder's, then the API key and the chain
    /// `context` over them.
    fn identity_headers(&self, context: &ChainContext) -> HeaderMap {
        let mut headers = self.inner.headers.clone();
        if let Some(authorization) = &self.inner.authorization {
            headers.insert(AUTHORIZATION, authorization.clone());
        }
        for (name, value) in context.headers() {
            headers.insert(name, value);
        }
        headers
    }

    /// An answer of status 400 or more as the remote's failure (or the error reading it).
    async fn remote_failure(&self, response: reqwest::Response, trace_parent: Option<String>) -> Error {
        let status = response.status();
        let headers = response.headers().clone();
        match self.read_body(response).await {
            Ok(bytes) => Error::Remote(Box::new(RemoteFailure {
                chainlet: self.inner.name.clone(),
                status,
                trace_parent,
                error: RemoteErrorBody::parse(&bytes),
                headers,
            })),
            Err(error) => error,
        }
    }

    /// Reads the body into an aligned buffer, refusing one over the limit before it is read;
    /// the buffer grows with the bytes that arrive, not with the declared length.
    async fn read_body(&self, mut response: reqwest::Response) -> Result<AlignedBytes, Error> {
        let limit = self.inner.max_response_size;
        let too_large = || Error::TooLarge { chainlet: self.name().to_owned(), limit };
        let total = response.content_length();
        if total.is_some_and(|len| len > limit as u64) {
            return Err(too_large());
        }
        // The buffer grows with the bytes that really arrive (`room_for`): a length the server
        // declares and does not send costs no memory.
        let declared = total.and_then(|len| usize::try_from(len).ok());
        let mut body = AlignedBytes::new();
        let report = |done: usize| {
            if let Some(progress) = &self.inner.progress {
                progress(Transfer { direction: Direction::Download, done: done as u64, total });
            }
        };
        report(0);
        while let Some(chunk) = response.chunk().await.map_err(|source| self.connection(source))? {
            if chunk.len() > limit - body.len() {
                return Err(too_large());
            }
            let needed = body.len() + chunk.len();
            if needed > body.capacity() {
                let room = room_for(body.len(), needed, declared, limit);
                // Room the allocator refuses (a declared length it cannot map): grow as a
                // `Vec` grows, with the bytes themselves.
                let _ = body.try_reserve_exact(room - body.len());
            }
            body.extend_from_slice(&chunk);
            report(body.len());
        }
        Ok(body)
    }

    fn connection(&self, source: reqwest::Error) -> Error {
        Error::Connection { chainlet: self.name().to_owned(), attempts: 1, source }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("name", &self.inner.name)
            .field("url", &self.inner.url.as_str())
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

/// The body as a stream of chunks of at most 1 MiB (slices of its own, not copies) that
/// reports each one as it is taken to be sent.
fn upload(body: Chunks, progress: ProgressFn) -> reqwest::Body {
    const CHUNK: usize = 1 << 20;
    let total = body.len() as u64;
    let slices: Vec<Bytes> = body
        .iter()
        .flat_map(|chunk| {
            (0..chunk.len().div_ceil(CHUNK)).map(move |i| chunk.slice(i * CHUNK..((i + 1) * CHUNK).min(chunk.len())))
        })
        .collect();
    if slices.is_empty() {
        progress(Transfer { direction: Direction::Upload, done: 0, total: Some(total) });
    }
    let mut done = 0u64;
    let chunks = slices.into_iter().map(move |slice| {
        done += slice.len() as u64;
        progress(Transfer { direction: Direction::Upload, done, total: Some(total) });
        Ok::<_, std::io::Error>(slice)
    });
    reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || ip.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// truss-chains' WebSocket URL for a predict URL (`ws_call_args`): a chain's `.../run_remote`
/// becomes `.../websocket`; a truss server's predict route (`/v1/models/{name}:predict`,
/// `/predict`), or any other path, truss's `/v1/websocket`. The scheme stays `http(s)`: the
/// handshake is an HTTP request.
fn websocket_url(predict_url: &reqwest::Url) -> reqwest::Url {
    let mut url = predict_url.clone();
    let path = predict_url.path();
    match path.strip_suffix("/run_remote") {
        Some(base) => url.set_path(&format!("{base}/websocket")),
        None => url.set_path(crate::chains::websocket::WEBSOCKET_ROUTE),
    }
    url.set_query(None);
    url
}

#[cfg(test)]
mod websocket_urls {
    use super::websocket_url;

    #[test]
    fn websocket_urls_are_truss_chains() {
        let url = |predict: &str| websocket_url(&predict.parse().unwrap()).to_string();
        assert_eq!(
            url("https://chain-abc.api.baseten.co/environments/production/run_remote"),
            "https://chain-abc.api.baseten.co/environments/production/websocket"
        );
        assert_eq!(url("http://127.0.0.1:8080/v1/models/model:predict"), "http://127.0.0.1:8080/v1/websocket");
        assert_eq!(url("http://127.0.0.1:8080/predict?x=1"), "http://127.0.0.1:8080/v1/websocket");
    }
}
