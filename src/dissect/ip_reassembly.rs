//! IPv4 defragmentation, as tshark does by default (`ip.defragment: TRUE`).
//!
//! The stateless IPv4 dissector leaves a fragment in [`Packet::fragment`] and dissects nothing
//! after the header. [`Ipv4Reassembly::process`], called on every frame in frame order, then
//! shows a fragment that does not complete its datagram as `data`, and on the frame that
//! completes one copies the datagram to `extra`, adds `ip.fragments` / `ip.fragment` /
//! `ip.fragment.count` / `ip.reassembled.length` and dissects the datagram's payload.
//!
//! Two-pass mode (tshark `-2`): `ip.reassembled_in` and the Info suffix
//! ` [Reassembled in #N]` on the earlier fragments need the whole capture. Run `process` over all
//! frames once (pass 1); in pass 2 run `process` again with a fresh instance and call
//! [`Ipv4Reassembly::annotate`] of the pass-1 instance on each frame (or ask
//! [`Ipv4Reassembly::reassembled_in`]).
//!
//! Memory is bounded: at most `max_bytes` of fragment payload and `max_datagrams` datagrams are
//! held; beyond that the oldest datagram is dropped and counted in `evictions`.

use super::ip::{self, IpContext};
use super::stateless::{self, Buf};
use super::{ByteRange, Interest, Packet, Source, Value};
use crate::registry::{self, FieldId};
use std::collections::HashMap;

const IP: FieldId = registry::id("ip");
const FRAGMENTS: FieldId = registry::id("ip.fragments");
const FRAGMENT: FieldId = registry::id("ip.fragment");
const FRAGMENT_COUNT: FieldId = registry::id("ip.fragment.count");
const REASSEMBLED_LENGTH: FieldId = registry::id("ip.reassembled.length");
const REASSEMBLED_DATA: FieldId = registry::id("ip.reassembled.data");
const REASSEMBLED_IN: FieldId = registry::id("ip.reassembled_in");

/// (source, destination, identification, protocol): what makes fragments one datagram.
type Key = (u32, u32, u16, u8);

struct Piece {
    frame: u32,
    offset: u32,
    bytes: Vec<u8>,
}

struct Datagram {
    pieces: Vec<Piece>,
    /// Known once the fragment without MF arrived.
    total: Option<u32>,
    /// Arrival order of the first fragment, for eviction.
    seq: u64,
}

/// Pending IPv4 datagrams and the frames where completed ones were reassembled.
pub struct Ipv4Reassembly {
    pending: HashMap<Key, Datagram>,
    held_bytes: usize,
    next_seq: u64,
    /// frame number of a fragment → frame number where its datagram was completed.
    done: HashMap<u32, u32>,
    pub max_bytes: usize,
    pub max_datagrams: usize,
    /// Datagrams dropped to stay within the limits.
    pub evictions: u64,
}

impl Default for Ipv4Reassembly {
    fn default() -> Self {
        Ipv4Reassembly::new()
    }
}

impl Ipv4Reassembly {
    pub fn new() -> Ipv4Reassembly {
        Ipv4Reassembly {
            pending: HashMap::new(),
            held_bytes: 0,
            next_seq: 0,
            done: HashMap::new(),
            max_bytes: 64 << 20,
            max_datagrams: 4096,
            evictions: 0,
        }
    }

    /// The frame whose fragment completed the datagram `frame` belongs to (after pass 1).
    pub fn reassembled_in(&self, frame: u32) -> Option<u32> {
        self.done.get(&frame).copied()
    }

    /// Bytes of fragment payload currently held.
    pub fn held_bytes(&self) -> usize {
        self.held_bytes
    }

