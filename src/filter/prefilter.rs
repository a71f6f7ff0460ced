//! The prefilter: a conservative test of a filter on a frame's raw bytes, run as the frame is
//! read, before any dissection — the display-filter counterpart of a BPF capture filter.
//!
//! Most frames of a large capture fail a selective filter (`tcp.port == 25`, `ip.addr ==
//! 10.1.2.3`, `smtp`), and the header fields that decide it sit at fixed offsets. For a *plain*
//! frame — Ethernet (with up to two VLAN tags) or raw IP, then an unfragmented IPv4 datagram or an
//! IPv6 packet without extension headers, carrying TCP or UDP whose header is wholly captured —
//! wiresift's dissectors produce exactly one `ip`/`ipv6` layer and one `tcp`/`udp` layer, and no
//! `icmp`, `arp` or other network layers, so addresses, ports and the presence of protocols can be
//! read straight from the bytes. Every other frame is [`Verdict::Maybe`] and goes through the full
//! path, as does every frame for which the filter reads something the prefilter does not know.
//!
//! The verdict is three-valued (Kleene logic), so `!`, `||` and `^^` stay sound: only
//! [`Verdict::No`] is acted on (the frame is skipped), and it is only given when the full
//! evaluation would certainly answer false. Multi-occurrence semantics are those of
//! `compile::quantified`: a relation on an absent field is false; `==` matches any value, `!=`
//! (all-not-equal in 4.0) every value.

use super::check::{CmpOp, FieldSel, SetItem, TValue, Test, ValueKind};
use super::literal::{v4_mask, v6_mask, Const};
use crate::registry::{self, FieldId, FieldType};

/// What the prefilter knows about a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The filter certainly does not match.
    No,
    /// Dissect and evaluate to know.
    Maybe,
    /// The filter certainly matches.
    Yes,
}

impl Verdict {
    fn not(self) -> Verdict {
        match self {
            Verdict::No => Verdict::Yes,
            Verdict::Maybe => Verdict::Maybe,
            Verdict::Yes => Verdict::No,
        }
    }

    fn of(b: bool) -> Verdict {
        if b {
            Verdict::Yes
        } else {
            Verdict::No
        }
    }
}

/// A header field the prefilter reads from a plain frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Header {
    IpSrc,
    IpDst,
    IpAddr,
    IpProto,
    Ip6Src,
    Ip6Dst,
    Ip6Addr,
    Ip6Nxt,
    TcpSrcPort,
    TcpDstPort,
    TcpPort,
    UdpSrcPort,
    UdpDstPort,
    UdpPort,
}

impl Header {
    fn of(id: FieldId) -> Option<Header> {
        Some(match registry::def(id).abbrev {
            "ip.src" => Header::IpSrc,
            "ip.dst" => Header::IpDst,
            "ip.addr" => Header::IpAddr,
            "ip.proto" => Header::IpProto,
            "ipv6.src" => Header::Ip6Src,
            "ipv6.dst" => Header::Ip6Dst,
            "ipv6.addr" => Header::Ip6Addr,
            "ipv6.nxt" => Header::Ip6Nxt,
            "tcp.srcport" => Header::TcpSrcPort,
            "tcp.dstport" => Header::TcpDstPort,
            "tcp.port" => Header::TcpPort,
            "udp.srcport" => Header::UdpSrcPort,
            "udp.dstport" => Header::UdpDstPort,
            "udp.port" => Header::UdpPort,
            _ => return None,
        })
    }

    /// Whether the field reads the same for both directions of a conversation: only those may
    /// skip frames when the stateful pass needs every frame of the flows that are kept.
    fn symmetric(self) -> bool {
        !matches!(
            self,
            Header::IpSrc
                | Header::IpDst
                | Header::Ip6Src
                | Header::Ip6Dst
                | Header::TcpSrcPort
                | Header::TcpDstPort
                | Header::UdpSrcPort
                | Header::UdpDstPort
        )
    }
}

/// A protocol whose presence in a plain frame is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layer {
    Ip,
    Ipv6,
    Tcp,
    Udp,
    /// Never in a plain frame (icmp, icmpv6, arp).
    Never,
    /// smtp and imf: only on TCP to or from an SMTP port, and even then not in every frame.
    Smtp,
}

