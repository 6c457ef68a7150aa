//! `#[chainlet]` and `#[stub]`: what truss-chains' code generation makes of a chainlet's
//! `run_remote` signature (the `{Name}Input` model, the output as `RootModel[T]`, the typed
//! stub), and for `#[chainlet]` the `Chainlet` implementation that serves it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ImplItem, ItemImpl, ItemTrait, Pat, ReturnType, Signature, TraitItem, Type, Visibility};

use crate::internals::ctxt::Ctxt;

/// The attribute's arguments: `name = ".."`.
struct Args {
    name: Option<String>,
}

fn parse_args(attr: TokenStream, cx: &Ctxt, what: &str) -> Args {
    let mut args = Args { name: None };
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            let value: syn::LitStr = meta.value()?.parse()?;
            if args.name.is_some() {
                return Err(meta.error("`name` given twice"));
            }
            args.name = Some(value.value());
            Ok(())
        } else {
            Err(meta.error(format!("unknown `#[{what}]` argument: the one argument is `name = \"..\"`")))
        }
    });
    if let Err(error) = syn::parse::Parser::parse2(parser, attr) {
        cx.syn_error(error);
    }
    args
}

/// What a `run_remote` signature says: its arguments and its output.
struct RunRemote {
    vis: Visibility,
    span: Span,
    args: Vec<(syn::Ident, Type)>,
    /// The output type (`()` when there is none).
    output: Type,
    /// `Result<T, E>` (any type whose last segment is `Result`): `T` is the output, `E` converts
    /// into `RemoteError`.
    fallible: bool,
    /// `run_remote(&self, websocket: WebSocket)`: the chainlet serves a WebSocket.
    websocket: bool,
    /// That argument's type, as written.
    websocket_ty: Option<Type>,
}

/// Reads `run_remote`'s signature, reporting every misuse at its place.
fn read_signature(sig: &Signature, vis: Visibility, cx: &Ctxt, fallible_allowed: bool) -> RunRemote {
    if sig.asyncness.is_none() {
        cx.error_spanned_by(
            sig.fn_token,
            "`run_remote` must be an `async fn`, as truss-chains' chainlets are awaited: `async fn run_remote(&self, ..)`",
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error_spanned_by(&sig.generics, "`run_remote` cannot be generic: its arguments are a model's fields");
    }
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Receiver(receiver)) => {
            let by_shared_reference =
                matches!(receiver.kind, syn::ReceiverKind::Reference(_, _, None)) && receiver.mutability.is_none();
            if !by_shared_reference {
                cx.error_spanned_by(
                    receiver,
                    "`run_remote` takes `&self`: a chainlet answers many calls at once, so it cannot be taken by value or by `&mut`",
                );
            }
        }
        _ => cx.error_spanned_by(&sig.ident, "`run_remote` is a method: its first argument is `&self`"),
    }
    let mut args = Vec::new();
    for input in inputs {
        match input {
            FnArg::Typed(typed) => match &*typed.pat {
                Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => {
                    args.push((ident.ident.clone(), (*typed.ty).clone()));
                }
                pat => cx.error_spanned_by(
                    pat,
                    "a `run_remote` argument is a name (`data: DataModel`): it becomes a field of the chainlet's input model",
                ),
            },
            FnArg::Receiver(receiver) => cx.error_spanned_by(receiver, "`self` comes first"),
        }
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(variadic, "`run_remote` cannot be variadic");
    }
    let (output, fallible) = match &sig.output {
        ReturnType::Default => (syn::parse_quote!(()), false),
        ReturnType::Type(_, ty) => match result_ok_type(ty) {
            Some(ok) if fallible_allowed => (ok, true),
            _ => ((**ty).clone(), false),
        },
    };
    // truss-chains' `run_remote(self, websocket: chains.WebSocketProtocol) -> None`.
    let websocket_ty = args.iter().find(|(_, ty)| last_segment_is(ty, "WebSocket")).map(|(_, ty)| ty.clone());
    let websocket = websocket_ty.is_some();
    if websocket {
        if args.len() != 1 {
            cx.error_spanned_by(
                &sig.inputs,
                "a WebSocket `run_remote` takes the connection alone: `run_remote(&self, websocket: WebSocket)`, as truss-chains' `run_remote(self, websocket)`",
            );
        }
        if !matches!(&output, Type::Tuple(unit) if unit.elems.is_empty()) {
            cx.error_spanned_by(
                &sig.output,
                "a WebSocket `run_remote` returns nothing (`-> Result<(), RemoteError>`), as truss-chains' `-> None`: it answers through the connection",
            );
        }
        args.clear();
    }
    RunRemote { vis, span: sig.ident.span(), args, output, fallible, websocket, websocket_ty }
}

