//! Turns the parsed model into the trait implementations.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::internals::ast::Container;
use crate::internals::ctxt::Ctxt;

pub fn derive_chain_model(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut cx = Ctxt::default();
    let container = Container::from_ast(&mut cx, input);
    cx.check()?;
    let Some(container) = container else {
        return Ok(TokenStream::new());
    };

    let ident = container.ident;
    let title = ident.to_string();
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let _ = &container.fields;
    Ok(quote! {
        const _: () = {
            extern crate chainmodel as _chainmodel;
            #[automatically_derived]
            impl #impl_generics _chainmodel::ChainModel for #ident #ty_generics #where_clause {
                const TITLE: &'static str = #title;
            }
        };
    })
}
