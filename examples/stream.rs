//! A streaming chainlet, as truss-chains streams: `Streamer.run_remote(prompt: str, n: int)`
//! answers an `AsyncIterator[bytes]` that carries, for most prompts, a typed stream written as
//! `stream_writer(stream_types(StreamItem, header_type=StreamHeader, footer_type=StreamFooter))`
//! writes it, produced item by item; for the prompt `raw`, `n` lines of raw text; for `fail`,
//! half the items and then an error, which ends the answer abnormally so that the caller sees
//! a failure and not a short stream.
//!
//! ```sh
//! cargo run --release --example stream                          # serve on loopback, read it, exit
//! cargo run --release --example stream -- serve --port 8003     # until SIGTERM or ctrl-c
//! ```
//!
//! Python's `stream_reader` reads the typed stream (`tests/python/stream_read.py`), as does
//! `chainmodel call URL '{"prompt": "p", "n": 3}' --stream --typed`.

use std::io::Write;
use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use chainmodel::chains::streaming::{Frame, FrameWriter, Streamed, Yielder, generate};
use chainmodel::chains::{self, RpcOptions};
use chainmodel::client::Error;
use chainmodel::prelude::*;
use clap::{Parser, Subcommand};
use futures_util::StreamExt;
use tokio::net::TcpListener;

/// `println!` that does not panic when stdout is gone (a closed pipe).
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

#[derive(ChainModel, Debug, PartialEq)]
struct StreamHeader {
    prompt: String,
}

#[derive(ChainModel, Debug, PartialEq)]
struct StreamItem {
    index: i64,
    token: String,
}

#[derive(ChainModel, Debug, PartialEq)]
struct StreamFooter {
    count: i64,
}

type StreamFrame = Frame<StreamItem, StreamHeader, StreamFooter>;

/// The chainlet. `Streamed<Vec<u8>>` is Python's `AsyncIterator[bytes]`: each chunk is sent
/// as soon as it is made, and made only when the client reads (a client that goes away stops
/// it). `#[chainlet]` also writes `StreamerStub`, whose `run_remote` returns the chunks as
/// they arrive.
#[derive(Default)]
pub struct Streamer;

#[chainlet]
impl Streamer {
    pub async fn run_remote(&self, prompt: String, n: i64) -> Streamed<Vec<u8>> {
        Streamed::new(generate(move |mut out: Yielder<Vec<u8>>| async move {
            if prompt == "raw" {
                for i in 0..n {
                    out.send(format!("raw-{i}\n").into_bytes()).await;
                }
                return Ok(());
            }
            // As a Python chainlet yields `writer.yield_item(..)`: framed bytes.
            let mut writer = FrameWriter::new();
            let mut frame =
                |frame: StreamFrame| writer.write(&frame).map_err(|e| RemoteError::new("ValueError", e.to_string()));
            out.send(frame(Frame::Header(StreamHeader { prompt: prompt.clone() }))?).await;
            let items = if prompt == "fail" { n / 2 } else { n };
            for index in 0..items {
                out.send(frame(Frame::Item(StreamItem { index, token: format!("{prompt}-{index}") }))?).await;
            }
            if prompt == "fail" {
                return Err(RemoteError::new("ValueError", format!("stream failed at item {items}")));
            }
            out.send(frame(Frame::Footer(StreamFooter { count: n }))?).await;
            Ok(())
        }))
    }
}

#[derive(Parser)]
#[command(about = "truss-chains' streaming in Rust: a Streamer chainlet and a consumer of it")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the Streamer until SIGTERM or ctrl-c.
    Serve {
        #[arg(long, default_value_t = 8003)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Some(Command::Serve { port, host }) => serve(host, port).await,
        None => consume().await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(host: IpAddr, port: u16) -> Result<(), Box<dyn std::error::Error>> {
    chainmodel::chains::log_to_stderr();
    let listener = TcpListener::bind((host, port)).await?;
    say!("Streamer serving on http://{}", listener.local_addr()?);
    chains::serve(listener, Streamer).await?;
    Ok(())
}

/// Serves the Streamer on a free loopback port and reads its three kinds of answer.
async fn consume() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/v1/models/model:predict", listener.local_addr()?);
    tokio::spawn(async move { chains::serve(listener, Streamer).await });
    let stub = StreamerStub::from_url(url, RpcOptions::default().timeout(Duration::from_secs(30)))?;

    say!("typed stream, prompt \"p\", n = 3:");
    let mut frames = stub.run_remote("p".into(), 3).await?.frames::<StreamItem, StreamHeader, StreamFooter>();
    say!("  header {:?}", frames.read_header().await?);
    while let Some(item) = frames.next_item().await {
        say!("  item   {:?}", item?);
    }
    say!("  footer {:?}", frames.read_footer().await?);

    say!("raw text stream, prompt \"raw\", n = 3:");
    let mut text = stub.run_remote("raw".into(), 3).await?.text();
    while let Some(piece) = text.next().await {
        say!("  chunk  {:?}", piece?);
    }

    say!("failing stream, prompt \"fail\", n = 4:");
    let mut frames = stub.run_remote("fail".into(), 4).await?.frames::<StreamItem, StreamHeader, StreamFooter>();
    say!("  header {:?}", frames.read_header().await?);
    loop {
        match frames.next_item().await {
            Some(Ok(item)) => say!("  item   {item:?}"),
            Some(Err(error)) => {
                say!("  error  {error}");
                break;
            }
            None => return Err(Box::new(Error::Config("the failing stream ended cleanly".into()))),
        }
    }
    Ok(())
}
