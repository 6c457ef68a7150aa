use chainmodel::prelude::*;

const TWO: isize = 2;

#[derive(ChainModel)]
enum Priority {
    Low = 0,
    High = TWO,
}

fn main() {}
