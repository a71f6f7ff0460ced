//! Per-field display rules for the details tree: the fields whose line tshark builds with its
//! own text (a dissector's `proto_item_append_text`, `BASE_CUSTOM`, `proto_tree_add_*_format`)
//! rather than from the registry's `Name: value`, and the fields it draws as bit fields although
//! their registry bitmask is 0 (the dissector passes the bits itself).
//!
//! One table, [`RULES`], keyed by field abbreviation; [`rule`] finds a field's rule. Beside it,
//! the tree's shape where tshark's differs from the items' depths: layers drawn inside another
//! ([`nested_layer`], [`encloses_rest`]), text-only headings ([`heading`]), and expert info
//! ([`expert_lines`], severity and group from the `EXPERTS` table).

use std::fmt::Write;

use crate::dissect::{Item, Packet, Value};

/// Draw the field as a bit field: `mask` within `width` bits, the drawn bits being the value
/// divided by `unit` (header lengths are stored in bytes, drawn in 32-bit words).
#[derive(Clone, Copy, Debug)]
pub struct Bits {
    pub mask: u64,
    pub width: u32,
    pub unit: u64,
}

/// How the text after the bit pattern is built.
#[derive(Clone, Copy, Debug)]
pub enum Text {
    /// `Frame Length: 74 bytes (592 bits)`.
    BytesAndBits(&'static str),
    /// `Header Length: 20 bytes (5)`: a length stored in bytes, counted in 32-bit words.
    BytesAndWords,
    /// `Sequence Number: 0    (relative sequence number)`.
    Relative(&'static str),
    /// `Acknowledgment Number: 1    (relative ack number)`, only when the ACK flag is set.
    RelativeAck,
    /// `Header Checksum: 0xb4db [validation disabled]`: the bracket says what the sibling
    /// status field says; `unverified` is the text for an unchecked checksum.
    Checksum {
        status: &'static str,
        unverified: &'static str,
    },
    /// `Flags: 0x2, Don't fragment`: the value, then the names of the flags set below it.
    SetFlags,
    /// `Flags: 0x002 (SYN)`: tshark's `tcp_flags_to_str`.
    TcpFlags,
    /// `Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)`.
    DsField,
    /// `Conversation completeness: Incomplete, DATA (15)` (`BASE_CUSTOM`).
    Completeness,
    /// `Options: (20 bytes), Maximum segment size, SACK permitted, ...`.
    TcpOptions,
    /// `TCP Option - Maximum segment size: 65495 bytes` and the other option summaries.
    TcpOption,
    /// `TCP payload (37 bytes)`: the name and the byte count, without the bytes.
    ByteCount(&'static str),
    /// `Length: 8 bytes`: the value and a unit.
    Unit(&'static str),
    /// `[Window size scaling factor: -1 (unknown)]`: tshark's words for the special factors.
    ScaleFactor,
    /// `Offset: 1 (8 bytes)`: a count of 8-byte units with the bytes it means.
    Octets,
    /// `Address[1]: 2200::…`: the name numbered among the layer's items of the same field.
    Numbered,
    /// `Priority: Voice, < 10ms latency and jitter (5)`: value names other than the registry's
    /// (tshark's default preference picks another table than the one the registry holds).
    Names(&'static [&'static str]),
    /// `6 IPv4 Fragments (8320 bytes): #1(1480), #2(1480), ...`: the pieces below, numbered by frame.
    Fragments(&'static str),
    /// `Frame: 1, payload: 0-1479 (1480 bytes)`: a piece at the offset the pieces before it fill.
    FragmentPiece,
    /// `Type: 8 (Echo (ping) request)`: packet-icmp.c writes the number first.
    IcmpType,
    /// `Code: 0 (Time to live exceeded in transit)`, the names depending on the type.
    IcmpCode,
    /// `Router Alert`, `Unknown IPv6 Option (11)`: an option named by its type child.
    OptionByType {
        kind: &'static str,
        unknown: &'static str,
    },
}

#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub abbrev: &'static str,
    pub bits: Option<Bits>,
    /// Draw no bit pattern although the registry has a bitmask (`tcp.flags` heads a bitmask tree).
    pub no_bits: bool,
    /// When our tree hangs the item under the one before it, draw it one level up: tshark shows
    /// it beside that item (`[Length: 8 bytes]` beside the extension header's `Length: 0`).
    pub lift: bool,
    pub text: Option<Text>,
}

const fn bits(mask: u64, width: u32, unit: u64) -> Option<Bits> {
    Some(Bits { mask, width, unit })
}

const fn text(abbrev: &'static str, t: Text) -> Rule {
    Rule {
        abbrev,
        bits: None,
        no_bits: false,
        lift: false,
        text: Some(t),
    }
}

const fn lifted(abbrev: &'static str, t: Text) -> Rule {
    Rule {
        lift: true,
        ..text(abbrev, t)
    }
}

/// The rules, from tshark 4.0's dissectors (packet-frame.c, packet-ip.c, packet-ipv6.c,
/// packet-tcp.c, packet-udp.c) and checked against tests/data/show/.
pub const RULES: &[Rule] = &[
    text("frame.len", Text::BytesAndBits("Frame Length")),
    text("frame.cap_len", Text::BytesAndBits("Capture Length")),
    Rule {
        abbrev: "ip.version",
        bits: bits(0xf0, 8, 1),
        no_bits: false,
        lift: false,
        text: None,
    },
    Rule {
        abbrev: "ip.hdr_len",
        bits: bits(0x0f, 8, 4),
        no_bits: false,
        lift: false,
        text: Some(Text::BytesAndWords),
    },
    text("ip.dsfield", Text::DsField),
    text("ip.flags", Text::SetFlags),
    text(
        "ip.checksum",
        Text::Checksum {
            status: "ip.checksum.status",
            unverified: "validation disabled",
        },
    ),
    Rule {
        abbrev: "ipv6.version",
        bits: bits(0xf0, 8, 1),
        no_bits: false,
        lift: false,
        text: None,
    },
    text("ipv6.tclass", Text::DsField),
    text("tcp.completeness", Text::Completeness),
    text("tcp.seq", Text::Relative("relative sequence number")),
    text("tcp.nxtseq", Text::Relative("relative sequence number")),
    text("tcp.ack", Text::RelativeAck),
    Rule {
        abbrev: "tcp.hdr_len",
        bits: bits(0xf0, 8, 4),
        no_bits: false,
        lift: false,
        text: Some(Text::BytesAndWords),
    },
    Rule {
        abbrev: "tcp.flags",
        bits: None,
        no_bits: true,
        lift: false,
        text: Some(Text::TcpFlags),
    },
    text(
        "tcp.checksum",
        Text::Checksum {
            status: "tcp.checksum.status",
            unverified: "unverified",
        },
    ),
    text("tcp.options", Text::TcpOptions),
    text("tcp.options.mss", Text::TcpOption),
    text("tcp.options.sack_perm", Text::TcpOption),
    text("tcp.options.timestamp", Text::TcpOption),
    text("tcp.options.nop", Text::TcpOption),
    text("tcp.options.eol", Text::TcpOption),
    text("tcp.options.wscale", Text::TcpOption),
    text("tcp.options.sack", Text::TcpOption),
    text("tcp.payload", Text::ByteCount("TCP payload")),
    text("tcp.window_size_scalefactor", Text::ScaleFactor),
    text("ipv6.fraghdr.offset", Text::Octets),
    // IEEE 802.1Q-2014 names (packet-vlan.c `pri_vals`, tshark's default).
    text(
        "vlan.priority",
        Text::Names(&[
            "Best Effort (default)",
            "Background",
            "Excellent Effort",
            "Critical Applications",
            "Video, < 100ms latency and jitter",
            "Voice, < 10ms latency and jitter",
            "Internetwork Control",
            "Network Control",
        ]),
    ),
    text("ip.fragments", Text::Fragments("IPv4 Fragments")),
    text("ip.fragment", Text::FragmentPiece),
    text("ipv6.routing.src.addr", Text::Numbered),
    text("icmp.type", Text::IcmpType),
    text("icmp.code", Text::IcmpCode),
    lifted("ipv6.hopopts.len_oct", Text::Unit("bytes")),
    lifted("ipv6.dstopts.len_oct", Text::Unit("bytes")),
    lifted("ipv6.routing.len_oct", Text::Unit("bytes")),
    text(
        "ipv6.opt",
        Text::OptionByType {
            kind: "ipv6.opt.type",
            unknown: "Unknown IPv6 Option",
        },
    ),
    Rule {
        abbrev: "data.len",
        bits: None,
        no_bits: false,
        lift: true,
        text: None,
    },
    text("tcp.segment_data", Text::ByteCount("TCP segment data")),
    text("udp.payload", Text::ByteCount("UDP payload")),
    text(
        "udp.checksum",
        Text::Checksum {
            status: "udp.checksum.status",
            unverified: "unverified",
        },
    ),
    text(
        "icmp.checksum",
        Text::Checksum {
            status: "icmp.checksum.status",
            unverified: "unverified",
        },
    ),
    text(
        "icmpv6.checksum",
        Text::Checksum {
            status: "icmpv6.checksum.status",
            unverified: "unverified",
        },
    ),
];

/// The display rule of a field, if it has one.
pub fn rule(abbrev: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.abbrev == abbrev)
}

/// Protocols tshark draws inside the tree of the protocol before them (IPv6 extension headers
/// belong to the IPv6 tree), which our dissectors open as layers of their own.
pub fn nested_layer(abbrev: &str) -> bool {
    matches!(
        abbrev,
        "ipv6.hopopts" | "ipv6.dstopts" | "ipv6.routing" | "ipv6.fraghdr"
    )
}

/// Protocols whose payload tshark dissects inside their own tree (the packet an ICMP error
/// quotes, the data of an echo): every later layer is drawn one level deeper.
pub fn encloses_rest(abbrev: &str) -> bool {
    matches!(abbrev, "icmp" | "icmpv6")
}

/// ICMP code names of the types that have them (`unreach_code_str`, `redir_code_str`,
/// `ttl_code_str`, `par_code_str`); echo and the others, router advertisement included, show the
/// bare number in the tree (the dissector's Info column does name router-advertisement codes).
fn icmp_code_name(t: u64, c: u64) -> Option<&'static str> {
    let (t, c) = (u8::try_from(t).ok()?, u8::try_from(c).ok()?);
    if t == 9 {
        return None;
    }
    crate::dissect::icmp::code_name(t, c)
}

/// Subtree headings tshark draws as text-only items above a run of generated fields.
pub fn heading(abbrev: &str) -> Option<&'static str> {
    match abbrev {
        "tcp.time_relative" | "tcp.time_delta" | "udp.time_relative" | "udp.time_delta" => {
            Some("[Timestamps]")
        }
        _ => None,
    }
}

