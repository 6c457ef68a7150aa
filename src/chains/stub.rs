//! A typed stub of a remote chainlet: what `#[chainlet]` and `#[stub]` generate
//! (`WorkerStub`), as truss-chains generates a `StubBase` subclass for each dependency.

use crate::client::{Client, ClientBuilder, Error, RpcOptions};

/// The typed stub of a chainlet named [`NAME`](Self::NAME): implemented by the `WorkerStub`
/// that `#[chainlet]` and `#[stub]` generate, whose `run_remote` takes the chainlet's
/// arguments and returns its output. [`Context::depends`](super::Context::depends) makes one
/// from a deployment's URLs; [`from_url`](Self::from_url) from a URL.
///
/// A stub is a [`Client`]: one connection pool, the [`RpcOptions`] (retries, timeout, binary
/// mode, concurrency limit), the chain context forwarded, remote errors shown as chained
/// tracebacks. Clones share it.
pub trait Stub: Clone + Send + Sync + Sized + 'static {
    /// The chainlet's name, under which a deployment knows it (its display name: the Rust
    /// type's, or the Python class's).
    const NAME: &'static str;

    /// The stub calling through `client`.
    fn from_client(client: Client) -> Self;

    /// The client it calls through.
    fn client(&self) -> &Client;

    /// The stub of the chainlet at `predict_url` (a predict URL, or a Baseten `run_remote`
    /// URL), called with `options`.
    fn from_url(predict_url: impl Into<String>, options: RpcOptions) -> Result<Self, Error> {
        Self::from_builder(Client::builder(predict_url).options(options))
    }

    /// The stub calling through the client `builder` makes (an API key, headers of one's own),
    /// named [`NAME`](Self::NAME) in errors.
    fn from_builder(builder: ClientBuilder) -> Result<Self, Error> {
        builder.name(Self::NAME).build().map(Self::from_client)
    }
}
