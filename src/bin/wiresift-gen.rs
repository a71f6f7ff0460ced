//! `wiresift-gen`: writes large, realistic, deterministic captures for benchmarks.
//!
//! A Rust port of the shape of `shared/bench/gen_pcap.py` (same traffic mix, not byte-identical:
//! its own random generator), fast enough to write 5,000,000 frames in well under a minute.
//! Ethernet II (4% of the flows 802.1Q-tagged), IPv4 85% / IPv6 15%, TCP 75% (TLS on 443,
//! HTTP/1.1 on 80/8080), UDP 20% (DNS, RTP-shaped streams), ICMP/ICMPv6 echo 5%, and complete
//! SMTP sessions on 25 and 587 (some commands split over two segments, some typed byte by
//! byte). Every TCP flow has a handshake, consistent seq/ack, delayed ACKs and a FIN exchange;
//! every IPv4, TCP, UDP and ICMP checksum is correct. The counts of what was written (EHLOs,
//! sessions, flows of 10.1.2.3) go to stderr and, with `--stats`, to a JSON file, so a
//! benchmark can check a filter's match count against them.
//!
//! Usage: `wiresift-gen --packets 1000000 --seed 1 --out f.pcap [--stats f.json] [--pcapng]`

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// Ephemeral ports tshark 4.0 hands to some dissector by default: never used as client ports.
const REGISTERED_HIGH: &[u16] = &[
    49999, 54328, 56000, 56001, 56500, 56501, 57000, 57001, 57032, 57033, 57500, 57501, 57532,
    57533, 59000, 59001, 59032, 59033, 59500, 59501, 59532, 59533, 60001,
];
/// Unregistered UDP ports for the RTP-shaped streams (tshark shows `data`).
const UDP_MEDIA_PORTS: &[u16] = &[7777, 6500, 16000, 19000, 21000];
const HTTP_PATHS: &[&str] = &[
    "/",
    "/index.html",
    "/api/v1/items",
    "/api/v1/login",
    "/static/app.js",
    "/static/style.css",
    "/download/firmware.bin",
    "/updates/pkg.tar",
    "/search?q=smtp",
    "/images/logo.bin",
    "/feed.xml",
    "/status",
];
const HTTP_HOSTS: &[&str] = &[
    "www.example.com",
    "api.example.net",
    "cdn.example.org",
    "intranet.corp.example",
    "updates.example.com",
];
const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "curl/7.88.1",
    "Wget/1.21.3",
];
const WORDS: &str = "the quarterly report attached please review meeting agenda tomorrow budget \
    project schedule update server maintenance window network change request customer invoice \
    payment shipping order confirmation delivery status team lunch friday release notes version \
    build passed failed tests backup restore password reset account security notice travel booking \
    hotel flight office holiday calendar reminder draft proposal contract signature legal review \
    thanks regards best cheers hello hi all we you they it is are was will can should would could \
    a an of to in for on with at by from about as into over";
const FIRST: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yolanda", "zoe",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "example.net",
    "example.org",
    "corp.example",
    "mail.example.com",
    "test.example",
    "shop.example.net",
    "lab.example.org",
];
const SUBJECTS: &[&str] = &[
    "Quarterly report",
    "Meeting tomorrow",
    "Re: invoice 4711",
    "Build failed",
    "Holiday schedule",
    "Fwd: contract draft",
    "Password reset",
    "Lunch?",
    "Server maintenance tonight",
    "Re: Re: project update",
];
const MX_NAMES: &[&str] = &[
    "mail.example.com",
    "mx1.corp.example",
    "smtp.example.net",
    "mx.lab.example.org",
];
const BANNERS: &[&str] = &[
    "ESMTP Postfix",
    "ESMTP Exim 4.96",
    "Microsoft ESMTP MAIL Service ready",
    "ESMTP Sendmail 8.17.1",
];
/// 2024-03-01 12:00:00 UTC.
const START_S: u64 = 1_709_294_400;
/// Random bytes that payloads are cut from.
const RB_SIZE: usize = 1 << 16;

/// xoshiro256** seeded through splitmix64: small, fast, and the same on every platform.
struct Rng([u64; 4]);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed;
        let mut next = || {
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            x ^ (x >> 31)
        };
        Rng([next(), next(), next(), next()])
    }
    fn u64(&mut self) -> u64 {
        let s = &mut self.0;
        let r = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        r
    }
    /// Uniform in [0, 1).
    fn f(&mut self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.f() * n as f64) as usize).min(n.saturating_sub(1))
    }
    fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len())]
    }
}

/// Counters of what was written; SMTP ones are taken back for ops cut off by the end.
#[derive(Clone, Copy)]
enum Stat {
    Sessions25,
    Sessions587,
    Ehlo,
    Mail,
    Rcpt,
    Bytewise,
    Split,
    AuthPlain,
    AuthLogin,
    RcptRejected,
    Messages,
    Quit,
    Complete,
    FlowsV6,
    FlowsVlan,
    Flows10123,
}
const STAT_NAMES: [&str; 16] = [
    "smtp_sessions_25",
    "smtp_sessions_587",
    "smtp_ehlo",
    "smtp_mail",
    "smtp_rcpt",
    "smtp_bytewise_sessions",
    "smtp_split_commands",
    "smtp_auth_plain",
    "smtp_auth_login",
    "smtp_rcpt_rejected",
    "smtp_messages",
    "smtp_quit",
    "smtp_sessions_complete",
    "flows_v6",
    "flows_vlan",
    "flows_10_1_2_3",
];

/// One packet of a flow. For TCP `flags` are the TCP flags; for ICMP `seq` is the echo sequence.
#[derive(Clone, Copy)]
struct Op {
    dir: u8,
    flags: u8,
    mss_opt: bool,
    seq: u16,
    /// Payload: a range of the flow's `data`.
    start: u32,
    len: u32,
}

/// A flow's packets before addresses are known; seq/ack are filled in when written.
struct Script {
    ops: Vec<Op>,
    data: Vec<u8>,
    mss: usize,
    /// Data segments from each side not yet acknowledged by the peer.
    unacked: [u32; 2],
}