/// Expert items: (field, severity, group) as the dissectors register them (`ei_register_info`),
/// and the port tshark appends to the connection messages.
const EXPERTS: &[(&str, &str, &str)] = &[
    ("tcp.connection.syn", "Chat", "Sequence"),
    ("tcp.connection.synack", "Chat", "Sequence"),
    ("tcp.connection.fin", "Chat", "Sequence"),
    ("tcp.connection.rst", "Warning", "Sequence"),
    ("tcp.bogus_header_length", "Error", "Malformed"),
    ("tcp.analysis.retransmission", "Note", "Sequence"),
    ("tcp.analysis.fast_retransmission", "Note", "Sequence"),
    ("tcp.analysis.spurious_retransmission", "Note", "Sequence"),
    ("tcp.analysis.out_of_order", "Warning", "Sequence"),
    ("tcp.analysis.lost_segment", "Warning", "Sequence"),
    ("tcp.analysis.ack_lost_segment", "Warning", "Sequence"),
    ("tcp.analysis.window_update", "Chat", "Sequence"),
    ("tcp.analysis.window_full", "Warning", "Sequence"),
    ("tcp.analysis.keep_alive", "Note", "Sequence"),
    ("tcp.analysis.keep_alive_ack", "Note", "Sequence"),
    ("tcp.analysis.duplicate_ack", "Note", "Sequence"),
    ("tcp.analysis.zero_window", "Warning", "Sequence"),
    ("tcp.analysis.zero_window_probe", "Note", "Sequence"),
    ("tcp.analysis.zero_window_probe_ack", "Note", "Sequence"),
    ("tcp.analysis.reused_ports", "Note", "Sequence"),
];

