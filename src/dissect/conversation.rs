//! The stateful transport pass: conversations (`tcp.stream`, `udp.stream`), relative sequence
//! numbers, window scaling, per-stream timestamps and tshark's default `tcp.analysis.*`.
//!
//! Runs once per frame, in frame order, after the stateless dissectors filled
//! [`Packet::transport`]; one hash lookup per frame. It mirrors Wireshark 4.0's
//! `tcp_analyze_sequence_number` on raw sequence numbers (so wrap-around is handled by
//! serial-number comparison) and writes the TCP Info column, which needs relative numbers.
//! Values shown are those known when the frame is reached (tshark's first pass), except in the
//! second of two passes, where `tcp.completeness` and `tcp.analysis.initial_rtt` are the final
//! values the first pass recorded per stream, as `tshark -2` shows them.
//!
//! Stateful items are merged into the layer's items at Wireshark's tree positions (`tcp.stream`
//! after the ports, `tcp.seq` before `tcp.seq_raw`, the analysis before `tcp.payload`, ...).
//!
//! Reassembly and the upper dissectors (SMTP, IMF) run at the end of each TCP frame, through
//! [`reassembly::Streams::feed`], called last in `process_tcp`.

use super::bytes::be16;
use super::reassembly::{self, ReassemblyStats, Streams};
use super::tcp::{
    self, ACK_RAW, FLAGS, HDR_LEN, LEN, OPTIONS, OPT_SACK_LE, OPT_SACK_RE, PAYLOAD, SEQ_RAW,
    TH_ACK, TH_FIN, TH_PUSH, TH_RST, TH_SYN, URGENT_POINTER, WINDOW_SIZE_VALUE,
};
use super::{side, side_mut, sides_mut};
use super::{ByteRange, Interest, Item, Packet, TcpSegment, Transport, Value};
use crate::registry::{id, FieldId};
use std::collections::HashMap;
use std::fmt::Write;
use std::net::IpAddr;

const TCP_STREAM: FieldId = id("tcp.stream");
const COMPLETENESS: FieldId = id("tcp.completeness");
const SEQ: FieldId = id("tcp.seq");
const NXTSEQ: FieldId = id("tcp.nxtseq");
const ACK: FieldId = id("tcp.ack");
const WINDOW_SIZE: FieldId = id("tcp.window_size");
const SCALEFACTOR: FieldId = id("tcp.window_size_scalefactor");
const TCP_TIME_REL: FieldId = id("tcp.time_relative");
const TCP_TIME_DELTA: FieldId = id("tcp.time_delta");
const ANALYSIS: FieldId = id("tcp.analysis");
const ANALYSIS_FLAGS: FieldId = id("tcp.analysis.flags");
const ACKS_FRAME: FieldId = id("tcp.analysis.acks_frame");
const ACK_RTT: FieldId = id("tcp.analysis.ack_rtt");
const INITIAL_RTT: FieldId = id("tcp.analysis.initial_rtt");
const BYTES_IN_FLIGHT: FieldId = id("tcp.analysis.bytes_in_flight");
const PUSH_BYTES_SENT: FieldId = id("tcp.analysis.push_bytes_sent");
const DUP_ACK_NUM: FieldId = id("tcp.analysis.duplicate_ack_num");
const DUP_ACK_FRAME: FieldId = id("tcp.analysis.duplicate_ack_frame");
const EXPERT: FieldId = id("_ws.expert");
const UDP_STREAM: FieldId = id("udp.stream");
const UDP_TIME_REL: FieldId = id("udp.time_relative");
const UDP_TIME_DELTA: FieldId = id("udp.time_delta");
const UDP_PAYLOAD: FieldId = id("udp.payload");

/// tshark's analysis flags (`TCP_A_*`), in the order tshark prints them.
#[derive(Clone, Copy)]
struct Flag {
    bit: u32,
    field: FieldId,
    info: &'static str,
}
const RETRANSMISSION: u32 = 1 << 0;
const LOST_PACKET: u32 = 1 << 1;
const ACK_LOST_PACKET: u32 = 1 << 2;
const KEEP_ALIVE: u32 = 1 << 3;
const DUPLICATE_ACK: u32 = 1 << 4;
const ZERO_WINDOW: u32 = 1 << 5;
const ZERO_WINDOW_PROBE: u32 = 1 << 6;
const ZERO_WINDOW_PROBE_ACK: u32 = 1 << 7;
const KEEP_ALIVE_ACK: u32 = 1 << 8;
const OUT_OF_ORDER: u32 = 1 << 9;
const FAST_RETRANSMISSION: u32 = 1 << 10;
const WINDOW_UPDATE: u32 = 1 << 11;
const WINDOW_FULL: u32 = 1 << 12;
const REUSED_PORTS: u32 = 1 << 13;
const SPURIOUS_RETRANSMISSION: u32 = 1 << 14;

