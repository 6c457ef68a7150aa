//! truss-chains' `DeploymentContext`: what a chainlet learns of its deployment from what Baseten
//! mounts in its replica (secrets, the URLs of the chainlets it depends on, the environment),
//! or, in tests and local runs, from a [`ContextBuilder`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::client::{Client, RpcOptions};
use crate::serde_json;

use super::stub::Stub;
use crate::server::RemoteError;

/// Where Baseten mounts a replica's secrets: one file per secret, named as the secret.
pub const SECRETS_DIR: &str = "/secrets";
/// The file of the chainlets' URLs, keyed by their display name.
pub const DYNAMIC_CHAINLET_CONFIG: &str = "/etc/b10_dynamic_config/dynamic_chainlet_config";
/// The file naming the environment the chain is deployed in.
pub const ENVIRONMENT_FILE: &str = "/etc/b10_dynamic_config/environment";
/// The secret holding the chain's API key, which authorizes its calls to its chainlets.
pub const CHAIN_API_KEY_SECRET: &str = "baseten_chain_api_key";

/// How a chainlet is reached: truss-chains' `DeployedServiceDescriptor`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServiceUrl {
    /// A predict URL, called as it is.
    Predict(String),
    /// The chain's gateway, called with a `Host` header naming the chainlet (truss's
    /// `internal_url`: `gateway_run_remote_url` and `hostname`).
    Internal {
        /// The gateway's `run_remote` URL.
        gateway_run_remote_url: String,
        /// The chainlet's host name, sent as `Host`.
        hostname: String,
    },
}

/// A chainlet's view of its deployment, as truss-chains' `DeploymentContext`: its secrets, the
/// chainlets it calls (by name) and the environment. [`Context::from_baseten`] reads what
/// Baseten mounts in a replica; tests and local runs give the same data with
/// [`Context::builder`], never by writing to `/etc`.
///
/// ```
/// use chainmodel::chains::Context;
///
/// let context = Context::builder()
///     .predict_url("Worker", "http://127.0.0.1:8001/v1/models/model:predict")
///     .secret("baseten_chain_api_key", "my-key")
///     .environment("staging")
///     .build();
/// assert_eq!(context.secret("baseten_chain_api_key").as_deref(), Some("my-key"));
/// assert_eq!(context.environment(), Some("staging"));
/// assert!(context.service("Worker").is_some());
/// ```
#[derive(Clone, Debug, Default)]
pub struct Context {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    secrets: Secrets,
    services: BTreeMap<String, ServiceUrl>,
    environment: Option<String>,
}

/// Where secrets come from.
#[derive(Debug, Default)]
enum Secrets {
    /// Given explicitly.
    #[default]
    None,
    Given(BTreeMap<String, String>),
    /// A replica's: `{dir}/{name}`, else the variable `TRUSS_SECRET_{name}`.
    Mounted(PathBuf),
}

impl Context {
    /// A builder for a context given explicitly (tests, local runs, a whole chain in one
    /// process).
    pub fn builder() -> ContextBuilder {
        ContextBuilder::default()
    }

    /// The context Baseten gives a replica: secrets from [`SECRETS_DIR`] (a file per secret,
    /// read as it is), else from the variable `TRUSS_SECRET_{name}`; the chainlets' URLs from
    /// [`DYNAMIC_CHAINLET_CONFIG`] (JSON keyed by display name: `{"predict_url": ..}` or
    /// `{"internal_url": {"gateway_run_remote_url": .., "hostname": ..}}`, the latter winning
    /// when both are there); the environment from [`ENVIRONMENT_FILE`] (JSON, its `name`).
    /// Missing files are an empty configuration; a file that is there but malformed is an
    /// error.
    pub fn from_baseten() -> Result<Context, RemoteError> {
        Context::from_files(Path::new(SECRETS_DIR), Path::new(DYNAMIC_CHAINLET_CONFIG), Path::new(ENVIRONMENT_FILE))
    }

    /// [`from_baseten`](Self::from_baseten) with other paths (tests, or a deployment that
    /// mounts them elsewhere).
    pub fn from_files(secrets_dir: &Path, chainlet_config: &Path, environment: &Path) -> Result<Context, RemoteError> {
        let services = match std::fs::read(chainlet_config) {
            Ok(bytes) if !bytes.iter().all(u8::is_ascii_whitespace) => {
                parse_chainlet_config(&bytes).map_err(|reason| {
                    RemoteError::new("ValueError", format!("`{}`: {reason}", chainlet_config.display()))
                })?
            }
            _ => BTreeMap::new(),
        };
        let environment =
            match std::fs::read(environment) {
                Ok(bytes) => Some(parse_environment(&bytes).map_err(|reason| {
                    RemoteError::new("ValueError", format!("`{}`: {reason}", environment.display()))
                })?),
                Err(_) => None,
            };
        Ok(Context {
            inner: Arc::new(Inner { secrets: Secrets::Mounted(secrets_dir.to_owned()), services, environment }),
        })
    }

