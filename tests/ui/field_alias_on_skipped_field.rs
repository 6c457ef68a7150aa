use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Format {
    name: String,
    #[chain(skip, field_alias = "schema")]
    schema_: String,
}

fn main() {}
