use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Pair(i64, String);

fn main() {}
