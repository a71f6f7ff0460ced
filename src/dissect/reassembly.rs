//! TCP stream reassembly for the upper dissectors, as tshark does it with
//! `tcp.desegment_tcp_streams` on, and the hand-off of each PDU to SMTP.
//!
//! Per conversation and direction we keep the highest sequence number seen (tshark's
//! `maxnextseq`: data already seen — retransmissions, the old part of overlaps — is not handed
//! up again) and the bytes of a PDU still waiting for its end. SMTP asks for "one more segment"
//! until a line ends; the PDU is then dissected on the frame that completed it, and that frame
//! gets `tcp.segment`/`tcp.segments`/`tcp.segment.count`/`tcp.reassembled.length`/
//! `tcp.reassembled.data`. A missing segment (a gap) abandons the waiting PDU, as tshark never
//! completes it, and the stream goes on. Sequence numbers are compared as serial numbers, so
//! wrap-around is harmless.
//!
//! Memory is bounded: a waiting PDU and a DATA message are each capped per flow
//! ([`ReassemblyLimits::per_flow`]), all buffers together by [`ReassemblyLimits::total`]. A PDU
//! that hits a cap is handed up as it is; a message that hits it keeps its first bytes (IMF
//! still sees the headers). Every hit is counted in [`ReassemblyStats`]. The number of live
//! conversations is capped too ([`ReassemblyLimits::conversations`], enforced by
//! [`Conversations`](super::conversation::Conversations), which drops a conversation's state
//! here with it).
//!
//! Two passes: `tcp.reassembled_in` and `smtp.data.reassembled.in` on the *earlier* segments are
//! only known after the fact (tshark shows them with `-2`). The first pass records them; call
//! [`Conversations::second_pass`](super::conversation::Conversations::second_pass) and feed
//! every frame again to get them. Memory for that: 8 bytes per segment of a multi-segment PDU
//! or message.

use super::smtp::{self, Session};
use super::{side_mut, ByteRange, Interest, Packet, TcpSegment, Transport, Value};
use crate::registry::{id, FieldId};
use std::collections::HashMap;

const SEGMENTS: FieldId = id("tcp.segments");
const SEGMENT: FieldId = id("tcp.segment");
const SEGMENT_COUNT: FieldId = id("tcp.segment.count");
const SEGMENT_DATA: FieldId = id("tcp.segment_data");
const REASSEMBLED_LENGTH: FieldId = id("tcp.reassembled.length");
const REASSEMBLED_DATA: FieldId = id("tcp.reassembled.data");
const REASSEMBLED_IN: FieldId = id("tcp.reassembled_in");
const DATA: FieldId = id("data");
const TH_SYN: u16 = 0x002;
const TH_ACK: u16 = 0x010;

/// Memory caps of the stateful pass: bytes buffered, and conversations tracked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReassemblyLimits {
    /// One waiting PDU, or one flow's DATA message.
    pub per_flow: usize,
    /// Everything buffered, all flows together.
    pub total: usize,
    /// Live TCP and UDP conversations together (default 1,000,000). A TCP conversation costs
    /// about 700 bytes, 1.1 KB on an SMTP port (measured as peak RSS: 200,000 simultaneous
    /// flows, handshake and one data segment each, take 126 MB more than 10,000 on port 80,
    /// 202 MB more on port 25), so the default allows about 0.7 to 1.1 GB; one with many
    /// unacknowledged segments in flight holds up to 6 KiB more (128 records of 24 bytes per
    /// direction), and every TCP stream ever seen keeps 24 bytes for the second pass
    /// (`tools/simultaneous_flows.py` writes the captures measured). When the cap is exceeded,
    /// the least recently seen conversations are dropped, oldest first, down to 7/8 of the cap,
    /// and counted in [`ReassemblyStats::conversation_cap_evictions`]. A conversation seen again
    /// after that starts over with a new `tcp.stream`/`udp.stream` index (tshark never drops
    /// one, so results differ from it only when the cap was hit, which is reported).
    pub conversations: usize,
}

impl ReassemblyLimits {
    /// 64 MiB per flow, 512 MiB in all, 1,000,000 conversations.
    pub const DEFAULT: ReassemblyLimits = ReassemblyLimits {
        per_flow: 64 << 20,
        total: 512 << 20,
        conversations: 1_000_000,
    };
}

impl Default for ReassemblyLimits {
    fn default() -> Self {
        ReassemblyLimits::DEFAULT
    }
}

