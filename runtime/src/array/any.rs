use std::fmt;

use crate::array::{NdArray, Shape, check_byte_len, elements_from_bytes};
use crate::codec::{Decode, Encode, Reader, Writer};
use crate::dtype::{DType, ScalarType};
use crate::element::private::Sealed as _;
use crate::element::{Element, check_bools};
use crate::error::Error;
use crate::format;

/// An n-dimensional array whose dtype is known only at run time: the analog of truss's
/// `NumpyArrayField`.
///
/// It keeps the dtype exactly as received, byte order included, and the data as raw bytes, so
/// a round trip is byte-exact. Equality compares dtype, shape and bytes.
///
/// ```
/// use chainmodel::{AnyArray, NdArray};
///
/// let bytes: Vec<u8> = [1i32, -2, 3].iter().flat_map(|x| x.to_be_bytes()).collect();
/// let any = AnyArray::from_bytes(">i4".parse()?, vec![3], bytes)?;
/// assert_eq!(any.dtype().to_string(), ">i4");
/// let typed: NdArray<i32> = any.to_typed()?; // byte-swapped to native order
/// assert_eq!(typed.as_slice(), &[1, -2, 3]);
/// assert!(any.to_typed::<f32>().is_err()); // another element type
/// # Ok::<(), chainmodel::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct AnyArray {
    dtype: DType,
    shape: Shape,
    data: Vec<u8>,
}

impl AnyArray {
    /// An array of `dtype` and `shape` whose C-order elements are `data` (`arr.tobytes()`).
    ///
    /// Errors if the shape product overflows, if `data` is not `product(shape) × itemsize`
    /// bytes long, or if bool data holds a byte other than 0 or 1.
    pub fn from_bytes(dtype: DType, shape: Vec<usize>, data: Vec<u8>) -> Result<Self, Error> {
        Self::from_parts(dtype, shape.into(), data)
    }

    pub(crate) fn from_parts(dtype: DType, shape: Shape, data: Vec<u8>) -> Result<Self, Error> {
        check_byte_len(&shape, dtype, data.len())?;
        if dtype.scalar_type() == ScalarType::Bool {
            check_bools(&data)?;
        }
        Ok(AnyArray { dtype, shape, data })
    }

    /// The dtype as received, byte order included.
    pub fn dtype(&self) -> DType {
        self.dtype
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
        self.data.len() / self.dtype.itemsize()
    }

    /// Whether the array holds no element.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The elements' bytes in C order and the array's own byte order (`arr.tobytes()`).
    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }

    /// Gives up dtype and shape and returns the bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.data
    }

    /// The elements as a typed array in native byte order (byte-swapping as needed).
    ///
    /// Errors if `T` is not the array's element type, naming both dtypes.
    pub fn to_typed<T: Element>(&self) -> Result<NdArray<T>, Error> {
        let elements = elements_from_bytes::<T>(self.dtype, &self.shape, &self.data)?;
        Ok(NdArray::from_shape_vec_unchecked(self.shape.clone(), elements.into_owned()))
    }
}

impl<T: Element> From<NdArray<T>> for AnyArray {
    fn from(array: NdArray<T>) -> Self {
        let dtype = array.dtype();
        let (shape, data) = array.into_parts();
        AnyArray { dtype, shape: shape.into(), data: bytemuck::cast_slice(&data).to_vec() }
    }
}

impl<'de> Decode<'de> for AnyArray {
    const MIN_LEN: usize = crate::msgpack::MIN_ARRAY_LEN;

    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        reader.read_array()?.into_any()
    }
}

impl Encode for AnyArray {
    fn encode<W: Writer>(&self, writer: &mut W) {
        writer.write_array(self.dtype, &self.shape, &self.data);
    }

    fn size_hint(&self) -> usize {
        self.data.len() + 64 + 9 * self.ndim()
    }
}

/// Runs `$body` with `$t` standing for the Rust element type of `$scalar`.
macro_rules! with_element_type {
    ($scalar:expr, $t:ident => $body:expr) => {
        match $scalar {
            ScalarType::Bool => {
                type $t = bool;
                $body
            }
            ScalarType::U8 => {
                type $t = u8;
                $body
            }
            ScalarType::I8 => {
                type $t = i8;
                $body
            }
            ScalarType::U16 => {
                type $t = u16;
                $body
            }
            ScalarType::I16 => {
                type $t = i16;
                $body
            }
            ScalarType::U32 => {
                type $t = u32;
                $body
            }
            ScalarType::I32 => {
                type $t = i32;
                $body
            }
            ScalarType::U64 => {
                type $t = u64;
                $body
            }
            ScalarType::I64 => {
                type $t = i64;
                $body
            }
            ScalarType::F16 => {
                type $t = half::f16;
                $body
            }
            ScalarType::F32 => {
                type $t = f32;
                $body
            }
            ScalarType::F64 => {
                type $t = f64;
                $body
            }
            ScalarType::Complex64 => {
                type $t = num_complex::Complex<f32>;
                $body
            }
            ScalarType::Complex128 => {
                type $t = num_complex::Complex<f64>;
                $body
            }
        }
    };
}

