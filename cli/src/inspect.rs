//! A payload as a readable tree: keys, types, arrays as numpy prints them, bytes in hex.

use std::fmt::Write;

use chainmodel::{AnyArray, Value};

/// Children shown per list or dict; the rest are counted.
const MAX_CHILDREN: usize = 100;
/// Characters of a string shown.
const MAX_STR: usize = 200;
/// Bytes of a `bytes` value shown in hex.
const HEX_PREVIEW: usize = 32;

/// The tree of `value`, one line per node, children under `├──` / `└──`.
pub fn tree(value: &Value) -> String {
    let mut out = String::new();
    node(&mut out, value, "");
    out
}

/// Writes `value`'s summary (ending the current line) and its children below it, each line
/// starting with `indent`.
fn node(out: &mut String, value: &Value, indent: &str) {
    match value {
        Value::List(items) => {
            let _ = writeln!(out, "list, {}", count(items.len(), "item"));
            let children = items.iter().enumerate().map(|(i, item)| (format!("[{i}]"), item));
            branches(out, children, items.len(), indent);
        }
        Value::Map(entries) => {
            let _ = writeln!(out, "dict, {}", count(entries.len(), "key"));
            let children = entries.iter().map(|(key, item)| {
                let key = match key {
                    Value::Str(s) => s.clone(),
                    other => format!("{other:?}"),
                };
                (key, item)
            });
            branches(out, children, entries.len(), indent);
        }
        Value::Array(array) => {
            let _ = writeln!(out, "{}", array_summary(array));
            for line in array.to_string().lines() {
                let _ = writeln!(out, "{indent}    {line}");
            }
        }
        scalar => {
            let _ = writeln!(out, "{}", scalar_summary(scalar));
        }
    }
}

fn branches<'a>(out: &mut String, children: impl Iterator<Item = (String, &'a Value)>, len: usize, indent: &str) {
    let shown = len.min(MAX_CHILDREN);
    for (i, (label, child)) in children.take(shown).enumerate() {
        let last = i + 1 == shown && shown == len;
        let (branch, continuation) = if last { ("└── ", "    ") } else { ("├── ", "│   ") };
        let _ = write!(out, "{indent}{branch}{label}: ");
        node(out, child, &format!("{indent}{continuation}"));
    }
    if shown < len {
        let _ = writeln!(out, "{indent}└── … {} more", len - shown);
    }
}

fn array_summary(array: &AnyArray) -> String {
    let shape = match array.shape() {
        [n] => format!("({n},)"),
        dims => format!("({})", dims.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    };
    format!("ndarray, dtype {}, shape {shape}, {} bytes", array.dtype(), array.as_bytes().len())
}

fn scalar_summary(value: &Value) -> String {
    match value {
        Value::Nil => "None".to_owned(),
        Value::Bool(_) => format!("bool, {value:?}"),
        Value::Int(_) => format!("int, {value:?}"),
        Value::Float(_) => format!("float, {value:?}"),
        Value::Str(s) => {
            let chars = s.chars().count();
            if chars <= MAX_STR {
                format!("str, {}: {value:?}", count(chars, "char"))
            } else {
                let head: String = s.chars().take(MAX_STR).collect();
                format!("str, {}: {:?}…", count(chars, "char"), Value::Str(head))
            }
        }
        Value::Bytes(bytes) => {
            let hex: Vec<String> = bytes.iter().take(HEX_PREVIEW).map(|b| format!("{b:02x}")).collect();
            let more = if bytes.len() > HEX_PREVIEW { " …" } else { "" };
            format!("bytes, {}: {}{more}", count(bytes.len(), "byte"), hex.join(" "))
        }
        // truss's extension types (datetime, date, time, timedelta, Decimal, UUID) by name.
        other => format!("{other:?}"),
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}
