//! The open captures and the settings of one REPL session, and the queries run over them.
//!
//! A capture is read from disk once, when opened, and its bytes kept in memory (up to
//! [`MEMORY_LIMIT`]; larger files are re-read from disk, where the page cache may help): every
//! query then parses from memory. Answers are also kept per (filter, Decode As) so asking the
//! same question again costs nothing; the cache is dropped whenever the captures or the
//! dissection settings change.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::capture::{CaptureError, CaptureReader};
use crate::dissect::reassembly;
use crate::engine::{self, Flow, Match, Options, Report, RunError, Sink};
use crate::filter::Filter;
use crate::output::packet_list;
use crate::output::table::Format;

/// Captures up to this size are kept in memory once opened.
pub const MEMORY_LIMIT: u64 = 2 << 30;

/// Packet-list lines shown for a query before "… and N more".
pub const DEFAULT_LIMIT: usize = 20;

/// Where a capture's bytes come from on each query.
enum Bytes {
    Memory(Shared),
    Disk,
}

/// A capture's bytes, shared by the queries reading them (no copy per query, none at open).
#[derive(Clone)]
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Read a whole file into memory, with a progress bar when it is large and stderr a terminal.
fn read_with_progress(path: &Path, size: u64) -> io::Result<Vec<u8>> {
    let mut file = fs::File::open(path)?;
    let progress = (size >= 64 << 20).then(|| Progress::new(size)).flatten();
    let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut chunk = vec![0u8; 4 << 20];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        data.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
        if let Some(p) = &progress {
            p.bar.inc(n as u64);
        }
    }
    if let Some(p) = &progress {
        p.finish();
    }
    Ok(data)
}

/// One open capture.
pub struct Capture {
    pub path: PathBuf,
    pub size: u64,
    bytes: Bytes,
}

impl Capture {
    /// Open a capture: check that it is one, and keep its bytes if it is small enough.
    pub fn open(path: &Path) -> Result<Capture, CaptureError> {
        let size = fs::metadata(path)
            .map_err(|e| CaptureError::io(format!("cannot open {}", path.display()), e))?
            .len();
        let bytes = if size <= MEMORY_LIMIT {
            let data = read_with_progress(path, size)
                .map_err(|e| CaptureError::io(format!("cannot read {}", path.display()), e))?;
            Bytes::Memory(Shared(Arc::new(data)))
        } else {
            Bytes::Disk
        };
        let c = Capture {
            path: path.to_path_buf(),
            size,
            bytes,
        };
        c.reader(None)?;
        Ok(c)
    }

    pub fn in_memory(&self) -> bool {
        matches!(self.bytes, Bytes::Memory(_))
    }

    /// A reader at the start of the capture; `progress` counts the bytes read.
    pub fn reader(&self, progress: Option<&Progress>) -> Result<CaptureReader, CaptureError> {
        let src: Box<dyn Read + Send> = match &self.bytes {
            Bytes::Memory(b) => Box::new(Cursor::new(b.clone())),
            Bytes::Disk => Box::new(fs::File::open(&self.path).map_err(|e| {
                CaptureError::io(format!("cannot open {}", self.path.display()), e)
            })?),
        };
        match progress {
            Some(p) => CaptureReader::from_reader(Counting {
                inner: src,
                bar: p.bar.clone(),
            }),
            None => CaptureReader::from_reader(src),
        }
    }
}

/// A progress bar on stderr while a query reads a capture (only when stderr is a terminal).
pub struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    pub fn new(total: u64) -> Option<Progress> {
        let bar = crate::app::progress::stderr_bar(
            total,
            "{bar:40.cyan/blue} {bytes}/{total_bytes} {elapsed} (Ctrl-C cancels)",
        )?;
        Some(Progress { bar })
    }

    fn restart(&self) {
        self.bar.set_position(0);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Counts the bytes a reader takes, for the progress bar.
struct Counting {
    inner: Box<dyn Read + Send>,
    bar: indicatif::ProgressBar,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// What a filter query found, kept to answer the same question again.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The first packet-list lines (at most the limit when it was asked).
    pub lines: Vec<String>,
    pub matched: u64,
    pub frames: u64,
    /// Problems reading a file (damage, open errors), one line each.
    pub problems: Vec<String>,
    pub shown_limit: usize,
}

/// The open captures and the settings.
pub struct Session {
    pub captures: Vec<Capture>,
    pub dissection: reassembly::Options,
    /// Packet-list lines shown per query.
    pub limit: usize,
    pub format: Format,
    /// Set by Ctrl-C while a query runs.
    pub cancel: Arc<AtomicBool>,
    answers: HashMap<String, Answer>,
}

/// A sink told which capture its next frames come from.
pub trait FileSink: Sink {
    fn start(&mut self, capture: &Capture, several: bool);
}

/// Collects the first packet-list lines of the matches, across files.
struct ListSink {
    lines: Vec<String>,
    limit: usize,
    prefix: String,
}

impl Sink for ListSink {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        if self.lines.len() < self.limit {
            let p = m.packet;
            let time = m
                .time_decimals()
                .map(|d| packet_list::relative_time(p.info.time_ns - m.first_ns, d))
                .unwrap_or_default();
            self.lines.push(format!(
                "{}{}",
                self.prefix,
                packet_list::line(p.info.number, &time, p.info.len, &p.columns)
            ));
        }
        Ok(Flow::Continue)
    }
}

