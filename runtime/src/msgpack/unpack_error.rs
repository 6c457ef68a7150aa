//! The text of the exception truss's server gets when `msgpack.unpackb` (msgpack 1.1.0's C
//! extension, as `truss_msgpack_deserialize` calls it: `raw=False`, `strict_map_key=True`,
//! truss's `object_hook`) refuses a binary request body. truss answers it bare, with no
//! `Input Parsing Error` around it (`{"error": "Unpack failed: incomplete input"}`), before
//! any validation, so a Rust chainlet must find the same first error in the same words.
//!
//! The body is walked as msgpack's unpacker walks it, in the order of its bytes (with a stack
//! of open containers, so deep nesting costs heap, not stack), and the first of these errors
//! wins, each worded as Python words it:
//!
//! - a byte `0xC1`: `FormatError`, whose text is empty;
//! - a container opened while 1024 are open (empty ones count): `StackError`, empty too;
//! - a list longer than the body's length, a map longer than half of it:
//!   `{n} exceeds max_array_len({len})`, `{n} exceeds max_map_len({len // 2})`;
//! - a str whose bytes are not UTF-8: the `UnicodeDecodeError`, positions in the str;
//! - an ext of a negative code other than -1: `code must be 0~127` (`ExtType`'s);
//! - a timestamp (ext -1) of a length other than 4, 8 or 12 bytes: `Unpack failed: error = -1`;
//!   with nanoseconds past a second: `Timestamp`'s own `ValueError`;
//! - a map key, once its value is read, that is neither str nor bin:
//!   `int is not allowed for map key when strict_map_key=True` (`NoneType`, `bool`, `float`,
//!   `list`, `dict`, `ExtType`, `Timestamp`);
//! - a finished map that truss's hook refuses (`{b"nd": True, b"kind": b"O"}`, a pickled numpy
//!   array): `unsupported payload`;
//! - the body ending inside a value: `Unpack failed: incomplete input`;
//! - bytes after the value: `unpack(b) received extra data.`
//!
//! Not emulated: the other refusals of truss's hook and of msgpack_numpy's (a malformed
//! `__dt_datetime_iso__`, `__uuid__`, `__dt_timedelta__` or `__decimal__` map, an array numpy
//! cannot build), which Python raises after the map is read; chainmodel's own error stands there.

/// msgpack-python's `MSGPACK_EMBED_STACK_SIZE`: the most containers open at once.
const STACK_SIZE: usize = 1024;

/// The text of the exception `truss_msgpack_deserialize(bytes)` raises, or `None` if it reads
/// the body (so that its refusal, if any, comes from validation).
pub(crate) fn truss_unpack_error(bytes: &[u8]) -> Option<String> {
    Walker { bytes, pos: 0 }.walk().err()
}

/// A value once read, as much of it as the checks need.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Value {
    Nil,
    Bool(bool),
    Int,
    Float,
    Str,
    /// A bin, told apart when it is one of the bytes truss's hook looks for.
    Bin(Tag),
    List,
    Map,
    Ext,
    Timestamp,
}

/// The bin values truss's hook compares with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Nd,
    Kind,
    Object,
    Other,
}

impl Value {
    /// Python's type name of the value (`type(key).__name__`), for a key that is no str or bin.
    fn type_name(self) -> Option<&'static str> {
        Some(match self {
            Value::Str | Value::Bin(_) => return None,
            Value::Nil => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int => "int",
            Value::Float => "float",
            Value::List => "list",
            Value::Map => "dict",
            Value::Ext => "ExtType",
            Value::Timestamp => "Timestamp",
        })
    }
}

/// An open container.
enum Open {
    List { left: u64 },
    Map { left: u64, key: Option<Value>, nd_is_true: bool, kind_is_object: bool },
}

struct Walker<'b> {
    bytes: &'b [u8],
    pos: usize,
}

const INCOMPLETE: &str = "Unpack failed: incomplete input";

