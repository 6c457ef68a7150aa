use std::borrow::Cow;
use std::fmt;

use crate::array::{NdArray, Shape, check_element_len, elements_from_bytes};
use crate::dtype::DType;
use crate::element::Element;
use crate::error::Error;
use crate::format;

/// An n-dimensional array of `T` read from a message: it borrows the message's bytes when
/// they are aligned for `T` and in native byte order, and otherwise owns a converted copy.
///
/// Either way it reads the same; [`NdArrayView::is_borrowed`] tells which happened.
///
/// ```
/// use chainmodel::{DType, NdArrayView};
///
/// let bytes: Vec<u8> = [1.5f32, -2.0].iter().flat_map(|x| x.to_be_bytes()).collect();
/// let view = NdArrayView::<f32>::from_bytes(">f4".parse()?, vec![2], &bytes)?;
/// assert_eq!(view.as_slice(), &[1.5, -2.0]);
/// assert!(!view.is_borrowed()); // big-endian data was converted
/// # Ok::<(), chainmodel::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct NdArrayView<'a, T: Element> {
    shape: Shape,
    data: Cow<'a, [T]>,
}

impl<'a, T: Element> NdArrayView<'a, T> {
    /// Views `bytes` as an array of `shape` and `dtype`, without copying when they are aligned
    /// for `T` and in native byte order.
    ///
    /// Errors if `dtype` is not `T`'s type (in either byte order), if the length does not
    /// match the shape, or if bool data holds a byte other than 0 or 1.
    pub fn from_bytes(dtype: DType, shape: Vec<usize>, bytes: &'a [u8]) -> Result<Self, Error> {
        let data = elements_from_bytes(dtype, &shape, bytes)?;
        Ok(NdArrayView::from_parts_unchecked(shape, data))
    }

    /// Borrows `data` as an array of `shape`.
    pub fn from_shape_slice(shape: Vec<usize>, data: &'a [T]) -> Result<Self, Error> {
        check_element_len::<T>(&shape, data.len())?;
        Ok(NdArrayView::from_parts_unchecked(shape, Cow::Borrowed(data)))
    }

    pub(crate) fn from_parts_unchecked(shape: impl Into<Shape>, data: Cow<'a, [T]>) -> Self {
        let shape = shape.into();
        debug_assert_eq!(crate::element_count(&shape).ok(), Some(data.len()));
        NdArrayView { shape, data }
    }

    /// The length of each dimension; `[]` for a 0-d array.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The number of dimensions.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// The number of elements (1 for a 0-d array).
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the array holds no element.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The dtype of the elements, in native byte order.
    pub fn dtype(&self) -> DType {
        T::dtype()
    }

    /// The elements in C order.
    pub fn as_slice(&self) -> &[T] {
        &self.data
    }

    /// Whether the elements are borrowed from the input rather than copied.
    pub fn is_borrowed(&self) -> bool {
        matches!(self.data, Cow::Borrowed(_))
    }

    /// An owned array with the same shape and elements (copies borrowed data).
    pub fn into_owned(self) -> NdArray<T> {
        NdArray::from_parts_unchecked(self.shape, self.data.into_owned())
    }

    /// The borrowed elements with the input's lifetime, or `None` if they were copied.
    pub fn borrowed_slice(&self) -> Option<&'a [T]> {
        match self.data {
            Cow::Borrowed(data) => Some(data),
            Cow::Owned(_) => None,
        }
    }
}

impl<'a, T: Element> From<&'a NdArray<T>> for NdArrayView<'a, T> {
    fn from(array: &'a NdArray<T>) -> Self {
        NdArrayView { shape: array.shape().into(), data: Cow::Borrowed(array.as_slice()) }
    }
}

impl<T: Element> fmt::Display for NdArrayView<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format::write_array(f, &self.shape, &self.data)
    }
}

impl<T: Element> fmt::Debug for NdArrayView<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format::write_array_repr(f, "NdArrayView", self.dtype(), &self.shape, &self.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::{ByteOrder, ScalarType};
    use crate::error::ErrorKind;

    /// Bytes at an 8-aligned address, so that offsets into them have known alignment.
    fn aligned_bytes(bytes: &[u8]) -> Vec<u64> {
        let mut words = vec![0u64; bytes.len().div_ceil(8) + 1];
        bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
        words
    }

    #[test]
    fn aligned_native_bytes_are_borrowed() {
        let values = [1.0f64, 2.5, -3.0];
        let words = aligned_bytes(bytemuck::cast_slice(&values));
        let bytes = &bytemuck::cast_slice::<u64, u8>(&words)[..24];
        let view = NdArrayView::<f64>::from_bytes(DType::native(ScalarType::F64), vec![3], bytes).unwrap();
        assert!(view.is_borrowed());
        assert_eq!(view.as_slice().as_ptr().cast::<u8>(), bytes.as_ptr());
        assert_eq!(view.as_slice(), &values);
    }

    #[test]
    fn unaligned_bytes_are_copied() {
        let values = [1.0f64, 2.5, -3.0];
        let mut shifted = vec![0u8];
        shifted.extend_from_slice(bytemuck::cast_slice(&values));
        let words = aligned_bytes(&shifted);
        let bytes = &bytemuck::cast_slice::<u64, u8>(&words)[1..25];
        let view = NdArrayView::<f64>::from_bytes(DType::native(ScalarType::F64), vec![3], bytes).unwrap();
        assert!(!view.is_borrowed());
        assert_eq!(view.as_slice(), &values);
    }

    #[test]
    fn non_native_bytes_are_swapped() {
        let foreign = if ByteOrder::NATIVE == ByteOrder::Little { ByteOrder::Big } else { ByteOrder::Little };
        let values = [1u32, 0x0102_0304];
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.swap_bytes().to_ne_bytes()).collect();
        let view = NdArrayView::<u32>::from_bytes(DType::new(ScalarType::U32, foreign), vec![2], &bytes).unwrap();
        assert!(!view.is_borrowed());
        assert_eq!(view.as_slice(), &values);
    }

    #[test]
    fn wrong_dtype_names_both() {
        let err = NdArrayView::<f32>::from_bytes("<f8".parse().unwrap(), vec![1], &[0; 8]).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::DTypeMismatch { expected: DType::native(ScalarType::F32), actual: "<f8".parse().unwrap() }
        );
        assert_eq!(err.to_string(), "expected an array of dtype float32, got dtype float64");
    }

    #[test]
    fn bool_bytes_must_be_zero_or_one() {
        let view = NdArrayView::<bool>::from_bytes("|b1".parse().unwrap(), vec![3], &[1, 0, 1]).unwrap();
        assert!(view.is_borrowed());
        assert_eq!(view.as_slice(), &[true, false, true]);
        let err = NdArrayView::<bool>::from_bytes("|b1".parse().unwrap(), vec![3], &[1, 0, 2]).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidBool { index: 2, value: 2 });
    }

    #[test]
    fn length_must_match_shape() {
        let err = NdArrayView::<u16>::from_bytes("<u2".parse().unwrap(), vec![2, 2], &[0; 7]).unwrap_err();
        assert_eq!(err.to_string(), "array of shape (2, 2) and dtype uint16 needs 8 bytes, got 7");
        let err = NdArrayView::<u16>::from_bytes("<u2".parse().unwrap(), vec![usize::MAX, 2], &[]).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::ShapeOverflow(_)));
    }
}
