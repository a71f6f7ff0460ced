//! Literals → typed constants: the text of a filter constant, converted to the type of the field
//! it meets, with tshark 4.0's error texts.
//!
//! The parser keeps literals loose (a bare word, a quoted string, a character constant); only the
//! field decides whether `48` is a number, a byte or part of an address. This module must not
//! look anything up in the registry by name: it is given the target type (and the field, for value
//! names). Host names are never resolved: a word that is not an address is an error, so that a
//! filter means the same on every machine.

use crate::registry::{FieldDef, FieldType, ValueNames};

/// A typed constant, ready for comparison with packet values.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// Every integer type (and character constants): wide enough for any `u64` or `i64`.
    Int(i128),
    Float(f64),
    Bool(bool),
    /// An address and its netmask bits (32 unless written as CIDR).
    Ipv4(u32, u8),
    Ipv6(u128, u8),
    Ether([u8; 6]),
    Eui64(u64),
    /// Nanoseconds since the Unix epoch.
    AbsTime(i64),
    /// Nanoseconds.
    RelTime(i64),
    /// Byte strings, strings, protocol contents.
    Bytes(Vec<u8>),
}

/// A literal as written in the filter.
#[derive(Clone, Copy, Debug)]
pub enum Lit<'a> {
    /// An unquoted word: `25`, `10.0.0.0/8`, `aa:bb`, `TCP`.
    Word(&'a str),
    /// A quoted (or raw) string, escapes decoded.
    Str(&'a [u8]),
    /// A character constant: its code point.
    Char(u32),
}

impl Lit<'_> {
    /// The literal as tshark quotes it in messages.
    pub fn shown(&self) -> String {
        match self {
            Lit::Word(w) => format!("\"{w}\""),
            Lit::Str(s) => format!("\"{}\"", String::from_utf8_lossy(s)),
            Lit::Char(c) => match char::from_u32(*c) {
                Some(ch) if !ch.is_control() => format!("'{ch}'"),
                _ => format!("'\\x{c:02x}'"),
            },
        }
    }
}

/// What a literal is converted to: a type, and the field that gave it (for value names).
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub ty: FieldType,
    pub field: Option<&'static FieldDef>,
}

/// A failed conversion: tshark's message and an optional wiresift hint.
#[derive(Clone, Debug, PartialEq)]
pub struct LitError {
    pub message: String,
    pub suggestion: Option<String>,
}

impl LitError {
    fn new(message: impl Into<String>) -> LitError {
        LitError {
            message: message.into(),
            suggestion: None,
        }
    }
}

/// A successful conversion, with the deprecation warning tshark would print, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Converted {
    pub value: Const,
    pub warning: Option<&'static str>,
}

pub const UNQUOTED_VALUE_STRING: &str = "Writing value strings without double quotes is deprecated";

const ABS_TIME_EXAMPLE: &str = "Example: \"Nov 12, 1999 08:55:44.123\" or \"2011-07-04 12:34:56\"";

fn ok(value: Const) -> Result<Converted, LitError> {
    Ok(Converted {
        value,
        warning: None,
    })
}

/// Convert a literal to the target type.
pub fn convert(lit: Lit<'_>, target: Target) -> Result<Converted, LitError> {
    use FieldType as F;
    let ty = target.ty;
    if ty.int_bits().is_some() {
        return convert_int(lit, target);
    }
    match ty {
        F::Boolean => convert_bool(lit, target),
        F::Float | F::Double => match lit {
            Lit::Word(w) => match parse_float(w) {
                Some(v) if v.is_infinite() && !w.to_ascii_lowercase().contains("inf") => Err(
                    LitError::new(format!("\"{w}\" causes floating-point overflow.")),
                ),
                Some(v) => ok(Const::Float(v)),
                None => Err(LitError::new(format!(
                    "\"{w}\" is not a valid floating-point number."
                ))),
            },
            Lit::Str(_) => Err(from_string(ty, lit)),
            Lit::Char(c) => ok(Const::Float(c as f64)),
        },
        F::Ipv4 => match lit {
            Lit::Word(w) => parse_ipv4_cidr(w)
                .map(|(a, b)| Converted::plain(Const::Ipv4(a, b)))
                .map_err(|e| address_error(e, target)),
            _ => Err(from_string(ty, lit)),
        },
        F::Ipv6 => match lit {
            Lit::Word(w) => parse_ipv6_cidr(w)
                .map(|(a, b)| Converted::plain(Const::Ipv6(a, b)))
                .map_err(|e| address_error(e, target)),
            _ => Err(from_string(ty, lit)),
        },
        F::Ether => match lit {
            Lit::Word(w) => parse_ether(w).map(|e| Converted::plain(Const::Ether(e))),
            _ => Err(from_string(ty, lit)),
        },
        F::Eui64 => match lit {
            Lit::Word(w) => parse_eui64(w)
                .map(|e| Converted::plain(Const::Eui64(e)))
                .ok_or_else(|| LitError::new(format!("\"{w}\" is not a valid EUI-64 address."))),
            _ => Err(from_string(ty, lit)),
        },
        F::AbsoluteTime => {
            let text = match lit {
                Lit::Word(w) => w.to_string(),
                Lit::Str(s) => String::from_utf8_lossy(s).into_owned(),
                Lit::Char(_) => return Err(from_string(ty, lit)),
            };
            parse_abs_time(&text)
                .map(|ns| Converted::plain(Const::AbsTime(ns)))
                .map_err(LitError::new)
        }
        F::RelativeTime => match lit {
            Lit::Word(w) => parse_rel_time(w)
                .map(|ns| Converted::plain(Const::RelTime(ns)))
                .ok_or_else(|| LitError::new(format!("\"{w}\" is not a valid time."))),
            _ => Err(from_string(ty, lit)),
        },
        _ if ty.is_string() => Ok(Converted::plain(Const::Bytes(match lit {
            Lit::Word(w) => w.as_bytes().to_vec(),
            Lit::Str(s) => s.to_vec(),
            Lit::Char(c) => char_bytes(c),
        }))),
        F::Bytes | F::Protocol => convert_bytes(lit),
        _ if ty.is_bytes_like() => match lit {
            Lit::Str(_) => Err(from_string(ty, lit)),
            _ => convert_bytes(lit),
        },
        _ => Err(LitError::new(format!(
            "{} values are not supported in wiresift filters.",
            ty.pretty_name()
        ))),
    }
}

impl Converted {
    fn plain(value: Const) -> Converted {
        Converted {
            value,
            warning: None,
        }
    }
}

fn from_string(ty: FieldType, lit: Lit<'_>) -> LitError {
    let shown = match lit {
        Lit::Str(s) => String::from_utf8_lossy(s).into_owned(),
        Lit::Word(w) => w.to_string(),
        Lit::Char(c) => char::from_u32(c).map(String::from).unwrap_or_default(),
    };
    LitError::new(format!(
        "{} cannot be converted from a string (\"{shown}\").",
        ty.pretty_name()
    ))
}

