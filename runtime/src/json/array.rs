//! The JSON form of arrays, truss's `NumpyArrayField`:
//! `{"data_b64": base64(arr.tobytes()), "shape": [..], "dtype": str(arr.dtype)}`.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::read::{JsonReader, Peek};
use super::write::JsonWriter;
use crate::array::map::FieldEntries;
use crate::array::{AnyArray, Shape, byte_size};
use crate::codec::ArrayParts;
use crate::dtype::DType;
use crate::element::Element;
use crate::error::Error;

/// The keys of an array's JSON object, in the order pydantic writes them.
pub(crate) const DATA_KEY: &str = "data_b64";
pub(crate) const SHAPE_KEY: &str = "shape";
pub(crate) const DTYPE_KEY: &str = "dtype";

/// Standard base64 as Python's `base64.b64encode` writes it; reading is as lenient as
/// `b64decode` about padding and the unused bits of the last symbol.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

pub(crate) fn write_array(writer: &mut JsonWriter, dtype: DType, shape: &[usize], bytes: &[u8]) {
    writer.reserve(bytes.len().div_ceil(3) * 4 + 64);
    writer.raw("{\"data_b64\":\"");
    BASE64.encode_string(bytes, writer.buffer());
    writer.raw("\",\"shape\":[");
    for (i, dim) in shape.iter().enumerate() {
        if i > 0 {
            writer.raw(",");
        }
        writer.int(*dim);
    }
    writer.raw("],\"dtype\":\"");
    // dtype names are plain ASCII: nothing to escape.
    writer.raw(&dtype.to_string());
    writer.raw("\"}");
}

/// The base64 text of an array, borrowed from the input when it holds no escape.
pub(crate) enum Base64Text<'de> {
    Borrowed(&'de [u8]),
    Owned(String),
}

impl Base64Text<'_> {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Base64Text::Borrowed(bytes) => bytes,
            Base64Text::Owned(text) => text.as_bytes(),
        }
    }
}

/// An array object's three entries, read in any order; other keys are ignored, as
/// `NumpyArrayField` ignores them. Its base64 text is decoded when the elements are taken.
pub(crate) fn read_array<'de>(reader: &mut JsonReader<'de>) -> Result<ArrayParts<'de>, Error> {
    let mut entries = FieldEntries::default();
    reader.begin_object()?;
    let mut first = true;
    while reader.next_member(b'}', std::mem::take(&mut first))? {
        match &*reader.parse_key()? {
            DATA_KEY => {
                let text = match reader.parse_raw_str().map_err(|e| e.at_field(DATA_KEY))? {
                    Some(raw) => Base64Text::Borrowed(raw),
                    None => Base64Text::Owned(reader.parse_str().map_err(|e| e.at_field(DATA_KEY))?.into_owned()),
                };
                entries.data_b64 = Some(text);
            }
            SHAPE_KEY => entries.shape = Some(read_shape(reader).map_err(|e| e.at_field(SHAPE_KEY))?),
            DTYPE_KEY => {
                let text = reader.parse_str().map_err(|e| e.at_field(DTYPE_KEY))?;
                entries.dtype = Some(DType::parse(&text).map_err(|e| e.at_field(DTYPE_KEY))?);
            }
            _ => reader.skip_value()?,
        }
    }
    entries.finish()
}

fn read_shape(reader: &mut JsonReader<'_>) -> Result<Shape, Error> {
    reader.begin_array()?;
    let mut shape = Shape::scalar();
    while reader.next_member(b']', shape.is_empty())? {
        let index = shape.len();
        if reader.peek_token()? != Peek::Number {
            return Err(reader.type_error("a dimension (a non-negative integer)").at_index(index));
        }
        let number = reader.parse_number()?;
        let dim = number.is_integer.then(|| number.text.parse::<usize>().ok()).flatten().ok_or_else(|| {
            invalid(format!("{} is not a dimension (a non-negative integer)", number.text)).at_index(index)
        })?;
        shape.push(dim);
    }
    Ok(shape)
}

