//! The display-filter scanner: filter text → tokens, mirroring tshark 4.0's `scanner.l`.
//!
//! Flex picks the *longest* match among its rules (ties go to the earlier rule), so a
//! keyword is only a keyword when the whole word is the keyword (`android` is one word,
//! `not_a_field` is one word) and `68-1` is one word while `66+1` is three tokens. The
//! scanner is pulled one token at a time by the parser, as Lemon pulls from flex, so a
//! syntax error earlier in the text wins over a scanning error later in it. It has modes
//! like flex's start conditions: after `#` (a layer) and inside `[ ]` (slice ranges).
//!
//! Where a later Wireshark release added syntax, the later form is accepted: `xor`/`^^`,
//! `@`, `bitand`, a trailing-colon byte `fc:` and `\r` as whitespace.

use super::ast::{RelOp, Span};
use super::error::{ErrorKind, FilterError};
use regex::bytes::Regex;
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    LParen,
    RParen,
    Comma,
    LBrace,
    RBrace,
    DotDot,
    Dollar,
    At,
    Hash,
    LBracket,
    RBracket,
    /// The text between `[`/`,` and `,`/`]`, parsed later as one slice range.
    RangeNode,
    /// The digits after `#`.
    LayerIndex,
    Any,
    All,
    /// A comparison operator; `deprecated` is set for `~=`.
    Cmp {
        op: RelOp,
        deprecated: bool,
    },
    Contains,
    Matches,
    In,
    Not,
    And,
    Or,
    Xor,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    BitAnd,
    /// An unparsed literal or name (`tcp.port`, `10.0.0.0/8`, `aa:bb`, `:fc`, `0x1F`).
    Word,
    /// `.name`: a name that must be a field.
    DotField,
    Str {
        value: Vec<u8>,
        raw: bool,
    },
    Char(u32),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Initial,
    /// After `#`: digits or `[`.
    Layer,
    /// Inside `[ ]`.
    Range,
}

pub struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    mode: Mode,
}

/// The message for an end of text where more was needed.
pub const UNEXPECTED_END: &str = "Unexpected end of filter expression.";

fn err(kind: ErrorKind, msg: impl Into<String>, start: usize, end: usize) -> FilterError {
    FilterError::new(kind, msg, Span::new(start, end))
}

