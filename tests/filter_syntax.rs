//! Parser, printer and capture-filter hint tests: tables checked against tshark 4.0
//! (tools/check_syntax_table.sh), round trips, hostile input and spans.

use wiresift::filter::parse;
use wiresift::filter::print::canonical;

/// Print how each filter in $WIRESIFT_DUMP (one per line) parses; a helper for writing tables.
#[test]
#[ignore]
fn dump() {
    let Ok(path) = std::env::var("WIRESIFT_DUMP") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    for line in text.lines() {
        match parse(line) {
            Ok(p) => println!(
                "{line}\t{}",
                p.expr.as_ref().map(canonical).unwrap_or_default()
            ),
            Err(e) => println!(
                "{line}\t{:?}\t{}\t{}\t{}",
                e.kind, e.span.start, e.span.end, e.message
            ),
        }
    }
}
