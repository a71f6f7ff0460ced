//! The canonical text of a filter: symbol operators, single spaces, parentheses and braces
//! only where precedence needs them, strings re-escaped to the same bytes.
//!
//! `syntax::parse(&canonical(e))` gives back `e` (spans aside). A run of one logical
//! operator is printed flat only where the tree has the balanced shape the parser builds
//! for that run; any other grouping keeps its parentheses.

use super::ast::{
    Arith, ArithOp, Entity, Expr, FieldRef, LogicalOp, Quantifier, RelOp, Relation, Rhs,
    SetElement, SliceRange, UnaryOp,
};
use std::fmt::Write;

/// The canonical text of `expr`.
pub fn canonical(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(expr, &mut out);
    out
}

/// The canonical text of one arithmetic expression.
pub fn canonical_arith(a: &Arith) -> String {
    let mut out = String::new();
    write_arith(a, &mut out);
    out
}

fn logical_prec(op: LogicalOp) -> u8 {
    match op {
        LogicalOp::Or => 1,
        LogicalOp::Xor => 2,
        LogicalOp::And => 3,
    }
}

fn logical_text(op: LogicalOp) -> &'static str {
    match op {
        LogicalOp::Or => " || ",
        LogicalOp::Xor => " ^^ ",
        LogicalOp::And => " && ",
    }
}

fn write_expr(e: &Expr, out: &mut String) {
    match e {
        Expr::Logical { op, .. } => {
            let mut items = Vec::new();
            chain_items(e, *op, &mut items);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(logical_text(*op));
                }
                let paren = match item {
                    Expr::Logical { op: inner, .. } => logical_prec(*inner) <= logical_prec(*op),
                    _ => false,
                };
                write_grouped(item, paren, out);
            }
        }
        Expr::Not { expr, .. } => {
            out.push('!');
            write_grouped(expr, matches!(**expr, Expr::Logical { .. }), out);
        }
        Expr::Relation(r) => write_relation(r, out),
        Expr::Test(a) => write_arith(a, out),
    }
}

fn write_grouped(e: &Expr, paren: bool, out: &mut String) {
    if paren {
        out.push('(');
        write_expr(e, out);
        out.push(')');
    } else {
        write_expr(e, out);
    }
}

/// The operands of the run of `op` rooted at `e`, descending only where the tree has the
/// parser's balanced shape (`syntax::balanced`: left half `n / 2` operands), so that the flat text parses back
/// to the same tree. Operands that are themselves `op` nodes get parentheses.
fn chain_items<'e>(e: &'e Expr, op: LogicalOp, out: &mut Vec<&'e Expr>) {
    let Expr::Logical {
        op: this, lhs, rhs, ..
    } = e
    else {
        out.push(e);
        return;
    };
    if *this != op {
        out.push(e);
        return;
    }
    let mut left = Vec::new();
    let mut right = Vec::new();
    chain_items(lhs, op, &mut left);
    chain_items(rhs, op, &mut right);
    let fits = |l: usize, r: usize| l == (l + r) / 2;
    let (l, r) = (left.len(), right.len());
    if fits(l, r) {
        out.extend(left);
        out.extend(right);
    } else if fits(l, 1) {
        out.extend(left);
        out.push(rhs);
    } else if fits(1, r) {
        out.push(lhs);
        out.extend(right);
    } else {
        out.push(lhs);
        out.push(rhs);
    }
}

fn rel_text(op: RelOp) -> &'static str {
    match op {
        RelOp::AnyEq => "==",
        RelOp::AllNe => "!=",
        RelOp::AllEq => "===",
        RelOp::AnyNe => "!==",
        RelOp::Gt => ">",
        RelOp::Ge => ">=",
        RelOp::Lt => "<",
        RelOp::Le => "<=",
        RelOp::Contains => "contains",
        RelOp::Matches => "matches",
        RelOp::In => "in",
        RelOp::NotIn => "not in",
    }
}

fn write_relation(r: &Relation, out: &mut String) {
    match r.quantifier {
        Some(Quantifier::Any) => out.push_str("any "),
        Some(Quantifier::All) => out.push_str("all "),
        None => {}
    }
    write_arith(&r.lhs, out);
    out.push(' ');
    out.push_str(rel_text(r.op));
    out.push(' ');
    match &r.rhs {
        Rhs::Value(a) => write_arith(a, out),
        Rhs::Set { elements, .. } => {
            out.push('{');
            for (i, el) in elements.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match el {
                    SetElement::One(a) => write_arith(a, out),
                    SetElement::Range(lo, hi) => {
                        write_arith(lo, out);
                        out.push_str("..");
                        let at = out.len();
                        write_arith(hi, out);
                        // `1...5` would scan as `1 .. .5` but `..` then a `.` field needs a gap.
                        if out.as_bytes().get(at) == Some(&b'.') {
                            out.insert(at, ' ');
                        }
                    }
                }
            }
            out.push('}');
        }
    }
}

