//! IMF (RFC 5322 Internet Message Format), as Wireshark 4.0's packet-imf.c dissects a message:
//! run by the SMTP dissector on the frame that ends a DATA section, over the reassembled message.
//!
//! Header values are shown as they are on the wire (folding kept, leading blanks cut, the final
//! CRLF left out); the From/To/Cc/... sub-items (`imf.mailbox_list.item`, `imf.address`, ...) are
//! cut from the value *including* its final CRLF, as tshark does. Unknown headers become
//! `imf.extension`. The body is not interpreted beyond what the Info column shows: one entry per
//! line without a Content-Type, the MIME part types with one.

use super::{ByteRange, Interest, Packet, Value};
use crate::registry::{id, FieldId};
use std::fmt::Write;

const IMF: FieldId = id("imf");
const EXTENSION: FieldId = id("imf.extension");
const EXTENSION_TYPE: FieldId = id("imf.extension.type");
const EXTENSION_VALUE: FieldId = id("imf.extension.value");
const CONTENT_TYPE: FieldId = id("imf.content.type");
const CONTENT_TYPE_TYPE: FieldId = id("imf.content.type.type");
const CONTENT_TYPE_PARAMETERS: FieldId = id("imf.content.type.parameters");
const CONTENT_TRANSFER_ENCODING: FieldId = id("imf.content.transfer_encoding");
const DISPLAY_NAME: FieldId = id("imf.display_name");
const ADDRESS: FieldId = id("imf.address");
const ADDRESS_LIST_ITEM: FieldId = id("imf.address_list.item");
const MAILBOX_LIST_ITEM: FieldId = id("imf.mailbox_list.item");
const MESSAGE_TEXT: FieldId = id("imf.message_text");
const SIOLABEL: FieldId = id("imf.siolabel");

/// How a header's value is broken down (packet-imf.c's subdissectors).
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Unstructured,
    Mailbox,
    MailboxList,
    AddressList,
    SioLabel,
}

struct Header {
    name: &'static str,
    field: FieldId,
    format: Format,
    /// Shown in the Info column as `name: value, `.
    in_info: bool,
}

const fn h(name: &'static str, field: &str, format: Format, in_info: bool) -> Header {
    Header {
        name,
        field: id(field),
        format,
        in_info,
    }
}

