//! `wiresift show [-Y '<filter>'] [--frame N] [--hex] <capture>...`: the packet details tree of the
//! matching frames, as `tshark -V` prints it, and with `--hex` their bytes as `tshark -x`.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::dissect::Interest;
use crate::engine::{self, Flow, Match, Options, RunError, Sink};
use crate::filter;
use crate::output::details;

pub struct Args {
    pub filter: Option<String>,
    pub frame: Option<u32>,
    pub hex: bool,
    pub captures: Vec<PathBuf>,
    pub limit: Option<u64>,
}

struct TreeSink<'w, W: Write> {
    out: &'w mut W,
    frame: Option<u32>,
    hex: bool,
    text: String,
    shown: u64,
}

impl<W: Write> Sink for TreeSink<'_, W> {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        let p = m.packet;
        match self.frame {
            Some(n) if p.info.number < n => return Ok(Flow::Continue),
            Some(n) if p.info.number > n => return Ok(Flow::Stop),
            _ => {}
        }
        self.text.clear();
        details::write_tree(&mut self.text, p);
        if self.hex {
            self.text.push('\n');
            details::write_hex(&mut self.text, p.data);
        }
        // tshark separates frames with an empty line.
        self.text.push('\n');
        self.out.write_all(self.text.as_bytes())?;
        self.shown += 1;
        Ok(if self.frame.is_some() {
            Flow::Stop
        } else {
            Flow::Continue
        })
    }
}

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
    let opts = Options {
        limit: args.limit,
        columns: true,
        output: Interest::all(),
        ..Options::default()
    };
    let mut sink = TreeSink {
        out,
        frame: args.frame,
        hex: args.hex,
        text: String::new(),
        shown: 0,
    };
    let (mut open_failed, mut partial) = (false, false);
    for path in &args.captures {
        match engine::run_file(path, compiled.as_ref(), &opts, &mut sink) {
            Ok(report) => {
                if let Some(d) = report.damage {
                    writeln!(
                        err,
                        "wiresift: {}: {d} ({} good frames before it were processed)",
                        path.display(),
                        report.frames
                    )?;
                    partial = true;
                }
            }
            Err(RunError::Open(e)) => {
                writeln!(err, "wiresift: {}: {e}", path.display())?;
                open_failed = true;
            }
            Err(RunError::Output(e)) => return Err(e),
        }
    }
    if let (Some(n), 0) = (args.frame, sink.shown) {
        writeln!(
            err,
            "wiresift: no frame {n}{}",
            if compiled.is_some() {
                " matches the filter"
            } else {
                ""
            }
        )?;
    }
    Ok(if open_failed {
        super::exit::ERROR
    } else if partial {
        super::exit::PARTIAL
    } else {
        super::exit::OK
    })
}
