use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Model {
    #[chain(renamed = "x")]
    field: i64,
}

fn main() {}
