//! The input line coloured as Wireshark colours its filter bar: green when the filter compiles,
//! red when it does not, yellow when it compiles but deserves a second look (a warning, `!=` on
//! a field a frame can carry twice, a capture-filter look-alike).

use crate::filter::ast::{Arith, Entity, Expr, RelOp, Span};
use crate::filter::{self, bpf, ErrorKind};
use crate::registry;

/// What the filter bar would say about a filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing typed.
    Empty,
    /// Compiles, nothing to say (green).
    Valid,
    /// Compiles, with these reasons to look again (yellow).
    Suspicious(Vec<String>),
    /// Ends too early: keep typing (red, but Enter continues the line).
    Incomplete,
    /// Does not compile (red).
    Invalid,
}

pub const GREEN: &str = "\x1b[32m";
pub const YELLOW: &str = "\x1b[33m";
pub const RED: &str = "\x1b[31m";
pub const GREY: &str = "\x1b[90m";
pub const RESET: &str = "\x1b[0m";

impl Verdict {
    /// The colour of the text, or None for no colour.
    pub fn colour(&self) -> Option<&'static str> {
        match self {
            Verdict::Empty => None,
            Verdict::Valid => Some(GREEN),
            Verdict::Suspicious(_) => Some(YELLOW),
            Verdict::Incomplete | Verdict::Invalid => Some(RED),
        }
    }
}

/// Judge a display filter.
pub fn judge(text: &str) -> Verdict {
    if text.trim().is_empty() {
        return Verdict::Empty;
    }
    match filter::compile(text) {
        Ok(f) => {
            let reasons = suspicions(text, f.warnings());
            if reasons.is_empty() {
                Verdict::Valid
            } else {
                Verdict::Suspicious(reasons)
            }
        }
        Err(e) if e.kind == ErrorKind::Incomplete => Verdict::Incomplete,
        Err(_) => Verdict::Invalid,
    }
}

/// Why a filter that compiles deserves a second look: the compiler's warnings, `!=` on a
/// field a frame can carry more than once, and the look of a capture filter.
pub fn suspicions(text: &str, warnings: &[filter::Warning]) -> Vec<String> {
    let mut out: Vec<String> = warnings.iter().map(|w| w.message.clone()).collect();
    if let Ok(parsed) = filter::parse(text) {
        if let Some(e) = &parsed.expr {
            not_equal_on_multi(e, text, &mut out);
        }
    }
    if let Some(df) = bpf::capture_filter_hint(text) {
        out.push(format!(
            "this looks like a capture filter; as a display filter: {df}"
        ));
    }
    out
}

/// Fields a frame carries twice by construction: `ip.addr` is both `ip.src` and `ip.dst`,
/// `tcp.port` both ports.
pub fn multi_occurrence(name: &str) -> bool {
    let Some((proto, last)) = name.rsplit_once('.') else {
        return false;
    };
    matches!(last, "addr" | "host" | "port")
        && registry::lookup(name).is_some()
        && (registry::lookup(&format!("{proto}.src")).is_some()
            || registry::lookup(&format!("{proto}.srcport")).is_some())
}

fn field_name(a: &Arith) -> Option<(&str, Span)> {
    match a {
        Arith::Entity(Entity::Field(f)) => Some((f.name.as_str(), f.span)),
        Arith::Entity(Entity::Word { text, span }) => Some((text.as_str(), *span)),
        _ => None,
    }
}

fn not_equal_on_multi(e: &Expr, text: &str, out: &mut Vec<String>) {
    match e {
        Expr::Logical { lhs, rhs, .. } => {
            not_equal_on_multi(lhs, text, out);
            not_equal_on_multi(rhs, text, out);
        }
        Expr::Not { expr, .. } => not_equal_on_multi(expr, text, out),
        Expr::Relation(r) => {
            if matches!(r.op, RelOp::AllNe | RelOp::AnyNe) {
                if let Some((name, _)) = field_name(&r.lhs).filter(|(n, _)| multi_occurrence(n)) {
                    let op = text.get(r.op_span.start..r.op_span.end).unwrap_or("!=");
                    out.push(format!(
                        "\"{op}\" on {name}, which a frame carries more than once (source and \
                         destination): \"{name} != x\" is true only when no {name} equals x, \
                         \"{name} !== x\" when any one differs"
                    ));
                }
            }
        }
        Expr::Test(_) => {}
    }
}

/// Where the filter is in an input line: the whole line, or the filter argument of a command
/// (`:count F`, `:explain F`, `:fields a b where F`, `:save FILE F`, `:smtp F`).
/// Returns the byte offset where it starts and the text.
pub fn filter_part(line: &str) -> Option<(usize, &str)> {
    let Some(rest) = line.strip_prefix(':') else {
        return Some((0, line));
    };
    let cmd_end = rest.find(char::is_whitespace)?;
    let cmd = rest.get(..cmd_end)?;
    let after = 1 + cmd_end;
    let arg_start = after + line.get(after..)?.len() - line.get(after..)?.trim_start().len();
    match cmd {
        "count" | "explain" | "smtp" => Some((arg_start, line.get(arg_start..)?)),
        "fields" => {
            let i = line.find(" where ")?;
            let s = i + " where ".len();
            Some((s, line.get(s..)?))
        }
        "save" => {
            let args = line.get(arg_start..)?;
            let file_end = args.find(char::is_whitespace)?;
            let s = arg_start + file_end;
            let s = s + line.get(s..)?.len() - line.get(s..)?.trim_start().len();
            Some((s, line.get(s..)?))
        }
        _ => None,
    }
}

/// The line with its filter part coloured.
pub fn colour_line(line: &str) -> String {
    let Some((start, part)) = filter_part(line) else {
        return line.to_string();
    };
    match judge(part).colour() {
        Some(c) => format!("{}{c}{part}{RESET}", line.get(..start).unwrap_or("")),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_as_the_filter_bar() {
        assert_eq!(judge("tcp.port == 25"), Verdict::Valid);
        assert_eq!(judge("smtp"), Verdict::Valid);
        assert_eq!(judge("tcp.prot == 25"), Verdict::Invalid);
        assert_eq!(judge("(tcp.port == 25"), Verdict::Incomplete);
        assert_eq!(judge("smtp.req.command == \"HE"), Verdict::Incomplete);
        assert!(matches!(
            judge("ip.addr != 10.0.0.1"),
            Verdict::Suspicious(_)
        ));
        assert!(matches!(judge("tcp.port != 25"), Verdict::Suspicious(_)));
        // Single-occurrence fields are fine with !=.
        assert_eq!(judge("tcp.srcport != 25"), Verdict::Valid);
        assert_eq!(judge("  "), Verdict::Empty);
    }

    #[test]
    fn filter_parts_of_commands() {
        assert_eq!(filter_part("smtp"), Some((0, "smtp")));
        assert_eq!(filter_part(":count  tcp"), Some((8, "tcp")));
        assert_eq!(
            filter_part(":fields ip.src where tcp.port == 25"),
            Some((21, "tcp.port == 25"))
        );
        assert_eq!(filter_part(":save out.pcap smtp"), Some((15, "smtp")));
        assert_eq!(filter_part(":show 4"), None);
        assert_eq!(filter_part(":quit"), None);
    }

    #[test]
    fn colours_are_ansi() {
        assert_eq!(colour_line("smtp"), "\x1b[32msmtp\x1b[0m");
        assert_eq!(colour_line(":count smtpx"), ":count \x1b[31msmtpx\x1b[0m");
    }
}