use Format::*;
/// packet-imf.c's `imf_fields`, keyed by the lower-case header name.
const HEADERS: &[Header] = &[
    h("date", "imf.date", Unstructured, false),
    h("from", "imf.from", MailboxList, true),
    h("sender", "imf.sender", Mailbox, false),
    h("reply-to", "imf.reply_to", AddressList, false),
    h("to", "imf.to", AddressList, false),
    h("cc", "imf.cc", AddressList, false),
    h("bcc", "imf.bcc", AddressList, false),
    h("message-id", "imf.message_id", Unstructured, false),
    h("in-reply-to", "imf.in_reply_to", Unstructured, false),
    h("references", "imf.references", Unstructured, false),
    h("subject", "imf.subject", Unstructured, true),
    h("comments", "imf.comments", Unstructured, false),
    h("user-agent", "imf.user_agent", Unstructured, false),
    h("keywords", "imf.keywords", Unstructured, false),
    h("resent-date", "imf.resent.date", Unstructured, false),
    h("resent-from", "imf.resent.from", MailboxList, false),
    h("resent-sender", "imf.resent.sender", Mailbox, false),
    h("resent-to", "imf.resent.to", AddressList, false),
    h("resent-cc", "imf.resent.cc", AddressList, false),
    h("resent-bcc", "imf.resent.bcc", AddressList, false),
    h(
        "resent-message-id",
        "imf.resent.message_id",
        Unstructured,
        false,
    ),
    h("return-path", "imf.return_path", Unstructured, false),
    h("received", "imf.received", Unstructured, false),
    h("content-type", "imf.content.type", Unstructured, false),
    h("content-id", "imf.content.id", Unstructured, false),
    h(
        "content-description",
        "imf.content.description",
        Unstructured,
        false,
    ),
    h(
        "content-transfer-encoding",
        "imf.content.transfer_encoding",
        Unstructured,
        false,
    ),
    h("mime-version", "imf.mime_version", Unstructured, false),
    h("autoforwarded", "imf.autoforwarded", Unstructured, false),
    h("autosubmitted", "imf.autosubmitted", Unstructured, false),
    h(
        "x400-content-identifier",
        "imf.x400_content_identifier",
        Unstructured,
        false,
    ),
    h(
        "content-language",
        "imf.content_language",
        Unstructured,
        false,
    ),
    h("conversion", "imf.conversion", Unstructured, false),
    h(
        "conversion-with-loss",
        "imf.conversion_with_loss",
        Unstructured,
        false,
    ),
    h("delivery-date", "imf.delivery_date", Unstructured, false),
    h(
        "discarded-x400-ipms-extensions",
        "imf.discarded_x400_ipms_extensions",
        Unstructured,
        false,
    ),
    h(
        "discarded-x400-mts-extensions",
        "imf.discarded_x400_mts_extensions",
        Unstructured,
        false,
    ),
    h(
        "dl-expansion-history",
        "imf.dl_expansion_history",
        Unstructured,
        false,
    ),
    h(
        "deferred-delivery",
        "imf.deferred_delivery",
        Unstructured,
        false,
    ),
    h("expires", "imf.expires", Unstructured, false),
    h("importance", "imf.importance", Unstructured, false),
    h(
        "incomplete-copy",
        "imf.incomplete_copy",
        Unstructured,
        false,
    ),
    h(
        "latest-delivery-time",
        "imf.latest_delivery_time",
        Unstructured,
        false,
    ),
    h("message-type", "imf.message_type", Unstructured, false),
    h(
        "original-encoded-information-types",
        "imf.original_encoded_information_types",
        Unstructured,
        false,
    ),
    h(
        "originator-return-address",
        "imf.originator_return_address",
        Unstructured,
        false,
    ),
    h("priority", "imf.priority", Unstructured, false),
    h("reply-by", "imf.reply_by", Unstructured, false),
    h("sensitivity", "imf.sensitivity", Unstructured, false),
    h("supersedes", "imf.supersedes", Unstructured, false),
    h(
        "x400-content-type",
        "imf.x400_content_type",
        Unstructured,
        false,
    ),
    h(
        "x400-mts-identifier",
        "imf.x400_mts_identifier",
        Unstructured,
        false,
    ),
    h(
        "x400-originator",
        "imf.x400_originator",
        Unstructured,
        false,
    ),
    h("x400-received", "imf.x400_received", Unstructured, false),
    h(
        "x400-recipients",
        "imf.x400_recipients",
        Unstructured,
        false,
    ),
    h("delivered-to", "imf.delivered_to", Mailbox, false),
    h("x-mailer", "imf.ext.mailer", Unstructured, false),
    h("thread-index", "imf.thread-index", Unstructured, false),
    h("lines", "imf.lines", Unstructured, false),
    h("precedence", "imf.precedence", Unstructured, false),
    h("x-mimeole", "imf.ext.mimeole", Unstructured, false),
    h("expiry-date", "imf.ext.expiry-date", Unstructured, false),
    h(
        "x-ms-tnef-correlator",
        "imf.ext.tnef-correlator",
        Unstructured,
        false,
    ),
    h("x-uidl", "imf.ext.uidl", Unstructured, false),
    h(
        "x-authentication-warning",
        "imf.ext.authentication_warning",
        Unstructured,
        false,
    ),
    h(
        "x-virus-scanned",
        "imf.ext.virus_scanned",
        Unstructured,
        false,
    ),
    h("x-original-to", "imf.ext.original-to", AddressList, false),
    h("sio-label", "imf.siolabel", SioLabel, false),
];

fn find(buf: &[u8], from: usize, to: usize, b: u8) -> Option<usize> {
    let end = to.min(buf.len());
    buf.get(from..end)?
        .iter()
        .position(|&c| c == b)
        .map(|i| from + i)
}

fn byte(buf: &[u8], i: usize) -> u8 {
    buf.get(i).copied().unwrap_or(0)
}

/// packet-imf.c's `imf_find_field_end`: the offset after the CRLF that ends a header (folded
/// lines included), and whether the header block ends there.
fn field_end(buf: &[u8], mut off: usize, max: usize, last: &mut bool) -> Option<usize> {
    let max = max.min(buf.len());
    while off < max {
        off = find(buf, off, max, b'\r')?;
        off += 1;
        if off < max && byte(buf, off) == b'\n' {
            off += 1;
            if off >= max {
                *last = true;
                return Some(off - 2);
            }
            match byte(buf, off) {
                b'\r' => {
                    if off + 1 < max && byte(buf, off + 1) == b'\n' {
                        *last = true;
                    }
                    return Some(off);
                }
                b' ' | b'\t' => {}
                _ => return Some(off),
            }
        }
    }
    None
}

