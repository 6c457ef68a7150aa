use chainmodel::prelude::*;

#[derive(ChainModel)]
#[chain(tag = "type")]
enum Kind {
    Text,
    Image,
}

fn main() {}