impl Script {
    fn new(mss: usize) -> Script {
        Script {
            ops: Vec::new(),
            data: Vec::new(),
            mss,
            unacked: [0, 0],
        }
    }
    fn op(&mut self, dir: u8, flags: u8, payload: &[u8]) {
        let start = self.data.len() as u32;
        self.data.extend_from_slice(payload);
        self.ops.push(Op {
            dir,
            flags,
            mss_opt: false,
            seq: 0,
            start,
            len: payload.len() as u32,
        });
    }
    fn handshake(&mut self) {
        self.op(0, SYN, b"");
        self.op(1, SYN | ACK, b"");
        self.op(0, ACK, b"");
        self.ops[0].mss_opt = true;
        self.ops[1].mss_opt = true;
    }
    fn ack(&mut self, d: u8) {
        self.op(d, ACK, b"");
        self.unacked[1 - d as usize] = 0;
    }
    fn seg(&mut self, d: u8, payload: &[u8], flags: u8) {
        self.op(d, flags, payload);
        self.unacked[d as usize] += 1;
        self.unacked[1 - d as usize] = 0;
    }
    /// A message from `d`, cut at the MSS; the peer ACKs every 2nd segment.
    fn text(&mut self, d: u8, data: &[u8]) {
        let chunks: Vec<&[u8]> = data.chunks(self.mss).collect();
        let n = chunks.len();
        for (i, c) in chunks.into_iter().enumerate() {
            let last = i + 1 == n;
            self.seg(d, c, if last { PSH | ACK } else { ACK });
            if !last && self.unacked[d as usize] >= 2 {
                self.ack(1 - d);
            }
        }
    }
    fn split_text(&mut self, d: u8, data: &[u8], cut: usize, peer_ack: bool) {
        self.seg(d, &data[..cut], PSH | ACK);
        if peer_ack {
            self.ack(1 - d);
        }
        self.seg(d, &data[cut..], PSH | ACK);
    }
    /// One byte per segment, like a telnet client; the peer ACKs some of them.
    fn bytewise(&mut self, d: u8, data: &[u8], ack_prob: f64, rng: &mut Rng) {
        for (i, b) in data.iter().enumerate() {
            self.seg(d, std::slice::from_ref(b), PSH | ACK);
            if i + 1 < data.len() && rng.f() < ack_prob {
                self.ack(1 - d);
            }
        }
    }
    fn fin_close(&mut self, first: u8) {
        self.op(first, FIN | ACK, b"");
        self.op(1 - first, FIN | ACK, b"");
        self.op(first, ACK, b"");
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Tcp,
    Udp,
    Icmp,
}

/// An IPv4 address in the first 4 bytes, or an IPv6 address.
type Addr = [u8; 16];

fn v4(a: [u8; 4]) -> Addr {
    let mut x = [0u8; 16];
    x[..4].copy_from_slice(&a);
    x
}

struct Flow {
    kind: Kind,
    v6: bool,
    ops: Vec<Op>,
    data: Vec<u8>,
    pos: usize,
    /// Ethernet (and VLAN) header per direction.
    eth: [Vec<u8>; 2],
    addr: [Addr; 2],
    port: [u16; 2],
    ttl: [u8; 2],
    seq: [u32; 2],
    ipid: [u16; 2],
    win: [u16; 2],
    flowlab: [u32; 2],
    icmp_id: u16,
    /// (op index, counter): counted only if the op gets written.
    marks: Vec<(usize, Stat)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Tcp,
    Smtp,
    Dns,
    Media,
    Icmp,
}
const CLASSES: [Class; 5] = [
    Class::Tcp,
    Class::Smtp,
    Class::Dns,
    Class::Media,
    Class::Icmp,
];
const CLASS_NAMES: [&str; 5] = ["tcp", "smtp", "dns", "media", "icmp"];

struct Gen {
    rng: Rng,
    rb: Vec<u8>,
    body_lines: Vec<Vec<u8>>,
    cli4: Vec<Addr>,
    srv4: Vec<Addr>,
    cli6: Vec<Addr>,
    srv6: Vec<Addr>,
    mx4: Vec<Addr>,
    mx6: Vec<Addr>,
    dns4: Vec<Addr>,
    dns6: Vec<Addr>,
    special: Addr,
    macs: HashMap<Addr, [u8; 6]>,
    next_port: HashMap<Addr, u32>,
    target: [f64; 5],
    sched: [u64; 5],
    flows: [u64; 5],
    sched_total: u64,
    sched_v6: u64,
    stats: [i64; 16],
}

impl Gen {
    fn new(seed: u64, smtp_share: f64) -> Gen {
        let mut rng = Rng::new(seed);
        let rb: Vec<u8> = (0..RB_SIZE / 8)
            .flat_map(|_| rng.u64().to_le_bytes())
            .collect();
        let words: Vec<&str> = WORDS.split_whitespace().collect();
        let body_lines = (0..4000)
            .map(|_| {
                let k = 4 + rng.below(10);
                let line: Vec<&str> = (0..k).map(|_| *rng.pick(&words)).collect();
                let mut l = line.join(" ").into_bytes();
                l.truncate(76);
                l.extend_from_slice(b"\r\n");
                l
            })
            .collect();
        let special = v4([10, 1, 2, 3]);
        let mut used: std::collections::HashSet<Addr> = std::collections::HashSet::new();
        let mx4 = vec![
            v4([10, 0, 0, 25]),
            v4([10, 10, 0, 25]),
            v4([192, 168, 1, 25]),
            v4([192, 168, 20, 26]),
        ];
        let v6a = |net: u16, host: u64| -> Addr {
            let mut a = [0u8; 16];
            a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
            a[4..6].copy_from_slice(&net.to_be_bytes());
            a[8..].copy_from_slice(&host.to_be_bytes());
            a
        };
        let mx6 = vec![v6a(0x25, 0x25), v6a(0x26, 0x26)];
        let dns4 = vec![v4([10, 0, 0, 53]), v4([10, 0, 0, 54]), v4([192, 168, 1, 1])];
        let dns6 = vec![v6a(0, 0x53)];
        used.extend(mx4.iter().chain(&mx6).chain(&dns4).chain(&dns6).copied());
        used.insert(special);
        let mut new4 = |rng: &mut Rng, p16: bool| loop {
            let a = if p16 {
                v4([192, 168, rng.below(256) as u8, 1 + rng.below(254) as u8])
            } else {
                v4([
                    10,
                    rng.below(256) as u8,
                    rng.below(256) as u8,
                    1 + rng.below(254) as u8,
                ])
            };
            if used.insert(a) {
                return a;
            }
        };
        let cli4 = (0..3000).map(|i| new4(&mut rng, i % 3 == 2)).collect();
        let srv4 = (0..300).map(|i| new4(&mut rng, i % 4 == 3)).collect();
        // 64-bit random interface ids: collisions are not a concern.
        let cli6 = (0..800)
            .map(|_| v6a(0x100 + rng.below(64) as u16, rng.u64()))
            .collect();
        let srv6 = (0..100)
            .map(|_| v6a(0x10 + rng.below(8) as u16, rng.u64()))
            .collect();
        Gen {
            rng,
            rb,
            body_lines,
            cli4,
            srv4,
            cli6,
            srv6,
            mx4,
            mx6,
            dns4,
            dns6,
            special,
            macs: HashMap::new(),
            next_port: HashMap::new(),
            target: [(0.75 - smtp_share).max(0.0), smtp_share, 0.06, 0.14, 0.05],
            sched: [0; 5],
            flows: [0; 5],
            sched_total: 0,
            sched_v6: 0,
            stats: [0; 16],
        }
    }

