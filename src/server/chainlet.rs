//! A chainlet in one call: truss's routes around an async `run_remote`.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use crate::serde_json::{Value, json};
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::header::{ALLOW, CONTENT_TYPE, HOST, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use chainmodel_runtime::json::{JsonDecode, JsonEncode};
use chainmodel_runtime::msgpack::{MsgpackDecode, MsgpackEncode};
use chainmodel_runtime::schema::{ModelSchema, schema_for};
use futures_util::{FutureExt, Stream, StreamExt};
use tokio::sync::Semaphore;

use super::body::{AlignedBody, BodyLimit};
use super::error::{DOWNSTREAM_ERROR_CODE, RemoteError, truss_error_response};
use super::request::{ChainContextLayer, ChainContextService};
use super::stream::{self, ByteStream};
use super::websocket::{self, WebSocketInput};
use crate::chains::streaming::{Chunk, Streamed};
use crate::chains::websocket::{PING_INTERVAL, PING_TIMEOUT, WebSocket};
use crate::chains::{JSON_CONTENT_TYPE, Mode};
use std::time::Duration;
use tower::Layer;

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
/// `run_remote`, given the input and whether the caller asked for binary frames.
type RunRemote<I> = dyn Fn(I, bool) -> BoxFuture<Result<Answer, RemoteError>> + Send + Sync;
type Health = dyn Fn() -> BoxFuture<bool> + Send + Sync;

/// What `run_remote` answered, its type erased: a model to write in the request's mode, or a
/// stream.
enum Answer {
    Model(Box<dyn FnOnce(Mode) -> Response + Send>),
    Stream(ByteStream),
}

/// A chainlet served as truss serves a Python one: build it from an async `run_remote`, then
/// [`into_router`](Self::into_router) gives an axum [`Router`] with truss's routes.
///
/// The input `I` is the chainlet's `{Chainlet}Input` model (one field per `run_remote`
/// argument); the output `O` any model. Both are read and answered in the request's [`Mode`].
///
/// | route | answer |
/// |---|---|
/// | `POST /v1/models/{name}:predict`, `:predict_binary`, `POST /predict`, `POST /run_remote` | `run_remote(input)` |
/// | `GET /` | `200 true` (liveness) |
/// | `GET /v1/models/{name}`, `GET /v1/models/{name}/loaded` | `200 {}` when ready, `503` while the load step runs |
/// | `GET /v1/models/{name}/schema` | `{"input_schema", "output_schema", "supports_streaming": false}` (a [`streaming`](Self::streaming) chainlet: `null`, `true`) |
/// | another method on these paths (`HEAD` too) | `405`, `{"detail":"Method Not Allowed"}`, `Allow: GET` (`POST` for `/predict`, `/run_remote`), as FastAPI answers |
/// | another path | `404`, `{"detail":"Not Found"}`; `307` to the path with its trailing slash toggled when that is a route |
///
/// Bad input is `400` (`413` over the body limit) in truss's format ([`ModelRejection`](super::ModelRejection));
/// an error of `run_remote` is a [`RemoteError`] (`500` unless it sets another status), which
/// the Python stub re-raises. A panic in `run_remote` is answered too, as pyo3 raises a Rust
/// panic in Python: `500`, code 600, `PanicException` (module `pyo3_runtime`) with the
/// panic's message; the server goes on. Each request runs in a `tracing` span carrying its request id,
/// with its [`ChainContext`](crate::chains::ChainContext) current.
///
/// ```
/// use chainmodel::prelude::*;
/// use chainmodel::server::{Chainlet, RemoteError};
///
/// #[derive(ChainModel)]
/// struct DataModel { some_numbers: NdArray<f64>, other_field: String }
///
/// #[derive(ChainModel)]
/// struct WorkerInput { data: DataModel }
///
/// let app: axum::Router = Chainlet::new(|WorkerInput { mut data }| async move {
///     data.some_numbers += 10.0;
///     Ok::<_, RemoteError>(data)
/// })
/// .name("worker")
/// .concurrency_limit(8)
/// .into_router();
/// ```
pub struct Chainlet<I, O> {
    name: String,
    run_remote: Arc<RunRemote<I>>,
    /// The output's schema; `None` for a stream.
    output_schema: fn() -> Option<Value>,
    load: Option<BoxFuture<Result<(), RemoteError>>>,
    concurrency_limit: Option<usize>,
    body_limit: BodyLimit,
    health: Option<Arc<Health>>,
    websocket: Option<Arc<websocket::Handler>>,
    ping: (Duration, Duration),
    _models: PhantomData<fn(I) -> O>,
}

/// Set once the load step has ended well (a failed one ends the process).
type Readiness = OnceLock<()>;

pub(crate) struct Shared<I> {
    name: String,
    run_remote: Arc<RunRemote<I>>,
    output_schema: Option<Value>,
    ready: Readiness,
    body_limit: usize,
    /// truss's `predict_concurrency`: taken once the input is read, around `run_remote` only
    /// (and the stream it answers).
    permits: Option<Arc<Semaphore>>,
    /// truss's `is_healthy`.
    health: Option<Arc<Health>>,
    /// A WebSocket chainlet's `run_remote`.
    pub(crate) websocket: Option<Arc<websocket::Handler>>,
    /// Its pings' interval and timeout.
    pub(crate) ping: (Duration, Duration),
}

impl<I, O> Chainlet<I, O>
where
    I: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de> + ModelSchema + Send + 'static,
    O: JsonEncode + MsgpackEncode + ModelSchema + Send + 'static,
{
    /// A chainlet answering each call with `run_remote(input)`.
    pub fn new<F, Fut, E>(run_remote: F) -> Self
    where
        F: Fn(I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static,
        E: Into<RemoteError>,
    {
        let run_remote: Arc<RunRemote<I>> = Arc::new(move |input, _| {
            let future = run_remote(input);
            Box::pin(async move {
                let output = future.await.map_err(Into::into)?;
                Ok(Answer::Model(Box::new(move |mode: Mode| mode.reply(output).into_response())))
            })
        });
        Chainlet::erased(run_remote, || Some(schema_for::<O>()))
    }
}

impl<I, C> Chainlet<I, Streamed<C>>
where
    I: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de> + ModelSchema + Send + 'static,
    C: Chunk,
{
    /// A streaming chainlet: `run_remote(input)` answers a stream of [`Chunk`]s, as a Python
    /// chainlet's `AsyncIterator[str]` or `AsyncIterator[bytes]` does: raw text (`String`),
    /// raw bytes (`Vec<u8>`, `Bytes`) or typed [`Frame`](crate::chains::streaming::Frame)s,
    /// which Python's `stream_reader` reads.
    ///
    /// The answer is `200`, `application/octet-stream`, chunked, each chunk sent as it comes;
    /// `/schema` says `"output_schema": null, "supports_streaming": true`. A request with
    /// `Accept: application/json` gets the whole stream gathered into one JSON string (a
    /// msgpack str in binary mode), as truss answers it. Where truss's server differs, this
    /// one does better:
    /// - a failure (or a panic) mid-stream ends the response without its last chunk, so that
    ///   the client sees an error (truss ends the stream as if it were complete); an error
    ///   before the stream starts is answered as any error of `run_remote`;
    /// - the stream is produced as the client reads it: nothing is buffered for a client that
    ///   does not read (truss's queue grows without bound);
    /// - a client that goes away stops the stream and gives its
    ///   [`concurrency_limit`](Self::concurrency_limit) slot back at once (truss runs the
    ///   generator to its end, the next request waiting).
    ///
    /// The stream is produced in its request's `tracing` span, with its
    /// [`ChainContext`](crate::chains::ChainContext) current, as `run_remote` ran: the calls a
    /// generator makes forward the request's ids.
    ///
    /// ```
    /// use chainmodel::prelude::*;
    /// use chainmodel::chains::streaming::{Frame, Yielder, generate};
    /// use chainmodel::server::Chainlet;
    ///
    /// #[derive(ChainModel)]
    /// struct StreamerInput { prompt: String, n: i64 }
    /// #[derive(ChainModel)]
    /// struct Token { index: i64, token: String }
    ///
    /// let app: axum::Router = Chainlet::streaming(|StreamerInput { prompt, n }| async move {
    ///     Ok::<_, RemoteError>(generate(move |mut out: Yielder<Frame<Token>>| async move {
    ///         for index in 0..n {
    ///             out.send(Frame::Item(Token { index, token: format!("{prompt}-{index}") })).await;
    ///         }
    ///         Ok::<_, RemoteError>(())
    ///     }))
    /// })
    /// .name("Streamer")
    /// .into_router();
    /// ```
    pub fn streaming<F, Fut, S, E, E2>(run_remote: F) -> Self
    where
        F: Fn(I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<S, E>> + Send + 'static,
        S: Stream<Item = Result<C, E2>> + Send + 'static,
        E: Into<RemoteError>,
        E2: Into<RemoteError>,
    {
        let run_remote: Arc<RunRemote<I>> = Arc::new(move |input, binary_frames| {
            let future = run_remote(input);
            Box::pin(async move {
                let stream = future.await.map_err(Into::into)?;
                let mut writer = if binary_frames { C::binary_writer() } else { C::Writer::default() };
                let bytes =
                    stream.map(move |chunk| chunk.map_err(Into::into).and_then(|chunk| chunk.encode(&mut writer)));
                Ok(Answer::Stream(Box::pin(bytes)))
            })
        });
        Chainlet::erased(run_remote, || None)
    }
}

impl Chainlet<WebSocketInput, ()> {
    /// A WebSocket chainlet, truss-chains' `async def run_remote(self, websocket:
    /// chains.WebSocketProtocol) -> None`: `run_remote(websocket)` runs on each connection to
    /// `GET /v1/websocket`, which is closed as truss closes it: code 1000 when `run_remote`
    /// returns `Ok` (unless it closed the connection itself), 1011 "Internal Server Error (in
    /// model/chainlet)." when it fails or panics; a peer that went is only logged. Messages
    /// are text or bytes up to 100 MiB (1009 closes a larger one); the server pings every 20 s
    /// while `run_remote` reads or writes. A chainlet without one closes a WebSocket with 1003
    /// "WebSocket is not implemented on this deployment.", after accepting it, as truss does.
    ///
    /// As in truss, such a chainlet has no predict (a call with a well-formed body answers
    /// `500`, truss's `Unhandled exception: AssertionError: ..`) and no schema (`404`, `No
    /// schema found`); readiness, liveness, the load step and the health check are as for any.
    ///
    /// ```
    /// use chainmodel::server::{Chainlet, RemoteError};
    /// use chainmodel::chains::websocket::{Message, WebSocket};
    ///
    /// // Echoes every message until the client closes.
    /// let app: axum::Router = Chainlet::websocket(|mut websocket: WebSocket| async move {
    ///     loop {
    ///         let message = websocket.receive().await?;
    ///         websocket.send(message).await?;
    ///     }
    ///     #[allow(unreachable_code)]
    ///     Ok::<(), RemoteError>(())
    /// })
    /// .name("Echo")
    /// .into_router();
    /// ```
    pub fn websocket<F, Fut, E>(run_remote: F) -> Self
    where
        F: Fn(WebSocket) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<RemoteError>,
    {
        // Never called: `answer` answers predict for a WebSocket chainlet (`websocket::predict`).
        let predict: Arc<RunRemote<WebSocketInput>> = Arc::new(|_, _| {
            Box::pin(async { Err(RemoteError::new("AssertionError", "a WebSocket chainlet has no predict")) })
        });
        let mut chainlet = Chainlet::erased(predict, || None);
        chainlet.websocket = Some(Arc::new(move |socket| {
            let future = run_remote(socket);
            Box::pin(async move { future.await.map_err(Into::into) })
        }));
        chainlet
    }
}

impl<I, O> Chainlet<I, O>
where
    I: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de> + ModelSchema + Send + 'static,
{
    fn erased(run_remote: Arc<RunRemote<I>>, output_schema: fn() -> Option<Value>) -> Self {
        Chainlet {
            name: "model".to_owned(),
            run_remote,
            output_schema,
            load: None,
            concurrency_limit: None,
            body_limit: BodyLimit::DEFAULT,
            health: None,
            websocket: None,
            ping: (PING_INTERVAL, PING_TIMEOUT),
            _models: PhantomData,
        }
    }

    /// The same chainlet, its output type renamed (`chains::Output` serves `T` as `RootModel<T>`).
    #[cfg(feature = "client")]
    pub(crate) fn retype<P>(self) -> Chainlet<I, P> {
        let Chainlet {
            name,
            run_remote,
            output_schema,
            load,
            concurrency_limit,
            body_limit,
            health,
            websocket,
            ping,
            _models,
        } = self;
        Chainlet {
            name,
            run_remote,
            output_schema,
            load,
            concurrency_limit,
            body_limit,
            health,
            websocket,
            ping,
            _models: PhantomData,
        }
    }

    /// The model name readiness errors report (truss's `model_name`; default `model`). The
    /// `{name}` in the routes is accepted whatever it is, as truss does.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// A load step (truss's `load()`): it starts when the router (or the service) is built, and until it ends
    /// readiness and predict routes answer `503` (liveness answers `200` throughout).
    ///
    /// # Process exit
    ///
    /// If the step fails, or panics, the process ends: the reason is logged and written to
    /// stderr (`model worker: the load step failed: OSError: no weights`), and the process
    /// exits with status 1. truss kills a replica whose load failed (at its next readiness
    /// probe) so that it restarts; a replica answering liveness forever while never ready
    /// would be neither used nor restarted.
    #[must_use]
    pub fn load<Fut, E>(mut self, load: Fut) -> Self
    where
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<RemoteError>,
    {
        self.load = Some(Box::pin(async move { load.await.map_err(Into::into) }));
        self
    }

    /// At most `limit` calls of `run_remote` at once, like truss's `predict_concurrency`:
    /// requests beyond it wait, they do not fail. As in truss, a slot is taken once the
    /// request's body is read and decoded and given back when `run_remote` returns, before the
    /// answer is encoded: a client still sending its body, or sending a bad one, holds up
    /// nobody. Default: no limit.
    ///
    /// # Panics
    ///
    /// If `limit` is 0 (no call would ever run) or more than tokio's semaphore holds
    /// ([`Semaphore::MAX_PERMITS`]).
    #[must_use]
    #[track_caller]
    pub fn concurrency_limit(mut self, limit: usize) -> Self {
        assert!(limit > 0, "a concurrency limit of 0 would never run `run_remote`: give at least 1");
        assert!(
            limit <= Semaphore::MAX_PERMITS,
            "a concurrency limit of {limit} is more than {}",
            Semaphore::MAX_PERMITS
        );
        self.concurrency_limit = Some(limit);
        self
    }

    /// A health check (truss's `is_healthy`): while it answers `false` (or panics), readiness
    /// (`GET /v1/models/{name}`) answers `503`, code 600, as truss does, so that Baseten takes
    /// the replica out of rotation; liveness, `/loaded` and predict keep answering. It runs
    /// on each readiness probe.
    #[must_use]
    pub fn is_healthy<F, Fut>(mut self, check: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.health = Some(Arc::new(move || Box::pin(check())));
        self
    }

    /// How often a WebSocket is pinged, and how long a pong may take before the connection is
    /// closed with 1011 (truss's `runtime.transport.ping_interval_seconds` and
    /// `ping_timeout_seconds`; default 20 s and 20 s, uvicorn's).
    ///
    /// # Panics
    ///
    /// If either is zero.
    #[must_use]
    #[track_caller]
    pub fn websocket_ping(mut self, interval: Duration, timeout: Duration) -> Self {
        assert!(!interval.is_zero() && !timeout.is_zero(), "a WebSocket ping interval and timeout are not zero");
        self.ping = (interval, timeout);
        self
    }

    /// The largest request body, in bytes (default [`BodyLimit::DEFAULT`], 2 GiB).
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = BodyLimit(bytes);
        self
    }

    /// The router with truss's routes. A load step starts here, on the current tokio runtime
    /// (so call it inside one: it panics otherwise).
    pub fn into_router(self) -> Router {
        self.routes().1.layer(ChainContextLayer)
    }

    /// The chainlet as a tower service, for [`serve`](super::serve): the routes of
    /// [`into_router`](Self::into_router), answered the same way, and predict calls taken
    /// straight to `run_remote`, without the router's matching (what
    /// [`chains::serve`](crate::chains::serve) and [`chains::load`](crate::chains::load)
    /// serve). A load step starts here, as in `into_router`.
    ///
    /// ```no_run
    /// use chainmodel::prelude::*;
    /// use chainmodel::server::{self, Chainlet, RemoteError};
    ///
    /// #[derive(ChainModel)]
    /// struct Input { text: String }
    ///
    /// # async fn run() -> std::io::Result<()> {
    /// let chainlet = Chainlet::new(|input: Input| async move { Ok::<_, RemoteError>(input) });
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
    /// server::serve(listener, chainlet.into_service()).await
    /// # }
    /// ```
    pub fn into_service(self) -> ChainletService<I> {
        let (shared, routes) = self.routes();
        ChainletService(ChainContextLayer.layer(Predict { shared, routes }))
    }

    /// The shared state and the routes (without the chain context); starts the load step.
    fn routes(self) -> (Arc<Shared<I>>, Router) {
        let shared = Arc::new(Shared {
            name: self.name,
            run_remote: self.run_remote,
            output_schema: (self.output_schema)(),
            ready: OnceLock::new(),
            body_limit: self.body_limit.0,
            permits: self.concurrency_limit.map(|limit| Arc::new(Semaphore::new(limit))),
            health: self.health,
            websocket: self.websocket,
            ping: self.ping,
        });
        match self.load {
            None => {
                let _ = shared.ready.set(());
            }
            Some(load) => {
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    match std::panic::AssertUnwindSafe(load).catch_unwind().await {
                        Ok(Ok(())) => {
                            let _ = shared.ready.set(());
                        }
                        Ok(Err(error)) => load_failed(&shared.name, &error.to_string()),
                        Err(panic) => load_failed(
                            &shared.name,
                            &format!("it panicked: {}", RemoteError::from_panic(panic.as_ref()).message()),
                        ),
                    }
                });
            }
        }

        // FastAPI's routes answer `GET` alone (not `HEAD`); another method is `405` with the
        // `Allow` of the first route whose path matches, which for any `/v1/models/{name}` is
        // readiness's `GET`, `:predict` included.
        let get_only = || async { method_not_allowed("GET") };
        let post_only = || async { method_not_allowed("POST") };
        let routes = Router::new()
            .route("/", get(live).head(get_only).fallback(get_only))
            .route("/v1/models/{target}", get(healthy::<I>).post(predict_target::<I>).head(get_only).fallback(get_only))
            .route("/v1/models/{name}/loaded", get(ready::<I>).head(get_only).fallback(get_only))
            .route("/v1/models/{name}/schema", get(schema::<I>).head(get_only).fallback(get_only))
            .route("/metrics", get(metrics).head(get_only).fallback(get_only))
            .route("/predict", post(predict::<I>).fallback(post_only))
            .route("/run_remote", post(predict::<I>).fallback(post_only))
            .route(crate::chains::websocket::WEBSOCKET_ROUTE, any(websocket::websocket::<I>))
            .fallback(not_found)
            .with_state(Arc::clone(&shared));
        (shared, routes)
    }
}

