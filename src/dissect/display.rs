//! Values as text, the way `tshark -T fields` prints them: integers in the field's base (hex
//! padded to the field's width), booleans as 1/0, addresses in their usual notation, times as
//! seconds with nine decimals, byte strings as bare hex.

use super::{Item, Packet, Value};
use crate::registry::{Display, FieldDef, FieldType};
use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

/// `aa:bb:cc:dd:ee:ff`.
pub fn ether_text(a: &[u8; 6]) -> String {
    let mut s = String::with_capacity(17);
    for (i, b) in a.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Seconds with nine decimals, as tshark prints relative times and `frame.time_epoch`.
pub fn seconds_text(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let a = ns.unsigned_abs();
    format!("{sign}{}.{:09}", a / 1_000_000_000, a % 1_000_000_000)
}

/// `Jan  7, 2001 01:31:32.899000000 UTC` (tshark's local time with TZ=UTC).
pub fn abs_time_text(ns: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = ns.div_euclid(1_000_000_000);
    let frac = ns.rem_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let tod = secs.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + (month <= 2) as i64;
    format!(
        "{} {:>2}, {} {:02}:{:02}:{:02}.{:09} UTC",
        MONTHS.get((month - 1).clamp(0, 11) as usize).unwrap_or(&""),
        day,
        year,
        tod / 3600,
        tod / 60 % 60,
        tod % 60,
        frac
    )
}

/// An unsigned integer in the field's display base, as `-T fields` prints it.
pub fn uint_text(def: &FieldDef, v: u64) -> String {
    let bits = def.ftype.int_bits().map_or(32, |(_, b)| b);
    let digits = bits.div_ceil(4) as usize;
    match def.display {
        Display::Hex | Display::HexDec => format!("0x{v:0digits$x}"),
        Display::Oct => format!("0{v:o}"),
        _ => v.to_string(),
    }
}

/// The text `tshark -T fields` prints for one item.
pub fn field_text(p: &Packet, item: &Item) -> String {
    let def = item.field.def();
    match item.value {
        Value::None => String::new(),
        Value::Bool(b) => (if b { "1" } else { "0" }).to_string(),
        Value::UInt(v) => {
            if def.ftype == FieldType::FrameNum {
                v.to_string()
            } else {
                uint_text(def, v)
            }
        }
        Value::Int(v) => v.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Ipv4(a) => Ipv4Addr::from(a).to_string(),
        Value::Ipv6(a) => Ipv6Addr::from(a).to_string(),
        Value::Ether(a) => ether_text(&a),
        Value::Eui64(v) => {
            let b = v.to_be_bytes();
            b.iter()
                .map(|x| format!("{x:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        }
        Value::AbsTime(ns) => abs_time_text(ns),
        Value::RelTime(ns) => seconds_text(ns),
        Value::Bytes(r) => p.bytes(r).iter().map(|b| format!("{b:02x}")).collect(),
        Value::Str(r) => String::from_utf8_lossy(p.bytes(r)).into_owned(),
        Value::Protocol(_) => String::new(),
    }
}