    fn count(&mut self, s: Stat) {
        self.stats[s as usize] += 1;
    }

    /// A host from a pool, the first ones more popular (`skew` > 1).
    fn pick(&mut self, which: fn(&Gen) -> &Vec<Addr>, skew: f64) -> Addr {
        let r = self.rng.f().powf(skew);
        let pool = which(self);
        pool[((pool.len() as f64 * r) as usize).min(pool.len() - 1)]
    }

    fn mac(&mut self, a: Addr) -> [u8; 6] {
        if let Some(m) = self.macs.get(&a) {
            return *m;
        }
        let r = self.rng.u64().to_be_bytes();
        let m = [0x02, r[3], r[4], r[5], r[6], r[7]];
        self.macs.insert(a, m);
        m
    }

    fn eph_port(&mut self, a: Addr) -> u16 {
        let start = match self.next_port.get(&a) {
            Some(p) => *p,
            None => 49152 + self.rng.below(16000) as u32,
        };
        let mut p = start + 1 + self.rng.below(4) as u32;
        loop {
            if p > 65535 {
                p = 49152 + (p - 65536);
            } else if REGISTERED_HIGH.contains(&(p as u16)) {
                p += 1;
            } else {
                break;
            }
        }
        self.next_port.insert(a, p);
        p as u16
    }

    /// `prefix` followed by `m` random bytes.
    fn mixed(&mut self, prefix: &[u8], m: usize) -> Vec<u8> {
        let a = self.rng.below(RB_SIZE - 2048);
        let mut v = Vec::with_capacity(prefix.len() + m);
        v.extend_from_slice(prefix);
        v.extend_from_slice(&self.rb[a..a + m.min(2048)]);
        // Longer than the window: repeat from another offset.
        while v.len() < prefix.len() + m {
            let a = self.rng.below(RB_SIZE - 2048);
            let k = (prefix.len() + m - v.len()).min(2048);
            v.extend_from_slice(&self.rb[a..a + k]);
        }
        v
    }

    fn pick_pair(&mut self, v6: bool) -> (Addr, Addr) {
        if v6 {
            return (self.pick(|g| &g.cli6, 1.5), self.pick(|g| &g.srv6, 2.5));
        }
        let cli = if self.rng.f() < 0.004 {
            self.special
        } else {
            self.pick(|g| &g.cli4, 1.5)
        };
        (cli, self.pick(|g| &g.srv4, 2.5))
    }

    #[allow(clippy::too_many_arguments)]
    fn new_flow(
        &mut self,
        kind: Kind,
        v6: bool,
        cli: Addr,
        srv: Addr,
        sport: u16,
        dport: u16,
        sc: Script,
    ) -> Flow {
        let (cm, sm) = (self.mac(cli), self.mac(srv));
        let tag = if self.rng.f() < 0.04 {
            self.count(Stat::FlowsVlan);
            let vid: u16 = *self.rng.pick(&[10, 20, 100, 200]);
            let mut t = vec![0x81, 0x00];
            t.extend_from_slice(&vid.to_be_bytes());
            t
        } else {
            Vec::new()
        };
        let et: [u8; 2] = if v6 { [0x86, 0xdd] } else { [0x08, 0x00] };
        let eth = |dst: [u8; 6], src: [u8; 6]| [&dst[..], &src[..], &tag[..], &et[..]].concat();
        let eth = [eth(sm, cm), eth(cm, sm)];
        let (ttl, flowlab) = if v6 {
            self.count(Stat::FlowsV6);
            let t1 = 64 - self.rng.below(12) as u8;
            let fl = [
                0x6000_0000 | (self.rng.u64() as u32 & 0xF_FFFF),
                0x6000_0000 | (self.rng.u64() as u32 & 0xF_FFFF),
            ];
            ([64, t1], fl)
        } else {
            let t0 = *self.rng.pick(&[64u8, 128]) - self.rng.below(3) as u8;
            let t1 = *self.rng.pick(&[64u8, 128, 255]) - self.rng.below(12) as u8;
            ([t0, t1], [0, 0])
        };
        if cli == self.special || srv == self.special {
            self.count(Stat::Flows10123);
        }
        let r = self.rng.u64();
        let win = [
            *self.rng.pick(&[64240u16, 65535, 29200, 42340]),
            *self.rng.pick(&[65160u16, 64240, 28960, 65535]),
        ];
        Flow {
            kind,
            v6,
            ops: sc.ops,
            data: sc.data,
            pos: 0,
            eth,
            addr: [cli, srv],
            port: [sport, dport],
            ttl,
            seq: [r as u32, (r >> 32) as u32],
            ipid: [self.rng.u64() as u16, self.rng.u64() as u16],
            win,
            flowlab,
            icmp_id: self.rng.u64() as u16,
            marks: Vec::new(),
        }
    }

