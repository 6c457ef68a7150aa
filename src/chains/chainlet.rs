//! A chainlet written in Rust: what `#[chainlet]` implements, and how it is served as truss
//! serves a Python one.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use axum::Router;
use chainmodel_runtime::codec::{Decode, Encode};
use chainmodel_runtime::schema::{JsonSchema, ModelSchema};
use tokio::net::TcpListener;

use super::deployment::Context;
use super::root::RootModel;
use super::streaming::{Chunk, Frame, FrameReader, Streamed};
use super::websocket::WebSocket;
use crate::client::{self, ChunkStream, Client, TextStream};
use crate::json::JsonDecode;
use crate::server::{self, RemoteError};

/// A chainlet: truss-chains' `ChainletBase` subclass, implemented by `#[chainlet]` from an
/// `impl` block with `async fn run_remote(&self, ..)`.
///
/// [`router`] serves it with truss's routes, [`serve`] until SIGTERM or ctrl-c, and [`load`]
/// builds it as truss loads a model (serving at once, ready once [`new`](Self::new) is done).
pub trait Chainlet: Send + Sync + Sized + 'static {
    /// The chainlet's name (its display name: the type's, or `#[chainlet(name = "..")]`).
    const NAME: &'static str;

    /// `{Name}Input`: one field per `run_remote` argument, in order.
    type Input: for<'de> Decode<'de> + ModelSchema + Send + 'static;

    /// What `run_remote` returns: a model, which travels as `RootModel[Output]`, or a
    /// [`Streamed`] stream (see the [`Output`](trait@Output) trait).
    type Output: Output;

    /// Builds the chainlet (truss's `__init__`, with `chains.depends_context()`): the type's
    /// `new(&Context)`, or `Default::default()` where it has none.
    fn new(context: &Context) -> Result<Self, RemoteError>;

    /// One call: `run_remote` with the input's fields as its arguments.
    fn run_remote(&self, input: Self::Input) -> impl Future<Output = Result<Self::Output, RemoteError>> + Send;

    /// truss's `is_healthy`: while `false`, readiness answers `503`.
    fn is_healthy(&self) -> impl Future<Output = bool> + Send {
        async { true }
    }

    /// Whether `run_remote` takes a [`WebSocket`] (`#[chainlet]` sets it): the chainlet is
    /// then served as [`server::Chainlet::websocket`] serves one, by [`websocket`](Self::websocket).
    #[doc(hidden)]
    const WEBSOCKET: bool = false;

    /// A WebSocket chainlet's `run_remote`.
    #[doc(hidden)]
    fn websocket(&self, websocket: WebSocket) -> impl Future<Output = Result<(), RemoteError>> + Send {
        drop(websocket);
        async { Err(RemoteError::new("RuntimeError", "this chainlet serves no WebSocket")) }
    }
}

/// The chainlet served as truss serves a Python one: the routes of
/// [`server::Chainlet`](crate::server::Chainlet) (predict, liveness, readiness with
/// [`is_healthy`](Chainlet::is_healthy), schema, `/metrics`), its input `{Name}Input`, its
/// output `RootModel[Output]`.
pub fn router<T: Chainlet>(chainlet: T) -> Router {
    let cell = Arc::new(OnceLock::new());
    let _ = cell.set(Arc::new(chainlet));
    served::<T>(cell, None).into_router()
}

/// Serves `chainlet` on `listener` until SIGTERM or ctrl-c (finishing the requests in flight).
/// Logs go to stderr when no `tracing` subscriber is installed (see [`log_to_stderr`]).
pub async fn serve<T: Chainlet>(listener: TcpListener, chainlet: T) -> std::io::Result<()> {
    log_to_stderr();
    let cell = Arc::new(OnceLock::new());
    let _ = cell.set(Arc::new(chainlet));
    let service = served::<T>(cell, None).into_service();
    server::serve(listener, service).with_graceful_shutdown(server::shutdown_signal()).await
}

/// Builds the chainlet as truss loads a model and serves it until SIGTERM or ctrl-c: the
/// server answers at once (liveness `200`, readiness and predict `503`) while
/// [`Chainlet::new`] runs (on a blocking thread: it may load weights), then is ready. A `new`
/// that fails or panics ends the process with status 1 and the reason on stderr, as truss has
/// a replica whose load failed killed, so that it restarts.
pub async fn load<T: Chainlet>(listener: TcpListener, context: Context) -> std::io::Result<()> {
    log_to_stderr();
    let cell = Arc::new(OnceLock::new());
    let filled = Arc::clone(&cell);
    let step = async move {
        let built = tokio::task::spawn_blocking(move || T::new(&context)).await;
        let chainlet = match built {
            Ok(result) => result?,
            // A panic in `new`: the load step's own panic, which the server reports.
            Err(join) => std::panic::resume_unwind(join.into_panic()),
        };
        let _ = filled.set(Arc::new(chainlet));
        Ok::<(), RemoteError>(())
    };
    let service = served::<T>(cell, Some(Box::pin(step))).into_service();
    server::serve(listener, service).with_graceful_shutdown(server::shutdown_signal()).await
}

