//! Dissection: frame bytes → values, one module per protocol.
//!
//! A dissector reads a layer's header through etherparse's slices where they fit, and pushes
//! the layer's fields onto a [`Packet`] as [`Item`]s, in tree order, with Wireshark's names
//! (the registry tables in [`fields`]). Values borrow nothing: byte and string values are
//! [`ByteRange`]s into the frame or into the packet's `extra` buffer (reassembled or derived
//! bytes), so a `Packet` is reused from frame to frame without allocating.
//! A dissector pushes only what the filter needs ([`Interest`]); protocols are always pushed.

pub mod arp;
pub mod bytes;
pub mod conversation;
pub mod display;
pub mod eth;
pub mod fields;
pub mod fr;
pub mod frame;
pub mod icmp;
pub mod icmp_tracker;
pub mod icmpv6;
pub mod imf;
pub mod ip;
pub mod ip_reassembly;
pub mod ipv6;
pub mod llc;
pub mod null;
pub mod ports;
pub mod reassembly;
pub mod sll;
pub mod smtp;
pub mod stateless;
pub mod tcp;
pub mod tr;
pub mod udp;
pub mod vlan;

pub use stateless::{dissect_frame, finish_protocols, FrameTimes};

use crate::registry::FieldId;

/// `pair[1]` if `second`, else `pair[0]`: one of a connection's two directions or ends.
/// Constant indices into a pair, so it cannot panic.
#[inline]
pub fn side<T>(pair: &[T; 2], second: bool) -> &T {
    if second {
        &pair[1]
    } else {
        &pair[0]
    }
}

/// [`side`], mutable.
#[inline]
pub fn side_mut<T>(pair: &mut [T; 2], second: bool) -> &mut T {
    if second {
        &mut pair[1]
    } else {
        &mut pair[0]
    }
}

/// `(side_mut(pair, second), the other side)`.
#[inline]
pub fn sides_mut<T>(pair: &mut [T; 2], second: bool) -> (&mut T, &mut T) {
    let [a, b] = pair;
    if second {
        (b, a)
    } else {
        (a, b)
    }
}

/// Where a byte value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// The captured frame's bytes.
    Frame,
    /// The packet's `extra` buffer: reassembled data and derived strings.
    Extra,
}

/// A run of bytes in one of the packet's sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ByteRange {
    pub source: Source,
    pub start: u32,
    pub len: u32,
}

impl ByteRange {
    pub const EMPTY: ByteRange = ByteRange {
        source: Source::Frame,
        start: 0,
        len: 0,
    };

    pub fn frame(start: usize, len: usize) -> ByteRange {
        ByteRange {
            source: Source::Frame,
            start: start as u32,
            len: len as u32,
        }
    }
    pub fn extra(start: usize, len: usize) -> ByteRange {
        ByteRange {
            source: Source::Extra,
            start: start as u32,
            len: len as u32,
        }
    }
    pub fn end(&self) -> usize {
        self.start as usize + self.len as usize
    }
}

/// A value extracted from a packet (the left-hand side of a comparison).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// FT_NONE: a label that is present.
    None,
    Bool(bool),
    /// FT_UINT*, FT_CHAR, FT_FRAMENUM, FT_IPXNET.
    UInt(u64),
    /// FT_INT*.
    Int(i64),
    /// FT_FLOAT, FT_DOUBLE.
    Float(f64),
    Ipv4(u32),
    Ipv6(u128),
    Ether([u8; 6]),
    Eui64(u64),
    /// FT_ABSOLUTE_TIME: nanoseconds since the Unix epoch.
    AbsTime(i64),
    /// FT_RELATIVE_TIME: nanoseconds.
    RelTime(i64),
    /// FT_BYTES and other byte sequences (FT_UINT_BYTES, FT_AX25, ...).
    Bytes(ByteRange),
    /// Strings: the raw bytes (usually UTF-8; Wireshark compares bytes).
    Str(ByteRange),
    /// FT_PROTOCOL: the bytes the protocol spans.
    Protocol(ByteRange),
}

