//! One n-dimensional array type for owned and borrowed data, as `ndarray`'s `ArrayBase`: the
//! storage is a type parameter, and every accessor is written once for both.

use std::borrow::Cow;
use std::fmt;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};
use std::sync::Arc;

use crate::array::{Shape, byte_size, check_element_len, element_count, elements_from_bytes};
use crate::codec::{Decode, Encode, Reader, Writer};
use crate::dtype::DType;
use crate::element::Element;
use crate::error::Error;
use crate::format;
use crate::msgpack::{AlignedBytes, Piece};

pub use super::owned::OwnedData;

mod sealed {
    pub trait Sealed {}
}

/// Where an array's elements live: [`OwnedData<T>`] ([`NdArray`]) or `Cow<'a, [T]>`
/// ([`NdArrayView`]). Sealed; it exists so that both kinds share [`ArrayBase`]'s methods.
pub trait Storage: sealed::Sealed {
    /// The element type.
    type Elem: Element;

    /// The type's name in `Debug` output.
    #[doc(hidden)]
    const NAME: &'static str;

    /// The elements in C order.
    #[doc(hidden)]
    fn slice(&self) -> &[Self::Elem];

    /// The elements as a vector, copying only borrowed ones.
    #[doc(hidden)]
    fn into_elements(self) -> Vec<Self::Elem>;

    /// Whether the elements are borrowed.
    #[doc(hidden)]
    fn borrowed(&self) -> bool;

    /// The elements as owned storage, copying only borrowed ones.
    #[doc(hidden)]
    fn into_owned_data(self) -> OwnedData<Self::Elem>;

    /// The elements' memory as a piece of an encoded message, if they own it.
    #[doc(hidden)]
    #[inline]
    fn share(&self) -> Option<Piece> {
        None
    }
}

/// Storage that can hold elements read from bytes that live for `'a`: owned storage copies
/// them, borrowed storage keeps them borrowed.
pub trait FromElements<'a>: Storage + Sized {
    /// Takes `elements`, borrowed from the input or already converted.
    #[doc(hidden)]
    fn from_elements(elements: Cow<'a, [Self::Elem]>) -> Self;

    /// As `from_elements`, for elements read from `body` when it is a shared buffer: owned
    /// storage keeps a part of it rather than copying.
    #[doc(hidden)]
    #[inline]
    fn from_elements_in(elements: Cow<'a, [Self::Elem]>, body: Option<&'a Arc<AlignedBytes>>) -> Self {
        let _ = body;
        Self::from_elements(elements)
    }
}

impl<T: Element> sealed::Sealed for OwnedData<T> {}

impl<T: Element> Storage for OwnedData<T> {
    type Elem = T;
    const NAME: &'static str = "NdArray";

    #[inline]
    fn slice(&self) -> &[T] {
        self.as_slice()
    }

    #[inline]
    fn into_elements(self) -> Vec<T> {
        self.into_vec()
    }

    #[inline]
    fn borrowed(&self) -> bool {
        false
    }

    #[inline]
    fn into_owned_data(self) -> OwnedData<T> {
        self
    }

    #[inline]
    fn share(&self) -> Option<Piece> {
        OwnedData::share(self)
    }
}

impl<'a, T: Element> FromElements<'a> for OwnedData<T> {
    #[inline]
    fn from_elements(elements: Cow<'_, [T]>) -> Self {
        OwnedData::from_vec(elements.into_owned())
    }

    #[inline]
    fn from_elements_in(elements: Cow<'a, [T]>, body: Option<&'a Arc<AlignedBytes>>) -> Self {
        match body {
            Some(body) => OwnedData::in_body(elements, body),
            None => Self::from_elements(elements),
        }
    }
}

impl<T: Element> sealed::Sealed for Cow<'_, [T]> {}

impl<T: Element> Storage for Cow<'_, [T]> {
    type Elem = T;
    const NAME: &'static str = "NdArrayView";

    #[inline]
    fn slice(&self) -> &[T] {
        self
    }

    #[inline]
    fn into_elements(self) -> Vec<T> {
        self.into_owned()
    }

    #[inline]
    fn borrowed(&self) -> bool {
        matches!(self, Cow::Borrowed(_))
    }

    #[inline]
    fn into_owned_data(self) -> OwnedData<T> {
        OwnedData::from_vec(self.into_owned())
    }
}