/// A stream's type, `Streamed<C>` (or `chainmodel::chains::streaming::Streamed<C>`): the
/// stub returns what `chains::Output` reads it as rather than the type itself.
fn is_streamed(ty: &Type) -> bool {
    last_segment_is(ty, "Streamed")
}

/// Whether `ty` is a path whose last segment is `name` (`WebSocket`, `chains::websocket::WebSocket`).
fn last_segment_is(ty: &Type, name: &str) -> bool {
    let Type::Path(path) = ty else { return false };
    path.qself.is_none() && path.path.segments.last().is_some_and(|last| last.ident == name)
}

/// `T` of `Result<T, E>` (or of an alias such as `anyhow::Result<T>`).
fn result_ok_type(ty: &Type) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
    match arguments.args.first()? {
        syn::GenericArgument::Type(ok) => Some(ok.clone()),
        _ => None,
    }
}

/// The input model and the stub, shared by both attributes.
fn expand_common(name: &str, run: &RunRemote) -> TokenStream {
    let vis = &run.vis;
    let input = format_ident!("{}Input", name, span = run.span);
    let output = &run.output;
    let field_names: Vec<&syn::Ident> = run.args.iter().map(|(ident, _)| ident).collect();
    let fields = run.args.iter().map(|(ident, ty)| quote_spanned!(ty.span()=> #vis #ident: #ty));
    let params = run.args.iter().map(|(ident, ty)| quote!(#ident: #ty));
    let stub_doc = format!(
        "The typed stub of the chainlet `{name}` (truss-chains' stub class): `run_remote` calls it \
         over HTTP with the chain's options, as `chains.depends({name})` does."
    );
    if run.websocket {
        return websocket_stub(name, run);
    }
    let call = if is_streamed(output) {
        quote! {
            /// Calls the remote `run_remote`, whose answer is a stream: it returns once the
            /// stream has started (retried before that only), then reads it as it arrives.
            #vis async fn run_remote(&self, #(#params),*) -> ::core::result::Result<
                <#output as ::chainmodel::chains::Output>::Received,
                ::chainmodel::client::Error,
            > {
                let input = #input { #(#field_names),* };
                <#output as ::chainmodel::chains::Output>::call(&self.client, &input).await
            }
        }
    } else {
        quote! {
            /// Calls the remote `run_remote`.
            #vis async fn run_remote(&self, #(#params),*) -> ::core::result::Result<#output, ::chainmodel::client::Error> {
                let input = #input { #(#field_names),* };
                let output: ::chainmodel::chains::RootModel<#output> = self.client.predict(&input).await?;
                ::core::result::Result::Ok(output.0)
            }
        }
    };
    let stub_type = stub_type(name, run, &stub_doc, call);
    quote! {
        // No doc comment: the derive would publish it as the schema's `description`, which
        // code_gen's `{Name}Input` does not have.
        #[allow(missing_docs)]
        #[derive(::chainmodel::ChainModel)]
        #vis struct #input {
            #(#fields,)*
        }

        #stub_type
    }
}

/// The stub type `{Name}Stub`: its constructors, `Stub`, and `run_remote` (`call`).
fn stub_type(name: &str, run: &RunRemote, doc: &str, call: TokenStream) -> TokenStream {
    let vis = &run.vis;
    let stub = format_ident!("{}Stub", name, span = run.span);
    quote! {
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::fmt::Debug)]
        #vis struct #stub {
            client: ::chainmodel::client::Client,
        }

        impl #stub {
            /// The stub of the chainlet at `predict_url`, called with `options`.
            #vis fn from_url(
                predict_url: impl ::core::convert::Into<::std::string::String>,
                options: ::chainmodel::client::RpcOptions,
            ) -> ::core::result::Result<Self, ::chainmodel::client::Error> {
                <Self as ::chainmodel::chains::Stub>::from_url(predict_url, options)
            }

            /// The stub calling through `client`.
            #vis fn from_client(client: ::chainmodel::client::Client) -> Self {
                #stub { client }
            }

            #call
        }

        impl ::chainmodel::chains::Stub for #stub {
            const NAME: &'static str = #name;

            fn from_client(client: ::chainmodel::client::Client) -> Self {
                #stub { client }
            }

            fn client(&self) -> &::chainmodel::client::Client {
                &self.client
            }
        }
    }
}

