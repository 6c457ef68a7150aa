use chainmodel::prelude::*;

#[derive(ChainModel)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