const fn flag(bit: u32, name: &str, info: &'static str) -> Flag {
    Flag {
        bit,
        field: id(name),
        info,
    }
}
/// Each flag's expert item; Info prefixes are prepended, so the last one printed comes first.
const FLAGS_PRINTED: &[Flag] = &[
    flag(
        SPURIOUS_RETRANSMISSION,
        "tcp.analysis.spurious_retransmission",
        "[TCP Spurious Retransmission] ",
    ),
    flag(
        FAST_RETRANSMISSION,
        "tcp.analysis.fast_retransmission",
        "[TCP Fast Retransmission] ",
    ),
    flag(
        RETRANSMISSION,
        "tcp.analysis.retransmission",
        "[TCP Retransmission] ",
    ),
    flag(
        OUT_OF_ORDER,
        "tcp.analysis.out_of_order",
        "[TCP Out-Of-Order] ",
    ),
    flag(
        LOST_PACKET,
        "tcp.analysis.lost_segment",
        "[TCP Previous segment not captured] ",
    ),
    flag(
        ACK_LOST_PACKET,
        "tcp.analysis.ack_lost_segment",
        "[TCP ACKed unseen segment] ",
    ),
    flag(
        WINDOW_UPDATE,
        "tcp.analysis.window_update",
        "[TCP Window Update] ",
    ),
    flag(
        WINDOW_FULL,
        "tcp.analysis.window_full",
        "[TCP Window Full] ",
    ),
    flag(KEEP_ALIVE, "tcp.analysis.keep_alive", "[TCP Keep-Alive] "),
    flag(
        KEEP_ALIVE_ACK,
        "tcp.analysis.keep_alive_ack",
        "[TCP Keep-Alive ACK] ",
    ),
    flag(DUPLICATE_ACK, "tcp.analysis.duplicate_ack", ""),
    flag(
        ZERO_WINDOW_PROBE,
        "tcp.analysis.zero_window_probe",
        "[TCP ZeroWindowProbe] ",
    ),
    flag(ZERO_WINDOW, "tcp.analysis.zero_window", "[TCP ZeroWindow] "),
    flag(
        ZERO_WINDOW_PROBE_ACK,
        "tcp.analysis.zero_window_probe_ack",
        "[TCP ZeroWindowProbeAck] ",
    ),
    flag(
        REUSED_PORTS,
        "tcp.analysis.reused_ports",
        "[TCP Port numbers reused] ",
    ),
];

/// Unacknowledged segments kept per direction (for `acks_frame`, RTT, bytes in flight).
const MAX_UNACKED: usize = 128;
/// A conversation is swept out after this long without frames (capture time)...
const IDLE_CLOSED_NS: i64 = 120 * 1_000_000_000;
/// ... or this long whatever its state.
const IDLE_ANY_NS: i64 = 3600 * 1_000_000_000;
/// How often (in frames) idle conversations are swept.
const SWEEP_EVERY: u32 = 1 << 16;

#[inline]
fn lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}
#[inline]
fn gt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// Both endpoints in a canonical order, so both directions find the same conversation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    a: (IpAddr, u16),
    b: (IpAddr, u16),
}

impl Key {
    /// The key, and whether the frame goes from `a` to `b`.
    fn of(t: &Transport) -> (Key, bool) {
        let s = (t.src, t.src_port);
        let d = (t.dst, t.dst_port);
        if s <= d {
            (Key { a: s, b: d }, true)
        } else {
            (Key { a: d, b: s }, false)
        }
    }
}

#[derive(Clone, Copy)]
struct Unacked {
    frame: u32,
    seq: u32,
    nextseq: u32,
    time_ns: i64,
}

/// One direction of a TCP conversation (Wireshark's `tcp_flow_t`).
#[derive(Default)]
struct Flow {
    base_seq: Option<u32>,
    /// Window scale shift; `None` = unknown (-1), `Some(-2)` = no scaling negotiated.
    win_scale: Option<i8>,
    nextseq: Option<u32>,
    nextseq_time: i64,
    maxseqtobeacked: Option<u32>,
    lastack: Option<u32>,
    lastack_time: i64,
    window: Option<u32>,
    lastnondupack: u32,
    /// -1 after an ACK of unseen data, so that the next duplicate ACK counts as the first.
    dupacknum: i32,
    lastsegmentflags: u32,
    push_bytes_sent: u32,
    push_set_last: bool,
    fin: bool,
    /// Newest first.
    unacked: Vec<Unacked>,
}

struct TcpConv {
    stream: u32,
    /// Direction 0 goes from key.a to key.b.
    flows: [Flow; 2],
    first_time: i64,
    last_time: i64,
    completeness: u8,
    /// The frame that opened the conversation, what it contributed to the completeness if it
    /// was not a SYN, and what every other frame contributed.
    first_frame: u32,
    first_bits: u8,
    other_bits: u8,
    syn_time: Option<i64>,
    initial_rtt: Option<i64>,
    rst: bool,
}

impl TcpConv {
    fn new(stream: u32, time: i64, frame: u32) -> TcpConv {
        TcpConv {
            stream,
            flows: [Flow::default(), Flow::default()],
            first_time: time,
            last_time: time,
            completeness: 0,
            first_frame: frame,
            first_bits: 0,
            other_bits: 0,
            syn_time: None,
            initial_rtt: None,
            rst: false,
        }
    }
    fn closed(&self) -> bool {
        let [a, b] = &self.flows;
        self.rst || (a.fin && b.fin)
    }
}

struct UdpConv {
    stream: u32,
    first_time: i64,
    last_time: i64,
}

