//! The `wiresift` command: parse arguments, call the library, choose the exit code.
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wiresift::app::{self, exit};
use wiresift::dissect::reassembly::ReassemblyLimits;
use wiresift::engine::DefragLimits;
use wiresift::output::table::{Format, TableOptions};

/// Answer questions about packet captures in Wireshark's display-filter language.
#[derive(Parser)]
#[command(name = "wiresift", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the frames a display filter matches, as tshark's packet list.
    Filter {
        /// The display filter (`smtp`, `ip.addr == 10.0.0.0/8 && tcp.port in {25, 587}`); "" for all frames.
        filter: String,
        /// Capture files (pcap, pcapng, gzip-compressed or not).
        #[arg(required = true)]
        captures: Vec<PathBuf>,
        /// Print only the number of matching frames (per file).
        #[arg(long, conflicts_with = "frames")]
        count: bool,
        /// Print only the matching frame numbers, one per line.
        #[arg(long)]
        frames: bool,
        /// Stop after this many matching frames.
        #[arg(short = 'c', long = "limit", value_name = "N")]
        limit: Option<u64>,
        /// Also write the matching frames to a new capture (pcapng, or pcap if the name ends in .pcap).
        #[arg(short = 'w', value_name = "FILE")]
        write: Option<PathBuf>,
        /// Let -w replace an existing file.
        #[arg(long)]
        overwrite: bool,
        /// Most bytes TCP reassembly buffers for one PDU or one SMTP message (default 64 MiB).
        #[arg(long, value_name = "BYTES")]
        reassembly_flow_cap: Option<usize>,
        /// Most bytes TCP reassembly buffers in all (default 512 MiB).
        #[arg(long, value_name = "BYTES")]
        reassembly_total_cap: Option<usize>,
        /// Most incomplete IPv4 datagrams held for defragmentation (default 4096).
        #[arg(long, value_name = "N")]
        defrag_cap: Option<usize>,
    },
    /// Check a display filter: print its canonical form and compiled plan, or the error.
    Check {
        filter: String,
        /// Print the result as JSON (valid, kind, message, span, suggestion).
        #[arg(long)]
        json: bool,
    },
    /// List the protocols and fields wiresift knows (as `tshark -G fields`).
    Registry {
        /// Only this protocol or field and the fields below it (`smtp`, `tcp.flags`).
        prefix: Option<String>,
        /// Also list each field's value names.
        #[arg(long)]
        values: bool,
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Filter {
            filter,
            captures,
            count,
            frames,
            limit,
            write,
            overwrite,
            reassembly_flow_cap,
            reassembly_total_cap,
            defrag_cap,
        } => {
            let mut reassembly = ReassemblyLimits::default();
            reassembly.per_flow = reassembly_flow_cap.unwrap_or(reassembly.per_flow);
            reassembly.total = reassembly_total_cap.unwrap_or(reassembly.total);
            let mut defrag = DefragLimits::default();
            defrag.max_datagrams = defrag_cap.unwrap_or(defrag.max_datagrams);
            let mode = if count {
                app::filter::Mode::Count
            } else if frames {
                app::filter::Mode::Frames
            } else {
                app::filter::Mode::List
            };
            let args = app::filter::Args {
                filter,
                captures,
                mode,
                limit,
                write,
                overwrite,
                reassembly,
                defrag,
            };
            let mut out = io::BufWriter::new(io::stdout().lock());
            let result = app::filter::run(&mut out, &mut io::stderr(), &args);
            finish(result, out)
        }
        Command::Check { filter, json } => {
            let mut out = io::stdout().lock();
            finish(
                app::check::run(&mut out, &mut io::stderr(), &filter, json),
                out,
            )
        }
        Command::Registry {
            prefix,
            values,
            format,
        } => {
            let opts = TableOptions {
                format: format.unwrap_or_else(Format::default_for_stdout),
                header: true,
            };
            let mut out = io::stdout().lock();
            match app::registry::run(&mut out, prefix.as_deref(), values, opts)
                .and_then(|n| out.flush().map(|_| n))
            {
                Ok(0) => {
                    eprintln!(
                        "wiresift: no field or protocol starts with {:?}",
                        prefix.unwrap_or_default()
                    );
                    exit::USAGE
                }
                Ok(_) => exit::OK,
                Err(e) => output_error(e),
            }
        }
    };
    ExitCode::from(code as u8)
}

/// The exit code of a command, after flushing its output.
fn finish<W: Write>(result: io::Result<i32>, mut out: W) -> i32 {
    match result.and_then(|code| out.flush().map(|_| code)) {
        Ok(code) => code,
        Err(e) => output_error(e),
    }
}

/// A closed pipe (`| head`) is not an error, as in ripgrep.
fn output_error(e: io::Error) -> i32 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        exit::OK
    } else {
        eprintln!("wiresift: {e}");
        exit::ERROR
    }
}
