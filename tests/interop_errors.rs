//! Every error, as pydantic reports it (issue 15): the same bad inputs, in JSON and in binary
//! mode, fed to pydantic (`tests/python/error_cases.py`) and to chainmodel, and the whole error
//! lists compared: `[type, loc, msg]` of every error, in pydantic's order and count
//! (`errors_match_pydantic`), then each error's `ctx` and, in JSON mode, its `input`
//! (`error_inputs_and_ctx_match_pydantic`).
//!
//! The cases cover the error types chainmodel shares with pydantic (missing, extra_forbidden,
//! int_parsing, int_from_float, int_type, float_parsing, float_type, bool_parsing, bool_type,
//! string_type, list_type, dict_type, model_type, enum, literal_error, union_tag_invalid,
//! union_tag_not_found, json_invalid, too_short, too_long, greater_than*, less_than*,
//! multiple_of, string_too_short/long, string_pattern_mismatch, uuid_parsing, uuid_type,
//! datetime_*), nested in models, lists and dict values, several errors in one input, and a
//! list of 5000 bad items (chainmodel caps its error list at `ERROR_CAP`). Strict mode,
//! validators and item constraints have models of their own.

mod common;

use std::collections::BTreeMap;

use chainmodel::{ChainModel, Error};
use serde_json::{Value, json};

/// How many errors chainmodel reports at most: a longer list from pydantic is compared on its
/// first `ERROR_CAP` errors, and chainmodel's list must hold exactly `ERROR_CAP`.
const ERROR_CAP: usize = 1000;

// Scalars and containers, extra keys forbidden; fields deliberately not in alphabetical order.

#[derive(ChainModel, Debug)]
#[chain(deny_unknown_fields)]
struct Scalars {
    zeta: i64,
    alpha: f64,
    mid: bool,
    name: String,
    tags: Vec<String>,
    meta: BTreeMap<String, i64>,
}

// Nested models, in a field, in lists, in dict values, and lists of lists.

#[derive(ChainModel, Debug)]
#[chain(deny_unknown_fields)]
struct Point {
    x: i64,
    y: f64,
}

#[derive(ChainModel, Debug)]
struct Scene {
    origin: Point,
    #[chain(default)]
    points: Vec<Point>,
    #[chain(default)]
    by_name: BTreeMap<String, Point>,
    #[chain(default)]
    grid: Vec<Vec<i64>>,
}

// `class Kind(str, Enum)` and literals.

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(rename_all = "lowercase")]
enum Kind {
    Image,
    Audio,
    #[default]
    Text,
}

// `Literal[8000, 16000]`.
#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal)]
enum Rate {
    Hz8000 = 8000,
    #[default]
    Hz16000 = 16000,
}

// `Literal["a", "b"]`.
#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal, rename_all = "lowercase")]
enum Mode {
    #[default]
    A,
    B,
}

#[derive(ChainModel, Debug)]
struct Choices {
    #[chain(default)]
    kind: Kind,
    #[chain(default)]
    rate: Rate,
    #[chain(default)]
    mode: Mode,
    #[chain(default)]
    kinds: Vec<Kind>,
}

// `Annotated[Union[TextPart, ImagePart], Field(discriminator="type")]`.

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(literal, rename_all = "lowercase")]
enum TextTag {
    Text,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(literal, rename_all = "lowercase")]
enum ImageTag {
    Image,
}

#[derive(ChainModel, Debug)]
struct TextPart {
    #[chain(rename = "type")]
    tag: TextTag,
    text: String,
}

#[derive(ChainModel, Debug)]
struct ImagePart {
    #[chain(rename = "type")]
    tag: ImageTag,
    url: String,
    #[chain(default)]
    width: i64,
}

#[derive(ChainModel, Debug)]
#[chain(tag = "type", rename_all = "lowercase")]
enum Part {
    Text(TextPart),
    Image(ImagePart),
}

#[derive(ChainModel, Debug)]
struct Message {
    part: Option<Part>,
    #[chain(default)]
    parts: Vec<Part>,
}

// Constraints (defaults are not checked, so each case only fails where it says).

#[derive(ChainModel, Debug)]
struct Bounded {
    #[chain(default, ge = 1, le = 10)]
    n: i64,
    #[chain(default, gt = 0, lt = 1)]
    x: f64,
    #[chain(default, multiple_of = 3)]
    m: i64,
    #[chain(default, min_length = 2, max_length = 4)]
    s: String,
    #[chain(default, pattern = "^[a-z]+$")]
    p: String,
    #[chain(default, min_length = 1, max_length = 3)]
    l: Vec<i64>,
    #[chain(default)]
    rows: Vec<BoundedRow>,
}