fn address_error(e: AddrError, target: Target) -> LitError {
    match e {
        AddrError::Invalid(w) => {
            let (kind, name) = if target.ty == FieldType::Ipv4 {
                ("IPv4", "an IPv4 address")
            } else {
                ("IPv6", "an IPv6 address")
            };
            let mut err = LitError::new(format!(
                "\"{w}\" is not a valid hostname or {kind} address."
            ));
            let looks_like_name = w.chars().any(|c| c.is_ascii_alphabetic())
                && !w.contains(':')
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c));
            if looks_like_name {
                let field = target.field.map_or("this field", |f| f.abbrev);
                err.suggestion = Some(format!(
                    "{field} is {name}; \"{w}\" is not one (wiresift does not resolve host names)"
                ));
            }
            err
        }
        AddrError::Bits(msg) => LitError::new(msg),
    }
}

/// A character constant as bytes: one byte up to 0xff (`'\xe9'` is the byte 0xe9, as tshark
/// stores it), UTF-8 above.
fn char_bytes(c: u32) -> Vec<u8> {
    match u8::try_from(c) {
        Ok(b) => vec![b],
        Err(_) => char::from_u32(c).map_or_else(Vec::new, |ch| ch.to_string().into_bytes()),
    }
}

// ---------------------------------------------------------------------------------------------
// Integers and booleans

/// Parse an integer as C's `strtoll(s, 0)` plus `0b`: decimal, `0x` hex, leading-zero octal,
/// `0b` binary, optional sign.
pub fn parse_int(text: &str) -> Option<i128> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (radix, digits) =
        if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, h)
        } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, b)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = u128::from_str_radix(digits, radix).ok()?;
    let v = i128::try_from(v).ok()?;
    Some(if neg { -v } else { v })
}

/// The range of an integer field type.
pub fn int_range(ty: FieldType) -> Option<(i128, i128)> {
    let (signed, bits) = ty.int_bits()?;
    Some(if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    })
}

fn convert_int(lit: Lit<'_>, target: Target) -> Result<Converted, LitError> {
    // `-N` is a minus applied to N (tshark reports the magnitude, and a negative constant
    // against an unsigned field compiles and never matches); value names are not tried.
    if let Lit::Word(w) = lit {
        if let Some(magnitude) = w.strip_prefix('-').filter(|m| looks_numeric(m)) {
            let v = int_in_range(Lit::Word(magnitude), parse_int(magnitude), target.ty)?;
            return ok(Const::Int(-v));
        }
    }
    match lit {
        Lit::Char(c) => int_in_range(lit, Some(i128::from(c)), target.ty)
            .map(|v| Converted::plain(Const::Int(v))),
        // As 4.0: a number first; failing that (not a number, or out of range) a value name;
        // a field with value names then says the name is unknown.
        Lit::Word(w) => match int_in_range(lit, parse_int(w), target.ty) {
            Ok(v) => ok(Const::Int(v)),
            Err(e) => {
                if let Some(v) = value_name(w, target) {
                    return Ok(Converted {
                        value: Const::Int(v),
                        warning: Some(UNQUOTED_VALUE_STRING),
                    });
                }
                if has_value_names(target) {
                    return Err(not_a_value_name(w, target));
                }
                Err(e)
            }
        },
        Lit::Str(s) => {
            let s = String::from_utf8_lossy(s);
            if let Some(v) = value_name(&s, target) {
                return ok(Const::Int(v));
            }
            if has_value_names(target) {
                return Err(not_a_value_name(&s, target));
            }
            Err(from_string(target.ty, lit))
        }
    }
}

/// A parsed integer checked against the type's range, with tshark's messages.
fn int_in_range(lit: Lit<'_>, v: Option<i128>, ty: FieldType) -> Result<i128, LitError> {
    let text = || match lit {
        Lit::Word(w) => format!("\"{w}\""),
        _ => lit.shown(),
    };
    let Some(v) = v else {
        return Err(LitError::new(format!("{} is not a valid number.", text())));
    };
    let (min, max) = int_range(ty).unwrap_or((i128::MIN, i128::MAX));
    if v > max {
        return Err(LitError::new(format!(
            "{} too big for this field, maximum {max}.",
            text()
        )));
    }
    if v < min {
        return Err(LitError::new(format!(
            "{} too small for this field, minimum {min}.",
            text()
        )));
    }
    Ok(v)
}