/// What the analysis found for one segment (Wireshark's `tcp_acked`).
#[derive(Default)]
struct Analysis {
    flags: u32,
    acks_frame: Option<u32>,
    ack_rtt: i64,
    bytes_in_flight: u32,
    push_bytes_sent: u32,
    dupack_num: u32,
    dupack_frame: u32,
}

/// Counters for the stateful pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConversationStats {
    pub tcp_streams: u32,
    pub udp_streams: u32,
    /// Conversations dropped by the idle sweep.
    pub evicted: u64,
    /// Conversations dropped, least recently seen first, because there were more than
    /// [`ReassemblyLimits::conversations`](reassembly::ReassemblyLimits::conversations).
    pub cap_evicted: u64,
    /// Unacknowledged-segment records dropped because a direction had too many.
    pub unacked_dropped: u64,
}

/// Per-file transport state. Feed every frame in frame order.
pub struct Conversations {
    tcp: HashMap<Key, TcpConv>,
    udp: HashMap<Key, UdpConv>,
    stats: ConversationStats,
    /// The cap on `tcp.len() + udp.len()`.
    max_live: usize,
    frames: u32,
    scratch: Vec<Item>,
    stateful: Vec<(u8, Item)>,
    /// Reassembly and upper layers.
    streams: Streams,
    /// Per stream number: the completeness and initial RTT known at the end of the first pass.
    finals: Vec<StreamFinal>,
    /// Set in the second pass: show `finals` instead of the values known so far.
    show_finals: bool,
}

/// What a TCP stream's conversation knows when the file ends.
#[derive(Clone, Copy, Default)]
struct StreamFinal {
    first_frame: u32,
    first_bits: u8,
    other_bits: u8,
    initial_rtt: Option<i64>,
}

impl Default for Conversations {
    fn default() -> Self {
        Self::new()
    }
}

impl Conversations {
    pub fn new() -> Self {
        Self::with_options(reassembly::Options::default())
    }

    /// With reassembly caps, Decode As ports and SMTP preferences.
    pub fn with_options(opts: reassembly::Options) -> Self {
        Conversations {
            tcp: HashMap::new(),
            udp: HashMap::new(),
            stats: ConversationStats::default(),
            max_live: opts.limits.conversations.max(1),
            frames: 0,
            scratch: Vec::new(),
            stateful: Vec::new(),
            streams: Streams::new(opts),
            finals: Vec::new(),
            show_finals: false,
        }
    }

    /// Start the second of two passes over the same file (tshark `-2`): all flow state is
    /// forgotten, but what the first pass learned after the fact (`tcp.reassembled_in`,
    /// `smtp.data.reassembled.in` on earlier frames) is kept and shown. Feed every frame again,
    /// in the same order.
    pub fn second_pass(&mut self) {
        self.tcp.clear();
        self.udp.clear();
        self.stats = ConversationStats::default();
        self.frames = 0;
        self.streams.second_pass();
        self.show_finals = true;
    }

    /// Counters of reassembly (caps hit, gaps, bytes buffered).
    pub fn reassembly_stats(&self) -> ReassemblyStats {
        ReassemblyStats {
            conversation_cap_evictions: self.stats.cap_evicted,
            ..self.streams.stats()
        }
    }

    pub fn stats(&self) -> ConversationStats {
        self.stats
    }

    /// Add the stateful fields of the frame's transport layer (if any).
    pub fn process(&mut self, p: &mut Packet, interest: &Interest) {
        self.frames = self.frames.wrapping_add(1);
        if self.frames.is_multiple_of(SWEEP_EVERY) {
            self.sweep(p.info.time_ns);
        }
        let Some(t) = p.transport else {
            return;
        };
        match t.tcp {
            Some(seg) => self.process_tcp(p, interest, &t, &seg),
            None => self.process_udp(p, interest, &t),
        }
        if self.tcp.len() + self.udp.len() > self.max_live {
            self.evict_oldest();
        }
    }

    /// Over the cap: drop the least recently seen conversations down to 7/8 of it, so that the
    /// O(n) pass runs once per n/8 new conversations. Ties in time go by stream index, so the
    /// same capture always loses the same conversations (and both passes agree).
    fn evict_oldest(&mut self) {
        let live = self.tcp.len() + self.udp.len();
        let target = self.max_live - self.max_live / 8;
        let Some(k) = live.checked_sub(target).and_then(|k| k.checked_sub(1)) else {
            return;
        };
        // (last seen, UDP?, stream): a total order over the live conversations.
        let mut ages: Vec<(i64, bool, u32)> = Vec::with_capacity(live);
        ages.extend(self.tcp.values().map(|c| (c.last_time, false, c.stream)));
        ages.extend(self.udp.values().map(|c| (c.last_time, true, c.stream)));
        if k >= ages.len() {
            return;
        }
        // The k+1 oldest go: everything up to the (k+1)-th smallest.
        let newest_dropped = *ages.select_nth_unstable(k).1;
        drop(ages);
        self.tcp
            .retain(|_, c| (c.last_time, false, c.stream) > newest_dropped);
        self.udp
            .retain(|_, c| (c.last_time, true, c.stream) > newest_dropped);
        self.stats.cap_evicted += (live - self.tcp.len() - self.udp.len()) as u64;
        let live: std::collections::HashSet<u32> = self.tcp.values().map(|c| c.stream).collect();
        self.streams.retain(|s| live.contains(&s));
    }

