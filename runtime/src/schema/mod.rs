//! JSON Schema as pydantic's `model_json_schema()` publishes it, built from the same parsed
//! model as the codecs, so renames, defaults and aliases cannot drift apart.
//!
//! One deliberate difference: array fields describe the JSON that `NumpyArrayField` really
//! writes. Its own schema names the payload key `data` (the wire says `data_b64`) and asks for
//! at least one dimension (0-d arrays have the shape `[]`).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use crate::array::{AnyArray, ArrayBase, Storage};
use crate::bytes::Bytes;

pub(crate) mod derive;
use derive::defs_key;

/// A type with a JSON Schema, the one pydantic gives its Python equivalent.
pub trait JsonSchema {
    /// The schema of one value, registering named definitions (models, enums) in `generator`.
    fn schema(generator: &mut SchemaGenerator) -> Value;

    /// Whether the schema is a `$ref` to a named definition: pydantic gives such fields no title.
    fn is_reference() -> bool {
        false
    }

    /// The value a model field of this type takes when its key is absent, if it has one
    /// (`null` for `Option`).
    fn implicit_default() -> Option<Value> {
        None
    }

    /// The type's name in Python, as pydantic names a generic model's parameters
    /// (`Page[EmbeddingItem]`, `Page[list[str]]`).
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed("Any")
    }

    /// The type's label as a member of a plain union, which locates the member's errors:
    /// pydantic-core's name of its schema (`int`, `list[any]`, `dict[str,int]`,
    /// `literal['none','auto']`, `tagged-union[TextPart,ImagePart]`, `str-enum[Kind]`, a
    /// model's title).
    fn union_label() -> Cow<'static, str> {
        Self::type_name()
    }
}

/// Collects the named definitions (`$defs`) of a schema being built.
///
/// Definitions are held under the module-qualified name of their type while the schema is
/// built; [`finish`](Self::finish) names each by its plain name, unless two types of that name
/// from different modules meet in one schema: pydantic then qualifies both keys with their
/// module (`app__chat__Message`), and so does the generator.
#[derive(Default)]
pub struct SchemaGenerator {
    /// Keyed by the qualified name (`module::Name`, or the name alone).
    definitions: Map<String, Value>,
    /// The plain name (the `$defs` key when it is unique) of each qualified name.
    names: HashMap<String, String>,
}

/// The marker of a reference not yet given its final `$defs` key.
const PENDING: &str = "#/$defs/\u{0}";

impl SchemaGenerator {
    /// `{"$ref": "#/$defs/{name}"}`, building the definition with `build` the first time.
    pub fn reference(&mut self, name: &str, build: impl FnOnce(&mut SchemaGenerator) -> Value) -> Value {
        self.reference_in("", name, build)
    }

    /// A reference to the definition named `name` of a type in `module` (Rust's
    /// `module_path!()`), building it with `build` the first time.
    pub fn reference_in(
        &mut self,
        module: &str,
        name: &str,
        build: impl FnOnce(&mut SchemaGenerator) -> Value,
    ) -> Value {
        let qualified = if module.is_empty() { name.to_owned() } else { format!("{module}::{name}") };
        if !self.definitions.contains_key(&qualified) {
            // A placeholder first, so that a recursive model refers to itself instead of looping.
            self.definitions.insert(qualified.clone(), Value::Null);
            self.names.insert(qualified.clone(), name.to_owned());
            let schema = build(self);
            self.definitions.insert(qualified.clone(), schema);
        }
        json!({ "$ref": format!("{PENDING}{qualified}") })
    }

    /// The qualified name of the definition whose plain name is `name`, if there is one.
    fn qualified(&self, name: &str) -> Option<String> {
        self.names.iter().find(|(_, plain)| *plain == name).map(|(qualified, _)| qualified.clone())
    }

    /// The whole schema of a top-level `schema`: its `$defs` added under their final keys,
    /// keys ordered as pydantic orders them.
    pub fn finish(self, mut schema: Value) -> Value {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for plain in self.names.values() {
            *count.entry(plain.as_str()).or_default() += 1;
        }
        let keys: HashMap<String, String> = self
            .names
            .iter()
            .map(|(qualified, plain)| {
                let key = if count[plain.as_str()] > 1 {
                    // pydantic: the module's dotted path and the name, each `.` as `__`.
                    qualified.replace("::", "__")
                } else {
                    plain.clone()
                };
                (qualified.clone(), key)
            })
            .collect();
        let definitions: Map<String, Value> =
            self.definitions.into_iter().map(|(qualified, value)| (keys[&qualified].clone(), value)).collect();
        if let (false, Value::Object(map)) = (definitions.is_empty(), &mut schema) {
            map.insert("$defs".to_owned(), Value::Object(definitions));
        }
        resolve_references(&mut schema, &keys);
        sort_like_pydantic(schema, None)
    }
}

