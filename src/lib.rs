//! # chainmodel
//!
//! Typed models shared between Rust services and Python ML services (Baseten Truss/Chains,
//! pydantic, numpy), from one `#[derive(ChainModel)]` per struct.
//!
//! Arrays are numpy arrays in Rust: [`NdArray<T>`] (owned, typed), [`NdArrayView`] (borrowed
//! from a message when it can be) and [`AnyArray`] (dtype known at run time, like truss's
//! `NumpyArrayField`). Their bytes are numpy's bytes, their [`DType`]s numpy's dtypes, and
//! they print as numpy prints them.
//!
//! ```
//! use chainmodel::prelude::*;
//!
//! #[derive(ChainModel, Debug, Clone, PartialEq)]
//! struct DataModel {
//!     some_numbers: NdArray<f64>,
//!     other_field: String,
//! }
//!
//! let mut m = DataModel {
//!     some_numbers: NdArray::from_shape_vec(vec![2, 2], vec![0.25, 0.5, 0.75, 1.0])?,
//!     other_field: "embeddings".into(),
//! };
//! m.some_numbers += 10.0;
//! assert_eq!(m.some_numbers.to_string(), "[[10.25 10.5 ]\n [10.75 11.  ]]");
//! # Ok::<(), chainmodel::Error>(())
//! ```
//!
//! Feature `ndarray` converts arrays to and from the `ndarray` crate without copying where the
//! memory layout allows. Feature `server` (on by default) is [`server`]: a chainlet served as
//! truss serves a Python one, on axum.

pub use chainmodel_macros::ChainModel;
#[cfg(all(feature = "server", feature = "client"))]
pub use chainmodel_macros::{chainlet, stub};
pub use chainmodel_runtime::*;

#[cfg(any(feature = "server", feature = "client"))]
pub mod chains;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;

/// The derive, the traits and the field types: `use chainmodel::prelude::*;`.
pub mod prelude {
    pub use chainmodel_macros::ChainModel;
    #[cfg(all(feature = "server", feature = "client"))]
    pub use chainmodel_macros::{chainlet, stub};
    #[cfg(feature = "server")]
    pub use crate::server::RemoteError;
    pub use chainmodel_runtime::{
        AnyArray, Bytes, ChainModel, Complex, DType, Element, NdArray, NdArrayView, Value, f16,
    };
}