impl<'a: 'b, 'b, T: Element> FromElements<'a> for Cow<'b, [T]> {
    #[inline]
    fn from_elements(elements: Cow<'a, [T]>) -> Self {
        elements
    }
}

/// An n-dimensional array of elements in C (row-major) order, stored in `S`: a numpy array
/// whose dtype is known at compile time. Use it through its two kinds, [`NdArray`] (owned)
/// and [`NdArrayView`] (borrowed from a message where it can be); every method that reads
/// an array is written once, here, for both.
///
/// `Display` prints the data as `str(ndarray)` does, `Debug` as truss's `NumpyArrayField`
/// repr does; both elide the middle of arrays of more than 1000 elements, as numpy does.
#[derive(Clone, PartialEq)]
pub struct ArrayBase<S> {
    shape: Shape,
    data: S,
}

/// An owned n-dimensional array of `T` in C (row-major) order: a numpy array whose dtype
/// is known at compile time.
///
/// Its elements ([`OwnedData`]) are a vector of its own, or, when it was decoded from a
/// received message in a shared buffer (what the chainlet server and the client do,
/// [`msgpack::from_shared`](crate::msgpack::from_shared)), a part of that buffer, not copied;
/// [`is_shared`](ArrayBase::is_shared) tells which. Writing to a shared array copies it first
/// unless nothing else holds the buffer; `Clone` shares the elements the same way.
///
/// ```
/// use chainmodel::NdArray;
///
/// let mut a = NdArray::from_shape_vec(vec![3, 2], vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0])?;
/// a += 10.0;
/// assert_eq!(a.shape(), &[3, 2]);
/// assert_eq!(a.as_slice()[5], 15.0);
/// assert_eq!(a.get(&[2, 1]), Some(&15.0));
/// assert_eq!(a.to_string(), "[[10. 11.]\n [12. 13.]\n [14. 15.]]");
/// assert_eq!(a.dtype().to_string(), "float64");
/// # Ok::<(), chainmodel::Error>(())
/// ```
pub type NdArray<T> = ArrayBase<OwnedData<T>>;

/// An n-dimensional array of `T` read from a message: it borrows the message's bytes when
/// they are aligned for `T` and in native byte order, and otherwise owns a converted copy.
///
/// Either way it reads the same, with every method of [`NdArray`] that reads;
/// [`is_borrowed`](ArrayBase::is_borrowed) tells which happened.
///
/// ```
/// use chainmodel::{DType, NdArrayView};
///
/// let bytes: Vec<u8> = [1.5f32, -2.0].iter().flat_map(|x| x.to_be_bytes()).collect();
/// let view = NdArrayView::<f32>::from_bytes(">f4".parse()?, vec![2], &bytes)?;
/// assert_eq!(view.as_slice(), &[1.5, -2.0]);
/// assert_eq!(view.get(&[1]), Some(&-2.0));
/// assert!(!view.is_borrowed()); // big-endian data was converted
/// # Ok::<(), chainmodel::Error>(())
/// ```
pub type NdArrayView<'a, T> = ArrayBase<Cow<'a, [T]>>;

impl<S: Storage> ArrayBase<S> {
    #[inline]
    pub(crate) fn from_parts_unchecked(shape: impl Into<Shape>, data: S) -> Self {
        let shape = shape.into();
        debug_assert_eq!(element_count(&shape).ok(), Some(data.slice().len()));
        ArrayBase { shape, data }
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
        self.data.slice().len()
    }

    /// Whether the array holds no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The dtype of the elements, in native byte order.
    pub fn dtype(&self) -> DType {
        S::Elem::dtype()
    }

    /// The elements in C order.
    #[inline]
    pub fn as_slice(&self) -> &[S::Elem] {
        self.data.slice()
    }

    /// The element at a multi-dimensional index, if the index is inside the shape.
    pub fn get(&self, index: &[usize]) -> Option<&S::Elem> {
        flat_index(&self.shape, index).map(|i| &self.as_slice()[i])
    }

