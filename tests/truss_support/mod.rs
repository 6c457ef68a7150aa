//! The real truss server (truss 0.18.36's own, from the wheel in the anchor venv) serving the
//! Python chainlets of `tests/python/chains/` on 127.0.0.1, for integration tests: a Rust
//! client calling Python chainlets, a Python chainlet calling a Rust one.
//!
//! ```ignore
//! mod truss_support; // or #[path = "truss_support/mod.rs"] mod truss_support;
//!
//! let Some(worker) = truss_support::truss_chainlet("Worker") else { return };
//! let response = truss_support::post(worker.addr, "/v1/models/model:predict", Some("application/json"), body);
//! // A Python Consumer whose `chains.depends(Worker, use_binary=True)` stub calls `url`:
//! let consumer = truss_support::truss_chainlet_with_dependencies("Consumer", &[("Worker", &url)]).unwrap();
//! ```
//!
//! Each distinct (chainlet, env, dependencies) is started once per test binary, on first use,
//! by `tests/python/truss_server.py` (which builds the chainlet's truss with truss_chains' code
//! generation and truss's image build context, cached under `CARGO_TARGET_TMPDIR`, and runs
//! its `main.py`), on a free port of 127.0.0.1. The child's stdin stays open in a static for
//! the life of the test process: when the process ends, however it ends, the script sees EOF
//! and stops the server. Its log (the launcher's and the server's, access lines included) is
//! written to [`TrussServer::log`]; a server that does not start in time fails the test with it.
//! Std only; every wait is bounded.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The variable `scripts/test` sets to the anchor virtualenv's Python (as `tests/common`).
pub const PYTHON_VAR: &str = "CHAINMODEL_PYTHON";

/// A server not READY within this fails the test (the script itself gives up after 60 s).
pub const START_DEADLINE: Duration = Duration::from_secs(90);

/// No exchange with a server may take longer.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// The predict route of every truss server (the model name in it is ignored).
pub const PREDICT: &str = "/v1/models/model:predict";

pub const JSON: Option<&str> = Some("application/json");
pub const BINARY: Option<&str> = Some("application/octet-stream");

/// A running truss server.
#[derive(Debug)]
pub struct TrussServer {
    /// The chainlet class it serves (`Worker`, `Echo`, `Raiser`, `Sleeper`, `Consumer`).
    pub name: String,
    /// `http://127.0.0.1:{port}`, no trailing slash.
    pub url: String,
    pub addr: SocketAddr,
    pub port: u16,
    /// The server's log file.
    pub log: PathBuf,
    /// From spawning the launcher to its READY line.
    pub startup: Duration,
    /// Holds the child, its stdin open, for the life of the test process.
    child: Mutex<Child>,
}

impl TrussServer {
    /// `{url}/v1/models/model:predict`, what a chains stub (`predict_url`) is given.
    pub fn predict_url(&self) -> String {
        format!("{}{PREDICT}", self.url)
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_else(|e| format!("(cannot read {}: {e})", self.log.display()))
    }

    /// The server's process id (truss's server runs in the launcher's process).
    pub fn pid(&self) -> u32 {
        self.child.lock().unwrap().id()
    }

    /// Whether the server process is still running.
    pub fn is_running(&self) -> bool {
        matches!(self.child.lock().unwrap().try_wait(), Ok(None))
    }
}

/// The server for chainlet `name` (a class of `tests/python/chains/binary_io.py`, or
/// `FILE:CLASS` for another file there), or `None` after printing that the test did not run
/// when `CHAINMODEL_PYTHON` is unset. Panics with the server's log if it does not start.
pub fn truss_chainlet(name: &str) -> Option<&'static TrussServer> {
    truss_chainlet_with(name, &[], &[])
}

/// As [`truss_chainlet`], with environment variables for the server (read by the chainlet).
pub fn truss_chainlet_with_env(name: &str, env: &[(&str, &str)]) -> Option<&'static TrussServer> {
    truss_chainlet_with(name, env, &[])
}