    fn make_tcp(&mut self, v6: bool) -> Flow {
        let mss = if v6 { 1440 } else { 1460 };
        let (cli, srv) = self.pick_pair(v6);
        let tls = self.rng.f() < 0.6;
        let dport = if tls {
            443
        } else if self.rng.f() < 0.75 {
            80
        } else {
            8080
        };
        let sport = self.eph_port(cli);
        let mut sc = Script::new(mss);
        sc.handshake();
        let rounds = 1 + (self.rng.f().powi(2) * 6.0) as usize;
        let host = *self.rng.pick(HTTP_HOSTS);
        let ua = *self.rng.pick(USER_AGENTS);
        for _ in 0..rounds {
            let r = self.rng.f();
            let n = if r < 0.45 {
                80 + self.rng.below(1300)
            } else if r < 0.85 {
                mss * (1 + self.rng.below(8)) + self.rng.below(mss)
            } else {
                mss * (8 + (self.rng.f().powi(2) * 90.0) as usize) + self.rng.below(mss)
            };
            if tls {
                let req = 60 + (self.rng.f().powi(2) * 900.0) as usize;
                self.tls_msg(&mut sc, 0, req);
                self.tls_msg(&mut sc, 1, n);
            } else {
                self.http_round(&mut sc, host, ua, n);
            }
        }
        sc.fin_close(if self.rng.f() < 0.6 { 0 } else { 1 });
        self.new_flow(Kind::Tcp, v6, cli, srv, sport, dport, sc)
    }

    /// `n` bytes of TLS application data, one record per segment.
    fn tls_msg(&mut self, sc: &mut Script, d: u8, mut n: usize) {
        while n > 0 {
            let k = n.min(sc.mss).max(6);
            n = n.saturating_sub(k);
            let l = (k - 5) as u16;
            let pay = self.mixed(&[0x17, 3, 3, (l >> 8) as u8, l as u8], k - 5);
            sc.seg(d, &pay, if n > 0 { ACK } else { PSH | ACK });
            if n > 0 && sc.unacked[d as usize] >= 2 {
                sc.ack(1 - d);
            }
        }
    }

