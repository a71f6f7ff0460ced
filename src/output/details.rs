//! The packet details tree (`tshark -V`) and the bytes pane (`tshark -x`).
//!
//! Lines come from the items the dissectors pushed, in tree order: a protocol line with
//! Wireshark's summary ("Internet Protocol Version 4, Src: …, Dst: …"), then `Name: value` per
//! field, bit fields drawn with their mask (`.... ..1. = Syn: Set`), generated fields in brackets.
//! Hidden items are not shown.

use std::fmt::Write;

use crate::dissect::display::{abs_time_text, ether_text, seconds_text};
use crate::dissect::{Item, Packet, Value};
use crate::output::labels;
use crate::registry::{Display, FieldDef, FieldType, ValueNames};

/// tshark shows at most this many bytes of a byte field, then an ellipsis.
const BYTES_SHOWN: usize = 36;

/// Fields Wireshark marks as generated (shown in brackets): computed, not read from the bytes.
fn generated(abbrev: &str) -> bool {
    matches!(
        abbrev,
        "frame.time_delta"
            | "frame.time_delta_displayed"
            | "frame.time_relative"
            | "frame.offset_shift"
            | "frame.marked"
            | "frame.ignored"
            | "frame.protocols"
            | "tcp.stream"
            | "tcp.len"
            | "tcp.nxtseq"
            | "tcp.window_size"
            | "tcp.window_size_scalefactor"
            | "tcp.checksum.status"
            | "tcp.completeness"
            | "tcp.flags.str"
            | "tcp.options.wscale.multiplier"
            | "ipv6.hopopts.len_oct"
            | "ipv6.dstopts.len_oct"
            | "ipv6.routing.len_oct"
            | "data.len"
            | "ip.fragments"
            | "ip.fragment"
            | "ip.fragment.count"
            | "ip.reassembled.length"
            | "ip.reassembled.data"
            | "ip.reassembled_in"
            | "icmp.data_time_relative"
            | "udp.stream"
            | "udp.checksum.status"
            | "ip.checksum.status"
            | "icmp.checksum.status"
            | "icmpv6.checksum.status"
    ) || abbrev.starts_with("tcp.analysis")
        || abbrev.starts_with("tcp.time_")
        || abbrev.starts_with("udp.time_")
}

/// Width in bits of the field a bit field is cut from.
fn bitfield_width(def: &FieldDef, item: &Item) -> u32 {
    match (def.ftype, def.display) {
        (FieldType::Boolean, Display::Bits(n)) if n > 0 => n as u32,
        _ => def.ftype.int_bits().map_or(item.pos.len * 8, |(_, b)| b),
    }
}

/// `0100 .... ` for mask 0xf0 and value 4 in an 8-bit field.
fn bit_pattern(mask: u64, value: u64, width: u32) -> String {
    let shifted = value.checked_shl(mask.trailing_zeros()).unwrap_or(0) & mask;
    let mut s = String::new();
    for i in (0..width.min(64)).rev() {
        let bit = 1u64 << i;
        s.push(if mask & bit == 0 {
            '.'
        } else if shifted & bit != 0 {
            '1'
        } else {
            '0'
        });
        if i % 4 == 0 && i != 0 {
            s.push(' ');
        }
    }
    s
}

/// Hex digits tshark pads a value to: the width of the bitmask when there is one, else the type's.
fn hex_digits(def: &FieldDef) -> usize {
    let bits = if def.bitmask != 0 {
        64 - (def.bitmask >> def.bitmask.trailing_zeros()).leading_zeros()
    } else {
        def.ftype.int_bits().map_or(32, |(_, b)| b)
    };
    bits.div_ceil(4) as usize
}

fn uint_display(def: &FieldDef, v: u64) -> String {
    let digits = hex_digits(def);
    match def.display {
        Display::Hex => format!("0x{v:0digits$x}"),
        Display::DecHex => format!("{v} (0x{v:0digits$x})"),
        Display::HexDec => format!("0x{v:0digits$x} ({v})"),
        Display::Oct => format!("0{v:o}"),
        _ => v.to_string(),
    }
}