/// One entry of the dissection tree (Wireshark's `field_info`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Item {
    pub field: FieldId,
    pub value: Value,
    /// Protocol-instance number of the layer this item belongs to, from 1 (`ip.addr#2`).
    pub layer: u16,
    /// Depth in the details tree (0 = a protocol line).
    pub depth: u8,
    /// Hidden items (`ip.addr`, `tcp.port`, `smtp.req`) filter but are not shown.
    pub hidden: bool,
    /// Where the item lies in the packet's bytes (for `--hex`, slices of protocols, and `@`).
    pub pos: ByteRange,
}

/// Which fields a consumer needs. Dissectors skip work for the others.
#[derive(Clone, Debug, Default)]
pub struct Interest {
    all: bool,
    bits: Vec<u64>,
    /// Protocols with at least one field (or themselves) wanted, so a dissector can skip a run of
    /// `wants` checks at once.
    protocols: Vec<u64>,
}

fn set_bit(bits: &mut Vec<u64>, i: usize) {
    if bits.len() <= i / 64 {
        bits.resize(i / 64 + 1, 0);
    }
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

#[inline]
fn get_bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

fn union_bits(a: &mut Vec<u64>, b: &[u64]) {
    if a.len() < b.len() {
        a.resize(b.len(), 0);
    }
    for (x, y) in a.iter_mut().zip(b) {
        *x |= y;
    }
}

impl Interest {
    /// Everything: for the details tree and field output.
    pub fn all() -> Interest {
        Interest {
            all: true,
            ..Interest::default()
        }
    }
    pub fn none() -> Interest {
        Interest::default()
    }
    pub fn add(&mut self, f: FieldId) {
        set_bit(&mut self.bits, f.index());
        if let Some(proto) = crate::registry::lookup(crate::registry::def(f).protocol()) {
            set_bit(&mut self.protocols, proto.index());
        }
    }
    pub fn union(&mut self, other: &Interest) {
        self.all |= other.all;
        union_bits(&mut self.bits, &other.bits);
        union_bits(&mut self.protocols, &other.protocols);
    }
    /// Whether any field named after protocol `proto` (`eth.*`), or `proto` itself, is wanted.
    #[inline]
    pub fn wants_in(&self, proto: FieldId) -> bool {
        self.all || get_bit(&self.protocols, proto.index())
    }
    #[inline]
    pub fn wants(&self, f: FieldId) -> bool {
        self.all || get_bit(&self.bits, f.index())
    }
    pub fn is_all(&self) -> bool {
        self.all
    }
    pub fn fields(&self) -> impl Iterator<Item = FieldId> + '_ {
        self.bits.iter().enumerate().flat_map(|(w, bits)| {
            (0..64)
                .filter(move |b| bits & (1u64 << b) != 0)
                .map(move |b| FieldId((w * 64 + b) as u16))
        })
    }
}

/// What the capture says about a frame, before any dissection.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameInfo {
    /// 1-based, per file, as tshark numbers frames.
    pub number: u32,
    /// Capture time, nanoseconds since the Unix epoch.
    pub time_ns: i64,
    /// Original length on the wire.
    pub len: u32,
    /// Bytes captured (`frame.cap_len`).
    pub cap_len: u32,
    /// The pcapng interface within the section (`frame.interface_id`).
    pub interface_id: u32,
    /// Whether `interface_id` is shown: pcapng packets only, not pcap files (wiretap's
    /// `WTAP_HAS_INTERFACE_ID`).
    pub has_interface_id: bool,
    /// Whether the record has a timestamp (wiretap's `WTAP_HAS_TS`; not a pcapng simple packet
    /// block): without one there are no `frame.time*` fields.
    pub has_ts: bool,
    /// The link type (LINKTYPE_*) of the frame's interface.
    pub link_type: u32,
}