/// Logs to stderr, as truss's server logs, unless a `tracing` subscriber is installed already:
/// `info` and above (`RUST_LOG` chooses others), so that a chainlet's failures (each answered
/// error, a failed load) reach the replica's logs without any setup. [`serve`] and [`load`]
/// call it.
pub fn log_to_stderr() {
    if tracing::dispatcher::has_been_set() {
        return;
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).try_init();
}

type Step = std::pin::Pin<Box<dyn Future<Output = Result<(), RemoteError>> + Send>>;

/// The chainlet of a [`Chainlet`] type, configured, before it is made a router or a service.
enum Served<T: Chainlet> {
    WebSocket(server::Chainlet<server::WebSocketInput, ()>),
    Predict(server::Chainlet<T::Input, T::Output>),
}

impl<T: Chainlet> Served<T> {
    fn into_router(self) -> Router {
        match self {
            Served::WebSocket(chainlet) => chainlet.into_router(),
            Served::Predict(chainlet) => chainlet.into_router(),
        }
    }

    fn into_service(
        self,
    ) -> tower::util::Either<server::ChainletService<server::WebSocketInput>, server::ChainletService<T::Input>> {
        match self {
            Served::WebSocket(chainlet) => tower::util::Either::Left(chainlet.into_service()),
            Served::Predict(chainlet) => tower::util::Either::Right(chainlet.into_service()),
        }
    }
}

/// The chainlet in `cell`, filled by `load` (if any) before the server is ready.
fn served<T: Chainlet>(cell: Arc<OnceLock<Arc<T>>>, load: Option<Step>) -> Served<T> {
    // The server answers only once loaded.
    let not_loaded = || RemoteError::new("RuntimeError", "the chainlet is not loaded");
    let run = Arc::clone(&cell);
    if T::WEBSOCKET {
        let chainlet = server::Chainlet::websocket(move |websocket: WebSocket| {
            let chainlet = run.get().cloned();
            async move { chainlet.ok_or_else(not_loaded)?.websocket(websocket).await }
        });
        return Served::WebSocket(configured(chainlet, cell, load));
    }
    let chainlet = T::Output::chainlet(move |input: T::Input| {
        let chainlet = run.get().cloned();
        async move { chainlet.ok_or_else(not_loaded)?.run_remote(input).await }
    });
    Served::Predict(configured(chainlet, cell, load))
}

/// `chainlet` named, its health check and load step added.
fn configured<T: Chainlet, I, O>(
    chainlet: server::Chainlet<I, O>,
    cell: Arc<OnceLock<Arc<T>>>,
    load: Option<Step>,
) -> server::Chainlet<I, O>
where
    I: for<'de> Decode<'de> + ModelSchema + Send + 'static,
{
    let mut chainlet = chainlet.name(T::NAME).is_healthy(move || {
        let chainlet = cell.get().cloned();
        async move {
            match chainlet {
                Some(chainlet) => chainlet.is_healthy().await,
                None => false,
            }
        }
    });
    if let Some(load) = load {
        chainlet = chainlet.load(load);
    }
    chainlet
}

