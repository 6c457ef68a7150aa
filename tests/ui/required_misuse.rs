use chainmodel::prelude::*;

fn none() -> Option<i64> {
    None
}

#[derive(ChainModel)]
struct Model {
    #[chain(required)]
    steps: i64,
    #[chain(required, default_factory = "none")]
    seed: Option<i64>,
    #[chain(default = "none", default_factory = "none")]
    both: Option<i64>,
}

fn main() {}
