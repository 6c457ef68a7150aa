//! Rust chainlets written with `#[chainlet]`, shared by tests/chains.rs and
//! tests/chains_python.rs: the signatures truss-chains' code generation handles (no argument,
//! three with one optional, a tuple output, bytes, no output) and the Binary IO docs' Worker.
#![allow(dead_code)]

use chainmodel::prelude::*;

/// The Python side's `DataModel(some_numbers: list[float], other_field: str)`.
#[derive(ChainModel, Debug, Clone, PartialEq)]
pub struct DataModel {
    pub some_numbers: Vec<f64>,
    pub other_field: String,
}

#[derive(Default)]
pub struct NoArg;

#[chainlet]
impl NoArg {
    pub async fn run_remote(&self) -> String {
        "no arguments".to_owned()
    }
}

#[derive(Default)]
pub struct ThreeArgs;

#[chainlet]
impl ThreeArgs {
    /// `run_remote(self, a: int, data: DataModel, b: str = "-") -> DataModel`: `a` added to
    /// every number, `b` appended to the text.
    pub async fn run_remote(&self, a: i64, data: DataModel, b: Option<String>) -> Result<DataModel, RemoteError> {
        if a < 0 {
            return Err(RemoteError::new("ValueError", format!("a is negative: {a}")));
        }
        Ok(DataModel {
            some_numbers: data.some_numbers.iter().map(|x| x + a as f64).collect(),
            other_field: format!("{}{}", data.other_field, b.as_deref().unwrap_or("-")),
        })
    }
}

#[derive(Default)]
pub struct TupleOut;

#[chainlet]
impl TupleOut {
    pub async fn run_remote(&self, a: i64) -> (i64, String, DataModel) {
        (a, a.to_string(), DataModel { some_numbers: vec![a as f64], other_field: "tuple".to_owned() })
    }
}

#[derive(Default)]
pub struct BytesArg;

#[chainlet]
impl BytesArg {
    /// The label's bytes, then the blob.
    pub async fn run_remote(&self, blob: Bytes, label: String) -> Bytes {
        let mut out = label.into_bytes();
        out.extend_from_slice(&blob);
        Bytes::from(out)
    }
}

#[derive(Default)]
pub struct NoneOut;

#[chainlet]
impl NoneOut {
    pub async fn run_remote(&self, a: i64) -> Result<(), RemoteError> {
        if a == 0 { Err(RemoteError::new("ValueError", "zero")) } else { Ok(()) }
    }
}

/// The Binary IO docs' model.
#[derive(ChainModel, Debug, Clone, PartialEq)]
pub struct DocsDataModel {
    pub some_numbers: NdArray<f64>,
    pub other_field: String,
}

/// The Binary IO docs' Worker.
#[derive(Default)]
pub struct Worker;

#[chainlet]
impl Worker {
    pub async fn run_remote(&self, data: DocsDataModel) -> Result<DocsDataModel, RemoteError> {
        let mut data = data;
        data.some_numbers += 10.0;
        Ok(data)
    }
}

/// Serves `chainlet` on 127.0.0.1:0 on a runtime of its own thread, for the whole test
/// binary; returns its base URL.
pub fn serve_forever<T: chainmodel::chains::Chainlet>(chainlet: T) -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            chainmodel::server::serve(listener, chainmodel::chains::router(chainlet)).await.unwrap();
        });
    });
    let addr = receiver.recv_timeout(std::time::Duration::from_secs(60)).expect("the server starts");
    format!("http://{addr}")
}

/// A model with none of the usual derives: a chainlet's arguments need only be model fields.
#[derive(ChainModel)]
pub struct Plain {
    pub n: i64,
}

#[derive(Default)]
pub struct TakesPlain;

#[chainlet]
impl TakesPlain {
    pub async fn run_remote(&self, plain: Plain) -> Plain {
        Plain { n: plain.n + 1 }
    }
}
