use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Params {
    temperature: f64,
    #[chain(extra)]
    extra: Vec<String>,
}

fn main() {}
