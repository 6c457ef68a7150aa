//! Rules across fields and attributes, checked once the container is parsed.

use std::collections::HashMap;

use super::ast::{Container, Data, EnumKind};
use super::ctxt::Ctxt;

/// Records every rule the container breaks.
pub fn check(cx: &Ctxt, container: &Container<'_>) {
    match &container.data {
        Data::Struct(fields) => {
            let mut seen = HashMap::new();
            for field in fields.iter().filter(|f| !f.attrs.skip && f.attrs.extra.is_none()) {
                for name in std::iter::once(&field.read_key).chain(&field.attrs.aliases) {
                    if let Some(other) = seen.insert(name.clone(), field.ident) {
                        cx.error_spanned_by(
                            field.ident,
                            format!(
                                "the key {name:?} of field `{}` is already the key of field `{other}`",
                                field.ident
                            ),
                        );
                    }
                }
            }
            let mut extras = fields.iter().filter(|f| f.attrs.extra.is_some());
            if let Some(first) = extras.next() {
                for second in extras {
                    cx.error_spanned_by(
                        second.attrs.extra.as_ref().expect("an extra field"),
                        format!("the unknown keys already go to `{}`: a model has one `extra` field", first.ident),
                    );
                }
            }
            for field in fields.iter().filter(|f| f.attrs.extra.is_some()) {
                let path = field.attrs.extra.as_ref().expect("an extra field");
                if field.attrs.rename.is_some()
                    || !field.attrs.aliases.is_empty()
                    || field.attrs.field_alias.is_some()
                    || field.attrs.default.is_some()
                    || field.attrs.skip
                {
                    cx.error_spanned_by(path, "the `extra` field holds the unknown keys and has no key of its own: drop its `rename`, `alias`, `field_alias`, `default` and `skip`");
                }
                if container.attrs.deny_unknown_fields {
                    cx.error_spanned_by(
                        path,
                        "`extra` keeps unknown keys, `deny_unknown_fields` refuses them: keep one",
                    );
                }
            }
            for field in fields.iter().filter(|f| {
                (f.attrs.skip || f.attrs.extra.is_some())
                    && (!f.attrs.constraints.is_empty()
                        || f.attrs.items.is_some()
                        || f.attrs.strict
                        || f.attrs.validate.is_some()
                        || f.attrs.transform.is_some()
                        || f.attrs.before.is_some())
            }) {
                cx.error_spanned_by(
                    field.ident,
                    "constraints, `items`, `strict`, `validate`, `transform` and `before` apply to a value read from the \
                     input: a skipped or `extra` field has none",
                );
            }
            for field in fields.iter() {
                let Some(required) = &field.attrs.required else { continue };
                if !is_option(field.ty) {
                    cx.error_spanned_by(
                        required,
                        "`required` makes an `Option` field required (pydantic's `Optional[X]` with no default); \
                         a field of another type is required already",
                    );
                }
                if field.attrs.default.is_some() || field.attrs.skip {
                    cx.error_spanned_by(required, "a `required` field has no default and is not skipped");
                }
            }
            for field in fields.iter().filter(|f| f.attrs.skip) {
                if field.attrs.rename.is_some() || !field.attrs.aliases.is_empty() || field.attrs.field_alias.is_some()
                {
                    cx.error_spanned_by(
                        field.ident,
                        "a skipped field has no key: drop its `rename`, `alias` and `field_alias`",
                    );
                }
            }
        }
        Data::Root(..) => {
            if container.attrs.deny_unknown_fields {
                cx.error_spanned_by(
                    container.ident,
                    "`deny_unknown_fields` applies to models with fields, not to a RootModel",
                );
            }
            if container.attrs.rename_all.is_some() {
                cx.error_spanned_by(container.ident, "`rename_all` renames fields; a RootModel has none");
            }
        }
        Data::Enum(kind, variants) => {
            let inline =
                matches!(kind, EnumKind::StrLiteral | EnumKind::IntLiteral | EnumKind::Tagged(_) | EnumKind::Untagged);
            if let (true, Some(title)) = (inline, &container.attrs.title) {
                cx.error_spanned_by(
                    title,
                    "`title` names a model or an Enum in `$defs`; a Literal or a union is written inline and has no title",
                );
            }
            if kind.is_int() {
                for variant in variants {
                    if variant.attrs.rename.is_some() || !variant.attrs.aliases.is_empty() {
                        cx.error_spanned_by(
                            variant.ident,
                            "an integer value is its discriminant: drop `rename` and `alias` (or the discriminants, for strings)",
                        );
                    }
                }
                let mut seen = HashMap::new();
                for variant in variants {
                    if let Some(other) = seen.insert(variant.int, variant.ident) {
                        cx.error_spanned_by(
                            variant.ident,
                            format!(
                                "the value {} of variant `{}` is already the value of `{other}`",
                                variant.int, variant.ident
                            ),
                        );
                    }
                }
            }
            if variants.is_empty() {
                cx.error_spanned_by(container.ident, "a ChainModel enum needs at least one variant");
            }
            let mut seen = HashMap::new();
            for variant in variants.iter().filter(|_| !kind.is_int()) {
                for name in std::iter::once(&variant.value).chain(&variant.attrs.aliases) {
                    if let Some(other) = seen.insert(name.clone(), variant.ident) {
                        cx.error_spanned_by(
                            variant.ident,
                            format!(
                                "the value {name:?} of variant `{}` is already the value of `{other}`",
                                variant.ident
                            ),
                        );
                    }
                }
            }
            if container.attrs.deny_unknown_fields {
                cx.error_spanned_by(container.ident, "`deny_unknown_fields` applies to structs, not enums");
            }
        }
    }
    if !matches!(container.data, Data::Struct(_))
        && (container.attrs.strict || container.attrs.validate.is_some() || container.attrs.transform.is_some())
    {
        cx.error_spanned_by(
            container.ident,
            "`strict`, `validate` and `transform` on a container apply to models with fields (pydantic's \
             `ConfigDict(strict=True)` and `model_validator`), not to a RootModel or an enum",
        );
    }
}

/// Whether `ty` is spelled `Option<..>`.
fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().is_some_and(|segment| segment.ident == "Option"),
        _ => false,
    }
}
