//! The chainlets of `examples/chain.rs` as separate processes, for tests: the binary `cargo
//! test` builds, run as `chain serve worker|consumer ... --exit-with-stdin`, so the server
//! stops when the test process ends, however it ends.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

/// A chainlet of examples/chain.rs, serving until this test process ends (its stdin closes).
pub struct Example {
    pub addr: SocketAddr,
    child: Mutex<Child>,
    _stdin: ChildStdin,
}

impl Example {
    /// Kills the process at once (SIGKILL), as a crash or an evicted replica would end it.
    pub fn kill(&self) {
        let mut child = self.child.lock().unwrap();
        let _ = child.kill();
        let _ = child.wait();
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// The example's binary, which `cargo test` builds with the tests.
pub fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target/{profile}/deps");
    let binary = dir.join("examples").join(format!("chain{}", std::env::consts::EXE_SUFFIX));
    assert!(binary.is_file(), "{} is missing: `cargo test` builds it (a filtered build may not)", binary.display());
    binary
}

/// Runs `chain ARGS --exit-with-stdin` and waits for its `serving on http://ADDR` line.
pub fn start_example(args: &[&str]) -> Example {
    let mut child = Command::new(example_binary())
        .args(args)
        .arg("--exit-with-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example starts");
    let stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        while let Some(Ok(line)) = lines.next() {
            if let Some(addr) = line.split("serving on http://").nth(1).and_then(|rest| rest.split(' ').next()) {
                let _ = sender.send(addr.parse::<SocketAddr>().expect("an address"));
                break;
            }
        }
        // Keeps reading, so the chainlet's prints never fill the pipe.
        for _ in lines {}
    });
    let addr =
        receiver.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("`chain {args:?}` did not start"));
    Example { addr, child: Mutex::new(child), _stdin: stdin }
}
