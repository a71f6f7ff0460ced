//! The `:commands` of the REPL, and what a typed filter does: each reads its arguments, asks the
//! session, and writes its answer. Errors are printed and the session goes on.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::app::{follow, smtp};
use crate::capture::{CaptureWriter, OutputFormat, RecordKind, WriteOptions};
use crate::dissect::display::field_text;
use crate::dissect::Interest;
use crate::engine::{Flow, Match, Options, Sink};
use crate::filter::{self, error::caret_lines, Filter};
use crate::output::details;
use crate::output::table::{write_table, Format, TableOptions};
use crate::registry::{self, FieldId};

use super::highlight;
use super::session::{
    answer_report, elapsed_text, timed, write_answer, Capture, FileSink, Session,
};

/// One command: its name, its arguments and what it does.
pub struct CommandHelp {
    pub name: &'static str,
    pub usage: &'static str,
    pub help: &'static str,
}

pub const COMMANDS: &[CommandHelp] = &[
    CommandHelp { name: "open", usage: ":open FILE", help: "Open another capture; queries run over every open capture." },
    CommandHelp { name: "files", usage: ":files", help: "List the open captures." },
    CommandHelp { name: "show", usage: ":show N", help: "The details tree of frame N (as tshark -V)." },
    CommandHelp { name: "hex", usage: ":hex N", help: "The bytes of frame N (as tshark -x)." },
    CommandHelp { name: "fields", usage: ":fields F1 F2 ... [where FILTER]", help: "A table of these fields' values, one row per (matching) frame." },
    CommandHelp { name: "count", usage: ":count FILTER", help: "How many frames match, per capture." },
    CommandHelp { name: "explain", usage: ":explain FILTER", help: "The filter's canonical form, warnings and compiled plan." },
    CommandHelp { name: "decode-as", usage: ":decode-as tcp.port==N,smtp", help: "Dissect a TCP port as SMTP (as tshark -d)." },
    CommandHelp { name: "limit", usage: ":limit N", help: "Show the first N frames or rows of an answer." },
    CommandHelp { name: "format", usage: ":format table|tsv|csv|json", help: "How :fields prints its table." },
    CommandHelp { name: "smtp", usage: ":smtp [FILTER]", help: "One row per SMTP mail transaction (as wiresift smtp), from the frames the filter matches, in the :format." },
    CommandHelp { name: "follow", usage: ":follow STREAM [ascii|hex|raw]", help: "TCP stream STREAM's two directions, as tshark -z follow,tcp,ascii|hex|raw,STREAM." },
    CommandHelp { name: "save", usage: ":save FILE [FILTER]", help: "Write the matching frames (all without a filter) to a new capture (pcap if FILE ends in .pcap, else pcapng)." },
    CommandHelp { name: "help", usage: ":help [COMMAND]", help: "This list, or one command's help." },
    CommandHelp { name: "quit", usage: ":quit", help: "Leave (Ctrl-D does too)." },
];

/// What the loop does after a line.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Continue,
    Quit,
}

/// Compile a filter, printing the error with its caret and suggestion when it fails, and the
/// reasons to look again when it is suspicious.
fn compile_or_say(out: &mut dyn Write, text: &str) -> io::Result<Option<Filter>> {
    match filter::compile(text) {
        Ok(f) => {
            for reason in highlight::suspicions(text, f.warnings()) {
                writeln!(out, "warning: {reason}")?;
            }
            Ok(Some(f))
        }
        Err(e) => {
            write!(out, "{}", e.render(text))?;
            Ok(None)
        }
    }
}

/// An empty filter means every frame.
fn optional_filter(out: &mut dyn Write, text: &str) -> io::Result<Option<Option<Filter>>> {
    if text.trim().is_empty() {
        return Ok(Some(None));
    }
    Ok(compile_or_say(out, text)?.map(Some))
}

fn no_captures(out: &mut dyn Write, session: &Session) -> io::Result<bool> {
    if session.captures.is_empty() {
        writeln!(out, "no capture is open (:open FILE)")?;
        return Ok(true);
    }
    Ok(false)
}

