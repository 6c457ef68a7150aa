//! JSON mode against real pydantic, for the model pairs of `tests/python/models.py`: the same
//! schema, Rust reads pydantic's JSON and writes it back byte for byte, and pydantic reads
//! Rust's JSON (which validates against Rust's schema) back to the same text.

mod common;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chainmodel::prelude::*;
use serde_json::{Value, json};

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct DataModel {
    some_numbers: NdArray<f64>,
    other_field: String,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Scalars {
    flag: bool,
    tiny: u8,
    small: i8,
    short: u16,
    signed_short: i16,
    word: u32,
    signed_word: i32,
    big: u64,
    signed_big: i64,
    single: f32,
    double: f64,
}

/// Strings of every escape class.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Texts<'a> {
    text: String,
    maybe: Option<Cow<'a, str>>,
    /// Borrowed from the input when it has no escapes.
    borrowed: &'a str,
}

/// A pydantic string enum.
#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(rename_all = "snake_case")]
enum Color {
    #[chain(rename = "red")]
    Red,
    Green,
    DeepBlue,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Point {
    x: i64,
    y: f64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Nested {
    point: Point,
    points: Vec<Point>,
    maybe_point: Option<Point>,
    named: BTreeMap<String, Point>,
    boxed: Box<Point>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Collections {
    ints: Vec<i64>,
    grid: Vec<Vec<f64>>,
    counts: BTreeMap<String, i64>,
    pair: (i64, String),
    triple: (f64, bool, Vec<i32>),
    raw_bytes_as_ints: Vec<u8>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Enums {
    color: Color,
    maybe_color: Option<Color>,
    #[chain(default = "green")]
    default_color: Color,
    colors: Vec<Color>,
}

fn green() -> Color {
    Color::Green
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Defaults {
    #[chain(default = "five")]
    count: i64,
    #[chain(default)]
    flag: bool,
    #[chain(default)]
    names: Vec<String>,
    #[chain(default = "Defaults::unnamed")]
    label: String,
    ratio: Option<f64>,
}

fn five() -> i64 {
    5
}

impl Defaults {
    fn unnamed() -> String {
        "unnamed".into()
    }
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
#[chain(rename_all = "camelCase")]
struct CamelCase {
    other_field: i64,
    snake_case_name: String,
    #[chain(rename = "primary", alias = "alt")]
    primary_value: i64,
}

/// Refuses unknown keys.
#[derive(ChainModel, Debug, Clone, PartialEq)]
#[chain(deny_unknown_fields)]
struct Strict {
    id: i64,
    name: String,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Skipped {
    kept: i64,
    #[chain(skip)]
    cache: Vec<String>,
}

/// A model with docs.
///
/// The second paragraph, indented in Rust as in Python.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Documented {
    /// The value, documented.
    value: i64,
    /// Two lines
    /// of docs.
    other: String,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Arrays<'a> {
    any_array: AnyArray,
    floats: NdArray<f32>,
    view: NdArrayView<'a, u8>,
    maybe_array: Option<AnyArray>,
    arrays: Vec<AnyArray>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Dynamic {
    payload: Value,
    items: Vec<Value>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Floats {
    values: Vec<f64>,
    singles: Vec<f32>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Embedding {
    id: i64,
    name: String,
    embedding: NdArray<f32>,
    score: f64,
}

/// truss's extension types: datetimes, a duration, a decimal, a UUID.
#[cfg(all(feature = "chrono", feature = "uuid", feature = "decimal"))]
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Temporal {
    at: chainmodel::chrono::DateTime<chainmodel::chrono::Utc>,
    day: chainmodel::chrono::NaiveDate,
    clock: chainmodel::chrono::NaiveTime,
    elapsed: chainmodel::chrono::TimeDelta,
    amount: chainmodel::rust_decimal::Decimal,
    key: chainmodel::uuid::Uuid,
    maybe_at: Option<chainmodel::chrono::DateTime<chainmodel::chrono::Utc>>,
    #[chain(default)]
    history: Vec<chainmodel::chrono::TimeDelta>,
}

/// Binary-only: it has a schema, but no JSON form in Rust.
#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Binary {
    blob: Bytes,
    label: String,
    maybe_blob: Option<Bytes>,
}

/// One model's JSON round trip and schema, by name.
struct Pair {
    name: &'static str,
    /// Reads JSON text and writes it again.
    rewrite: fn(&str) -> Result<String, chainmodel::Error>,
    /// Reads msgpack and writes it again: (aligned, compact).
    rewrite_msgpack: fn(&[u8]) -> Result<Encodings, chainmodel::Error>,
    schema: fn() -> Value,
    /// Reads a dict with `from_value` and writes `to_value` of the model as compact msgpack.
    rewrite_value: fn(&chainmodel::Value) -> Result<Vec<u8>, chainmodel::Error>,
}

/// A message in both binary encodings: (aligned, compact).
type Encodings = (Vec<u8>, Vec<u8>);

/// The aligned and compact encodings of what `bytes` decodes to.
fn msgpack_twice<'de, T: ChainModel + chainmodel::msgpack::MsgpackDecode<'de> + chainmodel::msgpack::MsgpackEncode>(
    bytes: &'de [u8],
) -> Result<Encodings, chainmodel::Error> {
    let value = T::from_msgpack(bytes)?;
    Ok((value.to_msgpack()?, chainmodel::msgpack::to_vec_compact(&value)?))
}

/// `from_value` of `value`, then `to_value` of the model, written as truss writes a dict.
fn value_twice<'v, T>(value: &'v chainmodel::Value) -> Result<Vec<u8>, chainmodel::Error>
where
    T: ChainModel + chainmodel::codec::Decode<'v> + chainmodel::codec::Encode,
{
    chainmodel::msgpack::to_vec_compact(&T::from_value(value)?.to_value()?)
}

macro_rules! pairs {
    ($($model:ident),* ; schema only: $($binary:ident),*) => {
        vec![
            $(Pair {
                name: stringify!($model),
                rewrite: |text| $model::from_json(text)?.to_json(),
                rewrite_msgpack: |bytes| msgpack_twice::<$model>(bytes),
                schema: $model::json_schema,
                rewrite_value: |value| value_twice::<$model>(value),
            },)*
            $(Pair {
                name: stringify!($binary),
                rewrite: |_| unreachable!("binary-only"),
                rewrite_msgpack: |bytes| msgpack_twice::<$binary>(bytes),
                schema: $binary::json_schema,
                rewrite_value: |value| value_twice::<$binary>(value),
            },)*
        ]
    };
}

fn all_pairs() -> Vec<Pair> {
    #[allow(unused_mut)]
    let mut pairs = pairs!(
        DataModel, Scalars, Texts, Nested, Collections, Enums, Defaults, CamelCase, Strict, Skipped, Documented, Arrays,
        Dynamic, Floats, Embedding; schema only: Binary
    );
    #[cfg(all(feature = "chrono", feature = "uuid", feature = "decimal"))]
    pairs.extend(pairs!(Temporal; schema only:));
    pairs
}

/// The model pairs whose Rust side needs features this build lacks.
fn needs_missing_features(name: &str) -> bool {
    name == "Temporal" && !cfg!(all(feature = "chrono", feature = "uuid", feature = "decimal"))
}

/// Values Rust builds itself, beyond pydantic's samples.
fn rust_texts() -> Vec<(&'static str, String)> {
    let floats: Vec<f64> = (-320..=308).step_by(7).map(|e| 1.2345678901234567 * 10f64.powi(e)).collect();
    let singles: Vec<f32> = (-45..=38).map(|e| 3.3f32 * 10f32.powi(e)).filter(|x| x.is_finite()).collect();
    let texts = vec![
        ("Floats", Floats { values: floats, singles }.to_json()),
        (
            "Texts",
            Texts { text: (0u8..=0x7f).map(char::from).collect(), maybe: Some("\u{10ffff}".into()), borrowed: "b" }
                .to_json(),
        ),
        (
            "Scalars",
            Scalars {
                flag: true,
                tiny: 1,
                small: -1,
                short: 2,
                signed_short: -2,
                word: 3,
                signed_word: -3,
                big: u64::MAX,
                signed_big: i64::MIN,
                single: f32::MIN_POSITIVE,
                double: f64::MAX,
            }
            .to_json(),
        ),
        (
            "Arrays",
            Arrays {
                any_array: NdArray::from_scalar(Complex::new(1.0f64, -1.0)).into(),
                floats: NdArray::from_shape_vec(vec![2, 1, 2], vec![0.5, -0.25, 1e-8, 3e8]).unwrap(),
                view: NdArrayView::from_shape_slice(vec![3], &[1, 2, 3]).unwrap(),
                maybe_array: None,
                arrays: vec![NdArray::from_vec(vec![f16::from_f32(0.1), f16::MAX]).into()],
            }
            .to_json(),
        ),
        ("Skipped", Skipped { kept: 1, cache: vec!["not on the wire".into()] }.to_json()),
    ];
    texts.into_iter().map(|(name, text)| (name, text.expect("JSON encoding does not fail"))).collect()
}

#[test]
fn json_and_schemas_match_pydantic() {
    let Some(python) = common::anchor_python("json_and_schemas_match_pydantic") else { return };
    let emitted: Value = serde_json::from_str(&common::run_script(&python, "model_cases.py", &["emit"], b"")).unwrap();
    let pairs = all_pairs();
    assert!(pairs.len() >= 15, "at least 15 model pairs");

    let mut texts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, samples) in emitted["samples"].as_object().unwrap() {
        if needs_missing_features(name) {
            eprintln!("interop: {name} skipped: build with --all-features (scripts/test does)");
            continue;
        }
        let pair = pairs.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no Rust model {name}"));
        for sample in samples.as_array().unwrap() {
            let text = sample.as_str().unwrap();
            let rewritten =
                (pair.rewrite)(text).unwrap_or_else(|e| panic!("{name}: Rust cannot read pydantic JSON: {e}\n{text}"));
            assert_eq!(rewritten, text, "{name}: Rust rewrites pydantic's JSON differently");
            texts.entry(pair.name).or_default().push(rewritten);
        }
    }
    for (name, text) in rust_texts() {
        texts.entry(name).or_default().push(text);
    }
    let schemas: serde_json::Map<String, Value> = pairs.iter().map(|p| (p.name.to_owned(), (p.schema)())).collect();
    for (name, schema) in &schemas {
        let (ours, theirs) =
            (serde_json::to_string(schema).unwrap(), serde_json::to_string(&emitted["schemas"][name]).unwrap());
        assert_eq!(ours, theirs, "{name}: schema differs from pydantic's (pydantic's on the right)");
    }
    let input = json!({"schemas": schemas, "texts": texts});
    let out = common::run_script(&python, "model_cases.py", &["check"], &serde_json::to_vec(&input).unwrap());
    eprintln!("interop: {}", out.trim());
}

#[test]
fn missing_options_and_defaults() {
    let d = Defaults::from_json("{}").unwrap();
    assert_eq!(d, Defaults { count: 5, flag: false, names: vec![], label: "unnamed".into(), ratio: None });
    let s = Skipped::from_json(r#"{"kept": 1, "cache": ["ignored"]}"#).unwrap();
    assert_eq!(s, Skipped { kept: 1, cache: vec![] });
}

#[test]
fn errors_are_located_like_pydantic() {
    let err = Nested::from_json(
        r#"{"point":{"x":1,"y":2},"points":[{"x":1,"y":2},{"x":"a","y":2}],"named":{},"boxed":{"x":1,"y":1}}"#,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "points.1.x: Input should be a valid integer, unable to parse string as an integer");
    let err = Nested::from_json(r#"{"point":{"x":1}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "4 validation errors:\n  point.y: Field required\n  points: Field required\n  named: Field required\n  \
         boxed: Field required"
    );
    let err = Strict::from_json(r#"{"id":1,"name":"n","extra":0}"#).unwrap_err();
    assert_eq!(err.to_string(), "extra: Extra inputs are not permitted");
    let err = Enums::from_json(r#"{"color":"blue","colors":[]}"#).unwrap_err();
    assert_eq!(err.to_string(), "color: Input should be 'red', 'green' or 'deep_blue'");
    let err = CamelCase::from_json(r#"{"other_field":1,"snakeCaseName":"s","primary":1}"#).unwrap_err();
    assert_eq!(err.to_string(), "otherField: Field required");
    let err = Texts::from_json(r#"{"text":"","borrowed":"a\nb"}"#).unwrap_err();
    assert!(err.to_string().starts_with("borrowed: a string with escapes cannot be borrowed"), "{err}");
}

#[test]
fn nan_and_infinities_are_written_as_null() {
    let f = Floats { values: vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.0], singles: vec![f32::NAN] };
    assert_eq!(f.to_json().unwrap(), r#"{"values":[null,null,null,1.0],"singles":[null]}"#);
}

#[test]
fn generic_models_and_hash_maps() {
    #[derive(ChainModel, Debug, PartialEq)]
    struct Wrapper<T> {
        items: Vec<T>,
        index: HashMap<String, T>,
    }
    let w =
        Wrapper { items: vec![Point { x: 1, y: 0.5 }], index: HashMap::from([("p".into(), Point { x: 2, y: 1.0 })]) };
    let text = w.to_json().unwrap();
    assert_eq!(text, r#"{"items":[{"x":1,"y":0.5}],"index":{"p":{"x":2,"y":1.0}}}"#);
    assert_eq!(Wrapper::<Point>::from_json(&text).unwrap(), w);
    assert_eq!(Wrapper::<Point>::json_schema()["$defs"]["Point"]["title"], "Point");
}

#[derive(ChainModel)]
struct LaxInt {
    v: i64,
}

#[derive(ChainModel)]
struct LaxFloat {
    v: f64,
}

#[derive(ChainModel)]
struct LaxBool {
    v: bool,
}

#[derive(ChainModel)]
struct LaxStr {
    v: String,
}

#[derive(ChainModel)]
struct LaxU8 {
    v: u8,
}

#[derive(ChainModel)]
struct LaxDateTime {
    v: chainmodel::AnyDateTime,
}

#[derive(ChainModel)]
struct LaxBigInt {
    v: chainmodel::BigInt,
}

#[derive(ChainModel)]
struct LaxDecimal {
    v: chainmodel::Decimal,
}

// Binary-only (a model with bytes has no JSON form).
#[derive(ChainModel)]
struct LaxBytes {
    v: chainmodel::Bytes,
}

/// Python's `repr` of bytes (`b'12'`, `b'it\'s'`, `b'\xff'`).
fn bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') { '"' } else { '\'' };
    let mut text = format!("b{quote}");
    for &b in bytes {
        match b {
            b'\\' => text.push_str("\\\\"),
            b'\t' => text.push_str("\\t"),
            b'\n' => text.push_str("\\n"),
            b'\r' => text.push_str("\\r"),
            b if char::from(b) == quote => text.extend(['\\', quote]),
            0x20..=0x7e => text.push(char::from(b)),
            b => text.push_str(&format!("\\x{b:02x}")),
        }
    }
    text.push(quote);
    text
}

/// Decodes the message in the case's mode: JSON text, or msgpack given in hex (mode
/// `value`: msgpack read as a dict, then the model read from the dict with `from_value`).
fn decode<M>(mode: &str, message: &str) -> Result<M, chainmodel::Error>
where
    M: ChainModel
        + for<'de> chainmodel::json::JsonDecode<'de>
        + chainmodel::json::JsonForm<chainmodel::json::Checked>
        + for<'de> chainmodel::msgpack::MsgpackDecode<'de>
        + for<'de> chainmodel::codec::Decode<'de>,
{
    if mode == "json" {
        return chainmodel::json::from_str(message);
    }
    let bytes: Vec<u8> = (0..message.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&message[i..i + 2], 16).expect("hex from the script"))
        .collect();
    if mode == "value" {
        return M::from_value(&chainmodel::msgpack::from_slice(&bytes)?);
    }
    chainmodel::msgpack::from_slice(&bytes)
}

/// Decodes a binary-only model's msgpack (given in hex) in `mode` (`msgpack` or `value`).
fn decode_binary<M>(mode: &str, message: &str) -> Result<M, chainmodel::Error>
where
    M: ChainModel + for<'de> chainmodel::msgpack::MsgpackDecode<'de> + for<'de> chainmodel::codec::Decode<'de>,
{
    let bytes: Vec<u8> = (0..message.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&message[i..i + 2], 16).expect("hex from the script"))
        .collect();
    match mode {
        "msgpack" => chainmodel::msgpack::from_slice(&bytes),
        "value" => M::from_value(&chainmodel::msgpack::from_slice(&bytes)?),
        other => panic!("a binary-only model has no {other} mode"),
    }
}

/// The value Rust reads for `{"v": input}` in `mode`, as Python's `repr`, or the error.
fn rust_lax(ty: &str, mode: &str, message: &str) -> Result<String, chainmodel::Error> {
    Ok(match ty {
        "int" => decode::<LaxInt>(mode, message)?.v.to_string(),
        "u8" => decode::<LaxU8>(mode, message)?.v.to_string(),
        "float" => {
            let v = decode::<LaxFloat>(mode, message)?.v;
            if v.is_nan() { "nan".into() } else { v.to_string() }
        }
        "bool" => if decode::<LaxBool>(mode, message)?.v { "True" } else { "False" }.into(),
        "str" => format!("'{}'", decode::<LaxStr>(mode, message)?.v),
        "decimal" => format!("Decimal('{}')", decode::<LaxDecimal>(mode, message)?.v),
        "bigint" => decode::<LaxBigInt>(mode, message)?.v.to_string(),
        "datetime" => {
            let text =
                chainmodel::json::to_string(&decode::<LaxDateTime>(mode, message)?.v).expect("a datetime writes");
            text.trim_matches('"').to_owned()
        }
        "bytes" => bytes_repr(&decode_binary::<LaxBytes>(mode, message)?.v),
        other => panic!("unknown type {other}"),
    })
}

#[test]
fn lax_scalars_agree_with_pydantic() {
    let Some(python) = common::anchor_python("lax_scalars_agree_with_pydantic") else { return };
    let cases: Value = serde_json::from_str(&common::run_script(&python, "model_cases.py", &["lax"], b"")).unwrap();
    let mut disagreements = Vec::new();
    // Binary mode's cases again through a dict: `from_value` of what the message reads to.
    let value_cases = cases.as_array().unwrap().iter().filter(|case| case["mode"] == "msgpack").map(|case| {
        let mut case = case.clone();
        case["mode"] = "value".into();
        case
    });
    let cases: Vec<Value> = cases.as_array().unwrap().iter().cloned().chain(value_cases).collect();
    for case in &cases {
        let (ty, input) = (case["type"].as_str().unwrap(), case["input"].as_str().unwrap());
        let (mode, message) = (case["mode"].as_str().unwrap(), case["message"].as_str().unwrap());
        let ours = rust_lax(ty, mode, message);
        let ty = format!("{ty} ({mode})");
        match (case["ok"].as_bool().unwrap(), ours) {
            (true, Ok(value)) => {
                let expected = case["value"].as_str().unwrap();
                let same = match case["type"].as_str().unwrap() {
                    // Python writes 1e+20 where Rust writes 100000000000000000000; compare numbers.
                    "float" => expected
                        .parse::<f64>()
                        .ok()
                        .zip(value.parse::<f64>().ok())
                        .is_some_and(|(a, b)| a == b || a.is_nan() && b.is_nan()),
                    _ => expected == value,
                };
                if !same {
                    disagreements.push(format!("{ty} from {input}: pydantic reads {expected}, Rust {value}"));
                }
            }
            (true, Err(e)) => disagreements.push(format!("{ty} from {input}: pydantic accepts it, Rust says {e}")),
            (false, Ok(value)) => {
                disagreements.push(format!("{ty} from {input}: pydantic refuses it, Rust reads {value}"))
            }
            (false, Err(e)) => {
                if !e.to_string().starts_with("v: ") {
                    disagreements.push(format!("{ty} from {input}: the error is not located: {e}"));
                }
            }
        }
    }
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}

mod renamed_crate {
    pub use chainmodel as cm;
}

#[test]
fn crate_path_can_be_overridden() {
    #[derive(renamed_crate::cm::ChainModel, Debug, PartialEq)]
    #[chain(crate = "renamed_crate::cm")]
    struct Through {
        value: u8,
    }
    assert_eq!(Through::from_json(r#"{"value":7}"#).unwrap(), Through { value: 7 });
}

#[test]
fn enums_and_views_in_json() {
    assert_eq!(Color::DeepBlue.to_json().unwrap(), r#""deep_blue""#);
    assert_eq!(Color::from_json(r#""red""#).unwrap(), Color::Red);
    assert_eq!(
        Color::json_schema(),
        json!({"enum": ["red", "green", "deep_blue"], "title": "Color", "type": "string", "description": "A pydantic string enum."})
    );
    let text = r#"{"any_array":{"data_b64":"AQ==","shape":[1],"dtype":"uint8"},"floats":{"data_b64":"AADAPw==","shape":[],"dtype":"float32"},"view":{"data_b64":"AQI=","shape":[2],"dtype":"uint8"},"arrays":[]}"#;
    let arrays = Arrays::from_json(text).unwrap();
    assert_eq!(arrays.view.as_slice(), &[1, 2]);
    assert_eq!(arrays.floats.as_slice(), &[1.5]);
    assert_eq!(arrays.maybe_array, None);
}

#[test]
fn msgpack_matches_truss() {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    let Some(python) = common::anchor_python("msgpack_matches_truss") else { return };
    let emitted: Value =
        serde_json::from_str(&common::run_script(&python, "msgpack_cases.py", &["emit"], b"")).unwrap();
    let pairs = all_pairs();
    let mut encodings: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for (name, samples) in emitted.as_object().unwrap() {
        if needs_missing_features(name) {
            continue;
        }
        let pair = pairs.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no Rust model {name}"));
        for sample in samples.as_array().unwrap() {
            let bytes = STANDARD.decode(sample.as_str().unwrap()).unwrap();
            let (aligned, compact) = (pair.rewrite_msgpack)(&bytes)
                .unwrap_or_else(|e| panic!("{name}: Rust cannot read truss's msgpack: {e}"));
            assert_eq!(compact, bytes, "{name}: to_vec_compact differs from truss's bytes");
            assert_eq!((pair.rewrite_msgpack)(&aligned).unwrap().1, bytes, "{name}: the aligned form reads back");
            encodings.entry(pair.name).or_default().push(json!({
                "aligned": STANDARD.encode(&aligned),
                "compact": STANDARD.encode(&compact),
            }));
        }
    }
    assert!(encodings.contains_key("Binary") && encodings.len() >= 16, "every model pair in binary mode");
    let out = common::run_script(&python, "msgpack_cases.py", &["check"], &serde_json::to_vec(&encodings).unwrap());
    eprintln!("interop: {}", out.trim());
}

/// `Model::from_value` agrees with pydantic's `model_validate` of what truss's deserializer
/// gives (accepts and refuses the same dicts, errors at one of pydantic's locations), and
/// `to_value` of what it reads, written as msgpack, is truss's `truss_msgpack_serialize` of
/// `model_dump(mode="python")` byte for byte: the models' samples, lax and invalid dicts.
#[test]
fn values_match_pydantic() {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    let Some(python) = common::anchor_python("values_match_pydantic") else { return };
    let cases: Value = serde_json::from_str(&common::run_script(&python, "value_cases.py", &["emit"], b"")).unwrap();
    let pairs = all_pairs();
    let (mut compared, mut disagreements) = (0, Vec::new());
    for case in cases.as_array().unwrap() {
        let name = case["model"].as_str().unwrap();
        if needs_missing_features(name) {
            continue;
        }
        let pair = pairs.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no Rust model {name}"));
        let message = STANDARD.decode(case["message"].as_str().unwrap()).unwrap();
        // The dict truss's deserializer gives, as chainmodel reads it.
        let dict: chainmodel::Value = chainmodel::msgpack::from_slice(&message).unwrap();
        compared += 1;
        match ((pair.rewrite_value)(&dict), case["ok"].as_bool().unwrap()) {
            (Ok(ours), true) => {
                let theirs = STANDARD.decode(case["dump"].as_str().unwrap()).unwrap();
                if ours != theirs {
                    disagreements.push(format!("{name} {dict}: to_value differs from model_dump\n  Rust:   {ours:02x?}\n  Python: {theirs:02x?}"));
                }
            }
            (Err(e), true) => disagreements.push(format!("{name} {dict}: pydantic accepts it, Rust says {e}")),
            (Ok(_), false) => disagreements.push(format!("{name} {dict}: pydantic refuses it, Rust accepts it")),
            // Refused by pydantic without a location (an exception it does not wrap).
            (Err(_), false) if case["locations"].is_null() => {}
            (Err(e), false) => {
                let location: Vec<String> = e.location().iter().map(ToString::to_string).collect();
                let location = location.join(".");
                let theirs: Vec<&str> =
                    case["locations"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
                // Known: a tuple of the wrong length is located at the tuple in both modes
                // (the codec's tuple decoder), where pydantic names the missing item.
                let tuple_length = e.to_string().contains("expected an array of")
                    && theirs
                        .iter()
                        .any(|l| l.strip_prefix(location.as_str()).is_some_and(|rest| rest.starts_with('.')));
                if !theirs.contains(&location.as_str()) && !tuple_length {
                    disagreements.push(format!(
                        "{name} {dict}: Rust locates its error at `{location}` ({e}), pydantic at {theirs:?}"
                    ));
                }
            }
        }
    }
    assert!(compared >= 60, "every sample and case compared");
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
    eprintln!("interop: from_value and to_value agree with pydantic on {compared} dicts");
}