/// The stub of a WebSocket chainlet: `run_remote()` opens the connection.
fn websocket_stub(name: &str, run: &RunRemote) -> TokenStream {
    let vis = &run.vis;
    let stub_doc = format!(
        "The typed stub of the WebSocket chainlet `{name}`: `run_remote` opens a WebSocket to it \
         (truss-chains' `ws_call_args`)."
    );
    // The argument's type as written must be chainmodel's `WebSocket`.
    let written = run.websocket_ty.as_ref().map(|ty| {
        quote_spanned! {ty.span()=>
            const _: fn(#ty) = |_: ::chainmodel::chains::websocket::WebSocket| {};
        }
    });
    let call = quote! {
        /// Opens a WebSocket to the remote chainlet, whose `run_remote` then runs on it.
        #vis async fn run_remote(&self) -> ::core::result::Result<
            ::chainmodel::chains::websocket::WebSocket,
            ::chainmodel::client::Error,
        > {
            self.client.websocket().await
        }
    };
    let stub_type = stub_type(name, run, &stub_doc, call);
    quote! {
        #written
        #stub_type
    }
}

/// `#[chainlet]` on an `impl` block.
pub fn chainlet(attr: TokenStream, item: TokenStream) -> TokenStream {
    let cx = Ctxt::default();
    let args = parse_args(attr, &cx, "chainlet");
    let block: ItemImpl = match syn::parse2(item.clone()) {
        Ok(block) => block,
        Err(_) => {
            return syn::Error::new(
                Span::call_site(),
                "`#[chainlet]` goes on the `impl` block of the chainlet's type, the one with `async fn run_remote(&self, ..)`",
            )
            .into_compile_error();
        }
    };
    if let Some((path, _)) = &block.trait_ {
        cx.error_spanned_by(path, "`#[chainlet]` goes on the type's own `impl` block, not on a trait's");
    }
    if !block.generics.params.is_empty() {
        cx.error_spanned_by(&block.generics, "a chainlet's type cannot be generic");
    }
    let self_ty = &block.self_ty;
    let type_name = match &**self_ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let Some(type_name) = type_name.or_else(|| args.name.clone()) else {
        cx.error_spanned_by(self_ty, "a chainlet is a named type");
        return with_errors(cx, item);
    };
    let name = args.name.clone().unwrap_or(type_name);

    let method = |wanted: &str| {
        block.items.iter().find_map(|item| match item {
            ImplItem::Fn(function) if function.sig.ident == wanted => Some(function),
            _ => None,
        })
    };
    let Some(run_remote) = method("run_remote") else {
        cx.error_spanned_by(
            self_ty,
            "a `#[chainlet]` impl declares the chainlet's `async fn run_remote(&self, ..)`, as truss-chains' chainlets do",
        );
        return with_errors(cx, item);
    };
    let run = read_signature(&run_remote.sig, run_remote.vis.clone(), &cx, true);

    // `new(context: &Context)`, truss's `__init__` with `chains.depends_context()`; else `Default`.
    let new = match method("new") {
        Some(new) => {
            if new.sig.receiver().is_some() || new.sig.inputs.len() != 1 {
                cx.error_spanned_by(
                    &new.sig,
                    "a chainlet's `new` takes the deployment context, `fn new(context: &Context) -> Result<Self, E>` (or `-> Self`)",
                );
            }
            if new.sig.asyncness.is_some() {
                cx.error_spanned_by(
                    new.sig.asyncness,
                    "a chainlet's `new` is not async: it runs on a blocking thread while the server answers liveness",
                );
            }
            match &new.sig.output {
                ReturnType::Type(_, ty) if result_ok_type(ty).is_some() => quote_spanned! {new.sig.ident.span()=>
                    <#self_ty>::new(context).map_err(::core::convert::Into::<::chainmodel::server::RemoteError>::into)
                },
                _ => quote_spanned!(new.sig.ident.span()=> ::core::result::Result::Ok(<#self_ty>::new(context))),
            }
        }
        None => quote_spanned! {self_ty.span()=>
            ::core::result::Result::Ok(<#self_ty as ::core::default::Default>::default())
        },
    };
    let is_healthy = method("is_healthy").map(|check| {
        if check.sig.asyncness.is_none() || check.sig.inputs.len() != 1 || check.sig.receiver().is_none() {
            cx.error_spanned_by(&check.sig, "a chainlet's health check is `async fn is_healthy(&self) -> bool`");
        }
        quote_spanned! {check.sig.ident.span()=>
            async fn is_healthy(&self) -> bool {
                <#self_ty>::is_healthy(self).await
            }
        }
    });
    if let Err(errors) = cx.check() {
        let mut tokens = item;
        tokens.extend(errors.into_compile_error());
        return tokens;
    }

    let common = expand_common(&name, &run);
    if run.websocket {
        let call = quote_spanned!(run.span=> <#self_ty>::run_remote(self, websocket).await);
        let answer = if run.fallible {
            quote_spanned!(run.span=> #call.map_err(::core::convert::Into::<::chainmodel::server::RemoteError>::into))
        } else {
            quote!(::core::result::Result::Ok(#call))
        };
        return quote! {
            #block

            #common

            #[automatically_derived]
            impl ::chainmodel::chains::Chainlet for #self_ty {
                const NAME: &'static str = #name;
                type Input = ::chainmodel::server::WebSocketInput;
                type Output = ();
                const WEBSOCKET: bool = true;

                #[allow(clippy::useless_conversion)]
                fn new(context: &::chainmodel::chains::Context) -> ::core::result::Result<Self, ::chainmodel::server::RemoteError> {
                    #new
                }

                // truss's: a WebSocket chainlet has no predict.
                async fn run_remote(&self, _: ::chainmodel::server::WebSocketInput) -> ::core::result::Result<(), ::chainmodel::server::RemoteError> {
                    ::core::result::Result::Err(::chainmodel::server::RemoteError::new(
                        "AssertionError",
                        "`predict` must only be called if model has it.",
                    ))
                }

                #[allow(clippy::useless_conversion)]
                async fn websocket(&self, websocket: ::chainmodel::chains::websocket::WebSocket) -> ::core::result::Result<(), ::chainmodel::server::RemoteError> {
                    #answer
                }

                #is_healthy
            }
        };
    }
    let input = format_ident!("{}Input", name, span = run.span);
    let output = &run.output;
    let field_names: Vec<&syn::Ident> = run.args.iter().map(|(ident, _)| ident).collect();
    let call = quote_spanned!(run.span=> <#self_ty>::run_remote(self, #(#field_names),*).await);
    let answer = if run.fallible {
        quote_spanned!(run.span=> #call.map_err(::core::convert::Into::<::chainmodel::server::RemoteError>::into))
    } else {
        quote!(::core::result::Result::Ok(#call))
    };
    quote! {
        #block

        #common

        #[automatically_derived]
        impl ::chainmodel::chains::Chainlet for #self_ty {
            const NAME: &'static str = #name;
            type Input = #input;
            type Output = #output;

            // The user's error may be `RemoteError` itself: converting it is then a no-op.
            #[allow(clippy::useless_conversion)]
            fn new(context: &::chainmodel::chains::Context) -> ::core::result::Result<Self, ::chainmodel::server::RemoteError> {
                #new
            }

            #[allow(clippy::useless_conversion)]
            async fn run_remote(&self, input: #input) -> ::core::result::Result<#output, ::chainmodel::server::RemoteError> {
                let #input { #(#field_names),* } = input;
                #answer
            }

            #is_healthy
        }
    }
}

/// `#[stub]` on a trait declaring a remote chainlet's `run_remote`.
pub fn stub(attr: TokenStream, item: TokenStream) -> TokenStream {
    let cx = Ctxt::default();
    let args = parse_args(attr, &cx, "stub");
    let declared: ItemTrait = match syn::parse2(item.clone()) {
        Ok(declared) => declared,
        Err(_) => {
            return syn::Error::new(
                Span::call_site(),
                "`#[stub]` goes on a trait declaring the remote chainlet's `async fn run_remote(&self, ..) -> Output;`",
            )
            .into_compile_error();
        }
    };
    let name = args.name.clone().unwrap_or_else(|| declared.ident.to_string());
    let run_remote = declared.items.iter().find_map(|item| match item {
        TraitItem::Fn(function) if function.sig.ident == "run_remote" => Some(function),
        _ => None,
    });
    for item in &declared.items {
        if !matches!(item, TraitItem::Fn(function) if function.sig.ident == "run_remote") {
            cx.error_spanned_by(item, "a `#[stub]` trait declares `run_remote` alone");
        }
    }
    let Some(run_remote) = run_remote else {
        cx.error_spanned_by(
            &declared.ident,
            "a `#[stub]` trait declares the remote chainlet's `async fn run_remote(&self, ..) -> Output;`",
        );
        return cx.check().err().map(|e| e.into_compile_error()).unwrap_or_default();
    };
    if let Some(body) = &run_remote.default {
        cx.error_spanned_by(body, "a stub's `run_remote` has no body: the remote chainlet runs it");
    }
    let run = read_signature(&run_remote.sig, declared.vis.clone(), &cx, false);
    if let Err(errors) = cx.check() {
        return errors.into_compile_error();
    }
    expand_common(&name, &run)
}

/// `item` unchanged, with the errors after it (so the user's code is not reported again).
fn with_errors(cx: Ctxt, item: TokenStream) -> TokenStream {
    let mut tokens = item;
    if let Err(errors) = cx.check() {
        tokens.extend(errors.into_compile_error());
    }
    tokens
}
