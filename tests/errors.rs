//! Every error of an input, as pydantic reports them, at the corners the differential test
//! (`tests/interop_errors.rs`) does not reach: the cap on a message with a million bad items,
//! decoding that goes on correctly past a bad value, malformed input found after bad values,
//! inputs kept only when small, values in memory, validators and strict fields seen from Rust.

use std::collections::BTreeMap;

use chainmodel::{ChainModel, Error, Value, value};
use serde_json::json;

#[derive(ChainModel, Debug, PartialEq)]
struct Point {
    x: i64,
    y: i64,
}

/// docs/errors.md's example, as written there.
#[test]
fn the_readme_example() {
    let err = Point::from_json(r#"{"y": "two", "z": 1}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 validation errors:\n  x: Field required\n  y: Input should be a valid integer, unable to parse string as an integer"
    );
    assert_eq!(err.count(), 2);
    assert!(!err.is_truncated());
}

#[derive(ChainModel, Debug)]
struct Numbers {
    values: Vec<i64>,
}

/// A million bad items cost `Error::MAX_ERRORS` errors: decoding stops there, and every
/// rendering of the error says so.
#[test]
fn a_million_bad_items_are_capped() {
    let text = format!(r#"{{"values": [{}"x"]}}"#, r#""x","#.repeat(999_999));
    let packed = {
        let items: Vec<Value> = (0..1_000_000).map(|_| Value::from("x")).collect();
        chainmodel::msgpack::to_vec(&value!({"values": (Value::List(items))})).unwrap()
    };
    for err in [Numbers::from_json(&text).unwrap_err(), Numbers::from_msgpack(&packed).unwrap_err()] {
        assert_eq!(err.count(), Error::MAX_ERRORS);
        assert!(err.is_truncated());
        let errors = err.to_pydantic_errors();
        let errors = errors.as_array().unwrap();
        assert_eq!(errors.len(), Error::MAX_ERRORS);
        assert_eq!(errors[999]["loc"], json!(["values", 999]));
        assert_eq!(errors[999]["input"], json!("x"));
        let last = "(decoding stopped after 1000 errors: more may follow)";
        assert!(err.to_string().starts_with("1000 validation errors:\n  values.0: Input should be"), "{err}");
        assert!(err.to_string().ends_with(last), "{err}");
        let text = err.to_truss_text();
        assert!(text.starts_with("Input Parsing Errors:\n  `values[0]`: Input should be a valid integer"), "{text}");
        assert!(text.ends_with(&format!("\n  {last}")), "{text}");
        assert_eq!(text.lines().count(), 1 + 1000 + 1);
    }
    // Under the cap, every error and no such line.
    let text = format!(r#"{{"values": [{}"x"]}}"#, r#""x","#.repeat(998));
    let err = Numbers::from_json(&text).unwrap_err();
    assert_eq!((err.count(), err.is_truncated()), (999, false));
    assert!(!err.to_truss_text().contains("stopped"));
}

#[derive(ChainModel, Debug, PartialEq)]
struct Tree {
    label: String,
    #[chain(default)]
    children: Vec<Tree>,
    #[chain(default)]
    weights: BTreeMap<String, f64>,
}

/// A bad value is skipped whole, nesting and all, so what follows it is read as if it were not
/// there: the good items around bad ones decode, and the errors name only the bad ones.
#[test]
fn decoding_goes_on_past_bad_values() {
    let text = r#"{"label": "root", "children": [
        {"label": 1, "children": [{"label": "deep", "children": [{"label": []}]}], "weights": {"a": "heavy"}},
        {"label": "ok", "weights": {"a": 1.5, "b": "x", "c": [1, {"d": 2}]}},
        {"label": {"nested": [1, 2, {"x": "y"}]}, "children": "no"}
    ], "weights": {"z": 1}}"#;
    let err = Tree::from_json(text).unwrap_err();
    let locs: Vec<String> = err.iter().map(|(_, loc)| format!("{loc:?}")).collect();
    assert_eq!(
        err.to_string(),
        "7 validation errors:
  children.0.label: Input should be a valid string
  children.0.children.0.children.0.label: Input should be a valid string
  children.0.weights.a: Input should be a valid number, unable to parse string as a number
  children.1.weights.b: Input should be a valid number, unable to parse string as a number
  children.1.weights.c: Input should be a valid number
  children.2.label: Input should be a valid string
  children.2.children: Input should be a valid array",
        "{locs:?}"
    );
    // Each error keeps the value it is about, as pydantic's `input` shows it.
    let errors = err.to_pydantic_errors();
    assert_eq!(errors[4]["input"], json!([1, {"d": 2}]));
    assert_eq!(errors[5]["input"], json!({"nested": [1, 2, {"x": "y"}]}));
    // The same in binary mode, from the same value.
    let value: Value = chainmodel::json::from_str(text).unwrap();
    let packed = chainmodel::msgpack::to_vec(&value).unwrap();
    let binary = Tree::from_msgpack(&packed).unwrap_err();
    let types =
        |e: &Error| e.to_pydantic_errors().as_array().unwrap().iter().map(|e| e["type"].clone()).collect::<Vec<_>>();
    assert_eq!(types(&binary), types(&err));
    assert_eq!(binary.to_pydantic_errors()[6]["msg"], "Input should be a valid list");
}