impl FileSink for ListSink {
    fn start(&mut self, capture: &Capture, several: bool) {
        self.prefix = if several {
            format!("{}: ", capture.path.display())
        } else {
            String::new()
        };
    }
}

/// What [`Session::run`] calls with each capture's report.
pub type ReportFn<'a> = dyn FnMut(&Capture, Result<Report, RunError>) -> io::Result<()> + 'a;

impl Session {
    pub fn new() -> Session {
        Session {
            captures: Vec::new(),
            dissection: reassembly::Options::default(),
            limit: DEFAULT_LIMIT,
            format: Format::Table,
            cancel: Arc::new(AtomicBool::new(false)),
            answers: HashMap::new(),
        }
    }

    /// Open a capture and add it to the session.
    pub fn open(&mut self, path: &Path) -> Result<&Capture, CaptureError> {
        let c = Capture::open(path)?;
        self.captures.push(c);
        self.answers.clear();
        self.captures
            .last()
            .ok_or_else(|| CaptureError::io("no capture", io::Error::other("empty")))
    }

    /// Change dissection settings (Decode As): earlier answers no longer hold.
    pub fn dissection_changed(&mut self) {
        self.answers.clear();
    }

    /// Engine options for a query, with this session's dissection settings and Ctrl-C.
    pub fn options(&self) -> Options {
        Options {
            dissection: self.dissection.clone(),
            cancel: Some(Arc::clone(&self.cancel)),
            ..Options::default()
        }
    }

    /// Run `filter` (None: every frame) over every open capture, in order, into `sink`;
    /// `on_report` sees each file's report. Returns whether Ctrl-C cancelled it.
    pub fn run(
        &self,
        filter: Option<&Filter>,
        opts: &Options,
        sink: &mut dyn FileSink,
        on_report: &mut ReportFn<'_>,
    ) -> io::Result<bool> {
        self.cancel.store(false, Ordering::Relaxed);
        let total: u64 = self.captures.iter().map(|c| c.size).sum();
        let progress = Progress::new(total);
        let several = self.captures.len() > 1;
        for c in &self.captures {
            sink.start(c, several);
            let mut open = || {
                if let Some(p) = &progress {
                    p.restart();
                }
                c.reader(progress.as_ref())
            };
            let result = engine::run_source(&mut open, filter, opts, sink);
            let cancelled = matches!(&result, Ok(r) if r.cancelled);
            on_report(c, result)?;
            if cancelled {
                break;
            }
        }
        if let Some(p) = &progress {
            p.finish();
        }
        Ok(self.cancel.load(Ordering::Relaxed))
    }

    /// The packet list of a filter's matches (the first `limit` lines) and their count.
    /// `key` identifies the question for the cache (the canonical filter text).
    /// Returns None when cancelled.
    pub fn query(&mut self, filter: Option<&Filter>, key: &str) -> io::Result<Option<Answer>> {
        let key = format!("{key}\u{0}{:?}", self.dissection);
        if let Some(a) = self.answers.get(&key) {
            if a.shown_limit >= self.limit.min(a.matched as usize) {
                let mut a = a.clone();
                a.lines.truncate(self.limit);
                return Ok(Some(a));
            }
        }
        let opts = Options {
            columns: true,
            columns_limit: Some(self.limit as u64),
            ..self.options()
        };
        let mut sink = ListSink {
            lines: Vec::new(),
            limit: self.limit,
            prefix: String::new(),
        };
        let mut answer = Answer {
            lines: Vec::new(),
            matched: 0,
            frames: 0,
            problems: Vec::new(),
            shown_limit: self.limit,
        };
        let cancelled = self.run(filter, &opts, &mut sink, &mut |c, r| {
            answer_report(&mut answer.problems, c, r).map(|(m, f)| {
                answer.matched += m;
                answer.frames += f;
            })
        })?;
        if cancelled {
            return Ok(None);
        }
        answer.lines = sink.lines;
        self.answers.insert(key, answer.clone());
        Ok(Some(answer))
    }
}

/// A file's (matched, frames), with its problems (damage, open errors) noted as lines.
pub fn answer_report(
    problems: &mut Vec<String>,
    c: &Capture,
    r: Result<Report, RunError>,
) -> io::Result<(u64, u64)> {
    match r {
        Ok(report) => {
            if let Some(d) = &report.damage {
                problems.push(format!(
                    "{}: {d} ({} good frames before it were processed)",
                    c.path.display(),
                    report.frames
                ));
            }
            Ok((report.matched, report.frames))
        }
        Err(RunError::Open(e)) => {
            problems.push(format!("{}: {e}", c.path.display()));
            Ok((0, 0))
        }
        Err(RunError::Output(e)) => Err(e),
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

/// "0.123 s" / "12 ms": how long a query took.
pub fn elapsed_text(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// Write a query's answer: the lines, "… and N more", the count and the time.
pub fn write_answer(out: &mut dyn Write, a: &Answer, took: Duration) -> io::Result<()> {
    for l in &a.lines {
        writeln!(out, "{l}")?;
    }
    let more = a.matched.saturating_sub(a.lines.len() as u64);
    if more > 0 {
        writeln!(out, "… and {more} more")?;
    }
    for p in &a.problems {
        writeln!(out, "wiresift: {p}")?;
    }
    writeln!(
        out,
        "{} of {} frames match ({})",
        a.matched,
        a.frames,
        elapsed_text(took)
    )
}

/// Time a closure.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let v = f();
    (v, start.elapsed())
}