impl Layer {
    fn of(id: FieldId) -> Option<Layer> {
        let def = registry::def(id);
        // Fields another protocol adds too: the IPv6 dissector adds `ip.version` (tshark does).
        if def.abbrev == "ip.version" {
            return None;
        }
        Some(match def.protocol() {
            "ip" => Layer::Ip,
            "ipv6" => Layer::Ipv6,
            "tcp" => Layer::Tcp,
            "udp" => Layer::Udp,
            "icmp" | "icmpv6" | "arp" => Layer::Never,
            "smtp" | "imf" => Layer::Smtp,
            _ => return None,
        })
    }
}

/// A constant the header values are compared with.
#[derive(Clone, Copy, Debug, PartialEq)]
enum K {
    Int(i128),
    V4(u32, u8),
    V6(u128, u8),
}

impl K {
    fn of(c: &Const) -> Option<K> {
        Some(match *c {
            Const::Int(i) => K::Int(i),
            Const::Ipv4(a, m) => K::V4(a, m),
            Const::Ipv6(a, m) => K::V6(a, m),
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Xor(Box<Node>, Box<Node>),
    Not(Box<Node>),
    /// A relation that is false when the layer is absent; otherwise unknown.
    Needs(Layer),
    /// The field (or protocol) is present.
    Present(Layer, Option<Header>),
    Compare {
        all: bool,
        op: CmpOp,
        field: Header,
        layer: Layer,
        k: K,
    },
    In {
        all: bool,
        field: Header,
        layer: Layer,
        set: Vec<(K, Option<K>)>,
    },
    Unknown,
}

/// A compiled prefilter (see the module comment). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Prefilter {
    root: Node,
}

/// How a prefilter is run: the ports SMTP is dissected on (25, 587 and Decode As), and whether
/// only direction-independent fields may decide (the stateful pass needs whole conversations).
#[derive(Clone, Debug)]
pub struct Context {
    pub smtp_ports: Vec<u16>,
    pub symmetric_only: bool,
}

impl Prefilter {
    /// The prefilter of a checked filter, or None when it could never reject a frame.
    pub fn new(test: &Test) -> Option<Prefilter> {
        let root = node(test);
        useful(&root, false).then_some(Prefilter { root })
    }

    /// Whether it can reject any frame in this context.
    pub fn useful(&self, symmetric_only: bool) -> bool {
        useful(&self.root, symmetric_only)
    }

    /// The verdict on one frame of the given link type.
    pub fn verdict(&self, link_type: u32, data: &[u8], cx: &Context) -> Verdict {
        match Headers::parse(link_type, data) {
            Some(h) => eval(&self.root, &h, cx),
            None => Verdict::Maybe,
        }
    }
}

fn useful(n: &Node, symmetric_only: bool) -> bool {
    match n {
        Node::And(v) => v.iter().any(|n| useful(n, symmetric_only)),
        Node::Or(v) => v.iter().all(|n| useful(n, symmetric_only)),
        Node::Xor(a, b) => useful(a, symmetric_only) && useful(b, symmetric_only),
        Node::Not(a) => useful(a, symmetric_only),
        Node::Needs(_) | Node::Present(..) => true,
        Node::Compare { field, .. } | Node::In { field, .. } => {
            !symmetric_only || field.symmetric()
        }
        Node::Unknown => false,
    }
}

fn node(t: &Test) -> Node {
    match t {
        Test::And(v) => Node::And(v.iter().map(node).collect()),
        Test::Or(v) => Node::Or(v.iter().map(node).collect()),
        Test::Xor(a, b) => Node::Xor(Box::new(node(a)), Box::new(node(b))),
        Test::Not(a) => Node::Not(Box::new(node(a))),
        Test::Exists(v) => match plain_field(v) {
            Some(sel) => match Layer::of(sel.id) {
                Some(layer) => {
                    let is_protocol = registry::def(sel.id).ftype == FieldType::Protocol;
                    let header = Header::of(sel.id).filter(|_| sel.layer.is_none() && !sel.raw);
                    if is_protocol || header.is_some() {
                        Node::Present(layer, header)
                    } else {
                        Node::Needs(layer)
                    }
                }
                None => Node::Unknown,
            },
            None => needs(v),
        },
        Test::Compare { all, op, lhs, rhs } => {
            let (field, op, k) = match (plain_field(lhs), constant(rhs)) {
                (Some(f), Some(k)) => (f, *op, k),
                _ => match (constant(lhs), plain_field(rhs)) {
                    (Some(k), Some(f)) => (f, mirror(*op), k),
                    _ => return needs(lhs).or(needs(rhs)),
                },
            };
            match (Header::of(field.id), Layer::of(field.id)) {
                (Some(h), Some(layer)) if field.layer.is_none() && !field.raw => Node::Compare {
                    all: *all,
                    op,
                    field: h,
                    layer,
                    k,
                },
                (_, Some(layer)) => Node::Needs(layer),
                _ => Node::Unknown,
            }
        }
        Test::In { all, lhs, set } => {
            let consts: Option<Vec<(K, Option<K>)>> = set
                .iter()
                .map(|item| match item {
                    SetItem::One(v) => Some((constant(v)?, None)),
                    SetItem::Range(a, b) => Some((constant(a)?, Some(constant(b)?))),
                })
                .collect();
            match (plain_field(lhs), consts) {
                (Some(f), Some(set))
                    if f.layer.is_none() && !f.raw && Header::of(f.id).is_some() =>
                {
                    match (Header::of(f.id), Layer::of(f.id)) {
                        (Some(h), Some(layer)) => Node::In {
                            all: *all,
                            field: h,
                            layer,
                            set,
                        },
                        _ => Node::Unknown,
                    }
                }
                _ => needs(lhs),
            }
        }
        Test::Contains { lhs, .. } | Test::Matches { lhs, .. } => needs(lhs),
        Test::Truthy { .. } => Node::Unknown,
    }
}

/// A relation whose left side reads a field directly (or a slice of it) is false when the field's
/// layer is absent.
fn needs(v: &TValue) -> Node {
    let field = match &v.kind {
        ValueKind::Field(sel) => Some(sel.id),
        ValueKind::Slice { base, .. } => match &base.kind {
            ValueKind::Field(sel) => Some(sel.id),
            _ => None,
        },
        _ => None,
    };
    match field.and_then(Layer::of) {
        Some(layer) => Node::Needs(layer),
        None => Node::Unknown,
    }
}

impl Node {
    /// `self`, unless it knows nothing and `other` knows something.
    fn or(self, other: Node) -> Node {
        match self {
            Node::Unknown => other,
            n => n,
        }
    }
}

fn plain_field(v: &TValue) -> Option<&FieldSel> {
    match &v.kind {
        ValueKind::Field(sel) => Some(sel),
        _ => None,
    }
}

fn constant(v: &TValue) -> Option<K> {
    match &v.kind {
        ValueKind::Const(c) => K::of(c),
        _ => None,
    }
}

/// `k op f` is `f mirror(op) k`.
fn mirror(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        o => o,
    }
}

/// What a plain frame carries (see the module comment); `parse` gives None for any other frame.
#[derive(Debug, Default, PartialEq, Eq)]
struct Headers {
    v4: Option<(u32, u32, u8)>,
    v6: Option<(u128, u128, u8)>,
    tcp: Option<(u16, u16)>,
    udp: Option<(u16, u16)>,
}

fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

fn be128(d: &[u8], at: usize) -> Option<u128> {
    Some(u128::from_be_bytes(d.get(at..at + 16)?.try_into().ok()?))
}

impl Headers {
    fn parse(link_type: u32, d: &[u8]) -> Option<Headers> {
        let (ip, v6) = match link_type {
            1 => {
                let mut etype = be16(d, 12)?;
                let mut at = 14;
                // As `eth::ethertype` and `vlan`: 802.1Q, QinQ (0x9100) and 802.1ad tags.
                for _ in 0..2 {
                    if !matches!(etype, 0x8100 | 0x9100 | 0x88a8) {
                        break;
                    }
                    etype = be16(d, at + 2)?;
                    at += 4;
                }
                match etype {
                    0x0800 => (at, false),
                    0x86dd => (at, true),
                    _ => return None,
                }
            }
            228 => (0, false),
            229 => (0, true),
            12 | 14 | 101 => (0, d.first()? >> 4 == 6),
            _ => return None,
        };
        let mut h = Headers::default();
        let (proto, l4, end) = if v6 {
            let b0 = *d.get(ip)?;
            let plen = usize::from(be16(d, ip + 4)?);
            let nxt = *d.get(ip + 6)?;
            if b0 >> 4 != 6 || plen == 0 {
                return None;
            }
            h.v6 = Some((be128(d, ip + 8)?, be128(d, ip + 24)?, nxt));
            (nxt, ip + 40, (ip + 40 + plen).min(d.len()))
        } else {
            let b0 = *d.get(ip)?;
            let hlen = usize::from(b0 & 0x0f) * 4;
            let total = match usize::from(be16(d, ip + 2)?) {
                // TCP segmentation offload: the frame says how long the packet is.
                0 => d.len() - ip,
                t => t,
            };
            let frag = be16(d, ip + 6)?;
            if b0 >> 4 != 4 || hlen < 20 || total < hlen || frag & 0x3fff != 0 {
                return None;
            }
            let proto = *d.get(ip + 9)?;
            h.v4 = Some((be32(d, ip + 12)?, be32(d, ip + 16)?, proto));
            if d.len() < ip + hlen {
                return None;
            }
            (proto, ip + hlen, (ip + total).min(d.len()))
        };
        let seg = d.get(l4..end)?;
        match proto {
            6 => {
                let doff = usize::from(seg.get(12)? >> 4) * 4;
                if doff < 20 || seg.len() < doff {
                    return None;
                }
                h.tcp = Some((be16(seg, 0)?, be16(seg, 2)?));
            }
            17 => {
                if seg.len() < 8 {
                    return None;
                }
                h.udp = Some((be16(seg, 0)?, be16(seg, 2)?));
            }
            _ => return None,
        }
        Some(h)
    }

