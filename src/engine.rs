//! The pipeline from capture files to matching frames.
//!
//! Per file, frames are read in batches. For each batch:
//! 1. stateless dissection of every frame, in parallel (rayon);
//! 2. the stateful pass in frame order: IPv4 defragmentation, then conversations (`tcp.stream`,
//!    relative sequence numbers, analysis flags) — the latter only when the filter or the output
//!    needs them;
//! 3. evaluation of the filter, in parallel;
//! 4. matching frames handed to the sink in frame order.
//!
//! Results do not depend on the number of threads: only steps 1 and 3 run in parallel, and they
//! are pure functions of one frame.

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

use rayon::prelude::*;

use crate::capture::{CaptureError, CaptureReader, FrameBatch, FrameRef, Interface, Screen};
use crate::dissect::conversation::Conversations;
use crate::dissect::icmp_tracker::IcmpTracker;
use crate::dissect::ip_reassembly::Ipv4Reassembly;
use crate::dissect::reassembly::{self, ReassemblyStats};
use crate::dissect::{self, Buffers, FrameTimes, Interest, Packet, Value};
use crate::filter::prefilter::{self, Verdict};
use crate::filter::Filter;
use crate::registry;

/// Frames per batch: enough to keep every core busy between two sequential steps.
const BATCH_FRAMES: usize = 4096;
const TIME_DELTA_DISPLAYED: registry::FieldId = registry::id("frame.time_delta_displayed");
/// Bytes per batch, whichever limit comes first.
const BATCH_BYTES: usize = 8 << 20;

/// What to run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Stop after this many matching frames.
    pub limit: Option<u64>,
    /// Fill the packet-list columns.
    pub columns: bool,
    /// Fill them only until this many frames matched (the REPL shows a first screenful):
    /// frames after that skip the column text and, unless the filter needs it, the stateful pass.
    pub columns_limit: Option<u64>,
    /// Fields the output needs besides the filter's (`-e` fields; `Interest::all()` for `show`).
    pub output: Interest,
    /// Reassembly caps, Decode As ports, SMTP preferences.
    pub dissection: reassembly::Options,
    /// Set from another thread (the REPL's Ctrl-C) to stop between two batches.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Read the file once, as tshark without `-2`, even when fields only known after the fact
    /// are asked for: they show what a single pass knows (the details tree of `tshark -V`).
    pub single_pass: bool,
    /// Caps on IPv4 fragments waiting for the rest of their datagram.
    pub defrag: DefragLimits,
    /// Dissect every frame, even those the filter's prefilter rejects (for comparisons).
    pub no_prefilter: bool,
    /// Told after each batch how many frames were read and how far into the file.
    pub progress: Option<Progress>,
}

/// A progress callback: frames read so far, bytes of the capture consumed so far.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(u64, u64) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// Caps on IPv4 defragmentation: past either, the oldest pending datagram is dropped (and counted
/// in [`Report::defrag_evictions`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefragLimits {
    /// Fragment payload bytes held, all datagrams together.
    pub max_bytes: usize,
    /// Datagrams pending at once.
    pub max_datagrams: usize,
}

impl Default for DefragLimits {
    fn default() -> Self {
        let d = Ipv4Reassembly::new();
        DefragLimits {
            max_bytes: d.max_bytes,
            max_datagrams: d.max_datagrams,
        }
    }
}

impl DefragLimits {
    fn reassembly(self) -> Ipv4Reassembly {
        let mut d = Ipv4Reassembly::new();
        d.max_bytes = self.max_bytes;
        d.max_datagrams = self.max_datagrams;
        d
    }
}

/// What the sink wants next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// Everything known about a matching frame when it reaches the sink.
pub struct Match<'a, 'p> {
    pub packet: &'a Packet<'p>,
    pub frame: FrameRef<'a>,
    /// The capture's interfaces as of this frame.
    pub interfaces: &'a [Interface],
    /// Time of the file's first frame (for the Time column).
    pub first_ns: i64,
}

impl Match<'_, '_> {
    /// Whether any interface so far has timestamps finer than a microsecond.
    pub fn sub_microsecond(&self) -> bool {
        self.interfaces.iter().any(Interface::sub_microsecond)
    }

    /// Decimals of the Time column: 9 for sub-microsecond interfaces, 6 otherwise, None when the
    /// record has no time (pcapng simple packet blocks), as tshark shows them.
    pub fn time_decimals(&self) -> Option<u8> {
        if !self.frame.kind.has_time() {
            return None;
        }
        let fine = self
            .frame
            .interface
            .and_then(|i| self.interfaces.get(i as usize))
            .is_some_and(|i| i.sub_microsecond());
        Some(if fine { 9 } else { 6 })
    }
}

