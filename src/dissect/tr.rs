//! Token Ring (IEEE 802.5, `LINKTYPE_IEEE802_5`): access and frame control, destination and source
//! addresses, and a routing information field when the source's route bit is set; LLC frames go
//! on to [`super::llc`]. Only the `tr` protocol item is registered (no `tr.*` fields in wiresift).

use super::display::ether_text;
use super::stateless::{self, Buf};
use super::{llc, Interest, Packet};
use crate::registry::{self, FieldId};

const TR: FieldId = registry::id("tr");

/// Frame control's frame-type bits (the top two) for an LLC frame; 0 is a MAC frame.
const FRAME_TYPE_LLC: u8 = 1;

/// Dissect a Token Ring frame (`buf` is the whole frame).
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf) {
    let (Some(fc), Some(dst), Some(mut src)) = (buf.u8(1), buf.array::<6>(2), buf.array::<6>(8))
    else {
        p.begin_layer(TR, buf.whole());
        stateless::truncated(p, interest, buf.whole());
        return;
    };
    // The route bit marks a routing information field, whose first byte holds its length.
    let source_routed = src[0] & 0x80 != 0;
    src[0] &= 0x7f;
    let rif_len = if source_routed {
        buf.u8(14).map(|b| (b & 0x1f) as usize)
    } else {
        Some(0)
    };
    let hdr_len = 14 + rif_len.unwrap_or(0);
    let hdr = buf.range(0, hdr_len);
    p.begin_layer_in(TR, hdr, hdr, buf.whole());
    if p.want_columns {
        p.columns.src = ether_text(&src);
        p.columns.dst = ether_text(&dst);
    }
    if rif_len.is_none() || buf.len() < hdr_len {
        stateless::truncated(p, interest, buf.tail(14).whole());
        return;
    }
    let payload = buf.tail(hdr_len);
    if fc >> 6 == FRAME_TYPE_LLC {
        llc::dissect(p, interest, payload);
    } else {
        stateless::data(p, interest, payload);
    }
}
