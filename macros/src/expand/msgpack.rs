//! `MsgpackEncode` and `MsgpackDecode`: truss's binary mode, a map with str keys in
//! declaration order, as `msgpack.packb(model.model_dump())` writes it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::decode::{self, MapReader};
use super::codec_bounds;
use crate::internals::ast::{Container, Data, Field, Variant};

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

/// A msgpack str or map header in its smallest form, as Python writes it.
fn header(len: usize, fix: u8, [m8, m16, m32]: [Option<u8>; 3], fix_max: usize) -> Vec<u8> {
    match len {
        _ if len <= fix_max => vec![fix | len as u8],
        0..=0xff if m8.is_some() => vec![m8.unwrap_or_default(), len as u8],
        0..=0xffff => [&[m16.unwrap_or_default()][..], &(len as u16).to_be_bytes()].concat(),
        _ => [&[m32.unwrap_or_default()][..], &(len as u32).to_be_bytes()].concat(),
    }
}

fn str_bytes(value: &str) -> Vec<u8> {
    let mut bytes = header(value.len(), 0xa0, [Some(0xd9), Some(0xda), Some(0xdb)], 31);
    bytes.extend_from_slice(value.as_bytes());
    bytes
}

fn byte_literal(bytes: &[u8]) -> syn::LitByteStr {
    syn::LitByteStr::new(bytes, Span::call_site())
}

fn encode_struct(container: &Container<'_>, fields: &[Field<'_>], private: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let where_clause = codec_bounds(container, &quote!(#private::MsgpackEncode));
    let wire: Vec<&Field<'_>> = fields.iter().filter(|f| !f.attrs.skip).collect();
    let map_header = byte_literal(&header(wire.len(), 0x80, [None, Some(0xde), Some(0xdf)], 15));
    let key_bytes: usize = 3 + wire.iter().map(|field| str_bytes(&field.key).len()).sum::<usize>();
    let hints = wire.iter().map(|field| {
        let member = field.ident;
        quote_spanned!(field.ty.span()=> + #private::MsgpackEncode::size_hint(&self.#member))
    });
    let writes = wire.iter().map(|field| {
        let key = byte_literal(&str_bytes(&field.key));
        let name = &field.key;
        let member = field.ident;
        quote_spanned! {field.ty.span()=>
            __writer.raw(#key);
            #private::MsgpackEncode::encode_msgpack(&self.#member, __writer);
            if __writer.failed() {
                return __writer.locate_field(#name);
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::MsgpackEncode for #ident #ty_generics #where_clause {
            fn encode_msgpack(&self, __writer: &mut #private::MsgpackWriter<'_>) {
                __writer.raw(#map_header);
                #(#writes)*
            }

            fn size_hint(&self) -> usize {
                #key_bytes #(#hints)*
            }
        }
    }
}

/// How msgpack reads a model's map.
fn map_reader() -> MapReader {
    MapReader {
        decode_trait: quote!(MsgpackDecode),
        method: format_ident!("decode_msgpack"),
        reader: quote!(MsgpackReader),
        key_loop: quote!(for _ in 0..__reader.read_map_len()?),
        bind_key: quote!(let __key = __reader.read_key_bytes()?;),
        after_loop: quote!(__reader.leave();),
        // Keys are matched as bytes: msgpack_numpy and truss write bin keys, models str keys.
        key_pattern: |key| {
            let bytes = byte_literal(key.as_bytes());
            quote!(#bytes)
        },
        key_name: quote!(::std::string::String::from_utf8_lossy(__key).into_owned()),
        key_len: Some(|key| str_bytes(key).len()),
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
        let bytes = byte_literal(&str_bytes(&variant.value));
        quote!(#ident::#name => #bytes,)
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::MsgpackEncode for #ident #ty_generics #where_clause {
            fn encode_msgpack(&self, __writer: &mut #private::MsgpackWriter<'_>) {
                __writer.raw(match self { #(#arms)* });
            }
        }
    }
}

fn decode_enum(container: &Container<'_>, variants: &[Variant<'_>], private: &TokenStream) -> TokenStream {
    decode::decode_enum(container, variants, private, &map_reader())
}