    fn http_date(&mut self) -> String {
        let t = START_S as i64 + self.rng.below(86400) as i64;
        jiff::Timestamp::from_second(t)
            .map(|ts| ts.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
            .unwrap_or_default()
    }

    fn http_round(&mut self, sc: &mut Script, host: &str, ua: &str, n: usize) {
        let path = *self.rng.pick(HTTP_PATHS);
        let req = if self.rng.f() < 0.85 {
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {ua}\r\nAccept: */*\r\nAccept-Encoding: identity\r\nConnection: keep-alive\r\n\r\n")
        } else {
            let form = format!(
                "user={}&item={}&qty={}",
                self.rng.pick(FIRST),
                self.rng.below(100000),
                1 + self.rng.below(9)
            );
            format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {ua}\r\nAccept: */*\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{form}", form.len())
        };
        sc.text(0, req.as_bytes());
        let date = self.http_date();
        let r = self.rng.f();
        let resp = if r < 0.08 {
            format!("HTTP/1.1 304 Not Modified\r\nServer: nginx/1.24.0\r\nDate: {date}\r\nETag: \"{:08x}\"\r\n\r\n", self.rng.u64() as u32).into_bytes()
        } else if r < 0.14 {
            let body = "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\r\n";
            format!("HTTP/1.1 404 Not Found\r\nServer: nginx/1.24.0\r\nDate: {date}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
        } else if r < 0.5 {
            let nl = if n < 20000 { 2 + n / 60 } else { 300 };
            let i0 = self.rng.below(self.body_lines.len() - nl - 1);
            let mut body = b"<html><body><pre>\r\n".to_vec();
            for l in &self.body_lines[i0..i0 + nl] {
                body.extend_from_slice(l);
            }
            body.extend_from_slice(b"</pre></body></html>\r\n");
            let mut h = format!("HTTP/1.1 200 OK\r\nServer: nginx/1.24.0\r\nDate: {date}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n", body.len()).into_bytes();
            h.extend_from_slice(&body);
            h
        } else {
            let h = format!("HTTP/1.1 200 OK\r\nServer: nginx/1.24.0\r\nDate: {date}\r\nContent-Type: application/octet-stream\r\nContent-Length: {n}\r\nConnection: keep-alive\r\n\r\n");
            self.mixed(h.as_bytes(), n)
        };
        sc.text(1, &resp);
    }

    fn make_smtp(&mut self, v6: bool) -> Flow {
        let mss = if v6 { 1440 } else { 1460 };
        let cli = if v6 {
            self.pick(|g| &g.cli6, 1.5)
        } else if self.rng.f() < 0.01 {
            self.special
        } else {
            self.pick(|g| &g.cli4, 1.5)
        };
        let srv = if v6 {
            self.pick(|g| &g.mx6, 1.0)
        } else {
            self.pick(|g| &g.mx4, 1.0)
        };
        let port: u16 = if self.rng.f() < 0.7 { 25 } else { 587 };
        let sport = self.eph_port(cli);
        let mut s = Smtp {
            sc: Script::new(mss),
            bytewise: self.rng.f() < 0.05,
            marks: Vec::new(),
        };
        let mx = *self.rng.pick(MX_NAMES);
        let u1 = *self.rng.pick(FIRST);
        let d1 = *self.rng.pick(DOMAINS);
        let helo = format!("ws{:04}.{d1}", self.rng.below(10000));
        s.sc.handshake();
        s.mark_at(
            0,
            if port == 25 {
                Stat::Sessions25
            } else {
                Stat::Sessions587
            },
        );
        if s.bytewise {
            s.mark_at(0, Stat::Bytewise);
        }
        let banner = *self.rng.pick(BANNERS);
        s.sc.text(1, format!("220 {mx} {banner}\r\n").as_bytes());
        if self.rng.f() < 0.3 {
            s.sc.ack(0);
        }
        s.cmd(&mut self.rng, format!("EHLO {helo}\r\n").as_bytes());
        s.mark(Stat::Ehlo);
        let mut ext = vec![
            format!("250-{mx}"),
            "250-PIPELINING".into(),
            "250-SIZE 52428800".into(),
            "250-VRFY".into(),
            "250-ETRN".into(),
        ];
        if port == 587 {
            ext.push("250-AUTH PLAIN LOGIN".into());
        }
        ext.extend(
            [
                "250-ENHANCEDSTATUSCODES",
                "250-8BITMIME",
                "250-DSN",
                "250 SMTPUTF8",
            ]
            .map(String::from),
        );
        s.sc.text(1, (ext.join("\r\n") + "\r\n").as_bytes());
        let sender = format!("{u1}@{d1}");
        if port == 587 {
            let pw = format!("pw{:06}", self.rng.below(1_000_000));
            if self.rng.f() < 0.6 {
                let tok = base64(format!("\0{sender}\0{pw}").as_bytes());
                s.cmd(&mut self.rng, format!("AUTH PLAIN {tok}\r\n").as_bytes());
                s.mark(Stat::AuthPlain);
            } else {
                s.cmd(&mut self.rng, b"AUTH LOGIN\r\n");
                s.mark(Stat::AuthLogin);
                s.sc.text(1, b"334 VXNlcm5hbWU6\r\n");
                s.cmd(
                    &mut self.rng,
                    format!("{}\r\n", base64(sender.as_bytes())).as_bytes(),
                );
                s.sc.text(1, b"334 UGFzc3dvcmQ6\r\n");
                s.cmd(
                    &mut self.rng,
                    format!("{}\r\n", base64(pw.as_bytes())).as_bytes(),
                );
            }
            s.sc.text(1, b"235 2.7.0 Authentication successful\r\n");
        }
        let mut nl = 3 + (self.rng.f().powi(2) * if s.bytewise { 6.0 } else { 60.0 }) as usize;
        if !s.bytewise && self.rng.f() < 0.1 {
            nl += self.rng.below(400);
        }
        let i0 = self.rng.below(self.body_lines.len() - nl - 1);
        let body: Vec<u8> = self.body_lines[i0..i0 + nl].concat();
        s.cmd(
            &mut self.rng,
            format!("MAIL FROM:<{sender}> SIZE={}\r\n", body.len() + 400).as_bytes(),
        );
        s.mark(Stat::Mail);
        s.sc.text(1, b"250 2.1.0 Ok\r\n");
        let nr = 1 + (self.rng.f().powi(3) * 3.0) as usize;
        let mut rcpts = Vec::new();
        let mx_domain = mx.split_once('.').map_or(mx, |(_, d)| d);
        for _ in 0..nr {
            let rc = format!("{}@{mx_domain}", self.rng.pick(FIRST));
            s.cmd(&mut self.rng, format!("RCPT TO:<{rc}>\r\n").as_bytes());
            s.mark(Stat::Rcpt);
            if self.rng.f() < 0.06 {
                s.sc.text(
                    1,
                    format!("550 5.1.1 <{rc}>: Recipient address rejected: User unknown\r\n")
                        .as_bytes(),
                );
                s.mark(Stat::RcptRejected);
            } else {
                rcpts.push(rc);
                s.sc.text(1, b"250 2.1.5 Ok\r\n");
            }
        }
        if !rcpts.is_empty() {
            s.cmd(&mut self.rng, b"DATA\r\n");
            s.sc.text(1, b"354 End data with <CR><LF>.<CR><LF>\r\n");
            let t = START_S as i64 + self.rng.below(86400) as i64;
            let date = jiff::Timestamp::from_second(t)
                .map(|ts| ts.strftime("%a, %d %b %Y %H:%M:%S").to_string())
                .unwrap_or_default();
            let to: Vec<String> = rcpts.iter().map(|r| format!("<{r}>")).collect();
            let mut cap = u1.to_string();
            cap[..1].make_ascii_uppercase();
            let hdr = format!(
                "From: {cap} <{sender}>\r\nTo: {}\r\nSubject: {}\r\nDate: {date} +0000\r\nMessage-ID: <{:08x}.{}@{d1}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
                to.join(", "),
                self.rng.pick(SUBJECTS),
                self.rng.u64() as u32,
                self.rng.below(100000)
            );
            let msg = [hdr.as_bytes(), &body].concat();
            if s.bytewise {
                // A typist: one line per segment, the server ACKs most lines.
                for line in msg.split_inclusive(|&b| b == b'\n') {
                    s.sc.seg(0, line, PSH | ACK);
                    if self.rng.f() < 0.7 {
                        s.sc.ack(1);
                    }
                }
                s.sc.bytewise(0, b".\r\n", 0.7, &mut self.rng);
            } else if self.rng.f() < 0.3 {
                s.sc.text(0, &msg);
                s.sc.text(0, b".\r\n");
            } else {
                s.sc.text(0, &[&msg[..], b".\r\n"].concat());
            }
            s.sc.text(
                1,
                format!(
                    "250 2.0.0 Ok: queued as {:010X}\r\n",
                    self.rng.u64() & 0xFF_FFFF_FFFF
                )
                .as_bytes(),
            );
            s.mark(Stat::Messages);
        }
        s.cmd(&mut self.rng, b"QUIT\r\n");
        s.mark(Stat::Quit);
        s.sc.text(1, b"221 2.0.0 Bye\r\n");
        s.sc.fin_close(if self.rng.f() < 0.8 { 1 } else { 0 });
        s.mark(Stat::Complete);
        for (_, k) in &s.marks {
            self.count(*k);
        }
        let marks = std::mem::take(&mut s.marks);
        let mut f = self.new_flow(Kind::Tcp, v6, cli, srv, sport, port, s.sc);
        f.marks = marks;
        f
    }

    fn make_dns(&mut self, v6: bool) -> Flow {
        let cli = if v6 {
            self.pick(|g| &g.cli6, 1.5)
        } else {
            self.pick_pair(false).0
        };
        let srv = if v6 {
            self.pick(|g| &g.dns6, 1.0)
        } else {
            self.pick(|g| &g.dns4, 1.0)
        };
        let sport = self.eph_port(cli);
        let name = if self.rng.f() < 0.5 {
            let h = *self.rng.pick(&[
                "www", "mail", "api", "cdn", "img", "login", "static", "smtp", "time", "vpn",
            ]);
            format!("{h}.{}", self.rng.pick(DOMAINS))
        } else {
            format!(
                "host{:04}.{}",
                (self.rng.f().powi(2) * 5000.0) as usize,
                self.rng.pick(DOMAINS)
            )
        };
        let mut qname = Vec::new();
        for l in name.split('.') {
            qname.push(l.len() as u8);
            qname.extend_from_slice(l.as_bytes());
        }
        qname.push(0);
        let qtype: u16 = if self.rng.f() < 0.7 { 1 } else { 28 };
        let tid = self.rng.u64() as u16;
        let header = |flags: u16, an: u16| -> Vec<u8> {
            [tid, flags, 1, an, 0, 0]
                .iter()
                .flat_map(|w| w.to_be_bytes())
                .collect()
        };
        let question = [&qname[..], &qtype.to_be_bytes(), &1u16.to_be_bytes()].concat();
        let q = [header(0x0100, 0), question.clone()].concat();
        let resp = if self.rng.f() < 0.08 {
            [header(0x8183, 0), question].concat()
        } else {
            let na = 1 + (self.rng.f().powi(2) * 4.0) as u16;
            let mut r = [header(0x8180, na), question].concat();
            for _ in 0..na {
                let rd: Vec<u8> = if qtype == 1 {
                    vec![
                        10,
                        self.rng.below(256) as u8,
                        self.rng.below(256) as u8,
                        1 + self.rng.below(254) as u8,
                    ]
                } else {
                    let x = self.rng.u64().to_be_bytes();
                    let y = self.rng.u64().to_be_bytes();
                    [&[0x20, 0x01, 0x0d, 0xb8], &x[..], &y[..4]].concat()
                };
                let ttl = 60 + self.rng.below(3600) as u32;
                r.extend_from_slice(&0xC00Cu16.to_be_bytes());
                r.extend_from_slice(&qtype.to_be_bytes());
                r.extend_from_slice(&1u16.to_be_bytes());
                r.extend_from_slice(&ttl.to_be_bytes());
                r.extend_from_slice(&(rd.len() as u16).to_be_bytes());
                r.extend_from_slice(&rd);
            }
            r
        };
        let mut sc = Script::new(0);
        sc.op(0, 0, &q);
        sc.op(1, 0, &resp);
        self.new_flow(Kind::Udp, v6, cli, srv, sport, 53, sc)
    }

    /// One RTP-shaped stream per direction (RTP header + random payload).
    fn make_media(&mut self, v6: bool) -> Flow {
        let (cli, srv) = self.pick_pair(v6);
        let dport = *self.rng.pick(UDP_MEDIA_PORTS);
        let sport = self.eph_port(cli);
        let n = 5 + (self.rng.f().powi(2) * 150.0) as usize;
        let big = self.rng.f() < 0.6;
        // Per direction: payload type, seq, timestamp, timestamp step, SSRC.
        let mut st = [(0u8, 0u16, 0u32, 0u32, 0u32); 2];
        for (d, s) in st.iter_mut().enumerate() {
            let video = big && d == 1;
            *s = (
                if video { 96 } else { 111 },
                self.rng.u64() as u16,
                0x1000_0000 + (self.rng.u64() as u32 >> 1),
                if video { 3000 } else { 960 },
                self.rng.u64() as u32,
            );
        }
        let mut sc = Script::new(0);
        for _ in 0..n {
            let d = if self.rng.f() < 0.85 { 1 } else { 0 };
            let x = &mut st[d];
            let (k, m) = if x.0 == 96 {
                (
                    1000 + self.rng.below(400),
                    if self.rng.f() < 0.1 { 0x80 } else { 0 },
                )
            } else {
                (100 + self.rng.below(200), 0)
            };
            let mut hdr = vec![0x80, m | x.0];
            hdr.extend_from_slice(&x.1.to_be_bytes());
            hdr.extend_from_slice(&x.2.to_be_bytes());
            hdr.extend_from_slice(&x.4.to_be_bytes());
            x.1 = x.1.wrapping_add(1);
            x.2 = x.2.wrapping_add(x.3);
            let pay = self.mixed(&hdr, k - 12);
            sc.op(d as u8, 0, &pay);
        }
        self.new_flow(Kind::Udp, v6, cli, srv, sport, dport, sc)
    }

    fn make_icmp(&mut self, v6: bool) -> Flow {
        let (cli, srv) = self.pick_pair(v6);
        let n = 1 + self.rng.below(8);
        let first: u8 = if v6 { 0x20 } else { 0x08 };
        let data: Vec<u8> = (first..first + 56).collect();
        let mut sc = Script::new(0);
        for s in 1..=n as u16 {
            for d in 0..2 {
                sc.op(d, 0, &data);
                if let Some(o) = sc.ops.last_mut() {
                    o.seq = s;
                }
            }
        }
        self.new_flow(Kind::Icmp, v6, cli, srv, 0, 0, sc)
    }

    /// The next flow, of the class furthest behind its share of the packets.
    fn make_next(&mut self) -> Flow {
        let tot = (self.sched_total + 1000) as f64;
        let weights: Vec<f64> = (0..5)
            .map(|i| (self.target[i] * tot - self.sched[i] as f64).max(0.0) + self.target[i] * 50.0)
            .collect();
        let mut x = self.rng.f() * weights.iter().sum::<f64>();
        let mut ci = 4;
        for (i, w) in weights.iter().enumerate() {
            x -= w;
            if x < 0.0 {
                ci = i;
                break;
            }
        }
        let v6 = self.rng.f()
            < if (self.sched_v6 as f64) < 0.15 * self.sched_total as f64 {
                0.3
            } else {
                0.04
            };
        let f = match CLASSES[ci] {
            Class::Tcp => self.make_tcp(v6),
            Class::Smtp => self.make_smtp(v6),
            Class::Dns => self.make_dns(v6),
            Class::Media => self.make_media(v6),
            Class::Icmp => self.make_icmp(v6),
        };
        let n = f.ops.len() as u64;
        self.sched[ci] += n;
        self.flows[ci] += 1;
        self.sched_total += n;
        if v6 {
            self.sched_v6 += n;
        }
        f
    }
}

/// An SMTP session being scripted.
struct Smtp {
    sc: Script,
    bytewise: bool,
    marks: Vec<(usize, Stat)>,
}

impl Smtp {
    /// Count `s` when the last op so far is written.
    fn mark(&mut self, s: Stat) {
        let i = self.sc.ops.len().saturating_sub(1);
        self.marks.push((i, s));
    }
    fn mark_at(&mut self, i: usize, s: Stat) {
        self.marks.push((i, s));
    }
    /// A client command: whole, split over two segments (12%), or typed byte by byte.
    fn cmd(&mut self, rng: &mut Rng, line: &[u8]) {
        if self.bytewise {
            self.sc.bytewise(0, line, 0.7, rng);
        } else if line.len() > 3 && rng.f() < 0.12 {
            let cut = 1 + rng.below(line.len() - 1);
            let ack = rng.f() < 0.5;
            self.sc.split_text(0, line, cut, ack);
            self.mark(Stat::Split);
        } else {
            self.sc.text(0, line);
        }
    }
}

fn base64(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Ones'-complement sum of big-endian 16-bit words (odd length: a zero byte appended).
fn sum16(b: &[u8], mut acc: u64) -> u64 {
    let mut it = b.chunks_exact(8);
    for c in &mut it {
        let w = u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        acc += (w >> 48) + ((w >> 32) & 0xFFFF) + ((w >> 16) & 0xFFFF) + (w & 0xFFFF);
    }
    let mut r = it.remainder().chunks_exact(2);
    for c in &mut r {
        acc += u16::from_be_bytes([c[0], c[1]]) as u64;
    }
    if let [x] = r.remainder() {
        acc += (*x as u64) << 8;
    }
    acc
}

fn fold(mut s: u64) -> u16 {
    while s > 0xFFFF {
        s = (s & 0xFFFF) + (s >> 16);
    }
    s as u16
}

/// Build one frame of `f` (its op `op`) into `fr`.
fn build_frame(f: &mut Flow, op: Op, fr: &mut Vec<u8>) {
    let d = op.dir as usize;
    let pay = f
        .data
        .get(op.start as usize..(op.start + op.len) as usize)
        .unwrap_or(&[]);
    fr.clear();
    fr.extend_from_slice(&f.eth[d]);
    let ip_at = fr.len();
    let (src, dst) = (f.addr[d], f.addr[1 - d]);
    let proto: u8 = match (f.kind, f.v6) {
        (Kind::Tcp, _) => 6,
        (Kind::Udp, _) => 17,
        (Kind::Icmp, false) => 1,
        (Kind::Icmp, true) => 58,
    };
    let opt: &[u8] = if op.mss_opt {
        if f.v6 {
            &[2, 4, 0x05, 0xA0]
        } else {
            &[2, 4, 0x05, 0xB4]
        }
    } else {
        &[]
    };
    let l4len = match f.kind {
        Kind::Tcp => 20 + opt.len() + pay.len(),
        Kind::Udp | Kind::Icmp => 8 + pay.len(),
    };
    if f.v6 {
        fr.extend_from_slice(&f.flowlab[d].to_be_bytes());
        fr.extend_from_slice(&(l4len as u16).to_be_bytes());
        fr.push(proto);
        fr.push(f.ttl[d]);
        fr.extend_from_slice(&src);
        fr.extend_from_slice(&dst);
    } else {
        let ipid = f.ipid[d];
        f.ipid[d] = ipid.wrapping_add(1);
        fr.extend_from_slice(&[0x45, 0]);
        fr.extend_from_slice(&((20 + l4len) as u16).to_be_bytes());
        fr.extend_from_slice(&ipid.to_be_bytes());
        fr.extend_from_slice(&[0x40, 0, f.ttl[d], proto, 0, 0]);
        fr.extend_from_slice(&src[..4]);
        fr.extend_from_slice(&dst[..4]);
        let c = !fold(sum16(&fr[ip_at..], 0));
        fr[ip_at + 10..ip_at + 12].copy_from_slice(&c.to_be_bytes());
    }
    let l4 = fr.len();
    match f.kind {
        Kind::Tcp => {
            let s = f.seq[d];
            let a = if op.flags & ACK != 0 { f.seq[1 - d] } else { 0 };
            let syn_fin = u32::from(op.flags & (SYN | FIN) != 0);
            f.seq[d] = s.wrapping_add(pay.len() as u32 + syn_fin);
            fr.extend_from_slice(&f.port[d].to_be_bytes());
            fr.extend_from_slice(&f.port[1 - d].to_be_bytes());
            fr.extend_from_slice(&s.to_be_bytes());
            fr.extend_from_slice(&a.to_be_bytes());
            fr.push(((5 + opt.len() / 4) << 4) as u8);
            fr.push(op.flags);
            fr.extend_from_slice(&f.win[d].to_be_bytes());
            fr.extend_from_slice(&[0, 0, 0, 0]);
            fr.extend_from_slice(opt);
        }
        Kind::Udp => {
            fr.extend_from_slice(&f.port[d].to_be_bytes());
            fr.extend_from_slice(&f.port[1 - d].to_be_bytes());
            fr.extend_from_slice(&(l4len as u16).to_be_bytes());
            fr.extend_from_slice(&[0, 0]);
        }
        Kind::Icmp => {
            let typ = match (f.v6, d) {
                (false, 0) => 8,
                (false, _) => 0,
                (true, 0) => 128,
                (true, _) => 129,
            };
            fr.extend_from_slice(&[typ, 0, 0, 0]);
            fr.extend_from_slice(&f.icmp_id.to_be_bytes());
            fr.extend_from_slice(&op.seq.to_be_bytes());
        }
    }
    fr.extend_from_slice(pay);
    // Pseudo-header for TCP, UDP and ICMPv6; ICMPv4 has none.
    let pseudo = if f.kind == Kind::Icmp && !f.v6 {
        0
    } else {
        let n = if f.v6 { 16 } else { 4 };
        sum16(&src[..n], 0) + sum16(&dst[..n], 0) + proto as u64 + l4len as u64
    };
    let mut c = !fold(sum16(&fr[l4..], pseudo));
    if f.kind == Kind::Udp && c == 0 {
        c = 0xFFFF;
    }
    let at = l4
        + match f.kind {
            Kind::Tcp => 16,
            Kind::Udp => 6,
            Kind::Icmp => 2,
        };
    fr[at..at + 2].copy_from_slice(&c.to_be_bytes());
    if fr.len() < 60 {
        fr.resize(60, 0);
    }
}

struct Args {
    packets: u64,
    seed: u64,
    out: String,
    stats: Option<String>,
    smtp_share: f64,
    pcapng: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        packets: 100_000,
        seed: 1,
        out: String::new(),
        stats: None,
        smtp_share: 0.07,
        pcapng: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut val = || it.next().ok_or(format!("{k} needs a value"));
        match k.as_str() {
            "--packets" => a.packets = val()?.parse().map_err(|e| format!("--packets: {e}"))?,
            "--seed" => a.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => a.out = val()?,
            "--stats" => a.stats = Some(val()?),
            "--smtp-share" => {
                a.smtp_share = val()?.parse().map_err(|e| format!("--smtp-share: {e}"))?
            }
            "--pcapng" => a.pcapng = true,
            _ => return Err(format!("unknown argument {k}")),
        }
    }
    if a.out.is_empty() {
        return Err("--out FILE is required".into());
    }
    if !(0.0..=0.75).contains(&a.smtp_share) {
        return Err("--smtp-share must be within 0..0.75".into());
    }
    Ok(a)
}

fn run(args: &Args) -> io::Result<serde_json::Value> {
    let t0 = Instant::now();
    let mut g = Gen::new(args.seed, args.smtp_share);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&args.out)?);
    if args.pcapng {
        let mut shb = Vec::new();
        for w in [0x0A0D_0D0Au32, 28, 0x1A2B_3C4D] {
            shb.extend_from_slice(&w.to_le_bytes());
        }
        shb.extend_from_slice(&[1, 0, 0, 0]);
        shb.extend_from_slice(&(-1i64).to_le_bytes());
        shb.extend_from_slice(&28u32.to_le_bytes());
        out.write_all(&shb)?;
        let mut idb = Vec::new();
        idb.extend_from_slice(&1u32.to_le_bytes());
        idb.extend_from_slice(&20u32.to_le_bytes());
        idb.extend_from_slice(&[1, 0, 0, 0]);
        idb.extend_from_slice(&262144u32.to_le_bytes());
        idb.extend_from_slice(&20u32.to_le_bytes());
        out.write_all(&idb)?;
    } else {
        let mut h = Vec::new();
        for w in [0xA1B2_C3D4u32] {
            h.extend_from_slice(&w.to_le_bytes());
        }
        h.extend_from_slice(&[2, 0, 4, 0]);
        for w in [0u32, 0, 262144, 1] {
            h.extend_from_slice(&w.to_le_bytes());
        }
        out.write_all(&h)?;
    }
    const POOL: usize = 384;
    let mut pool: Vec<Flow> = (0..POOL).map(|_| g.make_next()).collect();
    let mut ts: u64 = START_S * 1_000_000 + g.rng.below(1_000_000) as u64;
    let mut fr = Vec::with_capacity(2048);
    let mut total_bytes = 0u64;
    let mut per_kind = [0u64; 6];
    for _ in 0..args.packets {
        let j = g.rng.below(POOL);
        let f = &mut pool[j];
        let op = f.ops[f.pos];
        f.pos += 1;
        build_frame(f, op, &mut fr);
        per_kind[match f.kind {
            Kind::Tcp => 0,
            Kind::Udp => 2,
            Kind::Icmp => 4,
        } + usize::from(f.v6)] += 1;
        if f.pos == f.ops.len() {
            pool[j] = g.make_next();
        }
        ts += 1 + g.rng.below(400) as u64;
        let len = fr.len() as u32;
        if args.pcapng {
            let bl = 32 + ((len + 3) & !3);
            for w in [6u32, bl, 0, (ts >> 32) as u32, ts as u32, len, len] {
                out.write_all(&w.to_le_bytes())?;
            }
            out.write_all(&fr)?;
            out.write_all(&[0u8; 3][..((4 - (len & 3)) & 3) as usize])?;
            out.write_all(&bl.to_le_bytes())?;
        } else {
            for w in [(ts / 1_000_000) as u32, (ts % 1_000_000) as u32, len, len] {
                out.write_all(&w.to_le_bytes())?;
            }
            out.write_all(&fr)?;
        }
        total_bytes += len as u64;
    }
    out.flush()?;
    // Take back the counts of SMTP ops never written (sessions cut off by the end).
    for f in &pool {
        for (i, k) in &f.marks {
            if *i >= f.pos {
                g.stats[*k as usize] -= 1;
            }
        }
    }
    let mut m = serde_json::Map::new();
    m.insert("packets".into(), args.packets.into());
    m.insert("seed".into(), args.seed.into());
    m.insert("frame_bytes".into(), total_bytes.into());
    let names = ["tcp4", "tcp6", "udp4", "udp6", "icmp4", "icmp6"];
    m.insert(
        "packets_by_kind".into(),
        names
            .iter()
            .zip(per_kind)
            .map(|(n, c)| (n.to_string(), serde_json::Value::from(c)))
            .collect(),
    );
    m.insert(
        "flows_by_class".into(),
        CLASS_NAMES
            .iter()
            .zip(g.flows)
            .map(|(n, c)| (n.to_string(), serde_json::Value::from(c)))
            .collect(),
    );
    for (n, v) in STAT_NAMES.iter().zip(g.stats) {
        m.insert(n.to_string(), v.into());
    }
    m.insert(
        "seconds".into(),
        ((t0.elapsed().as_secs_f64() * 10.0).round() / 10.0).into(),
    );
    Ok(serde_json::Value::Object(m))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("wiresift-gen: {e}\nusage: wiresift-gen --packets N --seed S --out FILE [--stats FILE] [--smtp-share F] [--pcapng]");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(summary) => {
            let txt = serde_json::to_string_pretty(&summary).unwrap_or_default();
            eprintln!("{txt}");
            if let Some(p) = &args.stats {
                if let Err(e) = std::fs::write(p, txt + "\n") {
                    eprintln!("wiresift-gen: {p}: {e}");
                    return ExitCode::from(1);
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wiresift-gen: {}: {e}", args.out);
            ExitCode::from(1)
        }
    }
}
