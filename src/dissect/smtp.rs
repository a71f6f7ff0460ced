//! SMTP, as Wireshark 4.0's packet-smtp.c dissects it: commands and replies line by line, the
//! DATA/BDAT message gathered across frames and handed to [`imf`](super::imf) on the frame that
//! ends it, AUTH LOGIN/PLAIN credentials, and STARTTLS (everything after a 220 reply is TLS).
//!
//! [`reassembly`](super::reassembly) calls [`dissect`] once per PDU, in frame order, with the
//! bytes of the PDU (a single segment's payload or TCP-reassembled bytes). The per-conversation
//! [`Session`] is the `smtp_session_state` of packet-smtp.c; since we make one pass in frame
//! order, the per-frame data tshark stores for later passes is recomputed, never stored.
//! What tshark learns only later (`smtp.data.reassembled.in` on earlier fragments) is recorded
//! by the caller for a second pass.

use super::bytes::{array, be16, be16_words};
use super::{imf, ByteRange, Interest, Packet, Value};
use crate::registry::{id, FieldId};
use std::fmt::Write;

const SMTP: FieldId = id("smtp");
const REQ: FieldId = id("smtp.req");
const RSP: FieldId = id("smtp.rsp");
const MESSAGE: FieldId = id("smtp.message");
const COMMAND_LINE: FieldId = id("smtp.command_line");
const REQ_COMMAND: FieldId = id("smtp.req.command");
const REQ_PARAMETER: FieldId = id("smtp.req.parameter");
const RESPONSE: FieldId = id("smtp.response");
const RESPONSE_CODE: FieldId = id("smtp.response.code");
const RSP_PARAMETER: FieldId = id("smtp.rsp.parameter");
const USERNAME: FieldId = id("smtp.auth.username");
const PASSWORD: FieldId = id("smtp.auth.password");
const USERNAME_PASSWORD: FieldId = id("smtp.auth.username_password");
const EOM: FieldId = id("smtp.eom");
const FRAGMENTS: FieldId = id("smtp.data.fragments");
const FRAGMENT: FieldId = id("smtp.data.fragment");
const FRAGMENT_COUNT: FieldId = id("smtp.data.fragment.count");
pub(crate) const REASSEMBLED_IN: FieldId = id("smtp.data.reassembled.in");
const REASSEMBLED_LENGTH: FieldId = id("smtp.data.reassembled.length");
const BASE64_DECODE: FieldId = id("smtp.base64_decode");
const CODE_UNEXPECTED: FieldId = id("smtp.response.code.unexpected");
const EXPERT: FieldId = id("_ws.expert");
const DATA_TEXT_LINES: FieldId = id("data-text-lines");
const TLS: FieldId = id("tls");

/// SMTP preferences (tshark's `smtp.*` options).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefs {
    /// `smtp.decryption`: decode Base64 AUTH parameters (off by default, as in tshark).
    pub decryption: bool,
    /// `smtp.desegment_lines`: reassemble command and reply lines split over segments.
    pub desegment_lines: bool,
    /// `smtp.desegment_data`: gather DATA into one message for IMF.
    pub desegment_data: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            decryption: false,
            desegment_lines: true,
            desegment_data: true,
        }
    }
}

/// packet-smtp.c's `smtp_state_t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Nothing decisive seen yet (the capture may start inside DATA): a line that is not a
    /// command is taken as message data.
    Start,
    /// Reading commands.
    Commands,
    /// Reading message data (after DATA, or BDAT with bytes to come).
    Data,
    /// Sent STARTTLS, awaiting the reply.
    AwaitingStarttls,
}

/// packet-smtp.c's `smtp_auth_state_t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Auth {
    None,
    Start,
    UsernameReq,
    UsernameRsp,
    PasswordReq,
    PasswordRsp,
    PlainStartReq,
    PlainCredReq,
    PlainReq,
    PlainRsp,
    NtlmReq,
    NtlmChallenge,
    NtlmRsp,
    Success,
    Failed,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pdu {
    Cmd,
    Message,
    Eom,
}

