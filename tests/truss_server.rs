//! The harness of tests/truss_support against truss's real server: the Python chainlets of
//! tests/python/chains/ served by truss 0.18.36's own server on 127.0.0.1, called over plain
//! HTTP/1.1 with chainmodel's codecs building and reading the bodies. Records what truss
//! answers (status, headers, bodies) for the Rust client and server to match.

mod truss_support;

use std::time::Instant;

use base64::Engine;
use chainmodel::prelude::*;
use serde_json::json;
use truss_support::*;

/// The Binary IO docs' model.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct DataModel {
    some_numbers: NdArray<f64>,
    other_field: String,
}

/// `Worker.run_remote(data: DataModel)` and `Consumer.run_remote(data: DataModel)`.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct WorkerInput {
    data: DataModel,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EchoIn {
    array: AnyArray,
    label: String,
}

/// `Echo.run_remote(data: EchoIn)`.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EchoInput {
    data: EchoIn,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct EchoOut {
    array: AnyArray,
    label: String,
    dtype: String,
    dtype_str: String,
    shape: Vec<u64>,
}

fn sample() -> DataModel {
    let numbers = vec![-2.0, -0.75, 0.5, 1.75, 1e300, -1e-300];
    DataModel { some_numbers: NdArray::from_shape_vec(vec![3, 2], numbers).unwrap(), other_field: "x".into() }
}

fn check_added_ten(sent: &DataModel, got: &DataModel) {
    assert_eq!(got.some_numbers.shape(), sent.some_numbers.shape());
    for (i, (s, g)) in sent.some_numbers.as_slice().iter().zip(got.some_numbers.as_slice()).enumerate() {
        assert_eq!(g.to_bits(), (s + 10.0).to_bits(), "element {i}: sent {s}, got {g}");
    }
    assert_eq!(got.other_field, sent.other_field);
}

/// Checks the headers of a truss error and returns its `"error"`.
fn truss_error(response: &Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(response.status, status, "{:?}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.header("x-baseten-error-source"), Some("04"));
    assert_eq!(response.header("x-baseten-error-code"), Some(code));
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.json();
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    body["error"].clone()
}

#[test]
fn the_worker_adds_ten_in_json_mode() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    let sent = sample();
    let body = WorkerInput { data: sent.clone() }.to_json().unwrap();
    let response = post(worker.addr, PREDICT, JSON, body.as_bytes());
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    let got = DataModel::from_json(response.text()).unwrap();
    check_added_ten(&sent, &got);
    // pydantic's text is chainmodel's text.
    assert_eq!(response.text(), got.to_json().unwrap());

    // The form written by hand, dtype as an array-protocol string; no Content-Type is JSON too.
    let data_b64 =
        base64::engine::general_purpose::STANDARD.encode(bytemuck::cast_slice::<f64, u8>(sent.some_numbers.as_slice()));
    let body =
        json!({"data": {"some_numbers": {"data_b64": data_b64, "shape": [3, 2], "dtype": "<f8"}, "other_field": "x"}});
    for content_type in [JSON, None, Some("text/plain")] {
        let response = post(worker.addr, PREDICT, content_type, body.to_string().as_bytes());
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.header("content-type"), Some("application/json"));
        let json = response.json();
        assert_eq!(json["some_numbers"]["dtype"], "float64", "{json}");
        assert_eq!(json["some_numbers"]["shape"], json!([3, 2]), "{json}");
        check_added_ten(&sent, &DataModel::from_json(response.text()).unwrap());
    }
}

#[test]
fn the_worker_adds_ten_in_binary_mode() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    let sent = sample();
    let body = WorkerInput { data: sent.clone() }.to_msgpack().unwrap();
    // Every route a client may use; the model name is ignored.
    for path in [PREDICT, "/v1/models/model:predict_binary", "/v1/models/anything:predict"] {
        let response = post(worker.addr, path, BINARY, &body);
        assert_eq!(response.status, 200, "{path}: {}", String::from_utf8_lossy(&response.body));
        assert_eq!(response.header("content-type"), Some("application/octet-stream"), "{path}");
        check_added_ten(&sent, &DataModel::from_msgpack(&response.body).unwrap());
    }
    // The media type is matched case-insensitively, parameters ignored.
    let response = post(worker.addr, PREDICT, Some("Application/Octet-Stream; foo=bar"), &body);
    assert_eq!(response.header("content-type"), Some("application/octet-stream"));
    check_added_ten(&sent, &DataModel::from_msgpack(&response.body).unwrap());
}

