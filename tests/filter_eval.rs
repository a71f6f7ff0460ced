//! Display-filter evaluation against hand-built packets: (filter, packet, expected) tables.
//!
//! Expected values are reasoned by hand from the language reference
//! (/work/shared/reference/display-filter-language.md, "ref §N" below) and the packet contents
//! written out in `packets()`; error texts are tshark 4.0.17's, as the reference quotes them (or as
//! tshark 4.0.17 prints them for the same filter, noted "tshark 4.0.17").

use wiresift::dissect::{ByteRange, FrameInfo, Interest, Packet, Value};
use wiresift::filter::{self, Filter};
use wiresift::registry::{self, FieldId};

fn id(name: &str) -> FieldId {
    registry::lookup(name).unwrap_or_else(|| panic!("{name} is not in the registry"))
}

/// Builds a packet item by item (every field wanted).
struct Build<'a> {
    p: Packet<'a>,
    all: Interest,
}

impl<'a> Build<'a> {
    fn new(number: u32, time_ns: i64, data: &'a [u8]) -> Build<'a> {
        let mut p = Packet::new();
        let info = FrameInfo {
            number,
            time_ns,
            len: data.len() as u32,
            cap_len: data.len() as u32,
            interface_id: 0,
            has_interface_id: true,
            has_ts: true,
            link_type: 1,
        };
        p.reset(info, data);
        Build {
            p,
            all: Interest::all(),
        }
    }
    fn layer(mut self, proto: &str, start: usize, len: usize) -> Self {
        self.p.begin_layer(id(proto), ByteRange::frame(start, len));
        self
    }
    fn add(mut self, field: &str, value: Value, start: usize, len: usize) -> Self {
        self.p
            .add(&self.all, id(field), value, ByteRange::frame(start, len));
        self
    }
    fn str(self, field: &str, start: usize, len: usize) -> Self {
        self.add(field, Value::Str(ByteRange::frame(start, len)), start, len)
    }
    fn bytes(self, field: &str, start: usize, len: usize) -> Self {
        self.add(
            field,
            Value::Bytes(ByteRange::frame(start, len)),
            start,
            len,
        )
    }
    fn extra_str(mut self, field: &str, text: &str) -> Self {
        let r = self.p.add_extra(text.as_bytes());
        self.p
            .add(&self.all, id(field), Value::Str(r), ByteRange::frame(0, 0));
        self
    }
    fn done(self) -> Packet<'a> {
        self.p
    }
}

fn u(v: u64) -> Value {
    Value::UInt(v)
}
fn v4(a: [u8; 4]) -> Value {
    Value::Ipv4(u32::from_be_bytes(a))
}
const SEC: i64 = 1_000_000_000;
/// 2002-12-31 13:55:31.3 UTC (1041342931.3 s since the epoch).
const T0: i64 = 1_041_342_931 * SEC + 300_000_000;

fn frame<'a>(b: Build<'a>, number: u64, len: usize, delta_ns: i64, rel_ns: i64) -> Build<'a> {
    b.layer("frame", 0, len)
        .add(
            "frame.time",
            Value::AbsTime(T0 + (number as i64 - 5) * SEC),
            0,
            0,
        )
        .add("frame.time_delta", Value::RelTime(delta_ns), 0, 0)
        .add("frame.time_relative", Value::RelTime(rel_ns), 0, 0)
        .add("frame.number", u(number), 0, 0)
        .add("frame.len", u(len as u64), 0, 0)
        .add("frame.cap_len", u(len as u64), 0, 0)
        .add("frame.marked", Value::Bool(false), 0, 0)
        .add("frame.ignored", Value::Bool(false), 0, 0)
}

fn eth<'a>(b: Build<'a>, dst: [u8; 6], src: [u8; 6], ty: u64) -> Build<'a> {
    b.layer("eth", 0, 14)
        .add("eth.dst", Value::Ether(dst), 0, 6)
        .add("eth.addr", Value::Ether(dst), 0, 6)
        .add("eth.src", Value::Ether(src), 6, 6)
        .add("eth.addr", Value::Ether(src), 6, 6)
        .add("eth.type", u(ty), 12, 2)
}

#[allow(clippy::too_many_arguments)]
fn ipv4<'a>(
    b: Build<'a>,
    at: usize,
    src: [u8; 4],
    dst: [u8; 4],
    ttl: u64,
    proto: u64,
    df: bool,
    total: u64,
) -> Build<'a> {
    b.layer("ip", at, 20)
        .add("ip.version", u(4), at, 1)
        .add("ip.hdr_len", u(20), at, 1)
        .add("ip.len", u(total), at + 2, 2)
        .add("ip.id", u(0x1234), at + 4, 2)
        .add("ip.flags", u(if df { 0x40 } else { 0 }), at + 6, 1)
        .add("ip.flags.df", Value::Bool(df), at + 6, 1)
        .add("ip.ttl", u(ttl), at + 8, 1)
        .add("ip.proto", u(proto), at + 9, 1)
        .add("ip.src", v4(src), at + 12, 4)
        .add("ip.addr", v4(src), at + 12, 4)
        .add("ip.dst", v4(dst), at + 16, 4)
        .add("ip.addr", v4(dst), at + 16, 4)
}

#[allow(clippy::too_many_arguments)]
fn tcp<'a>(
    b: Build<'a>,
    at: usize,
    end: usize,
    sport: u64,
    dport: u64,
    flags: u64,
    payload: bool,
) -> Build<'a> {
    let b = b
        .layer("tcp", at, end - at)
        .add("tcp.srcport", u(sport), at, 2)
        .add("tcp.dstport", u(dport), at + 2, 2)
        .add("tcp.port", u(sport), at, 2)
        .add("tcp.port", u(dport), at + 2, 2)
        .add("tcp.stream", u(0), 0, 0)
        .add("tcp.len", u((end - at - 20) as u64), 0, 0)
        .add("tcp.seq", u(1000), at + 4, 4)
        .add("tcp.flags", u(flags), at + 12, 2)
        .add("tcp.flags.ack", Value::Bool(flags & 0x10 != 0), at + 12, 2)
        .add("tcp.flags.push", Value::Bool(flags & 0x08 != 0), at + 12, 2)
        .add("tcp.flags.syn", Value::Bool(flags & 0x02 != 0), at + 12, 2)
        .add("tcp.flags.fin", Value::Bool(flags & 0x01 != 0), at + 12, 2)
        .add("tcp.window_size_scalefactor", Value::Int(-1), 0, 0)
        .add("tcp.checksum.status", u(2), 0, 0)
        .add("tcp.time_delta", Value::RelTime(100_000_000), 0, 0);
    if payload {
        b.bytes("tcp.payload", at + 20, end - at - 20)
    } else {
        b
    }
}

