use chainmodel::prelude::*;

#[derive(ChainModel)]
#[chain(literal, title = "Mode")]
enum Mode {
    Fast,
    Slow,
}

fn main() {}