/// Gives each pending `$ref` its final `$defs` key.
fn resolve_references(value: &mut Value, keys: &HashMap<String, String>) {
    match value {
        Value::String(text) => {
            if let Some(qualified) = text.strip_prefix(PENDING) {
                let key = keys.get(qualified).map_or(qualified, String::as_str);
                *text = format!("#/$defs/{key}");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| resolve_references(item, keys)),
        Value::Object(map) => map.values_mut().for_each(|item| resolve_references(item, keys)),
        _ => {}
    }
}

/// pydantic sorts every object's keys, except the field order under `properties` and the
/// values under `default`.
fn sort_like_pydantic(value: Value, parent_key: Option<&str>) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            if !matches!(parent_key, Some("properties" | "default")) {
                entries.sort_by(|a, b| a.0.cmp(&b.0));
            }
            let keep = parent_key == Some("default");
            entries
                .into_iter()
                .map(|(k, v)| {
                    let v = if keep { v } else { sort_like_pydantic(v, Some(&k)) };
                    (k, v)
                })
                .collect::<Map<_, _>>()
                .into()
        }
        Value::Array(items) => Value::Array(items.into_iter().map(|v| sort_like_pydantic(v, parent_key)).collect()),
        other => other,
    }
}

/// The top-level schema of a model type, as `model_json_schema()`.
pub fn schema_for<T: ModelSchema>() -> Value {
    let mut generator = SchemaGenerator::default();
    let schema = T::model_schema(&mut generator);
    // A model that refers to itself (`children: list["Tree"]`) is defined in `$defs` and the
    // top is a reference to it, as pydantic writes it.
    let title = schema.get("title").and_then(Value::as_str).map(defs_key);
    if let Some(qualified) = title.and_then(|title| generator.qualified(&title)) {
        return generator.finish(json!({ "$ref": format!("{PENDING}{qualified}") }));
    }
    generator.finish(schema)
}

/// A model's own object schema (what `$defs` holds for it); implemented by the derive.
pub trait ModelSchema {
    /// `{"properties": .., "required": .., "title": .., "type": "object"}`.
    fn model_schema(generator: &mut SchemaGenerator) -> Value;
}

macro_rules! simple_schema {
    ($($ty:ty as $name:literal $(label $label:literal)? => $schema:tt;)*) => {$(
        impl JsonSchema for $ty {
            fn schema(_: &mut SchemaGenerator) -> Value {
                json!($schema)
            }

            fn type_name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }

            $(
                fn union_label() -> Cow<'static, str> {
                    Cow::Borrowed($label)
                }
            )?
        }
    )*};
}

simple_schema! {
    bool as "bool" => {"type": "boolean"};
    u8 as "int" => {"maximum": u8::MAX, "minimum": 0, "type": "integer"};
    u16 as "int" => {"maximum": u16::MAX, "minimum": 0, "type": "integer"};
    u32 as "int" => {"maximum": u32::MAX, "minimum": 0, "type": "integer"};
    u64 as "int" => {"maximum": u64::MAX, "minimum": 0, "type": "integer"};
    usize as "int" => {"maximum": usize::MAX, "minimum": 0, "type": "integer"};
    i8 as "int" => {"maximum": i8::MAX, "minimum": i8::MIN, "type": "integer"};
    i16 as "int" => {"maximum": i16::MAX, "minimum": i16::MIN, "type": "integer"};
    i32 as "int" => {"maximum": i32::MAX, "minimum": i32::MIN, "type": "integer"};
    i64 as "int" => {"type": "integer"};
    isize as "int" => {"type": "integer"};
    // Past 64 bits the schema writes no `maximum` (JSON numbers hold 64-bit integers only):
    // `i128` is pydantic's `int`, `u128` its `Annotated[int, Field(ge=0)]`.
    i128 as "int" => {"type": "integer"};
    u128 as "int" => {"minimum": 0, "type": "integer"};
    f32 as "float" => {"type": "number"};
    f64 as "float" => {"type": "number"};
    str as "str" => {"type": "string"};
    String as "str" => {"type": "string"};
    Cow<'_, str> as "str" => {"type": "string"};
    serde_json::Value as "Any" label "any" => {};
    Bytes as "bytes" => {"format": "binary", "type": "string"};
    () as "NoneType" => {"type": "null"};
    [u8] as "bytes" => {"format": "binary", "type": "string"};
}

