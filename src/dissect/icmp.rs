//! ICMP for IPv4: the common header with its checksum verified (as tshark does by default), the
//! per-type fields, and for errors the quoted IP header and transport ports as a second `ip`
//! layer whose columns, fragments and flow state stay the outer packet's.

use super::icmp_tracker::IcmpEcho;
use super::ip::{self, IpContext};
use super::stateless::{self, Buf};
use super::{Interest, Packet, Value};
use crate::registry::{self, FieldId};

const ICMP: FieldId = registry::id("icmp");
const TYPE: FieldId = registry::id("icmp.type");
const CODE: FieldId = registry::id("icmp.code");
const CHECKSUM: FieldId = registry::id("icmp.checksum");
const CHECKSUM_STATUS: FieldId = registry::id("icmp.checksum.status");
const UNUSED: FieldId = registry::id("icmp.unused");
const IDENT: FieldId = registry::id("icmp.ident");
const IDENT_LE: FieldId = registry::id("icmp.ident_le");
const SEQ: FieldId = registry::id("icmp.seq");
const SEQ_LE: FieldId = registry::id("icmp.seq_le");
const MTU: FieldId = registry::id("icmp.mtu");
const POINTER: FieldId = registry::id("icmp.pointer");
const REDIR_GW: FieldId = registry::id("icmp.redir_gw");
const ORIGINATE: FieldId = registry::id("icmp.originate_timestamp");
const RECEIVE: FieldId = registry::id("icmp.receive_timestamp");
const TRANSMIT: FieldId = registry::id("icmp.transmit_timestamp");
const ADDRESS_MASK: FieldId = registry::id("icmp.address_mask");
const DATA_TIME: FieldId = registry::id("icmp.data_time");
const DATA_TIME_RELATIVE: FieldId = registry::id("icmp.data_time_relative");

/// The Info text of an ICMP type (Wireshark's `icmp_type_str`).
fn type_name(t: u8) -> &'static str {
    known_type_name(t).unwrap_or("Unknown ICMP (obsolete or malformed?)")
}

/// An ICMP type's name in Wireshark's `icmp_type_str` (the Info column and the details tree).
pub(crate) fn known_type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "Echo (ping) reply",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        6 => "Alternate host address",
        8 => "Echo (ping) request",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        15 => "Information request",
        16 => "Information reply",
        17 => "Address mask request",
        18 => "Address mask reply",
        30 => "Traceroute",
        31 => "Datagram conversion error",
        32 => "Mobile host redirect",
        33 => "IPv6 where-are-you",
        34 => "IPv6 I-am-here",
        35 => "Mobile registration request",
        36 => "Mobile registration reply",
        37 => "Domain name request",
        38 => "Domain name reply",
        39 => "SKIP",
        40 => "Photuris",
        42 => "Extended Echo request",
        43 => "Extended Echo reply",
        _ => return None,
    })
}

/// ICMP code names (packet-icmp.c's `unreach_code_str`, `redir_code_str`, `ttl_code_str`,
/// `par_code_str`, router advertisement), shared with the details tree.
pub(crate) fn code_name(t: u8, c: u8) -> Option<&'static str> {
    const UNREACH: [&str; 16] = [
        "Network unreachable",
        "Host unreachable",
        "Protocol unreachable",
        "Port unreachable",
        "Fragmentation needed",
        "Source route failed",
        "Destination network unknown",
        "Destination host unknown",
        "Source host isolated",
        "Network administratively prohibited",
        "Host administratively prohibited",
        "Network unreachable for TOS",
        "Host unreachable for TOS",
        "Communication administratively filtered",
        "Host precedence violation",
        "Precedence cutoff in effect",
    ];
    const REDIRECT: [&str; 4] = [
        "Redirect for network",
        "Redirect for host",
        "Redirect for TOS and network",
        "Redirect for TOS and host",
    ];
    const TIME: [&str; 2] = [
        "Time to live exceeded in transit",
        "Fragment reassembly time exceeded",
    ];
    const PARAM: [&str; 3] = [
        "Pointer indicates the error",
        "Required option missing",
        "Bad length",
    ];
    let c = c as usize;
    match t {
        3 => UNREACH.get(c).copied(),
        5 => REDIRECT.get(c).copied(),
        11 => TIME.get(c).copied(),
        12 => PARAM.get(c).copied(),
        9 => match c {
            0 => Some("Normal router advertisement"),
            16 => Some("Does not route common traffic"),
            _ => None,
        },
        _ => None,
    }
}

