//! Decoding an N-byte message never takes more than 2N bytes of heap, plus a small constant, for
//! models of strings, bytes and arrays — hostile headers included. (A number costs its Rust
//! size: a 1-byte msgpack int read into an `i64` takes 8, so lists of numbers are left out, as
//! are dynamic `Value`s, which cost a `Value` per item as Python's objects do.)
//!
//! One test in this file: the counting allocator is global to the test binary.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use chainmodel::prelude::*;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        // SAFETY: the caller's layout goes to the system allocator unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The heap a decode takes at its peak, beyond what was live before it.
fn peak_of<T>(decode: impl FnOnce() -> T) -> usize {
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let value = decode();
    let peak = PEAK.load(Ordering::SeqCst) - before;
    drop(value);
    peak
}

const SLACK: usize = 64 * 1024;

fn assert_bounded<T>(what: &str, input: &[u8], decode: impl FnOnce(&[u8]) -> T) {
    assert_at_most(what, 2, input, decode);
}

/// Peak heap at most `factor` times the input, plus the slack.
fn assert_at_most<T>(what: &str, factor: usize, input: &[u8], decode: impl FnOnce(&[u8]) -> T) {
    let peak = peak_of(|| decode(input));
    let bound = factor * input.len() + SLACK;
    assert!(peak <= bound, "{what}: {peak} bytes of heap for {} bytes of input (bound {bound})", input.len());
}

#[derive(ChainModel, Debug)]
struct Tensor {
    name: String,
    values: NdArray<f32>,
}

#[derive(ChainModel, Debug)]
struct Embedding {
    name: String,
    embedding: NdArray<f32>,
    tags: Vec<String>,
}

#[derive(ChainModel, Debug)]
struct Upload {
    label: String,
    blob: Bytes,
    parts: Vec<Bytes>,
}

#[test]
fn decoding_takes_at_most_twice_the_input() {
    let tensor = Tensor { name: "t".repeat(1000), values: NdArray::from_vec((0..262_144).map(|i| i as f32).collect()) };
    let msgpack = tensor.to_msgpack().unwrap();
    assert_bounded("tensor, msgpack", &msgpack, |b| Tensor::from_msgpack(b).unwrap());
    let json = tensor.to_json().unwrap();
    assert_bounded("tensor, JSON", json.as_bytes(), |b| chainmodel::json::from_slice::<Tensor>(b).unwrap());

    let embeddings: Vec<Embedding> = (0..2000)
        .map(|i| Embedding {
            name: format!("doc-{i}"),
            embedding: NdArray::from_vec(vec![0.5; 256]),
            tags: vec!["a".into(), "bb".into()],
        })
        .collect();
    let msgpack = chainmodel::msgpack::to_vec(&embeddings).unwrap();
    assert_bounded("2000 embeddings, msgpack", &msgpack, |b| {
        chainmodel::msgpack::from_slice::<Vec<Embedding>>(b).unwrap()
    });
    let json = chainmodel::json::to_string(&embeddings).unwrap();
    assert_bounded("2000 embeddings, JSON", json.as_bytes(), |b| {
        chainmodel::json::from_slice::<Vec<Embedding>>(b).unwrap()
    });

    let upload =
        Upload { label: "u".into(), blob: Bytes::from(vec![7; 1 << 20]), parts: vec![Bytes::from(vec![1; 100]); 1000] };
    let msgpack = upload.to_msgpack().unwrap();
    assert_bounded("upload, msgpack", &msgpack, |b| Upload::from_msgpack(b).unwrap());

    // Hostile: headers that claim 4 billion items, or as many items as there are bytes left
    // (each at least a byte, as the format allows), followed by a megabyte of filler.
    for header in
        [[0xdd, 0xff, 0xff, 0xff, 0xff], [0xdf, 0xff, 0xff, 0xff, 0xff], [0xdd, 0, 0x10, 0, 0], [0xdf, 0, 0x08, 0, 0]]
    {
        let mut message = header.to_vec();
        message.extend(std::iter::repeat_n(0xc0, 1 << 20));
        assert_bounded("array of embeddings claiming many", &message, |b| {
            chainmodel::msgpack::from_slice::<Vec<Embedding>>(b).is_err()
        });
        // (A `Value` list of a million `None`s is valid, and costs a `Value` per one-byte item,
        // as a Python list costs a pointer per item: dynamic values are outside this bound.)
    }
    // Hostile: a bin claiming 4 GiB, an array shape claiming 2^40 elements.
    let message = [0x81, 0xa4, b'b', b'l', b'o', b'b', 0xc6, 0xff, 0xff, 0xff, 0xff, 0];
    assert_bounded("bin claiming 4 GiB", &message, |b| Upload::from_msgpack(b).unwrap_err());
    let json = r#"{"name":"t","values":{"data_b64":"AAAA","shape":[1099511627776],"dtype":"float32"}}"#;
    assert_bounded("shape claiming 2^40", json.as_bytes(), |b| chainmodel::json::from_slice::<Tensor>(b).unwrap_err());
    // Hostile: a long string of escapes; a deep nest in an unknown key.
    let escapes = format!(
        r#"{{"name":"{}","values":{{"data_b64":"","shape":[0],"dtype":"float32"}}}}"#,
        "\\u00e9".repeat(100_000)
    );
    assert_bounded("escaped string", escapes.as_bytes(), |b| chainmodel::json::from_slice::<Tensor>(b).unwrap());
    let deep = format!(r#"{{"unknown":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    assert_bounded("deep unknown key", deep.as_bytes(), |b| chainmodel::json::from_slice::<Tensor>(b).unwrap_err());

    // A body whose declared length is a lie: the buffer grows with the bytes that arrive, by
    // doubling (old and new buffer live together while it moves: three times at the peak).
    use chainmodel::msgpack::AlignedBytes;
    let body = vec![0xc0u8; 1 << 20];
    for claimed in [1usize << 30, (2 << 30) - 1] {
        assert_at_most("body claiming more than it holds", 3, &body, |b| {
            let err = AlignedBytes::read_exact_from(b, claimed).unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof, "{err}");
        });
    }
    // Past the limit (2 GiB by default), before anything is read.
    assert_bounded("body claiming 64 GiB", &body, |b| {
        let err = AlignedBytes::read_exact_from(b, 64 << 30).unwrap_err();
        assert!(err.to_string().contains("larger than the limit"), "{err}");
    });
    let limits = chainmodel::Limits { max_message_size: 1000, ..chainmodel::Limits::default() };
    assert!(AlignedBytes::read_from_with(&body[..], &limits).is_err());
    assert_eq!(AlignedBytes::read_from_with(&body[..1000], &limits).unwrap().len(), 1000);
    assert_at_most("body read to its end", 3, &body, |b| {
        assert_eq!(&AlignedBytes::read_from(b).unwrap()[..], b);
    });
}
