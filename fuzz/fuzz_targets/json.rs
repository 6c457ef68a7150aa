//! Arbitrary bytes as a model in JSON mode; what decodes re-encodes stably.
#![no_main]

use chainmodel::prelude::*;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses some of the models
mod model;

fuzz_target!(|data: &[u8]| {
    if let Ok(document) = chainmodel::json::from_slice::<model::Document>(data) {
        let once = document.to_json().expect("encoding does not fail");
        // NaN and infinities are written as null, which a float field does not read back.
        if let Ok(again) = model::Document::from_json(&once) {
            assert_eq!(again.to_json().expect("encoding does not fail"), once);
        }
    }
    let _ = chainmodel::json::from_slice::<Value>(data);
});
