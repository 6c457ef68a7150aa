use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Model {
    #[chain(pattern = "^[0-9]+$")]
    steps: i64,
}

fn main() {}
