//! A chainlet's output on the wire: truss's `RootModel[T]`, the value itself.

use std::borrow::Cow;

use chainmodel_runtime::__private::root_schema;
use chainmodel_runtime::codec::{Decode, Encode, Reader, Writer};
use chainmodel_runtime::json::JsonForm;
use chainmodel_runtime::schema::{JsonSchema, ModelSchema, SchemaGenerator};
use chainmodel_runtime::{Error, serde_json::Value};

/// A chainlet's output as truss-chains sends it, `RootModel[T]`: on the wire the value itself
/// (a model's dict, a tuple as a list, `()` as null), in the schema `T`'s titled as pydantic
/// titles the generic model (`RootModel[DataModel]`, `RootModel[tuple[int, str]]`,
/// `RootModel[NoneType]`).
///
/// ```
/// use chainmodel::chains::RootModel;
/// use chainmodel::schema::schema_for;
///
/// let schema = schema_for::<RootModel<(i64, String)>>();
/// assert_eq!(schema["title"], "RootModel[tuple[int, str]]");
/// assert_eq!(chainmodel::json::to_string(&RootModel((1_i64, "a".to_owned())))?, r#"[1,"a"]"#);
/// # Ok::<(), chainmodel::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RootModel<T>(pub T);

impl<T> RootModel<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<'de, T: Decode<'de>> Decode<'de> for RootModel<T> {
    const MIN_LEN: usize = T::MIN_LEN;

    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        T::decode(reader).map(RootModel)
    }
}

impl<T: Encode> Encode for RootModel<T> {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        self.0.encode(writer);
    }

    fn size_hint(&self) -> usize {
        self.0.size_hint()
    }
}

impl<N, T: JsonForm<N>> JsonForm<N> for RootModel<T> {}

impl<T: JsonSchema> JsonSchema for RootModel<T> {
    fn schema(generator: &mut SchemaGenerator) -> Value {
        Self::model_schema(generator)
    }

    fn type_name() -> Cow<'static, str> {
        Cow::Owned(format!("RootModel[{}]", T::type_name()))
    }
}

impl<T: JsonSchema> ModelSchema for RootModel<T> {
    fn model_schema(generator: &mut SchemaGenerator) -> Value {
        let inner = T::schema(generator);
        root_schema(&Self::type_name(), None, inner)
    }
}