/// Writes `imf` items for `msg` (the reassembled message, whose bytes lie at `at`) and sets the
/// columns as tshark's IMF dissector does (`SMTP/IMF`, `from: ..., subject: ..., `).
pub fn dissect(p: &mut Packet, interest: &Interest, msg: &[u8], at: ByteRange) {
    let r = |off: usize, len: usize| ByteRange {
        source: at.source,
        start: at.start.saturating_add(off as u32),
        len: len as u32,
    };
    let s = |off: usize, len: usize| Value::Str(r(off, len));
    p.begin_layer(IMF, at);
    let mut info = String::new();
    let max = msg.len();
    let mut start = 0usize;
    let mut end = 0usize;
    let mut last = false;
    let mut content_type: Option<(usize, usize)> = None;
    let mut parameters: Option<(usize, usize)> = None;
    while !last {
        let Some(colon) = find(msg, start, max, b':') else {
            break;
        };
        let key = msg.get(start..colon).unwrap_or(&[]).to_ascii_lowercase();
        let header = HEADERS.iter().find(|h| h.name.as_bytes() == key.as_slice());
        let name_start = start;
        start = colon + 1;
        let Some(e) = field_end(msg, start, max, &mut last) else {
            break;
        };
        end = e;
        let mut value = start;
        while value < end && byte(msg, value).is_ascii_whitespace() {
            value += 1;
        }
        if value == end {
            value = start;
        }
        let vlen = end.saturating_sub(value).saturating_sub(2);
        match header {
            None => {
                let whole = end.saturating_sub(name_start).saturating_sub(2);
                p.add(
                    interest,
                    EXTENSION,
                    s(name_start, whole),
                    r(name_start, whole),
                );
                p.enter();
                let tlen = colon - name_start;
                p.add(
                    interest,
                    EXTENSION_TYPE,
                    s(name_start, tlen),
                    r(name_start, tlen),
                );
                p.add(interest, EXTENSION_VALUE, s(value, vlen), r(value, vlen));
                p.leave();
            }
            Some(h) => {
                let v = if h.format == SioLabel {
                    Value::None
                } else {
                    s(value, vlen)
                };
                p.add(interest, h.field, v, r(value, vlen));
                if h.in_info {
                    let text = msg.get(value..value + vlen).unwrap_or(&[]);
                    let _ = write!(info, "{}: {}, ", h.name, format_text(text));
                }
                if h.field == CONTENT_TYPE {
                    let (t, params) = content_type_parts(msg, start, end - start);
                    p.enter();
                    if let Some((o, l)) = t {
                        p.add(interest, CONTENT_TYPE_TYPE, s(o, l), r(o, l));
                        content_type = Some((o, l));
                    }
                    if let Some((o, l)) = params {
                        p.add(interest, CONTENT_TYPE_PARAMETERS, s(o, l), r(o, l));
                        parameters = Some((o, l));
                    }
                    p.leave();
                } else if h.field != CONTENT_TRANSFER_ENCODING {
                    let len = end - value;
                    p.enter();
                    match h.format {
                        Mailbox => mailbox(p, interest, msg, value, len, &r),
                        MailboxList => list(p, interest, msg, value, len, MAILBOX_LIST_ITEM, &r),
                        AddressList => list(p, interest, msg, value, len, ADDRESS_LIST_ITEM, &r),
                        Unstructured | SioLabel => {}
                    }
                    p.leave();
                }
            }
        }
        start = end;
    }
    let _ = SIOLABEL;
    // Headers that do not end with a blank line: tshark shows the whole message as text.
    let body = if last { end + 2 } else { 0 };
    let body = body.min(max);
    match content_type {
        Some((o, l)) => {
            let ct = msg.get(o..o + l).unwrap_or(&[]);
            let params = parameters
                .and_then(|(o, l)| msg.get(o..o + l))
                .unwrap_or(&[]);
            mime_info(ct, params, msg.get(body..).unwrap_or(&[]), &mut info, 0);
        }
        None => {
            let len = max - body;
            p.add(interest, MESSAGE_TEXT, Value::None, r(body, len));
            let mut off = body;
            while off < max {
                let (_, next) = super::smtp::line_end(msg, off);
                let line = msg.get(off..next).unwrap_or(&[]);
                if !info.is_empty() {
                    info.push_str(", ");
                }
                info.push_str(&format_text_wsp(line));
                off = next;
            }
        }
    }
    if p.want_columns {
        p.columns.protocol = "SMTP/IMF";
        truncate_info(&mut info);
        p.columns.info = info;
    }
}

