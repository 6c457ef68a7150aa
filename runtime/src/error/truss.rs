//! An error as truss's server words it in the `400` it answers bad input with.

use super::{Error, TRUNCATED};

impl Error {
    /// The text truss's server answers bad input with (its `format_pydantic_validation_error`,
    /// the `error` of a `400`): `Input Parsing Error:` (or `Errors:` when there are several),
    /// then one indented line per error, `` `loc`: msg. ``, the location written as
    /// `items[1].value`. An error cut short at [`MAX_ERRORS`](Self::MAX_ERRORS) says so in a
    /// last line.
    ///
    /// ```
    /// use chainmodel::prelude::*;
    ///
    /// #[derive(ChainModel, Debug)]
    /// struct Item { value: i64 }
    /// #[derive(ChainModel, Debug)]
    /// struct Items { items: Vec<Item> }
    ///
    /// let err = Items::from_json(r#"{"items": [{"value": 1}, {}]}"#).unwrap_err();
    /// assert_eq!(err.to_truss_text(), "Input Parsing Error:\n  `items[1].value`: Field required.");
    /// ```
    pub fn to_truss_text(&self) -> String {
        let errors = self.to_pydantic_errors();
        let errors = errors.as_array().map(Vec::as_slice).unwrap_or_default();
        let mut text = String::from(if errors.len() == 1 { "Input Parsing Error:" } else { "Input Parsing Errors:" });
        for error in errors {
            let loc = error["loc"].as_array().map(Vec::as_slice).unwrap_or_default();
            let msg = error["msg"].as_str().unwrap_or_default();
            text.push_str("\n  `");
            text.push_str(&loc_to_dot_sep(loc));
            text.push_str("`: ");
            text.push_str(msg);
            text.push('.');
        }
        if self.inner.truncated {
            text.push_str("\n  ");
            text.push_str(TRUNCATED);
        }
        text
    }
}

/// truss's `_loc_to_dot_sep`: `("items", 1, "value")` → `items[1].value`.
fn loc_to_dot_sep(loc: &[serde_json::Value]) -> String {
    let mut out = String::new();
    for (i, part) in loc.iter().enumerate() {
        match part {
            serde_json::Value::String(name) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(name);
            }
            other => {
                out.push('[');
                out.push_str(&other.to_string());
                out.push(']');
            }
        }
    }
    out
}

#[cfg(test)]
mod truss_text_tests {
    use super::loc_to_dot_sep;
    use serde_json::json;

    #[test]
    fn locations_are_rendered_as_truss_renders_them() {
        let loc = [json!("items"), json!(1), json!("value"), json!(0), json!(2)];
        assert_eq!(loc_to_dot_sep(&loc), "items[1].value[0][2]");
        assert_eq!(loc_to_dot_sep(&[json!(3), json!("x")]), "[3].x");
        assert_eq!(loc_to_dot_sep(&[]), "");
    }
}