#[derive(ChainModel, Debug)]
struct BoundedRow {
    #[chain(default, gt = -1, le = 1)]
    v: f64,
    #[chain(default, lt = 5)]
    w: i64,
}

// Many errors at once.

#[derive(ChainModel, Debug)]
struct Many {
    #[chain(default)]
    values: Vec<i64>,
}

// UUIDs and datetimes (features `uuid` and `chrono`).

#[cfg(all(feature = "chrono", feature = "uuid"))]
mod temporal {
    use chainmodel::ChainModel;
    use chainmodel::chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
    use chainmodel::uuid::Uuid;

    fn aware() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z").unwrap()
    }

    fn naive() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2020, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
    }

    #[derive(ChainModel, Debug)]
    pub struct Temporal {
        #[chain(default)]
        id: Uuid,
        #[chain(default = "aware")]
        at: DateTime<FixedOffset>,
        #[chain(default = "naive")]
        naive: NaiveDateTime,
        #[chain(default)]
        ids: Vec<Uuid>,
    }
}

// Strict mode: per field (`Field(strict=True)`) and per model (`ConfigDict(strict=True)`).

#[derive(ChainModel, Debug)]
struct StrictFields {
    #[chain(default, strict)]
    n: i64,
    #[chain(default, strict)]
    b: bool,
    #[chain(default, strict)]
    f: f64,
    #[chain(default, strict)]
    s: String,
    #[chain(default)]
    lax: i64,
}

#[derive(ChainModel, Debug)]
#[chain(strict)]
struct StrictModel {
    #[chain(default)]
    n: i64,
    #[chain(default)]
    f: f64,
    #[chain(default)]
    b: bool,
    #[chain(default)]
    s: String,
    #[chain(default)]
    ns: Vec<i64>,
}

// Validators: `@field_validator` (mode after) and `@model_validator(mode="after")` raising
// `ValueError`.

fn even(value: &i64) -> Result<(), String> {
    if value % 2 == 0 { Ok(()) } else { Err(format!("{value} is odd")) }
}

// The validator of a `String` field takes `&String` (the field's type).
#[allow(clippy::ptr_arg)]
fn not_blank(value: &String) -> Result<(), String> {
    if value.trim().is_empty() { Err("name is blank".to_owned()) } else { Ok(()) }
}

fn ordered(model: &Validated) -> Result<(), String> {
    if model.lo > model.hi { Err("lo must not exceed hi".to_owned()) } else { Ok(()) }
}

fn x_name() -> String {
    "x".to_owned()
}

#[derive(ChainModel, Debug)]
#[chain(validate = "ordered")]
struct Validated {
    #[chain(default, ge = 0, validate = "even")]
    even: i64,
    #[chain(default = "x_name", validate = "not_blank")]
    name: String,
    #[chain(default)]
    lo: i64,
    #[chain(default)]
    hi: i64,
}

fn validated() -> Validated {
    Validated { even: 0, name: x_name(), lo: 0, hi: 0 }
}

#[derive(ChainModel, Debug)]
struct ValidatedHolder {
    #[chain(default = "validated")]
    one: Validated,
    #[chain(default)]
    items: Vec<Validated>,
}

// Constraints on list items and dict values.

#[derive(ChainModel, Debug)]
struct ItemRules {
    #[chain(default, items(min_length = 1))]
    tags: Vec<String>,
    #[chain(default, values(ge = 0))]
    scores: BTreeMap<String, i64>,
}

// Dict keys: a bad key located at the key, then `[key]`; keys located as the input gives them
// (binary mode's int keys as ints: `d[1]` in truss's text).

#[derive(ChainModel, Debug)]
struct Keys {
    #[chain(default)]
    d: BTreeMap<i64, i64>,
    #[chain(default)]
    e: BTreeMap<i64, String>,
    #[chain(default)]
    s: BTreeMap<String, i64>,
}

// Choices whose values need Python's repr in pydantic's messages (quotes, non-printables).

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
#[chain(literal)]
enum QuotedLiteral {
    #[default]
    #[chain(rename = "it's")]
    Apostrophe,
    #[chain(rename = "say \"x\"")]
    Quotes,
    #[chain(rename = "é\u{85}")]
    Nel,
    #[chain(rename = "a\\b")]
    Backslash,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq, Default)]
