//! The trait every `#[derive(ChainModel)]` type implements.

use crate::codec::{Decode, Encode};
use crate::error::Error;
use crate::json::{self, Checked, JsonDecode, JsonEncode, JsonForm};
use crate::msgpack::{self, MsgpackDecode, MsgpackEncode};
use crate::schema::{self, ModelSchema};
use crate::value::{self, Value};

/// A model shared with Python services: implemented by `#[derive(ChainModel)]` on a struct
/// with named fields (a pydantic model), a newtype struct (a `RootModel`), an enum of unit
/// variants (a string `Enum`, an `IntEnum` with explicit discriminants, or a `Literal` with
/// `#[chain(literal)]`) or an enum of newtype variants (a `Union`: discriminated with
/// `#[chain(tag = "..")]`, else read in pydantic's smart mode).
///
/// The codec methods exist when every field has the codec: a model holding binary data
/// (`Bytes`, `&[u8]`) has no JSON form, and asking for one does not compile.
///
/// ```
/// use chainmodel::prelude::*;
///
/// #[derive(ChainModel, Debug, PartialEq)]
/// struct DataModel {
///     some_numbers: NdArray<f64>,
///     other_field: String,
/// }
///
/// let m = DataModel { some_numbers: NdArray::from_vec(vec![1.0, 2.5]), other_field: "hi".into() };
/// let text = m.to_json()?;
/// assert_eq!(text, r#"{"some_numbers":{"data_b64":"AAAAAAAA8D8AAAAAAAAEQA==","shape":[2],"dtype":"float64"},"other_field":"hi"}"#);
/// assert_eq!(DataModel::from_json(&text)?, m);
/// assert_eq!(DataModel::json_schema()["properties"]["other_field"]["title"], "Other Field");
/// # Ok::<(), chainmodel::Error>(())
/// ```
pub trait ChainModel: Sized {
    /// The model's title in its JSON Schema: `#[chain(title = "..")]`, else the type's name, as
    /// pydantic uses the class name (a generic model's schema adds its parameters:
    /// `Page[EmbeddingItem]`).
    const TITLE: &'static str;

    /// The model's JSON text, byte-identical to pydantic's `model_dump_json()`.
    fn to_json(&self) -> Result<String, Error>
    where
        Self: JsonEncode + JsonForm<Checked>,
    {
        json::to_string(self)
    }

    /// Reads the model from JSON text as pydantic's `model_validate_json` does.
    fn from_json<'de>(text: &'de str) -> Result<Self, Error>
    where
        Self: JsonDecode<'de> + JsonForm<Checked>,
    {
        json::from_str(text)
    }

    /// The model in binary mode: msgpack as truss writes it, every array payload 8-byte
    /// aligned (see [`msgpack::to_vec`]).
    fn to_msgpack(&self) -> Result<Vec<u8>, Error>
    where
        Self: MsgpackEncode,
    {
        msgpack::to_vec(self)
    }

    /// Reads the model from msgpack; views and borrowed fields borrow from `bytes`.
    fn from_msgpack<'de>(bytes: &'de [u8]) -> Result<Self, Error>
    where
        Self: MsgpackDecode<'de>,
    {
        msgpack::from_slice(bytes)
    }

    /// Reads the model from a dict as pydantic's `model_validate(dict)` reads what truss's
    /// deserializer gives (binary mode's rules), without a round trip through bytes; borrowed
    /// fields and views borrow from `value` (see [`value::from_value`]).
    fn from_value<'v>(value: &'v Value) -> Result<Self, Error>
    where
        Self: Decode<'v>,
    {
        value::from_value(value)
    }

    /// As [`from_value`](Self::from_value), moving strings, bytes and `AnyArray` payloads out
    /// of `value` (see [`value::from_value_owned`]).
    fn from_value_owned(value: Value) -> Result<Self, Error>
    where
        Self: for<'v> Decode<'v>,
    {
        value::from_value_owned(value)
    }

    /// The model as pydantic's `model_dump(mode="python")`: arrays stay arrays, bytes stay
    /// bytes (see [`value::to_value`]).
    fn to_value(&self) -> Result<Value, Error>
    where
        Self: Encode,
    {
        value::to_value(self)
    }

    /// The model as pydantic's `model_dump(mode="json")`: arrays as `{"data_b64", "shape",
    /// "dtype"}` objects (see [`value::to_json_value`]).
    fn to_json_value(&self) -> Result<serde_json::Value, Error>
    where
        Self: JsonEncode + JsonForm<Checked>,
    {
        value::to_json_value(self)
    }

    /// The JSON Schema pydantic's `model_json_schema()` publishes for the model.
    fn json_schema() -> serde_json::Value
    where
        Self: ModelSchema,
    {
        schema::schema_for::<Self>()
    }
}
