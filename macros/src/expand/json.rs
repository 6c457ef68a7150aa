//! `JsonEncode` and `JsonDecode`: pydantic's JSON, keys in declaration order.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::decode::{self, MapReader};
use super::{codec_bounds, existing_predicates, json_string_literal, wire_types};
use crate::internals::ast::{Container, Data, Field, Variant};

pub fn expand(container: &Container<'_>, private: &TokenStream) -> TokenStream {
    let form = json_form(container, private);
    let codec = match &container.data {
        Data::Struct(fields) => {
            let encode = encode_struct(container, fields, private);
            let decode = decode_struct(container, fields, private);
            quote!(#encode #decode)
        }
        Data::Enum(variants) => {
            let encode = encode_enum(container, variants, private);
            let decode = decode_enum(container, variants, private);
            quote!(#encode #decode)
        }
    };
    quote!(#form #codec)
}

/// `JsonForm`: the model has a JSON form at level `S<N>` when each field's type has one at
/// level `N` (binary data has none but at the last level), so that `to_json` on a
/// binary-only model fails to compile, naming the binary field's type; the level makes the
/// check end for models that hold themselves.
fn json_form(container: &Container<'_>, private: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let mut generics = container.generics.clone();
    generics.params.insert(0, syn::parse_quote!(__N));
    let (impl_generics, _, _) = generics.split_for_impl();
    let (plain_impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let existing = existing_predicates(container);
    let bounds = wire_types(container).into_iter().map(|ty| {
        quote_spanned!(ty.span()=> #ty: #private::JsonForm<__N>,)
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::JsonForm<#private::S<__N>> for #ident #ty_generics where #existing #(#bounds)* {}

        #[automatically_derived]
        impl #plain_impl_generics #private::JsonForm<#private::Z> for #ident #ty_generics #where_clause {}
    }
}

fn encode_struct(container: &Container<'_>, fields: &[Field<'_>], private: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let where_clause = codec_bounds(container, &quote!(#private::JsonEncode));
    let mut first = true;
    let writes = fields
        .iter()
        .filter(|f| !f.attrs.skip)
        .map(|field| {
            // `{"key":` before the first field, `,"key":` before the others.
            let prefix = format!("{}{}:", if first { "{" } else { "," }, json_string_literal(&field.key));
            first = false;
            let member = field.ident;
            let ty = field.ty;
            quote_spanned! {ty.span()=>
                __writer.raw(#prefix);
                #private::JsonEncode::encode_json(&self.#member, __writer);
            }
        })
        .collect::<Vec<_>>();
    let close = if first { "{}" } else { "}" };
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::JsonEncode for #ident #ty_generics #where_clause {
            fn encode_json(&self, __writer: &mut #private::JsonWriter) {
                #(#writes)*
                __writer.raw(#close);
            }
        }
    }
}

/// How JSON reads a model's object.
fn map_reader() -> MapReader {
    MapReader {
        decode_trait: quote!(JsonDecode),
        method: format_ident!("decode_json"),
        reader: quote!(JsonReader),
        key_loop: quote! {
            __reader.begin_object()?;
            while let ::core::option::Option::Some(__owned_key) = __reader.next_key()?
        },
        bind_key: quote!(let __key: &str = &__owned_key;),
        after_loop: quote!(),
        key_pattern: |key| quote!(#key),
        key_name: quote!(::std::borrow::ToOwned::to_owned(__key)),
        key_len: None,
    }
}

fn decode_struct(container: &Container<'_>, fields: &[Field<'_>], private: &TokenStream) -> TokenStream {
    decode::decode_struct(container, fields, private, &map_reader())
}

fn encode_enum(container: &Container<'_>, variants: &[Variant<'_>], private: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let arms = variants.iter().map(|variant| {
        let name = variant.ident;
        let text = json_string_literal(&variant.value);
        quote!(#ident::#name => #text,)
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::JsonEncode for #ident #ty_generics #where_clause {
            fn encode_json(&self, __writer: &mut #private::JsonWriter) {
                __writer.raw(match self { #(#arms)* });
            }
        }
    }
}

fn decode_enum(container: &Container<'_>, variants: &[Variant<'_>], private: &TokenStream) -> TokenStream {
    decode::decode_enum(container, variants, private, &map_reader())
}
