//! IEEE 802.1Q VLAN tags (and the 802.1ad service tag of QinQ, which Wireshark names
//! `ieee8021ad` and otherwise reads the same way): priority, DEI, ID, then the inner ethertype.

use super::eth;
use super::stateless::{self, Buf};
use super::{Interest, Packet, Value};
use crate::registry::{self, FieldId};

const VLAN: FieldId = registry::id("vlan");
const PRIORITY: FieldId = registry::id("vlan.priority");
const DEI: FieldId = registry::id("vlan.dei");
const ID: FieldId = registry::id("vlan.id");
const ETYPE: FieldId = registry::id("vlan.etype");
const LEN: FieldId = registry::id("vlan.len");
const TRAILER: FieldId = registry::id("vlan.trailer");

/// Dissect the tag at `offset` in `frame`; `proto` is `vlan` or `ieee8021ad`.
pub fn dissect(p: &mut Packet, interest: &Interest, frame: Buf, offset: usize, proto: FieldId) {
    let tag = frame.tail(offset);
    p.begin_layer_in(proto, tag.range(0, 4), tag.range(0, 4), tag.whole());
    let (Some(tci), Some(etype)) = (tag.be16(0), tag.be16(2)) else {
        stateless::truncated(p, interest, tag.whole());
        return;
    };
    if proto == VLAN {
        let r = tag.range(0, 2);
        p.add(interest, PRIORITY, Value::UInt((tci >> 13) as u64), r);
        p.add(interest, DEI, Value::Bool(tci & 0x1000 != 0), r);
        p.add(interest, ID, Value::UInt((tci & 0x0fff) as u64), r);
        if etype <= 1500 {
            p.add(interest, LEN, Value::UInt(etype as u64), tag.range(2, 2));
            return;
        }
        p.add(interest, ETYPE, Value::UInt(etype as u64), tag.range(2, 2));
    }
    eth::ethertype(p, interest, etype, frame, offset + 4, TRAILER);
}
