use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Text {
    text: String,
}

#[derive(ChainModel)]
#[chain(tag = "")]
enum Part {
    Text(Text),
}

fn main() {}
