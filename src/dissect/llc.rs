//! IEEE 802.2 Logical-Link Control with the SNAP extension (RFC 1042): the header that Token Ring
//! (and 802.3, Frame Relay's SNAP NLPID) put before a network protocol. Only the `llc` protocol
//! item is registered (wiresift has no `llc.*` fields); a SNAP header with an Ethernet OUI hands its
//! payload to the ethertype's dissector directly, as Wireshark does (no `ethertype` layer).

use super::stateless::{self, Buf};
use super::{arp, ip, ipv6};
use super::{Interest, Packet};
use crate::registry::{self, FieldId};

const LLC: FieldId = registry::id("llc");

const SAP_SNAP: u8 = 0xaa;
const SAP_IP: u8 = 0x06;
/// Organization codes whose protocol id is an ethertype: RFC 1042 encapsulation and Cisco's.
const OUI_ENCAP_ETHER: u32 = 0x00_0000;
const OUI_CISCO_90: u32 = 0x00_00f8;

/// Dissect an LLC header and what it carries (`buf` starts at the DSAP).
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf) {
    let (Some(dsap), Some(ssap), Some(control)) = (buf.u8(0), buf.u8(1), buf.u8(2)) else {
        p.begin_layer(LLC, buf.whole());
        stateless::truncated(p, interest, buf.whole());
        return;
    };
    // U frames have a 1-byte control field; I and S frames the 2-byte extended one.
    let control_len = if control & 0x03 == 0x03 { 1 } else { 2 };
    // Information (I) or unnumbered information (UI, any poll bit): these carry a payload.
    let information = control & 0x01 == 0 || control & 0xef == 0x03;
    let hdr = 2 + control_len;
    if dsap & 0xfe == SAP_SNAP && ssap & 0xfe == SAP_SNAP {
        let r = buf.range(0, hdr + 5);
        p.begin_layer_in(LLC, r, r, buf.whole());
        let (Some(oui), Some(pid)) = (buf.be24(hdr), buf.be16(hdr + 3)) else {
            stateless::truncated(p, interest, buf.tail(hdr).whole());
            return;
        };
        let payload = buf.tail(hdr + 5);
        if information {
            snap_payload(p, interest, oui, pid, payload);
        } else {
            stateless::data(p, interest, payload);
        }
        return;
    }
    let r = buf.range(0, hdr);
    p.begin_layer_in(LLC, r, r, buf.whole());
    if buf.len() < hdr {
        stateless::truncated(p, interest, buf.whole());
        return;
    }
    let payload = buf.tail(hdr);
    match dsap & 0xfe {
        SAP_IP if information => {
            ip::dissect(p, interest, payload);
        }
        _ => stateless::data(p, interest, payload),
    }
}

/// The protocol after a SNAP header: an ethertype under the Ethernet OUIs, else undissected.
pub(crate) fn snap_payload(p: &mut Packet, interest: &Interest, oui: u32, pid: u16, payload: Buf) {
    if !matches!(oui, OUI_ENCAP_ETHER | OUI_CISCO_90) {
        stateless::data(p, interest, payload);
        return;
    }
    match pid {
        0x0800 => {
            ip::dissect(p, interest, payload);
        }
        0x86dd => {
            ipv6::dissect(p, interest, payload);
        }
        0x0806 | 0x8035 => {
            arp::dissect(p, interest, payload, pid);
        }
        _ => stateless::data(p, interest, payload),
    }
}
