//! `Decode`: the one decoder of a model, for both modes. A struct fills one slot per wire
//! field, key by key (aliases included, unknown keys skipped or refused), then builds the model
//! with each missing field's default, `None` for an `Option`, or a `missing` error; a string
//! enum matches its value. The reader opens and closes the map and applies its mode's rules to
//! every value. A bad value does not stop the model: every field's errors are collected, in the
//! fields' order (unknown keys last), as pydantic reports them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;

use super::{byte_literal, codec_bounds, msgpack_str};
use crate::internals::ast::{Container, EnumKind, Field, Variant};
use crate::internals::attr;

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
pub fn default_value(field: &Field<'_>, private: &TokenStream) -> Option<TokenStream> {
    match &field.attrs.default {
        Some(attr::Default::Trait) => Some(quote!(::core::default::Default::default())),
        Some(attr::Default::Path(path, span) | attr::Default::Factory(path, span)) => Some(spanned!(*span=> #path())),
        Some(attr::Default::Literal(literal, span)) => {
            let ty = field.ty;
            let value = match literal {
                attr::NumberLiteral::Int(int) => proc_macro2::Literal::f64_suffixed(*int as f64),
                attr::NumberLiteral::Float(float) => proc_macro2::Literal::f64_suffixed(*float),
            };
            Some(spanned!(*span=> <#ty as #private::LiteralDefault>::from_literal(#value)))
        }
        None if field.attrs.skip => Some(quote!(::core::default::Default::default())),
        None => None,
    }
}

/// The `impl Decode` header and body around `min_len` and the body of `decode`.
fn decode_impl(
    container: &Container<'_>,
    private: &TokenStream,
    min_len: TokenStream,
    body: TokenStream,
) -> TokenStream {
    let ident = container.ident;
    let generics = decode_generics(container);
    let (impl_generics, _, _) = generics.split_for_impl();
    let (_, ty_generics, _) = container.generics.split_for_impl();
    // A plain union names its members in errors by their pydantic type names (`str`, `list[str]`).
    let bound = if matches!(container.data, crate::internals::ast::Data::Enum(EnumKind::Untagged, _)) {
        quote!(#private::Decode<'__de> + #private::JsonSchema)
    } else {
        quote!(#private::Decode<'__de>)
    };
    let where_clause = codec_bounds(container, &bound);
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::Decode<'__de> for #ident #ty_generics #where_clause {
            #min_len

            fn decode<__R: #private::Reader<'__de>>(
                __reader: &mut __R,
            ) -> ::core::result::Result<Self, #private::Error> {
                #body
            }
        }
    }
}

/// The check type of a value's `items(..)` (named `__Items{rank}`), whose check the
/// collection's decoder runs on every item; `None` without `items(..)`.
fn item_check(attrs: &attr::Field, rank: usize, private: &TokenStream) -> Option<TokenStream> {
    let (constraints, span) = attrs.items.as_ref()?;
    let name = format_ident!("__Items{}", rank);
    let checks = constraint_checks(constraints, "__item", private);
    let bounds = constraint_bounds(constraints, private);
    let numbers = number_bounds(constraints, private);
    Some(spanned! {*span=>
        struct #name;
        impl #private::NumberLimits for #name {
            const BOUNDS: #private::NumberBounds = #numbers;
        }
        impl<__X: ?::core::marker::Sized #bounds> #private::ItemCheck<__X> for #name {
            #[inline]
            fn check(__item: &__X) -> ::core::result::Result<(), #private::Error> {
                #checks
                ::core::result::Result::Ok(())
            }
        }
    })
}

/// The type of a value's number bounds (named `__Numbers{rank}`), which it is read within;
/// `None` without number constraints.
fn number_limits(attrs: &attr::Field, rank: usize, private: &TokenStream) -> Option<TokenStream> {
    let (_, first) = attrs.constraints.numbers().next()?;
    let name = format_ident!("__Numbers{}", rank);
    let numbers = number_bounds(&attrs.constraints, private);
    Some(spanned! {first.span=>
        struct #name;
        impl #private::NumberLimits for #name {
            const BOUNDS: #private::NumberBounds = #numbers;
        }
    })
}