    /// The same elements with another shape of the same element count.
    pub fn reshape(self, shape: Vec<usize>) -> Result<Self, Error> {
        check_element_len::<S::Elem>(&shape, self.len())?;
        Ok(ArrayBase { shape: shape.into(), data: self.data })
    }

    /// Whether the elements are borrowed from the input rather than owned (always `false`
    /// for an [`NdArray`]).
    pub fn is_borrowed(&self) -> bool {
        self.data.borrowed()
    }

    /// A view of the array, borrowing its elements.
    pub fn view(&self) -> NdArrayView<'_, S::Elem> {
        ArrayBase { shape: self.shape.clone(), data: Cow::Borrowed(self.as_slice()) }
    }

    /// An owned array with the same shape and elements (copies borrowed data).
    pub fn into_owned(self) -> NdArray<S::Elem> {
        ArrayBase { shape: self.shape, data: self.data.into_owned_data() }
    }

    /// Gives up the shape and returns the elements in C order (copies borrowed data).
    pub fn into_vec(self) -> Vec<S::Elem> {
        self.data.into_elements()
    }

    /// Gives back the shape and the elements in C order (copies borrowed data).
    pub fn into_parts(self) -> (Vec<usize>, Vec<S::Elem>) {
        (self.shape.into_vec(), self.data.into_elements())
    }
}

impl<'a, S: FromElements<'a>> ArrayBase<S> {
    /// Reads `bytes` as an array of `shape` and `dtype`. A view borrows them when they are
    /// aligned for the element type and in native byte order, and copies them otherwise; an
    /// owned array copies them.
    ///
    /// Errors if `dtype` is not the element type's (in either byte order), if the length does
    /// not match the shape, or if bool data holds a byte other than 0 or 1.
    pub fn from_bytes(dtype: DType, shape: Vec<usize>, bytes: &'a [u8]) -> Result<Self, Error> {
        let data = elements_from_bytes(dtype, &shape, bytes)?;
        Ok(ArrayBase::from_parts_unchecked(shape, S::from_elements(data)))
    }
}

impl<T: Element> NdArray<T> {
    /// An array of `shape` holding `data` in C order.
    ///
    /// Errors if the product of `shape` overflows or differs from `data.len()`.
    pub fn from_shape_vec(shape: Vec<usize>, data: Vec<T>) -> Result<Self, Error> {
        check_element_len::<T>(&shape, data.len())?;
        Ok(ArrayBase { shape: shape.into(), data: OwnedData::from_vec(data) })
    }

    /// A one-dimensional array of `data`.
    pub fn from_vec(data: Vec<T>) -> Self {
        ArrayBase { shape: Shape::from(&[data.len()][..]), data: OwnedData::from_vec(data) }
    }

    /// A 0-d array (shape `[]`) holding one value.
    pub fn from_scalar(value: T) -> Self {
        ArrayBase { shape: Shape::scalar(), data: OwnedData::from_vec(vec![value]) }
    }

    /// An array of `shape` holding `data`.
    pub(crate) fn from_shape_vec_unchecked(shape: impl Into<Shape>, data: Vec<T>) -> Self {
        ArrayBase::from_parts_unchecked(shape, OwnedData::from_vec(data))
    }

    /// An array of `shape` filled with `T::default()` (zero, `false`).
    pub fn zeros(shape: Vec<usize>) -> Result<Self, Error> {
        // A shape whose byte size overflows cannot be allocated; refuse it before trying.
        byte_size(&shape, T::dtype())?;
        let count = element_count(&shape)?;
        Ok(ArrayBase { data: OwnedData::from_vec(vec![T::default(); count]), shape: shape.into() })
    }

    /// The elements in C order, mutably. A shared array ([`is_shared`](Self::is_shared)) is
    /// copied first unless it is its buffer's only holder, and then holds its own elements.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        self.data.as_mut_slice()
    }

    /// The element at a multi-dimensional index, mutably (see [`as_mut_slice`](Self::as_mut_slice)).
    pub fn get_mut(&mut self, index: &[usize]) -> Option<&mut T> {
        let at = flat_index(&self.shape, index)?;
        self.as_mut_slice().get_mut(at)
    }

    /// Whether the elements are a part of the received message it was decoded from, shared
    /// rather than copied ([`msgpack::from_shared`](crate::msgpack::from_shared)).
    pub fn is_shared(&self) -> bool {
        self.data.is_shared_body()
    }
}

