use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Price {
    // pydantic's `max_digits`/`decimal_places` are a `Decimal`'s.
    #[chain(max_digits = 5, decimal_places = 2)]
    amount: f64,
}

fn main() {}