/// A [`Chainlet`] as a tower service ([`Chainlet::into_service`]): serve it with
/// [`serve`](super::serve).
pub struct ChainletService<I>(ChainContextService<Predict<I>>);

impl<I> Clone for ChainletService<I> {
    fn clone(&self) -> Self {
        ChainletService(self.0.clone())
    }
}

impl<I> std::fmt::Debug for ChainletService<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainletService").field("name", &self.0.inner().shared.name).finish_non_exhaustive()
    }
}

impl<I> tower::Service<Request> for ChainletService<I>
where
    I: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de> + Send + 'static,
{
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = ChainletFuture;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        ChainletFuture { inner: self.0.call(request) }
    }
}

/// What [`Predict`] answers with: its own future for a predict call, else the router's.
type PredictFuture = futures_util::future::Either<
    BoxFuture<Result<Response, std::convert::Infallible>>,
    axum::routing::future::RouteFuture<std::convert::Infallible>,
>;

pin_project_lite::pin_project! {
    /// The answer of a [`ChainletService`] to one request.
    pub struct ChainletFuture {
        #[pin]
        inner: tracing::instrument::Instrumented<
            tokio::task::futures::TaskLocalFuture<crate::chains::ChainContext, PredictFuture>,
        >,
    }
}

impl Future for ChainletFuture {
    type Output = Result<Response, std::convert::Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        self.project().inner.poll(cx)
    }
}

