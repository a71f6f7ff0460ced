//! A capture → the whole engine with a fixed set of filters.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wiresift::harness::engine_bytes(data));
