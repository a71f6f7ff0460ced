//! TCP header dissection (the stateless part).
//!
//! Pushes the header's fields in Wireshark 4.0's tree order and fills [`Transport`] for the
//! stateful pass ([`super::conversation`]), which adds what needs flow state (`tcp.stream`,
//! relative numbers, `tcp.analysis.*`) and writes the Info column. Nothing here looks at other
//! frames.

use super::{bytes, ports, ByteRange, Interest, Packet, Source, TcpSegment, Transport, Value};
use crate::registry::{id, FieldId};
use std::fmt::Write;
use std::net::IpAddr;

pub(crate) const TCP: FieldId = id("tcp");
const SRCPORT: FieldId = id("tcp.srcport");
const DSTPORT: FieldId = id("tcp.dstport");
const PORT: FieldId = id("tcp.port");
pub(crate) const LEN: FieldId = id("tcp.len");
pub(crate) const SEQ_RAW: FieldId = id("tcp.seq_raw");
pub(crate) const ACK_RAW: FieldId = id("tcp.ack_raw");
pub(crate) const HDR_LEN: FieldId = id("tcp.hdr_len");
pub(crate) const FLAGS: FieldId = id("tcp.flags");
const FLAGS_RES: FieldId = id("tcp.flags.res");
const FLAGS_AE: FieldId = id("tcp.flags.ae");
const FLAGS_CWR: FieldId = id("tcp.flags.cwr");
const FLAGS_ECE: FieldId = id("tcp.flags.ece");
const FLAGS_URG: FieldId = id("tcp.flags.urg");
const FLAGS_ACK: FieldId = id("tcp.flags.ack");
const FLAGS_PUSH: FieldId = id("tcp.flags.push");
const FLAGS_RESET: FieldId = id("tcp.flags.reset");
const FLAGS_SYN: FieldId = id("tcp.flags.syn");
const FLAGS_FIN: FieldId = id("tcp.flags.fin");
const FLAGS_STR: FieldId = id("tcp.flags.str");
pub(crate) const WINDOW_SIZE_VALUE: FieldId = id("tcp.window_size_value");
const CHECKSUM: FieldId = id("tcp.checksum");
const CHECKSUM_STATUS: FieldId = id("tcp.checksum.status");
pub(crate) const URGENT_POINTER: FieldId = id("tcp.urgent_pointer");
pub(crate) const OPTIONS: FieldId = id("tcp.options");
const OPTION_KIND: FieldId = id("tcp.option_kind");
const OPTION_LEN: FieldId = id("tcp.option_len");
const OPT_NOP: FieldId = id("tcp.options.nop");
const OPT_EOL: FieldId = id("tcp.options.eol");
const OPT_MSS: FieldId = id("tcp.options.mss");
const OPT_MSS_VAL: FieldId = id("tcp.options.mss_val");
const OPT_WSCALE: FieldId = id("tcp.options.wscale");
const OPT_WSCALE_SHIFT: FieldId = id("tcp.options.wscale.shift");
const OPT_WSCALE_MULT: FieldId = id("tcp.options.wscale.multiplier");
const OPT_SACK_PERM: FieldId = id("tcp.options.sack_perm");
const OPT_SACK: FieldId = id("tcp.options.sack");
pub(crate) const OPT_SACK_LE: FieldId = id("tcp.options.sack_le");
pub(crate) const OPT_SACK_RE: FieldId = id("tcp.options.sack_re");
const OPT_SACK_COUNT: FieldId = id("tcp.options.sack.count");
const OPT_TS: FieldId = id("tcp.options.timestamp");
const OPT_TSVAL: FieldId = id("tcp.options.timestamp.tsval");
const OPT_TSECR: FieldId = id("tcp.options.timestamp.tsecr");
const OPT_UNKNOWN: FieldId = id("tcp.options.unknown");
const OPT_UNKNOWN_PAYLOAD: FieldId = id("tcp.options.unknown.payload");
pub(crate) const PAYLOAD: FieldId = id("tcp.payload");
const BOGUS_HEADER_LENGTH: FieldId = id("tcp.bogus_header_length");
const CONNECTION_SYN: FieldId = id("tcp.connection.syn");
const CONNECTION_SYNACK: FieldId = id("tcp.connection.synack");
const CONNECTION_FIN: FieldId = id("tcp.connection.fin");
const CONNECTION_RST: FieldId = id("tcp.connection.rst");
const EXPERT: FieldId = id("_ws.expert");
const MALFORMED: FieldId = id("_ws.malformed");
const SHORT: FieldId = id("_ws.short");
const DATA: FieldId = id("data");
const DATA_DATA: FieldId = id("data.data");
const DATA_LEN: FieldId = id("data.len");

