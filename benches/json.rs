//! JSON mode on a model holding one 64 MiB float32 array, beside the bare base64 encode and
//! decode of the same bytes, measured in the same run. `cargo bench --bench json`; the ratios
//! are printed at the end.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chainmodel::prelude::*;
use criterion::{Criterion, criterion_group};
use std::hint::black_box;

mod common;
use common::{Tensor, large_tensor, print_ratios};

fn json_64mib(c: &mut Criterion) {
    let model = large_tensor();
    let bytes: &[u8] = bytemuck::cast_slice(model.values.as_slice());
    let text = model.to_json().unwrap();
    let encoded = STANDARD.encode(bytes);

    let mut group = c.benchmark_group("json_64mib");
    group.sample_size(10);
    group.bench_function("base64_encode", |b| b.iter(|| STANDARD.encode(black_box(bytes))));
    group.bench_function("model_to_json", |b| b.iter(|| black_box(&model).to_json().unwrap()));
    group.bench_function("base64_decode", |b| b.iter(|| STANDARD.decode(black_box(&encoded)).unwrap()));
    group.bench_function("model_from_json", |b| b.iter(|| Tensor::from_json(black_box(&text)).unwrap()));
    group.finish();
}

criterion_group!(benches, json_64mib);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    print_ratios("json_64mib", &[("model_to_json", "base64_encode"), ("model_from_json", "base64_decode")]);
}
