//! The fuzz targets (fuzz/fuzz_targets/) as property tests, so the normal test suite keeps them
//! honest: the same `wiresift::harness` functions, a few hundred arbitrary or mutated inputs each.

use std::fs;

use proptest::prelude::*;
use wiresift::harness;

fn fixture(rel: &str) -> Vec<u8> {
    fs::read(format!("{}/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Small captures of each kind to mutate: pcap, pcapng, gzip, SMTP.
fn seeds() -> Vec<Vec<u8>> {
    [
        "smtp/arkime_smtp-nospaces.pcap",
        "smtp/arkime_smtp-rcpt-553.pcap",
    ]
    .iter()
    .map(|r| fixture(r))
    .chain(small_fixtures())
    .collect()
}

/// Every fixture capture of at most 16 KiB.
fn small_fixtures() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(format!(
        "{}/fixtures",
        env!("CARGO_MANIFEST_DIR")
    ))];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.to_string_lossy().contains(".pcap")
                && e.metadata().unwrap().len() <= 16 << 10
            {
                out.push(fs::read(&p).unwrap());
            }
        }
    }
    out.sort();
    out
}

/// A seed capture with bytes overwritten, inserted or removed, and possibly cut.
fn mutated_capture() -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds();
    let n = seeds.len();
    (
        0..n,
        prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 0..8),
        prop::option::of(any::<prop::sample::Index>()),
    )
        .prop_map(move |(which, edits, cut)| {
            let mut b = seeds[which].clone();
            for (at, kind, byte) in edits {
                if b.is_empty() {
                    break;
                }
                let i = at.index(b.len());
                match kind {
                    0 => b[i] = byte,
                    1 => b.insert(i, byte),
                    _ => {
                        b.remove(i);
                    }
                }
            }
            if let Some(c) = cut {
                let len = c.index(b.len() + 1);
                b.truncate(len);
            }
            b
        })
}

/// Filter text made of the language's pieces, so that most of it gets past the scanner.
fn filter_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "tcp",
        "ip.addr",
        "smtp.req.command",
        "frame.len",
        "eth.src",
        "==",
        "!=",
        ">",
        "in",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ":",
        "-",
        ",",
        "&&",
        "||",
        "!",
        "not",
        "contains",
        "matches",
        "\"a\"",
        "\"\\x41",
        "25",
        "0x19",
        "10.0.0.0/8",
        "00:11:22",
        "..",
        " ",
        "$",
        "@",
        "len(",
        "upper(",
        "${",
        "tcp.flags.syn",
        "\"(a+)+$\"",
        "1.5",
        "-1",
        "'",
        "\\",
        "~",
        "^^",
        "===",
        "imf",
    ]);
    prop::collection::vec(pieces, 0..20).prop_map(|v| v.concat())
}

/// Scripts for `harness::tcp_stream` that look like SMTP: commands, replies, DATA, dots.
fn smtp_script() -> impl Strategy<Value = Vec<u8>> {
    let payload = prop::collection::vec(
        prop::sample::select(
            b"EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n354 go\r\n250-SIZE\r\n250 OK\r\nBDAT 5 LAST\r\nFrom: a\r\nSubject: s\r\n\r\n.\r\nSTARTTLS\r\n220 \x16\x03\x01AUTH PLAIN\r\n334 \r\n"
                .to_vec(),
        ),
        0..80,
    );
    prop::collection::vec((any::<u8>(), payload), 0..30).prop_map(|steps| {
        let mut s = Vec::new();
        for (head, p) in steps {
            s.push(head);
            s.push(p.len() as u8);
            s.extend(p);
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn filter_text_arbitrary(text in "\\PC{0,40}") {
        harness::filter_text(&text);
    }

    #[test]
    fn filter_text_from_pieces(text in filter_like()) {
        harness::filter_text(&text);
    }

    #[test]
    fn capture_bytes_mutated(bytes in mutated_capture()) {
        harness::capture_bytes(&bytes);
    }

    #[test]
    fn capture_bytes_arbitrary(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        // Mostly not a capture; the first bytes decide which parser runs.
        let mut with_magic = vec![0x0a, 0x0d, 0x0d, 0x0a];
        with_magic.extend_from_slice(&bytes);
        harness::capture_bytes(&bytes);
        harness::capture_bytes(&with_magic);
    }

    #[test]
    fn frame_bytes_arbitrary(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        harness::frame_bytes(&bytes);
    }

    #[test]
    fn tcp_stream_arbitrary(script in prop::collection::vec(any::<u8>(), 0..600)) {
        harness::tcp_stream(&script);
    }

    #[test]
    fn tcp_stream_smtp_like(script in smtp_script()) {
        harness::tcp_stream(&script);
    }
}

proptest! {
    // The engine runs each input six times over: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn engine_mutated(bytes in mutated_capture()) {
        harness::engine_bytes(&bytes);
    }
}

/// Frames of real captures with bytes changed: the link type is the capture's.
#[test]
fn frame_bytes_mutated_fixture_frames() {
    use wiresift::capture::CaptureReader;
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(300));
    let mut frames: Vec<Vec<u8>> = Vec::new();
    for bytes in seeds() {
        let Ok(mut r) = CaptureReader::from_reader(std::io::Cursor::new(bytes)) else {
            continue;
        };
        for f in r.frames().map_while(Result::ok).take(8) {
            if let Some(pick) = harness::LINK_TYPES
                .iter()
                .position(|&l| l == f.info.link_type)
            {
                let mut seed = vec![pick as u8];
                seed.extend_from_slice(&f.data);
                frames.push(seed);
            }
        }
    }
    assert!(frames.len() > 50, "{}", frames.len());
    let strategy = (
        prop::sample::select(frames),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        any::<prop::sample::Index>(),
    );
    runner
        .run(&strategy, |(mut f, edits, cut)| {
            for (at, byte) in edits {
                if f.len() > 1 {
                    let i = 1 + at.index(f.len() - 1);
                    f[i] = byte;
                }
            }
            harness::frame_bytes(&f);
            f.truncate(1 + cut.index(f.len()));
            harness::frame_bytes(&f);
            Ok(())
        })
        .unwrap();
}

#[test]
fn engine_filters_all_compile() {
    for f in harness::ENGINE_FILTERS.iter().filter(|f| !f.is_empty()) {
        assert!(wiresift::filter::compile(f).is_ok(), "{f}");
    }
}

#[test]
fn engine_runs_on_every_small_fixture() {
    for bytes in small_fixtures() {
        harness::engine_bytes(&bytes);
    }
}
