//! Code generation from pydantic's JSON Schema (`chainmodel codegen`): Rust models that read
//! and write what the schema's pydantic models read and write, and pydantic models (with
//! truss-chains stubs) from the schemas Rust models and chainlets publish.
//!
//! [`rust_module`] turns one schema (a model with its `$defs`, as `model_json_schema()` writes
//! it) into a Rust module of `#[derive(ChainModel)]` types named after the schema's titles;
//! given a chainlet's `/schema` answer (`{"input_schema", "output_schema", "supports_streaming"}`),
//! also the chainlet's `#[stub]` trait.
//! Where the schema cannot say what the wire holds, the generated code picks a documented
//! reading and says so in a comment.

mod python;
mod rust;

pub use python::python_module;
pub use rust::rust_module;

use std::collections::{BTreeSet, HashMap};

use chainmodel_runtime::serde_json::{Map, Value};

fn error(at: &str, message: impl Into<String>) -> CodegenError {
    CodegenError { at: at.to_owned(), message: message.into() }
}

/// The keywords the generated types and attributes write; any other is `json_schema_extra`.
const KNOWN_KEYWORDS: &[&str] = &[
    "type",
    "title",
    "description",
    "default",
    "examples",
    "$ref",
    "anyOf",
    "oneOf",
    "items",
    "prefixItems",
    "additionalProperties",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "pattern",
    "uniqueItems",
    "discriminator",
    "properties",
    "required",
];

/// Whether `key` of the field schema `prop` is written by the generated code (a keyword it
/// spells, or a `format` its type stands for), so that it is no `json_schema_extra`.
fn is_spelled(key: &str, prop: &Map<String, Value>) -> bool {
    let spelled_format = prop.get("type").and_then(Value::as_str) == Some("string")
        && matches!(
            prop.get("format").and_then(Value::as_str),
            Some("date-time" | "date" | "time" | "duration" | "uuid" | "binary")
        );
    KNOWN_KEYWORDS.contains(&key) || key == "format" && spelled_format
}

/// A model schema's `properties` (none is an empty map) and `required` keys.
fn properties<'v>(
    map: &'v Map<String, Value>,
    empty: &'v Map<String, Value>,
    at: &str,
) -> Result<(&'v Map<String, Value>, BTreeSet<&'v str>), CodegenError> {
    let properties = match map.get("properties") {
        None => empty,
        Some(Value::Object(properties)) => properties,
        Some(_) => return Err(error(&format!("{at}/properties"), "`properties` must be an object")),
    };
    let required =
        map.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    Ok((properties, required))
}

/// The constraints of a schema node, as (the argument's name, its value): `ge`, `gt`, `le`,
/// `lt`, `multiple_of`, `min_length`, `max_length` (of a string, a list or a dict), `pattern`;
/// but those named in `skip` (schema keywords).
fn constraint_values<'v>(schema: &'v Map<String, Value>, skip: &[&str]) -> Vec<(&'static str, &'v Value)> {
    const PAIRS: [(&str, &str); 12] = [
        ("minimum", "ge"),
        ("exclusiveMinimum", "gt"),
        ("maximum", "le"),
        ("exclusiveMaximum", "lt"),
        ("multipleOf", "multiple_of"),
        ("minLength", "min_length"),
        ("minItems", "min_length"),
        ("minProperties", "min_length"),
        ("maxLength", "max_length"),
        ("maxItems", "max_length"),
        ("maxProperties", "max_length"),
        ("pattern", "pattern"),
    ];
    PAIRS
        .iter()
        .filter(|(key, _)| !skip.contains(key))
        .filter_map(|(key, name)| match schema.get(*key) {
            Some(value @ (Value::Number(_) | Value::String(_))) => Some((*name, value)),
            _ => None,
        })
        .collect()
}

/// The `$ref` of each member of a `oneOf`, with where it is; a member that is no `$ref` is an
/// error.
fn union_references<'v>(members: &'v [Value], at: &str) -> Result<Vec<(String, &'v str)>, CodegenError> {
    members
        .iter()
        .enumerate()
        .map(|(i, member)| {
            let member_at = format!("{at}/oneOf/{i}");
            match member.get("$ref").and_then(Value::as_str) {
                Some(reference) => Ok((member_at, reference)),
                None => Err(error(&member_at, "a discriminated union's member must be a `$ref` to a model")),
            }
        })
        .collect()
}