/// The value part of a details line.
pub fn value_text(p: &Packet, item: &Item) -> String {
    let def = item.field.def();
    match item.value {
        Value::None | Value::Protocol(_) => String::new(),
        Value::Bool(b) => match def.strings {
            ValueNames::Tfs(t, f) => (if b { t } else { f }).to_string(),
            _ => (if b { "True" } else { "False" }).to_string(),
        },
        Value::UInt(v) => {
            let shown = if def.ftype == FieldType::FrameNum {
                v.to_string()
            } else {
                uint_display(def, v)
            };
            match def.value_name(v) {
                // BASE_NONE with value names: the name alone (`Unverified`).
                Some(name) if def.display == Display::None => name.to_string(),
                Some(name) => {
                    let plain = match def.display {
                        Display::Hex | Display::HexDec => {
                            format!("0x{v:0w$x}", w = hex_digits(def))
                        }
                        _ => v.to_string(),
                    };
                    format!("{name} ({plain})")
                }
                // A value-string field with no name for the value: `Unknown (0x0b)`.
                None if matches!(def.strings, ValueNames::Vals(_) | ValueNames::Ranges(_)) => {
                    format!("Unknown ({shown})")
                }
                None => shown,
            }
        }
        Value::Int(v) => match def.value_name(v as u64) {
            Some(name) => format!("{name} ({v})"),
            None => v.to_string(),
        },
        Value::Float(f) => f.to_string(),
        Value::Ipv4(a) => std::net::Ipv4Addr::from(a).to_string(),
        Value::Ipv6(a) => std::net::Ipv6Addr::from(a).to_string(),
        Value::Ether(a) => ether_text(&a),
        Value::Eui64(v) => v
            .to_be_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
        Value::AbsTime(ns) => abs_time_text(ns),
        Value::RelTime(ns) => format!("{} seconds", seconds_text(ns)),
        Value::Bytes(r) => {
            let bytes = p.bytes(r);
            let mut s: String = bytes
                .iter()
                .take(BYTES_SHOWN)
                .map(|b| format!("{b:02x}"))
                .collect();
            if bytes.len() > BYTES_SHOWN {
                s.push('…');
            }
            s
        }
        Value::Str(r) => escape_text(p.bytes(r)),
    }
}

/// Text as Wireshark's `format_text` shows it: control characters escaped (`\r`, `\n`, `\xNN`).
pub fn escape_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Values of the first occurrences of `names` within the layer that starts at item `start`.
fn layer_values<'p, const N: usize>(
    p: &'p Packet,
    start: usize,
    names: [&str; N],
) -> [Option<&'p Item>; N] {
    let after = p.items.get(start + 1..).unwrap_or(&[]);
    let layer = match after.iter().position(|i| i.depth == 0) {
        Some(n) => after.get(..n).unwrap_or(after),
        None => after,
    };
    names.map(|n| layer.iter().find(|i| i.field.def().abbrev == n))
}

