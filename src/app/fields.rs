//! `wiresift fields -e <field>... <capture>...`: one row per matching frame with the values of the
//! fields asked for, as `tshark -n -2 -T fields -e …` prints them (its `-E` options included).

use std::io::{self, Write};
use std::path::PathBuf;

use crate::dissect::display::field_text;
use crate::dissect::{Interest, Item, Packet};
use crate::engine::{self, Flow, Match, Options, RunError, Sink};
use crate::filter::{self, Filter};
use crate::output::details;
use crate::output::table::{write_table, Format, TableOptions};
use crate::registry::{self, FieldId, FieldType};

/// Which occurrences of a multi-occurrence field to print (`-E occurrence=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occurrence {
    First,
    Last,
    All,
    /// The N-th (1-based), like a custom column's `field#N`; tshark 4.0 has only f, l and a.
    Nth(usize),
}

/// tshark's `-E` options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldOptions {
    pub header: bool,
    pub separator: char,
    pub occurrence: Occurrence,
    pub aggregator: char,
    /// Put around every non-empty value (`-E quote=d|s`).
    pub quote: Option<char>,
}

impl Default for FieldOptions {
    fn default() -> FieldOptions {
        FieldOptions {
            header: false,
            separator: '\t',
            occurrence: Occurrence::All,
            aggregator: ',',
            quote: None,
        }
    }
}

/// A separator or aggregator as tshark spells it: `/t` tab, `/s` space, else one character.
fn spelled_char(v: &str) -> Option<char> {
    match v {
        "/t" => Some('\t'),
        "/s" => Some(' '),
        _ => {
            let mut c = v.chars();
            let first = c.next()?;
            // tshark takes the first character of a longer value; so do we.
            Some(first)
        }
    }
}

impl FieldOptions {
    /// Apply one `-E name=value`; the error text names what was wrong, as tshark's does.
    pub fn set(&mut self, option: &str) -> Result<(), String> {
        let bad = || format!("\"{option}\" is not a valid field output option=value pair");
        let (name, value) = option.split_once('=').ok_or_else(bad)?;
        match name {
            "header" | "bom" => {
                let yes = match value {
                    "y" | "Y" => true,
                    "n" | "N" => false,
                    _ => return Err(bad()),
                };
                if name == "header" {
                    self.header = yes;
                } else if yes {
                    return Err("-E bom=y is not supported".into());
                }
            }
            "separator" => self.separator = spelled_char(value).ok_or_else(bad)?,
            "aggregator" => self.aggregator = spelled_char(value).ok_or_else(bad)?,
            "occurrence" => {
                self.occurrence = match value {
                    "f" => Occurrence::First,
                    "l" => Occurrence::Last,
                    "a" => Occurrence::All,
                    n => match n.parse::<usize>() {
                        Ok(n) if n > 0 => Occurrence::Nth(n),
                        _ => return Err(bad()),
                    },
                }
            }
            "quote" => {
                self.quote = match value {
                    "d" => Some('"'),
                    "s" => Some('\''),
                    "n" => None,
                    _ => return Err(bad()),
                }
            }
            _ => return Err(bad()),
        }
        Ok(())
    }
}

/// What `-e` may name: a registered field, or a packet-list column (`_ws.col.Info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Field(FieldId),
    /// `_ws.col.No.`, `_ws.col.Source`, `_ws.col.Destination`, `_ws.col.Protocol`,
    /// `_ws.col.Length`, `_ws.col.Info`: tshark's default columns by title.
    Packet(&'static str),
}

const PACKET_COLUMNS: &[&str] = &["No.", "Source", "Destination", "Protocol", "Length", "Info"];

/// Resolve a `-e` name, or say what it might have been.
pub fn resolve(name: &str) -> Result<Column, String> {
    if let Some(title) = name.strip_prefix("_ws.col.") {
        if let Some(t) = PACKET_COLUMNS.iter().find(|t| **t == title) {
            return Ok(Column::Packet(t));
        }
    }
    match registry::lookup(name) {
        Some(id) => Ok(Column::Field(id)),
        None => {
            let mut msg = format!("Some fields aren't valid:\n\t{name}");
            if let Some(s) = registry::suggest(name) {
                msg.push_str(&format!(" (did you mean \"{s}\"?)"));
            }
            Err(msg)
        }
    }
}

