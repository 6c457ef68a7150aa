use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Model {
    #[chain(ge = "1", max_length = -1, multiple_of = 0, pattern = "(unclosed")]
    a: String,
    #[chain(skip, le = 3)]
    b: i64,
}

fn main() {}
