//! BSD loopback (`LINKTYPE_NULL`, and OpenBSD's `LINKTYPE_LOOP`): a 4-byte address family in the
//! capturing host's byte order, which Wireshark guesses, then an IP packet.

use super::stateless::{self, Buf};
use super::{ip, ipv6};
use super::{Interest, Packet, Value};
use crate::registry::{self, FieldId};

const NULL: FieldId = registry::id("null");
const FAMILY: FieldId = registry::id("null.family");
const TYPE: FieldId = registry::id("null.type");

/// Dissect a loopback frame (`buf` is the whole frame).
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf) {
    p.begin_layer_in(NULL, buf.range(0, 4), buf.range(0, 4), buf.whole());
    let (Some(le), Some(be)) = (buf.le32(0), buf.be32(0)) else {
        stateless::truncated(p, interest, buf.whole());
        return;
    };
    let payload = buf.tail(4);
    // Wireshark's guess: the header is in the capturing host's order; a value with high bits set
    // was written in the other order, or is a 16-bit family in the first two bytes.
    let header = if p.info.link_type == 108 {
        be
    } else if le & 0xffff_0000 != 0 {
        if le & 0xff00_0000 == 0 && le & 0x00ff_0000 < 0x0006_0000 {
            le >> 16
        } else {
            le.swap_bytes()
        }
    } else {
        le
    };
    if header > 1500 {
        let etype = header as u16;
        p.add(interest, TYPE, Value::UInt(etype as u64), buf.range(0, 4));
        // Straight to the protocol, without Wireshark's `ethertype` layer.
        match etype {
            0x0800 => ip::dissect(p, interest, payload),
            0x86dd => ipv6::dissect(p, interest, payload),
            _ => stateless::data(p, interest, payload),
        }
        return;
    }
    let family = header;
    p.add(
        interest,
        FAMILY,
        Value::UInt(family as u64),
        buf.range(0, 4),
    );
    match family {
        2 => {
            ip::dissect(p, interest, payload);
        }
        // AF_INET6 on the BSDs, Darwin and Linux.
        10 | 24 | 28 | 30 => {
            ipv6::dissect(p, interest, payload);
        }
        _ => stateless::data(p, interest, payload),
    }
}