/// The chainlet's routes, with a shortcut for the calls to `run_remote`: a `POST` to
/// `/v1/models/{name}:predict` (or `:predict_binary`, a name without `/` or `%`),
/// `/predict` or `/run_remote` goes straight to [`predict`]; every other request, odd paths
/// included, to the router, which answers all of them (predict calls too) the same way.
pub struct Predict<I> {
    shared: Arc<Shared<I>>,
    routes: Router,
}

impl<I> Clone for Predict<I> {
    fn clone(&self) -> Self {
        Predict { shared: Arc::clone(&self.shared), routes: self.routes.clone() }
    }
}

/// Whether `request` is a predict call [`Predict`] answers itself.
fn is_predict_call(request: &Request) -> bool {
    if request.method() != axum::http::Method::POST {
        return false;
    }
    match request.uri().path() {
        "/predict" | "/run_remote" => true,
        // The raw path: a name with `/` or `%` is left to the router, which decodes it.
        path => {
            path.strip_prefix("/v1/models/").and_then(predicted_model).is_some_and(|name| !name.contains(['/', '%']))
        }
    }
}

impl<I> tower::Service<Request> for Predict<I>
where
    I: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de> + Send + 'static,
{
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = PredictFuture;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        // Both are always ready.
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The router is not polled for readiness: axum's `Router` is always ready.
        if is_predict_call(&request) {
            let shared = Arc::clone(&self.shared);
            futures_util::future::Either::Left(Box::pin(async move { Ok(predict(State(shared), request).await) }))
        } else {
            futures_util::future::Either::Right(tower::Service::call(&mut self.routes, request))
        }
    }
}

