//! Decoding an N-byte message takes heap in proportion to N, hostile headers included: at
//! most 2N (plus a small constant) for models of strings, bytes and arrays with content, and
//! for lists of the smallest elements at most the element's Rust size over its smallest
//! encoding per byte (an empty string is one msgpack byte and a 24-byte `String`), as the
//! table of docs/speed.md states.
//!
//! The counting allocator is global to the test binary: the tests take turns (`MEASURING`).

use std::sync::atomic::Ordering;

use chainmodel::prelude::*;

mod counting_alloc;

use counting_alloc::{CURRENT, PEAK};

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

/// What an error list capped at `Error::MAX_ERRORS` may take beyond the slack: a quarter of a
/// kilobyte per error (the list of a thousand refused items measured about 180 KB).
const ERROR_LIST: usize = chainmodel::Error::MAX_ERRORS * 256;

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

/// The tests measure the heap of the whole process: one at a time.
static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn decoding_takes_at_most_twice_the_input() {
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
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
        // A list reserves as many items as the remaining bytes could hold in their smallest
        // encoding: here, an `Embedding` of empty strings and an empty array.
        let factor = size_of::<Embedding>().div_ceil(<Embedding as chainmodel::msgpack::MsgpackDecode>::MIN_LEN);
        assert!(factor <= 3, "{factor}");
        // Every item is refused: the error lists the first `Error::MAX_ERRORS`, each its own
        // small allocation (its input, a nil, is one byte), and stops there.
        let peak = peak_of(|| chainmodel::msgpack::from_slice::<Vec<Embedding>>(&message).unwrap_err());
        let bound = factor * message.len() + SLACK + ERROR_LIST;
        assert!(peak <= bound, "array of embeddings claiming many: {peak} bytes of heap (bound {bound})");
    }
    // Every item refused, each keeping an input as large as an error keeps (docs/errors.md's "about
    // a megabyte at most" for an error list): a thousand errors, whatever follows them.
    let item = format!("\"{}\"", "x".repeat(chainmodel::Error::MAX_INPUT - 2));
    let json = format!("[{}]", vec![item; 5000].join(","));
    let peak = peak_of(|| chainmodel::json::from_str::<Vec<i64>>(&json).unwrap_err());
    assert!(peak <= 1 << 20, "a thousand errors with inputs: {peak} bytes of heap (bound 1 MiB)");
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

    worst_shapes_per_element_kind();
    nested_lying_headers();

    // Printing a large array converts only the elements the summary shows.
    let array = AnyArray::from_bytes("<f4".parse().unwrap(), vec![1 << 24], vec![0; 64 << 20]).unwrap();
    let peak = peak_of(|| format!("{array:?} {array}"));
    assert!(peak < SLACK, "printing a 64 MiB array took {peak} bytes of heap");
    drop(array);

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

