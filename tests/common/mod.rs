//! Runs the Python anchor scripts in `tests/python/` with the interpreter `scripts/test`
//! prepared.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The variable `scripts/test` sets to the anchor virtualenv's Python.
pub const PYTHON_VAR: &str = "CHAINMODEL_PYTHON";

/// The anchor interpreter, or `None` after printing that the interop test did not run.
pub fn anchor_python(test: &str) -> Option<PathBuf> {
    match std::env::var_os(PYTHON_VAR) {
        Some(python) => Some(PathBuf::from(python)),
        None => {
            eprintln!("interop test `{test}` did not run: {PYTHON_VAR} is not set (scripts/test sets it)");
            None
        }
    }
}

/// Runs `tests/python/{script}` with `args`, feeding `stdin`; returns its stdout.
/// Panics with the script's stderr if it fails.
pub fn run_script(python: &PathBuf, script: &str, args: &[&str], stdin: &[u8]) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python");
    let mut child = Command::new(python)
        .arg(dir.join(script))
        .args(args)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", python.display()));
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    // Written from another thread so that a large stdout cannot block the child.
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let output = child.wait_with_output().expect("the script runs to its end");
    writer.join().expect("the writer thread ends").expect("the script reads its input");
    let stdout = String::from_utf8(output.stdout).expect("the script prints UTF-8");
    assert!(
        output.status.success(),
        "{script} {args:?} failed ({}):\n{}\n{stdout}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