/// Run a typed display filter and print the packet list of its matches.
pub fn run_filter(session: &mut Session, out: &mut dyn Write, text: &str) -> io::Result<()> {
    let Some(f) = compile_or_say(out, text)? else {
        return Ok(());
    };
    if no_captures(out, session)? {
        return Ok(());
    }
    let (answer, took) = timed(|| session.query(Some(&f), f.canonical()));
    match answer? {
        Some(a) => write_answer(out, &a, took),
        None => writeln!(out, "cancelled ({})", elapsed_text(took)),
    }
}

/// Execute a `:command` line.
pub fn execute(session: &mut Session, out: &mut dyn Write, line: &str) -> io::Result<Next> {
    let line = line.trim();
    let body = line.strip_prefix(':').unwrap_or(line);
    let (name, args) = match body.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim()),
        None => (body, ""),
    };
    match name {
        "quit" | "q" | "exit" => return Ok(Next::Quit),
        "help" | "h" => help(out, args)?,
        "open" => open(session, out, args)?,
        "files" => files(session, out)?,
        "show" => frame_view(session, out, args, false)?,
        "hex" => frame_view(session, out, args, true)?,
        "fields" => fields(session, out, args)?,
        "count" => count(session, out, args)?,
        "explain" => explain(out, args)?,
        "decode-as" => match session.dissection.decode_as.add(args) {
            Ok(()) => {
                session.dissection_changed();
                writeln!(
                    out,
                    "SMTP on TCP ports {:?}",
                    session.dissection.decode_as.smtp_ports
                )?
            }
            Err(e) => writeln!(out, "{e}")?,
        },
        "limit" => match args.parse::<usize>() {
            Ok(n) if n > 0 => {
                session.limit = n;
                writeln!(out, "showing up to {n} frames per answer")?
            }
            _ => writeln!(out, "usage: :limit N (a number above 0)")?,
        },
        "format" => {
            let f = match args {
                "table" => Some(Format::Table),
                "tsv" => Some(Format::Tsv),
                "csv" => Some(Format::Csv),
                "json" => Some(Format::Json),
                _ => None,
            };
            match f {
                Some(f) => {
                    session.format = f;
                    writeln!(out, "tables print as {args}")?
                }
                None => writeln!(out, "usage: :format table|tsv|csv|json")?,
            }
        }
        "save" => save(session, out, args)?,
        "smtp" => smtp_log(session, out, args)?,
        "follow" => follow_stream(session, out, args)?,
        _ => {
            let known: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
            let near = known
                .iter()
                .min_by_key(|k| strsim::levenshtein(k, name))
                .filter(|k| strsim::levenshtein(k, name) <= 2);
            match near {
                Some(k) => writeln!(out, "unknown command :{name}; did you mean :{k}?")?,
                None => writeln!(out, "unknown command :{name} (:help lists them)")?,
            }
        }
    }
    Ok(Next::Continue)
}

fn help(out: &mut dyn Write, args: &str) -> io::Result<()> {
    let name = args.trim_start_matches(':');
    if !name.is_empty() {
        return match COMMANDS.iter().find(|c| c.name == name) {
            Some(c) => writeln!(out, "{}\n    {}", c.usage, c.help),
            None => writeln!(out, "no command :{name} (:help lists them)"),
        };
    }
    writeln!(
        out,
        "Type a display filter to list the frames it matches (Tab completes names; the line is\n\
         green when the filter compiles, yellow when it is suspicious, red when it does not).\n\
         Ctrl-C cancels a running query; Ctrl-D leaves.\n"
    )?;
    for c in COMMANDS {
        writeln!(out, "  {:<36} {}", c.usage, c.help)?;
    }
    Ok(())
}

fn open(session: &mut Session, out: &mut dyn Write, args: &str) -> io::Result<()> {
    if args.is_empty() {
        return writeln!(out, "usage: :open FILE");
    }
    match session.open(Path::new(args)) {
        Ok(c) => writeln!(out, "opened {} ({} bytes)", c.path.display(), c.size),
        Err(e) => writeln!(out, "wiresift: {args}: {e}"),
    }
}

