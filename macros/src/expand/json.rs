//! `JsonEncode` and `JsonDecode`: pydantic's JSON, keys in declaration order.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{field_bounds, json_string_literal};
use crate::internals::ast::{Container, Data, Field, Variant};
use crate::internals::attr;

pub fn expand(container: &Container<'_>, private: &TokenStream) -> TokenStream {
    match &container.data {
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
    }
}

fn encode_struct(container: &Container<'_>, fields: &[Field<'_>], private: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let where_clause = field_bounds(container, &quote!(#private::JsonEncode));
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

/// The impl generics of a decoder: the container's, with `'__de` outliving its lifetimes, so
/// that borrowed fields (`&'a str`) can borrow from the input.
pub fn decode_generics(container: &Container<'_>) -> syn::Generics {
    let mut generics = container.generics.clone();
    let lifetimes: Vec<&syn::Lifetime> = container.generics.lifetimes().map(|l| &l.lifetime).collect();
    let de: syn::LifetimeParam =
        if lifetimes.is_empty() { syn::parse_quote!('__de) } else { syn::parse_quote!('__de: #(#lifetimes)+*) };
    generics.params.insert(0, syn::GenericParam::Lifetime(de));
    generics
}

/// The value of a field given no key: its `default`, or the type's own (`None` for
/// `Option`), or a `field required` error.
pub fn default_value(field: &Field<'_>) -> Option<TokenStream> {
    match &field.attrs.default {
        Some(attr::Default::Trait) => Some(quote!(::core::default::Default::default())),
        Some(attr::Default::Path(path, span)) => Some(quote_spanned!(*span=> #path())),
        None if field.attrs.skip => Some(quote!(::core::default::Default::default())),
        None => None,
    }
}

fn decode_struct(container: &Container<'_>, fields: &[Field<'_>], private: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let generics = decode_generics(container);
    let (impl_generics, _, _) = generics.split_for_impl();
    let (_, ty_generics, _) = container.generics.split_for_impl();
    let where_clause = field_bounds(container, &quote!(#private::JsonDecode<'__de>));
    let wire: Vec<&Field<'_>> = fields.iter().filter(|f| !f.attrs.skip).collect();
    let slots: Vec<_> = (0..wire.len()).map(|i| format_ident!("__field{}", i)).collect();

    let declare = wire.iter().zip(&slots).map(|(field, slot)| {
        let ty = field.ty;
        quote!(let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    let arms = wire.iter().zip(&slots).map(|(field, slot)| {
        let key = &field.key;
        let names = std::iter::once(key).chain(&field.attrs.aliases);
        let ty = field.ty;
        quote_spanned! {ty.span()=>
            #(#names)|* => {
                #slot = ::core::option::Option::Some(
                    <#ty as #private::JsonDecode<'__de>>::decode_json(__reader).map_err(|e| e.at_field(#key))?,
                );
            }
        }
    });
    let unknown = if container.attrs.deny_unknown_fields {
        quote! {
            return ::core::result::Result::Err(
                #private::Error::from(#private::ErrorKind::UnknownField).at_field(__key.into_owned()),
            );
        }
    } else {
        quote!(__reader.skip_value()?;)
    };
    let mut wire_slots = wire.iter().zip(&slots);
    let inits = fields.iter().map(|field| {
        let member = field.ident;
        if field.attrs.skip {
            let value = default_value(field);
            return quote!(#member: #value);
        }
        let (_, slot) = wire_slots.next().expect("one slot per wire field");
        let key = &field.key;
        let ty = field.ty;
        let missing = match default_value(field) {
            Some(value) => value,
            None => quote! {
                <#ty as #private::JsonDecode<'__de>>::missing().map_err(|e| e.at_field(#key))?
            },
        };
        quote! {
            #member: match #slot {
                ::core::option::Option::Some(value) => value,
                ::core::option::Option::None => #missing,
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::JsonDecode<'__de> for #ident #ty_generics #where_clause {
            fn decode_json(__reader: &mut #private::JsonReader<'__de>) -> ::core::result::Result<Self, #private::Error> {
                #(#declare)*
                __reader.begin_object()?;
                while let ::core::option::Option::Some(__key) = __reader.next_key()? {
                    match &*__key {
                        #(#arms)*
                        _ => { #unknown }
                    }
                }
                ::core::result::Result::Ok(#ident { #(#inits,)* })
            }
        }
    }
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
    let ident = container.ident;
    let generics = decode_generics(container);
    let (impl_generics, _, _) = generics.split_for_impl();
    let (_, ty_generics, where_clause) = container.generics.split_for_impl();
    let arms = variants.iter().map(|variant| {
        let name = variant.ident;
        let values = std::iter::once(&variant.value).chain(&variant.attrs.aliases);
        quote!(#(#values)|* => ::core::result::Result::Ok(#ident::#name),)
    });
    let expected = expected_values(variants);
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::JsonDecode<'__de> for #ident #ty_generics #where_clause {
            fn decode_json(__reader: &mut #private::JsonReader<'__de>) -> ::core::result::Result<Self, #private::Error> {
                let __value = __reader.read_str()?;
                match &*__value {
                    #(#arms)*
                    _ => ::core::result::Result::Err(#private::unknown_variant(&__value, #expected)),
                }
            }
        }
    }
}

/// pydantic's wording of an enum's values: `'a', 'b' or 'c'`.
pub fn expected_values(variants: &[Variant<'_>]) -> String {
    let quoted: Vec<String> = variants.iter().map(|v| format!("{:?}", v.value).replace('"', "'")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
