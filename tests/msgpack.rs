//! Binary mode beyond the model pairs: zero copy, the unaligned fallback, what Python writers
//! produce in the wild, and the arrays that are refused.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chainmodel::prelude::*;
use serde_json::Value;

#[derive(ChainModel, Debug, PartialEq)]
struct Frame<'a> {
    id: u32,
    label: &'a str,
    raw: &'a [u8],
    pixels: NdArrayView<'a, f32>,
    depth: NdArrayView<'a, f64>,
    mask: NdArrayView<'a, bool>,
    codes: NdArrayView<'a, u16>,
    extra: Vec<NdArrayView<'a, i64>>,
}

#[derive(ChainModel, Debug, PartialEq)]
struct Embedding {
    id: i64,
    name: String,
    embedding: NdArray<f32>,
    score: f64,
}

/// The arrays a test frame borrows.
struct FrameData {
    pixels: Vec<f32>,
    depth: Vec<f64>,
    mask: Vec<bool>,
    codes: Vec<u16>,
    extra: Vec<i64>,
}

impl FrameData {
    fn new() -> Self {
        FrameData {
            pixels: (0..1000).map(|i| i as f32 * 0.5).collect(),
            depth: (0..37).map(|i| f64::from(i) / 3.0).collect(),
            mask: (0..13).map(|i| i % 3 == 0).collect(),
            codes: (0..7).collect(),
            extra: vec![-1, 2, -3],
        }
    }

    fn frame(&self, extra_arrays: usize) -> Frame<'_> {
        Frame {
            id: 3,
            label: "camera 1",
            raw: b"\x00\x01raw",
            pixels: NdArrayView::from_shape_slice(vec![10, 100], &self.pixels).unwrap(),
            depth: NdArrayView::from_shape_slice(vec![37], &self.depth).unwrap(),
            mask: NdArrayView::from_shape_slice(vec![13], &self.mask).unwrap(),
            codes: NdArrayView::from_shape_slice(vec![7], &self.codes).unwrap(),
            extra: vec![NdArrayView::from_shape_slice(vec![3], &self.extra).unwrap(); extra_arrays],
        }
    }
}

/// `bytes` copied to `offset` bytes past an 8-aligned address.
fn placed(bytes: &[u8], offset: usize) -> (Vec<u64>, std::ops::Range<usize>) {
    let mut words = vec![0u64; (bytes.len() + offset).div_ceil(8)];
    bytemuck::cast_slice_mut::<u64, u8>(&mut words)[offset..offset + bytes.len()].copy_from_slice(bytes);
    (words, offset..offset + bytes.len())
}

fn inside<T>(slice: &[T], input: &[u8]) -> bool {
    let range = input.as_ptr_range();
    let start = slice.as_ptr().cast::<u8>();
    range.start <= start && start.wrapping_add(size_of_val(slice)) <= range.end
}

#[test]
fn aligned_buffers_borrow_every_array_and_bytes_field() {
    let data = FrameData::new();
    let frame = data.frame(3);
    let bytes = frame.to_msgpack().unwrap();
    let (words, range) = placed(&bytes, 0);
    let input = &bytemuck::cast_slice::<u64, u8>(&words)[range];
    let back = Frame::from_msgpack(input).unwrap();
    assert_eq!(back, frame);
    for (name, borrowed, points_inside) in [
        ("pixels", back.pixels.is_borrowed(), inside(back.pixels.as_slice(), input)),
        ("depth", back.depth.is_borrowed(), inside(back.depth.as_slice(), input)),
        ("mask", back.mask.is_borrowed(), inside(back.mask.as_slice(), input)),
        ("codes", back.codes.is_borrowed(), inside(back.codes.as_slice(), input)),
        ("extra.2", back.extra[2].is_borrowed(), inside(back.extra[2].as_slice(), input)),
        ("raw", true, inside(back.raw, input)),
        ("label", true, inside(back.label.as_bytes(), input)),
    ] {
        assert!(borrowed && points_inside, "{name} does not borrow from the input");
    }
}

