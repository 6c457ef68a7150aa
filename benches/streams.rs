//! Typed streams on loopback (`cargo bench --bench streams`; `scripts/bench` runs it): the
//! performance report's small model (id, name, a 256-float32 embedding, score) as the items of
//! a typed stream (`truss_chains.streaming` frames), produced as they are read (each a copy of
//! one embedding made beforehand), all read by the same Rust client
//! (`Client::stream(..).frames()`, each item decoded into its model).
//!
//! - **Items per second**, Rust server vs truss's (truss 0.18.36's real server serving
//!   tests/python/chains/stream_bench.py's `EmbeddingStream`, `stream_writer` items), JSON frames
//!   both; and on the Rust server, truss's JSON frames (arrays as base64) against chainmodel's
//!   binary frames (msgpack, arrays aligned: what a Rust client in binary mode asks for), for
//!   the small item and for a 64 Ki-float32 (256 KiB) one. Medians of a few whole streams.
//! - **Time to first item**: from sending the request to the first item decoded, median of
//!   20 calls of a 1000-item stream, Rust vs truss.
//!
//! The Rust server runs in this process on a runtime of one worker thread; truss's server is a
//! process of its own (one event loop); the client runs on a single-threaded runtime. Needs
//! `CHAINMODEL_PYTHON` (scripts/bench sets it) for the truss rows.

#[path = "../tests/truss_support/mod.rs"]
mod truss_support;

use std::time::{Duration, Instant};

use chainmodel::chains::streaming::{Frame, Yielder, generate};
use chainmodel::client::Client;
use chainmodel::prelude::*;
use chainmodel::server::{self, Chainlet};

// As in the other benchmarks: a service's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(ChainModel)]
struct StreamInput {
    n: i64,
    dim: i64,
}

#[derive(ChainModel)]
struct Embedding {
    id: i64,
    name: String,
    embedding: NdArray<f32>,
    score: f64,
}

/// Item `i`: its embedding a copy of one made beforehand (as the Python chainlet reuses one
/// array), so that the stream, not the making of values, is measured.
fn item(i: i64, values: &[f32]) -> Embedding {
    Embedding { id: i, name: format!("doc-{i}"), embedding: NdArray::from_vec(values.to_vec()), score: i as f64 * 0.5 }
}

/// The Rust twin of `EmbeddingStream`: each item made as the client reads.
fn rust_server() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        runtime.block_on(async move {
            let chainlet = Chainlet::streaming(|StreamInput { n, dim }| async move {
                let values: Vec<f32> = (0..dim).map(|j| (j as f32).cos()).collect();
                Ok::<_, RemoteError>(generate(move |mut out: Yielder<Frame<Embedding>>| async move {
                    for i in 0..n {
                        out.send(Frame::Item(item(i, &values))).await;
                    }
                    Ok::<_, RemoteError>(())
                }))
            });
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            server::serve(listener, chainlet.into_router()).await.unwrap();
        });
    });
    format!("http://{}", receiver.recv().unwrap())
}

/// One whole stream: the time to its first item and to its end.
async fn read(client: &Client, n: i64, dim: i64) -> (Duration, Duration) {
    let started = Instant::now();
    let mut frames = client.stream(&StreamInput { n, dim }).await.unwrap().frames::<Embedding, (), ()>();
    let first = frames.next_item().await.expect("an item").unwrap();
    let to_first = started.elapsed();
    assert_eq!(first.id, 0);
    let mut count = 1;
    while let Some(item) = frames.next_item().await {
        assert_eq!(item.unwrap().embedding.len(), dim as usize);
        count += 1;
    }
    assert_eq!(count, n);
    (to_first, started.elapsed())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Items per second over `runs` whole streams of `n` items (median), after one unmeasured.
async fn items_per_second(client: &Client, n: i64, dim: i64, runs: usize) -> f64 {
    read(client, n.min(100), dim).await;
    let mut rates = Vec::new();
    for _ in 0..runs {
        let (_, total) = read(client, n, dim).await;
        rates.push(n as f64 / total.as_secs_f64());
    }
    median(rates)
}

/// The median time to the first item of a 1000-item stream, in milliseconds.
async fn time_to_first_item(client: &Client, dim: i64) -> f64 {
    read(client, 10, dim).await;
    let mut times = Vec::new();
    for _ in 0..20 {
        let (first, _) = read(client, 1000, dim).await;
        times.push(first.as_secs_f64() * 1e3);
    }
    median(times)
}

fn client(base: &str, binary: bool) -> Client {
    Client::builder(format!("{base}/v1/models/model:predict"))
        .use_binary(binary)
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap()
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read.
    let rust = rust_server();
    let truss = std::env::var_os(truss_support::PYTHON_VAR)
        .map(|_| truss_support::truss_chainlet("stream_bench.py:EmbeddingStream").unwrap().url.clone());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (rust_json, rust_binary) = (client(&rust, false), client(&rust, true));
        println!("typed streams on loopback, items read and decoded by the Rust client");
        println!();
        println!("small items (id, name, 256 float32, score):");
        let json = items_per_second(&rust_json, 100_000, 256, 5).await;
        let binary = items_per_second(&rust_binary, 100_000, 256, 5).await;
        println!("  Rust server, JSON frames   {json:>12.0} items/s");
        println!("  Rust server, binary frames {binary:>12.0} items/s   ({:.2}x JSON frames)", binary / json);
        match &truss {
            Some(truss) => {
                let rate = items_per_second(&client(truss, false), 5_000, 256, 3).await;
                println!("  truss server, JSON frames  {rate:>12.0} items/s");
                println!("  Rust / truss (JSON frames): {:.1}x", json / rate);
            }
            None => println!("  truss server: not measured ({} is not set)", truss_support::PYTHON_VAR),
        }
        println!();
        println!("large items (id, name, 65536 float32 = 256 KiB, score):");
        let json = items_per_second(&rust_json, 400, 65_536, 5).await;
        let binary = items_per_second(&rust_binary, 400, 65_536, 5).await;
        println!("  Rust server, JSON frames   {json:>12.0} items/s  ({:>6.0} MiB/s of float32)", json / 4.0);
        println!(
            "  Rust server, binary frames {binary:>12.0} items/s  ({:>6.0} MiB/s of float32, {:.2}x JSON frames)",
            binary / 4.0,
            binary / json
        );
        if let Some(truss) = &truss {
            let rate = items_per_second(&client(truss, false), 100, 65_536, 3).await;
            println!("  truss server, JSON frames  {rate:>12.0} items/s  ({:>6.0} MiB/s of float32)", rate / 4.0);
            println!("  Rust / truss (JSON frames): {:.1}x", json / rate);
        }
        println!();
        println!("time to the first item of a 1000-item stream (median of 20):");
        let rust_first = time_to_first_item(&rust_json, 256).await;
        println!("  Rust server   {rust_first:>8.2} ms");
        if let Some(truss) = &truss {
            let truss_first = time_to_first_item(&client(truss, false), 256).await;
            println!("  truss server  {truss_first:>8.2} ms   (truss / Rust: {:.1}x)", truss_first / rust_first);
        }
    });
}
