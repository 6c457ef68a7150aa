//! The tour of models and modes: a model holding a numpy-style array, worked on in Rust, in
//! JSON and binary mode. (The README's main job is `examples/chain.rs`.)
//!
//! Run with `cargo run --release --example quickstart`.

use chainmodel::msgpack::AlignedBytes;
use chainmodel::prelude::*;
use chainmodel::serde_json;

/// The Binary IO docs' model: an array of float64 numbers and a string.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct DataModel {
    some_numbers: NdArray<f64>,
    other_field: String,
}

fn main() -> Result<(), chainmodel::Error> {
    // Like `np.random.random((3, 2))`: uniform numbers in [0, 1), from a fixed seed.
    let mut rng = SplitMix64(2024);
    let numbers = (0..6).map(|_| rng.next_unit()).collect();
    let mut model =
        DataModel { some_numbers: NdArray::from_shape_vec(vec![3, 2], numbers)?, other_field: "embeddings".to_owned() };
    println!("{model:?}\n");

    // numpy's `+=` works on the whole array.
    model.some_numbers += 10.0;
    let numbers = &model.some_numbers;
    println!("some_numbers += 10 (shape {:?}, dtype {}):\n{numbers}\n", numbers.shape(), numbers.dtype());

    // JSON mode: the text pydantic's `model_dump_json()` writes for the same model.
    let json = model.to_json()?;
    println!("JSON ({} bytes):\n{json}\n", json.len());
    assert_eq!(DataModel::from_json(&json)?, model);

    // The JSON Schema pydantic's `model_json_schema()` publishes.
    let schema = serde_json::to_string_pretty(&DataModel::json_schema()).expect("a schema is plain JSON");
    println!("JSON Schema:\n{schema}\n");

    // Binary mode: msgpack as truss writes it, the array as raw bytes instead of base64.
    let binary = model.to_msgpack()?;
    assert_eq!(DataModel::from_msgpack(&binary)?, model);
    println!("msgpack: {} bytes (JSON: {} bytes)", binary.len(), json.len());

    // A batch of embeddings, 1024 x 256 float32: read back without copying the 1 MiB array.
    let values: Vec<f32> = (0..1024 * 256).map(|_| rng.next_unit() as f32).collect();
    let batch = Batch { model: "minilm".into(), embeddings: NdArrayView::from_shape_slice(vec![1024, 256], &values)? };
    let (binary, json) = (batch.to_msgpack()?, batch.to_json()?);
    println!(
        "batch: msgpack {} bytes, JSON {} bytes ({:.2}x)",
        binary.len(),
        json.len(),
        json.len() as f64 / binary.len() as f64
    );
    let received = AlignedBytes::from(&binary[..]); // as a server would hold a request body
    let decoded = Batch::from_msgpack(&received)?;
    let inside = received.as_ptr_range().contains(&decoded.embeddings.as_slice().as_ptr().cast());
    println!(
        "zero-copy view: borrowed = {}, points into the message = {inside}, shape {:?}\n",
        decoded.embeddings.is_borrowed(),
        decoded.embeddings.shape()
    );

    // A dtype known only at run time is kept exactly as received: big-endian float32 here.
    let bytes = [1.5f32, -2.0].iter().flat_map(|x| x.to_be_bytes()).collect();
    let received = AnyArray::from_bytes(">f4".parse()?, vec![2], bytes)?;
    let native: NdArray<f32> = received.to_typed()?;
    println!("received {received:?}\nas native {native:?}");
    Ok(())
}

/// A batch of embeddings, read without copying in binary mode.
#[derive(ChainModel)]
struct Batch<'a> {
    model: String,
    embeddings: NdArrayView<'a, f32>,
}

/// A tiny deterministic generator, so the example needs no dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}