/// The packet-list columns tshark prints by default (besides No., Time and Length).
/// Filled only when [`Packet::want_columns`] is set, so filtering alone never formats text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Columns {
    /// `Source`: the deepest layer's source address as tshark shows it (`127.0.0.1`, `00:11:22:...`).
    pub src: String,
    /// `Destination`.
    pub dst: String,
    /// `Protocol`: the top protocol's short name (`TCP`, `SMTP`, `ARP`).
    pub protocol: &'static str,
    /// `Info`, as tshark writes it (`58998 → 25 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 ...`).
    pub info: String,
}

impl Columns {
    pub fn clear(&mut self) {
        self.src.clear();
        self.dst.clear();
        self.protocol = "";
        self.info.clear();
    }
}

/// The reusable allocations of a [`Packet`].
#[derive(Debug, Default)]
pub struct Buffers {
    items: Vec<Item>,
    extra: Vec<u8>,
    protocols: Vec<FieldId>,
    layers: Vec<(FieldId, u16)>,
    layer_tvbs: Vec<(FieldId, u16, ByteRange)>,
    columns: Columns,
}

/// One frame being dissected: its bytes, the items found, and scratch for derived bytes.
/// Reused across frames (`clear`) so that steady-state dissection does not allocate.
#[derive(Debug, Default)]
pub struct Packet<'a> {
    pub info: FrameInfo,
    pub data: &'a [u8],
    /// Reassembled payloads and derived strings; [`Source::Extra`] ranges index it.
    pub extra: Vec<u8>,
    pub items: Vec<Item>,
    /// Whether dissectors should fill [`Packet::columns`].
    pub want_columns: bool,
    pub columns: Columns,
    /// Set by the TCP/UDP dissectors for the stateful pass.
    pub transport: Option<Transport>,
    /// Set by the IPv4 dissector when the frame is a fragment.
    pub fragment: Option<Ipv4Fragment>,
    /// Every protocol layer in the order it was dissected, for `frame.protocols`; includes layers
    /// that put no item in the tree (`ethertype`), see [`Packet::note_layer`].
    pub protocols: Vec<FieldId>,
    /// Where each protocol layer's tvb ends when it reaches past the layer's value (Wireshark's
    /// FT_PROTOCOL: `tcp contains "x"` searches the payload too, while `len(ip)` is 20); see
    /// [`Packet::begin_layer_in`] and [`Packet::protocol_tvb`].
    pub layer_tvbs: Vec<(FieldId, u16, ByteRange)>,
    /// Set by IP around a call to the TCP/UDP dissector when the capture cut the segment short:
    /// its length on the wire, from the IP header (`tcp.len` is computed from it, as tshark does).
    pub reported_segment_len: Option<u32>,
    /// Set by the ICMP dissector on an echo request or reply, for [`icmp_tracker`].
    pub icmp_echo: Option<icmp_tracker::IcmpEcho>,
    depth: u8,
    layer: u16,
    /// Protocol instances seen so far: (protocol field, count).
    layers: Vec<(FieldId, u16)>,
}

