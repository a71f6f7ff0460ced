//! `wiresift smtp <capture>...`: one row per SMTP mail transaction, like Zeek's smtp.log, built from
//! the smtp.* and imf.* items the dissectors put on each frame, grouped by `tcp.stream`.
//!
//! Commands and replies are paired in order (a queue, so pipelined commands get their own reply);
//! the end of a DATA section (`smtp.eom`) waits for its reply like a command. A transaction starts
//! at MAIL and ends at the reply to its message, at RSET, at QUIT or at the next MAIL. A session
//! without any MAIL still gets a row (helo, AUTH, STARTTLS, last reply), numbered 0.
//! `--export DIR` writes each message as Wireshark's Export Objects → IMF would, dot-unstuffed.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::dissect::display::seconds_text;
use crate::dissect::{Interest, Packet, Value};
use crate::engine::{self, Flow, Match, Options, RunError, Sink};
use crate::filter::{self, Filter};
use crate::output::table::{write_table, Format, TableOptions};
use crate::registry::{id, FieldId};

const STREAM: FieldId = id("tcp.stream");
const SMTP: FieldId = id("smtp");
const REQ: FieldId = id("smtp.req");
const COMMAND: FieldId = id("smtp.req.command");
const PARAMETER: FieldId = id("smtp.req.parameter");
const CODE: FieldId = id("smtp.response.code");
const RSP_PARAMETER: FieldId = id("smtp.rsp.parameter");
const USERNAME: FieldId = id("smtp.auth.username");
const EOM: FieldId = id("smtp.eom");
const IMF: FieldId = id("imf");
const FROM: FieldId = id("imf.from");
const TO: FieldId = id("imf.to");
const CC: FieldId = id("imf.cc");
const SUBJECT: FieldId = id("imf.subject");
const DATE: FieldId = id("imf.date");
const MESSAGE_ID: FieldId = id("imf.message_id");

const FIELDS: &[FieldId] = &[
    STREAM,
    SMTP,
    REQ,
    COMMAND,
    PARAMETER,
    CODE,
    RSP_PARAMETER,
    USERNAME,
    EOM,
    IMF,
    FROM,
    TO,
    CC,
    SUBJECT,
    DATE,
    MESSAGE_ID,
];

/// One mail transaction (or, numbered 0, a session without one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transaction {
    pub stream: u64,
    /// 1-based within the stream; 0 for a session without MAIL.
    pub n: u32,
    /// Time of the MAIL command (of the session's first frame for n = 0), seconds since the epoch.
    pub ts_ns: i64,
    pub client: String,
    pub server: String,
    pub helo: String,
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// "COMMAND code" per reply, in order (`.` is the end of DATA).
    pub replies: Vec<String>,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub subject: String,
    pub date: String,
    pub message_id: String,
    pub attachments: Vec<String>,
    pub auth_user: String,
    pub starttls: bool,
    /// The last reply line of the transaction: "250 2.0.0 OK: queued as 04B21".
    pub last_reply: String,
    pub frames: Vec<u32>,
    /// The reassembled DATA as on the wire (dot-stuffed), when IMF saw it.
    pub message: Option<Vec<u8>>,
}

impl Transaction {
    /// Size of the message, dot-unstuffed, as the recipient gets it.
    pub fn size(&self) -> Option<usize> {
        self.message.as_ref().map(|m| unstuff(m).len())
    }
}

/// What a reply answers.
struct Pending {
    label: String,
    txn: Option<usize>,
}

#[derive(Default)]
struct Session {
    stream: u64,
    first_ns: i64,
    client: String,
    server: String,
    helo: String,
    auth_user: String,
    starttls: bool,
    last_reply: String,
    frames: Vec<u32>,
    pending: VecDeque<Pending>,
    current: Option<usize>,
    txns: Vec<Transaction>,
}

impl Session {
    fn close(&mut self) {
        self.current = None;
    }

    fn touch(&mut self, txn: Option<usize>, frame: u32) {
        if let Some(t) = txn.and_then(|i| self.txns.get_mut(i)) {
            if t.frames.last() != Some(&frame) {
                t.frames.push(frame);
            }
        }
    }
}

/// A value as text, folded header lines unfolded (RFC 5322 2.2.3) so that a row stays one line.
fn text(p: &Packet, v: Value) -> String {
    match v {
        Value::Str(r) | Value::Bytes(r) => {
            let s = String::from_utf8_lossy(p.bytes(r)).replace("\r\n", "\n");
            s.replace("\n ", " ")
                .replace("\n\t", "\t")
                .replace('\n', " ")
        }
        Value::UInt(n) => n.to_string(),
        _ => String::new(),
    }
}