/// The Internet checksum of `bytes` (RFC 1071), folded; 0 means the stored checksum is right.
pub(crate) fn internet_checksum(init: u32, bytes: &[u8]) -> u16 {
    let mut sum = init as u64;
    let (words, odd) = super::bytes::be16_words(bytes);
    sum += words.map(u64::from).sum::<u64>();
    if let Some(last) = odd {
        sum += (last as u64) << 8;
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Dissect an ICMP message (`buf` bounded by the IP payload length).
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf, ctx: &IpContext) {
    p.begin_layer(ICMP, buf.whole());
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
    // Verified only when the whole message was captured (else "unverified").
    let complete = p.info.cap_len >= p.info.len && !ctx.embedded;
    let status = if complete {
        (internet_checksum(0, buf.bytes) == 0) as u64
    } else {
        2
    };
    p.add(
        interest,
        CHECKSUM_STATUS,
        Value::UInt(status),
        buf.range(2, 0),
    );
    let columns = p.want_columns && !ctx.embedded;
    if columns {
        p.columns.protocol = "ICMP";
        p.columns.info = format!("{:<20}", type_name(t));
        if let Some(c) = code_name(t, code) {
            p.columns.info.push_str(&format!(" ({c})"));
        }
    }
    match t {
        0 | 8 | 13 | 14 | 15 | 16 | 17 | 18 => {
            let (Some(id), Some(seq)) = (buf.be16(4), buf.be16(6)) else {
                return stateless::truncated(p, interest, buf.tail(4).whole());
            };
            p.add(interest, IDENT, Value::UInt(id as u64), buf.range(4, 2));
            p.add(
                interest,
                IDENT_LE,
                Value::UInt(id.swap_bytes() as u64),
                buf.range(4, 2),
            );
            p.add(interest, SEQ, Value::UInt(seq as u64), buf.range(6, 2));
            p.add(
                interest,
                SEQ_LE,
                Value::UInt(seq.swap_bytes() as u64),
                buf.range(6, 2),
            );
            if columns {
                let info = &mut p.columns.info;
                info.push_str(&format!(
                    " id=0x{id:04x}, seq={seq}/{}, ttl={}",
                    seq.swap_bytes(),
                    ctx.ttl
                ));
            }
            match t {
                0 | 8 => {
                    if !ctx.embedded {
                        p.icmp_echo = Some(IcmpEcho {
                            src: ctx.src,
                            dst: ctx.dst,
                            reply: t == 0,
                            ident: id,
                            seq,
                            checksum,
                        });
                    }
                    echo_data(p, interest, buf.tail(8))
                }
                13 | 14 => {
                    for (i, f) in [ORIGINATE, RECEIVE, TRANSMIT].into_iter().enumerate() {
                        if let Some(v) = buf.be32(8 + 4 * i) {
                            p.add(interest, f, Value::UInt(v as u64), buf.range(8 + 4 * i, 4));
                        }
                    }
                }
                17 | 18 => {
                    if let Some(v) = buf.be32(8) {
                        p.add(interest, ADDRESS_MASK, Value::Ipv4(v), buf.range(8, 4));
                    }
                }
                _ => {}
            }
        }
        3 | 4 | 5 | 11 | 12 => {
            if t == 3 && code == 4 {
                let r = buf.range(4, 2);
                p.add(interest, UNUSED, Value::Bytes(r), r);
                if let Some(mtu) = buf.be16(6) {
                    p.add(interest, MTU, Value::UInt(mtu as u64), buf.range(6, 2));
                }
            } else if t == 5 {
                if let Some(gw) = buf.be32(4) {
                    p.add(interest, REDIR_GW, Value::Ipv4(gw), buf.range(4, 4));
                }
            } else if t == 12 {
                if let Some(ptr) = buf.u8(4) {
                    p.add(interest, POINTER, Value::UInt(ptr as u64), buf.range(4, 1));
                }
                let r = buf.range(5, 3);
                p.add(interest, UNUSED, Value::Bytes(r), r);
            } else {
                let r = buf.range(4, 4);
                p.add(interest, UNUSED, Value::Bytes(r), r);
            }
            if buf.len() > 8 {
                let inner = IpContext {
                    embedded: true,
                    ..*ctx
                };
                let saved_columns = p.want_columns;
                p.want_columns = false;
                ip::dissect_inner(p, interest, buf.tail(8), inner.embedded);
                p.want_columns = saved_columns;
            }
        }
        _ => {}
    }
}

/// Echo payload: a leading timestamp (as `ping` writes it, either byte order) when it lies within
/// a day of the frame's time, then `data`.
fn echo_data(p: &mut Packet, interest: &Interest, data: Buf) {
    let frame_secs = p.info.time_ns.div_euclid(1_000_000_000);
    let near = |secs: u32, usecs: u32| {
        (secs as i64 - frame_secs).unsigned_abs() < 3600 * 24 && usecs < 1_000_000
    };
    let stamp = match (data.be32(0), data.be32(4)) {
        (Some(s), Some(u)) if near(s, u) => Some((s, u)),
        (Some(s), Some(u)) if near(s.swap_bytes(), u.swap_bytes()) => {
            Some((s.swap_bytes(), u.swap_bytes()))
        }
        _ => None,
    };
    match stamp {
        Some((s, u)) => {
            let ns = s as i64 * 1_000_000_000 + u as i64 * 1000;
            let r = data.range(0, 8);
            p.add(interest, DATA_TIME, Value::AbsTime(ns), r);
            p.add(
                interest,
                DATA_TIME_RELATIVE,
                Value::RelTime(p.info.time_ns.saturating_sub(ns)),
                r,
            );
            stateless::data(p, interest, data.tail(8));
        }
        None => stateless::data(p, interest, data),
    }
}
