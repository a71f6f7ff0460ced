//! Filters written to hurt: nesting far past the parser's limit, sets of 100,000 elements,
//! regexes that explode in backtracking engines, enormous names and literals. Each is an error
//! or a result — never a panic, a hang or a stack overflow. (Nesting *at* the limit and the
//! balanced 100,000-term chain are in filter_limits.rs.)

use std::time::{Duration, Instant};

use wiresift::dissect::{self, FrameInfo, FrameTimes, Interest, Packet};
use wiresift::filter;
use wiresift::harness::tcp_frame;

/// 10.0.0.1:40000 → 10.0.0.2:25 on a raw-IPv4 link, with `payload`.
fn packet(frame: &[u8]) -> Packet<'_> {
    let mut p = Packet::new();
    let info = FrameInfo {
        number: 1,
        len: frame.len() as u32,
        cap_len: frame.len() as u32,
        link_type: 228,
        ..FrameInfo::default()
    };
    p.reset(info, frame);
    dissect::dissect_frame(&mut p, &Interest::all(), &FrameTimes::default());
    p
}

/// Run `f` on a thread with a small stack (256 KiB): recursion that depends on the input shows.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(f)
        .unwrap()
        .join()
        .expect("panicked or overflowed its stack")
}

fn quick(limit_secs: u64, what: &str, start: Instant) {
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(limit_secs),
        "{what} took {took:?}"
    );
}

#[test]
fn nesting_far_past_the_limit_is_an_error() {
    let n = 1_000_000;
    let cases = [
        format!("{}tcp{}", "(".repeat(n), ")".repeat(n)),
        format!("{}tcp", "!".repeat(n)),
        format!("{}tcp", "not ".repeat(n)),
        format!("{}tcp.port{} == 1", "abs(".repeat(n), ")".repeat(n)),
        format!("tcp.port == {}1{}", "{".repeat(n), "}".repeat(n)),
        format!("frame{}", "[1:]".repeat(n)),
        format!("tcp.port in {{{}1{}}}", "(".repeat(n), ")".repeat(n)),
        "(".repeat(n),
        "{".repeat(n),
    ];
    for text in cases {
        let head: String = text.chars().take(12).collect();
        on_small_stack(move || {
            let start = Instant::now();
            let r = filter::compile(&text);
            quick(10, &head, start);
            if let Err(e) = &r {
                let _ = e.render(&text);
            }
            r.is_ok()
        });
    }
}

#[test]
fn a_set_of_100k_elements() {
    let frame = tcp_frame(false, 1, 1, 0x18, b"hello");
    let p = packet(&frame);
    // Ports 25 and 40000 are in the set; every other even number too.
    let ports: Vec<String> = (0..100_000u32)
        .map(|i| (i * 2 % 65_536).to_string())
        .collect();
    let text = format!("tcp.port in {{{}}}", ports.join(","));
    let start = Instant::now();
    let f = filter::compile(&text).expect("compiles");
    assert!(f.matches(&p));
    quick(20, "100k ports", start);

    let without: Vec<String> = (0..100_000u32)
        .map(|i| (27 + (i * 2 % 65_000)).to_string())
        .collect();
    let f = filter::compile(&format!("tcp.port in {{{}}}", without.join(","))).expect("compiles");
    assert!(
        !f.matches(&p),
        "neither 25 nor 40000 is an odd number from 27 on"
    );

    // 100,000 addresses, 10.0.0.1 the last one.
    let mut addrs: Vec<String> = (0..99_999u32)
        .map(|i| format!("192.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255))
        .collect();
    addrs.push("10.0.0.1".into());
    let start = Instant::now();
    let f = filter::compile(&format!("ip.src in {{{}}}", addrs.join(","))).expect("compiles");
    assert!(f.matches(&p));
    quick(20, "100k addresses", start);

    // 100,000 strings and ranges.
    let strings: Vec<String> = (0..100_000).map(|i| format!("\"s{i}\"")).collect();
    let f = filter::compile(&format!(
        "tcp.payload in {{{} \"hello\"}}",
        strings.join(" ")
    ));
    if let Ok(f) = f {
        assert!(f.matches(&p));
    }
    let ranges: Vec<String> = (0..100_000u32)
        .map(|i| format!("{}..{}", i * 3 % 65_000, i * 3 % 65_000 + 1))
        .collect();
    let start = Instant::now();
    let f = filter::compile(&format!("tcp.srcport in {{{}}}", ranges.join(","))).expect("compiles");
    assert!(f.matches(&p), "40000 = 3 × 13333 + 1 is in 39999..40000");
    quick(20, "100k ranges", start);
}

#[test]
fn regexes_that_explode_in_backtracking_engines() {
    let payload = vec![b'a'; 30_000];
    let frame = tcp_frame(false, 1, 1, 0x18, &payload);
    let p = packet(&frame);
    for (re, matches) in [
        ("(a|a)*b", false),
        ("(a+)+b", false),
        ("(a|aa)+$", true),
        ("(.*a){12}b", false),
        // `matches` is case-insensitive, as in Wireshark: [A-Z] matches an `a`.
        ("^(([a-z])+.)+[A-Z]([a-z])+$", true),
        ("(a?){30}a{30}", true),
        ("(x+x+)+y", false),
    ] {
        let start = Instant::now();
        let f = filter::compile(&format!("tcp.payload matches \"{re}\"")).expect(re);
        assert_eq!(f.matches(&p), matches, "{re}");
        quick(5, re, start);
    }
    // Backreferences would need backtracking: the regex crate refuses them, as an error.
    assert!(filter::compile(r#"tcp.payload matches "(a*)\\1b""#).is_err());
}

#[test]
fn enormous_names_and_literals() {
    let frame = tcp_frame(false, 1, 1, 0x18, b"hello");
    let p = packet(&frame);
    let long = "x".repeat(1 << 20);
    let start = Instant::now();
    // An unknown 1 MiB field name: an error, and the did-you-mean search must not crawl.
    let e = filter::compile(&format!("tcp.{long}")).expect_err("unknown field");
    let _ = e.render(&format!("tcp.{long}"));
    let e = filter::compile(&long).expect_err("unknown field");
    assert!(e.suggestion.is_none() || e.suggestion.as_ref().is_some_and(|s| s.len() < 1000));
    quick(10, "1 MiB names", start);
    // A 1 MiB string literal is just a long string.
    let start = Instant::now();
    let f = filter::compile(&format!("tcp.payload contains \"{long}\"")).expect("compiles");
    assert!(!f.matches(&p));
    let f =
        filter::compile(&format!("tcp.payload == \"{long}\" or tcp.port == 25")).expect("compiles");
    assert!(f.matches(&p));
    // A 1 MiB number, byte string and slice bound.
    let digits = "9".repeat(1 << 20);
    assert!(filter::compile(&format!("tcp.port == {digits}")).is_err());
    assert!(filter::compile(&format!("frame[{digits}:1] == 00")).is_err());
    let bytes = "ab:".repeat(1 << 18) + "ab";
    // (The scanner caps the length of an unquoted literal: an error, pointing at it.)
    if let Ok(f) = filter::compile(&format!("frame contains {bytes}")) {
        assert!(!f.matches(&p));
    }
    quick(20, "1 MiB literals", start);
    // NUL and control characters are syntax errors, not crashes.
    for text in [
        "tcp\0",
        "\0",
        "tcp.port == \u{1}25",
        "\"\0\"",
        "tcp.port == 2\u{202e}5",
    ] {
        let _ = filter::compile(text).map(|f| f.matches(&p));
    }
}