#[test]
fn echo_returns_each_dtype_and_shape_in_both_modes() {
    let Some(echo) = truss_chainlet("Echo") else { return };
    fn any<T: Element>(shape: &[usize], data: Vec<T>) -> AnyArray {
        NdArray::from_shape_vec(shape.to_vec(), data).unwrap().into()
    }
    let big_endian: Vec<u8> = [1.5f32, -3.0].iter().flat_map(|x| x.to_be_bytes()).collect();
    let big_endian = AnyArray::from_bytes(DType::parse(">f4").unwrap(), vec![2], big_endian).unwrap();
    let cases: Vec<(AnyArray, &str, &str, Vec<u64>)> = vec![
        (any(&[3, 2], (0..6).map(f64::from).collect()), "float64", "<f8", vec![3, 2]),
        (any::<i8>(&[0], vec![]), "int8", "|i1", vec![0]),
        (any(&[2, 2], vec![true, false, false, true]), "bool", "|b1", vec![2, 2]),
        (any(&[], vec![65535u16]), "uint16", "<u2", vec![]),
        (any(&[1, 1, 3], vec![Complex::new(1.0f64, -2.0); 3]), "complex128", "<c16", vec![1, 1, 3]),
        (big_endian, ">f4", ">f4", vec![2]),
    ];
    for (array, dtype, dtype_str, shape) in cases {
        let input = EchoInput { data: EchoIn { array: array.clone(), label: dtype.into() } };
        let expected = EchoOut { array, label: dtype.into(), dtype: dtype.into(), dtype_str: dtype_str.into(), shape };
        let response = post(echo.addr, PREDICT, JSON, input.to_json().unwrap().as_bytes());
        assert_eq!(response.status, 200, "{dtype}: {}", response.text());
        assert_eq!(EchoOut::from_json(response.text()).unwrap(), expected, "{dtype} in JSON mode");
        let response = post(echo.addr, PREDICT, BINARY, &input.to_msgpack().unwrap());
        assert_eq!(response.status, 200, "{dtype}: {}", String::from_utf8_lossy(&response.body));
        assert_eq!(EchoOut::from_msgpack(&response.body).unwrap(), expected, "{dtype} in binary mode");
    }
}

#[test]
fn a_raising_chainlet_answers_500_with_a_remote_error_detail() {
    let Some(raiser) = truss_chainlet("Raiser") else { return };
    let message = "This input is too long: 100.";
    // The error is JSON in both modes.
    let binary = {
        let mut body = vec![0x81, 0xa7];
        body.extend_from_slice(b"message");
        body.push(0xa0 | message.len() as u8);
        body.extend_from_slice(message.as_bytes());
        body
    };
    for (content_type, body) in [(JSON, json!({ "message": message }).to_string().into_bytes()), (BINARY, binary)] {
        let response = post(raiser.addr, PREDICT, content_type, &body);
        let error = truss_error(&response, 500, "600");
        assert_eq!(error["exception_cls_name"], "ValueError", "{error}");
        assert_eq!(error["exception_module_name"], serde_json::Value::Null, "{error}");
        assert_eq!(error["exception_message"], message, "{error}");
        let frames = error["user_stack_trace"].as_array().expect("a stack trace");
        let last = frames.last().expect("a frame");
        assert!(last["filename"].as_str().unwrap().ends_with("/packages/binary_io.py"), "{last}");
        assert_eq!(last["name"], "run_remote", "{last}");
        assert_eq!(last["line"], "raise ValueError(message)", "{last}");
        assert!(last["lineno"].as_u64().is_some(), "{last}");
        let keys: Vec<&str> = error.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["exception_cls_name", "exception_module_name", "exception_message", "user_stack_trace"]);
    }
}

#[test]
fn bad_input_answers_400_with_the_input_parsing_error() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    let data_b64 = base64::engine::general_purpose::STANDARD.encode([0u8; 16]);
    let array = json!({"data_b64": data_b64, "shape": [2], "dtype": "float64"});
    let cases = [
        (json!({"data": {"other_field": "x"}}), "Input Parsing Error:\n  `data.some_numbers`: Field required."),
        (
            json!({"data": {"some_numbers": array, "other_field": 5}}),
            "Input Parsing Error:\n  `data.other_field`: Input should be a valid string.",
        ),
        (
            json!({"data": {}}),
            "Input Parsing Errors:\n  `data.some_numbers`: Field required.\n  `data.other_field`: Field required.",
        ),
        (json!({}), "Input Parsing Error:\n  `data`: Field required."),
    ];
    for (body, text) in &cases {
        let response = post(worker.addr, PREDICT, JSON, body.to_string().as_bytes());
        assert_eq!(truss_error(&response, 400, "700"), json!(text), "{body}");
    }
    let response = post(worker.addr, PREDICT, JSON, b"nope");
    assert_eq!(
        truss_error(&response, 400, "700"),
        json!("Input Parsing Error:\n  `__root__`: Expecting value: line 1 column 1 (char 0).")
    );
    // Binary mode: the same text for a missing field; msgpack that is not a map of the input
    // fails validation as a whole.
    let mut body = vec![0x81, 0xa4];
    body.extend_from_slice(b"data");
    body.extend_from_slice(&[0x81, 0xab]);
    body.extend_from_slice(b"other_field");
    body.extend_from_slice(&[0xa1, b'x']);
    let response = post(worker.addr, PREDICT, BINARY, &body);
    assert_eq!(
        truss_error(&response, 400, "700"),
        json!("Input Parsing Error:\n  `data.some_numbers`: Field required.")
    );
}

