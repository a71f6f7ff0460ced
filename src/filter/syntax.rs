//! The display-filter parser: text → [`ast::Expr`] with spans, as tshark 4.0's Lemon grammar.
//!
//! Precedence, loosest first: `||`, `^^`, `&&`, `!`, relations (non-associative, except the
//! chain `a < b <= c`, which becomes `(a < b) && (b <= c)`), `&`, `+ -`, `* / %`, unary
//! `- +`. Parentheses group logic, braces group arithmetic. Error texts are tshark's: a
//! token where it cannot stand is `"X" was unexpected in this context.` with that token's
//! span, and running out of text is [`ErrorKind::Incomplete`].
//!
//! Hostile input must not exhaust the stack: the parser counts its own recursion (and the
//! depth of left-leaning arithmetic and slice chains) against [`MAX_DEPTH`], and it builds a
//! run of one logical operator (`a || b || c ...`, associative) as a balanced tree, so the
//! passes after it (checker, printer, `Drop`) stay shallow on a 100,000-term chain.

use super::ast::{
    Arith, ArithOp, Entity, Expr, FieldRef, Layer, LogicalOp, Quantifier, RelOp, Relation, Rhs,
    SetElement, SliceRange, Span, UnaryOp,
};
use super::error::{ErrorKind, FilterError, Warning};
use super::scanner::{Scanner, Tok, Token, UNEXPECTED_END};

/// How deep parentheses, braces, `!`, function calls, arithmetic and slice chains may nest.
/// tshark 4.0 itself gives up at 97 nested parentheses (its Lemon parser stack is 100 deep).
pub const MAX_DEPTH: usize = 100;
/// The parser runs on its own thread with this stack, so that `MAX_DEPTH` levels fit even in
/// a debug build, whatever stack the caller has.
const PARSE_STACK: usize = 32 << 20;
/// The longest filter text accepted, in bytes.
pub const MAX_FILTER_LEN: usize = 4 << 20;
/// The most tokens a filter may have.
pub const MAX_TOKENS: usize = 1_000_000;

/// A parsed filter. `expr` is `None` for an empty (or all-whitespace) filter, which accepts
/// every frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub expr: Option<Expr>,
    pub warnings: Vec<Warning>,
}

/// Parse display-filter text.
pub fn parse(text: &str) -> Result<Parsed, FilterError> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("filter-parse".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(scope, || parse_here(text));
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(FilterError::new(
                    ErrorKind::Limit,
                    "The filter could not be parsed.",
                    Span::new(0, text.len()),
                ))
            }),
            // No thread to be had: parse here; the depth limit still bounds the recursion.
            Err(_) => parse_here(text),
        }
    })
}

fn parse_here(text: &str) -> Result<Parsed, FilterError> {
    if text.len() > MAX_FILTER_LEN {
        return Err(FilterError::new(
            ErrorKind::Limit,
            format!(
                "The filter is {} bytes long; the limit is {MAX_FILTER_LEN} bytes.",
                text.len()
            ),
            Span::new(MAX_FILTER_LEN, text.len()),
        ));
    }
    let mut p = Parser {
        text,
        scanner: Scanner::new(text),
        peeked: None,
        depth: 0,
        tokens: 0,
        warnings: Vec::new(),
    };
    if p.peek()?.tok == Tok::Eof {
        return Ok(Parsed {
            expr: None,
            warnings: p.warnings,
        });
    }
    let expr = p.parse_expr()?;
    let t = p.peek()?.clone();
    if t.tok != Tok::Eof {
        return Err(p.unexpected(
            &t,
            "a logical operator (&&, ||, ^^) or the end of the filter",
        ));
    }
    Ok(Parsed {
        expr: Some(expr),
        warnings: p.warnings,
    })
}

struct Parser<'a> {
    text: &'a str,
    scanner: Scanner<'a>,
    peeked: Option<Token>,
    depth: usize,
    tokens: usize,
    warnings: Vec<Warning>,
}

fn limit(span: Span, what: &str) -> FilterError {
    FilterError::new(
        ErrorKind::Limit,
        format!("The filter {what}; wiresift accepts at most {MAX_DEPTH} levels."),
        span,
    )
}