/// Fields a protocol's summary line reads (`-e tcp` prints "Transmission Control Protocol, Src Port: …").
const SUMMARY_FIELDS: &[&str] = &[
    "eth.src",
    "eth.dst",
    "ip.src",
    "ip.dst",
    "ipv6.src",
    "ipv6.dst",
    "udp.srcport",
    "udp.dstport",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.seq",
    "tcp.ack",
    "tcp.len",
    "tcp.flags.ack",
    "vlan.priority",
    "vlan.dei",
    "vlan.id",
    "arp.opcode",
    "ipv6.routing.type",
];

/// The fields to dissect for these columns.
pub fn interest(columns: &[Column]) -> Interest {
    let mut i = Interest::none();
    for c in columns {
        if let Column::Field(f) = c {
            i.add(*f);
            if f.def().ftype == FieldType::Protocol {
                SUMMARY_FIELDS
                    .iter()
                    .filter_map(|n| registry::lookup(n))
                    .for_each(|f| i.add(f));
            }
        }
    }
    i
}

/// The text of one occurrence, as tshark's `get_node_field_value`.
fn occurrence_text(p: &Packet, index: usize, item: &Item) -> String {
    let def = item.field.def();
    match def.ftype {
        // Present labels print "1" so that -T fields can show they are there.
        FieldType::None => "1".into(),
        // `data` prints its bytes, not its `Data (n bytes)` label.
        FieldType::Protocol if item.depth == 0 && def.abbrev != "data" => {
            // The summary line when the dissector writes one, else the abbreviation.
            let line = details::item_line(p, index, item);
            if line == def.name {
                def.abbrev.into()
            } else {
                line
            }
        }
        FieldType::Protocol => match item.value {
            crate::dissect::Value::Protocol(r) => {
                p.bytes(r).iter().map(|b| format!("{b:02x}")).collect()
            }
            _ => String::new(),
        },
        _ => field_text(p, item),
    }
}

/// One cell: the chosen occurrences of `field`, joined with the aggregator; None when absent.
pub fn cell(p: &Packet, column: Column, opts: &FieldOptions) -> Option<String> {
    let field = match column {
        Column::Field(f) => f,
        Column::Packet(title) => {
            return Some(match title {
                "No." => p.info.number.to_string(),
                "Source" => p.columns.src.clone(),
                "Destination" => p.columns.dst.clone(),
                "Protocol" => p.columns.protocol.to_string(),
                "Length" => p.info.len.to_string(),
                _ => p.columns.info.clone(),
            });
        }
    };
    let mut found = p.items.iter().enumerate().filter(|(_, i)| i.field == field);
    let texts: Vec<String> = match opts.occurrence {
        Occurrence::All => found.map(|(n, i)| occurrence_text(p, n, i)).collect(),
        Occurrence::First => found
            .next()
            .map(|(n, i)| occurrence_text(p, n, i))
            .into_iter()
            .collect(),
        Occurrence::Last => found
            .next_back()
            .map(|(n, i)| occurrence_text(p, n, i))
            .into_iter()
            .collect(),
        Occurrence::Nth(k) => k
            .checked_sub(1)
            .and_then(|k| found.nth(k))
            .map(|(n, i)| occurrence_text(p, n, i))
            .into_iter()
            .collect(),
    };
    if texts.is_empty() {
        return None;
    }
    Some(texts.join(&opts.aggregator.to_string()))
}

pub struct Args {
    pub fields: Vec<String>,
    pub filter: Option<String>,
    pub captures: Vec<PathBuf>,
    pub format: Format,
    pub options: FieldOptions,
    /// Stop after this many matching frames, all files together.
    pub limit: Option<u64>,
}

struct FieldSink<'w, W: Write> {
    out: &'w mut W,
    columns: Vec<Column>,
    opts: FieldOptions,
    format: Format,
    /// Rows kept for the formats that need them all (table, csv, json).
    rows: Vec<Vec<String>>,
}

impl<W: Write> Sink for FieldSink<'_, W> {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        let cells = self.columns.iter().map(|c| cell(m.packet, *c, &self.opts));
        if self.format == Format::Tsv {
            let mut line = String::new();
            for (i, c) in cells.enumerate() {
                if i > 0 {
                    line.push(self.opts.separator);
                }
                if let Some(text) = c {
                    line.extend(self.opts.quote);
                    line.push_str(&text);
                    line.extend(self.opts.quote);
                }
            }
            writeln!(self.out, "{line}")?;
        } else {
            self.rows
                .push(cells.map(Option::unwrap_or_default).collect());
        }
        Ok(Flow::Continue)
    }
}