/// What a chainlet's `run_remote` may answer, and what its stub's `run_remote` then returns.
///
/// - A model `T` (any `#[derive(ChainModel)]` type, a tuple, `()`...): it travels as truss's
///   `RootModel[T]` and the stub returns `T`.
/// - A [`Streamed<C>`] stream, as a Python chainlet's `AsyncIterator[str]` or
///   `AsyncIterator[bytes]`: served by [`server::Chainlet::streaming`], its `/schema` saying
///   `"supports_streaming": true`. The stub returns the stream as it arrives: for `String`
///   chunks a [`TextStream`], for bytes (`Vec<u8>`, `Bytes`) a [`ChunkStream`], for typed
///   [`Frame`]s a [`FrameReader`] (truss-chains' `stream_reader`).
///
/// ```
/// use chainmodel::prelude::*;
/// use chainmodel::chains::streaming::{Frame, Streamed, Yielder, generate};
///
/// #[derive(ChainModel)]
/// pub struct Token { index: i64, token: String }
///
/// #[derive(Default)]
/// pub struct Streamer;
///
/// #[chainlet]
/// impl Streamer {
///     pub async fn run_remote(&self, prompt: String, n: i64) -> Result<Streamed<Frame<Token>>, RemoteError> {
///         Ok(Streamed::new(generate(move |mut out: Yielder<Frame<Token>>| async move {
///             for index in 0..n {
///                 out.send(Frame::Item(Token { index, token: format!("{prompt}-{index}") })).await;
///             }
///             Ok::<_, RemoteError>(())
///         })))
///     }
/// }
///
/// // The stub reads the frames: `StreamerStub::run_remote` returns a `FrameReader<_, Token>`.
/// async fn first(stub: &StreamerStub) -> Result<Option<Token>, Box<dyn std::error::Error>> {
///     let mut frames = stub.run_remote("hi".to_owned(), 3).await?;
///     Ok(frames.next_item().await.transpose()?)
/// }
/// ```
pub trait Output: Send + Sized + 'static {
    /// What the stub's `run_remote` returns for it.
    type Received: Send;

    /// The server side: `run_remote` served with truss's routes.
    #[doc(hidden)]
    fn chainlet<I, F, Fut>(run_remote: F) -> server::Chainlet<I, Self>
    where
        I: for<'de> Decode<'de> + ModelSchema + Send + 'static,
        F: Fn(I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Self, RemoteError>> + Send + 'static;

    /// The calling side: `input` sent through `client`, the answer read.
    #[doc(hidden)]
    fn call<I>(client: &Client, input: &I) -> impl Future<Output = Result<Self::Received, client::Error>> + Send
    where
        I: Encode + Sync;
}

impl<T> Output for T
where
    T: Encode + for<'de> Decode<'de> + JsonSchema + Send + 'static,
{
    type Received = T;

    fn chainlet<I, F, Fut>(run_remote: F) -> server::Chainlet<I, Self>
    where
        I: for<'de> Decode<'de> + ModelSchema + Send + 'static,
        F: Fn(I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Self, RemoteError>> + Send + 'static,
    {
        server::Chainlet::new(move |input| {
            let output = run_remote(input);
            async move { output.await.map(RootModel) }
        })
        .retype()
    }

    async fn call<I>(client: &Client, input: &I) -> Result<T, client::Error>
    where
        I: Encode + Sync,
    {
        let output: RootModel<T> = client.predict(input).await?;
        Ok(output.0)
    }
}

impl<C: Receive> Output for Streamed<C> {
    type Received = C::Stream;

    fn chainlet<I, F, Fut>(run_remote: F) -> server::Chainlet<I, Self>
    where
        I: for<'de> Decode<'de> + ModelSchema + Send + 'static,
        F: Fn(I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Self, RemoteError>> + Send + 'static,
    {
        server::Chainlet::streaming(run_remote)
    }

    async fn call<I>(client: &Client, input: &I) -> Result<C::Stream, client::Error>
    where
        I: Encode + Sync,
    {
        client.stream(input).await.map(C::receive)
    }
}

/// A stream's chunk type as a stub reads it: see [`Output`].
pub trait Receive: Chunk {
    /// The stream the stub returns.
    type Stream: Send;

    /// The chunks as they arrive, read as this type's stream.
    fn receive(chunks: ChunkStream) -> Self::Stream;
}

impl Receive for String {
    type Stream = TextStream;
    fn receive(chunks: ChunkStream) -> TextStream {
        chunks.text()
    }
}

impl Receive for &'static str {
    type Stream = TextStream;
    fn receive(chunks: ChunkStream) -> TextStream {
        chunks.text()
    }
}

impl Receive for Vec<u8> {
    type Stream = ChunkStream;
    fn receive(chunks: ChunkStream) -> ChunkStream {
        chunks
    }
}

impl Receive for bytes::Bytes {
    type Stream = ChunkStream;
    fn receive(chunks: ChunkStream) -> ChunkStream {
        chunks
    }
}

impl<I, H, F> Receive for Frame<I, H, F>
where
    I: crate::json::JsonEncode + for<'de> JsonDecode<'de> + Send + 'static,
    H: crate::json::JsonEncode + for<'de> JsonDecode<'de> + Send + 'static,
    F: crate::json::JsonEncode + for<'de> JsonDecode<'de> + Send + 'static,
{
    type Stream = FrameReader<ChunkStream, I, H, F>;
    fn receive(chunks: ChunkStream) -> Self::Stream {
        chunks.frames()
    }
}
