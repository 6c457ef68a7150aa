//! truss's `RemoteErrorDetail`: how a chainlet's exception travels in an error response.

use std::fmt::{self, Write};

use crate::serde_json::{Map, Value, json};

/// Header naming the service that produced an error; truss's server is service `04`.
pub const ERROR_SOURCE_HEADER: &str = "x-baseten-error-source";
/// Header classifying an error: `700` the client's fault, `600` the model's (truss's codes).
pub const ERROR_CODE_HEADER: &str = "x-baseten-error-code";

/// One frame of a [`RemoteErrorDetail`]'s `user_stack_trace` (truss's
/// `RemoteErrorDetail.StackFrame`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackFrame {
    /// The source file.
    pub filename: String,
    /// The line in it.
    pub lineno: Option<u32>,
    /// The function.
    pub name: String,
    /// The source line's text.
    pub line: Option<String>,
}

/// A chainlet's exception as truss sends it in the body of a failed call,
/// `{"error": {exception_cls_name, exception_module_name, exception_message, user_stack_trace}}`:
/// what the Python chains stub re-raises, and what [`format`](Self::format) renders as truss does.
///
/// ```
/// use chainmodel::client::{RemoteErrorDetail, StackFrame};
///
/// let detail = RemoteErrorDetail {
///     exception_cls_name: "ValueError".into(),
///     exception_module_name: None,
///     exception_message: "This input is too long: 100.".into(),
///     user_stack_trace: vec![StackFrame {
///         filename: "/app/model/chain.py".into(),
///         lineno: Some(36),
///         name: "validate_data".into(),
///         line: Some("    raise ValueError(f\"This input is too long: {len(data)}.\")".into()),
///     }],
/// };
/// assert_eq!(
///     detail.format(),
///     "Chainlet-Traceback (most recent call last):\n  \
///        File \"/app/model/chain.py\", line 36, in validate_data\n    \
///          raise ValueError(f\"This input is too long: {len(data)}.\")\n\
///      ValueError: This input is too long: 100."
/// );
/// assert_eq!(RemoteErrorDetail::from_json(&detail.to_json()), Some(detail));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteErrorDetail {
    /// The exception's class name, `ValueError`.
    pub exception_cls_name: String,
    /// The module that defines the class; `None` for Python's builtins.
    pub exception_module_name: Option<String>,
    /// `str(exception)`.
    pub exception_message: String,
    /// The frames of the user's code, outermost first.
    pub user_stack_trace: Vec<StackFrame>,
}

impl RemoteErrorDetail {
    /// The detail's JSON, as truss sends it.
    pub fn to_json(&self) -> Value {
        let stack: Vec<Value> = self
            .user_stack_trace
            .iter()
            .map(|f| json!({"filename": f.filename, "lineno": f.lineno, "name": f.name, "line": f.line}))
            .collect();
        json!({
            "exception_cls_name": self.exception_cls_name,
            "exception_module_name": self.exception_module_name,
            "exception_message": self.exception_message,
            "user_stack_trace": stack,
        })
    }

    /// Reads the detail as the Python stub validates it (`RemoteErrorDetail.model_validate`, a
    /// truss `SafeModel`): every key required (`null` for the optional ones), strict types
    /// (`lineno` an integer or `null`, not `"3"`, `3.0` or `true`), and unknown keys, at the
    /// top and in the frames, ignored (pydantic's default, which `SafeModel` keeps); `None`
    /// when `error` is not one.
    pub fn from_json(error: &Value) -> Option<Self> {
        let object = with_keys(
            error,
            &["exception_cls_name", "exception_module_name", "exception_message", "user_stack_trace"],
        )?;
        let stack = object["user_stack_trace"].as_array()?;
        Some(RemoteErrorDetail {
            exception_cls_name: object["exception_cls_name"].as_str()?.to_owned(),
            exception_module_name: optional_str(&object["exception_module_name"])?,
            exception_message: object["exception_message"].as_str()?.to_owned(),
            user_stack_trace: stack.iter().map(frame_from_json).collect::<Option<_>>()?,
        })
    }

