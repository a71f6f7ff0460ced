//! Linux cooked captures (`LINKTYPE_LINUX_SLL` and `LINKTYPE_LINUX_SLL2`): the kernel's packet
//! type, link-layer address type and source address, then a protocol that is an ethertype, a
//! GRE protocol type (on GRE tunnels) or one of Linux's own small numbers.

use super::display::ether_text;
use super::stateless::{self, Buf};
use super::{eth, ip, ipv6};
use super::{Interest, Packet, Value};
use crate::registry::{self, FieldId};

const SLL: FieldId = registry::id("sll");
const PKTTYPE: FieldId = registry::id("sll.pkttype");
const HATYPE: FieldId = registry::id("sll.hatype");
const HALEN: FieldId = registry::id("sll.halen");
const SRC_ETH: FieldId = registry::id("sll.src.eth");
const SRC_IPV4: FieldId = registry::id("sll.src.ipv4");
const SRC_OTHER: FieldId = registry::id("sll.src.other");
const UNUSED: FieldId = registry::id("sll.unused");
const LTYPE: FieldId = registry::id("sll.ltype");
const GRETYPE: FieldId = registry::id("sll.gretype");
const ETYPE: FieldId = registry::id("sll.etype");
const IFINDEX: FieldId = registry::id("sll.ifindex");

const ARPHRD_IPGRE: u16 = 778;

/// `LINKTYPE_LINUX_SLL`: 16-byte header.
pub fn dissect_v1(p: &mut Packet, interest: &Interest, buf: Buf) {
    p.begin_layer_in(SLL, buf.range(0, 16), buf.range(0, 16), buf.whole());
    let (Some(pkttype), Some(hatype), Some(halen), Some(protocol)) =
        (buf.be16(0), buf.be16(2), buf.be16(4), buf.be16(14))
    else {
        stateless::truncated(p, interest, buf.whole());
        return;
    };
    p.add(
        interest,
        PKTTYPE,
        Value::UInt(pkttype as u64),
        buf.range(0, 2),
    );
    p.add(
        interest,
        HATYPE,
        Value::UInt(hatype as u64),
        buf.range(2, 2),
    );
    p.add(interest, HALEN, Value::UInt(halen as u64), buf.range(4, 2));
    address(p, interest, buf, 6, hatype, halen as usize);
    protocol_and_payload(p, interest, buf, 14, hatype, protocol, 16);
}

/// `LINKTYPE_LINUX_SLL2`: 20-byte header with the interface index.
pub fn dissect_v2(p: &mut Packet, interest: &Interest, buf: Buf) {
    p.begin_layer_in(SLL, buf.range(0, 20), buf.range(0, 20), buf.whole());
    let (Some(protocol), Some(ifindex), Some(hatype), Some(pkttype), Some(halen)) = (
        buf.be16(0),
        buf.be32(4),
        buf.be16(8),
        buf.u8(10),
        buf.u8(11),
    ) else {
        stateless::truncated(p, interest, buf.whole());
        return;
    };
    protocol_field(p, interest, buf, 0, hatype, protocol);
    p.add(
        interest,
        IFINDEX,
        Value::UInt(ifindex as u64),
        buf.range(4, 4),
    );
    p.add(
        interest,
        HATYPE,
        Value::UInt(hatype as u64),
        buf.range(8, 2),
    );
    p.add(
        interest,
        PKTTYPE,
        Value::UInt(pkttype as u64),
        buf.range(10, 1),
    );
    p.add(interest, HALEN, Value::UInt(halen as u64), buf.range(11, 1));
    address(p, interest, buf, 12, hatype, halen as usize);
    payload(p, interest, buf.tail(20), hatype, protocol);
}

fn protocol_and_payload(
    p: &mut Packet,
    interest: &Interest,
    buf: Buf,
    at: usize,
    hatype: u16,
    protocol: u16,
    hdr_len: usize,
) {
    protocol_field(p, interest, buf, at, hatype, protocol);
    payload(p, interest, buf.tail(hdr_len), hatype, protocol);
}

fn protocol_field(
    p: &mut Packet,
    interest: &Interest,
    buf: Buf,
    at: usize,
    hatype: u16,
    protocol: u16,
) {
    let field = if hatype == ARPHRD_IPGRE {
        GRETYPE
    } else if protocol <= 1500 {
        LTYPE
    } else {
        ETYPE
    };
    p.add(
        interest,
        field,
        Value::UInt(protocol as u64),
        buf.range(at, 2),
    );
}

fn payload(p: &mut Packet, interest: &Interest, payload: Buf, hatype: u16, protocol: u16) {
    if hatype == ARPHRD_IPGRE {
        // The GRE protocol-type table, not the ethertype dissector: no `ethertype` layer.
        match protocol {
            0x0800 => {
                ip::dissect(p, interest, payload);
            }
            0x86dd => {
                ipv6::dissect(p, interest, payload);
            }
            _ => stateless::data(p, interest, payload),
        }
    } else if protocol > 1500 {
        eth::ethertype_no_trailer(p, interest, protocol, payload);
    } else {
        stateless::data(p, interest, payload);
    }
}

/// The 8-byte address slot: an Ethernet or IPv4 address when the type says so, then the unused
/// rest of the slot.
fn address(p: &mut Packet, interest: &Interest, buf: Buf, at: usize, hatype: u16, halen: usize) {
    let halen = halen.min(8);
    let r = buf.range(at, halen);
    let mut used = halen;
    match (hatype, halen) {
        (_, 6) => {
            if let Some(a) = buf.array::<6>(at) {
                p.add(interest, SRC_ETH, Value::Ether(a), r);
                if p.want_columns {
                    p.columns.src = ether_text(&a);
                }
            }
        }
        (_, 4) if hatype == ARPHRD_IPGRE || hatype == 768 => {
            if let Some(a) = buf.be32(at) {
                p.add(interest, SRC_IPV4, Value::Ipv4(a), r);
            }
        }
        (_, 0) => used = 0,
        _ => p.add(interest, SRC_OTHER, Value::Bytes(r), r),
    }
    if used < 8 {
        let rest = buf.range(at + used, 8 - used);
        if rest.len > 0 {
            p.add(interest, UNUSED, Value::Bytes(rest), rest);
        }
    }
}
