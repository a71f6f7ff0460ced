//! The `frame` layer: what the capture file says about a record (number, times, lengths), before
//! any protocol is read. `frame.protocols` is derived last, from the layers the others pushed.

use super::stateless::FrameTimes;
use super::{ByteRange, Interest, Item, Packet, Value};
use crate::registry::{self, FieldId};

const FRAME: FieldId = registry::id("frame");
const INTERFACE_ID: FieldId = registry::id("frame.interface_id");
const ENCAP_TYPE: FieldId = registry::id("frame.encap_type");
const TIME: FieldId = registry::id("frame.time");
const OFFSET_SHIFT: FieldId = registry::id("frame.offset_shift");
const TIME_EPOCH: FieldId = registry::id("frame.time_epoch");
const TIME_DELTA: FieldId = registry::id("frame.time_delta");
const TIME_DELTA_DISPLAYED: FieldId = registry::id("frame.time_delta_displayed");
const TIME_RELATIVE: FieldId = registry::id("frame.time_relative");
const NUMBER: FieldId = registry::id("frame.number");
const LEN: FieldId = registry::id("frame.len");
const CAP_LEN: FieldId = registry::id("frame.cap_len");
const MARKED: FieldId = registry::id("frame.marked");
const IGNORED: FieldId = registry::id("frame.ignored");
const PROTOCOLS: FieldId = registry::id("frame.protocols");

/// Wireshark's `WTAP_ENCAP_*` number for a capture link type (`LINKTYPE_*`), as `frame.encap_type`.
pub fn encap_type(link_type: u32) -> i64 {
    match link_type {
        0 => 15,            // NULL
        1 => 1,             // ETHERNET
        6 => 2,             // IEEE802_5 (Token Ring)
        12 | 14 | 101 => 7, // RAW IP
        107 => 26,          // FRELAY
        108 => 15,          // LOOP (OpenBSD loopback: NULL with a big-endian family)
        113 => 25,          // LINUX_SLL
        228 => 129,         // IPV4
        229 => 130,         // IPV6
        253 => 158,         // NETLINK
        276 => 210,         // LINUX_SLL2
        _ => -1,            // UNKNOWN
    }
}

/// Push the `frame` layer and its fields (all but `frame.protocols`).
pub fn dissect(p: &mut Packet, interest: &Interest, times: &FrameTimes) {
    let whole = ByteRange::frame(0, p.data.len());
    let none = ByteRange::frame(0, 0);
    let info = p.info;
    p.begin_layer(FRAME, whole);
    if !interest.wants_in(FRAME) {
        return;
    }
    if info.has_interface_id {
        let id = Value::UInt(u64::from(info.interface_id));
        p.add(interest, INTERFACE_ID, id, none);
    }
    p.add(
        interest,
        ENCAP_TYPE,
        Value::Int(encap_type(info.link_type)),
        none,
    );
    // A record without a timestamp (pcapng simple packet block) has no time fields at all.
    if info.has_ts {
        p.add(interest, TIME, Value::AbsTime(info.time_ns), none);
        p.add(interest, OFFSET_SHIFT, Value::RelTime(0), none);
        p.add(interest, TIME_EPOCH, Value::RelTime(info.time_ns), none);
        let delta = info.time_ns.saturating_sub(times.prev_ns);
        let delta_displayed = info.time_ns.saturating_sub(times.prev_displayed_ns);
        let relative = info.time_ns.saturating_sub(times.first_ns);
        p.add(interest, TIME_DELTA, Value::RelTime(delta), none);
        p.add(
            interest,
            TIME_DELTA_DISPLAYED,
            Value::RelTime(delta_displayed),
            none,
        );
        p.add(interest, TIME_RELATIVE, Value::RelTime(relative), none);
    }
    p.add(interest, NUMBER, Value::UInt(info.number as u64), none);
    p.add(interest, LEN, Value::UInt(info.len as u64), none);
    p.add(interest, CAP_LEN, Value::UInt(info.cap_len as u64), none);
    p.add(interest, MARKED, Value::Bool(false), none);
    p.add(interest, IGNORED, Value::Bool(false), none);
}

/// Build `frame.protocols` ("eth:ethertype:ip:tcp") from the protocol layers pushed so far and put it
/// at its place in the frame subtree (after `frame.ignored`). Idempotent: a second call (after the
/// stateful pass added layers such as `smtp`) replaces the earlier value.
pub fn finish_protocols(p: &mut Packet, interest: &Interest) {
    if !interest.wants(PROTOCOLS) {
        return;
    }
    let mut text = String::new();
    for proto in p.protocols.iter() {
        if *proto == FRAME {
            continue;
        }
        let abbrev = proto.def().abbrev;
        if abbrev.starts_with("_ws") {
            continue;
        }
        if !text.is_empty() {
            text.push(':');
        }
        text.push_str(abbrev);
    }
    let range = p.add_extra(text.as_bytes());
    if let Some(existing) = p.items.iter_mut().find(|i| i.field == PROTOCOLS) {
        existing.value = Value::Str(range);
        return;
    }
    // The frame subtree ends at the next depth-0 item.
    let frame_at = p.items.iter().position(|i| i.field == FRAME);
    let at = match frame_at {
        Some(f) => p
            .items
            .iter()
            .skip(f + 1)
            .position(|i| i.depth == 0)
            .map_or(p.items.len(), |n| f + 1 + n),
        None => p.items.len(),
    };
    p.items.insert(
        at,
        Item {
            field: PROTOCOLS,
            value: Value::Str(range),
            layer: 1,
            depth: 1,
            hidden: false,
            pos: ByteRange::frame(0, 0),
        },
    );
    if let Some(t) = p.transport.as_mut() {
        if t.insert_at >= at {
            t.insert_at += 1;
        }
    }
}