/// `<a@b>` → `a@b` after a `FROM:`/`TO:` prefix; parameters (`SIZE=4096`) dropped.
fn path_of(param: &str, prefix: &str) -> String {
    let rest = match param.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => &param[prefix.len()..],
        _ => param,
    };
    let rest = rest.trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        inner.split('>').next().unwrap_or("").to_string()
    } else {
        rest.split_whitespace().next().unwrap_or("").to_string()
    }
}

/// Remove SMTP's dot-stuffing (RFC 5321 4.5.2): a line starting with `..` starts with `.`.
pub fn unstuff(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut line_start = true;
    for (i, &b) in data.iter().enumerate() {
        if line_start && b == b'.' && data.get(i + 1) == Some(&b'.') {
            line_start = false;
            continue;
        }
        out.push(b);
        line_start = b == b'\n';
    }
    out
}

/// The file names of the MIME parts: `filename=` of Content-Disposition, else `name=` of
/// Content-Type, in the order the parts come (folded header lines joined).
pub fn attachment_names(message: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(message);
    let mut headers: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
            }
        } else {
            headers.push(line.to_string());
        }
    }
    let mut names = Vec::new();
    // A part's Content-Type name= counts only when its Content-Disposition has no filename=.
    let mut type_name: Option<String> = None;
    for h in &headers {
        let lower = h.to_ascii_lowercase();
        if h.is_empty() || lower.starts_with("--") {
            names.extend(type_name.take());
        } else if lower.starts_with("content-disposition:") {
            if let Some(n) = parameter(h, "filename") {
                type_name = None;
                names.push(n);
            }
        } else if lower.starts_with("content-type:") {
            names.extend(type_name.take());
            type_name = parameter(h, "name");
        }
    }
    names.extend(type_name);
    names
}