fn files(session: &Session, out: &mut dyn Write) -> io::Result<()> {
    if session.captures.is_empty() {
        return writeln!(out, "no capture is open (:open FILE)");
    }
    for (i, c) in session.captures.iter().enumerate() {
        let where_ = if c.in_memory() {
            "in memory"
        } else {
            "read from disk on each query"
        };
        writeln!(
            out,
            "{}. {} ({} bytes, {where_})",
            i + 1,
            c.path.display(),
            c.size
        )?;
    }
    Ok(())
}

/// Prints the details tree or the bytes of the one frame it is given.
struct FrameSink<'o> {
    out: &'o mut dyn Write,
    hex: bool,
    several: bool,
    path: PathBuf,
    found: bool,
}

impl Sink for FrameSink<'_> {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        let mut text = String::new();
        if self.hex {
            details::write_hex(&mut text, m.frame.data);
        } else {
            details::write_tree(&mut text, m.packet);
        }
        if self.several {
            writeln!(self.out, "{}:", self.path.display())?;
        }
        write!(self.out, "{text}")?;
        self.found = true;
        Ok(Flow::Stop)
    }
}

impl FileSink for FrameSink<'_> {
    fn start(&mut self, capture: &Capture, several: bool) {
        self.several = several;
        self.path = capture.path.clone();
    }
}

fn frame_view(session: &Session, out: &mut dyn Write, args: &str, hex: bool) -> io::Result<()> {
    let Ok(n) = args.parse::<u32>() else {
        return writeln!(
            out,
            "usage: :{} N (a frame number)",
            if hex { "hex" } else { "show" }
        );
    };
    if no_captures(out, session)? {
        return Ok(());
    }
    let text = format!("frame.number == {n}");
    let Ok(f) = filter::compile(&text) else {
        return writeln!(out, "no frame {n}");
    };
    let opts = Options {
        columns: !hex,
        output: if hex {
            Interest::none()
        } else {
            Interest::all()
        },
        limit: Some(1),
        ..session.options()
    };
    let mut problems = Vec::new();
    let mut sink = FrameSink {
        out,
        hex,
        several: false,
        path: PathBuf::new(),
        found: false,
    };
    let cancelled = session.run(Some(&f), &opts, &mut sink, &mut |c, r| {
        answer_report(&mut problems, c, r).map(|_| ())
    })?;
    let found = sink.found;
    for p in &problems {
        writeln!(out, "wiresift: {p}")?;
    }
    if cancelled {
        writeln!(out, "cancelled")?;
    } else if !found {
        writeln!(out, "no frame {n}")?;
    }
    Ok(())
}

/// Collects rows of field values.
struct FieldSink {
    fields: Vec<FieldId>,
    rows: Vec<Vec<String>>,
    limit: usize,
    prefix: Option<String>,
}

impl Sink for FieldSink {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        if self.rows.len() < self.limit {
            let mut row: Vec<String> = self.prefix.iter().cloned().collect();
            row.push(m.packet.info.number.to_string());
            for f in &self.fields {
                let vals: Vec<String> = m
                    .packet
                    .values(*f)
                    .map(|i| field_text(m.packet, i))
                    .collect();
                row.push(vals.join(","));
            }
            self.rows.push(row);
        }
        Ok(Flow::Continue)
    }
}

impl FileSink for FieldSink {
    fn start(&mut self, capture: &Capture, several: bool) {
        self.prefix = several.then(|| capture.path.display().to_string());
    }
}

