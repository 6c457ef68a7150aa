use chainmodel::prelude::*;

// `items(..)` constrains a list's items: an integer has none.
#[derive(ChainModel)]
struct Model {
    #[chain(items(ge = 1))]
    steps: i64,
}

fn main() {}
