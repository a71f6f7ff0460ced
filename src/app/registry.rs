//! `wiresift registry [PREFIX]`: the fields wiresift knows, like `tshark -G fields`, readable.

use std::io::{self, Write};

use crate::output::table::{write_table, TableOptions};
use crate::registry::{self, FieldDef, FieldType, ValueNames};

/// The fields whose name is `prefix` or starts with `prefix.` (all of them without a prefix).
/// Protocols tshark knows but wiresift does not dissect are listed only when named.
pub fn matching(prefix: Option<&str>) -> Vec<&'static FieldDef> {
    registry::all()
        .filter(|(id, d)| match prefix {
            None => registry::dissected(*id),
            Some(p) => {
                d.abbrev == p || (d.abbrev.starts_with(p) && d.abbrev[p.len()..].starts_with('.'))
            }
        })
        .map(|(_, d)| d)
        .collect()
}

fn type_text(d: &FieldDef) -> String {
    let ft = d.ftype.ft_name().trim_start_matches("FT_").to_string();
    match d.ftype {
        FieldType::Protocol => "PROTOCOL".into(),
        _ => ft,
    }
}

/// Print the table; with `values`, also each field's value names.
pub fn run<W: Write>(
    out: &mut W,
    prefix: Option<&str>,
    values: bool,
    opts: TableOptions,
) -> io::Result<usize> {
    let defs = matching(prefix);
    let rows: Vec<Vec<String>> = defs
        .iter()
        .map(|d| {
            vec![
                d.abbrev.to_string(),
                type_text(d),
                d.name.to_string(),
                d.blurb.to_string(),
            ]
        })
        .collect();
    write_table(out, &["field", "type", "name", "description"], &rows, opts)?;
    if values {
        for d in &defs {
            let names: Vec<Vec<String>> = match d.strings {
                ValueNames::None => continue,
                ValueNames::Vals(v) => v
                    .iter()
                    .map(|(k, s)| vec![k.to_string(), s.to_string()])
                    .collect(),
                ValueNames::Ranges(r) => r
                    .iter()
                    .map(|(lo, hi, s)| vec![format!("{lo}..{hi}"), s.to_string()])
                    .collect(),
                ValueNames::Tfs(t, f) => vec![
                    vec!["1".into(), t.to_string()],
                    vec!["0".into(), f.to_string()],
                ],
            };
            writeln!(out, "\n{} values:", d.abbrev)?;
            write_table(out, &["value", "name"], &names, opts)?;
        }
    }
    Ok(defs.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_selects_a_protocol_and_its_fields_only() {
        let smtp = matching(Some("smtp"));
        // `tshark -G fields` (4.0.17): the smtp protocol, its 23 fields and 2 expert-info fields
        // (smtp.base64_decode, smtp.response.code.unexpected).
        assert_eq!(smtp.len(), 26);
        assert!(smtp
            .iter()
            .all(|d| d.abbrev == "smtp" || d.abbrev.starts_with("smtp.")));
        assert!(matching(Some("ip"))
            .iter()
            .all(|d| !d.abbrev.starts_with("ipv6")));
        assert_eq!(matching(Some("http")).len(), 1);
        assert!(matching(None).iter().all(|d| d.abbrev != "http"));
    }
}
