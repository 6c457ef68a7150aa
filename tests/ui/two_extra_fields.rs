use chainmodel::prelude::*;
use chainmodel::serde_json::{Map, Value};

#[derive(ChainModel)]
struct Params {
    temperature: f64,
    #[chain(extra)]
    extra: Map<String, Value>,
    #[chain(extra)]
    more: Map<String, Value>,
}

fn main() {}
