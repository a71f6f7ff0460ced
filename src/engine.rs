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

use rayon::prelude::*;

use crate::capture::{CaptureError, CaptureReader, FormatKind, FrameBatch, FrameRef};
use crate::dissect::conversation::Conversations;
use crate::dissect::ip_reassembly::Ipv4Reassembly;
use crate::dissect::reassembly::{self, ReassemblyStats};
use crate::dissect::{self, Buffers, FrameTimes, Interest, Packet};
use crate::filter::Filter;
use crate::registry;

/// Frames per batch: enough to keep every core busy between two sequential steps.
const BATCH_FRAMES: usize = 4096;
/// Bytes per batch, whichever limit comes first.
const BATCH_BYTES: usize = 8 << 20;

/// What to run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Stop after this many matching frames.
    pub limit: Option<u64>,
    /// Fill the packet-list columns.
    pub columns: bool,
    /// Fields the output needs besides the filter's (`-e` fields; `Interest::all()` for `show`).
    pub output: Interest,
    /// Reassembly caps, Decode As ports, SMTP preferences.
    pub dissection: reassembly::Options,
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
    pub reader: &'a CaptureReader,
    /// Time of the file's first frame (for the Time column).
    pub first_ns: i64,
}

impl Match<'_, '_> {
    /// Decimals of the Time column: 9 for sub-microsecond interfaces, 6 otherwise, None when the
    /// record has no time (pcapng simple packet blocks), as tshark shows them.
    pub fn time_decimals(&self) -> Option<u8> {
        if !self.frame.kind.has_time() {
            return None;
        }
        let fine = self
            .frame
            .interface
            .and_then(|i| self.reader.interface(i))
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
        })
}

/// Whether a field asked for is only known after a later frame (tshark shows it with `-2`).
fn needs_two_passes(interest: &Interest) -> bool {
    interest.is_all()
        || interest.fields().any(|f| {
            matches!(
                registry::def(f).abbrev,
                "tcp.reassembled_in" | "smtp.data.reassembled.in" | "ip.reassembled_in"
            )
        })
}

/// The state carried from frame to frame within one file.
struct State {
    conversations: Conversations,
    defrag: Ipv4Reassembly,
    /// Pass 1's defragmentation, which knows where each fragment ended up.
    defrag_first_pass: Option<Ipv4Reassembly>,
    conversations_needed: bool,
}

/// The frame-order state of one pass that lives outside [`State`]: frame times and the pool of
/// packet buffers.
#[derive(Default)]
struct Scratch {
    times: Option<FrameTimes>,
    frame_times: Vec<FrameTimes>,
    pool: Vec<Buffers>,
}

/// Steps 1–3 for one batch: dissect, the stateful pass, and (when `evaluate`) the filter.
/// Touches neither the reader nor the sink, so it can run while the next batch is read.
fn process<'b>(
    batch: &'b FrameBatch,
    filter: Option<&Filter>,
    interest: &Interest,
    columns: bool,
    evaluate: bool,
    state: &mut State,
    scratch: &mut Scratch,
) -> (Vec<Packet<'b>>, Vec<bool>) {
    // Frame times need the previous frame: computed in order before the parallel step.
    scratch.frame_times.clear();
    for (info, _) in batch.iter() {
        let t = scratch.times.get_or_insert(FrameTimes {
            first_ns: info.time_ns,
            prev_ns: info.time_ns,
            prev_displayed_ns: info.time_ns,
        });
        scratch.frame_times.push(*t);
        t.prev_ns = info.time_ns;
        t.prev_displayed_ns = info.time_ns;
    }
    let pool = &mut scratch.pool;
    let mut packets: Vec<Packet> = batch
        .iter()
        .map(|(info, data)| {
            let mut p = Packet::with_buffers(pool.pop().unwrap_or_default());
            p.reset(*info, data);
            p.want_columns = columns;
            p
        })
        .collect();

    packets
        .par_iter_mut()
        .zip(scratch.frame_times.par_iter())
        .for_each(|(p, t)| dissect::dissect_frame(p, interest, t));

    for p in packets.iter_mut() {
        state.defrag.process(p, interest);
        if let Some(first) = &state.defrag_first_pass {
            first.annotate(p, interest);
        }
        if state.conversations_needed {
            state.conversations.process(p, interest);
            dissect::finish_protocols(p, interest);
        }
    }

    let matched = if evaluate {
        packets
            .par_iter()
            .map(|p| filter.is_none_or(|f| f.matches(p)))
            .collect()
    } else {
        Vec::new()
    };
    (packets, matched)
}

