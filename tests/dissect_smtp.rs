//! TCP reassembly, SMTP and IMF against tshark 4.0 (`tshark -2`).
//!
//! Replays every capture of fixtures/smtp, fixtures/smtp-synthetic and fixtures/lab through
//! `dissect_frame` and two passes of `Conversations::process`, and compares every `tcp.segment*`,
//! `tcp.reassembled*`, `smtp.*` and `imf.*` value, the protocols above TCP and the columns of
//! SMTP frames with `tests/data/smtp_*.tsv` (made by `tools/make_smtp_expect.sh`).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use wiresift::capture::CaptureReader;
use wiresift::dissect::conversation::Conversations;
use wiresift::dissect::reassembly::{Options, ReassemblyLimits};
use wiresift::dissect::{
    dissect_frame, tcp, ByteRange, FrameInfo, FrameTimes, Interest, Packet, Value,
};
use wiresift::registry;

struct Frame {
    info: FrameInfo,
    data: Vec<u8>,
}

/// Every frame of a capture, through wiresift's own reader (checked against tshark in
/// tests/capture_fixtures.rs).
fn read_frames(path: &str) -> Vec<Frame> {
    CaptureReader::open(path)
        .unwrap()
        .frames()
        .map(|f| {
            let f = f.unwrap();
            Frame {
                info: f.info,
                data: f.data,
            }
        })
        .collect()
}

fn render(p: &Packet, v: &Value, name: &str) -> String {
    match *v {
        Value::UInt(n) => n.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Bool(b) => u8::from(b).to_string(),
        Value::None => "1".into(),
        Value::Protocol(_) => name.to_string(),
        Value::Bytes(r) => p.bytes(r).iter().map(|b| format!("{b:02x}")).collect(),
        Value::Str(r) => {
            let mut s = String::new();
            for c in String::from_utf8_lossy(p.bytes(r)).chars() {
                match c {
                    '\r' => s.push_str("\\r"),
                    '\n' => s.push_str("\\n"),
                    '\t' => s.push_str("\\t"),
                    '\x0c' => s.push_str("\\f"),
                    c => s.push(c),
                }
            }
            s
        }
        _ => format!("{v:?}"),
    }
}

/// The protocols above TCP, up to IMF (the MIME media dissectors are not wiresift's).
fn upper_protocols(list: &str) -> Option<String> {
    let (_, above) = list.split_once(":tcp")?;
    let above = above.trim_start_matches(':');
    let cut = above.find("imf").map_or(above.len(), |i| i + 3);
    Some(above[..cut].to_string())
}

#[derive(Default)]
struct Tally {
    compared: usize,
    equal: usize,
    mismatches: BTreeMap<String, Vec<String>>,
}

