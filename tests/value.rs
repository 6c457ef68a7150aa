//! `chainmodel::Value`, the raw dicts of the Binary IO docs: read as Python's msgpack,
//! msgpack_numpy and truss read them, in time linear in the message however deep it nests.

mod common;

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

mod dicts {
    //! Models to and from dicts (`from_value`, `to_value`), indexing, accessors and the
    //! literal macro. (Agreement with pydantic is in `interop_models.rs`.)

    use chainmodel::prelude::*;
    use chainmodel::{Value, value};

    #[derive(ChainModel, Debug, Clone, PartialEq)]
    struct DataModel {
        some_numbers: NdArray<f64>,
        other_field: String,
    }

    #[derive(ChainModel, Debug, PartialEq)]
    struct Request {
        data: DataModel,
        #[chain(default)]
        tags: Vec<String>,
        limit: Option<u32>,
    }

    #[derive(ChainModel, Debug)]
    struct Lent<'a> {
        name: &'a str,
        blob: &'a [u8],
        view: NdArrayView<'a, f64>,
    }

    #[derive(ChainModel, Debug)]
    struct Owned {
        name: String,
        blob: Bytes,
        array: AnyArray,
    }

    /// The Binary IO docs' request, as a dict and as a model, both ways.
    #[test]
    fn models_read_and_write_dicts() {
        let numbers = NdArray::from_shape_vec(vec![2, 2], vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        let dict = value!({"data": {"some_numbers": numbers.clone(), "other_field": "x"}, "limit": "3"});
        let request = Request::from_value(&dict).unwrap();
        assert_eq!(
            request,
            Request {
                data: DataModel { some_numbers: numbers.clone(), other_field: "x".into() },
                tags: vec![],
                limit: Some(3)
            }
        );
        let dumped = request.to_value().unwrap();
        assert_eq!(dumped, value!({"data": {"some_numbers": numbers, "other_field": "x"}, "tags": [], "limit": 3}));
        // The same bytes as the model's own binary mode, with no round trip on the way.
        assert_eq!(
            chainmodel::msgpack::to_vec_compact(&dumped).unwrap(),
            chainmodel::msgpack::to_vec_compact(&request).unwrap()
        );
        assert_eq!(
            request.data.to_json_value().unwrap(),
            serde_json::from_str::<serde_json::Value>(&request.data.to_json().unwrap()).unwrap()
        );
        let err = Request::from_value(&value!({"data": {"some_numbers": [1.0], "other_field": "x"}})).unwrap_err();
        assert!(err.to_string().starts_with("data.some_numbers: expected a numpy array"), "{err}");
        let err = Request::from_value(&value!({"data": {"other_field": "x"}})).unwrap_err();
        assert_eq!(err.to_string(), "data.some_numbers: Field required");
        let err = Request::from_value(&value!([1])).unwrap_err();
        assert_eq!(err.to_string(), "Input should be a valid dictionary or instance of Request");
        // The JSON-mode dump reads back too, as NumpyArrayField's validator reads its dicts.
        let json_dump = Value::from(request.to_json_value().unwrap());
        assert!(json_dump["data"]["some_numbers"]["data_b64"].as_str().is_some());
        assert_eq!(Request::from_value(&json_dump).unwrap(), request);
        // Nesting is bounded as in the other readers.
        let mut deep = value!([]);
        for _ in 0..200 {
            deep = value!([deep]);
        }
        let err = chainmodel::value::from_value::<serde_json::Value>(&deep).unwrap_err();
        assert!(err.to_string().contains("deep"), "{err}");
    }

    /// From a lent dict, borrowed fields and views borrow from it; from a dict given up,
    /// strings, bytes and arrays move into the model.
    #[test]
    fn lent_dicts_are_borrowed_and_owned_ones_moved() {
        let dict = value!({
            "name": "n",
            "blob": Bytes::from(vec![1u8, 2]),
            "view": NdArray::from_vec(vec![0.5f64; 16]),
        });
        let lent = Lent::from_value(&dict).unwrap();
        assert_eq!(lent.name.as_ptr(), dict["name"].as_str().unwrap().as_ptr());
        assert_eq!(lent.blob.as_ptr(), dict["blob"].as_bytes().unwrap().as_ptr());
        let payload = dict["view"].as_array().unwrap().as_bytes();
        if payload.as_ptr().align_offset(8) == 0 {
            assert!(lent.view.is_borrowed());
            assert_eq!(lent.view.as_slice().as_ptr().cast::<u8>(), payload.as_ptr());
        }

        let dict = value!({"name": "n", "blob": Bytes::from(vec![1u8, 2]), "array": NdArray::from_vec(vec![7i32; 4])});
        let (name, blob, array) = (
            dict["name"].as_str().unwrap().as_ptr(),
            dict["blob"].as_bytes().unwrap().as_ptr(),
            dict["array"].as_array().unwrap().as_bytes().as_ptr(),
        );
        let owned = Owned::from_value_owned(dict).unwrap();
        assert_eq!((owned.name.as_ptr(), owned.blob.as_ptr(), owned.array.as_bytes().as_ptr()), (name, blob, array));
        assert_eq!(owned.array.to_typed::<i32>().unwrap().as_slice(), &[7; 4]);
    }

    /// Indexing never panics: a missing key, a position past the end or the wrong kind of
    /// value reads as None.
    #[test]
    fn indexing_never_panics() {
        let values = [
            Value::Nil,
            value!(1),
            value!(1.5),
            value!("s"),
            value!(true),
            value!([]),
            value!([1, [2]]),
            value!({}),
            value!({"a": {"b": [1]}}),
            Value::Bytes(vec![1].into()),
            Value::Array(NdArray::from_vec(vec![1u8]).into()),
        ];
        for v in &values {
            for key in ["", "a", "b", "zzz"] {
                let _ = &v[key][key][0][usize::MAX];
            }
            for i in [0, 1, 2, usize::MAX] {
                let _ = &v[i]["a"][i];
            }
            assert!(v["missing"].is_nil() && v[99].is_nil());
            let _ = (v.as_str(), v.as_i64(), v.as_u64(), v.as_f64(), v.as_bool(), v.as_bytes(), v.as_array());
            let _ = (v.as_list(), v.as_map(), v.iter().count(), v.entries().count(), v.to_string());
        }
        assert_eq!(values[8]["a"]["b"][0], 1);
        assert_eq!(values[6].iter().collect::<Vec<_>>(), [&value!(1), &value!([2])]);
    }

    #[test]
    fn from_impls_and_display() {
        use std::collections::BTreeMap;
        assert_eq!(Value::from(3u8), Value::Int(3));
        assert_eq!(Value::from(u64::MAX), Value::Int(u64::MAX.into()));
        assert_eq!(Value::from(0.5f32), Value::Float(0.5));
        assert_eq!(Value::from(vec![1, 2]), value!([1, 2]));
        assert_eq!(Value::from([1.5, 2.5]), value!([1.5, 2.5]));
        assert_eq!(Value::from(Some("x")), value!("x"));
        assert_eq!(Value::from((1, "a")), value!([1, "a"]));
        assert_eq!(Value::from(None::<i64>), Value::Nil);
        assert_eq!(Value::from(&b"ab"[..]), Value::Bytes(b"ab".to_vec().into()));
        assert_eq!(Value::from(BTreeMap::from([("k", 1)])), value!({"k": 1}));
        assert_eq!(Value::from(serde_json::json!({"a": [1, null]})), value!({"a": [1, null]}));
        assert_eq!((1..4).collect::<Value>(), value!([1, 2, 3]));
        assert_eq!(value!({"a": 1, "b": 2, "a": 3}), value!({"a": 3, "b": 2}));
        let nested = value!({"k": [{"x": -1, "y": [null, true, false]}], 2: "two"});
        assert_eq!(nested.to_string(), "{'k': [{'x': -1, 'y': [None, True, False]}], 2: 'two'}");
        assert_eq!(format!("{nested}"), format!("{nested:?}"));
        // Expressions with commas, variables as keys, trailing commas, long lists.
        let key = "k";
        let pairs = std::collections::HashMap::<String, i64>::new();
        assert_eq!(
            value!({key: pairs.len(), (1 + 1): Vec::<(i64, i64)>::new(), "n": -1.5,}),
            value!({"k": 0, 2: [], "n": -1.5})
        );
        let long = value!([
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,
            6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,
            2, 3, 4, 5, 6, 7, 8, 9, -1, -2,
        ]);
        assert_eq!(long.iter().len(), 82);
    }
}