/// The protocol line: Wireshark's summary for the protocols that have one, else the protocol's name.
fn protocol_line(p: &Packet, index: usize, item: &Item) -> String {
    let def = item.field.def();
    let text = |i: Option<&Item>| i.map(|i| value_text(p, i)).unwrap_or_default();
    match def.abbrev {
        "frame" => {
            let (len, cap) = (p.info.len, p.info.cap_len);
            format!(
                "Frame {}: {len} bytes on wire ({} bits), {cap} bytes captured ({} bits)",
                p.info.number,
                len as u64 * 8,
                cap as u64 * 8
            )
        }
        "eth" => {
            let v = layer_values(p, index, ["eth.src", "eth.dst"]);
            format!("Ethernet II, Src: {}, Dst: {}", text(v[0]), text(v[1]))
        }
        "ip" | "ipv6" => {
            let v = layer_values(
                p,
                index,
                [
                    &format!("{}.src", def.abbrev),
                    &format!("{}.dst", def.abbrev),
                ],
            );
            format!("{}, Src: {}, Dst: {}", def.name, text(v[0]), text(v[1]))
        }
        "udp" => {
            let v = layer_values(p, index, ["udp.srcport", "udp.dstport"]);
            format!(
                "{}, Src Port: {}, Dst Port: {}",
                def.name,
                text(v[0]),
                text(v[1])
            )
        }
        "tcp" => {
            let v = layer_values(
                p,
                index,
                [
                    "tcp.srcport",
                    "tcp.dstport",
                    "tcp.seq",
                    "tcp.ack",
                    "tcp.len",
                    "tcp.flags.ack",
                ],
            );
            let mut s = format!(
                "{}, Src Port: {}, Dst Port: {}",
                def.name,
                text(v[0]),
                text(v[1])
            );
            if v[2].is_some() {
                let _ = write!(s, ", Seq: {}", text(v[2]));
            }
            if matches!(v[5].map(|i| i.value), Some(Value::Bool(true))) && v[3].is_some() {
                let _ = write!(s, ", Ack: {}", text(v[3]));
            }
            if v[4].is_some() {
                let _ = write!(s, ", Len: {}", text(v[4]));
            }
            s
        }
        "vlan" => {
            let v = layer_values(p, index, ["vlan.priority", "vlan.dei", "vlan.id"]);
            let n = |i: Option<&Item>| match i.map(|i| i.value) {
                Some(Value::UInt(v)) => v,
                Some(Value::Bool(b)) => b.into(),
                _ => 0,
            };
            format!(
                "{}, PRI: {}, DEI: {}, ID: {}",
                def.name,
                n(v[0]),
                n(v[1]),
                n(v[2])
            )
        }
        // LINKTYPE_LINUX_SLL2 / LINKTYPE_LINUX_SLL: tshark names the version.
        "sll" if p.info.link_type == 276 => "Linux cooked capture v2".into(),
        "sll" => "Linux cooked capture v1".into(),
        "arp" => {
            let v = layer_values(p, index, ["arp.opcode"]);
            match v[0].map(|i| i.value) {
                Some(Value::UInt(1)) => format!("{} (request)", def.name),
                Some(Value::UInt(2)) => format!("{} (reply)", def.name),
                _ => def.name.to_string(),
            }
        }
        "data" => match item.value {
            Value::Protocol(r) => format!("{} ({} bytes)", def.name, r.len),
            _ => def.name.to_string(),
        },
        "ipv6.routing" => {
            let v = layer_values(p, index, ["ipv6.routing.type"]);
            match v[0].and_then(|i| match i.value {
                Value::UInt(t) => i.field.def().value_name(t),
                _ => None,
            }) {
                Some(t) => format!("{} ({t})", def.name),
                None => def.name.to_string(),
            }
        }
        _ => def.name.to_string(),
    }
}

/// The raw bits a bit field draws for `item`'s value.
fn raw_bits(item: &Item, mask: u64) -> u64 {
    match item.value {
        Value::Bool(true) => u64::MAX >> mask.trailing_zeros(),
        Value::UInt(v) => v,
        Value::Int(v) => v as u64,
        _ => 0,
    }
}

/// One line of the tree for `item`, without indentation.
pub fn item_line(p: &Packet, index: usize, item: &Item) -> String {
    let def = item.field.def();
    // The depth the dissector gave (the tree may draw the item elsewhere).
    let layer_top = p.items.get(index).map_or(item.depth, |i| i.depth) == 0;
    if def.ftype == FieldType::Protocol && layer_top {
        return protocol_line(p, index, item);
    }
    let rule = labels::rule(def.abbrev);
    let mut line = String::new();
    match rule.and_then(|r| r.bits) {
        Some(b) => {
            let raw = raw_bits(item, b.mask) / b.unit.max(1);
            line.push_str(&bit_pattern(b.mask, raw, b.width));
            line.push_str(" = ");
        }
        None if def.bitmask != 0 && !rule.is_some_and(|r| r.no_bits) => {
            let raw = raw_bits(item, def.bitmask);
            line.push_str(&bit_pattern(def.bitmask, raw, bitfield_width(def, item)));
            line.push_str(" = ");
        }
        None => {}
    }
    let value = value_text(p, item);
    match rule.and_then(|r| labels::line_text(r, p, index, item, &value)) {
        Some(text) => line.push_str(&text),
        None => {
            line.push_str(def.name);
            if !value.is_empty() {
                line.push_str(": ");
                line.push_str(&value);
            }
        }
    }
    if generated(def.abbrev) {
        line = format!("[{line}]");
    }
    line
}

