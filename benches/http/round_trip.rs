//! One 64 MiB float32 array there and back: a bare TCP echo of the payload bytes (the floor),
//! chainmodel's client calling a chainlet server, and truss's chains stub calling the truss
//! server (benches/python/stub_bench.py, timed in Python).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chainmodel::client::Client;

use crate::common::{Tensor, TensorView};
use crate::roles::{TensorInput, TensorSummary};

/// The median of `times`.
pub fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted[sorted.len() / 2]
}

/// Round trips of `payload` through the [`Role::TcpEcho`](crate::roles::Role::TcpEcho) server
/// at `addr`: the length, the bytes out, the same bytes back, from and into warm buffers. One
/// unmeasured trip first.
pub fn bare_echo(addr: SocketAddr, payload: &[u8], iterations: usize) -> Vec<Duration> {
    let mut stream = TcpStream::connect(addr).expect("connect to the echo server");
    stream.set_nodelay(true).expect("nodelay");
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("a read timeout");
    let mut back = vec![0u8; payload.len()];
    let mut times = Vec::with_capacity(iterations);
    for i in 0..=iterations {
        let started = Instant::now();
        stream.write_all(&(payload.len() as u64).to_le_bytes()).expect("write the length");
        stream.write_all(payload).expect("write the payload");
        stream.read_exact(&mut back).expect("read the payload back");
        if i > 0 {
            times.push(started.elapsed());
        }
    }
    assert!(back == payload, "the echo answered other bytes");
    times
}

/// A chainmodel client in binary mode for `url`.
pub fn client(url: &str, name: &str) -> Client {
    Client::builder(url).name(name).use_binary(true).build().expect("a client")
}

/// `client.predict::<_, Tensor>(input)` `iterations` times after an unmeasured first call:
/// encode, send, the server's work, receive, decode into an owned array, as a caller has it.
/// The server answers the tensor with `added` added to every element.
pub fn chainmodel_calls(client: &Client, input: &TensorInput, added: f32, iterations: usize) -> Vec<Duration> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let mut times = Vec::with_capacity(iterations);
        for i in 0..=iterations {
            let started = Instant::now();
            let output: Tensor = client.predict(input).await.unwrap_or_else(|e| panic!("{}: {e}", client.name()));
            let elapsed = started.elapsed();
            if i == 0 {
                assert_eq!(output.name, input.tensor.name);
                let expected = input.tensor.values.as_slice().iter().map(|x| x + added);
                assert!(
                    output.values.as_slice().iter().copied().eq(expected),
                    "{} answered another array",
                    client.name()
                );
            } else {
                times.push(elapsed);
            }
        }
        times
    })
}

/// `client.call(input)` and a view of the answer (`TensorView`, borrowing the response's
/// aligned buffer), `iterations` times after an unmeasured first call: what a caller that
/// only reads the answer's array needs.
pub fn chainmodel_view_calls(client: &Client, input: &TensorInput, iterations: usize) -> Vec<Duration> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let mut times = Vec::with_capacity(iterations);
        for i in 0..=iterations {
            let started = Instant::now();
            let response = client.call(input).await.unwrap_or_else(|e| panic!("{}: {e}", client.name()));
            let output: TensorView<'_> = response.decode().unwrap_or_else(|e| panic!("{}: {e}", client.name()));
            let elapsed = started.elapsed();
            assert!(output.values.is_borrowed(), "the answer's array was copied");
            if i == 0 {
                assert!(
                    output.values.as_slice() == input.tensor.values.as_slice(),
                    "{} answered another array",
                    client.name()
                );
            } else {
                times.push(elapsed);
            }
        }
        times
    })
}

/// One call of the view server; its answer is checked.
pub fn view_call(client: &Client, input: &TensorInput) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let summary: TensorSummary = runtime.block_on(client.predict(input)).unwrap_or_else(|e| panic!("view: {e}"));
    assert!(summary.borrowed, "the view server copied the array");
    assert_eq!(summary.shape, input.tensor.values.shape().iter().map(|&n| n as u64).collect::<Vec<_>>());
}

/// The truss stub's round trips, timed by benches/python/stub_bench.py (medians in seconds).
pub fn truss_stub_calls(python: &Path, predict_url: &str, iterations: usize) -> Vec<Duration> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/python/stub_bench.py");
    let output = Command::new(python)
        .arg(&script)
        .arg(predict_url)
        .arg(iterations.to_string())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(output.status.success(), "stub_bench.py failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stub_bench.py prints JSON");
    result["seconds"]
        .as_array()
        .expect("a list of seconds")
        .iter()
        .map(|s| Duration::from_secs_f64(s.as_f64().expect("seconds")))
        .collect()
}