    fn has(&self, layer: Layer, cx: &Context) -> Verdict {
        match layer {
            Layer::Ip => Verdict::of(self.v4.is_some()),
            Layer::Ipv6 => Verdict::of(self.v6.is_some()),
            Layer::Tcp => Verdict::of(self.tcp.is_some()),
            Layer::Udp => Verdict::of(self.udp.is_some()),
            Layer::Never => Verdict::No,
            Layer::Smtp => match self.tcp {
                Some((s, d)) if cx.smtp_ports.contains(&s) || cx.smtp_ports.contains(&d) => {
                    Verdict::Maybe
                }
                _ => Verdict::No,
            },
        }
    }

    /// The field's values, in a fixed-size list (at most two); empty when absent.
    #[inline]
    fn values(&self, f: Header) -> ([K; 2], usize) {
        let none = ([K::Int(0); 2], 0);
        let int = |v: u16| K::Int(i128::from(v));
        match f {
            Header::IpSrc | Header::IpDst | Header::IpAddr | Header::IpProto => {
                let Some((s, d, p)) = self.v4 else {
                    return none;
                };
                match f {
                    Header::IpSrc => ([K::V4(s, 32), K::Int(0)], 1),
                    Header::IpDst => ([K::V4(d, 32), K::Int(0)], 1),
                    Header::IpAddr => ([K::V4(s, 32), K::V4(d, 32)], 2),
                    _ => ([K::Int(i128::from(p)), K::Int(0)], 1),
                }
            }
            Header::Ip6Src | Header::Ip6Dst | Header::Ip6Addr | Header::Ip6Nxt => {
                let Some((s, d, n)) = self.v6 else {
                    return none;
                };
                match f {
                    Header::Ip6Src => ([K::V6(s, 128), K::Int(0)], 1),
                    Header::Ip6Dst => ([K::V6(d, 128), K::Int(0)], 1),
                    Header::Ip6Addr => ([K::V6(s, 128), K::V6(d, 128)], 2),
                    _ => ([K::Int(i128::from(n)), K::Int(0)], 1),
                }
            }
            Header::TcpSrcPort | Header::TcpDstPort | Header::TcpPort => {
                let Some((s, d)) = self.tcp else {
                    return none;
                };
                match f {
                    Header::TcpSrcPort => ([int(s), K::Int(0)], 1),
                    Header::TcpDstPort => ([int(d), K::Int(0)], 1),
                    _ => ([int(s), int(d)], 2),
                }
            }
            Header::UdpSrcPort | Header::UdpDstPort | Header::UdpPort => {
                let Some((s, d)) = self.udp else {
                    return none;
                };
                match f {
                    Header::UdpSrcPort => ([int(s), K::Int(0)], 1),
                    Header::UdpDstPort => ([int(d), K::Int(0)], 1),
                    _ => ([int(s), int(d)], 2),
                }
            }
        }
    }
}

/// As `compile::order`: integers by value, addresses under the narrower netmask.
#[inline]
fn order(a: K, b: K) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (K::Int(x), K::Int(y)) => Some(x.cmp(&y)),
        (K::V4(x, m), K::V4(y, n)) => {
            let mask = v4_mask(m.min(n));
            Some((x & mask).cmp(&(y & mask)))
        }
        (K::V6(x, m), K::V6(y, n)) => {
            let mask = v6_mask(m.min(n));
            Some((x & mask).cmp(&(y & mask)))
        }
        _ => None,
    }
}

