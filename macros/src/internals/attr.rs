//! Typed `#[chain(...)]` attributes and doc comments. Parsing never stops at the first
//! problem: every bad attribute is recorded, a duplicate at its second occurrence.

use proc_macro2::Span;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr};

use super::case::RenameRule;
use super::ctxt::Ctxt;
use super::symbol::*;

/// An attribute value that may be given once.
struct Once<'c, T> {
    cx: &'c Ctxt,
    name: &'static str,
    value: Option<T>,
}

impl<'c, T> Once<'c, T> {
    fn new(cx: &'c Ctxt, name: &'static str) -> Self {
        Once { cx, name, value: None }
    }

    fn set(&mut self, tokens: impl ToTokens, value: T) {
        if self.value.is_some() {
            self.cx.error_spanned_by(tokens, format!("duplicate chain attribute `{}`", self.name));
        } else {
            self.value = Some(value);
        }
    }

    fn get(self) -> Option<T> {
        self.value
    }
}

fn string_value(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Ok(s),
        other => {
            Err(syn::Error::new_spanned(other, format!("expected a string literal: `{} = \"...\"`", path_name(meta))))
        }
    }
}

fn path_name(meta: &ParseNestedMeta<'_>) -> String {
    meta.path.to_token_stream().to_string().replace(' ', "")
}

/// Runs `each` for every item of every `#[chain(...)]`, recording errors: a bad item is
/// reported and passed over, so that every bad item of a list is reported in one build.
fn for_each_chain_meta(cx: &Ctxt, attrs: &[Attribute], mut each: impl FnMut(&ParseNestedMeta<'_>) -> syn::Result<()>) {
    for attr in attrs.iter().filter(|a| a.path().is_ident(CHAIN)) {
        let parsed = attr.parse_nested_meta(|meta| {
            if let Err(err) = each(&meta) {
                cx.syn_error(err);
                // Pass over what is left of the bad item (`= value` or `(...)`), if anything.
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<Expr>()?;
                } else if meta.input.peek(syn::token::Paren) {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    content.parse::<proc_macro2::TokenStream>()?;
                }
            }
            Ok(())
        });
        if let Err(err) = parsed {
            cx.syn_error(err);
        }
    }
}

fn unknown(meta: &ParseNestedMeta<'_>, place: &str, known: &str) -> syn::Error {
    meta.error(format!("unknown chain attribute `{}` on {place}; expected one of {known}", path_name(meta)))
}

/// The doc comment, as Python's `inspect.cleandoc` would leave a docstring.
fn docs(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|doc| doc.split('\n').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let indent = lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min()?;
    let text = lines.iter().map(|l| l.get(indent..).unwrap_or("").trim_end()).collect::<Vec<_>>().join("\n");
    let text = text.trim_matches('\n').to_owned();
    (!text.is_empty()).then_some(text)
}

/// `rename = ".."` and `alias = ".."`, which fields and variants share: whether `meta` was one.
fn names(meta: &ParseNestedMeta<'_>, rename: &mut Once<'_, String>, aliases: &mut Vec<String>) -> syn::Result<bool> {
    if meta.path.is_ident(RENAME) {
        rename.set(&meta.path, string_value(meta)?.value());
    } else if meta.path.is_ident(ALIAS) {
        aliases.push(string_value(meta)?.value());
    } else {
        return Ok(false);
    }
    Ok(true)
}