    fn sweep(&mut self, now: i64) {
        let before = self.tcp.len() + self.udp.len();
        self.tcp.retain(|_, c| {
            let idle = now.saturating_sub(c.last_time);
            idle < IDLE_ANY_NS && !(c.closed() && idle >= IDLE_CLOSED_NS)
        });
        self.udp
            .retain(|_, c| now.saturating_sub(c.last_time) < IDLE_ANY_NS);
        self.stats.evicted += (before - self.tcp.len() - self.udp.len()) as u64;
        let live: std::collections::HashSet<u32> = self.tcp.values().map(|c| c.stream).collect();
        self.streams.retain(|s| live.contains(&s));
    }

    fn process_udp(&mut self, p: &mut Packet, interest: &Interest, t: &Transport) {
        let now = p.info.time_ns;
        let (key, _) = Key::of(t);
        let next = self.stats.udp_streams;
        let conv = self.udp.entry(key).or_insert_with(|| UdpConv {
            stream: next,
            first_time: now,
            last_time: now,
        });
        if conv.stream == next {
            self.stats.udp_streams += 1;
        }
        let (stream, rel, delta) = (conv.stream, now - conv.first_time, now - conv.last_time);
        conv.last_time = now;
        let mut out = std::mem::take(&mut self.stateful);
        out.clear();
        let mut push = |f: FieldId, v: Value, depth: u8| {
            if interest.wants(f) {
                out.push((0, item(f, v, depth)));
            }
        };
        push(UDP_STREAM, Value::UInt(stream.into()), 1);
        push(UDP_TIME_REL, Value::RelTime(rel), 2);
        push(UDP_TIME_DELTA, Value::RelTime(delta), 2);
        self.merge(p, t.insert_at, &out, |f| (f == UDP_PAYLOAD).then_some(1));
        self.stateful = out;
    }