/// The lines of an expert item whose message field is `msg_index`: the head
/// `[Expert Info (Sev/Group): message]`, then its three children (message, severity, group).
/// None for expert fields not in `EXPERTS` (drawn as plain items then).
pub fn expert_lines(p: &Packet, msg_index: usize) -> Option<[String; 4]> {
    let item = p.items.get(msg_index)?;
    let def = item.field.def();
    let &(_, severity, group) = EXPERTS.iter().find(|(a, _, _)| *a == def.abbrev)?;
    let port = |abbrev: &str| {
        p.items
            .get(..msg_index)
            .unwrap_or(&[])
            .iter()
            .rev()
            .find(|i| i.field.def().abbrev == abbrev && i.layer == item.layer)
            .map(uint)
    };
    let message = match def.abbrev {
        "tcp.connection.syn" => format!("{}: server port {}", def.name, port("tcp.dstport")?),
        "tcp.connection.synack" => format!("{}: server port {}", def.name, port("tcp.srcport")?),
        _ => def.name.to_string(),
    };
    Some([
        format!("[Expert Info ({severity}/{group}): {message}]"),
        format!("[{message}]"),
        format!("[Severity level: {severity}]"),
        format!("[Group: {group}]"),
    ])
}

fn uint(item: &Item) -> u64 {
    match item.value {
        Value::UInt(v) => v,
        Value::Int(v) => v as u64,
        Value::Bool(b) => b.into(),
        _ => 0,
    }
}

