//! Tab completion and the grey hint: protocols, then their fields (`smtp.` → `smtp.req.command`),
//! functions, operators spelled as words, and `:commands`. Names come from the registry, so
//! what completes is exactly what compiles.

use crate::registry::{self, FieldType};

use super::commands::COMMANDS;

/// Display-filter functions, completed with their opening parenthesis.
const FUNCTIONS: &[&str] = &[
    "len", "count", "lower", "upper", "string", "max", "min", "abs",
];

/// What `:follow STREAM` can show.
const FOLLOW_STYLES: &[&str] = &["ascii", "hex", "raw"];

/// Operators and keywords spelled as words.
const WORDS: &[&str] = &[
    "and", "or", "xor", "not", "contains", "matches", "in", "eq", "ne", "gt", "ge", "lt", "le",
    "any", "all",
];

/// Characters of a field name (and of a `:command`).
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':')
}

/// Where the word under the cursor starts.
pub fn word_start(line: &str, pos: usize) -> usize {
    let before = line.get(..pos).unwrap_or(line);
    before
        .char_indices()
        .rev()
        .take_while(|(_, c)| name_char(*c))
        .last()
        .map_or(pos, |(i, _)| i)
}

/// Fields and protocols wiresift dissects whose name starts with `prefix`, shortest first.
fn names(prefix: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = registry::all()
        .filter(|(id, d)| registry::dissected(*id) && d.abbrev.starts_with(prefix))
        .filter(|(_, d)| prefix.contains('.') || d.ftype == FieldType::Protocol)
        .map(|(_, d)| d.abbrev)
        .collect();
    out.sort_by_key(|a| (a.len(), *a));
    out.dedup();
    out
}

/// `:follow STREAM <Tab>`: the styles.
fn follow_styles(line: &str, start: usize, word: &str) -> Option<Vec<String>> {
    let before = line.get(..start)?.strip_prefix(":follow")?;
    let words: Vec<&str> = before.split_whitespace().collect();
    if !before.starts_with(char::is_whitespace) || words.len() != 1 {
        return None;
    }
    Some(
        FOLLOW_STYLES
            .iter()
            .filter(|s| s.starts_with(word))
            .map(|s| s.to_string())
            .collect(),
    )
}

/// Completions of the word under the cursor: (its start, replacements).
pub fn complete(line: &str, pos: usize) -> (usize, Vec<String>) {
    let start = word_start(line, pos);
    let word = line.get(start..pos).unwrap_or("");
    if start == 0 && word.starts_with(':') {
        let mut c: Vec<String> = COMMANDS
            .iter()
            .map(|c| format!(":{}", c.name))
            .filter(|c| c.starts_with(word))
            .collect();
        c.sort();
        return (start, c);
    }
    if let Some(styles) = follow_styles(line, start, word) {
        return (start, styles);
    }
    if word.is_empty() {
        return (start, Vec::new());
    }
    let mut c: Vec<String> = names(word).into_iter().map(String::from).collect();
    if !word.contains('.') {
        c.extend(
            FUNCTIONS
                .iter()
                .filter(|f| f.starts_with(word))
                .map(|f| format!("{f}(")),
        );
        c.extend(
            WORDS
                .iter()
                .filter(|w| w.starts_with(word) && **w != word)
                .map(|w| w.to_string()),
        );
    }
    (start, c)
}

/// The rest of the shortest field name that starts with the word at the end of the line,
/// shown in grey after the cursor.
pub fn hint(line: &str, pos: usize) -> Option<String> {
    if pos != line.len() {
        return None;
    }
    let start = word_start(line, pos);
    let word = line.get(start..pos)?;
    if word.len() < 2 || word.starts_with(':') {
        return None;
    }
    let full = names(word).into_iter().find(|n| n.len() > word.len())?;
    full.get(word.len()..).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_then_fields() {
        let (start, c) = complete("smtp.re", 7);
        assert_eq!(start, 0);
        assert!(c.contains(&"smtp.req.command".to_string()));
        assert!(c.contains(&"smtp.response.code".to_string()));
        assert!(c.iter().all(|n| n.starts_with("smtp.re")));
        let (_, c) = complete("ip.src == 1.2.3.4 && smt", 24);
        assert_eq!(c, vec!["smtp".to_string()]);
        let (start, c) = complete("len", 3);
        assert_eq!(start, 0);
        assert!(c.contains(&"len(".to_string()));
    }

    #[test]
    fn commands_complete_at_the_start() {
        let (_, c) = complete(":sh", 3);
        assert_eq!(c, vec![":show".to_string()]);
    }

    #[test]
    fn follow_completes_its_styles() {
        let (_, c) = complete(":fol", 4);
        assert_eq!(c, vec![":follow".to_string()]);
        let (start, c) = complete(":follow 0 h", 11);
        assert_eq!((start, c), (10, vec!["hex".to_string()]));
        let (_, c) = complete(":follow 3 ", 10);
        assert_eq!(c, vec!["ascii", "hex", "raw"]);
        // Not in place of the stream number, nor after the style.
        assert!(!complete(":follow a", 9).1.contains(&"ascii".to_string()));
        assert!(complete(":follow 0 hex a", 15)
            .1
            .iter()
            .all(|w| w != "ascii"));
    }

    #[test]
    fn hint_is_the_rest_of_the_shortest_name() {
        assert_eq!(hint("smtp.req.co", 11).as_deref(), Some("mmand"));
        assert_eq!(hint("smtp.req.command", 16), None);
        assert_eq!(hint("s", 1), None);
    }
}