    fn process_tcp(
        &mut self,
        p: &mut Packet,
        interest: &Interest,
        t: &Transport,
        seg: &TcpSegment,
    ) {
        let now = p.info.time_ns;
        let frame = p.info.number;
        let (key, forward) = Key::of(t);
        // Direction 1 goes from key.b to key.a.
        let reverse = !forward;
        let flags = seg.flags;
        let seglen = t.payload.len;
        let syn_only = flags & (TH_SYN | TH_ACK) == TH_SYN;

        let mut reused = false;
        let next_stream = self.stats.tcp_streams;
        let conv = match self.tcp.get_mut(&key) {
            // A new SYN on known ports starts a new conversation (tshark: "Port numbers reused").
            Some(c)
                if syn_only
                    && side(&c.flows, reverse)
                        .base_seq
                        .is_some_and(|b| b != seg.seq) =>
            {
                reused = true;
                *c = TcpConv::new(next_stream, now, frame);
                self.stats.tcp_streams += 1;
                c
            }
            Some(c) => c,
            None => {
                self.stats.tcp_streams += 1;
                self.tcp
                    .entry(key)
                    .or_insert(TcpConv::new(next_stream, now, frame))
            }
        };
        let completeness_shown = conv.completeness;
        let rel_time = now - conv.first_time;
        let delta_time = now - conv.last_time;
        conv.last_time = now;

        // Base sequence numbers: the ISN from a SYN, else as if the segment followed one.
        let (fwd, rev) = sides_mut(&mut conv.flows, reverse);
        if fwd.base_seq.is_none() {
            fwd.base_seq = Some(if flags & TH_SYN != 0 {
                seg.seq
            } else {
                seg.seq.wrapping_sub(1)
            });
        }
        if flags & TH_ACK != 0 && rev.base_seq.is_none() {
            rev.base_seq = Some(seg.ack.wrapping_sub(1));
        }

        // Window scaling, from the SYNs.
        if flags & TH_SYN != 0 {
            fwd.win_scale = Some(seg.window_scale.map_or(-2, |s| s.min(14) as i8));
            if flags & TH_ACK != 0 {
                // Scaling is used only if both sides offered it.
                if fwd.win_scale == Some(-2) || rev.win_scale == Some(-2) {
                    fwd.win_scale = Some(-2);
                    rev.win_scale = Some(-2);
                }
            }
        }
        let win_scale = fwd.win_scale;
        let window = match win_scale {
            Some(s) if s >= 0 && flags & TH_SYN == 0 => u32::from(seg.window) << s,
            _ => u32::from(seg.window),
        };

        // Initial RTT: from the SYN to the ACK of the SYN/ACK.
        // From the most recent SYN: a retransmitted SYN restarts it, and the SYN/ACK need not
        // have been captured (tshark's `ts_mru_syn`).
        if syn_only {
            conv.syn_time = Some(now);
        } else if flags & (TH_SYN | TH_ACK) == TH_ACK && conv.initial_rtt.is_none() {
            if let Some(syn) = conv.syn_time {
                conv.initial_rtt = Some(now - syn);
            }
        }

        let mut ta = Analysis::default();
        if reused {
            ta.flags |= REUSED_PORTS;
        }
        analyze(
            conv,
            reverse,
            seg,
            window,
            seglen,
            frame,
            now,
            &mut ta,
            &mut self.stats,
        );

        // Completeness (tshark 4.0 as observed with -2): a SYN counts only when it opens the
        // conversation, ACK only from segments without data, and the frame that opened a
        // conversation without a SYN shows what the other frames contributed.
        let first = conv.first_frame == frame;
        let mut bits = 0u8;
        if flags & TH_SYN != 0 {
            if flags & TH_ACK != 0 {
                bits |= 2;
            } else if first {
                bits |= 1;
            }
        } else if flags & TH_ACK != 0 && seglen == 0 {
            bits |= 4;
        }
        if seglen > 0 {
            bits |= 8;
        }
        if flags & TH_FIN != 0 {
            bits |= 16;
            side_mut(&mut conv.flows, reverse).fin = true;
        }
        if flags & TH_RST != 0 {
            bits |= 32;
            conv.rst = true;
        }
        conv.completeness |= bits;
        if first && !syn_only {
            conv.first_bits = bits;
        } else {
            conv.other_bits |= bits;
        }

        let fwd_base = side(&conv.flows, reverse).base_seq.unwrap_or(seg.seq);
        let rev_base = side(&conv.flows, !reverse).base_seq.unwrap_or(0);
        let rel_seq = seg.seq.wrapping_sub(fwd_base);
        let rel_ack = if flags & TH_ACK != 0 {
            seg.ack.wrapping_sub(rev_base)
        } else {
            seg.ack
        };
        let mut nxt = rel_seq.wrapping_add(seglen);
        if flags & (TH_SYN | TH_FIN) != 0 {
            nxt = nxt.wrapping_add(1);
        }
        let stream = conv.stream;
        let mut initial_rtt = conv.initial_rtt;
        let mut completeness_shown = completeness_shown;
        let slot = stream as usize;
        if self.show_finals {
            if let Some(f) = self.finals.get(slot) {
                completeness_shown = if f.first_frame == frame {
                    f.other_bits
                } else {
                    f.other_bits | f.first_bits
                };
                initial_rtt = f.initial_rtt;
            }
        } else {
            if self.finals.len() <= slot {
                self.finals.resize(slot + 1, StreamFinal::default());
            }
            if let Some(f) = self.finals.get_mut(slot) {
                *f = StreamFinal {
                    first_frame: conv.first_frame,
                    first_bits: conv.first_bits,
                    other_bits: conv.other_bits,
                    initial_rtt: conv.initial_rtt,
                };
            }
        }

        // The stateful items, each with the rank of its tree position.
        let mut out = std::mem::take(&mut self.stateful);
        out.clear();
        let mut push = |rank: u8, f: FieldId, v: Value, depth: u8| {
            if interest.wants(f) {
                out.push((rank, item(f, v, depth)));
            }
        };
        push(R_STREAM, TCP_STREAM, Value::UInt(stream.into()), 1);
        push(
            R_STREAM,
            COMPLETENESS,
            Value::UInt(completeness_shown.into()),
            1,
        );
        push(R_SEQ, SEQ, Value::UInt(rel_seq.into()), 1);
        push(R_NXTSEQ, NXTSEQ, Value::UInt(nxt.into()), 1);
        push(R_ACK, ACK, Value::UInt(rel_ack.into()), 1);
        push(R_WINDOW, WINDOW_SIZE, Value::UInt(window.into()), 1);
        if flags & TH_SYN == 0 {
            let factor = match win_scale {
                Some(s) if s >= 0 => 1i64 << s,
                Some(s) => i64::from(s),
                None => -1,
            };
            push(R_WINDOW, SCALEFACTOR, Value::Int(factor), 1);
        }
        push(R_TIMES, TCP_TIME_REL, Value::RelTime(rel_time), 2);
        push(R_TIMES, TCP_TIME_DELTA, Value::RelTime(delta_time), 2);
        // tshark adds the analysis subtree only for frames with analysis results of their own;
        // the initial RTT is shown inside it, never alone.
        let any_analysis = ta.acks_frame.is_some()
            || ta.bytes_in_flight > 0
            || ta.push_bytes_sent > 0
            || ta.flags != 0;
        if any_analysis {
            push(R_ANALYSIS, ANALYSIS, Value::None, 1);
            if let Some(f) = ta.acks_frame {
                push(R_ANALYSIS, ACKS_FRAME, Value::UInt(f.into()), 2);
                if ta.ack_rtt != 0 {
                    push(R_ANALYSIS, ACK_RTT, Value::RelTime(ta.ack_rtt), 2);
                }
            }
            if let Some(rtt) = initial_rtt {
                push(R_ANALYSIS, INITIAL_RTT, Value::RelTime(rtt), 2);
            }
            if ta.bytes_in_flight > 0 {
                push(
                    R_ANALYSIS,
                    BYTES_IN_FLIGHT,
                    Value::UInt(ta.bytes_in_flight.into()),
                    2,
                );
            }
            if ta.push_bytes_sent > 0 {
                push(
                    R_ANALYSIS,
                    PUSH_BYTES_SENT,
                    Value::UInt(ta.push_bytes_sent.into()),
                    2,
                );
            }
            if ta.flags != 0 {
                push(R_ANALYSIS, ANALYSIS_FLAGS, Value::None, 2);
                for f in FLAGS_PRINTED.iter().filter(|f| ta.flags & f.bit != 0) {
                    push(R_ANALYSIS, EXPERT, Value::None, 3);
                    push(R_ANALYSIS, f.field, Value::None, 4);
                    if f.bit & (SPURIOUS_RETRANSMISSION | FAST_RETRANSMISSION) != 0 {
                        let retrans = const { id("tcp.analysis.retransmission") };
                        push(R_ANALYSIS, EXPERT, Value::None, 3);
                        push(R_ANALYSIS, retrans, Value::None, 4);
                    }
                    if f.bit == DUPLICATE_ACK {
                        push(
                            R_ANALYSIS,
                            DUP_ACK_NUM,
                            Value::UInt(ta.dupack_num.into()),
                            2,
                        );
                        push(
                            R_ANALYSIS,
                            DUP_ACK_FRAME,
                            Value::UInt(ta.dupack_frame.into()),
                            2,
                        );
                    }
                }
            }
        }
        self.merge(p, t.insert_at, &out, rank_of);
        self.stateful = out;
        relative_sack_edges(p, t.insert_at, rev_base);

        if p.want_columns {
            info(p, t, seg, rel_seq, rel_ack, window, seglen, rev_base, &ta);
        }
        let _ = rel_seq;
        // Last, so that the upper layers' items follow TCP's and their Info replaces it.
        let retransmitted =
            ta.flags & (RETRANSMISSION | FAST_RETRANSMISSION | SPURIOUS_RETRANSMISSION) != 0;
        self.streams
            .feed(p, interest, t, seg, stream, reverse, retransmitted);
    }

