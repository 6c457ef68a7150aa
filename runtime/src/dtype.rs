//! numpy dtypes: the element types chainmodel carries, with their byte order.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
#[cfg(test)]
use crate::error::ErrorKind;

/// The element types an array can hold: numpy's numeric and bool types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// `bool` (`|b1`), one byte holding 0 or 1.
    Bool,
    /// `uint8` (`|u1`).
    U8,
    /// `int8` (`|i1`).
    I8,
    /// `uint16` (`<u2`).
    U16,
    /// `int16` (`<i2`).
    I16,
    /// `uint32` (`<u4`).
    U32,
    /// `int32` (`<i4`).
    I32,
    /// `uint64` (`<u8`).
    U64,
    /// `int64` (`<i8`).
    I64,
    /// `float16` (`<f2`), Rust's [`half::f16`].
    F16,
    /// `float32` (`<f4`).
    F32,
    /// `float64` (`<f8`).
    F64,
    /// `complex64` (`<c8`): two `float32`, Rust's `Complex<f32>`.
    Complex64,
    /// `complex128` (`<c16`): two `float64`, Rust's `Complex<f64>`.
    Complex128,
}

impl ScalarType {
    /// Every scalar type, in numpy's order of kinds and sizes.
    pub const ALL: [ScalarType; 14] = [
        ScalarType::Bool,
        ScalarType::U8,
        ScalarType::I8,
        ScalarType::U16,
        ScalarType::I16,
        ScalarType::U32,
        ScalarType::I32,
        ScalarType::U64,
        ScalarType::I64,
        ScalarType::F16,
        ScalarType::F32,
        ScalarType::F64,
        ScalarType::Complex64,
        ScalarType::Complex128,
    ];

    /// numpy's name of the type: `str(np.dtype(...))` in native byte order (`float64`).
    pub const fn name(self) -> &'static str {
        match self {
            ScalarType::Bool => "bool",
            ScalarType::U8 => "uint8",
            ScalarType::I8 => "int8",
            ScalarType::U16 => "uint16",
            ScalarType::I16 => "int16",
            ScalarType::U32 => "uint32",
            ScalarType::I32 => "int32",
            ScalarType::U64 => "uint64",
            ScalarType::I64 => "int64",
            ScalarType::F16 => "float16",
            ScalarType::F32 => "float32",
            ScalarType::F64 => "float64",
            ScalarType::Complex64 => "complex64",
            ScalarType::Complex128 => "complex128",
        }
    }

    /// numpy's kind character: `b`, `u`, `i`, `f` or `c`.
    pub const fn kind(self) -> char {
        match self {
            ScalarType::Bool => 'b',
            ScalarType::U8 | ScalarType::U16 | ScalarType::U32 | ScalarType::U64 => 'u',
            ScalarType::I8 | ScalarType::I16 | ScalarType::I32 | ScalarType::I64 => 'i',
            ScalarType::F16 | ScalarType::F32 | ScalarType::F64 => 'f',
            ScalarType::Complex64 | ScalarType::Complex128 => 'c',
        }
    }

    /// Size of one element in bytes.
    pub const fn itemsize(self) -> usize {
        match self {
            ScalarType::Bool | ScalarType::U8 | ScalarType::I8 => 1,
            ScalarType::U16 | ScalarType::I16 | ScalarType::F16 => 2,
            ScalarType::U32 | ScalarType::I32 | ScalarType::F32 => 4,
            ScalarType::U64 | ScalarType::I64 | ScalarType::F64 | ScalarType::Complex64 => 8,
            ScalarType::Complex128 => 16,
        }
    }

    /// Whether byte order means anything for this type (it does not for one-byte types).
    pub const fn has_byte_order(self) -> bool {
        self.itemsize() > 1
    }

    fn from_kind_and_size(kind: char, size: usize) -> Option<ScalarType> {
        ScalarType::ALL.into_iter().find(|t| t.kind() == kind && t.itemsize() == size)
    }

    fn from_name(name: &str) -> Option<ScalarType> {
        if name == "bool_" {
            return Some(ScalarType::Bool);
        }
        ScalarType::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl fmt::Display for ScalarType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The order of bytes within a multi-byte element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Least significant byte first (`<`): x86, ARM, and so nearly every numpy payload.
    Little,
    /// Most significant byte first (`>`).
    Big,
}

