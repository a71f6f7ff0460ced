//! Traffic built to exhaust memory, in small captures the tests write: a flow that never closes,
//! 100,000 tiny out-of-order segments, 100,000 simultaneous flows, an endless multi-line reply, a
//! huge DATA section, and fragments that never complete. Through the engine (`run_file`), memory
//! stays under the caps given (`ReassemblyLimits`, `DefragLimits`) and every cap hit is counted in
//! the `Report`; through the binary, a cap hit is a one-line note on stderr.

use std::ffi::OsStr;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use wiresift::dissect::reassembly::{self, ReassemblyLimits};
use wiresift::engine::{self, DefragLimits, Flow, Match, Options, Report, Sink};
use wiresift::filter;
use wiresift::harness::tcp_frame;

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("wiresift-hostile-{}-{name}", std::process::id()))
}

/// Write a raw-IPv4 (LINKTYPE_IPV4) pcap, one record per frame, one millisecond apart.
fn write_pcap(path: &Path, frames: impl Iterator<Item = Vec<u8>>) {
    let mut w = BufWriter::new(fs::File::create(path).unwrap());
    for x in [0xa1b2c3d4u32, 0x0004_0002, 0, 0, 65535, 228] {
        w.write_all(&x.to_le_bytes()).unwrap();
    }
    for (i, f) in frames.enumerate() {
        let (sec, usec) = (i as u32 / 1000, (i as u32 % 1000) * 1000);
        for x in [sec, usec, f.len() as u32, f.len() as u32] {
            w.write_all(&x.to_le_bytes()).unwrap();
        }
        w.write_all(&f).unwrap();
    }
    w.flush().unwrap();
}

/// A segment of `harness::tcp_frame`'s session, on client port `cport` instead of 40000.
fn flow_frame(cport: u16, from_server: bool, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = tcp_frame(from_server, seq, 1, flags, payload);
    let at = if from_server { 22 } else { 20 };
    f[at..at + 2].copy_from_slice(&cport.to_be_bytes());
    f
}

struct Count(u64);
impl Sink for Count {
    fn frame(&mut self, _: &Match) -> std::io::Result<Flow> {
        self.0 += 1;
        Ok(Flow::Continue)
    }
}

fn run(path: &Path, filter_text: &str, limits: ReassemblyLimits, defrag: DefragLimits) -> Report {
    let f = filter::compile(filter_text).unwrap();
    let opts = Options {
        dissection: reassembly::Options {
            limits,
            ..reassembly::Options::default()
        },
        defrag,
        ..Options::default()
    };
    let mut sink = Count(0);
    let report = engine::run_file(path, Some(&f), &opts, &mut sink).unwrap();
    assert_eq!(sink.0, report.matched);
    report
}

const SMALL: ReassemblyLimits = ReassemblyLimits {
    per_flow: 64 << 10,
    total: 256 << 10,
    ..ReassemblyLimits::DEFAULT
};

/// The handshake and `DATA` / `354` of a session on client port `cport`; returns the next
/// client and server sequence numbers.
fn open_data(cport: u16, frames: &mut Vec<Vec<u8>>) -> (u32, u32) {
    frames.push(flow_frame(cport, false, 999, 0x02, b""));
    frames.push(flow_frame(cport, true, 4999, 0x12, b""));
    frames.push(flow_frame(cport, false, 1000, 0x18, b"DATA\r\n"));
    frames.push(flow_frame(cport, true, 5000, 0x18, b"354 go ahead\r\n"));
    (1006, 5014)
}

#[test]
fn a_huge_data_section_on_a_flow_that_never_closes() {
    let path = scratch("data.pcap");
    let mut frames = Vec::new();
    let (mut seq, _) = open_data(40000, &mut frames);
    let line: Vec<u8> = [&[b'x'; 998][..], b"\r\n"].concat();
    // 16 MiB of message lines, no final dot, no FIN.
    let body = (0..16 * 1024).map(move |_| {
        let f = flow_frame(40000, false, seq, 0x18, &line);
        seq = seq.wrapping_add(line.len() as u32);
        f
    });
    write_pcap(&path, frames.into_iter().chain(body));
    let r = run(
        &path,
        "smtp.data.fragment || imf",
        SMALL,
        DefragLimits::default(),
    );
    fs::remove_file(&path).unwrap();
    assert_eq!(r.frames, 4 + 16 * 1024);
    assert!(r.reassembly.flow_cap_hits > 0, "{:?}", r.reassembly);
    assert!(
        r.reassembly.peak_buffered <= SMALL.total,
        "{:?}",
        r.reassembly
    );
    assert!(r.caps_hit());
}