/// One SMTP conversation's state (`smtp_session_state`), and its DATA being gathered.
pub struct Session {
    state: State,
    auth: Auth,
    first_auth_frame: u32,
    last_auth_frame: u32,
    username_frame: u32,
    password_frame: u32,
    username_cmd_frame: u32,
    user_pass_frame: u32,
    user_pass_cmd_frame: u32,
    ntlm_req_frame: u32,
    ntlm_rsp_frame: u32,
    crlf_seen: bool,
    data_seen: bool,
    msg_read_len: u32,
    msg_tot_len: u32,
    msg_last: bool,
    /// Frames after this one are TLS (0: no STARTTLS accepted).
    last_nontls_frame: u32,
    /// The DATA fragments so far (fragment_add_seq_next keyed by the conversation).
    message: Vec<u8>,
    fragments: Vec<u32>,
    message_len: u64,
    fragment_count: u32,
    /// Part of the message was not kept (a buffer cap was hit).
    truncated: bool,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            state: State::Start,
            auth: Auth::None,
            first_auth_frame: 0,
            last_auth_frame: 0,
            username_frame: 0,
            password_frame: 0,
            username_cmd_frame: 0,
            user_pass_frame: 0,
            user_pass_cmd_frame: 0,
            ntlm_req_frame: 0,
            ntlm_rsp_frame: 0,
            crlf_seen: false,
            data_seen: false,
            msg_read_len: 0,
            msg_tot_len: 0,
            msg_last: true,
            last_nontls_frame: 0,
            message: Vec::new(),
            fragments: Vec::new(),
            message_len: 0,
            fragment_count: 0,
            truncated: false,
        }
    }
}

impl Session {
    /// Whether this frame belongs to TLS (after an accepted STARTTLS).
    pub fn is_tls(&self, frame: u32) -> bool {
        self.last_nontls_frame != 0 && frame > self.last_nontls_frame
    }
    /// Bytes held for the DATA being gathered.
    pub fn buffered(&self) -> usize {
        self.message.len() + self.fragments.len() * 4
    }
}

/// What a PDU's dissection leaves for the caller: memory to account and two-pass facts.
#[derive(Default)]
pub struct Outcome {
    /// Bytes added to (positive) or released from the session's message buffer.
    pub grown: usize,
    pub released: usize,
    /// A message completed on this frame: its earlier fragments, reassembled here.
    pub completed: Vec<u32>,
    /// The message buffer could not take this fragment (cap).
    pub capped: bool,
}

/// `tvb_find_line_end` without desegmentation: (line length without EOL, offset of next line).
pub(crate) fn line_end(buf: &[u8], off: usize) -> (usize, usize) {
    let rest = buf.get(off..).unwrap_or(&[]);
    match memchr::memchr2(b'\r', b'\n', rest) {
        None => (rest.len(), buf.len()),
        Some(i) => {
            let eol = off + i;
            let next = if rest.get(i) == Some(&b'\r') && rest.get(i + 1) == Some(&b'\n') {
                eol + 2
            } else {
                eol + 1
            };
            (i, next)
        }
    }
}

/// Whether the PDU must wait for more bytes: its first line has no end yet (a CR at the very
/// end may still be followed by LF) — `DESEGMENT_ONE_MORE_SEGMENT` in packet-smtp.c.
pub fn needs_more(buf: &[u8]) -> bool {
    match memchr::memchr2(b'\r', b'\n', buf) {
        None => true,
        Some(i) => buf.get(i) == Some(&b'\r') && i + 1 == buf.len(),
    }
}

fn is_command(line: &[u8]) -> bool {
    let cmd = line.split(|&c| c == b' ').next().unwrap_or(line);
    if cmd.len() == 4 && cmd.iter().all(u8::is_ascii_alphabetic) {
        return true;
    }
    ["STARTTLS", "X-EXPS", "X-LINK2STATE", "XEXCH50"]
        .iter()
        .any(|c| cmd.eq_ignore_ascii_case(c.as_bytes()))
}

fn starts_ci(line: &[u8], s: &str) -> bool {
    line.get(..s.len())
        .is_some_and(|l| l.eq_ignore_ascii_case(s.as_bytes()))
}

/// GLib's `g_base64_decode_inplace`: lenient, skips what is not Base64.
fn base64_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// A credential as shown: raw, or decoded when the preference is on and decoding gives bytes.
fn credential(raw: &[u8], prefs: &Prefs) -> Vec<u8> {
    if prefs.decryption && raw.len() > 1 {
        let d = base64_decode(raw);
        if !d.is_empty() {
            return d;
        }
    }
    raw.to_vec()
}

