use chainmodel::prelude::*;

#[derive(ChainModel)]
#[chain(rename_all = "Camel", deny_unknown_fields, deny_unknown_fields)]
struct Model {
    #[chain(alias = 3)]
    a: i64,
    #[chain(rename = "a")]
    b: i64,
    #[chain(skip, unknown)]
    c: i64,
}

fn main() {
    // The derive's stub impls keep this use free of follow-on errors.
    let _ = Model::json_schema();
    let _ = Model::from_json("{}");
}