/// How a `oneOf` without `discriminator` (pydantic's `Discriminator(fn)`, which the schema does
/// not describe) is read here: by the key whose value every member fixes (`const`).
struct FunctionTag {
    /// The key.
    key: String,
    /// Each member's tag, in order.
    tags: Vec<String>,
    /// The tag of the member whose key defaults to it: taken when the key is absent.
    default: Option<String>,
}

impl FunctionTag {
    fn find(defs: &Map<String, Value>, references: &[(String, &str)], at: &str) -> Result<Self, CodegenError> {
        let properties = |reference: &str| {
            let key = reference.strip_prefix("#/$defs/").unwrap_or(reference);
            defs.get(key).and_then(|d| d.get("properties")).and_then(Value::as_object)
        };
        let tag_of =
            |reference: &str, key: &str| properties(reference)?.get(key)?.get("const")?.as_str().map(str::to_owned);
        let first = references.first().and_then(|(_, reference)| properties(reference));
        let key = first
            .into_iter()
            .flat_map(|p| p.keys())
            .find(|key| references.iter().all(|(_, reference)| tag_of(reference, key).is_some()))
            .cloned()
            .ok_or_else(|| {
                error(
                    at,
                    "a `oneOf` without `discriminator`: no key is fixed (`const`) in every member to read the tag from",
                )
            })?;
        let mut tags = Vec::new();
        let mut default = None;
        for (_, reference) in references {
            let tag = tag_of(reference, &key).unwrap_or_default();
            let property = properties(reference).and_then(|p| p.get(&key));
            if property.and_then(|p| p.get("default")) == Some(&Value::String(tag.clone())) {
                default = Some(tag.clone());
            }
            tags.push(tag);
        }
        Ok(FunctionTag { key, tags, default })
    }
}

/// Whether `schema` is NumpyArrayField's object: `data` (pydantic's published form) or
/// `data_b64` (chainmodel's), `shape`, `dtype`.
fn is_numpy_array(schema: &Map<String, Value>) -> bool {
    let Some(Value::Object(properties)) = schema.get("properties") else { return false };
    let keys: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
    keys == BTreeSet::from(["data", "shape", "dtype"]) || keys == BTreeSet::from(["data_b64", "shape", "dtype"])
}

/// Whether `schema` is NumpyArrayField's object as pydantic publishes it (`data`), which is
/// not what travels (`data_b64`).
fn published_numpy_array(schema: &Map<String, Value>) -> bool {
    is_numpy_array(schema) && schema.get("properties").is_some_and(|p| p.get("data").is_some())
}

/// Whether a NumpyArrayField as pydantic publishes it is anywhere in `schema`.
fn contains_published_numpy_array(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => published_numpy_array(map) || map.values().any(contains_published_numpy_array),
        Value::Array(items) => items.iter().any(contains_published_numpy_array),
        _ => false,
    }
}

/// Every definition of the schema (of a chainlet's input and output schemas, which must agree),
/// where each is (a JSON pointer, for errors), and the `$ref` of a chainlet's output when the
/// output schema is a model's own (a `server::Chainlet`'s answer) rather than truss's
/// `RootModel[..]` (then the model is among the definitions).
fn merged_defs(schema: &Value, chainlet: Option<&Chainlet<'_>>) -> Result<Definitions, CodegenError> {
    let mut defs = Map::new();
    let mut defs_at = HashMap::new();
    let documents: Vec<(&Value, &str)> = match chainlet {
        Some(chainlet) => {
            let mut documents = vec![(chainlet.input, "/input_schema")];
            documents.extend(chainlet.output.map(|output| (output, "/output_schema")));
            documents
        }
        None => vec![(schema, "")],
    };
    for (document, at) in documents {
        match document.get("$defs") {
            None => {}
            Some(Value::Object(more)) => {
                for (key, def) in more {
                    match defs.get(key) {
                        Some(known) if known != def => {
                            return Err(error(
                                &format!("{at}/$defs/{key}"),
                                "differs from the input schema's definition of the same key",
                            ));
                        }
                        Some(_) => {}
                        None => {
                            defs.insert(key.clone(), def.clone());
                            defs_at.insert(key.clone(), format!("{at}/$defs/{key}"));
                        }
                    }
                }
            }
            Some(_) => return Err(error(&format!("{at}/$defs"), "`$defs` must be an object")),
        }
    }
    let mut output_ref = None;
    if let Some(Value::Object(output)) = chainlet.and_then(|c| c.output) {
        let title = output.get("title").and_then(Value::as_str).unwrap_or("");
        if output.contains_key("properties") && !title.starts_with("RootModel[") {
            let mut model = output.clone();
            model.remove("$defs");
            let model = Value::Object(model);
            let key = match defs.iter().find(|(_, def)| **def == model) {
                Some((key, _)) => key.clone(),
                None => {
                    let key = chainmodel_runtime::__private::defs_key(title);
                    if defs.contains_key(&key) {
                        return Err(error("/output_schema", format!("a second model keyed {key:?}")));
                    }
                    defs.insert(key.clone(), model);
                    defs_at.insert(key.clone(), "/output_schema".to_owned());
                    key
                }
            };
            output_ref = Some(format!("#/$defs/{key}"));
        }
    }
    Ok(Definitions { defs, defs_at, output_ref })
}