/// Dissect one SMTP PDU (`pdu`, whose bytes lie at `at`) on frame `frame`.
#[allow(clippy::too_many_arguments)]
pub fn dissect(
    p: &mut Packet,
    interest: &Interest,
    sess: &mut Session,
    prefs: &Prefs,
    request: bool,
    pdu: &[u8],
    at: ByteRange,
    message_room: usize,
) -> Outcome {
    let frame = p.info.number;
    let mut out = Outcome::default();
    let r = |off: usize, len: usize| ByteRange {
        source: at.source,
        start: at.start.saturating_add(off as u32),
        len: len as u32,
    };
    let s = |off: usize, len: usize| Value::Str(r(off, len));

    // The first loop of dissect_smtp: classify the PDU and move the state machine.
    let mut pdu_type = Pdu::Cmd;
    let mut more_frags = true;
    let mut eom_len = 0usize;
    let mut loffset = 0usize;
    while loffset < pdu.len() {
        let (linelen, next) = line_end(pdu, loffset);
        let line = pdu.get(loffset..loffset + linelen).unwrap_or(&[]);
        let mut next_offset = next;
        let mut eom = false;
        if sess.state == State::Data {
            if (sess.crlf_seen && pdu.get(loffset..loffset + 3) == Some(b".\r\n"))
                || pdu.get(loffset..loffset + 5) == Some(b"\r\n.\r\n")
            {
                eom = true;
            }
            sess.crlf_seen = pdu.ends_with(b"\r\n");
        }
        if request {
            if sess.state == State::Data {
                if eom {
                    pdu_type = Pdu::Eom;
                    eom_len = linelen;
                    sess.state = State::Commands;
                    break;
                }
                pdu_type = Pdu::Message;
                if sess.msg_tot_len > 0 {
                    sess.msg_read_len =
                        sess.msg_read_len.wrapping_add((pdu.len() - loffset) as u32);
                    next_offset = pdu.len();
                    if sess.msg_read_len == sess.msg_tot_len {
                        sess.state = State::Commands;
                        if sess.msg_last {
                            more_frags = false;
                        }
                        break;
                    }
                }
            } else {
                let decoded;
                let mut cmd_line = line;
                if sess.auth != Auth::None
                    && frame >= sess.first_auth_frame
                    && (sess.last_auth_frame == 0 || frame <= sess.last_auth_frame)
                    && prefs.decryption
                    && line.len() > 1
                {
                    decoded = base64_decode(line);
                    if !decoded.is_empty() {
                        cmd_line = &decoded;
                    }
                }
                let l = cmd_line;
                let n = l.len();
                if is_command(l) {
                    pdu_type = Pdu::Cmd;
                    if starts_ci(l, "DATA") {
                        sess.state = State::Data;
                        sess.data_seen = true;
                    } else if starts_ci(l, "BDAT") {
                        let digits: Vec<u8> = l
                            .get(5..)
                            .unwrap_or(&[])
                            .iter()
                            .skip_while(|c| c.is_ascii_whitespace())
                            .take_while(|c| c.is_ascii_digit())
                            .copied()
                            .collect();
                        let len = std::str::from_utf8(&digits)
                            .ok()
                            .and_then(|d| d.parse::<u64>().ok())
                            .unwrap_or(0) as u32;
                        sess.data_seen = true;
                        sess.msg_tot_len = sess.msg_tot_len.wrapping_add(len);
                        sess.state = if len == 0 {
                            State::Commands
                        } else {
                            State::Data
                        };
                        if n.checked_sub(4)
                            .and_then(|s| l.get(s..))
                            .is_some_and(|t| t.eq_ignore_ascii_case(b"LAST"))
                        {
                            sess.msg_last = true;
                            if len == 0 {
                                more_frags = false;
                            }
                        } else {
                            sess.msg_last = false;
                        }
                    } else if starts_ci(l, "AUTH LOGIN") {
                        sess.state = State::Commands;
                        sess.first_auth_frame = frame;
                        if n <= 11 {
                            sess.auth = Auth::Start;
                        } else {
                            sess.auth = Auth::UsernameRsp;
                            sess.username_cmd_frame = frame;
                        }
                    } else if starts_ci(l, "AUTH PLAIN") {
                        sess.state = State::Commands;
                        sess.first_auth_frame = frame;
                        if n <= 11 {
                            sess.auth = Auth::PlainStartReq;
                        } else {
                            sess.auth = Auth::PlainCredReq;
                            sess.user_pass_cmd_frame = frame;
                        }
                    } else if starts_ci(l, "AUTH NTLM") && n > 10 {
                        sess.state = State::Commands;
                        sess.auth = Auth::NtlmReq;
                        sess.ntlm_req_frame = frame;
                    } else if starts_ci(l, "STARTTLS") {
                        sess.state = State::AwaitingStarttls;
                    }
                } else if sess.auth == Auth::UsernameReq {
                    sess.auth = Auth::UsernameRsp;
                    sess.username_frame = frame;
                } else if sess.auth == Auth::PasswordReq {
                    sess.auth = Auth::PasswordRsp;
                    sess.password_frame = frame;
                } else if sess.auth == Auth::PlainReq {
                    sess.auth = Auth::PlainRsp;
                    sess.user_pass_frame = frame;
                } else if sess.auth == Auth::NtlmChallenge {
                    sess.auth = Auth::NtlmRsp;
                    sess.ntlm_rsp_frame = frame;
                } else {
                    pdu_type = if sess.data_seen || sess.state == State::Start {
                        Pdu::Message
                    } else {
                        Pdu::Cmd
                    };
                }
            }
        }
        loffset = next_offset;
    }

    p.begin_layer(SMTP, at);
    let mut info = String::new();
    if request {
        match pdu_type {
            Pdu::Message => {
                let _ = write!(
                    info,
                    "C: {}, {} byte{}",
                    if prefs.desegment_data {
                        "DATA fragment"
                    } else {
                        "Message Body"
                    },
                    pdu.len(),
                    if pdu.len() == 1 { "" } else { "s" }
                );
                if prefs.desegment_data {
                    add_fragment(sess, pdu, frame, message_room, &mut out);
                    if !more_frags {
                        complete(p, interest, sess, frame, &mut out, true);
                    }
                    p.begin_layer(DATA_TEXT_LINES, at);
                } else {
                    message_lines(p, interest, pdu, &r);
                }
            }
            Pdu::Eom => {
                info.push_str("C: .");
                p.add(interest, EOM, Value::None, r(0, eom_len));
                if prefs.desegment_data {
                    if loffset > 0 {
                        add_fragment(
                            sess,
                            pdu.get(..loffset).unwrap_or(&[]),
                            frame,
                            message_room,
                            &mut out,
                        );
                    }
                    complete(p, interest, sess, frame, &mut out, false);
                }
            }
            Pdu::Cmd => {
                let mut off = 0;
                while off < pdu.len() {
                    let (linelen, next) = line_end(pdu, off);
                    let line = pdu.get(off..off + linelen).unwrap_or(&[]);
                    info.push_str(if off == 0 { "C: " } else { " | " });
                    p.add_hidden(interest, REQ, Value::Bool(true), r(0, 0));
                    if sess.username_frame == frame {
                        let v = credential(line, prefs);
                        let x = p.add_extra(&v);
                        p.add(interest, USERNAME, Value::Str(x), r(off, linelen));
                        let _ = write!(info, "User: {}", imf::format_text(&v));
                    } else if sess.password_frame == frame {
                        let v = credential(line, prefs);
                        let x = p.add_extra(&v);
                        p.add(interest, PASSWORD, Value::Str(x), r(off, linelen));
                        let _ = write!(info, "Pass: {}", imf::format_text(&v));
                    } else if sess.ntlm_rsp_frame == frame {
                        info.push_str(&imf::format_text(line));
                        p.add(interest, COMMAND_LINE, s(off, linelen), r(off, linelen));
                    } else if sess.user_pass_frame == frame {
                        plain_auth(p, interest, prefs, line, r(off, linelen), &mut info);
                    } else {
                        let cmdlen = linelen.min(4);
                        p.add(
                            interest,
                            COMMAND_LINE,
                            s(off, next - off),
                            r(off, next - off),
                        );
                        p.enter();
                        p.add(interest, REQ_COMMAND, s(off, cmdlen), r(off, cmdlen));
                        if linelen > 5 {
                            let param = s(off + 5, linelen - 5);
                            p.add(interest, REQ_PARAMETER, param, r(off + 5, linelen - 5));
                        }
                        if linelen > 5 && sess.username_cmd_frame == frame {
                            if linelen >= 11 {
                                let v = credential(line.get(11..).unwrap_or(&[]), prefs);
                                let x = p.add_extra(&v);
                                p.add(interest, USERNAME, Value::Str(x), r(off + 11, linelen - 11));
                                info.push_str(&imf::format_text(line.get(..11).unwrap_or(&[])));
                                let _ = write!(info, "User: {}", imf::format_text(&v));
                            }
                        } else if linelen > 5 && sess.user_pass_cmd_frame == frame {
                            info.push_str(&imf::format_text(line.get(..11).unwrap_or(line)));
                            let rest = line.get(11..).unwrap_or(&[]);
                            let pos = r(off + 11, linelen.saturating_sub(11));
                            plain_auth(p, interest, prefs, rest, pos, &mut info);
                        } else {
                            info.push_str(&imf::format_text(line));
                        }
                        p.leave();
                        if prefs.desegment_data && !more_frags {
                            complete(p, interest, sess, frame, &mut out, false);
                        }
                    }
                    off = next;
                }
            }
        }
    } else {
        p.add_hidden(interest, RSP, Value::Bool(true), r(0, 0));
        response(p, interest, sess, prefs, pdu, &r, &mut info, frame);
    }
    if p.want_columns && p.columns.protocol != "SMTP/IMF" {
        p.columns.protocol = "SMTP";
        let mut text = analysis_prefix(&p.columns.info).to_string() + &info;
        imf::truncate_info(&mut text);
        p.columns.info = text;
    }
    out
}