fn looks_numeric(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn has_value_names(target: Target) -> bool {
    target
        .field
        .is_some_and(|f| !matches!(f.strings, ValueNames::None))
}

fn not_a_value_name(name: &str, target: Target) -> LitError {
    let field = target.field.map_or("", |f| f.abbrev);
    LitError::new(format!(
        "\"{name}\" cannot be found among the possible values for {field}."
    ))
}

/// A value name of the field, compared ASCII case-insensitively; the first match wins (4.0).
fn value_name(name: &str, target: Target) -> Option<i128> {
    let field = target.field?;
    match field.strings {
        ValueNames::Vals(vals) => vals
            .iter()
            .find(|(_, s)| s.eq_ignore_ascii_case(name))
            .map(|(v, _)| i128::from(*v)),
        ValueNames::Ranges(ranges) => ranges
            .iter()
            .find(|(_, _, s)| s.eq_ignore_ascii_case(name))
            .map(|(lo, _, _)| i128::from(*lo)),
        ValueNames::Tfs(t, f) => {
            if t.eq_ignore_ascii_case(name) {
                Some(1)
            } else if f.eq_ignore_ascii_case(name) {
                Some(0)
            } else {
                None
            }
        }
        ValueNames::None => None,
    }
}

/// Booleans, with 4.0's quirks: `True`/`TRUE`/`False`/`FALSE` only (plus any lowercase form
/// for fields without true/false labels), any integer (non-zero is true), and the labels.
fn convert_bool(lit: Lit<'_>, target: Target) -> Result<Converted, LitError> {
    let has_tfs = matches!(target.field.map(|f| f.strings), Some(ValueNames::Tfs(..)));
    let (text, quoted) = match lit {
        Lit::Char(c) => return ok(Const::Bool(c != 0)),
        Lit::Word(w) => (w.to_string(), false),
        Lit::Str(s) => (String::from_utf8_lossy(s).into_owned(), true),
    };
    if !quoted {
        if let Some(v) = parse_int(&text) {
            return ok(Const::Bool(v != 0));
        }
        match text.as_str() {
            "True" | "TRUE" => return ok(Const::Bool(true)),
            "False" | "FALSE" => return ok(Const::Bool(false)),
            _ => {}
        }
        if !has_tfs {
            if text.eq_ignore_ascii_case("true") {
                return ok(Const::Bool(true));
            }
            if text.eq_ignore_ascii_case("false") {
                return ok(Const::Bool(false));
            }
        }
    }
    if let Some(v) = value_name(&text, target) {
        return Ok(Converted {
            value: Const::Bool(v != 0),
            warning: (!quoted).then_some(UNQUOTED_VALUE_STRING),
        });
    }
    // 4.0 says so for quoted and unquoted words alike, with or without labels.
    Err(not_a_value_name(&text, target))
}

// ---------------------------------------------------------------------------------------------
// Floats and times

/// A floating-point number: decimal with optional exponent, a hex integer, or (post-4.0)
/// `inf`/`infinity`/`nan`. `.5` and `5.` are not numbers, as in Wireshark's scanner.
pub fn parse_float(w: &str) -> Option<f64> {
    let body = w.strip_prefix(['-', '+']).unwrap_or(w);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        let v = match lower.as_str() {
            "nan" => f64::NAN,
            _ => f64::INFINITY,
        };
        return Some(if w.starts_with('-') { -v } else { v });
    }
    if lower.starts_with("0x") {
        return parse_int(w).map(|v| v as f64);
    }
    let mantissa = lower.split('e').next().unwrap_or("");
    if mantissa.starts_with('.') || mantissa.ends_with('.') {
        return None;
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
    {
        return None;
    }
    w.parse::<f64>().ok()
}

/// A relative time: seconds, possibly fractional, to nanoseconds.
pub fn parse_rel_time(w: &str) -> Option<i64> {
    let (neg, body) = match w.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, w),
    };
    let (secs, frac) = match body.split_once('.') {
        Some((s, f)) => (s, f),
        None => (body, ""),
    };
    if let Some((digits, exp)) = frac.split_once(['e', 'E']) {
        let exp_ok = exp
            .strip_prefix(['-', '+'])
            .unwrap_or(exp)
            .chars()
            .all(|c| c.is_ascii_digit());
        if secs.is_empty() || digits.is_empty() || exp.is_empty() || !exp_ok {
            return None;
        }
        let v: f64 = body.parse().ok()?;
        let ns = (v * 1e9).round();
        if !ns.is_finite() || ns.abs() > i64::MAX as f64 {
            return None;
        }
        let ns = ns as i64;
        return Some(if neg { -ns } else { ns });
    }
    if secs.is_empty()
        || !secs.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let s: i64 = secs.parse().ok()?;
    let ns = frac_nanos(frac)?;
    let total = s.checked_mul(1_000_000_000)?.checked_add(ns)?;
    Some(if neg { -total } else { total })
}

/// Fraction digits (after the point) as nanoseconds; more than 9 digits are truncated.
fn frac_nanos(frac: &str) -> Option<i64> {
    let mut ns: i64 = 0;
    for (i, c) in frac.chars().enumerate() {
        let d = i64::from(c.to_digit(10)?);
        if i < 9 {
            ns = ns * 10 + d;
        }
    }
    let digits = frac.chars().count().min(9) as u32;
    Some(ns * 10i64.pow(9 - digits))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The same instant with the date brought into range (`2020-02-30` → `2020-03-01`,
/// `2020-02-00` → `2020-01-31`), via days since the epoch (Hinnant's inverse algorithm).
fn roll_over(c: Civil) -> Civil {
    let z = days_from_civil(c.year, c.month, c.day) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        ..c
    }
}

struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: i64,
}

enum Zone {
    Local,
    /// Seconds east of UTC.
    Offset(i64),
}

/// An absolute time: ISO 8601 (`2002-12-31 13:55:31.3`, `T`, `Z`, `+02:00`) or the legacy
/// `Dec 31, 2002 13:55:31.3`, either with a ` UTC` suffix. No zone means local time.
pub fn parse_abs_time(text: &str) -> Result<i64, String> {
    let invalid = || format!("\"{text}\" is not a valid absolute time. {ABS_TIME_EXAMPLE}");
    let (body, utc_suffix) = match text.strip_suffix(" UTC") {
        Some(b) => (b.trim_end(), true),
        None => (text, false),
    };
    let (civil, mut zone) = if body
        .get(..3)
        .is_some_and(|m| MONTHS.iter().any(|n| n.eq_ignore_ascii_case(m)))
    {
        (parse_legacy(body).ok_or_else(invalid)?, Zone::Local)
    } else {
        parse_iso(body, text)?
    };
    if utc_suffix {
        if !matches!(zone, Zone::Local) {
            return Err(invalid());
        }
        zone = Zone::Offset(0);
    }
    let month_name = !body.starts_with(|c: char| c.is_ascii_digit());
    if civil.month == 0 || civil.month > 12 || civil.day > 31 || (month_name && civil.day == 0) {
        return Err(invalid());
    }
    if civil.day > days_in_month(civil.year, civil.month) {
        // 4.0's ISO 8601 reader refuses `2020-02-30`, but its strptime fallback takes any day
        // up to 31 and mktime() rolls it over (to March 1), as long as nothing but ` UTC`
        // follows the clock; otherwise the fallback stops at the `T` or offset.
        let attached = body.contains('T') || !matches!(zone, Zone::Local) && !utc_suffix;
        if attached {
            return Err("Unexpected data after time value.".to_string());
        }
    }
    // Day 0 and days past the month's end roll over, as mktime() does.
    let civil = roll_over(civil);
    if civil.hour > 23 || civil.minute > 59 || civil.second > 60 {
        return Err("Unexpected data after time value.".to_string());
    }
    let nanos_of_day =
        (i64::from(civil.hour) * 3600 + i64::from(civil.minute) * 60 + i64::from(civil.second))
            * 1_000_000_000
            + civil.nanos;
    match zone {
        Zone::Offset(off) => days_from_civil(civil.year, civil.month, civil.day)
            .checked_mul(86_400_000_000_000)
            .and_then(|d| d.checked_add(nanos_of_day))
            .and_then(|t| t.checked_sub(off * 1_000_000_000))
            .ok_or_else(invalid),
        Zone::Local => local_to_utc(&civil).ok_or_else(invalid),
    }
}

fn local_to_utc(c: &Civil) -> Option<i64> {
    let dt = jiff::civil::DateTime::new(
        i16::try_from(c.year).ok()?,
        i8::try_from(c.month).ok()?,
        i8::try_from(c.day).ok()?,
        i8::try_from(c.hour).ok()?,
        i8::try_from(c.minute).ok()?,
        i8::try_from(c.second.min(59)).ok()?,
        i32::try_from(c.nanos).ok()?,
    )
    .ok()?;
    let ts = jiff::tz::TimeZone::system().to_timestamp(dt).ok()?;
    i64::try_from(ts.as_nanosecond()).ok()
}