fn invalid(message: String) -> Error {
    Error::invalid_value(message)
}

/// The exact decoded length of base64 text, padded or not; `None` if no text has that length.
fn decoded_len(text: &[u8]) -> Option<usize> {
    let unpadded = text.strip_suffix(b"==").or_else(|| text.strip_suffix(b"=")).unwrap_or(text);
    let tail = match unpadded.len() % 4 {
        0 => 0,
        2 => 1,
        3 => 2,
        _ => return None,
    };
    Some(unpadded.len() / 4 * 3 + tail)
}

/// Decodes base64 `text` into `out`, which has exactly the decoded length.
fn decode_into(text: &[u8], out: &mut [u8]) -> Result<(), Error> {
    let bad = |e: base64::DecodeSliceError| {
        let reason = match e {
            base64::DecodeSliceError::DecodeError(e) => e.to_string(),
            other => other.to_string(),
        };
        invalid(format!("invalid base64: {reason}")).at_field(DATA_KEY)
    };
    // The last group may decode to fewer bytes than base64's conservative estimate reserves,
    // so it goes through a small buffer; the bulk goes straight into `out`.
    let head_len = text.len().saturating_sub(1) / 4 * 4;
    let (head, tail) = text.split_at(head_len);
    let written = BASE64.decode_slice(head, out).map_err(bad)?;
    let mut last = [0u8; 3];
    let tail_len = BASE64.decode_slice(tail, &mut last).map_err(bad)?;
    let rest = &mut out[written..];
    if rest.len() != tail_len {
        return Err(invalid("invalid base64: misplaced padding".into()).at_field(DATA_KEY));
    }
    rest.copy_from_slice(&last[..tail_len]);
    Ok(())
}

/// Checks that the base64 text decodes to exactly the bytes the shape and dtype need, before
/// anything is allocated.
fn check_length(dtype: DType, shape: &[usize], text: &Base64Text<'_>) -> Result<usize, Error> {
    let expected = byte_size(shape, dtype)?;
    let actual = decoded_len(text.as_bytes())
        .ok_or_else(|| invalid("invalid base64: impossible length".into()).at_field(DATA_KEY))?;
    if expected != actual {
        return Err(Error::length_mismatch(shape, dtype, expected, actual));
    }
    Ok(expected)
}

/// Decodes base64 `text` into typed elements in native byte order, straight into their buffer.
pub(crate) fn typed_elements<T: Element>(
    dtype: DType,
    shape: &[usize],
    text: &Base64Text<'_>,
) -> Result<Vec<T>, Error> {
    if dtype.scalar_type() != T::SCALAR_TYPE {
        return Err(Error::dtype_mismatch(T::dtype(), dtype));
    }
    let len = check_length(dtype, shape, text)?;
    let mut elements = vec![T::default(); len / dtype.itemsize()];
    match T::as_bytes_mut(&mut elements) {
        Some(bytes) => decode_into(text.as_bytes(), bytes)?,
        None => {
            let mut bytes = vec![0u8; len];
            decode_into(text.as_bytes(), &mut bytes)?;
            elements = T::vec_from_native_bytes(&bytes).map_err(|e| e.at_field(DATA_KEY))?;
        }
    }
    if !dtype.is_native() {
        elements.iter_mut().for_each(|x| *x = x.swap_byte_order());
    }
    Ok(elements)
}

/// Decodes base64 `text` into the bytes of an array of `dtype`, kept as received.
pub(crate) fn any_array(dtype: DType, shape: Shape, text: &Base64Text<'_>) -> Result<AnyArray, Error> {
    let mut bytes = vec![0u8; check_length(dtype, &shape, text)?];
    decode_into(text.as_bytes(), &mut bytes)?;
    AnyArray::from_parts(dtype, shape, bytes).map_err(|e| e.at_field(DATA_KEY))
}