impl ByteOrder {
    /// The byte order of the machine this code runs on.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "big") { ByteOrder::Big } else { ByteOrder::Little };

    const fn protocol_char(self) -> char {
        match self {
            ByteOrder::Little => '<',
            ByteOrder::Big => '>',
        }
    }
}

/// A numpy dtype of a supported element type: the [`ScalarType`] and its [`ByteOrder`].
///
/// Parses and writes both of numpy's spellings:
/// - `Display` is `str(dtype)`: the name (`float64`) in native byte order, the
///   array-protocol string (`>f8`) otherwise;
/// - [`DType::array_protocol`] is `dtype.str`: `<f8`, `>i4`, `|u1`, `|b1`.
///
/// One-byte types have no byte order; their dtypes compare equal whatever order was asked for.
///
/// ```
/// use chainmodel::{ByteOrder, DType, ScalarType};
///
/// let dtype: DType = ">f4".parse()?;
/// assert_eq!(dtype, DType::new(ScalarType::F32, ByteOrder::Big));
/// assert_eq!(dtype.to_string(), ">f4");
/// assert_eq!(dtype.to_native().to_string(), "float32");
/// assert_eq!("uint8".parse::<DType>()?.array_protocol(), "|u1");
/// assert!("object".parse::<DType>().is_err());
/// # Ok::<(), chainmodel::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DType {
    scalar_type: ScalarType,
    byte_order: ByteOrder,
}

impl DType {
    /// The dtype of `scalar_type` in `byte_order` (ignored for one-byte types).
    pub const fn new(scalar_type: ScalarType, byte_order: ByteOrder) -> Self {
        let byte_order = if scalar_type.has_byte_order() { byte_order } else { ByteOrder::NATIVE };
        DType { scalar_type, byte_order }
    }

    /// The dtype of `scalar_type` in this machine's byte order.
    pub const fn native(scalar_type: ScalarType) -> Self {
        DType::new(scalar_type, ByteOrder::NATIVE)
    }

    /// The element type.
    pub const fn scalar_type(self) -> ScalarType {
        self.scalar_type
    }

    /// The byte order (the native one for one-byte types).
    pub const fn byte_order(self) -> ByteOrder {
        self.byte_order
    }

    /// Size of one element in bytes.
    pub const fn itemsize(self) -> usize {
        self.scalar_type.itemsize()
    }

    /// Whether elements are stored in this machine's byte order.
    pub fn is_native(self) -> bool {
        self.byte_order == ByteOrder::NATIVE
    }

    /// The same element type in this machine's byte order.
    pub const fn to_native(self) -> Self {
        DType::native(self.scalar_type)
    }

    /// numpy's `dtype.str`, the array-protocol string: `<f8`, `>i4`, `|u1`, `|b1`.
    pub fn array_protocol(self) -> String {
        let (bytes, len) = self.array_protocol_bytes();
        String::from_utf8_lossy(&bytes[..len]).into_owned()
    }

    /// [`DType::array_protocol`] without allocating: the ASCII bytes and their length.
    pub(crate) fn array_protocol_bytes(self) -> ([u8; 4], usize) {
        let order = if self.scalar_type.has_byte_order() { self.byte_order.protocol_char() } else { '|' };
        let size = self.itemsize();
        let mut bytes = [order as u8, self.scalar_type.kind() as u8, 0, 0];
        if size >= 10 {
            bytes[2] = b'0' + (size / 10) as u8;
            bytes[3] = b'0' + (size % 10) as u8;
            (bytes, 4)
        } else {
            bytes[2] = b'0' + size as u8;
            (bytes, 3)
        }
    }

    /// Parses a numpy dtype name (`float64`, `bool`, `complex64`) or array-protocol string
    /// (`<f8`, `>i4`, `=f8`, `|u1`, `f8`), as `np.dtype(text)` reads them.
    ///
    /// Anything else, including dtypes numpy has but chainmodel does not carry (`object`,
    /// `|O`, `|V8`, `<U5`, `|S3`, `<M8[ns]`, `float128`), is an
    /// [`ErrorKind::UnsupportedDType`](crate::ErrorKind::UnsupportedDType) naming the text.
    pub fn parse(text: &str) -> Result<DType, Error> {
        if let Some(dtype) = Self::parse_short_protocol(text.as_bytes()) {
            return Ok(dtype);
        }
        Self::parse_protocol(text)
            .or_else(|| ScalarType::from_name(text).map(DType::native))
            .ok_or_else(|| Error::unsupported_dtype(text))
    }

