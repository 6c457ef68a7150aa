//! `JsonForm`: the model has a JSON form at level `S<N>` when each field's type has one at
//! level `N` (binary data has none but at the last level), so that asking for the JSON of a
//! binary-only model fails to compile, naming the binary field's type; the level makes the
//! check end for models that hold themselves.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use super::{existing_predicates, wire_types};
use crate::internals::ast::Container;

pub fn expand(container: &Container<'_>, private: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let mut generics = container.generics.clone();
    generics.params.insert(0, syn::parse_quote!(__N));
    let (impl_generics, _, _) = generics.split_for_impl();
    let (plain_impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let existing = existing_predicates(container);
    let bounds = wire_types(container).into_iter().map(|ty| spanned!(ty.span()=> #ty: #private::JsonForm<__N>,));
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::JsonForm<#private::S<__N>> for #ident #ty_generics where #existing #(#bounds)* {}

        #[automatically_derived]
        impl #plain_impl_generics #private::JsonForm<#private::Z> for #ident #ty_generics #where_clause {}
    }
}
