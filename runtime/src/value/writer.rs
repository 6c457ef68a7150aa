//! The writer that builds a [`Value`]: a model's one encoder, in binary mode's form, gives
//! what pydantic's `model_dump(mode="python")` gives (arrays stay arrays, bytes stay bytes),
//! without a round trip through bytes.

use super::Value;
use crate::array::AnyArray;
use crate::codec::{FieldKey, Writer};
use crate::dtype::DType;
use crate::error::{Error, PathSegment};

/// Builds a [`Value`] from what an encoder writes: the [`Writer`] behind
/// [`to_value`](super::to_value).
///
/// Strings, bytes and array payloads are copied from the model being written (an encoder
/// lends them); nothing is encoded to bytes on the way.
#[derive(Default)]
pub struct ValueWriter {
    /// The lists and maps being filled, innermost last.
    open: Vec<Open>,
    done: Option<Value>,
    /// Writes a truss extension value as its data alone (what truss's map holds under `data`).
    data_only: bool,
    error: Option<Error>,
}

enum Open {
    List(Vec<Value>),
    Map { entries: Vec<(Value, Value)>, key: Option<Value> },
}

impl ValueWriter {
    /// An empty writer.
    pub fn new() -> Self {
        ValueWriter::default()
    }

    /// The value written, or the error that stopped it.
    pub fn into_value(self) -> Result<Value, Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        Ok(self.done.unwrap_or(Value::Nil))
    }

    fn push(&mut self, value: Value) {
        match self.open.last_mut() {
            None => self.done = Some(value),
            Some(Open::List(items)) => items.push(value),
            Some(Open::Map { entries, key }) => match key.take() {
                Some(key) => entries.push((key, value)),
                None => *key = Some(value),
            },
        }
    }
}

/// The data of the extension value `value` when it is tagged `tag`, as truss's map holds it
/// (`None` when `value` is no extension value; `Some(None)` when it is another one).
#[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
pub(crate) fn extension_data(value: &Value, tag: &'static str) -> Option<Option<Value>> {
    use crate::codec::Encode;
    let own_tag = super::extension_tag(value)?;
    if own_tag != tag {
        return Some(None);
    }
    let mut writer = ValueWriter { data_only: true, ..ValueWriter::default() };
    value.encode(&mut writer);
    Some(writer.into_value().ok())
}

impl Writer for ValueWriter {
    const BINARY: bool = true;

    fn write_null(&mut self) {
        self.push(Value::Nil);
    }

    fn write_bool(&mut self, value: bool) {
        self.push(Value::Bool(value));
    }

    fn write_int(&mut self, value: i64) {
        self.push(Value::Int(value.into()));
    }

    fn write_uint(&mut self, value: u64) {
        self.push(Value::Int(value.into()));
    }

    fn write_int128(&mut self, value: i128) {
        self.push(Value::Int(value));
    }

    /// Beyond 128 bits, which a [`Value`] does not hold (nor msgpack), the value stops.
    fn write_int_text(&mut self, text: &str) {
        match text.parse::<i128>() {
            Ok(value) => self.push(Value::Int(value)),
            Err(_) => {
                if self.error.is_none() {
                    self.error = Some(Error::new(crate::error::ErrorKind::IntTooLargeForMsgpack(text.to_owned())));
                }
                self.push(Value::Nil);
            }
        }
    }

    fn write_float(&mut self, value: f64) {
        self.push(Value::Float(value));
    }

    fn write_str(&mut self, value: &str) {
        self.push(Value::Str(value.to_owned()));
    }

    fn write_bytes(&mut self, value: &[u8]) {
        self.push(Value::Bytes(value.to_vec().into()));
    }

    fn write_array(&mut self, dtype: DType, shape: &[usize], data: &[u8]) {
        match AnyArray::from_parts(dtype, shape.into(), data.to_vec()) {
            Ok(array) => self.push(Value::Array(array)),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
    }

    /// The extension value itself (`Value::DateTime`, …), as truss's deserializer gives it.
    fn write_tagged(&mut self, tag: &'static str, data: impl FnOnce(&mut Self)) {
        if self.data_only {
            return data(self);
        }
        let mut inner = ValueWriter::new();
        data(&mut inner);
        let data = match inner.into_value() {
            Ok(data) => data,
            Err(error) => {
                self.error.get_or_insert(error);
                return;
            }
        };
        #[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
        if let Ok(value) = super::extension_value(tag, &data) {
            return self.push(value);
        }
        // truss's map, as its deserializer leaves one it does not know.
        self.push(Value::Map(vec![
            (Value::Bytes(tag.as_bytes().to_vec().into()), Value::Bool(true)),
            (Value::Bytes(b"data".to_vec().into()), data),
        ]));
    }

    fn begin_seq(&mut self, len: usize) {
        self.open.push(Open::List(Vec::with_capacity(len)));
    }

    fn end_seq(&mut self) {
        if let Some(Open::List(items)) = self.open.pop() {
            self.push(Value::List(items));
        }
    }

    fn begin_map(&mut self, len: usize) {
        self.open.push(Open::Map { entries: Vec::with_capacity(len), key: None });
    }

    fn end_map(&mut self) {
        if let Some(Open::Map { entries, .. }) = self.open.pop() {
            self.push(Value::Map(entries));
        }
    }

    fn separator(&mut self, _index: usize) {}

    fn map_key(&mut self, key: &str) {
        self.push(Value::Str(key.to_owned()));
    }

    fn field_key(&mut self, key: &FieldKey) {
        self.push(Value::Str(key.name.to_owned()));
    }

    fn end_key(&mut self) {}

    /// A `Value` holds what any encoder writes.
    fn failed(&self) -> bool {
        false
    }

    fn locate(&mut self, segment: PathSegment) {
        if let Some(error) = self.error.take() {
            self.error = Some(error.at(segment));
        }
    }
}