/// A `name=value` parameter of a MIME header (quoted or not; RFC 2231 `name*=charset''value`
/// percent-decoded).
fn parameter(header: &str, name: &str) -> Option<String> {
    for part in header.split(';').skip(1) {
        let (k, v) = part.split_once('=')?;
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim();
        if k == name {
            return Some(v.trim_matches('"').to_string());
        }
        if k == format!("{name}*") {
            let encoded = v.trim_matches('"').splitn(3, '\'').last().unwrap_or("");
            return Some(percent_decode(encoded));
        }
    }
    None
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (c, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Builds transactions from frames, in frame order.
#[derive(Default)]
pub struct Builder {
    sessions: BTreeMap<u64, Session>,
}

impl Builder {
    pub fn frame(&mut self, p: &Packet) {
        let Some(Value::UInt(stream)) = p.first(STREAM).map(|i| i.value) else {
            return;
        };
        if !p
            .items
            .iter()
            .any(|i| FIELDS.iter().skip(1).any(|&f| f == i.field))
        {
            return;
        }
        let frame = p.info.number;
        let s = self.sessions.entry(stream).or_insert_with(|| Session {
            stream,
            first_ns: p.info.time_ns,
            ..Session::default()
        });
        if s.client.is_empty() {
            if let Some(t) = p.transport {
                let (src, dst) = (
                    format!("{}:{}", t.src, t.src_port),
                    format!("{}:{}", t.dst, t.dst_port),
                );
                // The side that sends commands is the client; a reply comes from the server.
                if p.has(CODE) {
                    (s.client, s.server) = (dst, src);
                } else {
                    (s.client, s.server) = (src, dst);
                }
            }
        }
        s.frames.push(frame);
        s.touch(s.current, frame);
        let items = &p.items;
        for (i, item) in items.iter().enumerate() {
            let next = |f: FieldId, stop: FieldId| {
                items
                    .get(i + 1..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|x| x.field != stop)
                    .find(|x| x.field == f)
                    .map(|x| text(p, x.value))
                    .unwrap_or_default()
            };
            match item.field {
                REQ => {
                    // Each request line gets a reply, commands or not (AUTH's base64 lines).
                    let Some(c) = items
                        .get(i + 1..)
                        .unwrap_or(&[])
                        .iter()
                        .take_while(|x| x.field != REQ)
                        .find(|x| x.field == COMMAND)
                    else {
                        s.pending.push_back(Pending {
                            label: "AUTH-DATA".into(),
                            txn: s.current,
                        });
                        continue;
                    };
                    let mut cmd = text(p, c.value).to_ascii_uppercase();
                    let param = next(PARAMETER, REQ);
                    // tshark's command is the line's first four characters ("STAR"), its parameter
                    // from the sixth on ("TLS"); no other command starts with STAR.
                    if cmd == "STAR" {
                        cmd = "STARTTLS".into();
                    }
                    match cmd.as_str() {
                        "HELO" | "EHLO" => s.helo = param.clone(),
                        "MAIL" => {
                            s.txns.push(Transaction {
                                stream,
                                n: s.txns.len() as u32 + 1,
                                ts_ns: p.info.time_ns,
                                mail_from: path_of(&param, "FROM:"),
                                frames: vec![frame],
                                ..Transaction::default()
                            });
                            s.current = Some(s.txns.len() - 1);
                        }
                        "RCPT" => {
                            if let Some(t) = s.current.and_then(|c| s.txns.get_mut(c)) {
                                t.rcpt_to.push(path_of(&param, "TO:"));
                            }
                        }
                        _ => {}
                    }
                    let txn = s.current;
                    s.pending.push_back(Pending {
                        label: cmd.clone(),
                        txn,
                    });
                    if matches!(cmd.as_str(), "RSET" | "QUIT") {
                        s.close();
                    }
                }
                EOM => s.pending.push_back(Pending {
                    label: ".".into(),
                    txn: s.current,
                }),
                USERNAME => s.auth_user = text(p, item.value),
                CODE => {
                    let code = text(p, item.value);
                    // One code per reply: tshark adds it on the first line of a multi-line reply.
                    let param = next(RSP_PARAMETER, CODE);
                    let line = format!("{code} {param}").trim_end().to_string();
                    let pending = s.pending.pop_front();
                    let label = pending
                        .as_ref()
                        .map_or("-".to_string(), |p| p.label.clone());
                    if label == "STARTTLS" && code == "220" {
                        s.starttls = true;
                    }
                    let txn = pending.and_then(|p| p.txn);
                    s.touch(txn, frame);
                    if let Some(t) = txn.and_then(|i| s.txns.get_mut(i)) {
                        t.replies.push(format!("{label} {code}"));
                        t.last_reply = line.clone();
                        if label == "." {
                            // The message was answered: the transaction is over.
                            if s.current == txn {
                                s.current = None;
                            }
                        }
                    }
                    s.last_reply = line;
                }
                IMF => {
                    if let (Value::Protocol(r), Some(t)) =
                        (item.value, s.current.and_then(|c| s.txns.get_mut(c)))
                    {
                        t.message = Some(p.bytes(r).to_vec());
                        let first = |f: FieldId| {
                            p.items
                                .get(i..)
                                .unwrap_or(&[])
                                .iter()
                                .find(|x| x.field == f)
                                .map(|x| text(p, x.value))
                                .unwrap_or_default()
                        };
                        t.from = first(FROM);
                        t.to = first(TO);
                        t.cc = first(CC);
                        t.subject = first(SUBJECT);
                        t.date = first(DATE);
                        t.message_id = first(MESSAGE_ID);
                        t.attachments = attachment_names(p.bytes(r));
                    }
                }
                _ => {}
            }
        }
    }

    /// Every transaction, by stream then order; sessions without MAIL as n = 0.
    pub fn finish(self) -> Vec<Transaction> {
        let mut out = Vec::new();
        for (_, s) in self.sessions {
            let session = |mut t: Transaction| {
                t.client.clone_from(&s.client);
                t.server.clone_from(&s.server);
                t.helo.clone_from(&s.helo);
                t.auth_user.clone_from(&s.auth_user);
                t.starttls = s.starttls;
                t
            };
            if s.txns.is_empty() {
                out.push(session(Transaction {
                    stream: s.stream,
                    ts_ns: s.first_ns,
                    last_reply: s.last_reply.clone(),
                    frames: s.frames.clone(),
                    ..Transaction::default()
                }));
            }
            for t in s.txns.clone() {
                out.push(session(t));
            }
        }
        out
    }
}

/// The fields the builder reads.
pub fn interest() -> Interest {
    let mut i = Interest::none();
    FIELDS.iter().for_each(|f| i.add(*f));
    i
}

/// `6,8,10-14`.
pub fn frame_ranges(frames: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while let Some(&start) = frames.get(i) {
        let mut end = start;
        while frames.get(i + 1) == Some(&(end + 1)) {
            end += 1;
            i += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        let _ = if end > start {
            write!(out, "{start}-{end}")
        } else {
            write!(out, "{start}")
        };
        i += 1;
    }
    out
}

pub const HEADERS: &[&str] = &[
    "ts",
    "stream",
    "n",
    "client",
    "server",
    "helo",
    "mail_from",
    "rcpt_to",
    "replies",
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "msg_id",
    "size",
    "attachments",
    "auth_user",
    "starttls",
    "last_reply",
    "frames",
];

pub fn row(t: &Transaction) -> Vec<String> {
    vec![
        seconds_text(t.ts_ns),
        t.stream.to_string(),
        t.n.to_string(),
        t.client.clone(),
        t.server.clone(),
        t.helo.clone(),
        t.mail_from.clone(),
        t.rcpt_to.join(","),
        t.replies.join(","),
        t.from.clone(),
        t.to.clone(),
        t.cc.clone(),
        t.subject.clone(),
        t.date.clone(),
        t.message_id.clone(),
        t.size().map(|s| s.to_string()).unwrap_or_default(),
        t.attachments.join(","),
        t.auth_user.clone(),
        (if t.starttls { "T" } else { "F" }).into(),
        t.last_reply.clone(),
        frame_ranges(&t.frames),
    ]
}

struct BuildSink(Builder);

impl Sink for BuildSink {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        self.0.frame(m.packet);
        Ok(Flow::Continue)
    }
}

/// The transactions of one capture (frames the filter matches only).
pub fn transactions(
    path: &Path,
    filter: Option<&Filter>,
) -> Result<(Vec<Transaction>, engine::Report), RunError> {
    let opts = Options {
        output: interest(),
        ..Options::default()
    };
    let mut sink = BuildSink(Builder::default());
    let report = engine::run_file(path, filter, &opts, &mut sink)?;
    Ok((sink.0.finish(), report))
}

/// Write `data` to `path` through a temporary file and a rename, so a reader never sees half a
/// file; an existing file is kept unless `overwrite`.
pub fn write_atomically(path: &Path, data: &[u8], overwrite: bool) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, data)?;
    let done = if overwrite {
        std::fs::rename(&tmp, path)
    } else {
        // A hard link fails if the name exists: no window where another file is replaced.
        std::fs::hard_link(&tmp, path).and_then(|_| std::fs::remove_file(&tmp))
    };
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}