    /// The secret `name` (`context.secrets["hf_access_token"]` in Python), or `None`.
    pub fn secret(&self, name: &str) -> Option<String> {
        match &self.inner.secrets {
            Secrets::None => None,
            Secrets::Given(secrets) => secrets.get(name).cloned(),
            Secrets::Mounted(dir) => {
                // A secret's name is a file name: nothing that would leave the directory.
                if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
                    return None;
                }
                std::fs::read_to_string(dir.join(name))
                    .ok()
                    .or_else(|| std::env::var(format!("TRUSS_SECRET_{name}")).ok())
            }
        }
    }

    /// How the chainlet `name` (its display name, the Rust type's or the Python class's) is
    /// reached, if the deployment knows it.
    pub fn service(&self, name: &str) -> Option<&ServiceUrl> {
        self.inner.services.get(name)
    }

    /// The names of the chainlets the deployment knows.
    pub fn services(&self) -> impl Iterator<Item = &str> {
        self.inner.services.keys().map(String::as_str)
    }

    /// The environment the chain is deployed in (`production`, `staging`), if any.
    pub fn environment(&self) -> Option<&str> {
        self.inner.environment.as_deref()
    }

    /// The chain's API key (the secret [`CHAIN_API_KEY_SECRET`]).
    pub fn chain_api_key(&self) -> Option<String> {
        self.secret(CHAIN_API_KEY_SECRET).filter(|key| !key.is_empty() && key != "***")
    }

    /// The stub of the chainlet `S` is the stub of (`chains.depends(Worker, ...)`), called with
    /// `options`: found by its name, authorized with the chain's API key when there is one,
    /// through the gateway with a `Host` header for an internal URL. One connection pool per
    /// call of `depends`: make each stub once (in `new`) and keep it.
    ///
    /// Errors: the deployment does not know the chainlet (truss's "Chainlet 'Worker' not
    /// found" message, naming the ones it knows), or the client cannot be built.
    pub fn depends<S: Stub>(&self, options: RpcOptions) -> Result<S, RemoteError> {
        let name = S::NAME;
        let Some(service) = self.service(name) else {
            let known: Vec<&str> = self.services().collect();
            return Err(RemoteError::new(
                "MissingDependencyError",
                format!(
                    "Chainlet '{name}' not found in 'dynamic_chainlet_config'. Dynamic Chainlet config keys: {known:?}."
                ),
            )
            .with_module("truss_chains.public_types"));
        };
        let mut builder = match service {
            ServiceUrl::Predict(url) => Client::builder(url.clone()),
            ServiceUrl::Internal { gateway_run_remote_url, hostname } => {
                Client::builder(gateway_run_remote_url.clone()).header("Host", hostname.clone())
            }
        };
        builder = builder.name(name).options(options);
        if let Some(key) = self.chain_api_key() {
            builder = builder.api_key(key);
        }
        let client = builder.build().map_err(|error| RemoteError::new("ValueError", error.to_string()))?;
        Ok(S::from_client(client))
    }
}

/// Builds a [`Context`] explicitly: the data Baseten would mount, given in code.
#[derive(Debug, Default)]
#[must_use]
pub struct ContextBuilder {
    secrets: BTreeMap<String, String>,
    services: BTreeMap<String, ServiceUrl>,
    environment: Option<String>,
}

impl ContextBuilder {
    /// The chainlet `name` is called at `url` (a predict URL: truss's `predict_url`).
    pub fn predict_url(mut self, name: impl Into<String>, url: impl Into<String>) -> Self {
        self.services.insert(name.into(), ServiceUrl::Predict(url.into()));
        self
    }

    /// The chainlet `name` is called through the gateway at `gateway_run_remote_url` with
    /// `Host: {hostname}` (truss's `internal_url`).
    pub fn internal_url(
        mut self,
        name: impl Into<String>,
        gateway_run_remote_url: impl Into<String>,
        hostname: impl Into<String>,
    ) -> Self {
        let url =
            ServiceUrl::Internal { gateway_run_remote_url: gateway_run_remote_url.into(), hostname: hostname.into() };
        self.services.insert(name.into(), url);
        self
    }

    /// The secret `name`'s value.
    pub fn secret(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.secrets.insert(name.into(), value.into());
        self
    }

    /// The environment's name.
    pub fn environment(mut self, name: impl Into<String>) -> Self {
        self.environment = Some(name.into());
        self
    }

    /// The context.
    pub fn build(self) -> Context {
        Context {
            inner: Arc::new(Inner {
                secrets: Secrets::Given(self.secrets),
                services: self.services,
                environment: self.environment,
            }),
        }
    }
}

/// `dynamic_chainlet_config`: `{display name: {"predict_url": ..} | {"internal_url": {..}}}`.
fn parse_chainlet_config(bytes: &[u8]) -> Result<BTreeMap<String, ServiceUrl>, String> {
    let config: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let entries = config.as_object().ok_or("not a JSON object keyed by chainlet name")?;
    let mut services = BTreeMap::new();
    for (name, entry) in entries {
        let text = |value: &serde_json::Value, key: &str| -> Result<String, String> {
            value
                .get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("chainlet '{name}': `{key}` is not a string"))
        };
        let service = match entry.get("internal_url").filter(|url| !url.is_null()) {
            Some(internal) => ServiceUrl::Internal {
                gateway_run_remote_url: text(internal, "gateway_run_remote_url")?,
                hostname: text(internal, "hostname")?,
            },
            None => ServiceUrl::Predict(text(entry, "predict_url")?),
        };
        services.insert(name.clone(), service);
    }
    Ok(services)
}

/// The environment file: `{"name": ..}` (other keys ignored, as truss's `Environment` does).
fn parse_environment(bytes: &[u8]) -> Result<String, String> {
    let environment: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    environment.get("name").and_then(serde_json::Value::as_str).map(str::to_owned).ok_or_else(|| "no `name`".to_owned())
}
