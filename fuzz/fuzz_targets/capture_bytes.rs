//! Capture bytes → `CaptureReader::from_reader`, reading every frame.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wiresift::harness::capture_bytes(data));