/// Receives matching frames, in frame order.
pub trait Sink {
    fn frame(&mut self, m: &Match) -> io::Result<Flow>;
}

/// How one file went.
#[derive(Debug, Default)]
pub struct Report {
    pub frames: u64,
    pub matched: u64,
    /// The damage that stopped reading, after every good frame before it was processed.
    pub damage: Option<CaptureError>,
    /// Whether the file was read twice (fields only known after the fact were asked for).
    pub two_pass: bool,
    /// TCP reassembly counters, including caps hit.
    pub reassembly: ReassemblyStats,
    /// IPv4 datagrams dropped by the defragmentation cap.
    pub defrag_evictions: u64,
    /// Stopped by [`Options::cancel`] before the end of the file.
    pub cancelled: bool,
    /// Frames were prefiltered as they were read (see [`crate::filter::prefilter`]).
    pub prefiltered: bool,
}

impl Report {
    /// Whether a memory cap was hit (reassembly, conversations or defragmentation): some results may be missing.
    pub fn caps_hit(&self) -> bool {
        self.reassembly.flow_cap_hits > 0
            || self.reassembly.total_cap_hits > 0
            || self.reassembly.conversation_cap_evictions > 0
            || self.defrag_evictions > 0
    }
}

/// Why a run stopped early.
#[derive(Debug)]
pub enum RunError {
    /// The file could not be opened or is not a capture.
    Open(CaptureError),
    /// The sink failed (output error).
    Output(io::Error),
}

/// Whether any field asked for comes from the stateful pass over conversations.
fn needs_conversations(interest: &Interest) -> bool {
    interest.is_all()
        || interest.fields().any(|f| {
            let a = registry::def(f).abbrev;
            let proto = registry::def(f).protocol();
            matches!(
                a,
                "tcp.stream"
                    | "udp.stream"
                    | "tcp.seq"
                    | "tcp.ack"
                    | "tcp.nxtseq"
                    | "tcp.window_size"
            ) || a.starts_with("tcp.analysis")
                || a.starts_with("tcp.time")
                || a.starts_with("udp.time")
                || a.starts_with("tcp.completeness")
                || a.starts_with("tcp.window_size_scalefactor")
                || a.starts_with("tcp.segment")
                || a.starts_with("tcp.reassembled")
                || matches!(proto, "smtp" | "imf" | "tls" | "data-text-lines")
                // Lists the layers the stateful pass adds (`smtp`).
                || a == "frame.protocols"
        })
}

/// Whether a field asked for is only known after a later frame (tshark shows it with `-2`).
fn needs_two_passes(interest: &Interest) -> bool {
    interest.is_all()
        || interest.fields().any(|f| {
            matches!(
                registry::def(f).abbrev,
                "tcp.reassembled_in"
                    | "smtp.data.reassembled.in"
                    | "ip.reassembled_in"
                    | "tcp.completeness"
                    | "tcp.analysis.initial_rtt"
                    | "icmp.resp_in"
            )
        })
}

/// The state carried from frame to frame within one file.
struct State {
    conversations: Conversations,
    defrag: Ipv4Reassembly,
    /// Pass 1's defragmentation, which knows where each fragment ended up.
    defrag_first_pass: Option<Ipv4Reassembly>,
    /// ICMP echo request/reply matching, and pass 1's (which knows the replies to come).
    icmp: IcmpTracker,
    icmp_first_pass: Option<IcmpTracker>,
    conversations_needed: bool,
    /// The fields asked for need the stateful pass (not only the columns).
    conversations_for_interest: bool,
    /// Time of the last frame that matched the filter (`frame.time_delta_displayed`).
    last_displayed_ns: Option<i64>,
    /// Set once the stateful pass has stopped for good in this pass: the prefilter may then
    /// decide on direction-dependent fields too.
    screen_relaxed: Arc<AtomicBool>,
}

/// Batches as they are read: from the reader on this thread, or from a thread that reads one
/// batch ahead while this one is processed (when rayon has more than one thread: reading —
/// the `read()` copy and record parsing, prefilter included — then overlaps dissection).
enum Feed<'r> {
    Inline {
        reader: &'r mut CaptureReader,
        batch: FrameBatch,
    },
    Ahead {
        filled: mpsc::Receiver<Filled>,
        empty: mpsc::SyncSender<FrameBatch>,
    },
}

