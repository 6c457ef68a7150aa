//! msgpack_numpy's maps: arrays `{nd: true, type, kind, shape, data}` and numpy scalars
//! `{nd: false, type, data}`, with bin keys (str keys are read too).

use super::read::{MsgpackReader, Token};
use super::write::MsgpackWriter;
use crate::array::Shape;
use crate::array::map::{ArrayEntries, NumpyEntries, NumpyMap, dimension};
use crate::codec::{ArrayParts, Payload};
use crate::dtype::{ByteOrder, DType, ScalarType};
use crate::error::Error;
use crate::json::{Base64Text, DATA_KEY, DTYPE_KEY};
use crate::msgpack::write::ARRAY_ALIGNMENT;

/// `kind key`, `kind value` and `data key` widened by these many bytes shift the payload by
/// 0 to 7 bytes (each of the three can grow by 0, 1 or 3 bytes).
const WIDENINGS: [[usize; 3]; 8] =
    [[0, 0, 0], [1, 0, 0], [1, 1, 0], [3, 0, 0], [3, 1, 0], [3, 1, 1], [3, 3, 0], [3, 3, 1]];

fn bin_header_len(len: usize) -> usize {
    match len {
        0..=0xff => 2,
        0x100..=0xffff => 3,
        _ => 5,
    }
}

/// The size of a msgpack uint in its smallest form.
fn uint_len(value: usize) -> usize {
    match value {
        0..=0x7f => 1,
        0x80..=0xff => 2,
        0x100..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    }
}

/// Writes an array's map up to its payload of `len` bytes, which the caller writes next; `false`
/// if the message stopped (a length msgpack cannot hold).
pub(crate) fn write_array_head(writer: &mut MsgpackWriter<'_>, dtype: DType, shape: &[usize], len: usize) -> bool {
    writer.reserve(len + 64);
    // {b"nd": True, b"type": dtype.str, b"kind": b"", b"shape": [..], b"data": bin}
    writer.raw(b"\x85\xc4\x02nd\xc3\xc4\x04type");
    let (protocol, protocol_len) = dtype.array_protocol_bytes();
    writer.str_header(protocol_len);
    writer.raw(&protocol[..protocol_len]);
    let widen = if writer.is_aligned() {
        let shape_len = match shape.len() {
            0..=15 => 1,
            16..=0xffff => 3,
            _ => 5,
        } + shape.iter().map(|&dim| uint_len(dim)).sum::<usize>();
        // kind key (6) + kind value (2) + shape key (7) + shape + data key (6) + data header,
        // then the payload.
        let payload_at = writer.position() + 6 + 2 + 7 + shape_len + 6 + bin_header_len(len);
        WIDENINGS[(ARRAY_ALIGNMENT - payload_at % ARRAY_ALIGNMENT) % ARRAY_ALIGNMENT]
    } else {
        [0; 3]
    };
    writer.bin_widened(b"kind", widen[0]);
    writer.bin_widened(b"", widen[1]);
    writer.raw(b"\xc4\x05shape");
    writer.array_header(shape.len());
    for &dim in shape {
        writer.uint(dim as u64);
    }
    writer.bin_widened(b"data", widen[2]);
    writer.bin_header(len);
    debug_assert!(writer.failed() || !writer.is_aligned() || writer.position().is_multiple_of(ARRAY_ALIGNMENT));
    !writer.failed()
}

/// The shortest msgpack_numpy map: `nd`, `type` (3 characters), `shape` and `data` with their
/// shortest keys and values, rounded down.
pub(crate) const MIN_ARRAY_LEN: usize = 24;

/// Reads a msgpack_numpy map, its entries in any order, by the rules of
/// [`NumpyEntries::finish`]; its data stays borrowed.
#[inline]
pub(crate) fn read_numpy_map<'de>(reader: &mut MsgpackReader<'de>) -> Result<NumpyMap<&'de [u8]>, Error> {
    let mut found = NumpyEntries::default();
    let entries = reader.begin_map()?;
    for _ in 0..entries {
        // The keys matched as bytes, not as an `ArrayKey`: this loop runs for every array.
        match reader.parse_key()? {
            b"nd" => found.nd = Some(reader.parse_bool().map_err(|e| e.at_field("nd"))?),
            b"kind" => found.kind = Some(reader.parse_key().map_err(|e| e.at_field("kind"))?),
            // For kinds O and V, `type` is a list (the structured description): keep it unread.
            b"type" if reader.peek_token()? == Token::Array => reader.skip_value()?,
            b"type" => found.dtype = Some(reader.parse_key().map_err(|e| e.at_field("type"))?),
            b"shape" => found.shape = Some(read_shape(reader).map_err(|e| e.at_field("shape"))?),
            b"data" => found.data = Some(reader.parse_key().map_err(|e| e.at_field("data"))?),
            _ => reader.skip_value()?,
        }
    }
    reader.leave();
    found.finish()
}

#[inline]
fn read_shape(reader: &mut MsgpackReader<'_>) -> Result<Shape, Error> {
    let len = reader.begin_array()?;
    let mut shape = Shape::scalar();
    for index in 0..len {
        let dim = reader.parse_int().map_err(|e| e.at_index(index))?;
        shape.push(dimension(dim, index)?);
    }
    reader.leave();
    Ok(shape)
}

