//! The derive's model of the user's type: the container, its fields or variants, each with
//! its parsed attributes and its name on the wire.

use syn::ext::IdentExt;
use syn::{DeriveInput, Fields};

use super::attr;
use super::ctxt::Ctxt;

pub struct Container<'a> {
    pub ident: &'a syn::Ident,
    pub generics: &'a syn::Generics,
    pub attrs: attr::Container,
    pub data: Data<'a>,
}

pub enum Data<'a> {
    /// A struct with named fields: a pydantic model.
    Struct(Vec<Field<'a>>),
    /// An enum of unit variants: a pydantic `Enum` of strings.
    Enum(Vec<Variant<'a>>),
}

pub struct Field<'a> {
    pub ident: &'a syn::Ident,
    pub ty: &'a syn::Type,
    pub attrs: attr::Field,
    /// The key in JSON and msgpack: `rename`, else `rename_all` of the name, else the name.
    pub key: String,
}

pub struct Variant<'a> {
    pub ident: &'a syn::Ident,
    pub attrs: attr::Variant,
    /// The string value: `rename`, else `rename_all` of the name, else the name.
    pub value: String,
}

impl<'a> Container<'a> {
    /// Reads `input`, recording in `cx` everything wrong with it; `None` if it is not a shape
    /// the derive supports.
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Container<'a>> {
        let attrs = attr::Container::from_ast(cx, &input.attrs);
        let data = match &input.data {
            syn::Data::Struct(data) => match &data.fields {
                Fields::Named(named) => {
                    Data::Struct(named.named.iter().filter_map(|field| Field::from_ast(cx, field, &attrs)).collect())
                }
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        "ChainModel needs a struct with named fields: they are the model's keys",
                    );
                    return None;
                }
            },
            syn::Data::Enum(data) => {
                let variants: Vec<_> = data.variants.iter().filter_map(|v| Variant::from_ast(cx, v, &attrs)).collect();
                if variants.len() != data.variants.len() {
                    return None;
                }
                Data::Enum(variants)
            }
            syn::Data::Union(data) => {
                cx.error_spanned_by(data.union_token, "ChainModel does not support unions");
                return None;
            }
        };
        Some(Container { ident: &input.ident, generics: &input.generics, attrs, data })
    }
}

impl<'a> Field<'a> {
    fn from_ast(cx: &Ctxt, field: &'a syn::Field, container: &attr::Container) -> Option<Field<'a>> {
        let ident = field.ident.as_ref()?;
        let attrs = attr::Field::from_ast(cx, &field.attrs);
        let name = ident.unraw().to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name);
        let key = match (&attrs.rename, container.rename_all) {
            (Some(rename), _) => rename.clone(),
            (None, Some(rule)) => rule.apply_to_field(name),
            (None, None) => name.to_owned(),
        };
        Some(Field { ident, ty: &field.ty, attrs, key })
    }
}

impl<'a> Variant<'a> {
    fn from_ast(cx: &Ctxt, variant: &'a syn::Variant, container: &attr::Container) -> Option<Variant<'a>> {
        if !matches!(variant.fields, Fields::Unit) {
            cx.error_spanned_by(
                &variant.ident,
                "ChainModel enums are pydantic string enums: every variant must be a unit variant",
            );
            return None;
        }
        let attrs = attr::Variant::from_ast(cx, &variant.attrs);
        let name = variant.ident.unraw().to_string();
        let value = match (&attrs.rename, container.rename_all) {
            (Some(rename), _) => rename.clone(),
            (None, Some(rule)) => rule.apply_to_variant(&name),
            (None, None) => name,
        };
        Some(Variant { ident: &variant.ident, attrs, value })
    }
}