impl<T: JsonSchema + ?Sized> JsonSchema for &T {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        T::schema(generator)
    }

    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn union_label() -> Cow<'static, str> {
        T::union_label()
    }

    fn is_reference() -> bool {
        T::is_reference()
    }
}

impl<T: JsonSchema + ?Sized> JsonSchema for Box<T> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        T::schema(generator)
    }

    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn union_label() -> Cow<'static, str> {
        T::union_label()
    }

    fn is_reference() -> bool {
        T::is_reference()
    }

    fn implicit_default() -> Option<Value> {
        T::implicit_default()
    }
}

impl<T: JsonSchema> JsonSchema for Option<T> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        match T::schema(generator) {
            // `Optional[Union[A, B]]` is one union, as pydantic writes it: `anyOf: [A, B, null]`.
            Value::Object(mut map) if map.len() == 1 && map.get("anyOf").is_some_and(Value::is_array) => {
                if let Some(Value::Array(members)) = map.get_mut("anyOf") {
                    members.push(json!({"type": "null"}));
                }
                map.into()
            }
            inner => json!({"anyOf": [inner, {"type": "null"}]}),
        }
    }

    fn is_reference() -> bool {
        T::is_reference()
    }

    fn implicit_default() -> Option<Value> {
        Some(Value::Null)
    }

    fn type_name() -> Cow<'static, str> {
        Cow::Owned(format!("Optional[{}]", T::type_name()))
    }

    fn union_label() -> Cow<'static, str> {
        Cow::Owned(format!("nullable[{}]", T::union_label()))
    }
}

impl<T: JsonSchema> JsonSchema for Vec<T> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        json!({"items": T::schema(generator), "type": "array"})
    }

    fn type_name() -> Cow<'static, str> {
        Cow::Owned(format!("list[{}]", T::type_name()))
    }

    fn union_label() -> Cow<'static, str> {
        Cow::Owned(format!("list[{}]", T::union_label()))
    }
}

fn map_schema<V: JsonSchema + ?Sized>(generator: &mut SchemaGenerator) -> Value {
    let values = V::schema(generator);
    // `dict[str, Any]` (and a bare `dict`): any value, written `true` as pydantic writes it.
    let values = if values == json!({}) { Value::Bool(true) } else { values };
    json!({"additionalProperties": values, "type": "object"})
}

/// `dict[int, X]` has the schema of `dict[str, X]`: JSON keys are strings.
impl<K: crate::codec::MapKey + JsonSchema, V: JsonSchema, S> JsonSchema for HashMap<K, V, S> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        map_schema::<V>(generator)
    }

    fn type_name() -> Cow<'static, str> {
        map_name::<K, V>()
    }

    fn union_label() -> Cow<'static, str> {
        map_label::<K, V>()
    }
}

impl<K: crate::codec::MapKey + JsonSchema, V: JsonSchema> JsonSchema for BTreeMap<K, V> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        map_schema::<V>(generator)
    }

    fn type_name() -> Cow<'static, str> {
        map_name::<K, V>()
    }

    fn union_label() -> Cow<'static, str> {
        map_label::<K, V>()
    }
}

#[cfg(feature = "indexmap")]
impl<K: crate::codec::MapKey + JsonSchema, V: JsonSchema, S> JsonSchema for indexmap::IndexMap<K, V, S> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        map_schema::<V>(generator)
    }

    fn type_name() -> Cow<'static, str> {
        map_name::<K, V>()
    }

    fn union_label() -> Cow<'static, str> {
        map_label::<K, V>()
    }
}

impl JsonSchema for serde_json::Map<String, Value> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        map_schema::<Value>(generator)
    }

    /// A bare `dict` (any JSON object): `IndexMap<String, Value>` is `dict[str, Any]`, which
    /// has the same schema.
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed("dict")
    }

    fn union_label() -> Cow<'static, str> {
        Cow::Borrowed("dict[any,any]")
    }
}

/// `dict[str, int]`, as Python writes the type (a generic model's title).
fn map_name<K: JsonSchema + ?Sized, V: JsonSchema + ?Sized>() -> Cow<'static, str> {
    Cow::Owned(format!("dict[{}, {}]", K::type_name(), V::type_name()))
}

/// `dict[str,int]`, as pydantic-core labels the type (a union member).
fn map_label<K: JsonSchema + ?Sized, V: JsonSchema + ?Sized>() -> Cow<'static, str> {
    Cow::Owned(format!("dict[{},{}]", K::union_label(), V::union_label()))
}

