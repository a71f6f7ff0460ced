//! Ethernet II and 802.3 framing, and the ethertype hand-off shared by Ethernet, VLAN tags and
//! Linux cooked captures, including Wireshark's split of what follows the payload into padding,
//! trailer and FCS.

use super::display::ether_text;
use super::stateless::{self, Buf};
use super::{arp, ip, ipv6, vlan};
use super::{ByteRange, Interest, Packet, Value};
use crate::registry::{self, FieldId};

const ETH: FieldId = registry::id("eth");
const DST: FieldId = registry::id("eth.dst");
const DST_RESOLVED: FieldId = registry::id("eth.dst_resolved");
const DST_OUI: FieldId = registry::id("eth.dst.oui");
const SRC: FieldId = registry::id("eth.src");
const SRC_RESOLVED: FieldId = registry::id("eth.src_resolved");
const SRC_OUI: FieldId = registry::id("eth.src.oui");
const ADDR: FieldId = registry::id("eth.addr");
const ADDR_RESOLVED: FieldId = registry::id("eth.addr_resolved");
const ADDR_OUI: FieldId = registry::id("eth.addr.oui");
const DST_LG: FieldId = registry::id("eth.dst.lg");
const DST_IG: FieldId = registry::id("eth.dst.ig");
const SRC_LG: FieldId = registry::id("eth.src.lg");
const SRC_IG: FieldId = registry::id("eth.src.ig");
const LG: FieldId = registry::id("eth.lg");
const IG: FieldId = registry::id("eth.ig");
const TYPE: FieldId = registry::id("eth.type");
const LEN: FieldId = registry::id("eth.len");
const PADDING: FieldId = registry::id("eth.padding");
const TRAILER: FieldId = registry::id("eth.trailer");
const FCS: FieldId = registry::id("eth.fcs");
const FCS_STATUS: FieldId = registry::id("eth.fcs.status");
const ETHERTYPE: FieldId = registry::id("ethertype");
const IEEE8021AD: FieldId = registry::id("ieee8021ad");
const LLC: FieldId = registry::id("llc");

/// Dissect an Ethernet frame (`buf` is the whole frame).
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf) {
    let hdr = buf.range(0, 14);
    p.begin_layer_in(ETH, hdr, hdr, buf.whole());
    let (Some(dst), Some(src)) = (buf.array::<6>(0), buf.array::<6>(6)) else {
        stateless::truncated(p, interest, buf.whole());
        return;
    };
    address(p, interest, dst, buf.range(0, 6), true);
    address(p, interest, src, buf.range(6, 6), false);
    if p.want_columns {
        p.columns.src = ether_text(&src);
        p.columns.dst = ether_text(&dst);
        p.columns.protocol = "Ethernet";
    }
    let Some(etype) = buf.be16(12) else {
        stateless::truncated(p, interest, buf.tail(12).whole());
        return;
    };
    if etype <= 1500 {
        // IEEE 802.3: a length, then LLC, which wiresift does not dissect.
        p.add(interest, LEN, Value::UInt(etype as u64), buf.range(12, 2));
        let payload = buf.tail(14).truncate(etype as usize);
        p.begin_layer(LLC, payload.whole());
        trailer(p, interest, buf, 14 + payload.len(), TRAILER);
        return;
    }
    p.add(interest, TYPE, Value::UInt(etype as u64), buf.range(12, 2));
    ethertype(p, interest, etype, buf, 14, TRAILER);
}

/// Hand the bytes after an ethertype (at `offset` in `frame`) to the protocol it names, then show
/// what the protocol left over as padding / trailer / FCS.
pub(crate) fn ethertype(
    p: &mut Packet,
    interest: &Interest,
    etype: u16,
    frame: Buf,
    offset: usize,
    trailer_field: FieldId,
) {
    p.note_layer(ETHERTYPE);
    let payload = frame.tail(offset);
    // The trailer belongs to this layer's subtree, before the payload's layers.
    if let Some(used) = payload_len(etype, payload) {
        trailer(
            p,
            interest,
            frame,
            offset.saturating_add(used),
            trailer_field,
        );
    }
    match etype {
        0x0800 => ip::dissect(p, interest, payload),
        0x86dd => ipv6::dissect(p, interest, payload),
        0x0806 | 0x8035 => {
            arp::dissect(p, interest, payload, etype);
        }
        0x8100 | 0x9100 => vlan::dissect(p, interest, frame, offset, VLAN_PROTO),
        0x88a8 => vlan::dissect(p, interest, frame, offset, IEEE8021AD),
        _ => stateless::data(p, interest, payload),
    }
}

