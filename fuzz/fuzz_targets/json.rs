//! Arbitrary bytes as a model in JSON mode, and as truss's server reads a body; what decodes
//! re-encodes stably, and what does not is an error that renders (every error, its inputs).
#![no_main]

use chainmodel::prelude::*;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses some of the models
mod model;

fuzz_target!(|data: &[u8]| {
    if let Err(error) = chainmodel::json::from_truss_body::<model::Document>(data, &chainmodel::Limits::DEFAULT) {
        check_error(&error);
    }
    let decoded = chainmodel::json::from_slice::<model::Document>(data);
    if let Err(error) = &decoded {
        check_error(error);
    }
    if let Ok(document) = decoded {
        let once = document.to_json().expect("encoding does not fail");
        // NaN and infinities are written as null, which a float field does not read back.
        if let Ok(again) = model::Document::from_json(&once) {
            assert_eq!(again.to_json().expect("encoding does not fail"), once);
        }
    }
    let _ = chainmodel::json::from_slice::<Value>(data);
});

/// An error renders in every form, within its bounds.
fn check_error(error: &chainmodel::Error) {
    assert!(error.count() <= chainmodel::Error::MAX_ERRORS);
    let errors = error.to_pydantic_errors();
    assert!(errors.as_array().map(Vec::len) >= Some(error.count()));
    let _ = (error.to_string(), error.to_truss_text());
}
