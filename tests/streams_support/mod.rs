//! The streaming chainlets the streaming tests serve (tests/streaming.rs and
//! tests/streaming_python.rs): the Rust twin of tests/python/chains/streams.py's `Streamer`, as
//! examples/stream.rs writes it, with the prompts the Rust tests add.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chainmodel::chains::streaming::{Frame, FrameWriter, Yielder, generate};
use chainmodel::prelude::*;
use chainmodel::server::Chainlet;

#[derive(ChainModel, Debug)]
pub struct StreamerInput {
    pub prompt: String,
    pub n: i64,
}

#[derive(ChainModel, Debug, PartialEq, Clone)]
pub struct StreamHeader {
    pub prompt: String,
}

#[derive(ChainModel, Debug, PartialEq, Clone)]
pub struct StreamItem {
    pub index: i64,
    pub token: String,
}

#[derive(ChainModel, Debug, PartialEq, Clone)]
pub struct StreamFooter {
    pub count: i64,
}

pub type Typed = Frame<StreamItem, StreamHeader, StreamFooter>;

/// What the producers of the tests report: items made, and whether a producer was dropped
/// before its end.
#[derive(Default)]
pub struct Probe {
    pub made: AtomicUsize,
    pub dropped: AtomicBool,
}

pub struct DropFlag(pub Arc<Probe>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.dropped.store(true, Ordering::SeqCst);
    }
}

/// The Streamer of tests/python/chains/streams.py in Rust, as examples/stream.rs writes it:
/// framed bytes (header, `n` items, footer), `raw`: `n` lines of raw text, `fail`: half the
/// items then an error, `slow`: 0.1 s before each item. The Rust tests add `panic` (panics
/// after half the items) and `early` (fails before the stream starts). At most one call at a
/// time (`concurrency_limit(1)`); `probe` counts the items made and sees the producer dropped.
pub fn streamer(probe: Arc<Probe>) -> axum::Router {
    Chainlet::streaming(move |StreamerInput { prompt, n }| {
        let probe = Arc::clone(&probe);
        async move {
            if prompt == "early" {
                return Err(RemoteError::new("ValueError", "refused before the stream"));
            }
            Ok(generate(move |mut out: Yielder<Vec<u8>>| async move {
                let _flag = DropFlag(Arc::clone(&probe));
                if prompt == "raw" {
                    for i in 0..n {
                        out.send(format!("raw-{i}\n").into_bytes()).await;
                    }
                    return Ok(());
                }
                let mut writer = FrameWriter::new();
                let mut frame =
                    |frame: Typed| writer.write(&frame).map_err(|e| RemoteError::new("ValueError", e.to_string()));
                out.send(frame(Frame::Header(StreamHeader { prompt: prompt.clone() }))?).await;
                let items = if matches!(prompt.as_str(), "fail" | "panic") { n / 2 } else { n };
                for index in 0..items {
                    if prompt == "slow" {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    probe.made.fetch_add(1, Ordering::SeqCst);
                    out.send(frame(Frame::Item(StreamItem { index, token: format!("{prompt}-{index}") }))?).await;
                }
                match prompt.as_str() {
                    "fail" => return Err(RemoteError::new("ValueError", format!("stream failed at item {items}"))),
                    "panic" => panic!("the producer panicked at item {items}"),
                    _ => {}
                }
                out.send(frame(Frame::Footer(StreamFooter { count: n }))?).await;
                Ok::<_, RemoteError>(())
            }))
        }
    })
    .name("Streamer")
    .concurrency_limit(1)
    .into_router()
}

/// A typed stream of [`Frame`]s (no framing by hand), the same frames as [`streamer`]'s.
pub fn frame_streamer() -> axum::Router {
    Chainlet::streaming(|StreamerInput { prompt, n }| async move {
        Ok::<_, RemoteError>(generate(move |mut out: Yielder<Typed>| async move {
            out.send(Frame::Header(StreamHeader { prompt: prompt.clone() })).await;
            for index in 0..n {
                out.send(Frame::Item(StreamItem { index, token: format!("{prompt}-{index}") })).await;
            }
            out.send(Frame::Footer(StreamFooter { count: n })).await;
            Ok::<_, RemoteError>(())
        }))
    })
    .into_router()
}

/// Raw text: `n` copies of `prompt`, each one chunk.
pub fn text_streamer() -> axum::Router {
    Chainlet::streaming(|StreamerInput { prompt, n }| async move {
        Ok::<_, RemoteError>(futures_util::stream::iter((0..n).map(move |_| Ok::<_, RemoteError>(prompt.clone()))))
    })
    .into_router()
}

/// The whole text of `client`'s stream for `input`, panicking on any error.
pub async fn text_of<I: chainmodel::json::JsonEncode + chainmodel::msgpack::MsgpackEncode>(
    client: &chainmodel::client::Client,
    input: &I,
) -> String {
    use futures_util::StreamExt;
    let pieces: Vec<String> = client.stream(input).await.unwrap().text().map(Result::unwrap).collect().await;
    pieces.concat()
}
