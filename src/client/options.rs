//! truss's `RPCOptions` and the client's builder.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use super::blocking;
use super::call::Client;
use super::error::Error;
use super::response::Transfer;

/// How calls are made: truss-chains' `RPCOptions`, with its defaults.
///
/// ```
/// use std::time::Duration;
/// use chainmodel::client::RpcOptions;
///
/// let options = RpcOptions::default();
/// assert_eq!((options.use_binary, options.retries), (false, 1));
/// assert_eq!(options.timeout, Duration::from_secs(600));
/// assert_eq!(options.concurrency_limit, 300);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RpcOptions {
    /// Send the input as msgpack (`application/octet-stream`) instead of JSON. Default `false`.
    pub use_binary: bool,
    /// Attempts per call, the first included (truss counts them so): a call that fails on the
    /// connection, times out or gets a `5xx` is tried again, after a growing pause with jitter,
    /// until this many attempts were made. `4xx` answers are never retried. Default 1 (`0` is
    /// read as 1).
    pub retries: u32,
    /// The limit for one attempt, from sending the request to the response's last byte.
    /// Default 600 s.
    pub timeout: Duration,
    /// At most this many calls of the client (and its clones) run at once; the others wait
    /// for a turn. Default 300.
    pub concurrency_limit: usize,
}

impl RpcOptions {
    /// Sets [`use_binary`](Self::use_binary): `RpcOptions::default().use_binary(true)`, as
    /// `chains.depends(Worker, use_binary=True)`.
    #[must_use]
    pub fn use_binary(mut self, use_binary: bool) -> Self {
        self.use_binary = use_binary;
        self
    }

    /// Sets [`retries`](Self::retries) (attempts).
    #[must_use]
    pub fn retries(mut self, attempts: u32) -> Self {
        self.retries = attempts;
        self
    }

    /// Sets [`timeout`](Self::timeout).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets [`concurrency_limit`](Self::concurrency_limit).
    #[must_use]
    pub fn concurrency_limit(mut self, limit: usize) -> Self {
        self.concurrency_limit = limit;
        self
    }

    /// truss's `DEFAULT_TIMEOUT_SEC`: 600 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
    /// truss's `DEFAULT_CONCURRENCY_LIMIT`: 300.
    pub const DEFAULT_CONCURRENCY_LIMIT: usize = 300;
}

impl Default for RpcOptions {
    fn default() -> Self {
        RpcOptions {
            use_binary: false,
            retries: 1,
            timeout: Self::DEFAULT_TIMEOUT,
            concurrency_limit: Self::DEFAULT_CONCURRENCY_LIMIT,
        }
    }
}

/// What a progress callback receives (see [`ClientBuilder::on_progress`]).
pub(crate) type ProgressFn = Arc<dyn Fn(Transfer) + Send + Sync>;

/// Configures a [`Client`]: the predict URL, the API key and the [`RpcOptions`], as reqwest's
/// `ClientBuilder` configures its client. Made with [`Client::builder`].
///
/// ```
/// use std::time::Duration;
/// use chainmodel::client::Client;
///
/// let worker = Client::builder("https://model-abc.api.baseten.co/environments/production/run_remote")
///     .name("Worker")
///     .api_key("my-api-key")
///     .use_binary(true)
///     .retries(3)
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(worker.name(), "Worker");
/// # Ok::<(), chainmodel::client::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    pub(crate) url: String,
    pub(crate) api_key: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) options: RpcOptions,
    pub(crate) max_response_size: usize,
    pub(crate) progress: Option<ProgressFn>,
    pub(crate) headers: HeaderMap,
    /// The first header that could not be one, reported by `build`.
    pub(crate) header_error: Option<String>,
    pub(crate) http: Option<reqwest::Client>,
}

impl ClientBuilder {
    pub(crate) fn new(url: String) -> Self {
        ClientBuilder {
            url,
            api_key: None,
            name: None,
            options: RpcOptions::default(),
            max_response_size: crate::Limits::DEFAULT.max_message_size,
            progress: None,
            headers: HeaderMap::new(),
            header_error: None,
            http: None,
        }
    }