impl<'a> Parser<'a> {
    fn peek(&mut self) -> Result<&Token, FilterError> {
        if self.peeked.is_none() {
            let t = self.scanner.next_token()?;
            self.tokens += 1;
            if self.tokens > MAX_TOKENS {
                return Err(FilterError::new(
                    ErrorKind::Limit,
                    format!("The filter has more than {MAX_TOKENS} tokens."),
                    t.span,
                ));
            }
            self.peeked = Some(t);
        }
        match &self.peeked {
            Some(t) => Ok(t),
            None => Err(FilterError::new(
                ErrorKind::Incomplete,
                UNEXPECTED_END,
                Span::new(self.text.len(), self.text.len()),
            )),
        }
    }

    fn bump(&mut self) -> Result<Token, FilterError> {
        self.peek()?;
        self.peeked.take().ok_or_else(|| {
            FilterError::new(
                ErrorKind::Incomplete,
                UNEXPECTED_END,
                Span::new(self.text.len(), self.text.len()),
            )
        })
    }

    fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// tshark's error for a token that cannot stand here, with what could.
    fn unexpected(&self, t: &Token, expected: &str) -> FilterError {
        let e = if t.tok == Tok::Eof {
            FilterError::new(ErrorKind::Incomplete, UNEXPECTED_END, t.span)
        } else {
            FilterError::new(
                ErrorKind::Syntax,
                format!("\"{}\" was unexpected in this context.", self.slice(t.span)),
                t.span,
            )
        };
        e.with_suggestion(format!("expected {expected}"))
    }

