//! ICMPv6: the common header with its checksum verified over the IPv6 pseudo-header, echo,
//! the error messages with the quoted IPv6 packet, and the basics of Neighbor Discovery
//! (targets, flags, link-layer address options) used by tshark's Info column.

use super::display::ether_text;
use super::icmp::internet_checksum;
use super::ip::IpContext;
use super::stateless::{self, Buf};
use super::{ipv6, Interest, Packet, Value};
use crate::registry::{self, FieldId};
use std::net::{IpAddr, Ipv6Addr};

const ICMPV6: FieldId = registry::id("icmpv6");
const TYPE: FieldId = registry::id("icmpv6.type");
const CODE: FieldId = registry::id("icmpv6.code");
const CHECKSUM: FieldId = registry::id("icmpv6.checksum");
const CHECKSUM_STATUS: FieldId = registry::id("icmpv6.checksum.status");
const RESERVED: FieldId = registry::id("icmpv6.reserved");
const MTU: FieldId = registry::id("icmpv6.mtu");
const POINTER: FieldId = registry::id("icmpv6.pointer");
const ECHO_ID: FieldId = registry::id("icmpv6.echo.identifier");
const ECHO_SEQ: FieldId = registry::id("icmpv6.echo.sequence_number");
const RA_HOP_LIMIT: FieldId = registry::id("icmpv6.nd.ra.cur_hop_limit");
const RA_FLAG: FieldId = registry::id("icmpv6.nd.ra.flag");
const RA_LIFETIME: FieldId = registry::id("icmpv6.nd.ra.router_lifetime");
const RA_REACHABLE: FieldId = registry::id("icmpv6.nd.ra.reachable_time");
const RA_RETRANS: FieldId = registry::id("icmpv6.nd.ra.retrans_timer");
const NS_TARGET: FieldId = registry::id("icmpv6.nd.ns.target_address");
const NA_FLAG: FieldId = registry::id("icmpv6.nd.na.flag");
const NA_FLAG_R: FieldId = registry::id("icmpv6.nd.na.flag.r");
const NA_FLAG_S: FieldId = registry::id("icmpv6.nd.na.flag.s");
const NA_FLAG_O: FieldId = registry::id("icmpv6.nd.na.flag.o");
const NA_FLAG_RSV: FieldId = registry::id("icmpv6.nd.na.flag.rsv");
const NA_TARGET: FieldId = registry::id("icmpv6.nd.na.target_address");
const OPT: FieldId = registry::id("icmpv6.opt");
const OPT_TYPE: FieldId = registry::id("icmpv6.opt.type");
const OPT_LENGTH: FieldId = registry::id("icmpv6.opt.length");
const OPT_LINKADDR: FieldId = registry::id("icmpv6.opt.linkaddr");
const OPT_SRC_LINKADDR: FieldId = registry::id("icmpv6.opt.src_linkaddr");
const OPT_TARGET_LINKADDR: FieldId = registry::id("icmpv6.opt.target_linkaddr");

