use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Model {
    #[chain(alias = 3, bogus, rename = 4, unknown = "x", skip)]
    a: i64,
}

fn main() {}