pub struct Args {
    pub filter: Option<String>,
    pub captures: Vec<PathBuf>,
    pub format: Format,
    pub export: Option<PathBuf>,
    pub overwrite: bool,
}

/// Run the command; returns the exit code.
pub fn run<W: Write, E: Write>(out: &mut W, err: &mut E, args: &Args) -> io::Result<i32> {
    let compiled = match args.filter.as_deref().filter(|f| !f.trim().is_empty()) {
        None => None,
        Some(text) => match filter::compile(text) {
            Ok(f) => Some(f),
            Err(e) => {
                write!(err, "wiresift: {}", e.render(text))?;
                return Ok(super::exit::USAGE);
            }
        },
    };
    let mut code = super::exit::OK;
    let mut rows = Vec::new();
    for path in &args.captures {
        match transactions(path, compiled.as_ref()) {
            Ok((txns, report)) => {
                if let Some(d) = report.damage {
                    writeln!(err, "wiresift: {}: {d}", path.display())?;
                    code = super::exit::PARTIAL;
                }
                for t in &txns {
                    if let (Some(dir), Some(m)) = (&args.export, &t.message) {
                        let file = dir.join(format!("{}-{}.eml", t.stream, t.n));
                        if let Err(e) = write_atomically(&file, &unstuff(m), args.overwrite) {
                            writeln!(err, "wiresift: {}: {e}", file.display())?;
                            code = super::exit::ERROR;
                        }
                    }
                    let mut r = row(t);
                    if args.captures.len() > 1 {
                        r.insert(0, path.display().to_string());
                    }
                    rows.push(r);
                }
            }
            Err(RunError::Open(e)) => {
                writeln!(err, "wiresift: {}: {e}", path.display())?;
                code = super::exit::ERROR;
            }
            Err(RunError::Output(e)) => return Err(e),
        }
    }
    let mut headers = HEADERS.to_vec();
    if args.captures.len() > 1 {
        headers.insert(0, "capture");
    }
    write_table(
        out,
        &headers,
        &rows,
        TableOptions {
            format: args.format,
            header: true,
        },
    )?;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_stuffing_removed_at_line_starts_only() {
        // RFC 5321 4.5.2.
        assert_eq!(
            unstuff(b"..a\r\nb..c\r\n...\r\n..\r\n"),
            b".a\r\nb..c\r\n..\r\n.\r\n"
        );
    }

    #[test]
    fn reverse_and_forward_paths() {
        assert_eq!(
            path_of("FROM:<alice@lab.example> SIZE=4096", "FROM:"),
            "alice@lab.example"
        );
        assert_eq!(path_of("to: <bob@x>", "TO:"), "bob@x");
        assert_eq!(path_of("FROM:<>", "FROM:"), "");
    }

    #[test]
    fn attachment_names_from_mime_headers() {
        let m = b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n\
Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment;\r\n filename=\"report.pdf\"\r\n\r\nxx\r\n--b\r\n\
Content-Type: image/png; name=pic.png\r\n\r\nyy\r\n--b\r\nContent-Disposition: attachment; filename*=utf-8''caf%C3%A9.txt\r\n\r\nz\r\n--b--\r\n";
        assert_eq!(
            attachment_names(m),
            vec!["report.pdf", "pic.png", "café.txt"]
        );
    }

    #[test]
    fn frame_lists_as_ranges() {
        assert_eq!(frame_ranges(&[6, 8, 10, 11, 12, 14]), "6,8,10-12,14");
        assert_eq!(frame_ranges(&[]), "");
    }
}