fn fields(session: &Session, out: &mut dyn Write, args: &str) -> io::Result<()> {
    let (names, where_) = match args.split_once(" where ") {
        Some((n, w)) => (n, w),
        None => (args, ""),
    };
    let names: Vec<&str> = names.split_whitespace().collect();
    if names.is_empty() {
        return writeln!(out, "usage: :fields F1 F2 ... [where FILTER]");
    }
    let mut ids = Vec::new();
    for n in &names {
        match registry::lookup(n) {
            Some(id) => ids.push(id),
            None => {
                write!(out, "\"{n}\" is not a valid protocol or protocol field.")?;
                match registry::suggest(n) {
                    Some(s) => writeln!(out, " Did you mean \"{s}\"?")?,
                    None => writeln!(out)?,
                }
                return Ok(());
            }
        }
    }
    let Some(f) = optional_filter(out, where_)? else {
        return Ok(());
    };
    if no_captures(out, session)? {
        return Ok(());
    }
    let mut interest = Interest::none();
    for id in &ids {
        interest.add(*id);
    }
    let opts = Options {
        output: interest,
        ..session.options()
    };
    let several = session.captures.len() > 1;
    let mut sink = FieldSink {
        fields: ids,
        rows: Vec::new(),
        limit: session.limit,
        prefix: None,
    };
    let (mut matched, mut problems) = (0u64, Vec::new());
    let (cancelled, took) = timed(|| {
        session.run(f.as_ref(), &opts, &mut sink, &mut |c, r| {
            answer_report(&mut problems, c, r).map(|(m, _)| matched += m)
        })
    });
    if cancelled? {
        return writeln!(out, "cancelled");
    }
    let mut headers: Vec<&str> = Vec::new();
    if several {
        headers.push("file");
    }
    headers.push("frame.number");
    headers.extend(names.iter().copied());
    let opts = TableOptions {
        format: session.format,
        header: true,
    };
    let mut w = &mut *out;
    write_table(&mut w, &headers, &sink.rows, opts)?;
    let more = matched.saturating_sub(sink.rows.len() as u64);
    if more > 0 {
        writeln!(out, "… and {more} more")?;
    }
    for p in &problems {
        writeln!(out, "wiresift: {p}")?;
    }
    writeln!(out, "{matched} rows ({})", elapsed_text(took))
}

/// Counts only.
struct Nothing;

impl Sink for Nothing {
    fn frame(&mut self, _: &Match) -> io::Result<Flow> {
        Ok(Flow::Continue)
    }
}

impl FileSink for Nothing {
    fn start(&mut self, _: &Capture, _: bool) {}
}

fn count(session: &Session, out: &mut dyn Write, args: &str) -> io::Result<()> {
    let Some(f) = optional_filter(out, args)? else {
        return Ok(());
    };
    if no_captures(out, session)? {
        return Ok(());
    }
    let several = session.captures.len() > 1;
    let opts = session.options();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let (mut matched, mut frames) = (0u64, 0u64);
    let (cancelled, took) = timed(|| {
        session.run(f.as_ref(), &opts, &mut Nothing, &mut |c, r| {
            answer_report(&mut problems, c, r).map(|(m, n)| {
                if several {
                    lines.push(format!("{}: {m}", c.path.display()));
                }
                matched += m;
                frames += n;
            })
        })
    });
    if cancelled? {
        return writeln!(out, "cancelled ({})", elapsed_text(took));
    }
    for l in &lines {
        writeln!(out, "{l}")?;
    }
    for p in &problems {
        writeln!(out, "wiresift: {p}")?;
    }
    writeln!(
        out,
        "{matched} of {frames} frames match ({})",
        elapsed_text(took)
    )
}

fn explain(out: &mut dyn Write, args: &str) -> io::Result<()> {
    if args.is_empty() {
        return writeln!(out, "usage: :explain FILTER");
    }
    match filter::compile(args) {
        Ok(f) => {
            for w in f.warnings() {
                writeln!(out, "Warning: {}", w.message)?;
                write!(out, "{}", caret_lines(args, w.span))?;
            }
            for r in highlight::suspicions(args, &[]) {
                writeln!(out, "Warning: {r}")?;
            }
            write!(out, "{}", f.explain())
        }
        Err(e) => write!(out, "{}", e.render(args)),
    }
}

/// Writes the matching frames to a new capture.
struct SaveSink {
    path: PathBuf,
    writer: Option<CaptureWriter>,
    error: Option<String>,
}

