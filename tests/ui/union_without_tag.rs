use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Text {
    text: String,
}

#[derive(ChainModel)]
enum Part {
    Text(Text),
}

fn main() {}