/// The `[TCP ...] ` expert prefixes TCP wrote before the ports: tshark keeps them (a column
/// fence) when SMTP replaces the Info text.
fn analysis_prefix(info: &str) -> &str {
    let mut end = 0;
    while let Some(rest) = info.get(end..) {
        if !rest.starts_with("[TCP") {
            break;
        }
        match rest.find("] ") {
            Some(i) => end += i + 2,
            None => break,
        }
    }
    info.get(..end).unwrap_or("")
}

fn add_fragment(sess: &mut Session, bytes: &[u8], frame: u32, room: usize, out: &mut Outcome) {
    sess.message_len += bytes.len() as u64;
    sess.fragment_count += 1;
    if !sess.truncated && bytes.len() + 4 <= room {
        sess.message.extend_from_slice(bytes);
        sess.fragments.push(frame);
        out.grown += bytes.len() + 4;
    } else {
        sess.truncated = true;
        out.capped = true;
    }
}

/// The message is complete on this frame: the fragments tree and IMF.
fn complete(
    p: &mut Packet,
    interest: &Interest,
    sess: &mut Session,
    frame: u32,
    out: &mut Outcome,
    bdat_last: bool,
) {
    if sess.fragment_count == 0 {
        return;
    }
    let message = std::mem::take(&mut sess.message);
    let fragments = std::mem::take(&mut sess.fragments);
    out.released += message.len() + fragments.len() * 4;
    out.completed = fragments.iter().copied().filter(|&f| f != frame).collect();
    if bdat_last {
        // Observed in 4.0.17: the last BDAT chunk points to itself and IMF is not called.
        p.add(
            interest,
            REASSEMBLED_IN,
            Value::UInt(frame.into()),
            ByteRange::EMPTY,
        );
    } else {
        p.add(interest, FRAGMENTS, Value::None, ByteRange::EMPTY);
        p.enter();
        for &f in &fragments {
            p.add(interest, FRAGMENT, Value::UInt(f.into()), ByteRange::EMPTY);
        }
        let count = Value::UInt(sess.fragment_count.into());
        p.add(interest, FRAGMENT_COUNT, count, ByteRange::EMPTY);
        let len = Value::UInt(sess.message_len);
        p.add(interest, REASSEMBLED_LENGTH, len, ByteRange::EMPTY);
        p.leave();
        let at = p.add_extra(&message);
        imf::dissect(p, interest, &message, at);
    }
    sess.message = message;
    sess.message.clear();
    sess.message_len = 0;
    sess.fragment_count = 0;
    sess.truncated = false;
}