impl Sink for SaveSink {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        if self.writer.is_none() {
            let opts = WriteOptions {
                overwrite: true,
                nanosecond: m.sub_microsecond(),
                format: None,
            };
            match CaptureWriter::create(&self.path, &opts) {
                Ok(w) => self.writer = Some(w),
                Err(e) => {
                    self.error = Some(e.to_string());
                    return Ok(Flow::Stop);
                }
            }
        }
        if let Some(w) = &mut self.writer {
            for (id, iface) in m.interfaces.iter().enumerate() {
                w.describe_interface(id as u32, iface);
            }
            let pcap = OutputFormat::for_path(&self.path) == OutputFormat::Pcap;
            if !pcap || matches!(m.frame.kind, RecordKind::Packet | RecordKind::SimplePacket) {
                if let Err(e) = w.write(&m.frame) {
                    self.error = Some(e.to_string());
                    return Ok(Flow::Stop);
                }
            }
        }
        Ok(Flow::Continue)
    }
}

impl FileSink for SaveSink {
    fn start(&mut self, _: &Capture, _: bool) {}
}

fn save(session: &Session, out: &mut dyn Write, args: &str) -> io::Result<()> {
    let (file, filter_text) = match args.split_once(char::is_whitespace) {
        Some((f, rest)) => (f, rest.trim()),
        None => (args, ""),
    };
    if file.is_empty() {
        return writeln!(out, "usage: :save FILE [FILTER]");
    }
    let Some(f) = optional_filter(out, filter_text)? else {
        return Ok(());
    };
    if no_captures(out, session)? {
        return Ok(());
    }
    let mut sink = SaveSink {
        path: PathBuf::from(file),
        writer: None,
        error: None,
    };
    let mut problems = Vec::new();
    let mut matched = 0u64;
    let cancelled = session.run(f.as_ref(), &session.options(), &mut sink, &mut |c, r| {
        answer_report(&mut problems, c, r).map(|(m, _)| matched += m)
    })?;
    for p in &problems {
        writeln!(out, "wiresift: {p}")?;
    }
    if let Some(e) = sink.error {
        return writeln!(out, "wiresift: {file}: {e}");
    }
    if cancelled {
        // Leave no half-written file behind: the writer renames into place only on finish.
        drop(sink.writer);
        return writeln!(out, "cancelled; {file} not written");
    }
    let written = match sink.writer {
        Some(w) => {
            let n = w.frames();
            w.finish().map(|_| n)
        }
        None => {
            // No frame matched: still a valid, empty capture, as tshark -w leaves.
            let opts = WriteOptions {
                overwrite: true,
                ..WriteOptions::default()
            };
            CaptureWriter::create(file, &opts)
                .and_then(CaptureWriter::finish)
                .map(|_| 0)
        }
    };
    match written {
        Ok(n) => writeln!(out, "wrote {n} frames to {file}"),
        Err(e) => writeln!(out, "wiresift: {file}: {e}"),
    }
}

/// Builds each capture's SMTP transactions from the frames it is handed.
struct SmtpSink {
    /// Finished captures: (path when several are open, transactions).
    done: Vec<(Option<String>, Vec<smtp::Transaction>)>,
    current: Option<(Option<String>, smtp::Builder)>,
}

impl SmtpSink {
    fn finish_current(&mut self) {
        if let Some((path, b)) = self.current.take() {
            self.done.push((path, b.finish()));
        }
    }
}

impl Sink for SmtpSink {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        if let Some((_, b)) = &mut self.current {
            b.frame(m.packet);
        }
        Ok(Flow::Continue)
    }
}

impl FileSink for SmtpSink {
    fn start(&mut self, capture: &Capture, several: bool) {
        // Stream numbers are per file: each capture gets its own builder.
        self.finish_current();
        let path = several.then(|| capture.path.display().to_string());
        self.current = Some((path, smtp::Builder::default()));
    }
}

