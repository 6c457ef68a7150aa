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
//! truss serves a Python one, on axum; feature `client` (on by default) is [`client`]: calls to a
//! truss model or chain, Python or Rust, as truss-chains' stub makes them.
//!
//! The [`guide`] has a page per subject: models, binary mode, errors, HTTP, speed and the
//! architecture.

pub use chainmodel_macros::ChainModel;
#[cfg(all(feature = "server", feature = "client"))]
pub use chainmodel_macros::{chainlet, stub};
pub use chainmodel_runtime::*;

#[cfg(any(feature = "server", feature = "client"))]
pub mod chains;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "codegen")]
pub mod codegen;
#[cfg(feature = "server")]
pub mod server;

/// The guide: one page per subject, from the repository's `docs/` (their examples run as
/// doctests). Documentation only: nothing here is code.
#[doc = include_str!("../docs/README.md")]
pub mod guide {
    #[cfg_attr(
        all(feature = "chrono", feature = "uuid", feature = "indexmap", feature = "ndarray", feature = "serde"),
        doc = include_str!("../docs/models.md")
    )]
    #[cfg_attr(
        not(all(feature = "chrono", feature = "uuid", feature = "indexmap", feature = "ndarray", feature = "serde")),
        doc = "Models: pydantic in Rust. This page's examples need the features `chrono`, `uuid`, `indexmap`, \
               `ndarray` and `serde`: build the docs with `--all-features`."
    )]
    pub mod models {}

    #[doc = include_str!("../docs/binary.md")]
    pub mod binary {}

    #[doc = include_str!("../docs/errors.md")]
    pub mod errors {}

    #[cfg_attr(all(feature = "server", feature = "client"), doc = include_str!("../docs/http.md"))]
    #[cfg_attr(
        not(all(feature = "server", feature = "client")),
        doc = "Over HTTP: server, client, command line, Baseten. This page's examples need the features \
               `server` and `client`: build the docs with them (they are on by default)."
    )]
    pub mod http {}

    #[cfg_attr(all(feature = "server", feature = "client"), doc = include_str!("../docs/chains.md"))]
    #[cfg_attr(
        not(all(feature = "server", feature = "client")),
        doc = "Chainlets, stubs and the deployment context. This page's examples need the features `server` and \
               `client`: build the docs with them (they are on by default)."
    )]
    pub mod chains {}

    #[cfg_attr(
        all(feature = "codegen", feature = "server", feature = "client", feature = "chrono", feature = "uuid", feature = "indexmap"),
        doc = include_str!("../docs/codegen.md")
    )]
    #[cfg_attr(
        not(all(
            feature = "codegen",
            feature = "server",
            feature = "client",
            feature = "chrono",
            feature = "uuid",
            feature = "indexmap"
        )),
        doc = "Code generation both ways. This page's examples need the features `codegen`, `server`, `client`, \
               `chrono`, `uuid` and `indexmap`: build the docs with `--all-features`."
    )]
    pub mod codegen {}

    #[doc = include_str!("../docs/speed.md")]
    pub mod speed {}

    #[doc = include_str!("../docs/architecture.md")]
    pub mod architecture {}

    // The repository's README, so that its example runs as a doctest too.
    #[cfg(all(feature = "server", feature = "client"))]
    #[doc(hidden)]
    #[doc = include_str!("../README.md")]
    pub mod readme {}
}

/// The derive, the traits and the field types: `use chainmodel::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "server")]
    pub use crate::server::RemoteError;
    pub use chainmodel_macros::ChainModel;
    #[cfg(all(feature = "server", feature = "client"))]
    pub use chainmodel_macros::{chainlet, stub};
    pub use chainmodel_runtime::{
        AnyArray, Bytes, ChainModel, Complex, DType, Decimal, Element, NdArray, NdArrayView, Value, f16,
    };
}
