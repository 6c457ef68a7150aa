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

/// `chainmodel codegen python` against the Rust Worker: the pydantic models and the
/// `truss_chains` stub written from its `/schema` call it as the hand-written ones do (the same
/// checks, in both modes, async and sync, errors re-raised).
#[cfg(feature = "codegen")]
#[test]
fn a_stub_generated_from_the_rust_workers_schema_calls_it() {
    let Some(python) = common::anchor_python("a_stub_generated_from_the_rust_workers_schema_calls_it") else {
        return;
    };
    let addr = serve_forever(|| worker().into_router());
    let url = format!("http://{addr}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let schema = runtime.block_on(chainmodel::codegen::fetch_schema(&url, None)).unwrap();
    let code = chainmodel::codegen::python_module(&schema).unwrap();
    assert!(code.contains("class Worker(stub.StubBase):"), "{code}");
    // `NdArray` publishes the `data_b64` that travels, which NumpyArrayField's schema does not say.
    assert!(
        code.contains("some_numbers: Annotated[pydantic_numpy.NumpyArrayField, pydantic.WithJsonSchema("),
        "{code}"
    );
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen_python");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("rust_worker.py");
    std::fs::write(&file, &code).unwrap();
    let stdout = common::run_script(&python, "chain_stub.py", &[&url, "--generated", file.to_str().unwrap()], b"");
    let checks: Vec<&str> = stdout.lines().filter(|line| line.starts_with("ok ")).collect();
    assert_eq!(checks.first(), Some(&format!("ok generated stub {}", file.display()).as_str()), "{stdout}");
    assert_eq!(checks.len(), 1 + 24 + 2 + 5, "{stdout}");
    assert_eq!(stdout.lines().last(), Some("done"), "{stdout}");
}
