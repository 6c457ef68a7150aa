//! The `chainmodel` binary: `call` against a Rust chainlet server on 127.0.0.1 (files, stdin,
//! both modes, remote errors, the API key), `inspect` and `convert` on JSON and msgpack, and
//! every bad input ending in one line and exit code 2; `call --stream` against a streaming
//! chainlet.
//! (`call` against the real truss server: cli/tests/cli_truss.rs.)

#[path = "../../tests/server_support/mod.rs"]
mod server_support;
#[path = "../../tests/streams_support/mod.rs"]
mod streams_support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use assert_cmd::Command;
use axum::http::HeaderMap;
use axum::routing::post;
use base64::Engine;
use chainmodel::prelude::*;
use chainmodel::server::{Mode, Reply};
use serde_json::{Value as Json, json};
use server_support::{DataModel, WorkerInput, serve_forever, worker};

#[derive(ChainModel)]
struct Seen {
    authorization: Option<String>,
}

fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        serve_forever(|| {
            let seen = |mode: Mode, headers: HeaderMap| async move {
                let authorization = headers.get("authorization").map(|v| v.to_str().unwrap().to_owned());
                Reply::new(mode, Seen { authorization })
            };
            let slow = |mode: Mode| async move {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Reply::new(mode, Seen { authorization: None })
            };
            // A schema only for the API key `k` (as a deployment asks for one).
            let keyed = |headers: HeaderMap| async move {
                match headers.get("authorization").map(|v| v.to_str().unwrap().to_owned()) {
                    Some(key) if key == "Api-Key k" => (axum::http::StatusCode::OK, item_schema().to_string()),
                    _ => (axum::http::StatusCode::UNAUTHORIZED, "no key".to_owned()),
                }
            };
            worker()
                .into_router()
                .route("/seen", post(seen))
                .route("/slow", post(slow))
                .route("/keyed/v1/models/model/schema", axum::routing::get(keyed))
        })
    })
}

fn url(path: &str) -> String {
    format!("http://{}{path}", server())
}

fn chainmodel() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chainmodel"));
    command.timeout(Duration::from_secs(60)).env_remove("BASETEN_API_KEY").env("RUST_BACKTRACE", "1");
    command
}

