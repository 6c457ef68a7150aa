//! Field constraints (`ge`, `gt`, `le`, `lt`, `multiple_of`, `min_length`, `max_length`,
//! `pattern`) against pydantic's `Field` in `tests/python/constraint_cases.py`: the schemas are
//! equal, and every boundary input is accepted or refused by both, in JSON and in binary mode,
//! refusals with pydantic's whole list of error types, locations, messages and ctx. Item constraints
//! (`items(..)`, `values(..)`) and a strict model are among them.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chainmodel::{ChainModel, Error};
use serde_json::{Value, json};

fn five() -> i64 {
    5
}
fn one_f() -> f64 {
    1.0
}
fn four() -> i64 {
    4
}
fn ab() -> String {
    "ab".into()
}
fn list_one() -> Vec<i64> {
    vec![1]
}
fn map_one() -> BTreeMap<String, i64> {
    BTreeMap::from([("a".to_owned(), 1)])
}
fn set_one() -> BTreeSet<i64> {
    BTreeSet::from([1])
}
fn a1() -> String {
    "a1".into()
}
fn b() -> String {
    "b".into()
}

#[derive(ChainModel, Debug)]
struct Numbers {
    #[chain(default = "five", ge = 1)]
    n: i64,
    #[chain(default = "one_f", gt = 0, le = 10)]
    x: f64,
    #[chain(default = "four", lt = 100, multiple_of = 2)]
    m: i64,
    #[chain(default = "one_f", multiple_of = 0.5)]
    h: f64,
    #[chain(ge = -3)]
    o: Option<i64>,
    #[chain(default, ge = -1.5, lt = 2.5)]
    f: f64,
}

#[derive(ChainModel, Debug)]
struct Lengths {
    #[chain(default = "ab", min_length = 1, max_length = 3)]
    s: String,
    #[chain(default = "list_one", min_length = 1, max_length = 2)]
    l: Vec<i64>,
    #[chain(default = "map_one", min_length = 1, max_length = 2)]
    d: BTreeMap<String, i64>,
    #[chain(default = "set_one", min_length = 1, max_length = 2)]
    st: BTreeSet<i64>,
    #[chain(max_length = 2)]
    o: Option<String>,
    #[chain(default, max_length = 1)]
    one: Vec<i64>,
}

#[derive(ChainModel, Debug)]
struct Patterns {
    #[chain(default = "a1", pattern = "^a[0-9]+")]
    p: String,
    #[chain(default = "b", pattern = "b")]
    q: String,
    #[chain(pattern = r"^\d{3}-\w+$")]
    u: Option<String>,
}

#[derive(ChainModel, Debug)]
struct Required {
    #[chain(ge = 1)]
    n: i64,
    #[chain(min_length = 1)]
    s: String,
}

fn one_two() -> Vec<i64> {
    vec![1, 2]
}
fn none() -> Option<i64> {
    None
}

#[derive(ChainModel, Debug)]
struct Nullable {
    #[chain(required, ge = 1)]
    o: Option<i64>,
    #[chain(required)]
    s: Option<String>,
    #[chain(default_factory = "one_two", max_length = 2)]
    made: Vec<i64>,
    #[chain(default_factory = "none")]
    maybe: Option<i64>,
}

#[derive(ChainModel, Debug)]
struct Items {
    #[chain(default, items(min_length = 1))]
    tags: Vec<String>,
    #[chain(default, values(ge = 0))]
    scores: BTreeMap<String, i64>,
    #[chain(items(gt = 0, le = 100))]
    ids: Option<Vec<i64>>,
    #[chain(default, items(pattern = "^[A-Z]{2}$"))]
    codes: BTreeSet<String>,
    #[chain(default, max_length = 3, items(max_length = 2))]
    short: Vec<String>,
}