    /// Merge ranked stateful items into the layer's items starting at `at`: each goes before
    /// the first stateless item of a higher rank. The layer ends at the next depth-0 item.
    fn merge(
        &mut self,
        p: &mut Packet,
        at: usize,
        stateful: &[(u8, Item)],
        rank: impl Fn(FieldId) -> Option<u8>,
    ) {
        if stateful.is_empty() {
            return;
        }
        let at = at.min(p.items.len());
        let rest = p.items.get(at..).unwrap_or(&[]);
        let len = rest.iter().position(|i| i.depth == 0).unwrap_or(rest.len());
        let end = at + len;
        let layer = p.items.get(at.wrapping_sub(1)).map_or(1, |i| i.layer);
        self.scratch.clear();
        let mut next = stateful.iter().peekable();
        for it in rest.get(..len).unwrap_or(rest) {
            if let Some(r) = rank(it.field).filter(|_| it.depth == 1) {
                while let Some((_, s)) = next.next_if(|(sr, _)| *sr < r) {
                    self.scratch.push(Item { layer, ..*s });
                }
            }
            self.scratch.push(*it);
        }
        for (_, s) in next {
            self.scratch.push(Item { layer, ..*s });
        }
        p.items.splice(at..end, self.scratch.drain(..));
    }
}

// Tree positions of the stateless and stateful TCP items (Wireshark 4.0's order).
const R_STREAM: u8 = 1;
const R_LEN: u8 = 2;
const R_SEQ: u8 = 3;
const R_SEQ_RAW: u8 = 4;
const R_NXTSEQ: u8 = 5;
const R_ACK: u8 = 6;
const R_ACK_RAW: u8 = 7;
const R_HDR: u8 = 8;
const R_WINDOW_VALUE: u8 = 9;
const R_WINDOW: u8 = 10;
const R_CHECKSUM: u8 = 11;
const R_TIMES: u8 = 12;
const R_ANALYSIS: u8 = 13;
const R_PAYLOAD: u8 = 14;

fn rank_of(f: FieldId) -> Option<u8> {
    Some(match f {
        LEN => R_LEN,
        SEQ_RAW => R_SEQ_RAW,
        ACK_RAW => R_ACK_RAW,
        HDR_LEN | FLAGS => R_HDR,
        WINDOW_SIZE_VALUE => R_WINDOW_VALUE,
        URGENT_POINTER | OPTIONS => R_CHECKSUM,
        PAYLOAD => R_PAYLOAD,
        _ if f == const { id("tcp.checksum") } || f == const { id("tcp.checksum.status") } => {
            R_CHECKSUM
        }
        _ => return None,
    })
}

fn item(field: FieldId, value: Value, depth: u8) -> Item {
    Item {
        field,
        value,
        layer: 1,
        depth,
        hidden: false,
        pos: ByteRange::EMPTY,
    }
}

/// tshark shows SACK edges relative to the peer's base sequence number.
fn relative_sack_edges(p: &mut Packet, at: usize, base: u32) {
    for it in p.items.iter_mut().skip(at) {
        if it.depth == 0 {
            break;
        }
        if it.field == OPT_SACK_LE || it.field == OPT_SACK_RE {
            if let Value::UInt(v) = it.value {
                it.value = Value::UInt(u64::from((v as u32).wrapping_sub(base)));
            }
        }
    }
}