/// Ends the process after a failed load step, as truss has a replica killed whose load
/// failed, so that it restarts.
fn load_failed(name: &str, reason: &str) -> ! {
    tracing::error!(model = %name, "the load step failed: {reason}");
    eprintln!("model {name}: the load step failed: {reason}; exiting so that the replica restarts");
    std::process::exit(1)
}

pub(crate) fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(CONTENT_TYPE, JSON_CONTENT_TYPE)], body).into_response()
}

async fn live() -> Response {
    json_response(StatusCode::OK, "true".to_owned())
}

impl<I> Shared<I> {
    /// truss's `ModelNotReady`, or `None` when ready.
    pub(crate) fn not_ready(&self) -> Option<Response> {
        if self.ready.get().is_some() {
            return None;
        }
        let message = format!("Model with name {} is not ready.", self.name);
        Some(truss_error_response(StatusCode::SERVICE_UNAVAILABLE, DOWNSTREAM_ERROR_CODE, Value::from(message)))
    }
}

async fn ready<I>(State(shared): State<Arc<Shared<I>>>) -> Response {
    shared.not_ready().unwrap_or_else(|| json_response(StatusCode::OK, "{}".to_owned()))
}

/// Readiness with the health check: truss's `GET /v1/models/{name}`.
async fn healthy<I>(State(shared): State<Arc<Shared<I>>>) -> Response {
    if let Some(not_ready) = shared.not_ready() {
        return not_ready;
    }
    if let Some(check) = &shared.health {
        let healthy = std::panic::AssertUnwindSafe(check()).catch_unwind().await.unwrap_or(false);
        if !healthy {
            let message = format!("Model with name {} is not ready.", shared.name);
            return truss_error_response(StatusCode::SERVICE_UNAVAILABLE, DOWNSTREAM_ERROR_CODE, Value::from(message));
        }
    }
    json_response(StatusCode::OK, "{}".to_owned())
}

