//! Serving a router: HTTP/1.1 with header and body read timeouts, and graceful shutdown.

use std::future::{Future, IntoFuture};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::convert::Infallible;
use tokio::net::TcpListener;
use tower::Service;
use tower::ServiceExt;

use super::budget::BodyBudget;
use super::timeout::ReadTimeout;

/// How long a client may take to send a request's headers, by default.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a client may pause while sending a request's body, by default.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// Serves `router` on `listener` (HTTP/1.1), as `axum::serve` does, plus what a chainlet needs:
/// a header read timeout and a body read timeout, so a stalled client cannot hold a
/// connection forever, and graceful shutdown. Await it (it is a builder that becomes a future).
///
/// `axum::serve` does not set hyper's header read timeout (it has no timer), so this serves
/// each connection with hyper's own HTTP/1 builder and hyper-util's `GracefulShutdown`.
///
/// ```no_run
/// use chainmodel::prelude::*;
/// use chainmodel::server::{self, Chainlet, RemoteError};
///
/// #[derive(ChainModel)]
/// struct Input { text: String }
///
/// # async fn run() -> std::io::Result<()> {
/// let app = Chainlet::new(|input: Input| async move { Ok::<_, RemoteError>(input) }).into_router();
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
/// server::serve(listener, app).with_graceful_shutdown(server::shutdown_signal()).await
/// # }
/// ```
#[must_use = "`Serve` does nothing until awaited"]
pub struct Serve<S = Router> {
    listener: TcpListener,
    router: S,
    header_read_timeout: Duration,
    body_read_timeout: Duration,
    body_budget: Option<BodyBudget>,
    shutdown: Pin<Box<dyn Future<Output = ()> + Send>>,
    connections: OpenConnections,
}

/// The number of connections a [`Serve`] holds open, from [`Serve::connections`]: a gauge for
/// metrics, and the proof that stalled or vanished clients are let go (it returns to zero).
#[derive(Clone, Debug, Default)]
pub struct OpenConnections(Arc<AtomicUsize>);

impl OpenConnections {
    /// Connections accepted and not yet closed.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    fn open(&self) -> ConnectionGuard {
        self.0.fetch_add(1, Ordering::SeqCst);
        ConnectionGuard(self.0.clone())
    }
}

/// Counts one connection until its task ends, however it ends.
struct ConnectionGuard(Arc<AtomicUsize>);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Starts serving `router` on `listener`; see [`Serve`]. Any service that answers axum's
/// requests will do: an axum [`Router`], or a [`Chainlet`](super::Chainlet)'s
/// [`into_service`](super::Chainlet::into_service).
pub fn serve<S>(listener: TcpListener, router: S) -> Serve<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    Serve {
        listener,
        router,
        header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
        body_budget: None,
        shutdown: Box::pin(std::future::pending()),
        connections: OpenConnections::default(),
    }
}

impl<S> Serve<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    /// Stops when `signal` completes: stops accepting connections (new ones are refused), lets
    /// every request in flight finish and be answered, closes idle connections, then returns.
    pub fn with_graceful_shutdown(mut self, signal: impl Future<Output = ()> + Send + 'static) -> Self {
        self.shutdown = Box::pin(signal);
        self
    }

    /// How long a client may take to send a request's headers before its connection is closed
    /// (default [`DEFAULT_HEADER_READ_TIMEOUT`], 30 s; this also bounds idle keep-alive waits).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long a client may pause between pieces of a request body; a longer pause makes the
    /// body read fail with a [`BodyReadTimeout`](super::BodyReadTimeout), and
    /// [`Model`](super::Model) answers `408` (default [`DEFAULT_BODY_READ_TIMEOUT`], 60 s;
    /// `Duration::MAX` for none). A slow upload that keeps sending is not cut.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// The memory budget of the request bodies this server reads at once (see [`BodyBudget`]);
    /// without one, they share the process's, [`BodyBudget::global`] (4 GiB). A route's own
    /// (`.layer(axum::Extension(budget))`) wins over it.
    ///
    /// ```no_run
    /// # async fn run(app: axum::Router) -> std::io::Result<()> {
    /// use chainmodel::server::{self, BodyBudget};
    ///
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
    /// server::serve(listener, app).body_budget(BodyBudget::new(16 << 30)).await
    /// # }
    /// ```
    pub fn body_budget(mut self, budget: BodyBudget) -> Self {
        self.body_budget = Some(budget);
        self
    }

    /// The count of open connections, to read while it serves.
    ///
    /// ```no_run
    /// # async fn run(app: axum::Router) -> std::io::Result<()> {
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
    /// let serve = chainmodel::server::serve(listener, app);
    /// let connections = serve.connections();
    /// tokio::spawn(async move { serve.await });
    /// println!("{} connections open", connections.get());
    /// # Ok(()) }
    /// ```
    pub fn connections(&self) -> OpenConnections {
        self.connections.clone()
    }

    async fn run(self) -> io::Result<()> {
        let Serve { listener, router, header_read_timeout, body_read_timeout, body_budget, mut shutdown, connections } =
            self;
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new()).header_read_timeout(header_read_timeout).keep_alive(true);
        // Each connection holds a receiver: shutdown is sent to all, then awaited until every
        // one has finished its request in flight (hyper-util's `GracefulShutdown` does not
        // take connections that may be upgraded to WebSockets).
        let (shutting_down, shutdown_seen) = tokio::sync::watch::channel(false);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors and the like: wait instead of spinning.
                        tracing::warn!("accept failed: {error}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let budget = body_budget.clone();
            let service = router.clone().map_request(move |request: Request<Incoming>| {
                let mut request = request.map(|body| Body::new(ReadTimeout::new(body, body_read_timeout)));
                if let Some(budget) = &budget {
                    request.extensions_mut().insert(budget.clone());
                }
                request
            });
            // With upgrades: a chainlet's WebSocket (`/v1/websocket`) takes the connection over.
            let connection =
                http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)).with_upgrades();
            let open = connections.open();
            let mut shutdown_seen = shutdown_seen.clone();
            tokio::spawn(async move {
                let _open = open;
                let mut connection = std::pin::pin!(connection);
                let ended = tokio::select! {
                    ended = connection.as_mut() => ended,
                    () = async { let _ = shutdown_seen.wait_for(|shutting_down| *shutting_down).await; } => {
                        connection.as_mut().graceful_shutdown();
                        connection.await
                    }
                };
                if let Err(error) = ended {
                    tracing::debug!(%peer, "connection ended with an error: {error}");
                }
            });
        }
        // New connections are refused from here on; those open finish what they serve.
        drop(listener);
        drop(shutdown_seen);
        let _ = shutting_down.send(true);
        shutting_down.closed().await;
        Ok(())
    }
}

impl<S> IntoFuture for Serve<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Output = io::Result<()>;
    type IntoFuture = Pin<Box<dyn Future<Output = io::Result<()>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// Completes on ctrl-c or, on Unix, SIGTERM (what Baseten sends a replica it stops): the
/// usual argument of [`Serve::with_graceful_shutdown`].
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