/// A batch read by [`read_ahead`], with what the reader knew when it was read.
struct Filled {
    batch: FrameBatch,
    result: Result<usize, CaptureError>,
    interfaces: Arc<[Interface]>,
    position: u64,
}

/// Batches in flight between the reading thread and the engine.
const BATCHES_AHEAD: usize = 2;

/// The reading thread: fill the batches the engine hands back until the file ends, is damaged, or
/// the engine stops listening.
fn read_ahead(
    reader: &mut CaptureReader,
    filled: mpsc::SyncSender<Filled>,
    empty: mpsc::Receiver<FrameBatch>,
) {
    let mut interfaces: Arc<[Interface]> = reader.interfaces().into();
    while let Ok(mut batch) = empty.recv() {
        batch.clear();
        let result = reader.fill(&mut batch, BATCH_FRAMES, BATCH_BYTES);
        let done = !matches!(result, Ok(n) if n > 0);
        if interfaces.len() != reader.interfaces().len() {
            interfaces = reader.interfaces().into();
        }
        let f = Filled {
            batch,
            result,
            interfaces: interfaces.clone(),
            position: reader.position(),
        };
        if filled.send(f).is_err() || done {
            return;
        }
    }
}

/// The prefilter to run as frames are read, if it is sound for this pass: not when the file is
/// read twice (pass 2 relies on pass 1 having seen every frame), not when a field that numbers
/// conversations across the capture is asked for (`tcp.stream`), and, when the stateful pass
/// runs, only on fields that keep or drop both directions of a conversation together.
fn screen(
    filter: Option<&Filter>,
    interest: &Interest,
    opts: &Options,
    state: &State,
    two_pass: bool,
) -> Option<Screen> {
    let pf = filter?.prefilter()?;
    let cross_flow = interest.is_all()
        || interest
            .fields()
            .any(|f| matches!(registry::def(f).abbrev, "tcp.stream" | "udp.stream"));
    let symmetric_only = state.conversations_needed;
    // The REPL's first screenful needs the stateful pass for its columns; once it is shown the
    // pass stops (unless the filter needs it), and so may the restriction to symmetric fields.
    let may_relax =
        symmetric_only && opts.columns_limit.is_some() && !state.conversations_for_interest;
    if opts.no_prefilter || two_pass || cross_flow || !pf.useful(symmetric_only && !may_relax) {
        return None;
    }
    let pf = pf.clone();
    let strict = prefilter::Context {
        smtp_ports: opts.dissection.decode_as.smtp_ports.clone(),
        symmetric_only,
    };
    let relaxed_cx = prefilter::Context {
        symmetric_only: false,
        ..strict.clone()
    };
    state.screen_relaxed.store(false, Ordering::Relaxed);
    let relaxed = state.screen_relaxed.clone();
    Some(Screen(Arc::new(move |info, data| {
        let cx = if relaxed.load(Ordering::Relaxed) {
            &relaxed_cx
        } else {
            &strict
        };
        pf.verdict(info.link_type, data, cx) != Verdict::No
    })))
}

/// One pass over a file. Returns when the file ends, is damaged, or the sink stops.
#[allow(clippy::too_many_arguments)]
fn pass(
    open: &mut dyn FnMut() -> Result<CaptureReader, CaptureError>,
    filter: Option<&Filter>,
    interest: &Interest,
    opts: &Options,
    state: &mut State,
    sink: Option<&mut dyn Sink>,
    report: &mut Report,
    two_pass: bool,
) -> Result<(), RunError> {
    let mut reader = open().map_err(RunError::Open)?;
    let screen = screen(filter, interest, opts, state, two_pass);
    report.prefiltered = screen.is_some();
    let new_batch = || {
        let mut b = FrameBatch::new();
        b.set_screen(screen.clone());
        b
    };
    if rayon::current_num_threads() < 2 {
        let mut feed = Feed::Inline {
            reader: &mut reader,
            batch: new_batch(),
        };
        return run_batches(&mut feed, filter, interest, opts, state, sink, report);
    }
    let (filled_tx, filled_rx) = mpsc::sync_channel(BATCHES_AHEAD);
    let (empty_tx, empty_rx) = mpsc::sync_channel(BATCHES_AHEAD);
    for _ in 0..BATCHES_AHEAD {
        // Cannot fail: the receiver is alive and the channel has room for them.
        let _ = empty_tx.send(new_batch());
    }
    std::thread::scope(|scope| {
        let reading = &mut reader;
        let thread = scope.spawn(move || read_ahead(reading, filled_tx, empty_rx));
        let mut feed = Feed::Ahead {
            filled: filled_rx,
            empty: empty_tx,
        };
        let result = run_batches(&mut feed, filter, interest, opts, state, sink, report);
        // Dropping the feed stops the reading thread. Joining it (rather than leaving it to the
        // scope, which only waits for the closure) waits until the thread has really exited, its
        // thread-local destructors included: LeakSanitizer saw their memory in flight otherwise.
        drop(feed);
        let _ = thread.join();
        result
    })
}

