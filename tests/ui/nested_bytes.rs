use chainmodel::prelude::*;

#[derive(ChainModel)]
struct Attachment {
    blob: Option<Bytes>,
}

#[derive(ChainModel)]
struct Message {
    text: String,
    attachments: Vec<Attachment>,
}

fn main() {
    let message = Message { text: "hi".into(), attachments: vec![] };
    let _ = message.to_json();
}
