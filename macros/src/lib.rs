//! The `#[derive(ChainModel)]` macro of chainmodel. Use it through the `chainmodel` crate.
//!
//! The derive parses and validates the struct into one model (`internals`), then expands
//! it (`expand`); every problem found is reported at once, spanned at its cause.

mod chains;
mod expand;
mod internals;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `chainmodel::ChainModel` for a struct with named fields.
#[proc_macro_derive(ChainModel, attributes(chain))]
pub fn derive_chain_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_chain_model(&input).into()
}

/// Makes a chainlet of an `impl` block with `async fn run_remote(&self, ..)`, as truss-chains
/// does for a Python chainlet: the `{Name}Input` model, the output as `RootModel[T]`, the
/// `chainmodel::chains::Chainlet` implementation and the typed stub `{Name}Stub`. See
/// `chainmodel::chains`.
#[proc_macro_attribute]
pub fn chainlet(attr: TokenStream, item: TokenStream) -> TokenStream {
    chains::chainlet(attr.into(), item.into()).into()
}

/// Makes the typed stub `{Name}Stub` (and the `{Name}Input` model) of a remote chainlet from a
/// trait declaring its `async fn run_remote(&self, ..) -> Output;`: a chainlet written
/// elsewhere (in Python) called as a method. See `chainmodel::chains`.
#[proc_macro_attribute]
pub fn stub(attr: TokenStream, item: TokenStream) -> TokenStream {
    chains::stub(attr.into(), item.into()).into()
}
