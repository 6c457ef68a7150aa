//! The wire without copies: owned arrays go out as pieces of their own (the msgpack around
//! them in small buffers) and come in sharing the received body's memory, copied only when
//! written to while something else holds it. The counting allocator (global to this test
//! binary) sees every payload-sized block the round trip makes on either side.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use chainmodel::chains::Mode;
use chainmodel::client::Client;
use chainmodel::msgpack::{self, AlignedBytes};
use chainmodel::prelude::*;
use chainmodel::server::{self, AlignedBody, Chainlet};

mod common;
mod counting_alloc;
mod truss_support;

use counting_alloc::{LARGE_AT, LARGE_BLOCKS};

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Tensor {
    name: String,
    values: NdArray<f32>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Pair {
    first: NdArray<f32>,
    flags: NdArray<bool>,
    second: NdArray<f64>,
}

/// The tests count the blocks of the whole process: one at a time.
static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Blocks of at least `size` bytes that `run` allocates.
fn large_blocks<R>(size: usize, run: impl FnOnce() -> R) -> (usize, R) {
    let before = LARGE_BLOCKS.load(Ordering::SeqCst);
    LARGE_AT.store(size, Ordering::SeqCst);
    let result = run();
    LARGE_AT.store(usize::MAX, Ordering::SeqCst);
    (LARGE_BLOCKS.load(Ordering::SeqCst) - before, result)
}

fn pair(len: usize) -> Pair {
    Pair {
        first: NdArray::from_vec((0..len).map(|i| i as f32).collect()),
        flags: NdArray::from_vec((0..len).map(|i| i % 3 == 0).collect()),
        second: NdArray::from_shape_vec(vec![len, 2], (0..2 * len).map(|i| -(i as f64)).collect()).unwrap(),
    }
}

#[test]
fn pieces_are_the_aligned_message_and_share_large_payloads() {
    // Around the 64 KiB a payload needs to be a piece of its own, for each element size.
    for len in [0, 1, 7, 8191, 8192, 16383, 16384, 65536, 100_003] {
        let value = pair(len);
        let pieces = msgpack::to_pieces(&value).unwrap();
        let whole = msgpack::to_vec(&value).unwrap();
        assert_eq!(pieces.len(), whole.len(), "{len}");
        assert!(pieces.to_vec() == whole, "{len}: the pieces are not to_vec's bytes");
        let pieces = pieces.into_pieces();
        let shared: Vec<*const u8> =
            pieces.iter().filter(|piece| piece.is_shared()).map(|piece| piece.as_ref().as_ptr()).collect();
        let arrays: [(&[u8], *const u8); 3] = [
            (bytemuck::cast_slice(value.first.as_slice()), value.first.as_slice().as_ptr().cast()),
            (bytemuck::cast_slice(value.flags.as_slice()), value.flags.as_slice().as_ptr().cast()),
            (bytemuck::cast_slice(value.second.as_slice()), value.second.as_slice().as_ptr().cast()),
        ];
        let expected: Vec<*const u8> =
            arrays.iter().filter(|(bytes, _)| bytes.len() >= 64 * 1024).map(|&(_, at)| at).collect();
        assert_eq!(shared, expected, "{len}: the large payloads are the arrays' own memory");
        // The message reads back, its arrays sharing the aligned buffer it is in.
        let body = Arc::new(AlignedBytes::from(&whole[..]));
        let back: Pair = msgpack::from_shared(&body).unwrap();
        assert_eq!(back, value);
        if len > 0 {
            // bool arrays own their checked elements.
            let sharing = (back.first.is_shared(), back.flags.is_shared(), back.second.is_shared());
            assert_eq!(sharing, (true, false, true), "{len}");
        }
    }
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Upload {
    blob: Bytes,
    label: String,
}

#[test]
fn bytes_go_as_pieces_and_share_the_body_too() {
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    for len in [100, 1 << 16, 300_001] {
        let upload = Upload { blob: Bytes::from(vec![7u8; len]), label: "audio".into() };
        let whole = msgpack::to_vec(&upload).unwrap();
        let pieces = msgpack::to_pieces(&upload).unwrap();
        assert!(pieces.to_vec() == whole);
        let shared: Vec<*const u8> =
            pieces.into_pieces().iter().filter(|p| p.is_shared()).map(|p| p.as_ref().as_ptr()).collect();
        let expected = if len >= 1 << 16 { vec![upload.blob.as_ptr()] } else { vec![] };
        assert_eq!(shared, expected, "{len}");

        let body = Arc::new(AlignedBytes::from(&whole[..]));
        let mut received: Upload = msgpack::from_shared(&body).unwrap();
        assert!(received.blob.is_shared());
        assert_eq!(received, upload);
        // Written while the body holds it: copied, the body unchanged.
        let (blocks, ()) = large_blocks(len, || received.blob[0] = 1);
        assert_eq!(blocks, 1, "one copy of the bytes");
        assert!(!received.blob.is_shared() && body[..] == whole[..]);
        // The only holder writes in place.
        let mut alone: Upload = msgpack::from_shared(&body).unwrap();
        drop(body);
        let at = alone.blob.as_ptr();
        alone.blob[1] = 2;
        assert!(alone.blob.is_shared() && alone.blob.as_ptr() == at && alone.blob[..3] == [7, 2, 7]);
    }
}

#[test]
fn a_shared_array_written_to_does_not_change_the_body_or_other_holders() {
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let value = pair(1 << 16);
    let message = value.to_msgpack().unwrap();
    let body = Arc::new(AlignedBytes::from(&message[..]));
    let mut received: Pair = msgpack::from_shared(&body).unwrap();
    let mut copy = received.clone();
    let at = received.first.as_slice().as_ptr();
    assert!(body.as_ptr_range().contains(&at.cast()), "the array is a part of the body");
    assert_eq!(copy.first.as_slice().as_ptr(), at, "a clone shares it too");

    // The body and the clone hold the bytes: writing copies them, once.
    let (blocks, ()) = large_blocks(1 << 18, || received.first += 1.0);
    assert_eq!(blocks, 1, "one copy of the array");
    assert!(!received.first.is_shared());
    assert_eq!(&body[..], &message[..], "the body did not change");
    assert_eq!(copy, value, "the other holders did not change");
    assert_eq!(received.first.as_slice()[5], 6.0);

    // The last holder of the buffer writes in place.
    drop((body, received));
    copy.second.as_mut_slice()[0] = 5.0; // `first` and `second` of `copy` still share it
    assert!(!copy.second.is_shared());
    let (blocks, ()) = large_blocks(1 << 18, || copy.first *= 2.0);
    assert_eq!(blocks, 0, "written in place");
    assert!(copy.first.is_shared());
    assert_eq!(copy.first.as_slice().as_ptr(), at);
    assert_eq!(copy.first.as_slice()[5], 10.0);
    // Moving the elements out copies a shared array, never an array's own vector.
    let own = copy.second.as_slice().as_ptr();
    let moved = copy.second.into_vec();
    assert_eq!(moved.as_ptr(), own);
}

#[derive(ChainModel)]
struct TensorView<'a> {
    name: &'a str,
    values: NdArrayView<'a, f32>,
}

/// Answers the view of the request it read, from the request's memory.
async fn view_echo(body: AlignedBody) -> Result<axum::response::Response, server::ModelRejection> {
    let tensor: TensorView<'_> = body.decode()?;
    assert!(tensor.values.is_borrowed());
    Ok(body.answer(&tensor))
}

/// Serves a chainlet that adds 10 and, on `/view-echo`, [`view_echo`] to the array it gets and answers it, on a runtime of its own.
fn start_adder() -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        runtime.block_on(async move {
            let adder = Chainlet::new(|mut tensor: Tensor| async move {
                let shared = tensor.values.is_shared();
                tensor.values += 10.0;
                tensor.name = format!("{}: {}", tensor.name, if shared { "shared" } else { "copied" });
                Ok::<_, server::RemoteError>(tensor)
            });
            let app = adder.into_router().route("/view-echo", axum::routing::post(view_echo));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            server::serve(listener, app).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}

#[test]
fn the_owned_round_trip_allocates_one_payload_per_side() {
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let addr = adder();
    let client = Client::builder(format!("http://{addr}/predict")).use_binary(true).build().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let len = 4 << 20; // 16 MiB of float32
    let input = Tensor { name: "x".into(), values: NdArray::from_vec((0..len).map(|i| (i % 1000) as f32).collect()) };
    let payload = 4 * len;
    // A first call warms both sides.
    let _: Tensor = runtime.block_on(client.predict(&input)).unwrap();

    let (blocks, output) = large_blocks(payload, || runtime.block_on(client.predict::<_, Tensor>(&input)).unwrap());
    assert_eq!(output.name, "x: shared", "the chainlet's input shares the request body");
    assert!(output.values.is_shared(), "the answer shares the response body");
    assert!(output.values.as_slice().iter().zip(input.values.as_slice()).all(|(out, x)| *out == x + 10.0));
    // The server's request body and the client's response body; before, the client's encode,
    // the server's decode and encode and the client's decode copied the array four times more.
    assert_eq!(blocks, 2, "payload-sized blocks of the round trip, both sides");

    // A handler answering a view of its request sends it from the request's memory.
    let view_client = Client::builder(format!("http://{addr}/view-echo")).use_binary(true).build().unwrap();
    let (blocks, response) = large_blocks(payload, || runtime.block_on(view_client.call(&input)).unwrap());
    let echoed: TensorView<'_> = response.decode().unwrap();
    assert!(echoed.values.is_borrowed() && echoed.values.as_slice() == input.values.as_slice());
    assert_eq!(blocks, 2, "payload-sized blocks of the view echo: the two bodies");

    // The answer carries its length: a vectored body, not chunked transfer encoding.
    let response = runtime.block_on(client.call(&input)).unwrap();
    assert!(response.headers().get("content-length").is_some());
    assert!(response.headers().get("transfer-encoding").is_none());
}

#[test]
fn bodies_written_by_python_are_read_with_one_copy() {
    let Some(python) = common::anchor_python("bodies_written_by_python_are_read_with_one_copy") else { return };
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let len = 1 << 18;
    let mut unaligned = 0;
    for name in ["a", "ab", "abc", "abcd"] {
        let text = common::run_script(&python, "wire_body.py", &[name, &len.to_string()], b"");
        let bytes = base64_decode(text.trim());
        // msgpack_numpy writes the payload last, wherever it falls.
        let aligned = (bytes.len() - 4 * len).is_multiple_of(4);
        unaligned += usize::from(!aligned);
        let body = Arc::new(AlignedBytes::from(&bytes[..]));
        let (blocks, tensor) = large_blocks(4 * len, || msgpack::from_shared::<Tensor>(&body).unwrap());
        assert_eq!(tensor.name, name);
        assert!(tensor.values.as_slice().iter().enumerate().all(|(i, &x)| x == i as f32));
        assert_eq!(tensor.values.is_shared(), aligned, "{name}");
        assert_eq!(blocks, usize::from(!aligned), "{name}: one copy of an unaligned payload, none of an aligned one");

        // A chainlet reads it too, and answers it.
        let addr = adder();
        let client = Client::builder(format!("http://{addr}/predict")).use_binary(true).build().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let response = runtime.block_on(client.call_raw(Mode::Binary, bytes)).unwrap();
        let answer: Tensor = response.decode_owned().unwrap();
        assert_eq!(answer.name, format!("{name}: {}", if aligned { "shared" } else { "copied" }));
        assert_eq!(answer.values.as_slice()[7], 17.0);
    }
    assert!(unaligned > 0, "some of Python's payloads fall unaligned");
}

/// `TensorEcho.run_remote(tensor: Tensor) -> Tensor` (tests/python/chains/bench.py).
#[derive(ChainModel)]
struct TensorInput {
    tensor: Tensor,
}

#[test]
fn truss_reads_a_request_sent_in_pieces() {
    let Some(echo) = truss_support::truss_chainlet("bench.py:TensorEcho") else { return };
    let client = Client::builder(echo.predict_url()).use_binary(true).build().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let len = 1 << 20; // 4 MiB of float32: a piece of its own
    let tensor =
        Tensor { name: "pieces".into(), values: NdArray::from_vec((0..len).map(|i| i as f32 * 0.5).collect()) };
    let input = TensorInput { tensor };
    let pieces = msgpack::to_pieces(&input).unwrap().into_pieces();
    assert!(pieces.iter().any(|piece| piece.is_shared()), "the payload goes as a piece of its own");
    let answer: Tensor = runtime.block_on(client.predict(&input)).unwrap();
    assert_eq!(answer, input.tensor);
}

/// One adder for the tests that need one.
fn adder() -> SocketAddr {
    static ADDER: std::sync::OnceLock<SocketAddr> = std::sync::OnceLock::new();
    *ADDER.get_or_init(start_adder)
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}