/// Malformed JSON anywhere is the one error, even after values that were wrong: pydantic parses
/// the whole text before it validates.
#[test]
fn malformed_json_after_bad_values_is_the_one_error() {
    let err = Point::from_json(r#"{"x": "a", "y": "b", "z": [1, 2}"#).unwrap_err();
    assert_eq!(err.count(), 1);
    assert_eq!(err.to_string(), "Invalid JSON: expected `,` or `]` at line 1 column 32");
    assert_eq!(err.input(), Some(json!(r#"{"x": "a", "y": "b", "z": [1, 2}"#)));
    // Malformed msgpack likewise (truss's deserializer reads the whole message first).
    let mut packed = chainmodel::msgpack::to_vec(&value!({"x": "a", "y": "b"})).unwrap();
    packed.push(0xc1);
    assert_eq!(Point::from_msgpack(&packed).unwrap_err().kind().pydantic_type(), "msgpack_invalid");
}

/// An error keeps its input when the value is small; a large value is not copied into it.
#[test]
fn inputs_are_kept_when_small() {
    let small = format!(r#"{{"x": "{}", "y": 1}}"#, "a".repeat(Error::MAX_INPUT - 2));
    assert_eq!(Point::from_json(&small).unwrap_err().input(), Some(json!("a".repeat(Error::MAX_INPUT - 2))));
    let large = format!(r#"{{"x": "{}", "y": 1}}"#, "a".repeat(Error::MAX_INPUT));
    let err = Point::from_json(&large).unwrap_err();
    assert_eq!(err.input(), None);
    assert_eq!(err.to_pydantic_errors()[0].get("input"), None);
    // A missing field's input is its model's object.
    let err = Point::from_json(r#"{"x": 1}"#).unwrap_err();
    assert_eq!(err.input(), Some(json!({"x": 1})));
}

/// A value in memory is read as binary mode reads msgpack, every error included (no input is
/// kept: the value is the caller's already).
#[test]
fn values_in_memory_report_every_error() {
    let err = Tree::from_value(&value!({"label": 1, "children": [{"label": "a"}, {"label": true}]})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 validation errors:\n  label: Input should be a valid string\n  children.1.label: Input should be a valid string"
    );
    assert_eq!(err.input(), None);
}

fn not_blank(text: &str) -> Result<(), String> {
    if text.trim().is_empty() { Err("must not be blank".into()) } else { Ok(()) }
}

fn ordered(range: &Range) -> Result<(), &'static str> {
    if range.lo <= range.hi { Ok(()) } else { Err("lo must not exceed hi") }
}

#[derive(ChainModel, Debug)]
#[chain(validate = "ordered")]
struct Range {
    #[chain(ge = 0)]
    lo: i64,
    #[chain(strict)]
    hi: i64,
    #[chain(default, validate = "not_blank", min_length = 1)]
    name: String,
}

/// Validators run after the value decoded and its constraints held, as pydantic's `after`
/// validators do; the model's only when every field is valid. Strict fields refuse lax input.
#[test]
fn validators_and_strict_fields() {
    assert!(Range::from_json(r#"{"lo": 1, "hi": 2, "name": "r"}"#).is_ok());
    let err = Range::from_json(r#"{"lo": 3, "hi": 2}"#).unwrap_err();
    assert_eq!(
        err.to_pydantic_errors(),
        json!([{"type": "value_error", "loc": [], "msg": "Value error, lo must not exceed hi",
                "input": {"lo": 3, "hi": 2}, "ctx": {"error": "lo must not exceed hi"}}])
    );
    // A field's validator does not run when its constraint fails; the model's does not run at all.
    let err = Range::from_json(r#"{"lo": -1, "hi": "2", "name": ""}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "3 validation errors:\n  lo: Input should be greater than or equal to 0\n  hi: Input should be a valid integer\n  \
         name: String should have at least 1 character"
    );
    let err = Range::from_json(r#"{"lo": 1, "hi": 2, "name": "  "}"#).unwrap_err();
    assert_eq!(err.to_string(), "name: Value error, must not be blank");
    // Strictness is the field's: `lo` stays lax.
    assert_eq!(Range::from_json(r#"{"lo": "1", "hi": 2}"#).unwrap().lo, 1);
}

/// A union's members are each tried with errors collected; the union reports each member's,
/// each error with its own input, as pydantic does.
#[test]
fn union_members_report_their_errors() {
    #[derive(ChainModel, Debug)]
    enum PointOrNumber {
        #[chain(rename = "Point")]
        Point(Point),
        #[chain(rename = "int")]
        Number(i64),
    }
    #[derive(ChainModel, Debug)]
    struct Holder {
        value: PointOrNumber,
    }
    let err = Holder::from_json(r#"{"value": {"x": "a"}}"#).unwrap_err();
    assert_eq!(
        err.to_pydantic_errors(),
        json!([
            {"type": "int_parsing", "loc": ["value", "Point", "x"], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "a"},
            {"type": "missing", "loc": ["value", "Point", "y"], "msg": "Field required", "input": {"x": "a"}},
            {"type": "int_type", "loc": ["value", "int"], "msg": "Input should be a valid integer", "input": {"x": "a"}},
        ])
    );
}

/// A key given twice keeps its last value, as pydantic does: an earlier bad value is forgotten,
/// a later bad one is the error. (A dict reports every bad value, as pydantic's does.)
#[test]
fn a_key_given_twice_keeps_its_last_value() {
    assert_eq!(Point::from_json(r#"{"x": "a", "y": 2, "x": 1}"#).unwrap(), Point { x: 1, y: 2 });
    let err = Point::from_json(r#"{"x": 1, "y": 2, "x": "a"}"#).unwrap_err();
    assert_eq!(err.to_string(), "x: Input should be a valid integer, unable to parse string as an integer");
    let err = chainmodel::json::from_str::<BTreeMap<String, i64>>(r#"{"a": "z", "a": 2}"#).unwrap_err();
    assert_eq!(err.to_string(), "a: Input should be a valid integer, unable to parse string as an integer");
}