impl<'a, T: Element> ArrayBase<Cow<'a, [T]>> {
    /// Borrows `data` as an array of `shape`.
    pub fn from_shape_slice(shape: Vec<usize>, data: &'a [T]) -> Result<Self, Error> {
        check_element_len::<T>(&shape, data.len())?;
        Ok(ArrayBase { shape: shape.into(), data: Cow::Borrowed(data) })
    }

    /// The borrowed elements with the input's lifetime, or `None` if they were copied.
    pub fn borrowed_slice(&self) -> Option<&'a [T]> {
        match self.data {
            Cow::Borrowed(data) => Some(data),
            Cow::Owned(_) => None,
        }
    }
}

/// The C-order position of `index` in an array of `shape`.
fn flat_index(shape: &[usize], index: &[usize]) -> Option<usize> {
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

impl<'a, T: Element> From<&'a NdArray<T>> for ArrayBase<Cow<'a, [T]>> {
    fn from(array: &'a NdArray<T>) -> Self {
        array.view()
    }
}

impl<S: Storage> fmt::Display for ArrayBase<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format::write_array(f, &self.shape, self.as_slice())
    }
}

impl<S: Storage> fmt::Debug for ArrayBase<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format::write_array_repr(f, S::NAME, self.dtype(), &self.shape, self.as_slice())
    }
}

impl<'de, S: FromElements<'de>> Decode<'de> for ArrayBase<S> {
    const MIN_LEN: usize = crate::msgpack::MIN_ARRAY_LEN;

    /// A view borrows a msgpack payload that is aligned for its elements and in native byte
    /// order; otherwise (and always for JSON's base64) the elements are converted in one copy.
    #[inline]
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        let parts = reader.read_array()?;
        let elements = parts.elements::<S::Elem>()?;
        Ok(ArrayBase::from_parts_unchecked(parts.into_shape(), S::from_elements_in(elements, reader.shared_body())))
    }
}

impl<S: Storage> Encode for ArrayBase<S> {
    #[inline]
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_shared_array(self.dtype(), self.shape(), bytemuck::cast_slice(self.as_slice()), || {
            self.data.share()
        });
    }

    fn size_hint(&self) -> usize {
        size_of_val(self.as_slice()) + 64 + 9 * self.ndim()
    }
}

macro_rules! impl_scalar_assign {
    ($($op:ident :: $method:ident),*) => {$(
        /// Applies the operation with a scalar to every element, as numpy's in-place operators do.
        impl<T: Element + $op> $op<T> for NdArray<T> {
            fn $method(&mut self, rhs: T) {
                self.as_mut_slice().iter_mut().for_each(|x| x.$method(rhs));
            }
        }
    )*};
}

impl_scalar_assign!(AddAssign::add_assign, SubAssign::sub_assign, MulAssign::mul_assign, DivAssign::div_assign);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::{ByteOrder, ScalarType};
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
        // A view reads the same, with the same methods.
        let view = a.view();
        assert_eq!(view.get(&[1, 0]), Some(&-1));
        let view = view.reshape(vec![3, 2]).unwrap();
        assert_eq!((view.shape(), view.get(&[2, 1])), (&[3, 2][..], Some(&5)));
        assert!(view.is_borrowed() && !a.is_borrowed());
        assert!(a.reshape(vec![4]).is_err());
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
        // The owned kind reads the same bytes into its own buffer.
        let owned = NdArray::<f64>::from_bytes(DType::native(ScalarType::F64), vec![3], bytes).unwrap();
        assert_eq!(owned, view.into_owned());
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

    #[test]
    fn debug_names_the_kind() {
        let a = NdArray::from_vec(vec![1u8, 2]);
        assert_eq!(format!("{a:?}"), "NdArray(shape=(2,), dtype=uint8, data=[1 2])");
        assert_eq!(format!("{:?}", a.view()), "NdArrayView(shape=(2,), dtype=uint8, data=[1 2])");
    }
}
