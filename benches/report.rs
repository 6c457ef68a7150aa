//! Every row of docs/speed.md's codec table in one run (`scripts/bench` runs this, the Python
//! side, and prints the table): JSON and msgpack, encode and decode, for one model holding a
//! 64 MiB float32 array and for 20 000 small models, by chainmodel, by the `msgpack-numpy` crate
//! with rmp-serde, by rmp-serde and serde_json on a plain serde struct with the array as a list,
//! beside the physical baselines (memcpy, bare base64).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chainmodel::msgpack::AlignedBytes;
use chainmodel::prelude::*;
use criterion::{BenchmarkGroup, Criterion, criterion_group, measurement::WallTime};
use std::hint::black_box;

mod common;
use common::{
    Embedding, LARGE_SHAPE, PeerEmbedding, SMALL_MODELS, Tensor, TensorView, large_values, peer_array,
    small_embeddings, small_peers, small_vector,
};

// As in benches/msgpack.rs: a service's allocator, shared by every contestant.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(serde::Serialize, serde::Deserialize)]
struct PeerTensor {
    name: String,
    values: msgpack_numpy::NDArray,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct PlainTensor {
    name: String,
    values: Vec<f32>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct PlainEmbedding {
    id: i64,
    name: String,
    embedding: Vec<f32>,
    score: f64,
}

fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group
}

fn large(c: &mut Criterion) {
    let values = large_values();
    let shape = LARGE_SHAPE;
    let ours =
        Tensor { name: "activations".into(), values: NdArray::from_shape_vec(shape.to_vec(), values.clone()).unwrap() };
    let peer = PeerTensor { name: "activations".into(), values: peer_array(values.clone(), &shape) };
    let plain = PlainTensor { name: "activations".into(), values };
    let bytes: &[u8] = bytemuck::cast_slice(ours.values.as_slice());
    let (json, msgpack) = (ours.to_json().unwrap(), AlignedBytes::from(&ours.to_msgpack().unwrap()[..]));
    let (peer_msgpack, plain_msgpack) =
        (rmp_serde::to_vec_named(&peer).unwrap(), rmp_serde::to_vec_named(&plain).unwrap());
    let plain_json = serde_json::to_string(&plain).unwrap();
    let encoded = STANDARD.encode(bytes);
    let mut warm = vec![0u8; bytes.len()];

    let mut g = group(c, "report_64mib");
    g.bench_function("baseline_memcpy", |b| b.iter(|| warm.copy_from_slice(black_box(bytes))));
    g.bench_function("baseline_base64_encode", |b| b.iter(|| STANDARD.encode(black_box(bytes))));
    g.bench_function("baseline_base64_decode", |b| b.iter(|| STANDARD.decode(black_box(&encoded)).unwrap()));
    g.bench_function("chainmodel_json_encode", |b| b.iter(|| black_box(&ours).to_json().unwrap()));
    g.bench_function("chainmodel_json_decode", |b| b.iter(|| Tensor::from_json(black_box(&json)).unwrap()));
    g.bench_function("chainmodel_msgpack_encode", |b| b.iter(|| black_box(&ours).to_msgpack().unwrap()));
    g.bench_function("chainmodel_msgpack_decode", |b| b.iter(|| Tensor::from_msgpack(black_box(&msgpack)).unwrap()));
    g.bench_function("chainmodel_msgpack_decode_view", |b| {
        b.iter(|| TensorView::from_msgpack(black_box(&msgpack)).unwrap())
    });
    g.bench_function("peer_msgpack_encode", |b| b.iter(|| rmp_serde::to_vec_named(black_box(&peer)).unwrap()));
    g.bench_function("peer_msgpack_decode", |b| {
        b.iter(|| rmp_serde::from_slice::<PeerTensor>(black_box(&peer_msgpack)).unwrap())
    });
    g.bench_function("plain_msgpack_encode", |b| b.iter(|| rmp_serde::to_vec_named(black_box(&plain)).unwrap()));
    g.bench_function("plain_msgpack_decode", |b| {
        b.iter(|| rmp_serde::from_slice::<PlainTensor>(black_box(&plain_msgpack)).unwrap())
    });
    g.bench_function("plain_json_encode", |b| b.iter(|| serde_json::to_string(black_box(&plain)).unwrap()));
    g.bench_function("plain_json_decode", |b| {
        b.iter(|| serde_json::from_str::<PlainTensor>(black_box(&plain_json)).unwrap())
    });
    g.finish();
}

fn small(c: &mut Criterion) {
    let ours = small_embeddings();
    let peers = small_peers();
    let plain: Vec<PlainEmbedding> = (0..SMALL_MODELS)
        .map(|i| PlainEmbedding {
            id: i as i64,
            name: format!("doc-{i}"),
            embedding: small_vector(i),
            score: i as f64 * 0.5,
        })
        .collect();
    let payloads: Vec<&[u8]> = ours.iter().map(|m| bytemuck::cast_slice(m.embedding.as_slice())).collect();
    let all_payloads: Vec<u8> = payloads.concat();
    let encoded = STANDARD.encode(&all_payloads);
    let mut warm = vec![0u8; all_payloads.len()];
    let json = chainmodel::json::to_string(&ours).unwrap();
    let msgpack = AlignedBytes::from(&chainmodel::msgpack::to_vec(&ours).unwrap()[..]);
    let (peer_msgpack, plain_msgpack) =
        (rmp_serde::to_vec_named(&peers).unwrap(), rmp_serde::to_vec_named(&plain).unwrap());
    let plain_json = serde_json::to_string(&plain).unwrap();

    let mut g = group(c, "report_20k_small");
    g.bench_function("baseline_memcpy", |b| b.iter(|| warm.copy_from_slice(black_box(&all_payloads))));
    g.bench_function("baseline_base64_encode", |b| b.iter(|| STANDARD.encode(black_box(&all_payloads))));
    g.bench_function("baseline_base64_decode", |b| b.iter(|| STANDARD.decode(black_box(&encoded)).unwrap()));
    g.bench_function("chainmodel_json_encode", |b| b.iter(|| chainmodel::json::to_string(black_box(&ours)).unwrap()));
    g.bench_function("chainmodel_json_decode", |b| {
        b.iter(|| chainmodel::json::from_str::<Vec<Embedding>>(black_box(&json)).unwrap())
    });
    g.bench_function("chainmodel_msgpack_encode", |b| {
        b.iter(|| chainmodel::msgpack::to_vec(black_box(&ours)).unwrap())
    });
    g.bench_function("chainmodel_msgpack_decode", |b| {
        b.iter(|| chainmodel::msgpack::from_slice::<Vec<Embedding>>(black_box(&msgpack)).unwrap())
    });
    g.bench_function("peer_msgpack_encode", |b| b.iter(|| rmp_serde::to_vec_named(black_box(&peers)).unwrap()));
    g.bench_function("peer_msgpack_decode", |b| {
        b.iter(|| rmp_serde::from_slice::<Vec<PeerEmbedding>>(black_box(&peer_msgpack)).unwrap())
    });
    g.bench_function("plain_msgpack_encode", |b| b.iter(|| rmp_serde::to_vec_named(black_box(&plain)).unwrap()));
    g.bench_function("plain_msgpack_decode", |b| {
        b.iter(|| rmp_serde::from_slice::<Vec<PlainEmbedding>>(black_box(&plain_msgpack)).unwrap())
    });
    g.bench_function("plain_json_encode", |b| b.iter(|| serde_json::to_string(black_box(&plain)).unwrap()));
    g.bench_function("plain_json_decode", |b| {
        b.iter(|| serde_json::from_str::<Vec<PlainEmbedding>>(black_box(&plain_json)).unwrap())
    });
    g.finish();
}

// pydantic's `Node = Union[int, A, B]`, `class A: child: Node`, `class B: child: Node; flag:
// bool = False`: a plain union of recursive models, 20 deep, its leaf a lax `"1"`.
#[derive(ChainModel)]
enum Node {
    Leaf(i64),
    A(Box<NodeA>),
    B(Box<NodeB>),
}

#[derive(ChainModel)]
struct NodeA {
    child: Node,
}

#[derive(ChainModel)]
struct NodeB {
    child: Node,
    #[chain(default)]
    flag: bool,
}

#[derive(ChainModel)]
struct Root {
    node: Node,
}

/// The union benchmark's depth, and its message (benches/python/bench.py writes the same).
const UNION_DEPTH: usize = 20;

fn union_text() -> String {
    format!(r#"{{"node": {}"1"{}}}"#, r#"{"child": "#.repeat(UNION_DEPTH), "}".repeat(UNION_DEPTH))
}

fn union(c: &mut Criterion) {
    let text = union_text();
    let dict: Value = chainmodel::json::from_str(&text).unwrap();
    let msgpack = AlignedBytes::from(&chainmodel::msgpack::to_vec(&dict).unwrap()[..]);
    let mut g = group(c, "report_union_depth20");
    g.bench_function("chainmodel_json_decode", |b| b.iter(|| Root::from_json(black_box(&text)).unwrap()));
    g.bench_function("chainmodel_msgpack_decode", |b| b.iter(|| Root::from_msgpack(black_box(&msgpack)).unwrap()));
    g.finish();
}

criterion_group!(benches, large, small, union);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
