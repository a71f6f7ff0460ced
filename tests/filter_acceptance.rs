//! Whether each filter compiles must agree with tshark 4.0.17 (`tests/data/filters_acceptance.tsv`,
//! made by `tools/oracle/make_filter_acceptance.py`), except where wiresift deliberately follows a
//! later Wireshark release or deliberately differs; each such filter is listed below with why.

use wiresift::filter;

/// Filters tshark 4.0 rejects and wiresift accepts on purpose.
const ACCEPTED_LATER_SYNTAX: &[(&str, &str)] = &[];

/// Filters tshark 4.0 accepts and wiresift rejects on purpose.
const REJECTED_ON_PURPOSE: &[(&str, &str)] = &[];

struct Row {
    filter: String,
    tshark_ok: bool,
    message: String,
    caret: Option<(usize, usize)>,
    group: String,
}

fn rows() -> Vec<Row> {
    let text = include_str!("data/filters_acceptance.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let caret = match (c[3].parse(), c[4].parse()) {
                (Ok(s), Ok(n)) => Some((s, n)),
                _ => None,
            };
            Row {
                filter: c[0].to_string(),
                tshark_ok: c[1] == "1",
                message: c[2].to_string(),
                caret,
                group: c[5].to_string(),
            }
        })
        .collect()
}

#[test]
fn verdicts_agree_with_tshark_4_0() {
    let rows = rows();
    assert!(rows.len() >= 300, "the table has {} filters", rows.len());
    let mut disagree = Vec::new();
    let (mut same_message, mut rejected_both, mut same_caret) = (0, 0, 0);
    for r in &rows {
        let ours = filter::compile(&r.filter);
        let expected_ok = if ACCEPTED_LATER_SYNTAX.iter().any(|(f, _)| *f == r.filter) {
            true
        } else if REJECTED_ON_PURPOSE.iter().any(|(f, _)| *f == r.filter) {
            false
        } else {
            r.tshark_ok
        };
        if ours.is_ok() != expected_ok {
            disagree.push(format!(
                "{:<14} tshark={} ours={} {:?} {}",
                r.group,
                r.tshark_ok,
                ours.is_ok(),
                r.filter,
                match &ours {
                    Ok(_) => String::new(),
                    Err(e) => e.message.clone(),
                }
            ));
        }
        if let Err(e) = &ours {
            if !r.tshark_ok {
                rejected_both += 1;
                if e.message == r.message {
                    same_message += 1;
                }
                if r.caret == Some((e.span.start, e.span.end - e.span.start)) {
                    same_caret += 1;
                }
            }
        }
    }
    println!(
        "{} filters; verdicts differ on {}; of {} rejected by both, {} have tshark's message and {} its caret",
        rows.len(),
        disagree.len(),
        rejected_both,
        same_message,
        same_caret
    );
    for d in &disagree {
        println!("{d}");
    }
    assert!(
        disagree.is_empty(),
        "{} verdicts differ from tshark 4.0",
        disagree.len()
    );
}
