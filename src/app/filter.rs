//! `wiresift filter '<filter>' <capture>...`: the frames a display filter matches, as tshark's packet
//! list, their numbers, their count, or a new capture file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::capture::{CaptureError, CaptureWriter, OutputFormat, RecordKind, WriteOptions};
use rayon::prelude::*;

use crate::dissect::reassembly::{self, ReassemblyLimits};
use crate::engine::{self, DefragLimits, Flow, Match, Options, RunError, Sink};
use crate::filter::{self, Filter};
use crate::output::packet_list;

/// What to print for each matching frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// tshark's packet list.
    List,
    /// Frame numbers, one per line.
    Frames,
    /// Only the number of matches per file.
    Count,
}

pub struct Args {
    pub filter: String,
    pub captures: Vec<PathBuf>,
    pub mode: Mode,
    pub limit: Option<u64>,
    pub write: Option<PathBuf>,
    pub overwrite: bool,
    /// tshark-style `-d tcp.port==N,smtp` arguments.
    pub decode_as: Vec<String>,
    /// Memory caps of TCP reassembly, conversation tracking and IPv4 defragmentation.
    pub reassembly: ReassemblyLimits,
    pub defrag: DefragLimits,
    /// Dissect every frame even when the prefilter could skip it (for comparisons).
    pub no_prefilter: bool,
}

struct ListSink<'w, W: Write> {
    out: &'w mut W,
    mode: Mode,
    /// `path: ` before each line when several files are given.
    prefix: String,
    writer: Option<CaptureWriter>,
    write_path: Option<PathBuf>,
    overwrite: bool,
}

impl<W: Write> Sink for ListSink<'_, W> {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        match self.mode {
            Mode::List => {
                let p = m.packet;
                let time = m
                    .time_decimals()
                    .map(|d| packet_list::relative_time(p.info.time_ns - m.first_ns, d))
                    .unwrap_or_default();
                writeln!(
                    self.out,
                    "{}{}",
                    self.prefix,
                    packet_list::line(p.info.number, &time, p.info.len, &p.columns)
                )?;
            }
            Mode::Frames => writeln!(self.out, "{}{}", self.prefix, m.packet.info.number)?,
            Mode::Count => {}
        }
        if let Some(path) = &self.write_path {
            if self.writer.is_none() {
                let opts = WriteOptions {
                    overwrite: self.overwrite,
                    nanosecond: m.sub_microsecond(),
                    format: None,
                };
                self.writer = Some(CaptureWriter::create(path, &opts).map_err(io::Error::other)?);
            }
            if let Some(w) = &mut self.writer {
                for (id, iface) in m.interfaces.iter().enumerate() {
                    w.describe_interface(id as u32, iface);
                }
                let pcap = OutputFormat::for_path(path) == OutputFormat::Pcap;
                if !pcap || matches!(m.frame.kind, RecordKind::Packet | RecordKind::SimplePacket) {
                    w.write(&m.frame).map_err(io::Error::other)?;
                }
            }
        }
        Ok(Flow::Continue)
    }
}

/// Run the command; returns the exit code. Filter errors go to `err` with a caret.
pub fn run<W: Write, E: Write>(out: &mut W, err: &mut E, args: &Args) -> io::Result<i32> {
    let compiled: Option<Filter> = if args.filter.trim().is_empty() {
        None
    } else {
        match filter::compile(&args.filter) {
            Ok(f) => Some(f),
            Err(e) => {
                write!(err, "wiresift: {}", e.render(&args.filter))?;
                return Ok(super::exit::USAGE);
            }
        }
    };
    if let Some(f) = &compiled {
        for w in f.warnings() {
            write!(
                err,
                "wiresift: warning: {}\n{}",
                w.message,
                filter::error::caret_lines(&args.filter, w.span)
            )?;
        }
    }
    // Refuse before reading anything, rather than after printing the first match.
    if let Some(path) = args
        .write
        .as_ref()
        .filter(|p| !args.overwrite && p.symlink_metadata().is_ok())
    {
        writeln!(
            err,
            "wiresift: refusing to overwrite {} (give --overwrite to replace it)",
            path.display()
        )?;
        return Ok(super::exit::ERROR);
    }
    let mut dissection = reassembly::Options::default();
    for d in &args.decode_as {
        if let Err(e) = dissection.decode_as.add(d) {
            writeln!(err, "wiresift: -d {d}: {e}")?;
            return Ok(super::exit::USAGE);
        }
    }
    dissection.limits = args.reassembly;
    let dissection = &dissection;
    let defrag = args.defrag;
    let several = args.captures.len() > 1;
    let mode = args.mode;
    let prefix_of = |path: &PathBuf| {
        if several {
            format!("{}: ", path.display())
        } else {
            String::new()
        }
    };
    let mut status = Status::default();

    // Several files, nothing shared between them (no -w, no overall limit): each file runs on its own
    // (and in parallel inside), and its output is held until the files before it are printed.
    if several && args.write.is_none() && args.limit.is_none() {
        let results: Vec<(Vec<u8>, Vec<u8>, Status)> = args
            .captures
            .par_iter()
            .map(|path| {
                let (mut o, mut e) = (Vec::new(), Vec::new());
                let mut sink = ListSink {
                    out: &mut o,
                    mode,
                    prefix: prefix_of(path),
                    writer: None,
                    write_path: None,
                    overwrite: false,
                };
                let st = run_one(
                    &mut sink,
                    &mut e,
                    path,
                    compiled.as_ref(),
                    None,
                    dissection,
                    defrag,
                    args.no_prefilter,
                );
                (
                    o,
                    e,
                    st.unwrap_or_else(|e| Status {
                        output: Some(e),
                        ..Status::default()
                    }),
                )
            })
            .collect();
        for (o, e, st) in results {
            out.write_all(&o)?;
            err.write_all(&e)?;
            if let Some(e) = st.output {
                return Err(e);
            }
            status.merge(&st);
        }
        return Ok(status.exit_code());
    }

    let mut remaining = args.limit;
    let mut sink = ListSink {
        out,
        mode,
        prefix: String::new(),
        writer: None,
        write_path: args.write.clone(),
        overwrite: args.overwrite,
    };
    for path in &args.captures {
        if remaining == Some(0) {
            break;
        }
        sink.prefix = prefix_of(path);
        let st = run_one(
            &mut sink,
            err,
            path,
            compiled.as_ref(),
            remaining,
            dissection,
            defrag,
            args.no_prefilter,
        )?;
        remaining = remaining.map(|r| r.saturating_sub(st.matched));
        status.merge(&st);
        if st.interrupted {
            break;
        }
    }
    if let Some(w) = sink.writer.take() {
        w.finish().map_err(io::Error::other)?;
    } else if let Some(path) = &args.write {
        // No frame matched: still leave a valid, empty capture, as tshark -w does.
        let opts = WriteOptions {
            overwrite: args.overwrite,
            ..WriteOptions::default()
        };
        CaptureWriter::create(path, &opts)
            .and_then(CaptureWriter::finish)
            .map_err(capture_io)?;
    }
    Ok(status.exit_code())
}