/// A scratch directory for this test binary.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn b64(numbers: &[f64]) -> String {
    let bytes: Vec<u8> = numbers.iter().flat_map(|x| x.to_le_bytes()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn numbers_of(array: &Json) -> Vec<f64> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(array["data_b64"].as_str().unwrap()).unwrap();
    assert_eq!(array["dtype"], "float64");
    bytes.chunks(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect()
}

/// The Binary IO docs' Worker input, in JSON-mode text.
fn worker_input(other_field: &str) -> String {
    json!({"data": {
        "some_numbers": {"data_b64": b64(&[0.5, 1.5, 2.5, 3.5, 4.5, 5.5]), "shape": [3, 2], "dtype": "<f8"},
        "other_field": other_field,
    }})
    .to_string()
}

fn stdout_json(output: &std::process::Output) -> Json {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn call_prints_the_response_as_json_in_both_modes_from_files_and_stdin() {
    let file = scratch("worker_input.json");
    std::fs::write(&file, worker_input("Example")).unwrap();
    let runs: Vec<Vec<String>> = vec![
        vec![url("/predict"), file.display().to_string()],
        vec![url("/predict"), file.display().to_string(), "--binary".into()],
        vec![url("/run_remote"), "-".into(), "--binary".into()],
        vec![url("/v1/models/worker:predict")],
    ];
    for args in runs {
        let output = chainmodel().arg("call").args(&args).write_stdin(worker_input("Example")).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let response = stdout_json(&output);
        assert_eq!(response["other_field"], "Example");
        assert_eq!(response["some_numbers"]["shape"], json!([3, 2]));
        assert_eq!(numbers_of(&response["some_numbers"]), [10.5, 11.5, 12.5, 13.5, 14.5, 15.5], "{args:?}");
    }
}

#[test]
fn call_reads_msgpack_input_and_saves_the_raw_response() {
    let input = WorkerInput {
        data: DataModel {
            some_numbers: NdArray::from_shape_vec(vec![2, 2], vec![1.0, 2.0, 3.0, 4.0]).unwrap(),
            other_field: "raw".into(),
        },
    };
    let saved = scratch("response.msgpack");
    let output = chainmodel()
        .args(["call", &url("/predict"), "--binary", "--output"])
        .arg(&saved)
        .write_stdin(input.to_msgpack().unwrap())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let response = DataModel::from_msgpack(&std::fs::read(&saved).unwrap()).unwrap();
    assert_eq!(response.some_numbers.as_slice(), &[11.0, 12.0, 13.0, 14.0]);
    // msgpack input in JSON mode is sent as JSON.
    let output =
        chainmodel().args(["call", &url("/predict")]).write_stdin(input.to_msgpack().unwrap()).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(numbers_of(&stdout_json(&output)["some_numbers"]), [11.0, 12.0, 13.0, 14.0]);
}

#[test]
fn a_failing_call_prints_the_status_and_the_remote_traceback_and_exits_1() {
    for binary in [false, true] {
        let mut command = chainmodel();
        command.args(["call", &url("/predict")]).write_stdin(worker_input("fail"));
        if binary {
            command.arg("--binary");
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert!(output.stdout.is_empty());
        let text = stderr(&output);
        assert!(
            text.starts_with("chainmodel: HTTP status 500 Internal Server Error, x-baseten-error-code 600\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "│   Chainlet-Traceback (most recent call last):\n╰   ValueError: This input is too long: 100."
            ),
            "{text}"
        );
    }
    let output = chainmodel().args(["call", &url("/predict")]).write_stdin(r#"{"data": {}}"#).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.starts_with("chainmodel: HTTP status 400 Bad Request, x-baseten-error-code 700\n"), "{text}");
    assert!(text.contains("'Input Parsing Error"), "{text}");
    assert!(text.contains("`data.some_numbers`: Field required."), "{text}");
}

#[test]
fn call_reports_an_unreachable_server_and_a_timeout() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let output =
        chainmodel().args(["call", &format!("http://127.0.0.1:{port}/predict")]).write_stdin("{}").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.starts_with("chainmodel: error: Error calling dependency Chainlet `http://127.0.0.1:"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");

    let slow = url("/slow");
    let output = chainmodel().args(["call", &slow, "--timeout", "0.5"]).write_stdin("{}").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!("chainmodel: error: Timeout calling remote Chainlet `{slow}` (0.5 seconds limit).\n")
    );
}

#[test]
fn the_api_key_comes_from_the_flag_or_the_environment() {
    let output =
        chainmodel().args(["call", &url("/seen"), "--api-key", "from-flag"]).write_stdin("{}").output().unwrap();
    assert_eq!(stdout_json(&output), json!({"authorization": "Api-Key from-flag"}));
    let output = chainmodel()
        .args(["call", &url("/seen")])
        .env("BASETEN_API_KEY", "from-env")
        .write_stdin("{}")
        .output()
        .unwrap();
    assert_eq!(stdout_json(&output), json!({"authorization": "Api-Key from-env"}));
    let output = chainmodel().args(["call", &url("/seen"), "--binary"]).write_stdin("{}").output().unwrap();
    assert_eq!(stdout_json(&output), json!({"authorization": null}));
}

/// msgpack of `{"blob": {"raw": b"\x00\x01...", "id": UUID}, "big": 1001-element array}`.
fn mixed_payload() -> Vec<u8> {
    let big: Vec<f64> = (0..1001).map(f64::from).collect();
    let value = chainmodel::Value::Map(vec![
        (
            chainmodel::Value::from("blob"),
            chainmodel::Value::Map(vec![(
                chainmodel::Value::from("raw"),
                chainmodel::Value::Bytes(Bytes::from((0u8..40).collect::<Vec<u8>>())),
            )]),
        ),
        (chainmodel::Value::from("big"), chainmodel::Value::Array(NdArray::from_vec(big).into())),
    ]);
    let mut bytes = chainmodel::msgpack::to_vec(&value).unwrap();
    // One more key, a truss UUID map, spliced in by hand: {b"__uuid__": True, b"data": "..."}.
    bytes[0] += 1;
    bytes.extend_from_slice(b"\xa2id\x82\xc4\x08__uuid__\xc3\xc4\x04data\xd9\x24");
    bytes.extend_from_slice(b"67e55044-10b1-426f-9247-bb680e5fe0c8");
    bytes
}

#[test]
fn inspect_shows_a_tree_of_keys_types_arrays_bytes_and_extension_types() {
    let file = scratch("mixed.msgpack");
    std::fs::write(&file, mixed_payload()).unwrap();
    let output = chainmodel().arg("inspect").arg(&file).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("msgpack, "), "{text}");
    assert_eq!(lines[1], "dict, 3 keys");
    assert_eq!(lines[2], "├── blob: dict, 1 key");
    assert_eq!(
        lines[3],
        "│   └── raw: bytes, 40 bytes: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f …"
    );
    assert_eq!(lines[4], "├── big: ndarray, dtype float64, shape (1001,), 8008 bytes");
    // numpy's summary past 1000 elements.
    assert_eq!(lines[5], "│       [   0.    1.    2. ...  998.  999. 1000.]");
    assert!(lines[6].starts_with("└── id: UUID("), "{text}");
    assert!(lines[6].contains("67e55044-10b1-426f-9247-bb680e5fe0c8"), "{text}");

    // JSON from stdin.
    let output = chainmodel().arg("inspect").write_stdin(worker_input("Example")).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text.lines().skip(1).collect::<Vec<_>>(),
        [
            "dict, 1 key",
            "└── data: dict, 2 keys",
            "    ├── some_numbers: ndarray, dtype float64, shape (3, 2), 48 bytes",
            "    │       [[0.5 1.5]",
            "    │        [2.5 3.5]",
            "    │        [4.5 5.5]]",
            "    └── other_field: str, 7 chars: 'Example'",
        ]
    );
}

#[test]
fn convert_goes_both_ways_and_refuses_bytes_in_json() {
    let json_file = scratch("convert.json");
    std::fs::write(&json_file, worker_input("Example")).unwrap();
    let msgpack_file = scratch("convert.msgpack");
    let output = chainmodel()
        .args(["convert", "--to", "msgpack"])
        .arg(&json_file)
        .arg("-o")
        .arg(&msgpack_file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let model = WorkerInput::from_msgpack(&std::fs::read(&msgpack_file).unwrap()).unwrap();
    assert_eq!(model.data.some_numbers.shape(), &[3, 2]);
    assert_eq!(model.data.some_numbers.as_slice(), &[0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    assert_eq!(std::fs::read(&msgpack_file).unwrap(), model.to_msgpack().unwrap(), "arrays aligned by default");
    // --compact writes what Python's truss_msgpack_serialize writes.
    let output = chainmodel().args(["convert", "--to", "msgpack", "--compact"]).arg(&json_file).output().unwrap();
    assert_eq!(output.stdout, chainmodel::msgpack::to_vec_compact(&model).unwrap());
    // And back to JSON: the model's own JSON text.
    let output = chainmodel().args(["convert", "--to", "json"]).arg(&msgpack_file).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), model.to_json().unwrap() + "\n");

    let output = chainmodel().args(["convert", "--to", "json"]).write_stdin(mixed_payload()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr(&output),
        "chainmodel: error: bytes at `blob.raw` have no JSON form (pydantic cannot write them either); keep the payload in msgpack\n"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let cases: Vec<(Vec<&str>, &[u8], &str)> = vec![
        (
            vec!["inspect", "/definitely/not/here.json"],
            b"",
            "chainmodel: error: cannot read `/definitely/not/here.json`: No such file or directory",
        ),
        (vec!["inspect"], b"hello, world", "chainmodel: error: the input is neither JSON nor msgpack: "),
        (vec!["inspect"], b"", "chainmodel: error: the input is empty: expected JSON or msgpack"),
        (vec!["convert", "--to", "msgpack"], b"{\"a\": [1, 2", "chainmodel: error: the input is not valid JSON: "),
        (vec!["inspect", "--from", "msgpack"], b"{}", "chainmodel: error: not valid msgpack: "),
        // A msgpack header that claims 4 GiB of string.
        (vec!["inspect"], b"\xdb\xff\xff\xff\xff", "chainmodel: error: the input is neither JSON nor msgpack: "),
        (vec!["call", "http://127.0.0.1:9/predict"], b"[1, 2", "chainmodel: error: the input is not valid JSON: "),
        (vec!["call", "not a url"], b"{}", "chainmodel: error: invalid client configuration: `not a url` is not a URL"),
        (
            vec!["call", "http://127.0.0.1:9/", "--timeout=0"],
            b"{}",
            "error: invalid value '0' for '--timeout <TIMEOUT>'",
        ),
        (vec!["convert", "--to", "yaml"], b"{}", "error: invalid value 'yaml' for '--to <TO>'"),
        (vec!["frobnicate"], b"", "error: unrecognized subcommand 'frobnicate'"),
        // Python's msgpack refuses integers beyond 64 bits: so does the conversion, located.
        (
            vec!["convert", "--to", "msgpack"],
            b"{\"a\": {\"x\": -9223372036854775809}}",
            "chainmodel: error: a.x: integer -9223372036854775809 does not fit in msgpack's 64 bits",
        ),
    ];
    for (args, stdin, expected) in cases {
        let output = chainmodel().args(&args).write_stdin(stdin).output().unwrap();
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {text}");
        assert!(text.starts_with(expected), "{args:?}: {text}");
        assert!(!text.contains("panicked") && !text.contains("backtrace"), "{args:?}: {text}");
        if expected.starts_with("chainmodel:") {
            assert_eq!(text.lines().count(), 1, "{args:?}: {text}");
        }
    }
}

#[test]
fn help_shows_examples() {
    let output = chainmodel().arg("--help").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("chainmodel call http://127.0.0.1:8000/predict --binary"), "{text}");
    for command in ["call", "inspect", "convert", "codegen"] {
        let output = chainmodel().args([command, "--help"]).output().unwrap();
        assert!(output.status.success());
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("Example:\n  chainmodel ") || text.contains("Examples:\n  chainmodel "), "{command}");
    }
}

// ---- `call` against the real truss server serving the Python chainlets of
// ---- tests/python/chains/binary_io.py (tests/truss_support).

#[path = "../../tests/truss_support/mod.rs"]
mod truss_support;

#[test]
fn call_reaches_a_python_chainlet_on_the_truss_server_in_both_modes() {
    let Some(worker) = truss_support::truss_chainlet("Worker") else { return };
    for binary in [false, true] {
        let mut command = chainmodel();
        command.args(["call", &worker.predict_url()]).write_stdin(worker_input("Example"));
        if binary {
            command.arg("--binary");
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let response = stdout_json(&output);
        assert_eq!(response["other_field"], "Example");
        assert_eq!(response["some_numbers"]["shape"], json!([3, 2]));
        assert_eq!(numbers_of(&response["some_numbers"]), [10.5, 11.5, 12.5, 13.5, 14.5, 15.5], "binary={binary}");
    }
}

#[test]
fn call_shows_truss_errors_and_exits_1() {
    let Some(raiser) = truss_support::truss_chainlet("Raiser") else { return };
    let output = chainmodel()
        .args(["call", &raiser.predict_url(), "--binary"])
        .write_stdin(r#"{"message": "raised in Python"}"#)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.starts_with("chainmodel: HTTP status 500 Internal Server Error, x-baseten-error-code 600\n"),
        "{text}"
    );
    assert!(
        text.contains("in run_remote\n│       raise ValueError(message)\n╰   ValueError: raised in Python"),
        "{text}"
    );

    let Some(worker) = truss_support::truss_chainlet("Worker") else { return };
    let output = chainmodel()
        .args(["call", &worker.predict_url()])
        .write_stdin(r#"{"data": {"other_field": "x"}}"#)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).ends_with(": 'Input Parsing Error:\n  `data.some_numbers`: Field required.'\n"),
        "{}",
        stderr(&output)
    );
}

/// `call --stream` prints a raw stream as it comes, `--typed` one JSON line per frame; a
/// stream that fails exits 1 with the error on stderr, after what arrived.
#[test]
fn call_prints_streams_as_they_arrive() {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    let addr = *ADDR.get_or_init(|| serve_forever(|| streams_support::streamer(Default::default())));
    let streamer = format!("http://{addr}/v1/models/model:predict");
    for binary in [&[][..], &["--binary"][..]] {
        let output = chainmodel()
            .args(["call", &streamer, "--stream", "--typed"])
            .args(binary)
            .write_stdin(r#"{"prompt": "p", "n": 2}"#)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(
            String::from_utf8(output.stdout).unwrap(),
            "{\"header\": {\"prompt\":\"p\"}}\n{\"item\": {\"index\":0,\"token\":\"p-0\"}}\n\
             {\"item\": {\"index\":1,\"token\":\"p-1\"}}\n{\"footer\": {\"count\":2}}\n"
        );
    }
    let output = chainmodel()
        .args(["call", &streamer, "--stream"])
        .write_stdin(r#"{"prompt": "raw", "n": 3}"#)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(output.stdout, b"raw-0\nraw-1\nraw-2\n");

    let output = chainmodel()
        .args(["call", &streamer, "--stream", "--typed"])
        .write_stdin(r#"{"prompt": "fail", "n": 4}"#)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), 3, "the header and two items");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("chainmodel: error: the stream of `http://"), "{stderr}");
    assert!(stderr.contains("the stream failed after 3 frames"), "{stderr}");

    // `--typed` is for streams only.
    let output = chainmodel().args(["call", &streamer, "--typed"]).write_stdin("{}").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

// ---- `codegen`

/// A pydantic JSON Schema, as `model_json_schema()` writes it.
fn item_schema() -> Json {
    json!({
        "$defs": {"Kind": {"enum": ["a", "b"], "title": "Kind", "type": "string"}},
        "properties": {
            "name": {"maxLength": 8, "title": "Name", "type": "string"},
            "kind": {"$ref": "#/$defs/Kind", "default": "a"},
            "scores": {"items": {"type": "number"}, "title": "Scores", "type": "array"},
        },
        "required": ["name", "scores"],
        "title": "Item",
        "type": "object",
    })
}

#[test]
fn codegen_writes_what_the_library_writes_from_a_file_stdin_or_a_url() {
    let file = scratch("item_schema.json");
    std::fs::write(&file, item_schema().to_string()).unwrap();
    let rust = chainmodel::codegen::rust_module(&item_schema()).unwrap();
    let python = chainmodel::codegen::python_module(&item_schema()).unwrap();
    let output = chainmodel().args(["codegen", "rust", file.to_str().unwrap()]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), rust);
    assert!(rust.contains("#[chain(max_length = 8)]\n    pub name: String,"), "{rust}");
    let output = chainmodel().args(["codegen", "python", "-"]).write_stdin(item_schema().to_string()).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), python);
    // A running chainlet's base URL: its `/schema`, models and stub.
    let out = scratch("worker_stub.rs");
    let output = chainmodel().args(["codegen", "rust", &url(""), "-o", out.to_str().unwrap()]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written
            .contains("#[stub]\npub trait Worker {\n    async fn run_remote(&self, data: DataModel) -> DataModel;\n}"),
        "{written}"
    );
    assert!(written.contains("pub some_numbers: chainmodel::AnyArray,"), "{written}");
}

#[test]
fn codegen_refuses_bad_schemas_in_one_located_line_and_writes_nothing() {
    let dangling = json!({"title": "M", "type": "object", "properties": {"x": {"$ref": "#/$defs/Gone"}}}).to_string();
    let odd = json!({"title": "M", "type": "object", "properties": {"x": {"type": "frob"}}}).to_string();
    let cases: Vec<(Vec<&str>, String, &str)> = vec![
        (vec!["codegen", "rust", "-"], "{\"title\": ".into(), "chainmodel: error: -: not JSON: EOF while parsing"),
        (
            vec!["codegen", "rust", "-"],
            dangling.clone(),
            "chainmodel: error: -: /properties/x: `$ref` \"#/$defs/Gone\" points nowhere",
        ),
        (
            vec!["codegen", "python", "-"],
            dangling,
            "chainmodel: error: -: /properties/x: `$ref` \"#/$defs/Gone\" points nowhere",
        ),
        (
            vec!["codegen", "rust", "-"],
            odd,
            "chainmodel: error: -: /properties/x: the type \"frob\" has no Rust spelling",
        ),
        (vec!["codegen", "rust", "-"], "[1]".into(), "chainmodel: error: -: /: expected a schema (a JSON object)"),
        (
            vec!["codegen", "rust", "http://127.0.0.1:9"],
            String::new(),
            "chainmodel: error: http://127.0.0.1:9/v1/models/model/schema: cannot reach it: ",
        ),
        (
            vec!["codegen", "rust", "/definitely/not/here.json"],
            String::new(),
            "chainmodel: error: cannot read `/definitely/not/here.json`",
        ),
        (vec!["codegen", "go", "-"], String::new(), "error: invalid value 'go' for '<LANGUAGE>'"),
    ];
    let out = scratch("never_written.rs");
    for (args, stdin, expected) in cases {
        let _ = std::fs::remove_file(&out);
        let output = chainmodel().args(&args).args(["-o", out.to_str().unwrap()]).write_stdin(stdin).output().unwrap();
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {text}");
        assert!(text.starts_with(expected), "{args:?}: {text}");
        if expected.starts_with("chainmodel:") {
            assert_eq!(text.lines().count(), 1, "{args:?}: {text}");
        }
        assert!(!out.exists(), "{args:?}: a file was written");
    }
    // The API key, when the deployment asks for one.
    let output = chainmodel().args(["codegen", "python", &url("/keyed"), "--api-key", "k"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8(output.stdout).unwrap().contains("class Item(pydantic.BaseModel):"));
    let output = chainmodel().args(["codegen", "python", &url("/keyed")]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("HTTP status 401 Unauthorized: no key"), "{}", stderr(&output));
    // A URL that answers, but not a schema: the status, located at the URL asked.
    let output = chainmodel().args(["codegen", "rust", &url("/nowhere/schema")]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with(&format!("chainmodel: error: {}: HTTP status 404", url("/nowhere/schema"))));
}

/// `chainmodel codegen rust` against the Binary IO docs' Worker written in Python, on truss's
/// real server, writes the module that tests/chains_python.rs compiles and calls that Worker
/// with (tests/codegen/truss_chainlets.rs, module `worker`).
#[test]
fn codegen_rust_against_the_python_worker_on_truss_writes_the_stub_that_calls_it() {
    let Some(worker) = truss_support::truss_chainlet("Worker") else { return };
    let output = chainmodel().args(["codegen", "rust", &worker.url]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/codegen/truss_chainlets.rs")).unwrap();
    let module = checked_in.split("pub mod worker {\n").nth(1).unwrap().split("\n}\n").next().unwrap();
    let unindented: Vec<&str> = module.lines().map(|line| line.strip_prefix("    ").unwrap_or(line)).collect();
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim_end(), unindented.join("\n"));
}

/// `chainmodel codegen python` against the Rust Worker writes the pydantic models and the
/// `truss_chains` stub with which truss-chains calls it (tests/python/chain_stub.py's checks,
/// with the generated stub in place of the hand-written one).
#[test]
fn codegen_python_against_the_rust_worker_writes_the_stub_truss_chains_calls_it_with() {
    let Some(python) = std::env::var_os(truss_support::PYTHON_VAR) else {
        eprintln!("codegen python e2e did not run: {} is not set (scripts/test sets it)", truss_support::PYTHON_VAR);
        return;
    };
    let out = scratch("rust_worker_stub.py");
    let output = chainmodel().args(["codegen", "python", &url(""), "-o", out.to_str().unwrap()]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = truss_support::run_script(
        std::path::Path::new(&python),
        "chain_stub.py",
        &[&url(""), "--generated", out.to_str().unwrap()],
        b"",
        Duration::from_secs(180),
    )
    .success("chain_stub.py --generated");
    let checks = stdout.lines().filter(|line| line.starts_with("ok ")).count();
    assert_eq!(checks, 1 + 24 + 2 + 5, "{stdout}");
    assert_eq!(stdout.lines().last(), Some("done"), "{stdout}");
}
