//! UDP header dissection (the stateless part).
//!
//! Pushes the header's fields in Wireshark 4.0's tree order, writes the UDP Info column (it needs
//! no flow state) and fills [`Transport`] so that the stateful pass can number `udp.stream`.

use super::tcp::{claimed, push_data};
use super::{bytes, ports, ByteRange, Interest, Packet, Transport, Value};
use crate::registry::{id, FieldId};
use std::fmt::Write;
use std::net::IpAddr;

const UDP: FieldId = id("udp");
const SRCPORT: FieldId = id("udp.srcport");
const DSTPORT: FieldId = id("udp.dstport");
const PORT: FieldId = id("udp.port");
const LENGTH: FieldId = id("udp.length");
const CHECKSUM: FieldId = id("udp.checksum");
const CHECKSUM_STATUS: FieldId = id("udp.checksum.status");
const PAYLOAD: FieldId = id("udp.payload");
const LENGTH_BAD: FieldId = id("udp.length.bad");
const EXPERT: FieldId = id("_ws.expert");
const MALFORMED: FieldId = id("_ws.malformed");
const SHORT: FieldId = id("_ws.short");

/// Dissect a UDP datagram (`segment` = header + payload, already bounded by the IP length).
pub fn dissect(p: &mut Packet, interest: &Interest, src: IpAddr, dst: IpAddr, segment: ByteRange) {
    let mut hdr = [0u8; 8];
    let avail = {
        let bytes = p.bytes(segment);
        for (h, b) in hdr.iter_mut().zip(bytes) {
            *h = *b;
        }
        bytes.len()
    };
    let field = |off: usize, len: usize| ByteRange {
        source: segment.source,
        start: segment.start + off as u32,
        len: len as u32,
    };
    // Constant offsets within the 8-byte copy: never `None`.
    let be16 = |o: usize| bytes::be16(&hdr, o).unwrap_or(0);
    // The item is created 8 bytes long; `udp contains` searches the payload too.
    p.begin_layer_in(
        UDP,
        field(0, avail.min(8)),
        field(0, avail.min(8)),
        field(0, avail),
    );
    if p.want_columns {
        p.columns.protocol = "UDP";
        p.columns.info.clear();
    }
    if avail < 8 {
        let short = p.info.cap_len < p.info.len;
        p.begin_layer(if short { SHORT } else { MALFORMED }, ByteRange::EMPTY);
        return;
    }
    let (sport, dport, length) = (be16(0), be16(2), be16(4));
    p.add(interest, SRCPORT, Value::UInt(sport.into()), field(0, 2));
    p.add(interest, DSTPORT, Value::UInt(dport.into()), field(2, 2));
    p.add_hidden(interest, PORT, Value::UInt(sport.into()), field(0, 2));
    p.add_hidden(interest, PORT, Value::UInt(dport.into()), field(2, 2));
    p.add(interest, LENGTH, Value::UInt(length.into()), field(4, 2));
    // A length field beyond the IP payload is bad; tshark then uses what is there.
    let payload_len = if usize::from(length) >= 8 && usize::from(length) <= avail {
        usize::from(length) - 8
    } else {
        if usize::from(length) > avail || length < 8 {
            p.enter();
            p.add(interest, EXPERT, Value::Protocol(field(4, 2)), field(4, 2));
            p.enter();
            p.add(interest, LENGTH_BAD, Value::None, ByteRange::EMPTY);
            p.leave();
            p.leave();
        }
        avail - 8
    };
    p.add(interest, CHECKSUM, Value::UInt(be16(6).into()), field(6, 2));
    // 2 = "Unverified": tshark does not check UDP checksums by default; 3 = "Not present"
    // (a zero checksum over IPv4).
    let status = if be16(6) == 0 && src.is_ipv4() { 3 } else { 2 };
    p.add(
        interest,
        CHECKSUM_STATUS,
        Value::UInt(status),
        ByteRange {
            len: 0,
            ..field(6, 0)
        },
    );
    let insert_at = p.items.len();
    let payload = field(8, payload_len);
    if payload_len > 0 {
        p.add(interest, PAYLOAD, Value::Bytes(payload), payload);
    }
    if p.want_columns {
        let _ = write!(p.columns.info, "{sport} → {dport} Len={payload_len}");
    }
    p.transport = Some(Transport {
        src,
        dst,
        src_port: sport,
        dst_port: dport,
        tcp: None,
        payload,
        insert_at,
    });
    if payload_len > 0 && !claimed(ports::UDP_PORTS, sport, dport) {
        push_data(p, interest, payload);
    }
}
