//! Odd but legal user code the derive must take: models that hold themselves or each other,
//! raw identifiers, non-ASCII names, defaults of binary fields.
#![allow(non_camel_case_types)]

use chainmodel::prelude::*;
use serde_json::json;

// `Vec<Self>`: a pydantic model that lists its own class.
#[derive(ChainModel, Debug, PartialEq, Clone)]
struct Tree {
    name: String,
    children: Vec<Self>,
}

type Kids = Vec<Node>;

/// The same through a type alias, which the derive cannot see through.
#[derive(ChainModel, Debug, PartialEq)]
struct Node {
    kids: Kids,
    parent: Option<Box<Node>>,
}

/// Two models that hold each other.
#[derive(ChainModel, Debug, PartialEq)]
struct Folder {
    files: Vec<File>,
}

#[derive(ChainModel, Debug, PartialEq)]
struct File {
    name: String,
    inside: Option<Box<Folder>>,
}

/// A generic model holding itself.
#[derive(ChainModel, Debug, PartialEq)]
struct Labelled<T> {
    label: T,
    more: Vec<Labelled<T>>,
}

fn round_trip<M>(model: &M) -> (String, M, M)
where
    M: ChainModel
        + PartialEq
        + std::fmt::Debug
        + chainmodel::json::JsonEncode
        + for<'de> chainmodel::json::JsonDecode<'de>
        + chainmodel::json::JsonForm<chainmodel::json::Checked>
        + chainmodel::msgpack::MsgpackEncode
        + for<'de> chainmodel::msgpack::MsgpackDecode<'de>,
{
    let text = model.to_json().unwrap();
    let from_json = M::from_json(&text).unwrap();
    let from_msgpack = M::from_msgpack(&model.to_msgpack().unwrap()).unwrap();
    (text, from_json, from_msgpack)
}

