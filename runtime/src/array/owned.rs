use std::fmt;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use crate::array::{Shape, byte_size, check_element_len, element_count};
use crate::dtype::DType;
use crate::element::Element;
use crate::error::Error;
use crate::format;

/// An owned n-dimensional array of `T` in C (row-major) order: a numpy array whose dtype
/// is known at compile time.
///
/// `Display` prints the data as `str(ndarray)` does, `Debug` as truss's `NumpyArrayField`
/// repr does; both elide the middle of arrays of more than 1000 elements, as numpy does.
///
/// ```
/// use chainmodel::NdArray;
///
/// let mut a = NdArray::from_shape_vec(vec![3, 2], vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0])?;
/// a += 10.0;
/// assert_eq!(a.shape(), &[3, 2]);
/// assert_eq!(a.as_slice()[5], 15.0);
/// assert_eq!(a.to_string(), "[[10. 11.]\n [12. 13.]\n [14. 15.]]");
/// assert_eq!(a.dtype().to_string(), "float64");
/// # Ok::<(), chainmodel::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct NdArray<T: Element> {
    shape: Shape,
    data: Vec<T>,
}

impl<T: Element> NdArray<T> {
    /// An array of `shape` holding `data` in C order.
    ///
    /// Errors if the product of `shape` overflows or differs from `data.len()`.
    pub fn from_shape_vec(shape: Vec<usize>, data: Vec<T>) -> Result<Self, Error> {
        check_element_len::<T>(&shape, data.len())?;
        Ok(NdArray { shape: shape.into(), data })
    }

    /// A one-dimensional array of `data`.
    pub fn from_vec(data: Vec<T>) -> Self {
        NdArray { shape: Shape::from(&[data.len()][..]), data }
    }

    /// A 0-d array (shape `[]`) holding one value.
    pub fn from_scalar(value: T) -> Self {
        NdArray { shape: Shape::scalar(), data: vec![value] }
    }

    /// An array of `shape` filled with `T::default()` (zero, `false`).
    pub fn zeros(shape: Vec<usize>) -> Result<Self, Error> {
        // A shape whose byte size overflows cannot be allocated; refuse it before trying.
        byte_size(&shape, T::dtype())?;
        let count = element_count(&shape)?;
        Ok(NdArray { data: vec![T::default(); count], shape: shape.into() })
    }

    pub(crate) fn from_parts_unchecked(shape: impl Into<Shape>, data: Vec<T>) -> Self {
        let shape = shape.into();
        debug_assert_eq!(element_count(&shape).ok(), Some(data.len()));
        NdArray { shape, data }
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

    /// The elements in C order, mutably.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// The element at a multi-dimensional index, if the index is inside the shape.
    pub fn get(&self, index: &[usize]) -> Option<&T> {
        flat_index(&self.shape, index).map(|i| &self.data[i])
    }

    /// The element at a multi-dimensional index, mutably.
    pub fn get_mut(&mut self, index: &[usize]) -> Option<&mut T> {
        flat_index(&self.shape, index).map(|i| &mut self.data[i])
    }

    /// Gives up the shape and returns the elements in C order.
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }

    /// Gives back the shape and the elements in C order.
    pub fn into_parts(self) -> (Vec<usize>, Vec<T>) {
        (self.shape.into_vec(), self.data)
    }

    /// The same elements with another shape of the same element count.
    pub fn reshape(self, shape: Vec<usize>) -> Result<Self, Error> {
        NdArray::from_shape_vec(shape, self.data)
    }
}

/// The C-order position of `index` in an array of `shape`.
pub(crate) fn flat_index(shape: &[usize], index: &[usize]) -> Option<usize> {
    if index.len() != shape.len() {
        return None;
    }
    index.iter().zip(shape).try_fold(0usize, |flat, (&i, &dim)| (i < dim).then(|| flat * dim + i))
}

impl<T: Element> Default for NdArray<T> {
    /// An empty one-dimensional array, like `np.array([])`.
    fn default() -> Self {
        NdArray::from_vec(Vec::new())
    }
}

impl<T: Element> From<Vec<T>> for NdArray<T> {
    fn from(data: Vec<T>) -> Self {
        NdArray::from_vec(data)
    }
}

impl<T: Element> fmt::Display for NdArray<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format::write_array(f, &self.shape, &self.data)
    }
}

impl<T: Element> fmt::Debug for NdArray<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format::write_array_repr(f, "NdArray", self.dtype(), &self.shape, &self.data)
    }
}

macro_rules! impl_scalar_assign {
    ($($op:ident :: $method:ident),*) => {$(
        /// Applies the operation with a scalar to every element, as numpy's in-place operators do.
        impl<T: Element + $op> $op<T> for NdArray<T> {
            fn $method(&mut self, rhs: T) {
                self.data.iter_mut().for_each(|x| x.$method(rhs));
            }
        }
    )*};
}

impl_scalar_assign!(AddAssign::add_assign, SubAssign::sub_assign, MulAssign::mul_assign, DivAssign::div_assign);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn shape_must_match_data() {
        let err = NdArray::from_shape_vec(vec![2, 3], vec![1i32; 5]).unwrap_err();
        assert_eq!(err.to_string(), "array of shape (2, 3) and dtype int32 needs 24 bytes, got 20");
        assert!(NdArray::from_shape_vec(vec![2, 3], vec![1i32; 6]).is_ok());
    }

    #[test]
    fn shape_product_overflow_is_an_error() {
        let err = NdArray::<u8>::from_shape_vec(vec![1 << 40, 1 << 40], vec![]).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::ShapeOverflow(vec![1 << 40, 1 << 40]));
        // The element count fits but the byte size does not.
        let err = NdArray::<f64>::zeros(vec![usize::MAX / 4]).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::ShapeOverflow(vec![usize::MAX / 4]));
    }

    #[test]
    fn zero_d_and_empty_arrays() {
        let scalar = NdArray::from_scalar(7u16);
        assert_eq!((scalar.shape(), scalar.len(), scalar.ndim()), (&[][..], 1, 0));
        assert_eq!(NdArray::from_shape_vec(vec![], vec![7u16]).unwrap(), scalar);
        assert!(NdArray::<u16>::from_shape_vec(vec![], vec![]).is_err());

        let empty = NdArray::<f32>::from_shape_vec(vec![2, 0, 3], vec![]).unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.get(&[0, 0, 0]), None);
    }

    #[test]
    fn multi_dimensional_index() {
        let mut a = NdArray::from_shape_vec(vec![2, 3], (0..6).collect::<Vec<i64>>()).unwrap();
        assert_eq!(a.get(&[1, 2]), Some(&5));
        assert_eq!(a.get(&[0, 3]), None);
        assert_eq!(a.get(&[1]), None);
        *a.get_mut(&[1, 0]).unwrap() = -1;
        assert_eq!(a.as_slice(), &[0, 1, 2, -1, 4, 5]);
    }

    #[test]
    fn scalar_operators_apply_to_every_element() {
        let mut a = NdArray::from_vec(vec![1.0f32, 2.0]);
        a += 10.0;
        a *= 2.0;
        a -= 1.0;
        a /= 3.0;
        assert_eq!(a.into_vec(), vec![7.0, 23.0 / 3.0]);
    }
}