/// packet-imf.c's `dissect_imf_content_type`: the type, and the parameters after the first ';'.
#[allow(clippy::type_complexity)]
fn content_type_parts(
    msg: &[u8],
    mut off: usize,
    len: usize,
) -> (Option<(usize, usize)>, Option<(usize, usize)>) {
    for i in 0..len {
        if !byte(msg, off + i).is_ascii_whitespace() {
            off += i;
            break;
        }
    }
    let Some(semi) = find(msg, off, off + len, b';') else {
        return (None, None);
    };
    let t = Some((off, semi - off));
    let mut last = false;
    let Some(end) = field_end(msg, semi + 1, off + len, &mut last) else {
        return (t, None);
    };
    let plen = end.saturating_sub(semi + 1).saturating_sub(2);
    (t, Some((semi + 1, plen)))
}

/// A comma-separated list of mailboxes or addresses; each item keeps what follows it up to the
/// comma (or the header's final CRLF).
fn list(
    p: &mut Packet,
    interest: &Interest,
    msg: &[u8],
    off: usize,
    len: usize,
    item: FieldId,
    r: &dyn Fn(usize, usize) -> ByteRange,
) {
    let end = off + len;
    let mut at = off;
    loop {
        let comma = find(msg, at, end, b',');
        let ilen = comma.unwrap_or(end).saturating_sub(at);
        p.add(interest, item, Value::Str(r(at, ilen)), r(at, ilen));
        p.enter();
        if item == ADDRESS_LIST_ITEM {
            address(p, interest, msg, at, ilen, r);
        } else {
            mailbox(p, interest, msg, at, ilen, r);
        }
        p.leave();
        match comma {
            Some(c) => at = c + 1,
            None => break,
        }
    }
}

/// An address: a group (`name: mailbox, ...;`) or a mailbox.
fn address(
    p: &mut Packet,
    interest: &Interest,
    msg: &[u8],
    off: usize,
    len: usize,
    r: &dyn Fn(usize, usize) -> ByteRange,
) {
    let end = off + len;
    let Some(colon) = find(msg, off, end, b':') else {
        mailbox(p, interest, msg, off, len, r);
        return;
    };
    let nlen = colon.saturating_sub(off).saturating_sub(1);
    p.add(
        interest,
        DISPLAY_NAME,
        Value::Str(r(off, nlen)),
        r(off, nlen),
    );
    let mut at = colon + 1;
    while at < end && byte(msg, at).is_ascii_whitespace() {
        at += 1;
    }
    if byte(msg, at) != b';' {
        p.enter();
        list(
            p,
            interest,
            msg,
            at,
            len.saturating_sub(at - off),
            MAILBOX_LIST_ITEM,
            r,
        );
        p.leave();
    }
}

/// A mailbox: `display name <address>` or a bare address (then the whole item, CRLF included).
fn mailbox(
    p: &mut Packet,
    interest: &Interest,
    msg: &[u8],
    mut off: usize,
    len: usize,
    r: &dyn Fn(usize, usize) -> ByteRange,
) {
    let end = off + len;
    let Some(lt) = find(msg, off, end, b'<') else {
        p.add(interest, ADDRESS, Value::Str(r(off, len)), r(off, len));
        return;
    };
    while off < lt && byte(msg, off).is_ascii_whitespace() {
        off += 1;
    }
    if off != lt {
        let nlen = lt.saturating_sub(off).saturating_sub(1);
        p.add(
            interest,
            DISPLAY_NAME,
            Value::Str(r(off, nlen)),
            r(off, nlen),
        );
    }
    if let Some(gt) = find(msg, lt + 1, end, b'>') {
        let alen = gt - lt - 1;
        p.add(
            interest,
            ADDRESS,
            Value::Str(r(lt + 1, alen)),
            r(lt + 1, alen),
        );
    }
}

