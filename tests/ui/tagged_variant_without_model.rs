use chainmodel::prelude::*;

#[derive(ChainModel)]
#[chain(tag = "type")]
enum Part {
    Text(String),
}

fn main() {}