/// What no schema says, at the top of every generated module (`comment` is the comment's start).
fn unsaid(comment: &str) -> String {
    format!(
        "{comment} What a schema does not say (validators, strict mode, `default_factory` values, the field\n\
         {comment} names behind aliases) is not here; where a reading was chosen, a comment on the field says so.\n"
    )
}

/// What [`merged_defs`] finds.
struct Definitions {
    defs: Map<String, Value>,
    defs_at: HashMap<String, String>,
    output_ref: Option<String>,
}

/// The `$defs` key a `$ref` names; a `$ref` elsewhere is an error.
fn definition_key<'r>(reference: &'r str, at: &str) -> Result<&'r str, CodegenError> {
    reference.strip_prefix("#/$defs/").ok_or_else(|| error(at, format!("`$ref` {reference:?} points outside `$defs`")))
}

/// The definition `key` (the `$ref` that named it, for the error): its schema, where it is,
/// and its title (the key when it has none).
fn definition<'d>(
    defs: &'d Map<String, Value>,
    defs_at: &HashMap<String, String>,
    key: &'d str,
    reference: &str,
    at: &str,
) -> Result<(&'d Map<String, Value>, String, &'d str), CodegenError> {
    let schema = defs.get(key).ok_or_else(|| error(at, format!("`$ref` {reference:?} points nowhere")))?;
    let def_at = defs_at.get(key).cloned().unwrap_or_else(|| format!("/$defs/{key}"));
    let map = schema.as_object().ok_or_else(|| error(&def_at, "expected a schema (a JSON object)"))?;
    Ok((map, def_at, map.get("title").and_then(Value::as_str).unwrap_or(key)))
}

/// What both generators do with a schema's parts; [`generate`] walks a schema over them.
trait Target {
    /// A root schema with its title: a model, enum or RootModel named after it.
    fn titled(&mut self, map: &Map<String, Value>, title: &str, at: &str) -> Result<(), CodegenError>;
    /// The definition `reference` points to, generated the first time; its type's name.
    fn reference(&mut self, reference: &str, at: &str) -> Result<String, CodegenError>;
    /// A chainlet's stub, named `name`, its models with it.
    fn stub(&mut self, chainlet: &Chainlet<'_>, name: &str, output_ref: Option<&str>) -> Result<(), CodegenError>;
}

/// A root schema: its own model (a model that holds itself is a `$ref` to its own
/// definition), or what [`Target::titled`] makes of it.
fn top(target: &mut impl Target, schema: &Value, at: &str) -> Result<(), CodegenError> {
    let map = schema.as_object().ok_or_else(|| error(at, "expected a schema (a JSON object)"))?;
    if let (Some(Value::String(reference)), None) = (map.get("$ref"), map.get("title")) {
        return target.reference(reference, &format!("{at}/$ref")).map(drop);
    }
    let title = map.get("title").and_then(Value::as_str).ok_or_else(|| error(at, "the root schema has no `title`"))?;
    target.titled(map, title, at)
}

/// Generates what `schema` (a model's schema, or a chainlet's or a truss model's `/schema`
/// answer) holds into `target`; where the module comes from, for its first line.
fn generate(
    target: &mut impl Target,
    schema: &Value,
    chainlet: Option<&Chainlet<'_>>,
    output_ref: Option<&str>,
) -> Result<String, CodegenError> {
    Ok(match chainlet {
        Some(chainlet @ Chainlet { name: Some(name), .. }) => {
            target.stub(chainlet, name, output_ref)?;
            format!("the `{name}` chainlet's schema")
        }
        // A truss model's answer: its input and output models, no stub.
        Some(model) => {
            top(target, model.input, "/input_schema")?;
            match (model.output, output_ref) {
                (Some(_), Some(reference)) => drop(target.reference(reference, "/output_schema")?),
                (Some(output), None) => top(target, output, "/output_schema")?,
                (None, _) => {}
            }
            "a truss model's schema".to_owned()
        }
        None => {
            top(target, schema, "")?;
            "a pydantic JSON Schema".to_owned()
        }
    })
}

/// A chainlet's `/schema` answer: `{"input_schema", "output_schema", "supports_streaming"}`.
struct Chainlet<'s> {
    /// The chainlet's name: its input model's title without `Input`; `None` for a truss
    /// model's answer (its input model named otherwise), which has models and no stub.
    name: Option<String>,
    /// The `{Name}Input` model's schema.
    input: &'s Value,
    /// The `RootModel[..]`'s schema; `None` for a stream.
    output: Option<&'s Value>,
}

