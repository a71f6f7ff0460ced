//! Entry points that feed arbitrary bytes to one stage of wiresift, for the cargo-fuzz targets in
//! `fuzz/` and the property tests in `tests/robustness.rs` (the same code, so neither drifts).
//!
//! Each function must return for any input: no panic, no hang, memory within the documented
//! caps. Where a stage promises more (frame numbers without holes, nothing after an error, a
//! canonical filter that compiles again), the function asserts it, so a broken promise is a
//! crash the fuzzer reports.

use std::io::Cursor;
use std::sync::OnceLock;

use crate::capture::{CaptureReader, FrameBatch};
use crate::dissect::conversation::Conversations;
use crate::dissect::ip_reassembly::Ipv4Reassembly;
use crate::dissect::reassembly::{Options as ReassemblyOptions, ReassemblyLimits};
use crate::dissect::{self, side, side_mut, FrameInfo, FrameTimes, Interest, Packet};
use crate::engine::{self, Flow, Match, Options, Sink};
use crate::filter::{self, Filter};
use crate::output::{details, packet_list};

/// Link types the stateless pass knows, and one it does not; the first byte of a frame input
/// picks one.
pub const LINK_TYPES: [u32; 11] = [1, 0, 108, 113, 276, 228, 229, 12, 14, 101, 147];

/// The frame filters are evaluated on: Ethernet, IPv4, TCP 40000 → 25 carrying an SMTP command.
const SAMPLE_FRAME: &[u8] = &[
    // Ethernet: destination, source, IPv4
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
    // IPv4: version/IHL, DSCP, total length 57, id, DF, TTL 64, TCP, checksum, 10.0.0.1 → 10.0.0.2
    0x45, 0x00, 0x00, 0x39, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0,
    2, // TCP: ports, seq, ack, offset 5, PSH|ACK, window, checksum, urgent
    0x9c, 0x40, 0x00, 0x19, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x1b, 0x58, 0x50, 0x18, 0xff, 0xff,
    0x00, 0x00, 0x00, 0x00, // "MAIL FROM:<a@b>\r\n"
    b'M', b'A', b'I', b'L', b' ', b'F', b'R', b'O', b'M', b':', b'<', b'a', b'@', b'b', b'>',
    b'\r', b'\n',
];

/// Dissect [`SAMPLE_FRAME`] with everything on, through the stateful pass too.
fn sample_packet() -> Packet<'static> {
    let interest = Interest::all();
    let mut p = Packet::new();
    p.reset(
        FrameInfo {
            number: 1,
            time_ns: 1_700_000_000_000_000_000,
            len: SAMPLE_FRAME.len() as u32,
            cap_len: SAMPLE_FRAME.len() as u32,
            interface_id: 0,
            link_type: 1,
            has_interface_id: false,
            has_ts: true,
        },
        SAMPLE_FRAME,
    );
    dissect::dissect_frame(&mut p, &interest, &FrameTimes::default());
    Conversations::new().process(&mut p, &interest);
    dissect::finish_protocols(&mut p, &interest);
    p
}

/// Filter text → compile → evaluate on a fixed packet. A filter that compiles has a canonical
/// form that compiles too.
pub fn filter_text(text: &str) {
    static SAMPLE: OnceLock<Packet<'static>> = OnceLock::new();
    let sample = SAMPLE.get_or_init(sample_packet);
    match filter::compile(text) {
        Ok(f) => {
            let _ = f.matches(sample);
            let _ = f.explain();
            let canonical = f.canonical().to_owned();
            if let Err(e) = filter::compile(&canonical) {
                panic!("{text:?} compiles but its canonical form {canonical:?} does not: {e:?}");
            }
        }
        Err(e) => {
            let _ = e.render(text);
        }
    }
}

