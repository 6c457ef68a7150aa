//! The derive's model of the user's type: the container, its fields or variants, each with
//! its parsed attributes and its name on the wire.

use syn::ext::IdentExt;
use syn::{DeriveInput, Fields, LitStr};

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
    /// A newtype struct: a pydantic `RootModel[T]`, the inner value on the wire, with its
    /// field's attributes (constraints, `items(..)`, `validate`: `root: T = Field(..)`).
    Root(&'a syn::Type, Box<attr::Field>),
    /// An enum: what it is in Python is its kind.
    Enum(EnumKind, Vec<Variant<'a>>),
}

/// What an enum is in Python.
#[derive(Clone, PartialEq)]
pub enum EnumKind {
    /// Unit variants: an `Enum` of strings.
    Str,
    /// Unit variants with explicit discriminants: an `IntEnum`, its values the discriminants.
    Int,
    /// `#[chain(literal)]` on unit variants: `Literal["a", "b"]`.
    StrLiteral,
    /// `#[chain(literal)]` on unit variants with discriminants: `Literal[1, 2]`.
    IntLiteral,
    /// `#[chain(tag = "..")]` on newtype variants: a discriminated union of models.
    Tagged(String),
    /// Newtype variants without a tag: a plain `Union[..]`, read in pydantic's smart mode.
    Untagged,
}

impl EnumKind {
    /// Whether the values are integers.
    pub fn is_int(&self) -> bool {
        matches!(self, EnumKind::Int | EnumKind::IntLiteral)
    }
}

pub struct Field<'a> {
    pub ident: &'a syn::Ident,
    pub ty: &'a syn::Type,
    pub attrs: attr::Field,
    /// The key written in JSON and msgpack: `rename`, else `rename_all` of the name, else the name.
    pub key: String,
    /// The key read, and named by the schema: `field_alias` (pydantic's `Field(alias=..)`), else `key`.
    pub read_key: String,
}

pub struct Variant<'a> {
    pub ident: &'a syn::Ident,
    pub attrs: attr::Variant,
    /// The string value (or a union member's tag): `rename`, else `rename_all` of the name,
    /// else the name.
    pub value: String,
    /// The integer value: the discriminant, explicit or following the previous one.
    pub int: i64,
    /// Whether the discriminant is written out.
    pub explicit: bool,
    /// The type a newtype variant holds (a union member).
    pub ty: Option<&'a syn::Type>,
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
                Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                    let field = &unnamed.unnamed[0];
                    let field_attrs = attr::Field::from_ast(cx, &field.attrs);
                    if field_attrs.rename.is_some()
                        || !field_attrs.aliases.is_empty()
                        || field_attrs.default.is_some()
                        || field_attrs.skip
                        || field_attrs.extra.is_some()
                        || field_attrs.field_alias.is_some()
                        || field_attrs.required.is_some()
                        || field_attrs.strict
                        || field_attrs.title.is_some()
                        || field_attrs.examples.is_some()
                        || field_attrs.json_schema_extra.is_some()
                        || field_attrs.serialization_alias.is_some()
                    {
                        cx.error_spanned_by(
                            field,
                            "a newtype struct is a RootModel: its value is the whole message and has no key, default, skip, \
                             strictness or schema metadata of its own (constraints, `items(..)` and `validate` apply)",
                        );
                    }
                    Data::Root(&field.ty, Box::new(field_attrs))
                }
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        "ChainModel needs a struct with named fields (a model) or one unnamed field (a RootModel)",
                    );
                    return None;
                }
            },
            syn::Data::Enum(data) => {
                let mut variants = Vec::new();
                let mut next = 0i64;
                for variant in &data.variants {
                    let parsed = Variant::from_ast(cx, variant, &attrs, next)?;
                    next = parsed.int.wrapping_add(1);
                    variants.push(parsed);
                }
                let kind = enum_kind(cx, &attrs, &variants)?;
                Data::Enum(kind, variants)
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
        let read_key = attrs.field_alias.as_ref().map_or_else(|| key.clone(), LitStr::value);
        Some(Field { ident, ty: &field.ty, attrs, key, read_key })
    }
}

