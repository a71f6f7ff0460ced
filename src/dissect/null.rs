//! BSD loopback (`LINKTYPE_NULL`, and OpenBSD's `LINKTYPE_LOOP`): a 4-byte address family in the
//! capturing host's byte order, which Wireshark guesses, then an IP packet.

use super::stateless::{self, Buf};
use super::{eth, ip, ipv6};
use super::{Interest, Packet, Value};
use crate::registry::{self, FieldId};

const NULL: FieldId = registry::id("null");
const FAMILY: FieldId = registry::id("null.family");
const TYPE: FieldId = registry::id("null.type");

/// Dissect a loopback frame (`buf` is the whole frame).
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf) {
    p.begin_layer(NULL, buf.range(0, 4));
    let Some(raw) = buf.be32(0) else {
        stateless::truncated(p, interest, buf.whole());
        return;
    };
    let payload = buf.tail(4);
    // Some captures hold a PPP-style ethertype in the top half (Wireshark's `null.type`).
    if raw & 0xffff_0000 != 0 && raw & 0x0000_ffff == 0 && p.info.link_type != 108 {
        let etype = (raw >> 16) as u16;
        if etype > 1500 {
            p.add(interest, TYPE, Value::UInt(etype as u64), buf.range(0, 2));
            eth::ethertype_no_trailer(p, interest, etype, payload);
            return;
        }
    }
    // A family is small: if the first bytes are zero it was written big-endian.
    let family = if p.info.link_type == 108 || raw & 0xffff_0000 == 0 {
        raw
    } else {
        raw.swap_bytes()
    };
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
