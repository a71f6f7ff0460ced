//! One test per bug found by fuzzing or review, named after what broke, with the input inline.

use std::io::{self, Read};

use wiresift::capture::CaptureReader;

/// A `Read` that breaks its contract: it says it read more bytes than the buffer holds.
struct Liar(Vec<u8>);

impl Read for Liar {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0.drain(..n);
        Ok(if n == 0 { 0 } else { n + 7 })
    }
}

/// Found by clippy's indexing_slicing review of capture/input.rs: the count a reader returned
/// was trusted, and the next slice of the 2-byte magic buffer panicked.
#[test]
fn a_reader_claiming_more_bytes_than_it_was_given() {
    let mut pcap = Vec::new();
    for x in [0xa1b2c3d4u32, 0x0004_0002, 0, 0, 65535, 1, 1, 0, 4, 4] {
        pcap.extend_from_slice(&x.to_le_bytes());
    }
    pcap.extend_from_slice(b"abcd");
    // Whatever it makes of the garbage, it must not panic.
    if let Ok(mut r) = CaptureReader::from_reader(Liar(pcap)) {
        for f in r.frames() {
            if f.is_err() {
                break;
            }
        }
    }
}

/// Found by tests/hostile_filters.rs: the did-you-mean search compared an unknown name with
/// every field by edit distance, quadratic in the name's length: a 1 MiB name took minutes.
#[test]
fn did_you_mean_on_a_megabyte_long_name() {
    let start = std::time::Instant::now();
    let name = "x".repeat(1 << 20);
    assert_eq!(wiresift::registry::suggest(&name), None);
    assert!(wiresift::filter::compile(&name).is_err());
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

/// Reported by the `tcp_stream` fuzz target as a libFuzzer timeout (over 10 s, under
/// AddressSanitizer on an overloaded machine; the stack was in the details tree). Not a bug: the
/// 64 KiB script is ~1,500 frames dissected twice, 0.2 s in a release build, ~2 s in debug. Kept so
/// that it stays that way.
#[test]
fn tcp_stream_timeout_input_finishes_in_time() {
    let script = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/regressions/tcp_stream_timeout.bin"
    ))
    .unwrap();
    let start = std::time::Instant::now();
    wiresift::harness::tcp_stream(&script);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}