pub(crate) const TH_FIN: u16 = 0x001;
pub(crate) const TH_SYN: u16 = 0x002;
pub(crate) const TH_RST: u16 = 0x004;
pub(crate) const TH_PUSH: u16 = 0x008;
pub(crate) const TH_ACK: u16 = 0x010;
pub(crate) const TH_URG: u16 = 0x020;

/// Dissect a TCP segment (`segment` = header + payload, already bounded by the IP length).
pub fn dissect(p: &mut Packet, interest: &Interest, src: IpAddr, dst: IpAddr, segment: ByteRange) {
    // Copy the header so that items can be pushed while reading it.
    let mut hdr = [0u8; 60];
    let avail = {
        let bytes = p.bytes(segment);
        for (h, b) in hdr.iter_mut().zip(bytes) {
            *h = *b;
        }
        bytes.len()
    };
    let at = |off: usize| ByteRange {
        source: segment.source,
        start: segment.start + off as u32,
        len: 0,
    };
    let field = |off: usize, len: usize| ByteRange {
        len: len as u32,
        ..at(off)
    };
    // Constant offsets within the 60-byte copy: never `None`.
    let be16 = |o: usize| bytes::be16(&hdr, o).unwrap_or(0);
    let be32 = |o: usize| bytes::be32(&hdr, o).unwrap_or(0);

    let data_offset = if avail > 12 {
        usize::from(hdr[12] >> 4) * 4
    } else {
        20
    };
    // The protocol item covers the header, as far as it was captured.
    let proto_len = data_offset.max(20).min(avail);
    // Wireshark creates the item over the whole segment (`len(tcp)`, `tcp contains` see the
    // payload), then shrinks the tree item to the header.
    p.begin_layer_in(TCP, field(0, proto_len), field(0, avail), field(0, avail));
    if p.want_columns {
        p.columns.protocol = "TCP";
        p.columns.info.clear();
    }

    if avail < 4 {
        truncated(p);
        return;
    }
    let (sport, dport) = (be16(0), be16(2));
    p.add(interest, SRCPORT, Value::UInt(sport.into()), field(0, 2));
    p.add(interest, DSTPORT, Value::UInt(dport.into()), field(2, 2));
    p.add_hidden(interest, PORT, Value::UInt(sport.into()), field(0, 2));
    p.add_hidden(interest, PORT, Value::UInt(dport.into()), field(2, 2));
    let insert_at = p.items.len();
    if p.want_columns {
        let _ = write!(p.columns.info, "{sport} → {dport}");
    }

    if avail < 20 || data_offset < 20 {
        // tshark gives up on the header here; no flow state is kept for the frame.
        if avail >= 13 && data_offset < 20 {
            p.add(interest, SEQ_RAW, Value::UInt(be32(4).into()), field(4, 4));
            p.add(interest, ACK_RAW, Value::UInt(be32(8).into()), field(8, 4));
            p.add(
                interest,
                HDR_LEN,
                Value::UInt(data_offset as u64),
                field(12, 1),
            );
            add_expert(p, interest, BOGUS_HEADER_LENGTH, field(12, 1));
            if p.want_columns {
                let _ = write!(
                    p.columns.info,
                    ", bogus TCP header length ({data_offset}, must be at least 20)"
                );
            }
            return;
        }
        truncated(p);
        return;
    }

    let seq = be32(4);
    let ack = be32(8);
    let flags = be16(12) & 0x0FFF;
    let window = be16(14);
    // Counted from the IP length, as tshark does: a segment cut by the snap length still has
    // the length the IP header gives (`Packet::reported_segment_len`).
    let reported = p.reported_segment_len.map_or(avail, |r| r as usize);
    let seglen = reported.saturating_sub(data_offset);
    let hdr_avail = data_offset.min(avail);
    p.add(interest, LEN, Value::UInt(seglen as u64), at(0));
    p.add(interest, SEQ_RAW, Value::UInt(seq.into()), field(4, 4));
    p.add(interest, ACK_RAW, Value::UInt(ack.into()), field(8, 4));
    p.add(
        interest,
        HDR_LEN,
        Value::UInt(data_offset as u64),
        field(12, 1),
    );
    p.add(interest, FLAGS, Value::UInt(flags.into()), field(12, 2));
    p.enter();
    let bit = |m: u16| Value::Bool(flags & m != 0);
    p.add(interest, FLAGS_RES, bit(0xE00), field(12, 1));
    p.add(interest, FLAGS_AE, bit(0x100), field(12, 1));
    p.add(interest, FLAGS_CWR, bit(0x080), field(13, 1));
    p.add(interest, FLAGS_ECE, bit(0x040), field(13, 1));
    p.add(interest, FLAGS_URG, bit(TH_URG), field(13, 1));
    p.add(interest, FLAGS_ACK, bit(TH_ACK), field(13, 1));
    p.add(interest, FLAGS_PUSH, bit(TH_PUSH), field(13, 1));
    p.add(interest, FLAGS_RESET, bit(TH_RST), field(13, 1));
    if flags & TH_RST != 0 {
        p.enter();
        add_expert(p, interest, CONNECTION_RST, field(13, 1));
        p.leave();
    }
    p.add(interest, FLAGS_SYN, bit(TH_SYN), field(13, 1));
    if flags & TH_SYN != 0 {
        p.enter();
        let which = if flags & TH_ACK != 0 {
            CONNECTION_SYNACK
        } else {
            CONNECTION_SYN
        };
        add_expert(p, interest, which, field(13, 1));
        p.leave();
    }
    p.add(interest, FLAGS_FIN, bit(TH_FIN), field(13, 1));
    if flags & TH_FIN != 0 {
        p.enter();
        add_expert(p, interest, CONNECTION_FIN, field(13, 1));
        p.leave();
    }
    if interest.wants(FLAGS_STR) {
        let mut s = String::with_capacity(36);
        for (i, letter) in "RRRNCEUAPRSF".chars().enumerate() {
            s.push(if flags >> (11 - i) & 1 != 0 {
                letter
            } else {
                '·'
            });
        }
        let r = p.add_extra(s.as_bytes());
        p.add(interest, FLAGS_STR, Value::Str(r), field(12, 2));
    }
    p.leave();
    p.add(
        interest,
        WINDOW_SIZE_VALUE,
        Value::UInt(window.into()),
        field(14, 2),
    );
    p.add(
        interest,
        CHECKSUM,
        Value::UInt(be16(16).into()),
        field(16, 2),
    );
    // 2 = "Unverified": tshark does not check TCP checksums by default.
    p.add(interest, CHECKSUM_STATUS, Value::UInt(2), at(16));
    let urgent = be16(18);
    p.add(
        interest,
        URGENT_POINTER,
        Value::UInt(urgent.into()),
        field(18, 2),
    );

    let mut seg = TcpSegment {
        seq,
        ack,
        flags,
        window,
        header_len: data_offset as u8,
        ..TcpSegment::default()
    };
    if hdr_avail > 20 {
        let opts = hdr.get(20..hdr_avail).unwrap_or(&[]);
        p.add(
            interest,
            OPTIONS,
            Value::Bytes(field(20, data_offset - 20)),
            field(20, data_offset - 20),
        );
        p.enter();
        dissect_options(
            p,
            interest,
            opts,
            segment.start + 20,
            segment.source,
            &mut seg,
        );
        p.leave();
    }

    // Only the captured part of the payload has bytes.
    let payload = field(data_offset, avail.saturating_sub(data_offset));
    if payload.len > 0 {
        p.add(interest, PAYLOAD, Value::Bytes(payload), payload);
    }
    p.transport = Some(Transport {
        src,
        dst,
        src_port: sport,
        dst_port: dport,
        tcp: Some(seg),
        payload,
        insert_at,
    });
    if payload.len > 0 && !claimed(ports::TCP_PORTS, sport, dport) {
        push_data(p, interest, payload);
    }
    if data_offset > avail {
        truncated(p);
    }
}