fn set_schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    json!({"items": T::schema(generator), "type": "array", "uniqueItems": true})
}

impl<T: JsonSchema, S> JsonSchema for std::collections::HashSet<T, S> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        set_schema::<T>(generator)
    }

    fn type_name() -> Cow<'static, str> {
        Cow::Owned(format!("set[{}]", T::type_name()))
    }

    fn union_label() -> Cow<'static, str> {
        Cow::Owned(format!("set[{}]", T::union_label()))
    }
}

impl<T: JsonSchema> JsonSchema for std::collections::BTreeSet<T> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        set_schema::<T>(generator)
    }

    fn type_name() -> Cow<'static, str> {
        Cow::Owned(format!("set[{}]", T::type_name()))
    }

    fn union_label() -> Cow<'static, str> {
        Cow::Owned(format!("set[{}]", T::union_label()))
    }
}

#[cfg(feature = "indexmap")]
impl<T: JsonSchema, S> JsonSchema for indexmap::IndexSet<T, S> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        set_schema::<T>(generator)
    }

    fn type_name() -> Cow<'static, str> {
        Cow::Owned(format!("set[{}]", T::type_name()))
    }

    fn union_label() -> Cow<'static, str> {
        Cow::Owned(format!("set[{}]", T::union_label()))
    }
}

macro_rules! tuple_schema {
    ($len:literal => $($name:ident),+) => {
        impl<$($name: JsonSchema),+> JsonSchema for ($($name,)+) {
            fn schema(generator: &mut SchemaGenerator) -> Value {
                let items = vec![$($name::schema(generator)),+];
                json!({"maxItems": $len, "minItems": $len, "prefixItems": items, "type": "array"})
            }

            /// `tuple[int, str, DataModel]`.
            fn type_name() -> Cow<'static, str> {
                let names: Vec<Cow<'static, str>> = vec![$($name::type_name()),+];
                Cow::Owned(format!("tuple[{}]", names.join(", ")))
            }

            fn union_label() -> Cow<'static, str> {
                let labels: Vec<Cow<'static, str>> = vec![$($name::union_label()),+];
                Cow::Owned(format!("tuple[{}]", labels.join(", ")))
            }
        }
    };
}

tuple_schema!(1 => A);
tuple_schema!(2 => A, B);
tuple_schema!(3 => A, B, C);
tuple_schema!(4 => A, B, C, D);
tuple_schema!(5 => A, B, C, D, E);
tuple_schema!(6 => A, B, C, D, E, F);

/// truss's `NumpyArrayField` schema, describing the real wire (see the module docs).
fn array_schema() -> Value {
    json!({
        "properties": {
            "data_b64": {"format": "byte", "type": "string"},
            "shape": {"items": {"type": "integer"}, "type": "array"},
            "dtype": {"type": "string"},
        },
        "required": ["data_b64", "shape", "dtype"],
        "type": "object",
    })
}

impl<S: Storage> JsonSchema for ArrayBase<S> {
    fn schema(_: &mut SchemaGenerator) -> Value {
        array_schema()
    }
}

impl JsonSchema for AnyArray {
    fn schema(_: &mut SchemaGenerator) -> Value {
        array_schema()
    }
}

/// pydantic's default field title: Python's `str.title()` of the name, `_` as spaces.
pub fn title_from_name(name: &str) -> String {
    let mut title = String::with_capacity(name.len());
    let mut previous_cased = false;
    for c in name.chars() {
        if c.is_alphabetic() {
            if previous_cased {
                title.extend(c.to_lowercase());
            } else {
                title.extend(c.to_uppercase());
            }
            previous_cased = true;
        } else {
            title.push(if c == '_' { ' ' } else { c });
            previous_cased = false;
        }
    }
    title.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_follow_python_str_title() {
        assert_eq!(title_from_name("other_field"), "Other Field");
        assert_eq!(title_from_name("sAlias"), "Salias");
        assert_eq!(title_from_name("x1y_z"), "X1Y Z");
        assert_eq!(title_from_name("_private_"), "Private");
    }

    #[test]
    fn keys_are_sorted_except_properties_and_defaults() {
        let schema = json!({"type": "object", "properties": {"b": {"type": "x", "title": "B"}, "a": {}}, "default": {"z": 1, "y": 2}});
        let sorted = sort_like_pydantic(schema, None);
        assert_eq!(
            serde_json::to_string(&sorted).unwrap(),
            r#"{"default":{"z":1,"y":2},"properties":{"b":{"title":"B","type":"x"},"a":{}},"type":"object"}"#
        );
    }
}