enum Quoted {
    #[default]
    #[chain(rename = "it's")]
    Apostrophe,
    #[chain(rename = "say \"x\"")]
    Quotes,
    #[chain(rename = "é\u{85}")]
    Nel,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(literal)]
enum ApostropheTag {
    #[chain(rename = "it's")]
    Apostrophe,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(literal)]
enum NelTag {
    #[chain(rename = "é\u{85}")]
    Nel,
}

#[derive(ChainModel, Debug)]
struct QuotedA {
    kind: ApostropheTag,
}

#[derive(ChainModel, Debug)]
struct QuotedB {
    kind: NelTag,
}

#[derive(ChainModel, Debug)]
#[chain(tag = "kind")]
enum QuotedPart {
    #[chain(rename = "it's")]
    A(QuotedA),
    #[chain(rename = "é\u{85}")]
    B(QuotedB),
}

#[derive(ChainModel, Debug)]
struct Quotes {
    #[chain(default)]
    lit: QuotedLiteral,
    #[chain(default)]
    en: Quoted,
    part: Option<QuotedPart>,
}

// bytes fields: binary mode only (a model with `Bytes` has no JSON form).
#[derive(ChainModel, Debug)]
struct Blob {
    audio: chainmodel::Bytes,
    #[chain(default)]
    clips: Vec<chainmodel::Bytes>,
    #[chain(default)]
    n: i64,
}

// Plain unions, their members located by pydantic-core's labels, with no `rename`.
#[derive(ChainModel, Debug)]
#[chain(literal)]
enum AutoMode {
    #[chain(rename = "none")]
    Off,
    #[chain(rename = "auto")]
    Auto,
}

#[derive(ChainModel, Debug)]
#[chain(literal)]
enum Small {
    One = 1,
    Two = 2,
}

#[derive(ChainModel, Debug)]
enum Level {
    Low = 0,
    High = 2,
}

#[derive(ChainModel, Debug)]
enum LabelA {
    Mode(AutoMode),
    Small(Small),
    Counts(BTreeMap<String, i64>),
    Ids(std::collections::BTreeSet<i64>),
    Anything(Vec<Value>),
    Number(f64),
    Bare(serde_json::Map<String, Value>),
}

#[derive(ChainModel, Debug)]
enum LabelB {
    Parts(Vec<Part>),
    Map(BTreeMap<String, Value>),
    Maybe(Vec<Option<i64>>),
    Kind(Kind),
    Level(Level),
}

#[derive(ChainModel, Debug)]
enum IntOrText {
    Int(i64),
    Text(TextPart),
}

#[derive(ChainModel, Debug)]
enum LabelC {
    Pair((i64, String)),
    Grid(Vec<Vec<i64>>),
    ByInt(BTreeMap<i64, String>),
    Part(Part),
    Mixed(Vec<IntOrText>),
}

#[derive(ChainModel, Debug)]
struct Labeled {
    a: LabelA,
    b: LabelB,
    c: LabelC,
}

// Validators that return the value: `transform` (pydantic's mode "after") on a field and on the
// model, `before` (mode "before") on a field, over the raw value.
fn normalize_email(value: String) -> Result<String, String> {
    let value = value.trim().to_lowercase();
    if !value.contains('@') {
        return Err("not an email".into());
    }
    Ok(value)
}

fn split_tags(value: chainmodel::Value) -> Result<chainmodel::Value, String> {
    Ok(match value {
        chainmodel::Value::Str(text) => chainmodel::Value::List(
            text.split(',').filter(|tag| !tag.is_empty()).map(|tag| chainmodel::Value::Str(tag.into())).collect(),
        ),
        other => other,
    })
}

fn name_from_email(mut signup: Signup) -> Result<Signup, String> {
    if signup.name.is_empty() {
        signup.name = signup.email.split('@').next().unwrap_or_default().to_owned();
    }
    Ok(signup)
}

#[derive(ChainModel, Debug)]
#[chain(transform = "name_from_email")]
struct Signup {
    #[chain(transform = "normalize_email")]
    email: String,
    #[chain(default, before = "split_tags")]
    tags: Vec<String>,
    #[chain(default)]
    name: String,
}

// A union discriminated by a function (`Discriminator(get_version)`), "v1" when the tag is absent.
#[derive(ChainModel, Debug)]
#[chain(literal)]
enum V1Tag {
    #[chain(rename = "v1")]
    V1,
}

