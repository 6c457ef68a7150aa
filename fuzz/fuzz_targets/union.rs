//! Arbitrary bytes as a plain union of recursive models, in JSON mode, as truss's server reads
//! a body, in binary mode and from a `Value` (lent and owned): every reader agrees, what
//! decodes re-encodes stably, and errors render within their bounds.
#![no_main]

use chainmodel::prelude::*;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses some of the models
mod model;

fuzz_target!(|data: &[u8]| {
    let json = chainmodel::json::from_slice::<model::Tree>(data);
    match &json {
        Ok(tree) => {
            let once = tree.to_json().expect("encoding does not fail");
            let again = model::Tree::from_json(&once).expect("what was written reads back");
            assert_eq!(again.to_json().expect("encoding does not fail"), once);
        }
        Err(error) => check_error(error),
    }
    if let Err(error) = chainmodel::json::from_truss_body::<model::Tree>(data, &chainmodel::Limits::DEFAULT) {
        check_error(&error);
    }
    // The same dict in binary mode and as a `Value` chooses the same members.
    if let Ok(dict) = chainmodel::json::from_slice::<Value>(data)
        && let Ok(packed) = chainmodel::msgpack::to_vec(&dict)
    {
        let binary = model::Tree::from_msgpack(&packed);
        let lent = model::Tree::from_value(&dict);
        let owned = model::Tree::from_value_owned(dict.clone());
        assert_eq!(binary.as_ref().ok(), lent.as_ref().ok());
        assert_eq!(lent.as_ref().ok(), owned.as_ref().ok());
        for result in [binary, lent, owned] {
            if let Err(error) = result {
                check_error(&error);
            }
        }
    }
    match model::Tree::from_msgpack(data) {
        Ok(tree) => {
            let packed = tree.to_msgpack().expect("encoding does not fail");
            assert_eq!(model::Tree::from_msgpack(&packed).expect("what was written reads back"), tree);
        }
        Err(error) => check_error(&error),
    }
});

/// An error renders in every form, within its bounds.
fn check_error(error: &chainmodel::Error) {
    assert!(error.count() <= chainmodel::Error::MAX_ERRORS);
    let errors = error.to_pydantic_errors();
    assert!(errors.as_array().map_or(0, Vec::len) <= chainmodel::Error::MAX_ERRORS);
    let text = error.to_string();
    assert!(text.len() < 64 << 20);
    let _ = (error.to_truss_text(), format!("{error:?}"));
}
