//! The `wiresift` command: parse arguments, call the library, choose the exit code.
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wiresift::app::{self, exit};
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

/// A closed pipe (`| head`) is not an error, as in ripgrep.
fn output_error(e: io::Error) -> i32 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        exit::OK
    } else {
        eprintln!("wiresift: {e}");
        exit::ERROR
    }
}
