//! IPv6: the fixed header, the extension headers Wireshark shows as their own layers
//! (hop-by-hop, routing, fragment, destination options), then the upper protocol.
//! IPv6 fragments are shown but not reassembled (only IPv4 defragmentation is implemented).

use super::ip::{self, IpContext};
use super::stateless::{self, Buf};
use super::{ByteRange, Interest, Packet, Value};
use crate::registry::{self, FieldId};
use std::net::{IpAddr, Ipv6Addr};

const IPV6: FieldId = registry::id("ipv6");
const IP_VERSION: FieldId = registry::id("ip.version");
const VERSION: FieldId = registry::id("ipv6.version");
const TCLASS: FieldId = registry::id("ipv6.tclass");
const DSCP: FieldId = registry::id("ipv6.tclass.dscp");
const ECN: FieldId = registry::id("ipv6.tclass.ecn");
const FLOW: FieldId = registry::id("ipv6.flow");
const PLEN: FieldId = registry::id("ipv6.plen");
const NXT: FieldId = registry::id("ipv6.nxt");
const HLIM: FieldId = registry::id("ipv6.hlim");
const SRC: FieldId = registry::id("ipv6.src");
const DST: FieldId = registry::id("ipv6.dst");
const ADDR: FieldId = registry::id("ipv6.addr");
const SRC_HOST: FieldId = registry::id("ipv6.src_host");
const DST_HOST: FieldId = registry::id("ipv6.dst_host");
const HOST: FieldId = registry::id("ipv6.host");
const BOGUS_VERSION: FieldId = registry::id("ipv6.bogus_ipv6_version");

const HOPOPTS: FieldId = registry::id("ipv6.hopopts");
const HOPOPTS_NXT: FieldId = registry::id("ipv6.hopopts.nxt");
const HOPOPTS_LEN: FieldId = registry::id("ipv6.hopopts.len");
const HOPOPTS_LEN_OCT: FieldId = registry::id("ipv6.hopopts.len_oct");
const DSTOPTS: FieldId = registry::id("ipv6.dstopts");
const DSTOPTS_NXT: FieldId = registry::id("ipv6.dstopts.nxt");
const DSTOPTS_LEN: FieldId = registry::id("ipv6.dstopts.len");
const DSTOPTS_LEN_OCT: FieldId = registry::id("ipv6.dstopts.len_oct");
const OPT: FieldId = registry::id("ipv6.opt");
const OPT_TYPE: FieldId = registry::id("ipv6.opt.type");
const OPT_TYPE_ACTION: FieldId = registry::id("ipv6.opt.type.action");
const OPT_TYPE_CHANGE: FieldId = registry::id("ipv6.opt.type.change");
const OPT_TYPE_REST: FieldId = registry::id("ipv6.opt.type.rest");
const OPT_LENGTH: FieldId = registry::id("ipv6.opt.length");
const OPT_PAD1: FieldId = registry::id("ipv6.opt.pad1");
const OPT_PADN: FieldId = registry::id("ipv6.opt.padn");
const ROUTING: FieldId = registry::id("ipv6.routing");
const ROUTING_NXT: FieldId = registry::id("ipv6.routing.nxt");
const ROUTING_LEN: FieldId = registry::id("ipv6.routing.len");
const ROUTING_LEN_OCT: FieldId = registry::id("ipv6.routing.len_oct");
const ROUTING_TYPE: FieldId = registry::id("ipv6.routing.type");
const ROUTING_SEGLEFT: FieldId = registry::id("ipv6.routing.segleft");
const ROUTING_SRC_RESERVED: FieldId = registry::id("ipv6.routing.src.reserved");
const ROUTING_SRC_ADDR: FieldId = registry::id("ipv6.routing.src.addr");
const ROUTING_UNKNOWN: FieldId = registry::id("ipv6.routing.unknown_data");
const FRAGHDR: FieldId = registry::id("ipv6.fraghdr");
const FRAG_NXT: FieldId = registry::id("ipv6.fraghdr.nxt");
const FRAG_RESERVED_OCTET: FieldId = registry::id("ipv6.fraghdr.reserved_octet");
const FRAG_OFFSET: FieldId = registry::id("ipv6.fraghdr.offset");
const FRAG_RESERVED_BITS: FieldId = registry::id("ipv6.fraghdr.reserved_bits");
const FRAG_MORE: FieldId = registry::id("ipv6.fraghdr.more");
const FRAG_IDENT: FieldId = registry::id("ipv6.fraghdr.ident");

/// Dissect an IPv6 packet at the start of `buf`.
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf) {
    dissect_inner(p, interest, buf, false);
}

