//! The syntax tree of a display filter, with the byte span of every node in the filter text.
//!
//! The parser keeps literals loose, as Wireshark's scanner does: a bare word (`tcp`, `10.0.0.1`,
//! `aa:bb:cc`, `0x1F`, `TCP`) is an [`Entity::Word`] whose meaning (field, protocol, number,
//! address, bytes, value name) is decided by the checker from the field it meets.

/// Byte offsets `start..end` into the filter text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Logical {
        op: LogicalOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        span: Span,
    },
    Not {
        expr: Box<Expr>,
        span: Span,
    },
    Relation(Box<Relation>),
    /// A field, protocol, slice or function on its own: an existence test
    /// (a function alone is an error in 4.0 and a truthiness test from 4.4).
    Test(Arith),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Logical { span, .. } | Expr::Not { span, .. } => *span,
            Expr::Relation(r) => r.span,
            Expr::Test(a) => a.span(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicalOp {
    And,
    Or,
    Xor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
}

/// Relation operators. `==` is any-equal and `!=` all-not-equal, as in Wireshark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelOp {
    /// `==` `eq` `any_eq`
    AnyEq,
    /// `!=` `ne` `all_ne`
    AllNe,
    /// `===` `all_eq`
    AllEq,
    /// `!==` `any_ne` (and the deprecated `~=`)
    AnyNe,
    Gt,
    Ge,
    Lt,
    Le,
    Contains,
    /// `matches` `~`
    Matches,
    In,
    NotIn,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    /// An explicit `any` / `all` prefix.
    pub quantifier: Option<Quantifier>,
    pub op: RelOp,
    pub op_span: Span,
    pub lhs: Arith,
    pub rhs: Rhs,
    /// The whole relation, quantifier included.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Rhs {
    Value(Arith),
    /// `{a, b, lo..hi}` (only after `in` / `not in`).
    Set {
        elements: Vec<SetElement>,
        span: Span,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum SetElement {
    One(Arith),
    Range(Arith, Arith),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    BitAnd,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Minus,
    Plus,
}

/// Arithmetic over entities. `{ }` groups (parentheses do not); the tree keeps no group node,
/// the printer adds braces where precedence needs them.
#[derive(Clone, Debug, PartialEq)]
pub enum Arith {
    Entity(Entity),
    Unary {
        op: UnaryOp,
        expr: Box<Arith>,
        span: Span,
    },
    Binary {
        op: ArithOp,
        lhs: Box<Arith>,
        rhs: Box<Arith>,
        span: Span,
    },
}

impl Arith {
    pub fn span(&self) -> Span {
        match self {
            Arith::Entity(e) => e.span(),
            Arith::Unary { span, .. } | Arith::Binary { span, .. } => *span,
        }
    }
}

/// One range of a slice `[...]` (offsets may be negative: from the end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceRange {
    /// `i:j` offset and length (`:j` is `0:j`).
    Len { start: i64, len: i64 },
    /// `i-j` first and last offset, inclusive.
    Span { start: i64, end: i64 },
    /// `i` one element.
    Single(i64),
    /// `i:` from i to the end.
    ToEnd(i64),
}

/// A layer selection `#2` or `#[1-2,4]`, as slice-like ranges over protocol instances.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub ranges: Vec<SliceRange>,
    pub span: Span,
}

/// A name that must be a field: `.udp.dstport`, `ip.addr#2`, `@tcp.port`, `${ip.src}`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRef {
    pub name: String,
    pub name_span: Span,
    pub layer: Option<Layer>,
    /// `@field`: the field's raw bytes (post-4.0 syntax).
    pub raw: bool,
    /// Written with a leading dot.
    pub leading_dot: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Entity {
    /// A bare word: field or protocol name if the registry has it, else a literal.
    Word { text: String, span: Span },
    /// A name that is a field by its syntax.
    Field(FieldRef),
    /// `"..."` with escapes decoded (may hold non-UTF-8 bytes from `\x` escapes), or `r"..."`.
    String {
        value: Vec<u8>,
        raw: bool,
        span: Span,
    },
    /// `'a'`, `'\x41'`: the code point.
    Char { value: u32, span: Span },
    Slice {
        base: Box<Entity>,
        ranges: Vec<SliceRange>,
        ranges_span: Span,
        span: Span,
    },
    Function {
        name: String,
        name_span: Span,
        args: Vec<Arith>,
        span: Span,
    },
    /// `${field}`: the field's value in the reference frame.
    Reference { field: FieldRef, span: Span },
}

impl Entity {
    pub fn span(&self) -> Span {
        match self {
            Entity::Word { span, .. }
            | Entity::String { span, .. }
            | Entity::Char { span, .. }
            | Entity::Slice { span, .. }
            | Entity::Function { span, .. }
            | Entity::Reference { span, .. } => *span,
            Entity::Field(f) => f.span,
        }
    }
}
