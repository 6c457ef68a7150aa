//! The `#[derive(ChainModel)]` macro of chainmodel. Use it through the `chainmodel` crate.
//!
//! The derive parses and validates the struct into one model (`internals`), then expands
//! it (`expand`); every problem found is reported at once, spanned at its cause.

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