fn arith_prec(a: &Arith) -> u8 {
    match a {
        Arith::Binary { op, .. } => binop_prec(*op),
        Arith::Unary { .. } => 4,
        Arith::Entity(_) => 5,
    }
}

fn binop_prec(op: ArithOp) -> u8 {
    match op {
        ArithOp::BitAnd => 1,
        ArithOp::Add | ArithOp::Sub => 2,
        ArithOp::Mul | ArithOp::Div | ArithOp::Mod => 3,
    }
}

fn write_arith(a: &Arith, out: &mut String) {
    match a {
        Arith::Entity(e) => write_entity(e, out),
        Arith::Unary { op, expr, .. } => {
            out.push(match op {
                UnaryOp::Minus => '-',
                UnaryOp::Plus => '+',
            });
            write_braced(expr, !matches!(**expr, Arith::Entity(_)), out);
        }
        Arith::Binary { op, lhs, rhs, .. } => {
            let p = binop_prec(*op);
            write_braced(lhs, arith_prec(lhs) < p, out);
            out.push_str(match op {
                ArithOp::BitAnd => " & ",
                ArithOp::Add => " + ",
                ArithOp::Sub => " - ",
                ArithOp::Mul => " * ",
                ArithOp::Div => " / ",
                ArithOp::Mod => " % ",
            });
            // Left-associative: an equal-precedence right operand needs braces.
            write_braced(rhs, arith_prec(rhs) <= p, out);
        }
    }
}

fn write_braced(a: &Arith, brace: bool, out: &mut String) {
    if brace {
        out.push('{');
        write_arith(a, out);
        out.push('}');
    } else {
        write_arith(a, out);
    }
}

fn write_entity(e: &Entity, out: &mut String) {
    match e {
        Entity::Word { text, .. } => out.push_str(text),
        Entity::Field(f) => write_field(f, out),
        Entity::String { value, raw, .. } => write_string(value, *raw, out),
        Entity::Char { value, .. } => write_char(*value, out),
        Entity::Slice { base, ranges, .. } => {
            write_entity(base, out);
            write_ranges(ranges, out);
        }
        Entity::Function { name, args, .. } => {
            out.push_str(name);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_arith(a, out);
            }
            out.push(')');
        }
        Entity::Reference { field, .. } => {
            out.push_str("${");
            write_field(field, out);
            out.push('}');
        }
    }
}

fn write_field(f: &FieldRef, out: &mut String) {
    if f.raw {
        out.push('@');
    }
    if f.leading_dot {
        out.push('.');
    }
    out.push_str(&f.name);
    if let Some(layer) = &f.layer {
        out.push('#');
        match layer.ranges.as_slice() {
            [SliceRange::Single(n)] if *n >= 0 => {
                let _ = write!(out, "{n}");
            }
            ranges => write_ranges(ranges, out),
        }
    }
}

fn write_ranges(ranges: &[SliceRange], out: &mut String) {
    out.push('[');
    for (i, r) in ranges.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = match r {
            SliceRange::Len { start, len } => write!(out, "{start}:{len}"),
            SliceRange::Span { start, end } => write!(out, "{start}-{end}"),
            SliceRange::Single(i) => write!(out, "{i}"),
            SliceRange::ToEnd(i) => write!(out, "{i}:"),
        };
    }
    out.push(']');
}

/// Whether `value` reads back unchanged from `r"value"`: every `"` escaped, no lone
/// backslash at the end.
fn raw_representable(value: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&c) = value.get(i) {
        match c {
            b'"' => return false,
            b'\\' => {
                if value.get(i + 1).is_none() {
                    return false;
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    true
}

fn write_string(value: &[u8], raw: bool, out: &mut String) {
    if raw {
        if let Ok(s) = std::str::from_utf8(value) {
            if raw_representable(value) {
                out.push_str("r\"");
                out.push_str(s);
                out.push('"');
                return;
            }
        }
    }
    out.push('"');
    for chunk in value.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        let _ = write!(out, "\\x{b:02x}");
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push('"');
}

fn write_char(v: u32, out: &mut String) {
    let _ = match v {
        0x27 => write!(out, "'\\''"),
        0x5c => write!(out, "'\\\\'"),
        0x20..=0x7e => write!(out, "'{}'", char::from_u32(v).unwrap_or('?')),
        0..=0xff => write!(out, "'\\x{v:02x}'"),
        0x100..=0xffff => write!(out, "'\\u{v:04x}'"),
        _ => write!(out, "'\\U{v:08x}'"),
    };
}