fn digits_u32(s: &str) -> Option<u32> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `HH:MM[:SS[.frac]]`, returning (hour, minute, second, nanos, had-seconds).
fn parse_clock(s: &str, text: &str) -> Result<(u32, u32, u32, i64), String> {
    let invalid = || format!("\"{text}\" is not a valid absolute time. {ABS_TIME_EXAMPLE}");
    let mut parts = s.split(':');
    let hour = parts.next().and_then(digits_u32).ok_or_else(invalid)?;
    let min_part = parts.next().unwrap_or("0");
    let sec_part = parts.next();
    if parts.next().is_some() {
        return Err(invalid());
    }
    if sec_part.is_none() && min_part.contains('.') {
        return Err("Subsecond precision requires a seconds field.".to_string());
    }
    let minute = digits_u32(min_part).ok_or_else(invalid)?;
    let (second, nanos) = match sec_part {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let second = digits_u32(whole).ok_or_else(invalid)?;
            if sec.contains('.') && frac.is_empty() {
                return Err(invalid());
            }
            (second, frac_nanos(frac).ok_or_else(invalid)?)
        }
    };
    Ok((hour, minute, second, nanos))
}

fn parse_iso(body: &str, text: &str) -> Result<(Civil, Zone), String> {
    let invalid = || format!("\"{text}\" is not a valid absolute time. {ABS_TIME_EXAMPLE}");
    // A date alone is midnight; the time may follow a `T` or any number of spaces (4.0 reads
    // it with strptime, which is that lax).
    let (date, clock) = match body.split_once('T').or_else(|| body.split_once(' ')) {
        Some((d, c)) => (d, c.trim_start_matches(' ')),
        None => (body, "00:00:00"),
    };
    let mut d = date.splitn(3, '-');
    let year = d.next().and_then(digits_u32).ok_or_else(invalid)?;
    let month = d.next().and_then(digits_u32).ok_or_else(invalid)?;
    let day = d.next().and_then(digits_u32).ok_or_else(invalid)?;
    // An attached zone: `Z`, `+HH:MM`, `-HHMM`, `+HH`.
    let (clock, zone) = if let Some(c) = clock.strip_suffix('Z') {
        (c, Zone::Offset(0))
    } else if let Some(i) = clock.rfind(['+', '-']) {
        let (c, off) = clock.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let off = &off[1..];
        let (h, m) = match off.split_once(':') {
            Some((h, m)) => (h, m),
            None if off.len() == 4 => off.split_at(2),
            None => (off, "0"),
        };
        let h = digits_u32(h).ok_or_else(invalid)?;
        let m = digits_u32(m).ok_or_else(invalid)?;
        if h > 23 || m > 59 {
            return Err(invalid());
        }
        (c, Zone::Offset(sign * i64::from(h * 3600 + m * 60)))
    } else {
        (clock, Zone::Local)
    };
    if clock.contains(' ') {
        return Err("Unexpected data after time value.".to_string());
    }
    let (hour, minute, second, nanos) = parse_clock(clock, text)?;
    Ok((
        Civil {
            year: i64::from(year),
            month,
            day,
            hour,
            minute,
            second,
            nanos,
        },
        zone,
    ))
}

/// `Nov 12, 1999 08:55:44.123` (seconds required).
fn parse_legacy(body: &str) -> Option<Civil> {
    let month = MONTHS
        .iter()
        .position(|m| body.get(..3).is_some_and(|b| b.eq_ignore_ascii_case(m)))?
        as u32
        + 1;
    let rest = body.get(3..)?.trim_start();
    let (day, rest) = rest.split_once(',')?;
    let day = digits_u32(day.trim())?;
    let mut it = rest.split_whitespace();
    let year = digits_u32(it.next()?)?;
    let clock = it.next()?;
    // 4.0 wants seconds in this form: "Nov 12, 1999 08:55" is not a time.
    if it.next().is_some() || clock.matches(':').count() != 2 {
        return None;
    }
    let (hour, minute, second, nanos) = parse_clock(clock, body).ok()?;
    Some(Civil {
        year: i64::from(year),
        month,
        day,
        hour,
        minute,
        second,
        nanos,
    })
}

// ---------------------------------------------------------------------------------------------
// Bytes and hardware addresses

/// A byte string as tshark 4.0 reads one (`hex_str_to_bytes(s, bytes, FALSE)` in
/// epan/strutil.c, called by `bytes_from_literal` in epan/ftypes/ftype-bytes.c): hex digits
/// are taken four, two or one at a time, each group optionally followed by one separator
/// (`:`, `-` or `.`; the kind may change within a literal). So `aa:bb`, `4548.4c4f`,
/// `45.48-4c`, `454` (0x45 0x04), `1` (0x01) and `0` are all byte strings. A leading `:`
/// (which forces bytes in the scanner) is dropped first.
pub fn parse_byte_string(w: &str) -> Option<Vec<u8>> {
    let w = w.strip_prefix(':').unwrap_or(w).as_bytes();
    if w.is_empty() {
        return None;
    }
    let is_sep = |c: Option<&u8>| matches!(c, Some(b':' | b'-' | b'.'));
    let nibble = |c: Option<&u8>| c.and_then(|&c| (c as char).to_digit(16)).map(|d| d as u8);
    let mut out = Vec::with_capacity(w.len() / 2 + 1);
    let mut i = 0;
    while i < w.len() {
        let digits = w
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take(4)
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        let take = match digits {
            4 => 4,
            2 | 3 => 2,
            // One digit stands alone only before a separator or at the end.
            1 if i + 1 == w.len() || is_sep(w.get(i + 1)) => 1,
            _ => return None,
        };
        if take == 1 {
            out.push(nibble(w.get(i))?);
        } else {
            for k in (0..take).step_by(2) {
                out.push(nibble(w.get(i + k))? << 4 | nibble(w.get(i + k + 1))?);
            }
        }
        i += take;
        if is_sep(w.get(i)) {
            i += 1;
        }
    }
    Some(out)
}

fn convert_bytes(lit: Lit<'_>) -> Result<Converted, LitError> {
    match lit {
        Lit::Str(s) => ok(Const::Bytes(s.to_vec())),
        Lit::Char(c) => ok(Const::Bytes(char_bytes(c))),
        Lit::Word(w) => byte_literal(w)
            .map(|b| Converted::plain(Const::Bytes(b)))
            .map_err(|shown| LitError::new(format!("\"{shown}\" is not a valid byte string."))),
    }
}

/// `byte_array_from_literal` (ftype-bytes.c, 4.0): `0x48` is one byte, but the `0x` is dropped
/// only from a 4-character literal (a wider integer would need a byte order). On failure, the
/// text tshark names: the literal without that `0x`.
fn byte_literal(w: &str) -> Result<Vec<u8>, &str> {
    let w = match w.as_bytes() {
        [b'0', b'x' | b'X', _, _] => w.get(2..).unwrap_or(w),
        _ => w,
    };
    parse_byte_string(w).ok_or(w)
}

