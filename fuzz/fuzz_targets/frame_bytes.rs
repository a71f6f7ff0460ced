//! A link-type byte and a frame → `dissect_frame` with every field and the columns.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wiresift::harness::frame_bytes(data));