/// What reassembly did, for the engine to print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReassemblyStats {
    /// PDUs made of more than one segment.
    pub reassembled_pdus: u64,
    /// Segments whose data had all been seen already (not dissected again).
    pub retransmitted_segments: u64,
    /// Waiting PDUs abandoned because a segment was missing.
    pub gaps: u64,
    /// A per-flow cap was hit.
    pub flow_cap_hits: u64,
    /// The total cap was hit.
    pub total_cap_hits: u64,
    /// Conversations dropped because the conversation cap was reached.
    pub conversation_cap_evictions: u64,
    /// Bytes buffered now, and at most.
    pub buffered: usize,
    pub peak_buffered: usize,
}

impl std::fmt::Display for ReassemblyStats {
    /// One line for the engine's report.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "reassembly: {} PDUs from several segments, {} retransmitted segments skipped, \
             {} gaps, caps hit {} per flow / {} total, {} conversations evicted by the cap, \
             {} bytes buffered (peak {})",
            self.reassembled_pdus,
            self.retransmitted_segments,
            self.gaps,
            self.flow_cap_hits,
            self.total_cap_hits,
            self.conversation_cap_evictions,
            self.buffered,
            self.peak_buffered
        )
    }
}

/// Which ports carry SMTP: 25 and 587, and those given by Decode As.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeAs {
    pub smtp_ports: Vec<u16>,
}

impl Default for DecodeAs {
    fn default() -> Self {
        DecodeAs {
            smtp_ports: vec![25, 587],
        }
    }
}

impl DecodeAs {
    /// Apply a tshark `-d` argument (`tcp.port==2525,smtp`); `Err` names what is not supported.
    pub fn add(&mut self, arg: &str) -> Result<(), String> {
        let (sel, proto) = arg
            .split_once(',')
            .ok_or_else(|| format!("\"{arg}\" is not a valid decode-as argument"))?;
        let port = sel
            .strip_prefix("tcp.port==")
            .and_then(|p| p.trim().parse::<u16>().ok())
            .ok_or_else(|| format!("only tcp.port==N is supported, not \"{sel}\""))?;
        if !proto.trim().eq_ignore_ascii_case("smtp") {
            return Err(format!("only smtp can be decoded as, not \"{proto}\""));
        }
        if !self.smtp_ports.contains(&port) {
            self.smtp_ports.push(port);
        }
        Ok(())
    }
}

/// Options for the stateful upper-layer pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub limits: ReassemblyLimits,
    pub decode_as: DecodeAs,
    pub smtp: smtp::Prefs,
}

/// One direction of a conversation.
#[derive(Default)]
struct Direction {
    /// Raw sequence number after the last byte seen (tshark's `maxnextseq`).
    next: Option<u32>,
    /// A PDU waiting for its end, and the frames (and byte counts) it came from.
    pending: Vec<u8>,
    frames: Vec<(u32, u32)>,
    /// A TLS record went this way after STARTTLS.
    tls: bool,
    /// The highest acknowledgement the other side sent for this direction.
    acked: Option<u32>,
}

#[derive(Default)]
struct Conv {
    dirs: [Direction; 2],
    smtp: Session,
    /// The TLS version after STARTTLS, once a Server Hello chose it.
    tls_version: Option<u16>,
}

/// Facts only known after the fact: frame → frame it was reassembled in.
#[derive(Default)]
struct Later {
    tcp: Vec<(u32, u32)>,
    smtp: Vec<(u32, u32)>,
}

fn lookup(v: &[(u32, u32)], frame: u32) -> Option<u32> {
    v.binary_search_by_key(&frame, |e| e.0)
        .ok()
        .and_then(|i| v.get(i))
        .map(|e| e.1)
}

/// Reassembly and upper-layer state for every TCP conversation of a file.
#[derive(Default)]
pub struct Streams {
    conv: HashMap<u32, Conv>,
    opts: Options,
    stats: ReassemblyStats,
    later: Later,
    second: bool,
    scratch: Vec<u8>,
}

#[inline]
fn gt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

impl Streams {
    pub fn new(opts: Options) -> Streams {
        Streams {
            opts,
            ..Streams::default()
        }
    }

    pub fn stats(&self) -> ReassemblyStats {
        self.stats
    }

    /// Forget the state of a pass, keep what it learned for the next (see the module docs).
    pub fn second_pass(&mut self) {
        self.conv.clear();
        self.stats.buffered = 0;
        self.later.tcp.sort_unstable();
        self.later.smtp.sort_unstable();
        self.second = true;
    }