    /// truss's `RemoteErrorDetail.format()`: `Chainlet-Traceback (most recent call last):`, the
    /// frames as Python's `traceback.format_list` prints them, then `Class: message` (and the
    /// module that defines the class, when it is not a builtin).
    pub fn format(&self) -> String {
        let mut out = String::from("Chainlet-Traceback (most recent call last):\n");
        for frame in &self.user_stack_trace {
            let lineno = frame.lineno.map_or_else(|| "None".to_owned(), |n| n.to_string());
            let _ = writeln!(out, "  File \"{}\", line {lineno}, in {}", frame.filename, frame.name);
            if let Some(line) = frame.line.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
                let _ = writeln!(out, "    {line}");
            }
        }
        let _ = write!(out, "{}: {}", self.exception_cls_name, self.exception_message);
        if let Some(module) = self.exception_module_name.as_deref().filter(|m| !m.is_empty()) {
            let _ = write!(out, "\n(Exception class defined in `{module}`.)");
        }
        out
    }
}

impl fmt::Display for RemoteErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format())
    }
}

/// The object `value` is, if it has every one of `keys` (others are ignored).
fn with_keys<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a Map<String, Value>> {
    let object = value.as_object()?;
    keys.iter().all(|k| object.contains_key(*k)).then_some(object)
}

fn optional_str(value: &Value) -> Option<Option<String>> {
    match value {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        _ => None,
    }
}

fn frame_from_json(frame: &Value) -> Option<StackFrame> {
    let object = with_keys(frame, &["filename", "lineno", "name", "line"])?;
    let lineno = match &object["lineno"] {
        Value::Null => None,
        number => Some(u32::try_from(number.as_u64()?).ok()?),
    };
    Some(StackFrame {
        filename: object["filename"].as_str()?.to_owned(),
        lineno,
        name: object["name"].as_str()?.to_owned(),
        line: optional_str(&object["line"])?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail() -> Value {
        json!({
            "exception_cls_name": "ValueError",
            "exception_module_name": null,
            "exception_message": "no luck",
            "user_stack_trace": [{"filename": "chain.py", "lineno": 3, "name": "run_remote", "line": null}],
        })
    }

    #[test]
    fn unknown_keys_are_ignored_as_truss_safe_model_ignores_them() {
        let mut error = detail();
        error["exception_notes"] = json!(["a note"]);
        error["user_stack_trace"][0]["colno"] = json!(7);
        let detail = RemoteErrorDetail::from_json(&error).expect("a detail");
        assert_eq!(detail.exception_message, "no luck");
        assert_eq!(detail.user_stack_trace[0].lineno, Some(3));
        assert_eq!(detail.to_json(), super::tests::detail(), "the unknown keys are dropped");
    }

    #[test]
    fn every_key_is_required_and_types_are_strict() {
        assert!(RemoteErrorDetail::from_json(&detail()).is_some());
        for key in ["exception_cls_name", "exception_module_name", "exception_message", "user_stack_trace"] {
            let mut error = detail();
            error.as_object_mut().unwrap().remove(key);
            assert_eq!(RemoteErrorDetail::from_json(&error), None, "without {key}");
        }
        for key in ["filename", "lineno", "name", "line"] {
            let mut error = detail();
            error["user_stack_trace"][0].as_object_mut().unwrap().remove(key);
            assert_eq!(RemoteErrorDetail::from_json(&error), None, "without {key}");
        }
        for lineno in [json!("3"), json!(3.0), json!(true)] {
            let mut error = detail();
            error["user_stack_trace"][0]["lineno"] = lineno.clone();
            assert_eq!(RemoteErrorDetail::from_json(&error), None, "lineno {lineno}");
        }
        let mut error = detail();
        error["exception_message"] = json!(5);
        assert_eq!(RemoteErrorDetail::from_json(&error), None);
    }
}
