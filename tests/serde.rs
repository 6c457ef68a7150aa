//! Feature `serde`: `NdArray`, `AnyArray`, `Bytes` and `Value` in a plain serde struct,
//! written with rmp-serde and serde_json and read by truss's deserializer and pydantic, and
//! read back from what those write.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chainmodel::{AnyArray, Bytes, NdArray, Value, value};
use serde::{Deserialize, Serialize};

/// A team's own type, deriving serde's traits (no `ChainModel`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Record {
    id: u32,
    name: String,
    embedding: NdArray<f32>,
    raw: AnyArray,
    blob: Bytes,
    maybe: Option<Bytes>,
    scores: Vec<f64>,
    extra: Value,
}

fn record() -> Record {
    let big_endian: Vec<u8> = [1i32, -2, 3].iter().flat_map(|x| x.to_be_bytes()).collect();
    Record {
        id: 7,
        name: "doc-7".into(),
        embedding: NdArray::from_shape_vec(vec![2, 2], vec![0.5, -1.0, 1e-3, 3e8]).unwrap(),
        raw: AnyArray::from_bytes(">i4".parse().unwrap(), vec![3], big_endian).unwrap(),
        blob: Bytes::from(&b"caf\xc3\xa9 bytes"[..]),
        maybe: None,
        scores: vec![0.1, 1.0 / 3.0, -2.0],
        extra: value!({"k": [1, "x", null], "nested": {"n": 2.5}}),
    }
}

#[test]
fn the_two_forms() {
    let record = record();
    let json = serde_json::to_value(&record).unwrap();
    assert_eq!(json["embedding"]["shape"], serde_json::json!([2, 2]));
    assert_eq!(json["embedding"]["dtype"], "float32");
    assert_eq!(json["raw"]["dtype"], ">i4");
    assert_eq!(json["raw"]["data_b64"], STANDARD.encode([0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 3]));
    assert_eq!(json["blob"], "café bytes");
    assert_eq!(serde_json::from_value::<Record>(json).unwrap(), record);

    let packed = rmp_serde::to_vec_named(&record).unwrap();
    assert_eq!(rmp_serde::from_slice::<Record>(&packed).unwrap(), record);
    // chainmodel's own reader of truss's messages reads it as truss would.
    let dict: Value = chainmodel::msgpack::from_slice(&packed).unwrap();
    assert_eq!(dict["raw"].as_array(), Some(&record.raw));
    assert_eq!(dict["blob"].as_bytes(), Some(&record.blob[..]));
    assert_eq!(dict["embedding"].as_array().unwrap().to_typed::<f32>().unwrap(), record.embedding);

    // Bytes that are not UTF-8 have no JSON form pydantic reads back.
    let mut binary = record.clone();
    binary.blob = Bytes::from(vec![0xff]);
    assert!(serde_json::to_string(&binary).unwrap_err().to_string().contains("not UTF-8"));
    // A typed array refuses another dtype.
    let err = serde_json::from_str::<NdArray<f64>>(r#"{"data_b64":"AAAAAA==","shape":[1],"dtype":"float32"}"#);
    assert!(err.is_err());
}

#[test]
fn truss_and_pydantic_read_what_serde_writes_and_back() {
    let Some(python) = common::anchor_python("truss_and_pydantic_read_what_serde_writes_and_back") else { return };
    let record = record();
    let packed = rmp_serde::to_vec_named(&record).unwrap();
    let input = serde_json::json!({
        "msgpack": STANDARD.encode(&packed),
        "json": serde_json::to_string(&record).unwrap(),
    });
    let out = common::run_script(&python, "serde_cases.py", &["check"], &serde_json::to_vec(&input).unwrap());
    let back: serde_json::Value = serde_json::from_str(&out).unwrap();
    let python_msgpack = STANDARD.decode(back["msgpack"].as_str().unwrap()).unwrap();
    assert_eq!(rmp_serde::from_slice::<Record>(&python_msgpack).unwrap(), record);
    // rmp-serde's bytes are truss's bytes of the same record.
    assert_eq!(python_msgpack, packed, "rmp_serde::to_vec_named differs from truss_msgpack_serialize");
    assert_eq!(serde_json::from_str::<Record>(back["json"].as_str().unwrap()).unwrap(), record);

    let emitted: serde_json::Value =
        serde_json::from_str(&common::run_script(&python, "serde_cases.py", &["emit"], b"")).unwrap();
    let from_msgpack: Record =
        rmp_serde::from_slice(&STANDARD.decode(emitted["msgpack"].as_str().unwrap()).unwrap()).unwrap();
    let from_json: Record = serde_json::from_str(emitted["json"].as_str().unwrap()).unwrap();
    assert_eq!(from_msgpack, from_json);
    assert_eq!(from_msgpack.embedding.shape(), &[2, 3]);
    assert_eq!(from_msgpack.raw.dtype().to_string(), ">i4");
    assert_eq!(&from_msgpack.blob[..], b"python bytes");
    assert_eq!(from_msgpack.extra, value!({"k": [1, "x", null]}));
}

/// An integer beyond msgpack's 64 bits is refused in rmp-serde's binary form, as Python's
/// msgpack and chainmodel's writer refuse it (never written as a float); serde_json writes it.
#[test]
fn integers_beyond_64_bits_are_refused_in_msgpack() {
    let value = chainmodel::Value::Int(1 << 64);
    let error = rmp_serde::to_vec(&value).unwrap_err();
    assert!(error.to_string().contains("integer 18446744073709551616 does not fit in msgpack's 64 bits"), "{error}");
    assert_eq!(serde_json::to_string(&value).unwrap(), "18446744073709551616");
}