#[test]
fn an_endless_multi_line_reply() {
    let path = scratch("reply.pcap");
    let mut frames = vec![
        flow_frame(40000, false, 999, 0x02, b""),
        flow_frame(40000, true, 4999, 0x12, b""),
        flow_frame(40000, false, 1000, 0x18, b"EHLO x\r\n"),
    ];
    let mut seq = 5000u32;
    // "250-" continuation lines forever (8 MiB), never the final "250 " line.
    let chunk: Vec<u8> = b"250-PIPELINING and more text to make the line longer\r\n".repeat(20);
    for _ in 0..(8 << 20) / chunk.len() {
        frames.push(flow_frame(40000, true, seq, 0x18, &chunk));
        seq = seq.wrapping_add(chunk.len() as u32);
    }
    let n = frames.len() as u64;
    write_pcap(&path, frames.into_iter());
    let r = run(
        &path,
        "smtp.response.code == 250",
        SMALL,
        DefragLimits::default(),
    );
    fs::remove_file(&path).unwrap();
    assert_eq!(r.frames, n);
    assert!(
        r.reassembly.peak_buffered <= SMALL.total,
        "{:?}",
        r.reassembly
    );
    // Each segment ends with a line end: nothing needs to wait, so every reply frame is SMTP.
    assert_eq!(r.matched, n - 3);
}

#[test]
fn tiny_out_of_order_segments() {
    // 100,000 one-byte segments of a command line, sent in pairs swapped (2, 1, 4, 3, ...), never
    // with a line end: each swap is a gap that abandons the waiting PDU.
    let path = scratch("ooo.pcap");
    let mut frames = vec![
        flow_frame(40000, false, 999, 0x02, b""),
        flow_frame(40000, true, 4999, 0x12, b""),
    ];
    for i in (0..100_000u32).step_by(2) {
        frames.push(flow_frame(40000, false, 1001 + i, 0x18, b"b"));
        frames.push(flow_frame(40000, false, 1000 + i, 0x18, b"a"));
    }
    write_pcap(&path, frames.into_iter());
    let r = run(
        &path,
        "smtp || tcp.analysis.out_of_order",
        SMALL,
        DefragLimits::default(),
    );
    fs::remove_file(&path).unwrap();
    assert_eq!(r.frames, 100_002);
    assert!(
        r.reassembly.peak_buffered <= SMALL.per_flow,
        "{:?}",
        r.reassembly
    );
}

#[test]
fn a_hundred_thousand_simultaneous_flows() {
    // Each flow opens, sends half a command and waits for the rest forever: 100,000 waiting
    // PDUs of 100 bytes (10 MB) against a 256 KiB total cap.
    let path = scratch("flows.pcap");
    let half = [b"MAIL FROM:<".as_slice(), &[b'a'; 89]].concat();
    let frames = (0..100_000u32).flat_map(move |i| {
        let mut syn = flow_frame(0, false, 999, 0x02, b"");
        let mut data = flow_frame(0, false, 1000, 0x18, &half);
        // Different client addresses and ports: 10.x.y.z:port.
        for f in [&mut syn, &mut data] {
            f[13..16].copy_from_slice(&[(i >> 16) as u8 + 1, (i >> 8) as u8, i as u8]);
            f[20..22].copy_from_slice(&(1024 + (i % 60_000) as u16).to_be_bytes());
        }
        [syn, data]
    });
    write_pcap(&path, frames);
    let r = run(&path, "smtp", SMALL, DefragLimits::default());
    fs::remove_file(&path).unwrap();
    assert_eq!(r.frames, 200_000);
    assert!(r.reassembly.total_cap_hits > 0, "{:?}", r.reassembly);
    assert!(
        r.reassembly.peak_buffered <= SMALL.total,
        "{:?}",
        r.reassembly
    );
}

/// An IPv4 first fragment (MF set) of datagram `id` from 10.0.0.1, never completed.
fn first_fragment(id: u16) -> Vec<u8> {
    let mut f = tcp_frame(false, 1, 1, 0x18, &[b'f'; 40]);
    f[4..6].copy_from_slice(&id.to_be_bytes());
    f[6] = 0x20; // MF, offset 0
    f
}

#[test]
fn fragments_that_never_complete() {
    let path = scratch("frags.pcap");
    write_pcap(&path, (0..20_000u16).map(first_fragment));
    let defrag = DefragLimits {
        max_bytes: 1 << 20,
        max_datagrams: 1000,
    };
    let r = run(
        &path,
        "ip.flags.mf == 1",
        ReassemblyLimits::default(),
        defrag,
    );
    fs::remove_file(&path).unwrap();
    assert_eq!((r.frames, r.matched), (20_000, 20_000));
    assert_eq!(r.defrag_evictions, 19_000);
    assert!(r.caps_hit());
}