fn check_capture(name: &str, cap: &str, expect: &str, opts: Options) -> Tally {
    let mut tally = Tally::default();
    let text = std::fs::read_to_string(expect).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    let frames = read_frames(cap);
    let ports = opts.decode_as.smtp_ports.clone();
    let mut conv = Conversations::with_options(opts);
    let interest = Interest::all();
    let mut p = Packet::new();
    for pass in 0..2 {
        if pass == 1 {
            conv.second_pass();
        }
        let (mut first_ns, mut prev_ns) = (None, None);
        for (want, f) in rows.iter().zip(&frames) {
            p.reset(f.info, &f.data);
            p.want_columns = true;
            let first = *first_ns.get_or_insert(f.info.time_ns);
            let times = FrameTimes {
                first_ns: first,
                prev_ns: prev_ns.unwrap_or(f.info.time_ns),
                prev_displayed_ns: prev_ns.unwrap_or(f.info.time_ns),
            };
            prev_ns = Some(f.info.time_ns);
            dissect_frame(&mut p, &interest, &times);
            conv.process(&mut p, &interest);
            if pass == 0 || p.transport.is_none() {
                continue;
            }
            let col = |n: &str| header.iter().position(|h| *h == n).map_or("", |i| want[i]);
            let protocols = col("frame.protocols");
            if protocols.contains("icmp") {
                continue; // SMTP inside ICMP errors: wiresift does not dissect ICMP payloads.
            }
            // Only SMTP conversations are wiresift's business here (not TLS on 443, YMSG, ...).
            // The protocols and columns of other conversations (TLS on 443, YMSG, the SOCKS and
            // HTTP CONNECT tunnels) belong to dissectors wiresift does not have; their smtp.*
            // and imf.* fields are still compared.
            let smtp_flow = p
                .transport
                .is_some_and(|t| ports.contains(&t.src_port) || ports.contains(&t.dst_port));
            let upper = upper_protocols(protocols).unwrap_or_default();
            let shows_upper = !upper.is_empty() || col("_ws.col.Info").contains("reassembled PDU");
            for (i, field) in header.iter().enumerate().skip(1) {
                let exp = want.get(i).copied().unwrap_or("");
                let got = match *field {
                    "frame.protocols" | "_ws.col.Protocol" | "_ws.col.Info" if !smtp_flow => {
                        continue
                    }
                    "frame.protocols" => {
                        let mut names = Vec::new();
                        let mut above = false;
                        for it in p.items.iter().filter(|i| i.depth == 0) {
                            let n = it.field.def().abbrev;
                            if above {
                                names.push(n);
                            }
                            above |= n == "tcp";
                        }
                        let got = names.join(":");
                        let cut = got.find("imf").map_or(got.len(), |i| i + 3);
                        (got[..cut].to_string(), upper.clone()).0
                    }
                    "_ws.col.Protocol" | "_ws.col.Info" if !shows_upper => continue,
                    "_ws.col.Protocol" => p.columns.protocol.to_string(),
                    "_ws.col.Info" => p.columns.info.clone(),
                    _ => {
                        let Some(fid) = registry::lookup(field) else {
                            continue;
                        };
                        p.values(fid)
                            .map(|it| render(&p, &it.value, field))
                            .collect::<Vec<_>>()
                            .join(",")
                    }
                };
                let exp = if *field == "frame.protocols" {
                    upper.as_str()
                } else {
                    exp
                };
                tally.compared += 1;
                if got == exp {
                    tally.equal += 1;
                } else {
                    let cut = |s: &str| s.chars().take(160).collect::<String>();
                    tally
                        .mismatches
                        .entry(field.to_string())
                        .or_default()
                        .push(format!(
                            "{name} #{}: tshark {:?} wiresift {:?}",
                            f.info.number,
                            cut(exp),
                            cut(&got)
                        ));
                }
            }
        }
    }
    tally
}

fn capture_for(root: &str, stem: &str) -> String {
    ["smtp", "smtp-synthetic", "lab"]
        .iter()
        .flat_map(|d| {
            ["pcap", "pcapng"]
                .iter()
                .map(move |e| format!("{root}/fixtures/{d}/{stem}.{e}"))
        })
        .find(|c| std::path::Path::new(c).exists())
        .unwrap_or_else(|| panic!("no capture for {stem}"))
}

