//! IPv4: every header field as Wireshark 4.0 shows it, the options, and the hand-off to the
//! protocol in the payload. Fragments are not dissected here: the frame's [`Ipv4Fragment`] is
//! left for [`super::ip_reassembly`], which shows the payload (or the reassembled datagram).

use super::stateless::{self, Buf};
use super::{icmp, icmpv6, ipv6, tcp, udp};
use super::{ByteRange, Interest, Ipv4Fragment, Packet, Value};
use crate::registry::{self, FieldId};
use std::net::{IpAddr, Ipv4Addr};

const IP: FieldId = registry::id("ip");
const VERSION: FieldId = registry::id("ip.version");
const HDR_LEN: FieldId = registry::id("ip.hdr_len");
const DSFIELD: FieldId = registry::id("ip.dsfield");
const DSCP: FieldId = registry::id("ip.dsfield.dscp");
const ECN: FieldId = registry::id("ip.dsfield.ecn");
const LEN: FieldId = registry::id("ip.len");
const ID: FieldId = registry::id("ip.id");
const FLAGS: FieldId = registry::id("ip.flags");
const FLAGS_RB: FieldId = registry::id("ip.flags.rb");
const FLAGS_DF: FieldId = registry::id("ip.flags.df");
const FLAGS_MF: FieldId = registry::id("ip.flags.mf");
const FRAG_OFFSET: FieldId = registry::id("ip.frag_offset");
const TTL: FieldId = registry::id("ip.ttl");
const PROTO: FieldId = registry::id("ip.proto");
const CHECKSUM: FieldId = registry::id("ip.checksum");
const CHECKSUM_STATUS: FieldId = registry::id("ip.checksum.status");
const SRC: FieldId = registry::id("ip.src");
const DST: FieldId = registry::id("ip.dst");
const ADDR: FieldId = registry::id("ip.addr");
const SRC_HOST: FieldId = registry::id("ip.src_host");
const DST_HOST: FieldId = registry::id("ip.dst_host");
const HOST: FieldId = registry::id("ip.host");
const OPT_TYPE: FieldId = registry::id("ip.opt.type");
const OPT_TYPE_COPY: FieldId = registry::id("ip.opt.type.copy");
const OPT_TYPE_CLASS: FieldId = registry::id("ip.opt.type.class");
const OPT_TYPE_NUMBER: FieldId = registry::id("ip.opt.type.number");
const OPT_LEN: FieldId = registry::id("ip.opt.len");
const OPT_RA: FieldId = registry::id("ip.opt.ra");
const BOGUS_VERSION: FieldId = registry::id("ip.bogus_ip_version");
const BOGUS_HDR_LEN: FieldId = registry::id("ip.bogus_header_length");
const BOGUS_LEN: FieldId = registry::id("ip.bogus_ip_length");

/// What an upper layer needs from the IP header around it.
#[derive(Clone, Copy, Debug)]
pub struct IpContext {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// TTL or hop limit (shown in ICMP echo Info).
    pub ttl: u8,
    /// Inside an ICMP error: columns, fragments and transport state are the outer packet's.
    pub embedded: bool,
    /// Bytes of the packet the IP header announces but the capture cut off (snap length): the
    /// upper layer's reported length is what it has plus these (`tcp.len` comes from the header).
    pub missing: usize,
}

/// Dissect an IPv4 packet at the start of `buf` (the rest of the frame).
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf) {
    dissect_inner(p, interest, buf, false);
}