#[test]
fn the_binary_notes_a_cap_hit_on_stderr() {
    let path = scratch("note.pcap");
    let mut frames = Vec::new();
    let (mut seq, _) = open_data(40000, &mut frames);
    let line: Vec<u8> = [&[b'y'; 510][..], b"\r\n"].concat();
    for _ in 0..100 {
        frames.push(flow_frame(40000, false, seq, 0x18, &line));
        seq = seq.wrapping_add(line.len() as u32);
    }
    write_pcap(&path, frames.into_iter());
    let wiresift = |extra: &[&str]| {
        let mut args: Vec<&OsStr> = vec![
            OsStr::new("filter"),
            OsStr::new("smtp"),
            path.as_os_str(),
            OsStr::new("--count"),
        ];
        args.extend(extra.iter().map(OsStr::new));
        Command::new(env!("CARGO_BIN_EXE_wiresift"))
            .args(args)
            .output()
            .unwrap()
    };
    let quiet = wiresift(&[]);
    let capped = wiresift(&["--reassembly-flow-cap", "4096"]);
    let frags = scratch("note-frags.pcap");
    write_pcap(&frags, (0..50u16).map(first_fragment));
    let defrag = Command::new(env!("CARGO_BIN_EXE_wiresift"))
        .args([
            OsStr::new("filter"),
            OsStr::new("ip"),
            frags.as_os_str(),
            OsStr::new("--defrag-cap"),
            OsStr::new("10"),
        ])
        .output()
        .unwrap();
    fs::remove_file(&path).unwrap();
    fs::remove_file(&frags).unwrap();

    assert_eq!(quiet.status.code(), Some(0));
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    assert_eq!(capped.status.code(), Some(0), "a cap hit is not an error");
    assert_eq!(capped.stdout, quiet.stdout, "the same frames are SMTP");
    let note = String::from_utf8_lossy(&capped.stderr);
    assert_eq!(note.lines().count(), 1, "{note}");
    assert!(
        note.starts_with(&format!(
            "wiresift: {}: note: TCP reassembly hit its memory caps ",
            path.display()
        )),
        "{note}"
    );
    let note = String::from_utf8_lossy(&defrag.stderr);
    assert_eq!(defrag.status.code(), Some(0));
    assert!(
        note.contains(
            "note: 40 incomplete IPv4 datagrams were dropped by the defragmentation caps"
        ),
        "{note}"
    );
}

/// 5,000 flows from 10.0.0.1 ports 1024..6023 to port 25, all open at once: first a SYN of each
/// (frames 1..=5000), then an ACK of each in the same order (frames 5001..=10000).
fn five_thousand_flows(path: &Path) {
    let syns = (0..5000u16).map(|i| flow_frame(1024 + i, false, 999, 0x02, b""));
    let acks = (0..5000u16).map(|i| flow_frame(1024 + i, false, 1000, 0x10, b""));
    write_pcap(path, syns.chain(acks));
}

#[test]
fn the_conversation_cap_drops_the_least_recently_seen() {
    let path = scratch("conv-cap.pcap");
    five_thousand_flows(&path);
    let wiresift = |filter: &str, extra: &[&str]| {
        let mut args: Vec<&OsStr> = vec![
            OsStr::new("filter"),
            OsStr::new(filter),
            path.as_os_str(),
            OsStr::new("--count"),
        ];
        args.extend(extra.iter().map(OsStr::new));
        let out = Command::new(env!("CARGO_BIN_EXE_wiresift"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "a cap hit is not an error");
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // Default cap: each SYN opens stream 0..4999 in frame order, and each ACK finds its flow's
    // conversation again.
    let syn_streams = wiresift("tcp.stream == frame.number - 1", &[]);
    let ack_streams = wiresift("tcp.stream == frame.number - 5001", &[]);
    // Cap 1000: when a 1001st conversation appears, the 126 least recently seen go (down to
    // 875). By the time the ACKs come, every flow's conversation is gone (after the SYNs 968 are
    // left, and the first 8 evictions of the ACK round drop them all, at its 915th frame), so
    // each ACK opens a new stream: 5000..9999, again frame number - 1.
    let capped = wiresift(
        "tcp.stream == frame.number - 1",
        &["--conversation-cap", "1000"],
    );
    let limits = ReassemblyLimits {
        conversations: 1000,
        ..ReassemblyLimits::DEFAULT
    };
    let r = run(&path, "tcp.stream", limits, DefragLimits::default());
    let r_default = run(
        &path,
        "tcp.stream",
        ReassemblyLimits::DEFAULT,
        DefragLimits::default(),
    );
    fs::remove_file(&path).unwrap();

    assert_eq!(syn_streams, ("5000\n".into(), String::new()));
    assert_eq!(ack_streams, ("5000\n".into(), String::new()));
    assert_eq!(capped.0, "10000\n");
    // 10,000 conversations opened; the first eviction at the 1001st, then one every 126: 72
    // evictions of 126.
    assert_eq!(r.reassembly.conversation_cap_evictions, 72 * 126);
    assert_eq!(r_default.reassembly.conversation_cap_evictions, 0);
    assert_eq!(
        capped.1,
        format!(
            "wiresift: {}: note: 9072 TCP/UDP conversations were dropped by the conversation \
             cap, so later frames of them start new streams\n",
            path.display()
        )
    );
}
