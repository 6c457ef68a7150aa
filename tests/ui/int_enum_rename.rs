use chainmodel::prelude::*;

#[derive(ChainModel)]
enum Priority {
    #[chain(rename = "low")]
    Low = 0,
    High = 2,
}

fn main() {}