#[test]
fn unaligned_buffers_fall_back_to_copies() {
    let data = FrameData::new();
    let frame = data.frame(0);
    let bytes = frame.to_msgpack().unwrap();
    for offset in 1..8 {
        let (words, range) = placed(&bytes, offset);
        let input = &bytemuck::cast_slice::<u64, u8>(&words)[range];
        let back = Frame::from_msgpack(input).unwrap();
        assert_eq!(back, frame, "offset {offset}");
        assert!(!back.depth.is_borrowed(), "f64 data at offset {offset} cannot be borrowed");
        // One-byte elements are aligned everywhere.
        assert!(back.mask.is_borrowed());
    }
}

#[test]
fn compact_encoding_is_smaller_and_reads_the_same() {
    let data = FrameData::new();
    let frame = data.frame(1);
    let aligned = frame.to_msgpack().unwrap();
    let compact = chainmodel::msgpack::to_vec_compact(&frame).unwrap();
    assert!(compact.len() <= aligned.len() && aligned.len() <= compact.len() + 7 * 5);
    assert_eq!(Frame::from_msgpack(&compact).unwrap(), frame);
    let mut streamed = Vec::new();
    chainmodel::msgpack::to_writer(&mut streamed, &frame).unwrap();
    assert_eq!(streamed, aligned);
}

#[test]
fn errors_are_located() {
    let embedding = Embedding { id: 1, name: "n".into(), embedding: NdArray::from_vec(vec![1.0, 2.0]), score: 0.5 };
    let mut bytes = embedding.to_msgpack().unwrap();
    // Truncations of a valid message are errors, never panics.
    for len in 0..bytes.len() {
        assert!(Embedding::from_msgpack(&bytes[..len]).is_err(), "truncated at {len}");
    }
    // The last payload byte belongs to the array; the float `score` follows it.
    let at = bytes.iter().rposition(|&b| b == 0xcb).unwrap();
    bytes[at] = 0xa1; // a one-byte str where the float was
    bytes.truncate(at + 2);
    let err = Embedding::from_msgpack(&bytes).unwrap_err();
    // pydantic reads a number from text; this text is none.
    assert_eq!(err.to_string(), "score: Input should be a valid number, unable to parse string as a number");
}