/// Dissect an IPv4 packet; `embedded` for the copy of a header quoted by an ICMP error.
pub fn dissect_inner(p: &mut Packet, interest: &Interest, buf: Buf, embedded: bool) {
    // The item is created 20 bytes long (`len(ip) == 20` whatever the options); its tvb ends
    // where the total length says.
    let at = p.begin_layer_in(IP, buf.range(0, 20), buf.range(0, 20), buf.whole());
    let Some(b0) = buf.u8(0) else {
        stateless::truncated(p, interest, buf.whole());
        return;
    };
    let version = b0 >> 4;
    if version == 6 {
        // Wireshark hands a version-6 packet found under an IPv4 ethertype to IPv6.
        ipv6::dissect_inner(p, interest, buf, embedded);
        return;
    }
    p.add(
        interest,
        VERSION,
        Value::UInt(version as u64),
        buf.range(0, 1),
    );
    if p.want_columns && !embedded {
        p.columns.protocol = "IPv4";
    }
    if version != 4 {
        expert(p, interest, BOGUS_VERSION);
        if p.want_columns && !embedded {
            p.columns.info = format!("Bogus IPv4 version ({version}, must be 4)");
        }
        return;
    }
    let hlen = (b0 & 0x0f) as usize * 4;
    p.add(interest, HDR_LEN, Value::UInt(hlen as u64), buf.range(0, 1));
    if hlen < 20 {
        expert(p, interest, BOGUS_HDR_LEN);
        if p.want_columns && !embedded {
            p.columns.info = format!("Bogus IP header length ({hlen}, must be at least 20)");
        }
        return;
    }
    let Some(ds) = buf.u8(1) else {
        return stateless::truncated(p, interest, buf.tail(1).whole());
    };
    let r = buf.range(1, 1);
    p.add(interest, DSFIELD, Value::UInt(ds as u64), r);
    p.enter();
    p.add(interest, DSCP, Value::UInt((ds >> 2) as u64), r);
    p.add(interest, ECN, Value::UInt((ds & 3) as u64), r);
    p.leave();
    let Some(total) = buf.be16(2) else {
        return stateless::truncated(p, interest, buf.tail(2).whole());
    };
    p.add(interest, LEN, Value::UInt(total as u64), buf.range(2, 2));
    // A zero length is TCP segmentation offload: the frame says how long the packet is.
    let total = if total == 0 { buf.len() as u16 } else { total };
    let tvb = buf.truncate(usize::from(total).max(20)).whole();
    p.set_layer_extent(at, buf.range(0, hlen), buf.range(0, 20), tvb);
    if (total as usize) < hlen {
        expert(p, interest, BOGUS_LEN);
        if p.want_columns && !embedded {
            p.columns.info = format!("Bogus IP length ({total}, less than header length {hlen})");
        }
        return;
    }
    let Some(id) = buf.be16(4) else {
        return stateless::truncated(p, interest, buf.tail(4).whole());
    };
    p.add(interest, ID, Value::UInt(id as u64), buf.range(4, 2));
    let Some(frag) = buf.be16(6) else {
        return stateless::truncated(p, interest, buf.tail(6).whole());
    };
    let fb = (frag >> 8) as u8;
    let r = buf.range(6, 1);
    p.add(interest, FLAGS, Value::UInt((fb >> 5) as u64), r);
    p.enter();
    p.add(interest, FLAGS_RB, Value::Bool(fb & 0x80 != 0), r);
    p.add(interest, FLAGS_DF, Value::Bool(fb & 0x40 != 0), r);
    p.add(interest, FLAGS_MF, Value::Bool(fb & 0x20 != 0), r);
    p.leave();
    let offset = frag & 0x1fff;
    p.add(
        interest,
        FRAG_OFFSET,
        Value::UInt(offset as u64),
        buf.range(6, 2),
    );
    let (Some(ttl), Some(proto), Some(checksum)) = (buf.u8(8), buf.u8(9), buf.be16(10)) else {
        return stateless::truncated(p, interest, buf.tail(8).whole());
    };
    p.add(interest, TTL, Value::UInt(ttl as u64), buf.range(8, 1));
    p.add(interest, PROTO, Value::UInt(proto as u64), buf.range(9, 1));
    p.add(
        interest,
        CHECKSUM,
        Value::UInt(checksum as u64),
        buf.range(10, 2),
    );
    p.add(interest, CHECKSUM_STATUS, Value::UInt(2), buf.range(10, 0));
    let (Some(src), Some(dst)) = (buf.be32(12), buf.be32(16)) else {
        return stateless::truncated(p, interest, buf.tail(12).whole());
    };
    address(p, interest, src, buf.range(12, 4), SRC, SRC_HOST);
    address(p, interest, dst, buf.range(16, 4), DST, DST_HOST);
    if p.want_columns && !embedded {
        p.columns.src = Ipv4Addr::from(src).to_string();
        p.columns.dst = Ipv4Addr::from(dst).to_string();
    }
    if hlen > 20 {
        options(p, interest, buf.truncate(hlen).tail(20));
        if buf.len() < hlen {
            return stateless::truncated(p, interest, buf.tail(20).whole());
        }
    }
    let payload = buf.truncate(total as usize).tail(hlen);
    let more = fb & 0x20 != 0;
    if more || offset != 0 {
        if p.want_columns && !embedded {
            let name = registry::def(PROTO)
                .value_name(proto as u64)
                .unwrap_or("Unknown");
            p.columns.info = format!(
                "Fragmented IP protocol (proto={name} {proto}, off={}, ID={id:04x})",
                offset as u32 * 8
            );
        }
        if embedded {
            stateless::data(p, interest, payload);
        } else {
            p.fragment = Some(Ipv4Fragment {
                src,
                dst,
                id,
                protocol: proto,
                offset: offset as u32 * 8,
                more,
                payload: payload.whole(),
            });
        }
        return;
    }
    let ctx = IpContext {
        src: stateless::ipv4(src),
        dst: stateless::ipv4(dst),
        ttl,
        embedded,
        missing: cut_off(p, usize::from(total), buf.len(), embedded),
    };
    upper(p, interest, proto, payload, &ctx);
}

