//! A Rust chainlet served on 127.0.0.1, called from Python as truss-chains callers call it:
//! the real chains stub (JSON and binary, `predict_async` and `predict_sync`), the Binary IO
//! docs' `requests` + `msgpack_numpy` client, and the stub re-raising a Rust handler's error.

mod common;
mod server_support;

use server_support::*;

#[test]
fn the_truss_chains_stub_and_binary_io_clients_call_a_rust_chainlet() {
    let Some(python) = common::anchor_python("the_truss_chains_stub_and_binary_io_clients_call_a_rust_chainlet") else {
        return;
    };
    let addr = serve_forever(|| worker().into_router());
    let url = format!("http://{addr}");
    let stdout = common::run_script(&python, "chain_stub.py", &[&url], b"");
    let checks: Vec<&str> = stdout.lines().filter(|line| line.starts_with("ok ")).collect();
    // 2 modes × 3 routes × 4 arrays, 2 error checks, 4 docs arrays + 1 bad input.
    assert_eq!(checks.len(), 24 + 2 + 5, "{stdout}");
    assert_eq!(stdout.lines().last(), Some("done"), "{stdout}");
}
