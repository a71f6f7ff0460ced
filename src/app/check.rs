//! `wiresift check '<filter>'`: compile a filter and show the canonical text and the compiled plan,
//! as Wireshark's `dftest` does; or the error with a caret under the problem.

use std::io::{self, Write};

use serde_json::json;

use crate::filter::{self, FilterError};

/// The outcome of checking: exit code 0 for a valid filter, 2 for an invalid one.
pub fn run<W: Write, E: Write>(
    out: &mut W,
    err: &mut E,
    text: &str,
    as_json: bool,
) -> io::Result<i32> {
    match filter::compile(text) {
        Ok(f) => {
            if as_json {
                let warnings: Vec<_> = f
                    .warnings()
                    .iter()
                    .map(|w| json!({"message": w.message, "span": {"start": w.span.start, "end": w.span.end}}))
                    .collect();
                let v = json!({"valid": true, "canonical": f.canonical(), "warnings": warnings});
                writeln!(out, "{v}")?;
            } else {
                writeln!(out, "Filter: {}", f.canonical())?;
                for w in f.warnings() {
                    writeln!(out, "Warning: {}", w.message)?;
                    write!(out, "{}", filter::error::caret_lines(text, w.span))?;
                }
                writeln!(out, "\nPlan:")?;
                write!(out, "{}", f.explain())?;
            }
            Ok(super::exit::OK)
        }
        Err(e) => {
            if as_json {
                writeln!(out, "{}", error_json(&e))?;
            } else {
                write!(err, "wiresift: {}", e.render(text))?;
            }
            Ok(super::exit::USAGE)
        }
    }
}

/// The error as one JSON object: `valid`, `kind`, `message`, `span`, `suggestion`.
pub fn error_json(e: &FilterError) -> serde_json::Value {
    json!({
        "valid": false,
        "kind": e.kind,
        "message": e.message,
        "span": {"start": e.span.start, "end": e.span.end},
        "suggestion": e.suggestion,
    })
}