impl<'b> Walker<'b> {
    /// The next `n` bytes.
    fn take(&mut self, n: usize) -> Result<&'b [u8], String> {
        let end =
            self.pos.checked_add(n).filter(|&end| end <= self.bytes.len()).ok_or_else(|| INCOMPLETE.to_owned())?;
        let taken = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(taken)
    }

    /// A big-endian unsigned integer of `n` bytes (at most 8).
    fn uint(&mut self, n: usize) -> Result<u64, String> {
        Ok(self.take(n)?.iter().fold(0, |value, &byte| value << 8 | u64::from(byte)))
    }

    fn walk(mut self) -> Result<(), String> {
        let len = self.bytes.len() as u64;
        let mut open: Vec<Open> = Vec::new();
        loop {
            let marker = self.take(1)?[0];
            let mut value = match marker {
                0x00..=0x7f | 0xe0..=0xff => Value::Int,
                0xc0 => Value::Nil,
                0xc1 => return Err(String::new()),
                0xc2 | 0xc3 => Value::Bool(marker == 0xc3),
                0xcc..=0xcf => {
                    self.take(1 << (marker - 0xcc))?;
                    Value::Int
                }
                0xd0..=0xd3 => {
                    self.take(1 << (marker - 0xd0))?;
                    Value::Int
                }
                0xca | 0xcb => {
                    self.take(if marker == 0xca { 4 } else { 8 })?;
                    Value::Float
                }
                0xa0..=0xbf | 0xd9..=0xdb => {
                    let n = match marker {
                        0xa0..=0xbf => u64::from(marker & 0x1f),
                        _ => self.uint(1 << (marker - 0xd9))?,
                    };
                    let text = self.take(usize::try_from(n).unwrap_or(usize::MAX))?;
                    if let Err(error) = std::str::from_utf8(text) {
                        return Err(crate::json::strict_utf8_error_text(text, error.valid_up_to()));
                    }
                    Value::Str
                }
                0xc4..=0xc6 => {
                    let n = self.uint(1 << (marker - 0xc4))?;
                    let data = self.take(usize::try_from(n).unwrap_or(usize::MAX))?;
                    Value::Bin(match data {
                        b"nd" => Tag::Nd,
                        b"kind" => Tag::Kind,
                        b"O" => Tag::Object,
                        _ => Tag::Other,
                    })
                }
                0xd4..=0xd8 | 0xc7..=0xc9 => {
                    let n = match marker {
                        0xd4..=0xd8 => 1 << (marker - 0xd4),
                        _ => self.uint(1 << (marker - 0xc7))?,
                    };
                    let code = self.take(1)?[0];
                    let data = self.take(usize::try_from(n).unwrap_or(usize::MAX))?;
                    match code {
                        0xff => timestamp(data)?,
                        // `ExtType(code, data)` refuses the other negative codes.
                        0x80..=0xfe => return Err("code must be 0~127".to_owned()),
                        _ => Value::Ext,
                    }
                }
                0x90..=0x9f | 0xdc | 0xdd | 0x80..=0x8f | 0xde | 0xdf => {
                    let is_map = matches!(marker, 0x80..=0x8f | 0xde | 0xdf);
                    let count = match marker {
                        0x80..=0x9f => u64::from(marker & 0x0f),
                        0xdc | 0xde => self.uint(2)?,
                        _ => self.uint(4)?,
                    };
                    if open.len() >= STACK_SIZE {
                        return Err(String::new());
                    }
                    let (max, name) = if is_map { (len / 2, "max_map_len") } else { (len, "max_array_len") };
                    if count > max {
                        return Err(format!("{count} exceeds {name}({max})"));
                    }
                    if count > 0 {
                        open.push(if is_map {
                            Open::Map { left: count, key: None, nd_is_true: false, kind_is_object: false }
                        } else {
                            Open::List { left: count }
                        });
                        continue;
                    }
                    if is_map { Value::Map } else { Value::List }
                }
            };
            // The value is read: it ends items of the containers it completes.
            loop {
                match open.last_mut() {
                    None => {
                        return if self.pos < self.bytes.len() {
                            Err("unpack(b) received extra data.".to_owned())
                        } else {
                            Ok(())
                        };
                    }
                    Some(Open::List { left }) => {
                        *left -= 1;
                        if *left > 0 {
                            break;
                        }
                        value = Value::List;
                    }
                    Some(Open::Map { key: key @ None, .. }) => {
                        *key = Some(value);
                        break;
                    }
                    Some(Open::Map { left, key, nd_is_true, kind_is_object }) => {
                        let key = key.take().unwrap_or(Value::Nil);
                        if let Some(name) = key.type_name() {
                            return Err(format!("{name} is not allowed for map key when strict_map_key=True"));
                        }
                        // A later equal key replaces an earlier one's value, as in a dict.
                        match key {
                            Value::Bin(Tag::Nd) => *nd_is_true = value == Value::Bool(true),
                            Value::Bin(Tag::Kind) => *kind_is_object = value == Value::Bin(Tag::Object),
                            _ => {}
                        }
                        *left -= 1;
                        if *left > 0 {
                            break;
                        }
                        // truss's hook: `obj.get(b"nd") is True and obj.get(b"kind") == b"O"`.
                        if *nd_is_true && *kind_is_object {
                            return Err("unsupported payload".to_owned());
                        }
                        value = Value::Map;
                    }
                }
                open.pop();
            }
        }
    }
}

