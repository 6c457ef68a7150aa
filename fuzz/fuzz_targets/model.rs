//! The representative models the fuzz targets decode: every kind of field the derive supports.

use std::collections::BTreeMap;

use chainmodel::prelude::*;

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Text,
    Image,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
pub struct Inner {
    pub x: i64,
    pub y: Option<f64>,
    pub tags: Vec<String>,
}

/// Every JSON-capable field type.
#[derive(ChainModel, Debug, Clone, PartialEq)]
pub struct Document {
    pub id: u32,
    pub name: String,
    pub kind: Kind,
    pub score: f32,
    pub flags: (bool, i8),
    pub embedding: NdArray<f32>,
    pub mask: Option<NdArray<bool>>,
    pub any: AnyArray,
    pub inner: Inner,
    pub children: Vec<Inner>,
    pub index: BTreeMap<String, u16>,
    pub extra: Value,
    pub when: Option<chainmodel::chrono::DateTime<chainmodel::chrono::Utc>>,
    pub span: Option<chainmodel::chrono::TimeDelta>,
    pub key: Option<chainmodel::uuid::Uuid>,
    pub amount: Option<chainmodel::rust_decimal::Decimal>,
}

/// Binary mode's own fields: bytes and borrowed views.
#[derive(ChainModel, Debug, PartialEq)]
pub struct Frame<'a> {
    pub label: &'a str,
    pub raw: &'a [u8],
    pub blob: Option<Bytes>,
    pub pixels: NdArrayView<'a, f32>,
    pub depth: Vec<NdArrayView<'a, u16>>,
    pub document: Option<Document>,
}

/// A plain union of recursive models (pydantic's `Node = Union[int, A, B]`): every level can be
/// either model, so nested unions revisit each other's subtrees.
#[derive(ChainModel, Debug, Clone, PartialEq)]
pub enum Node {
    Leaf(i64),
    Text(String),
    A(Box<NodeA>),
    B(Box<NodeB>),
    Many(Vec<Node>),
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
pub struct NodeA {
    pub child: Node,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
pub struct NodeB {
    pub child: Node,
    #[chain(default)]
    pub flag: bool,
    pub other: Option<Box<Node>>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
pub struct Tree {
    pub node: Node,
}
