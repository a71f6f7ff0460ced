//! The checker: AST → typed tree. Names are resolved in the registry, literals are converted to
//! the type of the operand they meet, and operators are checked against what each type supports
//! (tshark 4.0's `semcheck.c`, with its error texts).
//!
//! A bare word is a field or protocol if the registry has it, and otherwise a literal. Literals
//! take the type of the field-bearing operand of their relation (`ip.ttl + 200 == 328` types both
//! constants as `ip.ttl`'s FT_UINT8, so `328` is out of range). This module decides meaning only;
//! how values are read and compared at run time is `compile`'s business.

use super::ast::{
    self, ArithOp, Entity, Expr, FieldRef, LogicalOp, Quantifier, RelOp, Rhs, SetElement,
    SliceRange, Span, UnaryOp,
};
use super::error::{ErrorKind, FilterError, Warning};
use super::literal::{self, Const, Lit, Target};
use crate::registry::{self, FieldId, FieldType};
use std::cell::Cell;
use std::sync::LazyLock;

/// Deepest nesting of `not`, parentheses, arithmetic and functions the checker follows
/// (chains of `and`/`or` are flattened and do not count).
pub const MAX_DEPTH: usize = 400;

/// A field as the filter reads it: which occurrences (`#layer`) and whether raw (`@`).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSel {
    pub id: FieldId,
    pub layer: Option<Vec<SliceRange>>,
    pub raw: bool,
}

/// The display-filter functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Len,
    Count,
    Lower,
    Upper,
    String,
    Max,
    Min,
    Abs,
}

/// name, minimum and maximum argument count (0 = unbounded), as `df_functions[]` in 4.0.
const FUNCTIONS: &[(&str, Func, usize, usize)] = &[
    ("len", Func::Len, 1, 1),
    ("count", Func::Count, 1, 1),
    ("lower", Func::Lower, 1, 1),
    ("upper", Func::Upper, 1, 1),
    ("string", Func::String, 1, 1),
    ("max", Func::Max, 1, 0),
    ("min", Func::Min, 1, 0),
    ("abs", Func::Abs, 1, 1),
];

impl Func {
    pub fn name(self) -> &'static str {
        FUNCTIONS
            .iter()
            .find(|(_, f, _, _)| *f == self)
            .map_or("?", |(n, _, _, _)| n)
    }
}

/// A typed value expression: something that yields a list of values per packet.
#[derive(Clone, Debug)]
pub struct TValue {
    pub kind: ValueKind,
    /// The type of every value it yields.
    pub ty: FieldType,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ValueKind {
    Field(FieldSel),
    /// `${field}`: the field in the reference frame.
    Reference(FieldSel),
    Const(Const),
    Slice {
        base: Box<TValue>,
        ranges: Vec<SliceRange>,
    },
    Func {
        func: Func,
        args: Vec<TValue>,
    },
    Arith {
        op: ArithOp,
        lhs: Box<TValue>,
        rhs: Box<TValue>,
    },
    Neg(Box<TValue>),
}

/// Comparison operators; the quantifier is separate (`==` is any-Eq, `!=` all-Ne).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Clone, Debug)]
pub enum SetItem {
    One(TValue),
    Range(TValue, TValue),
}

/// A typed test. `all` is the quantifier (true: every pair must satisfy the test).
#[derive(Clone, Debug)]
pub enum Test {
    And(Vec<Test>),
    Or(Vec<Test>),
    Xor(Box<Test>, Box<Test>),
    Not(Box<Test>),
    /// A field, protocol or slice alone: it yields at least one value.
    Exists(TValue),
    /// A function or arithmetic alone (4.4): some value is non-zero / non-empty.
    /// `nonzero_bytes` (for `&`): byte values count only if a byte is non-zero.
    Truthy {
        value: TValue,
        nonzero_bytes: bool,
    },
    Compare {
        all: bool,
        op: CmpOp,
        lhs: TValue,
        rhs: TValue,
    },
    Contains {
        all: bool,
        lhs: TValue,
        rhs: TValue,
    },
    Matches {
        all: bool,
        lhs: TValue,
        regex: regex::bytes::Regex,
        pattern: String,
    },
    In {
        all: bool,
        lhs: TValue,
        set: Vec<SetItem>,
    },
}

/// The checker's result: the typed test (None for an empty filter) and warnings.
#[derive(Debug)]
pub struct Checked {
    pub test: Option<Test>,
    pub warnings: Vec<Warning>,
}

/// Check a parsed filter. `text` is the filter the spans index (for messages).
pub fn check(expr: Option<&Expr>, text: &str) -> Result<Checked, FilterError> {
    let mut c = Checker {
        text,
        warnings: Vec::new(),
        depth: 0,
        names: Default::default(),
    };
    let test = match expr {
        Some(e) => Some(c.expr(e)?),
        None => None,
    };
    Ok(Checked {
        test,
        warnings: c.warnings,
    })
}

/// Whether any registered name reads as an integer literal (`123`), in which case integer
/// words must be looked up like any other word.
static NUMERIC_NAMES: LazyLock<bool> =
    LazyLock::new(|| registry::all().any(|(_, d)| literal::parse_int(d.abbrev).is_some()));

struct Checker<'t> {
    text: &'t str,
    warnings: Vec<Warning>,
    depth: usize,
    /// Recent registry look-ups by the address of the name in the AST: a relation looks its
    /// words up several times (to infer the type, then to check), and huge filters are common
    /// enough in generated input to matter.
    names: [Cell<(usize, usize, Option<FieldId>)>; 16],
}

