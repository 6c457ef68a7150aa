//! The servers of the HTTP benchmark, each a process of its own: the bench binary runs itself
//! again with [`ROLE_VAR`] set to a role's name, and the child serves that role on a free port
//! of 127.0.0.1 until its stdin closes (so that a benchmark that dies leaves no server
//! behind). A process of its own gives the server its own peak RSS (`VmHWM`) and its own CPU.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chainmodel::prelude::*;
use chainmodel::server::{self, AlignedBody, Chainlet, ChainletService, ModelRejection, RemoteError, Reply};

use crate::common::{Embedding, Tensor, TensorView};

/// The variable that makes the bench binary a server: one of [`Role`]'s names.
pub const ROLE_VAR: &str = "CHAINMODEL_HTTP_BENCH_ROLE";

/// `SmallEcho.run_remote(item: Embedding) -> Embedding`, as tests/python/chains/bench.py has it.
#[derive(ChainModel)]
pub struct SmallInput {
    pub item: Embedding,
}

/// `TensorEcho.run_remote(tensor: Tensor) -> Tensor`.
#[derive(ChainModel)]
pub struct TensorInput {
    pub tensor: Tensor,
}

/// The same input, read through a view of the request body.
#[derive(ChainModel)]
pub struct TensorViewInput<'a> {
    pub tensor: TensorView<'a>,
}

/// The small answer of the view handler.
#[derive(ChainModel)]
pub struct TensorSummary {
    pub name: String,
    pub shape: Vec<u64>,
    pub sum: f64,
    pub borrowed: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum Role {
    /// A [`Chainlet`] answering the small model as it got it (truss's routes).
    SmallEcho,
    /// A [`Chainlet`] answering the 64 MiB tensor it got with 10 added to every element, in
    /// place (truss's routes): what an ordinary handler of owned values does.
    TensorEcho,
    /// `POST /predict`: reads the tensor through a view of the aligned body ([`AlignedBody`]),
    /// answers a [`TensorSummary`].
    TensorView,
    /// `POST /predict`: reads the tensor through a view of the aligned body, answers it
    /// ([`AlignedBody::answer`]: the view's payload is sent from the body, not copied).
    TensorViewEcho,
    /// Bare TCP, no HTTP: reads a little-endian u64 length and that many bytes into a warm
    /// buffer, writes them back; the physical floor of a round trip.
    TcpEcho,
    /// hyper's HTTP/1.1 server alone, answering every request's body as it came: the floor of
    /// the small messages under load.
    BareHyper,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::SmallEcho => "small-echo",
            Role::TensorEcho => "tensor-echo",
            Role::TensorView => "tensor-view",
            Role::TensorViewEcho => "tensor-view-echo",
            Role::TcpEcho => "tcp-echo",
            Role::BareHyper => "bare-hyper",
        }
    }

    fn from_name(name: &str) -> Option<Role> {
        [Role::SmallEcho, Role::TensorEcho, Role::TensorView, Role::TensorViewEcho, Role::TcpEcho, Role::BareHyper]
            .into_iter()
            .find(|r| r.name() == name)
    }
}

/// A server process; ended when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// Kept open: the server ends at its EOF.
    _stdin: ChildStdin,
}

impl Server {
    /// Starts `role` in a new process of this binary, on the CPUs `cpus` (a `taskset` list)
    /// when given, and waits for its port.
    pub fn start(role: Role, cpus: Option<&str>) -> Server {
        Server::start_with_env(role, cpus, &[])
    }

    /// As [`start`](Self::start), with these environment variables.
    pub fn start_with_env(role: Role, cpus: Option<&str>, env: &[(&str, &str)]) -> Server {
        let exe = std::env::current_exe().expect("the bench binary's path");
        // Pinned from the start, so that the runtime sizes its worker pool to the CPUs it has.
        let mut command = match cpus {
            Some(cpus) => {
                let mut command = Command::new("taskset");
                command.args(["-c", cpus]).arg(exe);
                command
            }
            None => Command::new(exe),
        };
        let mut child = command
            .env(ROLE_VAR, role.name())
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the {} server: {e}", role.name()));
        let stdin = child.stdin.take().expect("stdin is piped");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout is piped")).read_line(&mut line).expect("the server's port");
        let port: u16 = line
            .trim()
            .strip_prefix("LISTENING ")
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("the {} server printed {line:?}", role.name()));
        Server { child, addr: SocketAddr::from(([127, 0, 0, 1], port)), _stdin: stdin }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Peak resident set size (`VmHWM`) of process `pid`, in bytes.
pub fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    kib * 1024
}