/// Attributes of the struct or enum.
pub struct Container {
    pub rename_all: Option<RenameRule>,
    pub deny_unknown_fields: bool,
    pub crate_path: Option<syn::Path>,
    pub description: Option<String>,
    /// `title = ".."`: the Python class's name, when it differs from the Rust type's.
    pub title: Option<LitStr>,
    /// `python_module = "pkg.module"`: the Python module of the class, which qualifies its
    /// `$defs` key (`pkg__module__Name`) when two models of one title meet in a schema; the
    /// Rust module's path otherwise.
    pub python_module: Option<LitStr>,
    /// `tag = ".."`: a discriminated union on this field of its members.
    pub tag: Option<LitStr>,
    /// `discriminator = "fn_name"`: the tag is found by a function (pydantic's
    /// `Discriminator(fn)`) reading field `tag`; errors name the function.
    pub discriminator: Option<LitStr>,
    /// `default_tag = ".."`: the member the function picks when the tag is absent.
    pub default_tag: Option<LitStr>,
    /// `literal`: a unit enum that is a `Literal[..]`, not an `Enum`.
    pub literal: Option<syn::Path>,
    /// `strict`: every field in strict mode, pydantic's `ConfigDict(strict=True)`.
    pub strict: bool,
    /// `validate = ".."`: a function that checks the decoded model, pydantic's
    /// `model_validator(mode="after")`.
    pub validate: Option<(syn::ExprPath, Span)>,
    /// `transform = ".."`: a function that returns the model changed, pydantic's
    /// `model_validator(mode="after")` that returns a new value.
    pub transform: Option<(syn::ExprPath, Span)>,
}

impl Container {
    pub fn from_ast(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut rename_all = Once::new(cx, RENAME_ALL);
        let mut deny = Once::new(cx, DENY_UNKNOWN_FIELDS);
        let mut crate_path = Once::new(cx, CRATE);
        let mut title = Once::new(cx, TITLE);
        let mut python_module = Once::new(cx, PYTHON_MODULE);
        let mut tag = Once::new(cx, TAG);
        let mut discriminator = Once::new(cx, DISCRIMINATOR);
        let mut default_tag = Once::new(cx, DEFAULT_TAG);
        let mut literal = Once::new(cx, LITERAL);
        let mut strict = Once::new(cx, STRICT);
        let mut validate = Once::new(cx, VALIDATE);
        let mut transform = Once::new(cx, TRANSFORM);
        for_each_chain_meta(cx, attrs, |meta| {
            if meta.path.is_ident(RENAME_ALL) {
                let s = string_value(meta)?;
                match RenameRule::from_str(&s.value()) {
                    Ok(rule) => rename_all.set(&meta.path, rule),
                    Err(err) => cx.error_spanned_by(&s, err),
                }
            } else if meta.path.is_ident(DENY_UNKNOWN_FIELDS) {
                deny.set(&meta.path, ());
            } else if meta.path.is_ident(CRATE) {
                let s = string_value(meta)?;
                match s.parse::<syn::Path>() {
                    Ok(path) => crate_path.set(&meta.path, path),
                    Err(_) => cx.error_spanned_by(&s, format!("`crate` must be a path, not {:?}", s.value())),
                }
            } else if meta.path.is_ident(TITLE) {
                let s = string_value(meta)?;
                if s.value().is_empty() {
                    cx.error_spanned_by(&s, "`title` must not be empty");
                } else {
                    title.set(&meta.path, s);
                }
            } else if meta.path.is_ident(PYTHON_MODULE) {
                let s = string_value(meta)?;
                if s.value().split('.').all(|part| syn::parse_str::<syn::Ident>(part).is_ok()) {
                    python_module.set(&meta.path, s);
                } else {
                    cx.error_spanned_by(&s, "`python_module` is a dotted Python module name, as `pkg.module`");
                }
            } else if meta.path.is_ident(TAG) {
                let s = string_value(meta)?;
                if s.value().is_empty() {
                    cx.error_spanned_by(&s, "`tag` names the members' tag field: it must not be empty");
                }
                tag.set(&meta.path, s);
            } else if meta.path.is_ident(DISCRIMINATOR) {
                let s = string_value(meta)?;
                if syn::parse_str::<syn::Ident>(&s.value()).is_err() {
                    cx.error_spanned_by(
                        &s,
                        "`discriminator` names the Python function that finds the tag: an identifier",
                    );
                }
                discriminator.set(&meta.path, s);
            } else if meta.path.is_ident(DEFAULT_TAG) {
                default_tag.set(&meta.path, string_value(meta)?);
            } else if meta.path.is_ident(LITERAL) {
                literal.set(&meta.path, meta.path.clone());
            } else if meta.path.is_ident(STRICT) {
                strict.set(&meta.path, ());
            } else if meta.path.is_ident(VALIDATE) {
                if let Some(path) = default_path(cx, meta)? {
                    validate.set(&meta.path, path);
                }
            } else if meta.path.is_ident(TRANSFORM) {
                if let Some(path) = default_path(cx, meta)? {
                    transform.set(&meta.path, path);
                }
            } else {
                return Err(unknown(
                    meta,
                    "a container",
                    "`rename_all`, `deny_unknown_fields`, `crate`, `title`, `python_module`, `tag`, `discriminator`, `default_tag`, \
                     `literal`, `strict`, `validate`, `transform`",
                ));
            }
            Ok(())
        });
        Container {
            rename_all: rename_all.get(),
            deny_unknown_fields: deny.get().is_some(),
            crate_path: crate_path.get(),
            description: docs(attrs),
            title: title.get(),
            python_module: python_module.get(),
            tag: tag.get(),
            discriminator: discriminator.get(),
            default_tag: default_tag.get(),
            literal: literal.get(),
            strict: strict.get().is_some(),
            validate: validate.get(),
            transform: transform.get(),
        }
    }
}

