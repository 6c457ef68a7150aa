//! An array's map, in the two forms it travels in: msgpack_numpy's `{nd, type, kind, shape,
//! data}` (binary mode; `{nd: false, type, data}` is a numpy scalar) and `NumpyArrayField`'s
//! `{data_b64, shape, dtype}` (JSON mode).
//!
//! Every reader of such maps (the msgpack and JSON readers, a [`Value`](crate::Value)'s reader
//! and decoder, serde's visitor) finds the entries its own way, each checked to be of its
//! type as it comes, and hands them to the one set of rules here: which form a map is, which
//! entries it needs, how its dtype is read, and which arrays are refused (an object array's
//! pickle is never looked at).

use crate::array::Shape;
use crate::codec::{ArrayParts, Payload};
use crate::dtype::DType;
use crate::error::Error;
use crate::json::{Base64Text, DATA_KEY, DTYPE_KEY, SHAPE_KEY};

/// A key of an array's map, in either form (str or bin: msgpack_numpy writes bin keys, some
/// writers str ones), for the readers of maps held whole (a `Value`'s dict, a serde map). The
/// msgpack reader matches the key bytes itself: its loop runs for every array in a message,
/// and the one match costs measurably less there than this one and its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArrayKey {
    Nd,
    Type,
    Kind,
    Shape,
    Data,
    DataB64,
    DType,
    Other,
}

impl ArrayKey {
    #[inline]
    pub(crate) fn of(key: &[u8]) -> Self {
        match key {
            b"nd" => ArrayKey::Nd,
            b"type" => ArrayKey::Type,
            b"kind" => ArrayKey::Kind,
            b"shape" => ArrayKey::Shape,
            b"data" => ArrayKey::Data,
            b"data_b64" => ArrayKey::DataB64,
            b"dtype" => ArrayKey::DType,
            _ => ArrayKey::Other,
        }
    }
}

/// msgpack_numpy's entries as a reader found them (the last of a repeated key), `D` its data
/// as the reader holds it.
pub(crate) struct NumpyEntries<'a, D> {
    pub(crate) nd: Option<bool>,
    pub(crate) kind: Option<&'a [u8]>,
    /// `type`: the dtype's array-protocol text (`<f8`).
    pub(crate) dtype: Option<&'a [u8]>,
    pub(crate) shape: Option<Shape>,
    pub(crate) data: Option<D>,
}

impl<D> Default for NumpyEntries<'_, D> {
    fn default() -> Self {
        NumpyEntries { nd: None, kind: None, dtype: None, shape: None, data: None }
    }
}

/// A msgpack_numpy map: an array (`nd`) or a scalar (whose shape is `()`).
pub(crate) struct NumpyMap<D> {
    pub(crate) nd: bool,
    pub(crate) dtype: DType,
    pub(crate) shape: Shape,
    pub(crate) data: D,
}

impl<'a, D> NumpyEntries<'a, D> {
    /// The map the entries make. `kind` `O` (a pickle) and `V` (structured) are refused before
    /// anything else is looked at; `kind` may be absent (older msgpack_numpy). Then `nd`,
    /// `type`, an array's `shape` and `data` are required.
    #[inline]
    pub(crate) fn finish(self) -> Result<NumpyMap<D>, Error> {
        check_kind(self.kind)?;
        let nd = self.nd.ok_or_else(|| missing("nd"))?;
        let dtype = parse_dtype(self.dtype.ok_or_else(|| missing("type"))?, "type")?;
        let shape = if nd { self.shape.ok_or_else(|| missing("shape"))? } else { Shape::scalar() };
        Ok(NumpyMap { nd, dtype, shape, data: self.data.ok_or_else(|| missing("data"))? })
    }
}

impl<D> NumpyMap<D> {
    /// The map's array: a numpy scalar where an array is wanted is an error.
    #[inline]
    pub(crate) fn array(self) -> Result<(DType, Shape, D), Error> {
        if !self.nd {
            return Err(Error::invalid_value("expected a numpy array, got a numpy scalar"));
        }
        Ok((self.dtype, self.shape, self.data))
    }
}

/// `NumpyArrayField`'s entries as a reader found them.
#[derive(Default)]
pub(crate) struct FieldEntries<'a> {
    pub(crate) data_b64: Option<Base64Text<'a>>,
    pub(crate) shape: Option<Shape>,
    pub(crate) dtype: Option<DType>,
}

impl<'a> FieldEntries<'a> {
    /// The array: all three entries are required (other keys are ignored, as
    /// `NumpyArrayField` ignores them); the base64 text is decoded when the elements are taken.
    #[inline]
    pub(crate) fn finish(self) -> Result<ArrayParts<'a>, Error> {
        Ok(ArrayParts {
            payload: Payload::Base64(self.data_b64.ok_or_else(|| missing(DATA_KEY))?),
            shape: self.shape.ok_or_else(|| missing(SHAPE_KEY))?,
            dtype: self.dtype.ok_or_else(|| missing(DTYPE_KEY))?,
        })
    }
}