/// Capture bytes → every frame, in small batches. Frame numbers have no holes, and nothing
/// comes after an error.
pub fn capture_bytes(data: &[u8]) {
    let Ok(mut reader) = CaptureReader::from_reader(Cursor::new(data.to_vec())) else {
        return;
    };
    let mut batch = FrameBatch::new();
    let mut expected = 1u32;
    loop {
        batch.clear();
        match reader.fill(&mut batch, 3, 1 << 16) {
            Ok(0) => break,
            Ok(_) => {
                for f in batch.frames() {
                    assert_eq!(f.info.number, expected, "frame numbers have a hole");
                    assert_eq!(
                        f.data.len(),
                        f.info.cap_len as usize,
                        "cap_len is not the data length"
                    );
                    if let Some(i) = f.interface {
                        assert!(
                            reader.interface(i).is_some(),
                            "frame {expected} names a missing interface"
                        );
                    }
                    let _ = f.comments().count();
                    expected += 1;
                }
            }
            Err(e) => {
                let _ = e.to_string();
                batch.clear();
                assert!(
                    matches!(reader.fill(&mut batch, 3, 1 << 16), Ok(0)),
                    "frames after an error"
                );
                break;
            }
        }
    }
}

/// One frame: the first byte picks the link type ([`LINK_TYPES`]), the rest is the frame. Dissected
/// with every field and the columns on, then defragmentation and conversations, then printed as
/// the details tree and a packet-list line.
pub fn frame_bytes(data: &[u8]) {
    let Some((&pick, frame)) = data.split_first() else {
        return;
    };
    let link_type = LINK_TYPES
        .get(usize::from(pick) % LINK_TYPES.len())
        .copied()
        .unwrap_or(1);
    let interest = Interest::all();
    let mut p = Packet::new();
    p.reset(
        FrameInfo {
            number: 1,
            time_ns: 0,
            len: frame.len() as u32,
            cap_len: frame.len() as u32,
            interface_id: 0,
            link_type,
            has_interface_id: false,
            has_ts: true,
        },
        frame,
    );
    p.want_columns = true;
    dissect::dissect_frame(&mut p, &interest, &FrameTimes::default());
    Ipv4Reassembly::new().process(&mut p, &interest);
    Conversations::new().process(&mut p, &interest);
    dissect::finish_protocols(&mut p, &interest);
    let mut tree = String::new();
    details::write_tree(&mut tree, &p);
    let _ = packet_list::line(p.info.number, "0.000000", p.info.len, &p.columns);
}

/// An SMTP session scripted by the bytes, as TCP segments both ways between 10.0.0.1:40000 and
/// 10.0.0.2:25 on a raw-IPv4 link. Each step is a header byte (bit 0: from the server; bits
/// 1-3: what to do), a length byte, and that many payload bytes. Steps: send the next bytes,
/// resend old bytes (retransmission/overlap), skip ahead (a gap), FIN, RST, SYN, send out of order
/// (the segment after the next one first). Two passes, as the engine makes for `-2` fields, with
/// small reassembly caps so that the fuzzer reaches them.
pub fn tcp_stream(script: &[u8]) {
    let frames = script_frames(script);
    let interest = Interest::all();
    let mut conv = Conversations::with_options(ReassemblyOptions {
        limits: ReassemblyLimits {
            per_flow: 4096,
            total: 16384,
            ..ReassemblyLimits::DEFAULT
        },
        ..ReassemblyOptions::default()
    });
    let mut defrag = Ipv4Reassembly::new();
    let mut tree = String::new();
    for pass in 0..2 {
        if pass == 1 {
            conv.second_pass();
            defrag = Ipv4Reassembly::new();
        }
        for (i, bytes) in frames.iter().enumerate() {
            let mut p = Packet::new();
            p.reset(
                FrameInfo {
                    number: i as u32 + 1,
                    time_ns: i as i64 * 1_000_000,
                    len: bytes.len() as u32,
                    cap_len: bytes.len() as u32,
                    interface_id: 0,
                    link_type: 228,
                    has_interface_id: false,
                    has_ts: true,
                },
                bytes,
            );
            p.want_columns = pass == 1;
            dissect::dissect_frame(&mut p, &interest, &FrameTimes::default());
            defrag.process(&mut p, &interest);
            conv.process(&mut p, &interest);
            dissect::finish_protocols(&mut p, &interest);
            if pass == 1 {
                tree.clear();
                details::write_tree(&mut tree, &p);
            }
        }
    }
    let stats = conv.reassembly_stats();
    assert!(
        stats.peak_buffered <= 16384 + 4096,
        "buffered past the caps: {stats:?}"
    );
}

