//! The pipeline from capture files to matching frames.
//!
//! Per file, frames are read in batches. For each batch:
//! 1. stateless dissection of every frame, in parallel (rayon);
//! 2. the stateful pass in frame order: IPv4 defragmentation, then conversations (`tcp.stream`,
//!    relative sequence numbers, analysis flags) — only when the filter or the output needs them;
//! 3. evaluation of the filter, in parallel;
//! 4. matching frames handed to the sink in frame order.
//!
//! Results do not depend on the number of threads: only steps 1 and 3 run in parallel, and they
//! are pure functions of one frame.

use std::path::Path;

use rayon::prelude::*;

use crate::capture::{CaptureError, CaptureReader, FrameBatch};
use crate::dissect::conversation::Conversations;
use crate::dissect::ip_reassembly::Ipv4Reassembly;
use crate::dissect::{self, Buffers, FrameTimes, Interest, Packet};
use crate::filter::Filter;
use crate::registry::{self, FieldId};

/// Frames per batch: enough to keep both cores busy, small enough to stay in cache-friendly memory.
const BATCH_FRAMES: usize = 4096;
/// Bytes per batch, whichever comes first.
const BATCH_BYTES: usize = 8 << 20;

/// What to run and what to hand back.
#[derive(Clone, Debug)]
pub struct Options {
    /// Stop after this many matching frames (tshark's `-c` counts *matches* with `-Y`... see README).
    pub limit: Option<u64>,
    /// Fill the packet-list columns of matching frames.
    pub columns: bool,
    /// Extra fields the output needs besides the filter's (`-e` fields, `show`).
    pub output: Interest,
}

impl Default for Options {
    fn default() -> Self {
        Options { limit: None, columns: false, output: Interest::none() }
    }
}

/// What the sink wants next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// Receives matching frames, in frame order.
pub trait Sink {
    fn frame(&mut self, p: &Packet) -> std::io::Result<Flow>;
}

impl<F: FnMut(&Packet) -> std::io::Result<Flow>> Sink for F {
    fn frame(&mut self, p: &Packet) -> std::io::Result<Flow> {
        self(p)
    }
}

/// How one file went.
#[derive(Debug, Default)]
pub struct Report {
    pub frames: u64,
    pub matched: u64,
    /// The damage that stopped reading, after every good frame before it was processed.
    pub error: Option<CaptureError>,
}

/// Fields whose values come from the stateful pass over conversations.
fn needs_conversations(interest: &Interest) -> bool {
    if interest.is_all() {
        return true;
    }
    interest.fields().any(|f| {
        let a = registry::def(f).abbrev;
        matches!(a, "tcp.stream" | "udp.stream" | "tcp.seq" | "tcp.ack" | "tcp.nxtseq" | "tcp.window_size")
            || a.starts_with("tcp.analysis")
            || a.starts_with("tcp.time")
            || a.starts_with("tcp.completeness")
    })
}

/// Run a filter (or none: every frame) over one capture file.
pub fn run_file(
    path: &Path,
    filter: Option<&Filter>,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Report, CaptureError> {
    let mut reader = CaptureReader::open(path)?;
    let mut interest = opts.output.clone();
    if let Some(f) = filter {
        interest.union(f.interest());
    }
    let conversations_needed = opts.columns || needs_conversations(&interest);
    let mut conversations = Conversations::new();
    let mut defrag = Ipv4Reassembly::new();
    let mut batch = FrameBatch::default();
    let mut pool: Vec<Buffers> = Vec::new();
    let mut report = Report::default();
    let mut times = FrameTimes::default();
    let mut first = true;

    loop {
        batch.clear();
        let read = reader.fill(&mut batch, BATCH_FRAMES, BATCH_BYTES);
        let frames: Vec<_> = batch.iter().collect();
        if frames.is_empty() {
            if let Err(e) = read {
                report.error = Some(e);
            }
            break;
        }
        // Times need the previous frame: computed in order before the parallel step.
        let mut frame_times = Vec::with_capacity(frames.len());
        for (info, _) in &frames {
            if first {
                times = FrameTimes { first_ns: info.time_ns, prev_ns: info.time_ns, prev_displayed_ns: info.time_ns };
                first = false;
            }
            frame_times.push(times);
            times.prev_ns = info.time_ns;
            times.prev_displayed_ns = info.time_ns;
        }
        let mut packets: Vec<Packet> = frames
            .iter()
            .map(|(info, data)| {
                let mut p = Packet::with_buffers(pool.pop().unwrap_or_default());
                p.reset(**info, data);
                p.want_columns = opts.columns;
                p
            })
            .collect();

        packets
            .par_iter_mut()
            .zip(frame_times.par_iter())
            .for_each(|(p, t)| dissect::dissect_frame(p, &interest, t));

        for p in packets.iter_mut() {
            defrag.process(p, &interest);
            if conversations_needed {
                conversations.process(p, &interest);
            }
        }

        let matched: Vec<bool> = packets.par_iter().map(|p| filter.is_none_or(|f| f.matches(p))).collect();

        let mut stop = false;
        for (p, m) in packets.iter().zip(&matched) {
            report.frames += 1;
            if !*m {
                continue;
            }
            report.matched += 1;
            if sink.frame(p).map_err(CaptureError::from)? == Flow::Stop
                || opts.limit.is_some_and(|l| report.matched >= l)
            {
                stop = true;
                break;
            }
        }
        pool.extend(packets.into_iter().map(Packet::into_buffers));
        if stop {
            break;
        }
        if let Err(e) = read {
            report.error = Some(e);
            break;
        }
    }
    Ok(report)
}

/// The field ids of `frame.number`-like output fields, resolved once.
pub fn field(name: &str) -> Option<FieldId> {
    registry::lookup(name)
}
