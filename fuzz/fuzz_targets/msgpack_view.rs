//! Arbitrary bytes as a borrowing model in binary mode (views, `&str`, `&[u8]`).
#![no_main]

use chainmodel::prelude::*;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses some of the models
mod model;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = model::Frame::from_msgpack(data) {
        let once = frame.to_msgpack().expect("encoding does not fail");
        let again = model::Frame::from_msgpack(&once).expect("our own encoding decodes");
        assert_eq!(again.to_msgpack().expect("encoding does not fail"), once);
    }
});