/// The raw-IPv4 frames of a [`tcp_stream`] script.
pub fn script_frames(script: &[u8]) -> Vec<Vec<u8>> {
    const ISN: [u32; 2] = [1000, 5000];
    let mut next = [ISN[0] + 1, ISN[1] + 1];
    let mut frames = vec![
        tcp_frame(false, ISN[0], 0, 0x02, &[]),
        tcp_frame(true, ISN[1], next[0], 0x12, &[]),
        tcp_frame(false, next[0], next[1], 0x10, &[]),
    ];
    let mut held: Option<Vec<u8>> = None;
    let mut rest = script;
    while let [head, len, tail @ ..] = rest {
        let n = usize::from(*len).min(tail.len());
        let (payload, after) = tail.split_at(n);
        rest = after;
        let server = head & 1 == 1;
        let other = *side(&next, !server);
        let seq = *side(&next, server);
        let advance = |s: u32| s.wrapping_add(n as u32);
        let frame = match (head >> 1) & 7 {
            1 => tcp_frame(server, seq.wrapping_sub(n as u32), other, 0x18, payload),
            2 => {
                let ahead = advance(seq);
                *side_mut(&mut next, server) = ahead;
                tcp_frame(server, ahead, other, 0x18, &[])
            }
            3 => {
                *side_mut(&mut next, server) = seq.wrapping_add(1);
                tcp_frame(server, seq, other, 0x11, &[])
            }
            4 => tcp_frame(server, seq, other, 0x04, &[]),
            5 => tcp_frame(server, seq, other, 0x02, &[]),
            6 => {
                *side_mut(&mut next, server) = advance(seq);
                let f = tcp_frame(server, seq, other, 0x18, payload);
                if let Some(h) = held.take() {
                    frames.push(f);
                    h
                } else {
                    held = Some(f);
                    continue;
                }
            }
            _ => {
                *side_mut(&mut next, server) = advance(seq);
                tcp_frame(server, seq, other, 0x18, payload)
            }
        };
        frames.push(frame);
    }
    frames.extend(held);
    frames
}

/// A raw IPv4 frame carrying one TCP segment (20-byte headers, checksums left zero).
pub fn tcp_frame(from_server: bool, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let (client, server) = ([10u8, 0, 0, 1], [10u8, 0, 0, 2]);
    let (src, dst, sport, dport) = if from_server {
        (server, client, 25u16, 40000u16)
    } else {
        (client, server, 40000, 25)
    };
    let total = u16::try_from(40 + payload.len()).unwrap_or(u16::MAX);
    let mut f = Vec::with_capacity(40 + payload.len());
    f.extend_from_slice(&[0x45, 0]);
    f.extend_from_slice(&total.to_be_bytes());
    f.extend_from_slice(&[0, 1, 0x40, 0, 64, 6, 0, 0]);
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(&ack.to_be_bytes());
    f.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    f
}

/// Filters the whole-engine input runs with: every stage, both passes, the columns.
pub const ENGINE_FILTERS: &[&str] = &[
    "",
    "smtp || imf",
    "tcp.reassembled_in || ip.reassembled_in",
    "smtp.req.command == \"MAIL\" && frame.len > 40",
    "tcp.analysis.flags || eth.addr contains 00:11 || ipv6",
    "frame.protocols matches \"(?i)smtp\" || udp.stream == 0",
];