/// How a value of type `ty` with `attrs` (a field's, or a RootModel's) is read: `decode_ty`,
/// the type read (`ty` inside the wrappers its attributes need: `Checked` checks the items,
/// `Bounded` makes an overlong list one error); `value`, the expression that unwraps
/// `__decoded`; `check`, the closure that checks it (constraints, then the validator).
struct ReadAs {
    decode_ty: TokenStream,
    value: TokenStream,
    check: TokenStream,
    /// The types the wrappers name (a `transform`'s, a `before`'s).
    items: TokenStream,
}

fn read_as(attrs: &attr::Field, ty: &syn::Type, rank: usize, private: &TokenStream) -> ReadAs {
    let mut checks = constraint_checks(&attrs.constraints, "__value", private);
    if let Some((path, span)) = &attrs.validate {
        // Called with `&T`, so that a `fn(&str)` validates a `String` (deref coercion).
        checks.extend(spanned!(*span=> #private::run_validator(#path(__value))?;));
    }
    let (mut decode_ty, mut value, mut access) = (quote!(#ty), quote!(__decoded), quote!(__decoded));
    let mut items = TokenStream::new();
    if let Some((path, span)) = &attrs.before {
        // Outermost on the input: the raw value, changed, then read as the field's type.
        let name = format_ident!("__Before{}", rank);
        items.extend(spanned! {*span=>
            struct #name;
            impl #private::BeforeHook for #name {
                fn apply(__raw: #private::RawValue) -> ::core::result::Result<#private::RawValue, #private::Error> {
                    #private::run_transform(#path(__raw))
                }
            }
        });
        decode_ty = quote!(#private::Before<#decode_ty, #name>);
        value = quote!(#value.0);
        access = quote!(&#value);
    }
    if attrs.constraints.numbers().next().is_some() {
        // Read within its bounds (`number_limits`): a value beyond the type is named by the
        // bound it breaks.
        let name = format_ident!("__Numbers{}", rank);
        decode_ty = quote!(#private::Within<#decode_ty, #name>);
        value = quote!(#value.0);
        access = quote!(&#value);
    }
    if let Some((_, span)) = &attrs.items {
        let name = format_ident!("__Items{}", rank);
        decode_ty = spanned!(*span=> #private::Checked<#decode_ty, #name>);
        value = quote!(#value.0);
        access = quote!(&#value);
    }
    if let Some((max, span)) = attrs.constraints.max_length {
        let max = proc_macro2::Literal::usize_unsuffixed(usize::try_from(max).unwrap_or(usize::MAX));
        decode_ty = spanned!(span=> #private::Bounded<#decode_ty, #max>);
        value = quote!(#value.0);
        access = quote!(&#value);
    }
    if let Some((path, span)) = &attrs.transform {
        // The checks first (constraints, `validate`), then the new value, all as the value is
        // read, so that an error keeps the input.
        let name = format_ident!("__Transform{}", rank);
        items.extend(spanned! {*span=>
            struct #name;
            impl #private::Transform<#decode_ty> for #name {
                type Output = #ty;
                fn apply(__decoded: #decode_ty) -> ::core::result::Result<#ty, #private::Error> {
                    {
                        let __decoded = &__decoded;
                        let __value: &#ty = #access;
                        #checks
                    }
                    let __value: #ty = #value;
                    #private::run_transform(#path(__value))
                }
            }
        });
        let decode_ty = quote!(#private::Transformed<#decode_ty, #name>);
        let check = quote!(|_: &#decode_ty| ::core::result::Result::<(), #private::Error>::Ok(()));
        return ReadAs { decode_ty, value: quote!(__decoded.0), check, items };
    }
    let check = if checks.is_empty() {
        quote!(|_: &#decode_ty| ::core::result::Result::<(), #private::Error>::Ok(()))
    } else {
        quote! {
            |__decoded: &#decode_ty| -> ::core::result::Result<(), #private::Error> {
                let __value: &#ty = #access;
                #checks
                ::core::result::Result::Ok(())
            }
        }
    };
    ReadAs { decode_ty, value, check, items }
}

pub fn decode_struct(container: &Container<'_>, fields: &[Field<'_>], private: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let wire: Vec<&Field<'_>> = fields.iter().filter(|f| !f.attrs.skip && f.attrs.extra.is_none()).collect();
    let extra = fields.iter().find(|f| f.attrs.extra.is_some());
    let slots: Vec<_> = (0..wire.len()).map(|i| format_ident!("__field{}", i)).collect();
    let title = super::title(container);

    let declare = wire.iter().zip(&slots).map(|(field, slot)| {
        let ty = field.ty;
        quote!(let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    // The item checks of `items(..)`: a type each, whose check the list's decoder runs on every item.
    let item_checks = wire.iter().enumerate().filter_map(|(rank, field)| item_check(&field.attrs, rank, private));
    let mut item_checks: Vec<TokenStream> = item_checks.collect();
    item_checks.extend(wire.iter().enumerate().filter_map(|(rank, field)| number_limits(&field.attrs, rank, private)));
    let strict_model = container.attrs.strict;
    let extra_rank = wire.len();
    let unknown = if let Some(field) = extra {
        let ty = field.ty;
        spanned!(ty.span()=> <#ty as #private::ExtraFields>::read_extra(&mut __extra, &__key, __map)?;)
    } else if container.attrs.deny_unknown_fields {
        // pydantic reports extra keys after the fields, in the input's order.
        quote! {
            __errors.push(#extra_rank + __entry, #private::refuse_extra(__map).at_field(#private::key_text(&__key)))?;
        }
    } else {
        quote!(#private::MapAccess::skip_value(__map)?;)
    };
    // What becomes of an alias choice read before a better one turned up: an extra key, kept
    // (at its place among them) or refused, or nothing.
    let keeps_losers = extra.is_some() || container.attrs.deny_unknown_fields;
    let lose = if let Some(field) = extra {
        let ty = field.ty;
        spanned! {ty.span()=>
            <#ty as #private::ExtraFields>::read_extra_at(&mut __extra, &__lost_key, &mut __ahead, __at)?;
        }
    } else {
        quote! {
            __errors.push(
                #extra_rank + __at,
                #private::refuse_extra_at(&mut __ahead).at_field(#private::key_text(&__lost_key)),
            )?;
        }
    };
    // Where an extra key goes: its place among the extra keys kept, or among the map's entries.
    let extra_place = match extra {
        Some(field) => {
            let ty = field.ty;
            quote!(<#ty as #private::ExtraFields>::extra_len(&__extra))
        }
        None => quote!(__entry),
    };
    let mut choice_state = Vec::new();
    let mut arms = Vec::new();
    for (rank, (field, slot)) in wire.iter().zip(&slots).enumerate() {
        let key = &field.read_key;
        let ty = field.ty;
        let strict = strict_model || field.attrs.strict;
        let ReadAs { decode_ty, value, check, items } = read_as(&field.attrs, ty, rank, private);
        item_checks.push(items);
        if field.attrs.aliases.is_empty() {
            // Keys are matched as bytes: msgpack_numpy and truss write bin keys, models str keys.
            let name = byte_literal(key.as_bytes());
            arms.push(spanned! {ty.span()=>
                #name => match #private::MapAccess::try_next_value::<#decode_ty>(__map, #strict, #check) {
                    ::core::result::Result::Ok(__decoded) => {
                        #slot = ::core::option::Option::Some(#value);
                        __errors.settle(#rank);
                    }
                    ::core::result::Result::Err(__error) => __errors.push(#rank, __error.at_field(#key))?,
                },
            });
            continue;
        }
        // pydantic's `AliasChoices`: the first choice given is read, wherever it is in the map,
        // and located at its own key; the others are extra keys.
        let choice = format_ident!("__choice{}", rank);
        let loser = format_ident!("__loser{}", rank);
        choice_state.push(quote!(let mut #choice: usize = usize::MAX;));
        if keeps_losers {
            choice_state.push(quote!(let mut #loser = ::core::option::Option::None;));
        }
        let names = std::iter::once(key).chain(&field.attrs.aliases);
        for (index, name) in names.enumerate() {
            let bytes = byte_literal(name.as_bytes());
            let settle_loser = if keeps_losers {
                quote! {
                    // The value read before, of a choice this one beats, is an extra key now
                    // (the same key again just replaces it).
                    if let ::core::option::Option::Some((__lost_key, mut __ahead, __at)) = #loser.take()
                        && #choice != #index
                    {
                        let __lost_key: ::std::borrow::Cow<'_, [u8]> = __lost_key;
                        #lose
                    }
                    if #index > 0 {
                        #loser = #private::MapAccess::value_ahead(__map)
                            .map(|__ahead| (__key.clone(), __ahead, #extra_place));
                    }
                }
            } else {
                TokenStream::new()
            };
            arms.push(spanned! {ty.span()=>
                #bytes if #choice < #index => { #unknown }
                #bytes => {
                    #settle_loser
                    __errors.settle(#rank);
                    match #private::MapAccess::try_next_value::<#decode_ty>(__map, #strict, #check) {
                        ::core::result::Result::Ok(__decoded) => #slot = ::core::option::Option::Some(#value),
                        ::core::result::Result::Err(__error) => {
                            #slot = ::core::option::Option::None;
                            __errors.push(#rank, __error.at_field(#name))?;
                        }
                    }
                    #choice = #index;
                }
            });
        }
    }
    // The shortest binary encoding: the map's header, then each required field's key and value.
    let required = wire
        .iter()
        .filter(|field| field.attrs.default.is_none() && (!is_option(field.ty) || field.attrs.required.is_some()))
        .map(|field| {
            let len = msgpack_str(&field.read_key).len();
            let ty = field.ty;
            quote!(+ #len + <#ty as #private::Decode<'__de>>::MIN_LEN)
        });
    let min_len = quote!(const MIN_LEN: usize = 1 #(#required)*;);
    // Each missing field's default, or its `missing` error, in the fields' order.
    let fills = wire.iter().zip(&slots).enumerate().map(|(rank, (field, slot))| {
        let key = &field.read_key;
        let ty = field.ty;
        let missing = match default_value(field, private) {
            Some(value) => quote!(::core::result::Result::<#ty, #private::Error>::Ok(#value)),
            // Required but nullable: pydantic's `x: Optional[int]` with no default.
            None if field.attrs.required.is_some() => quote!(::core::result::Result::Err(#private::missing_field())),
            None => quote!(<#ty as #private::Decode<'__de>>::missing()),
        };
        quote! {
            if #slot.is_none() {
                match #missing {
                    ::core::result::Result::Ok(__value) => #slot = ::core::option::Option::Some(__value),
                    // A field whose value was refused is not missing.
                    ::core::result::Result::Err(_) if __errors.has(#rank) => {}
                    ::core::result::Result::Err(__error) => __errors.push(#rank, __error.at_field(#key))?,
                }
            }
        }
    });
    let mut wire_slots = slots.iter();
    let inits = fields.iter().map(|field| {
        let member = field.ident;
        if field.attrs.extra.is_some() {
            return quote!(#member: __extra);
        }
        if field.attrs.skip {
            let value = default_value(field, private);
            return quote!(#member: #value);
        }
        let slot = wire_slots.next().expect("one slot per wire field");
        // Every slot is filled once no error was found.
        quote! {
            #member: match #slot {
                ::core::option::Option::Some(__value) => __value,
                ::core::option::Option::None => return ::core::result::Result::Err(#private::missing_field()),
            }
        }
    });
    let declare_extra = extra.map(|field| {
        let ty = field.ty;
        spanned!(ty.span()=> let mut __extra: #ty = ::core::default::Default::default();)
    });
    let set_slots = slots.iter();
    let validate = match &container.attrs.validate {
        Some((path, span)) => spanned! {*span=>
            let __value = __value.and_then(|__model| {
                let __validate: fn(&Self) -> ::core::result::Result<(), _> = #path;
                #private::run_validator(__validate(&__model)).map(|()| __model)
            });
        },
        None => TokenStream::new(),
    };
    let transform = match &container.attrs.transform {
        Some((path, span)) => spanned! {*span=>
            let __value = __value.and_then(|__model| {
                let __transform: fn(Self) -> ::core::result::Result<Self, _> = #path;
                #private::run_transform(__transform(__model))
            });
        },
        None => TokenStream::new(),
    };
    let body = quote! {
        #(#item_checks)*
        let __mark = #private::Reader::mark(__reader);
        let (__value, __fields_set) = #private::Reader::read_map(__reader, |__map| -> ::core::result::Result<
            (::core::result::Result<Self, #private::Error>, usize),
            #private::Error,
        > {
            #(#declare)*
            #declare_extra
            let mut __errors = #private::Errors::new();
            #(#choice_state)*
            // The entry being read (errors about extra keys are ranked by it).
            let mut __entry: usize = 0;
            while let ::core::option::Option::Some(__key) = #private::MapAccess::next_field(__map)? {
                __entry += 1;
                match &*__key {
                    #(#arms)*
                    _ => { #unknown }
                }
            }
            // pydantic's `fields_set`, for the smart-mode unions this model may be a member of.
            let __fields_set = 0usize #(+ usize::from(#set_slots.is_some()))*;
            #(#fills)*
            if let ::core::result::Result::Err(__error) = __errors.finish() {
                return ::core::result::Result::Ok((::core::result::Result::Err(__error), __fields_set));
            }
            ::core::result::Result::Ok((::core::result::Result::Ok(#ident { #(#inits,)* }), __fields_set))
        })
        .map_err(|__error| #private::model_type_error(__error, #title, #private::Reader::python_mode(__reader)))?;
        #private::Reader::note_fields_set(__reader, __fields_set);
        #validate
        #transform
        __value.map_err(|__error| #private::model_errors(__reader, __mark, __error))
    };
    decode_impl(container, private, min_len, body)
}

/// The checks of `constraints` on `value` (a reference), once it is decoded (none for a value
/// without constraints: it pays nothing). Each check is spanned at its attribute, so a
/// constraint on a type it does not apply to is reported there.
fn constraint_checks(constraints: &attr::Constraints, value: &str, private: &TokenStream) -> TokenStream {
    let mut checks = TokenStream::new();
    // The value is named with the attribute's span, so that a type error points at it.
    let value = |span: proc_macro2::Span| proc_macro2::Ident::new(value, span);
    if let Some((_, first)) = constraints.numbers().next() {
        let bounds = number_bounds(constraints, private);
        let value = value(first.span);
        checks.extend(spanned! {first.span=>
            #private::check_number(#value, &#bounds)?;
        });
    }
    if let Some(span) = constraints.min_length.or(constraints.max_length).map(|(_, span)| span) {
        let length = |l: Option<(u64, proc_macro2::Span)>| match l {
            Some((n, _)) => {
                let n = proc_macro2::Literal::usize_suffixed(usize::try_from(n).unwrap_or(usize::MAX));
                quote!(::core::option::Option::Some(#n))
            }
            None => quote!(::core::option::Option::None),
        };
        let (min, max) = (length(constraints.min_length), length(constraints.max_length));
        let value = value(span);
        checks.extend(spanned!(span=> #private::check_length(#value, #min, #max)?;));
    }
    if let Some(span) = constraints.max_digits.or(constraints.decimal_places).map(|(_, span)| span) {
        let limit = |l: Option<(u64, proc_macro2::Span)>| match l {
            Some((n, _)) => quote!(::core::option::Option::Some(#n)),
            None => quote!(::core::option::Option::None),
        };
        let (max_digits, decimal_places) = (limit(constraints.max_digits), limit(constraints.decimal_places));
        let value = value(span);
        checks.extend(spanned!(span=> #private::check_digits(#value, #max_digits, #decimal_places)?;));
    }
    if let Some(pattern) = &constraints.pattern {
        let value = value(pattern.span());
        checks.extend(spanned! {pattern.span()=>
            static __PATTERN: ::std::sync::LazyLock<#private::Regex> = ::std::sync::LazyLock::new(|| {
                // The derive compiled the pattern already.
                #private::Regex::new(#pattern).unwrap_or_else(|err| ::core::panic!("{err}"))
            });
            #private::check_pattern(#value, &__PATTERN)?;
        });
    }
    checks
}

/// The number bounds of `constraints`, a constant `NumberBounds`.
fn number_bounds(constraints: &attr::Constraints, private: &TokenStream) -> TokenStream {
    let bound = |b: &Option<attr::NumberBound>| match b.as_ref().map(|b| b.value) {
        Some(attr::NumberLiteral::Int(v)) => {
            let v = proc_macro2::Literal::i128_suffixed(v);
            quote!(::core::option::Option::Some(#private::Bound::Int(#v)))
        }
        Some(attr::NumberLiteral::Float(v)) => {
            let v = proc_macro2::Literal::f64_suffixed(v);
            quote!(::core::option::Option::Some(#private::Bound::Float(#v)))
        }
        None => quote!(::core::option::Option::None),
    };
    let (ge, gt, le, lt, multiple_of) = (
        bound(&constraints.ge),
        bound(&constraints.gt),
        bound(&constraints.le),
        bound(&constraints.lt),
        bound(&constraints.multiple_of),
    );
    quote!(#private::NumberBounds { ge: #ge, gt: #gt, le: #le, lt: #lt, multiple_of: #multiple_of })
}

/// The traits an item must have for `constraints` to apply to it.
fn constraint_bounds(constraints: &attr::Constraints, private: &TokenStream) -> TokenStream {
    let mut bounds = TokenStream::new();
    if constraints.numbers().next().is_some() {
        bounds.extend(quote!(+ #private::ConstrainedNumber));
    }
    if constraints.min_length.is_some() || constraints.max_length.is_some() {
        bounds.extend(quote!(+ #private::ConstrainedLength));
    }
    if constraints.pattern.is_some() {
        bounds.extend(quote!(+ #private::ConstrainedText));
    }
    if constraints.max_digits.is_some() || constraints.decimal_places.is_some() {
        bounds.extend(quote!(+ #private::ConstrainedDigits));
    }
    bounds
}

/// Whether `ty` is spelled `Option<..>` (a missing key reads as `None`).
fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().is_some_and(|segment| segment.ident == "Option"),
        _ => false,
    }
}

/// The decoder of a RootModel: its value's, checked by the root field's constraints and
/// validator (its errors are located at the value itself, as pydantic locates a RootModel's).
pub fn decode_root(
    container: &Container<'_>,
    ty: &syn::Type,
    attrs: &attr::Field,
    private: &TokenStream,
) -> TokenStream {
    let ident = container.ident;
    let min_len = quote!(const MIN_LEN: usize = <#ty as #private::Decode<'__de>>::MIN_LEN;);
    let item_check = item_check(attrs, 0, private);
    let number_limits = number_limits(attrs, 0, private);
    let ReadAs { decode_ty, value, check, items } = read_as(attrs, ty, 0, private);
    let body = spanned! {ty.span()=>
        #item_check
        #number_limits
        #items
        let __decoded = <#decode_ty as #private::Decode<'__de>>::decode(__reader)?;
        (#check)(&__decoded)?;
        ::core::result::Result::Ok(#ident(#value))
    };
    decode_impl(container, private, min_len, body)
}

/// The decoder of an enum: the value (or an alias) names a variant; a union's tag names its
/// member, read from the start of the map once the tag is found.
pub fn decode_enum(
    container: &Container<'_>,
    kind: &EnumKind,
    variants: &[Variant<'_>],
    private: &TokenStream,
) -> TokenStream {
    let ident = container.ident;
    let body = match kind {
        EnumKind::Str | EnumKind::StrLiteral => {
            let arms = variants.iter().map(|variant| {
                let name = variant.ident;
                let values = std::iter::once(&variant.value).chain(&variant.attrs.aliases);
                quote!(::core::option::Option::Some(#(#values)|*) => ::core::result::Result::Ok(#ident::#name),)
            });
            // pydantic's words for the values: each as Python's repr, `'a', 'b' or 'c'`.
            let values = variants.iter().map(|v| &v.value);
            let expected = quote!(&#private::python_choices(&[#(#values),*], " or "));
            let literal = *kind == EnumKind::StrLiteral;
            // Anything but a string is none of the values (pydantic's `enum`/`literal_error`).
            let read = if literal {
                quote!(#private::read_literal_str(__reader)?)
            } else {
                quote!(#private::read_enum_str(__reader)?)
            };
            quote! {
                match #read.as_deref() {
                    #(#arms)*
                    _ => ::core::result::Result::Err(#private::unknown_choice(#expected, #literal)),
                }
            }
        }
        EnumKind::Int | EnumKind::IntLiteral => {
            let lax = *kind == EnumKind::Int;
            let arms = variants.iter().map(|variant| {
                let name = variant.ident;
                let value = variant.int;
                quote!(::core::option::Option::Some(#value) => ::core::result::Result::Ok(#ident::#name),)
            });
            let expected = expected_ints(variants);
            quote! {
                match #private::read_choice_int(__reader, #lax)? {
                    #(#arms)*
                    _ => ::core::result::Result::Err(#private::unknown_choice(#expected, !#lax)),
                }
            }
        }
        EnumKind::Tagged(tag) => {
            let arms = variants.iter().map(|variant| {
                let name = variant.ident;
                let value = &variant.value;
                let ty = variant.ty.expect("a union member");
                spanned! {ty.span()=>
                    #value => #private::decode_member(__reader, <#ty as #private::Decode<'__de>>::decode)
                        .map(#ident::#name)
                        .map_err(|e| e.at_field(#value)),
                }
            });
            // pydantic's words for the tags: each as Python's repr, `'a', 'b'`.
            let values = variants.iter().map(|v| &v.value);
            let expected = quote!(&#private::python_choices(&[#(#values),*], ", "));
            match &container.attrs.discriminator {
                // pydantic's `Discriminator(fn)`: the function finds the tag, or the default.
                Some(function) => {
                    let function = format!("{}()", function.value());
                    let default = match &container.attrs.default_tag {
                        Some(default) => quote!(::core::option::Option::Some(#default)),
                        None => quote!(::core::option::Option::None),
                    };
                    quote! {
                        let __tag = #private::read_tag_by(__reader, #tag, #function, #default)?;
                        match &*__tag {
                            #(#arms)*
                            __other => ::core::result::Result::Err(#private::union_tag_invalid_by(__other, #function, #expected)),
                        }
                    }
                }
                None => quote! {
                    let __tag = #private::read_tag(__reader, #tag)?;
                    match &*__tag {
                        #(#arms)*
                        __other => ::core::result::Result::Err(#private::union_tag_invalid(__other, #tag, #expected)),
                    }
                },
            }
        }
        EnumKind::Untagged => {
            let members = variants.iter().map(|variant| {
                let name = variant.ident;
                let ty = variant.ty.expect("a union member");
                // pydantic-core's label of the member's type, unless the variant is renamed.
                let label = match &variant.attrs.rename {
                    Some(rename) => quote!(|| ::std::borrow::Cow::Borrowed(#rename)),
                    None => quote!(<#ty as #private::JsonSchema>::union_label),
                };
                spanned! {ty.span()=>
                    (#label, |__r: &mut __R| <#ty as #private::Decode<'__de>>::decode(__r).map(#ident::#name))
                }
            });
            quote!(#private::decode_union(__reader, &[#(#members),*]))
        }
    };
    decode_impl(container, private, TokenStream::new(), body)
}

/// pydantic's wording of integer values: `0, 1 or 2`.
fn expected_ints(variants: &[Variant<'_>]) -> String {
    let values: Vec<String> = variants.iter().map(|v| v.int.to_string()).collect();
    match values.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
