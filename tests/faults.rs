//! The wire under faults: a thousand concurrent calls each answered with its own result;
//! stalled, half-sent and vanished clients that hold up nobody and are let go (the count of open
//! connections returns to zero); a server process killed mid-request (the client retries as its
//! options say, and says how many attempts it made when it gives up); graceful shutdown with many
//! requests in flight. (Oversized bodies, refused before they are buffered whether they declare
//! their length or stream chunks: tests/server.rs. The server's heap per request:
//! tests/server_memory.rs.)

mod example_support;
mod server_support;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chainmodel::client::{Client, Direction, Error};
use chainmodel::prelude::*;
use chainmodel::server::{self, Chainlet, OpenConnections, RemoteError};
use server_support::{DEADLINE, DataModel, WorkerInput};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// A call with a payload of its own.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Job {
    id: u64,
    values: NdArray<f64>,
    label: String,
}

/// What the server answers: the job's id and label, its values times two, their sum.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Done {
    id: u64,
    doubled: NdArray<f64>,
    sum: f64,
    label: String,
}

struct Running {
    addr: SocketAddr,
    connections: OpenConnections,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Serves `router` on 127.0.0.1:0 in the test's runtime with short read timeouts.
async fn serve_here(router: axum::Router, timeouts: Duration) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serve = server::serve(listener, router)
        .header_read_timeout(timeouts)
        .body_read_timeout(timeouts)
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
    let connections = serve.connections();
    let serving = tokio::spawn(async move { serve.await });
    Running { addr, connections, stop: Some(stop), serving }
}

/// Waits, within the deadline, until `condition` holds.
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "{what}: not within {DEADLINE:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_each_get_their_own_answer() {
    let seen: Arc<Mutex<HashMap<u64, usize>>> = Arc::default();
    let counter = seen.clone();
    let chainlet = Chainlet::new(move |job: Job| {
        *counter.lock().unwrap().entry(job.id).or_default() += 1;
        async move {
            // A yield, so that calls interleave.
            tokio::task::yield_now().await;
            let mut doubled = job.values.clone();
            doubled *= 2.0;
            let sum = job.values.as_slice().iter().sum();
            Ok::<_, RemoteError>(Done { id: job.id, doubled, sum, label: job.label })
        }
    });
    let running = serve_here(chainlet.into_router(), Duration::from_secs(30)).await;
    for binary in [true, false] {
        seen.lock().unwrap().clear();
        // Fewer sockets than the default limit of 300, for test machines with 1024 descriptors.
        let client = Client::builder(format!("http://{}/predict", running.addr))
            .use_binary(binary)
            .concurrency_limit(200)
            .build()
            .unwrap();
        let calls: Vec<_> = (0..1000u64)
            .map(|id| {
                let client = client.clone();
                tokio::spawn(async move {
                    let values: Vec<f64> = (0..(id % 17) + 1).map(|i| (id * 1000 + i) as f64).collect();
                    let job = Job { id, values: NdArray::from_vec(values), label: format!("job {id}") };
                    let done: Done = client.predict(&job).await.unwrap();
                    (job, done)
                })
            })
            .collect();
        for call in calls {
            let (job, done) = tokio::time::timeout(DEADLINE, call).await.unwrap().unwrap();
            assert_eq!((done.id, &done.label), (job.id, &job.label), "binary={binary}: an answer for another call");
            let expected: Vec<f64> = job.values.as_slice().iter().map(|x| x * 2.0).collect();
            assert_eq!(done.doubled.as_slice(), &expected[..]);
            assert_eq!(done.sum, job.values.as_slice().iter().sum::<f64>());
        }
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1000, "binary={binary}: every call reached the chainlet");
        assert!(seen.values().all(|&n| n == 1), "binary={binary}: no call ran twice");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_and_vanished_clients_hold_up_nobody_and_are_let_go() {
    let running = serve_here(server_support::worker().into_router(), Duration::from_secs(3)).await;
    let addr = running.addr;
    let input =
        WorkerInput { data: DataModel { some_numbers: NdArray::from_vec(vec![1.0; 1000]), other_field: "x".into() } };
    let body = input.to_msgpack().unwrap();
    let head = |length: usize| {
        format!(
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n"
        )
    };
    let mut stalled = Vec::new();
    // Half a body, then silence.
    for _ in 0..20 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(head(body.len()).as_bytes()).await.unwrap();
        stream.write_all(&body[..body.len() / 2]).await.unwrap();
        stalled.push(stream);
    }
    // Half the headers, then silence.
    for _ in 0..10 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Le").await.unwrap();
        stalled.push(stream);
    }
    // Half a body, then gone.
    for _ in 0..20 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(head(body.len()).as_bytes()).await.unwrap();
        stream.write_all(&body[..body.len() / 3]).await.unwrap();
        drop(stream);
    }
    let held = running.connections.clone();
    eventually("the stalled connections are accepted", || held.get() >= 30).await;

    // Meanwhile, others are served.
    let client = Client::builder(format!("http://{addr}/predict")).use_binary(true).build().unwrap();
    for _ in 0..50 {
        let output: DataModel = client.predict(&input).await.unwrap();
        assert_eq!(output.some_numbers.as_slice()[0], 11.0);
    }
    assert!(running.connections.get() >= 30, "the others were served while the stalled clients still waited");
    drop(client);

    // The read timeouts let the stalled ones go: no connection, no task left.
    let open = running.connections.clone();
    eventually("every connection is closed", || open.get() == 0).await;
    drop(stalled);
}

