//! The Rust types an array can hold, and how their bytes are read and written.

use std::fmt::Debug;

use half::f16;
use num_complex::Complex;

use crate::dtype::{DType, ScalarType};
use crate::error::Error;
use crate::format::Scalar;

pub(crate) mod private {
    use crate::error::Error;
    use crate::format::Scalar;

    /// What only numpy's element types are, and the crate's own uses of their bytes.
    pub trait Sealed: Sized {
        /// Reads `bytes` (native order, any alignment) into a new vector; checks bool bytes.
        fn vec_from_native_bytes(bytes: &[u8]) -> Result<Vec<Self>, Error>;

        /// The element widened for printing.
        fn to_scalar(self) -> Scalar;

        /// The elements' bytes, writable, for types whose every bit pattern is valid (not
        /// `bool`).
        fn as_bytes_mut(elements: &mut [Self]) -> Option<&mut [u8]>;

        /// Whether an owned array of this type may keep a received message's bytes as its
        /// elements: every bit pattern is a valid element (not `bool`, whose bytes would be
        /// checked at each read).
        const SHARES_BYTES: bool;

        /// `bytes` as elements; they are aligned for the type and a whole number of elements
        /// (the caller made sure of it when it took them).
        fn slice_from_bytes(bytes: &[u8]) -> &[Self];

        /// As `slice_from_bytes`, writable.
        fn slice_from_bytes_mut(bytes: &mut [u8]) -> &mut [Self];
    }
}

/// An element type of [`NdArray`](crate::NdArray): `bool`, `u8`, `i8`, `u16`, `i16`, `u32`,
/// `i32`, `u64`, `i64`, [`f16`](struct@crate::f16), `f32`, `f64`, `Complex<f32>` and `Complex<f64>`.
///
/// Sealed: the set is numpy's, and every member's bytes are its numpy bytes.
pub trait Element:
    Copy
    + PartialEq
    + Debug
    + Default
    + Send
    + Sync
    + bytemuck::NoUninit
    + bytemuck::CheckedBitPattern
    + private::Sealed
    + 'static
{
    /// The numpy type of the element.
    const SCALAR_TYPE: ScalarType;

    /// The element with its bytes in the opposite order.
    fn swap_byte_order(self) -> Self;

    /// The dtype of this element type in native byte order.
    fn dtype() -> DType {
        DType::native(Self::SCALAR_TYPE)
    }
}

/// Copies bytes into a new vector of a plain-old-data type, whatever their alignment.
fn copy_pod<T: bytemuck::Pod>(bytes: &[u8]) -> Vec<T> {
    let mut out = vec![T::zeroed(); bytes.len() / size_of::<T>()];
    bytemuck::cast_slice_mut::<T, u8>(&mut out).copy_from_slice(bytes);
    out
}

macro_rules! impl_pod_element {
    ($($ty:ty => $scalar:ident, |$x:ident| $swap:expr, |$s:ident| $to_scalar:expr;)*) => {$(
        impl Element for $ty {
            const SCALAR_TYPE: ScalarType = ScalarType::$scalar;

            #[inline]
            fn swap_byte_order(self) -> Self {
                let $x = self;
                $swap
            }
        }

        impl private::Sealed for $ty {
            fn vec_from_native_bytes(bytes: &[u8]) -> Result<Vec<Self>, Error> {
                Ok(copy_pod(bytes))
            }

            fn to_scalar(self) -> Scalar {
                let $s = self;
                $to_scalar
            }

            fn as_bytes_mut(elements: &mut [Self]) -> Option<&mut [u8]> {
                Some(bytemuck::cast_slice_mut(elements))
            }

            const SHARES_BYTES: bool = true;

            #[inline]
            fn slice_from_bytes(bytes: &[u8]) -> &[Self] {
                bytemuck::cast_slice(bytes)
            }

            #[inline]
            fn slice_from_bytes_mut(bytes: &mut [u8]) -> &mut [Self] {
                bytemuck::cast_slice_mut(bytes)
            }
        }
    )*};
}

impl_pod_element! {
    u8 => U8, |x| x, |x| Scalar::Int(x.into());
    i8 => I8, |x| x, |x| Scalar::Int(x.into());
    u16 => U16, |x| x.swap_bytes(), |x| Scalar::Int(x.into());
    i16 => I16, |x| x.swap_bytes(), |x| Scalar::Int(x.into());
    u32 => U32, |x| x.swap_bytes(), |x| Scalar::Int(x.into());
    i32 => I32, |x| x.swap_bytes(), |x| Scalar::Int(x.into());
    u64 => U64, |x| x.swap_bytes(), |x| Scalar::Int(x.into());
    i64 => I64, |x| x.swap_bytes(), |x| Scalar::Int(x.into());
    f16 => F16, |x| f16::from_bits(x.to_bits().swap_bytes()), |x| Scalar::F16(x);
    f32 => F32, |x| f32::from_bits(x.to_bits().swap_bytes()), |x| Scalar::F32(x);
    f64 => F64, |x| f64::from_bits(x.to_bits().swap_bytes()), |x| Scalar::F64(x);
    Complex<f32> => Complex64, |x| Complex::new(x.re.swap_byte_order(), x.im.swap_byte_order()), |x| Scalar::Complex64(x);
    Complex<f64> => Complex128, |x| Complex::new(x.re.swap_byte_order(), x.im.swap_byte_order()), |x| Scalar::Complex128(x);
}

impl Element for bool {
    const SCALAR_TYPE: ScalarType = ScalarType::Bool;

    fn swap_byte_order(self) -> Self {
        self
    }
}

impl private::Sealed for bool {
    fn vec_from_native_bytes(bytes: &[u8]) -> Result<Vec<Self>, Error> {
        check_bools(bytes)?;
        Ok(bytes.iter().map(|&b| b == 1).collect())
    }

    fn to_scalar(self) -> Scalar {
        Scalar::Bool(self)
    }

    fn as_bytes_mut(_: &mut [Self]) -> Option<&mut [u8]> {
        None
    }

    // Never shared: bool arrays own their (checked) elements.
    const SHARES_BYTES: bool = false;

    fn slice_from_bytes(bytes: &[u8]) -> &[Self] {
        bytemuck::checked::cast_slice(bytes)
    }

    fn slice_from_bytes_mut(bytes: &mut [u8]) -> &mut [Self] {
        bytemuck::checked::cast_slice_mut(bytes)
    }
}

/// numpy's bool is one byte holding 0 or 1; any other byte would be undefined behaviour as a
/// Rust `bool`, so it is refused with its position.
pub(crate) fn check_bools(bytes: &[u8]) -> Result<(), Error> {
    match bytes.iter().position(|&b| b > 1) {
        None => Ok(()),
        Some(index) => Err(Error::invalid_bool(index, bytes[index])),
    }
}
