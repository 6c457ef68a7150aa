use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Upload {
    name: String,
    blob: Bytes,
}

fn main() {
    let upload = Upload { name: "a".into(), blob: Bytes::from(vec![1, 2]) };
    let _ = upload.to_json();
}