#[test]
fn smtp_and_imf_agree_with_tshark() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut total = Tally::default();
    let mut per_capture = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(format!("{root}/tests/data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("smtp_") && n.ends_with(".tsv"))
        .collect();
    names.sort();
    for file in &names {
        let name = &file["smtp_".len()..file.len() - 4];
        let mut opts = Options::default();
        let stem = if let Some((stem, port)) = name.split_once('@') {
            opts.decode_as
                .add(&format!("tcp.port=={port},smtp"))
                .unwrap();
            stem
        } else if let Some((stem, _)) = name.split_once('+') {
            opts.smtp.decryption = true;
            stem
        } else {
            name
        };
        let cap = capture_for(root, stem);
        let t = check_capture(name, &cap, &format!("{root}/tests/data/{file}"), opts);
        per_capture.push((name.to_string(), t.compared, t.equal));
        total.compared += t.compared;
        total.equal += t.equal;
        for (k, v) in t.mismatches {
            total.mismatches.entry(k).or_default().extend(v);
        }
    }
    let mut report = String::new();
    for (n, c, e) in &per_capture {
        report.push_str(&format!("{n}: {e}/{c}\n"));
    }
    for (field, list) in &total.mismatches {
        report.push_str(&format!("{field}: {} mismatches\n", list.len()));
        let all = std::env::var("SMTP_ALL").is_ok();
        for m in list.iter().take(if all { usize::MAX } else { 6 }) {
            report.push_str(&format!("    {m}\n"));
        }
    }
    eprintln!(
        "{} captures, {} values compared, {} equal\n{report}",
        per_capture.len(),
        total.compared,
        total.equal
    );
    assert!(per_capture.len() >= 45);
    // These sessions must agree value for value: byte-per-segment commands, pipelining,
    // STARTTLS (up to TLS), a split command and folded headers, DATA across many segments.
    for must in [
        "lab_smtp_telnet_helo",
        "lab_smtp_telnet_helo_crlf_split",
        "lab_smtp_full_session",
        "suricata_smtp-pipelined-post-data-mail-from",
        "lab_smtp_ipv6",
        "smtp-synthetic",
        "suricata_smtp-bug-5989",
        "zeek_smtp_rfc3030-bdat-multipart-chunked",
    ] {
        let (_, c, e) = per_capture.iter().find(|(n, _, _)| n == must).unwrap();
        assert_eq!(c, e, "{must} differs\n{report}");
    }
    assert!(
        total.equal * 1000 >= total.compared * 990,
        "agreement below 99%\n{report}"
    );
}

/// A raw TCP segment (20-byte header, no options) for the memory tests.
fn segment(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(20 + payload.len());
    s.extend_from_slice(&sport.to_be_bytes());
    s.extend_from_slice(&dport.to_be_bytes());
    s.extend_from_slice(&seq.to_be_bytes());
    s.extend_from_slice(&ack.to_be_bytes());
    s.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    s.extend_from_slice(payload);
    s
}

/// Stream `total` bytes of DATA (lines of `line` bytes; 0 = one endless line) on a flow that
/// never closes, and return the reassembly counters.
fn stream_data(total: u64, line: usize) -> wiresift::dissect::reassembly::ReassemblyStats {
    let limits = ReassemblyLimits {
        per_flow: 1 << 20,
        total: 4 << 20,
        ..ReassemblyLimits::DEFAULT
    };
    let mut conv = Conversations::with_options(Options {
        limits,
        ..Options::default()
    });
    let (c, s) = (
        IpAddr::from(Ipv4Addr::new(10, 0, 0, 1)),
        IpAddr::from(Ipv4Addr::new(10, 0, 0, 2)),
    );
    let interest = Interest::none();
    let mut frame = 0u32;
    let mut feed = |from_client: bool, bytes: Vec<u8>| {
        frame += 1;
        let info = FrameInfo {
            number: frame,
            len: bytes.len() as u32,
            cap_len: bytes.len() as u32,
            ..FrameInfo::default()
        };
        let mut p = Packet::new();
        p.reset(info, &bytes);
        let (src, dst) = if from_client { (c, s) } else { (s, c) };
        tcp::dissect(
            &mut p,
            &interest,
            src,
            dst,
            ByteRange::frame(0, bytes.len()),
        );
        conv.process(&mut p, &interest);
    };
    let (mut cseq, sseq) = (1000u32, 5000u32);
    feed(true, segment(40000, 25, cseq, 0, 0x02, b""));
    feed(false, segment(25, 40000, sseq, cseq + 1, 0x12, b""));
    cseq += 1;
    feed(true, segment(40000, 25, cseq, sseq + 1, 0x10, b"DATA\r\n"));
    cseq = cseq.wrapping_add(6);
    feed(
        false,
        segment(25, 40000, sseq + 1, cseq, 0x18, b"354 go ahead\r\n"),
    );
    let mut chunk = vec![b'x'; 60_000];
    if line > 0 {
        for i in (line..chunk.len()).step_by(line) {
            chunk[i - 2] = b'\r';
            chunk[i - 1] = b'\n';
        }
    }
    let mut sent = 0u64;
    while sent < total {
        feed(true, segment(40000, 25, cseq, sseq + 15, 0x10, &chunk));
        cseq = cseq.wrapping_add(chunk.len() as u32);
        sent += chunk.len() as u64;
    }
    conv.reassembly_stats()
}

#[test]
fn a_1gb_data_section_stays_under_the_caps() {
    // Lines end every 1000 bytes: SMTP gathers the message, which the per-flow cap stops.
    let st = stream_data(1 << 30, 1000);
    assert!(st.peak_buffered <= 4 << 20, "{st:?}");
    assert!(st.flow_cap_hits > 0, "{st:?}");
    assert!(st.buffered <= 1 << 20, "{st:?}");
}

#[test]
fn an_endless_line_stays_under_the_caps() {
    // No line end at all: TCP reassembly waits for one, until the per-flow cap.
    let st = stream_data(64 << 20, 0);
    assert!(st.peak_buffered <= 4 << 20, "{st:?}");
    assert!(st.flow_cap_hits > 0, "{st:?}");
}

// The cases below were checked with tshark 4.0.17 on the same segments:
// tools/smtp_segment_cases.py writes them as pcaps, its output is tests/data/smtp_segment_cases.txt.

/// One synthetic segment: from the client?, raw sequence number, flags, payload.
type Seg<'a> = (bool, u32, u8, &'a [u8]);