/// Process the batches of one pass.
fn run_batches(
    feed: &mut Feed,
    filter: Option<&Filter>,
    interest: &Interest,
    opts: &Options,
    state: &mut State,
    mut sink: Option<&mut dyn Sink>,
    report: &mut Report,
) -> Result<(), RunError> {
    let mut pool: Vec<Buffers> = Vec::new();
    let mut times: Option<FrameTimes> = None;
    let mut frame_times = Vec::new();
    let mut kept: Vec<usize> = Vec::new();
    let mut interfaces: Arc<[Interface]> = Arc::from(Vec::new());
    let mut held: Option<FrameBatch> = None;
    'batches: loop {
        let columns =
            opts.columns && sink.is_some() && opts.columns_limit.is_none_or(|l| report.matched < l);
        let conversations = state.conversations_needed
            && (opts.columns_limit.is_none() || columns || state.conversations_for_interest);
        if state.conversations_needed && !conversations {
            state.screen_relaxed.store(true, Ordering::Relaxed);
        }
        if opts
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            report.cancelled = true;
            break;
        }
        // The next batch; the previous one goes back to the reading thread.
        let (batch, result, position) = match feed {
            Feed::Inline { reader, batch } => {
                batch.clear();
                let r = reader.fill(batch, BATCH_FRAMES, BATCH_BYTES);
                if interfaces.len() != reader.interfaces().len() {
                    interfaces = reader.interfaces().into();
                }
                (&*batch, r, reader.position())
            }
            Feed::Ahead { filled, empty } => {
                if let Some(b) = held.take() {
                    // The reading thread is gone once the file ended: nothing to refill.
                    let _ = empty.send(b);
                }
                let Ok(f) = filled.recv() else {
                    break;
                };
                interfaces = f.interfaces;
                let b = held.insert(f.batch);
                (&*b, f.result, f.position)
            }
        };
        match result {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                report.damage = Some(e);
                break;
            }
        }
        // Frame times need the previous frame: computed in order before the parallel step.
        frame_times.clear();
        kept.clear();
        for (i, f) in batch.frames().enumerate() {
            let info = f.info;
            let t = times.get_or_insert(FrameTimes {
                first_ns: info.time_ns,
                prev_ns: info.time_ns,
                prev_displayed_ns: info.time_ns,
            });
            if !f.screened {
                kept.push(i);
                frame_times.push(*t);
            }
            t.prev_ns = info.time_ns;
            t.prev_displayed_ns = info.time_ns;
        }
        // Packets are made here (cheap: they take pooled buffers) and filled in the parallel
        // step, in place: a `Packet` is a few hundred bytes, not worth moving around.
        let mut packets: Vec<Packet> = kept
            .iter()
            .map(|_| Packet::with_buffers(pool.pop().unwrap_or_default()))
            .collect();
        packets
            .par_iter_mut()
            .zip(kept.par_iter())
            .zip(frame_times.par_iter())
            .for_each(|((p, &i), t)| {
                if let Some(f) = batch.get(i) {
                    p.reset(*f.info, f.data);
                }
                p.want_columns = columns;
                dissect::dissect_frame(p, interest, t);
            });

        for p in packets.iter_mut() {
            state.defrag.process(p, interest);
            if let Some(first) = &state.defrag_first_pass {
                first.annotate(p, interest);
            }
            state.icmp.process(p, interest);
            if let Some(first) = &state.icmp_first_pass {
                first.annotate(p, interest);
            }
            if conversations {
                state.conversations.process(p, interest);
                dissect::finish_protocols(p, interest);
            }
        }

        let frames_before = report.frames;
        report.frames += batch.len() as u64;
        if let Some(progress) = &opts.progress {
            (progress.0)(report.frames, position);
        }
        let Some(sink) = sink.as_deref_mut() else {
            pool.extend(packets.into_iter().map(Packet::into_buffers));
            continue;
        };
        let matched: Vec<bool> = packets
            .par_iter()
            .map(|p| filter.is_none_or(|f| f.matches(p)))
            .collect();
        let first_ns = times.map_or(0, |t| t.first_ns);
        for ((p, m), &i) in packets.iter_mut().zip(&matched).zip(&kept) {
            if !*m {
                continue;
            }
            let Some(frame) = batch.get(i) else {
                continue;
            };
            report.matched += 1;
            displayed_delta(p, &mut state.last_displayed_ns);
            let flow = sink
                .frame(&Match {
                    packet: p,
                    frame,
                    interfaces: &interfaces,
                    first_ns,
                })
                .map_err(RunError::Output)?;
            if flow == Flow::Stop || opts.limit.is_some_and(|l| report.matched >= l) {
                // Frames after this one were not looked at.
                report.frames = frames_before + i as u64 + 1;
                break 'batches;
            }
        }
        pool.extend(packets.into_iter().map(Packet::into_buffers));
    }
    Ok(())
}

