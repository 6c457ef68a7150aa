//! numpy-compatible n-dimensional arrays: one type over its storage ([`ArrayBase`]) in two
//! kinds, owned ([`NdArray`]) and borrowed from a message ([`NdArrayView`]), and arrays of a
//! dtype known only at run time ([`AnyArray`]).

mod any;
mod base;
pub(crate) mod map;
mod owned;
mod shape;

pub use any::AnyArray;
pub use base::{ArrayBase, FromElements, NdArray, NdArrayView, OwnedData, Storage};
pub(crate) use shape::Shape;

use std::borrow::Cow;

use crate::dtype::DType;
use crate::element::Element;
use crate::error::Error;

/// numpy's limit on an array's dimensions (`NPY_MAXDIMS`).
pub const MAX_DIMENSIONS: usize = 64;

/// The number of elements of an array of `shape`: the product of its dimensions
/// (1 for the 0-d shape `[]`). An error if the product does not fit in `usize`, or if the shape
/// has more than numpy's [`MAX_DIMENSIONS`].
pub fn element_count(shape: &[usize]) -> Result<usize, Error> {
    if shape.len() > MAX_DIMENSIONS {
        return Err(Error::too_many_dimensions(shape.len()));
    }
    shape.iter().try_fold(1usize, |count, &dim| count.checked_mul(dim)).ok_or_else(|| Error::shape_overflow(shape))
}

/// The size in bytes of an array of `shape` and `dtype`; an error if it does not fit in `usize`.
pub(crate) fn byte_size(shape: &[usize], dtype: DType) -> Result<usize, Error> {
    element_count(shape)?.checked_mul(dtype.itemsize()).ok_or_else(|| Error::shape_overflow(shape))
}

/// Checks that `len` bytes are exactly an array of `shape` and `dtype`.
pub(crate) fn check_byte_len(shape: &[usize], dtype: DType, len: usize) -> Result<(), Error> {
    let expected = byte_size(shape, dtype)?;
    if expected != len {
        return Err(Error::length_mismatch(shape, dtype, expected, len));
    }
    Ok(())
}

/// Reads the elements of an array of `shape` stored as `bytes` in `dtype`: borrowed when
/// the bytes are native-order and aligned for `T`, else a converted copy.
///
/// Errors: `dtype` is not `T`'s type (in either byte order); the length does not match the
/// shape; a bool byte is not 0 or 1.
pub(crate) fn elements_from_bytes<'a, T: Element>(
    dtype: DType,
    shape: &[usize],
    bytes: &'a [u8],
) -> Result<Cow<'a, [T]>, Error> {
    if dtype.scalar_type() != T::SCALAR_TYPE {
        return Err(Error::dtype_mismatch(T::dtype(), dtype));
    }
    check_byte_len(shape, dtype, bytes.len())?;
    if dtype.is_native() {
        // Fails only for misaligned input or a bool byte other than 0 and 1; the copy below
        // handles the first and reports the second.
        if let Ok(elements) = bytemuck::checked::try_cast_slice(bytes) {
            return Ok(Cow::Borrowed(elements));
        }
        return T::vec_from_native_bytes(bytes).map(Cow::Owned);
    }
    let mut elements = T::vec_from_native_bytes(bytes)?;
    elements.iter_mut().for_each(|x| *x = x.swap_byte_order());
    Ok(Cow::Owned(elements))
}

/// Checks that `len` elements of `T` fill `shape`.
pub(crate) fn check_element_len<T: Element>(shape: &[usize], len: usize) -> Result<(), Error> {
    // A vector's size in bytes always fits in `usize`.
    check_byte_len(shape, T::dtype(), len * T::SCALAR_TYPE.itemsize())
}