#[test]
fn models_that_hold_themselves_or_each_other() {
    let leaf = Tree { name: "leaf".into(), children: vec![] };
    let tree =
        Tree { name: "root".into(), children: vec![leaf.clone(), Tree { name: "b".into(), children: vec![leaf] }] };
    let (text, a, b) = round_trip(&tree);
    assert_eq!(
        text,
        r#"{"name":"root","children":[{"name":"leaf","children":[]},{"name":"b","children":[{"name":"leaf","children":[]}]}]}"#
    );
    assert_eq!((&a, &b), (&tree, &tree));
    // pydantic's schema of `class Tree(BaseModel): name: str; children: list["Tree"]`.
    assert_eq!(
        Tree::json_schema(),
        json!({
            "$defs": {"Tree": {
                "properties": {
                    "name": {"title": "Name", "type": "string"},
                    "children": {"items": {"$ref": "#/$defs/Tree"}, "title": "Children", "type": "array"}
                },
                "required": ["name", "children"], "title": "Tree", "type": "object"
            }},
            "$ref": "#/$defs/Tree"
        })
    );

    let node = Node {
        kids: vec![Node { kids: vec![], parent: None }],
        parent: Some(Box::new(Node { kids: vec![], parent: None })),
    };
    let (text, a, b) = round_trip(&node);
    assert_eq!(text, r#"{"kids":[{"kids":[],"parent":null}],"parent":{"kids":[],"parent":null}}"#);
    assert_eq!((&a, &b), (&node, &node));

    let folder = Folder { files: vec![File { name: "a".into(), inside: Some(Box::new(Folder { files: vec![] })) }] };
    let (text, a, b) = round_trip(&folder);
    assert_eq!(text, r#"{"files":[{"name":"a","inside":{"files":[]}}]}"#);
    assert_eq!((&a, &b), (&folder, &folder));
    let schema = File::json_schema();
    assert_eq!(schema["$defs"]["Folder"]["properties"]["files"]["items"], json!({"$ref": "#/$defs/File"}));

    let labelled = Labelled { label: 1u8, more: vec![Labelled { label: 2, more: vec![] }] };
    let (text, a, b) = round_trip(&labelled);
    assert_eq!(text, r#"{"label":1,"more":[{"label":2,"more":[]}]}"#);
    assert_eq!((&a, &b), (&labelled, &labelled));
}

/// Binary fields with defaults: the schema's default is the bytes' UTF-8 text, as pydantic
/// writes it; the model stays binary-only (`to_json` would not compile).
#[derive(ChainModel, Debug, PartialEq)]
struct Upload<'a> {
    #[chain(default)]
    thumbnail: Option<Bytes>,
    #[chain(default = "magic")]
    magic: Bytes,
    #[chain(default)]
    raw: &'a [u8],
}

fn magic() -> Bytes {
    Bytes::from(b"PK".to_vec())
}

#[test]
fn binary_fields_take_defaults() {
    let upload: Upload<'_> = chainmodel::msgpack::from_slice(&[0x80]).unwrap();
    assert_eq!(upload, Upload { thumbnail: None, magic: magic(), raw: b"" });
    let schema = Upload::json_schema();
    assert_eq!(schema["properties"]["magic"]["default"], json!("PK"));
    assert_eq!(schema["properties"]["raw"]["default"], json!(""));
    assert_eq!(schema["properties"]["thumbnail"]["default"], json!(null));
}

/// Raw identifiers are Rust's spelling, not the name: pydantic's field `type`, its enum
/// value `match`.
#[derive(ChainModel, Debug, PartialEq)]
struct Message {
    r#type: Kind,
    r#async: bool,
}

#[derive(ChainModel, Debug, PartialEq)]
enum Kind {
    r#match,
    r#Text,
}

/// Non-ASCII names under `rename_all`, by character.
#[derive(ChainModel, Debug, PartialEq)]
#[chain(rename_all = "camelCase")]
enum Dessert {
    Éclair,
    CrèmeBrûlée,
}

#[derive(ChainModel, Debug, PartialEq)]
#[chain(rename_all = "camelCase")]
struct Order {
    crème_brûlée: Dessert,
}

#[test]
fn raw_identifiers_and_non_ascii_names() {
    let message = Message { r#type: Kind::r#match, r#async: true };
    let (text, a, b) = round_trip(&message);
    assert_eq!(text, r#"{"type":"match","async":true}"#);
    assert_eq!((&a, &b), (&message, &message));
    assert_eq!(Message::from_json(r#"{"type":"Text","async":false}"#).unwrap().r#type, Kind::r#Text);
    let schema = Message::json_schema();
    assert_eq!(schema["required"], json!(["type", "async"]));
    assert_eq!(schema["properties"]["type"], json!({"$ref": "#/$defs/Kind"}));
    assert_eq!(schema["$defs"]["Kind"]["enum"], json!(["match", "Text"]));

    let order = Order { crème_brûlée: Dessert::CrèmeBrûlée };
    let (text, a, b) = round_trip(&order);
    assert_eq!(text, r#"{"crèmeBrûlée":"crèmeBrûlée"}"#);
    assert_eq!((&a, &b), (&order, &order));
    assert_eq!(Order::from_json(r#"{"crèmeBrûlée":"éclair"}"#).unwrap().crème_brûlée, Dessert::Éclair);
}

/// Binary mode reads a string enum's value given as bytes as its text, as pydantic's lax mode
/// reads the bytes truss's deserializer hands it (model keys may be bytes too, as truss's and
/// msgpack_numpy's are).
#[test]
fn binary_mode_reads_an_enum_value_from_bytes() {
    // {b"type": b"Text", "async": 1}
    let message =
        [0x82, 0xc4, 4, b't', b'y', b'p', b'e', 0xc4, 4, b'T', b'e', b'x', b't', 0xa5, b'a', b's', b'y', b'n', b'c', 1];
    assert_eq!(Message::from_msgpack(&message).unwrap(), Message { r#type: Kind::r#Text, r#async: true });
    let unknown = [0x82, 0xa4, b't', b'y', b'p', b'e', 0xc4, 1, b'x', 0xa5, b'a', b's', b'y', b'n', b'c', 1];
    let err = Message::from_msgpack(&unknown).unwrap_err();
    assert_eq!(err.to_string(), "type: Input should be 'match' or 'Text'");
}
