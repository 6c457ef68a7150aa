//! The Binary IO docs' chain, in Rust, written as the docs' Python is: a `Worker` chainlet
//! (`#[chainlet]`) that adds 10 to `data.some_numbers`, and a `Consumer` whose `new` takes the
//! Worker's stub from the deployment context (`chains.depends(Worker, use_binary=True)`) and
//! whose `run_remote` makes a random (3, 2) array and calls the Worker in binary mode.
//!
//! ```sh
//! cargo run --release --example chain           # both on loopback, the Consumer called twice, then exit
//! cargo run --release --example chain -- serve worker --port 8001                # until SIGTERM or ctrl-c
//! cargo run --release --example chain -- serve consumer --port 8002 --worker http://127.0.0.1:8001
//! ```
//!
//! Each chainlet has truss's routes (`/v1/models/{name}:predict`, liveness, readiness, schema)
//! plus Baseten's `/predict` and `/run_remote`, so Python's chains stub, the Binary IO docs'
//! client, a Python chain and the Rust client call it alike (`examples/deploy/` deploys the
//! Worker on Baseten).

use std::error::Error;
use std::io::Write;
use std::net::IpAddr;
use std::process::ExitCode;

use chainmodel::chains::{self, Context, RpcOptions};
use chainmodel::client::{Client, Mode};
use chainmodel::prelude::*;
use chainmodel::server;
use clap::{Parser, Subcommand, ValueEnum};
use tokio::net::TcpListener;

/// `println!` that does not panic when stdout is gone (a closed pipe): a served chainlet logs
/// what travelled, and must not fail a call because nobody reads its log.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// The Binary IO docs' model.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct DataModel {
    some_numbers: NdArray<f64>,
    other_field: String,
}

/// The Worker: `some_numbers + 10`.
#[derive(Default)]
struct Worker;

#[chainlet]
impl Worker {
    // The decoded array is the Worker's own, so `+=` simply works (the docs' Python Worker must
    // make a new one: msgpack_numpy's arrays are read-only).
    async fn run_remote(&self, data: DataModel) -> Result<DataModel, RemoteError> {
        let mut data = data;
        data.some_numbers += 10.0;
        Ok(data)
    }
}

/// The Consumer: `__init__(self, worker=chains.depends(Worker, use_binary=True))`.
struct Consumer {
    worker: WorkerStub,
}

#[chainlet]
impl Consumer {
    fn new(context: &Context) -> Result<Self, RemoteError> {
        Ok(Consumer { worker: context.depends::<WorkerStub>(RpcOptions::default().use_binary(true))? })
    }

    /// `run_remote(self, data: Optional[DataModel] = None)`: without `data`, the docs' Consumer
    /// (a random (3, 2) array); with it, the caller's data. It prints what travelled and checks
    /// every number.
    async fn run_remote(&self, data: Option<DataModel>) -> Result<DataModel, RemoteError> {
        let data =
            data.unwrap_or_else(|| DataModel { some_numbers: random(vec![3, 2]), other_field: "Example".to_owned() });
        let sent = data.some_numbers.clone();
        let result = self.worker.run_remote(data).await?;
        say!("   Consumer → Worker   binary ({}), through WorkerStub", chainmodel::client::BINARY_CONTENT_TYPE);
        say!("     sent\n{}", indent(&sent.to_string(), 7));
        say!("     returned\n{}", indent(&result.some_numbers.to_string(), 7));
        let mut expected = sent;
        expected += 10.0;
        if result.some_numbers != expected {
            return Err(RemoteError::new("ValueError", "the Worker did not add 10 to every number"));
        }
        Ok(result)
    }
}

/// The deployment context of a Consumer whose Worker is at `worker_url`: on Baseten,
/// `Context::from_baseten()` reads it from the files Baseten mounts; here it is given.
/// `BASETEN_API_KEY`, when set, authorizes the calls (the chain's API key).
fn consumer_context(worker_url: &str) -> Context {
    let mut context = Context::builder().predict_url("Worker", worker_url);
    if let Some(key) = std::env::var("BASETEN_API_KEY").ok().filter(|key| !key.is_empty()) {
        context = context.secret(chainmodel::chains::CHAIN_API_KEY_SECRET, key);
    }
    context.build()
}

