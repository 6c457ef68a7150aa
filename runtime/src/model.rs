//! The trait every `#[derive(ChainModel)]` type implements.

/// A model shared with Python services: implemented by `#[derive(ChainModel)]`.
///
/// ```
/// use chainmodel::prelude::*;
///
/// #[derive(ChainModel)]
/// struct DataModel {
///     some_numbers: NdArray<f64>,
///     other_field: String,
/// }
///
/// assert_eq!(DataModel::TITLE, "DataModel");
/// ```
pub trait ChainModel {
    /// The model's title in its JSON Schema: the struct's name, as pydantic uses the class name.
    const TITLE: &'static str;
}
