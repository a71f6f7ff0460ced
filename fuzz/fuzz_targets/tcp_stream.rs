//! A scripted TCP session both ways → reassembly, SMTP and IMF through `Conversations::process`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wiresift::harness::tcp_stream(data));
