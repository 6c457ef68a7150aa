//! Parsing and validation of the derive's input into one model, in serde_derive's shape:
//! `ast` (the container and its fields), `attr` (typed attributes), `case` (rename rules),
//! `check` (rules across fields), `ctxt` (the error collector), `symbol` (attribute names).

pub mod ast;
pub mod attr;
pub mod case;
pub mod check;
pub mod ctxt;
pub mod symbol;