/// As [`truss_chainlet`], with the predict URL of each chainlet this one depends on:
/// `("Worker", url)` makes the stub of `chains.depends(Worker)` call `url` (truss reads it from
/// the dynamic chainlet config, as in a deployed chain).
pub fn truss_chainlet_with_dependencies(name: &str, dependencies: &[(&str, &str)]) -> Option<&'static TrussServer> {
    truss_chainlet_with(name, &[], dependencies)
}

/// The general form; one server per distinct (name, env, dependencies).
pub fn truss_chainlet_with(
    name: &str,
    env: &[(&str, &str)],
    dependencies: &[(&str, &str)],
) -> Option<&'static TrussServer> {
    let Some(python) = std::env::var_os(PYTHON_VAR) else {
        let thread = std::thread::current();
        // libtest names a test's thread after the test (unless it runs on the main thread).
        let test = thread.name().filter(|n| *n != "main").unwrap_or(name);
        eprintln!("interop test `{test}` did not run: {PYTHON_VAR} is not set (scripts/test sets it)");
        return None;
    };
    let key = format!("{name}\0{env:?}\0{dependencies:?}");
    let cell: Slot = {
        static SLOTS: OnceLock<Mutex<HashMap<String, Slot>>> = OnceLock::new();
        let mut slots = SLOTS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(key).or_insert_with(|| Box::leak(Box::new(OnceLock::new())))
    };
    // Servers for different keys start in parallel; a failure is kept, so that every test that
    // needs the server reports it without waiting again.
    match cell.get_or_init(|| start(PathBuf::from(python), name, env, dependencies)) {
        Ok(server) => Some(server),
        Err(message) => panic!("{message}"),
    }
}

/// One server's place: started once, its failure kept.
type Slot = &'static OnceLock<Result<TrussServer, String>>;

fn start(
    python: PathBuf,
    name: &str,
    env: &[(&str, &str)],
    dependencies: &[(&str, &str)],
) -> Result<TrussServer, String> {
    static STARTED: AtomicUsize = AtomicUsize::new(0);
    // The repository's tests/python, from the root package or from a member such as cli/.
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.ancestors().find(|dir| dir.join("tests/python/truss_server.py").is_file()).unwrap_or(&manifest);
    let scripts = root.join("tests/python");
    let state = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("truss_server");
    let logs = state.join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    // `{test binary}-{n}-{chainlet}.log`: a binary's next run replaces its logs.
    let binary = std::env::current_exe().ok().and_then(|exe| exe.file_stem().map(|s| s.to_string_lossy().into_owned()));
    let file_name = name.replace([':', '/', '.'], "_");
    let n = STARTED.fetch_add(1, Ordering::Relaxed);
    let log = logs.join(format!("{}-{n}-{file_name}.log", binary.as_deref().unwrap_or("test")));
    let log_file = File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;

    let mut command = Command::new(&python);
    command
        .arg(scripts.join("truss_server.py"))
        .arg(name)
        .args(["--port", "0", "--ready-timeout", "60", "--cache-dir"])
        .arg(state.join("cache"))
        .current_dir(&scripts)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(log_file);
    for (key, value) in env {
        command.arg("--env").arg(format!("{key}={value}"));
    }
    for (chainlet, url) in dependencies {
        command.arg("--dependency").arg(format!("{chainlet}={url}"));
    }
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("cannot start {}: {e}", python.display()))?;

    // The first line of stdout, read on a thread so that the wait is bounded.
    let stdout = child.stdout.take().expect("stdout is piped");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let line = receiver.recv_timeout(START_DEADLINE);
    let startup = started.elapsed();
    let failed = |what: String, child: &mut Child| {
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        format!("the truss server for `{name}` {what} (log {}):\n{text}", log.display())
    };
    let line = match line {
        Ok(line) => line,
        Err(_) => return Err(failed(format!("was not ready within {startup:.1?}"), &mut child)),
    };
    let Some(url) = line.trim_end().strip_prefix("READY ") else {
        // Its stdout closed: it is ending, or ended.
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut status = child.try_wait();
        while matches!(status, Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
            status = child.try_wait();
        }
        let what = match status {
            Ok(Some(status)) => format!("exited ({status}) before it was ready"),
            _ => format!("closed its stdout after printing {line:?}"),
        };
        return Err(failed(what, &mut child));
    };
    let addr: SocketAddr = match url.strip_prefix("http://").and_then(|a| a.parse().ok()) {
        Some(addr) => addr,
        None => return Err(failed(format!("printed {line:?}"), &mut child)),
    };
    if !addr.ip().is_loopback() {
        return Err(failed(format!("listens on {addr}, not on loopback"), &mut child));
    }
    eprintln!("truss server `{name}` ready at {url} in {startup:.2?} (log {})", log.display());
    Ok(TrussServer {
        name: name.to_owned(),
        url: url.to_owned(),
        addr,
        port: addr.port(),
        log,
        startup,
        child: Mutex::new(child),
    })
}