/// The entries of a map that may be in either form (a [`Value`](crate::Value)'s dict, a
/// serde map): `NumpyArrayField`'s when it has `data_b64` and no `nd`, else msgpack_numpy's.
#[derive(Default)]
pub(crate) struct ArrayEntries<'a> {
    /// msgpack_numpy's entries, and the `shape` of both forms.
    pub(crate) numpy: NumpyEntries<'a, Payload<'a>>,
    pub(crate) data_b64: Option<Base64Text<'a>>,
    /// `NumpyArrayField`'s `dtype` text (`float64`).
    pub(crate) dtype: Option<&'a [u8]>,
}

impl<'a> ArrayEntries<'a> {
    /// The array the entries make, in whichever form they are; `kind` is checked in both.
    pub(crate) fn finish(self) -> Result<ArrayParts<'a>, Error> {
        let ArrayEntries { numpy, data_b64, dtype } = self;
        if data_b64.is_some() && numpy.nd.is_none() {
            check_kind(numpy.kind)?;
            let dtype = dtype.map(|text| parse_dtype(text, DTYPE_KEY)).transpose()?;
            return FieldEntries { data_b64, shape: numpy.shape, dtype }.finish();
        }
        let (dtype, shape, payload) = numpy.finish()?.array()?;
        Ok(ArrayParts { dtype, shape, payload })
    }
}

/// Refuses msgpack_numpy's object (`O`) and structured (`V`) kinds, and kinds it does not write.
#[inline]
fn check_kind(kind: Option<&[u8]>) -> Result<(), Error> {
    match kind {
        Some(b"") | None => Ok(()),
        Some(b"O") => Err(Error::object_array()),
        Some(b"V") => Err(Error::structured_array()),
        Some(other) => {
            Err(Error::invalid_value(format!("unknown numpy array kind {:?}", String::from_utf8_lossy(other))))
        }
    }
}

/// The dtype of entry `key`'s text (`<f8`, `float64`).
#[inline]
fn parse_dtype(text: &[u8], key: &'static str) -> Result<DType, Error> {
    if let Some(dtype) = DType::parse_short_protocol(text) {
        return Ok(dtype);
    }
    let text = std::str::from_utf8(text).map_err(|_| Error::invalid_value("the dtype is not UTF-8").at_field(key))?;
    DType::parse(text).map_err(|e| e.at_field(key))
}

/// The dimension at `index` of a shape (msgpack_numpy's, or a dict's): a non-negative integer.
#[inline]
pub(crate) fn dimension(dim: i128, index: usize) -> Result<usize, Error> {
    usize::try_from(dim).map_err(|_| Error::invalid_value(format!("{dim} is not a dimension")).at_index(index))
}

#[cold]
fn missing(key: &'static str) -> Error {
    Error::missing_field().at_field(key)
}

#[cfg(test)]
mod tests {
    use crate::{AnyArray, Bytes, Value};

    fn bin(bytes: &[u8]) -> Value {
        Value::Bytes(Bytes::from(bytes))
    }

    /// A map read from msgpack and the same map held by a `Value` give the same array or error.
    #[test]
    fn every_reader_reads_a_map_by_the_same_rules() {
        let array = vec![
            (bin(b"nd"), Value::Bool(true)),
            (bin(b"type"), bin(b"<u2")),
            (bin(b"kind"), bin(b"")),
            (bin(b"shape"), Value::List(vec![Value::Int(2)])),
            (bin(b"data"), bin(&[1, 0, 2, 0])),
        ];
        let with = |key: &[u8], value: Option<Value>| -> Vec<(Value, Value)> {
            let mut entries: Vec<_> = array.iter().filter(|(k, _)| *k != bin(key)).cloned().collect();
            entries.extend(value.map(|value| (bin(key), value)));
            entries
        };
        let cases = [
            (array.clone(), "ok"),
            (with(b"nd", None), "nd: Field required"),
            (with(b"type", None), "type: Field required"),
            (with(b"shape", None), "shape: Field required"),
            (with(b"data", None), "data: Field required"),
            (with(b"kind", None), "ok"),
            (with(b"kind", Some(bin(b"O"))), "refusing a numpy object array"),
            (with(b"kind", Some(bin(b"V"))), "structured numpy arrays (kind 'V') are not supported"),
            (with(b"kind", Some(bin(b"X"))), "unknown numpy array kind \"X\""),
            (with(b"nd", Some(Value::Bool(false))), "expected a numpy array, got a numpy scalar"),
            (with(b"type", Some(bin(b"object"))), "type: unsupported dtype 'object'"),
            (with(b"shape", Some(Value::List(vec![Value::Int(-1)]))), "shape.0: -1 is not a dimension"),
            (with(b"shape", Some(Value::List(vec![Value::Int(3)]))), "array of shape (3,) and dtype uint16"),
        ];
        for (entries, expected) in cases {
            let value = Value::Map(entries);
            let message = crate::msgpack::to_vec_compact(&value).unwrap();
            let read = |result: Result<AnyArray, crate::Error>| result.map_or_else(|e| e.to_string(), |_| "ok".into());
            let streamed = read(crate::msgpack::from_slice(&message));
            assert!(streamed.starts_with(expected), "{value:?}: {streamed}");
            assert_eq!(read(crate::value::from_value(&value)), streamed, "{value:?}");
        }
    }
}