/// Whether tshark would hand a payload between these ports to a registered dissector.
pub(crate) fn claimed(table: &[u16], a: u16, b: u16) -> bool {
    table.binary_search(&a).is_ok() || table.binary_search(&b).is_ok()
}

/// The `data` layer tshark shows for payloads no dissector claims.
pub(crate) fn push_data(p: &mut Packet, interest: &Interest, payload: ByteRange) {
    p.begin_layer(DATA, payload);
    p.add(interest, DATA_DATA, Value::Bytes(payload), payload);
    p.add(
        interest,
        DATA_LEN,
        Value::Int(i64::from(payload.len)),
        ByteRange { len: 0, ..payload },
    );
}

/// An expert item as tshark nests it: `_ws.expert` with the expert field under it.
fn add_expert(p: &mut Packet, interest: &Interest, field: FieldId, pos: ByteRange) {
    p.add(interest, EXPERT, Value::Protocol(pos), pos);
    p.enter();
    p.add(interest, field, Value::None, ByteRange::EMPTY);
    p.leave();
}

/// The header ends before its fixed part: tshark stops with an exception.
fn truncated(p: &mut Packet) {
    let short = p.info.cap_len < p.info.len;
    let proto = if short { SHORT } else { MALFORMED };
    p.begin_layer(proto, ByteRange::EMPTY);
    if p.want_columns {
        p.columns.info.push_str(if short {
            "[Packet size limited during capture]"
        } else {
            "[Malformed Packet]"
        });
    }
}