/// Filters the prefilter decides on plain frames: each runs with and without it.
pub const PREFILTER_FILTERS: &[&str] = &[
    "tcp.port == 25 || udp.port in {53, 67..68}",
    "ip.addr == 10.0.0.0/8 && !(tcp.srcport == 80)",
    "smtp && ipv6.addr != ::1",
    "ip.src == 192.168.1.1 ^^ tcp",
];

/// Frame numbers and Info columns of the matches.
struct Shown(Vec<(u32, String)>);

impl Sink for Shown {
    fn frame(&mut self, m: &Match) -> std::io::Result<Flow> {
        self.0
            .push((m.packet.info.number, m.packet.columns.info.clone()));
        Ok(Flow::Continue)
    }
}

/// A counting sink that prints each matching frame as a packet-list line (thrown away).
struct Lines(u64);

impl Sink for Lines {
    fn frame(&mut self, m: &Match) -> std::io::Result<Flow> {
        let time = m
            .time_decimals()
            .map(|d| {
                packet_list::relative_time(m.packet.info.time_ns.saturating_sub(m.first_ns), d)
            })
            .unwrap_or_default();
        let _ = packet_list::line(
            m.packet.info.number,
            &time,
            m.packet.info.len,
            &m.packet.columns,
        );
        self.0 += 1;
        Ok(Flow::Continue)
    }
}

/// A capture through the whole engine with each of [`ENGINE_FILTERS`]. Every run reads the same
/// frames, and no run matches more frames than it read.
pub fn engine_bytes(data: &[u8]) {
    static FILTERS: OnceLock<Vec<Option<Filter>>> = OnceLock::new();
    let filters = FILTERS.get_or_init(|| {
        ENGINE_FILTERS
            .iter()
            .map(|t| {
                if t.is_empty() {
                    None
                } else {
                    filter::compile(t).ok()
                }
            })
            .collect()
    });
    let opts = Options {
        columns: true,
        dissection: ReassemblyOptions {
            limits: ReassemblyLimits {
                per_flow: 1 << 16,
                total: 1 << 18,
                // Small, so that fuzzed captures reach the eviction.
                conversations: 16,
            },
            ..ReassemblyOptions::default()
        },
        ..Options::default()
    };
    let mut frames = None;
    for f in filters {
        let mut sink = Lines(0);
        let Ok(report) = engine::run_bytes(data, f.as_ref(), &opts, &mut sink) else {
            return;
        };
        assert_eq!(sink.0, report.matched);
        assert!(report.matched <= report.frames);
        assert_eq!(
            *frames.get_or_insert(report.frames),
            report.frames,
            "runs read different frames"
        );
    }
    prefilter_agrees(data);
}

/// The prefilter never changes an answer: the same matches and Info columns with and without it,
/// with columns for every match and (as the REPL) for the first two only. Default caps: a cap hit
/// may legitimately differ (fewer conversations are tracked when frames are skipped).
fn prefilter_agrees(data: &[u8]) {
    static FILTERS: OnceLock<Vec<Filter>> = OnceLock::new();
    let filters = FILTERS.get_or_init(|| {
        PREFILTER_FILTERS
            .iter()
            .filter_map(|t| filter::compile(t).ok())
            .collect()
    });
    for f in filters {
        for columns_limit in [None, Some(2)] {
            let run = |no_prefilter: bool| {
                let opts = Options {
                    columns: true,
                    columns_limit,
                    no_prefilter,
                    ..Options::default()
                };
                let mut sink = Shown(Vec::new());
                let report = engine::run_bytes(data, Some(f), &opts, &mut sink).ok()?;
                (!report.caps_hit()).then_some(sink.0)
            };
            if let (Some(with), Some(without)) = (run(false), run(true)) {
                assert_eq!(
                    with,
                    without,
                    "the prefilter changed the answer of {}",
                    f.canonical()
                );
            }
        }
    }
}
