//! The derive's model of the user's struct.

use syn::{Data, DeriveInput, Fields};

use super::ctxt::Ctxt;

/// A struct with named fields, the one shape of input the derive accepts.
pub struct Container<'a> {
    pub ident: &'a syn::Ident,
    pub generics: &'a syn::Generics,
    pub fields: Vec<Field<'a>>,
}

/// One named field.
pub struct Field<'a> {
    #[allow(dead_code)] // read by the codecs to come
    pub ident: &'a syn::Ident,
    #[allow(dead_code)]
    pub ty: &'a syn::Type,
}

impl<'a> Container<'a> {
    /// Reads `input`, recording in `cx` why it is not a struct with named fields.
    pub fn from_ast(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Container<'a>> {
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => named,
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        "ChainModel needs a struct with named fields: they are the model's keys",
                    );
                    return None;
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(data.enum_token, "ChainModel is not supported on enums yet");
                return None;
            }
            Data::Union(data) => {
                cx.error_spanned_by(data.union_token, "ChainModel does not support unions");
                return None;
            }
        };
        let fields = fields
            .named
            .iter()
            .filter_map(|field| Some(Field { ident: field.ident.as_ref()?, ty: &field.ty }))
            .collect();
        Some(Container { ident: &input.ident, generics: &input.generics, fields })
    }
}
