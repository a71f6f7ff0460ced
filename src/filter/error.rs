//! Filter errors and warnings: plain data with a span, rendered with a caret only at the edge.

use super::ast::Span;
use serde::Serialize;

/// What kind of problem a filter has. `Incomplete` means "keep typing" (an unclosed `(`, `"`,
/// `{`, `[` or a trailing operator), so the REPL can continue the line instead of failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A token where it cannot stand.
    Syntax,
    /// The filter ends too early.
    Incomplete,
    /// No field, protocol or function by that name.
    UnknownName,
    /// A literal that does not convert to its field's type.
    InvalidLiteral,
    /// Operands or operators that do not fit together.
    Type,
    /// Valid Wireshark syntax that wiresift does not support (said so, never guessed).
    Unsupported,
    /// Beyond a limit that protects the process (nesting depth, filter size).
    Limit,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FilterError {
    pub kind: ErrorKind,
    /// The message, worded as tshark 4.0 words it where tshark has one.
    pub message: String,
    pub span: Span,
    /// "did you mean ..." text, or the display-filter spelling of a capture filter.
    pub suggestion: Option<String>,
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Span", 2)?;
        st.serialize_field("start", &self.start)?;
        st.serialize_field("end", &self.end)?;
        st.end()
    }
}

impl FilterError {
    pub fn new(kind: ErrorKind, message: impl Into<String>, span: Span) -> FilterError {
        FilterError {
            kind,
            message: message.into(),
            span,
            suggestion: None,
        }
    }

    pub fn with_suggestion(mut self, s: impl Into<String>) -> FilterError {
        self.suggestion = Some(s.into());
        self
    }

    pub fn is_incomplete(&self) -> bool {
        self.kind == ErrorKind::Incomplete
    }

    /// Where tshark draws its caret: the byte offset of `^` and the width of `^~~~` in
    /// characters (at least 1, also for an empty span: an unclosed quote or bracket is marked
    /// just past the text). None for "Unexpected end of filter expression.", which tshark
    /// prints without the filter or a caret.
    pub fn caret(&self, filter: &str) -> Option<(usize, usize)> {
        if self.kind == ErrorKind::Incomplete && self.message == super::scanner::UNEXPECTED_END {
            return None;
        }
        let width = filter
            .get(self.span.start..self.span.end)
            .map_or(0, |s| s.chars().count());
        Some((self.span.start, width.max(1)))
    }

    /// tshark's layout: the message, the filter indented by four spaces, and `^~~~` under the span.
    pub fn render(&self, filter: &str) -> String {
        let mut out = String::new();
        out.push_str(&self.message);
        out.push('\n');
        if self.caret(filter).is_some() {
            out.push_str(&caret_lines(filter, self.span));
        }
        if let Some(s) = &self.suggestion {
            out.push_str(s);
            out.push('\n');
        }
        out
    }
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FilterError {}

/// A filter that compiles but deserves a second look (deprecated syntax, `!=` on a
/// multi-occurrence field, a capture-filter look-alike).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Warning {
    pub message: String,
    pub span: Span,
}

/// The filter on one line (indented by four spaces) and a caret line under `span`.
/// Columns count characters, so the caret stays under multi-byte text; control characters
/// other than tab are shown as spaces to keep the columns.
pub fn caret_lines(filter: &str, span: Span) -> String {
    let shown: String = filter
        .chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect();
    let start = span.start.min(filter.len());
    let end = span.end.clamp(start, filter.len());
    let col = filter.get(..start).map_or(start, |s| s.chars().count());
    let width = filter
        .get(start..end)
        .map_or(1, |s| s.chars().count())
        .max(1);
    let mut out = format!("    {shown}\n    ");
    out.extend(
        filter
            .chars()
            .take(col)
            .map(|c| if c == '\t' { '\t' } else { ' ' }),
    );
    out.push('^');
    out.extend(std::iter::repeat_n('~', width - 1));
    out.push('\n');
    out
}
