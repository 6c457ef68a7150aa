//! `chainmodel::Value`, the raw dicts of the Binary IO docs: read as Python's msgpack,
//! msgpack_numpy and truss read them, in time linear in the message however deep it nests.

use chainmodel::{AnyArray, NdArray, Value};

fn msgpack(value: &Value) -> Vec<u8> {
    chainmodel::msgpack::to_vec_compact(value).unwrap()
}

fn map(entries: Vec<(Value, Value)>) -> Value {
    Value::Map(entries)
}

fn bin(bytes: &[u8]) -> Value {
    Value::Bytes(bytes.to_vec().into())
}

/// msgpack_numpy recognises an array by the bin key `b"nd"` only; a dict with a str key
/// `"nd"` is an ordinary dict.
#[test]
fn a_str_key_nd_is_an_ordinary_key() {
    let plain = map(vec![("nd".into(), Value::from(1)), ("x".into(), Value::from(2))]);
    let read: Value = chainmodel::msgpack::from_slice(&msgpack(&plain)).unwrap();
    assert_eq!(read, plain);
    let flagged = map(vec![("nd".into(), Value::from(true)), ("data".into(), Value::from("x"))]);
    assert_eq!(chainmodel::msgpack::from_slice::<Value>(&msgpack(&flagged)).unwrap(), flagged);

    // The bin key makes an array, as msgpack_numpy writes it...
    let array = Value::Array(NdArray::from_vec(vec![1.5f64, 2.5]).into());
    assert_eq!(chainmodel::msgpack::from_slice::<Value>(&msgpack(&array)).unwrap(), array);
    // ...and a map with `b"nd"` that lacks a key msgpack_numpy needs stays a dict (its KeyError
    // fallback).
    let partial = map(vec![(bin(b"nd"), Value::from(true)), (bin(b"type"), Value::from("<f8"))]);
    assert_eq!(chainmodel::msgpack::from_slice::<Value>(&msgpack(&partial)).unwrap(), partial);
    // A pickle is refused.
    let pickle = map(vec![
        (bin(b"nd"), Value::from(true)),
        (bin(b"type"), Value::from("|O")),
        (bin(b"kind"), bin(b"O")),
        (bin(b"shape"), Value::List(vec![Value::from(1)])),
        (bin(b"data"), bin(b"\x80\x04cos\nsystem\n")),
    ]);
    let err = chainmodel::msgpack::from_slice::<Value>(&msgpack(&pickle)).unwrap_err();
    assert!(err.to_string().contains("pickle"), "{err}");
}

/// A key given twice keeps its first place and its last value, as in a Python dict; Python
/// compares `True`, `1` and `1.0` equal as keys, and `"a"` and `b"a"` different.
#[test]
fn maps_behave_like_python_dicts() {
    let twice = map(vec![
        ("a".into(), Value::from(1)),
        ("b".into(), Value::from(2)),
        ("a".into(), Value::from(3)),
        (Value::from(1), Value::from("int")),
        (Value::from(true), Value::from("bool")),
        (Value::from(1.0), Value::from("float")),
        (bin(b"a"), Value::from("bytes")),
    ]);
    let expected = map(vec![
        ("a".into(), Value::from(3)),
        ("b".into(), Value::from(2)),
        (Value::from(1), Value::from("float")),
        (bin(b"a"), Value::from("bytes")),
    ]);
    let read: Value = chainmodel::msgpack::from_slice(&msgpack(&twice)).unwrap();
    assert_eq!(read, expected);
    // Written back, each key once.
    assert_eq!(chainmodel::msgpack::from_slice::<Value>(&msgpack(&read)).unwrap(), expected);

    let read: Value = chainmodel::json::from_str(r#"{"a":1,"b":2,"a":{"c":1,"c":2}}"#).unwrap();
    assert_eq!(chainmodel::json::to_string(&read).unwrap(), r#"{"a":{"c":2},"b":2}"#);
    assert_eq!(read.get("a").and_then(|a| a.get("c")), Some(&Value::from(2)));

    // Many keys (the index, not a scan), one of them repeated at the end.
    let mut entries: Vec<(Value, Value)> = (0..1000).map(|i| (Value::from(format!("k{i}")), Value::from(i))).collect();
    entries.push(("k500".into(), Value::from(-1)));
    let read: Value = chainmodel::msgpack::from_slice(&msgpack(&map(entries))).unwrap();
    let Value::Map(read) = read else { panic!("a map") };
    assert_eq!(read.len(), 1000);
    assert_eq!(read[500], ("k500".into(), Value::from(-1)));
}

/// A JSON object is an array only when it has exactly `NumpyArrayField`'s three keys; one
/// with more keeps them all.
#[test]
fn json_arrays_are_objects_of_exactly_three_keys() {
    let array: Value = chainmodel::json::from_str(r#"{"shape":[2],"dtype":"uint8","data_b64":"AQI="}"#).unwrap();
    let expected = AnyArray::from_bytes("|u1".parse().unwrap(), vec![2], vec![1, 2]).unwrap();
    assert_eq!(array, Value::Array(expected));
    let text = r#"{"data_b64":"AQI=","shape":[2],"dtype":"uint8","note":"kept"}"#;
    let object: Value = chainmodel::json::from_str(text).unwrap();
    assert_eq!(chainmodel::json::to_string(&object).unwrap(), text);
}

/// `levels` dicts nested in each other, the innermost holding `payload`.
fn nested(levels: usize, payload: Value) -> Value {
    (0..levels).fold(payload, |inner, i| map(vec![("level".into(), Value::from(i as i64)), ("inner".into(), inner)]))
}

/// The fastest of three runs, in seconds.
fn fastest(mut run: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let start = std::time::Instant::now();
            run();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Decoding reads every value once: 2 MB nested 120 dicts deep costs about what it costs
/// flat (it cost 50 times as much when each level re-read the levels below it). The margin
/// is wide, so that a busy machine cannot fail it, and the quadratic cost cannot pass it.
#[test]
fn decoding_is_linear_in_depth() {
    let payload = || Value::List((0..100_000).map(|i| map(vec![("i".into(), Value::from(i as i64))])).collect());
    let flat = nested(1, payload());
    let deep = nested(120, payload());
    let (flat_msgpack, deep_msgpack) = (msgpack(&flat), msgpack(&deep));
    let flat_time = fastest(|| drop(chainmodel::msgpack::from_slice::<Value>(&flat_msgpack).unwrap()));
    let deep_time = fastest(|| drop(chainmodel::msgpack::from_slice::<Value>(&deep_msgpack).unwrap()));
    assert!(deep_time < 5.0 * flat_time, "msgpack: {deep_time:.3} s nested against {flat_time:.3} s flat");

    let (flat_json, deep_json) =
        (chainmodel::json::to_string(&flat).unwrap(), chainmodel::json::to_string(&deep).unwrap());
    let flat_time = fastest(|| drop(chainmodel::json::from_str::<Value>(&flat_json).unwrap()));
    let deep_time = fastest(|| drop(chainmodel::json::from_str::<Value>(&deep_json).unwrap()));
    assert!(deep_time < 5.0 * flat_time, "JSON: {deep_time:.3} s nested against {flat_time:.3} s flat");
}
