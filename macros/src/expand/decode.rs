//! The decoder of a struct, shared by the codecs: one slot per wire field, filled key by key
//! (aliases included, unknown keys skipped or refused), then the model built with each missing
//! field's default, `None` for an `Option`, or a `field required` error.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::codec_bounds;
use crate::internals::ast::{Container, Field, Variant};
use crate::internals::attr;

/// How one codec reads a map of fields.
pub struct MapReader {
    /// The decode trait, `JsonDecode` or `MsgpackDecode` (without its lifetime).
    pub decode_trait: TokenStream,
    /// Its method, `decode_json` or `decode_msgpack`.
    pub method: syn::Ident,
    /// The reader type, `JsonReader` or `MsgpackReader` (without its lifetime).
    pub reader: TokenStream,
    /// The loop over the keys.
    pub key_loop: TokenStream,
    /// The first statement of the loop's body: binds `__key` to the key as the arms match it.
    pub bind_key: TokenStream,
    /// Code after the loop.
    pub after_loop: TokenStream,
    /// A key as a match pattern.
    pub key_pattern: fn(&str) -> TokenStream,
    /// `__key` as an owned `String`, for the unknown-field error.
    pub key_name: TokenStream,
    /// The length of a key's encoding, when the codec's decode trait has a `MIN_LEN`.
    pub key_len: Option<fn(&str) -> usize>,
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

/// The value of a field given no key: its `default`, or `Default::default()` for a skipped
/// field; `None` when the type decides (an `Option` reads as `None`, anything else is an error).
pub fn default_value(field: &Field<'_>) -> Option<TokenStream> {
    match &field.attrs.default {
        Some(attr::Default::Trait) => Some(quote!(::core::default::Default::default())),
        Some(attr::Default::Path(path, span)) => Some(quote_spanned!(*span=> #path())),
        None if field.attrs.skip => Some(quote!(::core::default::Default::default())),
        None => None,
    }
}

pub fn decode_struct(
    container: &Container<'_>,
    fields: &[Field<'_>],
    private: &TokenStream,
    map: &MapReader,
) -> TokenStream {
    let MapReader { decode_trait, method, reader, key_loop, bind_key, after_loop, key_pattern, key_name, key_len } =
        map;
    let ident = container.ident;
    let generics = decode_generics(container);
    let (impl_generics, _, _) = generics.split_for_impl();
    let (_, ty_generics, _) = container.generics.split_for_impl();
    let where_clause = codec_bounds(container, &quote!(#private::#decode_trait<'__de>));
    let wire: Vec<&Field<'_>> = fields.iter().filter(|f| !f.attrs.skip).collect();
    let slots: Vec<_> = (0..wire.len()).map(|i| format_ident!("__field{}", i)).collect();

    let declare = wire.iter().zip(&slots).map(|(field, slot)| {
        let ty = field.ty;
        quote!(let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    let arms = wire.iter().zip(&slots).map(|(field, slot)| {
        let key = &field.key;
        let names = std::iter::once(key).chain(&field.attrs.aliases).map(|name| key_pattern(name));
        let ty = field.ty;
        quote_spanned! {ty.span()=>
            #(#names)|* => {
                #slot = ::core::option::Option::Some(
                    <#ty as #private::#decode_trait<'__de>>::#method(__reader).map_err(|e| e.at_field(#key))?,
                );
            }
        }
    });
    let unknown = if container.attrs.deny_unknown_fields {
        quote! {
            return ::core::result::Result::Err(
                #private::Error::from(#private::ErrorKind::UnknownField).at_field(#key_name),
            );
        }
    } else {
        quote!(__reader.skip_value()?;)
    };
    // The shortest valid encoding: the map's header, then each required field's key and value.
    let min_len = key_len.map(|key_len| {
        let required = wire.iter().filter(|field| field.attrs.default.is_none() && !is_option(field.ty)).map(|field| {
            let len = key_len(&field.key);
            let ty = field.ty;
            quote!(+ #len + <#ty as #private::#decode_trait<'__de>>::MIN_LEN)
        });
        quote!(const MIN_LEN: usize = 1 #(#required)*;)
    });
    let mut wire_slots = slots.iter();
    let inits = fields.iter().map(|field| {
        let member = field.ident;
        if field.attrs.skip {
            let value = default_value(field);
            return quote!(#member: #value);
        }
        let slot = wire_slots.next().expect("one slot per wire field");
        let key = &field.key;
        let ty = field.ty;
        let missing = default_value(field).unwrap_or_else(
            || quote!(<#ty as #private::#decode_trait<'__de>>::missing().map_err(|e| e.at_field(#key))?),
        );
        quote! {
            #member: match #slot {
                ::core::option::Option::Some(value) => value,
                ::core::option::Option::None => #missing,
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::#decode_trait<'__de> for #ident #ty_generics #where_clause {
            #min_len

            fn #method(__reader: &mut #private::#reader<'__de>) -> ::core::result::Result<Self, #private::Error> {
                #(#declare)*
                #key_loop {
                    #bind_key
                    match __key {
                        #(#arms)*
                        _ => { #unknown }
                    }
                }
                #after_loop
                ::core::result::Result::Ok(#ident { #(#inits,)* })
            }
        }
    }
}

/// Whether `ty` is spelled `Option<..>` (a missing key reads as `None`).
fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().is_some_and(|segment| segment.ident == "Option"),
        _ => false,
    }
}

/// The decoder of a string enum: the value, or an alias, names a variant.
pub fn decode_enum(
    container: &Container<'_>,
    variants: &[Variant<'_>],
    private: &TokenStream,
    map: &MapReader,
) -> TokenStream {
    let MapReader { decode_trait, method, reader, .. } = map;
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
        impl #impl_generics #private::#decode_trait<'__de> for #ident #ty_generics #where_clause {
            fn #method(__reader: &mut #private::#reader<'__de>) -> ::core::result::Result<Self, #private::Error> {
                let __text = __reader.read_str()?;
                let __value: &str = &__text;
                match __value {
                    #(#arms)*
                    _ => ::core::result::Result::Err(#private::unknown_variant(__value, #expected)),
                }
            }
        }
    }
}

/// pydantic's wording of an enum's values: `'a', 'b' or 'c'`.
fn expected_values(variants: &[Variant<'_>]) -> String {
    let quoted: Vec<String> = variants.iter().map(|v| format!("{:?}", v.value).replace('"', "'")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
