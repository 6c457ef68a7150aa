use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Card {
    // pydantic's `examples` is a list, `json_schema_extra` a dict: JSON text of each.
    #[chain(examples = "3", json_schema_extra = "[1]")]
    downloads: i64,
    #[chain(examples = "[1,", json_schema_extra = "{'a': 1}")]
    likes: i64,
    #[chain(description = "one", description = "two", title = 5)]
    name: String,
}

fn main() {}
