//! tshark's default one-line-per-frame output: No., Time, Source → Destination, Protocol, Length, Info.
//!
//! Column widths follow tshark's `print_columns`: the number right-aligned in 5, the time in 10,
//! the source right-aligned in 12, the destination left-aligned in 12; the rest unpadded.

use std::fmt::Write;

use crate::dissect::Columns;

/// Seconds since the first frame, with as many decimals as the capture's timestamps have
/// (6 for microsecond captures, 9 for nanosecond ones), as tshark prints them.
pub fn relative_time(ns: i64, decimals: u8) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let ns = ns.unsigned_abs();
    let secs = ns / 1_000_000_000;
    let frac = ns % 1_000_000_000;
    match decimals {
        0 => format!("{sign}{secs}"),
        d if d >= 9 => format!("{sign}{secs}.{frac:09}"),
        d => {
            // Truncate like Wireshark's nstime formatting does, not round.
            let scale = 10u64.pow(9 - d as u32);
            format!("{sign}{secs}.{:0width$}", frac / scale, width = d as usize)
        }
    }
}

/// One packet-list line (without the newline).
pub fn line(number: u32, time: &str, length: u32, cols: &Columns) -> String {
    let mut out = String::with_capacity(96 + cols.info.len());
    let _ = write!(out, "{number:>5} {time:>10} ");
    if cols.src.is_empty() && cols.dst.is_empty() {
        let _ = write!(out, "{:>12}   {:<12} ", "", "");
    } else {
        let _ = write!(out, "{:>12} → {:<12} ", cols.src, cols.dst);
    }
    let _ = write!(out, "{} {length} {}", cols.protocol, cols.info);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(src: &str, dst: &str, protocol: &'static str, info: &str) -> Columns {
        Columns {
            src: src.into(),
            dst: dst.into(),
            protocol,
            info: info.into(),
        }
    }

    #[test]
    fn lines_as_tshark_prints_them() {
        // Expected lines: `tshark -n -r` on fixtures/lab/lab_smtp_telnet_helo.pcap and
        // fixtures/l2l4/pcapplusplus_IgmpPackets.pcap (tshark 4.0.17).
        assert_eq!(
            line(4, &relative_time(1_290_000, 6), 103, &cols("127.0.0.1", "127.0.0.1", "SMTP", "S: 220 mail.lab.example ESMTP aiosmtpd")),
            "    4   0.001290    127.0.0.1 → 127.0.0.1    SMTP 103 S: 220 mail.lab.example ESMTP aiosmtpd"
        );
        assert_eq!(
            line(1, &relative_time(0, 6), 90, &cols("fe80::9c09:b416:768:ff42", "ff02::16", "ICMPv6", "Multicast Listener Report Message v2")),
            "    1   0.000000 fe80::9c09:b416:768:ff42 → ff02::16     ICMPv6 90 Multicast Listener Report Message v2"
        );
        assert_eq!(
            line(
                13,
                &relative_time(407_360_000, 6),
                106,
                &cols("169.254.100.98", "169.254.255.66", "LLMNR", "x")
            ),
            "   13   0.407360 169.254.100.98 → 169.254.255.66 LLMNR 106 x"
        );
    }

    #[test]
    fn time_precision_follows_the_capture() {
        // tcpdump_tcp-handshake-nano.pcap frame 2 and zeek_pcapng-multi-interface.pcapng frame 3
        // (time_relative 347.611566507 shown as 347.611566: truncated, not rounded; tshark 4.0.17).
        assert_eq!(relative_time(127_521_774, 9), "0.127521774");
        assert_eq!(relative_time(347_611_566_507, 6), "347.611566");
    }
}
