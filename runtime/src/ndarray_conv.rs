//! Conversions to and from the `ndarray` crate (feature `ndarray`).
//!
//! Owned arrays move their buffer both ways when it is in C order; views are borrowed as
//! views. Only arrays in another memory order (Fortran order, slices with steps) are copied.

use std::borrow::Cow;

use ndarray::{Array, ArrayD, ArrayView, ArrayViewD, ArrayViewMutD, Dimension, IxDyn};

use crate::array::{ArrayBase, NdArray, NdArrayView, Storage};
use crate::element::Element;

impl<S: Storage> ArrayBase<S> {
    /// Borrows the array as an `ndarray` view, without copying.
    pub fn as_ndarray(&self) -> ArrayViewD<'_, S::Elem> {
        ArrayView::from_shape(IxDyn(self.shape()), self.as_slice()).expect("an array's shape always matches its length")
    }
}

impl<T: Element> NdArray<T> {
    /// Borrows the array as a mutable `ndarray` view, without copying.
    pub fn as_ndarray_mut(&mut self) -> ArrayViewMutD<'_, T> {
        let shape = IxDyn(self.shape());
        ArrayViewMutD::from_shape(shape, self.as_mut_slice()).expect("an NdArray's shape always matches its length")
    }

    /// Turns the array into an `ndarray` array, moving its buffer (no copy).
    pub fn into_ndarray(self) -> ArrayD<T> {
        let (shape, data) = self.into_parts();
        Array::from_shape_vec(IxDyn(&shape), data).expect("an NdArray's shape always matches its length")
    }
}

impl<T: Element> From<NdArray<T>> for ArrayD<T> {
    fn from(array: NdArray<T>) -> Self {
        array.into_ndarray()
    }
}

impl<T: Element, D: Dimension> From<Array<T, D>> for NdArray<T> {
    /// Moves the buffer when the array is in standard (C) order and starts at its
    /// beginning; copies it into C order otherwise.
    fn from(array: Array<T, D>) -> Self {
        let shape = array.shape().to_vec();
        let data = if array.is_standard_layout() {
            match array.into_raw_vec_and_offset() {
                (data, Some(0) | None) => data,
                (data, Some(offset)) => data[offset..offset + crate::element_count(&shape).unwrap_or(0)].to_vec(),
            }
        } else {
            array.iter().copied().collect()
        };
        NdArray::from_shape_vec_unchecked(shape, data)
    }
}

impl<'a, T: Element, D: Dimension> From<ArrayView<'a, T, D>> for NdArrayView<'a, T> {
    /// Borrows the data when the view is in standard (C) order; copies it otherwise.
    fn from(view: ArrayView<'a, T, D>) -> Self {
        let shape = view.shape().to_vec();
        let data = match view.to_slice() {
            Some(data) => Cow::Borrowed(data),
            None => Cow::Owned(view.iter().copied().collect()),
        };
        NdArrayView::from_parts_unchecked(shape, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Axis, Slice, array};

    #[test]
    fn owned_arrays_move_their_buffer_both_ways() {
        let a = NdArray::from_shape_vec(vec![2, 3], vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        let ptr = a.as_slice().as_ptr();
        let nd = a.into_ndarray();
        assert_eq!(nd, array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]].into_dyn());
        assert_eq!(nd.as_ptr(), ptr);
        let back = NdArray::from(nd);
        assert_eq!(back.as_slice().as_ptr(), ptr);
        assert_eq!(back.shape(), &[2, 3]);
    }

    #[test]
    fn other_memory_orders_are_copied_into_c_order() {
        let transposed = array![[1i32, 2, 3], [4, 5, 6]].reversed_axes();
        let a = NdArray::from(transposed);
        assert_eq!(a.shape(), &[3, 2]);
        assert_eq!(a.as_slice(), &[1, 4, 2, 5, 3, 6]);

        let mut sliced = array![[1u8, 2], [3, 4], [5, 6]];
        sliced.slice_axis_inplace(Axis(0), Slice::from(1..));
        assert_eq!(NdArray::from(sliced).as_slice(), &[3, 4, 5, 6]);
    }

    #[test]
    fn views_borrow_when_contiguous() {
        let a = NdArray::from_shape_vec(vec![2, 2], vec![1u16, 2, 3, 4]).unwrap();
        let view = NdArrayView::from(a.as_ndarray());
        assert!(view.is_borrowed());
        assert_eq!(view.as_slice().as_ptr(), a.as_slice().as_ptr());
        assert_eq!(view.as_ndarray(), a.as_ndarray());

        let column = a.as_ndarray().index_axis_move(Axis(1), 1);
        let copied = NdArrayView::from(column);
        assert!(!copied.is_borrowed());
        assert_eq!(copied.as_slice(), &[2, 4]);
    }

    #[test]
    fn mutable_view_writes_through() {
        let mut a = NdArray::from_shape_vec(vec![2, 2], vec![0i64; 4]).unwrap();
        a.as_ndarray_mut()[[1, 0]] = 7;
        assert_eq!(a.as_slice(), &[0, 0, 7, 0]);
    }
}