/// `GET /metrics`: the process's Prometheus metrics.
async fn metrics() -> Response {
    ([(CONTENT_TYPE, crate::chains::metrics::CONTENT_TYPE)], crate::chains::metrics::encode()).into_response()
}

async fn schema<I: ModelSchema>(State(shared): State<Arc<Shared<I>>>) -> Response {
    // truss has no schema for a WebSocket model.
    if shared.websocket.is_some() {
        return truss_error_response(StatusCode::NOT_FOUND, DOWNSTREAM_ERROR_CODE, Value::from("No schema found"));
    }
    let schema = json!({
        "input_schema": schema_for::<I>(),
        "output_schema": shared.output_schema,
        "supports_streaming": shared.output_schema.is_none(),
    });
    json_response(StatusCode::OK, schema.to_string())
}

/// `POST /v1/models/{name}:predict` (or `:predict_binary`): axum routes the whole segment.
async fn predict_target<I>(state: State<Arc<Shared<I>>>, Path(target): Path<String>, request: Request) -> Response
where
    I: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de>,
{
    match predicted_model(&target) {
        Some(_) => predict(state, request).await,
        // The path is readiness's, whose method is `GET`.
        None => method_not_allowed("GET"),
    }
}

/// The model name of a `/v1/models/{target}` segment that is truss's `{model_name}:predict`
/// (or `:predict_binary`), a name Starlette wants non-empty.
fn predicted_model(target: &str) -> Option<&str> {
    match target.rsplit_once(':') {
        Some((name, "predict" | "predict_binary")) if !name.is_empty() => Some(name),
        _ => None,
    }
}