#[inline]
fn compare(op: CmpOp, a: K, b: K) -> bool {
    use std::cmp::Ordering::*;
    let o = order(a, b);
    match op {
        CmpOp::Eq => o == Some(Equal),
        CmpOp::Ne => o != Some(Equal),
        CmpOp::Gt => o == Some(Greater),
        CmpOp::Ge => matches!(o, Some(Greater | Equal)),
        CmpOp::Lt => o == Some(Less),
        CmpOp::Le => matches!(o, Some(Less | Equal)),
    }
}

/// Any/all over the values, as `compile::quantified`; false when there are none.
#[inline]
fn quantified(all: bool, vals: &[K], pass: impl Fn(K) -> bool) -> bool {
    if vals.is_empty() {
        return false;
    }
    if all {
        vals.iter().all(|v| pass(*v))
    } else {
        vals.iter().any(|v| pass(*v))
    }
}

fn eval(n: &Node, h: &Headers, cx: &Context) -> Verdict {
    match n {
        Node::And(v) => {
            let mut out = Verdict::Yes;
            for n in v {
                match eval(n, h, cx) {
                    Verdict::No => return Verdict::No,
                    Verdict::Maybe => out = Verdict::Maybe,
                    Verdict::Yes => {}
                }
            }
            out
        }
        Node::Or(v) => {
            let mut out = Verdict::No;
            for n in v {
                match eval(n, h, cx) {
                    Verdict::Yes => return Verdict::Yes,
                    Verdict::Maybe => out = Verdict::Maybe,
                    Verdict::No => {}
                }
            }
            out
        }
        Node::Xor(a, b) => match (eval(a, h, cx), eval(b, h, cx)) {
            (Verdict::Maybe, _) | (_, Verdict::Maybe) => Verdict::Maybe,
            (x, y) => Verdict::of(x != y),
        },
        Node::Not(a) => eval(a, h, cx).not(),
        Node::Needs(layer) => match h.has(*layer, cx) {
            Verdict::No => Verdict::No,
            _ => Verdict::Maybe,
        },
        Node::Present(layer, header) => match (h.has(*layer, cx), header) {
            (Verdict::Yes, Some(f)) => Verdict::of(h.values(*f).1 > 0),
            (v, _) => v,
        },
        Node::Compare {
            all,
            op,
            field,
            layer,
            k,
        } => {
            if cx.symmetric_only && !field.symmetric() {
                return needs_only(h, *layer, cx);
            }
            let (vals, n) = h.values(*field);
            let vals = vals.get(..n).unwrap_or(&[]);
            Verdict::of(quantified(*all, vals, |v| compare(*op, v, *k)))
        }
        Node::In {
            all,
            field,
            layer,
            set,
        } => {
            if cx.symmetric_only && !field.symmetric() {
                return needs_only(h, *layer, cx);
            }
            let (vals, n) = h.values(*field);
            let vals = vals.get(..n).unwrap_or(&[]);
            Verdict::of(quantified(*all, vals, |v| {
                set.iter().any(|(lo, hi)| match hi {
                    None => compare(CmpOp::Eq, v, *lo),
                    Some(hi) => compare(CmpOp::Ge, v, *lo) && compare(CmpOp::Le, v, *hi),
                })
            }))
        }
        Node::Unknown => Verdict::Maybe,
    }
}

