//! Hostile input: every case answers with a located error (or a value), never a panic, an
//! abort, a hang or an allocation out of proportion to the input.

use chainmodel::prelude::*;
use chainmodel::{ErrorKind, Limits};

#[derive(ChainModel, Debug, PartialEq)]
struct Tensor {
    name: String,
    values: NdArray<f32>,
}

#[derive(ChainModel, Debug, PartialEq)]
struct Tree {
    label: String,
    children: Vec<Tree>,
}

#[derive(ChainModel, Debug, PartialEq)]
struct Counts {
    small: u8,
    big: i64,
}

/// A msgpack array map with the given shape and data, keys in Python's order.
fn numpy_map(dtype: &str, shape: &[i128], data: &[u8], kind: &[u8]) -> Vec<u8> {
    let mut out = vec![0x85, 0xc4, 2, b'n', b'd', 0xc3, 0xc4, 4, b't', b'y', b'p', b'e'];
    out.push(0xa0 | dtype.len() as u8);
    out.extend_from_slice(dtype.as_bytes());
    out.extend_from_slice(&[0xc4, 4, b'k', b'i', b'n', b'd', 0xc4, kind.len() as u8]);
    out.extend_from_slice(kind);
    out.extend_from_slice(&[0xc4, 5, b's', b'h', b'a', b'p', b'e', 0xdc]);
    out.extend_from_slice(&(shape.len() as u16).to_be_bytes());
    for &dim in shape {
        if dim < 0 {
            out.push(0xd3);
            out.extend_from_slice(&(dim as i64).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&(dim as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(&[0xc4, 4, b'd', b'a', b't', b'a', 0xc4, data.len() as u8]);
    out.extend_from_slice(data);
    out
}

fn tensor_message(array: Vec<u8>) -> Vec<u8> {
    let mut out = vec![0x82, 0xa4, b'n', b'a', b'm', b'e', 0xa1, b't', 0xa6, b'v', b'a', b'l', b'u', b'e', b's'];
    out.extend(array);
    out
}

#[test]
fn huge_shapes_are_refused_before_allocating() {
    // dims of 2^40, and a product past u64, in both codecs: errors, no allocation attempt.
    for shape in [vec![1i128 << 40], vec![1 << 40, 1 << 40], vec![u64::MAX as i128, 2]] {
        let message = tensor_message(numpy_map("<f4", &shape, &[0; 8], b""));
        let err = Tensor::from_msgpack(&message).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::ShapeOverflow(_) | ErrorKind::LengthMismatch { .. }),
            "{shape:?}: {err}"
        );
        assert!(err.to_string().starts_with("values: "), "{err}");
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        let json = format!(
            r#"{{"name":"t","values":{{"data_b64":"AAAAAA==","shape":[{}],"dtype":"float32"}}}}"#,
            dims.join(",")
        );
        let err = Tensor::from_json(&json).unwrap_err();
        assert!(err.to_string().starts_with("values: "), "{err}");
    }
}

#[test]
fn negative_and_fractional_dims_are_refused() {
    let message = tensor_message(numpy_map("<f4", &[-1], &[0; 4], b""));
    assert_eq!(Tensor::from_msgpack(&message).unwrap_err().to_string(), "values.shape.0: -1 is not a dimension");
    for dim in ["-1", "1.5", "1e3", "\"2\""] {
        let json = format!(r#"{{"name":"t","values":{{"data_b64":"AAAAAA==","shape":[{dim}],"dtype":"float32"}}}}"#);
        let err = Tensor::from_json(&json).unwrap_err();
        assert!(err.to_string().starts_with("values.shape.0: "), "{dim}: {err}");
    }
}

#[test]
fn headers_claiming_four_billion_entries_are_refused() {
    for header in
        [&[0xdd, 0xff, 0xff, 0xff, 0xff][..], &[0xdf, 0xff, 0xff, 0xff, 0xff], &[0xdb, 0xff, 0xff, 0xff, 0xff]]
    {
        let mut message = vec![0x82, 0xa5, b'l', b'a', b'b', b'e', b'l', 0xa0, 0xa8];
        message.extend_from_slice(b"children");
        message.extend_from_slice(header);
        let err = Tree::from_msgpack(&message).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Syntax { .. } | ErrorKind::Validation { .. }), "{err}");
        assert!(err.to_string().starts_with("children: "), "{err}");
    }
}

fn deep_tree_json(depth: usize, field: &str) -> String {
    let mut text = String::new();
    for _ in 0..depth {
        text.push_str(&format!(r#"{{"label":"x","{field}":["#));
    }
    text.push_str(r#"{"label":"leaf","children":[]}"#);
    for _ in 0..depth {
        text.push_str("],\"children\":[]}");
    }
    text
}

#[test]
fn deep_nesting_is_bounded_in_known_and_unknown_fields() {
    for field in ["children", "unknown"] {
        let err = Tree::from_json(&deep_tree_json(100_000, field)).unwrap_err();
        assert!(err.to_string().ends_with("nesting deeper than 128 levels"), "{field}: {err}");
    }
    // msgpack: 100 000 nested single-element arrays under a known and an unknown key.
    for key in [&b"children"[..], b"unknown"] {
        let mut message = vec![0x82, 0xa5, b'l', b'a', b'b', b'e', b'l', 0xa0, 0xa0 | key.len() as u8];
        message.extend_from_slice(key);
        message.extend(std::iter::repeat_n(0x91, 100_000));
        message.push(0x90);
        let err = Tree::from_msgpack(&message).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::TooDeep(128) | ErrorKind::Validation { .. }),
            "{}: {err}",
            String::from_utf8_lossy(key)
        );
    }
    // Within the limit (each tree level is an object and an array), and with a custom limit.
    assert!(Tree::from_json(&deep_tree_json(60, "children")).is_ok());
    let limits = Limits { max_depth: 10, ..Limits::default() };
    let err =
        chainmodel::json::from_slice_with::<Tree>(deep_tree_json(20, "children").as_bytes(), &limits).unwrap_err();
    assert!(err.to_string().ends_with("nesting deeper than 10 levels"), "{err}");
}

#[test]
fn message_size_is_bounded() {
    let limits = Limits { max_message_size: 16, ..Limits::default() };
    let err = chainmodel::json::from_slice_with::<Counts>(br#"{"small": 1, "big": 2}"#, &limits).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::MessageTooLarge { size: 22, limit: 16 });
    let bytes = Counts { small: 1, big: 2 }.to_msgpack().unwrap();
    assert!(
        chainmodel::msgpack::from_slice_with::<Counts>(&bytes, &Limits { max_message_size: 4, ..Limits::default() })
            .is_err()
    );
}

#[test]
fn invalid_utf8_and_base64_are_located() {
    // Malformed JSON is pydantic's `json_invalid`, located by line and column as pydantic's
    // parser (jiter) locates it.
    let err = chainmodel::json::from_slice::<Tensor>(b"{\"name\":\"\xff\",\"values\":{}}").unwrap_err();
    assert_eq!(err.to_string(), "Invalid JSON: invalid unicode code point at line 1 column 10");
    let message = [0x82, 0xa4, b'n', b'a', b'm', b'e', 0xa1, 0xff];
    let err = Tensor::from_msgpack(&message).unwrap_err();
    assert!(err.to_string().starts_with("name: invalid msgpack at byte 7: invalid UTF-8"), "{err}");
    let err = Tensor::from_json(r#"{"name":"t","values":{"data_b64":"AAA*AA==","shape":[1],"dtype":"float32"}}"#)
        .unwrap_err();
    assert!(err.to_string().starts_with("values.data_b64: invalid base64"), "{err}");
}

#[test]
fn integer_overflow_is_located() {
    let err = Counts::from_json(r#"{"small": 256, "big": 1}"#).unwrap_err();
    // A Rust integer type's range is its bounds, as pydantic's `Field(ge=0, le=255)` words them.
    assert_eq!(err.to_string(), "small: Input should be less than or equal to 255");
    assert_eq!(err.to_pydantic_errors()[0]["ctx"], serde_json::json!({"le": 255}));
    let err = Counts::from_json(r#"{"small": -1, "big": 9223372036854775808}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 validation errors:\n  small: Input should be greater than or equal to 0\n  \
         big: Input should be less than or equal to 9223372036854775807"
    );
    let err = Counts::from_json(r#"{"small": 1, "big": 1e300}"#).unwrap_err();
    assert!(err.to_string().starts_with("big: "), "{err}");
    let mut message = vec![0x82, 0xa5, b's', b'm', b'a', b'l', b'l', 0xcd, 1, 0, 0xa3, b'b', b'i', b'g', 0xcf];
    message.extend_from_slice(&u64::MAX.to_be_bytes());
    let err = Counts::from_msgpack(&message).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 validation errors:\n  small: Input should be less than or equal to 255\n  \
         big: Input should be less than or equal to 9223372036854775807"
    );
}

/// Duplicate keys keep the last value, as pydantic (a Python dict) and Python's msgpack do.
#[test]
fn duplicate_keys_keep_the_last_value() {
    let counts = Counts::from_json(r#"{"small": 1, "big": 2, "small": 3}"#).unwrap();
    assert_eq!(counts, Counts { small: 3, big: 2 });
    let message =
        [0x83, 0xa5, b's', b'm', b'a', b'l', b'l', 1, 0xa3, b'b', b'i', b'g', 2, 0xa5, b's', b'm', b'a', b'l', b'l', 3];
    assert_eq!(Counts::from_msgpack(&message).unwrap(), Counts { small: 3, big: 2 });
}

#[test]
fn pydantic_style_error_lists() {
    let err = Tree::from_json(r#"{"label": "a", "children": [{"label": 3, "children": []}]}"#).unwrap_err();
    assert_eq!(
        err.to_pydantic_errors(),
        serde_json::json!([{
            "type": "string_type", "loc": ["children", 0, "label"], "msg": "Input should be a valid string", "input": 3
        }])
    );
    let err = Tree::from_json("{").unwrap_err();
    assert_eq!(err.to_pydantic_errors()[0]["type"], "json_invalid");
}

/// Nesting up to the limit fits the stack of a test thread (2 MiB), in a debug build.
#[test]
fn nesting_at_the_limit_fits_the_stack() {
    let depth = Limits::DEFAULT.max_depth;
    let json = "[".repeat(depth) + &"]".repeat(depth);
    assert!(chainmodel::json::from_str::<Value>(&json).is_ok());
    assert!(chainmodel::json::from_str::<serde_json::Value>(&json).is_ok());
    let mut message = vec![0x91; depth - 1];
    message.push(0x90);
    assert!(chainmodel::msgpack::from_slice::<Value>(&message).is_ok());
    assert!(Tree::from_json(&deep_tree_json(depth / 2 - 1, "children")).is_ok());
}

/// numpy allows 64 dimensions; more would only serve to make printing recurse deeply.
#[test]
fn more_than_64_dimensions_are_refused() {
    let dims = vec!["1"; 65].join(",");
    let json = format!(r#"{{"name":"t","values":{{"data_b64":"AAAAAA==","shape":[{dims}],"dtype":"float32"}}}}"#);
    assert_eq!(Tensor::from_json(&json).unwrap_err().to_string(), "values: arrays have at most 64 dimensions, got 65");
    let message = tensor_message(numpy_map("<f4", &[1; 65], &[0; 4], b""));
    assert_eq!(
        Tensor::from_msgpack(&message).unwrap_err().to_string(),
        "values: arrays have at most 64 dimensions, got 65"
    );
    assert!(AnyArray::from_bytes("<f4".parse().unwrap(), vec![1; 65], vec![0; 4]).is_err());
    assert!(AnyArray::from_bytes("<f4".parse().unwrap(), vec![1; 64], vec![0; 4]).is_ok());
}

/// A skipped value is still JSON: invalid UTF-8 and raw control characters in the string of
/// an unknown key are refused, as pydantic refuses them.
#[test]
fn skipped_strings_are_checked() {
    #[derive(ChainModel, Debug)]
    struct Point {
        x: i64,
    }
    for (input, message) in [
        // pydantic's words for each, checked with pydantic 2.14.
        (&b"{\"x\":1,\"note\":\"\xff\"}"[..], "Invalid JSON: invalid unicode code point at line 1 column 16"),
        (
            b"{\"x\":1,\"note\":[\"a\x01b\"]}",
            "Invalid JSON: control character (\\u0000-\\u001F) found while parsing a string at line 1 column 18",
        ),
        (b"{\"x\":1,\"note\":{\"k\":\"\\u00e9\xc3\"}}", "Invalid JSON: invalid unicode code point at line 1 column 23"),
        (b"{\"x\": \"\\ud800\"}", "Invalid JSON: unexpected end of hex escape at line 1 column 14"),
        (b"{\"x\": \"\\udc00\"}", "Invalid JSON: lone leading surrogate in hex escape at line 1 column 13"),
        (b"{\"x\": \"\\ud800\\u0041\"}", "Invalid JSON: lone leading surrogate in hex escape at line 1 column 19"),
        (b"{\"x\": \"\\q\"}", "Invalid JSON: invalid escape at line 1 column 9"),
        (b"{\"x\": \"\\u12\"}", "Invalid JSON: invalid escape at line 1 column 12"),
        (b"{\"x\": 01}", "Invalid JSON: invalid number at line 1 column 8"),
        (b"{\"x\": 1.}", "Invalid JSON: invalid number at line 1 column 9"),
        (b"{\"x\": -}", "Invalid JSON: invalid number at line 1 column 8"),
    ] {
        let err = chainmodel::json::from_slice::<Point>(input).unwrap_err();
        assert_eq!(err.to_string(), message, "{}", String::from_utf8_lossy(input));
        assert_eq!(err.to_pydantic_errors()[0]["type"], "json_invalid");
    }
    assert_eq!(chainmodel::json::from_slice::<Point>(b"{\"x\":1,\"note\":\"\\u00e9 ok\"}").unwrap().x, 1);
}
