//! `Encode`: the one encoder of a model, for both modes. A struct is a map of its fields in
//! declaration order, each key given in both modes' forms (JSON text, msgpack str) computed
//! here once; a string enum is its value.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use super::{byte_literal, codec_bounds, json_string_literal, msgpack_str};
use crate::internals::ast::{Container, EnumKind, Field, Variant};

/// The `impl Encode` around the body of `encode` and an optional `size_hint`.
fn encode_impl(container: &Container<'_>, private: &TokenStream, body: TokenStream, hint: TokenStream) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let where_clause = codec_bounds(container, &quote!(#private::Encode));
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::Encode for #ident #ty_generics #where_clause {
            fn encode<__W: #private::Writer>(&self, __writer: &mut __W) {
                #body
            }

            #hint
        }
    }
}

pub fn encode_struct(container: &Container<'_>, fields: &[Field<'_>], private: &TokenStream) -> TokenStream {
    let wire: Vec<&Field<'_>> = fields.iter().filter(|f| !f.attrs.skip && f.attrs.extra.is_none()).collect();
    let extra = fields.iter().find(|f| f.attrs.extra.is_some());
    let declared = wire.len();
    // The map's header and the keys.
    let key_bytes: usize = 3 + wire.iter().map(|field| msgpack_str(&field.key).len()).sum::<usize>();
    let hints = wire.iter().chain(extra.as_ref()).map(|field| {
        let member = field.ident;
        spanned!(field.ty.span()=> + #private::Encode::size_hint(&self.#member))
    });
    let writes = wire.iter().map(|field| {
        let name = &field.key;
        let json = format!("{}:", json_string_literal(&field.key));
        let msgpack = byte_literal(&msgpack_str(&field.key));
        let member = field.ident;
        // A default written as an int (`default = 0` on a float) is packed so in binary mode
        // while the field holds it, as truss packs pydantic's unvalidated default
        // (`model_dump(mode="python")` keeps the int; JSON writes the float).
        if let Some(crate::internals::attr::Default::Literal(crate::internals::attr::NumberLiteral::Int(int), _)) =
            &field.attrs.default
        {
            let int = i64::try_from(*int).unwrap_or_default();
            let ty = field.ty;
            return spanned! {field.ty.span()=>
                if <__W as #private::Writer>::BINARY && <#ty as #private::LiteralDefault>::is_literal(&self.#member, #int as f64) {
                    __map.field(&#private::FieldKey { name: #name, json: #json, msgpack: #msgpack }, &#int);
                } else {
                    __map.field(&#private::FieldKey { name: #name, json: #json, msgpack: #msgpack }, &self.#member);
                }
            };
        }
        spanned! {field.ty.span()=>
            __map.field(&#private::FieldKey { name: #name, json: #json, msgpack: #msgpack }, &self.#member);
        }
    });
    // Unknown keys kept by the `extra` field come after the declared fields, as pydantic writes them.
    let (len, write_extra) = match extra {
        Some(field) => {
            let member = field.ident;
            let ty = field.ty;
            (
                spanned!(ty.span()=> #declared + <#ty as #private::ExtraFields>::extra_len(&self.#member)),
                spanned!(ty.span()=> <#ty as #private::ExtraFields>::write_extra(&self.#member, __map);),
            )
        }
        None => (quote!(#declared), TokenStream::new()),
    };
    let map = if wire.is_empty() && extra.is_none() { quote!(_) } else { quote!(__map) };
    let body = quote! {
        #private::Writer::write_map(__writer, #len, |#map| { #(#writes)* #write_extra });
    };
    let hint = quote! {
        fn size_hint(&self) -> usize {
            #key_bytes #(#hints)*
        }
    };
    encode_impl(container, private, body, hint)
}

/// A RootModel writes its value.
pub fn encode_root(container: &Container<'_>, ty: &syn::Type, private: &TokenStream) -> TokenStream {
    let body = spanned!(ty.span()=> #private::Encode::encode(&self.0, __writer););
    let hint = quote! {
        fn size_hint(&self) -> usize {
            #private::Encode::size_hint(&self.0)
        }
    };
    encode_impl(container, private, body, hint)
}

/// A unit enum writes its value (a string, or an integer); a union writes its member, which
/// holds the tag as one of its own fields, in its own order.
pub fn encode_enum(
    container: &Container<'_>,
    kind: &EnumKind,
    variants: &[Variant<'_>],
    private: &TokenStream,
) -> TokenStream {
    let ident = container.ident;
    let (body, hint) = match kind {
        EnumKind::Str | EnumKind::StrLiteral => {
            let arms = variants.iter().map(|variant| {
                let name = variant.ident;
                let value = &variant.value;
                quote!(#ident::#name => #value,)
            });
            (quote!(#private::Writer::write_str(__writer, match self { #(#arms)* });), TokenStream::new())
        }
        EnumKind::Int | EnumKind::IntLiteral => {
            let arms = variants.iter().map(|variant| {
                let name = variant.ident;
                let value = variant.int;
                quote!(#ident::#name => #value,)
            });
            (quote!(#private::Writer::write_int(__writer, match self { #(#arms)* });), TokenStream::new())
        }
        EnumKind::Tagged(_) | EnumKind::Untagged => {
            let names: Vec<_> = variants.iter().map(|variant| variant.ident).collect();
            let body =
                quote!(match self { #(#ident::#names(__member) => #private::Encode::encode(__member, __writer),)* });
            let hint = quote! {
                fn size_hint(&self) -> usize {
                    match self { #(#ident::#names(__member) => #private::Encode::size_hint(__member),)* }
                }
            };
            (body, hint)
        }
    };
    encode_impl(container, private, body, hint)
}