/// The items below `index` (its subtree), in order.
fn children<'p>(p: &'p Packet, index: usize) -> impl Iterator<Item = &'p Item> + 'p {
    let depth = p.items.get(index).map_or(0, |i| i.depth);
    p.items
        .iter()
        .skip(index + 1)
        // Items under a synthetic heading (`[Timestamps]`) are not children of what precedes them.
        .take_while(move |i| i.depth > depth && heading(i.field.def().abbrev).is_none())
        .filter(move |i| i.depth == depth + 1 && !i.hidden)
}

/// The nearest following sibling-or-later item of the same layer with field `abbrev`.
fn sibling<'p>(p: &'p Packet, index: usize, abbrev: &str) -> Option<&'p Item> {
    p.items
        .iter()
        .skip(index + 1)
        .take_while(|i| i.depth > 0)
        .find(|i| i.field.def().abbrev == abbrev)
}

/// DSCP short names (`dscp_short_vals`).
fn dscp_short(v: u64) -> String {
    match v {
        0 => "CS0".into(),
        8 | 16 | 24 | 32 | 40 | 48 | 56 => format!("CS{}", v / 8),
        10 | 12 | 14 | 18 | 20 | 22 | 26 | 28 | 30 | 34 | 36 | 38 => {
            format!("AF{}{}", v / 8, (v % 8) / 2)
        }
        1 => "LE".into(),
        44 => "VOICE-ADMIT".into(),
        46 => "EF".into(),
        _ => format!("Unknown ({v})"),
    }
}

fn ecn_short(v: u64) -> &'static str {
    match v & 3 {
        0 => "Not-ECT",
        1 => "ECT(1)",
        2 => "ECT(0)",
        _ => "CE",
    }
}

