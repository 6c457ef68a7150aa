//! Arbitrary bytes as an owned model in binary mode: a value or an error, never a panic; what
//! decodes re-encodes to a message that decodes to the same encoding.
#![no_main]

use chainmodel::prelude::*;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses some of the models
mod model;

fuzz_target!(|data: &[u8]| {
    let decoded = model::Document::from_msgpack(data);
    if let Err(error) = &decoded {
        // Every error renders, within its bounds.
        assert!(error.count() <= chainmodel::Error::MAX_ERRORS);
        let errors = error.to_pydantic_errors();
        assert!(errors.as_array().map(Vec::len) >= Some(error.count()));
        let _ = (error.to_string(), error.to_truss_text());
    }
    if let Ok(document) = decoded {
        let once = document.to_msgpack().expect("encoding does not fail");
        let again = model::Document::from_msgpack(&once).expect("our own encoding decodes");
        assert_eq!(chainmodel::msgpack::to_vec(&again).expect("encoding does not fail"), once);
    }
    let _ = chainmodel::msgpack::from_slice::<Value>(data);
});