/// How many bytes the protocol after the ethertype says it spans (the rest is padding and
/// trailer); `None` when it does not say or cannot be read.
fn payload_len(etype: u16, payload: Buf) -> Option<usize> {
    match etype {
        0x0800 => {
            let b0 = payload.u8(0)?;
            let total = payload.be16(2)? as usize;
            (b0 >> 4 == 4 && total >= (b0 as usize & 0x0f) * 4 && total != 0).then_some(total)
        }
        0x86dd => {
            let plen = payload.be16(4)? as usize;
            (payload.u8(0)? >> 4 == 6 && plen != 0).then_some(40 + plen)
        }
        0x0806 | 0x8035 => {
            let (hln, pln) = (payload.u8(4)? as usize, payload.u8(5)? as usize);
            Some(8 + 2 * (hln + pln))
        }
        _ => None,
    }
}

const VLAN_PROTO: FieldId = registry::id("vlan");

/// The bytes of the frame after `end`: padding up to the 60-byte minimum, an FCS when the frame
/// is big enough to carry one (Wireshark's guess when the capture does not say), the rest a
/// trailer.
fn trailer(p: &mut Packet, interest: &Interest, frame: Buf, end: usize, trailer_field: FieldId) {
    if end >= frame.len() {
        return;
    }
    let reported = p.info.len as usize;
    let captured_trailer = frame.len() - end;
    let reported_trailer = reported.saturating_sub(end);
    let mut trailer_len = captured_trailer;
    let mut fcs = false;
    if reported >= 64 && reported_trailer >= 4 {
        fcs = true;
        if captured_trailer < reported_trailer {
            trailer_len = trailer_len.min(reported_trailer - 4);
        } else {
            trailer_len -= 4;
        }
    }
    let padding_len = 60usize.saturating_sub(end).min(trailer_len);
    if padding_len > 0 {
        let r = frame.range(end, padding_len);
        p.add(interest, PADDING, Value::Bytes(r), r);
    }
    let rest = trailer_len - padding_len;
    if rest > 0 {
        let r = frame.range(end + padding_len, rest);
        p.add(interest, trailer_field, Value::Bytes(r), r);
    }
    if fcs {
        let at = end + trailer_len;
        if let Some(v) = frame.be32(at) {
            let r = frame.range(at, 4);
            p.add(interest, FCS, Value::UInt(v as u64), r);
            p.enter();
            p.add(
                interest,
                FCS_STATUS,
                Value::UInt(2),
                ByteRange { len: 0, ..r },
            );
            p.leave();
        }
    }
}

/// `eth.dst` or `eth.src` with its subtree, and the `eth.addr` twins.
fn address(p: &mut Packet, interest: &Interest, a: [u8; 6], r: ByteRange, is_dst: bool) {
    // Twelve items per address, and most filters want none of them.
    if !interest.wants_in(ETH) {
        return;
    }
    let (field, resolved, oui, lg, ig) = if is_dst {
        (DST, DST_RESOLVED, DST_OUI, DST_LG, DST_IG)
    } else {
        (SRC, SRC_RESOLVED, SRC_OUI, SRC_LG, SRC_IG)
    };
    let oui_value = u32::from_be_bytes([0, a[0], a[1], a[2]]) as u64;
    let oui_range = ByteRange { len: 3, ..r };
    let lg_bit = a[0] & 0x02 != 0;
    let ig_bit = a[0] & 0x01 != 0;
    p.add(interest, field, Value::Ether(a), r);
    p.enter();
    let text = if interest.wants(resolved) || interest.wants(ADDR_RESOLVED) {
        Some(p.add_extra(ether_text(&a).as_bytes()))
    } else {
        None
    };
    if let Some(t) = text {
        p.add_hidden(interest, resolved, Value::Str(t), r);
    }
    p.add_hidden(interest, oui, Value::UInt(oui_value), oui_range);
    p.add(interest, ADDR, Value::Ether(a), r);
    if let Some(t) = text {
        p.add_hidden(interest, ADDR_RESOLVED, Value::Str(t), r);
    }
    p.add_hidden(interest, ADDR_OUI, Value::UInt(oui_value), oui_range);
    p.add(interest, lg, Value::Bool(lg_bit), oui_range);
    p.add_hidden(interest, LG, Value::Bool(lg_bit), oui_range);
    p.add(interest, ig, Value::Bool(ig_bit), oui_range);
    p.add_hidden(interest, IG, Value::Bool(ig_bit), oui_range);
    p.leave();
}

/// An ethertype hand-off where the framing has no padding (loopback, cooked captures).
pub(crate) fn ethertype_no_trailer(p: &mut Packet, interest: &Interest, etype: u16, payload: Buf) {
    p.note_layer(ETHERTYPE);
    match etype {
        0x0800 => {
            ip::dissect(p, interest, payload);
        }
        0x86dd => {
            ipv6::dissect(p, interest, payload);
        }
        0x0806 | 0x8035 => {
            arp::dissect(p, interest, payload, etype);
        }
        0x8100 | 0x9100 => vlan::dissect(p, interest, payload, 0, VLAN_PROTO),
        0x88a8 => vlan::dissect(p, interest, payload, 0, IEEE8021AD),
        _ => stateless::data(p, interest, payload),
    }
}