/// tshark's `tcp_flags_to_str`: the set flags, lowest bit first.
fn tcp_flags_text(flags: u64) -> String {
    const NAMES: [&str; 9] = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];
    let mut names: Vec<&str> = NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| flags & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect();
    if flags & 0xe00 != 0 {
        names.push("Reserved");
    }
    if names.is_empty() {
        "<None>".into()
    } else {
        names.join(", ")
    }
}

/// The name an option has in the `Options:` summary (its field name without the prefix).
fn option_name(name: &'static str) -> &'static str {
    name.strip_prefix("TCP Option - ").unwrap_or(name)
}

fn count(n: u64, unit: &str) -> String {
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The text of `item`'s line after any bit pattern, as the rule builds it; `None` when the rule
/// does not apply to this item's value (the default line is used then).
pub fn line_text(
    rule: &Rule,
    p: &Packet,
    index: usize,
    item: &Item,
    default_value: &str,
) -> Option<String> {
    let def = item.field.def();
    let name = def.name;
    let v = uint(item);
    Some(match rule.text? {
        Text::BytesAndBits(label) => format!("{label}: {v} bytes ({} bits)", v * 8),
        Text::BytesAndWords => format!("{name}: {v} bytes ({})", v / 4),
        Text::Relative(what) => format!("{name}: {v}    ({what})"),
        Text::RelativeAck => match sibling(p, index, "tcp.flags.ack").map(|i| i.value) {
            Some(Value::Bool(true)) => format!("{name}: {v}    (relative ack number)"),
            _ => return None,
        },
        Text::Checksum { status, unverified } => {
            let state = match sibling(p, index, status).map(uint) {
                Some(1) => "correct",
                Some(0) => "incorrect",
                _ => unverified,
            };
            format!("{name}: {default_value} [{state}]")
        }
        Text::SetFlags => {
            let mut s = format!("{name}: {default_value}");
            for c in children(p, index) {
                if matches!(c.value, Value::Bool(true)) && c.field.def().abbrev != "ip.flags.rb" {
                    let _ = write!(s, ", {}", c.field.def().name);
                }
            }
            s
        }
        Text::TcpFlags => format!("{name}: {default_value} ({})", tcp_flags_text(v)),
        Text::DsField => {
            let dscp = (v >> 2) & 0x3f;
            format!(
                "{name}: {default_value} (DSCP: {}, ECN: {})",
                dscp_short(dscp),
                ecn_short(v)
            )
        }
        Text::Completeness => {
            let what = match v {
                1 => "Incomplete, SYN_SENT",
                3 => "Incomplete, CLIENT_ESTABLISHED",
                7 => "Incomplete, ESTABLISHED",
                15 => "Incomplete, DATA",
                31 | 63 => "Complete, WITH_DATA",
                47 => "Complete, NO_DATA",
                _ => "Incomplete",
            };
            format!("{name}: {what} ({v})")
        }
        Text::TcpOptions => {
            let Value::Bytes(r) = item.value else {
                return None;
            };
            let mut s = format!("Options: ({})", count(r.len.into(), "byte"));
            for c in children(p, index) {
                let _ = write!(s, ", {}", option_name(c.field.def().name));
            }
            s
        }
        Text::TcpOption => {
            let kid = |abbrev: &str| {
                children(p, index)
                    .find(|c| c.field.def().abbrev == abbrev)
                    .map(uint)
            };
            let summary = match def.abbrev {
                "tcp.options.mss" => kid("tcp.options.mss_val").map(|m| format!("{m} bytes")),
                "tcp.options.timestamp" => Some(format!(
                    "TSval {}, TSecr {}",
                    kid("tcp.options.timestamp.tsval")?,
                    kid("tcp.options.timestamp.tsecr")?
                )),
                "tcp.options.wscale" => Some(format!(
                    "{} (multiply by {})",
                    kid("tcp.options.wscale.shift")?,
                    kid("tcp.options.wscale.multiplier")?
                )),
                _ => None,
            };
            match summary {
                Some(s) => format!("{name}: {s}"),
                None => name.to_string(),
            }
        }
        Text::IcmpType => format!(
            "{name}: {v} ({})",
            crate::dissect::icmp::known_type_name(u8::try_from(v).ok()?)?
        ),
        Text::IcmpCode => {
            let t = p
                .items
                .get(..index)
                .unwrap_or(&[])
                .iter()
                .rev()
                .find(|i| i.field.def().abbrev == "icmp.type" && i.layer == item.layer)
                .map(uint)?;
            format!("{name}: {v} ({})", icmp_code_name(t, v)?)
        }
        Text::Names(names) => {
            let n = names.get(usize::try_from(v).ok()?)?;
            format!("{name}: {n} ({v})")
        }
        Text::Fragments(label) => {
            let Value::Bytes(r) = item.value else {
                return None;
            };
            let pieces: Vec<&Item> = children(p, index)
                .filter(|c| c.field.def().abbrev.ends_with(".fragment"))
                .collect();
            let mut s = format!(
                "{} {label} ({}):",
                pieces.len(),
                count(r.len.into(), "byte")
            );
            for (i, c) in pieces.iter().enumerate() {
                let _ = write!(
                    s,
                    "{} #{}({})",
                    if i == 0 { "" } else { "," },
                    uint(c),
                    c.pos.len
                );
            }
            s
        }
        Text::FragmentPiece => {
            let offset: u64 = p
                .items
                .get(..index)
                .unwrap_or(&[])
                .iter()
                .rev()
                .take_while(|i| i.field == item.field)
                .map(|i| u64::from(i.pos.len))
                .sum();
            let len = u64::from(item.pos.len);
            format!(
                "Frame: {v}, payload: {offset}-{} ({})",
                (offset + len).saturating_sub(1),
                count(len, "byte")
            )
        }
        Text::Octets => format!("{name}: {v} ({} bytes)", v * 8),
        Text::Numbered => {
            let n = p
                .items
                .get(..index)
                .unwrap_or(&[])
                .iter()
                .rev()
                .take_while(|i| i.depth > 0)
                .filter(|i| i.field == item.field)
                .count();
            format!("{name}[{}]: {default_value}", n + 1)
        }
        Text::Unit(unit) => format!("{name}: {v} {unit}"),
        Text::ScaleFactor => match item.value {
            Value::Int(-1) => format!("{name}: -1 (unknown)"),
            Value::Int(-2) => format!("{name}: -2 (no window scaling used)"),
            _ => return None,
        },
        Text::OptionByType { kind, unknown } => {
            let t = children(p, index).find(|c| c.field.def().abbrev == kind)?;
            let v = uint(t);
            match t.field.def().value_name(v) {
                Some(n) => n.to_string(),
                None => format!("{unknown} ({v})"),
            }
        }
        Text::ByteCount(label) => {
            let n = match item.value {
                Value::Bytes(r) | Value::Str(r) | Value::Protocol(r) => r.len,
                _ => return None,
            };
            format!("{label} ({})", count(n.into(), "byte"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_and_class_texts_as_tshark() {
        // lab_smtp_telnet_helo.pcap frames 1 and 4: "Flags: 0x002 (SYN)", "Flags: 0x018 (PSH, ACK)".
        assert_eq!(tcp_flags_text(0x002), "SYN");
        assert_eq!(tcp_flags_text(0x018), "PSH, ACK");
        assert_eq!(tcp_flags_text(0), "<None>");
        // RFC 2474/2597/3246 code points, as packet-ip.c's dscp_short_vals names them.
        assert_eq!(dscp_short(0), "CS0");
        assert_eq!(dscp_short(46), "EF");
        assert_eq!(dscp_short(10), "AF11");
        assert_eq!(dscp_short(40), "CS5");
        assert_eq!(ecn_short(3), "CE");
    }

    #[test]
    fn every_rule_names_a_registered_field() {
        for r in RULES {
            assert!(
                crate::registry::lookup(r.abbrev).is_some(),
                "{} is not in the registry",
                r.abbrev
            );
        }
    }
}
