use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Model {
    #[chain(rename = "x", rename = "y")]
    field: i64,
}

fn main() {}
