//! Peak memory of decoding the 64 MiB benchmark message in a fresh process, for the
//! performance table of docs/speed.md (`scripts/bench` runs it):
//!
//! ```text
//! cargo run --release --example decode_rss -- write  FILE   # writes the aligned message
//! cargo run --release --example decode_rss -- owned  FILE   # reads it, decodes an owned model
//! cargo run --release --example decode_rss -- view   FILE   # reads it, decodes a zero-copy view
//! ```
//!
//! Prints the peak resident set size (`VmHWM`) in bytes; the message itself (64 MiB) is part of it.

use chainmodel::msgpack::AlignedBytes;
use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Tensor {
    name: String,
    values: NdArray<f32>,
}

#[derive(ChainModel)]
struct TensorView<'a> {
    name: String,
    values: NdArrayView<'a, f32>,
}

const LEN: usize = 64 * 1024 * 1024 / 4;

fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    kib * 1024
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, path] = &args[..] else {
        return Err("usage: decode_rss write|owned|view FILE".into());
    };
    let read = || -> Result<AlignedBytes, Box<dyn std::error::Error>> {
        let file = std::fs::File::open(path)?;
        let len = usize::try_from(file.metadata()?.len())?;
        Ok(AlignedBytes::read_exact_from(file, len)?)
    };
    match mode.as_str() {
        "write" => {
            let values = (0..LEN).map(|i| (i as f32 * 0.001).sin()).collect();
            let tensor =
                Tensor { name: "activations".into(), values: NdArray::from_shape_vec(vec![4096, LEN / 4096], values)? };
            std::fs::write(path, tensor.to_msgpack()?)?;
            return Ok(());
        }
        "owned" => {
            let message = read()?;
            let tensor = Tensor::from_msgpack(&message)?;
            assert_eq!(tensor.values.len(), LEN);
        }
        "view" => {
            let message = read()?;
            let tensor = TensorView::from_msgpack(&message)?;
            assert!(tensor.values.is_borrowed());
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    println!("{}", peak_rss_bytes());
    Ok(())
}
