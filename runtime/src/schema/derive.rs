//! The pieces the derive builds a model's schema from: a field's schema with its title,
//! default and constraints, a model's object, an enum's, a union's. Reached through
//! `__private` only; a model's schema is public through [`ModelSchema`](super::ModelSchema)
//! and [`schema_for`](super::schema_for).

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::{JsonSchema, SchemaGenerator, title_from_name};
use crate::codec::Encode;

/// A generic model's title, as pydantic writes it: `Page[EmbeddingItem]`.
pub fn generic_title(name: &str, parameters: &[Cow<'static, str>]) -> String {
    format!("{name}[{}]", parameters.join(", "))
}

/// A title as a `$defs` key, as pydantic normalizes it: `Page[list[str]]` is `Page_list_str__`.
pub fn defs_key(title: &str) -> String {
    title.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect()
}

/// What the derive knows of one field, beyond its type's schema.
pub struct FieldInfo<'a> {
    /// The field's key on the wire.
    pub key: &'a str,
    /// The field's description (`description = ".."`, else its doc comment).
    pub description: Option<&'a str>,
    /// `title = ".."`: the field's title, in place of the one made from its key (also on a
    /// reference, which has none of its own).
    pub title: Option<&'a str>,
    /// `examples = ".."`: a JSON array, as text (the derive checked it).
    pub examples: Option<&'a str>,
    /// `json_schema_extra = ".."`: a JSON object, as text (the derive checked it), merged
    /// into the field's schema last, as pydantic merges it.
    pub json_schema_extra: Option<&'a str>,
    /// The field's default, as JSON.
    pub default: Option<Value>,
    /// The field's constraints as schema keywords (`minimum`, `maxLength`, `pattern`, ...).
    pub constraints: Vec<(&'static str, Value)>,
    /// The constraints of the field's items (`items(..)`: a list's or set's `items`, a dict's
    /// `additionalProperties`).
    pub items: Vec<(&'static str, Value)>,
    /// `required` on an `Option`: in `required`, with no `default`.
    pub required: bool,
    /// The default comes from `default_factory`: no `default`, and not required.
    pub default_factory: bool,
}

/// A field's schema: its type's, with pydantic's title (unless it is a reference),
/// description and default. Returns whether the field is required.
pub fn field_schema<T: JsonSchema + ?Sized>(generator: &mut SchemaGenerator, info: FieldInfo<'_>) -> (Value, bool) {
    let mut schema = T::schema(generator);
    let default = if info.required || info.default_factory { None } else { info.default.or_else(T::implicit_default) };
    let required = info.required || (default.is_none() && !info.default_factory);
    if !info.constraints.is_empty() {
        constrain(&mut schema, info.constraints, None);
    }
    if !info.items.is_empty() {
        constrain(&mut schema, info.items, Some(["items", "additionalProperties"]));
    }
    if let Value::Object(map) = &mut schema {
        if let Some(title) = info.title {
            map.insert("title".into(), title.into());
        } else if !T::is_reference() {
            map.insert("title".into(), title_from_name(info.key).into());
        }
        if let Some(description) = info.description {
            map.insert("description".into(), description.into());
        }
        if let Some(default) = default {
            map.insert("default".into(), default);
        }
        if let Some(examples) = info.examples.and_then(derive_checked_json) {
            map.insert("examples".into(), examples);
        }
        if let Some(Value::Object(extra)) = info.json_schema_extra.and_then(derive_checked_json) {
            map.extend(extra);
        }
    }
    (schema, required)
}

/// JSON text the derive checked (`examples`, `json_schema_extra`); `None` only if it was
/// changed by hand since, which leaves the schema without it rather than failing.
fn derive_checked_json(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok()
}

/// A value's schema with its constraints and its items' (a RootModel's `Field(..)`), where
/// pydantic writes them.
pub fn constrained(
    mut schema: Value,
    constraints: Vec<(&'static str, Value)>,
    items: Vec<(&'static str, Value)>,
) -> Value {
    if !constraints.is_empty() {
        constrain(&mut schema, constraints, None);
    }
    if !items.is_empty() {
        constrain(&mut schema, items, Some(["items", "additionalProperties"]));
    }
    schema
}

/// Writes `constraints` where pydantic does: in the value's own schema, which for an
/// `Optional[X]` is the non-null member of its `anyOf` (or in its items' schema, the first of
/// `inner` it has).
fn constrain(schema: &mut Value, constraints: Vec<(&'static str, Value)>, inner: Option<[&str; 2]>) {
    let Value::Object(map) = schema else { return };
    let null = Value::from("null");
    let member = match map.get("anyOf") {
        Some(Value::Array(members)) => members.iter().position(|m| m.get("type") != Some(&null)),
        _ => None,
    };
    let target = match member {
        Some(i) => map.get_mut("anyOf").and_then(|members| members.get_mut(i)).and_then(Value::as_object_mut),
        None => Some(map),
    };
    let Some(mut target) = target else { return };
    if let Some(keys) = inner {
        let Some(key) = keys.into_iter().find(|key| target.get(*key).is_some_and(Value::is_object)) else { return };
        let Some(items) = target.get_mut(key).and_then(Value::as_object_mut) else { return };
        target = items;
    }
    for (key, value) in constraints {
        target.insert(key.into(), value);
    }
}

/// A model's object schema from its fields' `(key, schema, required)`.
pub fn object_schema(
    title: &str,
    description: Option<&str>,
    deny_unknown_fields: bool,
    extra: bool,
    fields: Vec<(&str, (Value, bool))>,
) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (key, (schema, is_required)) in fields {
        if is_required {
            required.push(Value::from(key));
        }
        properties.insert(key.to_owned(), schema);
    }
    let mut schema = Map::new();
    schema.insert("properties".into(), properties.into());
    if !required.is_empty() {
        schema.insert("required".into(), required.into());
    }
    schema.insert("title".into(), title.into());
    schema.insert("type".into(), "object".into());
    if let Some(description) = description {
        schema.insert("description".into(), description.into());
    }
    if deny_unknown_fields {
        schema.insert("additionalProperties".into(), false.into());
    } else if extra {
        // pydantic's `extra="allow"`.
        schema.insert("additionalProperties".into(), true.into());
    }
    schema.into()
}

/// A string enum's schema, as pydantic writes an `Enum` of strings.
pub fn enum_schema(title: &str, description: Option<&str>, values: &[&str]) -> Value {
    let mut schema = json!({"enum": values, "title": title, "type": "string"});
    if let (Some(description), Value::Object(map)) = (description, &mut schema) {
        map.insert("description".into(), description.into());
    }
    schema
}

/// An `IntEnum`'s schema: `{"enum": [0, 2], "title": .., "type": "integer"}`.
pub fn int_enum_schema(title: &str, description: Option<&str>, values: &[i64]) -> Value {
    let mut schema = json!({"enum": values, "title": title, "type": "integer"});
    if let (Some(description), Value::Object(map)) = (description, &mut schema) {
        map.insert("description".into(), description.into());
    }
    schema
}

/// A `Literal`'s inline schema: `{"const": v, "type": ..}` for one value, else
/// `{"enum": [..], "type": ..}`.
pub fn literal_schema(values: Vec<Value>) -> Value {
    let ty = if values.iter().all(Value::is_string) { "string" } else { "integer" };
    match <[Value; 1]>::try_from(values) {
        Ok([value]) => json!({"const": value, "type": ty}),
        Err(values) => json!({"enum": values, "type": ty}),
    }
}

/// A RootModel's schema: its value's, titled with the model's name.
pub fn root_schema(title: &str, description: Option<&str>, inner: Value) -> Value {
    let mut map = match inner {
        Value::Object(map) => map,
        other => return other,
    };
    map.insert("title".into(), title.into());
    if let Some(description) = description {
        map.insert("description".into(), description.into());
    }
    map.into()
}

/// A discriminated union's inline schema: `oneOf` its members' references, and the
/// `discriminator` mapping each tag to its member's reference.
pub fn tagged_union_schema(tag: &str, members: Vec<(&str, Value)>) -> Value {
    let mut mapping = Map::new();
    let mut one_of = Vec::new();
    for (value, schema) in members {
        if let Some(reference) = schema.get("$ref") {
            mapping.insert(value.to_owned(), reference.clone());
        }
        one_of.push(schema);
    }
    json!({"discriminator": {"mapping": mapping, "propertyName": tag}, "oneOf": one_of})
}

/// A union discriminated by a function (pydantic's `Discriminator(fn)`): `oneOf` its members',
/// with no `discriminator` (no field names the tag).
pub fn callable_union_schema(members: Vec<Value>) -> Value {
    json!({ "oneOf": members })
}

/// A plain union's inline schema: `anyOf` its members'.
pub fn union_schema(members: Vec<Value>) -> Value {
    json!({ "anyOf": members })
}

/// The JSON value of a field's default, for the schema.
pub trait SchemaDefault {
    /// The value as the schema's `default` holds it.
    fn default_value(&self) -> Value;
}

impl<T: Encode + ?Sized> SchemaDefault for T {
    fn default_value(&self) -> Value {
        // Bytes too: pydantic writes a bytes default as its UTF-8 text, as the JSON writer does.
        let mut writer = crate::json::JsonWriter::new();
        self.encode(&mut writer);
        let text = writer.into_string();
        // Our own JSON text always parses; NaN (written as null) stays null.
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}
