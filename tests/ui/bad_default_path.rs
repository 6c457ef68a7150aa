use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Model {
    #[chain(default = "no such path")]
    a: i64,
}

fn main() {}