#[cfg(test)]
mod tests {
    use crate::array::{AnyArray, NdArray};
    use crate::json::{from_str, to_string};

    #[test]
    fn arrays_match_numpy_array_field() {
        let a = NdArray::from_shape_vec(vec![2, 2], vec![10i64, 11, 12, 13]).unwrap();
        let text = to_string(&a).unwrap();
        // NumpyArrayField's own docstring example.
        assert_eq!(
            text,
            r#"{"data_b64":"CgAAAAAAAAALAAAAAAAAAAwAAAAAAAAADQAAAAAAAAA=","shape":[2,2],"dtype":"int64"}"#
        );
        assert_eq!(from_str::<NdArray<i64>>(&text).unwrap(), a);
        let reordered =
            r#"{"dtype":"<i8","extra":[1],"shape":[2,2],"data_b64":"CgAAAAAAAAALAAAAAAAAAAwAAAAAAAAADQAAAAAAAAA="}"#;
        assert_eq!(from_str::<NdArray<i64>>(reordered).unwrap(), a);
    }

    #[test]
    fn every_tail_length_decodes() {
        for len in 0..10u8 {
            let a = NdArray::from_vec((0..len).collect::<Vec<u8>>());
            let text = to_string(&a).unwrap();
            assert_eq!(from_str::<NdArray<u8>>(&text).unwrap(), a, "{text}");
            let unpadded = text.replace('=', "");
            assert_eq!(from_str::<AnyArray>(&unpadded).unwrap(), AnyArray::from(a.clone()), "{unpadded}");
        }
    }

    #[test]
    fn non_native_and_bool_arrays() {
        let text = r#"{"data_b64":"P8AAAL+AAAA=","shape":[2],"dtype":">f4"}"#;
        assert_eq!(from_str::<NdArray<f32>>(text).unwrap().as_slice(), &[1.5, -1.0]);
        let any: AnyArray = from_str(text).unwrap();
        assert_eq!(to_string(&any).unwrap(), text);
        assert_eq!(
            from_str::<NdArray<bool>>(r#"{"data_b64":"AQA=","shape":[2],"dtype":"bool"}"#).unwrap().as_slice(),
            &[true, false]
        );
        let err = from_str::<NdArray<bool>>(r#"{"data_b64":"AQI=","shape":[2],"dtype":"bool"}"#).unwrap_err();
        assert!(err.to_string().starts_with("data_b64: bool array holds byte 0x02"), "{err}");
    }

    #[test]
    fn bad_arrays_are_located_errors() {
        let cases = [
            (
                r#"{"data_b64":"AAAA","shape":[2],"dtype":"float64"}"#,
                "array of shape (2,) and dtype float64 needs 16 bytes, got 3",
            ),
            (
                r#"{"data_b64":"AA!A","shape":[3],"dtype":"uint8"}"#,
                "data_b64: invalid base64: Invalid symbol 33, offset 2.",
            ),
            (
                r#"{"data_b64":"","shape":[-1],"dtype":"uint8"}"#,
                "shape.0: -1 is not a dimension (a non-negative integer)",
            ),
            (r#"{"data_b64":"","shape":[0],"dtype":"object"}"#, "dtype: unsupported dtype 'object'"),
            (r#"{"data_b64":"","shape":[0]}"#, "dtype: Field required"),
            (
                r#"{"data_b64":"","shape":[1099511627776,1099511627776],"dtype":"uint8"}"#,
                "array shape (1099511627776, 1099511627776) is too large",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(from_str::<AnyArray>(text).map(drop).unwrap_err().to_string(), message, "{text}");
        }
        let int32 = r#"{"data_b64":"AAAAAAAAAAA=","shape":[2],"dtype":"int32"}"#;
        let err = from_str::<NdArray<f64>>(int32).unwrap_err();
        assert_eq!(err.to_string(), "expected an array of dtype float64, got dtype int32");
    }
}