fn err(kind: ErrorKind, msg: impl Into<String>, span: Span) -> FilterError {
    FilterError::new(kind, msg, span)
}

fn is_numeric_type(ty: FieldType) -> bool {
    ty.int_bits().is_some()
        || matches!(
            ty,
            FieldType::Float | FieldType::Double | FieldType::RelativeTime
        )
}

/// Types compared as byte sequences.
/// Arithmetic over literals only (`1`, `1 + 1`, `"a"`): no field, function, slice or reference.
fn literal_only(a: &ast::Arith) -> bool {
    match a {
        ast::Arith::Entity(e) => matches!(
            e,
            Entity::Word { .. } | Entity::String { .. } | Entity::Char { .. }
        ),
        ast::Arith::Unary { expr, .. } => literal_only(expr),
        ast::Arith::Binary { lhs, rhs, .. } => literal_only(lhs) && literal_only(rhs),
    }
}

fn is_bytes_class(ty: FieldType) -> bool {
    ty.is_bytes_like() || ty.is_string()
}

fn supports_matches(ty: FieldType) -> bool {
    use FieldType as F;
    ty.is_string()
        || matches!(
            ty,
            F::Bytes | F::Ether | F::FcWwn | F::Ax25 | F::Vines | F::Protocol
        )
}

fn sliceable(ty: FieldType) -> bool {
    is_bytes_class(ty) || matches!(ty, FieldType::Ipv4 | FieldType::Ipv6)
}

/// Whether two operand types may be compared (4.0 `compatible_ftypes`).
fn compatible(a: FieldType, b: FieldType) -> bool {
    let int_like = |t: FieldType| t.int_bits().is_some() || t == FieldType::Boolean;
    let float = |t: FieldType| matches!(t, FieldType::Float | FieldType::Double);
    (int_like(a) && int_like(b))
        || (float(a) && float(b))
        || (is_bytes_class(a) && is_bytes_class(b))
        || a == b
}

/// The operator symbol tshark uses in "FT_x cannot <op>." messages.
fn arith_symbol(op: ArithOp) -> &'static str {
    match op {
        ArithOp::BitAnd => "&",
        ArithOp::Add => "+",
        ArithOp::Sub => "-",
        ArithOp::Mul => "*",
        ArithOp::Div => "/",
        ArithOp::Mod => "%",
    }
}

fn supports_arith(ty: FieldType, op: ArithOp) -> bool {
    use FieldType as F;
    let int = ty.int_bits().is_some();
    let float = matches!(ty, F::Float | F::Double);
    match op {
        ArithOp::BitAnd => {
            int || matches!(ty, F::Ipv4 | F::Ipv6 | F::Eui64)
                || (ty.is_bytes_like() && ty != F::Protocol)
        }
        ArithOp::Add | ArithOp::Sub => int || float || matches!(ty, F::RelativeTime | F::Eui64),
        ArithOp::Mul | ArithOp::Div => int || float,
        ArithOp::Mod => int,
    }
}

fn supports_neg(ty: FieldType) -> bool {
    is_numeric_type(ty) || ty == FieldType::Eui64
}

fn quantifier_of(op: RelOp, explicit: Option<Quantifier>) -> bool {
    let default_all = matches!(op, RelOp::AllNe | RelOp::AllEq);
    match explicit {
        Some(Quantifier::All) => true,
        Some(Quantifier::Any) => false,
        None => default_all,
    }
}

/// Does this arithmetic read a field (or the reference frame)?
fn has_field(a: &ast::Arith) -> bool {
    match a {
        ast::Arith::Entity(e) => entity_has_field(e),
        ast::Arith::Unary { expr, .. } => has_field(expr),
        ast::Arith::Binary { lhs, rhs, .. } => has_field(lhs) || has_field(rhs),
    }
}

fn entity_has_field(e: &Entity) -> bool {
    match e {
        Entity::Word { text, .. } => registry::lookup(text).is_some(),
        Entity::Field(_) | Entity::Reference { .. } => true,
        Entity::Slice { base, .. } => entity_has_field(base),
        Entity::Function { args, .. } => args.iter().any(has_field),
        Entity::String { .. } | Entity::Char { .. } => false,
    }
}

