//! The packet details tree (`tshark -V`) and the bytes pane (`tshark -x`).
//!
//! Lines come from the items the dissectors pushed, in tree order: a protocol line with
//! Wireshark's summary ("Internet Protocol Version 4, Src: …, Dst: …"), then `Name: value` per
//! field, bit fields drawn with their mask (`.... ..1. = Syn: Set`), generated fields in brackets.
//! Hidden items are not shown.

use std::fmt::Write;

use crate::dissect::display::{abs_time_text, ether_text, seconds_text};
use crate::dissect::{Item, Packet, Value};
use crate::registry::{Display, FieldDef, FieldType};

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

fn uint_display(def: &FieldDef, v: u64) -> String {
    let bits = def.ftype.int_bits().map_or(32, |(_, b)| b);
    let digits = bits.div_ceil(4) as usize;
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
            crate::registry::ValueNames::Tfs(t, f) => (if b { t } else { f }).to_string(),
            _ => (if b { "True" } else { "False" }).to_string(),
        },
        Value::UInt(v) => {
            let shown = if def.ftype == FieldType::FrameNum {
                v.to_string()
            } else {
                uint_display(def, v)
            };
            match def.value_name(v) {
                Some(name) => {
                    let plain = match def.display {
                        Display::Hex | Display::HexDec => format!(
                            "0x{v:0w$x}",
                            w = def.ftype.int_bits().map_or(8, |(_, b)| b.div_ceil(4)) as usize
                        ),
                        _ => v.to_string(),
                    };
                    format!("{name} ({plain})")
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
        Value::Bytes(r) => p.bytes(r).iter().map(|b| format!("{b:02x}")).collect(),
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
fn layer_values<'p>(p: &'p Packet, start: usize, names: &[&str]) -> Vec<Option<&'p Item>> {
    let layer_end = p.items[start + 1..]
        .iter()
        .position(|i| i.depth == 0)
        .map_or(p.items.len(), |n| start + 1 + n);
    names
        .iter()
        .map(|n| {
            p.items[start + 1..layer_end]
                .iter()
                .find(|i| i.field.def().abbrev == *n)
        })
        .collect()
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
            let v = layer_values(p, index, &["eth.src", "eth.dst"]);
            format!("Ethernet II, Src: {}, Dst: {}", text(v[0]), text(v[1]))
        }
        "ip" | "ipv6" => {
            let v = layer_values(
                p,
                index,
                &[
                    &format!("{}.src", def.abbrev),
                    &format!("{}.dst", def.abbrev),
                ],
            );
            format!("{}, Src: {}, Dst: {}", def.name, text(v[0]), text(v[1]))
        }
        "udp" => {
            let v = layer_values(p, index, &["udp.srcport", "udp.dstport"]);
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
                &[
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
        _ => def.name.to_string(),
    }
}

/// One line of the tree for `item`, without indentation.
pub fn item_line(p: &Packet, index: usize, item: &Item) -> String {
    let def = item.field.def();
    if def.ftype == FieldType::Protocol && item.depth == 0 {
        return protocol_line(p, index, item);
    }
    let mut line = String::new();
    if def.bitmask != 0 {
        let raw = match item.value {
            Value::Bool(b) => {
                if b {
                    u64::MAX >> def.bitmask.trailing_zeros()
                } else {
                    0
                }
            }
            Value::UInt(v) => v,
            Value::Int(v) => v as u64,
            _ => 0,
        };
        line.push_str(&bit_pattern(def.bitmask, raw, bitfield_width(def, item)));
        line.push_str(" = ");
    }
    line.push_str(def.name);
    let value = value_text(p, item);
    if !value.is_empty() {
        line.push_str(": ");
        line.push_str(&value);
    }
    if generated(def.abbrev) {
        line = format!("[{line}]");
    }
    line
}

/// The whole details tree of a dissected packet.
pub fn write_tree(out: &mut String, p: &Packet) {
    for (index, item) in p.items.iter().enumerate() {
        if item.hidden {
            continue;
        }
        for _ in 0..item.depth {
            out.push_str("    ");
        }
        out.push_str(&item_line(p, index, item));
        out.push('\n');
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