/// Feed segments (client 40000 → server 25) through two passes; per frame, the values of the
/// fields asked for, as `name=value` strings in tree order, and the Info column.
fn run(segs: &[Seg], fields: &[&str]) -> Vec<(Vec<String>, String)> {
    let mut conv = Conversations::new();
    let interest = Interest::all();
    let (c, s) = (
        IpAddr::from(Ipv4Addr::new(10, 0, 0, 1)),
        IpAddr::from(Ipv4Addr::new(10, 0, 0, 2)),
    );
    let mut out = Vec::new();
    for pass in 0..2 {
        if pass == 1 {
            conv.second_pass();
        }
        out.clear();
        for (i, &(from_client, seq, flags, payload)) in segs.iter().enumerate() {
            let bytes = if from_client {
                segment(40000, 25, seq, 7000, flags, payload)
            } else {
                segment(25, 40000, seq, 7000, flags, payload)
            };
            // One second apart, as in the pcaps tools/smtp_segment_cases.py writes.
            let info = FrameInfo {
                number: i as u32 + 1,
                time_ns: i as i64 * 1_000_000_000,
                len: bytes.len() as u32,
                cap_len: bytes.len() as u32,
                ..FrameInfo::default()
            };
            let mut p = Packet::new();
            p.reset(info, &bytes);
            p.want_columns = true;
            let (src, dst) = if from_client { (c, s) } else { (s, c) };
            tcp::dissect(
                &mut p,
                &interest,
                src,
                dst,
                ByteRange::frame(0, bytes.len()),
            );
            conv.process(&mut p, &interest);
            let mut vals = Vec::new();
            for it in &p.items {
                let name = it.field.def().abbrev;
                if fields.contains(&name) {
                    vals.push(format!("{name}={}", render(&p, &it.value, name)));
                }
            }
            out.push((vals, p.columns.info.clone()));
        }
    }
    out
}

const REASSEMBLY_FIELDS: &[&str] = &[
    "tcp.segment",
    "tcp.segment.count",
    "tcp.reassembled.length",
    "tcp.reassembled_in",
    "smtp.req.command",
    "smtp.req.parameter",
];

#[test]
fn a_command_split_across_the_sequence_wrap_is_one_request() {
    // The ISN is 5 below 2^32: "MAIL FR" crosses the wrap; by hand, the line completes in
    // frame 3 from frames 2 and 3 (7 + 17 bytes).
    let isn = u32::MAX - 4;
    let f = run(
        &[
            (true, isn, 0x02, b""),
            (true, isn.wrapping_add(1), 0x18, b"MAIL FR"),
            (true, isn.wrapping_add(8), 0x18, b"OM:<a@example>\r\n"),
        ],
        REASSEMBLY_FIELDS,
    );
    assert_eq!(f[1].0, ["tcp.reassembled_in=3"]);
    assert!(
        f[1].1.ends_with(" [TCP segment of a reassembled PDU]"),
        "{}",
        f[1].1
    );
    assert_eq!(
        f[2].0,
        [
            "tcp.segment=2",
            "tcp.segment=3",
            "tcp.segment.count=2",
            "tcp.reassembled.length=23",
            "smtp.req.command=MAIL",
            "smtp.req.parameter=FROM:<a@example>",
        ]
    );
    assert_eq!(f[2].1, "C: MAIL FROM:<a@example>");
}

