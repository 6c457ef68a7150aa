use chainmodel::prelude::*;

fn check(_: &i64) -> Result<(), String> {
    Ok(())
}

// `strict` and `validate` on an enum; `items(..)` with a constraint it does not know; `strict`
// and `validate` on a skipped field.
#[derive(ChainModel)]
#[chain(strict, validate = "check")]
enum Kind {
    A,
}

#[derive(ChainModel)]
struct Model {
    #[chain(items(min_length = 1, bogus = 2))]
    tags: Vec<String>,
    #[chain(skip, strict, validate = "check")]
    cache: i64,
    #[chain(validate = 3)]
    n: i64,
}

fn main() {}