#[derive(ChainModel, Debug)]
#[chain(literal)]
enum V2Tag {
    #[chain(rename = "v2")]
    V2,
}

fn v1() -> V1Tag {
    V1Tag::V1
}

#[derive(ChainModel, Debug)]
struct ConfigV1 {
    #[chain(default = "v1")]
    version: V1Tag,
    #[chain(default)]
    a: i64,
}

#[derive(ChainModel, Debug)]
struct ConfigV2 {
    version: V2Tag,
    #[chain(default)]
    b: i64,
}

#[derive(ChainModel, Debug)]
#[chain(tag = "version", discriminator = "get_version", default_tag = "v1")]
enum VersionedConfig {
    #[chain(rename = "v1")]
    V1(ConfigV1),
    #[chain(rename = "v2")]
    V2(ConfigV2),
}

#[derive(ChainModel, Debug)]
struct Versioned {
    cfg: VersionedConfig,
    #[chain(default)]
    more: Vec<VersionedConfig>,
}

// Integers: i64 and u8 within their ranges, BigInt unbounded.
#[derive(ChainModel, Debug)]
struct Ints {
    #[chain(default)]
    n: i64,
    #[chain(default)]
    small: u8,
    #[chain(default)]
    big: chainmodel::BigInt,
    #[chain(default)]
    counts: Vec<chainmodel::BigInt>,
}

// pydantic's `Decimal`, with `max_digits` and `decimal_places`.
#[derive(ChainModel, Debug)]
struct Money {
    amount: chainmodel::Decimal,
    #[chain(default, max_digits = 5, decimal_places = 2)]
    price: chainmodel::Decimal,
    #[chain(max_digits = 3)]
    rate: Option<chainmodel::Decimal>,
    #[chain(default, decimal_places = 1)]
    places: chainmodel::Decimal,
}

// pydantic's `Field(validation_alias=AliasChoices("a", "b", "c"))`: the first choice given is read,
// the others are extra keys.
#[derive(ChainModel, Debug)]
#[chain(deny_unknown_fields)]
struct AliasPick {
    #[chain(field_alias = "a", alias = "b", alias = "c")]
    x: i64,
    #[chain(default)]
    y: i64,
}

/// Decodes a case's JSON text and, unless the case is JSON only, its msgpack.
type Decoder = fn(&str, Option<&[u8]>) -> (Result<(), Error>, Option<Result<(), Error>>);

macro_rules! decoder {
    ($model:ty) => {
        |text, packed| {
            (<$model>::from_json(text).map(drop), packed.map(|packed| <$model>::from_msgpack(packed).map(drop)))
        }
    };
}

/// A binary-only model's decoder: its cases have no JSON verdict.
macro_rules! binary_decoder {
    ($model:ty) => {
        |_, packed| (Ok(()), packed.map(|packed| <$model>::from_msgpack(packed).map(drop)))
    };
}