    /// The common case on the wire, `<f4` and its kin, without the general parser.
    pub(crate) fn parse_short_protocol(text: &[u8]) -> Option<DType> {
        let [order @ (b'<' | b'>' | b'|'), kind, size @ b'1'..=b'8'] = *text else { return None };
        let scalar_type = ScalarType::from_kind_and_size(char::from(kind), usize::from(size - b'0'))?;
        // `|f8` means native order, which the general parser handles.
        if order == b'|' && scalar_type.has_byte_order() {
            return None;
        }
        Some(DType::new(scalar_type, if order == b'>' { ByteOrder::Big } else { ByteOrder::Little }))
    }

    fn parse_protocol(text: &str) -> Option<DType> {
        let (byte_order, rest) = match text.as_bytes().first()? {
            b'<' => (ByteOrder::Little, &text[1..]),
            b'>' => (ByteOrder::Big, &text[1..]),
            b'=' | b'|' => (ByteOrder::NATIVE, &text[1..]),
            _ => (ByteOrder::NATIVE, text),
        };
        let mut chars = rest.chars();
        let kind = chars.next()?;
        let digits = chars.as_str();
        // `usize::from_str` would accept `+8`; numpy does not.
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 2 {
            return None;
        }
        let size = digits.parse().ok()?;
        ScalarType::from_kind_and_size(kind, size).map(|scalar_type| DType::new(scalar_type, byte_order))
    }
}

impl FromStr for DType {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DType::parse(text)
    }
}

impl From<ScalarType> for DType {
    fn from(scalar_type: ScalarType) -> Self {
        DType::native(scalar_type)
    }
}

impl fmt::Display for DType {
    /// numpy's `str(dtype)`: `float64` in native order, `>f8` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_native() { f.write_str(self.scalar_type.name()) } else { f.write_str(&self.array_protocol()) }
    }
}

impl fmt::Debug for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dtype('{self}')")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> DType {
        DType::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn names_and_protocol_strings_agree_for_every_type() {
        for t in ScalarType::ALL {
            let native = DType::native(t);
            assert_eq!(parse(t.name()), native);
            assert_eq!(parse(&native.array_protocol()), native);
            assert_eq!(native.to_string(), t.name());
        }
    }

    #[test]
    fn byte_order_prefixes() {
        assert_eq!(parse(">f4"), DType::new(ScalarType::F32, ByteOrder::Big));
        assert_eq!(parse("<f4"), DType::new(ScalarType::F32, ByteOrder::Little));
        assert_eq!(parse("=f8"), DType::native(ScalarType::F64));
        assert_eq!(parse("|f8"), DType::native(ScalarType::F64));
        assert_eq!(parse("c16"), DType::native(ScalarType::Complex128));
        assert_eq!(parse(">i4").array_protocol(), ">i4");
        assert_eq!(parse(">i4").to_string(), if cfg!(target_endian = "big") { "int32" } else { ">i4" });
    }

    #[test]
    fn one_byte_types_ignore_byte_order() {
        assert_eq!(parse(">u1"), parse("uint8"));
        assert_eq!(parse("<b1").array_protocol(), "|b1");
        assert_eq!(parse(">i1").to_string(), "int8");
        assert_eq!(DType::new(ScalarType::Bool, ByteOrder::Big), DType::native(ScalarType::Bool));
    }

    #[test]
    fn unsupported_dtypes_are_named_in_the_error() {
        for text in [
            "object", "|O", "O", "|V8", "<U5", "|S3", "<M8[ns]", "f16", "float128", "c32", ">float64", "u3", "f+4", "",
            "<", "Float64", "f08x",
        ] {
            let err = DType::parse(text).expect_err(text);
            assert_eq!(err.kind(), &ErrorKind::UnsupportedDType(text.to_owned()));
            assert_eq!(err.to_string(), format!("unsupported dtype '{text}'"));
        }
    }
}