/// msgpack's timestamp (ext -1): 4, 8 or 12 bytes, nanoseconds below a second.
fn timestamp(data: &[u8]) -> Result<Value, String> {
    let be = |bytes: &[u8]| bytes.iter().fold(0u64, |value, &byte| value << 8 | u64::from(byte));
    let nanoseconds = match data.len() {
        4 => 0,
        8 => be(data) >> 34,
        12 => be(&data[..4]),
        // The C callback fails without an exception of its own.
        _ => return Err("Unpack failed: error = -1".to_owned()),
    };
    if nanoseconds >= 1_000_000_000 {
        return Err("nanoseconds must be a non-negative integer less than 999999999.".to_owned());
    }
    Ok(Value::Timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts of msgpack 1.1.0's `unpackb` with truss's hook (`truss_msgpack_deserialize`).
    #[test]
    fn matches_msgpack() {
        let deep = |n: usize, last: u8| {
            let mut body = vec![0x91; n];
            body.push(last);
            body
        };
        let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
            (vec![], Some(INCOMPLETE)),
            (vec![0x81, 0x01], Some(INCOMPLETE)),
            (vec![0x81, 0x01, 0x02], Some("int is not allowed for map key when strict_map_key=True")),
            (vec![0x82, 0x01, 0x02, 0xc1], Some("int is not allowed for map key when strict_map_key=True")),
            (vec![0x81, 0x01, 0xc1], Some("")),
            (vec![0x81, 0xc0, 0x02], Some("NoneType is not allowed for map key when strict_map_key=True")),
            (vec![0x81, 0xc3, 0x02], Some("bool is not allowed for map key when strict_map_key=True")),
            (vec![0x81, 0xca, 0, 0, 0, 0, 0x02], Some("float is not allowed for map key when strict_map_key=True")),
            (vec![0x81, 0x90, 0x02], Some("list is not allowed for map key when strict_map_key=True")),
            (
                vec![0x81, 0x81, 0xa1, b'a', 0x01, 0x02],
                Some("dict is not allowed for map key when strict_map_key=True"),
            ),
            (vec![0x81, 0xd4, 0x01, b'x', 0x02], Some("ExtType is not allowed for map key when strict_map_key=True")),
            (
                vec![0x81, 0xd6, 0xff, 0, 0, 0, 1, 0x02],
                Some("Timestamp is not allowed for map key when strict_map_key=True"),
            ),
            (vec![0x81, 0xc4, 0x01, b'a', 0x02], None),
            (
                vec![0x81, 0xa1, 0xff, 0x02],
                Some("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
            ),
            (vec![0x81, 0xa1, 0xff], Some("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte")),
            (
                vec![0x81, 0xa1, b'a', 0xa4, b'a', b'b', 0xff, 0xfe],
                Some("'utf-8' codec can't decode byte 0xff in position 2: invalid start byte"),
            ),
            (
                vec![0x81, 0xa1, b'a', 0xa3, b'a', b'b', 0xe2],
                Some("'utf-8' codec can't decode byte 0xe2 in position 2: unexpected end of data"),
            ),
            (vec![0x80, 0x80], Some("unpack(b) received extra data.")),
            (vec![0x80, 0xc1], Some("unpack(b) received extra data.")),
            (vec![0xa3, b'a', b'b'], Some(INCOMPLETE)),
            (vec![0x91, 0x91, 0xc1], Some("")),
            (vec![0xde, 0x00], Some(INCOMPLETE)),
            (vec![0x82, 0xa1, b'a', 0x01, 0xa1, b'a', 0x02], None),
            (
                vec![0x81, 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
                Some("int is not allowed for map key when strict_map_key=True"),
            ),
            (
                [&[0x82, 0xc4, 0x02][..], b"nd", &[0xc3, 0xc4, 0x04], b"kind", &[0xc4, 0x01, b'O']].concat(),
                Some("unsupported payload"),
            ),
            (
                [&[0x92, 0x82, 0xc4, 0x02][..], b"nd", &[0xc3, 0xc4, 0x04], b"kind", &[0xc4, 0x01, b'O']].concat(),
                Some("unsupported payload"),
            ),
            ([&[0x82, 0xc4, 0x02][..], b"nd", &[0xc3, 0xc4, 0x04], b"kind", &[0xa1, b'O']].concat(), None),
            ([&[0x81, 0xc4, 0x02][..], b"nd", &[0xc3]].concat(), None),
            (vec![0xc7, 0x01, 0x05, b'a'], None),
            (vec![0xd4, 0x80, 0x00], Some("code must be 0~127")),
            (vec![0xd4, 0xfe, 0x00], Some("code must be 0~127")),
            (vec![0xd4, 0xff, 0x00], Some("Unpack failed: error = -1")),
            (vec![0xc7, 0x00, 0xff], Some("Unpack failed: error = -1")),
            (vec![0xc7, 0x10, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], Some("Unpack failed: error = -1")),
            (vec![0xd6, 0xff, 0, 0, 0, 0], None),
            (
                vec![0xd7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                Some("nanoseconds must be a non-negative integer less than 999999999."),
            ),
            (
                vec![0xc7, 0x0c, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0],
                Some("nanoseconds must be a non-negative integer less than 999999999."),
            ),
            (vec![0xc7, 0x05, 0x01, b'a', b'b'], Some(INCOMPLETE)),
            (vec![0xdf, 0xff, 0xff, 0xff, 0xff], Some("4294967295 exceeds max_map_len(2)")),
            (vec![0xdd, 0xff, 0xff, 0xff, 0xff], Some("4294967295 exceeds max_array_len(5)")),
            (vec![0xdb, 0xff, 0xff, 0xff, 0xff], Some(INCOMPLETE)),
            (deep(1023, 0x90), None),
            (deep(1024, 0x01), None),
            (deep(1024, 0x90), Some("")),
            (deep(1024, 0x80), Some("")),
            (deep(1025, 0x01), Some("")),
            (vec![0x91; 1025], Some("")),
            ([b"\x81\xa1a".repeat(1023), vec![0x90]].concat(), None),
            ([b"\x81\xa1a".repeat(1024), vec![0x90]].concat(), Some("")),
            ([b"\x81\xa1a".repeat(1024), vec![0x01]].concat(), None),
        ];
        for (body, expected) in cases {
            assert_eq!(truss_unpack_error(&body).as_deref(), expected, "{body:?}");
        }
    }

    #[test]
    fn never_panics_on_short_input() {
        let interesting = [0x00, 0x81, 0x91, 0xa1, 0xc1, 0xc4, 0xc7, 0xd4, 0xd7, 0xdb, 0xdd, 0xdf, 0xff, b'n', b'd'];
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                truss_unpack_error(&[a, b]);
                for c in interesting {
                    truss_unpack_error(&[a, b, c]);
                    truss_unpack_error(&[c, a, b, 0xff]);
                }
            }
        }
    }
}