/// Hand an IP payload to the protocol `proto` names (shared by IPv4, IPv6 and reassembly).
pub(crate) fn upper(p: &mut Packet, interest: &Interest, proto: u8, payload: Buf, ctx: &IpContext) {
    match proto {
        1 => icmp::dissect(p, interest, payload, ctx),
        58 => icmpv6::dissect(p, interest, payload, ctx),
        4 => dissect_inner(p, interest, payload, ctx.embedded),
        41 => ipv6::dissect_inner(p, interest, payload, ctx.embedded),
        6 | 17 => {
            // A quoted header inside an ICMP error is not part of the flow.
            let saved = p.transport;
            let segment = payload.whole();
            if ctx.missing > 0 {
                p.reported_segment_len = Some((payload.len() + ctx.missing) as u32);
            }
            if proto == 6 {
                tcp::dissect(p, interest, ctx.src, ctx.dst, segment);
            } else {
                udp::dissect(p, interest, ctx.src, ctx.dst, segment);
            }
            p.reported_segment_len = None;
            if ctx.embedded {
                p.transport = saved;
            }
        }
        _ => {
            if p.want_columns && !ctx.embedded {
                let name = registry::def(PROTO)
                    .value_name(proto as u64)
                    .unwrap_or("Unknown");
                p.columns.info = format!("{name} ({proto})");
            }
            stateless::data(p, interest, payload);
        }
    }
}

/// How many of the `announced` bytes of a packet were cut off by the snap length (0 inside an
/// ICMP error, whose quoted packet is short by design).
pub(crate) fn cut_off(p: &Packet, announced: usize, have: usize, embedded: bool) -> usize {
    if embedded {
        return 0;
    }
    let snapped = p.info.len.saturating_sub(p.info.cap_len) as usize;
    announced.saturating_sub(have).min(snapped)
}

/// `ip.src` / `ip.dst` and the hidden `ip.addr`, `*_host`, `ip.host` that follow it.
fn address(
    p: &mut Packet,
    interest: &Interest,
    a: u32,
    r: ByteRange,
    field: FieldId,
    host: FieldId,
) {
    p.add(interest, field, Value::Ipv4(a), r);
    p.add_hidden(interest, ADDR, Value::Ipv4(a), r);
    if interest.wants(host) || interest.wants(HOST) {
        let text = p.add_extra(Ipv4Addr::from(a).to_string().as_bytes());
        p.add_hidden(interest, host, Value::Str(text), r);
        p.add_hidden(interest, HOST, Value::Str(text), r);
    }
}

/// An expert-info label (`ip.bogus_ip_version`) on a header that cannot be read further.
fn expert(p: &mut Packet, interest: &Interest, field: FieldId) {
    p.add(interest, field, Value::None, ByteRange::EMPTY);
}

/// The options: each one a small protocol item with its type octet split into copy / class /
/// number, its length, and for the Router Alert its value.
fn options(p: &mut Packet, interest: &Interest, opts: Buf) {
    let mut at = 0usize;
    p.enter();
    while let Some(t) = opts.u8(at) {
        let len = match t {
            0 | 1 => 1,
            _ => match opts.u8(at + 1) {
                Some(l) if l >= 2 => l as usize,
                _ => break,
            },
        };
        let r = opts.range(at, len);
        if let Some(proto) = option_proto(t) {
            p.add(interest, proto, Value::Protocol(r), r);
        }
        p.enter();
        let tr = opts.range(at, 1);
        p.add(interest, OPT_TYPE, Value::UInt(t as u64), tr);
        p.enter();
        p.add(interest, OPT_TYPE_COPY, Value::Bool(t & 0x80 != 0), tr);
        p.add(
            interest,
            OPT_TYPE_CLASS,
            Value::UInt(((t >> 5) & 3) as u64),
            tr,
        );
        p.add(
            interest,
            OPT_TYPE_NUMBER,
            Value::UInt((t & 0x1f) as u64),
            tr,
        );
        p.leave();
        if len > 1 {
            p.add(
                interest,
                OPT_LEN,
                Value::UInt(len as u64),
                opts.range(at + 1, 1),
            );
        }
        if t == 148 && len == 4 {
            if let Some(v) = opts.be16(at + 2) {
                p.add(
                    interest,
                    OPT_RA,
                    Value::UInt(v as u64),
                    opts.range(at + 2, 2),
                );
            }
        }
        p.leave();
        at += len;
        if t == 0 {
            break;
        }
    }
    p.leave();
}

fn option_proto(t: u8) -> Option<FieldId> {
    Some(match t {
        0 => const { registry::id("ip.options.eol") },
        1 => const { registry::id("ip.options.nop") },
        130 => const { registry::id("ip.options.security") },
        131 => const { registry::id("ip.options.route") },
        68 => const { registry::id("ip.options.timestamp") },
        133 => const { registry::id("ip.options.ext_security") },
        134 => const { registry::id("ip.options.cipso") },
        7 => const { registry::id("ip.options.record_route") },
        136 => const { registry::id("ip.options.sid") },
        137 => const { registry::id("ip.options.source_route") },
        11 => const { registry::id("ip.options.mtu_probe") },
        12 => const { registry::id("ip.options.mtu_reply") },
        82 => const { registry::id("ip.options.traceroute") },
        148 => const { registry::id("ip.options.routeralert") },
        149 => const { registry::id("ip.options.sdb") },
        25 => const { registry::id("ip.options.qs") },
        _ => return None,
    })
}
