//! The stateless pass over one frame: the `frame` layer, then the link layer named by the
//! capture's link type, then network layers down to the transport dissectors. Nothing here
//! remembers anything between frames, so frames can be dissected in parallel; IPv4 fragments
//! are left in [`Packet::fragment`] for [`super::ip_reassembly`].
//!
//! `frame.protocols` is built at the end of [`dissect_frame`]; after the stateful pass has added
//! layers (`smtp`), call [`finish_protocols`] again: it replaces the value in place.

use super::{eth, fr, frame, ip, ipv6, null, sll, tr};
use super::{ByteRange, Interest, Packet, Source, Value};
use crate::registry::{self, FieldId};

/// Times of other frames, for `frame.time_relative`, `frame.time_delta` and
/// `frame.time_delta_displayed` (nanoseconds since the epoch; the engine fills them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameTimes {
    /// The first frame of the capture (or the time reference).
    pub first_ns: i64,
    /// The previous captured frame (this frame's own time for the first frame).
    pub prev_ns: i64,
    /// The previous displayed frame (this frame's own time for the first frame).
    pub prev_displayed_ns: i64,
}

const RAW: FieldId = registry::id("raw");
const DATA: FieldId = registry::id("data");
const DATA_DATA: FieldId = registry::id("data.data");
const DATA_LEN: FieldId = registry::id("data.len");
const WS_MALFORMED: FieldId = registry::id("_ws.malformed");

/// Dissect one frame: `frame`, the link layer and everything below it that is stateless.
/// Ends with [`finish_protocols`].
pub fn dissect_frame(p: &mut Packet, interest: &Interest, times: &FrameTimes) {
    frame::dissect(p, interest, times);
    let data: &[u8] = p.data;
    let buf = Buf::frame(data);
    match p.info.link_type {
        1 => eth::dissect(p, interest, buf),
        6 => tr::dissect(p, interest, buf),
        107 => fr::dissect(p, interest, buf),
        0 | 108 => null::dissect(p, interest, buf),
        113 => sll::dissect_v1(p, interest, buf),
        276 => sll::dissect_v2(p, interest, buf),
        228 => {
            ip::dissect(p, interest, buf);
        }
        229 => {
            ipv6::dissect(p, interest, buf);
        }
        12 | 14 | 101 => raw_ip(p, interest, buf),
        _ => {}
    }
    finish_protocols(p, interest);
}

/// Build or rebuild `frame.protocols` from the layers dissected so far.
pub fn finish_protocols(p: &mut Packet, interest: &Interest) {
    frame::finish_protocols(p, interest);
}

/// Raw IP: the version nibble picks IPv4 or IPv6.
pub(crate) fn raw_ip(p: &mut Packet, interest: &Interest, buf: Buf) {
    p.begin_layer(RAW, buf.whole());
    match buf.u8(0).map(|b| b >> 4) {
        Some(6) => {
            ipv6::dissect(p, interest, buf);
        }
        _ => {
            ip::dissect(p, interest, buf);
        }
    }
}

/// Bytes a dissector reads, with where they lie in the packet (the frame or `extra`).
#[derive(Clone, Copy, Debug)]
pub struct Buf<'b> {
    pub bytes: &'b [u8],
    pub source: Source,
    /// Offset of `bytes[0]` in its source.
    pub base: usize,
}

impl<'b> Buf<'b> {
    pub fn frame(bytes: &'b [u8]) -> Buf<'b> {
        Buf {
            bytes,
            source: Source::Frame,
            base: 0,
        }
    }
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
    pub fn u8(&self, off: usize) -> Option<u8> {
        self.bytes.get(off).copied()
    }
    pub fn be16(&self, off: usize) -> Option<u16> {
        super::bytes::be16(self.bytes, off)
    }
    pub fn be24(&self, off: usize) -> Option<u32> {
        let [a, b, c] = self.array(off)?;
        Some(u32::from_be_bytes([0, a, b, c]))
    }
    pub fn be32(&self, off: usize) -> Option<u32> {
        super::bytes::be32(self.bytes, off)
    }
    pub fn le32(&self, off: usize) -> Option<u32> {
        self.be32(off).map(u32::swap_bytes)
    }
    pub fn array<const N: usize>(&self, off: usize) -> Option<[u8; N]> {
        super::bytes::array(self.bytes, off)
    }
    /// The range `off..off+len` in the packet, clamped to the bytes present.
    pub fn range(&self, off: usize, len: usize) -> ByteRange {
        let start = off.min(self.len());
        let len = len.min(self.len() - start);
        ByteRange {
            source: self.source,
            start: (self.base + start) as u32,
            len: len as u32,
        }
    }
    /// The bytes from `off` to the end (empty past the end).
    pub fn tail(&self, off: usize) -> Buf<'b> {
        let start = off.min(self.len());
        Buf {
            bytes: self.bytes.get(start..).unwrap_or(&[]),
            source: self.source,
            base: self.base + start,
        }
    }
    /// At most `len` bytes.
    pub fn truncate(&self, len: usize) -> Buf<'b> {
        Buf {
            bytes: self.bytes.get(..len).unwrap_or(self.bytes),
            ..*self
        }
    }
    pub fn whole(&self) -> ByteRange {
        self.range(0, self.len())
    }
}

/// Payload no dissector claims: the `data` protocol, as tshark's fallback.
pub(crate) fn data(p: &mut Packet, interest: &Interest, buf: Buf) {
    if buf.is_empty() {
        return;
    }
    let r = buf.whole();
    p.begin_layer(DATA, r);
    p.add(interest, DATA_DATA, Value::Bytes(r), r);
    p.enter();
    p.add(
        interest,
        DATA_LEN,
        Value::Int(buf.len() as i64),
        ByteRange { len: 0, ..r },
    );
    p.leave();
}

/// A header cut short by the end of the captured bytes (tshark: `[Malformed Packet]` or, when the
/// capture was limited, `[Packet size limited during capture]`).
pub(crate) fn truncated(p: &mut Packet, interest: &Interest, at: ByteRange) {
    let limited = p.info.cap_len < p.info.len;
    let field = if limited {
        const { registry::id("_ws.short") }
    } else {
        WS_MALFORMED
    };
    let _ = interest;
    p.begin_layer(field, at);
    if p.want_columns {
        p.columns.info.push_str(if limited {
            "[Packet size limited during capture]"
        } else {
            "[Malformed Packet]"
        });
    }
}

/// An IPv4 or IPv6 address as a `std` address.
pub(crate) fn ipv4(a: u32) -> std::net::IpAddr {
    std::net::IpAddr::V4(std::net::Ipv4Addr::from(a))
}
