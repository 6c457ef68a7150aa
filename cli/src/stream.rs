//! `call --stream`: a streaming chainlet's answer, printed as it arrives.

use std::io::Write;
use std::path::Path;

use chainmodel::Value;
use chainmodel::chains::streaming::{Frame, FrameReader};
use chainmodel::client::ChunkStream;
use futures_util::StreamExt;

use crate::{CallOptions, Failure, call_failure, payload, request_body};

/// Calls `url` and prints its stream: the raw chunks as they come (flushed each), or with
/// `typed` one JSON line per frame. A stream that fails is a [`Failure::Call`] after what came.
pub(crate) fn call(url: &str, input: Option<&Path>, options: CallOptions, typed: bool) -> Result<(), Failure> {
    let (mode, body) = request_body(input, options.binary)?;
    let client = options.builder(url).build().map_err(|e| Failure::Input(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Call(format!("chainmodel: error: cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let chunks = client.stream_raw(mode, body).await.map_err(call_failure)?;
        if typed { print_frames(chunks).await } else { print_chunks(chunks).await }
    })
}

async fn print_chunks(mut chunks: ChunkStream) -> Result<(), Failure> {
    let mut stdout = std::io::stdout();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(call_failure)?;
        if write(&mut stdout, &chunk)? {
            return Ok(());
        }
    }
    Ok(())
}

async fn print_frames(chunks: ChunkStream) -> Result<(), Failure> {
    let chainlet = chunks.chainlet().to_owned();
    let mut frames: FrameReader<_, Value, Value, Value> = chunks.frames();
    let mut stdout = std::io::stdout();
    while let Some(frame) = frames.next_frame().await {
        let frame = frame.map_err(|e| Failure::Call(format!("chainmodel: error: the stream of `{chainlet}`: {e}")))?;
        let (key, value) = match frame {
            Frame::Header(value) => ("header", value),
            Frame::Item(value) => ("item", value),
            Frame::Footer(value) => ("footer", value),
        };
        let text = payload::to_json(&value).map_err(|e| Failure::Call(format!("chainmodel: error: a {key}'s {e}")))?;
        if write(&mut stdout, format!("{{\"{key}\": {text}}}\n").as_bytes())? {
            return Ok(());
        }
    }
    Ok(())
}

/// Writes and flushes; `true` when stdout is closed (`| head`: the reader's choice).
fn write(stdout: &mut std::io::Stdout, bytes: &[u8]) -> Result<bool, Failure> {
    let mut out = stdout.lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(true),
        Err(e) => Err(Failure::Input(format!("cannot write to stdout: {e}"))),
    }
}