fn parse_ether(w: &str) -> Result<[u8; 6], LitError> {
    let bytes = byte_literal(w)
        .ok()
        .ok_or_else(|| LitError::new(format!("\"{w}\" is not a valid Ethernet address.")))?;
    match bytes.len() {
        6 => {
            let mut out = [0u8; 6];
            out.copy_from_slice(&bytes);
            Ok(out)
        }
        n if n < 6 => Err(LitError::new(format!(
            "\"{w}\" contains too few bytes to be a valid Ethernet address."
        ))),
        _ => Err(LitError::new(format!(
            "\"{w}\" contains too many bytes to be a valid Ethernet address."
        ))),
    }
}

fn parse_eui64(w: &str) -> Option<u64> {
    if w.starts_with("0x") {
        return parse_int(w).and_then(|v| u64::try_from(v).ok());
    }
    let b = parse_byte_string(w)?;
    let arr: [u8; 8] = b.try_into().ok()?;
    Some(u64::from_be_bytes(arr))
}

// ---------------------------------------------------------------------------------------------
// IP addresses

#[derive(Debug)]
enum AddrError {
    Invalid(String),
    Bits(String),
}

/// A dotted quad with an optional `/bits`. Only the four-part decimal form, as `inet_pton`.
pub fn parse_ipv4(w: &str) -> Option<u32> {
    let parts: Vec<&str> = w.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut v: u32 = 0;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        v = (v << 8) | n;
    }
    Some(v)
}

fn parse_ipv4_cidr(w: &str) -> Result<(u32, u8), AddrError> {
    let (addr, bits) = match w.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (w, None),
    };
    let a = parse_ipv4(addr).ok_or_else(|| AddrError::Invalid(addr.to_string()))?;
    let bits = match bits {
        None => 32,
        Some(b) => {
            let n = netmask_bits(b)?;
            if n > 32 {
                return Err(AddrError::Bits(format!(
                    "Netmask bits in a CIDR IPv4 address should be <= 32, not {n}"
                )));
            }
            n as u8
        }
    };
    Ok((a, bits))
}

fn parse_ipv6_cidr(w: &str) -> Result<(u128, u8), AddrError> {
    let (addr, bits) = match w.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (w, None),
    };
    let a: std::net::Ipv6Addr = addr
        .parse()
        .map_err(|_| AddrError::Invalid(addr.to_string()))?;
    let bits = match bits {
        None => 128,
        Some(b) => {
            let n = netmask_bits(b)?;
            if n > 128 {
                return Err(AddrError::Bits(format!(
                    "Prefix in a IPv6 address should be <= 128, not {n}"
                )));
            }
            n as u8
        }
    };
    Ok((u128::from(a), bits))
}

/// The bits after `/`: tshark 4.0 converts them as an unsigned integer literal (C's `strtoul`
/// with base 0, in `ipv4_from_literal`/`ipv6_from_literal`), so `/07` is octal and `/08` is
/// `"08" is not a valid number.`
fn netmask_bits(b: &str) -> Result<u32, AddrError> {
    parse_int(b)
        .filter(|_| !b.is_empty() && b.bytes().all(|c| c.is_ascii_alphanumeric()))
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| AddrError::Bits(format!("\"{b}\" is not a valid number.")))
}

/// The netmask for a prefix length.
pub fn v4_mask(bits: u8) -> u32 {
    if bits == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(bits.min(32)))
    }
}

