//! Arbitrary bytes as an owned model in binary mode: a value or an error, never a panic; what
//! decodes re-encodes to a message that decodes to the same encoding.
#![no_main]

use chainmodel::prelude::*;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses some of the models
mod model;

fuzz_target!(|data: &[u8]| {
    if let Ok(document) = model::Document::from_msgpack(data) {
        let once = document.to_msgpack().expect("encoding does not fail");
        let again = model::Document::from_msgpack(&once).expect("our own encoding decodes");
        assert_eq!(chainmodel::msgpack::to_vec(&again).expect("encoding does not fail"), once);
    }
    let _ = chainmodel::msgpack::from_slice::<Value>(data);
});