/// `:smtp [FILTER]`: the transaction table of `wiresift smtp`.
fn smtp_log(session: &Session, out: &mut dyn Write, args: &str) -> io::Result<()> {
    let Some(f) = optional_filter(out, args)? else {
        return Ok(());
    };
    if no_captures(out, session)? {
        return Ok(());
    }
    let opts = Options {
        output: smtp::interest(),
        ..session.options()
    };
    let mut sink = SmtpSink {
        done: Vec::new(),
        current: None,
    };
    let mut problems = Vec::new();
    let (cancelled, took) = timed(|| {
        session.run(f.as_ref(), &opts, &mut sink, &mut |c, r| {
            answer_report(&mut problems, c, r).map(|_| ())
        })
    });
    if cancelled? {
        return writeln!(out, "cancelled ({})", elapsed_text(took));
    }
    sink.finish_current();
    let several = session.captures.len() > 1;
    let mut rows = Vec::new();
    let mut total = 0usize;
    for (path, txns) in &sink.done {
        total += txns.len();
        for t in txns {
            if rows.len() < session.limit {
                let mut r = smtp::row(t);
                if let Some(p) = path {
                    r.insert(0, p.clone());
                }
                rows.push(r);
            }
        }
    }
    let mut headers = smtp::HEADERS.to_vec();
    if several {
        headers.insert(0, "capture");
    }
    let table = TableOptions {
        format: session.format,
        header: true,
    };
    let mut w = &mut *out;
    write_table(&mut w, &headers, &rows, table)?;
    let more = total.saturating_sub(rows.len());
    if more > 0 {
        writeln!(out, "… and {more} more")?;
    }
    for p in &problems {
        writeln!(out, "wiresift: {p}")?;
    }
    writeln!(out, "{total} transactions ({})", elapsed_text(took))
}

/// Follows one TCP stream in each capture.
struct FollowSinks {
    done: Vec<(PathBuf, follow::Conversation)>,
    current: Option<(PathBuf, follow::FollowSink)>,
}

impl FollowSinks {
    fn finish_current(&mut self) {
        if let Some((path, s)) = self.current.take() {
            self.done.push((path, s.into_conversation()));
        }
    }
}

impl Sink for FollowSinks {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        match &mut self.current {
            Some((_, s)) => s.frame(m),
            None => Ok(Flow::Continue),
        }
    }
}

impl FileSink for FollowSinks {
    fn start(&mut self, capture: &Capture, _several: bool) {
        self.finish_current();
        self.current = Some((capture.path.clone(), follow::FollowSink::new()));
    }
}

/// `:follow STREAM [ascii|hex|raw]`: tshark's "Follow TCP Stream" report.
fn follow_stream(session: &Session, out: &mut dyn Write, args: &str) -> io::Result<()> {
    const USAGE: &str = "usage: :follow STREAM [ascii|hex|raw] (STREAM is a tcp.stream number)";
    let mut words = args.split_whitespace();
    let Some(Ok(stream)) = words.next().map(str::parse::<u64>) else {
        return writeln!(out, "{USAGE}");
    };
    let style = match words.next() {
        None | Some("ascii") => follow::Style::Ascii,
        Some("hex") => follow::Style::Hex,
        Some("raw") => follow::Style::Raw,
        Some(_) => return writeln!(out, "{USAGE}"),
    };
    if words.next().is_some() {
        return writeln!(out, "{USAGE}");
    }
    if no_captures(out, session)? {
        return Ok(());
    }
    let f = match follow::stream_filter(stream) {
        Ok(f) => f,
        Err(e) => return writeln!(out, "{}", e.message),
    };
    let opts = Options {
        output: follow::interest(),
        ..session.options()
    };
    let mut sink = FollowSinks {
        done: Vec::new(),
        current: None,
    };
    let mut problems = Vec::new();
    let cancelled = session.run(Some(&f), &opts, &mut sink, &mut |c, r| {
        answer_report(&mut problems, c, r).map(|_| ())
    })?;
    if cancelled {
        return writeln!(out, "cancelled");
    }
    sink.finish_current();
    let several = sink.done.len() > 1;
    for (path, conv) in &sink.done {
        if several {
            writeln!(out, "{}:", path.display())?;
        }
        write!(out, "{}", follow::render(conv, stream, style))?;
    }
    for p in &problems {
        writeln!(out, "wiresift: {p}")?;
    }
    Ok(())
}