/// Dissect an IPv6 packet; `embedded` inside an ICMP error.
pub fn dissect_inner(p: &mut Packet, interest: &Interest, buf: Buf, embedded: bool) {
    let at = p.begin_layer_in(IPV6, buf.range(0, 40), buf.range(0, 40), buf.whole());
    let Some(w) = buf.be32(0) else {
        return stateless::truncated(p, interest, buf.whole());
    };
    let version = (w >> 28) as u8;
    let r = buf.range(0, 1);
    p.add(interest, VERSION, Value::UInt(version as u64), r);
    p.add_hidden(interest, IP_VERSION, Value::UInt(version as u64), r);
    if p.want_columns && !embedded {
        p.columns.protocol = "IPv6";
    }
    if version != 6 {
        p.add(interest, BOGUS_VERSION, Value::None, ByteRange::EMPTY);
        if p.want_columns && !embedded {
            p.columns.info = format!("Bogus IPv6 version ({version}, must be 6)");
        }
        return;
    }
    let r = buf.range(0, 4);
    p.add(interest, TCLASS, Value::UInt(((w >> 20) & 0xff) as u64), r);
    p.enter();
    p.add(interest, DSCP, Value::UInt(((w >> 22) & 0x3f) as u64), r);
    p.add(interest, ECN, Value::UInt(((w >> 20) & 3) as u64), r);
    p.leave();
    p.add(
        interest,
        FLOW,
        Value::UInt((w & 0xfffff) as u64),
        buf.range(1, 3),
    );
    let (Some(plen), Some(nxt), Some(hlim)) = (buf.be16(4), buf.u8(6), buf.u8(7)) else {
        return stateless::truncated(p, interest, buf.tail(4).whole());
    };
    p.add(interest, PLEN, Value::UInt(plen as u64), buf.range(4, 2));
    p.add(interest, NXT, Value::UInt(nxt as u64), buf.range(6, 1));
    p.add(interest, HLIM, Value::UInt(hlim as u64), buf.range(7, 1));
    let (Some(src), Some(dst)) = (buf.array::<16>(8), buf.array::<16>(24)) else {
        return stateless::truncated(p, interest, buf.tail(8).whole());
    };
    let (src, dst) = (u128::from_be_bytes(src), u128::from_be_bytes(dst));
    address(p, interest, src, buf.range(8, 16), SRC, SRC_HOST);
    address(p, interest, dst, buf.range(24, 16), DST, DST_HOST);
    if p.want_columns && !embedded {
        p.columns.src = Ipv6Addr::from(src).to_string();
        p.columns.dst = Ipv6Addr::from(dst).to_string();
    }
    let end = if plen == 0 {
        buf.len()
    } else {
        40 + plen as usize
    };
    p.set_layer_extent(
        at,
        buf.range(0, 40),
        buf.range(0, 40),
        buf.truncate(end).whole(),
    );
    let ctx = IpContext {
        src: IpAddr::V6(Ipv6Addr::from(src)),
        dst: IpAddr::V6(Ipv6Addr::from(dst)),
        ttl: hlim,
        embedded,
        missing: ip::cut_off(p, end, buf.len(), embedded),
    };
    extensions(p, interest, buf.truncate(end).tail(40), nxt, &ctx);
}

/// Walk the extension headers, then hand the rest to the upper protocol.
fn extensions(p: &mut Packet, interest: &Interest, mut rest: Buf, mut nxt: u8, ctx: &IpContext) {
    loop {
        match nxt {
            0 | 60 => {
                let (proto, f_nxt, f_len, f_oct) = if nxt == 0 {
                    (HOPOPTS, HOPOPTS_NXT, HOPOPTS_LEN, HOPOPTS_LEN_OCT)
                } else {
                    (DSTOPTS, DSTOPTS_NXT, DSTOPTS_LEN, DSTOPTS_LEN_OCT)
                };
                let Some(len) = header_start(p, interest, rest, proto, f_nxt, f_len, f_oct) else {
                    return;
                };
                options(p, interest, rest.truncate(len).tail(2));
                if rest.len() < len {
                    return stateless::truncated(p, interest, rest.whole());
                }
                nxt = rest.u8(0).unwrap_or(59);
                rest = rest.tail(len);
            }
            43 => {
                let Some(len) = header_start(
                    p,
                    interest,
                    rest,
                    ROUTING,
                    ROUTING_NXT,
                    ROUTING_LEN,
                    ROUTING_LEN_OCT,
                ) else {
                    return;
                };
                let (Some(rtype), Some(segleft)) = (rest.u8(2), rest.u8(3)) else {
                    return stateless::truncated(p, interest, rest.whole());
                };
                p.add(
                    interest,
                    ROUTING_TYPE,
                    Value::UInt(rtype as u64),
                    rest.range(2, 1),
                );
                p.add(
                    interest,
                    ROUTING_SEGLEFT,
                    Value::UInt(segleft as u64),
                    rest.range(3, 1),
                );
                let body = rest.truncate(len).tail(4);
                if rtype == 0 {
                    let r = body.range(0, 4);
                    p.add(interest, ROUTING_SRC_RESERVED, Value::Bytes(r), r);
                    let mut at = 4;
                    while let Some(a) = body.array::<16>(at) {
                        let a = u128::from_be_bytes(a);
                        p.add(
                            interest,
                            ROUTING_SRC_ADDR,
                            Value::Ipv6(a),
                            body.range(at, 16),
                        );
                        at += 16;
                    }
                } else if !body.is_empty() && rtype != 2 && rtype != 3 && rtype != 4 {
                    let r = body.whole();
                    p.add(interest, ROUTING_UNKNOWN, Value::Bytes(r), r);
                }
                if rest.len() < len {
                    return stateless::truncated(p, interest, rest.whole());
                }
                nxt = rest.u8(0).unwrap_or(59);
                rest = rest.tail(len);
            }
            44 => {
                p.begin_layer(FRAGHDR, rest.range(0, 8));
                let (Some(fnxt), Some(res), Some(off), Some(ident)) =
                    (rest.u8(0), rest.u8(1), rest.be16(2), rest.be32(4))
                else {
                    return stateless::truncated(p, interest, rest.whole());
                };
                p.add(
                    interest,
                    FRAG_NXT,
                    Value::UInt(fnxt as u64),
                    rest.range(0, 1),
                );
                p.add(
                    interest,
                    FRAG_RESERVED_OCTET,
                    Value::UInt(res as u64),
                    rest.range(1, 1),
                );
                let r = rest.range(2, 2);
                p.add(interest, FRAG_OFFSET, Value::UInt((off >> 3) as u64), r);
                p.add(
                    interest,
                    FRAG_RESERVED_BITS,
                    Value::UInt(((off >> 1) & 3) as u64),
                    r,
                );
                p.add(interest, FRAG_MORE, Value::Bool(off & 1 != 0), r);
                p.add(
                    interest,
                    FRAG_IDENT,
                    Value::UInt(ident as u64),
                    rest.range(4, 4),
                );
                let more = off & 1 != 0;
                let offset = (off >> 3) as u32 * 8;
                rest = rest.tail(8);
                nxt = fnxt;
                if more || offset != 0 {
                    if p.want_columns && !ctx.embedded {
                        p.columns.info = format!(
                            "IPv6 fragment (off={offset} more={} ident=0x{ident:08x} nxt={fnxt})",
                            if more { 'y' } else { 'n' }
                        );
                    }
                    return stateless::data(p, interest, rest);
                }
            }
            _ => return ip::upper(p, interest, nxt, rest, ctx),
        }
    }
}