/// What the enum is, from its attributes and variants; `None` (with the error recorded) if
/// the two disagree.
fn enum_kind(cx: &Ctxt, attrs: &attr::Container, variants: &[Variant<'_>]) -> Option<EnumKind> {
    let unions = variants.iter().filter(|v| v.ty.is_some()).count();
    if unions != 0 && unions != variants.len() {
        let odd = variants.iter().find(|v| v.ty.is_none()).expect("a unit variant");
        cx.error_spanned_by(
            odd.ident,
            "a ChainModel enum has either only unit variants (an Enum or a Literal) or only newtype variants \
             (a union, each variant holding one member: `Text(TextPart)`)",
        );
        return None;
    }
    if let Some(default) = &attrs.default_tag {
        if attrs.discriminator.is_none() {
            cx.error_spanned_by(
                default,
                "a union whose tag may be absent is discriminated by a function in pydantic (`Discriminator(fn)`): \
                 name it, `discriminator = \"get_version\"`, as its errors name it",
            );
        } else if unions != 0 && !variants.iter().any(|v| v.value == default.value()) {
            cx.error_spanned_by(default, "`default_tag` must be the tag of one of the members");
        }
    }
    if let Some(discriminator) = attrs.discriminator.as_ref().filter(|_| attrs.tag.is_none()) {
        cx.error_spanned_by(
            discriminator,
            "`discriminator` finds the tag in the field `tag` names: add `tag = \"..\"`",
        );
    }
    let explicit = variants.iter().any(|v| v.explicit);
    match (unions != 0, &attrs.tag, &attrs.literal) {
        (true, Some(tag), None) => Some(EnumKind::Tagged(tag.value())),
        (true, _, Some(literal)) => {
            cx.error_spanned_by(
                literal,
                "`literal` makes a unit enum a `Literal[..]`; an enum whose variants hold values is a union: drop `literal`",
            );
            None
        }
        (true, None, None) => Some(EnumKind::Untagged),
        (false, Some(tag), _) => {
            cx.error_spanned_by(
                tag,
                "`tag` makes a discriminated union of newtype variants, each holding a model; a unit enum has no \
                 members to tag: drop `tag` (for a `Literal` tag field, use `#[chain(literal)]`)",
            );
            None
        }
        (false, None, Some(_)) => Some(if explicit { EnumKind::IntLiteral } else { EnumKind::StrLiteral }),
        (false, None, None) => Some(if explicit { EnumKind::Int } else { EnumKind::Str }),
    }
}

/// The value of an explicit discriminant: an integer literal, negated or not.
fn discriminant(cx: &Ctxt, expr: &syn::Expr) -> Option<i64> {
    let int_literal = |expr: &syn::Expr| match expr {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(lit), .. }) => lit.base10_parse::<i64>().ok(),
        _ => None,
    };
    let value = match expr {
        syn::Expr::Unary(syn::ExprUnary { op: syn::UnOp::Neg(_), expr, .. }) => int_literal(expr).map(|v| -v),
        other => int_literal(other),
    };
    if value.is_none() {
        cx.error_spanned_by(
            expr,
            "an IntEnum's values are its discriminants: write each as an integer literal that fits an i64",
        );
    }
    value
}

impl<'a> Variant<'a> {
    fn from_ast(cx: &Ctxt, variant: &'a syn::Variant, container: &attr::Container, next: i64) -> Option<Variant<'a>> {
        let ty = match &variant.fields {
            Fields::Unit => None,
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => Some(&fields.unnamed[0].ty),
            _ => {
                cx.error_spanned_by(
                    &variant.ident,
                    "a ChainModel enum's variant is a unit variant (an Enum or Literal value) or a newtype variant \
                     holding one union member, like `Text(TextPart)`",
                );
                return None;
            }
        };
        let (int, explicit) = match &variant.discriminant {
            Some((_, expr)) => (discriminant(cx, expr)?, true),
            None => (next, false),
        };
        let attrs = attr::Variant::from_ast(cx, &variant.attrs);
        let name = variant.ident.unraw().to_string();
        let value = match (&attrs.rename, container.rename_all) {
            (Some(rename), _) => rename.clone(),
            (None, Some(rule)) => rule.apply_to_variant(&name),
            (None, None) => name,
        };
        Some(Variant { ident: &variant.ident, attrs, value, int, explicit, ty })
    }
}
