//! The client for code that does not run in an async runtime: scripts, command-line tools.

use std::future::Future;
use std::sync::Arc;

use crate::chains::Mode;
use crate::json::{JsonDecode, JsonEncode};
use crate::msgpack::{MsgpackDecode, MsgpackEncode};

use super::error::Error;
use super::options::RpcOptions;
use super::response::Response;

/// The blocking form of [`Client`](super::Client): the same calls, each run to its end on a
/// small runtime of the client's own. Made with [`Client::new`] or
/// [`ClientBuilder::build_blocking`](super::ClientBuilder::build_blocking). Inside an async
/// runtime its calls fail with [`Error::BlockingInAsync`] rather than block the runtime: use
/// the async client there. It may be made and dropped anywhere, inside an async runtime too.
///
/// ```no_run
/// use chainmodel::Value;
/// use chainmodel::client::blocking::Client;
///
/// let model = Client::new("https://model-abc.api.baseten.co/environments/production/predict", "my-api-key")?;
/// let input = Value::Map(vec![(Value::from("prompt"), Value::from("hello"))]);
/// let output: Value = model.predict(&input)?;
/// println!("{output:?}");
/// # Ok::<(), chainmodel::client::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    client: super::Client,
    runtime: Arc<OwnRuntime>,
}

/// The runtime a blocking client runs its calls on. Dropping a tokio runtime inside an async
/// context panics (it would block to wait for its tasks): the last clone of a client shuts it
/// down in the background instead, so a blocking client may be dropped anywhere.
#[derive(Debug)]
struct OwnRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl Client {
    /// A client for `predict_url` that authorizes with the Baseten `api_key`, with truss's
    /// default [`RpcOptions`]; [`Client::builder`](super::Client::builder) and
    /// `build_blocking` configure the others.
    pub fn new(predict_url: impl Into<String>, api_key: impl Into<String>) -> Result<Client, Error> {
        super::Client::builder(predict_url).api_key(api_key).build_blocking()
    }

    pub(crate) fn from_async(client: super::Client) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start the client's runtime: {e}")))?;
        Ok(Client { client, runtime: Arc::new(OwnRuntime(Some(runtime))) })
    }

    /// The async client it drives.
    pub fn as_async(&self) -> &super::Client {
        &self.client
    }

    /// The remote's name in errors.
    pub fn name(&self) -> &str {
        self.client.name()
    }

    /// The options calls are made with.
    pub fn options(&self) -> &RpcOptions {
        self.client.options()
    }

    /// [`Client::predict`](super::Client::predict), blocking.
    pub fn predict<I, O>(&self, input: &I) -> Result<O, Error>
    where
        I: JsonEncode + MsgpackEncode + ?Sized,
        O: for<'de> JsonDecode<'de> + for<'de> MsgpackDecode<'de>,
    {
        self.block_on(self.client.predict(input))?
    }

    /// [`Client::call`](super::Client::call), blocking.
    pub fn call<I>(&self, input: &I) -> Result<Response, Error>
    where
        I: JsonEncode + MsgpackEncode + ?Sized,
    {
        self.block_on(self.client.call(input))?
    }

    /// [`Client::call_raw`](super::Client::call_raw), blocking.
    pub fn call_raw(&self, mode: Mode, body: Vec<u8>) -> Result<Response, Error> {
        self.block_on(self.client.call_raw(mode, body))?
    }

    fn block_on<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::BlockingInAsync);
        }
        match &self.runtime.0 {
            Some(runtime) => Ok(runtime.block_on(future)),
            // Taken only when the client is dropped.
            None => Err(Error::BlockingInAsync),
        }
    }
}
