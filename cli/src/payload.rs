//! Payloads on disk or stdin: JSON-mode text or msgpack, read as a `Value`.

use std::fmt;
use std::io::Read;
use std::path::Path;

use chainmodel::{Value, json, msgpack};
use clap::ValueEnum;

/// The two encodings truss speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// JSON-mode text (pydantic's JSON; arrays as `{"data_b64", "shape", "dtype"}`).
    Json,
    /// Binary mode: msgpack, arrays as msgpack_numpy maps.
    Msgpack,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Json => "JSON",
            Format::Msgpack => "msgpack",
        })
    }
}

/// Reads `path` (`-` or none: stdin).
pub fn read(path: Option<&Path>) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    match path {
        None => std::io::stdin().read_to_end(&mut bytes).map(drop).map_err(|e| format!("cannot read stdin: {e}"))?,
        Some(path) if path == Path::new("-") => return read(None),
        Some(path) => bytes = std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?,
    }
    Ok(bytes)
}

/// Reads a payload in `format`, or, without one, as JSON when it is JSON and else as msgpack.
pub fn parse(bytes: &[u8], format: Option<Format>) -> Result<(Format, Value), String> {
    let as_json = || json::from_slice::<Value>(bytes).map_err(|e| format!("not valid JSON: {e}"));
    let as_msgpack = || msgpack::from_slice::<Value>(bytes).map_err(|e| format!("not valid msgpack: {e}"));
    match format {
        Some(Format::Json) => as_json().map(|v| (Format::Json, v)),
        Some(Format::Msgpack) => as_msgpack().map(|v| (Format::Msgpack, v)),
        None => {
            if bytes.is_empty() {
                return Err("the input is empty: expected JSON or msgpack".into());
            }
            match as_json() {
                Ok(value) => Ok((Format::Json, value)),
                Err(json_error) => match as_msgpack() {
                    Ok(value) => Ok((Format::Msgpack, value)),
                    // Text that starts like a JSON document was meant to be JSON.
                    Err(_) if looks_like_json(bytes) => Err(format!("the input is {json_error}")),
                    Err(msgpack_error) => Err(format!("the input is neither JSON nor msgpack: {msgpack_error}")),
                },
            }
        }
    }
}

fn looks_like_json(bytes: &[u8]) -> bool {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    matches!(first, Some(b'{' | b'[' | b'"'))
}

/// The location of the first `bytes` value, which JSON cannot hold, dotted as pydantic
/// writes locations (`items.1.blob`).
pub fn find_bytes(value: &Value) -> Option<String> {
    fn walk(value: &Value, path: &mut Vec<String>) -> bool {
        match value {
            Value::Bytes(_) => true,
            Value::List(items) => items.iter().enumerate().any(|(i, item)| {
                path.push(i.to_string());
                walk(item, path) || {
                    path.pop();
                    false
                }
            }),
            Value::Map(entries) => entries.iter().any(|(key, item)| {
                path.push(match key {
                    Value::Str(s) => s.clone(),
                    other => format!("{other:?}"),
                });
                walk(item, path) || {
                    path.pop();
                    false
                }
            }),
            _ => false,
        }
    }
    let mut path = Vec::new();
    walk(value, &mut path)
        .then(|| if path.is_empty() { "the top level".to_owned() } else { format!("`{}`", path.join(".")) })
}

/// The JSON-mode text of `value`; an error naming where bytes are, since JSON has no form for them.
pub fn to_json(value: &Value) -> Result<String, String> {
    if let Some(path) = find_bytes(value) {
        return Err(format!(
            "bytes at {path} have no JSON form (pydantic cannot write them either); keep the payload in msgpack"
        ));
    }
    json::to_string(value).map_err(|e| e.to_string())
}

/// The msgpack of `value`: arrays 8-byte aligned (chainmodel's default), or exactly as
/// Python's `truss_msgpack_serialize` writes them with `compact`.
pub fn to_msgpack(value: &Value, compact: bool) -> Result<Vec<u8>, String> {
    let bytes = if compact { msgpack::to_vec_compact(value) } else { msgpack::to_vec(value) };
    bytes.map_err(|e| e.to_string())
}