impl<'s> Chainlet<'s> {
    /// The chainlet `answer` describes, or `None` when it is no `/schema` answer (a model's schema).
    fn from_answer(answer: &'s Value) -> Result<Option<Self>, CodegenError> {
        let Some(input) = answer.get("input_schema") else { return Ok(None) };
        let at = |key: &str| CodegenError { at: format!("/{key}"), message: String::new() };
        let title = input
            .get("title")
            .and_then(Value::as_str)
            .ok_or_else(|| CodegenError { message: "the input schema has no `title`".into(), ..at("input_schema") })?;
        // truss-chains names a chainlet's input model `{Name}Input`.
        let name = title.strip_suffix("Input").filter(|name| !name.is_empty()).map(str::to_owned);
        let streaming = answer.get("supports_streaming") == Some(&Value::Bool(true));
        let output = match answer.get("output_schema") {
            Some(Value::Null) | None if streaming => None,
            Some(output @ Value::Object(_)) if !streaming => Some(output),
            _ => {
                return Err(CodegenError {
                    message: "an object, or null with `supports_streaming: true`".into(),
                    ..at("output_schema")
                });
            }
        };
        Ok(Some(Chainlet { name, input, output }))
    }
}

/// A schema the generator cannot turn into code: where in the schema (a JSON pointer) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    /// The JSON pointer of the part of the schema at fault (`/$defs/Item/properties/x`).
    pub at: String,
    /// What is wrong there.
    pub message: String,
}

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", if self.at.is_empty() { "/" } else { &self.at }, self.message)
    }
}

impl std::error::Error for CodegenError {}

/// The `/schema` answer of the chainlet (or truss model) served at `url`: its base URL
/// (`http://127.0.0.1:8000`, `GET /v1/models/model/schema` is asked), its predict URL
/// (`.../v1/models/model:predict`), or the schema's URL itself (`.../schema`).
///
/// `api_key`, when given, is sent as Baseten's `Authorization: Api-Key ..`. Errors
/// (unreachable, a status other than 200, not JSON, over 64 MiB, 30 s) name the URL asked.
#[cfg(feature = "client")]
pub async fn fetch_schema(url: &str, api_key: Option<&str>) -> Result<Value, CodegenError> {
    use futures_util::StreamExt as _;

    const LIMIT: usize = 64 << 20;
    let trimmed = url.trim_end_matches('/');
    let url = if trimmed.ends_with("/schema") {
        trimmed.to_owned()
    } else if let Some(base) = trimmed.strip_suffix(":predict") {
        format!("{base}/schema")
    } else {
        format!("{trimmed}/v1/models/model/schema")
    };
    let failed = |message: String| CodegenError { at: url.clone(), message };
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| failed(e.to_string()))?;
    let mut request = client.get(&url);
    if let Some(key) = api_key {
        request = request.header(reqwest::header::AUTHORIZATION, format!("Api-Key {key}"));
    }
    let response = request.send().await.map_err(|e| failed(format!("cannot reach it: {e}")))?;
    let status = response.status();
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| failed(format!("the answer broke off: {e}")))?;
        if body.len() + chunk.len() > LIMIT {
            return Err(failed(format!("the answer is over {} MiB", LIMIT >> 20)));
        }
        body.extend_from_slice(&chunk);
    }
    if status != reqwest::StatusCode::OK {
        let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
        return Err(failed(format!("HTTP status {status}: {text}")));
    }
    chainmodel_runtime::serde_json::from_slice(&body).map_err(|e| failed(format!("the answer is not JSON: {e}")))
}
