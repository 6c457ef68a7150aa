use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Text {
    text: String,
}

#[derive(ChainModel)]
#[chain(tag = "type")]
enum Part {
    Text(Text),
}

fn main() {}