#[tokio::test]
async fn a_server_killed_mid_request_is_retried_and_reported_when_out_of_attempts() {
    // A 48 MiB call, so that the kill lands while it is on the wire.
    let input = WorkerInput {
        data: DataModel {
            some_numbers: NdArray::from_vec((0..6 << 20).map(f64::from).collect()),
            other_field: "big".into(),
        },
    };
    for attempts in [1, 3] {
        let doomed = Arc::new(example_support::start_example(&["serve", "worker", "--port", "0"]));
        let spare = example_support::start_example(&["serve", "worker", "--port", "0"]);
        // The first connection goes to the server that dies, the next ones to the spare.
        let proxy = proxy(vec![doomed.addr, spare.addr]).await;
        let killer = doomed.clone();
        let killed = Arc::new(AtomicUsize::new(0));
        let kills = killed.clone();
        let client = Client::builder(format!("http://{proxy}/v1/models/model:predict"))
            .name("Worker")
            .use_binary(true)
            .retries(attempts)
            .on_progress(move |transfer| {
                // Half way through the first upload.
                if transfer.direction == Direction::Upload
                    && transfer.done >= 16 << 20
                    && kills.fetch_add(1, Ordering::SeqCst) == 0
                {
                    killer.kill();
                }
            })
            .build()
            .unwrap();
        let result = client.predict::<_, DataModel>(&input).await;
        assert!(killed.load(Ordering::SeqCst) > 0, "the server was killed mid-request");
        if attempts == 1 {
            let error = result.unwrap_err();
            assert!(matches!(error, Error::Connection { attempts: 1, .. }), "{error:?}");
            assert!(
                error.to_string().starts_with("Error calling dependency Chainlet `Worker` (1 attempt): "),
                "{error}"
            );
        } else {
            let output = result.unwrap();
            assert_eq!(output.some_numbers.len(), 6 << 20);
            assert_eq!(output.some_numbers.as_slice()[12345], 12355.0);
        }
    }
}

/// A TCP proxy on 127.0.0.1 that sends its n-th connection to `targets[n]` (the last target
/// for the rest).
async fn proxy(targets: Vec<SocketAddr>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut n = 0;
        while let Ok(Ok((mut inbound, _))) = tokio::time::timeout(DEADLINE, listener.accept()).await {
            let target = targets[n.min(targets.len() - 1)];
            n += 1;
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_answers_every_request_in_flight_and_refuses_new_ones() {
    let entered = Arc::new(AtomicUsize::new(0));
    let count = entered.clone();
    let chainlet = Chainlet::new(move |input: WorkerInput| {
        count.fetch_add(1, Ordering::SeqCst);
        async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            Ok::<_, RemoteError>(input.data)
        }
    });
    let mut running = serve_here(chainlet.into_router(), Duration::from_secs(30)).await;
    let client = Client::builder(format!("http://{}/predict", running.addr)).use_binary(true).build().unwrap();
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let data =
                    DataModel { some_numbers: NdArray::from_vec(vec![f64::from(i)]), other_field: format!("{i}") };
                let output: DataModel = client.predict(&WorkerInput { data: data.clone() }).await.unwrap();
                assert_eq!(output, data);
            })
        })
        .collect();
    let inside = entered.clone();
    eventually("all twenty calls are in flight", || inside.load(Ordering::SeqCst) == 20).await;

    running.stop.take().unwrap().send(()).unwrap();
    // The listener closes at once; the calls in flight are answered.
    let addr = running.addr;
    eventually("new connections are refused", || std::net::TcpStream::connect(addr).is_err()).await;
    for call in calls {
        tokio::time::timeout(DEADLINE, call).await.unwrap().unwrap();
    }
    tokio::time::timeout(DEADLINE, running.serving).await.unwrap().unwrap().unwrap();
    assert_eq!(running.connections.get(), 0);
}