/// Wireshark's `tcp_analyze_sequence_number`, on raw sequence numbers.
#[allow(clippy::too_many_arguments)]
fn analyze(
    conv: &mut TcpConv,
    reverse: bool,
    seg: &TcpSegment,
    window: u32,
    seglen: u32,
    frame: u32,
    now: i64,
    ta: &mut Analysis,
    stats: &mut ConversationStats,
) {
    let flags = seg.flags;
    let (seq, ack) = (seg.seq, seg.ack);
    let no_sfr = flags & (TH_SYN | TH_FIN | TH_RST) == 0;
    let (fwd, rev) = sides_mut(&mut conv.flows, reverse);

    'fwd: {
        // Zero window probe: one byte at the next sequence number into a closed window.
        if seglen == 1 && fwd.nextseq == Some(seq) && rev.window == Some(0) {
            ta.flags |= ZERO_WINDOW_PROBE;
            break 'fwd;
        }
        if window == 0 && no_sfr {
            ta.flags |= ZERO_WINDOW;
        }
        if let Some(n) = fwd.nextseq {
            if gt(seq, n) && flags & TH_RST == 0 {
                ta.flags |= LOST_PACKET;
            }
        }
        if seglen <= 1 && no_sfr && fwd.nextseq.is_some_and(|n| n.wrapping_sub(1) == seq) {
            ta.flags |= KEEP_ALIVE;
        }
        let same_position = fwd.nextseq == Some(seq) && fwd.lastack == Some(ack);
        if seglen == 0 && window != 0 && Some(window) != fwd.window && same_position && no_sfr {
            ta.flags |= WINDOW_UPDATE;
        }
        if seglen > 0 && no_sfr {
            if let (Some(s), Some(la), Some(w)) = (rev.win_scale, rev.lastack, rev.window) {
                let _ = s;
                if seq.wrapping_add(seglen) == la.wrapping_add(w) {
                    ta.flags |= WINDOW_FULL;
                }
            }
        }
        if seglen == 0
            && Some(window) == fwd.window
            && same_position
            && rev.lastsegmentflags & KEEP_ALIVE != 0
            && no_sfr
        {
            ta.flags |= KEEP_ALIVE_ACK;
            break 'fwd;
        }
        if seglen == 0
            && window == 0
            && Some(window) == fwd.window
            && same_position
            && rev.lastsegmentflags & ZERO_WINDOW_PROBE != 0
            && no_sfr
        {
            ta.flags |= ZERO_WINDOW_PROBE_ACK;
            break 'fwd;
        }
        if seglen == 0 && window != 0 && Some(window) == fwd.window && same_position && no_sfr {
            fwd.dupacknum = if fwd.dupacknum == -1 {
                1
            } else {
                fwd.dupacknum + 1
            };
            ta.flags |= DUPLICATE_ACK;
            ta.dupack_num = fwd.dupacknum.max(0) as u32;
            ta.dupack_frame = fwd.lastnondupack;
        }
    }
    // A new ACK number resets the duplicate ACK count.
    if fwd.lastack != Some(ack) {
        fwd.lastnondupack = frame;
        fwd.dupacknum = 0;
    }

    // An ACK beyond anything seen in the other direction. (packet-tcp.c also lets a run of
    // such ACKs flag only once via the duplicate ACK counter; on the SMTP captures that
    // disagreed with tshark more often than this simpler form.)
    if let Some(m) = rev.maxseqtobeacked {
        if gt(ack, m) && flags & TH_ACK != 0 {
            ta.flags |= ACK_LOST_PACKET;
            rev.maxseqtobeacked = rev.nextseq;
        }
    }

    // Spurious is checked first and needs no known next sequence number; a segment of more
    // than one byte starting one below it (after a zero window probe) is new data.
    if (seglen > 0 || flags & (TH_SYN | TH_FIN) != 0) && ta.flags & KEEP_ALIVE == 0 {
        let n = fwd.nextseq.filter(|&n| n != 0);
        let not_advanced =
            n.is_some_and(|n| lt(seq, n) && !(seglen > 1 && n.wrapping_sub(1) == seq));
        let since_ack = now - rev.lastack_time;
        let since_next = now - fwd.nextseq_time;
        let ooo_thres = conv.initial_rtt.filter(|&r| r > 0).unwrap_or(3_000_000);
        let syn_fin = u32::from(flags & (TH_SYN | TH_FIN) != 0);
        if seglen > 0
            && rev
                .lastack
                .is_some_and(|la| la != 0 && !gt(seq.wrapping_add(seglen), la))
        {
            ta.flags |= SPURIOUS_RETRANSMISSION;
        } else if not_advanced
            && rev.dupacknum >= 2
            && rev.lastack == Some(seq)
            && since_ack < 20_000_000
        {
            ta.flags |= FAST_RETRANSMISSION;
        } else if not_advanced
            && since_next < ooo_thres
            && n != Some(seq.wrapping_add(seglen).wrapping_add(syn_fin))
        {
            ta.flags |= OUT_OF_ORDER;
        } else if not_advanced {
            ta.flags |= RETRANSMISSION;
        }
    }

    let mut nextseq = seq.wrapping_add(seglen);
    if flags & (TH_SYN | TH_FIN) != 0 {
        nextseq = nextseq.wrapping_add(1);
    }
    if ta.flags & ZERO_WINDOW_PROBE == 0 {
        if fwd.nextseq.is_none_or(|n| gt(nextseq, n)) {
            fwd.nextseq = Some(nextseq);
            fwd.nextseq_time = now;
        }
        if fwd.maxseqtobeacked.is_none_or(|m| m == seq) {
            fwd.maxseqtobeacked = fwd.nextseq;
        }
    }
    fwd.window = Some(window);
    fwd.lastack = Some(ack);
    fwd.lastack_time = now;
    fwd.lastsegmentflags = ta.flags;

    if seglen > 0 || flags & (TH_SYN | TH_FIN) != 0 {
        if fwd.unacked.len() >= MAX_UNACKED {
            fwd.unacked.pop();
            stats.unacked_dropped += 1;
        }
        fwd.unacked.insert(
            0,
            Unacked {
                frame,
                seq,
                nextseq,
                time_ns: now,
            },
        );
    }

    // Which of the other direction's segments does this ACK?
    if flags & TH_ACK != 0 {
        let mut i = 0;
        while let Some(u) = rev.unacked.get_mut(i) {
            if ack == u.nextseq {
                if ta.acks_frame.is_none() {
                    ta.acks_frame = Some(u.frame);
                    ta.ack_rtt = now - u.time_ns;
                }
                rev.unacked.remove(i);
            } else if gt(ack, u.seq) && !gt(ack, u.nextseq) {
                u.seq = ack;
                i += 1;
            } else if gt(u.nextseq, ack) {
                i += 1;
            } else {
                rev.unacked.remove(i);
            }
        }
    }

    // Bytes in flight: the span of this direction's unacknowledged data.
    if seglen > 0 {
        let mut span: Option<(u32, u32)> = None;
        for u in &fwd.unacked {
            span = Some(match span {
                None => (u.seq, u.nextseq),
                Some((a, b)) => (
                    if lt(u.seq, a) { u.seq } else { a },
                    if gt(u.nextseq, b) { u.nextseq } else { b },
                ),
            });
        }
        if let Some((a, b)) = span {
            let inflight = b.wrapping_sub(a);
            if inflight > 0 && inflight < 2_000_000_000 {
                ta.bytes_in_flight = inflight;
            }
        }
        if fwd.push_set_last {
            fwd.push_bytes_sent = seglen;
            fwd.push_set_last = false;
        } else {
            fwd.push_bytes_sent = fwd.push_bytes_sent.wrapping_add(seglen);
        }
        if flags & TH_PUSH != 0 {
            fwd.push_set_last = true;
        }
        ta.push_bytes_sent = fwd.push_bytes_sent;
    }
}