fn decoders() -> Vec<(&'static str, Decoder)> {
    let decoders: [(&'static str, Decoder); 20] = [
        ("Scalars", decoder!(Scalars)),
        ("Scene", decoder!(Scene)),
        ("Choices", decoder!(Choices)),
        ("Message", decoder!(Message)),
        ("Bounded", decoder!(Bounded)),
        ("Many", decoder!(Many)),
        ("StrictFields", decoder!(StrictFields)),
        ("StrictModel", decoder!(StrictModel)),
        ("Validated", decoder!(Validated)),
        ("ValidatedHolder", decoder!(ValidatedHolder)),
        ("ItemRules", decoder!(ItemRules)),
        ("Keys", decoder!(Keys)),
        ("Quotes", decoder!(Quotes)),
        ("Blob", binary_decoder!(Blob)),
        ("AliasPick", decoder!(AliasPick)),
        ("Labeled", decoder!(Labeled)),
        ("Money", decoder!(Money)),
        ("Ints", decoder!(Ints)),
        ("Versioned", decoder!(Versioned)),
        ("Signup", decoder!(Signup)),
    ];
    #[allow(unused_mut)]
    let mut decoders = Vec::from(decoders);
    #[cfg(all(feature = "chrono", feature = "uuid"))]
    {
        let temporal: Decoder = decoder!(temporal::Temporal);
        decoders.push(("Temporal", temporal));
    }
    decoders
}

/// One decision of each side on one input in one mode.
struct Verdict {
    model: &'static str,
    mode: &'static str,
    text: String,
    ours: Result<(), Error>,
    /// pydantic's error list (`null` if it accepts the input).
    theirs: Value,
    /// truss's 400 text of pydantic's errors (`null` if it accepts the input).
    truss: Value,
}

/// Runs every case of `error_cases.py` through chainmodel; `None` when the anchor env is absent.
fn verdicts(test: &str) -> Option<Vec<Verdict>> {
    let python = common::anchor_python(test)?;
    let emitted: Value = serde_json::from_str(&common::run_script(&python, "error_cases.py", &["emit"], b"")).unwrap();
    let mut verdicts = Vec::new();
    let decoders = decoders();
    for (name, cases) in emitted.as_object().unwrap() {
        let Some(&(model, decode)) = decoders.iter().find(|(n, _)| *n == name.as_str()) else {
            eprintln!("{test}: model {name} not compared (its features are off)");
            continue;
        };
        for case in cases.as_array().unwrap() {
            let text = case["json"].as_str().unwrap();
            let packed = case["msgpack"].as_str().map(hex);
            let (json, msgpack) = decode(text, packed.as_deref());
            let shown = if text.len() > 160 {
                format!("{}… ({} bytes)", text.chars().take(150).collect::<String>(), text.len())
            } else {
                text.to_owned()
            };
            // A binary-only case's text is Python's repr of the value: JSON cannot hold it.
            if case["binary_only"] != true {
                verdicts.push(Verdict {
                    model,
                    mode: "JSON",
                    text: shown.clone(),
                    ours: json,
                    theirs: case["json_errors"].clone(),
                    truss: case["json_truss"].clone(),
                });
            }
            if let Some(msgpack) = msgpack {
                verdicts.push(Verdict {
                    model,
                    mode: "msgpack",
                    text: shown,
                    ours: msgpack,
                    theirs: case["msgpack_errors"].clone(),
                    truss: case["msgpack_truss"].clone(),
                });
            }
        }
    }
    Some(verdicts)
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// `[type, loc, msg]` of each error.
fn triples(errors: &[Value]) -> Vec<Value> {
    errors.iter().map(|e| json!([e["type"], e["loc"], e["msg"]])).collect()
}

/// pydantic's list cut at `ERROR_CAP`, and whether it was cut.
fn capped(theirs: &[Value]) -> (&[Value], bool) {
    if theirs.len() > ERROR_CAP { (&theirs[..ERROR_CAP], true) } else { (theirs, false) }
}

/// A readable account of two different lists: counts, the first difference, and the lists
/// themselves when short.
fn describe(ours: &[Value], theirs: &[Value]) -> String {
    let mut text = String::new();
    if ours.len() != theirs.len() {
        text.push_str(&format!("  {} errors from Rust, {} from pydantic\n", ours.len(), theirs.len()));
    }
    if let Some(i) = (0..ours.len().max(theirs.len())).find(|&i| ours.get(i) != theirs.get(i)) {
        text.push_str(&format!(
            "  first difference at #{i}:\n    Rust:     {}\n    pydantic: {}\n",
            ours.get(i).map_or("(none)".into(), Value::to_string),
            theirs.get(i).map_or("(none)".into(), Value::to_string)
        ));
    }
    if ours.len().max(theirs.len()) <= 8 {
        text.push_str(&format!(
            "  Rust:     {}\n  pydantic: {}",
            Value::from(ours.to_vec()),
            Value::from(theirs.to_vec())
        ));
    }
    text
}

/// Fails with the disagreements, the first `SHOWN` of them in full.
fn report(failures: &[String]) {
    const SHOWN: usize = 200;
    let more = failures.len().saturating_sub(SHOWN);
    let tail = if more > 0 { format!("\n... and {more} more") } else { String::new() };
    assert!(
        failures.is_empty(),
        "{} disagreements with pydantic:\n{}{tail}",
        failures.len(),
        failures[..failures.len().min(SHOWN)].join("\n")
    );
}

#[test]
fn errors_match_pydantic() {
    let Some(verdicts) = verdicts("errors_match_pydantic") else { return };
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut compared_errors = 0;
    for Verdict { model, mode, text, ours, theirs, .. } in &verdicts {
        compared += 1;
        match (ours, theirs.as_array()) {
            (Ok(()), None) => {}
            (Ok(()), Some(theirs)) => failures.push(format!(
                "{model} {mode} {text}: Rust accepts, pydantic refuses:\n  {}",
                Value::from(triples(&theirs[..theirs.len().min(8)]))
            )),
            (Err(e), None) => failures.push(format!("{model} {mode} {text}: Rust refuses ({e}), pydantic accepts")),
            (Err(e), Some(theirs)) => {
                let ours = triples(e.to_pydantic_errors().as_array().unwrap());
                let (theirs, cut) = capped(theirs);
                let theirs = triples(theirs);
                compared_errors += theirs.len();
                if cut && ours.len() != ERROR_CAP {
                    failures.push(format!(
                        "{model} {mode} {text}: pydantic reports more than {ERROR_CAP} errors; Rust should report \
                         exactly {ERROR_CAP} (its cap), it reports {}",
                        ours.len()
                    ));
                } else if ours != theirs {
                    failures.push(format!("{model} {mode} {text}:\n{}", describe(&ours, &theirs)));
                }
            }
        }
    }
    let least = if cfg!(all(feature = "chrono", feature = "uuid")) { 400 } else { 360 };
    assert!(compared >= least, "only {compared} verdicts compared");
    assert!(compared_errors >= 3650, "only {compared_errors} pydantic errors compared");
    report(&failures);
}

#[test]
fn error_inputs_and_ctx_match_pydantic() {
    let Some(verdicts) = verdicts("error_inputs_and_ctx_match_pydantic") else { return };
    let mut failures = Vec::new();
    let mut compared_ctx = 0;
    let mut compared_inputs = 0;
    let mut unpaired = 0;
    for Verdict { model, mode, text, ours, theirs, .. } in &verdicts {
        let (Err(e), Some(theirs)) = (ours, theirs.as_array()) else { continue };
        let ours = e.to_pydantic_errors();
        let ours = ours.as_array().unwrap();
        let (theirs, _) = capped(theirs);
        for (ours, theirs) in ours.iter().zip(theirs) {
            // Errors that differ in type or location are `errors_match_pydantic`'s to report.
            if ours["type"] != theirs["type"] || ours["loc"] != theirs["loc"] {
                unpaired += 1;
                continue;
            }
            let at = format!("{model} {mode} {text}: {} at {}", theirs["type"], theirs["loc"]);
            match (ours.get("ctx"), theirs.get("ctx")) {
                (None, None) => {}
                (ours, Some(theirs)) => {
                    compared_ctx += 1;
                    if ours != Some(theirs) {
                        failures.push(format!("{at}: ctx\n  Rust:     {ours:?}\n  pydantic: {theirs}"));
                    }
                }
                (Some(ours), None) => failures.push(format!("{at}: Rust has a ctx ({ours}), pydantic none")),
            }
            // pydantic's `input` in binary mode is a Python value (bytes, truss's decoded
            // maps); it is compared in JSON mode, where it is the JSON value (or, for
            // json_invalid, the text). No model here has a bytes field.
            if *mode == "JSON" {
                compared_inputs += 1;
                if ours.get("input") != theirs.get("input") {
                    failures.push(format!(
                        "{at}: input\n  Rust:     {:?}\n  pydantic: {}",
                        ours.get("input").map(Value::to_string),
                        theirs["input"]
                    ));
                }
            }
        }
    }
    eprintln!("{unpaired} errors not paired (their type or location differ: see errors_match_pydantic)");
    assert!(compared_ctx >= 200, "only {compared_ctx} ctx compared");
    assert!(compared_inputs >= 1800, "only {compared_inputs} inputs compared");
    report(&failures);
}

/// truss's 400 text (`format_pydantic_validation_error`, locations as `items[1].value`, int keys
/// as `d[1]`) of each refusal, against `Error::to_truss_text`; lists past chainmodel's cap are
/// `errors_match_pydantic`'s to check.
#[test]
fn truss_texts_match_truss() {
    let Some(verdicts) = verdicts("truss_texts_match_truss") else { return };
    let mut failures = Vec::new();
    let mut compared = 0;
    for Verdict { model, mode, text, ours, theirs, truss } in &verdicts {
        let (Err(e), Some(truss)) = (ours, truss.as_str()) else { continue };
        if theirs.as_array().is_some_and(|theirs| theirs.len() > ERROR_CAP) {
            continue;
        }
        compared += 1;
        let ours = e.to_truss_text();
        if ours != truss {
            failures.push(format!("{model} {mode} {text}:\n  Rust:  {ours:?}\n  truss: {truss:?}"));
        }
    }
    assert!(compared >= 350, "only {compared} texts compared");
    report(&failures);
}
