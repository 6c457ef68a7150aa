//! UTF-8 text read from chunks that may split a character.

use super::StreamError;

/// Decodes a text stream's chunks: a character split between two chunks is completed by the
/// next one rather than refused, as truss's stub (which decodes each chunk alone) would.
///
/// ```
/// use chainmodel::chains::streaming::Utf8Chunks;
///
/// let mut text = Utf8Chunks::new();
/// let bytes = "né".as_bytes();
/// assert_eq!(text.push(&bytes[..2]).unwrap(), "n");
/// assert_eq!(text.push(&bytes[2..]).unwrap(), "é");
/// text.finish().unwrap();
/// ```
#[derive(Debug, Default, Clone)]
pub struct Utf8Chunks {
    /// The start of a character whose other bytes have not come yet (at most 3 bytes).
    pending: Vec<u8>,
    /// Bytes decoded so far, for errors.
    offset: u64,
}

impl Utf8Chunks {
    /// A decoder at the start of a stream.
    pub fn new() -> Utf8Chunks {
        Utf8Chunks::default()
    }

    /// The text of `chunk`, with the end of a character the last chunk began; the start of a
    /// character it ends with is kept for the next.
    pub fn push(&mut self, chunk: &[u8]) -> Result<String, StreamError> {
        let joined;
        let bytes: &[u8] = if self.pending.is_empty() {
            chunk
        } else {
            joined = [self.pending.as_slice(), chunk].concat();
            &joined
        };
        let base = self.offset - self.pending.len() as u64;
        let (text, rest) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, &[][..]),
            Err(error) => {
                let valid = error.valid_up_to();
                if error.error_len().is_some() {
                    return Err(StreamError::Utf8 { offset: base + valid as u64 });
                }
                // The end is the start of a character: wait for the rest of it.
                let text = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
                (text, &bytes[valid..])
            }
        };
        let text = text.to_owned();
        self.pending = rest.to_vec();
        self.offset = base + bytes.len() as u64;
        Ok(text)
    }

    /// The end of the stream: a character begun and never finished is an error.
    pub fn finish(&self) -> Result<(), StreamError> {
        if self.pending.is_empty() {
            Ok(())
        } else {
            Err(StreamError::Utf8 { offset: self.offset - self.pending.len() as u64 })
        }
    }
}