/// A field's `default`: `Default::default()` or a function's result; `default_factory`, a
/// function's result that the schema does not show, as pydantic omits it.
pub enum Default {
    Trait,
    Path(syn::ExprPath, Span),
    Factory(syn::ExprPath, Span),
    /// `default = 0`, `default = 0.5` on a float field: pydantic's `x: float = 0`, whose
    /// default keeps its JSON type (an int) in the schema and on the wire.
    Literal(NumberLiteral, Span),
}

/// A function named by `default = ".."` or `default_factory = ".."`.
fn default_path(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<(syn::ExprPath, Span)>> {
    let s = string_value(meta)?;
    match s.parse::<syn::ExprPath>() {
        Ok(path) => Ok(Some((path, s.span()))),
        Err(_) => {
            cx.error_spanned_by(
                &s,
                format!(
                    "`{}` must name a function, like `{} = \"path::to_fn\"`; got {:?}",
                    path_name(meta),
                    path_name(meta),
                    s.value()
                ),
            );
            Ok(None)
        }
    }
}

/// A number constraint's bound: an integer literal exactly (within 128 bits), a float literal
/// as its `f64` (the schema writes each as written: `1`, `1.0`).
pub struct NumberBound {
    pub value: NumberLiteral,
    pub span: Span,
}

/// A bound's value.
#[derive(Clone, Copy)]
pub enum NumberLiteral {
    Int(i128),
    Float(f64),
}

impl NumberBound {
    /// Whether the bound is greater than 0.
    fn is_positive(&self) -> bool {
        match self.value {
            NumberLiteral::Int(v) => v > 0,
            NumberLiteral::Float(v) => v > 0.0,
        }
    }
}

/// `ge = 1`, `lt = -0.5`: an integer or float literal, negated or not.
fn number_value(meta: &ParseNestedMeta<'_>) -> syn::Result<NumberBound> {
    let expr: Expr = meta.value()?.parse()?;
    let (negative, lit) = match &expr {
        Expr::Unary(syn::ExprUnary { op: syn::UnOp::Neg(_), expr: inner, .. }) => (true, &**inner),
        other => (false, other),
    };
    let value = match lit {
        // Read as its magnitude, so that `-170141183460469231731687303715884105728` is in range.
        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => int.base10_parse::<u128>().ok().and_then(|magnitude| {
            if negative { 0i128.checked_sub_unsigned(magnitude) } else { i128::try_from(magnitude).ok() }
                .map(NumberLiteral::Int)
        }),
        Expr::Lit(ExprLit { lit: Lit::Float(float), .. }) => float
            .base10_parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(|v| NumberLiteral::Float(if negative { -v } else { v })),
        _ => None,
    };
    value.map(|value| NumberBound { value, span: expr.span() }).ok_or_else(|| {
        syn::Error::new_spanned(
            &expr,
            format!(
                "expected a number literal (an integer within 128 bits, or a float): `{} = 1` or `{} = 0.5`",
                path_name(meta),
                path_name(meta)
            ),
        )
    })
}

/// `min_length = 1`: a non-negative integer literal.
fn length_value(meta: &ParseNestedMeta<'_>) -> syn::Result<(u64, Span)> {
    let expr: Expr = meta.value()?.parse()?;
    match &expr {
        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => int.base10_parse::<u64>().map(|v| (v, expr.span())),
        _ => Err(syn::Error::new_spanned(&expr, format!("expected a length: `{} = 1`", path_name(meta)))),
    }
}

/// A field's constraints, pydantic's `Field(ge=.., min_length=.., pattern=..)`.
#[derive(Default)]
pub struct Constraints {
    pub ge: Option<NumberBound>,
    pub gt: Option<NumberBound>,
    pub le: Option<NumberBound>,
    pub lt: Option<NumberBound>,
    pub multiple_of: Option<NumberBound>,
    pub min_length: Option<(u64, Span)>,
    pub max_length: Option<(u64, Span)>,
    pub pattern: Option<LitStr>,
    /// `max_digits` and `decimal_places`, on a `Decimal`.
    pub max_digits: Option<(u64, Span)>,
    pub decimal_places: Option<(u64, Span)>,
}

/// The constraints of one value being parsed: a field's, or its items' (`items(..)`,
/// `values(..)`).
struct ConstraintSlots<'c> {
    ge: Once<'c, NumberBound>,
    gt: Once<'c, NumberBound>,
    le: Once<'c, NumberBound>,
    lt: Once<'c, NumberBound>,
    multiple_of: Once<'c, NumberBound>,
    min_length: Once<'c, (u64, Span)>,
    max_length: Once<'c, (u64, Span)>,
    pattern: Once<'c, LitStr>,
    max_digits: Once<'c, (u64, Span)>,
    decimal_places: Once<'c, (u64, Span)>,
}

