//! Filter text → compile → evaluate on a fixed packet (see `wiresift::harness::filter_text`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Filters arrive as text; invalid UTF-8 is rejected before compiling (tested in tests/).
    if let Ok(text) = std::str::from_utf8(data) {
        wiresift::harness::filter_text(text);
    }
});