/// A msgpack_numpy array map; its payload stays borrowed.
#[inline]
pub(crate) fn read_array<'de>(reader: &mut MsgpackReader<'de>) -> Result<ArrayParts<'de>, Error> {
    if reader.peek_token()? != Token::Map {
        return Err(reader.type_error("a numpy array (a msgpack_numpy map)"));
    }
    // msgpack_numpy's map, or NumpyArrayField's JSON form as a dict (`data_b64`, `shape`,
    // `dtype`), which its validator reads in binary mode too.
    let mut found = ArrayEntries::default();
    let entries = reader.begin_map()?;
    for _ in 0..entries {
        // The keys matched as bytes, not as an `ArrayKey`: this loop runs for every array.
        match reader.parse_key()? {
            b"nd" => found.numpy.nd = Some(reader.parse_bool().map_err(|e| e.at_field("nd"))?),
            b"kind" => found.numpy.kind = Some(reader.parse_key().map_err(|e| e.at_field("kind"))?),
            // For kinds O and V, `type` is a list (the structured description): keep it unread.
            b"type" if reader.peek_token()? == Token::Array => reader.skip_value()?,
            b"type" => found.numpy.dtype = Some(reader.parse_key().map_err(|e| e.at_field("type"))?),
            b"shape" => found.numpy.shape = Some(read_shape(reader).map_err(|e| e.at_field("shape"))?),
            b"data" => found.numpy.data = Some(Payload::Raw(reader.parse_key().map_err(|e| e.at_field("data"))?)),
            b"data_b64" => {
                let text = reader.parse_key().map_err(|e| e.at_field(DATA_KEY))?;
                found.data_b64 = Some(Base64Text::Borrowed(text));
            }
            b"dtype" => found.dtype = Some(reader.parse_key().map_err(|e| e.at_field(DTYPE_KEY))?),
            _ => reader.skip_value()?,
        }
    }
    reader.leave();
    found.finish()
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid_value(message)
}

/// A number read from a numpy scalar map.
pub(crate) enum NumpyScalar {
    Bool(bool),
    Int(i128),
    Float(f64),
}

/// Reads `{nd: false, type, data}` into its value.
pub(crate) fn read_numpy_scalar(reader: &mut MsgpackReader<'_>) -> Result<NumpyScalar, Error> {
    let map = read_numpy_map(reader)?;
    if map.nd {
        return Err(invalid("expected a number, got a numpy array"));
    }
    scalar_from_map(&map)
}

fn scalar_from_map(map: &NumpyMap<&[u8]>) -> Result<NumpyScalar, Error> {
    scalar_from_bytes(map.dtype, map.data)
}

/// The number a numpy scalar of `dtype` holds in `data`.
pub(crate) fn scalar_from_bytes(dtype: DType, data: &[u8]) -> Result<NumpyScalar, Error> {
    if data.len() != dtype.itemsize() {
        return Err(Error::length_mismatch(&[], dtype, dtype.itemsize(), data.len()));
    }
    let mut bytes = [0u8; 16];
    bytes[..data.len()].copy_from_slice(data);
    let big = dtype.byte_order() == ByteOrder::Big;
    macro_rules! num {
        ($ty:ty, $n:literal) => {{
            let raw: [u8; $n] = bytes[..$n].try_into().unwrap_or([0; $n]);
            if big { <$ty>::from_be_bytes(raw) } else { <$ty>::from_le_bytes(raw) }
        }};
    }
    Ok(match dtype.scalar_type() {
        ScalarType::Bool => match data[0] {
            0 => NumpyScalar::Bool(false),
            1 => NumpyScalar::Bool(true),
            value => return Err(Error::invalid_bool(0, value)),
        },
        ScalarType::U8 => NumpyScalar::Int(data[0].into()),
        ScalarType::I8 => NumpyScalar::Int((data[0] as i8).into()),
        ScalarType::U16 => NumpyScalar::Int(num!(u16, 2).into()),
        ScalarType::I16 => NumpyScalar::Int(num!(i16, 2).into()),
        ScalarType::U32 => NumpyScalar::Int(num!(u32, 4).into()),
        ScalarType::I32 => NumpyScalar::Int(num!(i32, 4).into()),
        ScalarType::U64 => NumpyScalar::Int(num!(u64, 8).into()),
        ScalarType::I64 => NumpyScalar::Int(num!(i64, 8).into()),
        ScalarType::F16 => NumpyScalar::Float(half::f16::from_bits(num!(u16, 2)).to_f64()),
        ScalarType::F32 => NumpyScalar::Float(num!(f32, 4).into()),
        ScalarType::F64 => NumpyScalar::Float(num!(f64, 8)),
        ScalarType::Complex64 | ScalarType::Complex128 => {
            return Err(invalid(format!("expected a real number, got a numpy {} scalar", dtype.scalar_type())));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NdArray;
    use crate::codec::Encode;

    #[test]
    fn aligned_payloads_start_at_multiples_of_eight() {
        for prefix in 0..16 {
            for len in [0usize, 1, 8, 300, 70_000] {
                let mut writer = MsgpackWriter::new(true);
                writer.raw(&vec![0xc0; prefix]);
                let array = NdArray::from_vec(vec![1u8; len]);
                array.encode(&mut writer);
                let bytes = writer.into_vec();
                assert_eq!(&bytes[bytes.len() - len..], array.as_slice());
                assert_eq!((bytes.len() - len) % ARRAY_ALIGNMENT, 0, "prefix {prefix}, len {len}");
            }
        }
    }
}
