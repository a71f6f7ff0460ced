//! Shared by the agreement tests: run a filter over a fixture through the real engine.
#![allow(dead_code)]

use std::io;
use std::path::Path;

use wiresift::engine::{self, Flow, Match, Options, Sink};
use wiresift::filter;

struct Frames(Vec<u32>);

impl Sink for Frames {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        self.0.push(m.packet.info.number);
        Ok(Flow::Continue)
    }
}

/// The frames of `fixtures/<capture>` that `filter_text` matches, or the compile error's message.
pub fn matching_frames(capture: &str, filter_text: &str) -> Result<Vec<u32>, String> {
    let f = filter::compile(filter_text).map_err(|e| e.message)?;
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(capture);
    let mut sink = Frames(Vec::new());
    engine::run_file(&path, Some(&f), &Options::default(), &mut sink)
        .map_err(|e| format!("{e:?}"))?;
    Ok(sink.0)
}

/// One (capture, filter, expected frames) row of a tshark frame-list table.
pub struct FrameRow {
    pub capture: String,
    pub filter: String,
    pub frames: Vec<u32>,
}

/// Rows of `tests/data/frames_*.tsv`, without those tshark rejected (`ERROR: …`).
pub fn frame_rows(table: &str) -> Vec<FrameRow> {
    table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut c = l.splitn(3, '\t');
            let (capture, filter, frames) = (c.next()?, c.next()?, c.next().unwrap_or(""));
            if frames.starts_with("ERROR") {
                return None;
            }
            let frames = frames
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().ok())
                .collect::<Option<_>>()?;
            Some(FrameRow {
                capture: capture.into(),
                filter: filter.into(),
                frames,
            })
        })
        .collect()
}

/// Compare every row; returns (rows, mismatches as text).
pub fn compare_rows(rows: &[FrameRow]) -> Vec<String> {
    let mut bad = Vec::new();
    for r in rows {
        match matching_frames(&r.capture, &r.filter) {
            Ok(got) if got == r.frames => {}
            Ok(got) => bad.push(format!(
                "{} | {} | tshark {} frames {:?} | wiresift {} frames {:?}",
                r.capture,
                r.filter,
                r.frames.len(),
                short(&r.frames),
                got.len(),
                short(&got)
            )),
            Err(e) => bad.push(format!(
                "{} | {} | wiresift error: {e}",
                r.capture, r.filter
            )),
        }
    }
    bad
}

fn short(v: &[u32]) -> Vec<u32> {
    v.iter().take(12).copied().collect()
}