/// Python's msgpack (truss's serializer) refuses integers beyond 64 bits with an
/// `OverflowError`; a `Value` holding one is refused too, located, never written as a float.
#[test]
fn integers_beyond_64_bits_are_refused_in_msgpack() {
    for (int, text) in [(-(1i128 << 63) - 1, "-9223372036854775809"), (1i128 << 64, "18446744073709551616")] {
        let value = map(vec![(Value::from("x"), Value::Int(int))]);
        for result in [chainmodel::msgpack::to_vec(&value), chainmodel::msgpack::to_vec_compact(&value)] {
            let error = result.unwrap_err();
            assert_eq!(error.to_string(), format!("x: integer {text} does not fit in msgpack's 64 bits"));
        }
        let nested = map(vec![(Value::from("items"), Value::List(vec![Value::Int(1), Value::Int(int)]))]);
        let error = chainmodel::msgpack::to_vec(&nested).unwrap_err();
        assert_eq!(error.to_string(), format!("items.1: integer {text} does not fit in msgpack's 64 bits"));
        // JSON holds any integer, as pydantic writes it.
        assert_eq!(chainmodel::json::to_string(&value).unwrap(), format!(r#"{{"x":{text}}}"#));
    }
    // The ends of msgpack's range are written as integers.
    for int in [i128::from(i64::MIN), i128::from(u64::MAX)] {
        let back: Value = chainmodel::msgpack::from_slice(&msgpack(&Value::Int(int))).unwrap();
        assert_eq!(back, Value::Int(int));
    }
}

/// Python's side of the text tests: `tests/python/value_text_cases.py`.
fn python_texts(test: &str) -> Option<serde_json::Value> {
    let python = common::anchor_python(test)?;
    Some(serde_json::from_str(&common::run_script(&python, "value_text_cases.py", &["emit"], b"")).unwrap())
}

/// `Value`'s `Debug` writes a str as Python's `repr` does: every code point, each escaped or not
/// as Python's `str.isprintable()` says (`\x85`, `\u2028`, `\xad`, `\U000e0001`), quotes chosen
/// as Python chooses them.
#[test]
fn debug_writes_strings_as_python_repr() {
    let Some(texts) = python_texts("debug_writes_strings_as_python_repr") else { return };
    let mut failures = Vec::new();
    for pair in texts["reprs"].as_array().unwrap() {
        let (text, repr) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        let ours = format!("{:?}", Value::from(text));
        if ours != repr {
            let at = ours.chars().zip(repr.chars()).position(|(a, b)| a != b).unwrap_or(0);
            let show = |s: &str| s.chars().skip(at.saturating_sub(10)).take(40).collect::<String>();
            failures.push(format!("at char {at}: Rust {:?}, Python {:?}", show(&ours), show(repr)));
        }
    }
    assert!(failures.is_empty(), "{} strings differ from Python's repr:\n{}", failures.len(), failures.join("\n"));
}

/// A map key that is no str goes to JSON as pydantic's `model_dump_json` writes it: `true`, `1`,
/// `1.5` (Python's `str` of the float), `None` (for `None`, NaN and infinities), the text of
/// bytes, a tuple's items joined with `,`.
#[test]
fn non_string_keys_go_to_json_as_pydantic_writes_them() {
    let Some(texts) = python_texts("non_string_keys_go_to_json_as_pydantic_writes_them") else { return };
    let keys = [
        ("true", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("one", Value::Int(1)),
        ("minus_five", Value::Int(-5)),
        ("huge", Value::Int(1 << 70)),
        ("one_and_a_half", Value::Float(1.5)),
        ("one_float", Value::Float(1.0)),
        ("big_float", Value::Float(1e20)),
        ("small_float", Value::Float(1e-7)),
        ("tenth", Value::Float(0.1)),
        ("e16", Value::Float(1e16)),
        ("nan", Value::Float(f64::NAN)),
        ("inf", Value::Float(f64::INFINITY)),
        ("none", Value::Nil),
        ("bytes", bin(b"k")),
        ("tuple", Value::List(vec![Value::Int(1), Value::from("a"), Value::Float(2.5)])),
        ("text", Value::from("s")),
    ];
    let expected = texts["keys"].as_array().unwrap();
    assert_eq!(expected.len(), keys.len());
    for ((name, key), pair) in keys.into_iter().zip(expected) {
        assert_eq!(pair[0], name);
        let holder = map(vec![(Value::from("a"), map(vec![(key, Value::Int(1))]))]);
        assert_eq!(chainmodel::json::to_string(&holder).unwrap(), pair[1].as_str().unwrap(), "key {name}");
    }
    // Python's msgpack refuses integers beyond 64 bits too.
    for pair in texts["overflow"].as_array().unwrap() {
        assert_eq!(pair[1], "OverflowError", "{pair}");
    }
}

/// `from_value` is pydantic's `model_validate(dict)`: a dict's int keys are ints in `loc`
/// (`d[1]` in truss's text), a bad key is located at the key then `[key]`.
#[test]
fn dict_keys_are_located_as_pydantic_locates_them() {
    use chainmodel::prelude::*;
    use std::collections::BTreeMap;

    #[derive(ChainModel, Debug)]
    struct Keys {
        #[chain(default)]
        e: BTreeMap<i64, String>,
        #[chain(default)]
        s: BTreeMap<String, i64>,
    }

    let value =
        map(vec![(Value::from("e"), map(vec![(Value::Int(1), Value::Int(5)), (Value::Int(-2), Value::Int(6))]))]);
    let error = Keys::from_value(&value).unwrap_err();
    let errors = error.to_pydantic_errors();
    assert_eq!(errors[0]["loc"], serde_json::json!(["e", 1]));
    assert_eq!(errors[1]["loc"], serde_json::json!(["e", -2]));
    assert_eq!(
        error.to_truss_text(),
        "Input Parsing Errors:\n  `e[1]`: Input should be a valid string.\n  `e[-2]`: Input should be a valid string."
    );
    let value = map(vec![(Value::from("s"), map(vec![(Value::Int(1), Value::Int(5))]))]);
    let error = Keys::from_value(&value).unwrap_err();
    assert_eq!(error.to_pydantic_errors()[0]["loc"], serde_json::json!(["s", 1, "[key]"]));
    assert_eq!(error.to_truss_text(), "Input Parsing Error:\n  `s[1].[key]`: Input should be a valid string.");
}