// A raw HTTP/1.1 client over std's TcpStream ###########################################

// Each harness includes it, so that either works alone; a test binary with both holds two
// copies, which never meet.
#[path = "../raw_http/mod.rs"]
#[allow(clippy::duplicate_mod)]
mod raw_http;
pub use raw_http::Response;
use raw_http::parse_response;

/// Sends one request (`Host`, `Content-Length` when there is a body or the method is POST, the
/// given headers, `Connection: close`) and reads the response until the server closes.
pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let mut stream = TcpStream::connect_timeout(&addr, DEADLINE).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).expect("write the head");
    stream.write_all(body).expect("write the body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap_or_else(|e| panic!("read the response from {addr}{path}: {e}"));
    parse_response(&raw)
}

/// POSTs `body` with `Content-Type` if given.
pub fn post(addr: SocketAddr, path: &str, content_type: Option<&str>, body: &[u8]) -> Response {
    match content_type {
        Some(content_type) => request(addr, "POST", path, &[("Content-Type", content_type)], body),
        None => request(addr, "POST", path, &[], body),
    }
}

pub fn get(addr: SocketAddr, path: &str) -> Response {
    request(addr, "GET", path, &[], b"")
}

/// What a script of tests/python printed, and how it ended (`None`: killed at the deadline).
pub struct ScriptRun {
    pub status: Option<std::process::ExitStatus>,
    pub stdout: String,
    pub stderr: String,
}

impl ScriptRun {
    /// The stdout of a run that ended well; else a panic with everything it printed.
    pub fn success(self, what: &str) -> String {
        match self.status {
            Some(status) if status.success() => self.stdout,
            Some(status) => panic!("{what} failed ({status}):\n{}\n{}", self.stderr, self.stdout),
            None => panic!("{what} did not end in time:\n{}\n{}", self.stderr, self.stdout),
        }
    }
}

/// Runs `python tests/python/{script} args` from tests/python, `stdin` written to it, killed if
/// it runs past `deadline` (scripts have their own watchdog; this one is the bound).
pub fn run_script(
    python: &std::path::Path,
    script: &str,
    args: &[&str],
    stdin: &[u8],
    deadline: Duration,
) -> ScriptRun {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = dir.ancestors().map(|d| d.join("tests/python")).find(|d| d.join(script).is_file()).unwrap_or(dir);
    let mut child = Command::new(python)
        .arg(dir.join(script))
        .args(args)
        .current_dir(&dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", python.display()));
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = reader(Box::new(child.stdout.take().unwrap()));
    let stderr = reader(Box::new(child.stderr.take().unwrap()));
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    writer.join().unwrap();
    ScriptRun { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}