impl<'a> Packet<'a> {
    pub fn new() -> Packet<'a> {
        Packet::default()
    }

    /// A packet that reuses buffers from an earlier one (see [`Packet::into_buffers`]).
    pub fn with_buffers(buffers: Buffers) -> Packet<'a> {
        Packet {
            items: buffers.items,
            extra: buffers.extra,
            protocols: buffers.protocols,
            layers: buffers.layers,
            layer_tvbs: buffers.layer_tvbs,
            columns: buffers.columns,
            ..Packet::default()
        }
    }

    /// Give the buffers back for reuse by another packet: keeps steady-state dissection free of allocation
    /// even though packets borrow frames from a batch that changes.
    pub fn into_buffers(self) -> Buffers {
        Buffers {
            items: self.items,
            extra: self.extra,
            protocols: self.protocols,
            layers: self.layers,
            layer_tvbs: self.layer_tvbs,
            columns: self.columns,
        }
    }

    /// Start over with another frame, keeping the buffers.
    pub fn reset(&mut self, info: FrameInfo, data: &'a [u8]) {
        self.info = info;
        self.data = data;
        self.extra.clear();
        self.items.clear();
        self.columns.clear();
        self.transport = None;
        self.fragment = None;
        self.protocols.clear();
        self.layer_tvbs.clear();
        self.reported_segment_len = None;
        self.icmp_echo = None;
        self.depth = 0;
        self.layer = 1;
        self.layers.clear();
    }

    /// The bytes of a range (empty if the range is out of bounds).
    #[inline]
    pub fn bytes(&self, r: ByteRange) -> &[u8] {
        let src: &[u8] = match r.source {
            Source::Frame => self.data,
            Source::Extra => &self.extra,
        };
        src.get(r.start as usize..r.end()).unwrap_or(&[])
    }

    /// Append derived bytes to `extra`, returning their range.
    pub fn add_extra(&mut self, bytes: &[u8]) -> ByteRange {
        let start = self.extra.len();
        self.extra.extend_from_slice(bytes);
        ByteRange::extra(start, bytes.len())
    }

    /// Open a protocol layer: pushes the protocol item at depth 0 and makes later items belong to
    /// this instance of the protocol (the `#N` of `ip.addr#2`).
    pub fn begin_layer(&mut self, proto: FieldId, pos: ByteRange) -> usize {
        let n = match self.layers.iter_mut().find(|(p, _)| *p == proto) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.layers.push((proto, 1));
                1
            }
        };
        self.layer = n;
        self.depth = 0;
        self.protocols.push(proto);
        self.items.push(Item {
            field: proto,
            value: Value::Protocol(pos),
            layer: n,
            depth: 0,
            hidden: false,
            pos,
        });
        self.depth = 1;
        self.items.len() - 1
    }

    /// Add a field after the fact (by a stateful pass) at the end of the subtree of the protocol
    /// item at `layer_at`, one level below it; keeps [`Transport::insert_at`] pointing where it did.
    pub fn append_to_layer(&mut self, layer_at: usize, field: FieldId, value: Value) {
        let layer = self.items.get(layer_at).map_or(1, |i| i.layer);
        let at = self
            .items
            .iter()
            .skip(layer_at + 1)
            .position(|i| i.depth == 0)
            .map_or(self.items.len(), |n| layer_at + 1 + n);
        self.items.insert(
            at,
            Item {
                field,
                value,
                layer,
                depth: 1,
                hidden: false,
                pos: ByteRange::EMPTY,
            },
        );
        if let Some(t) = self.transport.as_mut() {
            if t.insert_at >= at {
                t.insert_at += 1;
            }
        }
    }

    /// Open a protocol layer whose value differs from its tree extent, as in Wireshark: `pos` is
    /// what the tree shows (the header), `value` what `==`, slices and `len()` see (the length the
    /// protocol item was created with: `ip` 20 bytes, `tcp` the whole segment), and `tvb` what
    /// `contains` and `matches` search (the protocol's buffer to its end).
    pub fn begin_layer_in(
        &mut self,
        proto: FieldId,
        pos: ByteRange,
        value: ByteRange,
        tvb: ByteRange,
    ) -> usize {
        let at = self.begin_layer(proto, pos);
        if let Some(item) = self.items.get_mut(at) {
            item.value = Value::Protocol(value);
        }
        if tvb != value {
            self.layer_tvbs.push((proto, self.layer, tvb));
        }
        at
    }

    /// Change the extents of the protocol item at `at` (opened by [`Packet::begin_layer`]) once
    /// they are known, as [`Packet::begin_layer_in`] sets them.
    pub fn set_layer_extent(
        &mut self,
        at: usize,
        pos: ByteRange,
        value: ByteRange,
        tvb: ByteRange,
    ) {
        let Some(item) = self.items.get_mut(at) else {
            return;
        };
        item.pos = pos;
        item.value = Value::Protocol(value);
        let key = (item.field, item.layer);
        self.layer_tvbs.retain(|(f, l, _)| (*f, *l) != key);
        if tvb != value {
            self.layer_tvbs.push((key.0, key.1, tvb));
        }
    }

    /// The bytes a protocol item's `contains`/`matches` search: its tvb, else its value.
    pub fn protocol_tvb(&self, item: &Item) -> Option<ByteRange> {
        let Value::Protocol(value) = item.value else {
            return None;
        };
        Some(
            self.layer_tvbs
                .iter()
                .find(|(f, l, _)| *f == item.field && *l == item.layer)
                .map_or(value, |(_, _, t)| *t),
        )
    }

    /// Record a layer that Wireshark lists in `frame.protocols` without a tree item (`ethertype`).
    pub fn note_layer(&mut self, proto: FieldId) {
        self.protocols.push(proto);
    }

    /// The current nesting depth (to restore it after a sub-dissector).
    pub fn depth(&self) -> u8 {
        self.depth
    }

    /// Set the nesting depth and the layer instance back (after dissecting an embedded packet).
    pub fn restore(&mut self, depth: u8, layer: u16) {
        self.depth = depth;
        self.layer = layer;
    }

    /// The instance number of the layer items are currently added to.
    pub fn current_layer(&self) -> u16 {
        self.layer
    }

    /// The number of instances of a protocol seen so far.
    pub fn layer_count(&self, proto: FieldId) -> u16 {
        self.layers
            .iter()
            .find(|(p, _)| *p == proto)
            .map_or(0, |(_, n)| *n)
    }

    #[inline]
    fn push_item(&mut self, field: FieldId, value: Value, pos: ByteRange, hidden: bool) {
        self.items.push(Item {
            field,
            value,
            layer: self.layer,
            depth: self.depth,
            hidden,
            pos,
        });
    }

    /// Add a field (skipped when nobody asked for it).
    #[inline]
    pub fn add(&mut self, interest: &Interest, field: FieldId, value: Value, pos: ByteRange) {
        if interest.wants(field) {
            self.push_item(field, value, pos, false);
        }
    }

    /// Add a hidden field (filterable, not shown in the tree).
    #[inline]
    pub fn add_hidden(
        &mut self,
        interest: &Interest,
        field: FieldId,
        value: Value,
        pos: ByteRange,
    ) {
        if interest.wants(field) {
            self.push_item(field, value, pos, true);
        }
    }

    /// Subsequent items are children of the last one, until [`Packet::leave`].
    pub fn enter(&mut self) {
        self.depth = self.depth.saturating_add(1);
    }
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// All occurrences of a field, in tree order.
    #[inline]
    pub fn values(&self, field: FieldId) -> impl Iterator<Item = &Item> + '_ {
        self.items.iter().filter(move |i| i.field == field)
    }

    /// The first occurrence of a field.
    pub fn first(&self, field: FieldId) -> Option<&Item> {
        self.items.iter().find(|i| i.field == field)
    }

    pub fn has(&self, field: FieldId) -> bool {
        self.items.iter().any(|i| i.field == field)
    }
}

