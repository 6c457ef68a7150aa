use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Text {
    text: String,
}

#[derive(ChainModel)]
#[chain(literal)]
enum Part {
    Text(Text),
}

fn main() {}