const MAC_A: [u8; 6] = [0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee];
const MAC_B: [u8; 6] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
const BCAST: [u8; 6] = [0xff; 6];

/// Frame bytes: Ethernet + IPv4 + TCP headers and an SMTP line, written out by hand.
fn smtp_bytes(line: &[u8], from_server: bool) -> Vec<u8> {
    let (dst, src) = if from_server {
        (MAC_A, MAC_B)
    } else {
        (MAC_B, MAC_A)
    };
    let mut d = Vec::new();
    d.extend_from_slice(&dst);
    d.extend_from_slice(&src);
    d.extend_from_slice(&[0x08, 0x00]);
    let total = (40 + line.len()) as u16;
    let (ipsrc, ipdst, ttl, df) = if from_server {
        ([10, 0, 0, 1], [192, 168, 1, 20], 64, 0x40)
    } else {
        ([192, 168, 1, 20], [10, 0, 0, 1], 128, 0)
    };
    d.extend_from_slice(&[0x45, 0x00]);
    d.extend_from_slice(&total.to_be_bytes());
    d.extend_from_slice(&[0x12, 0x34, df, 0x00, ttl, 0x06, 0x00, 0x00]);
    d.extend_from_slice(&ipsrc);
    d.extend_from_slice(&ipdst);
    let (sp, dp): (u16, u16) = if from_server { (25, 1025) } else { (1025, 25) };
    d.extend_from_slice(&sp.to_be_bytes());
    d.extend_from_slice(&dp.to_be_bytes());
    d.extend_from_slice(&[
        0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
    ]);
    d.extend_from_slice(line);
    d
}

struct Data {
    rsp: Vec<u8>,
    req: Vec<u8>,
    udp: Vec<u8>,
    arp: Vec<u8>,
    tun: Vec<u8>,
    v6: Vec<u8>,
}

fn data() -> Data {
    Data {
        rsp: smtp_bytes(b"250 OK HEAD\r\n", true),
        req: smtp_bytes(b"EHLO mail.example\r\n", false),
        udp: [&[0u8; 42][..], b"sip!"].concat(),
        arp: vec![0u8; 42],
        tun: vec![0u8; 62],
        v6: vec![0u8; 74],
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum P {
    /// SMTP response `250 OK HEAD`: 10.0.0.1:25 → 192.168.1.20:1025, TTL 64, DF, PSH+ACK.
    Rsp,
    /// SMTP request `EHLO mail.example`: 192.168.1.20:1025 → 10.0.0.1:25, TTL 128.
    Req,
    /// UDP 10.0.0.5:5060 → 10.0.0.1:5060, TTL 1, four data bytes `sip!`.
    Udp,
    /// ARP broadcast: no IP at all.
    Arp,
    /// IPv4 in IPv4: 1.1.1.1 → 2.2.2.2 (TTL 64), then 10.0.0.1 → 10.0.0.2 (TTL 63), UDP 53 → 1234.
    Tun,
    /// IPv6 2001:db8::1 → ::1, TCP SYN 80 → 443.
    V6,
    /// ICMP reply 10.0.0.9 → 10.0.0.1 with a response time of 0.25 (an FT_DOUBLE).
    Icmp,
}

fn packet<'a>(which: P, d: &'a Data) -> Packet<'a> {
    match which {
        P::Rsp => {
            let b = frame(Build::new(5, T0, &d.rsp), 5, 67, SEC / 2, SEC + SEC / 4);
            let b = eth(b, MAC_A, MAC_B, 0x0800);
            let b = ipv4(b, 14, [10, 0, 0, 1], [192, 168, 1, 20], 64, 6, true, 53);
            tcp(b, 34, 67, 25, 1025, 0x018, true)
                .layer("smtp", 54, 13)
                .add("smtp.rsp", Value::Bool(true), 54, 13)
                .str("smtp.response", 54, 11)
                .add("smtp.response.code", u(250), 54, 3)
                .str("smtp.rsp.parameter", 58, 7)
                .extra_str("frame.protocols", "eth:ethertype:ip:tcp:smtp")
                .done()
        }
        P::Req => {
            let b = frame(
                Build::new(6, T0 + SEC, &d.req),
                6,
                73,
                SEC,
                2 * SEC + SEC / 4,
            );
            let b = eth(b, MAC_B, MAC_A, 0x0800);
            let b = ipv4(b, 14, [192, 168, 1, 20], [10, 0, 0, 1], 128, 6, false, 59);
            tcp(b, 34, 73, 1025, 25, 0x018, true)
                .layer("smtp", 54, 19)
                .add("smtp.req", Value::Bool(true), 54, 19)
                .str("smtp.req.command", 54, 4)
                .str("smtp.req.parameter", 59, 12)
                .done()
        }
        P::Udp => {
            let b = frame(Build::new(7, T0 + 2 * SEC, &d.udp), 7, 46, SEC, 3 * SEC);
            let b = eth(b, MAC_A, MAC_B, 0x0800);
            ipv4(b, 14, [10, 0, 0, 5], [10, 0, 0, 1], 1, 17, false, 32)
                .layer("udp", 34, 12)
                .add("udp.srcport", u(5060), 34, 2)
                .add("udp.dstport", u(5060), 36, 2)
                .add("udp.port", u(5060), 34, 2)
                .add("udp.port", u(5060), 36, 2)
                .layer("data", 42, 4)
                .bytes("data.data", 42, 4)
                .done()
        }
        P::Arp => {
            let b = frame(Build::new(8, T0 + 3 * SEC, &d.arp), 8, 42, SEC, 4 * SEC);
            eth(b, BCAST, MAC_B, 0x0806).layer("arp", 14, 28).done()
        }
        P::Tun => {
            let b = frame(Build::new(9, T0 + 4 * SEC, &d.tun), 9, 62, SEC, 5 * SEC);
            let b = eth(b, MAC_A, MAC_B, 0x0800);
            let b = ipv4(b, 14, [1, 1, 1, 1], [2, 2, 2, 2], 64, 4, false, 48);
            let b = ipv4(b, 34, [10, 0, 0, 1], [10, 0, 0, 2], 63, 17, false, 28);
            b.layer("udp", 54, 8)
                .add("udp.srcport", u(53), 54, 2)
                .add("udp.dstport", u(1234), 56, 2)
                .add("udp.port", u(53), 54, 2)
                .add("udp.port", u(1234), 56, 2)
                .done()
        }
        P::V6 => {
            let b = frame(Build::new(10, T0 + 5 * SEC, &d.v6), 10, 74, SEC, 6 * SEC);
            let b = eth(b, MAC_A, MAC_B, 0x86dd);
            let src = 0x2001_0db8_u128 << 96 | 1;
            let b = b
                .layer("ipv6", 14, 40)
                .add("ipv6.src", Value::Ipv6(src), 22, 16)
                .add("ipv6.addr", Value::Ipv6(src), 22, 16)
                .add("ipv6.dst", Value::Ipv6(1), 38, 16)
                .add("ipv6.addr", Value::Ipv6(1), 38, 16);
            tcp(b, 54, 74, 80, 443, 0x002, false).done()
        }
        P::Icmp => {
            let b = frame(Build::new(11, T0 + 6 * SEC, &d.arp), 11, 42, SEC, 7 * SEC);
            let b = eth(b, MAC_A, MAC_B, 0x0800);
            ipv4(b, 14, [10, 0, 0, 9], [10, 0, 0, 1], 64, 1, false, 28)
                .layer("icmp", 34, 8)
                .add("icmp.resptime", Value::Float(0.25), 0, 0)
                .done()
        }
    }
}