fn did_you_mean(name: &str) -> Option<String> {
    if !name.contains('.') {
        return None;
    }
    registry::suggest(name).map(|s| format!("Did you mean \"{s}\"?"))
}

impl<'t> Checker<'t> {
    fn lookup(&self, name: &str) -> Option<FieldId> {
        // Numbers are never names unless the registry has a numeric name (it has not, but
        // ask it rather than assume): skip the look-up for the commonest literal.
        if !*NUMERIC_NAMES && literal::parse_int(name).is_some() {
            return None;
        }
        let key = (name.as_ptr() as usize, name.len());
        let slot = self.names.get((key.0 >> 3) % 16)?;
        let (p, l, id) = slot.get();
        if (p, l) == key && p != 0 {
            return id;
        }
        let id = registry::lookup(name);
        slot.set((key.0, key.1, id));
        id
    }

    fn src(&self, span: Span) -> &'t str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    fn enter(&mut self, span: Span) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                ErrorKind::Limit,
                format!("The filter is nested too deeply (more than {MAX_DEPTH} levels)."),
                span,
            ));
        }
        Ok(())
    }

    fn expr(&mut self, e: &Expr) -> Result<Test, FilterError> {
        self.enter(e.span())?;
        let r = self.expr_inner(e);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, e: &Expr) -> Result<Test, FilterError> {
        match e {
            Expr::Logical { op, .. } if *op != LogicalOp::Xor => {
                // Flatten a chain of one operator without recursion, so that long chains of
                // `or` / `and` (any shape) cost no stack depth.
                let mut leaves = Vec::new();
                let mut stack = vec![e];
                while let Some(x) = stack.pop() {
                    match x {
                        Expr::Logical {
                            op: o, lhs, rhs, ..
                        } if o == op => {
                            stack.push(rhs);
                            stack.push(lhs);
                        }
                        other => leaves.push(self.expr(other)?),
                    }
                }
                Ok(if *op == LogicalOp::And {
                    Test::And(leaves)
                } else {
                    Test::Or(leaves)
                })
            }
            Expr::Logical { lhs, rhs, .. } => Ok(Test::Xor(
                Box::new(self.expr(lhs)?),
                Box::new(self.expr(rhs)?),
            )),
            Expr::Not { expr, .. } => Ok(Test::Not(Box::new(self.expr(expr)?))),
            Expr::Relation(r) => self.relation(r),
            Expr::Test(a) => self.alone(a),
        }
    }

    /// A value on its own: existence of a field, protocol or slice; truthiness of the rest.
    fn alone(&mut self, a: &ast::Arith) -> Result<Test, FilterError> {
        match a {
            ast::Arith::Entity(e) => match e {
                Entity::Word { text, span } => match self.lookup(text) {
                    Some(_) => Ok(Test::Exists(self.value(a, None)?)),
                    None => {
                        let mut er = err(
                            ErrorKind::UnknownName,
                            format!("{text} is neither a field nor a protocol name."),
                            *span,
                        );
                        er.suggestion = did_you_mean(text);
                        Err(er)
                    }
                },
                Entity::String { span, .. } | Entity::Char { span, .. } => Err(err(
                    ErrorKind::UnknownName,
                    format!(
                        "{} is neither a field nor a protocol name.",
                        self.src(*span)
                    ),
                    *span,
                )),
                Entity::Field(_) | Entity::Slice { .. } | Entity::Reference { .. } => {
                    Ok(Test::Exists(self.value(a, None)?))
                }
                // 4.0 rejects a function alone ("You cannot test whether a function is
                // present."); wiresift follows 4.4: the function's truthiness.
                Entity::Function { .. } => Ok(Test::Truthy {
                    value: self.value(a, None)?,
                    nonzero_bytes: false,
                }),
            },
            _ => {
                if !has_field(a) {
                    return Err(err(
                        ErrorKind::Type,
                        "Constant expression is invalid",
                        a.span(),
                    ));
                }
                let nonzero_bytes = matches!(
                    a,
                    ast::Arith::Binary {
                        op: ArithOp::BitAnd,
                        ..
                    }
                );
                Ok(Test::Truthy {
                    value: self.value(a, None)?,
                    nonzero_bytes,
                })
            }
        }
    }

    /// The type an operand has by itself, if it reads a field (or is a typed function).
    fn infer(&self, a: &ast::Arith) -> Option<Target> {
        match a {
            ast::Arith::Entity(e) => self.infer_entity(e),
            ast::Arith::Unary { expr, .. } => self.infer(expr),
            ast::Arith::Binary { lhs, rhs, .. } => self.infer(lhs).or_else(|| self.infer(rhs)),
        }
    }

    fn infer_entity(&self, e: &Entity) -> Option<Target> {
        let field = |name: &str, raw: bool| {
            self.lookup(name).map(|id| {
                let def = registry::def(id);
                if raw {
                    Target {
                        ty: FieldType::Bytes,
                        field: None,
                    }
                } else {
                    Target {
                        ty: def.ftype,
                        field: Some(def),
                    }
                }
            })
        };
        let bytes = Target {
            ty: FieldType::Bytes,
            field: None,
        };
        match e {
            Entity::Word { text, .. } => field(text, false),
            Entity::Field(f) => field(&f.name, f.raw),
            Entity::Reference { field: f, .. } => field(&f.name, f.raw),
            Entity::Slice { .. } => Some(bytes),
            Entity::String { .. } | Entity::Char { .. } => None,
            Entity::Function { name, args, .. } => {
                let plain = |ty| Some(Target { ty, field: None });
                match name.as_str() {
                    "len" | "count" => plain(FieldType::U32),
                    "lower" | "upper" | "string" => plain(FieldType::String),
                    "max" | "min" | "abs" => args.iter().find_map(|a| self.infer(a)),
                    _ => None,
                }
            }
        }
    }

    fn relation(&mut self, r: &ast::Relation) -> Result<Test, FilterError> {
        let all = quantifier_of(r.op, r.quantifier);
        let op_text = self.src(r.op_span);
        match r.op {
            RelOp::In | RelOp::NotIn => {
                let Rhs::Set { elements, .. } = &r.rhs else {
                    return Err(err(
                        ErrorKind::Syntax,
                        "The right side of \"in\" must be a set.",
                        r.rhs_span(),
                    ));
                };
                let t = self.in_test(r, all, elements)?;
                Ok(if r.op == RelOp::NotIn {
                    // 4.0 compiles `x not in S` as `!(x in S)`: true when x is absent.
                    Test::Not(Box::new(t))
                } else {
                    t
                })
            }
            _ => {
                let Rhs::Value(rhs) = &r.rhs else {
                    return Err(err(
                        ErrorKind::Syntax,
                        "A set is only allowed after \"in\".",
                        r.rhs_span(),
                    ));
                };
                self.binary(r, all, op_text, rhs)
            }
        }
    }

    /// Both operands of a comparison, `contains` or `matches`, typed against each other.
    fn binary(
        &mut self,
        r: &ast::Relation,
        all: bool,
        op_text: &str,
        rhs: &ast::Arith,
    ) -> Result<Test, FilterError> {
        let lhs = &r.lhs;
        if r.op == RelOp::Matches {
            let ast::Arith::Entity(Entity::String { value, span, .. }) = rhs else {
                return Err(err(
                    ErrorKind::Type,
                    "Matches requires a double quoted string on the right side.",
                    rhs.span(),
                ));
            };
            let l = self.value(lhs, None)?;
            self.check_op_support(&l, r.op, op_text)?;
            let pattern = String::from_utf8_lossy(value).into_owned();
            let regex =
                compile_regex(value).map_err(|m| err(ErrorKind::InvalidLiteral, m, *span))?;
            return Ok(Test::Matches {
                all,
                lhs: l,
                regex,
                pattern,
            });
        }
        let tl = self.infer(lhs);
        let tr = self.infer(rhs);
        if tl.is_none() && tr.is_none() {
            // tshark 4.0 blames a left side made of literals before it looks further.
            if literal_only(lhs) {
                return Err(self.constant_lhs(lhs, r.op, op_text));
            }
            if let Some(e) = self.lhs_word_error(lhs, r.op, op_text, false) {
                return Err(e);
            }
            // A more precise complaint about either side (an unknown function, a function
            // that needs a field) before the general one.
            self.value(lhs, None)?;
            self.value(rhs, None)?;
            return Err(self.constant_lhs(lhs, r.op, op_text));
        }
        let l = match tl {
            Some(_) => self.value(lhs, None)?,
            None => self
                .value(lhs, tr)
                .map_err(|e| self.lhs_word_error(lhs, r.op, op_text, false).unwrap_or(e))?,
        };
        if r.op == RelOp::Contains {
            self.check_op_support(&l, r.op, op_text)?;
            let target = Target {
                ty: if l.ty.is_string() {
                    FieldType::String
                } else {
                    FieldType::Bytes
                },
                field: None,
            };
            let rv = self.value(rhs, Some(target))?;
            if !is_bytes_class(rv.ty) {
                return Err(self.incompatible(lhs.span(), rhs.span()));
            }
            return Ok(Test::Contains {
                all,
                lhs: l,
                rhs: rv,
            });
        }
        let own = Target {
            ty: l.ty,
            field: tl
                .and_then(|t| t.field)
                .filter(|_| matches!(lhs, ast::Arith::Entity(_))),
        };
        self.check_op_support(&l, r.op, op_text)?;
        let rv = self.value(rhs, Some(own))?;
        if !compatible(l.ty, rv.ty) {
            // A slice against a field that is not bytes: tshark 4.0 blames the field.
            let slice = |v: &TValue| matches!(v.kind, ValueKind::Slice { .. });
            let other = if slice(&rv) && !slice(&l) {
                Some(&l)
            } else if slice(&l) && !slice(&rv) {
                Some(&rv)
            } else {
                None
            };
            if let Some(o) = other.filter(|o| !sliceable(o.ty)) {
                return Err(err(
                    ErrorKind::Type,
                    format!(
                        "\"{}\" is a {} and cannot be converted into a sequence of bytes.",
                        self.src(o.span),
                        o.ty.pretty_name()
                    ),
                    o.span,
                ));
            }
            return Err(self.incompatible(lhs.span(), rhs.span()));
        }
        let op = match r.op {
            RelOp::AnyEq | RelOp::AllEq => CmpOp::Eq,
            RelOp::AllNe | RelOp::AnyNe => CmpOp::Ne,
            RelOp::Gt => CmpOp::Gt,
            RelOp::Ge => CmpOp::Ge,
            RelOp::Lt => CmpOp::Lt,
            _ => CmpOp::Le,
        };
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) && (is_nan(&l) || is_nan(&rv)) {
            return Err(err(
                ErrorKind::Type,
                "NaN cannot be used in ordered comparisons",
                r.span,
            ));
        }
        Ok(Test::Compare {
            all,
            op,
            lhs: l,
            rhs: rv,
        })
    }

    /// A relation with no field on either side, in tshark 4.0's words: it blames the left side
    /// (later releases say "Constant expression is invalid", which stays the fallback).
    fn constant_lhs(&self, lhs: &ast::Arith, op: RelOp, op_text: &str) -> FilterError {
        if let Some(e) = self.lhs_word_error(lhs, op, op_text, true) {
            return e;
        }
        if let ast::Arith::Binary { lhs: first, .. } = lhs {
            // tshark points at the first operand.
            let mut first = first.as_ref();
            while let ast::Arith::Binary { lhs, .. } = first {
                first = lhs;
            }
            return err(
                ErrorKind::Type,
                "Constant arithmetic expression on the LHS is invalid.",
                first.span(),
            );
        }
        err(
            ErrorKind::Type,
            "Constant expression is invalid",
            lhs.span(),
        )
    }

    /// tshark 4.0's message for a left-hand side that is not a field: a mistyped name, or with
    /// `any_literal` (no field on either side) any literal word, string or character.
    fn lhs_word_error(
        &self,
        lhs: &ast::Arith,
        op: RelOp,
        op_text: &str,
        any_literal: bool,
    ) -> Option<FilterError> {
        let (text, span) = match lhs {
            ast::Arith::Entity(Entity::Word { text, span }) => (text.as_str(), *span),
            ast::Arith::Entity(Entity::String { span, .. } | Entity::Char { span, .. })
                if any_literal =>
            {
                (self.src(*span), *span)
            }
            _ => return None,
        };
        let name_like = text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && literal::parse_byte_string(text).is_none();
        if !name_like && !any_literal {
            return None;
        }
        // tshark quotes the comparison operators but not `contains`/`matches`.
        let op_shown = if matches!(op, RelOp::Contains | RelOp::Matches) {
            op_text.to_string()
        } else {
            format!("\"{op_text}\"")
        };
        let mut e = err(
            ErrorKind::UnknownName,
            format!("Left side of {op_shown} expression must be a field or function, not {text}."),
            span,
        );
        e.suggestion = did_you_mean(text);
        Some(e)
    }

    fn incompatible(&self, a: Span, b: Span) -> FilterError {
        err(
            ErrorKind::Type,
            format!(
                "{} and {} are not of compatible types.",
                self.src(a),
                self.src(b)
            ),
            b,
        )
    }

    fn check_op_support(&self, l: &TValue, op: RelOp, op_text: &str) -> Result<(), FilterError> {
        let ok = match op {
            _ if l.ty == FieldType::None => false,
            RelOp::Contains => is_bytes_class(l.ty),
            RelOp::Matches => supports_matches(l.ty),
            _ => true,
        };
        if ok {
            return Ok(());
        }
        Err(err(
            ErrorKind::Type,
            format!(
                "{} (type={}) cannot participate in {op_text} comparison.",
                self.src(l.span),
                l.ty.pretty_name()
            ),
            l.span,
        ))
    }

    fn in_test(
        &mut self,
        r: &ast::Relation,
        all: bool,
        elements: &[SetElement],
    ) -> Result<Test, FilterError> {
        if !has_field(&r.lhs) {
            return Err(err(
                ErrorKind::Type,
                "Only a field may be tested for membership in a set.",
                r.lhs.span(),
            ));
        }
        let l = self.value(&r.lhs, None)?;
        if l.ty == FieldType::None {
            return Err(err(
                ErrorKind::Type,
                format!(
                    "{} (type=Label) cannot participate in in comparison.",
                    self.src(l.span)
                ),
                l.span,
            ));
        }
        let own = Target {
            ty: l.ty,
            field: self.infer(&r.lhs).and_then(|t| t.field),
        };
        let mut set = Vec::with_capacity(elements.len());
        for el in elements {
            let one = |c: &mut Self, a: &ast::Arith| -> Result<TValue, FilterError> {
                let v = c.value(a, Some(own))?;
                if !compatible(l.ty, v.ty) {
                    return Err(c.incompatible(r.lhs.span(), a.span()));
                }
                Ok(v)
            };
            set.push(match el {
                SetElement::One(a) => SetItem::One(one(self, a)?),
                SetElement::Range(lo, hi) => SetItem::Range(one(self, lo)?, one(self, hi)?),
            });
        }
        Ok(Test::In { all, lhs: l, set })
    }

    /// Check arithmetic, converting literals to `target` (or to the type of the field beside
    /// them).
    fn value(&mut self, a: &ast::Arith, target: Option<Target>) -> Result<TValue, FilterError> {
        self.enter(a.span())?;
        let r = self.value_inner(a, target);
        self.depth -= 1;
        r
    }

    fn value_inner(
        &mut self,
        a: &ast::Arith,
        target: Option<Target>,
    ) -> Result<TValue, FilterError> {
        match a {
            ast::Arith::Entity(e) => self.entity(e, target),
            ast::Arith::Unary { op, expr, span } => {
                let inner = self.value(expr, target)?;
                if *op == UnaryOp::Plus {
                    return Ok(inner);
                }
                if !supports_neg(inner.ty) {
                    return Err(err(
                        ErrorKind::Type,
                        format!("{} cannot -.", inner.ty.ft_name()),
                        inner.span,
                    ));
                }
                let ty = inner.ty;
                // Fold the minus into a constant so `-1` is a plain literal.
                if let ValueKind::Const(c) = &inner.kind {
                    let folded = match c {
                        Const::Int(v) => Some(Const::Int(-v)),
                        Const::Float(v) => Some(Const::Float(-v)),
                        Const::RelTime(v) => v.checked_neg().map(Const::RelTime),
                        _ => None,
                    };
                    if let Some(k) = folded {
                        return Ok(TValue {
                            kind: ValueKind::Const(k),
                            ty,
                            span: *span,
                        });
                    }
                }
                Ok(TValue {
                    kind: ValueKind::Neg(Box::new(inner)),
                    ty,
                    span: *span,
                })
            }
            ast::Arith::Binary { op, lhs, rhs, span } => {
                let t = self.infer(a).or(target);
                let l = self.value(lhs, self.infer(lhs).or(t))?;
                if !supports_arith(l.ty, *op) {
                    return Err(err(
                        ErrorKind::Type,
                        format!("{} cannot {}.", l.ty.ft_name(), arith_symbol(*op)),
                        l.span,
                    ));
                }
                // The right operand's literals take the left operand's type (4.0).
                let rt = Target {
                    ty: l.ty,
                    field: t.and_then(|t| t.field),
                };
                let r = self.value(rhs, Some(self.infer(rhs).unwrap_or(rt)))?;
                if !supports_arith(r.ty, *op) {
                    return Err(err(
                        ErrorKind::Type,
                        format!("{} cannot {}.", r.ty.ft_name(), arith_symbol(*op)),
                        r.span,
                    ));
                }
                if !compatible(l.ty, r.ty) || (is_bytes_class(l.ty) != is_bytes_class(r.ty)) {
                    return Err(self.incompatible(lhs.span(), rhs.span()));
                }
                Ok(TValue {
                    ty: l.ty,
                    kind: ValueKind::Arith {
                        op: *op,
                        lhs: Box::new(l),
                        rhs: Box::new(r),
                    },
                    span: *span,
                })
            }
        }
    }

    fn field_ref(&self, f: &FieldRef) -> Result<TValue, FilterError> {
        let Some(id) = self.lookup(&f.name) else {
            let mut e = err(
                ErrorKind::UnknownName,
                format!("\"{}\" is not a valid protocol or protocol field.", f.name),
                // tshark's caret covers the leading dot of `.name` too.
                if f.leading_dot {
                    Span::new(f.name_span.start.saturating_sub(1), f.name_span.end)
                } else {
                    f.name_span
                },
            );
            e.suggestion = did_you_mean(&f.name);
            return Err(e);
        };
        let ty = if f.raw {
            FieldType::Bytes
        } else {
            registry::def(id).ftype
        };
        Ok(TValue {
            kind: ValueKind::Field(FieldSel {
                id,
                layer: f.layer.as_ref().map(|l| l.ranges.clone()),
                raw: f.raw,
            }),
            ty,
            span: f.span,
        })
    }

    fn literal(
        &mut self,
        lit: Lit<'_>,
        target: Option<Target>,
        span: Span,
    ) -> Result<TValue, FilterError> {
        let Some(target) = target else {
            return Err(err(ErrorKind::Type, "Constant expression is invalid", span));
        };
        match literal::convert(lit, target) {
            Ok(c) => {
                if let Some(w) = c.warning {
                    self.warnings.push(Warning {
                        message: w.to_string(),
                        span,
                    });
                }
                Ok(TValue {
                    kind: ValueKind::Const(c.value),
                    ty: target.ty,
                    span,
                })
            }
            Err(e) => {
                let mut fe = err(ErrorKind::InvalidLiteral, e.message, span);
                fe.suggestion = e.suggestion;
                if fe.suggestion.is_none() {
                    if let Lit::Word(w) = lit {
                        fe.suggestion = did_you_mean(w);
                    }
                }
                Err(fe)
            }
        }
    }

    fn entity(&mut self, e: &Entity, target: Option<Target>) -> Result<TValue, FilterError> {
        match e {
            Entity::Word { text, span } => match self.lookup(text) {
                Some(id) => Ok(TValue {
                    kind: ValueKind::Field(FieldSel {
                        id,
                        layer: None,
                        raw: false,
                    }),
                    ty: registry::def(id).ftype,
                    span: *span,
                }),
                None => self.literal(Lit::Word(text), target, *span),
            },
            Entity::Field(f) => self.field_ref(f),
            Entity::Reference { field, span } => {
                let mut v = self.field_ref(field)?;
                if let ValueKind::Field(sel) = v.kind {
                    v.kind = ValueKind::Reference(sel);
                }
                v.span = *span;
                Ok(v)
            }
            Entity::String { value, span, .. } => self.literal(Lit::Str(value), target, *span),
            Entity::Char { value, span } => self.literal(Lit::Char(*value), target, *span),
            Entity::Slice {
                base, ranges, span, ..
            } => {
                if !entity_has_field(base) {
                    return Err(err(
                        ErrorKind::Type,
                        format!(
                            "Range is not supported for entity {}",
                            self.src(base.span())
                        ),
                        base.span(),
                    ));
                }
                let b = self.entity(base, None)?;
                if !sliceable(b.ty) {
                    return Err(err(
                        ErrorKind::Type,
                        format!(
                            "\"{}\" is a {} and cannot be sliced into a sequence of bytes.",
                            self.src(base.span()),
                            b.ty.pretty_name()
                        ),
                        base.span(),
                    ));
                }
                Ok(TValue {
                    kind: ValueKind::Slice {
                        base: Box::new(b),
                        ranges: ranges.clone(),
                    },
                    ty: FieldType::Bytes,
                    span: *span,
                })
            }
            Entity::Function {
                name,
                name_span,
                args,
                span,
            } => self.function(name, *name_span, args, *span, target),
        }
    }

    fn function(
        &mut self,
        name: &str,
        name_span: Span,
        args: &[ast::Arith],
        span: Span,
        target: Option<Target>,
    ) -> Result<TValue, FilterError> {
        let Some(&(_, func, min, max)) = FUNCTIONS.iter().find(|(n, _, _, _)| *n == name) else {
            let mut e = err(
                ErrorKind::UnknownName,
                format!("Function '{name}' does not exist"),
                name_span,
            );
            e.suggestion = FUNCTIONS
                .iter()
                .map(|(n, _, _, _)| (strsim::levenshtein(name, n), *n))
                .filter(|(d, _)| *d <= 2)
                .min()
                .map(|(_, n)| format!("Did you mean '{n}'?"));
            return Err(e);
        };
        // Every function takes at least one argument (`min` >= 1).
        let (true, Some(arg0)) = (args.len() >= min, args.first()) else {
            return Err(err(
                ErrorKind::Type,
                format!("Function {name} needs at least {min} arguments."),
                name_span,
            ));
        };
        if max != 0 && args.len() > max {
            return Err(err(
                ErrorKind::Type,
                format!("Function {name} can only accept {max} arguments."),
                name_span,
            ));
        }
        let mk = |args: Vec<TValue>, ty: FieldType| TValue {
            kind: ValueKind::Func { func, args },
            ty,
            span,
        };
        let is_field = |a: &ast::Arith| match a {
            ast::Arith::Entity(Entity::Word { text, .. }) => self.lookup(text).is_some(),
            ast::Arith::Entity(Entity::Field(_)) => true,
            _ => false,
        };
        match func {
            Func::Len => {
                let v = self.value(
                    arg0,
                    Some(Target {
                        ty: FieldType::Bytes,
                        field: None,
                    }),
                )?;
                if matches!(v.kind, ValueKind::Const(_)) {
                    return Err(err(
                        ErrorKind::Type,
                        format!(
                            "Argument '{}' is not valid for len()",
                            self.src(arg0.span())
                        ),
                        arg0.span(),
                    ));
                }
                Ok(mk(vec![v], FieldType::U32))
            }
            Func::Count => {
                if !is_field(arg0) {
                    return Err(err(
                        ErrorKind::Type,
                        "Only fields can be used as parameter for count()",
                        arg0.span(),
                    ));
                }
                let v = self.value(arg0, None)?;
                Ok(mk(vec![v], FieldType::U32))
            }
            Func::Lower | Func::Upper => {
                let v = if has_field(arg0) {
                    Some(self.value(arg0, None)?)
                } else {
                    None
                };
                match v {
                    Some(v) if v.ty.is_string() => Ok(mk(vec![v], FieldType::String)),
                    _ => Err(err(
                        ErrorKind::Type,
                        format!("Only string type fields can be used as parameter for {name}()"),
                        arg0.span(),
                    )),
                }
            }
            Func::String => {
                if !is_field(arg0) {
                    return Err(err(
                        ErrorKind::Type,
                        "Only fields can be used as parameter for string()",
                        arg0.span(),
                    ));
                }
                let v = self.value(arg0, None)?;
                let unsupported = v.ty.is_string()
                    || matches!(
                        v.ty,
                        FieldType::Bytes
                            | FieldType::UintBytes
                            | FieldType::Protocol
                            | FieldType::RelativeTime
                            | FieldType::AbsoluteTime
                            | FieldType::Boolean
                            | FieldType::None
                    );
                if unsupported {
                    return Err(err(
                        ErrorKind::Type,
                        format!(
                            "String conversion for field \"{}\" is not supported",
                            self.src(arg0.span())
                        ),
                        arg0.span(),
                    ));
                }
                Ok(mk(vec![v], FieldType::String))
            }
            Func::Max | Func::Min | Func::Abs => {
                let own = args.iter().find_map(|a| self.infer(a)).or(target);
                let Some(own) = own.filter(|_| func == Func::Abs || args.iter().any(has_field))
                else {
                    return Err(err(
                        ErrorKind::Type,
                        format!(
                            "Argument '{}' is not valid for {name}()",
                            self.src(arg0.span())
                        ),
                        arg0.span(),
                    ));
                };
                let mut checked = Vec::with_capacity(args.len());
                for a in args {
                    let v = self.value(a, Some(own))?;
                    if !is_numeric_type(v.ty) && v.ty != FieldType::AbsoluteTime {
                        return Err(err(
                            ErrorKind::Type,
                            format!(
                                "'{}' is not a valid argument to '{name}'()",
                                self.src(a.span())
                            ),
                            a.span(),
                        ));
                    }
                    if let Some(first) = checked.first().map(|f: &TValue| f.ty) {
                        if first != v.ty {
                            return Err(err(
                                ErrorKind::Type,
                                format!(
                                    "Arguments to '{name}' must have the same type (expected {}, got {})",
                                    first.ft_name(),
                                    v.ty.ft_name()
                                ),
                                a.span(),
                            ));
                        }
                    }
                    checked.push(v);
                }
                let ty = checked.first().map_or(own.ty, |v| v.ty);
                Ok(mk(checked, ty))
            }
        }
    }
}