    /// Drop the state of conversations that are gone.
    pub fn retain(&mut self, live: impl Fn(u32) -> bool) {
        let mut freed = 0;
        self.conv.retain(|s, c| {
            let keep = live(*s);
            if !keep {
                freed += c.dirs.iter().map(|d| d.pending.len()).sum::<usize>() + c.smtp.buffered();
            }
            keep
        });
        self.stats.buffered = self.stats.buffered.saturating_sub(freed);
    }

    fn is_smtp(&self, port: u16) -> bool {
        self.opts.decode_as.smtp_ports.contains(&port)
    }

    /// Room left for a buffer now holding `held` bytes; counts a hit when `want` does not fit.
    fn room(&mut self, held: usize, want: usize) -> usize {
        let flow = self.opts.limits.per_flow.saturating_sub(held);
        let total = self.opts.limits.total.saturating_sub(self.stats.buffered);
        if want > flow {
            self.stats.flow_cap_hits += 1;
        } else if want > total {
            self.stats.total_cap_hits += 1;
        }
        flow.min(total)
    }

    fn grow(&mut self, n: usize) {
        self.stats.buffered += n;
        self.stats.peak_buffered = self.stats.peak_buffered.max(self.stats.buffered);
    }

    /// One TCP segment of conversation `stream`, direction 1 if `reverse` (else 0), after the transport
    /// pass wrote its items and Info; `retransmitted` when the analysis flagged it (tshark
    /// then does not hand it up, even if part of it is new).
    #[allow(clippy::too_many_arguments)]
    pub fn feed(
        &mut self,
        p: &mut Packet,
        interest: &Interest,
        t: &Transport,
        seg: &TcpSegment,
        stream: u32,
        reverse: bool,
        retransmitted: bool,
    ) {
        // tshark tries the lower port first.
        let (lo, hi) = if t.src_port <= t.dst_port {
            (t.src_port, t.dst_port)
        } else {
            (t.dst_port, t.src_port)
        };
        let server = if self.is_smtp(lo) {
            lo
        } else if self.is_smtp(hi) {
            hi
        } else {
            return;
        };
        let frame = p.info.number;
        let request = t.dst_port == server;
        drop_data_layer(p, t.insert_at);
        if self.second {
            if let Some(f) = lookup(&self.later.tcp, frame) {
                p.add(
                    interest,
                    REASSEMBLED_IN,
                    Value::UInt(f.into()),
                    ByteRange::EMPTY,
                );
            }
        }
        let conv = self.conv.entry(stream).or_default();
        if seg.flags & TH_ACK != 0 {
            let peer = side_mut(&mut conv.dirs, !reverse);
            if peer.acked.is_none_or(|a| gt(seg.ack, a)) {
                peer.acked = Some(seg.ack);
            }
        }
        let d = side_mut(&mut conv.dirs, reverse);
        let len = t.payload.len;
        if seg.flags & TH_SYN != 0 && d.next.is_none() {
            d.next = Some(seg.seq.wrapping_add(1));
        }
        if len == 0 {
            return;
        }
        if conv.smtp.is_tls(frame) {
            // After STARTTLS, TLS takes the direction from its first record on; plain text
            // (a capture of the decrypted session) stays SMTP.
            let b = p.bytes(t.payload);
            let record = matches!(b.first(), Some(20..=24)) && b.get(1) == Some(&3);
            if d.tls || record {
                d.tls = true;
                self.scratch.clear();
                self.scratch.extend_from_slice(p.bytes(t.payload));
                smtp::dissect_tls(p, &self.scratch, t.payload, &mut conv.tls_version);
                return;
            }
        }
        // Only bytes not seen before go up.
        let end = seg.seq.wrapping_add(len);
        let mut skip = 0u32;
        let mut gap = false;
        // Data the receiver already acknowledged is a (spurious) retransmission for tshark.
        let acked = d.acked.is_some_and(|a| !gt(seg.seq.wrapping_add(len), a));
        if retransmitted || acked {
            self.stats.retransmitted_segments += 1;
            if d.next.is_none_or(|n| gt(end, n)) {
                d.next = Some(end);
            }
            return;
        }
        if let Some(n) = d.next {
            if !gt(end, n) {
                self.stats.retransmitted_segments += 1;
                return;
            }
            if gt(n, seg.seq) {
                skip = n.wrapping_sub(seg.seq);
            } else if gt(seg.seq, n) {
                gap = true;
            }
        }
        d.next = Some(end);
        let conv = self.conv.get_mut(&stream);
        let Some(conv) = conv else { return };
        let d = side_mut(&mut conv.dirs, reverse);
        if gap && !d.pending.is_empty() {
            self.stats.gaps += 1;
            self.stats.buffered = self.stats.buffered.saturating_sub(d.pending.len());
            d.pending.clear();
            d.frames.clear();
        }
        let new = ByteRange {
            start: t.payload.start + skip,
            len: len - skip,
            ..t.payload
        };
        let mut pending = std::mem::take(&mut d.pending);
        let mut frames = std::mem::take(&mut d.frames);
        self.scratch.clear();
        self.scratch.extend_from_slice(&pending);
        self.scratch.extend_from_slice(p.bytes(new));
        let prefs = self.opts.smtp;
        let wait = prefs.desegment_lines && smtp::needs_more(&self.scratch);
        if wait {
            let want = new.len as usize;
            let room = self.room(pending.len(), want);
            if want <= room {
                pending.extend_from_slice(p.bytes(new));
                frames.push((frame, new.len));
                self.grow(want);
                // tshark marks a segment held for a later PDU with its bytes as `tcp.segment_data`.
                p.add(interest, SEGMENT_DATA, Value::Bytes(new), new);
                if p.want_columns {
                    p.columns
                        .info
                        .push_str(" [TCP segment of a reassembled PDU]");
                }
                if let Some(conv) = self.conv.get_mut(&stream) {
                    let d = side_mut(&mut conv.dirs, reverse);
                    d.pending = pending;
                    d.frames = frames;
                }
                return;
            }
            // Over a cap: hand up what there is.
        }
        self.stats.buffered = self.stats.buffered.saturating_sub(pending.len());
        let at = if pending.is_empty() {
            new
        } else {
            self.stats.reassembled_pdus += 1;
            frames.push((frame, new.len));
            // The completing segment's own bytes are segment data too, as in tshark.
            p.add(interest, SEGMENT_DATA, Value::Bytes(new), new);
            let at = p.add_extra(&self.scratch);
            p.add(interest, SEGMENTS, Value::None, ByteRange::EMPTY);
            p.enter();
            for &(f, n) in &frames {
                p.add(
                    interest,
                    SEGMENT,
                    Value::UInt(f.into()),
                    ByteRange { len: n, ..at },
                );
                if !self.second && f != frame {
                    self.later.tcp.push((f, frame));
                }
            }
            let n = Value::UInt(frames.len() as u64);
            p.add(interest, SEGMENT_COUNT, n, ByteRange::EMPTY);
            let n = Value::UInt(self.scratch.len() as u64);
            p.add(interest, REASSEMBLED_LENGTH, n, ByteRange::EMPTY);
            p.add(interest, REASSEMBLED_DATA, Value::Bytes(at), at);
            p.leave();
            at
        };
        pending.clear();
        frames.clear();
        let Some(conv) = self.conv.get_mut(&stream) else {
            return;
        };
        let d = side_mut(&mut conv.dirs, reverse);
        d.pending = pending;
        d.frames = frames;
        // Room for the DATA message: per flow, and within the total.
        let held = conv.smtp.buffered();
        let room = self
            .opts
            .limits
            .per_flow
            .saturating_sub(held)
            .min(self.opts.limits.total.saturating_sub(self.stats.buffered));
        let out = smtp::dissect(
            p,
            interest,
            &mut conv.smtp,
            &prefs,
            request,
            &self.scratch,
            at,
            room,
        );
        if self.second {
            if let Some(f) = lookup(&self.later.smtp, frame) {
                let v = Value::UInt(f.into());
                p.add(interest, smtp::REASSEMBLED_IN, v, ByteRange::EMPTY);
            }
        }
        if out.capped {
            self.stats.flow_cap_hits += 1;
        }
        self.grow(out.grown);
        self.stats.buffered = self.stats.buffered.saturating_sub(out.released);
        if !self.second {
            self.later
                .smtp
                .extend(out.completed.iter().map(|&f| (f, frame)));
        }
    }
}

/// The TCP dissector pushes `data` for ports it does not know; a Decode As port is known here.
fn drop_data_layer(p: &mut Packet, insert_at: usize) {
    let at = p
        .items
        .iter()
        .skip(insert_at)
        .position(|i| i.depth == 0 && i.field == DATA);
    if let Some(i) = at {
        p.items.truncate(insert_at + i);
    }
}
