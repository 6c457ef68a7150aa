//! Plain unions in pydantic-core's smart mode: the member chosen, compared with real pydantic
//! in JSON mode and from a dict (binary mode), and what nested unions cost: a union of
//! recursive models decodes in one pass per level, where trying each member in strict then
//! lax mode made every level decode its subtree again (depth 16 took 10 s, depth 18 92 s).

mod common;
mod server_support;

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use chainmodel::Value;
use chainmodel::chrono::{NaiveDate, NaiveDateTime};
use chainmodel::prelude::*;
use chainmodel::rust_decimal::Decimal;
use chainmodel::uuid::Uuid;

// The models of tests/python/union_cases.py.

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct A {
    x: f64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct B {
    x: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Inner {
    a: i64,
    b: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct C {
    inner: Inner,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct D {
    inner: HashMap<String, i64>,
    #[chain(default)]
    w: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct E {
    a: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct F {
    a: i64,
    #[chain(default)]
    b: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct P {
    x: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Q {
    x: i64,
    #[chain(default)]
    y: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct M1 {
    x: i64,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct M2 {
    x: String,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
enum PQ {
    P(P),
    Q(Q),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct N1 {
    v: PQ,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct N2 {
    v: HashMap<String, i64>,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(rename_all = "lowercase")]
enum Color {
    R,
    G,
}

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
enum Num {
    One = 1,
    Two = 2,
}

/// A union and the model holding it as `x`, and the name of the member a value holds (as
/// union_cases.py names pydantic's choice).
macro_rules! union_case {
    ($($holder:ident: $union:ident { $($variant:ident($ty:ty) = $name:literal),+ })*) => {$(
        #[derive(ChainModel, Debug, Clone, PartialEq)]
        enum $union { $($variant($ty)),+ }

        #[derive(ChainModel, Debug, Clone, PartialEq)]
        struct $holder { x: $union }

        impl Chosen for $holder {
            fn chosen(&self) -> &'static str {
                match &self.x { $($union::$variant(_) => $name),+ }
            }
        }
    )*};
}

trait Chosen {
    fn chosen(&self) -> &'static str;
}

union_case! {
    HoldsAB: AB { A(A) = "A", B(B) = "B" }
    HoldsBA: BA { B(B) = "B", A(A) = "A" }
    HoldsCD: CD { C(C) = "C", D(D) = "D" }
    HoldsDC: DC { D(D) = "D", C(C) = "C" }
    HoldsEF: EF { E(Vec<E>) = "list[E]", F(Vec<F>) = "list[F]" }
    HoldsFE: FE { F(Vec<F>) = "list[F]", E(Vec<E>) = "list[E]" }
    HoldsPQ: PQ2 { P(P) = "P", Q(Q) = "Q" }
    HoldsM12: M12 { M1(M1) = "M1", M2(M2) = "M2" }
    HoldsFloatInt: FloatInt { Float(f64) = "float", Int(i64) = "int" }
    HoldsIntFloat: IntFloat { Int(i64) = "int", Float(f64) = "float" }
    HoldsIntStr: IntStr { Int(i64) = "int", Str(String) = "str" }
    HoldsStrInt: StrInt { Str(String) = "str", Int(i64) = "int" }
    HoldsBoolInt: BoolInt { Bool(bool) = "bool", Int(i64) = "int" }
    HoldsIntBool: IntBool { Int(i64) = "int", Bool(bool) = "bool" }
    HoldsTupleList: TupleList { Tuple((i64, i64)) = "tuple", List(Vec<i64>) = "list" }
    HoldsStrDatetime: StrDatetime { Str(String) = "str", Datetime(NaiveDateTime) = "datetime" }
    HoldsDatetimeStr: DatetimeStr { Datetime(NaiveDateTime) = "datetime", Str(String) = "str" }
    HoldsDatetimeDate: DatetimeDate { Datetime(NaiveDateTime) = "datetime", Date(NaiveDate) = "date" }
    HoldsStrUuid: StrUuid { Str(String) = "str", Uuid(Uuid) = "UUID" }
    HoldsDecimalStr: DecimalStr { Decimal(Decimal) = "Decimal", Str(String) = "str" }
    HoldsDecimalFloat: DecimalFloat { Decimal(Decimal) = "Decimal", Float(f64) = "float" }
    HoldsColorStr: ColorStr { Color(Color) = "Color", Str(String) = "str" }
    HoldsNumFloat: NumFloat { Num(Num) = "Num", Float(f64) = "float" }
    HoldsM1Dict: M1Dict { M1(M1) = "M1", Dict(HashMap<String, i64>) = "dict" }
    HoldsDictM1: DictM1 { Dict(HashMap<String, i64>) = "dict", M1(M1) = "M1" }
    HoldsN21: N21 { N2(N2) = "N2", N1(N1) = "N1" }
    HoldsSetList: SetList { Set(BTreeSet<i64>) = "set", List(Vec<i64>) = "list" }
}

/// The member chosen in JSON mode, in binary mode (truss's msgpack of the same dict) and
/// from the dict as a `Value`; the two dict readings agree.
fn choose<
    M: Chosen
        + PartialEq
        + std::fmt::Debug
        + for<'de> chainmodel::json::JsonDecode<'de>
        + chainmodel::json::JsonForm<chainmodel::json::Checked>
        + for<'de> chainmodel::msgpack::MsgpackDecode<'de>,
>(
    text: &str,
) -> [&'static str; 2] {
    let name = |m: Result<M, chainmodel::Error>| m.map_or("error", |m| m.chosen());
    let json = name(chainmodel::json::from_str::<M>(text));
    let dict: Value = chainmodel::json::from_str(text).unwrap();
    let binary = chainmodel::msgpack::from_slice::<M>(&chainmodel::msgpack::to_vec(&dict).unwrap());
    let from_value = chainmodel::value::from_value::<M>(&dict);
    assert_eq!(binary.as_ref().ok(), from_value.as_ref().ok(), "{text}: binary mode and from_value agree");
    [json, name(binary)]
}

#[test]
fn smart_mode_chooses_the_member_pydantic_chooses() {
    let uuid = r#"{"x": "67e55044-10b1-426f-9247-bb680e5fe0c8"}"#;
    let cases: Vec<(&str, &str, [&str; 2])> = vec![
        // Every model read from a dict is a strict match for pydantic: equal counts, the first.
        ("AB", r#"{"x": {"x": 1}}"#, choose::<HoldsAB>(r#"{"x": {"x": 1}}"#)),
        ("BA", r#"{"x": {"x": 1}}"#, choose::<HoldsBA>(r#"{"x": {"x": 1}}"#)),
        // Nested models' fields set add up: C has 1 + 2, D 1 (its default is not counted).
        ("CD", r#"{"x": {"inner": {"a": 1, "b": 2}}}"#, choose::<HoldsCD>(r#"{"x": {"inner": {"a": 1, "b": 2}}}"#)),
        ("DC", r#"{"x": {"inner": {"a": 1, "b": 2}}}"#, choose::<HoldsDC>(r#"{"x": {"inner": {"a": 1, "b": 2}}}"#)),
        // So do a list's items': list[F] has 3, list[E] 2 (and E would drop `b`).
        ("EF", r#"{"x": [{"a": 1, "b": 2}, {"a": 1}]}"#, choose::<HoldsEF>(r#"{"x": [{"a": 1, "b": 2}, {"a": 1}]}"#)),
        ("FE", r#"{"x": [{"a": 1, "b": 2}, {"a": 1}]}"#, choose::<HoldsFE>(r#"{"x": [{"a": 1, "b": 2}, {"a": 1}]}"#)),
        // More fields set beats exactness.
        ("PQ", r#"{"x": {"x": 1, "y": "2"}}"#, choose::<HoldsPQ>(r#"{"x": {"x": 1, "y": "2"}}"#)),
        ("PQ", r#"{"x": {"x": 1}}"#, choose::<HoldsPQ>(r#"{"x": {"x": 1}}"#)),
        ("M12", r#"{"x": {"x": "1"}}"#, choose::<HoldsM12>(r#"{"x": {"x": "1"}}"#)),
        ("M12", r#"{"x": {"x": 1}}"#, choose::<HoldsM12>(r#"{"x": {"x": 1}}"#)),
        ("FloatInt", r#"{"x": 1}"#, choose::<HoldsFloatInt>(r#"{"x": 1}"#)),
        ("FloatInt", r#"{"x": 1.5}"#, choose::<HoldsFloatInt>(r#"{"x": 1.5}"#)),
        ("FloatInt", r#"{"x": "2"}"#, choose::<HoldsFloatInt>(r#"{"x": "2"}"#)),
        ("IntFloat", r#"{"x": 1.0}"#, choose::<HoldsIntFloat>(r#"{"x": 1.0}"#)),
        ("IntFloat", r#"{"x": "3"}"#, choose::<HoldsIntFloat>(r#"{"x": "3"}"#)),
        ("IntStr", r#"{"x": "1"}"#, choose::<HoldsIntStr>(r#"{"x": "1"}"#)),
        ("IntStr", r#"{"x": 2.0}"#, choose::<HoldsIntStr>(r#"{"x": 2.0}"#)),
        ("StrInt", r#"{"x": 1.0}"#, choose::<HoldsStrInt>(r#"{"x": 1.0}"#)),
        ("BoolInt", r#"{"x": 1}"#, choose::<HoldsBoolInt>(r#"{"x": 1}"#)),
        ("BoolInt", r#"{"x": "yes"}"#, choose::<HoldsBoolInt>(r#"{"x": "yes"}"#)),
        ("IntBool", r#"{"x": true}"#, choose::<HoldsIntBool>(r#"{"x": true}"#)),
        ("TupleList", r#"{"x": [1, 2]}"#, choose::<HoldsTupleList>(r#"{"x": [1, 2]}"#)),
        (
            "StrDatetime",
            r#"{"x": "2024-01-01T00:00:00"}"#,
            choose::<HoldsStrDatetime>(r#"{"x": "2024-01-01T00:00:00"}"#),
        ),
        (
            "DatetimeStr",
            r#"{"x": "2024-01-01T00:00:00"}"#,
            choose::<HoldsDatetimeStr>(r#"{"x": "2024-01-01T00:00:00"}"#),
        ),
        ("DatetimeDate", r#"{"x": "2020-01-01"}"#, choose::<HoldsDatetimeDate>(r#"{"x": "2020-01-01"}"#)),
        ("StrUuid", uuid, choose::<HoldsStrUuid>(uuid)),
        ("DecimalStr", r#"{"x": "1.5"}"#, choose::<HoldsDecimalStr>(r#"{"x": "1.5"}"#)),
        ("DecimalFloat", r#"{"x": 1}"#, choose::<HoldsDecimalFloat>(r#"{"x": 1}"#)),
        ("ColorStr", r#"{"x": "r"}"#, choose::<HoldsColorStr>(r#"{"x": "r"}"#)),
        ("NumFloat", r#"{"x": 1}"#, choose::<HoldsNumFloat>(r#"{"x": 1}"#)),
        ("M1Dict", r#"{"x": {"x": 1}}"#, choose::<HoldsM1Dict>(r#"{"x": {"x": 1}}"#)),
        ("DictM1", r#"{"x": {"x": 1}}"#, choose::<HoldsDictM1>(r#"{"x": {"x": 1}}"#)),
        ("N21", r#"{"x": {"v": {"x": 1, "y": 2}}}"#, choose::<HoldsN21>(r#"{"x": {"v": {"x": 1, "y": 2}}}"#)),
        ("SetList", r#"{"x": [1, 2]}"#, choose::<HoldsSetList>(r#"{"x": [1, 2]}"#)),
    ];
    // The issue's three cases, as pydantic chooses them (checked against pydantic below too).
    assert_eq!(cases[0].2, ["A", "A"]);
    assert_eq!(cases[2].2, ["C", "C"]);
    assert_eq!(cases[3].2, ["C", "C"]);
    assert_eq!(cases[4].2, ["list[F]", "list[F]"]);
    assert_eq!(cases[5].2, ["list[F]", "list[F]"]);
    let Some(python) = common::anchor_python("smart_mode_chooses_the_member_pydantic_chooses") else { return };
    let input: Vec<(&str, &str)> = cases.iter().map(|(case, text, _)| (*case, *text)).collect();
    let stdout = common::run_script(&python, "union_cases.py", &[], serde_json::to_string(&input).unwrap().as_bytes());
    let pydantic: Vec<[String; 2]> = serde_json::from_str(&stdout).unwrap();
    let disagreements: Vec<String> = cases
        .iter()
        .zip(&pydantic)
        .filter(|((_, _, ours), theirs)| ours[0] != theirs[0] || ours[1] != theirs[1])
        .map(|((case, text, ours), theirs)| format!("{case} {text}: chainmodel {ours:?}, pydantic {theirs:?}"))
        .collect();
    assert!(disagreements.is_empty(), "{} of {}:\n{}", disagreements.len(), cases.len(), disagreements.join("\n"));
}

// A union of recursive models, pydantic's `Node = Union[int, A, B]` with `class A: child: Node`
// and `class B: child: Node; flag: bool = False`: every level can be either model, so a decoder
// that decodes each member's subtree anew costs a factor per level.

thread_local! {
    /// How many `NodeA`s were decoded (their validator runs once per decoded model).
    static NODES_DECODED: Cell<u64> = const { Cell::new(0) };
}

fn count_node(_: &NodeA) -> Result<(), String> {
    NODES_DECODED.with(|n| n.set(n.get() + 1));
    Ok(())
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
enum Node {
    Leaf(i64),
    A(Box<NodeA>),
    B(Box<NodeB>),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
#[chain(validate = "count_node")]
struct NodeA {
    child: Node,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct NodeB {
    child: Node,
    #[chain(default)]
    flag: bool,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Root {
    node: Node,
}

/// `{"node": {"child": {"child": ... leaf}}}`, `depth` models deep.
fn nested(depth: usize, leaf: &str) -> String {
    format!(r#"{{"node": {}{leaf}{}}}"#, r#"{"child": "#.repeat(depth), "}".repeat(depth))
}

/// The depth of `A`s down to the leaf, and the leaf.
fn depth_of(node: &Node) -> (usize, i64) {
    match node {
        Node::Leaf(leaf) => (0, *leaf),
        Node::A(a) => {
            let (depth, leaf) = depth_of(&a.child);
            (depth + 1, leaf)
        }
        Node::B(_) => panic!("pydantic chooses A at every level"),
    }
}

/// Decodes `text` in every reader, checking the result; the `NodeA`s decoded by each.
fn decode_everywhere(text: &str, depth: usize) -> Vec<(&'static str, u64, Duration)> {
    let dict: Value = chainmodel::json::from_str(text).unwrap();
    let packed = chainmodel::msgpack::to_vec(&dict).unwrap();
    let readers: [(&'static str, &dyn Fn() -> Root); 4] = [
        ("JSON", &|| Root::from_json(text).unwrap()),
        ("msgpack", &|| Root::from_msgpack(&packed).unwrap()),
        ("Value", &|| Root::from_value(&dict).unwrap()),
        ("owned Value", &|| Root::from_value_owned(dict.clone()).unwrap()),
    ];
    readers
        .iter()
        .map(|(name, decode)| {
            NODES_DECODED.with(|n| n.set(0));
            let start = Instant::now();
            let root = decode();
            let elapsed = start.elapsed();
            assert_eq!(depth_of(&root.node), (depth, 1), "{name}");
            (*name, NODES_DECODED.with(Cell::get), elapsed)
        })
        .collect()
}

#[test]
fn nested_unions_decode_in_one_pass_per_level() {
    // The leaf "1" is a lax match for `int`: no member matches exactly at any level.
    for depth in [4, 8, 16, 20] {
        for (reader, decoded, elapsed) in decode_everywhere(&nested(depth, r#""1""#), depth) {
            // The first try of `A` at each level decodes it; `B`'s try at each level reads its
            // child's known winner again, one pass over the subtree: at most `depth` passes,
            // not 2^depth decodes.
            let depth = depth as u64;
            assert!(decoded <= depth * (depth + 1) / 2 + depth, "{reader}, depth {depth}: {decoded} NodeA decodes");
            if depth == 20 {
                assert!(elapsed < Duration::from_secs(1), "{reader}, depth 20: {elapsed:?}");
            }
        }
    }
    // As deep as the readers allow (128 levels of nesting).
    let depth = 120;
    for (reader, decoded, elapsed) in decode_everywhere(&nested(depth, r#""1""#), depth) {
        let depth = depth as u64;
        assert!(decoded <= depth * (depth + 1) / 2 + depth, "{reader}, depth {depth}: {decoded} NodeA decodes");
        assert!(elapsed < Duration::from_secs(1), "{reader}, depth 120: {elapsed:?}");
    }
}

#[test]
fn a_deep_union_no_member_accepts_costs_a_bounded_error() {
    // Nothing accepts the leaf: every level's members fail, each holding the level below's
    // errors. pydantic lists 2^depth errors; chainmodel shares them and lists at most
    // Error::MAX_ERRORS.
    let depth = 120;
    let text = nested(depth, r#""x""#);
    let dict: Value = chainmodel::json::from_str(&text).unwrap();
    let packed = chainmodel::msgpack::to_vec(&dict).unwrap();
    for (reader, err) in [
        ("JSON", Root::from_json(&text).unwrap_err()),
        ("msgpack", Root::from_msgpack(&packed).unwrap_err()),
        ("Value", Root::from_value(&dict).unwrap_err()),
    ] {
        let errors = err.to_pydantic_errors();
        let errors = errors.as_array().unwrap();
        assert_eq!(errors.len(), chainmodel::Error::MAX_ERRORS, "{reader}");
        // Depth first, as pydantic lists them: each level's `int` member, then its `NodeA`'s
        // child; the leaf's `int` error is the `depth`th, under `NodeA.child` at every level.
        assert_eq!(errors[0]["loc"], serde_json::json!(["node", "int"]), "{reader}");
        assert_eq!(errors[0]["type"], "int_type", "{reader}");
        let leaf = &errors[depth];
        assert_eq!(leaf["type"], "int_parsing", "{reader}: {leaf}");
        assert_eq!(leaf["loc"].as_array().unwrap().len(), 2 + 2 * depth, "{reader}: {leaf}");
        assert!(err.to_string().len() < 10 << 20, "{reader}: Display is bounded");
        assert!(format!("{err:?}").len() < 10 << 20, "{reader}: Debug is bounded");
        assert!(err.to_truss_text().lines().count() <= chainmodel::Error::MAX_ERRORS + 2, "{reader}");
    }
}

#[test]
fn pydantic_chooses_the_same_member_at_every_level() {
    let Some(python) = common::anchor_python("pydantic_chooses_the_same_member_at_every_level") else { return };
    let script = r#"
import json, sys
from typing import Union
import pydantic
class A(pydantic.BaseModel):
    child: "Node"
class B(pydantic.BaseModel):
    child: "Node"
    flag: bool = False
Node = Union[int, A, B]
A.model_rebuild(); B.model_rebuild()
class Root(pydantic.BaseModel):
    node: Node
def shape(node):
    names = []
    while not isinstance(node, int):
        names.append(type(node).__name__)
        node = node.child
    return "".join(names) + ":" + str(node)
text = sys.argv[1]
print(shape(Root.model_validate_json(text).node), shape(Root.model_validate(json.loads(text)).node))
"#;
    let text = nested(6, r#""1""#);
    let output = std::process::Command::new(python).args(["-c", script, &text]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim(), "AAAAAA:1 AAAAAA:1");
    for (reader, _, _) in decode_everywhere(&text, 6) {
        // decode_everywhere checked A at every level and the leaf 1.
        assert!(!reader.is_empty());
    }
}

/// A chainlet whose input is the recursive union, limited to one call at a time, as
/// `Chainlet::concurrency_limit(1)`: the 197-byte body that held a chainlet for 10 s.
fn tree_chainlet() -> chainmodel::server::Chainlet<Root, Root> {
    chainmodel::server::Chainlet::new(|root: Root| async move { Ok::<_, chainmodel::server::RemoteError>(root) })
        .concurrency_limit(1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_union_body_is_answered_at_once_over_http() {
    use server_support::{BINARY, JSON, post};
    let addr = server_support::serve_forever(|| tree_chainlet().into_router());
    let text = nested(20, r#""1""#);
    let dict: Value = chainmodel::json::from_str(&text).unwrap();
    let packed = chainmodel::msgpack::to_vec(&dict).unwrap();
    let failing = nested(20, r#""x""#);
    let started = Instant::now();
    // Several at once, in both modes, valid and refused: each answered, the whole within a second.
    let calls: Vec<_> = (0..4)
        .flat_map(|_| {
            [(JSON, text.clone().into_bytes()), (BINARY, packed.clone()), (JSON, failing.clone().into_bytes())]
        })
        .map(|(mode, body)| tokio::spawn(async move { (mode, post(addr, "/predict", mode, &body).await) }))
        .collect();
    for call in calls {
        let (mode, response) = call.await.unwrap();
        match response.status {
            200 => {
                let root = match mode {
                    BINARY => Root::from_msgpack(&response.body).unwrap(),
                    _ => Root::from_json(std::str::from_utf8(&response.body).unwrap()).unwrap(),
                };
                assert_eq!(depth_of(&root.node), (20, 1));
            }
            status => {
                assert_eq!(status, 400, "{}", String::from_utf8_lossy(&response.body));
                let error = response.truss_error(400, "700");
                assert!(error.as_str().unwrap().starts_with("Input Parsing Errors:"), "{error}");
            }
        }
    }
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
}
