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
#[command(args_conflicts_with_subcommands = true, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Capture files to open in the REPL (`wiresift <capture>` is `wiresift repl <capture>`).
    captures: Vec<PathBuf>,
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
        /// Decode a port as another protocol, as tshark's -d (`tcp.port==2525,smtp`).
        #[arg(short = 'd', value_name = "tcp.port==N,smtp")]
        decode_as: Vec<String>,
        /// Most bytes TCP reassembly buffers for one PDU or one SMTP message (default 64 MiB).
        #[arg(long, value_name = "BYTES")]
        reassembly_flow_cap: Option<usize>,
        /// Most bytes TCP reassembly buffers in all (default 512 MiB).
        #[arg(long, value_name = "BYTES")]
        reassembly_total_cap: Option<usize>,
        /// Most TCP and UDP conversations tracked at once (default 1,000,000, about 1 GB);
        /// beyond it the least recently seen are dropped, and seen again get a new stream index.
        #[arg(long, value_name = "N")]
        conversation_cap: Option<usize>,
        /// Most incomplete IPv4 datagrams held for defragmentation (default 4096).
        #[arg(long, value_name = "N")]
        defrag_cap: Option<usize>,
        /// Dissect every frame, even those the prefilter knows cannot match (for comparisons).
        #[arg(long)]
        no_prefilter: bool,
    },
    /// Show the packet details tree of frames, as `tshark -V` (and their bytes with --hex).
    Show {
        /// Only frames matching this display filter.
        #[arg(short = 'Y', value_name = "FILTER")]
        filter: Option<String>,
        /// Only this frame number.
        #[arg(long, value_name = "N")]
        frame: Option<u32>,
        /// Also show the bytes (offset, hex, ASCII), as `tshark -x`.
        #[arg(long)]
        hex: bool,
        /// Stop after this many frames.
        #[arg(short = 'c', long = "limit", value_name = "N")]
        limit: Option<u64>,
        #[arg(required = true)]
        captures: Vec<PathBuf>,
    },
    /// Check a display filter: print its canonical form and compiled plan, or the error.
    Check {
        filter: String,
        /// Print the result as JSON (valid, kind, message, span, suggestion).
        #[arg(long)]
        json: bool,
    },
    /// Ask questions of captures interactively: type display filters, `:show N`, `:fields`…
    Repl {
        /// Capture files to open (more with `:open`).
        captures: Vec<PathBuf>,
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
    /// Print fields of the matching frames, as `tshark -T fields -e …`.
    Fields {
        /// A field to print (repeatable): `-e ip.src -e tcp.port`.
        #[arg(short = 'e', value_name = "FIELD", required = true)]
        fields: Vec<String>,
        /// Only frames this display filter matches.
        #[arg(short = 'Y', value_name = "FILTER")]
        filter: Option<String>,
        #[arg(required = true)]
        captures: Vec<PathBuf>,
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Print the field names first (as `-E header=y`).
        #[arg(long)]
        header: bool,
        /// tshark's field options: header=y|n, separator=/t|/s|c, occurrence=f|l|a|N, aggregator=,|/s|c, quote=d|s|n.
        #[arg(short = 'E', value_name = "OPTION=VALUE")]
        options: Vec<String>,
        /// Stop after this many matching frames (all files together), as `filter -c`.
        #[arg(short = 'c', long = "limit", value_name = "N")]
        limit: Option<u64>,
    },
    /// Print a TCP conversation's two directions, as `tshark -q -z follow,tcp,ascii,N`.
    Follow {
        /// The conversation's tcp.stream number.
        #[arg(long, value_name = "N")]
        stream: u64,
        capture: PathBuf,
        #[arg(long, value_enum, default_value = "ascii")]
        format: app::follow::Format,
    },
    /// One row per SMTP mail transaction (like Zeek's smtp.log); optionally export the messages.
    Smtp {
        /// Only frames this display filter matches.
        #[arg(short = 'Y', value_name = "FILTER")]
        filter: Option<String>,
        #[arg(required = true)]
        captures: Vec<PathBuf>,
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write each message as DIR/<stream>-<n>.eml (dot-unstuffed).
        #[arg(long, value_name = "DIR")]
        export: Option<PathBuf>,
        /// Let --export replace existing files.
        #[arg(long)]
        overwrite: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command.unwrap_or(Command::Repl {
        captures: cli.captures,
    }) {
        Command::Repl { captures } => finish(wiresift::repl::run(&captures), io::stdout()),
        Command::Filter {
            filter,
            captures,
            count,
            frames,
            limit,
            write,
            overwrite,
            decode_as,
            reassembly_flow_cap,
            reassembly_total_cap,
            conversation_cap,
            defrag_cap,
            no_prefilter,
        } => {
            let mut reassembly = ReassemblyLimits::default();
            reassembly.per_flow = reassembly_flow_cap.unwrap_or(reassembly.per_flow);
            reassembly.total = reassembly_total_cap.unwrap_or(reassembly.total);
            reassembly.conversations = conversation_cap.unwrap_or(reassembly.conversations);
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
                decode_as,
                reassembly,
                defrag,
                no_prefilter,
            };
            let mut out = io::BufWriter::new(io::stdout().lock());
            let result = app::filter::run(&mut out, &mut io::stderr(), &args);
            finish(result, out)
        }
        Command::Show {
            filter,
            frame,
            hex,
            limit,
            captures,
        } => {
            let args = app::show::Args {
                filter,
                frame,
                hex,
                captures,
                limit,
            };
            let mut out = io::BufWriter::new(io::stdout().lock());
            let result = app::show::run(&mut out, &mut io::stderr(), &args);
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
        Command::Fields {
            fields,
            filter,
            captures,
            format,
            header,
            options,
            limit,
        } => {
            let mut field_options = app::fields::FieldOptions {
                header,
                ..Default::default()
            };
            match options.iter().try_for_each(|o| field_options.set(o)) {
                Err(msg) => {
                    eprintln!("wiresift: {msg}");
                    exit::USAGE
                }
                Ok(()) => {
                    let args = app::fields::Args {
                        fields,
                        filter,
                        captures,
                        format: format.unwrap_or_else(Format::default_for_stdout),
                        options: field_options,
                        limit,
                    };
                    let mut out = io::BufWriter::new(io::stdout().lock());
                    let result = app::fields::run(&mut out, &mut io::stderr(), &args);
                    finish(result, out)
                }
            }
        }
        Command::Follow {
            stream,
            capture,
            format,
        } => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            let result = app::follow::run(&mut out, &mut io::stderr(), &capture, stream, format);
            finish(result, out)
        }
        Command::Smtp {
            filter,
            captures,
            format,
            export,
            overwrite,
        } => {
            let args = app::smtp::Args {
                filter,
                captures,
                format: format.unwrap_or_else(Format::default_for_stdout),
                export,
                overwrite,
            };
            let mut out = io::BufWriter::new(io::stdout().lock());
            let result = app::smtp::run(&mut out, &mut io::stderr(), &args);
            finish(result, out)
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
