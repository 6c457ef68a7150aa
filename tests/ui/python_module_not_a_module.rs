use chainmodel::prelude::*;

// `python_module` is a dotted Python module name: the one that qualifies the `$defs` key.
#[derive(ChainModel)]
#[chain(python_module = "my app.models")]
struct Message {
    text: String,
}

#[derive(ChainModel)]
#[chain(python_module = "")]
struct Other {
    text: String,
}

fn main() {}