/// The Binary IO docs' chain in Rust.
#[derive(Parser, Debug)]
#[command(after_help = "Without a command: the Worker and the Consumer on loopback, the Consumer called once \
                        by a binary client and once by a JSON client, then exit.")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve one chainlet until SIGTERM or ctrl-c.
    Serve {
        /// Which chainlet.
        chainlet: Which,
        /// The port to listen on.
        #[arg(long)]
        port: u16,
        /// The address to listen on (`0.0.0.0` in a container).
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// The Consumer's Worker: a predict URL, or a server's base URL (then its
        /// `/v1/models/model:predict`). `BASETEN_API_KEY`, when set, authorizes the calls.
        /// Without it, the Consumer reads its deployment context from the files Baseten mounts
        /// (`Context::from_baseten`: the Worker's URL, the chain's API key).
        #[arg(long)]
        worker: Option<String>,
        /// Also stop when stdin closes (tests use it, so that a test process that ends, however
        /// it ends, leaves no server behind).
        #[arg(long, hide = true)]
        exit_with_stdin: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Which {
    Worker,
    Consumer,
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Args::parse().command {
        None => run_chain().await,
        Some(Command::Serve { chainlet, port, host, worker: worker_url, exit_with_stdin }) => {
            serve(chainlet, host, port, worker_url.as_deref(), exit_with_stdin).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("chain: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(
    chainlet: Which,
    host: IpAddr,
    port: u16,
    worker_url: Option<&str>,
    exit_with_stdin: bool,
) -> Result<(), Box<dyn Error>> {
    let router = match chainlet {
        Which::Worker => chains::router(Worker),
        Which::Consumer => {
            let context = match worker_url {
                Some(url) => consumer_context(&predict_url(url)),
                None => Context::from_baseten().map_err(|error| error.to_string())?,
            };
            chains::router(Consumer::new(&context).map_err(|error| error.to_string())?)
        }
    };
    let listener = TcpListener::bind((host, port)).await?;
    say!("{chainlet:?} serving on http://{} until SIGTERM or ctrl-c", listener.local_addr()?);
    let (closed, stdin_closed) = tokio::sync::oneshot::channel::<()>();
    if exit_with_stdin {
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
            let _ = closed.send(());
        });
    }
    // Without the flag the sender is gone, and `select!` waits for the signal alone.
    let stop = async move {
        tokio::select! {
            () = server::shutdown_signal() => {}
            Ok(()) = stdin_closed => {}
        }
    };
    server::serve(listener, router).with_graceful_shutdown(stop).await?;
    say!("{chainlet:?} stopped");
    Ok(())
}

/// Both chainlets on loopback; the Consumer called by a binary client, then by a JSON client.
async fn run_chain() -> Result<(), Box<dyn Error>> {
    let worker_listener = TcpListener::bind("127.0.0.1:0").await?;
    let worker_url = format!("http://{}/v1/models/model:predict", worker_listener.local_addr()?);
    let consumer_listener = TcpListener::bind("127.0.0.1:0").await?;
    let consumer_url = format!("http://{}/run_remote", consumer_listener.local_addr()?);
    say!("The Binary IO docs' chain, in Rust");
    say!("   Worker   at {worker_url}: some_numbers + 10");
    say!("   Consumer at {consumer_url}: a random (3, 2) array, sent to the Worker in binary mode\n");

    let (stop, stopped) = tokio::sync::watch::channel(());
    let until_stopped = |mut stopped: tokio::sync::watch::Receiver<()>| async move {
        let _ = stopped.changed().await;
    };
    // Every chainlet on its own loopback port, wired by name (`chains.run_local` in Python).
    let consumer = Consumer::new(&consumer_context(&worker_url)).map_err(|error| error.to_string())?;
    let servers = [
        tokio::spawn(
            server::serve(worker_listener, chains::router(Worker))
                .with_graceful_shutdown(until_stopped(stopped.clone()))
                .into_future(),
        ),
        tokio::spawn(
            server::serve(consumer_listener, chains::router(consumer))
                .with_graceful_shutdown(until_stopped(stopped))
                .into_future(),
        ),
    ];

    for (n, mode) in [(1, Mode::Binary), (2, Mode::Json)] {
        let name = if mode.is_binary() { "binary" } else { "JSON" };
        let client = Client::builder(&consumer_url).name("Consumer").use_binary(mode.is_binary()).build()?;
        let request = match mode {
            Mode::Binary => ConsumerInput { data: None }.to_msgpack()?,
            Mode::Json => ConsumerInput { data: None }.to_json()?.into_bytes(),
        };
        say!("{n}. A {name} client calls the Consumer");
        say!("   client → Consumer   {name} ({}), {} bytes", content_type(mode), request.len());
        let response = client.call_raw(mode, request).await?;
        let result: DataModel = response.decode()?;
        say!("   Consumer → client   {name} ({}), {} bytes", content_type(response.mode()), response.bytes().len());
        if response.mode() == Mode::Json {
            say!("     {}", String::from_utf8_lossy(response.bytes()));
        }
        say!(
            "     other_field {:?}, some_numbers (shape {:?}, dtype {})\n{}\n",
            result.other_field,
            result.some_numbers.shape(),
            result.some_numbers.dtype(),
            indent(&result.some_numbers.to_string(), 7)
        );
        let numbers = result.some_numbers.as_slice();
        if result.some_numbers.shape() != [3, 2] || !numbers.iter().all(|x| (10.0..11.0).contains(x)) {
            return Err(format!("call {n}: not a random (3, 2) array plus 10: {result:?}").into());
        }
    }
    say!("Both calls returned the Worker's answer: the Consumer's random numbers, plus 10.");

    let _ = stop.send(());
    for server in servers {
        server.await??;
    }
    Ok(())
}

/// `url` as is when it has a path, else its truss predict route.
fn predict_url(url: &str) -> String {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest).split_once('/').map_or("", |(_, path)| path);
    if path.is_empty() { format!("{}/v1/models/model:predict", url.trim_end_matches('/')) } else { url.to_owned() }
}

fn content_type(mode: Mode) -> &'static str {
    if mode.is_binary() { chainmodel::client::BINARY_CONTENT_TYPE } else { chainmodel::client::JSON_CONTENT_TYPE }
}

fn indent(text: &str, by: usize) -> String {
    text.lines().map(|line| format!("{:by$}{line}", "")).collect::<Vec<_>>().join("\n")
}

/// `np.random.random(shape)`: uniform numbers in [0, 1), here from SplitMix64 seeded by the
/// standard library's random hasher keys.
fn random(shape: Vec<usize>) -> NdArray<f64> {
    use std::hash::BuildHasher;
    let mut state = std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now());
    let len = shape.iter().product();
    let numbers = (0..len)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect();
    NdArray::from_shape_vec(shape, numbers).expect("the shape's product is the length")
}