/// `smtp.message` lines, when DATA is not gathered.
fn message_lines(
    p: &mut Packet,
    interest: &Interest,
    pdu: &[u8],
    r: &dyn Fn(usize, usize) -> ByteRange,
) {
    let mut off = 0;
    while off < pdu.len() {
        let (_, next) = line_end(pdu, off);
        p.add(
            interest,
            MESSAGE,
            Value::Str(r(off, next - off)),
            r(off, next - off),
        );
        off = next;
    }
}

/// packet-smtp.c's `decode_plain_auth`.
fn plain_auth(
    p: &mut Packet,
    interest: &Interest,
    prefs: &Prefs,
    line: &[u8],
    pos: ByteRange,
    info: &mut String,
) {
    if prefs.decryption {
        let d = base64_decode(line);
        if d.is_empty() {
            return;
        }
        let nul = |from: usize| {
            d.get(from..)
                .map_or(0, |r| r.iter().position(|&c| c == 0).unwrap_or(r.len()))
        };
        let l1 = nul(0);
        if d.len() > l1 {
            let l2 = nul(l1 + 1);
            let user = d.get(l1 + 1..l1 + 1 + l2).unwrap_or(&[]);
            let x = p.add_extra(user);
            p.add(interest, USERNAME, Value::Str(x), pos);
            let _ = write!(info, "User: {}", imf::format_text(user));
            if d.len() > l1 + 1 + l2 {
                let l3 = nul(l1 + l2 + 2);
                let pass = d.get(l1 + l2 + 2..l1 + l2 + 2 + l3).unwrap_or(&[]);
                let x = p.add_extra(pass);
                p.add(interest, PASSWORD, Value::Str(x), pos);
                let _ = write!(info, "  Pass: {}", imf::format_text(pass));
            }
        }
    } else {
        p.add(interest, USERNAME_PASSWORD, Value::Str(pos), pos);
        p.enter();
        p.add(interest, EXPERT, Value::None, pos);
        p.enter();
        p.add(interest, BASE64_DECODE, Value::None, pos);
        p.leave();
        p.leave();
        info.push_str(&imf::format_text(line));
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Multiline {
    None,
    Start,
    Continue,
    End,
}

/// The reply lines of a server PDU.
#[allow(clippy::too_many_arguments)]
fn response(
    p: &mut Packet,
    interest: &Interest,
    sess: &mut Session,
    prefs: &Prefs,
    pdu: &[u8],
    r: &dyn Fn(usize, usize) -> ByteRange,
    info: &mut String,
    frame: u32,
) {
    let mut ml = Multiline::None;
    let mut ml_code = 0u32;
    let mut in_reply = false;
    let mut off = 0;
    while off < pdu.len() {
        let (linelen, next) = line_end(pdu, off);
        let line = pdu.get(off..off + linelen).unwrap_or(&[]);
        info.push_str(if off == 0 { "S: " } else { " | " });
        let digits = line.get(..3).filter(|d| d.iter().all(u8::is_ascii_digit));
        if let Some(d) = digits {
            let code = d.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
            if linelen > 3 && line.get(3) == Some(&b'-') {
                if ml == Multiline::None {
                    ml = Multiline::Start;
                    ml_code = code;
                } else {
                    ml = Multiline::Continue;
                }
            } else if matches!(ml, Multiline::Start | Multiline::Continue) {
                ml = Multiline::End;
            }
            if sess.state == State::AwaitingStarttls {
                if code == 220 {
                    sess.last_nontls_frame = frame;
                }
                sess.state = State::Commands;
            }
            if code == 334 {
                sess.auth = match sess.auth {
                    Auth::Start => Auth::UsernameReq,
                    Auth::UsernameRsp => Auth::PasswordReq,
                    Auth::PlainReq => Auth::PlainRsp,
                    Auth::PlainStartReq => Auth::PlainReq,
                    Auth::NtlmReq => Auth::NtlmChallenge,
                    a => a,
                };
            } else if matches!(
                sess.auth,
                Auth::PasswordRsp | Auth::PlainRsp | Auth::NtlmRsp | Auth::PlainCredReq
            ) {
                sess.auth = if code == 235 {
                    Auth::Success
                } else {
                    Auth::Failed
                };
                sess.last_auth_frame = frame;
            }
            let continued = matches!(ml, Multiline::Continue | Multiline::End);
            if !continued {
                if in_reply {
                    p.leave();
                }
                p.add(
                    interest,
                    RESPONSE,
                    Value::Str(r(off, next - off)),
                    r(off, next - off),
                );
                p.enter();
                in_reply = true;
                p.add(interest, RESPONSE_CODE, Value::UInt(code.into()), r(off, 3));
            } else if ml_code != code {
                p.add(interest, EXPERT, Value::None, r(off, 3));
                p.enter();
                p.add(interest, CODE_UNEXPECTED, Value::None, r(off, 3));
                p.leave();
            }
            if linelen >= 4 {
                let param = line.get(4..).unwrap_or(&[]);
                let decoded = (prefs.decryption && code == 334 && param.len() > 1)
                    .then(|| base64_decode(param))
                    .filter(|d| !d.is_empty());
                match decoded {
                    Some(d) => {
                        let x = p.add_extra(&d);
                        p.add(
                            interest,
                            RSP_PARAMETER,
                            Value::Str(x),
                            r(off + 4, linelen - 4),
                        );
                        let _ = write!(info, "{code} {}", imf::format_text(&d));
                    }
                    None => {
                        let pos = r(off + 4, linelen - 4);
                        p.add(interest, RSP_PARAMETER, Value::Str(pos), pos);
                        info.push_str(&imf::format_text(if continued { param } else { line }));
                    }
                }
            } else {
                info.push_str(&imf::format_text(line));
            }
            if ml == Multiline::End {
                ml = Multiline::None;
            }
        }
        off = next;
    }
    if in_reply {
        p.leave();
    }
}

/// A frame after an accepted STARTTLS: only the `tls` protocol item (the TLS dissector is not
/// part of wiresift). The Protocol column names the version as tshark does: a Client Hello its
/// highest offered version, a Server Hello the chosen one, which then names the whole session;
/// before that, the record's version. `session` keeps the conversation's version.
pub fn dissect_tls(p: &mut Packet, payload: &[u8], at: ByteRange, session: &mut Option<u16>) {
    p.begin_layer(TLS, at);
    let mut shown = None;
    let mut off = 0;
    while let Some([ctype, v0, v1, l0, l1]) = array::<5>(payload, off) {
        let version = u16::from_be_bytes([v0, v1]);
        let len = usize::from(u16::from_be_bytes([l0, l1]));
        let body = payload
            .get(off + 5..(off + 5 + len).min(payload.len()))
            .unwrap_or(&[]);
        if !(20..=24).contains(&ctype) {
            break;
        }
        if ctype == 22 {
            match body.first() {
                Some(1) => shown = hello_version(body, true).or(Some(version)),
                Some(2) => {
                    *session = hello_version(body, false).or(*session);
                    shown = *session;
                }
                _ => {}
            }
        }
        shown = shown.or(*session).or(Some(version));
        off += 5 + len;
    }
    if p.want_columns {
        p.columns.protocol = match shown.or(*session) {
            Some(0x0300) => "SSLv3",
            Some(0x0301) => "TLSv1",
            Some(0x0302) => "TLSv1.1",
            Some(0x0303) => "TLSv1.2",
            Some(0x0304) => "TLSv1.3",
            _ => "TLS",
        };
    }
}

/// The version a Client Hello offers (its highest) or a Server Hello chooses, with the
/// supported_versions extension.
fn hello_version(hs: &[u8], client: bool) -> Option<u16> {
    let be16 = |o: usize| be16(hs, o);
    let legacy = be16(4)?;
    let mut o = 4 + 2 + 32;
    o += 1 + usize::from(*hs.get(o)?);
    if client {
        o += 2 + usize::from(be16(o)?);
        o += 1 + usize::from(*hs.get(o)?);
    } else {
        o += 2 + 1;
    }
    let ext_end = o + 2 + usize::from(be16(o).unwrap_or(0));
    o += 2;
    let grease = |v: u16| v & 0x0f0f == 0x0a0a;
    while o + 4 <= ext_end {
        let (t, l) = (be16(o)?, usize::from(be16(o + 2)?));
        if t == 0x002b {
            let data = hs.get(o + 4..o + 4 + l)?;
            if !client {
                return be16(o + 4);
            }
            return be16_words(data.get(1..)?)
                .0
                .filter(|&v| !grease(v))
                .max()
                .map(|v| v.max(legacy));
        }
        o += 4 + l;
    }
    Some(legacy)
}
