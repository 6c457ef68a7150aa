//! What a decoder accepts at most, so that a hostile message costs memory and time in
//! proportion to its size.

/// Limits of decoding, for `json::from_slice_with` and `msgpack::from_slice_with`.
///
/// Beyond these, every length a message declares (array and map sizes, string and bin lengths,
/// array shapes) is checked against the bytes that remain before anything is allocated, so
/// decoding an N-byte message allocates O(N).
///
/// ```
/// use chainmodel::Limits;
///
/// let limits = Limits { max_depth: 16, ..Limits::default() };
/// let deep = "[".repeat(17) + &"]".repeat(17);
/// let err = chainmodel::json::from_slice_with::<chainmodel::Value>(deep.as_bytes(), &limits).unwrap_err();
/// assert!(err.to_string().ends_with("nesting deeper than 16 levels"), "{err}");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How deeply arrays and maps (objects) may nest, skipped values included. Default 128.
    pub max_depth: usize,
    /// The largest message accepted, in bytes. Default 2 GiB.
    pub max_message_size: usize,
}

impl Limits {
    /// The defaults: nesting 128 deep, messages up to 2 GiB.
    pub const DEFAULT: Limits = Limits { max_depth: 128, max_message_size: 2 << 30 };

    pub(crate) fn check_size(&self, len: usize) -> Result<(), crate::Error> {
        if len > self.max_message_size {
            return Err(crate::Error::message_too_large(len, self.max_message_size));
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
