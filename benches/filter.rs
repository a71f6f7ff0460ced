//! Micro-benchmarks of the filter: compile time, and evaluations per second of a compiled filter
//! on one hand-built, dissected packet (Ethernet / IPv4 / TCP 10.1.2.3:50000 → 10.0.0.25:25, SYN),
//! beside cloudflare's `wirefilter-engine` (0.6.1) evaluating the equivalent filter over the same
//! values. wirefilter has no multi-valued fields, so `tcp.port == 25` is written there as
//! `tcp.srcport == 25 || tcp.dstport == 25`, and `ip.addr` likewise.
//!
//! `cargo bench --bench filter`

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

use wiresift::dissect::{dissect_frame, FrameInfo, FrameTimes, Interest, Packet};
use wiresift::filter;

fn main() {
    divan::main();
}

/// (name, wiresift filter, equivalent wirefilter filter)
const FILTERS: &[(&str, &str, &str)] = &[
    (
        "port",
        "tcp.port == 25",
        "tcp.srcport == 25 || tcp.dstport == 25",
    ),
    (
        "addr",
        "ip.addr == 10.1.2.3",
        "ip.src == 10.1.2.3 || ip.dst == 10.1.2.3",
    ),
    (
        "and",
        "ip.src == 10.0.0.0/8 && tcp.dstport in {25, 587} && tcp.flags.syn == 1",
        "ip.src in {10.0.0.0/8} && tcp.dstport in {25 587} && tcp.flags.syn",
    ),
    (
        "miss",
        "tcp.port == 443",
        "tcp.srcport == 443 || tcp.dstport == 443",
    ),
];

const NAMES: &[&str] = &["port", "addr", "and", "miss"];

fn spec(name: &str) -> (&'static str, &'static str) {
    FILTERS
        .iter()
        .find(|f| f.0 == name)
        .map(|f| (f.1, f.2))
        .unwrap_or(("", ""))
}

/// A TCP SYN from 10.1.2.3:50000 to 10.0.0.25:25 with an MSS option (checksums not needed).
fn frame() -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00];
    f.extend_from_slice(&[
        0x45, 0, 0, 44, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 1, 2, 3, 10, 0, 0, 25,
    ]);
    f.extend_from_slice(&50000u16.to_be_bytes());
    f.extend_from_slice(&25u16.to_be_bytes());
    f.extend_from_slice(&[
        0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0xff, 0xff, 0, 0, 0, 0, 2, 4, 5, 0xb4,
    ]);
    f.resize(60, 0);
    f
}

fn info(len: usize) -> FrameInfo {
    FrameInfo {
        number: 1,
        time_ns: 0,
        len: len as u32,
        cap_len: len as u32,
        interface_id: 0,
        has_interface_id: false,
        has_ts: true,
        link_type: 1,
    }
}

fn scheme() -> wirefilter::Scheme {
    wirefilter::Scheme! {
        ip.src: Ip,
        ip.dst: Ip,
        tcp.srcport: Int,
        tcp.dstport: Int,
        tcp.flags.syn: Bool,
    }
}

#[divan::bench(args = NAMES)]
fn compile_wiresift(name: &str) {
    let (ws, _) = spec(name);
    black_box(filter::compile(black_box(ws)).is_ok());
}

#[divan::bench(args = NAMES)]
fn compile_wirefilter(bencher: divan::Bencher, name: &str) {
    let (_, wf) = spec(name);
    let scheme = scheme();
    bencher.bench_local(|| black_box(scheme.parse(black_box(wf)).map(|a| a.compile()).is_ok()));
}

/// Evaluation only: the packet is dissected once, with the filter's interest.
#[divan::bench(args = NAMES)]
fn eval_wiresift(bencher: divan::Bencher, name: &str) {
    let (ws, _) = spec(name);
    let Ok(f) = filter::compile(ws) else { return };
    let data = frame();
    let mut p = Packet::new();
    p.reset(info(data.len()), &data);
    dissect_frame(&mut p, f.interest(), &FrameTimes::default());
    bencher.bench_local(|| black_box(f.matches(black_box(&p))));
}

/// Dissection (with the filter's interest) and evaluation of one frame, the engine's per-frame work.
#[divan::bench(args = NAMES)]
fn dissect_and_eval_wiresift(bencher: divan::Bencher, name: &str) {
    let (ws, _) = spec(name);
    let Ok(f) = filter::compile(ws) else { return };
    let data = frame();
    let mut p = Packet::new();
    bencher.bench_local(|| {
        p.reset(info(data.len()), &data);
        dissect_frame(&mut p, f.interest(), &FrameTimes::default());
        black_box(f.matches(&p))
    });
}

/// Full dissection (every field), as `show` or tshark would.
#[divan::bench]
fn dissect_all_fields(bencher: divan::Bencher) {
    let data = frame();
    let all = Interest::all();
    let mut p = Packet::new();
    bencher.bench_local(|| {
        p.reset(info(data.len()), &data);
        dissect_frame(&mut p, &all, &FrameTimes::default());
        black_box(p.items.len())
    });
}

#[divan::bench(args = NAMES)]
fn eval_wirefilter(bencher: divan::Bencher, name: &str) {
    let (_, wf) = spec(name);
    let scheme = scheme();
    let Ok(ast) = scheme.parse(wf) else { return };
    let f = ast.compile();
    let mut ctx = wirefilter::ExecutionContext::new(&scheme);
    let ok = ctx
        .set_field_value("ip.src", IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3)))
        .is_ok()
        && ctx
            .set_field_value("ip.dst", IpAddr::V4(Ipv4Addr::new(10, 0, 0, 25)))
            .is_ok()
        && ctx.set_field_value("tcp.srcport", 50000).is_ok()
        && ctx.set_field_value("tcp.dstport", 25).is_ok()
        && ctx.set_field_value("tcp.flags.syn", true).is_ok();
    assert!(ok, "wirefilter context");
    bencher.bench_local(|| black_box(f.execute(black_box(&ctx)).unwrap_or(false)));
}
