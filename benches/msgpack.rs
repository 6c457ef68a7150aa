//! Binary mode, each beside a baseline measured in the same run (`cargo bench --bench msgpack`;
//! the ratios are printed at the end):
//! - one model holding a 64 MiB float32 array: encode, owned decode and view decode against a
//!   memcpy of the same bytes into a warm buffer;
//! - 20 000 small models (256-float32 embedding, id, name, score) against the `msgpack-numpy`
//!   crate with rmp-serde on the same data.

use chainmodel::msgpack::AlignedBytes;
use chainmodel::prelude::*;
use criterion::{Criterion, criterion_group};
use std::hint::black_box;

mod common;
use common::{Embedding, PeerEmbedding, Tensor, TensorView, large_tensor, print_ratios, small_embeddings, small_peers};

// A service's allocator keeps freed memory for reuse; glibc's returns large blocks to the
// kernel, so every run would also time page faults of fresh memory. Both codecs share this
// allocator, so the ratios compare codec work.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn large(c: &mut Criterion) {
    let model = large_tensor();
    let bytes: &[u8] = bytemuck::cast_slice(model.values.as_slice());
    let message = AlignedBytes::from(&model.to_msgpack().unwrap()[..]);
    let mut warm = vec![0u8; bytes.len()];

    let mut group = c.benchmark_group("msgpack_64mib");
    group.sample_size(10);
    group.bench_function("memcpy", |b| b.iter(|| warm.copy_from_slice(black_box(bytes))));
    group.bench_function("encode", |b| b.iter(|| black_box(&model).to_msgpack().unwrap()));
    let mut reused = Vec::new();
    group.bench_function("encode_into_warm_buffer", |b| {
        b.iter(|| chainmodel::msgpack::to_vec_into(black_box(&model), &mut reused).unwrap())
    });
    group.bench_function("memcpy_into_fresh_buffer", |b| b.iter(|| black_box(bytes).to_vec()));
    group.bench_function("decode_owned", |b| b.iter(|| Tensor::from_msgpack(black_box(&message)).unwrap()));
    group.bench_function("decode_view", |b| {
        b.iter(|| {
            let view = TensorView::from_msgpack(black_box(&message)).unwrap();
            assert!(view.values.is_borrowed());
            view
        })
    });
    group.finish();
}

#[derive(ChainModel)]
struct EmbeddingView<'a> {
    id: i64,
    name: &'a str,
    embedding: NdArrayView<'a, f32>,
    score: f64,
}

/// The peer's borrowing form.
#[derive(serde::Deserialize)]
struct PeerEmbeddingView<'a> {
    #[allow(dead_code)]
    id: i64,
    #[allow(dead_code)]
    name: &'a str,
    #[serde(borrow)]
    #[allow(dead_code)]
    embedding: msgpack_numpy::CowNDArray<'a>,
    #[allow(dead_code)]
    score: f64,
}

fn small(c: &mut Criterion) {
    let ours = small_embeddings();
    let peers = small_peers();
    let our_message = AlignedBytes::from(&chainmodel::msgpack::to_vec(&ours).unwrap()[..]);
    let peer_message = rmp_serde::to_vec_named(&peers).unwrap();

    let payloads: Vec<&[u8]> = ours.iter().map(|m| bytemuck::cast_slice(m.embedding.as_slice())).collect();
    let mut warm = vec![0u8; payloads.iter().map(|p| p.len()).sum()];

    let mut group = c.benchmark_group("msgpack_20k_small");
    group.sample_size(20);
    // The physical floor of encoding: copying every embedding into one warm buffer.
    group.bench_function("memcpy_payloads", |b| {
        b.iter(|| {
            let mut at = 0;
            for payload in black_box(&payloads) {
                warm[at..at + payload.len()].copy_from_slice(payload);
                at += payload.len();
            }
        })
    });
    group.bench_function("peer_encode", |b| b.iter(|| rmp_serde::to_vec_named(black_box(&peers)).unwrap()));
    group.bench_function("encode", |b| b.iter(|| chainmodel::msgpack::to_vec(black_box(&ours)).unwrap()));
    let mut peer_buffer = Vec::new();
    group.bench_function("peer_encode_into_warm_buffer", |b| {
        b.iter(|| {
            peer_buffer.clear();
            rmp_serde::encode::write_named(&mut peer_buffer, black_box(&peers)).unwrap()
        })
    });
    let mut buffer = Vec::new();
    group.bench_function("encode_into_warm_buffer", |b| {
        b.iter(|| chainmodel::msgpack::to_vec_into(black_box(&ours), &mut buffer).unwrap())
    });
    group.bench_function("peer_decode", |b| {
        b.iter(|| rmp_serde::from_slice::<Vec<PeerEmbedding>>(black_box(&peer_message)).unwrap())
    });
    group.bench_function("decode", |b| {
        b.iter(|| chainmodel::msgpack::from_slice::<Vec<Embedding>>(black_box(&our_message)).unwrap())
    });
    // Owned models from a body in a shared buffer, as the server and the client decode them:
    // the embeddings share the buffer rather than copy it.
    let shared_message = std::sync::Arc::new(our_message.clone());
    group.bench_function("decode_shared", |b| {
        b.iter(|| chainmodel::msgpack::from_shared::<Vec<Embedding>>(black_box(&shared_message)).unwrap())
    });
    group.bench_function("peer_decode_borrowed", |b| {
        b.iter(|| rmp_serde::from_slice::<Vec<PeerEmbeddingView>>(black_box(&peer_message)).unwrap())
    });
    group.bench_function("decode_views", |b| {
        b.iter(|| chainmodel::msgpack::from_slice::<Vec<EmbeddingView>>(black_box(&our_message)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, large, small);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    print_ratios(
        "msgpack_64mib",
        &[
            ("encode_into_warm_buffer", "memcpy"),
            ("encode", "memcpy"),
            ("decode_owned", "memcpy"),
            ("decode_view", "memcpy"),
            ("encode", "memcpy_into_fresh_buffer"),
            ("decode_owned", "memcpy_into_fresh_buffer"),
        ],
    );
    print_ratios(
        "msgpack_20k_small",
        &[
            ("encode", "peer_encode"),
            ("encode_into_warm_buffer", "peer_encode_into_warm_buffer"),
            ("encode_into_warm_buffer", "memcpy_payloads"),
            ("peer_encode_into_warm_buffer", "memcpy_payloads"),
            ("decode", "peer_decode"),
            ("decode_shared", "peer_decode"),
            ("decode_views", "peer_decode_borrowed"),
        ],
    );
}