/// One pass over a file. Returns when the file ends, is damaged, or the sink stops.
///
/// For classic pcap the next batch is read while this one is processed (`rayon::join`): reading
/// and copying the bytes is about a fifth of the work of a simple filter, and would otherwise
/// leave the other core idle. pcapng is read batch by batch, because its interface list grows
/// as blocks are read and the sink must see it as of the frames it is given.
fn pass(
    path: &Path,
    filter: Option<&Filter>,
    interest: &Interest,
    opts: &Options,
    state: &mut State,
    mut sink: Option<&mut dyn Sink>,
    report: &mut Report,
) -> Result<(), RunError> {
    let mut reader = CaptureReader::open(path).map_err(RunError::Open)?;
    let read_ahead = matches!(reader.format().kind, FormatKind::Pcap { .. });
    let mut batch = FrameBatch::new();
    let mut next = FrameBatch::new();
    let mut scratch = Scratch::default();
    let columns = opts.columns && sink.is_some();
    let evaluate = sink.is_some();

    let mut filled = reader.fill(&mut batch, BATCH_FRAMES, BATCH_BYTES);
    'batches: loop {
        match filled {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                report.damage = Some(e);
                break;
            }
        }
        next.clear();
        let (ahead, (packets, matched)) = if read_ahead {
            let (reader, next) = (&mut reader, &mut next);
            let (state, scratch) = (&mut *state, &mut scratch);
            rayon::join(
                move || Some(reader.fill(next, BATCH_FRAMES, BATCH_BYTES)),
                || process(&batch, filter, interest, columns, evaluate, state, scratch),
            )
        } else {
            (
                None,
                process(
                    &batch,
                    filter,
                    interest,
                    columns,
                    evaluate,
                    state,
                    &mut scratch,
                ),
            )
        };

        if let Some(sink) = sink.as_deref_mut() {
            let first_ns = scratch.times.map_or(0, |t| t.first_ns);
            for ((p, m), frame) in packets.iter().zip(&matched).zip(batch.frames()) {
                report.frames += 1;
                if !*m {
                    continue;
                }
                report.matched += 1;
                let flow = sink
                    .frame(&Match {
                        packet: p,
                        frame,
                        reader: &reader,
                        first_ns,
                    })
                    .map_err(RunError::Output)?;
                if flow == Flow::Stop || opts.limit.is_some_and(|l| report.matched >= l) {
                    break 'batches;
                }
            }
        } else {
            report.frames += packets.len() as u64;
        }
        scratch
            .pool
            .extend(packets.into_iter().map(Packet::into_buffers));
        filled = match ahead {
            Some(r) => {
                std::mem::swap(&mut batch, &mut next);
                r
            }
            None => {
                batch.clear();
                reader.fill(&mut batch, BATCH_FRAMES, BATCH_BYTES)
            }
        };
    }
    Ok(())
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
    let mut interest = opts.output.clone();
    if let Some(f) = filter {
        interest.union(f.interest());
    }
    let mut state = State {
        conversations: Conversations::with_options(opts.dissection.clone()),
        defrag: Ipv4Reassembly::new(),
        defrag_first_pass: None,
        conversations_needed: opts.columns || needs_conversations(&interest),
    };
    let mut report = Report::default();
    if needs_two_passes(&interest) {
        report.two_pass = true;
        let mut first = Report::default();
        pass(
            path,
            None,
            &Interest::none(),
            opts,
            &mut state,
            None,
            &mut first,
        )?;
        state.conversations.second_pass();
        state.defrag_first_pass = Some(std::mem::replace(&mut state.defrag, Ipv4Reassembly::new()));
    }
    pass(
        path,
        filter,
        &interest,
        opts,
        &mut state,
        Some(sink),
        &mut report,
    )?;
    report.reassembly = state.conversations.reassembly_stats();
    report.defrag_evictions = state.defrag.evictions;
    Ok(report)
}
