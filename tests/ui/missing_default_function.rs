use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Model {
    #[chain(default = "make_default")]
    a: i64,
}

fn main() {}