#[test]
fn a_missing_segment_abandons_the_waiting_line_and_the_stream_goes_on() {
    // "MAIL FR" waits; the next segment starts 10 bytes later: the wait is given up (tshark
    // never completes it) and "NOOP" is dissected on its own.
    let f = run(
        &[
            (true, 100, 0x02, b""),
            (true, 101, 0x18, b"MAIL FR"),
            (true, 118, 0x18, b"NOOP\r\n"),
        ],
        REASSEMBLY_FIELDS,
    );
    assert!(f[1].0.is_empty(), "{:?}", f[1].0);
    assert_eq!(f[2].0, ["smtp.req.command=NOOP"]);
}

#[test]
fn retransmitted_and_overlapping_data_goes_up_once() {
    // Frame 3 repeats frame 2 exactly: not dissected again. Frame 4 overlaps the end of frame 2
    // ("x\r\n" already seen) and brings "NOOP\r\n": tshark flags it a retransmission and does
    // not hand it up either.
    let f = run(
        &[
            (true, 100, 0x02, b""),
            (true, 101, 0x18, b"HELO x\r\n"),
            (true, 101, 0x18, b"HELO x\r\n"),
            (true, 106, 0x18, b"x\r\nNOOP\r\n"),
        ],
        &["smtp.req.command", "smtp.req.parameter"],
    );
    assert_eq!(f[1].0, ["smtp.req.command=HELO", "smtp.req.parameter=x"]);
    assert!(f[2].0.is_empty(), "{:?}", f[2].0);
    assert!(f[3].0.is_empty(), "{:?} {}", f[3].0, f[3].1);
}

#[test]
fn out_of_order_segments_are_not_handed_up_twice() {
    // Frame 3 arrives before frame 2 (a gap, then the missing bytes): frame 3 is dissected
    // when seen; frame 2's bytes lie before what was seen, so tshark does not hand them up.
    let f = run(
        &[
            (true, 100, 0x02, b""),
            (true, 107, 0x18, b"NOOP\r\n"),
            (true, 101, 0x18, b"RSET\r\n"),
        ],
        &["smtp.req.command"],
    );
    assert_eq!(f[1].0, ["smtp.req.command=NOOP"]);
    assert!(f[2].0.is_empty(), "{:?}", f[2].0);
}

#[test]
fn decode_as_arguments() {
    let mut d = wiresift::dissect::reassembly::DecodeAs::default();
    assert_eq!(d.smtp_ports, [25, 587]);
    d.add("tcp.port==2525,smtp").unwrap();
    assert_eq!(d.smtp_ports, [25, 587, 2525]);
    assert!(d.add("udp.port==53,smtp").is_err());
    assert!(d.add("tcp.port==80,http").is_err());
    assert!(d.add("tcp.port==2525").is_err());
}

proptest::proptest! {
    /// Whatever the bytes and however they are cut, SMTP, IMF and reassembly do not panic.
    #[test]
    fn arbitrary_sessions_do_not_panic(
        chunks in proptest::collection::vec(
            (proptest::bool::ANY, proptest::collection::vec(proptest::sample::select(
                b"DATA\r\n.:<>,;AUTH LOGIN PLAIN BDAT 5 LAST STARTTLS 220 334 235 250-From: To: x\x16\x03\x01".to_vec()
            ), 0..40)),
            0..30,
        )
    ) {
        let mut seqs = [1000u32, 9000u32];
        let mut segs: Vec<(bool, u32, u8, Vec<u8>)> = vec![(true, 999, 0x02, Vec::new())];
        for (client, bytes) in chunks {
            let d = usize::from(!client);
            segs.push((client, seqs[d], 0x18, bytes.clone()));
            seqs[d] = seqs[d].wrapping_add(bytes.len() as u32);
        }
        let segs: Vec<Seg> = segs.iter().map(|(c, s, f, b)| (*c, *s, *f, b.as_slice())).collect();
        let _ = run(&segs, REASSEMBLY_FIELDS);
    }
}
