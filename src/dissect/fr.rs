//! Frame Relay (`LINKTYPE_FRELAY`) with RFC 2427 / FRF.3.2 multiprotocol encapsulation: a 2- to
//! 4-byte address holding the DLCI, the UI control byte, optional padding, then an NLPID that is
//! IPv4, IPv6 or SNAP (whose ethertype picks ARP, IP...). Only the `fr` protocol item is
//! registered (no `fr.*` fields in wiresift).

use super::stateless::{self, Buf};
use super::{ip, ipv6, llc};
use super::{Interest, Packet};
use crate::registry::{self, FieldId};

const FR: FieldId = registry::id("fr");

/// Unnumbered information, the only control value that carries multiprotocol data.
const CONTROL_UI: u8 = 0x03;
const NLPID_SNAP: u8 = 0x80;
const NLPID_IP: u8 = 0xcc;
const NLPID_IP6: u8 = 0x8e;

/// Dissect a Frame Relay frame (`buf` is the whole frame).
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf) {
    // The address ends at the first octet with the EA bit set (2 to 4 octets).
    let addr_len = (0..4)
        .find(|&i| buf.u8(i).is_some_and(|b| b & 0x01 != 0))
        .map(|i| i + 1)
        .filter(|&n| n >= 2);
    let (Some(addr_len), Some(control)) = (addr_len, addr_len.and_then(|n| buf.u8(n))) else {
        p.begin_layer(FR, buf.whole());
        stateless::truncated(p, interest, buf.whole());
        return;
    };
    let mut off = addr_len + 1;
    if control != CONTROL_UI {
        let r = buf.range(0, off);
        p.begin_layer_in(FR, r, r, buf.whole());
        stateless::data(p, interest, buf.tail(off));
        return;
    }
    // One zero octet of padding may precede the NLPID (RFC 2427 section 4).
    if buf.u8(off) == Some(0) {
        off += 1;
    }
    let nlpid = buf.u8(off);
    let hdr_len = match nlpid {
        Some(NLPID_SNAP) => off + 6,
        _ => off + 1,
    };
    let r = buf.range(0, hdr_len);
    p.begin_layer_in(FR, r, r, buf.whole());
    if buf.len() < hdr_len {
        stateless::truncated(p, interest, buf.tail(addr_len).whole());
        return;
    }
    let payload = buf.tail(hdr_len);
    match nlpid {
        Some(NLPID_SNAP) => match (buf.be24(off + 1), buf.be16(off + 4)) {
            (Some(oui), Some(pid)) => llc::snap_payload(p, interest, oui, pid, payload),
            _ => stateless::truncated(p, interest, buf.tail(off).whole()),
        },
        Some(NLPID_IP) => {
            ip::dissect(p, interest, payload);
        }
        Some(NLPID_IP6) => {
            ipv6::dissect(p, interest, payload);
        }
        _ => stateless::data(p, interest, payload),
    }
}