/// What the media dissectors add to Info: ` (type)` for a text body, and for a multipart body
/// its own parts' types (nested multiparts included), as mime_multipart does.
fn mime_info(ct: &[u8], params: &[u8], body: &[u8], info: &mut String, depth: u8) {
    let ct = String::from_utf8_lossy(ct).trim().to_ascii_lowercase();
    if !ct.starts_with("multipart/") {
        // Types whose dissector writes no Info (data, tnef, a nested IMF).
        let silent = [
            "application/octet-stream",
            "application/ms-tnef",
            "message/rfc822",
        ];
        if !silent.contains(&ct.as_str()) {
            let _ = write!(info, " ({ct})");
        }
        return;
    }
    if depth > 8 {
        return;
    }
    let Some(boundary) = parameter(params, "boundary") else {
        return;
    };
    let mut delim = b"--".to_vec();
    delim.extend_from_slice(&boundary);
    let mut parts = Vec::new();
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(body.get(at..).unwrap_or(&[]), &delim) {
        let start = at + i + delim.len();
        if body.get(start..start + 2) == Some(b"--") {
            break;
        }
        parts.push(start);
        at = start;
    }
    for (n, &start) in parts.iter().enumerate() {
        let stop = parts.get(n + 1).map_or(body.len(), |&s| s - delim.len());
        let part = body.get(start..stop).unwrap_or(&[]);
        // Skip the rest of the boundary line.
        let (_, hdr) = super::smtp::line_end(part, 0);
        let (ctype, cparams, pbody) = part_headers(part, hdr);
        match ctype {
            Some(t) => {
                let lower = String::from_utf8_lossy(&t).trim().to_ascii_lowercase();
                if lower.starts_with("multipart/") {
                    let _ = write!(info, " ({lower})");
                }
                mime_info(
                    &t,
                    &cparams,
                    part.get(pbody..).unwrap_or(&[]),
                    info,
                    depth + 1,
                );
            }
            None => info.push_str(" (text/plain)"),
        }
    }
}

/// A MIME part's Content-Type (type, parameters) and where its body starts.
fn part_headers(part: &[u8], mut off: usize) -> (Option<Vec<u8>>, Vec<u8>, usize) {
    let mut ct = None;
    let mut params = Vec::new();
    while off < part.len() {
        let (len, next) = super::smtp::line_end(part, off);
        if len == 0 {
            return (ct, params, next);
        }
        // Unfold continuation lines.
        let mut end = next;
        while matches!(part.get(end), Some(b' ' | b'\t')) {
            end = super::smtp::line_end(part, end).1;
        }
        let line = part.get(off..end).unwrap_or(&[]);
        if let Some(colon) = line.iter().position(|&c| c == b':') {
            let (name, v) = line.split_at_checked(colon).unwrap_or((line, &[]));
            if name.eq_ignore_ascii_case(b"content-type") {
                let v = v.get(1..).unwrap_or(&[]);
                match v.iter().position(|&c| c == b';') {
                    Some(s) => {
                        let (value, rest) = v.split_at_checked(s).unwrap_or((v, &[]));
                        ct = Some(value.to_vec());
                        params = rest.get(1..).unwrap_or(&[]).to_vec();
                    }
                    None => ct = Some(v.to_vec()),
                }
            }
        }
        off = end;
    }
    (ct, params, part.len())
}

/// A parameter's value (`boundary="x"` → `x`).
fn parameter(params: &[u8], name: &str) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(params);
    for p in text.split(';') {
        let p = p.trim();
        if let Some((k, v)) = p.split_once('=') {
            if k.trim().eq_ignore_ascii_case(name) {
                return Some(v.trim().trim_matches('"').as_bytes().to_vec());
            }
        }
    }
    None
}

/// tshark keeps at most 4095 bytes of a column (COL_MAX_INFO_LEN).
pub(crate) fn truncate_info(s: &mut String) {
    const MAX: usize = 4095;
    if s.len() > MAX {
        let mut cut = MAX;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
}

/// Wireshark's `format_text`: C escapes for control characters.
pub(crate) fn format_text(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    for c in String::from_utf8_lossy(b).chars() {
        match c {
            '\x07' => s.push_str("\\a"),
            '\x08' => s.push_str("\\b"),
            '\x0c' => s.push_str("\\f"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '\x0b' => s.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => {
                let _ = write!(s, "\\{:03o}", c as u32);
            }
            c => s.push(c),
        }
    }
    s
}

/// Wireshark's `format_text_wsp`: whitespace control characters become spaces.
fn format_text_wsp(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    for c in String::from_utf8_lossy(b).chars() {
        match c {
            '\n' | '\r' | '\t' | '\x0b' | '\x0c' => s.push(' '),
            c if (c as u32) < 0x20 || c == '\x7f' => {
                let _ = write!(s, "\\x{:02x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s
}