/// `frame.time_delta_displayed` counts from the previous frame that matched, which is known only
/// once the filter ran: the dissector's value (from the previous frame) is replaced for the
/// frames shown. (A filter on the field itself still sees the dissector's value.)
fn displayed_delta(p: &mut Packet, last: &mut Option<i64>) {
    let now = p.info.time_ns;
    let delta = last.map_or(0, |l| now.saturating_sub(l));
    *last = Some(now);
    if let Some(item) = p.items.iter_mut().find(|i| i.field == TIME_DELTA_DISPLAYED) {
        item.value = Value::RelTime(delta);
    }
}

/// Run a filter (or none: every frame) over one capture file.
///
/// Fields that are only known after the fact (`tcp.reassembled_in`, `smtp.data.reassembled.in`,
/// `ip.reassembled_in`) make it read the file twice, as `tshark -2` does: the first pass records
/// where each segment and fragment ended up, the second shows it.
pub fn run_file(
    path: &Path,
    filter: Option<&Filter>,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Report, RunError> {
    run_source(&mut || CaptureReader::open(path), filter, opts, sink)
}

/// [`run_file`] over a capture held in memory (fuzzing, tests, captures from elsewhere).
pub fn run_bytes(
    bytes: &[u8],
    filter: Option<&Filter>,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Report, RunError> {
    let bytes: std::sync::Arc<[u8]> = bytes.into();
    run_source(
        &mut || CaptureReader::from_reader(io::Cursor::new(SharedBytes(bytes.clone()))),
        filter,
        opts,
        sink,
    )
}

/// Bytes shared between the passes over one in-memory capture.
struct SharedBytes(std::sync::Arc<[u8]>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// [`run_file`] over a capture from anywhere: `open` is called once per pass (twice when fields
/// only known after the fact are asked for), each time giving a reader at the start of the capture.
pub fn run_source(
    open: &mut dyn FnMut() -> Result<CaptureReader, CaptureError>,
    filter: Option<&Filter>,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Report, RunError> {
    let mut interest = opts.output.clone();
    if let Some(f) = filter {
        interest.union(f.interest());
    }
    let mut state = State {
        conversations: Conversations::with_options(opts.dissection.clone()),
        defrag: opts.defrag.reassembly(),
        defrag_first_pass: None,
        icmp: IcmpTracker::new(),
        icmp_first_pass: None,
        conversations_needed: opts.columns || needs_conversations(&interest),
        conversations_for_interest: needs_conversations(&interest),
        last_displayed_ns: None,
        screen_relaxed: Arc::new(AtomicBool::new(false)),
    };
    let mut report = Report::default();
    if !opts.single_pass && needs_two_passes(&interest) {
        report.two_pass = true;
        let mut first = Report::default();
        pass(
            open,
            None,
            &Interest::none(),
            opts,
            &mut state,
            None,
            &mut first,
            true,
        )?;
        if first.cancelled {
            report.cancelled = true;
            return Ok(report);
        }
        state.conversations.second_pass();
        state.defrag_first_pass = Some(std::mem::replace(
            &mut state.defrag,
            opts.defrag.reassembly(),
        ));
        state.icmp_first_pass = Some(std::mem::take(&mut state.icmp));
    }
    let two_pass = report.two_pass;
    pass(
        open,
        filter,
        &interest,
        opts,
        &mut state,
        Some(sink),
        &mut report,
        two_pass,
    )?;
    report.reassembly = state.conversations.reassembly_stats();
    report.defrag_evictions = state.defrag.evictions;
    Ok(report)
}
