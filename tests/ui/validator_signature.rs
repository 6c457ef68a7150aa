use chainmodel::prelude::*;

// A field validator takes the field's value by reference and returns `Result<(), impl Display>`.
fn positive(n: i64) -> bool {
    n > 0
}

#[derive(ChainModel)]
struct Model {
    #[chain(validate = "positive")]
    steps: i64,
}

fn main() {}
