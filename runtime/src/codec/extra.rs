//! The field that keeps a model's unknown keys (`#[chain(extra)]`, pydantic's
//! `extra="allow"`): read from the keys no field claims, written after the declared fields in
//! the order they came, as pydantic does.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use super::{Decode, Encode, MapAccess, MapWriter, Reader, Writer};
use crate::error::Error;

/// A map that can hold a model's unknown keys: `IndexMap<String, V>` (feature `indexmap`) or
/// `serde_json::Map` keep pydantic's order; `HashMap` and `BTreeMap` do not.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a model's extra keys",
    label = "the `#[chain(extra)]` field",
    note = "use a map with string keys and owned values: `IndexMap<String, serde_json::Value>` (feature `indexmap`) or `serde_json::Map<String, serde_json::Value>` keep pydantic's order"
)]
pub trait ExtraFields: Default {
    /// How many extra keys there are.
    fn extra_len(&self) -> usize;

    /// Writes each extra entry.
    fn write_extra<W: Writer>(&self, map: &mut MapWriter<'_, W>);

    /// Reads the value of the extra `key` from `map` and keeps it (a key given twice keeps
    /// its last value).
    fn read_extra<'de, M: MapAccess<'de>>(&mut self, key: &[u8], map: &mut M) -> Result<(), Error>;

    /// Reads the value of the extra `key` from `reader` (a look ahead, see
    /// [`MapAccess::value_ahead`]) and keeps it as the `at`-th extra key, where it came in
    /// the input (a map without order puts it anywhere; a key already kept keeps its place).
    fn read_extra_at<'de, R: Reader<'de>>(&mut self, key: &[u8], reader: &mut R, at: usize) -> Result<(), Error>;
}

fn key_text(key: &[u8]) -> Result<String, Error> {
    String::from_utf8(key.to_vec()).map_err(|_| Error::invalid_value("an extra key is not UTF-8 text"))
}

macro_rules! extra_map {
    ($($(#[$cfg:meta])* [$($generics:tt)*] $map:ty => $value:ty, $insert_at:expr;)*) => {$(
        $(#[$cfg])*
        #[diagnostic::do_not_recommend]
        impl<$($generics)*> ExtraFields for $map where $value: for<'de> Decode<'de> + Encode {
            fn extra_len(&self) -> usize {
                self.len()
            }

            fn write_extra<W: Writer>(&self, map: &mut MapWriter<'_, W>) {
                for (key, value) in self.iter() {
                    map.entry(key, value);
                }
            }

            fn read_extra<'de, M: MapAccess<'de>>(&mut self, key: &[u8], map: &mut M) -> Result<(), Error> {
                let key = key_text(key)?;
                let value = map.next_value::<$value>().map_err(|e| e.at_field(key.clone()))?;
                self.insert(key, value);
                Ok(())
            }

            fn read_extra_at<'de, R: Reader<'de>>(&mut self, key: &[u8], reader: &mut R, at: usize) -> Result<(), Error> {
                let key = key_text(key)?;
                let value = <$value>::decode(reader).map_err(|e| e.at_field(key.clone()))?;
                let insert_at: fn(&mut Self, usize, String, $value) = $insert_at;
                insert_at(self, at, key, value);
                Ok(())
            }
        }
    )*};
}

extra_map! {
    #[cfg(feature = "indexmap")]
    [V, S: BuildHasher + Default] indexmap::IndexMap<String, V, S> => V, |map, at, key, value| {
        if let Some(slot) = map.get_mut(&key) {
            *slot = value;
        } else {
            map.shift_insert(at.min(map.len()), key, value);
        }
    };
    [] serde_json::Map<String, serde_json::Value> => serde_json::Value, |map, at, key, value| {
        if let Some(slot) = map.get_mut(&key) {
            *slot = value;
        } else {
            map.shift_insert(at.min(map.len()), key, value);
        }
    };
    [V, S: BuildHasher + Default] HashMap<String, V, S> => V, |map, _, key, value| {
        map.insert(key, value);
    };
    [V] BTreeMap<String, V> => V, |map, _, key, value| {
        map.insert(key, value);
    };
}