/// Run the command; returns the exit code.
pub fn run<W: Write, E: Write>(out: &mut W, err: &mut E, args: &Args) -> io::Result<i32> {
    let mut columns = Vec::with_capacity(args.fields.len());
    for name in &args.fields {
        match resolve(name) {
            Ok(c) => columns.push(c),
            Err(msg) => {
                writeln!(err, "wiresift: {msg}")?;
                return Ok(super::exit::USAGE);
            }
        }
    }
    let compiled: Option<Filter> = match args.filter.as_deref().filter(|f| !f.trim().is_empty()) {
        None => None,
        Some(text) => match filter::compile(text) {
            Ok(f) => Some(f),
            Err(e) => {
                write!(err, "wiresift: {}", e.render(text))?;
                return Ok(super::exit::USAGE);
            }
        },
    };
    let names: Vec<&str> = args.fields.iter().map(String::as_str).collect();
    if args.format == Format::Tsv && args.options.header {
        writeln!(out, "{}", names.join(&args.options.separator.to_string()))?;
    }
    let mut opts = Options {
        columns: columns.iter().any(|c| matches!(c, Column::Packet(_))),
        output: interest(&columns),
        cancel: super::progress::interrupt(),
        ..Options::default()
    };
    let mut sink = FieldSink {
        out,
        columns,
        opts: args.options.clone(),
        format: args.format,
        rows: Vec::new(),
    };
    let mut code = super::exit::OK;
    let mut remaining = args.limit;
    for path in &args.captures {
        if remaining == Some(0) {
            break;
        }
        opts.limit = remaining;
        let bar = super::progress::bar(path);
        opts.progress = bar.as_ref().map(|(_, p)| p.clone());
        let result = engine::run_file(path, compiled.as_ref(), &opts, &mut sink);
        if let Some((bar, _)) = bar {
            bar.finish_and_clear();
        }
        match result {
            Ok(report) => {
                remaining = remaining.map(|r| r.saturating_sub(report.matched));
                if report.cancelled {
                    writeln!(
                        err,
                        "wiresift: {}: interrupted after {} frames; their rows are shown",
                        path.display(),
                        report.frames
                    )?;
                    code = super::exit::INTERRUPTED;
                    break;
                }
                if let Some(d) = report.damage {
                    writeln!(err, "wiresift: {}: {d}", path.display())?;
                    code = code.max(super::exit::PARTIAL);
                }
            }
            Err(RunError::Open(e)) => {
                writeln!(err, "wiresift: {}: {e}", path.display())?;
                code = super::exit::ERROR;
            }
            Err(RunError::Output(e)) => return Err(e),
        }
    }
    if args.format != Format::Tsv {
        let table = TableOptions {
            format: args.format,
            header: args.format == Format::Table || args.options.header,
        };
        write_table(sink.out, &names, &sink.rows, table)?;
    }
    Ok(
        if code == super::exit::PARTIAL
            || code == super::exit::ERROR
            || code == super::exit::INTERRUPTED
        {
            code
        } else {
            super::exit::OK
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tshark_option_spellings() {
        let mut o = FieldOptions::default();
        for s in [
            "header=y",
            "separator=/s",
            "occurrence=l",
            "aggregator=/t",
            "quote=d",
        ] {
            o.set(s).unwrap();
        }
        assert_eq!(
            o,
            FieldOptions {
                header: true,
                separator: ' ',
                occurrence: Occurrence::Last,
                aggregator: '\t',
                quote: Some('"'),
            }
        );
        o.set("occurrence=2").unwrap();
        assert_eq!(o.occurrence, Occurrence::Nth(2));
        assert!(o.set("occurrence=0").is_err());
        assert!(o.set("quote=x").is_err());
        assert!(o.set("colour=y").is_err());
    }

    #[test]
    fn unknown_fields_suggest_a_name() {
        assert_eq!(
            resolve("ip.adr").unwrap_err(),
            "Some fields aren't valid:\n\tip.adr (did you mean \"ip.addr\"?)"
        );
        assert!(matches!(
            resolve("_ws.col.Info"),
            Ok(Column::Packet("Info"))
        ));
        assert!(resolve("_ws.col.Nope").is_err());
    }
}
