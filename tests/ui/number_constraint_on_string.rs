use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Model {
    #[chain(ge = 1)]
    name: String,
}

fn main() {}