/// Dissect an ICMPv6 message (`buf` bounded by the IPv6 payload length).
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf, ctx: &IpContext) {
    p.begin_layer(ICMPV6, buf.whole());
    let (Some(t), Some(code), Some(checksum)) = (buf.u8(0), buf.u8(1), buf.be16(2)) else {
        return stateless::truncated(p, interest, buf.whole());
    };
    p.add(interest, TYPE, Value::UInt(t as u64), buf.range(0, 1));
    p.add(interest, CODE, Value::UInt(code as u64), buf.range(1, 1));
    p.add(
        interest,
        CHECKSUM,
        Value::UInt(checksum as u64),
        buf.range(2, 2),
    );
    let complete = p.info.cap_len >= p.info.len && !ctx.embedded;
    let status = match (complete, ctx.src, ctx.dst) {
        (true, IpAddr::V6(s), IpAddr::V6(d)) => {
            let mut init = 58u32 + buf.len() as u32;
            for a in [s.octets(), d.octets()] {
                init += super::bytes::be16_words(&a).0.map(u32::from).sum::<u32>();
            }
            (internet_checksum(init, buf.bytes) == 0) as u64
        }
        _ => 2,
    };
    p.add(
        interest,
        CHECKSUM_STATUS,
        Value::UInt(status),
        buf.range(2, 0),
    );
    let columns = p.want_columns && !ctx.embedded;
    if columns {
        p.columns.protocol = "ICMPv6";
        p.columns.info = registry::def(TYPE)
            .value_name(t as u64)
            .unwrap_or("Unknown")
            .to_string();
    }
    let mut info_extra = String::new();
    match t {
        1..=4 => {
            let r = buf.range(4, 4);
            match (t, buf.be32(4)) {
                (2, Some(v)) => p.add(interest, MTU, Value::UInt(v as u64), r),
                (4, Some(v)) => p.add(interest, POINTER, Value::UInt(v as u64), r),
                _ => p.add(interest, RESERVED, Value::Bytes(r), r),
            }
            if buf.len() > 8 {
                let saved = p.want_columns;
                p.want_columns = false;
                ipv6::dissect_inner(p, interest, buf.tail(8), true);
                p.want_columns = saved;
            }
        }
        128 | 129 => {
            let (Some(id), Some(seq)) = (buf.be16(4), buf.be16(6)) else {
                return stateless::truncated(p, interest, buf.tail(4).whole());
            };
            p.add(interest, ECHO_ID, Value::UInt(id as u64), buf.range(4, 2));
            p.add(interest, ECHO_SEQ, Value::UInt(seq as u64), buf.range(6, 2));
            info_extra = format!(" id=0x{id:04x}, seq={seq}, hop limit={}", ctx.ttl);
            stateless::data(p, interest, buf.tail(8));
        }
        133 => {
            let r = buf.range(4, 4);
            p.add(interest, RESERVED, Value::Bytes(r), r);
            options(p, interest, buf.tail(8));
        }
        134 => {
            if let (Some(hl), Some(fl), Some(lt), Some(rt), Some(rx)) =
                (buf.u8(4), buf.u8(5), buf.be16(6), buf.be32(8), buf.be32(12))
            {
                p.add(
                    interest,
                    RA_HOP_LIMIT,
                    Value::UInt(hl as u64),
                    buf.range(4, 1),
                );
                p.add(interest, RA_FLAG, Value::UInt(fl as u64), buf.range(5, 1));
                p.add(
                    interest,
                    RA_LIFETIME,
                    Value::UInt(lt as u64),
                    buf.range(6, 2),
                );
                p.add(
                    interest,
                    RA_REACHABLE,
                    Value::UInt(rt as u64),
                    buf.range(8, 4),
                );
                p.add(
                    interest,
                    RA_RETRANS,
                    Value::UInt(rx as u64),
                    buf.range(12, 4),
                );
                options(p, interest, buf.tail(16));
            }
        }
        135 => {
            let r = buf.range(4, 4);
            p.add(interest, RESERVED, Value::Bytes(r), r);
            if let Some(a) = buf.array::<16>(8) {
                let target = u128::from_be_bytes(a);
                p.add(interest, NS_TARGET, Value::Ipv6(target), buf.range(8, 16));
                info_extra = format!(" for {}", Ipv6Addr::from(target));
                if let Some(mac) = options(p, interest, buf.tail(24)) {
                    info_extra.push_str(&format!(" from {}", ether_text(&mac)));
                }
            }
        }
        136 => {
            if let (Some(fl), Some(a)) = (buf.be32(4), buf.array::<16>(8)) {
                let r = buf.range(4, 4);
                p.add(interest, NA_FLAG, Value::UInt(fl as u64), r);
                p.enter();
                p.add(interest, NA_FLAG_R, Value::Bool(fl & 0x8000_0000 != 0), r);
                p.add(interest, NA_FLAG_S, Value::Bool(fl & 0x4000_0000 != 0), r);
                p.add(interest, NA_FLAG_O, Value::Bool(fl & 0x2000_0000 != 0), r);
                p.add(
                    interest,
                    NA_FLAG_RSV,
                    Value::UInt((fl & 0x1fff_ffff) as u64),
                    r,
                );
                p.leave();
                let target = u128::from_be_bytes(a);
                p.add(interest, NA_TARGET, Value::Ipv6(target), buf.range(8, 16));
                let names: Vec<&str> = [
                    (0x8000_0000u32, "rtr"),
                    (0x4000_0000, "sol"),
                    (0x2000_0000, "ovr"),
                ]
                .iter()
                .filter(|(bit, _)| fl & bit != 0)
                .map(|(_, n)| *n)
                .collect();
                info_extra = format!(" {}", Ipv6Addr::from(target));
                if !names.is_empty() {
                    info_extra.push_str(&format!(" ({})", names.join(", ")));
                }
                if let Some(mac) = options(p, interest, buf.tail(24)) {
                    info_extra.push_str(&format!(" is at {}", ether_text(&mac)));
                }
            }
        }
        _ => {}
    }
    if columns {
        p.columns.info.push_str(&info_extra);
    }
}

/// Neighbor Discovery options (type, length in 8-octet units, link-layer addresses); returns
/// the first Ethernet link-layer address, for the Info column.
fn options(p: &mut Packet, interest: &Interest, opts: Buf) -> Option<[u8; 6]> {
    let mut at = 0usize;
    let mut first_mac = None;
    while let (Some(t), Some(l)) = (opts.u8(at), opts.u8(at + 1)) {
        let len = l as usize * 8;
        if len == 0 {
            break;
        }
        p.add(interest, OPT, Value::None, opts.range(at, len));
        p.enter();
        p.add(interest, OPT_TYPE, Value::UInt(t as u64), opts.range(at, 1));
        p.add(
            interest,
            OPT_LENGTH,
            Value::UInt(l as u64),
            opts.range(at + 1, 1),
        );
        if (t == 1 || t == 2) && len >= 8 {
            let r = opts.range(at + 2, len - 2);
            p.add(interest, OPT_LINKADDR, Value::Bytes(r), r);
            let f = if t == 1 {
                OPT_SRC_LINKADDR
            } else {
                OPT_TARGET_LINKADDR
            };
            p.add_hidden(interest, f, Value::Bytes(r), r);
            if len == 8 && first_mac.is_none() {
                first_mac = opts.array::<6>(at + 2);
            }
        }
        p.leave();
        at += len;
    }
    first_mac
}