fn dissect_options(
    p: &mut Packet,
    interest: &Interest,
    opts: &[u8],
    base: u32,
    source: Source,
    seg: &mut TcpSegment,
) {
    let pos = |off: usize, len: usize| ByteRange {
        source,
        start: base + off as u32,
        len: len as u32,
    };
    let mut off = 0;
    while let Some(&kind) = opts.get(off) {
        match kind {
            0 => {
                // EOL: the rest is padding.
                p.add(interest, OPT_EOL, Value::Protocol(pos(off, 1)), pos(off, 1));
                p.enter();
                p.add(interest, OPTION_KIND, Value::UInt(0), pos(off, 1));
                p.leave();
                off += 1;
                continue;
            }
            1 => {
                p.add(interest, OPT_NOP, Value::Protocol(pos(off, 1)), pos(off, 1));
                p.enter();
                p.add(interest, OPTION_KIND, Value::UInt(1), pos(off, 1));
                p.leave();
                off += 1;
                continue;
            }
            _ => {}
        }
        let Some(&len) = opts.get(off + 1) else {
            return;
        };
        let len = usize::from(len);
        let Some(body) = opts.get(off + 2..off + len).filter(|_| len >= 2) else {
            return;
        };
        let r = pos(off, len);
        let be16 = |o: usize| bytes::be16(body, o);
        let be32 = |o: usize| bytes::be32(body, o);
        let proto = match (kind, len) {
            (2, 4) => OPT_MSS,
            (3, 3) => OPT_WSCALE,
            (4, 2) => OPT_SACK_PERM,
            (5, _) if len >= 2 && (len - 2) % 8 == 0 => OPT_SACK,
            (8, 10) => OPT_TS,
            _ => OPT_UNKNOWN,
        };
        p.add(interest, proto, Value::Protocol(r), r);
        p.enter();
        p.add(interest, OPTION_KIND, Value::UInt(kind.into()), pos(off, 1));
        p.add(
            interest,
            OPTION_LEN,
            Value::UInt(len as u64),
            pos(off + 1, 1),
        );
        match proto {
            OPT_MSS => {
                let v = be16(0).unwrap_or(0);
                seg.mss = Some(v);
                p.add(
                    interest,
                    OPT_MSS_VAL,
                    Value::UInt(v.into()),
                    pos(off + 2, 2),
                );
            }
            OPT_WSCALE => {
                let shift = body.first().copied().unwrap_or(0);
                seg.window_scale = Some(shift);
                p.add(
                    interest,
                    OPT_WSCALE_SHIFT,
                    Value::UInt(shift.into()),
                    pos(off + 2, 1),
                );
                p.add(
                    interest,
                    OPT_WSCALE_MULT,
                    Value::UInt(1u64 << shift.min(14)),
                    pos(off + 2, 1),
                );
            }
            OPT_SACK_PERM => seg.sack_perm = true,
            OPT_SACK => {
                // Raw edges; the stateful pass makes them relative as tshark shows them.
                let n = (len - 2) / 8;
                for i in 0..n {
                    let le = be32(i * 8).unwrap_or(0);
                    let re = be32(i * 8 + 4).unwrap_or(0);
                    p.add(
                        interest,
                        OPT_SACK_LE,
                        Value::UInt(le.into()),
                        pos(off + 2 + i * 8, 4),
                    );
                    p.add(
                        interest,
                        OPT_SACK_RE,
                        Value::UInt(re.into()),
                        pos(off + 6 + i * 8, 4),
                    );
                }
                p.add(interest, OPT_SACK_COUNT, Value::UInt(n as u64), r);
            }
            OPT_TS => {
                let (tsval, tsecr) = (be32(0).unwrap_or(0), be32(4).unwrap_or(0));
                seg.timestamps = Some((tsval, tsecr));
                p.add(
                    interest,
                    OPT_TSVAL,
                    Value::UInt(tsval.into()),
                    pos(off + 2, 4),
                );
                p.add(
                    interest,
                    OPT_TSECR,
                    Value::UInt(tsecr.into()),
                    pos(off + 6, 4),
                );
            }
            _ => {
                if len > 2 {
                    let b = pos(off + 2, len - 2);
                    p.add(interest, OPT_UNKNOWN_PAYLOAD, Value::Bytes(b), b);
                }
            }
        }
        p.leave();
        off += len;
    }
}