pub fn v6_mask(bits: u8) -> u128 {
    if bits == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(bits.min(128)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;

    fn t(name: &str) -> Target {
        let f = registry::def(registry::lookup(name).expect("field"));
        Target {
            ty: f.ftype,
            field: Some(f),
        }
    }
    fn conv(name: &str, lit: Lit<'_>) -> Result<Const, String> {
        convert(lit, t(name))
            .map(|c| c.value)
            .map_err(|e| e.message)
    }
    fn word(name: &str, w: &str) -> Result<Const, String> {
        conv(name, Lit::Word(w))
    }

    #[test]
    fn integers_in_every_base() {
        assert_eq!(word("tcp.port", "25"), Ok(Const::Int(25)));
        assert_eq!(word("tcp.port", "0x19"), Ok(Const::Int(25)));
        assert_eq!(word("tcp.port", "031"), Ok(Const::Int(25)));
        assert_eq!(word("tcp.port", "0b11001"), Ok(Const::Int(25)));
        assert_eq!(word("tcp.port", "0"), Ok(Const::Int(0)));
        assert_eq!(conv("tcp.port", Lit::Char('H' as u32)), Ok(Const::Int(72)));
        assert_eq!(
            word("tcp.port", "99999999999"),
            Err("\"99999999999\" too big for this field, maximum 65535.".into())
        );
        assert_eq!(
            word("tcp.port", "0x1ffff"),
            Err("\"0x1ffff\" too big for this field, maximum 65535.".into())
        );
        assert_eq!(
            word("tcp.window_size_scalefactor", "1000000000000"),
            Err("\"1000000000000\" too big for this field, maximum 2147483647.".into())
        );
        assert_eq!(
            word("tcp.window_size_scalefactor", "-3000000000"),
            Err("\"3000000000\" too big for this field, maximum 2147483647.".into())
        );
        assert_eq!(word("ip.len", "-1"), Ok(Const::Int(-1)));
        assert_eq!(
            conv("tcp.window_size_scalefactor", Lit::Str(b"-1")),
            Err("Signed integer (4 bytes) cannot be converted from a string (\"-1\").".into())
        );
        assert_eq!(
            word("tcp.seq", "1.5"),
            Err("\"1.5\" is not a valid number.".into())
        );
        assert_eq!(
            word("frame.len", "08"),
            Err("\"08\" is not a valid number.".into())
        );
        assert_eq!(
            conv("tcp.port", Lit::Str(b"80")),
            Err("Unsigned integer (2 bytes) cannot be converted from a string (\"80\").".into())
        );
        assert_eq!(
            word("ip.ttl", "256"),
            Err("\"256\" too big for this field, maximum 255.".into())
        );
        assert_eq!(word("tcp.seq", "4294967295"), Ok(Const::Int(4294967295)));
    }

    #[test]
    fn numbers_fall_back_to_value_names_as_in_4_0() {
        // tshark 4.0.17: a number that fails (out of range, not an integer) is looked up among
        // the value names; a minus sign skips that.
        assert_eq!(
            word("ip.proto", "300"),
            Err("\"300\" cannot be found among the possible values for ip.proto.".into())
        );
        assert_eq!(
            word("ip.proto", "1.5"),
            Err("\"1.5\" cannot be found among the possible values for ip.proto.".into())
        );
        assert_eq!(word("ip.proto", "-1"), Ok(Const::Int(-1)));
        assert_eq!(
            word("frame.p2p_dir", "-200"),
            Err("\"200\" too big for this field, maximum 127.".into())
        );
        assert_eq!(
            word("frame.p2p_dir", "200"),
            Err("\"200\" cannot be found among the possible values for frame.p2p_dir.".into())
        );
        assert_eq!(
            word("frame.ignored", "yes"),
            Err("\"yes\" cannot be found among the possible values for frame.ignored.".into())
        );
        assert_eq!(
            conv("frame.ignored", Lit::Str(b"yes")),
            Err("\"yes\" cannot be found among the possible values for frame.ignored.".into())
        );
    }

    #[test]
    fn value_names() {
        assert_eq!(conv("ip.proto", Lit::Str(b"TCP")), Ok(Const::Int(6)));
        assert_eq!(conv("ip.proto", Lit::Str(b"udp")), Ok(Const::Int(17)));
        let c = convert(Lit::Word("TCP"), t("ip.proto")).expect("converts");
        assert_eq!(c.value, Const::Int(6));
        assert_eq!(c.warning, Some(UNQUOTED_VALUE_STRING));
        assert_eq!(
            conv(
                "smtp.response.code",
                Lit::Str(b"requested mail action okay, completed")
            ),
            Ok(Const::Int(250))
        );
        assert_eq!(
            conv("ip.proto", Lit::Str(b"tcpx")),
            Err("\"tcpx\" cannot be found among the possible values for ip.proto.".into())
        );
        assert_eq!(
            word("ip.proto", "tcpx"),
            Err("\"tcpx\" cannot be found among the possible values for ip.proto.".into())
        );
    }

    #[test]
    fn booleans_with_4_0_quirks() {
        assert_eq!(word("tcp.flags.syn", "1"), Ok(Const::Bool(true)));
        assert_eq!(word("tcp.flags.push", "2"), Ok(Const::Bool(true)));
        assert_eq!(word("tcp.flags.syn", "0"), Ok(Const::Bool(false)));
        assert_eq!(word("tcp.flags.syn", "True"), Ok(Const::Bool(true)));
        assert_eq!(word("tcp.flags.syn", "TRUE"), Ok(Const::Bool(true)));
        assert_eq!(word("tcp.flags.syn", "FALSE"), Ok(Const::Bool(false)));
        assert_eq!(
            conv("tcp.flags.syn", Lit::Str(b"Set")),
            Ok(Const::Bool(true))
        );
        assert_eq!(
            conv("tcp.flags.syn", Lit::Str(b"set")),
            Ok(Const::Bool(true))
        );
        assert_eq!(
            conv("tcp.flags.syn", Lit::Str(b"Not set")),
            Ok(Const::Bool(false))
        );
        assert_eq!(
            word("tcp.flags.syn", "true"),
            Err("\"true\" cannot be found among the possible values for tcp.flags.syn.".into())
        );
        assert_eq!(
            word("tcp.flags.syn", "yes"),
            Err("\"yes\" cannot be found among the possible values for tcp.flags.syn.".into())
        );
        assert_eq!(
            conv("ip.flags.df", Lit::Str(b"True")),
            Err("\"True\" cannot be found among the possible values for ip.flags.df.".into())
        );
        // No true/false labels: lowercase works.
        assert_eq!(word("frame.ignored", "true"), Ok(Const::Bool(true)));
        assert_eq!(word("frame.ignored", "false"), Ok(Const::Bool(false)));
    }

    #[test]
    fn floats_and_relative_times() {
        assert_eq!(
            word("frame.time_delta", "0.7"),
            Ok(Const::RelTime(700_000_000))
        );
        assert_eq!(
            word("frame.time_delta", "2"),
            Ok(Const::RelTime(2_000_000_000))
        );
        assert_eq!(
            word("frame.time_delta", "abc"),
            Err("\"abc\" is not a valid time.".into())
        );
        assert_eq!(
            conv("frame.time_delta", Lit::Str(b"1")),
            Err("Time offset cannot be converted from a string (\"1\").".into())
        );
        // tshark 4.0.17: `1.5e-3` is a time, `1e3` and `0x10` are not.
        assert_eq!(
            word("frame.time_delta", "1.5e-3"),
            Ok(Const::RelTime(1_500_000))
        );
        assert_eq!(
            word("frame.time_delta", "1e3"),
            Err("\"1e3\" is not a valid time.".into())
        );
        assert_eq!(
            word("frame.time_delta", "0x10"),
            Err("\"0x10\" is not a valid time.".into())
        );
        assert_eq!(word("icmp.resptime", "0x10"), Ok(Const::Float(16.0)));
        assert_eq!(
            word("icmp.resptime", "abc"),
            Err("\"abc\" is not a valid floating-point number.".into())
        );
        assert_eq!(
            word("icmp.resptime", "1e400"),
            Err("\"1e400\" causes floating-point overflow.".into())
        );
        assert_eq!(
            word("icmp.resptime", "-inf"),
            Ok(Const::Float(f64::NEG_INFINITY))
        );
        assert_eq!(parse_float("492.204"), Some(492.204));
        assert_eq!(parse_float("492204e-3"), Some(492.204));
        assert_eq!(parse_float("-1.5"), Some(-1.5));
        assert_eq!(parse_float("0x10"), Some(16.0));
        assert_eq!(parse_float(".5"), None);
        assert_eq!(parse_float("5."), None);
        assert!(parse_float("nan").is_some_and(f64::is_nan));
        assert_eq!(parse_float("-inf"), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn absolute_times() {
        // TZ=UTC in the test environment: local time is UTC. 2002-12-31 13:55:31 UTC = 1041342931.
        let base = 1_041_342_931_000_000_000i64;
        assert_eq!(parse_abs_time("2002-12-31 13:55:31"), Ok(base));
        // Days past the month's end roll over as mktime() does, except after `T` or an offset
        // (tshark 4.0.17 verdicts; 2020-03-01 00:00 UTC = 1583020800, 2020-01-31 = 1580428800).
        let mar1 = Ok(1_583_020_800_000_000_000i64);
        assert_eq!(parse_abs_time("2020-02-30 00:00:00"), mar1);
        assert_eq!(parse_abs_time("2020-02-30"), mar1);
        assert_eq!(parse_abs_time("Feb 30, 2020 00:00:00"), mar1);
        assert_eq!(parse_abs_time("2020-02-30 00:00:00 UTC"), mar1);
        assert_eq!(
            parse_abs_time("2020-02-00T00:00:00Z"),
            Ok(1_580_428_800_000_000_000)
        );
        let unexpected = Err("Unexpected data after time value.".to_string());
        assert_eq!(parse_abs_time("2020-02-30T00:00:00Z"), unexpected);
        assert_eq!(parse_abs_time("2020-02-31 00:00:00+01:00"), unexpected);
        assert!(parse_abs_time("2020-02-32 00:00:00").is_err());
        assert!(parse_abs_time("Feb 0, 2020 00:00:00").is_err());
        assert_eq!(parse_abs_time("2002-12-31T13:55:31Z"), Ok(base));
        assert_eq!(
            parse_abs_time("2002-12-31 13:55:31.3"),
            Ok(base + 300_000_000)
        );
        assert_eq!(
            parse_abs_time("2002-12-31 15:55:31.3+02:00"),
            Ok(base + 300_000_000)
        );
        assert_eq!(parse_abs_time("2002-12-31T11:55:31-0200"), Ok(base));
        assert_eq!(parse_abs_time("2002-12-31 13:55:31 UTC"), Ok(base));
        assert_eq!(
            parse_abs_time("Dec 31, 2002 13:55:31.3"),
            Ok(base + 300_000_000)
        );
        assert_eq!(parse_abs_time("Dec 31, 2002 13:55:31 UTC"), Ok(base));
        assert_eq!(
            parse_abs_time("2002-12-31 13:55"),
            Ok(base - 31_000_000_000)
        );
        // 1999-11-12 08:55:44.123 UTC = 942396944.123
        assert_eq!(
            parse_abs_time("Nov 12, 1999 08:55:44.123"),
            Ok(942_396_944_123_000_000)
        );
        let ex = "Example: \"Nov 12, 1999 08:55:44.123\" or \"2011-07-04 12:34:56\"";
        assert_eq!(
            parse_abs_time("2020-13-01"),
            Err(format!("\"2020-13-01\" is not a valid absolute time. {ex}"))
        );
        assert_eq!(
            parse_abs_time("mrt 1, 2000 00:00:00"),
            Err(format!(
                "\"mrt 1, 2000 00:00:00\" is not a valid absolute time. {ex}"
            ))
        );
        assert_eq!(
            parse_abs_time("Nov 12, 1999 08:55"),
            Err(format!(
                "\"Nov 12, 1999 08:55\" is not a valid absolute time. {ex}"
            ))
        );
        assert_eq!(
            parse_abs_time("2002-12-31 13:55.3"),
            Err("Subsecond precision requires a seconds field.".into())
        );
        assert_eq!(
            parse_abs_time("2002-12-31 25:55:31"),
            Err("Unexpected data after time value.".into())
        );
        // 4.0 is lax (strptime): a date alone, an hour alone, extra spaces, short fields,
        // month names in any case (each compiled by tshark 4.0.17).
        let midnight = 1_041_292_800_000_000_000i64;
        assert_eq!(parse_abs_time("2002-12-31"), Ok(midnight));
        assert_eq!(
            parse_abs_time("2002-12-31 13"),
            Ok(midnight + 13 * 3_600_000_000_000)
        );
        assert_eq!(parse_abs_time("2002-12-31  13:55:31"), Ok(base));
        assert_eq!(parse_abs_time("dec 31, 2002 13:55:31"), Ok(base));
        assert_eq!(parse_abs_time("Dec  31, 2002 13:55:31"), Ok(base));
        assert_eq!(
            parse_abs_time("2002-12-31 13:55:31.123456789123"),
            Ok(base + 123_456_789)
        );
        assert_eq!(
            parse_abs_time("2002-12-31 13:55:31Z "),
            Err("Unexpected data after time value.".into())
        );
        assert_eq!(
            parse_abs_time("Dec 31, 2002"),
            Err(format!(
                "\"Dec 31, 2002\" is not a valid absolute time. {ex}"
            ))
        );
        assert_eq!(
            parse_abs_time("2002-02-32 00:00:00"),
            Err(format!(
                "\"2002-02-32 00:00:00\" is not a valid absolute time. {ex}"
            ))
        );
    }

    #[test]
    fn strings_and_chars() {
        assert_eq!(
            conv("smtp.req.command", Lit::Str(b"EHLO")),
            Ok(Const::Bytes(b"EHLO".to_vec()))
        );
        assert_eq!(
            word("smtp.req.command", "EHLO"),
            Ok(Const::Bytes(b"EHLO".to_vec()))
        );
        assert_eq!(
            conv("smtp.req.command", Lit::Char(0xe9)),
            Ok(Const::Bytes(vec![0xe9]))
        );
        assert_eq!(
            conv("smtp.req.command", Lit::Char(0x20ac)),
            Ok(Const::Bytes("€".as_bytes().to_vec()))
        );
    }

    #[test]
    fn byte_strings_in_every_form() {
        let b = |w: &str| word("tcp.payload", w);
        let abc = Ok(Const::Bytes(vec![0xaa, 0xbb, 0xcc]));
        assert_eq!(b("aa:bb:cc"), abc);
        assert_eq!(b("aa-bb-cc"), abc);
        assert_eq!(b("aa.bb.cc"), abc);
        assert_eq!(b("aabbcc"), abc);
        assert_eq!(b(":aabbcc"), abc);
        assert_eq!(b(":fc"), Ok(Const::Bytes(vec![0xfc])));
        assert_eq!(b("48"), Ok(Const::Bytes(vec![0x48])));
        assert_eq!(b("0x48"), Ok(Const::Bytes(vec![0x48])));
        assert_eq!(
            b("aabb.ccdd.eeff"),
            Ok(Const::Bytes(vec![0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]))
        );
        assert_eq!(
            b("0x4845"),
            Err("\"0x4845\" is not a valid byte string.".into())
        );
        assert_eq!(b("zz"), Err("\"zz\" is not a valid byte string.".into()));
    }

    /// tshark 4.0 converts byte literals with `hex_str_to_bytes(s, bytes, FALSE)` (epan/strutil.c,
    /// via `byte_array_from_literal` in epan/ftypes/ftype-bytes.c): groups of four, two or one hex
    /// digits, any of `:` `-` `.` after each group. Every verdict below was checked with
    /// `tshark -Y 'tcp.payload == <literal>'` (4.0.17); the values follow the C code by hand.
    #[test]
    fn byte_strings_as_hex_str_to_bytes_reads_them() {
        let b = |w: &str| word("tcp.payload", w);
        let bytes = |v: &[u8]| Ok(Const::Bytes(v.to_vec()));
        // One hex digit is one byte: `eth.dst[0] & 1`, `tcp[13] & 2`, `data.data == 0`.
        assert_eq!(b("1"), bytes(&[0x01]));
        assert_eq!(b("2"), bytes(&[0x02]));
        assert_eq!(b("0"), bytes(&[0x00]));
        assert_eq!(b("a"), bytes(&[0x0a]));
        // Four digits at a time, then two, then a lone digit at the end or before a separator.
        assert_eq!(b("4548.4c4f"), bytes(&[0x45, 0x48, 0x4c, 0x4f]));
        assert_eq!(b("454"), bytes(&[0x45, 0x04]));
        assert_eq!(b("12345"), bytes(&[0x12, 0x34, 0x05]));
        assert_eq!(
            b("001122.334455"),
            bytes(&[0, 0x11, 0x22, 0x33, 0x44, 0x55])
        );
        assert_eq!(b("4-5-6"), bytes(&[4, 5, 6]));
        assert_eq!(b("1.2.3.4"), bytes(&[1, 2, 3, 4]));
        // The separator may change within a literal, and may end it.
        assert_eq!(b("45.48-4c"), bytes(&[0x45, 0x48, 0x4c]));
        assert_eq!(b("aa:bb-cc"), bytes(&[0xaa, 0xbb, 0xcc]));
        assert_eq!(b("45-"), bytes(&[0x45]));
        assert_eq!(b("ab-"), bytes(&[0xab]));
        // Two separators in a row are not a byte string.
        assert_eq!(
            b("45::46"),
            Err("\"45::46\" is not a valid byte string.".into())
        );
        // `0x` is dropped from 4-character literals only, and then the message names the rest.
        assert_eq!(b("0xA4"), bytes(&[0xa4]));
        assert_eq!(b("0XA4"), bytes(&[0xa4]));
        assert_eq!(b("0x1"), Err("\"0x1\" is not a valid byte string.".into()));
        assert_eq!(b("0x"), Err("\"0x\" is not a valid byte string.".into()));
        assert_eq!(b("0xzz"), Err("\"zz\" is not a valid byte string.".into()));
        // Any length.
        let long = vec!["0d"; 300].join(":");
        assert_eq!(b(&long), bytes(&[0x0d; 300]));
        assert_eq!(
            conv("tcp.payload", Lit::Str(b"HEAD")),
            Ok(Const::Bytes(b"HEAD".to_vec()))
        );
        assert_eq!(
            conv("frame", Lit::Char('H' as u32)),
            Ok(Const::Bytes(vec![0x48]))
        );
    }

    #[test]
    fn ethernet_addresses() {
        let mac = Ok(Const::Ether([0, 0x11, 0x22, 0x33, 0x44, 0x55]));
        assert_eq!(word("eth.src", "00:11:22:33:44:55"), mac);
        assert_eq!(word("eth.src", "00-11-22-33-44-55"), mac);
        assert_eq!(word("eth.src", "00.11.22.33.44.55"), mac);
        assert_eq!(word("eth.src", "0011.2233.4455"), mac);
        assert_eq!(word("eth.src", "001122334455"), mac);
        assert_eq!(
            word("eth.src", "00:11:22:33:44"),
            Err("\"00:11:22:33:44\" contains too few bytes to be a valid Ethernet address.".into())
        );
        assert_eq!(
            word("eth.src", "00:11:22:33:44:55:66"),
            Err(
                "\"00:11:22:33:44:55:66\" contains too many bytes to be a valid Ethernet address."
                    .into()
            )
        );
        // tshark 4.0.17 reads a MAC as a byte string first: `0x01` is one byte, `0-1-2-3-4-5` six.
        assert_eq!(
            word("eth.dst", "0x01"),
            Err("\"0x01\" contains too few bytes to be a valid Ethernet address.".into())
        );
        assert_eq!(
            word("eth.src", "0-1-2-3-4-5"),
            Ok(Const::Ether([0, 1, 2, 3, 4, 5]))
        );
        assert_eq!(
            word("eth.src", "0x001122334455"),
            Err("\"0x001122334455\" is not a valid Ethernet address.".into())
        );
        assert_eq!(
            conv("eth.src", Lit::Str(b"aa")),
            Err("Ethernet or other MAC address cannot be converted from a string (\"aa\").".into())
        );
    }

    #[test]
    fn ip_addresses_and_cidr() {
        assert_eq!(word("ip.src", "10.0.0.1"), Ok(Const::Ipv4(0x0a00_0001, 32)));
        assert_eq!(
            word("ip.src", "10.0.0.0/8"),
            Ok(Const::Ipv4(0x0a00_0000, 8))
        );
        assert_eq!(
            word("ip.src", "300.1.1.1"),
            Err("\"300.1.1.1\" is not a valid hostname or IPv4 address.".into())
        );
        assert_eq!(
            word("ip.src", "1.2.3"),
            Err("\"1.2.3\" is not a valid hostname or IPv4 address.".into())
        );
        assert_eq!(
            word("ip.addr", "10.0.0.0/33"),
            Err("Netmask bits in a CIDR IPv4 address should be <= 32, not 33".into())
        );
        let e = convert(Lit::Word("mail.example"), t("ip.addr")).expect_err("not an address");
        assert_eq!(
            e.message,
            "\"mail.example\" is not a valid hostname or IPv4 address."
        );
        assert_eq!(
            e.suggestion.as_deref(),
            Some("ip.addr is an IPv4 address; \"mail.example\" is not one (wiresift does not resolve host names)")
        );
        assert_eq!(
            conv("ip.src", Lit::Str(b"1.2.3.4")),
            Err("IPv4 address cannot be converted from a string (\"1.2.3.4\").".into())
        );
        assert_eq!(word("ipv6.src", "::1"), Ok(Const::Ipv6(1, 128)));
        assert_eq!(
            word("ipv6.src", "::ffff:1.2.3.4"),
            Ok(Const::Ipv6(0xffff_0102_0304, 128))
        );
        assert_eq!(
            word("ipv6.src", "2001:db8::/32"),
            Ok(Const::Ipv6(0x2001_0db8u128 << 96, 32))
        );
        assert_eq!(
            word("ipv6.src", "1.2.3.4"),
            Err("\"1.2.3.4\" is not a valid hostname or IPv6 address.".into())
        );
        assert_eq!(
            word("ipv6.src", "::1/129"),
            Err("Prefix in a IPv6 address should be <= 128, not 129".into())
        );
        // tshark 4.0.17 reads the prefix length as a C integer: a leading 0 means octal.
        assert_eq!(
            word("ip.addr", "10.0.0.0/07"),
            Ok(Const::Ipv4(0x0a00_0000, 7))
        );
        assert_eq!(
            word("ip.addr", "10.0.0.0/08"),
            Err("\"08\" is not a valid number.".into())
        );
        assert_eq!(word("ipv6.addr", "::1/010"), Ok(Const::Ipv6(1, 8)));
        assert_eq!(
            word("ipv6.addr", "::1/08"),
            Err("\"08\" is not a valid number.".into())
        );
        assert_eq!(v4_mask(8), 0xff00_0000);
        assert_eq!(v4_mask(0), 0);
        assert_eq!(v4_mask(32), u32::MAX);
    }

    #[test]
    fn absolute_time_fields() {
        assert_eq!(
            conv("frame.time", Lit::Str(b"2002-12-31 13:55:31")),
            Ok(Const::AbsTime(1_041_342_931_000_000_000))
        );
        assert!(word("frame.time", "1")
            .is_err_and(|e| e.starts_with("\"1\" is not a valid absolute time.")));
    }
}
