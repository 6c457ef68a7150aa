use chainmodel::prelude::*;

#[derive(ChainModel)]
enum Shape {
    Circle { radius: f64 },
    Square,
}

fn main() {}