    fn enter(&mut self, span: Span) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(limit(span, "nests too deeply"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A run of `!`-level operands joined by `||` `^^` `&&`, read flat (one stack frame per
    /// nesting level) and grouped by precedence into balanced trees.
    fn parse_expr(&mut self) -> Result<Expr, FilterError> {
        let mut or_items = Vec::new();
        let mut xor_items = Vec::new();
        let mut and_items = vec![self.parse_not()?];
        loop {
            let op = match self.peek()?.tok {
                Tok::And => LogicalOp::And,
                Tok::Xor => LogicalOp::Xor,
                Tok::Or => LogicalOp::Or,
                _ => break,
            };
            self.bump()?;
            let operand = self.parse_not()?;
            if op != LogicalOp::And {
                xor_items.push(balanced(LogicalOp::And, std::mem::take(&mut and_items))?);
            }
            if op == LogicalOp::Or {
                or_items.push(balanced(LogicalOp::Xor, std::mem::take(&mut xor_items))?);
            }
            and_items.push(operand);
        }
        xor_items.push(balanced(LogicalOp::And, and_items)?);
        or_items.push(balanced(LogicalOp::Xor, xor_items)?);
        balanced(LogicalOp::Or, or_items)
    }

    fn parse_not(&mut self) -> Result<Expr, FilterError> {
        let t = self.peek()?.clone();
        match t.tok {
            Tok::Not => {
                self.bump()?;
                self.enter(t.span)?;
                let e = self.parse_not()?;
                self.leave();
                Ok(Expr::Not {
                    span: t.span.to(e.span()),
                    expr: Box::new(e),
                })
            }
            Tok::LParen => {
                self.bump()?;
                self.enter(t.span)?;
                let e = self.parse_expr()?;
                self.leave();
                let close = self.peek()?.clone();
                if close.tok != Tok::RParen {
                    return Err(self.unexpected(&close, "\")\" or a logical operator"));
                }
                self.bump()?;
                Ok(e)
            }
            _ => self.parse_relation(),
        }
    }

    fn parse_relation(&mut self) -> Result<Expr, FilterError> {
        let first = self.peek()?.clone();
        let quantifier = match first.tok {
            Tok::Any => Some(Quantifier::Any),
            Tok::All => Some(Quantifier::All),
            _ => None,
        };
        if quantifier.is_some() {
            self.bump()?;
        }
        let lhs = self.parse_arith()?;
        let t = self.peek()?.clone();
        let start = first.span;
        match t.tok {
            Tok::Cmp { .. } => self.comparison_chain(quantifier, start, lhs),
            Tok::Contains | Tok::Matches | Tok::In | Tok::Not => {
                if !matches!(lhs, Arith::Entity(_)) {
                    return Err(self.unexpected(
                        &t,
                        "a comparison operator; contains, matches and in take a plain field, \
                         slice or function on the left (no arithmetic)",
                    ));
                }
                self.bump()?;
                let mut op_span = t.span;
                let (op, rhs) = match t.tok {
                    Tok::Contains | Tok::Matches => {
                        let (e, _) = self.parse_entity()?;
                        let op = if t.tok == Tok::Contains {
                            RelOp::Contains
                        } else {
                            RelOp::Matches
                        };
                        (op, Rhs::Value(Arith::Entity(e)))
                    }
                    Tok::In => (RelOp::In, self.parse_set()?),
                    _ => {
                        let t2 = self.peek()?.clone();
                        if t2.tok != Tok::In {
                            return Err(self.unexpected(&t2, "\"in\" after \"not\""));
                        }
                        self.bump()?;
                        op_span = t.span.to(t2.span);
                        (RelOp::NotIn, self.parse_set()?)
                    }
                };
                let span = start.to(rhs_span(&rhs));
                Ok(Expr::Relation(Box::new(Relation {
                    quantifier,
                    op,
                    op_span,
                    lhs,
                    rhs,
                    span,
                })))
            }
            _ if quantifier.is_some() => {
                Err(self.unexpected(&t, "a comparison operator after the any/all quantifier"))
            }
            _ => Ok(Expr::Test(lhs)),
        }
    }

    /// `a op b [op c ...]`: one relation, or a chain desugared to `(a op b) && (b op c)`.
    fn comparison_chain(
        &mut self,
        quantifier: Option<Quantifier>,
        start: Span,
        lhs: Arith,
    ) -> Result<Expr, FilterError> {
        let mut operands = vec![lhs];
        let mut ops = Vec::new();
        while let Tok::Cmp { op, deprecated } = self.peek()?.tok {
            let t = self.bump()?;
            if deprecated {
                self.warnings.push(Warning {
                    message: "The operator \"~=\" is deprecated, use \"!==\" instead.".into(),
                    span: t.span,
                });
            }
            ops.push((op, t.span));
            operands.push(self.parse_arith()?);
        }
        let mut relations = Vec::with_capacity(ops.len());
        for (i, (op, op_span)) in ops.into_iter().enumerate() {
            let (Some(l), Some(r)) = (operands.get(i), operands.get(i + 1)) else {
                break;
            };
            let from = if i == 0 { start } else { l.span() };
            relations.push(Expr::Relation(Box::new(Relation {
                quantifier,
                op,
                op_span,
                lhs: l.clone(),
                rhs: Rhs::Value(r.clone()),
                span: from.to(r.span()),
            })));
        }
        balanced(LogicalOp::And, relations)
    }

    fn parse_set(&mut self) -> Result<Rhs, FilterError> {
        let open = self.peek()?.clone();
        if open.tok != Tok::LBrace {
            return Err(self.unexpected(&open, "a set in braces, e.g. {80, 443, 8000..8080}"));
        }
        self.bump()?;
        let mut elements = Vec::new();
        loop {
            let lo = self.parse_arith()?;
            let el = if self.peek()?.tok == Tok::DotDot {
                self.bump()?;
                SetElement::Range(lo, self.parse_arith()?)
            } else {
                SetElement::One(lo)
            };
            elements.push(el);
            let t = self.bump()?;
            match t.tok {
                Tok::Comma => continue,
                Tok::RBrace => {
                    return Ok(Rhs::Set {
                        elements,
                        span: open.span.to(t.span),
                    })
                }
                _ => {
                    return Err(self.unexpected(&t, "\",\" between set elements or \"}\""));
                }
            }
        }
    }

    fn parse_arith(&mut self) -> Result<Arith, FilterError> {
        Ok(self.arith_expr()?.0)
    }

    /// Operands and operators read flat, then grouped by precedence (shunting-yard, all
    /// left-associative); returns the tree and its depth.
    fn arith_expr(&mut self) -> Result<(Arith, usize), FilterError> {
        let mut values = vec![self.arith_unary()?];
        let mut ops: Vec<(ArithOp, Span)> = Vec::new();
        loop {
            let op = match self.peek()?.tok {
                Tok::BitAnd => ArithOp::BitAnd,
                Tok::Plus => ArithOp::Add,
                Tok::Minus => ArithOp::Sub,
                Tok::Star => ArithOp::Mul,
                Tok::Slash => ArithOp::Div,
                Tok::Percent => ArithOp::Mod,
                _ => break,
            };
            let t = self.bump()?;
            while ops
                .last()
                .is_some_and(|(top, _)| arith_prec(*top) >= arith_prec(op))
            {
                reduce(&mut values, &mut ops)?;
            }
            ops.push((op, t.span));
            values.push(self.arith_unary()?);
        }
        while !ops.is_empty() {
            reduce(&mut values, &mut ops)?;
        }
        values
            .pop()
            .ok_or_else(|| FilterError::new(ErrorKind::Incomplete, UNEXPECTED_END, Span::default()))
    }

    fn arith_unary(&mut self) -> Result<(Arith, usize), FilterError> {
        let t = self.peek()?.clone();
        let op = match t.tok {
            Tok::Minus => UnaryOp::Minus,
            Tok::Plus => UnaryOp::Plus,
            _ => return self.arith_atom(),
        };
        self.bump()?;
        let (a, d) = self.arith_atom()?;
        Ok((
            Arith::Unary {
                op,
                span: t.span.to(a.span()),
                expr: Box::new(a),
            },
            d + 1,
        ))
    }

    fn arith_atom(&mut self) -> Result<(Arith, usize), FilterError> {
        let t = self.peek()?.clone();
        if t.tok != Tok::LBrace {
            let (e, d) = self.parse_entity()?;
            return Ok((Arith::Entity(e), d));
        }
        self.bump()?;
        self.enter(t.span)?;
        let inner = self.arith_expr()?;
        self.leave();
        let close = self.bump()?;
        if close.tok != Tok::RBrace {
            return Err(self.unexpected(&close, "\"}\" or an arithmetic operator"));
        }
        Ok(inner)
    }

    /// An entity and its slices; returns it with its depth.
    fn parse_entity(&mut self) -> Result<(Entity, usize), FilterError> {
        let t = self.bump()?;
        let mut entity = match t.tok {
            Tok::Str { value, raw } => Entity::String {
                value,
                raw,
                span: t.span,
            },
            Tok::Char(value) => Entity::Char {
                value,
                span: t.span,
            },
            Tok::Word => {
                let text = self.slice(t.span);
                // 4.0 scans `:fc`-style bytes as a literal, which takes no layer and no `(`.
                let literal = text.starts_with(':') && !text.starts_with("::");
                match self.peek()?.tok {
                    _ if literal => Entity::Word {
                        text: text.to_string(),
                        span: t.span,
                    },
                    // As in 4.0, any bare word before `(` is a function call; the checker
                    // says "Function 'X' does not exist" for names it does not know.
                    Tok::LParen => self.function(text, t.span)?,
                    Tok::Hash => Entity::Field(self.field_rest(t.span, t.span, false, false)?),
                    _ => Entity::Word {
                        text: text.to_string(),
                        span: t.span,
                    },
                }
            }
            Tok::DotField => {
                let name = Span::new(t.span.start + 1, t.span.end);
                Entity::Field(self.field_rest(t.span, name, false, true)?)
            }
            Tok::At => Entity::Field(self.field_after_at(t.span)?),
            Tok::Dollar => self.reference(t.span)?,
            _ => return Err(self.unexpected(&t, "a field, a value or a quoted string")),
        };
        let mut depth = 1;
        while self.peek()?.tok == Tok::LBracket {
            let open = self.bump()?;
            let (ranges, close) = self.parse_ranges()?;
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(limit(open.span, "slices a slice too many times"));
            }
            let ranges_span = open.span.to(close);
            entity = Entity::Slice {
                span: entity.span().to(close),
                base: Box::new(entity),
                ranges,
                ranges_span,
            };
        }
        Ok((entity, depth))
    }

    fn function(&mut self, name: &str, name_span: Span) -> Result<Entity, FilterError> {
        let open = self.bump()?;
        self.enter(open.span)?;
        let mut args = Vec::new();
        let close;
        if self.peek()?.tok == Tok::RParen {
            close = self.bump()?;
        } else {
            loop {
                args.push(self.parse_arith()?);
                let t = self.bump()?;
                match t.tok {
                    Tok::Comma => continue,
                    Tok::RParen => {
                        close = t;
                        break;
                    }
                    _ => {
                        return Err(self.unexpected(&t, "\",\" between arguments or \")\""));
                    }
                }
            }
        }
        self.leave();
        Ok(Entity::Function {
            name: name.to_string(),
            name_span,
            args,
            span: name_span.to(close.span),
        })
    }

    /// The name after `@`: `@tcp.port`, `@.tcp.port`, with an optional layer.
    fn field_after_at(&mut self, at: Span) -> Result<FieldRef, FilterError> {
        let t = self.bump()?;
        match t.tok {
            Tok::Word => self.field_rest(at, t.span, true, false),
            Tok::DotField => {
                let name = Span::new(t.span.start + 1, t.span.end);
                self.field_rest(at, name, true, true)
            }
            _ => Err(self.unexpected(&t, "a field name after \"@\"")),
        }
    }

    /// The rest of a field reference after its name: an optional `#layer`.
    fn field_rest(
        &mut self,
        start: Span,
        name_span: Span,
        raw: bool,
        leading_dot: bool,
    ) -> Result<FieldRef, FilterError> {
        let layer = if self.peek()?.tok == Tok::Hash {
            let hash = self.bump()?;
            let t = self.bump()?;
            match t.tok {
                Tok::LayerIndex => {
                    let text = self.slice(t.span);
                    let n = text.parse::<i32>().map_err(|_| {
                        FilterError::new(
                            ErrorKind::Syntax,
                            format!("\"{text}\" causes an integer overflow."),
                            t.span,
                        )
                    })?;
                    Some(Layer {
                        ranges: vec![SliceRange::Single(i64::from(n))],
                        span: hash.span.to(t.span),
                    })
                }
                Tok::LBracket => {
                    let (ranges, close) = self.parse_ranges()?;
                    Some(Layer {
                        ranges,
                        span: hash.span.to(close),
                    })
                }
                _ => return Err(self.unexpected(&t, "a layer number or [ranges] after \"#\"")),
            }
        } else {
            None
        };
        let end = layer.as_ref().map_or(name_span, |l| l.span);
        Ok(FieldRef {
            name: self.slice(name_span).to_string(),
            name_span,
            layer,
            raw,
            leading_dot,
            span: start.to(end),
        })
    }

    /// `${field}` or `$field`; macros (`${name:a;b}`, `$name(a, b)`) are refused.
    fn reference(&mut self, dollar: Span) -> Result<Entity, FilterError> {
        if self.peek()?.tok == Tok::LBrace {
            let brace = self.bump()?;
            // Only `${` written together is a macro to 4.0; `$ {x}` is plain tokens.
            if brace.span.start == dollar.end {
                self.refuse_macro(dollar)?;
            }
            let field = self.reference_field()?;
            let close = self.bump()?;
            if close.tok != Tok::RBrace {
                return Err(self.unexpected(&close, "\"}\" closing the field reference"));
            }
            return Ok(Entity::Reference {
                field,
                span: dollar.to(close.span),
            });
        }
        let field = self.reference_field()?;
        if self.peek()?.tok == Tok::LParen {
            let t = self.peek()?.clone();
            return Err(FilterError::new(
                ErrorKind::Unsupported,
                "Display filter macros are not supported.",
                dollar.to(t.span),
            ));
        }
        let span = dollar.to(field.span);
        Ok(Entity::Reference { field, span })
    }

    fn reference_field(&mut self) -> Result<FieldRef, FilterError> {
        let t = self.bump()?;
        match t.tok {
            Tok::Word => self.field_rest(t.span, t.span, false, false),
            Tok::DotField => {
                let name = Span::new(t.span.start + 1, t.span.end);
                self.field_rest(t.span, name, false, true)
            }
            Tok::At => self.field_after_at(t.span),
            _ => Err(self.unexpected(&t, "a field name after \"$\"")),
        }
    }

    /// After `${`, what tshark 4.0's macro expander checks before anything is parsed: the
    /// name is `[[:alnum:]_.-]+` (an `@` first is later syntax), then `}`, or `#` when the
    /// name is a field (a layer; the checker decides whether it is one). A `:` or `;` starts
    /// macro arguments, which wiresift does not support.
    fn refuse_macro(&mut self, dollar: Span) -> Result<(), FilterError> {
        if self.peeked.is_some() {
            return Ok(());
        }
        let from = dollar.end + 1;
        let rest = self.text.as_bytes().get(from..).unwrap_or(&[]);
        for (i, &c) in rest.iter().enumerate() {
            let at = from + i;
            match c {
                b'}' => return Ok(()),
                b'#' if i > 0 => return Ok(()),
                b':' | b';' => {
                    let close = rest
                        .iter()
                        .position(|&c| c == b'}')
                        .map_or(self.text.len(), |p| from + p + 1);
                    return Err(FilterError::new(
                        ErrorKind::Unsupported,
                        "Display filter macros are not supported.",
                        Span::new(dollar.start, close),
                    ));
                }
                b'@' if i == 0 => {}
                c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-') => {}
                _ => {
                    let len = self
                        .text
                        .get(at..)
                        .and_then(|s| s.chars().next())
                        .map_or(1, char::len_utf8);
                    return Err(FilterError::new(
                        ErrorKind::Syntax,
                        "invalid character in macro name",
                        Span::new(at, at + len),
                    ));
                }
            }
        }
        let end = self.text.len();
        Err(FilterError::new(
            ErrorKind::Incomplete,
            "end of filter in the middle of a macro expression",
            Span::new(end, end),
        ))
    }

    /// The ranges after `[` up to `]`; returns them and the span of `]`.
    fn parse_ranges(&mut self) -> Result<(Vec<SliceRange>, Span), FilterError> {
        let mut ranges = Vec::new();
        loop {
            let t = self.bump()?;
            if t.tok != Tok::RangeNode {
                return Err(self.unexpected(&t, "a range such as 0, 0:4, 2-5, :4 or -4:"));
            }
            // Lemon reduces a range only once it has seen what follows it, so a missing
            // `]` is reported before a bad range.
            let sep = self.bump()?;
            let text = self.slice(t.span);
            let r = parse_range(text)
                .map_err(|msg| FilterError::new(ErrorKind::Syntax, msg, t.span))?;
            ranges.push(r);
            match sep.tok {
                Tok::Comma => continue,
                Tok::RBracket => return Ok((ranges, sep.span)),
                _ => return Err(self.unexpected(&sep, "\",\" or \"]\"")),
            }
        }
    }
}

fn arith_prec(op: ArithOp) -> u8 {
    match op {
        ArithOp::BitAnd => 1,
        ArithOp::Add | ArithOp::Sub => 2,
        ArithOp::Mul | ArithOp::Div | ArithOp::Mod => 3,
    }
}

/// Combine the top two values with the top operator.
fn reduce(
    values: &mut Vec<(Arith, usize)>,
    ops: &mut Vec<(ArithOp, Span)>,
) -> Result<(), FilterError> {
    let (Some((op, op_span)), Some((rhs, rd)), Some((lhs, ld))) =
        (ops.pop(), values.pop(), values.pop())
    else {
        return Err(FilterError::new(
            ErrorKind::Incomplete,
            UNEXPECTED_END,
            Span::default(),
        ));
    };
    let depth = ld.max(rd) + 1;
    if depth > MAX_DEPTH {
        return Err(limit(op_span, "has too long an arithmetic expression"));
    }
    values.push((
        Arith::Binary {
            op,
            span: lhs.span().to(rhs.span()),
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        depth,
    ));
    Ok(())
}

fn rhs_span(rhs: &Rhs) -> Span {
    match rhs {
        Rhs::Value(a) => a.span(),
        Rhs::Set { span, .. } => *span,
    }
}

/// A run of one associative operator as a balanced tree (depth log2 n): the first `n / 2`
/// operands on the left. The printer relies on this exact shape (see `print::chain_items`).
/// Callers always have at least one operand; an empty run is reported, never invented.
pub(crate) fn balanced(op: LogicalOp, items: Vec<Expr>) -> Result<Expr, FilterError> {
    let n = items.len();
    let mut it = items.into_iter();
    build_balanced(op, &mut it, n)
        .ok_or_else(|| FilterError::new(ErrorKind::Incomplete, UNEXPECTED_END, Span::default()))
}

fn build_balanced(op: LogicalOp, it: &mut std::vec::IntoIter<Expr>, n: usize) -> Option<Expr> {
    if n <= 1 {
        return it.next();
    }
    let lhs = build_balanced(op, it, n / 2)?;
    let rhs = build_balanced(op, it, n - n / 2)?;
    Some(Expr::Logical {
        op,
        span: lhs.span().to(rhs.span()),
        lhs: Box::new(lhs),
        rhs: Box::new(rhs),
    })
}

/// C's `strtol(s, &end, 0)`: leading space, sign, `0x` hex, `0` octal, else decimal.
/// Returns the value (saturated outside `i64`, flagged) and where it stopped; `None` if no
/// digits were read.
fn strtol(s: &[u8]) -> Option<(i64, bool, usize)> {
    let mut i = s
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .count();
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut radix = 10;
    if s.get(i) == Some(&b'0') {
        if matches!(s.get(i + 1), Some(b'x') | Some(b'X'))
            && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            radix = 16;
            i += 2;
        } else {
            radix = 8;
        }
    }
    let digits_start = i;
    let mut value: i128 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        value = value * i128::from(radix) + i128::from(d);
        if value > i128::from(u64::MAX) {
            overflow = true;
            value = i128::from(u64::MAX);
        }
        i += 1;
    }
    if i == digits_start {
        return None;
    }
    let value = if neg { -value } else { value };
    let out_of_range = overflow || value > i128::from(i64::MAX) || value < i128::from(i64::MIN);
    let clamped = value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    Some((clamped, out_of_range, i))
}

/// tshark's `drange_str_to_gint32()`.
fn range_int(s: &[u8]) -> Result<(i64, usize), String> {
    let shown = String::from_utf8_lossy(s);
    let Some((v, erange, end)) = strtol(s) else {
        return Err(format!("\"{shown}\" is not a valid number."));
    };
    if erange || v > i64::from(i32::MAX) {
        return Err(format!("\"{shown}\" causes an integer overflow."));
    }
    if v < i64::from(i32::MIN) {
        return Err(format!("\"{shown}\" causes an integer underflow."));
    }
    Ok((v, end))
}

/// One slice range as tshark 4.0's `drange_node_from_str()` reads it, with its messages.
pub fn parse_range(text: &str) -> Result<SliceRange, String> {
    let s = text.as_bytes();
    let invalid = || format!("\"{text}\" is not a valid range.");
    let mut i = 0;
    let lower = if s.first() == Some(&b':') {
        0
    } else {
        let (v, end) = range_int(s)?;
        i = end;
        v
    };
    let skip_space = |i: &mut usize| {
        while s
            .get(*i)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        {
            *i += 1;
        }
    };
    skip_space(&mut i);
    let rest = |i: usize| s.get(i..).unwrap_or(&[]);
    let range = match s.get(i) {
        Some(b'-') => {
            let (upper, end) = range_int(rest(i + 1)).map_err(|_| invalid())?;
            i += 1 + end;
            SliceRange::Span {
                start: lower,
                end: upper,
            }
        }
        Some(b':') if i + 1 == s.len() => {
            i += 1;
            SliceRange::ToEnd(lower)
        }
        Some(b':') => {
            let (upper, end) = range_int(rest(i + 1)).map_err(|_| invalid())?;
            i += 1 + end;
            SliceRange::Len {
                start: lower,
                len: upper,
            }
        }
        None => SliceRange::Single(lower),
        Some(_) => return Err(invalid()),
    };
    skip_space(&mut i);
    if i != s.len() {
        return Err(invalid());
    }
    match range {
        SliceRange::Len { len, .. } if len <= 0 => Err(format!(
            "Range {text} isn't valid because length {len} isn't positive"
        )),
        SliceRange::Span { start, end } if (start < 0 && end > 0) || (start > 0 && end < 0) => Err(
            format!("Range {text} isn't valid because {start} and {end} have different signs"),
        ),
        SliceRange::Span { start, end } if end <= start => Err(format!(
            "Range {text} isn't valid because {start} is greater or equal than {end}"
        )),
        _ => Ok(range),
    }
}
