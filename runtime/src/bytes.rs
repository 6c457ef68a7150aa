//! Binary fields: Python's `bytes`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};

use crate::array::OwnedData;

/// An owned binary field, Python's `bytes` (msgpack bin).
///
/// Use it (or a borrowed `&[u8]`) for binary data; a `Vec<u8>` field stays a list of integers,
/// as pydantic's `list[int]`. `Debug` prints like Python's `repr(bytes)`, cut after 64 bytes.
///
/// Like an [`NdArray`](crate::NdArray)'s elements, its bytes are a vector of its own or, decoded
/// from a message in a shared buffer ([`msgpack::from_shared`](crate::msgpack::from_shared)), a
/// part of that buffer, copied on write ([`is_shared`](Self::is_shared) tells); a large one is
/// sent as a piece of its own by [`msgpack::to_pieces`](crate::msgpack::to_pieces).
///
/// ```
/// use chainmodel::Bytes;
///
/// let b = Bytes::from(vec![0x00, b'h', b'i', 0xff]);
/// assert_eq!(&b[1..3], b"hi");
/// assert_eq!(format!("{b:?}"), r"b'\x00hi\xff'");
/// ```
#[derive(Clone, Default)]
pub struct Bytes(OwnedData<u8>);

impl Bytes {
    /// Empty bytes.
    pub const fn new() -> Self {
        Bytes(OwnedData::EMPTY)
    }

    /// The bytes as a vector (moved out when it was given as one and nothing else holds it,
    /// else copied).
    pub fn into_vec(self) -> Vec<u8> {
        self.0.into_vec()
    }

    /// Whether the bytes are a part of the received message they were decoded from, shared
    /// rather than copied.
    pub fn is_shared(&self) -> bool {
        self.0.is_shared_body()
    }

    pub(crate) fn from_data(data: OwnedData<u8>) -> Self {
        Bytes(data)
    }

    pub(crate) fn data(&self) -> &OwnedData<u8> {
        &self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes(OwnedData::from_vec(bytes))
    }
}

impl From<&[u8]> for Bytes {
    fn from(bytes: &[u8]) -> Self {
        Bytes::from(bytes.to_vec())
    }
}

impl<const N: usize> From<[u8; N]> for Bytes {
    fn from(bytes: [u8; N]) -> Self {
        Bytes::from(bytes.to_vec())
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(bytes: Bytes) -> Self {
        bytes.into_vec()
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

impl DerefMut for Bytes {
    /// The bytes, writable: copied first when shared with something else (copy on write).
    fn deref_mut(&mut self) -> &mut [u8] {
        self.0.as_mut_slice()
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Bytes {}

impl PartialOrd for Bytes {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Bytes {
    fn cmp(&self, other: &Self) -> Ordering {
        (**self).cmp(&**other)
    }
}

impl Hash for Bytes {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

/// How many bytes `Debug` shows before it stops with `...`.
const DEBUG_LIMIT: usize = 64;

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = &self[..self.len().min(DEBUG_LIMIT)];
        // Python's choice: double quotes when that spares escaping single ones.
        let quote = if shown.contains(&b'\'') && !shown.contains(&b'"') { b'"' } else { b'\'' };
        write!(f, "b{}", char::from(quote))?;
        for &byte in shown {
            match byte {
                b'\\' => f.write_str(r"\\")?,
                _ if byte == quote => write!(f, "\\{}", char::from(byte))?,
                b'\n' => f.write_str(r"\n")?,
                b'\r' => f.write_str(r"\r")?,
                b'\t' => f.write_str(r"\t")?,
                0x20..=0x7e => write!(f, "{}", char::from(byte))?,
                _ => write!(f, "\\x{byte:02x}")?,
            }
        }
        write!(f, "{}", char::from(quote))?;
        if self.len() > DEBUG_LIMIT {
            write!(f, "... ({} bytes)", self.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_reads_like_python_and_is_cut() {
        assert_eq!(format!("{:?}", Bytes::from(*b"a'\\\n\t\r\x7f")), r#"b"a'\\\n\t\r\x7f""#);
        assert_eq!(format!("{:?}", Bytes::from(*b"'\"")), r#"b'\'"'"#);
        let long = Bytes::from(vec![b'x'; 100]);
        assert_eq!(format!("{long:?}"), format!("b'{}'... (100 bytes)", "x".repeat(64)));
    }

    #[test]
    fn derefs_to_a_slice() {
        let mut b = Bytes::from(vec![1, 2, 3]);
        b[0] = 9;
        assert_eq!(&*b, &[9, 2, 3]);
        assert_eq!(b.len(), 3);
        assert_eq!(Vec::from(b), vec![9, 2, 3]);
    }
}
