//! The text of `json.loads`'s exception for malformed request bodies, against Python's own in
//! `tests/python/json_error_cases.py`: for every input of its corpus (classics, and every
//! truncation, deletion, replacement and insertion of a byte in realistic bodies), the Rust
//! emulation names the same first error in the same words, or accepts what Python accepts.

mod common;

use serde_json::Value;

/// The bytes of a hex string, as Python's `bytes.hex()` writes them.
fn from_hex(hex: &str) -> Vec<u8> {
    assert!(hex.len().is_multiple_of(2), "odd hex length: {hex}");
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits")).collect()
}

#[test]
fn python_json_errors_match_json_loads() {
    let Some(python) = common::anchor_python("python_json_errors_match_json_loads") else { return };
    let out = common::run_script(&python, "json_error_cases.py", &[], b"");
    let cases: Vec<Value> = serde_json::from_str(&out).expect("the script prints a JSON list");
    assert!(cases.len() >= 300, "only {} cases", cases.len());

    let mut failures = Vec::new();
    for case in &cases {
        let input = from_hex(case["input"].as_str().expect("input is hex"));
        let expected = case["error"].as_str();
        let actual = chainmodel::json::python_json_error_text(&input);
        if actual.as_deref() != expected {
            failures.push(format!(
                "input {:?}\n  python: {expected:?}\n  rust:   {actual:?}",
                String::from_utf8_lossy(&input[..input.len().min(200)])
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
    // Every kind of error the corpus is meant to reach is in it.
    let texts: Vec<&str> = cases.iter().filter_map(|case| case["error"].as_str()).collect();
    for kind in [
        "Expecting value",
        "Expecting property name enclosed in double quotes",
        "Expecting ':' delimiter",
        "Expecting ',' delimiter",
        "Unterminated string starting at",
        "Invalid control character at",
        "Invalid \\escape",
        "Invalid \\uXXXX escape",
        "Extra data",
        "invalid start byte",
        "invalid continuation byte",
        "unexpected end of data",
        "truncated data",
        "code point not in range(0x110000)",
        "Exceeds the limit (4300 digits)",
    ] {
        assert!(texts.iter().any(|text| text.contains(kind)), "no case raises {kind:?}");
    }
    assert!(cases.iter().any(|case| case["error"].is_null()), "no valid input in the corpus");
}

/// The text of truss's 400 for a binary body `msgpack.unpackb` refuses, against msgpack's own
/// in `tests/python/unpack_error_cases.py`: for every body of its corpus, the Rust emulation
/// finds the same first error in the same words, or accepts what msgpack reads.
#[test]
fn truss_unpack_errors_match_msgpack() {
    let Some(python) = common::anchor_python("truss_unpack_errors_match_msgpack") else { return };
    let out = common::run_script(&python, "unpack_error_cases.py", &[], b"");
    let cases: Vec<Value> = serde_json::from_str(&out).expect("the script prints a JSON list");
    assert!(cases.len() >= 1000, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let input = from_hex(case["input"].as_str().expect("input is hex"));
        let expected = case["error"].as_str();
        let actual = chainmodel::msgpack::truss_unpack_error_text(&input);
        if actual.as_deref() != expected {
            failures.push(format!("input {input:?}\n  msgpack: {expected:?}\n  rust:    {actual:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}