fn is_nan(v: &TValue) -> bool {
    matches!(&v.kind, ValueKind::Const(Const::Float(f)) if f.is_nan())
}

/// Largest compiled regex program; a hostile pattern fails to compile instead of growing.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compile a `matches` pattern: PCRE2 semantics as tshark sets them (caseless, byte mode),
/// on the linear-time `regex` engine. Bytes that are not UTF-8 match themselves.
pub fn compile_regex(pattern: &[u8]) -> Result<regex::bytes::Regex, String> {
    let mut text = String::with_capacity(pattern.len() + 8);
    for chunk in pattern.utf8_chunks() {
        text.push_str(chunk.valid());
        for b in chunk.invalid() {
            text.push_str(&format!("\\x{b:02x}"));
        }
    }
    regex::bytes::RegexBuilder::new(&text)
        .case_insensitive(true)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(100)
        .build()
        .map_err(|e| {
            let detail = match e {
                regex::Error::CompiledTooBig(_) => "pattern too large".to_string(),
                other => other
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or("invalid pattern")
                    .trim_start_matches("error: ")
                    .to_string(),
            };
            format!("Regex compilation error: {detail}.")
        })
}

impl ast::Relation {
    fn rhs_span(&self) -> Span {
        match &self.rhs {
            Rhs::Value(a) => a.span(),
            Rhs::Set { span, .. } => *span,
        }
    }
}
