//! Turns the parsed model into code: one module per output (the decoder and the encoder,
//! each for both modes; the JSON-form check; the schema), all wrapped in one `const _` and
//! reaching the runtime only through its hidden `__private` module.

/// `quote_spanned!` whose generated locals (`__map`, `self`, ...) keep the derive's own name
/// resolution: the span placing the tokens at the user's field for errors would otherwise
/// give them the hygiene of the user's tokens, and a model declared inside a `macro_rules!`
/// would not see the derive's locals.
macro_rules! spanned {
    ($($tokens:tt)*) => {
        crate::expand::hygienic(quote::quote_spanned!($($tokens)*))
    };
}

mod decode;
mod encode;
mod form;
mod schema;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::internals::ast::{Container, Data, EnumKind};
use crate::internals::check;
use crate::internals::ctxt::Ctxt;

pub fn derive_chain_model(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let container = Container::from_ast(&cx, input);
    if let Some(container) = &container {
        check::check(&cx, container);
    }
    match (cx.check(), container) {
        (Ok(()), Some(container)) => expand(&container),
        (Err(errors), _) => {
            let errors = errors.into_compile_error();
            let fallback = fallback(input);
            quote!(#errors #fallback)
        }
        (Ok(()), None) => TokenStream::new(),
    }
}

/// Stub impls emitted beside the errors of a bad derive, so that the user's code that uses
/// the model does not add a cascade of unrelated errors to the real ones.
fn fallback(input: &DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let private = quote!(::chainmodel::__private);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut de_generics = input.generics.clone();
    de_generics.params.insert(0, syn::parse_quote!('__de));
    let (de_impl_generics, _, _) = de_generics.split_for_impl();
    quote! {
        const _: () = {
            impl #impl_generics #private::ChainModel for #ident #ty_generics #where_clause {
                const TITLE: &'static str = "";
            }
            impl #impl_generics #private::Encode for #ident #ty_generics #where_clause {
                fn encode<__W: #private::Writer>(&self, _: &mut __W) {
                    ::core::unreachable!()
                }
            }
            impl #de_impl_generics #private::Decode<'__de> for #ident #ty_generics #where_clause {
                fn decode<__R: #private::Reader<'__de>>(_: &mut __R) -> ::core::result::Result<Self, #private::Error> {
                    ::core::unreachable!()
                }
            }
            impl #impl_generics #private::ModelSchema for #ident #ty_generics #where_clause {
                fn model_schema(_: &mut #private::SchemaGenerator) -> #private::Value {
                    ::core::unreachable!()
                }
            }
        };
    }
}

fn expand(container: &Container<'_>) -> TokenStream {
    let krate = match &container.attrs.crate_path {
        Some(path) => quote!(#path),
        None => quote!(::chainmodel),
    };
    let private = quote!(#krate::__private);
    let model = model_impl(container, &private);
    let (decode, encode) = match &container.data {
        Data::Struct(fields) => {
            (decode::decode_struct(container, fields, &private), encode::encode_struct(container, fields, &private))
        }
        Data::Root(ty, attrs) => {
            (decode::decode_root(container, ty, attrs, &private), encode::encode_root(container, ty, &private))
        }
        Data::Enum(kind, variants) => (
            decode::decode_enum(container, kind, variants, &private),
            encode::encode_enum(container, kind, variants, &private),
        ),
    };
    let members = tagged_members(container, &private);
    let form = form::expand(container, &private);
    let schema = schema::expand(container, &private);
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            #model
            #decode
            #encode
            #form
            #schema
            #members
        };
    }
}

