use chainmodel::prelude::*;

#[derive(ChainModel)]
struct V1 {
    a: i64,
}

#[derive(ChainModel)]
struct V2 {
    b: i64,
}

// A default member needs the function that picks it named.
#[derive(ChainModel)]
#[chain(tag = "version", default_tag = "v1")]
enum NoFunction {
    V1(V1),
    V2(V2),
}

// The default must be a member's tag.
#[derive(ChainModel)]
#[chain(tag = "version", discriminator = "get_version", default_tag = "v3")]
enum UnknownDefault {
    V1(V1),
    V2(V2),
}

// A number default is a float's (pydantic's `x: float = 0`).
#[derive(ChainModel)]
struct Named {
    #[chain(default = 0)]
    name: String,
}

// `transform` on a model with fields only.
#[derive(ChainModel)]
#[chain(transform = "keep")]
enum Kind {
    A,
}

fn main() {}
