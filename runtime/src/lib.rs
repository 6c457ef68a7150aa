//! Runtime of [chainmodel](https://docs.rs/chainmodel): numpy dtypes, arrays that match
//! numpy's bytes and text, binary fields and the error type.
//!
//! Use it through the `chainmodel` crate, which re-exports everything here beside the
//! `#[derive(ChainModel)]` macro.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod array;
mod bigint;
mod bytes;
pub mod codec;
mod constraint;
mod decimal;
mod dtype;
mod element;
mod error;
#[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
mod ext;
mod format;
pub mod json;
mod lax;
mod limits;
mod model;
pub mod msgpack;
#[cfg(feature = "ndarray")]
mod ndarray_conv;
pub mod schema;
#[cfg(feature = "serde")]
mod serde_impls;
pub mod value;

pub use array::{
    AnyArray, ArrayBase, FromElements, MAX_DIMENSIONS, NdArray, NdArrayView, OwnedData, Storage, element_count,
};
pub use bigint::BigInt;
pub use bytes::Bytes;
#[cfg(feature = "chrono")]
pub use chrono;
pub use decimal::{Decimal, ParseDecimalError};
pub use dtype::{ByteOrder, DType, ScalarType};
pub use element::Element;
pub use error::{Error, ErrorKind, PathSegment, UnionMembers};
#[cfg(feature = "chrono")]
pub use ext::chrono::AnyDateTime;
pub use half::f16;
#[cfg(feature = "indexmap")]
pub use indexmap;
pub use limits::Limits;
pub use model::ChainModel;
pub use num_complex::Complex;
#[cfg(feature = "decimal")]
pub use rust_decimal;
pub use serde_json;
#[cfg(feature = "uuid")]
pub use uuid;
pub use value::Value;

// Used by the code `#[derive(ChainModel)]` generates, by `value!` and by the chainmodel
// crate's server and client. Not public API.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