    /// Handle the frame's fragment, if it has one (call on every frame, in frame order).
    pub fn process(&mut self, p: &mut Packet, interest: &Interest) {
        let Some(frag) = p.fragment else {
            return;
        };
        let data: &[u8] = p.data;
        let payload = match frag.payload.source {
            Source::Frame => data.get(frag.payload.start as usize..frag.payload.end()),
            Source::Extra => None,
        }
        .unwrap_or(&[]);
        let frame = p.info.number;
        let key = (frag.src, frag.dst, frag.id, frag.protocol);
        let fresh = !self.pending.contains_key(&key);
        if fresh {
            self.make_room(payload.len());
        }
        let seq = self.next_seq;
        let dg = self.pending.entry(key).or_insert_with(|| Datagram {
            pieces: Vec::new(),
            total: None,
            seq,
        });
        if fresh {
            self.next_seq += 1;
        }
        // Retransmitted fragments are kept too: tshark lists them among the datagram's fragments.
        dg.pieces.push(Piece {
            frame,
            offset: frag.offset,
            bytes: payload.to_vec(),
        });
        self.held_bytes += payload.len();
        if !frag.more {
            dg.total = frag.offset.checked_add(payload.len() as u32);
        }
        let complete = dg.total.and_then(|total| assemble(&mut dg.pieces, total));
        let Some(datagram) = complete else {
            let buf = Buf {
                bytes: payload,
                source: Source::Frame,
                base: frag.payload.start as usize,
            };
            stateless::data(p, interest, buf);
            return;
        };
        let Some(dg) = self.pending.remove(&key) else {
            return;
        };
        self.held_bytes = self
            .held_bytes
            .saturating_sub(dg.pieces.iter().map(|pc| pc.bytes.len()).sum());
        for pc in &dg.pieces {
            self.done.insert(pc.frame, frame);
        }
        let range = p.add_extra(&datagram);
        // Back into the IP layer's subtree (the fragment's IP is the frame's last layer).
        let ip_layer = p.layer_count(IP);
        let ip_item = p.items.iter().rev().find(|i| i.field == IP).map(|i| i.pos);
        p.restore(1, ip_layer);
        p.add(interest, FRAGMENTS, Value::Bytes(range), range);
        p.enter();
        for pc in &dg.pieces {
            let r = ByteRange {
                len: pc.bytes.len() as u32,
                ..ByteRange::EMPTY
            };
            p.add(interest, FRAGMENT, Value::UInt(pc.frame as u64), r);
        }
        let none = ByteRange { len: 0, ..range };
        p.add(
            interest,
            FRAGMENT_COUNT,
            Value::UInt(dg.pieces.len() as u64),
            none,
        );
        p.add(
            interest,
            REASSEMBLED_LENGTH,
            Value::UInt(datagram.len() as u64),
            none,
        );
        p.add(interest, REASSEMBLED_DATA, Value::Bytes(range), range);
        p.leave();
        let ttl = ip_item
            .and_then(|r| data.get(r.start as usize + 8))
            .copied()
            .unwrap_or(0);
        let ctx = IpContext {
            src: stateless::ipv4(frag.src),
            dst: stateless::ipv4(frag.dst),
            ttl,
            embedded: false,
            missing: 0,
        };
        let buf = Buf {
            bytes: &datagram,
            source: Source::Extra,
            base: range.start as usize,
        };
        ip::upper(p, interest, frag.protocol, buf, &ctx);
    }

    /// Pass 2: on a fragment whose datagram was completed in a later (or this) frame, add
    /// `ip.reassembled_in` to the IP layer and tshark's Info suffix.
    pub fn annotate(&self, p: &mut Packet, interest: &Interest) {
        let frame = p.info.number;
        let Some(done) = self.reassembled_in(frame) else {
            return;
        };
        if done == frame {
            return;
        }
        if p.want_columns {
            p.columns
                .info
                .push_str(&format!(" [Reassembled in #{done}]"));
        }
        if !interest.wants(REASSEMBLED_IN) {
            return;
        }
        let Some(ip_at) = p.items.iter().rposition(|i| i.field == IP) else {
            return;
        };
        p.append_to_layer(ip_at, REASSEMBLED_IN, Value::UInt(done as u64));
    }

    /// Drop the oldest datagrams until `incoming` more bytes and one more datagram fit.
    fn make_room(&mut self, incoming: usize) {
        while !self.pending.is_empty()
            && (self.pending.len() >= self.max_datagrams
                || self.held_bytes + incoming > self.max_bytes)
        {
            let Some(oldest) = self
                .pending
                .iter()
                .min_by_key(|(_, d)| d.seq)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(d) = self.pending.remove(&oldest) {
                self.held_bytes = self
                    .held_bytes
                    .saturating_sub(d.pieces.iter().map(|pc| pc.bytes.len()).sum());
                self.evictions += 1;
            }
        }
    }
}

/// The datagram if the pieces cover `0..total` without a gap (pieces get sorted by offset).
fn assemble(pieces: &mut [Piece], total: u32) -> Option<Vec<u8>> {
    pieces.sort_by_key(|pc| pc.offset);
    let mut covered = 0u32;
    for pc in pieces.iter() {
        if pc.offset > covered {
            return None;
        }
        covered = covered.max(pc.offset.saturating_add(pc.bytes.len() as u32));
    }
    if covered < total {
        return None;
    }
    let mut out = vec![0u8; total as usize];
    for pc in pieces.iter() {
        let start = pc.offset as usize;
        let end = (start + pc.bytes.len()).min(out.len());
        if let (Some(dst), Some(src)) = (
            out.get_mut(start..end),
            pc.bytes.get(..end.saturating_sub(start)),
        ) {
            dst.copy_from_slice(src);
        }
    }
    Some(out)
}
