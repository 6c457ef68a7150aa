use chainmodel::prelude::*;
use chainmodel::serde_json::{Map, Value};

#[derive(ChainModel)]
#[chain(deny_unknown_fields)]
struct Params {
    temperature: f64,
    #[chain(extra, rename = "rest")]
    extra: Map<String, Value>,
}

fn main() {}