fn indent(out: &mut String, depth: u8) {
    for _ in 0..depth {
        out.push_str("    ");
    }
}

/// The whole details tree of a dissected packet, as `tshark -V`.
pub fn write_tree(out: &mut String, p: &Packet) {
    write_tree_with(out, p, true);
}

/// The details tree; with `data_hex`, the bytes of each `data` item follow its line as a hex
/// dump (tshark prints uninterpreted data so unless `-x` prints the whole packet anyway).
pub fn write_tree_with(out: &mut String, p: &Packet, data_hex: bool) {
    let mut skip_until = 0;
    let mut heading: Option<(&str, u8)> = None;
    let (mut nested, mut enclosed, mut encloser) = (false, false, false);
    // The dissector's depth of the last item drawn.
    let mut prev_depth = 0;
    for (index, item) in p.items.iter().enumerate() {
        if item.depth == 0 {
            let abbrev = item.field.def().abbrev;
            nested = labels::nested_layer(abbrev);
            enclosed |= encloser;
            encloser = labels::encloses_rest(abbrev);
        }
        if item.hidden || index < skip_until {
            continue;
        }
        let abbrev = item.field.def().abbrev;
        let lift = item.depth > prev_depth && labels::rule(abbrev).is_some_and(|r| r.lift);
        prev_depth = item.depth;
        let depth =
            (item.depth + u8::from(nested) + u8::from(enclosed)).saturating_sub(u8::from(lift));
        let item = &Item { depth, ..*item };
        // A text-only subtree head (`[Timestamps]`) above the run of fields it groups.
        let head = labels::heading(abbrev).filter(|_| item.depth > 0);
        if let Some(h) = head {
            if heading != Some((h, item.depth)) {
                indent(out, item.depth - 1);
                out.push_str(h);
                out.push('\n');
            }
        }
        heading = head.map(|h| (h, item.depth));
        if abbrev == "_ws.expert" {
            if let Some(lines) = labels::expert_lines(p, index + 1) {
                for (i, text) in lines.iter().enumerate() {
                    indent(out, item.depth + u8::from(i > 0));
                    out.push_str(text);
                    out.push('\n');
                }
                skip_until = index + 2;
                continue;
            }
        }
        indent(out, item.depth);
        out.push_str(&item_line(p, index, item));
        out.push('\n');
        if let (true, "data", Value::Protocol(r)) = (data_hex, abbrev, item.value) {
            out.push('\n');
            write_hex(out, p.bytes(r));
        }
    }
}

/// The bytes pane, as `tshark -x`: offset, 16 hex bytes, and their ASCII.
pub fn write_hex(out: &mut String, bytes: &[u8]) {
    for (row, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:04x}  ", row * 16);
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
        }
        out.push_str("  ");
        out.extend(chunk.iter().map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        }));
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_patterns_as_wireshark_draws_them() {
        // From `tshark -V` on lab_smtp_telnet_helo.pcap frame 1: "0100 .... = Version: 4",
        // ".... 0101 = Header Length", "010. .... = Flags: 0x2", "...0 0000 0000 0000 = Fragment Offset: 0",
        // ".... .... ..1. = Syn: Set" (12-bit TCP flags).
        assert_eq!(bit_pattern(0xf0, 4, 8), "0100 ....");
        assert_eq!(bit_pattern(0x0f, 5, 8), ".... 0101");
        assert_eq!(bit_pattern(0xe0, 2, 8), "010. ....");
        assert_eq!(bit_pattern(0x1fff, 0, 16), "...0 0000 0000 0000");
        assert_eq!(bit_pattern(0x002, 1, 12), ".... .... ..1.");
    }

    #[test]
    fn hex_pane_as_tshark_x() {
        // `tshark -x` on lab_smtp_telnet_helo.pcap frame 4, last row: 7 bytes.
        let mut out = String::new();
        write_hex(
            &mut out,
            b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00\x45\x00smtpd\r\n",
        );
        assert_eq!(
            out,
            "0000  00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00   ..............E.\n\
             0010  73 6d 74 70 64 0d 0a                              smtpd..\n"
        );
    }
}
