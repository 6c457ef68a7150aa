//! What a small predict call costs the server in allocations, the hot path of a chainlet
//! under load: served as `chains::serve` serves one (`Chainlet::into_service`, predict calls
//! taken to `run_remote` without the router), a call allocates well under what the same call
//! through the axum router does (its matching, path parameters and boxed services).
//!
//! One test in a binary of its own: the counter is the process's, and nothing else may run.

#[path = "counting_alloc/mod.rs"]
mod counting_alloc;
#[path = "server_support/mod.rs"]
mod server_support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::Ordering;

use chainmodel::prelude::*;
use counting_alloc::BLOCKS;
use server_support::{DEADLINE, DataModel, WorkerInput, serve_forever, worker};

const CALLS: usize = 200;

/// `CALLS` binary predict calls on one keep-alive connection, through buffers made beforehand;
/// the allocations of the process per call.
fn allocations_per_call(addr: SocketAddr) -> f64 {
    let input = WorkerInput {
        data: DataModel { some_numbers: NdArray::from_vec(vec![0.5; 256]), other_field: "small".into() },
    };
    let body = input.to_msgpack().unwrap();
    let head = format!(
        "POST /v1/models/worker:predict HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    let request = [head.as_bytes(), &body].concat();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut answer = vec![0u8; 1 << 16];
    let mut call = |stream: &mut TcpStream| {
        stream.write_all(&request).unwrap();
        // Until the whole answer is in: its head, then `Content-Length` bytes.
        let mut filled = 0;
        loop {
            assert!(filled < answer.len(), "an answer over {} bytes", answer.len());
            let read = stream.read(&mut answer[filled..]).unwrap();
            assert!(read > 0, "the server closed the connection: {:?}", String::from_utf8_lossy(&answer[..filled]));
            filled += read;
            let Some(end) = answer[..filled].windows(4).position(|w| w == b"\r\n\r\n") else { continue };
            let head = std::str::from_utf8(&answer[..end]).unwrap();
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            let length: usize = head
                .lines()
                .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse()))
                .expect("a Content-Length")
                .unwrap();
            if filled >= end + 4 + length {
                return;
            }
        }
    };
    // Warm: the connection's buffers, the metrics' labels, the allocator's caches.
    for _ in 0..20 {
        call(&mut stream);
    }
    let before = BLOCKS.load(Ordering::SeqCst);
    for _ in 0..CALLS {
        call(&mut stream);
    }
    (BLOCKS.load(Ordering::SeqCst) - before) as f64 / CALLS as f64
}

#[test]
fn a_small_predict_call_allocates_little_and_less_than_through_the_router() {
    let service = allocations_per_call(serve_forever(|| worker().into_service()));
    let router = allocations_per_call(serve_forever(|| worker().into_router()));
    println!("allocations a call: {service} through the service, {router} through the router");
    // Measured: 20 through the service, 33 through the router (hyper alone answering the
    // bytes: 6); the decoded input's `other_field` and the answer's buffers are among them.
    assert!(service <= 24.0, "{service} allocations a call through the service");
    assert!(service + 8.0 <= router, "{service} allocations a call through the service, {router} through the router");
}