fn compile(text: &str) -> Filter {
    filter::compile(text).unwrap_or_else(|e| panic!("{text:?} does not compile: {e:?}"))
}

use P::*;

/// (filter, packet, expected)
const ROWS: &[(&str, P, bool)] = &[
    // ref §2 "Empty filter = accept everything".
    ("", Arp, true),
    // ref §3.1 existence: a field alone, even a false boolean; slices test that bytes exist.
    ("tcp", Rsp, true),
    ("tcp", Udp, false),
    ("ip", Arp, false),
    ("tcp.flags.fin", Rsp, true),
    ("frame.marked", Arp, true),
    ("smtp.req.command", Rsp, false),
    ("smtp.req.command", Req, true),
    ("frame[66]", Rsp, true),
    ("frame[67]", Rsp, false),
    ("frame[50-60]", Rsp, true),
    ("frame[60-70]", Rsp, false),
    ("ip.addr#2", Tun, true),
    ("ip.addr#2", Rsp, false),
    ("ip.addr#0", Tun, false),
    // ref §3.2 multi-occurrence: == any, != all-not-equal, === all, !== any-ne; a comparison
    // implies its field exists, so `!=` and `!(==)` differ on a packet without IP.
    ("ip.addr == 10.0.0.1", Rsp, true),
    ("ip.addr != 10.0.0.1", Rsp, false),
    ("!(ip.addr == 10.0.0.1)", Rsp, false),
    ("ip.addr === 10.0.0.1", Rsp, false),
    ("ip.addr !== 10.0.0.1", Rsp, true),
    ("ip.src == 10.0.0.1", Rsp, true),
    ("ip.dst != 10.0.0.1", Rsp, true),
    ("ip.dst == 10.0.0.1", Rsp, false),
    ("ip.addr != 10.0.0.1", Arp, false),
    ("!(ip.addr == 10.0.0.1)", Arp, true),
    ("not ip.addr == 10.0.0.1", Arp, true),
    ("ip.addr !== 10.0.0.1", Arp, false),
    ("ip.addr === 10.0.0.1", Arp, false),
    ("all ip.addr == 10.0.0.1", Arp, false),
    ("all ip.addr == 10.0.0.1", Rsp, false),
    ("any ip.addr != 10.0.0.1", Rsp, true),
    ("all ip.addr != 1.2.3.4", Rsp, true),
    ("all tcp.port > 24", Rsp, true),
    ("all tcp.port > 25", Rsp, false),
    ("any tcp.port > 1024", Rsp, true),
    ("tcp.port == 25", Rsp, true),
    ("tcp.port == 25", Udp, false),
    ("udp.port === 5060", Udp, true),
    ("udp.port != 5060", Udp, false),
    ("udp.port !== 5060", Udp, false),
    ("ip.addr == ip.addr", Rsp, true),
    ("ip.addr != ip.addr", Rsp, false),
    ("ip.addr !== ip.addr", Rsp, true),
    ("ip.addr === ip.addr", Rsp, false),
    ("tcp.srcport == tcp.dstport", Rsp, false),
    ("tcp.port == tcp.srcport", Rsp, true),
    ("ip.src == ip.dst", Udp, false),
    // ref §3.10 layers.
    ("ip.src#1 == 1.1.1.1", Tun, true),
    ("ip.src#2 == 10.0.0.1", Tun, true),
    ("ip.src#2 == 1.1.1.1", Tun, false),
    ("ip.src#[-1] == 10.0.0.1", Tun, true),
    ("ip.dst#[1-2] == 10.0.0.2", Tun, true),
    ("ip.dst#1 == 10.0.0.2", Tun, false),
    ("ip.src == 10.0.0.1", Tun, true),
    ("count(ip.src) == 2", Tun, true),
    ("count(ip.addr) == 4", Tun, true),
    ("count(ip.addr#2) == 2", Tun, true),
    // ref §4: count of an absent field is no value, so the comparison is false.
    ("count(udp.port) == 0", Rsp, false),
    ("not count(udp.port) == 0", Rsp, true),
    // ref §3.3 addresses: CIDR membership, ordering under the netmask, IPv4 `&`.
    ("ip.dst >= 192.168.1.0/24", Rsp, true),
    ("ip.dst <= 192.168.1.0/24", Rsp, true),
    ("ip.dst > 192.168.1.0/24", Rsp, false),
    ("ip.addr == 10.0.0.0/8", Rsp, true),
    ("ip.dst == 10.0.0.0/8", Rsp, false),
    ("ip.src in {10.0.0.0/8}", Udp, true),
    ("ip.src > 9.255.255.255", Rsp, true),
    ("ip.src & 255.0.0.0 == 10.0.0.0", Rsp, true),
    ("ip.dst & 255.255.0.0 == 192.168.0.0", Rsp, true),
    ("ip.dst & 255.255.0.0 == 192.169.0.0", Rsp, false),
    ("eth.src == 00:11:22:33:44:55", Rsp, true),
    ("eth.src == 00-11-22-33-44-55", Rsp, true),
    ("eth.src == 0011.2233.4455", Rsp, true),
    ("eth.src == 001122334455", Rsp, true),
    ("eth.addr == ff:ff:ff:ff:ff:ff", Arp, true),
    ("eth.dst > eth.src", Arp, true),
    ("eth.src < 00:11:22:33:44:56", Rsp, true),
    ("ipv6.src == 2001:db8::1", V6, true),
    ("ipv6.addr == ::1", V6, true),
    ("ipv6.src == 2001:db8::/32", V6, true),
    ("ipv6.src == 2001:db9::/32", V6, false),
    ("ipv6.dst < ::2", V6, true),
    // ref §3.3 strings: byte-exact, case-sensitive, lexicographic; unquoted words are strings.
    ("smtp.req.command == \"EHLO\"", Req, true),
    ("smtp.req.command == \"ehlo\"", Req, false),
    ("smtp.req.command > \"EHLN\"", Req, true),
    ("smtp.req.command < \"EHLO\"", Req, false),
    ("smtp.req.command == EHLO", Req, true),
    ("smtp.rsp.parameter == \"OK HEAD\"", Rsp, true),
    // ref §1.4 booleans: any integer (non-zero true), True/FALSE, the true/false labels.
    ("tcp.flags.syn == 0", Rsp, true),
    ("tcp.flags.push == 2", Rsp, true),
    ("tcp.flags.push == 1", Req, true),
    ("tcp.flags.ack == True", Rsp, true),
    ("tcp.flags.syn == FALSE", Rsp, true),
    ("tcp.flags.syn == \"Set\"", V6, true),
    ("tcp.flags.syn == \"Not set\"", Rsp, true),
    ("tcp.flags.syn == \"Set\"", Rsp, false),
    ("tcp.flags.ack > tcp.flags.syn", Rsp, true),
    ("frame.ignored == false", Rsp, true),
    ("ip.flags.df == 1", Rsp, true),
    ("ip.flags.df == 1", Req, false),
    ("tcp.srcport == tcp.flags.ack", Rsp, false),
    // ref §1.4 integers: every base, character constants, signed/unsigned mixes.
    ("tcp.srcport == 0x19", Rsp, true),
    ("tcp.srcport == 031", Rsp, true),
    ("tcp.srcport == 0b11001", Rsp, true),
    ("ip.ttl == '@'", Rsp, true),
    ("ip.ttl == 'A'", Rsp, false),
    ("tcp.window_size_scalefactor == -1", Rsp, true),
    ("tcp.window_size_scalefactor < 0", Rsp, true),
    ("ip.len == -1", Rsp, false),
    ("ip.version > tcp.window_size_scalefactor", Rsp, true),
    ("tcp.port == ip.proto", Rsp, false),
    ("ip.proto < tcp.srcport", Rsp, true),
    ("frame.len == 67", Rsp, true),
    ("frame.number >= 5 && frame.number <= 6", Req, true),
    // ref §1.4 value strings: ASCII case-insensitive, unquoted accepted (deprecated).
    ("ip.proto == \"TCP\"", Rsp, true),
    ("ip.proto == \"tcp\"", Rsp, true),
    ("ip.proto == TCP", Rsp, true),
    ("ip.proto == \"UDP\"", Udp, true),
    ("ip.proto == \"UDP\"", Rsp, false),
    (
        "smtp.response.code == \"Requested mail action okay, completed\"",
        Rsp,
        true,
    ),
    ("smtp.response.code == 250", Rsp, true),
    ("tcp.checksum.status == \"Unverified\"", Rsp, true),
    ("tcp.checksum.status == \"Good\"", Rsp, false),
    // ref §1.4 times: relative times in seconds; absolute times ISO or legacy, zones.
    ("frame.time_delta == 0.5", Rsp, true),
    ("frame.time_delta > 0.4", Rsp, true),
    ("frame.time_delta < 0.5", Rsp, false),
    ("frame.time_relative >= 1.25", Rsp, true),
    ("frame.time_delta == 1", Req, true),
    ("tcp.time_delta == 0.1", Rsp, true),
    ("frame.time_delta in {0.4 .. 0.6}", Rsp, true),
    ("frame.time_delta + 0.5 == 1", Rsp, true),
    ("frame.time == \"2002-12-31 13:55:31.3Z\"", Rsp, true),
    ("frame.time == \"2002-12-31T13:55:31.3Z\"", Rsp, true),
    ("frame.time == \"Dec 31, 2002 13:55:31.3 UTC\"", Rsp, true),
    ("frame.time == \"2002-12-31 13:55:31.3 UTC\"", Rsp, true),
    ("frame.time > \"2002-12-31\"", Rsp, true),
    ("frame.time < \"dec 31, 2002 13:55:32 UTC\"", Rsp, true),
    ("frame.time == \"2002-12-31 15:55:31.3+02:00\"", Rsp, true),
    ("frame.time > \"2002-12-31 13:55:31Z\"", Rsp, true),
    ("frame.time < \"2002-12-31T14:55:31.3+01:00\"", Rsp, false),
    ("frame.time >= \"2002-12-31 13:55:32Z\"", Req, true),
    ("frame.time >= \"2002-12-31 13:55:32Z\"", Rsp, false),
    // No zone: local time; the tests run with TZ=UTC.
    ("frame.time == \"2002-12-31 13:55:31.3\"", Rsp, true),
    // ref §1.4 floating point (FT_DOUBLE); NaN equals only NaN (post-4.0 `nan` literal).
    ("icmp.resptime == 0.25", Icmp, true),
    ("icmp.resptime == 25e-2", Icmp, true),
    ("icmp.resptime > 0.2", Icmp, true),
    ("icmp.resptime < 0.2", Icmp, false),
    ("icmp.resptime * 4 == 1", Icmp, true),
    ("icmp.resptime - 0.25 == 0", Icmp, true),
    ("icmp.resptime / 0 == 0", Icmp, false),
    ("-icmp.resptime < 0", Icmp, true),
    ("abs(-icmp.resptime) == 0.25", Icmp, true),
    ("icmp.resptime != NaN", Icmp, true),
    ("icmp.resptime == NaN", Icmp, false),
    ("icmp.resptime == inf", Icmp, false),
    // ref §3.4 contains: bytes, strings, protocols, slices; strings are case-sensitive.
    ("tcp.payload contains \"HEAD\"", Rsp, true),
    ("tcp.payload contains \"head\"", Rsp, false),
    ("frame contains \"EHLO\"", Req, true),
    ("tcp contains \"EHLO\"", Req, true),
    ("ip contains \"EHLO\"", Req, false),
    ("smtp.req.parameter contains \"example\"", Req, true),
    ("smtp.req.parameter contains example", Req, true),
    ("eth.src contains 22:33", Rsp, true),
    ("frame contains 48:45:41:44", Rsp, true),
    ("frame contains 0x48", Rsp, true),
    ("frame contains 'H'", Rsp, true),
    ("tcp.payload contains 0a", Rsp, true),
    ("ip contains 0a:00:00:01", Rsp, true),
    ("all tcp.payload contains \"250\"", Rsp, true),
    ("frame.protocols contains \"smtp\"", Rsp, true),
    ("frame.protocols contains \"udp\"", Rsp, false),
    ("tcp.payload contains smtp.rsp.parameter", Rsp, true),
    // ref §3.5 matches: caseless by default, `(?-i)` turns it off, bytes via escapes.
    ("smtp.req.command matches \"^eh\"", Req, true),
    ("smtp.req.command matches \"(?-i)^eh\"", Req, false),
    ("smtp.req.command ~ \"LO$\"", Req, true),
    ("frame matches \"mail\\\\.example\"", Req, true),
    ("frame matches \"mail\\\\.exampl[^e]\"", Req, false),
    ("tcp.payload matches \"^250 \"", Rsp, true),
    ("tcp.payload matches \"^220\"", Rsp, false),
    ("smtp.rsp.parameter matches \"ok\"", Rsp, true),
    ("eth.src matches \"\\x11\\x22\"", Rsp, true),
    // ref §3.6 membership: ranges inclusive, reversed ranges empty, `not in` is `!(in)`.
    ("tcp.port in {25, 587}", Rsp, true),
    ("tcp.port in {80..90}", Rsp, false),
    ("tcp.port in {1000..1100}", Rsp, true),
    ("tcp.port in {1100..1000}", Rsp, false),
    ("tcp.port not in {25}", Rsp, false),
    ("tcp.port not in {80}", Rsp, true),
    // 4.0.17 on a capture: `tcp.port not in {1}` matched every frame, TCP or not.
    ("tcp.port not in {80}", Arp, true),
    // `all x in {...}`: every value in the set — the post-4.0 meaning (ref §3.2 "Membership
    // with all": 4.0.17 returns false here, later versions true).
    ("all tcp.port in {25, 1025}", Rsp, true),
    ("all tcp.port in {25}", Rsp, false),
    ("all tcp.port in {25}", Arp, false),
    ("ip.proto in {\"TCP\", \"UDP\"}", Udp, true),
    ("smtp.req.command in {\"HELO\", \"EHLO\"}", Req, true),
    ("smtp.req.command in {\"HELO\", \"QUIT\"}", Req, false),
    ("frame.len in {60..70}", Rsp, true),
    ("ip.src in {10.0.0.0/8, 192.168.0.0/16}", Req, true),
    ("ip.ttl in {63..64}", Rsp, true),
    ("ip.ttl in {1, 2, 3}", Udp, true),
    ("smtp.req.command in {\"A\"..\"F\"}", Req, true),
    ("smtp.req.command in {\"F\"..\"Z\"}", Req, false),
    // Post-4.0 (ref §3.6): fields as set elements.
    ("eth.src in {eth.dst}", Rsp, false),
    ("eth.src in {eth.addr}", Rsp, true),
    ("tcp.dstport in {tcp.srcport..2000}", Rsp, true),
    ("tcp.dstport in {tcp.srcport..1000}", Rsp, false),
    // ref §3.7 arithmetic: 64-bit, no wrap-around; division by zero is no value
    // (any-tests false, all-tests vacuously true); an absent field makes the relation false.
    ("ip.ttl + 200 == 8", Rsp, false),
    ("ip.ttl * 2 == 128", Rsp, true),
    ("ip.ttl - 65 == -1", Rsp, true),
    ("tcp.srcport + 1 == 26", Rsp, true),
    ("udp.srcport + 1 == 1", Rsp, false),
    ("udp.srcport + 1 != 1", Rsp, false),
    ("not udp.srcport + 1 == 1", Rsp, true),
    ("ip.ttl / 0 == 0", Rsp, false),
    ("ip.ttl / 0 == 64", Rsp, false),
    ("ip.ttl / 0 != 1", Rsp, true),
    ("ip.ttl % 0 == 0", Rsp, false),
    ("ip.ttl % 10 == 4", Rsp, true),
    ("ip.ttl / 3 == 21", Rsp, true),
    ("-tcp.srcport == -25", Rsp, true),
    ("tcp.dstport - tcp.srcport == 1000", Rsp, true),
    ("tcp.srcport * {10 / {5 - 4}} == 250", Rsp, true),
    ("{tcp.srcport + 5} * 2 == 60", Rsp, true),
    ("2 * tcp.srcport == 50", Rsp, true),
    ("6 == ip.proto", Rsp, true),
    ("17 == ip.proto", Rsp, false),
    // ref §3.8 bitwise and: alone it tests for a non-zero result.
    ("tcp.flags & 0x08", Rsp, true),
    ("tcp.flags & 0x02", Rsp, false),
    ("tcp.flags & 0x02", V6, true),
    ("tcp.flags & 0x0f == 8", Rsp, true),
    ("frame[34:2] & ff:00 == 00:00", Rsp, true),
    ("frame[12:2] & 0f:00", Rsp, true),
    ("frame[12:2] & f0:ff", Rsp, false),
    // ref §4 max/min/abs.
    ("abs(tcp.window_size_scalefactor) == 1", Rsp, true),
    ("abs(-tcp.srcport) == 25", Rsp, true),
    ("max(tcp.srcport, tcp.dstport) == 1025", Rsp, true),
    ("min(tcp.port) == 25", Rsp, true),
    ("max(tcp.port) == 1025", Rsp, true),
    ("max(ip.ttl) == 64", Tun, true),
    ("min(ip.ttl) == 63", Tun, true),
    // ref §3.9 slices: offsets, negative offsets, spans, concatenation, out of range = no value.
    ("frame[0] == 00", Rsp, true),
    ("frame[12:2] == 08:00", Rsp, true),
    ("frame[12-13] == 08:00", Rsp, true),
    ("frame[-2:] == 0d:0a", Rsp, true),
    ("frame[-1] == 0a", Rsp, true),
    ("frame[0:2,12:2] == 00:aa:08:00", Rsp, true),
    ("frame[1:2] == aa:bb", Rsp, true),
    ("frame[0:4][1] == aa", Rsp, true),
    ("eth.src == frame[6:6]", Rsp, true),
    ("tcp.payload[0:2] == eth.src", Rsp, false),
    ("frame.len == 60 + 7", Rsp, true),
    ("tcp.srcport & ip.ttl == 0", Rsp, true),
    (
        "frame[0,1,2,3,4,5,6,7,8,9,10,11] == 00:aa:bb:cc:dd:ee:00:11:22:33:44:55",
        Rsp,
        true,
    ),
    ("frame[0:2,100] == 00:aa", Rsp, false),
    ("frame[2147483647] == 00", Rsp, false),
    ("frame[54:4] == \"250 \"", Rsp, true),
    ("tcp.payload[0:3] == \"250\"", Rsp, true),
    ("tcp.payload[0] == 0x32", Rsp, true),
    ("tcp.payload[0] == '2'", Rsp, true),
    ("frame[100:2] == 00:00", Rsp, false),
    ("frame[100:2]", Rsp, false),
    // tshark 4.0.17: `frame[100:2] != 00:00` matched all 38 frames of a capture where 26 are
    // shorter than 102 bytes: an out-of-range slice is an empty list, vacuously all-not-equal.
    ("frame[100:2] != 00:00", Rsp, true),
    ("ip.src[0] == 0a", Rsp, true),
    ("ip.src[0:2] == 0a:00", Rsp, true),
    ("ipv6.src[0:2] == 20:01", V6, true),
    ("eth.src[0:3] == 00:11:22", Rsp, true),
    ("smtp.req.command[0:2] == \"EH\"", Req, true),
    ("upper(smtp.req.parameter)[0:4] == \"MAIL\"", Req, true),
    ("tcp[0:2] == 00:19", Rsp, true),
    ("frame[54:4] contains \"0 \"", Rsp, true),
    ("len(frame[0:4]) == 4", Rsp, true),
    // ref §3.11 raw `@field` (post-4.0): the bytes the field spans.
    ("@tcp.srcport == 00:19", Rsp, true),
    ("@tcp.srcport[1] == 0x19", Rsp, true),
    ("len(@ip) == 20", Rsp, true),
    ("@ip.src == 0a:00:00:01", Rsp, true),
    // ref §1.4 / §6: in 4.0 a bare 2-digit word against bytes is a HEX byte: `32` is 0x32 = '2'
    // and `48` is 'H' (later versions read decimal 48 = '0').
    ("tcp.payload[0] == 32", Rsp, true),
    ("frame[61] == 48", Rsp, true),
    ("frame[0] == 48", Rsp, false),
    ("tcp.payload[4] == 4f", Rsp, true),
    // ref §4 functions.
    ("len(tcp.payload) == 13", Rsp, true),
    ("len(smtp.req.command) == 4", Req, true),
    ("len(tcp.srcport) == 2", Rsp, true),
    ("len(ip) == 20", Rsp, true),
    ("count(tcp.port) == 2", Rsp, true),
    ("count(ip.addr) == 2", Rsp, true),
    ("lower(smtp.req.command) == \"ehlo\"", Req, true),
    ("upper(smtp.rsp.parameter) == \"OK HEAD\"", Rsp, true),
    ("upper(smtp.req.parameter) contains \"EXAMPLE\"", Req, true),
    ("lower(smtp.req.command) == \"EHLO\"", Req, false),
    ("string(frame.number) == \"5\"", Rsp, true),
    ("string(frame.number) matches \"[13579]$\"", Rsp, true),
    ("string(frame.number) matches \"[13579]$\"", Req, false),
    ("string(ip.src) == \"10.0.0.1\"", Rsp, true),
    ("string(eth.src) contains \"00:11:22\"", Rsp, true),
    ("string(tcp.srcport) == \"25\"", Rsp, true),
    // tshark 4.0.17: decimal whatever the display base (tcp.flags is BASE_HEX).
    ("string(tcp.flags) == \"24\"", Rsp, true),
    ("string(ip.proto) == \"6\"", Rsp, true),
    // A function alone is its truthiness (4.4; 4.0 rejects it).
    ("len(smtp.req.command)", Req, true),
    ("count(udp.port)", Rsp, false),
    ("!len(smtp.req.command)", Req, false),
    // ref §3.14 logic: precedence not > and > xor > or, short-circuit.
    ("tcp and udp", Rsp, false),
    ("tcp or udp", Udp, true),
    ("tcp xor ip", Rsp, false),
    ("tcp xor ip", Udp, true),
    ("tcp ^^ udp", Rsp, true),
    ("not tcp and udp", Udp, true),
    ("tcp or udp and frame.len == 1", Rsp, true),
    ("!(tcp || udp)", Arp, true),
    ("tcp && !smtp.req", Rsp, true),
    ("tcp.port == 25 && tcp.port == 1025", Rsp, true),
    ("tcp.srcport < tcp.dstport <= 1025", Rsp, true),
    ("tcp.srcport < tcp.dstport < 1025", Rsp, false),
];

