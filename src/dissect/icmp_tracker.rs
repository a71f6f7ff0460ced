//! ICMP echo request ↔ reply matching (`icmp.resp_in`, `icmp.resp_to`, `icmp.resptime`), as
//! Wireshark's ICMP dissector tracks them: a reply answers the earlier request between the same
//! two addresses with the same identifier, sequence number and checksum (the reply's checksum
//! adjusted for the type that differs by 8).
//!
//! Called on every frame in frame order after the stateless pass. `icmp.resp_in` names a later
//! frame, so it needs two passes (tshark `-2`): run [`IcmpTracker::process`] over the whole file
//! once, then in pass 2 give the pass-1 tracker to [`IcmpTracker::annotate`].

use super::{Interest, Packet, Value};
use crate::registry::{self, FieldId};
use std::collections::HashMap;
use std::net::IpAddr;

const ICMP: FieldId = registry::id("icmp");
const RESP_IN: FieldId = registry::id("icmp.resp_in");
const RESP_TO: FieldId = registry::id("icmp.resp_to");
const RESPTIME: FieldId = registry::id("icmp.resptime");

/// What the stateless ICMP dissector notes about an echo request or reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IcmpEcho {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub reply: bool,
    pub ident: u16,
    pub seq: u16,
    pub checksum: u16,
}

/// (lower address, higher address, ident, seq, request checksum).
type Key = (IpAddr, IpAddr, u16, u16, u16);

/// Requests waiting for a reply, and the pairs found.
#[derive(Default)]
pub struct IcmpTracker {
    /// Unanswered requests: key → (frame, time).
    pending: HashMap<Key, (u32, i64)>,
    /// request frame → reply frame (complete after pass 1).
    answered: HashMap<u32, u32>,
}

impl IcmpTracker {
    pub fn new() -> IcmpTracker {
        IcmpTracker::default()
    }

    /// Match the frame's echo request or reply (call on every frame, in frame order).
    pub fn process(&mut self, p: &mut Packet, interest: &Interest) {
        let Some(echo) = p.icmp_echo else {
            return;
        };
        let (a, b) = if echo.src <= echo.dst {
            (echo.src, echo.dst)
        } else {
            (echo.dst, echo.src)
        };
        let frame = p.info.number;
        if !echo.reply {
            self.pending.insert(
                (a, b, echo.ident, echo.seq, echo.checksum),
                (frame, p.info.time_ns),
            );
            return;
        }
        let key = (a, b, echo.ident, echo.seq, request_checksum(echo.checksum));
        let Some((request, t)) = self.pending.remove(&key) else {
            return;
        };
        self.answered.insert(request, frame);
        add(p, interest, RESP_TO, Value::UInt(u64::from(request)));
        let rtt = p.info.time_ns.saturating_sub(t);
        // `icmp.resptime` is in milliseconds (FT_DOUBLE).
        add(p, interest, RESPTIME, Value::Float(rtt as f64 / 1e6));
    }

    /// Pass 2: on an answered request, add `icmp.resp_in` from the pass-1 tracker.
    pub fn annotate(&self, p: &mut Packet, interest: &Interest) {
        if p.icmp_echo.is_none_or(|e| e.reply) {
            return;
        }
        if let Some(reply) = self.answered.get(&p.info.number) {
            add(p, interest, RESP_IN, Value::UInt(u64::from(*reply)));
        }
    }
}

/// The checksum the request had, from its reply's: type 0 instead of 8 adds 0x0800 to the
/// one's-complement checksum (RFC 1624 incremental update).
fn request_checksum(reply: u16) -> u16 {
    let mut sum = u32::from(!reply) + 0x0800;
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Put a field at the end of the (first, outer) ICMP layer's subtree.
fn add(p: &mut Packet, interest: &Interest, field: FieldId, value: Value) {
    if !interest.wants(field) {
        return;
    }
    let Some(at_icmp) = p.items.iter().position(|i| i.field == ICMP && i.depth == 0) else {
        return;
    };
    p.append_to_layer(at_icmp, field, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_checksum_maps_back_to_the_request() {
        // By hand: the reply's sum is the request's minus 0x0800, so its checksum is the
        // request's plus 0x0800 (one's complement).
        assert_eq!(request_checksum(0x1234 + 0x0800), 0x1234);
        // With the end-around carry: 0xfc00 + 0x0800 = 0x10400 → 0x0401.
        assert_eq!(request_checksum(0x0401), 0xfc00);
    }
}
