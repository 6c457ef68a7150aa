//! Shared by the benchmarks: the workloads' models and data, and ratios of criterion's mean
//! times, measured in the same run. (Each bench uses some of it.)
#![allow(dead_code)]

use chainmodel::prelude::*;

/// Elements of the large workload: a 64 MiB float32 array.
pub const LARGE_LEN: usize = 64 * 1024 * 1024 / 4;
/// Its shape.
pub const LARGE_SHAPE: [usize; 2] = [4096, LARGE_LEN / 4096];
/// Models of the small workload.
pub const SMALL_MODELS: usize = 20_000;

/// The large workload's values.
pub fn large_values() -> Vec<f32> {
    (0..LARGE_LEN).map(|i| (i as f32 * 0.001).sin()).collect()
}

/// The large workload's model.
pub fn large_tensor() -> Tensor {
    Tensor {
        name: "activations".into(),
        values: NdArray::from_shape_vec(LARGE_SHAPE.to_vec(), large_values()).unwrap(),
    }
}

/// The embedding of small model `i`.
pub fn small_vector(i: usize) -> Vec<f32> {
    (0..256).map(|j| ((i * 256 + j) as f32).cos()).collect()
}

/// The small workload's models.
pub fn small_embeddings() -> Vec<Embedding> {
    (0..SMALL_MODELS)
        .map(|i| Embedding {
            id: i as i64,
            name: format!("doc-{i}"),
            embedding: NdArray::from_vec(small_vector(i)),
            score: i as f64 * 0.5,
        })
        .collect()
}

/// The peer's form of the small workload.
pub fn small_peers() -> Vec<PeerEmbedding> {
    (0..SMALL_MODELS)
        .map(|i| PeerEmbedding {
            id: i as i64,
            name: format!("doc-{i}"),
            embedding: peer_array(small_vector(i), &[256]),
            score: i as f64 * 0.5,
        })
        .collect()
}

/// An array in the `msgpack-numpy` crate's form.
pub fn peer_array(values: Vec<f32>, shape: &[usize]) -> msgpack_numpy::NDArray {
    let array = msgpack_numpy::ndarray::Array::from_shape_vec(msgpack_numpy::ndarray::IxDyn(shape), values).unwrap();
    msgpack_numpy::NDArray::F32(array)
}

#[derive(ChainModel)]
pub struct Tensor {
    pub name: String,
    pub values: NdArray<f32>,
}

#[derive(ChainModel)]
pub struct TensorView<'a> {
    pub name: String,
    pub values: NdArrayView<'a, f32>,
}

#[derive(ChainModel)]
pub struct Embedding {
    pub id: i64,
    pub name: String,
    pub embedding: NdArray<f32>,
    pub score: f64,
}

/// The small model for the `msgpack-numpy` crate.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct PeerEmbedding {
    pub id: i64,
    pub name: String,
    pub embedding: msgpack_numpy::NDArray,
    pub score: f64,
}

/// Prints `measured / baseline` of the mean times criterion saved for `group` in this run.
pub fn print_ratios(group: &str, pairs: &[(&str, &str)]) {
    let mean = |name: &str| -> Option<f64> {
        let path = format!("target/criterion/{group}/{name}/new/estimates.json");
        let text = std::fs::read_to_string(path).ok()?;
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        value["mean"]["point_estimate"].as_f64()
    };
    for (measured, baseline) in pairs {
        if let (Some(m), Some(b)) = (mean(measured), mean(baseline)) {
            println!("ratio {group}: {measured} / {baseline} = {:.4} ({:.3} ms / {:.3} ms)", m / b, m / 1e6, b / 1e6);
        }
    }
}