/// The Info text tshark appends for the options (` MSS=1460 SACK_PERM TSval=… WS=128`), in
/// option order. SACK edges are shown relative to `sack_base` (the peer's base sequence number).
pub(crate) fn options_info(opts: &[u8], sack_base: u32, out: &mut String) {
    let mut off = 0;
    while let Some(&kind) = opts.get(off) {
        match kind {
            0 => return,
            1 => {
                off += 1;
                continue;
            }
            _ => {}
        }
        let Some(len) = opts.get(off + 1).map(|&l| usize::from(l)) else {
            return;
        };
        let Some(body) = opts.get(off + 2..off + len).filter(|_| len >= 2) else {
            return;
        };
        let be32 = |o: usize| bytes::be32(body, o).unwrap_or(0);
        match (kind, len) {
            (2, 4) => {
                let _ = write!(out, " MSS={}", bytes::be16(body, 0).unwrap_or(0));
            }
            (3, 3) => {
                let shift = body.first().map_or(0, |&s| s.min(14));
                let _ = write!(out, " WS={}", 1u32 << shift);
            }
            (4, 2) => out.push_str(" SACK_PERM"),
            (5, _) if (len - 2) % 8 == 0 => {
                for i in 0..(len - 2) / 8 {
                    let _ = write!(
                        out,
                        " SLE={} SRE={}",
                        be32(i * 8).wrapping_sub(sack_base),
                        be32(i * 8 + 4).wrapping_sub(sack_base)
                    );
                }
            }
            (8, 10) => {
                let _ = write!(out, " TSval={} TSecr={}", be32(0), be32(4));
            }
            _ => {}
        }
        off += len;
    }
}

/// Flag names as in tshark's Info column and `tcp.flags` text (`SYN, ACK`).
pub(crate) fn flags_text(flags: u16, out: &mut String) {
    const NAMES: [&str; 9] = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];
    let start = out.len();
    for (i, name) in NAMES.iter().enumerate() {
        if flags & (1 << i) != 0 {
            if out.len() > start {
                out.push_str(", ");
            }
            out.push_str(name);
        }
    }
    if flags & 0xE00 != 0 {
        if out.len() > start {
            out.push_str(", ");
        }
        out.push_str("Reserved");
    }
    if out.len() == start {
        out.push_str("<None>");
    }
}
