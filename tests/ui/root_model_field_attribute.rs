use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Batch(#[chain(default)] Vec<String>);

fn main() {}
