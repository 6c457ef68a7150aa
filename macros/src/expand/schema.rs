//! `ModelSchema` and `JsonSchema`: the schema pydantic's `model_json_schema()` publishes.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use super::codec_bounds;
use super::decode::default_value;
use crate::internals::ast::{Container, Data, EnumKind, Field, Variant};
use crate::internals::attr;

pub fn expand(container: &Container<'_>, private: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let title = super::title(container);
    // A generic model's title names its parameters, as pydantic's: `Page[EmbeddingItem]`.
    let params: Vec<_> = container.generics.type_params().map(|param| &param.ident).collect();
    let title_value = if params.is_empty() {
        quote!(::std::borrow::Cow::<'static, str>::Borrowed(#title))
    } else {
        quote! {
            ::std::borrow::Cow::<'static, str>::Owned(#private::generic_title(
                #title,
                &[#(<#params as #private::JsonSchema>::type_name()),*],
            ))
        }
    };
    let title = quote!(&*__title);
    // The module that qualifies the `$defs` key: the Python one given, as Rust writes paths.
    let module = match &container.attrs.python_module {
        Some(module) => {
            let path = module.value().replace('.', "::");
            quote!(#path)
        }
        None => quote!(::core::module_path!()),
    };
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let where_clause = codec_bounds(container, &quote!(#private::JsonSchema));
    let body = match &container.data {
        Data::Struct(fields) => struct_schema(container, &title, fields, private),
        Data::Root(ty, attrs) => {
            let description = option_str(container.attrs.description.as_ref());
            let constraints = constraint_schema(&attrs.constraints, &quote!(#ty), private);
            let items = items_schema(attrs, ty, private);
            spanned! {ty.span()=>
                #private::root_schema(
                    #title,
                    #description,
                    #private::constrained(<#ty as #private::JsonSchema>::schema(__generator), #constraints, #items),
                )
            }
        }
        Data::Enum(kind, variants) => enum_schema(container, &title, kind, variants, private),
    };
    let inline = matches!(
        &container.data,
        Data::Enum(EnumKind::StrLiteral | EnumKind::IntLiteral | EnumKind::Tagged(_) | EnumKind::Untagged, _)
    );
    let label = union_label(container, private);
    if inline {
        // Literals and unions have no name in Python: their schema is written where they are used.
        return quote! {
            #[automatically_derived]
            impl #impl_generics #private::ModelSchema for #ident #ty_generics #where_clause {
                fn model_schema(__generator: &mut #private::SchemaGenerator) -> #private::Value {
                    #body
                }
            }

            #[automatically_derived]
            impl #impl_generics #private::JsonSchema for #ident #ty_generics #where_clause {
                fn schema(__generator: &mut #private::SchemaGenerator) -> #private::Value {
                    <Self as #private::ModelSchema>::model_schema(__generator)
                }

                #label
            }
        };
    }
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::ModelSchema for #ident #ty_generics #where_clause {
            fn model_schema(__generator: &mut #private::SchemaGenerator) -> #private::Value {
                let __title = #title_value;
                #body
            }
        }

        #[automatically_derived]
        impl #impl_generics #private::JsonSchema for #ident #ty_generics #where_clause {
            fn schema(__generator: &mut #private::SchemaGenerator) -> #private::Value {
                let __title = #title_value;
                __generator.reference_in(
                    #module,
                    &#private::defs_key(&__title),
                    <Self as #private::ModelSchema>::model_schema,
                )
            }

            fn is_reference() -> bool {
                true
            }

            fn type_name() -> ::std::borrow::Cow<'static, str> {
                #title_value
            }

            #label
        }
    }
}