/// A relation on an absent layer is false; on a present one, unknown.
fn needs_only(h: &Headers, layer: Layer, cx: &Context) -> Verdict {
    match h.has(layer, cx) {
        Verdict::No => Verdict::No,
        _ => Verdict::Maybe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter;

    /// Ethernet, `tags` 802.1Q tags, IPv4 10.1.2.3 → 192.168.0.9 (flags/offset `frag`), then a
    /// 20-byte TCP header from `sport` to `dport`: built field by field from RFC 791 / RFC 793.
    fn v4_tcp(tags: usize, frag: u16, sport: u16, dport: u16) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        for _ in 0..tags {
            f.extend_from_slice(&[0x81, 0x00, 0x00, 0x05]);
        }
        f.extend_from_slice(&[0x08, 0x00]);
        f.extend_from_slice(&[0x45, 0, 0, 40, 0, 1]);
        f.extend_from_slice(&frag.to_be_bytes());
        f.extend_from_slice(&[64, 6, 0, 0, 10, 1, 2, 3, 192, 168, 0, 9]);
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&dport.to_be_bytes());
        f.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0x20, 0, 0, 0, 0, 0]);
        f
    }

    /// Ethernet, IPv6 2001:db8::1 → 2001:db8::2 with next header `nxt`, then 8 bytes of UDP
    /// from 5353 to 53.
    fn v6_udp(nxt: u8) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0, 0, 8, nxt, 64]);
        let mut a = [0u8; 16];
        a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        a[15] = 1;
        f.extend_from_slice(&a);
        a[15] = 2;
        f.extend_from_slice(&a);
        f.extend_from_slice(&[0x14, 0xe9, 0, 53, 0, 8, 0, 0]);
        f
    }

    fn verdict(filter_text: &str, frame: &[u8], symmetric_only: bool) -> Verdict {
        verdict_ports(filter_text, frame, symmetric_only, &[25, 587])
    }

    fn verdict_ports(text: &str, frame: &[u8], symmetric_only: bool, ports: &[u16]) -> Verdict {
        let f = filter::compile(text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
        let cx = Context {
            smtp_ports: ports.to_vec(),
            symmetric_only,
        };
        f.prefilter()
            .map_or(Verdict::Maybe, |p| p.verdict(1, frame, &cx))
    }

    #[test]
    fn ports_and_addresses_of_a_plain_frame_decide() {
        let smtp = v4_tcp(0, 0x4000, 1025, 25);
        let web = v4_tcp(1, 0, 80, 40000);
        assert_eq!(verdict("tcp.port == 25", &smtp, false), Verdict::Yes);
        assert_eq!(verdict("tcp.port == 25", &web, false), Verdict::No);
        assert_eq!(verdict("25 == tcp.dstport", &smtp, false), Verdict::Yes);
        assert_eq!(verdict("tcp.srcport < 1024", &smtp, false), Verdict::No);
        assert_eq!(
            verdict("tcp.port in {20..30, 443}", &smtp, false),
            Verdict::Yes
        );
        assert_eq!(
            verdict("tcp.port in {20..30, 443}", &web, false),
            Verdict::No
        );
        // 4.0's `!=` is "all not equal": 1025 and 25 are not both != 25.
        assert_eq!(verdict("tcp.port != 25", &smtp, false), Verdict::No);
        assert_eq!(verdict("tcp.port != 25", &web, false), Verdict::Yes);
        assert_eq!(verdict("tcp.port ~= 25", &smtp, false), Verdict::Yes);
        assert_eq!(verdict("!(tcp.port == 25)", &web, false), Verdict::Yes);
        assert_eq!(verdict("ip.addr == 10.0.0.0/8", &web, false), Verdict::Yes);
        assert_eq!(verdict("ip.addr == 10.1.2.4", &web, false), Verdict::No);
        assert_eq!(verdict("ip.dst == 192.168.0.9", &web, false), Verdict::Yes);
        assert_eq!(verdict("udp.port == 25", &smtp, false), Verdict::No);
        assert_eq!(verdict("udp || ipv6", &smtp, false), Verdict::No);
        assert_eq!(
            verdict("icmp || arp.opcode == 1", &smtp, false),
            Verdict::No
        );
        assert_eq!(verdict("ip.proto == 6 && tcp", &smtp, false), Verdict::Yes);
        assert_eq!(verdict("tcp.port == 25 ^^ ip", &smtp, false), Verdict::No);
    }

    #[test]
    fn what_the_bytes_do_not_say_is_maybe() {
        let smtp = v4_tcp(0, 0, 1025, 25);
        // Fields the prefilter does not read, functions, layer selectors.
        assert_eq!(verdict("tcp.len > 0", &smtp, false), Verdict::Maybe);
        assert_eq!(verdict("len(tcp.port) == 2", &smtp, false), Verdict::Maybe);
        assert_eq!(verdict("tcp.port#1 == 80", &smtp, false), Verdict::Maybe);
        assert_eq!(verdict("smtp", &smtp, false), Verdict::Maybe);
        // ... but a relation on a layer that is absent is false.
        assert_eq!(verdict("udp.length > 0", &smtp, false), Verdict::No);
        assert_eq!(verdict("smtp", &v4_tcp(0, 0, 1025, 80), false), Verdict::No);
        assert_eq!(
            verdict_ports("smtp", &v4_tcp(0, 0, 1025, 2525), false, &[25, 587, 2525]),
            Verdict::Maybe
        );
        // Fragments, QinQ beyond two tags, truncated headers: not plain.
        assert_eq!(
            verdict("tcp.port == 80", &v4_tcp(0, 0x2000, 1, 2), false),
            Verdict::Maybe
        );
        assert_eq!(
            verdict("tcp.port == 80", &v4_tcp(3, 0, 1, 2), false),
            Verdict::Maybe
        );
        let cut = v4_tcp(0, 0, 1, 2);
        let cut = cut.get(..cut.len() - 1).unwrap_or(&[]);
        assert_eq!(verdict("tcp.port == 80", cut, false), Verdict::Maybe);
    }

    #[test]
    fn ipv6_and_its_extension_headers() {
        let plain = v6_udp(17);
        assert_eq!(verdict("udp.port == 53", &plain, false), Verdict::Yes);
        assert_eq!(
            verdict("ipv6.addr == 2001:db8::/32", &plain, false),
            Verdict::Yes
        );
        assert_eq!(
            verdict("ipv6.src == 2001:db8::2", &plain, false),
            Verdict::No
        );
        assert_eq!(verdict("ip.addr == 10.0.0.1", &plain, false), Verdict::No);
        // The IPv6 dissector adds `ip.version` too.
        assert_eq!(verdict("ip.version == 6", &plain, false), Verdict::Maybe);
        // A hop-by-hop options header: not plain.
        assert_eq!(verdict("udp.port == 9", &v6_udp(0), false), Verdict::Maybe);
    }

    #[test]
    fn only_symmetric_fields_decide_when_whole_conversations_are_needed() {
        let smtp = v4_tcp(0, 0, 1025, 25);
        assert_eq!(verdict("ip.src == 10.1.2.4", &smtp, true), Verdict::Maybe);
        assert_eq!(verdict("tcp.dstport == 80", &smtp, true), Verdict::Maybe);
        assert_eq!(verdict("ip.addr == 10.1.2.4", &smtp, true), Verdict::No);
        assert_eq!(verdict("ipv6.src == ::1", &smtp, true), Verdict::No);
        let f = filter::compile("ip.src == 10.1.2.3").ok();
        let pf = f.as_ref().and_then(|f| f.prefilter());
        assert!(pf.is_some_and(|p| p.useful(false) && !p.useful(true)));
    }
}
