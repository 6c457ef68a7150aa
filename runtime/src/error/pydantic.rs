//! An error as pydantic's `ValidationError.errors()` lists it.

use super::{Error, ErrorKind, PathSegment};

impl Error {
    /// The errors as pydantic's `ValidationError.errors(include_url=False)` lists them (as
    /// `.json()` writes them), every error in pydantic's order, each with `type`, `loc`, `msg`,
    /// `input` (when it was kept) and `ctx` (when pydantic's error has one):
    /// `[{"type": "missing", "loc": ["items", 1, "x"], "msg": "Field required", "input": {}}]`.
    ///
    /// ```
    /// use chainmodel::prelude::*;
    ///
    /// #[derive(ChainModel, Debug)]
    /// struct Point { x: i64, y: i64 }
    ///
    /// let err = Point::from_json(r#"{"y": "two"}"#).unwrap_err();
    /// assert_eq!(
    ///     err.to_pydantic_errors(),
    ///     serde_json::json!([
    ///         {"type": "missing", "loc": ["x"], "msg": "Field required", "input": {"y": "two"}},
    ///         {"type": "int_parsing", "loc": ["y"], "input": "two",
    ///          "msg": "Input should be a valid integer, unable to parse string as an integer"},
    ///     ])
    /// );
    /// ```
    pub fn to_pydantic_errors(&self) -> serde_json::Value {
        let mut errors = Vec::new();
        for error in std::iter::once(self).chain(&self.inner.more) {
            let input = error.inner.input.as_ref().and_then(|kept| kept.show());
            pydantic_errors(&error.location(), &error.inner.kind, input.as_ref(), &mut errors);
        }
        errors.into()
    }
}

/// Appends the pydantic errors of `kind` at `location`: one, or one per union member.
fn pydantic_errors(
    location: &[PathSegment],
    kind: &ErrorKind,
    input: Option<&serde_json::Value>,
    out: &mut Vec<serde_json::Value>,
) {
    if out.len() >= Error::MAX_ERRORS {
        return;
    }
    if let ErrorKind::NoUnionMember(members) = kind {
        // A member's own error is about the union's input; deeper ones keep their own, or
        // else are about the member's whole value too (a tuple's missing item).
        for (index, (inner, kind)) in members.members().iter().enumerate() {
            let own = || members.input(index).and_then(|kept| kept.show());
            let input = if inner.len() == 1 { input.cloned().or_else(own) } else { own().or_else(|| input.cloned()) };
            pydantic_errors(&[location, inner].concat(), kind, input.as_ref(), out);
        }
        return;
    }
    let loc: Vec<serde_json::Value> = location
        .iter()
        .map(|segment| match segment {
            PathSegment::Field(name) => serde_json::Value::from(name.to_string()),
            PathSegment::Index(index) => serde_json::Value::from(*index),
            PathSegment::Key(key) => {
                serde_json::Number::from_i128(*key).map_or_else(|| key.to_string().into(), serde_json::Value::from)
            }
        })
        .collect();
    let mut error = serde_json::Map::new();
    error.insert("type".into(), kind.pydantic_type().into());
    error.insert("loc".into(), loc.into());
    // pydantic's messages are capitalized; chainmodel's own (array faults) are too, here.
    let message = kind.to_string();
    let mut chars = message.chars();
    let msg: String = chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default();
    error.insert("msg".into(), msg.into());
    if let Some(input) = input {
        error.insert("input".into(), input.clone());
    }
    if let Some(ctx) = kind.pydantic_ctx() {
        error.insert("ctx".into(), ctx);
    }
    out.push(error.into());
}