/// What the stateless pass learned about a frame's transport layer, for the stateful pass
/// (conversations, relative sequence numbers, reassembly) and the packet list.
/// Filled whatever the interest, because flow state must see every segment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transport {
    pub src: std::net::IpAddr,
    pub dst: std::net::IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    /// Present for TCP, absent for UDP.
    pub tcp: Option<TcpSegment>,
    /// The transport payload.
    pub payload: ByteRange,
    /// Index in [`Packet::items`] where the stateful fields of this layer belong
    /// (`tcp.stream` after the ports, as in Wireshark's tree).
    pub insert_at: usize,
}

/// The raw TCP header facts the stateful pass needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpSegment {
    pub seq: u32,
    pub ack: u32,
    /// The 12 flag bits (NS..FIN), as `tcp.flags`.
    pub flags: u16,
    pub window: u16,
    pub header_len: u8,
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_perm: bool,
    /// TSval, TSecr.
    pub timestamps: Option<(u32, u32)>,
}

/// An IPv4 fragment (MF set or offset > 0), left for the stateful pass to reassemble.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4Fragment {
    pub src: u32,
    pub dst: u32,
    pub id: u16,
    pub protocol: u8,
    /// In bytes.
    pub offset: u32,
    pub more: bool,
    pub payload: ByteRange,
}