/// An unclosed quote or bracket at `at`: a dangling backslash, or the end of the filter (an
/// empty span there, where tshark draws its caret just past the text).
fn past_end(msg: &str, at: usize, len: usize) -> FilterError {
    err(ErrorKind::Incomplete, msg, at, (at + 1).min(len))
}

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            text,
            pos: 0,
            mode: Mode::Initial,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes().get(self.pos..).unwrap_or(&[])
    }

    fn tok(&mut self, tok: Tok, len: usize) -> Token {
        let start = self.pos;
        self.pos += len;
        Token {
            tok,
            span: Span::new(start, self.pos),
        }
    }

    /// The character at `pos` as it appears in the text (whole UTF-8 sequence).
    fn char_len_at(&self, pos: usize) -> usize {
        self.text
            .get(pos..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8)
    }

    /// The error for a character no rule accepts.
    fn bad_char(&self, pos: usize) -> FilterError {
        let len = self.char_len_at(pos);
        let c = self.bytes().get(pos).copied().unwrap_or(0);
        if (0x20..0x7f).contains(&c) {
            let shown = self.text.get(pos..pos + len).unwrap_or("");
            err(
                ErrorKind::Syntax,
                format!("\"{shown}\" was unexpected in this context."),
                pos,
                pos + len,
            )
        } else {
            err(
                ErrorKind::Syntax,
                "Non-printable ASCII characters may only appear inside double-quotes.",
                pos,
                pos + len,
            )
        }
    }

    pub fn next_token(&mut self) -> Result<Token, FilterError> {
        match self.mode {
            Mode::Layer => self.next_layer(),
            Mode::Range => self.next_range(),
            Mode::Initial => self.next_initial(),
        }
    }

    fn next_layer(&mut self) -> Result<Token, FilterError> {
        let rest = self.rest();
        match rest.first() {
            None => Err(err(
                ErrorKind::Incomplete,
                UNEXPECTED_END,
                self.text.len(),
                self.text.len(),
            )),
            Some(b'[') => {
                self.mode = Mode::Range;
                Ok(self.tok(Tok::LBracket, 1))
            }
            Some(c) if c.is_ascii_digit() => {
                let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
                self.mode = Mode::Initial;
                Ok(self.tok(Tok::LayerIndex, n))
            }
            Some(_) => {
                let len = self.char_len_at(self.pos);
                let shown = self.text.get(self.pos..self.pos + len).unwrap_or("");
                Err(err(
                    ErrorKind::Syntax,
                    format!("Expected digit or \"[\", not \"{shown}\""),
                    self.pos,
                    self.pos + len,
                ))
            }
        }
    }

    fn next_range(&mut self) -> Result<Token, FilterError> {
        let rest = self.rest();
        match rest.first() {
            None => Err(past_end(
                "The right bracket was missing from a slice.",
                self.text.len(),
                self.text.len(),
            )),
            Some(b',') => Ok(self.tok(Tok::Comma, 1)),
            Some(b']') => {
                self.mode = Mode::Initial;
                Ok(self.tok(Tok::RBracket, 1))
            }
            Some(_) => {
                let n = rest.iter().take_while(|&&c| c != b']' && c != b',').count();
                Ok(self.tok(Tok::RangeNode, n))
            }
        }
    }

    fn next_initial(&mut self) -> Result<Token, FilterError> {
        // `\r` is whitespace from Wireshark 4.2 on (4.0 rejects it).
        let ws = self
            .rest()
            .iter()
            .take_while(|&&c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        self.pos += ws;
        let rest = self.rest();
        let Some(&c) = rest.first() else {
            let end = self.text.len();
            return Ok(Token {
                tok: Tok::Eof,
                span: Span::new(end, end),
            });
        };
        let next = rest.get(1).copied();
        let third = rest.get(2).copied();
        let op = |tok: Tok, len: usize| (tok, len);
        let cmp = |op: RelOp| Tok::Cmp {
            op,
            deprecated: false,
        };
        let punct = match (c, next, third) {
            (b'=', Some(b'='), Some(b'=')) => Some(op(cmp(RelOp::AllEq), 3)),
            (b'!', Some(b'='), Some(b'=')) => Some(op(cmp(RelOp::AnyNe), 3)),
            (b'=', Some(b'='), _) => Some(op(cmp(RelOp::AnyEq), 2)),
            (b'!', Some(b'='), _) => Some(op(cmp(RelOp::AllNe), 2)),
            (b'~', Some(b'='), _) => Some(op(
                Tok::Cmp {
                    op: RelOp::AnyNe,
                    deprecated: true,
                },
                2,
            )),
            (b'>', Some(b'='), _) => Some(op(cmp(RelOp::Ge), 2)),
            (b'<', Some(b'='), _) => Some(op(cmp(RelOp::Le), 2)),
            (b'&', Some(b'&'), _) => Some(op(Tok::And, 2)),
            (b'|', Some(b'|'), _) => Some(op(Tok::Or, 2)),
            (b'^', Some(b'^'), _) => Some(op(Tok::Xor, 2)),
            (b'.', Some(b'.'), _) => Some(op(Tok::DotDot, 2)),
            (b'>', _, _) => Some(op(cmp(RelOp::Gt), 1)),
            (b'<', _, _) => Some(op(cmp(RelOp::Lt), 1)),
            (b'~', _, _) => Some(op(Tok::Matches, 1)),
            (b'!', _, _) => Some(op(Tok::Not, 1)),
            (b'&', _, _) => Some(op(Tok::BitAnd, 1)),
            (b'(', _, _) => Some(op(Tok::LParen, 1)),
            (b')', _, _) => Some(op(Tok::RParen, 1)),
            (b',', _, _) => Some(op(Tok::Comma, 1)),
            (b'{', _, _) => Some(op(Tok::LBrace, 1)),
            (b'}', _, _) => Some(op(Tok::RBrace, 1)),
            (b'$', _, _) => Some(op(Tok::Dollar, 1)),
            (b'@', _, _) => Some(op(Tok::At, 1)),
            (b'+', _, _) => Some(op(Tok::Plus, 1)),
            (b'-', _, _) => Some(op(Tok::Minus, 1)),
            (b'*', _, _) => Some(op(Tok::Star, 1)),
            (b'/', _, _) => Some(op(Tok::Slash, 1)),
            (b'%', _, _) => Some(op(Tok::Percent, 1)),
            _ => None,
        };
        if let Some((tok, len)) = punct {
            return Ok(self.tok(tok, len));
        }
        match c {
            b'#' => {
                self.mode = Mode::Layer;
                return Ok(self.tok(Tok::Hash, 1));
            }
            b'[' => {
                self.mode = Mode::Range;
                return Ok(self.tok(Tok::LBracket, 1));
            }
            b'"' => return self.string(0, false),
            b'r' | b'R' if next == Some(b'"') => return self.string(1, true),
            b'\'' => return self.charconst(),
            b'.' => {
                let n = ident_len(rest.get(1..).unwrap_or(&[]));
                if n > 0 {
                    return Ok(self.tok(Tok::DotField, n + 1));
                }
                return Err(self.bad_char(self.pos));
            }
            _ => {}
        }
        let ident = ident_len(rest);
        let literal = literal_len(rest);
        let len = ident.max(literal);
        if len == 0 {
            return Err(self.bad_char(self.pos));
        }
        let word = rest.get(..len).unwrap_or(&[]);
        let tok = if ident == len {
            keyword(word).unwrap_or(Tok::Word)
        } else {
            Tok::Word
        };
        Ok(self.tok(tok, len))
    }

    /// A double-quoted string from the current position; `prefix` is 1 for `r"`.
    fn string(&mut self, prefix: usize, raw: bool) -> Result<Token, FilterError> {
        let start = self.pos;
        let bytes = self.bytes();
        let mut i = start + prefix + 1;
        let mut value = Vec::new();
        loop {
            let Some(&c) = bytes.get(i) else {
                return Err(past_end(
                    "The final quote was missing from a quoted string.",
                    bytes.len(),
                    bytes.len(),
                ));
            };
            match c {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(Token {
                        tok: Tok::Str { value, raw },
                        span: Span::new(start, i + 1),
                    });
                }
                b'\\' => {
                    let esc_len = escape_len(bytes.get(i + 1..).unwrap_or(&[]));
                    if esc_len == 0 {
                        // A backslash at the very end; tshark points at the backslash.
                        return Err(past_end(
                            "The final quote was missing from a quoted string.",
                            i,
                            bytes.len(),
                        ));
                    }
                    let esc = bytes.get(i..i + 1 + esc_len).unwrap_or(&[]);
                    if raw {
                        value.extend_from_slice(esc);
                    } else {
                        decode_escape(esc, &mut value)
                            .map_err(|msg| err(ErrorKind::Syntax, msg, i, i + esc.len()))?;
                    }
                    i += 1 + esc_len;
                }
                _ => {
                    value.push(c);
                    i += 1;
                }
            }
        }
    }

    fn charconst(&mut self) -> Result<Token, FilterError> {
        let start = self.pos;
        let bytes = self.bytes();
        let mut i = start + 1;
        loop {
            match bytes.get(i) {
                None => {
                    return Err(past_end(
                        "The final quote was missing from a character constant.",
                        bytes.len(),
                        bytes.len(),
                    ))
                }
                // A backslash at the very end is where tshark points.
                Some(b'\\') if i + 1 == bytes.len() => {
                    return Err(past_end(
                        "The final quote was missing from a character constant.",
                        i,
                        bytes.len(),
                    ))
                }
                Some(b'\'') => break,
                Some(b'\\') => {
                    // flex's `\\.` takes the backslash and one more character (not a newline).
                    let n = self.char_len_at(i + 1);
                    if bytes.get(i + 1).is_none_or(|&c| c == b'\n') {
                        i += 1;
                    } else {
                        i += 1 + n;
                    }
                }
                Some(_) => i += 1,
            }
        }
        let end = i + 1;
        self.pos = end;
        let text = self.text.get(start..end).unwrap_or("");
        let value = parse_charconst(text.as_bytes())
            .map_err(|msg| err(ErrorKind::Syntax, msg, start, end))?;
        Ok(Token {
            tok: Tok::Char(value),
            span: Span::new(start, end),
        })
    }
}

