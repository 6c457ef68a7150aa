use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Model {
    #[chain(min_length = 1)]
    steps: i64,
}

fn main() {}
