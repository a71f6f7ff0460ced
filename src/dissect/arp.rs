//! ARP and RARP (RFC 826, RFC 903): hardware and protocol types and sizes, the opcode, and the
//! sender/target addresses typed when they are Ethernet and IPv4 (else raw bytes).

use super::display::ether_text;
use super::stateless::{self, Buf};
use super::{Interest, Packet, Value};
use crate::registry::{self, FieldId};
use std::net::Ipv4Addr;

const ARP: FieldId = registry::id("arp");
const HW_TYPE: FieldId = registry::id("arp.hw.type");
const PROTO_TYPE: FieldId = registry::id("arp.proto.type");
const HW_SIZE: FieldId = registry::id("arp.hw.size");
const PROTO_SIZE: FieldId = registry::id("arp.proto.size");
const OPCODE: FieldId = registry::id("arp.opcode");
const IS_GRATUITOUS: FieldId = registry::id("arp.isgratuitous");
const IS_PROBE: FieldId = registry::id("arp.isprobe");
const IS_ANNOUNCEMENT: FieldId = registry::id("arp.isannouncement");
const SRC_HW: FieldId = registry::id("arp.src.hw");
const SRC_HW_MAC: FieldId = registry::id("arp.src.hw_mac");
const SRC_PROTO: FieldId = registry::id("arp.src.proto");
const SRC_PROTO_IPV4: FieldId = registry::id("arp.src.proto_ipv4");
const DST_HW: FieldId = registry::id("arp.dst.hw");
const DST_HW_MAC: FieldId = registry::id("arp.dst.hw_mac");
const DST_PROTO: FieldId = registry::id("arp.dst.proto");
const DST_PROTO_IPV4: FieldId = registry::id("arp.dst.proto_ipv4");

/// Dissect an ARP packet; returns how many bytes it spans (the rest is link-layer padding).
pub fn dissect(p: &mut Packet, interest: &Interest, buf: Buf, _etype: u16) -> Option<usize> {
    let (Some(hrd), Some(pro), Some(hln), Some(pln), Some(op)) =
        (buf.be16(0), buf.be16(2), buf.u8(4), buf.u8(5), buf.be16(6))
    else {
        p.begin_layer(ARP, buf.whole());
        stateless::truncated(p, interest, buf.whole());
        return None;
    };
    let (hln, pln) = (hln as usize, pln as usize);
    let total = 8 + 2 * (hln + pln);
    p.begin_layer_in(ARP, buf.range(0, total), buf.range(0, total), buf.whole());
    p.add(interest, HW_TYPE, Value::UInt(hrd as u64), buf.range(0, 2));
    p.add(
        interest,
        PROTO_TYPE,
        Value::UInt(pro as u64),
        buf.range(2, 2),
    );
    p.add(interest, HW_SIZE, Value::UInt(hln as u64), buf.range(4, 1));
    p.add(
        interest,
        PROTO_SIZE,
        Value::UInt(pln as u64),
        buf.range(5, 1),
    );
    p.add(interest, OPCODE, Value::UInt(op as u64), buf.range(6, 2));
    if buf.len() < total {
        stateless::truncated(p, interest, buf.tail(8).whole());
        return None;
    }
    let (sha, spa, tha, tpa) = (8, 8 + hln, 8 + hln + pln, 8 + 2 * hln + pln);
    let mac = hln == 6 && (hrd == 1 || hrd == 6);
    let ipv4 = pln == 4 && pro == 0x0800;
    let ether = |at: usize| buf.array::<6>(at).filter(|_| mac);
    let inet = |at: usize| buf.be32(at).filter(|_| ipv4);
    let (s_ip, t_ip) = (inet(spa), inet(tpa));
    let (s_mac, t_mac) = (ether(sha), ether(tha));
    let gratuitous = matches!(op, 1 | 2) && s_ip.is_some() && s_ip == t_ip;
    let zero_mac = t_mac == Some([0; 6]);
    let probe = op == 1 && s_ip == Some(0) && zero_mac;
    let announcement = op == 1 && gratuitous && zero_mac;
    if gratuitous {
        p.add(interest, IS_GRATUITOUS, Value::Bool(true), buf.range(0, 0));
    }
    if probe {
        p.add(interest, IS_PROBE, Value::Bool(true), buf.range(0, 0));
    }
    if announcement {
        p.add(
            interest,
            IS_ANNOUNCEMENT,
            Value::Bool(true),
            buf.range(0, 0),
        );
    }
    let hw = |p: &mut Packet, at: usize, typed: Option<[u8; 6]>, f_mac, f_raw| {
        let r = buf.range(at, hln);
        match typed {
            Some(a) => p.add(interest, f_mac, Value::Ether(a), r),
            None => p.add(interest, f_raw, Value::Bytes(r), r),
        }
    };
    let pr = |p: &mut Packet, at: usize, typed: Option<u32>, f_ip, f_raw| {
        let r = buf.range(at, pln);
        match typed {
            Some(a) => p.add(interest, f_ip, Value::Ipv4(a), r),
            None => p.add(interest, f_raw, Value::Bytes(r), r),
        }
    };
    hw(p, sha, s_mac, SRC_HW_MAC, SRC_HW);
    pr(p, spa, s_ip, SRC_PROTO_IPV4, SRC_PROTO);
    hw(p, tha, t_mac, DST_HW_MAC, DST_HW);
    pr(p, tpa, t_ip, DST_PROTO_IPV4, DST_PROTO);
    if p.want_columns {
        let hw_text = |a: Option<[u8; 6]>, at: usize| match a {
            Some(a) => ether_text(&a),
            None => hex(buf.bytes.get(at..at + hln).unwrap_or(&[])),
        };
        let ip_text = |a: Option<u32>, at: usize| match a {
            Some(a) => Ipv4Addr::from(a).to_string(),
            None => hex(buf.bytes.get(at..at + pln).unwrap_or(&[])),
        };
        p.columns.protocol = match op {
            3 | 4 => "RARP",
            // Inverse ARP (RFC 2390): Frame Relay asks for the protocol address behind a DLCI.
            8 | 9 => "Inverse ARP",
            _ => "ARP",
        };
        p.columns.info = match op {
            1 if announcement => format!("ARP Announcement for {}", ip_text(s_ip, spa)),
            1 if probe => format!("Who has {}? (ARP Probe)", ip_text(t_ip, tpa)),
            1 => format!(
                "Who has {}? Tell {}",
                ip_text(t_ip, tpa),
                ip_text(s_ip, spa)
            ),
            2 if gratuitous => format!("Gratuitous ARP for {} (Reply)", ip_text(s_ip, spa)),
            2 => format!("{} is at {}", ip_text(s_ip, spa), hw_text(s_mac, sha)),
            3 => format!(
                "Who is {}? Tell {}",
                hw_text(t_mac, tha),
                hw_text(s_mac, sha)
            ),
            4 => format!("{} is at {}", hw_text(t_mac, tha), ip_text(t_ip, tpa)),
            8 => format!(
                "Who is {}? Tell {}",
                hw_text(t_mac, tha),
                hw_text(s_mac, sha)
            ),
            9 => format!("{} is at {}", hw_text(s_mac, sha), ip_text(s_ip, spa)),
            _ => format!("Unknown ARP opcode 0x{op:04x}"),
        };
    }
    Some(total)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