fn keyword(word: &[u8]) -> Option<Tok> {
    let cmp = |op| Tok::Cmp {
        op,
        deprecated: false,
    };
    Some(match word {
        b"any" => Tok::Any,
        b"all" => Tok::All,
        b"eq" | b"any_eq" => cmp(RelOp::AnyEq),
        b"ne" | b"all_ne" => cmp(RelOp::AllNe),
        b"all_eq" => cmp(RelOp::AllEq),
        b"any_ne" => cmp(RelOp::AnyNe),
        b"gt" => cmp(RelOp::Gt),
        b"ge" => cmp(RelOp::Ge),
        b"lt" => cmp(RelOp::Lt),
        b"le" => cmp(RelOp::Le),
        b"contains" => Tok::Contains,
        b"matches" => Tok::Matches,
        b"in" => Tok::In,
        b"not" => Tok::Not,
        b"and" => Tok::And,
        b"or" => Tok::Or,
        b"xor" => Tok::Xor,
        b"bitand" | b"bitwise_and" => Tok::BitAnd,
        _ => return None,
    })
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// `[[:alnum:]_][[:alnum:]_-]*(\.[[:alnum:]_-]+)*`: names and most literals.
pub fn ident_len(b: &[u8]) -> usize {
    match b.first() {
        Some(&c) if c.is_ascii_alphanumeric() || c == b'_' => {}
        _ => return 0,
    }
    let mut i = b.iter().take_while(|&&c| is_ident_char(c)).count();
    while b.get(i) == Some(&b'.') {
        let seg = b
            .get(i + 1..)
            .unwrap_or(&[])
            .iter()
            .take_while(|&&c| is_ident_char(c))
            .count();
        if seg == 0 {
            break;
        }
        i += 1 + seg;
    }
    i
}

/// The longest match of the scanner's address and byte-string rules (IPv4/IPv6 with a
/// prefix, colon bytes, `:`-prefixed bytes), 0 if none matches.
fn literal_len(b: &[u8]) -> usize {
    static RULES: OnceLock<Vec<Regex>> = OnceLock::new();
    let rules = RULES.get_or_init(|| {
        // Longest alternatives first: the regex crate takes the first alternative that
        // matches, flex takes the longest.
        let dec = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
        let v4 = format!("{dec}\\.{dec}\\.{dec}\\.{dec}");
        let h = "[0-9A-Fa-f]{1,4}";
        let ls32 = format!("(?:{v4}|{h}:{h})");
        let v6 = [
            format!("(?:{h}:){{6}}{ls32}"),
            format!("::(?:{h}:){{5}}{ls32}"),
            format!("(?:{h})?::(?:{h}:){{4}}{ls32}"),
            format!("(?:(?:{h}:){{0,1}}{h})?::(?:{h}:){{3}}{ls32}"),
            format!("(?:(?:{h}:){{0,2}}{h})?::(?:{h}:){{2}}{ls32}"),
            format!("(?:(?:{h}:){{0,3}}{h})?::{h}:{ls32}"),
            format!("(?:(?:{h}:){{0,4}}{h})?::{ls32}"),
            format!("(?:(?:{h}:){{0,5}}{h})?::{h}"),
            format!("(?:(?:{h}:){{0,6}}{h})?::"),
        ];
        let hex2 = "[0-9A-Fa-f]{2}";
        let mut pats = vec![format!("^{v4}(?:/[0-9]{{1,2}})?")];
        pats.extend(v6.iter().map(|p| format!("^{p}(?:/[0-9]{{1,3}})?")));
        pats.push(format!("^:?{hex2}(?::{hex2})+"));
        pats.push("^:[0-9A-Fa-f]+".to_string());
        pats.push(format!("^:{hex2}(?:-{hex2})+"));
        pats.push(format!("^:{hex2}(?:\\.{hex2})+"));
        pats.iter().filter_map(|p| Regex::new(p).ok()).collect()
    });
    // Only the run of characters these rules use can match; it is as long as the literal
    // (a byte string has no length limit: a 48-byte payload is 143 characters).
    let run = b
        .iter()
        .take_while(|&&c| c.is_ascii_hexdigit() || matches!(c, b':' | b'.' | b'-' | b'/'))
        .count();
    let window = b.get(..run).unwrap_or(b);
    let longest = rules
        .iter()
        .filter_map(|r| r.find(window).map(|m| m.end()))
        .filter(|&end| trailing_colon_ok(window, end))
        .max()
        .unwrap_or(0);
    longest.max(trailing_colon_len(b))
}

/// The trailing-colon single byte `fc:` (post-4.0 syntax), only where it ends the word: in
/// `45:4` and `45:gg` tshark 4.0 reads `45` and stops at the colon, and so do we.
fn trailing_colon_len(b: &[u8]) -> usize {
    let skip = usize::from(b.first() == Some(&b':'));
    let hex = |i: usize| b.get(i).is_some_and(u8::is_ascii_hexdigit);
    let ends = b
        .get(skip + 3)
        .is_none_or(|&c| !(is_ident_char(c) || matches!(c, b':' | b'.')));
    if hex(skip) && hex(skip + 1) && b.get(skip + 2) == Some(&b':') && ends {
        skip + 3
    } else {
        0
    }
}

/// A match ending in `:` is the later trailing-colon byte; where a hex digit follows, 4.0
/// reads `12:3` as `12` and `:3`, and so do we (the error then names the same token).
fn trailing_colon_ok(b: &[u8], end: usize) -> bool {
    end == 0 || b.get(end - 1) != Some(&b':') || !b.get(end).is_some_and(u8::is_ascii_hexdigit)
}

/// The length of an escape after a backslash, as the flex rules cut it; 0 at the end.
fn escape_len(after: &[u8]) -> usize {
    let Some(&c) = after.first() else { return 0 };
    let count = |max: usize, pred: fn(&u8) -> bool| {
        after
            .get(1..)
            .unwrap_or(&[])
            .iter()
            .take(max)
            .take_while(|c| pred(c))
            .count()
    };
    match c {
        b'0'..=b'7' => 1 + count(2, |c| (b'0'..=b'7').contains(c)),
        b'x' => {
            let n = count(2, u8::is_ascii_hexdigit);
            1 + n
        }
        b'u' => 1 + count(4, u8::is_ascii_hexdigit),
        b'U' => 1 + count(8, u8::is_ascii_hexdigit),
        // Any other character, whole (the text is UTF-8): its first byte gives its length.
        _ => match c {
            0xf0.. => 4,
            0xe0.. => 3,
            0xc0.. => 2,
            _ => 1,
        },
    }
}

/// Decode one escape (`esc` starts with the backslash) into `out`, or tshark's message.
fn decode_escape(esc: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let shown = String::from_utf8_lossy(esc).into_owned();
    let body = esc.get(1..).unwrap_or(&[]);
    let digits = |from: usize| std::str::from_utf8(body.get(from..).unwrap_or(&[])).unwrap_or("");
    match body.first() {
        Some(b'0'..=b'7') => {
            let v = u32::from_str_radix(digits(0), 8).unwrap_or(u32::MAX);
            let b = u8::try_from(v).map_err(|_| format!("{shown} is larger than 255."))?;
            out.push(b);
        }
        Some(b'x') if body.len() > 1 => {
            let v = u8::from_str_radix(digits(1), 16)
                .map_err(|_| format!("{shown} is not a valid character escape sequence"))?;
            out.push(v);
        }
        Some(b'u') | Some(b'U') => {
            let want = if body.first() == Some(&b'u') { 4 } else { 8 };
            let ch = (body.len() == want + 1)
                .then(|| u32::from_str_radix(digits(1), 16).ok())
                .flatten()
                .filter(|&v| ucn_allowed(v))
                .and_then(char::from_u32)
                .ok_or_else(|| format!("{shown} is not a valid universal character name"))?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        Some(&c) => {
            let v = match c {
                b'a' => 0x07,
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'v' => 0x0b,
                b'\\' | b'\'' | b'"' => c,
                _ => return Err(format!("{shown} is not a valid character escape sequence")),
            };
            out.push(v);
        }
        None => return Err(format!("{shown} is not a valid character escape sequence")),
    }
    Ok(())
}

/// C's rule for universal character names (as Wireshark applies it): no code point below
/// U+00A0 except `$ @ \``, no surrogate, nothing above U+10FFFF.
fn ucn_allowed(v: u32) -> bool {
    !((v < 0xA0 && v != 0x24 && v != 0x40 && v != 0x60)
        || (0xD800..=0xDFFF).contains(&v)
        || v > 0x10FFFF)
}

/// tshark's `parse_charconst()` over the whole constant, quotes included, with its bugs:
/// `'\n'` is "too long" because the `n` is never stepped over, and a non-ASCII first byte
/// is reported sign-extended.
fn parse_charconst(s: &[u8]) -> Result<u32, String> {
    let shown = String::from_utf8_lossy(s).into_owned();
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let invalid = || format!("{shown} isn't a valid character constant.");
    let mut cp = 1;
    if at(cp) == b'\'' {
        return Err("Empty character constant.".to_string());
    }
    let value: u64;
    if at(cp) == b'\\' {
        cp += 1;
        match at(cp) {
            0 => return Err(invalid()),
            b'a' => (value, cp) = (0x07, cp + 1),
            b'b' => (value, cp) = (0x08, cp + 1),
            b'f' => (value, cp) = (0x0c, cp + 1),
            b'n' => value = 0x0a,
            b'r' => (value, cp) = (0x0d, cp + 1),
            b't' => (value, cp) = (0x09, cp + 1),
            b'v' => (value, cp) = (0x0b, cp + 1),
            b'\'' | b'\\' | b'"' => (value, cp) = (u64::from(at(cp)), cp + 1),
            b'x' => {
                cp += 1;
                let hex = |c: u8| (c as char).to_digit(16).map(u64::from);
                let mut v = hex(at(cp)).ok_or_else(invalid)?;
                cp += 1;
                if at(cp) != b'\'' {
                    v = (v << 4) | hex(at(cp)).ok_or_else(invalid)?;
                    cp += 1;
                }
                value = v;
            }
            b'u' | b'U' => {
                let ndigits = if at(cp) == b'u' { 4 } else { 8 };
                let bad = || format!("{shown} is not a valid universal character name");
                if !(1..=ndigits).all(|k| at(cp + k).is_ascii_hexdigit()) {
                    return Err(bad());
                }
                // strtoull reads every hex digit that follows, not just `ndigits`.
                let n = s
                    .get(cp + 1..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|c| c.is_ascii_hexdigit())
                    .count();
                let digits =
                    std::str::from_utf8(s.get(cp + 1..cp + 1 + n).unwrap_or(&[])).unwrap_or("");
                let v = u64::from_str_radix(digits, 16).map_err(|_| bad())?;
                let v32 = u32::try_from(v).map_err(|_| bad())?;
                if !ucn_allowed(v32) {
                    return Err(bad());
                }
                value = v;
                cp += 1 + n;
            }
            _ => {
                let oct = |c: u8| (b'0'..=b'7').contains(&c).then(|| u64::from(c - b'0'));
                let mut v = oct(at(cp)).ok_or_else(invalid)?;
                if at(cp + 1) != b'\'' {
                    cp += 1;
                    v = (v << 3) | oct(at(cp)).ok_or_else(invalid)?;
                    if at(cp + 1) != b'\'' {
                        cp += 1;
                        v = (v << 3) | oct(at(cp)).ok_or_else(invalid)?;
                    }
                }
                if v > 0xff {
                    return Err(format!(
                        "{shown} is too large to be a valid character constant."
                    ));
                }
                value = v;
                cp += 1;
            }
        }
    } else {
        // C's `char` is signed here: bytes above 0x7f sign-extend into the message.
        let c = at(cp);
        value = c as i8 as i64 as u64;
        cp += 1;
        if !(0x20..0x7f).contains(&c) {
            return Err(format!(
                "Non-printable value '0x{value:02x}' in character constant."
            ));
        }
    }
    if at(cp) != b'\'' || cp + 1 != s.len() {
        return Err(format!(
            "{shown} is too long to be a valid character constant."
        ));
    }
    u32::try_from(value).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Tok, &str)> {
        let mut s = Scanner::new(text);
        let mut out = Vec::new();
        loop {
            let t = s.next_token().expect("scans");
            if t.tok == Tok::Eof {
                return out;
            }
            out.push((t.tok.clone(), &text[t.span.start..t.span.end]));
        }
    }

    #[test]
    fn longest_match_words() {
        fn w(t: &str) -> Vec<&str> {
            kinds(t).into_iter().map(|(_, s)| s).collect()
        }
        assert_eq!(w("68-1"), ["68-1"]);
        assert_eq!(w("66+1"), ["66", "+", "1"]);
        assert_eq!(w("a/b"), ["a", "/", "b"]);
        assert_eq!(w("10.0.0.0/8/3"), ["10.0.0.0/8", "/", "3"]);
        assert_eq!(w("10.0.0.0/123"), ["10.0.0.0/12", "3"]);
        assert_eq!(w("1:2"), ["1", ":2"]);
        assert_eq!(w("1:2:3:4:5:6:7:8:9"), ["1:2:3:4:5:6:7:8", ":9"]);
        assert_eq!(w("::FFFF:1.2.3.4"), ["::FFFF:1.2.3.4"]);
        assert_eq!(w("fe80::1/64"), ["fe80::1/64"]);
        assert_eq!(w("1..5"), ["1", "..", "5"]);
        assert_eq!(w("1...7"), ["1", "..", ".7"]);
        assert_eq!(w("1.5e+3x"), ["1.5e", "+", "3x"]);
        assert_eq!(w("fc:"), ["fc:"]);
        assert_eq!(w("fc: or"), ["fc:", "or"]);
        assert_eq!(w("(fc:)"), ["(", "fc:", ")"]);
    }

    #[test]
    fn byte_strings_of_any_length_are_one_word() {
        // The agreement run once failed on a 22-byte payload: `":0a" was unexpected`.
        for n in [1, 21, 22, 48, 1000] {
            for sep in [":", "-", "."] {
                let text = vec!["0d"; n].join(sep);
                assert_eq!(
                    kinds(&text),
                    [(Tok::Word, text.as_str())],
                    "{n} bytes, {sep:?}"
                );
                let colon = format!(":{text}");
                assert_eq!(kinds(&colon), [(Tok::Word, colon.as_str())]);
            }
        }
    }

    #[test]
    fn keywords_need_the_whole_word() {
        assert_eq!(kinds("and")[0].0, Tok::And);
        assert_eq!(kinds("android")[0].0, Tok::Word);
        assert_eq!(kinds("not_a_field")[0].0, Tok::Word);
        assert_eq!(kinds("inx")[0].0, Tok::Word);
        assert_eq!(kinds("AND")[0].0, Tok::Word);
    }

    #[test]
    fn charconst_like_tshark() {
        assert_eq!(parse_charconst(b"'a'"), Ok(97));
        assert_eq!(parse_charconst(b"'\\x41'"), Ok(0x41));
        assert_eq!(parse_charconst(b"'\\110'"), Ok(0x48));
        assert_eq!(parse_charconst(b"'\\u00e9'"), Ok(0xe9));
        // tshark 4.0.17: "'\n' is too long to be a valid character constant." (reference §1.4)
        assert_eq!(
            parse_charconst(b"'\\n'"),
            Err("'\\n' is too long to be a valid character constant.".to_string())
        );
        assert_eq!(
            parse_charconst("'é'".as_bytes()),
            Err("Non-printable value '0xffffffffffffffc3' in character constant.".to_string())
        );
    }
}