impl AnyArray {
    /// Writes the array through `write`, which asks for the elements it prints, each converted
    /// from its bytes when asked: a summary of a large array touches only what it shows.
    fn write_with(
        &self,
        f: &mut fmt::Formatter<'_>,
        write: impl FnOnce(&mut fmt::Formatter<'_>, usize, &dyn Fn(usize) -> crate::format::Scalar) -> fmt::Result,
    ) -> fmt::Result {
        with_element_type!(self.dtype.scalar_type(), T => {
            let size = self.dtype.itemsize();
            let native = self.dtype.is_native();
            let get = |index: usize| {
                let bytes = &self.data[index * size..(index + 1) * size];
                // Construction validated dtype, length and bools, so this reads one element.
                let element = T::vec_from_native_bytes(bytes).ok().and_then(|v| v.first().copied()).unwrap_or_default();
                if native { element } else { element.swap_byte_order() }.to_scalar()
            };
            write(f, self.len(), &get)
        })
    }
}

impl fmt::Display for AnyArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_with(f, |f, len, get| format::write_with(f, &self.shape, len, get))
    }
}

impl fmt::Debug for AnyArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_with(f, |f, len, get| format::write_repr_with(f, "AnyArray", self.dtype, &self.shape, len, get))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::ByteOrder;
    use crate::error::ErrorKind;
    use num_complex::Complex;

    #[test]
    fn keeps_dtype_as_received_and_swaps_on_to_typed() {
        let values = [Complex::new(1.0f64, -2.0), Complex::new(0.5, 3.0)];
        let big: Vec<u8> =
            values.iter().flat_map(|c| c.re.to_be_bytes().into_iter().chain(c.im.to_be_bytes())).collect();
        let any = AnyArray::from_bytes(">c16".parse().unwrap(), vec![2, 1], big.clone()).unwrap();
        assert_eq!(any.dtype(), DType::new(ScalarType::Complex128, ByteOrder::Big));
        assert_eq!(any.as_bytes(), &big[..]);
        let typed = any.to_typed::<Complex<f64>>().unwrap();
        assert_eq!(typed.shape(), &[2, 1]);
        assert_eq!(typed.as_slice(), &values);
    }

    #[test]
    fn from_typed_is_native() {
        let any = AnyArray::from(NdArray::from_vec(vec![1u16, 2]));
        assert_eq!(any.dtype(), DType::native(ScalarType::U16));
        assert_eq!(any.as_bytes(), bytemuck::cast_slice::<u16, u8>(&[1, 2]));
        assert_eq!(any.to_typed::<u16>().unwrap().as_slice(), &[1, 2]);
    }

    #[test]
    fn wrong_element_type_names_both_dtypes() {
        let any = AnyArray::from_bytes(">f4".parse().unwrap(), vec![1], vec![0; 4]).unwrap();
        let err = any.to_typed::<f64>().unwrap_err();
        let expected = if cfg!(target_endian = "big") { "float32" } else { ">f4" };
        assert_eq!(err.to_string(), format!("expected an array of dtype float64, got dtype {expected}"));
    }

    /// A summary converts only the elements it prints (it converted all of them: a 64 MiB
    /// array took a second and 590 MB to print).
    #[test]
    fn summaries_read_only_the_printed_elements() {
        let len = 1usize << 27; // 128 Mi bytes of float64 zeros, mapped lazily
        let any = AnyArray::from_bytes(">f8".parse().unwrap(), vec![len / 8], vec![0; len]).unwrap();
        let text = format!("{any:?}");
        assert_eq!(text, "AnyArray(shape=(16777216,), dtype=>f8, data=[0. 0. 0. ... 0. 0. 0.])");
        assert_eq!(any.to_string(), "[0. 0. 0. ... 0. 0. 0.]");
        let small = AnyArray::from_bytes(">i2".parse().unwrap(), vec![2], vec![0, 1, 1, 0]).unwrap();
        assert_eq!(small.to_string(), "[  1 256]");
    }

    #[test]
    fn construction_validates() {
        let err = AnyArray::from_bytes("|b1".parse().unwrap(), vec![2], vec![0, 7]).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidBool { index: 1, value: 7 });
        let err = AnyArray::from_bytes("<i8".parse().unwrap(), vec![2], vec![0; 15]).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::LengthMismatch { expected: 16, actual: 15, .. }));
        let err = AnyArray::from_bytes("<i8".parse().unwrap(), vec![1 << 62, 4], vec![]).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::ShapeOverflow(_)));
    }
}
