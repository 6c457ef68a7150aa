//! Code generation from pydantic's JSON Schema (`chainmodel codegen`): Rust models that read
//! and write what the schema's pydantic models read and write.
//!
//! [`rust_module`] turns one schema (a model with its `$defs`, as `model_json_schema()` writes
//! it) into a Rust module of `#[derive(ChainModel)]` types named after the schema's titles.
//! Where the schema cannot say what the wire holds, the generated code picks a documented
//! reading and says so in a comment.

mod rust;

pub use rust::rust_module;

/// A schema the generator cannot turn into code: where in the schema (a JSON pointer) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    /// The JSON pointer of the part of the schema at fault (`/$defs/Item/properties/x`).
    pub at: String,
    /// What is wrong there.
    pub message: String,
}

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", if self.at.is_empty() { "/" } else { &self.at }, self.message)
    }
}

impl std::error::Error for CodegenError {}