/// A model with fields may be a tagged union's member; a union's members must be such models,
/// checked at each variant's type.
fn tagged_members(container: &Container<'_>, private: &TokenStream) -> TokenStream {
    match &container.data {
        Data::Struct(fields) => {
            let ident = container.ident;
            let keys = fields.iter().filter(|f| !f.attrs.skip && f.attrs.extra.is_none()).map(|f| &f.read_key);
            let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
            quote! {
                #[automatically_derived]
                impl #impl_generics #private::TaggedMember for #ident #ty_generics #where_clause {
                    const KEYS: &'static [&'static str] = &[#(#keys),*];
                }
            }
        }
        Data::Enum(EnumKind::Tagged(tag), variants) => {
            let checks = variants
                .iter()
                .filter_map(|v| v.ty)
                .map(|ty| spanned!(ty.span()=> #private::assert_tagged_member::<#ty>();));
            let (impl_generics, _, where_clause) = container.generics.split_for_impl();
            // Each member is a model (checked at its type, inside a function when the union is
            // generic) and declares the tag field (checked where the members are known types).
            let has_tag = variants.iter().map(|variant| {
                let ty = variant.ty.expect("a union member");
                let message = format!(
                    "the member of variant `{}` has no field {tag:?}: each member of a `tag = {tag:?}` union declares \
                     it, as a `#[chain(literal)]` enum of the variant's value {:?}",
                    variant.ident, variant.value
                );
                // `assert!`'s message is a format string: a value's braces (`\u{85}`) are text.
                let message = message.replace('{', "{{").replace('}', "}}");
                spanned! {ty.span()=>
                    const _: () = ::core::assert!(#private::has_key(<#ty as #private::TaggedMember>::KEYS, #tag), #message);
                }
            });
            if container.generics.params.is_empty() {
                quote!(#(#has_tag)*)
            } else {
                quote! {
                    #[allow(dead_code)]
                    fn __assert_tagged_members #impl_generics () #where_clause { #(#checks)* }
                }
            }
        }
        _ => TokenStream::new(),
    }
}

/// The model's name in Python: `title`, else the type's name.
/// Gives the generated locals in `tokens` (`self` and the `__`-prefixed names) the derive's
/// name resolution, keeping their place in the user's code (see `spanned!`).
pub(crate) fn hygienic(tokens: TokenStream) -> TokenStream {
    use proc_macro2::{Group, TokenTree};
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(mut ident) => {
                let name = ident.to_string();
                if name == "self" || name.starts_with("__") {
                    ident.set_span(ident.span().resolved_at(Span::call_site()));
                }
                TokenTree::Ident(ident)
            }
            TokenTree::Group(group) => {
                let mut respanned = Group::new(group.delimiter(), hygienic(group.stream()));
                respanned.set_span(group.span());
                TokenTree::Group(respanned)
            }
            other => other,
        })
        .collect()
}

pub fn title(container: &Container<'_>) -> String {
    match &container.attrs.title {
        Some(title) => title.value(),
        None => container.ident.to_string(),
    }
}

/// `impl ChainModel`: the title, and through the trait's provided methods the codecs.
fn model_impl(container: &Container<'_>, private: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let title = title(container);
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::ChainModel for #ident #ty_generics #where_clause {
            const TITLE: &'static str = #title;
        }
    }
}

/// The where clause of a codec impl: the container's own predicates, and `T: Trait` for each
/// type parameter, as serde's derive does. Field types get no bound: a model may hold itself
/// (`Vec<Self>`, or through an alias) or a model that holds it, and a bound on such a field
/// would ask the compiler to prove the impl from itself. A field whose type lacks the codec
/// is reported at the field.
pub fn codec_bounds(container: &Container<'_>, bound: &TokenStream) -> TokenStream {
    let existing = existing_predicates(container);
    let params = container.generics.type_params().map(|param| &param.ident);
    quote! {
        where #existing #(#params: #bound,)*
    }
}

/// The container's own where-clause predicates, each followed by a comma.
pub fn existing_predicates(container: &Container<'_>) -> TokenStream {
    let predicates = container.generics.where_clause.iter().flat_map(|w| w.predicates.iter());
    quote!(#(#predicates,)*)
}

/// The types of the fields on the wire.
pub fn wire_types<'a>(container: &'a Container<'_>) -> Vec<&'a syn::Type> {
    match &container.data {
        Data::Struct(fields) => fields.iter().filter(|f| !f.attrs.skip).map(|f| f.ty).collect(),
        Data::Root(ty, _) => vec![*ty],
        Data::Enum(_, variants) => variants.iter().filter_map(|v| v.ty).collect(),
    }
}

/// A Rust string literal holding `value` as JSON string text, quotes included.
pub fn json_string_literal(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key's msgpack str in its smallest form, as Python writes it: header, then the bytes.
pub fn msgpack_str(value: &str) -> Vec<u8> {
    let len = value.len();
    let mut bytes = match len {
        0..=31 => vec![0xa0 | len as u8],
        32..=0xff => vec![0xd9, len as u8],
        0x100..=0xffff => [&[0xda][..], &(len as u16).to_be_bytes()].concat(),
        _ => [&[0xdb][..], &(len as u32).to_be_bytes()].concat(),
    };
    bytes.extend_from_slice(value.as_bytes());
    bytes
}

/// A byte string literal of `bytes`.
pub fn byte_literal(bytes: &[u8]) -> syn::LitByteStr {
    syn::LitByteStr::new(bytes, Span::call_site())
}