    /// Sends `Authorization: Api-Key {key}` (a Baseten API key) with every call.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The name errors give the remote chainlet, as the Python stub uses its class name:
    /// ``Timeout calling remote Chainlet `Worker` (0.5 seconds limit).`` Default: the URL.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets every option at once.
    pub fn options(mut self, options: RpcOptions) -> Self {
        self.options = options;
        self
    }

    /// [`RpcOptions::use_binary`].
    pub fn use_binary(mut self, use_binary: bool) -> Self {
        self.options.use_binary = use_binary;
        self
    }

    /// [`RpcOptions::retries`].
    pub fn retries(mut self, attempts: u32) -> Self {
        self.options.retries = attempts;
        self
    }

    /// [`RpcOptions::timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// [`RpcOptions::concurrency_limit`].
    pub fn concurrency_limit(mut self, limit: usize) -> Self {
        self.options.concurrency_limit = limit;
        self
    }

    /// The largest response accepted, in bytes; a larger one fails with
    /// [`Error::TooLarge`] before it is read (by its `Content-Length`) or as soon as the bytes
    /// that arrived pass it. Default 2 GiB, the decoders' own limit.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Calls `progress` as the request's body goes out and the response's comes in (the CLI
    /// draws its progress bar with it).
    pub fn on_progress(mut self, progress: impl Fn(Transfer) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Sends the header `name: value` with every call, as reqwest's `RequestBuilder::header`
    /// adds it (a name given twice is sent twice): a `Host` of its own, as truss's stub sends
    /// one to a chainlet's `internal_url` (the gateway's URL, the chainlet's hostname in
    /// `Host`), or any header a gateway wants. The `Content-Type` of the call's mode, the
    /// API key's `Authorization` and the forwarded chain context take precedence over headers
    /// of the same names. A name or value that cannot be a header fails [`build`](Self::build).
    ///
    /// ```
    /// use chainmodel::client::Client;
    ///
    /// let worker = Client::builder("https://model-abc.api.baseten.co/environments/production/run_remote")
    ///     .header("Host", "chain-abc-worker.internal")
    ///     .header("x-team", "vision")
    ///     .build()?;
    /// # Ok::<(), chainmodel::client::Error>(())
    /// ```
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        <HeaderName as TryFrom<K>>::Error: std::fmt::Display,
        HeaderValue: TryFrom<V>,
        <HeaderValue as TryFrom<V>>::Error: std::fmt::Display,
    {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Err(error), _) => {
                self.header_error.get_or_insert_with(|| format!("a header name that cannot be one: {error}"));
            }
            (_, Err(error)) => {
                self.header_error.get_or_insert_with(|| format!("a header value that cannot be one: {error}"));
            }
        }
        self
    }

    /// Makes the calls with `http`, a reqwest client of one's own (its proxies, TLS roots,
    /// timeouts, default headers, connection pool), rather than one the builder makes (which
    /// keeps at most 50 idle connections, as truss's stub does, and no proxy for loopback
    /// URLs). The options still apply: the call's timeout, retries and concurrency limit.
    ///
    /// ```
    /// use chainmodel::client::Client;
    ///
    /// let http = reqwest::Client::builder().user_agent("my-service/1.0").build()?;
    /// let worker = Client::builder("https://model-abc.api.baseten.co/environments/production/predict")
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client. Fails on a URL that is not `http` or `https`, an API key or a header that
    /// cannot be a header value, or a concurrency limit of 0.
    pub fn build(self) -> Result<Client, Error> {
        Client::from_builder(self)
    }

    /// A client for code that does not run in an async runtime (scripts, the CLI).
    pub fn build_blocking(self) -> Result<blocking::Client, Error> {
        blocking::Client::from_async(self.build()?)
    }

    pub(crate) fn authorization(&self) -> Result<Option<HeaderValue>, Error> {
        let Some(key) = &self.api_key else { return Ok(None) };
        let mut value = HeaderValue::from_str(&format!("Api-Key {key}"))
            .map_err(|_| Error::Config("the API key holds characters a header cannot carry".into()))?;
        value.set_sensitive(true);
        Ok(Some(value))
    }
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &self.url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("name", &self.name)
            .field("options", &self.options)
            .field("max_response_size", &self.max_response_size)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}