/// FastAPI's answer to a method its route does not take: `405`, `{"detail":"Method Not
/// Allowed"}`, the route's methods in `Allow`, no Baseten headers.
fn method_not_allowed(allow: &'static str) -> Response {
    let headers = [(ALLOW, allow), (CONTENT_TYPE, JSON_CONTENT_TYPE)];
    (StatusCode::METHOD_NOT_ALLOWED, headers, r#"{"detail":"Method Not Allowed"}"#).into_response()
}

/// A path no route has: Starlette redirects (`307`) to the path with its trailing slash
/// toggled when a route has that one; FastAPI answers `404`, `{"detail":"Not Found"}`.
async fn not_found(request: Request) -> Response {
    let path = request.uri().path();
    if path != "/" {
        let toggled = match path.strip_suffix('/') {
            Some(path) => path.to_owned(),
            None => format!("{path}/"),
        };
        if is_route(&toggled) {
            let host = request.headers().get(HOST).and_then(|host| host.to_str().ok()).unwrap_or_default();
            let query = request.uri().query().map(|query| format!("?{query}")).unwrap_or_default();
            if let Ok(location) = HeaderValue::try_from(format!("http://{host}{toggled}{query}")) {
                return (StatusCode::TEMPORARY_REDIRECT, [(LOCATION, location)]).into_response();
            }
        }
    }
    json_response(StatusCode::NOT_FOUND, r#"{"detail":"Not Found"}"#.to_owned())
}

/// Whether a route of [`Chainlet::into_router`] has this path.
fn is_route(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    let name = |segment: &str| !segment.is_empty();
    match segments.as_slice() {
        ["", ""] | ["", "predict" | "run_remote"] => true,
        ["", "v1", "models", model] => name(model),
        ["", "v1", "models", model, "loaded" | "schema"] => name(model),
        _ => false,
    }
}

async fn predict<I>(state: State<Arc<Shared<I>>>, request: Request) -> Response
where
    I: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de>,
{
    let timer = crate::chains::metrics::RequestTimer::start();
    let response = answer(state, request).await;
    let status = response.status().as_u16();
    tracing::debug!(status, "predict answered");
    timer.answered(status);
    response
}

async fn answer<I>(State(shared): State<Arc<Shared<I>>>, request: Request) -> Response
where
    I: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de>,
{
    if let Some(not_ready) = shared.not_ready() {
        return not_ready;
    }
    // What a stream's answer depends on (a chainlet that answers models has none).
    let streams = shared.output_schema.is_none() && shared.websocket.is_none();
    let gather = streams && stream::gathers(request.headers());
    let binary_frames = streams && stream::asks_binary_frames(request.headers());
    let body = match AlignedBody::read(request, shared.body_limit).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    if shared.websocket.is_some() {
        return websocket::predict(&body);
    }
    let mode: Mode = body.mode();
    // Owned arrays keep the body's memory: the input is its only holder from here.
    let input: I = match body.decode_owned() {
        Ok(input) => input,
        Err(rejection) => return rejection.into_response(),
    };
    // A semaphore that is never closed: `acquire` cannot fail.
    let permit = match &shared.permits {
        Some(permits) => Arc::clone(permits).acquire_owned().await.ok(),
        None => None,
    };
    // A panic is answered as pyo3 raises one in Python (`PanicException`), rather than
    // closing the connection unanswered, which a client would take for a failure to retry.
    // The closure is called inside, so that a panic before its future is caught too.
    let output = std::panic::AssertUnwindSafe(async { (shared.run_remote)(input, binary_frames).await })
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(RemoteError::from_panic(panic.as_ref())));
    match output {
        Ok(Answer::Model(reply)) => {
            // Given back before the answer is encoded, as truss does.
            drop(permit);
            reply(mode)
        }
        // A stream holds its slot while it is produced (gathered, or read by the client).
        Ok(Answer::Stream(chunks)) if gather => {
            let response = stream::gathered(chunks, mode).await;
            drop(permit);
            response
        }
        Ok(Answer::Stream(chunks)) => stream::streamed(chunks, permit),
        Err(error) => error.into_response(),
    }
}