/// tshark's TCP Info column: `[analysis] sport → dport [FLAGS] Seq=… Ack=… Win=… Len=… options`.
#[allow(clippy::too_many_arguments)]
fn info(
    p: &mut Packet,
    t: &Transport,
    seg: &TcpSegment,
    rel_seq: u32,
    rel_ack: u32,
    window: u32,
    seglen: u32,
    rev_base: u32,
    ta: &Analysis,
) {
    let mut s = String::with_capacity(128);
    for f in FLAGS_PRINTED.iter().rev() {
        if ta.flags & f.bit != 0 {
            if f.bit == DUPLICATE_ACK {
                let _ = write!(s, "[TCP Dup ACK {}#{}] ", ta.dupack_frame, ta.dupack_num);
            } else {
                s.push_str(f.info);
            }
        }
    }
    let _ = write!(s, "{} → {} [", t.src_port, t.dst_port);
    tcp::flags_text(seg.flags, &mut s);
    let _ = write!(s, "] Seq={rel_seq}");
    if seg.flags & TH_ACK != 0 {
        let _ = write!(s, " Ack={rel_ack}");
    }
    let _ = write!(s, " Win={window}");
    if seg.flags & tcp::TH_URG != 0 {
        let _ = write!(s, " Urg={}", rel_urgent(p, t));
    }
    let _ = write!(s, " Len={seglen}");
    let hl = usize::from(seg.header_len);
    let mut cut = false;
    if let Some(h) = header(p, t) {
        cut = h.len() < hl;
        if let Some(opts) = h.get(20..hl.min(h.len())) {
            tcp::options_info(opts, rev_base, &mut s);
        }
    }
    if cut {
        // The header ran past the captured bytes: tshark's exception text.
        s.push_str(if p.info.cap_len < p.info.len {
            "[Packet size limited during capture]"
        } else {
            "[Malformed Packet]"
        });
    }
    p.columns.info = s;
}

fn rel_urgent(p: &Packet, t: &Transport) -> u16 {
    header(p, t).and_then(|h| be16(h, 18)).unwrap_or(0)
}

/// The TCP header's bytes: the range of the layer's protocol item.
fn header<'p>(p: &'p Packet, t: &Transport) -> Option<&'p [u8]> {
    let proto = p
        .items
        .get(..t.insert_at)
        .unwrap_or(&p.items)
        .iter()
        .rev()
        .find(|i| i.depth == 0)?;
    Some(p.bytes(proto.pos))
}