/// Lists of the smallest elements of each kind, where a byte of input becomes the most heap:
/// the bound that holds is the element's Rust size over its smallest encoding (reserved
/// exactly in msgpack, whose lists declare their length; in JSON, whose lists do not, a
/// vector grows by doubling and its old and new buffers live together while it moves: three
/// times). The table of docs/speed.md states these factors.
fn worst_shapes_per_element_kind() {
    const ITEMS: usize = 100_000;
    fn msgpack_list(item: &[u8]) -> Vec<u8> {
        let mut message = vec![0xdd];
        message.extend_from_slice(&(ITEMS as u32).to_be_bytes());
        for _ in 0..ITEMS {
            message.extend_from_slice(item);
        }
        message
    }
    fn json_list(item: &str) -> String {
        format!("[{}]", vec![item; ITEMS].join(","))
    }
    fn check<
        T: for<'de> chainmodel::msgpack::MsgpackDecode<'de>
            + for<'de> chainmodel::json::JsonDecode<'de>
            + chainmodel::json::JsonForm<chainmodel::json::Checked>,
    >(
        what: &str,
        msgpack_item: &[u8],
        json_item: Option<&str>,
    ) {
        let size = size_of::<T>();
        let message = msgpack_list(msgpack_item);
        let factor = size.div_ceil(msgpack_item.len());
        assert_at_most(&format!("{what}, msgpack"), factor, &message, |b| {
            chainmodel::msgpack::from_slice::<Vec<T>>(b).unwrap()
        });
        // A header that claims as many items as there are bytes left, and lies.
        let mut lie = message.clone();
        lie.push(0xc1);
        assert_at_most(&format!("{what}, msgpack, lying header"), factor, &lie, |b| {
            chainmodel::msgpack::from_slice::<Vec<T>>(b).is_err()
        });
        if let Some(item) = json_item {
            let text = json_list(item);
            let factor = (3 * size).div_ceil(item.len() + 1);
            assert_at_most(&format!("{what}, JSON"), factor, text.as_bytes(), |b| {
                chainmodel::json::from_slice::<Vec<T>>(b).unwrap()
            });
        }
    }
    check::<String>("empty strings", &[0xa0], Some(r#""""#));
    check::<Vec<i64>>("empty lists", &[0x90], Some("[]"));
    check::<i64>("one-byte ints", &[0x00], Some("0"));
    check::<u8>("one-byte u8s", &[0x00], Some("0"));
    check::<bool>("bools", &[0xc2], Some("true"));
    check::<f64>("floats written as one-byte ints", &[0x00], Some("0"));
    check::<Option<String>>("Nones", &[0xc0], Some("null"));
    check::<chainmodel::Value>("Values", &[0xc0], Some("null"));
    check::<Tensor>(
        "models",
        &[
            0x80 | 2,
            0xa4,
            b'n',
            b'a',
            b'm',
            b'e',
            0xa0,
            0xa6,
            b'v',
            b'a',
            b'l',
            b'u',
            b'e',
            b's',
            0x85,
            0xc4,
            0x02,
            b'n',
            b'd',
            0xc3,
            0xc4,
            0x04,
            b't',
            b'y',
            b'p',
            b'e',
            0xa3,
            b'<',
            b'f',
            b'4',
            0xc4,
            0x04,
            b'k',
            b'i',
            b'n',
            b'd',
            0xc4,
            0x00,
            0xc4,
            0x05,
            b's',
            b'h',
            b'a',
            b'p',
            b'e',
            0x91,
            0x00,
            0xc4,
            0x04,
            b'd',
            b'a',
            b't',
            b'a',
            0xc4,
            0x00,
        ],
        Some(r#"{"name":"","values":{"data_b64":"","shape":[0],"dtype":"float32"}}"#),
    );
    let bytes_message = msgpack_list(&[0xc4, 0x00]);
    assert_at_most("empty bytes, msgpack", size_of::<Bytes>().div_ceil(2), &bytes_message, |b| {
        chainmodel::msgpack::from_slice::<Vec<Bytes>>(b).unwrap()
    });
}

/// Headers nested in each other, each claiming as many items as there are bytes left: every
/// byte backs one reserved item at most, however deep the lies nest (each level reserving for
/// the whole rest of the message took the depth times the bound: 100 levels, 8 GB for 1 MB).
/// The items really read then grow a vector of their own, by doubling: three times the
/// element kind's bound at most.
fn nested_lying_headers() {
    const LEVELS: usize = 100;
    const FILLER: usize = 1 << 20;
    // Each header claims as many items as the reader lets it: one per byte left (lists), one
    // per two bytes left (maps, a key and a value each).
    fn nest(header: u8, per_item: usize, key: &[u8]) -> Vec<u8> {
        let level_len = 5 + key.len();
        let total = LEVELS * level_len + FILLER;
        let mut message = Vec::with_capacity(total);
        for level in 0..LEVELS {
            let left = total - (level + 1) * 5;
            message.push(header);
            message.extend_from_slice(&((left / per_item) as u32).to_be_bytes());
            message.extend_from_slice(key);
        }
        message.extend(std::iter::repeat_n(0xc0, FILLER));
        message
    }
    let lists = nest(0xdd, 1, b"");
    let maps = nest(0xdf, 2, b"\xa1k");
    let value_factor = 3 * size_of::<chainmodel::Value>();
    assert_at_most("nested lying list headers, Value", value_factor, &lists, |b| {
        chainmodel::msgpack::from_slice::<chainmodel::Value>(b).is_err()
    });
    assert_at_most("nested lying map headers, Value", value_factor, &maps, |b| {
        chainmodel::msgpack::from_slice::<chainmodel::Value>(b).is_err()
    });
    assert_at_most("nested lying list headers, lists of strings", 3 * 24, &lists, |b| {
        chainmodel::msgpack::from_slice::<Vec<Vec<Vec<Vec<String>>>>>(b).is_err()
    });
}

#[derive(ChainModel, Debug)]
struct Document {
    text: String,
    tags: Vec<String>,
}

/// A malformed JSON request body costs at most twice its size to refuse with truss's text
/// (Python's `json` message, found by scanning the body where it lies).
#[test]
fn a_malformed_json_body_costs_at_most_twice_its_size_to_refuse() {
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let limits = chainmodel::Limits { max_message_size: 1 << 30, ..chainmodel::Limits::DEFAULT };
    let refuse = |body: &[u8]| chainmodel::json::from_truss_body::<Document>(body, &limits).unwrap_err();
    let size = 24 << 20;
    // Non-ASCII text (two bytes a character), then a missing comma at the very end.
    let mut body = String::from("{\"text\": \"");
    while body.len() < size {
        body.push_str("é€ab");
    }
    body.push_str("\" \"tags\": []}");
    let text = refuse(body.as_bytes()).to_truss_text();
    assert!(
        text.starts_with("Input Parsing Error:\n  `__root__`: Expecting ',' delimiter: line 1 column "),
        "{}",
        &text[..200.min(text.len())]
    );
    assert_at_most("24 MiB of text, a comma missing at the end", 2, body.as_bytes(), refuse);
    // Many short values in a key the model ignores, one bad at the end. (What decoding the
    // values of a model costs, up to the error, is the bound of valid input: the test above.)
    let mut body = String::from("{\"text\": \"x\", \"tags\": [], \"extra\": [");
    while body.len() < size {
        body.push_str("\"a\", ");
    }
    body.push_str("\"b\" nope]}");
    assert_at_most("24 MiB of ignored values, the last one malformed", 2, body.as_bytes(), refuse);
    // Deep nesting in a key the model ignores.
    let mut body = String::from("{\"extra\": ");
    body.push_str(&"[".repeat(size));
    assert_at_most("24 MiB of brackets", 2, body.as_bytes(), refuse);
    // Invalid UTF-8 at the end.
    let mut body = body.into_bytes();
    body.push(0xff);
    assert_at_most("24 MiB, invalid UTF-8 at the end", 2, &body, refuse);
}