impl<'c> ConstraintSlots<'c> {
    fn new(cx: &'c Ctxt) -> Self {
        ConstraintSlots {
            ge: Once::new(cx, GE),
            gt: Once::new(cx, GT),
            le: Once::new(cx, LE),
            lt: Once::new(cx, LT),
            multiple_of: Once::new(cx, MULTIPLE_OF),
            min_length: Once::new(cx, MIN_LENGTH),
            max_length: Once::new(cx, MAX_LENGTH),
            pattern: Once::new(cx, PATTERN),
            max_digits: Once::new(cx, MAX_DIGITS),
            decimal_places: Once::new(cx, DECIMAL_PLACES),
        }
    }

    /// Parses `meta` if it is a constraint: whether it was.
    fn parse(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
        let numbers = [
            (GE, &mut self.ge),
            (GT, &mut self.gt),
            (LE, &mut self.le),
            (LT, &mut self.lt),
            (MULTIPLE_OF, &mut self.multiple_of),
        ];
        for (name, slot) in numbers {
            if meta.path.is_ident(name) {
                let bound = number_value(meta)?;
                if name == MULTIPLE_OF && !bound.is_positive() {
                    cx.error_spanned_by(&meta.path, "`multiple_of` must be greater than 0");
                }
                slot.set(&meta.path, bound);
                return Ok(true);
            }
        }
        if meta.path.is_ident(MIN_LENGTH) {
            self.min_length.set(&meta.path, length_value(meta)?);
        } else if meta.path.is_ident(MAX_LENGTH) {
            self.max_length.set(&meta.path, length_value(meta)?);
        } else if meta.path.is_ident(MAX_DIGITS) {
            self.max_digits.set(&meta.path, length_value(meta)?);
        } else if meta.path.is_ident(DECIMAL_PLACES) {
            self.decimal_places.set(&meta.path, length_value(meta)?);
        } else if meta.path.is_ident(PATTERN) {
            let s = string_value(meta)?;
            match regex::Regex::new(&s.value()) {
                Ok(_) => self.pattern.set(&meta.path, s),
                Err(err) => cx.error_spanned_by(&s, format!("`pattern` is not a valid regular expression: {err}")),
            }
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    fn finish(self) -> Constraints {
        Constraints {
            ge: self.ge.get(),
            gt: self.gt.get(),
            le: self.le.get(),
            lt: self.lt.get(),
            multiple_of: self.multiple_of.get(),
            min_length: self.min_length.get(),
            max_length: self.max_length.get(),
            pattern: self.pattern.get(),
            max_digits: self.max_digits.get(),
            decimal_places: self.decimal_places.get(),
        }
    }
}

/// `items(min_length = 1)`: the constraints of a list's items or a dict's values.
fn item_constraints(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Constraints> {
    let mut slots = ConstraintSlots::new(cx);
    meta.parse_nested_meta(|inner| {
        if !slots.parse(cx, &inner)? {
            cx.syn_error(inner.error(format!(
                "unknown constraint `{}` in `{}(..)`; expected one of `ge`, `gt`, `le`, `lt`, `multiple_of`, \
                 `min_length`, `max_length`, `pattern`, `max_digits`, `decimal_places`",
                path_name(&inner),
                path_name(meta)
            )));
            // Pass over its value, so that the constraints after it are read too.
            if inner.input.peek(syn::Token![=]) {
                inner.value()?.parse::<Expr>()?;
            }
        }
        Ok(())
    })?;
    Ok(slots.finish())
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self.numbers().next().is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.max_digits.is_none()
            && self.decimal_places.is_none()
    }

    /// The number constraints given, with their schema keywords.
    pub fn numbers(&self) -> impl Iterator<Item = (&'static str, &NumberBound)> {
        [
            ("minimum", &self.ge),
            ("exclusiveMinimum", &self.gt),
            ("maximum", &self.le),
            ("exclusiveMaximum", &self.lt),
            ("multipleOf", &self.multiple_of),
        ]
        .into_iter()
        .filter_map(|(key, bound)| bound.as_ref().map(|b| (key, b)))
    }
}

/// `examples = "[..]"` or `json_schema_extra = "{..}"`: JSON text, checked here to be an array
/// or an object; the schema holds it as written.
fn json_value(cx: &Ctxt, meta: &ParseNestedMeta<'_>, object: bool) -> syn::Result<Option<LitStr>> {
    let s = string_value(meta)?;
    let what = if object { "an object" } else { "an array" };
    match serde_json::from_str::<serde_json::Value>(&s.value()) {
        Ok(value) if value.is_object() == object && value.is_array() != object => Ok(Some(s)),
        Ok(_) => {
            cx.error_spanned_by(&s, format!("`{}` must be JSON text holding {what}", path_name(meta)));
            Ok(None)
        }
        Err(err) => {
            cx.error_spanned_by(&s, format!("`{}` must be JSON text holding {what}: {err}", path_name(meta)));
            Ok(None)
        }
    }
}

/// Attributes of a named field.
pub struct Field {
    pub rename: Option<String>,
    pub aliases: Vec<String>,
    pub default: Option<Default>,
    pub skip: bool,
    /// `extra`: the field keeps the unknown keys (pydantic's `extra="allow"`).
    pub extra: Option<syn::Path>,
    /// `field_alias = ".."`: pydantic's `Field(alias=..)`, the only name read (besides
    /// `alias`es) and the schema's, while the field's own name is written.
    pub field_alias: Option<LitStr>,
    /// `description = ".."` as given, else the doc comment cleaned as a docstring.
    pub description: Option<String>,
    /// `title = ".."`: the schema's title for the field, pydantic's `Field(title=..)`.
    pub title: Option<LitStr>,
    /// `examples = "[..]"`: JSON text, pydantic's `Field(examples=[..])`.
    pub examples: Option<LitStr>,
    /// `json_schema_extra = "{..}"`: JSON text merged into the field's schema last.
    pub json_schema_extra: Option<LitStr>,
    /// `serialization_alias = ".."`: pydantic's name for `model_dump(by_alias=True)`, which
    /// truss never makes: kept so a model ports as written.
    pub serialization_alias: Option<LitStr>,
    pub constraints: Constraints,
    /// `required`: an `Option` field that must be given, pydantic's `x: Optional[int]` with no default.
    pub required: Option<syn::Path>,
    /// `strict`: no lax conversions, pydantic's `Field(strict=True)`.
    pub strict: bool,
    /// `validate = ".."`: a function that checks the decoded value, pydantic's
    /// `field_validator` (mode "after").
    pub validate: Option<(syn::ExprPath, Span)>,
    /// `transform = ".."`: a function that returns the value changed, pydantic's
    /// `field_validator` (mode "after") that returns a new value.
    pub transform: Option<(syn::ExprPath, Span)>,
    /// `before = ".."`: a function that changes the raw input (a `chainmodel::Value`) before
    /// the field reads it, pydantic's `field_validator` (mode "before").
    pub before: Option<(syn::ExprPath, Span)>,
    /// `items(..)` / `values(..)`: constraints on a list's items or a dict's values, pydantic's
    /// `list[Annotated[str, Field(min_length=1)]]`, with the attribute's span.
    pub items: Option<(Constraints, Span)>,
}

impl Field {
    pub fn from_ast(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut rename = Once::new(cx, RENAME);
        // One default per field, given either way.
        let mut default = Once::new(cx, "default`/`default_factory");
        let mut skip = Once::new(cx, SKIP);
        let mut extra = Once::new(cx, EXTRA);
        let mut field_alias = Once::new(cx, FIELD_ALIAS);
        let mut aliases = Vec::new();
        let mut constraints = ConstraintSlots::new(cx);
        let mut required = Once::new(cx, REQUIRED);
        let mut strict = Once::new(cx, STRICT);
        let mut validate = Once::new(cx, VALIDATE);
        let mut items = Once::new(cx, "items`/`values");
        let mut description = Once::new(cx, DESCRIPTION);
        let mut title = Once::new(cx, TITLE);
        let mut examples = Once::new(cx, EXAMPLES);
        let mut json_schema_extra = Once::new(cx, JSON_SCHEMA_EXTRA);
        let mut serialization_alias = Once::new(cx, SERIALIZATION_ALIAS);
        let mut transform = Once::new(cx, TRANSFORM);
        let mut before = Once::new(cx, BEFORE);
        for_each_chain_meta(cx, attrs, |meta| {
            if names(meta, &mut rename, &mut aliases)? || constraints.parse(cx, meta)? {
                return Ok(());
            }
            if meta.path.is_ident(DESCRIPTION) {
                description.set(&meta.path, string_value(meta)?.value());
            } else if meta.path.is_ident(TITLE) {
                title.set(&meta.path, string_value(meta)?);
            } else if meta.path.is_ident(EXAMPLES) {
                if let Some(text) = json_value(cx, meta, false)? {
                    examples.set(&meta.path, text);
                }
            } else if meta.path.is_ident(JSON_SCHEMA_EXTRA) {
                if let Some(text) = json_value(cx, meta, true)? {
                    json_schema_extra.set(&meta.path, text);
                }
            } else if meta.path.is_ident(SERIALIZATION_ALIAS) {
                serialization_alias.set(&meta.path, string_value(meta)?);
            } else if meta.path.is_ident(TRANSFORM) {
                if let Some(path) = default_path(cx, meta)? {
                    transform.set(&meta.path, path);
                }
            } else if meta.path.is_ident(BEFORE) {
                if let Some(path) = default_path(cx, meta)? {
                    before.set(&meta.path, path);
                }
            } else if meta.path.is_ident(ITEMS) || meta.path.is_ident(VALUES) {
                items.set(&meta.path, (item_constraints(cx, meta)?, meta.path.span()));
            } else if meta.path.is_ident(STRICT) {
                strict.set(&meta.path, ());
            } else if meta.path.is_ident(VALIDATE) {
                if let Some(path) = default_path(cx, meta)? {
                    validate.set(&meta.path, path);
                }
            } else if meta.path.is_ident(REQUIRED) {
                required.set(&meta.path, meta.path.clone());
            } else if meta.path.is_ident(DEFAULT_FACTORY) {
                // One default per field: `default` and `default_factory` share a slot.
                if let Some((path, span)) = default_path(cx, meta)? {
                    default.set(&meta.path, Default::Factory(path, span));
                }
            } else if meta.path.is_ident(DEFAULT) {
                let literal = meta.input.peek(syn::Token![=]) && {
                    let ahead = meta.input.fork();
                    ahead.parse::<syn::Token![=]>()?;
                    !ahead.peek(LitStr)
                };
                if literal {
                    let bound = number_value(meta)?;
                    if let NumberLiteral::Int(int) = bound.value
                        && i64::try_from(int).is_err()
                    {
                        cx.error_spanned_by(&meta.path, "a number default must fit an i64");
                    }
                    default.set(&meta.path, Default::Literal(bound.value, bound.span));
                } else if meta.input.peek(syn::Token![=]) {
                    if let Some((path, span)) = default_path(cx, meta)? {
                        default.set(&meta.path, Default::Path(path, span));
                    }
                } else {
                    default.set(&meta.path, Default::Trait);
                }
            } else if meta.path.is_ident(SKIP) {
                skip.set(&meta.path, ());
            } else if meta.path.is_ident(FIELD_ALIAS) {
                field_alias.set(&meta.path, string_value(meta)?);
            } else if meta.path.is_ident(EXTRA) {
                extra.set(&meta.path, meta.path.clone());
            } else {
                return Err(unknown(
                    meta,
                    "a field",
                    "`rename`, `alias`, `field_alias`, `default`, `default_factory`, `required`, `skip`, `extra`, `ge`, `gt`, `le`, `lt`, \
                     `multiple_of`, `min_length`, `max_length`, `pattern`, `max_digits`, `decimal_places`, `items`, \
                     `values`, `strict`, `validate`, `transform`, `before`, `description`, `title`, `examples`, `json_schema_extra`, `serialization_alias`",
                ));
            }
            Ok(())
        });
        Field {
            rename: rename.get(),
            aliases,
            default: default.get(),
            skip: skip.get().is_some(),
            extra: extra.get(),
            field_alias: field_alias.get(),
            description: description.get().or_else(|| docs(attrs)),
            title: title.get(),
            examples: examples.get(),
            json_schema_extra: json_schema_extra.get(),
            serialization_alias: serialization_alias.get(),
            constraints: constraints.finish(),
            required: required.get(),
            strict: strict.get().is_some(),
            validate: validate.get(),
            transform: transform.get(),
            before: before.get(),
            items: items.get(),
        }
    }
}

/// Attributes of an enum variant.
pub struct Variant {
    pub rename: Option<String>,
    pub aliases: Vec<String>,
}

impl Variant {
    pub fn from_ast(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut rename = Once::new(cx, RENAME);
        let mut aliases = Vec::new();
        for_each_chain_meta(cx, attrs, |meta| {
            if !names(meta, &mut rename, &mut aliases)? {
                return Err(unknown(meta, "a variant", "`rename`, `alias`"));
            }
            Ok(())
        });
        Variant { rename: rename.get(), aliases }
    }
}