#[test]
fn python_writers_in_the_wild() {
    let Some(python) = common::anchor_python("python_writers_in_the_wild") else { return };
    let cases: Value = serde_json::from_str(&common::run_script(&python, "msgpack_cases.py", &["wild"], b"")).unwrap();
    let expected = cases["expected_json"].as_str().unwrap();
    for (name, message) in cases["accepted"].as_object().unwrap() {
        let bytes = STANDARD.decode(message.as_str().unwrap()).unwrap();
        let value = Embedding::from_msgpack(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(value.to_json().unwrap(), expected, "{name}");
    }
    for (name, message) in cases["refused"].as_object().unwrap() {
        let bytes = STANDARD.decode(message.as_str().unwrap()).unwrap();
        let err = Embedding::from_msgpack(&bytes).unwrap_err().to_string();
        let expected = if name == "object array" { "never interprets" } else { "structured numpy arrays" };
        assert!(err.starts_with("embedding: ") && err.contains(expected), "{name}: {err}");
    }
}

/// The Rust peer, the `msgpack-numpy` crate (with rmp-serde), reads the aligned encoding; it
/// rejects keys it does not know, so this also proves the alignment adds none.
#[test]
fn the_msgpack_numpy_crate_reads_the_aligned_encoding() {
    #[derive(serde::Deserialize)]
    struct PeerEmbedding {
        id: i64,
        name: String,
        embedding: msgpack_numpy::NDArray,
        score: f64,
    }
    for len in [0usize, 1, 3, 256, 1000] {
        let values: Vec<f32> = (0..len).map(|i| i as f32 - 0.5).collect();
        let embedding =
            Embedding { id: 9, name: "peer".into(), embedding: NdArray::from_vec(values.clone()), score: 0.25 };
        let bytes = embedding.to_msgpack().unwrap();
        let peer: PeerEmbedding = rmp_serde::from_slice(&bytes).unwrap_or_else(|e| panic!("len {len}: {e}"));
        assert_eq!((peer.id, peer.name.as_str(), peer.score), (9, "peer", 0.25));
        match peer.embedding {
            msgpack_numpy::NDArray::F32(array) => assert_eq!(array.iter().copied().collect::<Vec<f32>>(), values),
            other => panic!("len {len}: the peer read {other:?}"),
        }
    }
}

#[test]
fn raw_python_dicts_read_as_values() {
    let Some(python) = common::anchor_python("raw_python_dicts_read_as_values") else { return };
    let messages: Vec<String> =
        serde_json::from_str(&common::run_script(&python, "msgpack_cases.py", &["raw"], b"")).unwrap();
    for message in &messages {
        let bytes = STANDARD.decode(message).unwrap();
        let value: chainmodel::Value = chainmodel::msgpack::from_slice(&bytes).unwrap();
        assert_eq!(chainmodel::msgpack::to_vec_compact(&value).unwrap(), bytes, "{value:?}");
        let aligned = chainmodel::msgpack::to_vec(&value).unwrap();
        assert_eq!(chainmodel::msgpack::from_slice::<chainmodel::Value>(&aligned).unwrap(), value);
    }
    let first: chainmodel::Value = chainmodel::msgpack::from_slice(&STANDARD.decode(&messages[0]).unwrap()).unwrap();
    assert_eq!(
        format!("{first:?}"),
        "{'ids': [1, 2, 3], 'embedding': AnyArray(shape=(2, 3), dtype=float32, data=[[0. 1. 2.]\n [3. 4. 5.]]), \
         'blob': b'\\x00\\xff', 'meta': {'name': 'x', 'score': 0.25, 'ok': True, 'none': None, \
         'big': 18446744073709551615, 'neg': -9223372036854775808}}"
    );
    match first.get("embedding") {
        Some(chainmodel::Value::Array(array)) => {
            assert_eq!(array.to_typed::<f32>().unwrap().as_slice(), &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
        }
        other => panic!("not an array: {other:?}"),
    }
}

#[test]
fn values_in_json() {
    let text = r#"{"a":[1,2.5,null,true,"s"],"arr":{"data_b64":"AQI=","shape":[2],"dtype":"uint8"}}"#;
    let value: chainmodel::Value = chainmodel::json::from_str(text).unwrap();
    assert!(matches!(value.get("arr"), Some(chainmodel::Value::Array(_))));
    assert_eq!(chainmodel::json::to_string(&value).unwrap(), text);
}

#[derive(ChainModel)]
struct Upload {
    name: String,
    parts: Vec<Bytes>,
}

/// msgpack's lengths are 32-bit: a bin of 4 GiB or more cannot be written, and every encoder
/// says so, naming the field, rather than writing a header that wraps around. (The 4 GiB
/// buffer is zeroed memory the system maps lazily: the test does not touch it.)
#[test]
fn lengths_msgpack_cannot_hold_are_errors_naming_the_field() {
    let huge = Bytes::from(vec![0u8; (4 << 30) + 16]);
    let upload = Upload { name: "u".into(), parts: vec![Bytes::from(vec![1, 2]), huge] };
    let expected = "parts.1: msgpack cannot hold a bin of 4294967312 items or bytes (at most 4294967295)";
    assert_eq!(upload.to_msgpack().unwrap_err().to_string(), expected);
    assert_eq!(chainmodel::msgpack::to_vec_compact(&upload).unwrap_err().to_string(), expected);
    let mut buffer = Vec::new();
    assert_eq!(chainmodel::msgpack::to_vec_into(&upload, &mut buffer).unwrap_err().to_string(), expected);
    let mut sink = CountingSink(0);
    assert_eq!(chainmodel::msgpack::to_writer(&mut sink, &upload).unwrap_err().to_string(), expected);
    assert!(sink.0 < 1024, "the stream stopped before the payload: {} bytes written", sink.0);

    drop(upload);

    // The same for an array's payload and a `Value`.
    let array = AnyArray::from_bytes("|u1".parse().unwrap(), vec![(4 << 30) + 16], vec![0; (4 << 30) + 16]).unwrap();
    let value = chainmodel::Value::Map(vec![("frames".into(), chainmodel::Value::List(vec![array.into()]))]);
    assert_eq!(
        chainmodel::msgpack::to_vec(&value).unwrap_err().to_string(),
        "frames.0: msgpack cannot hold a bin of 4294967312 items or bytes (at most 4294967295)"
    );
    // Headers at the limit are still written.
    let mut writer = chainmodel::msgpack::MsgpackWriter::new(false);
    writer.map_header(chainmodel::msgpack::MAX_LENGTH);
    assert!(!writer.failed());
    writer.array_header(chainmodel::msgpack::MAX_LENGTH + 1);
    assert!(writer.failed());
}

struct CountingSink(usize);

impl std::io::Write for CountingSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