/// The common start of an extension header (next header, length); returns its length in bytes.
fn header_start(
    p: &mut Packet,
    interest: &Interest,
    rest: Buf,
    proto: FieldId,
    f_nxt: FieldId,
    f_len: FieldId,
    f_oct: FieldId,
) -> Option<usize> {
    let len_hint = rest.u8(1).map_or(rest.len(), |l| (l as usize + 1) * 8);
    p.begin_layer(proto, rest.range(0, len_hint));
    let (Some(nxt), Some(len)) = (rest.u8(0), rest.u8(1)) else {
        stateless::truncated(p, interest, rest.whole());
        return None;
    };
    let bytes = (len as usize + 1) * 8;
    p.add(interest, f_nxt, Value::UInt(nxt as u64), rest.range(0, 1));
    p.add(interest, f_len, Value::UInt(len as u64), rest.range(1, 1));
    p.enter();
    p.add(interest, f_oct, Value::UInt(bytes as u64), rest.range(1, 1));
    p.leave();
    Some(bytes)
}

/// Hop-by-hop and destination options: type (with its action / may-change bits) and length.
fn options(p: &mut Packet, interest: &Interest, opts: Buf) {
    let mut at = 0usize;
    while let Some(t) = opts.u8(at) {
        let len = if t == 0 {
            1
        } else {
            match opts.u8(at + 1) {
                Some(l) => 2 + l as usize,
                None => break,
            }
        };
        let r = opts.range(at, len);
        p.add(interest, OPT, Value::None, r);
        p.enter();
        let tr = opts.range(at, 1);
        p.add(interest, OPT_TYPE, Value::UInt(t as u64), tr);
        p.enter();
        p.add(interest, OPT_TYPE_ACTION, Value::UInt((t >> 6) as u64), tr);
        p.add(interest, OPT_TYPE_CHANGE, Value::Bool(t & 0x20 != 0), tr);
        p.add(interest, OPT_TYPE_REST, Value::UInt((t & 0x1f) as u64), tr);
        p.leave();
        if t == 0 {
            p.add(interest, OPT_PAD1, Value::None, tr);
        } else {
            p.add(
                interest,
                OPT_LENGTH,
                Value::UInt((len - 2) as u64),
                opts.range(at + 1, 1),
            );
            if t == 1 && len > 2 {
                let pr = opts.range(at + 2, len - 2);
                p.add(interest, OPT_PADN, Value::Bytes(pr), pr);
            }
        }
        p.leave();
        at += len;
    }
}

fn address(
    p: &mut Packet,
    interest: &Interest,
    a: u128,
    r: ByteRange,
    field: FieldId,
    host: FieldId,
) {
    p.add(interest, field, Value::Ipv6(a), r);
    p.add_hidden(interest, ADDR, Value::Ipv6(a), r);
    if interest.wants(host) || interest.wants(HOST) {
        let text = p.add_extra(Ipv6Addr::from(a).to_string().as_bytes());
        p.add_hidden(interest, host, Value::Str(text), r);
        p.add_hidden(interest, HOST, Value::Str(text), r);
    }
}