// RootModels with pydantic's `root: list[str] = Field(min_length=1, max_length=3)`, item
// constraints, and a pattern: errors located at the value itself, as pydantic locates them.
// (Plain comments: a doc comment would be the schema's description.)
#[derive(ChainModel, Debug)]
struct Batch(#[chain(min_length = 1, max_length = 3)] Vec<String>);

#[derive(ChainModel, Debug)]
struct Scores(#[chain(items(ge = 0))] Vec<i64>);

#[derive(ChainModel, Debug)]
struct Name(#[chain(pattern = "^[a-z]+$")] String);

#[derive(ChainModel, Debug)]
#[chain(strict)]
struct StrictOnes {
    #[chain(default, ge = 0)]
    n: i64,
    #[chain(default)]
    f: f64,
    s: Option<String>,
}

// Integer bounds compared as integers, near every integer type's ends; a value beyond the field's
// type is refused with the field's own bound (or its type's range where pydantic's schema has it).
#[derive(ChainModel, Debug)]
struct IntBounds {
    #[chain(default, le = 9007199254740992)]
    big: i64,
    #[chain(default, multiple_of = 100)]
    hundred: i64,
    #[chain(default, ge = -9223372036854775807)]
    low: i64,
    #[chain(default, le = 10)]
    ten: i64,
    #[chain(default, lt = -5)]
    size: isize,
    #[chain(default, le = 18446744073709551614)]
    top: u64,
    #[chain(default, gt = 18446744073709551613)]
    above: u64,
    #[chain(default, lt = 18446744073709551615)]
    below_max: u64,
    #[chain(default, multiple_of = 3)]
    three: u64,
    #[chain(default, ge = 5)]
    usz: usize,
    #[chain(default, le = 200)]
    small: u8,
    #[chain(default, lt = 10)]
    tiny: u8,
    #[chain(default, gt = -128)]
    byte: i8,
    #[chain(default, ge = 1, multiple_of = 7)]
    short: u16,
    #[chain(default, lt = -32767)]
    signed_short: i16,
    #[chain(default, le = 4294967294)]
    word: u32,
    #[chain(default, ge = -2147483647, multiple_of = 1000)]
    signed_word: i32,
    #[chain(default, le = 9007199254740993)]
    f: f64,
    #[chain(default, items(le = 10))]
    items: Vec<i64>,
    #[chain(default, rename = "bytes", items(lt = 10))]
    bytes_: Vec<u8>,
}

type Decoder = fn(&str, &[u8]) -> (Result<(), Error>, Result<(), Error>);

macro_rules! decoder {
    ($model:ty) => {
        |text, packed| (<$model>::from_json(text).map(drop), <$model>::from_msgpack(packed).map(drop))
    };
}

/// `[type, loc, msg, ctx]` of each error (`ctx` null where it has none).
fn errors(error: &Error) -> Vec<Value> {
    let errors = error.to_pydantic_errors();
    errors.as_array().unwrap().iter().map(|e| json!([e["type"], e["loc"], e["msg"], e.get("ctx")])).collect()
}

#[test]
fn constraints_match_pydantic() {
    let Some(python) = common::anchor_python("constraints_match_pydantic") else { return };
    let emitted: Value =
        serde_json::from_str(&common::run_script(&python, "constraint_cases.py", &["emit"], b"")).unwrap();
    let models: [(&str, Value, Decoder); 11] = [
        ("Numbers", Numbers::json_schema(), decoder!(Numbers)),
        ("Lengths", Lengths::json_schema(), decoder!(Lengths)),
        ("Patterns", Patterns::json_schema(), decoder!(Patterns)),
        ("Required", Required::json_schema(), decoder!(Required)),
        ("Nullable", Nullable::json_schema(), decoder!(Nullable)),
        ("Items", Items::json_schema(), decoder!(Items)),
        ("StrictOnes", StrictOnes::json_schema(), decoder!(StrictOnes)),
        ("Batch", Batch::json_schema(), decoder!(Batch)),
        ("Scores", Scores::json_schema(), decoder!(Scores)),
        ("Name", Name::json_schema(), decoder!(Name)),
        ("IntBounds", IntBounds::json_schema(), decoder!(IntBounds)),
    ];
    let mut failures = Vec::new();
    let mut compared = 0;
    for (name, schema, decode) in models {
        let entry = &emitted[name];
        if schema != entry["schema"] {
            failures.push(format!("{name}: schema\n  Rust:     {schema}\n  pydantic: {}", entry["schema"]));
        }
        for case in entry["cases"].as_array().unwrap() {
            let text = case["json"].as_str().unwrap();
            // A value msgpack cannot hold (an integer beyond 64 bits) is compared in JSON only.
            let packed = case["msgpack"].as_str().map(hex);
            let (json, msgpack) = decode(text, packed.as_deref().unwrap_or_default());
            let mut verdicts = vec![("JSON", json, &case["json_errors"])];
            if packed.is_some() {
                verdicts.push(("msgpack", msgpack, &case["msgpack_errors"]));
            }
            for (mode, ours, theirs) in verdicts {
                compared += 1;
                match (ours, theirs.as_array()) {
                    (Ok(()), None) => {}
                    (Ok(()), Some(theirs)) => {
                        failures.push(format!("{name} {mode} {text}: Rust accepts, pydantic refuses: {theirs:?}"))
                    }
                    (Err(e), None) => {
                        failures.push(format!("{name} {mode} {text}: Rust refuses ({e}), pydantic accepts"))
                    }
                    (Err(e), Some(theirs)) => {
                        let ours = errors(&e);
                        if &ours != theirs {
                            failures
                                .push(format!("{name} {mode} {text}:\n  Rust:     {ours:?}\n  pydantic: {theirs:?}"));
                        }
                    }
                }
            }
        }
    }
    assert!(compared >= 400, "only {compared} verdicts compared");
    assert!(failures.is_empty(), "{} disagreements with pydantic:\n{}", failures.len(), failures.join("\n"));
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// A constraint costs nothing until its field is read, and a default is not checked (as pydantic
/// does not validate defaults).
#[test]
fn defaults_are_not_checked() {
    #[derive(ChainModel, Debug)]
    struct Lenient {
        #[chain(default, ge = 1)]
        n: i64,
    }
    assert_eq!(Lenient::from_json("{}").unwrap().n, 0);
    let error = Lenient::from_json(r#"{"n": 0}"#).unwrap_err();
    assert_eq!(error.to_string(), "n: Input should be greater than or equal to 1");
}