#[test]
fn truss_answers_some_bad_arrays_with_500_unhandled_exception() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    // NumpyArrayField's validator raises TypeError, which pydantic does not turn into a
    // validation error: truss answers 500, code 500, not 400.
    let data_b64 = base64::engine::general_purpose::STANDARD.encode([0u8; 16]);
    let cases = [
        (
            json!(3),
            "Unhandled exception: TypeError: numpy_array_validation\nExpected a NumPy array or a dictionary with keys ",
        ),
        (
            json!({"data_b64": data_b64, "shape": [3], "dtype": "float64"}),
            "Unhandled exception: TypeError: numpy_array_validationInvalid data, shape, or dtype for NumPy array: cannot reshape array of size 2 into shape (3,)",
        ),
    ];
    for (array, prefix) in &cases {
        let body = json!({"data": {"some_numbers": array, "other_field": "x"}});
        let response = post(worker.addr, PREDICT, JSON, body.to_string().as_bytes());
        let error = truss_error(&response, 500, "500");
        assert!(error.as_str().is_some_and(|e| e.starts_with(prefix)), "{error}");
    }
}

#[test]
fn truss_answers_odd_requests_as_recorded_here() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    // Binary bodies that are not msgpack of the input: 400, code 700, but not always with the
    // "Input Parsing Error" text (msgpack's own message, or none).
    let cases: [(&[u8], &str); 3] = [
        (b"\xc1", ""),
        (br#"{"data": 1}"#, "unpack(b) received extra data."),
        (
            b"\x93\x01\x02\x03",
            "Input Parsing Error:\n  ``: Input should be a valid dictionary or instance of WorkerInput.",
        ),
    ];
    for (body, text) in cases {
        let response = post(worker.addr, PREDICT, BINARY, body);
        assert_eq!(truss_error(&response, 400, "700"), json!(text), "{body:?}");
    }
    // `GET /v1/models/{name}` (readiness) also matches `GET /v1/models/model:predict`.
    let response = get(worker.addr, PREDICT);
    assert_eq!((response.status, response.text()), (200, "{}"));
    // Routes of Baseten's gateway are not the server's; FastAPI's own errors carry no
    // x-baseten headers.
    for path in ["/predict", "/run_remote"] {
        let response = post(worker.addr, path, JSON, b"{}");
        assert_eq!((response.status, response.text()), (404, r#"{"detail":"Not Found"}"#), "{path}");
        assert_eq!(response.header("x-baseten-error-code"), None);
    }
    let response = request(worker.addr, "PUT", PREDICT, &[], b"");
    assert_eq!((response.status, response.text()), (405, r#"{"detail":"Method Not Allowed"}"#));
}

#[test]
fn the_sleeper_answers_after_its_sleep() {
    let Some(sleeper) = truss_chainlet("Sleeper") else { return };
    let started = Instant::now();
    let response = post(sleeper.addr, PREDICT, JSON, br#"{"seconds": 0.3}"#);
    let elapsed = started.elapsed();
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.text(), "0.3");
    assert!(elapsed.as_secs_f64() >= 0.3, "{elapsed:?}");
    // A scalar response in binary mode is a msgpack float64.
    let response = post(
        sleeper.addr,
        PREDICT,
        BINARY,
        &[0x81, 0xa7, b's', b'e', b'c', b'o', b'n', b'd', b's', 0xcb, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    assert_eq!(response.status, 200, "{:?}", response.body);
    assert_eq!(response.header("content-type"), Some("application/octet-stream"));
    assert_eq!(response.body, [0xcb, 0, 0, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn the_python_consumer_calls_a_worker_at_a_given_url() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    // Here the Worker is Python's own; a test of a Rust Worker passes its URL the same way.
    let consumer = truss_chainlet_with_dependencies("Consumer", &[("Worker", &worker.predict_url())]).unwrap();
    let sent = sample();
    let input = WorkerInput { data: sent.clone() };
    let response = post(consumer.addr, PREDICT, JSON, input.to_json().unwrap().as_bytes());
    assert_eq!(response.status, 200, "{}", response.text());
    check_added_ten(&sent, &DataModel::from_json(response.text()).unwrap());
    let response = post(consumer.addr, PREDICT, BINARY, &input.to_msgpack().unwrap());
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    check_added_ten(&sent, &DataModel::from_msgpack(&response.body).unwrap());
    // The Consumer's stub called the Worker (in binary mode, as `use_binary=True` asks).
    assert!(consumer.log_text().contains("use_binary=True"), "{}", consumer.log_text());
    assert!(worker.log_text().matches("POST /v1/models/model:predict").count() >= 2, "{}", worker.log_text());
}

#[test]
fn a_consumer_whose_worker_fails_answers_the_chained_error() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    let consumer = truss_chainlet_with_dependencies("Consumer", &[("Worker", &worker.predict_url())]).unwrap();
    // `other_field == "fail"`: the Worker raises; the Consumer's stub re-raises its error,
    // and the Consumer answers 500 in turn, the Worker's traceback in the message.
    let input = WorkerInput { data: DataModel { other_field: "fail".into(), ..sample() } };
    for (content_type, body) in [(JSON, input.to_json().unwrap().into_bytes()), (BINARY, input.to_msgpack().unwrap())] {
        let response = post(consumer.addr, PREDICT, content_type, &body);
        let error = truss_error(&response, 500, "600");
        eprintln!("the Consumer's error: {error}");
        assert_eq!(error["exception_cls_name"], "ValueError", "{error}");
        let message = error["exception_message"].as_str().unwrap();
        assert!(message.contains("This input is too long: 100."), "{message}");
    }
}

#[test]
fn the_routes_answer_as_truss_does() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    let live = get(worker.addr, "/");
    assert_eq!((live.status, live.text()), (200, "true"));
    assert_eq!(live.header("content-type"), Some("application/json"));
    let ready = get(worker.addr, "/v1/models/model");
    assert_eq!((ready.status, ready.text()), (200, "{}"));
    let schema = get(worker.addr, "/v1/models/model/schema").json();
    assert_eq!(schema["input_schema"]["title"], "WorkerInput", "{schema}");
    assert_eq!(schema["output_schema"]["title"], "RootModel[DataModel]", "{schema}");
    assert_eq!(schema["supports_streaming"], false, "{schema}");
    // The same server for the same chainlet, wherever it is asked for.
    assert!(std::ptr::eq(worker, truss_chainlet("Worker").unwrap()));
    assert!(worker.is_running());
}

#[test]
fn the_server_listens_on_loopback_only() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    assert!(worker.addr.ip().is_loopback());
    // /proc/net/tcp{,6}: the listening socket of the port is bound to 127.0.0.1 (0100007F).
    let Ok(tcp) = std::fs::read_to_string("/proc/net/tcp") else { return };
    let tcp6 = std::fs::read_to_string("/proc/net/tcp6").unwrap_or_default();
    let port = format!(":{:04X}", worker.port);
    let listening = |table: &str| -> Vec<String> {
        table
            .lines()
            .skip(1)
            .filter_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                (fields.get(3) == Some(&"0A") && fields[1].ends_with(&port)).then(|| fields[1].to_owned())
            })
            .collect()
    };
    assert_eq!(listening(&tcp), [format!("0100007F{port}")]);
    assert_eq!(listening(&tcp6), Vec::<String>::new());
}

#[test]
fn every_server_started_in_a_few_seconds() {
    let Some(worker) = truss_chainlet("Worker") else { return };
    // Cold (the truss dir built) or cached; on a loaded 2-core machine still well under 60 s.
    eprintln!("Worker started in {:.2?}", worker.startup);
    assert!(worker.startup.as_secs() < 60, "{:?}", worker.startup);
}

#[test]
fn a_server_that_cannot_start_fails_the_test_with_its_log() {
    if std::env::var_os(PYTHON_VAR).is_none() {
        return;
    }
    let panic = std::panic::catch_unwind(|| truss_chainlet("NoSuchChainlet")).expect_err("no such chainlet");
    let message = panic.downcast_ref::<String>().expect("a formatted panic message");
    assert!(message.contains("the truss server for `NoSuchChainlet` exited"), "{message}");
    assert!(message.contains("Target class `NoSuchChainlet` not found"), "{message}");
    // Asked again, the failure is reported at once.
    let started = Instant::now();
    assert!(std::panic::catch_unwind(|| truss_chainlet("NoSuchChainlet")).is_err());
    assert!(started.elapsed().as_secs() < 1);
}
