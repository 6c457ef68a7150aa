//! Parsing and validation of the derive's input into one model.

pub mod ast;
pub mod ctxt;