/// `union_label` where pydantic-core's label of the type is not its Python name: an enum's
/// (`str-enum[Kind]`, `int-enum[Level]`), a `Literal`'s (`literal['a','b']`, `literal[1,2]`),
/// a union's (`tagged-union[TextPart,ImagePart]`, `union[int,TextPart]`).
fn union_label(container: &Container<'_>, private: &TokenStream) -> TokenStream {
    let Data::Enum(kind, variants) = &container.data else { return TokenStream::new() };
    let members = |variants: &[Variant<'_>]| -> Vec<TokenStream> {
        variants
            .iter()
            .map(|variant| {
                let ty = variant.ty.expect("a union member");
                spanned!(ty.span()=> <#ty as #private::JsonSchema>::union_label())
            })
            .collect()
    };
    let body = match kind {
        EnumKind::Str | EnumKind::Int => {
            let prefix = if *kind == EnumKind::Str { "str-enum" } else { "int-enum" };
            quote!(::std::format!("{}[{}]", #prefix, <Self as #private::JsonSchema>::type_name()))
        }
        EnumKind::StrLiteral => {
            let values = variants.iter().map(|v| &v.value);
            quote! {
                let __values: &[&str] = &[#(#values),*];
                ::std::format!("literal[{}]", #private::python_reprs(__values).join(","))
            }
        }
        EnumKind::IntLiteral => {
            let values: Vec<String> = variants.iter().map(|v| v.int.to_string()).collect();
            let text = format!("literal[{}]", values.join(","));
            quote!(::std::string::String::from(#text))
        }
        EnumKind::Tagged(_) | EnumKind::Untagged => {
            let prefix = if matches!(kind, EnumKind::Untagged) { "union" } else { "tagged-union" };
            let members = members(variants);
            quote! {
                let __members: ::std::vec::Vec<::std::borrow::Cow<'static, str>> = ::std::vec![#(#members),*];
                ::std::format!("{}[{}]", #prefix, __members.join(","))
            }
        }
    };
    quote! {
        fn union_label() -> ::std::borrow::Cow<'static, str> {
            ::std::borrow::Cow::Owned({ #body })
        }
    }
}

fn option_str(value: Option<&String>) -> TokenStream {
    match value {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    }
}

fn struct_schema(
    container: &Container<'_>,
    title: &TokenStream,
    fields: &[Field<'_>],
    private: &TokenStream,
) -> TokenStream {
    let description = option_str(container.attrs.description.as_ref());
    let deny = container.attrs.deny_unknown_fields;
    let extra = fields.iter().any(|f| f.attrs.extra.is_some());
    let entries = fields.iter().filter(|f| !f.attrs.skip && f.attrs.extra.is_none()).map(|field| {
        let key = &field.read_key;
        let ty = field.ty;
        let field_description = option_str(field.attrs.description.as_ref());
        let option_lit = |value: Option<&syn::LitStr>| match value {
            Some(text) => quote!(::core::option::Option::Some(#text)),
            None => quote!(::core::option::Option::None),
        };
        let field_title = option_lit(field.attrs.title.as_ref());
        let examples = option_lit(field.attrs.examples.as_ref());
        let json_schema_extra = option_lit(field.attrs.json_schema_extra.as_ref());
        let default_factory = matches!(field.attrs.default, Some(crate::internals::attr::Default::Factory(..)));
        let required = field.attrs.required.is_some();
        let default = match (&field.attrs.default, default_value(field, private).filter(|_| !default_factory)) {
            // As written: `0` stays an int, as pydantic writes an unvalidated default.
            (Some(crate::internals::attr::Default::Literal(literal, _)), _) => {
                let value = match literal {
                    attr::NumberLiteral::Int(int) => {
                        let int = i64::try_from(*int).unwrap_or_default();
                        quote!(#private::Value::from(#int))
                    }
                    attr::NumberLiteral::Float(float) => {
                        let float = proc_macro2::Literal::f64_suffixed(*float);
                        quote!(#private::Value::from(#float))
                    }
                };
                quote!(::core::option::Option::Some(#value))
            }
            (_, Some(value)) => spanned! {ty.span()=>
                ::core::option::Option::Some(#private::SchemaDefault::default_value(&{ let __default: #ty = #value; __default }))
            },
            (_, None) => quote!(::core::option::Option::None),
        };
        let constraints = constraint_schema(&field.attrs.constraints, &quote!(#ty), private);
        let items = items_schema(&field.attrs, ty, private);
        spanned! {ty.span()=>
            (#key, #private::field_schema::<#ty>(__generator, #private::FieldInfo {
                key: #key,
                description: #field_description,
                title: #field_title,
                examples: #examples,
                json_schema_extra: #json_schema_extra,
                default: #default,
                constraints: #constraints,
                items: #items,
                required: #required,
                default_factory: #default_factory,
            }))
        }
    });
    quote! {
        #private::object_schema(#title, #description, #deny, #extra, ::std::vec![#(#entries),*])
    }
}

/// The constraints of the items of a value of type `ty` (`items(..)`, `values(..)`) as
/// pydantic's schema keywords.
fn items_schema(attrs: &crate::internals::attr::Field, ty: &syn::Type, private: &TokenStream) -> TokenStream {
    match &attrs.items {
        Some((constraints, _)) => constraint_schema(constraints, &quote!(<#ty as #private::Collection>::Item), private),
        None => quote!(::std::vec::Vec::new()),
    }
}

/// The constraints of a value of type `ty` (a field's, or its items') as pydantic's schema
/// keywords.
fn constraint_schema(
    constraints: &crate::internals::attr::Constraints,
    ty: &TokenStream,
    private: &TokenStream,
) -> TokenStream {
    if constraints.is_empty() {
        return quote!(::std::vec::Vec::new());
    }
    let mut entries = Vec::new();
    for (key, bound) in constraints.numbers() {
        // As written: an integer as an integer (as a float past 64 bits, which JSON numbers
        // hold only so), a float as a float.
        let value = match bound.value {
            attr::NumberLiteral::Int(int) => match (i64::try_from(int), u64::try_from(int)) {
                (Ok(int), _) => quote!(#private::Value::from(#int)),
                (_, Ok(int)) => quote!(#private::Value::from(#int)),
                #[allow(clippy::cast_precision_loss)]
                _ => {
                    let float = proc_macro2::Literal::f64_suffixed(int as f64);
                    quote!(#private::Value::from(#float))
                }
            },
            attr::NumberLiteral::Float(float) => {
                let float = proc_macro2::Literal::f64_suffixed(float);
                quote!(#private::Value::from(#float))
            }
        };
        entries.push(quote!((#key, #value)));
    }
    if let Some((min, span)) = constraints.min_length {
        entries.push(spanned!(span=> (#private::length_keys::<#ty>().0, #private::Value::from(#min))));
    }
    if let Some((max, span)) = constraints.max_length {
        entries.push(spanned!(span=> (#private::length_keys::<#ty>().1, #private::Value::from(#max))));
    }
    if let Some(pattern) = &constraints.pattern {
        entries.push(quote!(("pattern", #private::Value::from(#pattern))));
    }
    quote!(::std::vec![#(#entries),*])
}

fn enum_schema(
    container: &Container<'_>,
    title: &TokenStream,
    kind: &EnumKind,
    variants: &[Variant<'_>],
    private: &TokenStream,
) -> TokenStream {
    let description = option_str(container.attrs.description.as_ref());
    match kind {
        EnumKind::Str => {
            let values = variants.iter().map(|v| &v.value);
            quote!(#private::enum_schema(#title, #description, &[#(#values),*]))
        }
        EnumKind::Int => {
            let values = variants.iter().map(|v| v.int);
            quote!(#private::int_enum_schema(#title, #description, &[#(#values),*]))
        }
        EnumKind::StrLiteral => {
            let values = variants.iter().map(|v| &v.value);
            quote!(#private::literal_schema(::std::vec![#(#private::Value::from(#values)),*]))
        }
        EnumKind::IntLiteral => {
            let values = variants.iter().map(|v| v.int);
            quote!(#private::literal_schema(::std::vec![#(#private::Value::from(#values)),*]))
        }
        EnumKind::Tagged(_) if container.attrs.discriminator.is_some() => {
            let members = variants.iter().map(|variant| {
                let ty = variant.ty.expect("a union member");
                spanned!(ty.span()=> <#ty as #private::JsonSchema>::schema(__generator))
            });
            quote!(#private::callable_union_schema(::std::vec![#(#members),*]))
        }
        EnumKind::Tagged(tag) => {
            let members = variants.iter().map(|variant| {
                let value = &variant.value;
                let ty = variant.ty.expect("a union member");
                spanned!(ty.span()=> (#value, <#ty as #private::JsonSchema>::schema(__generator)))
            });
            quote!(#private::tagged_union_schema(#tag, ::std::vec![#(#members),*]))
        }
        EnumKind::Untagged => {
            let members = variants.iter().map(|variant| {
                let ty = variant.ty.expect("a union member");
                spanned!(ty.span()=> <#ty as #private::JsonSchema>::schema(__generator))
            });
            quote!(#private::union_schema(::std::vec![#(#members),*]))
        }
    }
}