/// What the memory caps cost, in one line.
fn caps_note(report: &engine::Report) -> String {
    let r = &report.reassembly;
    let mut parts = Vec::new();
    if r.flow_cap_hits > 0 || r.total_cap_hits > 0 {
        parts.push(format!(
            "TCP reassembly hit its memory caps {} times per flow and {} times in total, so some \
             reassembled PDUs or messages are cut short",
            r.flow_cap_hits, r.total_cap_hits
        ));
    }
    if r.conversation_cap_evictions > 0 {
        parts.push(format!(
            "{} TCP/UDP conversations were dropped by the conversation cap, so later frames of \
             them start new streams",
            r.conversation_cap_evictions
        ));
    }
    if report.defrag_evictions > 0 {
        parts.push(format!(
            "{} incomplete IPv4 datagrams were dropped by the defragmentation caps",
            report.defrag_evictions
        ));
    }
    parts.join("; ")
}

fn capture_io(e: CaptureError) -> io::Error {
    io::Error::other(e)
}

/// How the files went, for the exit code.
#[derive(Debug, Default)]
struct Status {
    matched: u64,
    open_failed: bool,
    partial: bool,
    /// Ctrl-C stopped the run.
    interrupted: bool,
    /// An output error in a parallel run, raised once the earlier files are printed.
    output: Option<io::Error>,
}

impl Status {
    fn merge(&mut self, other: &Status) {
        self.open_failed |= other.open_failed;
        self.partial |= other.partial;
        self.interrupted |= other.interrupted;
    }

    fn exit_code(&self) -> i32 {
        if self.interrupted {
            super::exit::INTERRUPTED
        } else if self.open_failed {
            super::exit::ERROR
        } else if self.partial {
            super::exit::PARTIAL
        } else {
            super::exit::OK
        }
    }
}

/// One capture through the engine into `sink`; damage and open errors are reported on `err`.
#[allow(clippy::too_many_arguments)]
fn run_one<W: Write, E: Write + ?Sized>(
    sink: &mut ListSink<'_, W>,
    err: &mut E,
    path: &Path,
    filter: Option<&Filter>,
    limit: Option<u64>,
    dissection: &reassembly::Options,
    defrag: DefragLimits,
    no_prefilter: bool,
) -> io::Result<Status> {
    let bar = super::progress::bar(path);
    let opts = Options {
        limit,
        columns: sink.mode == Mode::List,
        dissection: dissection.clone(),
        defrag,
        no_prefilter,
        cancel: super::progress::interrupt(),
        progress: bar.as_ref().map(|(_, p)| p.clone()),
        ..Options::default()
    };
    let mut status = Status::default();
    let result = engine::run_file(path, filter, &opts, sink);
    if let Some((bar, _)) = bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(report) => {
            if report.cancelled {
                status.interrupted = true;
                writeln!(
                    err,
                    "wiresift: {}: interrupted after {} frames; what they matched is shown",
                    path.display(),
                    report.frames
                )?;
            }
            if sink.mode == Mode::Count {
                writeln!(sink.out, "{}{}", sink.prefix, report.matched)?;
            }
            status.matched = report.matched;
            // `Report::caps_hit` predates the conversation cap.
            if report.caps_hit() {
                writeln!(
                    err,
                    "wiresift: {}: note: {}",
                    path.display(),
                    caps_note(&report)
                )?;
            }
            if let Some(d) = report.damage {
                writeln!(
                    err,
                    "wiresift: {}: {d} ({} good frames before it were processed)",
                    path.display(),
                    report.frames
                )?;
                status.partial = true;
            }
        }
        Err(RunError::Open(e)) => {
            writeln!(err, "wiresift: {}: {e}", path.display())?;
            status.open_failed = true;
        }
        Err(RunError::Output(e)) => return Err(e),
    }
    Ok(status)
}