/// Serves the role named `name` (the child's side of [`Server::start`]); never returns.
pub fn serve(name: &str) -> ! {
    let role = Role::from_name(name).unwrap_or_else(|| panic!("unknown role {name}"));
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    println!("LISTENING {}", listener.local_addr().expect("its address").port());
    std::io::stdout().flush().expect("the port reaches the benchmark");
    // The benchmark holds our stdin: its end is ours.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    match role {
        Role::TcpEcho => tcp_echo(listener),
        Role::BareHyper => bare_hyper(listener),
        Role::SmallEcho => http(listener, small_echo()),
        Role::TensorEcho => http(listener, tensor_echo()),
        Role::TensorView => http(listener, Router::new().route("/predict", post(tensor_view))),
        Role::TensorViewEcho => http(listener, Router::new().route("/predict", post(tensor_view_echo))),
    }
    std::process::exit(0)
}

/// Served as `chains::serve` serves a chainlet ([`Chainlet::into_service`]).
fn small_echo() -> ChainletService<SmallInput> {
    Chainlet::new(|SmallInput { item }| async move { Ok::<_, RemoteError>(item) })
        .name("SmallEcho")
        // truss's `predict_concurrency` of the Python SmallEcho: the same on both sides.
        .concurrency_limit(crate::CONNECTIONS)
        .into_service()
}

fn tensor_echo() -> ChainletService<TensorInput> {
    Chainlet::new(|TensorInput { mut tensor }| async move {
        tensor.values += 10.0;
        Ok::<_, RemoteError>(tensor)
    })
    .name("TensorEcho")
    .into_service()
}

async fn tensor_view(body: AlignedBody) -> Result<Reply<TensorSummary>, ModelRejection> {
    let input: TensorViewInput<'_> = body.decode()?;
    let values = &input.tensor.values;
    let sum = values.as_slice().iter().map(|&x| f64::from(x)).sum();
    let summary = TensorSummary {
        name: input.tensor.name.clone(),
        shape: values.shape().iter().map(|&n| n as u64).collect(),
        sum,
        borrowed: values.is_borrowed(),
    };
    Ok(body.mode().reply(summary))
}

async fn tensor_view_echo(body: AlignedBody) -> Response {
    match body.decode::<TensorViewInput<'_>>() {
        // Encoded here, while the view still borrows the body.
        Ok(input) => body.answer(&input.tensor),
        Err(rejection) => rejection.into_response(),
    }
}

fn http<S>(listener: TcpListener, app: S)
where
    S: tower::Service<axum::extract::Request, Response = Response, Error = std::convert::Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    listener.set_nonblocking(true).expect("a non-blocking listener");
    // A multi-threaded runtime with as many workers as the CPUs this process may use.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
        server::serve(listener, app).await.expect("the server runs");
    });
}

/// hyper's server on the same runtime as [`http`]'s, one connection a task, answering the
/// request's body (gathered) with `application/octet-stream`.
fn bare_hyper(listener: TcpListener) {
    use http_body_util::{BodyExt, Full};
    listener.set_nonblocking(true).expect("a non-blocking listener");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let echo = hyper::service::service_fn(|request: hyper::Request<hyper::body::Incoming>| async move {
                    let body = request.into_body().collect().await?.to_bytes();
                    let mut response = hyper::Response::new(Full::new(body));
                    response.headers_mut().insert(
                        hyper::header::CONTENT_TYPE,
                        hyper::header::HeaderValue::from_static("application/octet-stream"),
                    );
                    Ok::<_, hyper::Error>(response)
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, echo).await;
            });
        }
    });
}

fn tcp_echo(listener: TcpListener) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        std::thread::spawn(move || echo_connection(stream));
    }
}

fn echo_connection(mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut buffer = Vec::new();
    loop {
        let mut len = [0u8; 8];
        if stream.read_exact(&mut len).is_err() {
            return;
        }
        // Warm after the first message: the floor is the kernel's copies, not page faults.
        buffer.resize(u64::from_le_bytes(len) as usize, 0);
        if stream.read_exact(&mut buffer).is_err() || stream.write_all(&buffer).is_err() {
            return;
        }
    }
}