#[test]
fn evaluation_table() {
    let d = data();
    let mut failures = Vec::new();
    for &(text, which, expected) in ROWS {
        let f = match filter::compile(text) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{text:?}: compile error {:?}", e.message));
                continue;
            }
        };
        let p = packet(which, &d);
        if f.matches(&p) != expected {
            failures.push(format!("{text:?} on {which:?}: expected {expected}"));
        }
    }
    assert!(ROWS.len() >= 150, "{} rows", ROWS.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// (filter, tshark 4.0's message, suggestion)
const ERRORS: &[(&str, &str, Option<&str>)] = &[
    // ref §7 (tshark 4.0.17) and §1.3.
    ("\"abc\"", "\"abc\" is neither a field nor a protocol name.", None),
    ("TCP", "TCP is neither a field nor a protocol name.", None),
    (
        "ip.adr",
        "ip.adr is neither a field nor a protocol name.",
        Some("Did you mean \"ip.addr\"?"),
    ),
    (
        "foo.bar == 1",
        "Left side of \"==\" expression must be a field or function, not foo.bar.",
        None,
    ),
    (
        "ip.adr == 1.2.3.4",
        "Left side of \"==\" expression must be a field or function, not ip.adr.",
        Some("Did you mean \"ip.addr\"?"),
    ),
    (
        "smtp.command eq \"EHLO\"",
        "Left side of \"eq\" expression must be a field or function, not smtp.command.",
        Some("Did you mean \"smtp.req.command\"?"),
    ),
    (
        "tcp.port contains 80",
        "tcp.port (type=Unsigned integer (2 bytes)) cannot participate in contains comparison.",
        None,
    ),
    (
        "tcp.port matches \"a\"",
        "tcp.port (type=Unsigned integer (2 bytes)) cannot participate in matches comparison.",
        None,
    ),
    (
        "tcp.port == \"80\"",
        "Unsigned integer (2 bytes) cannot be converted from a string (\"80\").",
        None,
    ),
    (
        "tcp.port == 99999999999",
        "\"99999999999\" too big for this field, maximum 65535.",
        None,
    ),
    ("tcp.seq == 1.5", "\"1.5\" is not a valid number.", None),
    (
        "ip.src == 300.1.1.1",
        "\"300.1.1.1\" is not a valid hostname or IPv4 address.",
        None,
    ),
    (
        "ip.addr == 10.0.0.0/33",
        "Netmask bits in a CIDR IPv4 address should be <= 32, not 33",
        None,
    ),
    (
        "eth.src == 00:11:22:33:44",
        "\"00:11:22:33:44\" contains too few bytes to be a valid Ethernet address.",
        None,
    ),
    (
        "ip.src == eth.src",
        "ip.src and eth.src are not of compatible types.",
        None,
    ),
    (
        "smtp.req.command matches EHLO",
        "Matches requires a double quoted string on the right side.",
        None,
    ),
    (
        "tcp.flags.syn == yes",
        "\"yes\" cannot be found among the possible values for tcp.flags.syn.",
        None,
    ),
    (
        "tcp.flags.syn == true",
        "\"true\" cannot be found among the possible values for tcp.flags.syn.",
        None,
    ),
    (
        "upper(tcp.port) == \"A\"",
        "Only string type fields can be used as parameter for upper()",
        None,
    ),
    (
        "frame.time == \"2020-13-01\"",
        "\"2020-13-01\" is not a valid absolute time. Example: \"Nov 12, 1999 08:55:44.123\" or \"2011-07-04 12:34:56\"",
        None,
    ),
    (
        "ip.ttl + 200 == 328",
        "\"328\" too big for this field, maximum 255.",
        None,
    ),
    ("ip.ttl * 300 == 1", "\"300\" too big for this field, maximum 255.", None),
    // tshark 4.0.17 (tests/data/filters_acceptance.tsv) blames the left side.
    (
        "1 == 1",
        "Left side of \"==\" expression must be a field or function, not 1.",
        None,
    ),
    (
        "1 + 1 == 2",
        "Constant arithmetic expression on the LHS is invalid.",
        None,
    ),
    ("1 - 2", "Constant expression is invalid", None),
    (
        "nosuchfunc(tcp.port)",
        "Function 'nosuchfunc' does not exist",
        None,
    ),
    (
        "lenn(tcp.payload) == 1",
        "Function 'lenn' does not exist",
        Some("Did you mean 'len'?"),
    ),
    (
        "ip.addr == mail.example",
        "\"mail.example\" is not a valid hostname or IPv4 address.",
        Some("ip.addr is an IPv4 address; \"mail.example\" is not one (wiresift does not resolve host names)"),
    ),
    (
        "tcp.port[0] == 1",
        "\"tcp.port\" is a Unsigned integer (2 bytes) and cannot be sliced into a sequence of bytes.",
        None,
    ),
    (
        "smtp.eom == 1",
        "smtp.eom (type=Label) cannot participate in == comparison.",
        None,
    ),
    // tshark 4.0.17 for the rest.
    ("ip.src + 1 == 1", "FT_IPv4 cannot +.", None),
    ("-tcp == 1", "FT_PROTOCOL cannot -.", None),
    ("tcp.flags.syn & 1", "FT_BOOLEAN cannot &.", None),
    ("frame[0] == 0x4845", "\"0x4845\" is not a valid byte string.", None),
    ("frame[0] == zz", "\"zz\" is not a valid byte string.", None),
    ("len(1, 2) == 1", "Function len can only accept 1 arguments.", None),
    ("len() == 1", "Function len needs at least 1 arguments.", None),
    ("count(1) == 1", "Only fields can be used as parameter for count()", None),
    ("string(1) == \"a\"", "Only fields can be used as parameter for string()", None),
    (
        "string(ip.flags.df) == \"1\"",
        "String conversion for field \"ip.flags.df\" is not supported",
        None,
    ),
    (
        "string(frame.time) contains \"2\"",
        "String conversion for field \"frame.time\" is not supported",
        None,
    ),
    (
        "string(tcp.payload) == \"a\"",
        "String conversion for field \"tcp.payload\" is not supported",
        None,
    ),
    (
        "max(tcp.srcport, ip.ttl) == 1",
        "Arguments to 'max' must have the same type (expected FT_UINT16, got FT_UINT8)",
        None,
    ),
    ("max(1) == 1", "Argument '1' is not valid for max()", None),
    ("abs(tcp) == 1", "'tcp' is not a valid argument to 'abs'()", None),
    (
        "frame.number == tcp",
        "frame.number and tcp are not of compatible types.",
        None,
    ),
    (
        "tcp.port == tcp.payload",
        "tcp.port and tcp.payload are not of compatible types.",
        None,
    ),
    ("frame.time_delta == abc", "\"abc\" is not a valid time.", None),
    (
        "icmp.resptime > NaN",
        "NaN cannot be used in ordered comparisons",
        None,
    ),
    // ref §5.2: a word that is a protocol name is the protocol (`nan` is one), not a literal.
    (
        "icmp.resptime == nan",
        "icmp.resptime and nan are not of compatible types.",
        None,
    ),
    ("icmp.resptime % 2 == 0", "FT_DOUBLE cannot %.", None),
    (
        "tcp.srcport == tcp.payload[0]",
        "\"tcp.srcport\" is a Unsigned integer (2 bytes) and cannot be converted into a sequence of bytes.",
        None,
    ),
    (
        "tcp.payload contains tcp.port",
        "tcp.payload and tcp.port are not of compatible types.",
        None,
    ),
    ("tcp.payload + 1 == 1", "FT_BYTES cannot +.", None),
    ("smtp.req.command & 1", "FT_STRING cannot &.", None),
    ("ip.src == 10.0.0.1 + 1", "FT_IPv4 cannot +.", None),
    // tshark 4.0.17 for these two.
    (
        "icmp.resptime == abc",
        "\"abc\" is not a valid floating-point number.",
        None,
    ),
    (
        "ip.proto == 300",
        "\"300\" cannot be found among the possible values for ip.proto.",
        None,
    ),
    (
        "frame.time_delta == \"1\"",
        "Time offset cannot be converted from a string (\"1\").",
        None,
    ),
    ("frame.len in {1..a}", "\"a\" is not a valid number.", None),
    (
        "tcp.port in {1, \"a\"}",
        "Unsigned integer (2 bytes) cannot be converted from a string (\"a\").",
        None,
    ),
    (
        "ipv6.src == ::1/129",
        "Prefix in a IPv6 address should be <= 128, not 129",
        None,
    ),
    (
        "ipv6.src == 1.2.3.4",
        "\"1.2.3.4\" is not a valid hostname or IPv6 address.",
        None,
    ),
    (
        "eth.src == \"aa\"",
        "Ethernet or other MAC address cannot be converted from a string (\"aa\").",
        None,
    ),
    (
        "ip.src == \"1.2.3.4\"",
        "IPv4 address cannot be converted from a string (\"1.2.3.4\").",
        None,
    ),
    (
        "ip.proto == \"tcpx\"",
        "\"tcpx\" cannot be found among the possible values for ip.proto.",
        None,
    ),
    (
        "frame.time == \"2002-12-31 13:55.3\"",
        "Subsecond precision requires a seconds field.",
        None,
    ),
    (
        "frame matches \"(\"",
        "Regex compilation error: unclosed group.",
        None,
    ),
];

#[test]
fn error_table() {
    let mut failures = Vec::new();
    for &(text, message, suggestion) in ERRORS {
        match filter::compile(text) {
            Ok(_) => failures.push(format!("{text:?} compiled")),
            Err(e) => {
                if e.message != message {
                    failures.push(format!("{text:?}: {:?} != {message:?}", e.message));
                }
                if suggestion.is_some() && e.suggestion.as_deref() != suggestion {
                    failures.push(format!("{text:?}: suggestion {:?}", e.suggestion));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn capture_filters_get_a_display_filter_spelling() {
    let hint = |t: &str| filter::compile(t).err().and_then(|e| e.suggestion);
    assert_eq!(
        hint("port 25").as_deref(),
        Some("That looks like a capture filter; as a display filter: tcp.port == 25 || udp.port == 25")
    );
    assert_eq!(
        hint("host 10.0.0.1").as_deref(),
        Some("That looks like a capture filter; as a display filter: ip.addr == 10.0.0.1")
    );
    // A mistyped name keeps its did-you-mean.
    assert_eq!(hint("ip.adr").as_deref(), Some("Did you mean \"ip.addr\"?"));
}

#[test]
fn unquoted_value_string_warns() {
    let f = compile("ip.proto == TCP");
    assert_eq!(
        f.warnings()
            .iter()
            .map(|w| w.message.as_str())
            .collect::<Vec<_>>(),
        ["Writing value strings without double quotes is deprecated"]
    );
    assert!(compile("ip.proto == \"TCP\"").warnings().is_empty());
}

#[test]
fn filter_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Filter>();
}

#[test]
fn references_need_a_reference_frame() {
    // ref §3.12: without a selected frame the reference has no value; comparisons are false.
    let d = data();
    let (rsp, req) = (packet(Rsp, &d), packet(Req, &d));
    let f = compile("ip.src == ${ip.dst}");
    assert!(f.references());
    assert!(!compile("ip.src == ip.dst").references());
    assert!(!f.matches(&req));
    assert!(f.matches_with_reference(&req, Some(&rsp)));
    assert!(!f.matches_with_reference(&rsp, Some(&rsp)));
    let before = compile("frame.number < ${frame.number}");
    assert!(!before.matches(&rsp));
    assert!(before.matches_with_reference(&rsp, Some(&req)));
    assert!(!before.matches_with_reference(&req, Some(&rsp)));
}

#[test]
fn interest_lists_fields_and_their_protocols() {
    let f = compile("tcp.port == 25 && ip.addr == 10.0.0.1");
    let wanted: Vec<FieldId> = f.interest().fields().collect();
    for name in ["tcp.port", "tcp", "ip.addr", "ip"] {
        assert!(wanted.contains(&id(name)), "{name} missing");
    }
    assert!(!f.interest().wants(id("udp.port")));
}

#[test]
fn explain_shows_fields_and_typed_constants() {
    let f = compile("tcp.port == 25 || ip.src == 10.0.0.0/8");
    let plan = f.explain();
    assert!(plan.contains("READ_TREE tcp.port -> reg#0"), "{plan}");
    assert!(plan.contains("ANY_EQ reg#0 25 <FT_UINT16>"), "{plan}");
    assert!(plan.contains("ANY_EQ reg#1 10.0.0.0/8 <FT_IPv4>"), "{plan}");
    assert!(plan.contains("IF_TRUE_GOTO"), "{plan}");
    let ne = compile("ip.addr != 10.0.0.1").explain();
    assert!(ne.contains("ALL_NE reg#0 10.0.0.1 <FT_IPv4>"), "{ne}");
}
