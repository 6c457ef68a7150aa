use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Upload<'a> {
    name: String,
    blob: &'a [u8],
}

fn main() {
    let _ = Upload::from_json(r#"{"name": "a", "blob": "AQI="}"#);
}
