//! Rows of text as a terminal table (tabled, fitted to the width), TSV, CSV or JSON.

use std::io::{self, IsTerminal, Write};

use serde_json::{Map, Value as Json};
use tabled::settings::{object::Segment, peaker::Priority, Modify, Style, Width};

/// How a table is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns fitted to the terminal (the default on a terminal).
    Table,
    /// Tab-separated (the default when piped, like tshark -T fields).
    Tsv,
    Csv,
    /// One JSON object per row, in an array.
    Json,
}

impl Format {
    /// The format to use when none was asked for: a table on a terminal, TSV otherwise.
    pub fn default_for_stdout() -> Format {
        if io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Tsv
        }
    }
}

/// Options for writing a table.
#[derive(Clone, Copy, Debug)]
pub struct TableOptions {
    pub format: Format,
    /// Print the header row (TSV/CSV; tables always have one).
    pub header: bool,
}

/// Write `rows` under `headers` in the chosen format.
pub fn write_table<W: Write>(
    out: &mut W,
    headers: &[&str],
    rows: &[Vec<String>],
    opts: TableOptions,
) -> io::Result<()> {
    match opts.format {
        Format::Table => {
            let mut builder = tabled::builder::Builder::default();
            builder.push_record(headers.iter().copied());
            for r in rows {
                builder.push_record(r.iter().map(String::as_str));
            }
            let mut table = builder.build();
            table.with(Style::sharp());
            if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
                table.with(Modify::new(Segment::all()).with(Width::wrap(60)));
                table.with(Width::wrap(w as usize).priority(Priority::max(true)));
            }
            writeln!(out, "{table}")
        }
        Format::Tsv => {
            if opts.header {
                writeln!(out, "{}", headers.join("\t"))?;
            }
            for r in rows {
                writeln!(out, "{}", r.join("\t"))?;
            }
            Ok(())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            if opts.header {
                w.write_record(headers).map_err(io::Error::other)?;
            }
            for r in rows {
                w.write_record(r).map_err(io::Error::other)?;
            }
            w.flush()
        }
        Format::Json => {
            let array: Vec<Json> = rows
                .iter()
                .map(|r| {
                    let obj: Map<String, Json> = headers
                        .iter()
                        .zip(r)
                        .map(|(h, v)| (h.to_string(), Json::String(v.clone())))
                        .collect();
                    Json::Object(obj)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &array).map_err(io::Error::other)?;
            writeln!(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        let rows = vec![
            vec!["tcp.port".to_string(), "a,b".to_string()],
            vec!["x\"y".to_string(), String::new()],
        ];
        write_table(
            &mut out,
            &["field", "value"],
            &rows,
            TableOptions {
                format,
                header: true,
            },
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn tsv_and_csv_quote_as_their_formats_require() {
        assert_eq!(render(Format::Tsv), "field\tvalue\ntcp.port\ta,b\nx\"y\t\n");
        // RFC 4180: fields with commas or quotes are quoted, quotes doubled.
        assert_eq!(
            render(Format::Csv),
            "field,value\ntcp.port,\"a,b\"\n\"x\"\"y\",\n"
        );
    }

    #[test]
    fn json_rows_are_objects() {
        let v: Json = serde_json::from_str(&render(Format::Json)).unwrap();
        assert_eq!(v[0]["field"], "tcp.port");
        assert_eq!(v[1]["field"], "x\"y");
    }
}
