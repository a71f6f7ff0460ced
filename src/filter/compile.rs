//! The compiler and evaluator: typed tree → [`Filter`], and `Filter` × packet → bool.
//!
//! Constants are converted once, here (byte strings go to a table, regexes and substring
//! finders are built once). Evaluation walks the compiled tree; each operand yields a list of
//! values onto a per-thread scratch stack, so that steady-state evaluation does not allocate
//! (byte results of slices and functions go to a scratch arena, referenced by offset).
//! Multi-occurrence semantics live in one place: [`quantified`].

use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt::Write as _;

use memchr::memmem;

use super::ast::{ArithOp, SliceRange};
use super::check::{CmpOp, FieldSel, Func, SetItem, TValue, Test, ValueKind};
use super::error::Warning;
use super::literal::{v4_mask, v6_mask, Const};
use super::prefilter::Prefilter;
use crate::dissect::{ByteRange, Interest, Item, Packet, Value};
use crate::registry::{self, FieldId, FieldType};

/// A compiled display filter. `Send + Sync`: share one across threads by reference.
#[derive(Clone, Debug)]
pub struct Filter {
    root: Option<Node>,
    consts: Vec<Vec<u8>>,
    interest: Interest,
    warnings: Vec<Warning>,
    canonical: String,
    references: bool,
    prefilter: Option<Prefilter>,
}

/// Which field occurrences to read, resolved for evaluation.
#[derive(Clone, Debug)]
struct Sel {
    id: FieldId,
    /// The field's protocol, for `#-1` (counting layers).
    proto: Option<FieldId>,
    layer: Option<Vec<SliceRange>>,
    raw: bool,
}

#[derive(Clone, Debug)]
enum Val {
    Field(Sel),
    Reference(Sel),
    /// `len()` of a field whose value is not a byte sequence: the length it spans.
    FieldLen(Sel),
    Count(Sel),
    Const(Rv, FieldType),
    Slice(Box<Val>, Vec<SliceRange>),
    Func(Func, Vec<Val>),
    Arith(ArithOp, Box<Val>, Box<Val>),
    Neg(Box<Val>),
}

#[derive(Clone, Debug)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Xor(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Exists(Val),
    Truthy(Val, bool),
    Compare {
        all: bool,
        op: CmpOp,
        lhs: Val,
        rhs: Val,
    },
    Contains {
        all: bool,
        lhs: Val,
        rhs: Val,
        /// A constant needle, searched with a prebuilt finder.
        finder: Option<Box<memmem::Finder<'static>>>,
    },
    Matches {
        all: bool,
        lhs: Val,
        regex: regex::bytes::Regex,
        pattern: String,
    },
    In {
        all: bool,
        lhs: Val,
        set: Vec<(Val, Option<Val>)>,
    },
}

/// Where a byte value lives during evaluation.
#[derive(Clone, Copy, Debug, PartialEq)]
enum BRef {
    Pkt(ByteRange),
    Ref(ByteRange),
    Arena(u32, u32),
    Const(u32),
}

/// A value during evaluation (left- or right-hand side).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rv {
    None,
    Int(i128),
    Float(f64),
    Bool(bool),
    V4(u32, u8),
    V6(u128, u8),
    Ether([u8; 6]),
    Abs(i64),
    Rel(i64),
    Bytes(BRef),
}

/// Per-thread evaluation scratch: a value stack and a byte arena.
#[derive(Default)]
struct Scratch {
    vals: Vec<Rv>,
    arena: Vec<u8>,
    /// Set while the left side of `contains`/`matches` is pushed: a protocol's value is then its
    /// whole tvb (Wireshark searches the payload too, see `Packet::protocol_tvb`).
    protocol_tvb: bool,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

struct Ctx<'a> {
    p: &'a Packet<'a>,
    r: Option<&'a Packet<'a>>,
    consts: &'a [Vec<u8>],
}

impl Filter {
    /// Build the program from a checked filter. `canonical` is the filter's printed form.
    pub fn new(test: Option<&Test>, warnings: Vec<Warning>, canonical: String) -> Filter {
        let mut b = Builder {
            consts: Vec::new(),
            interest: Interest::none(),
            references: false,
            protos: Vec::new(),
        };
        let root = test.map(|t| b.node(t));
        Filter {
            root,
            consts: b.consts,
            interest: b.interest,
            warnings,
            canonical,
            references: b.references,
            prefilter: test.and_then(Prefilter::new),
        }
    }

    /// The test on raw frame bytes that rejects frames this filter cannot match, if it has one.
    pub fn prefilter(&self) -> Option<&Prefilter> {
        self.prefilter.as_ref()
    }

    /// Does the packet pass the filter? An empty filter passes everything.
    pub fn matches(&self, p: &Packet) -> bool {
        self.matches_with_reference(p, None)
    }

    /// As [`Filter::matches`], with `${field}` read from `reference` (no reference frame: the
    /// reference has no value, so comparisons with it are false, as in tshark).
    pub fn matches_with_reference(&self, p: &Packet, reference: Option<&Packet>) -> bool {
        let Some(root) = &self.root else {
            return true;
        };
        let ctx = Ctx {
            p,
            r: reference,
            consts: &self.consts,
        };
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => {
                s.vals.clear();
                s.arena.clear();
                eval(root, &ctx, &mut s)
            }
            Err(_) => eval(root, &ctx, &mut Scratch::default()),
        })
    }

    /// Every field and protocol the filter reads.
    pub fn interest(&self) -> &Interest {
        &self.interest
    }
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
    pub fn canonical(&self) -> &str {
        &self.canonical
    }
    /// Does the filter use `${field}`?
    pub fn references(&self) -> bool {
        self.references
    }

    /// The compiled plan as a listing in the spirit of `dftest`: the fields read into registers,
    /// the typed constants, the tests and the jumps that short-circuit them.
    pub fn explain(&self) -> String {
        let mut e = Explainer {
            lines: Vec::new(),
            labels: Vec::new(),
            regs: 0,
            consts: &self.consts,
        };
        let mut out = String::new();
        let _ = writeln!(out, "Filter: {}", self.canonical);
        out.push_str("Constants:\n");
        let mut any = false;
        if let Some(root) = &self.root {
            collect_consts(root, &self.consts, &mut out, &mut any);
        }
        if !any {
            out.push_str("    (none)\n");
        }
        out.push_str("Instructions:\n");
        match &self.root {
            None => e.lines.push(Line::Text("ACCEPT_ALL".into())),
            Some(root) => e.node(root),
        }
        e.lines.push(Line::Text("RETURN".into()));
        for (i, line) in e.lines.iter().enumerate() {
            let text = match line {
                Line::Text(t) => t.clone(),
                Line::Jump(kind, label) => {
                    let target = e.labels.get(*label).copied().flatten().unwrap_or(0);
                    format!("{kind} {target}")
                }
            };
            let _ = writeln!(out, "{i:04} {text}");
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Compilation

struct Builder {
    consts: Vec<Vec<u8>>,
    interest: Interest,
    references: bool,
    /// The protocol of each field, looked up once per field (indexed by `FieldId`).
    protos: Vec<Option<Option<FieldId>>>,
}

impl Builder {
    fn node(&mut self, t: &Test) -> Node {
        match t {
            Test::And(v) => Node::And(v.iter().map(|t| self.node(t)).collect()),
            Test::Or(v) => Node::Or(v.iter().map(|t| self.node(t)).collect()),
            Test::Xor(a, b) => Node::Xor(Box::new(self.node(a)), Box::new(self.node(b))),
            Test::Not(a) => Node::Not(Box::new(self.node(a))),
            Test::Exists(v) => Node::Exists(self.val(v)),
            Test::Truthy {
                value,
                nonzero_bytes,
            } => Node::Truthy(self.val(value), *nonzero_bytes),
            Test::Compare { all, op, lhs, rhs } => Node::Compare {
                all: *all,
                op: *op,
                lhs: self.val(lhs),
                rhs: self.val(rhs),
            },
            Test::Contains { all, lhs, rhs } => {
                let finder = match &rhs.kind {
                    ValueKind::Const(Const::Bytes(b)) => {
                        Some(Box::new(memmem::Finder::new(b).into_owned()))
                    }
                    _ => None,
                };
                Node::Contains {
                    all: *all,
                    lhs: self.val(lhs),
                    rhs: self.val(rhs),
                    finder,
                }
            }
            Test::Matches {
                all,
                lhs,
                regex,
                pattern,
            } => Node::Matches {
                all: *all,
                lhs: self.val(lhs),
                regex: regex.clone(),
                pattern: pattern.clone(),
            },
            Test::In { all, lhs, set } => Node::In {
                all: *all,
                lhs: self.val(lhs),
                set: set
                    .iter()
                    .map(|s| match s {
                        SetItem::One(v) => (self.val(v), None),
                        SetItem::Range(a, b) => (self.val(a), Some(self.val(b))),
                    })
                    .collect(),
            },
        }
    }

    fn sel(&mut self, s: &FieldSel) -> Sel {
        self.interest.add(s.id);
        if self.protos.is_empty() {
            self.protos = vec![None; registry::len()];
        }
        let proto = match self.protos.get(s.id.index()).copied().flatten() {
            Some(p) => p,
            None => {
                let p = registry::lookup(registry::def(s.id).protocol());
                if let Some(slot) = self.protos.get_mut(s.id.index()) {
                    *slot = Some(p);
                }
                p
            }
        };
        if let Some(p) = proto {
            self.interest.add(p);
        }
        Sel {
            id: s.id,
            proto,
            layer: s.layer.clone(),
            raw: s.raw,
        }
    }

    fn val(&mut self, v: &TValue) -> Val {
        match &v.kind {
            ValueKind::Field(s) => Val::Field(self.sel(s)),
            ValueKind::Reference(s) => {
                self.references = true;
                Val::Reference(self.sel(s))
            }
            ValueKind::Const(c) => {
                let rv = match c {
                    Const::Int(i) => Rv::Int(*i),
                    Const::Float(f) => Rv::Float(*f),
                    Const::Bool(b) => Rv::Bool(*b),
                    Const::Ipv4(a, b) => Rv::V4(*a, *b),
                    Const::Ipv6(a, b) => Rv::V6(*a, *b),
                    Const::Ether(e) => Rv::Ether(*e),
                    Const::Eui64(e) => Rv::Int(i128::from(*e)),
                    Const::AbsTime(t) => Rv::Abs(*t),
                    Const::RelTime(t) => Rv::Rel(*t),
                    Const::Bytes(b) => {
                        self.consts.push(b.clone());
                        Rv::Bytes(BRef::Const((self.consts.len() - 1) as u32))
                    }
                };
                Val::Const(rv, v.ty)
            }
            ValueKind::Slice { base, ranges } => {
                Val::Slice(Box::new(self.val(base)), ranges.clone())
            }
            ValueKind::Func { func, args } => match (func, args.first()) {
                (
                    Func::Count,
                    Some(TValue {
                        kind: ValueKind::Field(s),
                        ..
                    }),
                ) => Val::Count(self.sel(s)),
                (
                    Func::Len,
                    Some(
                        a @ TValue {
                            kind: ValueKind::Field(s),
                            ..
                        },
                    ),
                ) if !s.raw && !a.ty.is_bytes_like() && !a.ty.is_string() => {
                    Val::FieldLen(self.sel(s))
                }
                _ => Val::Func(*func, args.iter().map(|a| self.val(a)).collect()),
            },
            ValueKind::Arith { op, lhs, rhs } => {
                Val::Arith(*op, Box::new(self.val(lhs)), Box::new(self.val(rhs)))
            }
            ValueKind::Neg(a) => Val::Neg(Box::new(self.val(a))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

fn eval(n: &Node, c: &Ctx, s: &mut Scratch) -> bool {
    match n {
        Node::And(v) => v.iter().all(|n| eval(n, c, s)),
        Node::Or(v) => v.iter().any(|n| eval(n, c, s)),
        Node::Xor(a, b) => eval(a, c, s) != eval(b, c, s),
        Node::Not(a) => !eval(a, c, s),
        Node::Exists(v) => with_values(s, |s| {
            let start = s.vals.len();
            push_vals(v, c, s) && s.vals.len() > start
        }),
        Node::Truthy(v, nonzero_bytes) => with_values(s, |s| {
            let start = s.vals.len();
            if !push_vals(v, c, s) {
                return false;
            }
            s.vals
                .get(start..)
                .unwrap_or(&[])
                .iter()
                .any(|rv| truthy(rv, *nonzero_bytes, c, &s.arena))
        }),
        Node::Compare { all, op, lhs, rhs } => with_values(s, |s| {
            let Some((l, r)) = two_lists(lhs, rhs, c, s) else {
                return false;
            };
            let (vals, arena) = (&s.vals, &s.arena);
            let (l, r) = (
                vals.get(l.0..l.1).unwrap_or(&[]),
                vals.get(r.0..r.1).unwrap_or(&[]),
            );
            quantified(*all, l, r, |a, b| compare(*op, a, b, c, arena))
        }),
        Node::Contains {
            all,
            lhs,
            rhs,
            finder,
        } => with_values(s, |s| {
            s.protocol_tvb = true;
            let lists = two_lists(lhs, rhs, c, s);
            s.protocol_tvb = false;
            let Some((l, r)) = lists else {
                return false;
            };
            let (vals, arena) = (&s.vals, &s.arena);
            let (l, r) = (
                vals.get(l.0..l.1).unwrap_or(&[]),
                vals.get(r.0..r.1).unwrap_or(&[]),
            );
            quantified(*all, l, r, |a, b| {
                let hay = bytes_of(a, c, arena);
                match finder {
                    Some(f) => f.find(hay).is_some(),
                    None => memmem::find(hay, bytes_of(b, c, arena)).is_some(),
                }
            })
        }),
        Node::Matches {
            all, lhs, regex, ..
        } => with_values(s, |s| {
            let start = s.vals.len();
            s.protocol_tvb = true;
            let pushed = push_vals(lhs, c, s);
            s.protocol_tvb = false;
            if !pushed {
                return false;
            }
            let (vals, arena) = (&s.vals, &s.arena);
            let l = vals.get(start..).unwrap_or(&[]);
            quantified(*all, l, &[Rv::None], |a, _| {
                regex.is_match(bytes_of(a, c, arena))
            })
        }),
        Node::In { all, lhs, set } => with_values(s, |s| {
            let start = s.vals.len();
            if !push_vals(lhs, c, s) {
                return false;
            }
            let end = s.vals.len();
            // `all x in {..}`: every value is in the set — the post-4.0 meaning (4.0.17
            // expanded the set element-wise and answered false).
            for i in start..end {
                let Some(&v) = s.vals.get(i) else { break };
                let member = in_set(&v, set, c, s);
                if member && !*all {
                    return true;
                }
                if !member && *all {
                    return false;
                }
            }
            *all
        }),
    }
}

/// Is `v` in the set? Constant elements compare directly; others (post-4.0 fields in sets)
/// are evaluated onto the stack and dropped again.
fn in_set(v: &Rv, set: &[(Val, Option<Val>)], c: &Ctx, s: &mut Scratch) -> bool {
    for (lo, hi) in set {
        let hit = match (lo, hi) {
            (Val::Const(k, _), None) => compare(CmpOp::Eq, v, k, c, &s.arena),
            (Val::Const(a, _), Some(Val::Const(b, _))) => {
                compare(CmpOp::Ge, v, a, c, &s.arena) && compare(CmpOp::Le, v, b, c, &s.arena)
            }
            _ => with_values(s, |s| {
                let a0 = s.vals.len();
                if !push_vals(lo, c, s) {
                    return false;
                }
                let a1 = s.vals.len();
                match hi {
                    None => s
                        .vals
                        .get(a0..a1)
                        .unwrap_or(&[])
                        .iter()
                        .any(|k| compare(CmpOp::Eq, v, k, c, &s.arena)),
                    Some(hi) => {
                        if !push_vals(hi, c, s) {
                            return false;
                        }
                        let (vals, arena) = (&s.vals, &s.arena);
                        let los = vals.get(a0..a1).unwrap_or(&[]);
                        let his = vals.get(a1..).unwrap_or(&[]);
                        los.iter().any(|lo| {
                            his.iter().any(|hi| {
                                compare(CmpOp::Ge, v, lo, c, arena)
                                    && compare(CmpOp::Le, v, hi, c, arena)
                            })
                        })
                    }
                }
            }),
        };
        if hit {
            return true;
        }
    }
    false
}

/// Run a test that uses the value stack, then drop what it pushed.
fn with_values(s: &mut Scratch, f: impl FnOnce(&mut Scratch) -> bool) -> bool {
    let (v, a) = (s.vals.len(), s.arena.len());
    let r = f(s);
    s.vals.truncate(v);
    s.arena.truncate(a);
    r
}

/// Evaluate both operands; None when a field operand is absent.
fn two_lists(
    lhs: &Val,
    rhs: &Val,
    c: &Ctx,
    s: &mut Scratch,
) -> Option<((usize, usize), (usize, usize))> {
    let a = s.vals.len();
    if !push_vals(lhs, c, s) {
        return None;
    }
    let b = s.vals.len();
    if !push_vals(rhs, c, s) {
        return None;
    }
    Some(((a, b), (b, s.vals.len())))
}

/// The one place multi-occurrence semantics live: a test over the cross product of two value
/// lists, any (some pair passes) or all (every pair passes). An empty product passes `all`
/// vacuously: existence of fields is checked before (see `push_vals`).
fn quantified(all: bool, l: &[Rv], r: &[Rv], mut pass: impl FnMut(&Rv, &Rv) -> bool) -> bool {
    for a in l {
        for b in r {
            let m = pass(a, b);
            if all && !m {
                return false;
            }
            if !all && m {
                return true;
            }
        }
    }
    all
}

fn item_rv(item: &Item, raw: bool, reference: bool) -> Rv {
    let b = |r: ByteRange| {
        Rv::Bytes(if reference {
            BRef::Ref(r)
        } else {
            BRef::Pkt(r)
        })
    };
    if raw {
        return b(item.pos);
    }
    match item.value {
        Value::None => Rv::None,
        Value::Bool(v) => Rv::Bool(v),
        Value::UInt(v) => Rv::Int(i128::from(v)),
        Value::Int(v) => Rv::Int(i128::from(v)),
        Value::Float(v) => Rv::Float(v),
        Value::Ipv4(a) => Rv::V4(a, 32),
        Value::Ipv6(a) => Rv::V6(a, 128),
        Value::Ether(e) => Rv::Ether(e),
        Value::Eui64(e) => Rv::Int(i128::from(e)),
        Value::AbsTime(t) => Rv::Abs(t),
        Value::RelTime(t) => Rv::Rel(t),
        Value::Bytes(r) | Value::Str(r) | Value::Protocol(r) => b(r),
    }
}

/// Resolve one slice range against a length: `(start, end)` or None when out of range.
fn resolve_range(r: SliceRange, len: usize) -> Option<(usize, usize)> {
    let len_i = len as i64;
    let abs = |i: i64| if i < 0 { len_i + i } else { i };
    let (start, end) = match r {
        SliceRange::Len { start, len } => {
            let s = abs(start);
            (s, s.checked_add(len)?)
        }
        SliceRange::Span { start, end } => (abs(start), abs(end).checked_add(1)?),
        SliceRange::Single(i) => {
            let s = abs(i);
            (s, s.checked_add(1)?)
        }
        SliceRange::ToEnd(i) => (abs(i), len_i),
    };
    if start < 0 || end < start || end > len_i {
        return None;
    }
    Some((start as usize, end as usize))
}

fn layer_selected(layer: u16, ranges: &[SliceRange], count: u16) -> bool {
    // Layers are numbered from 1: index layer-1 in a list of `count` layers.
    let idx = usize::from(layer).wrapping_sub(1);
    ranges.iter().any(|r| {
        let r = match *r {
            // `#2` is the second layer; offsets in brackets count from 1 as well.
            SliceRange::Single(i) if i > 0 => SliceRange::Single(i - 1),
            SliceRange::Span { start, end } if start > 0 => SliceRange::Span {
                start: start - 1,
                end: if end > 0 { end - 1 } else { end },
            },
            SliceRange::Len { start, len } if start > 0 => SliceRange::Len {
                start: start - 1,
                len,
            },
            SliceRange::ToEnd(i) if i > 0 => SliceRange::ToEnd(i - 1),
            SliceRange::Single(0) | SliceRange::ToEnd(0) => return false,
            other => other,
        };
        resolve_range(r, usize::from(count)).is_some_and(|(s, e)| s <= idx && idx < e)
    })
}

fn push_field(sel: &Sel, c: &Ctx, s: &mut Scratch, reference: bool) -> bool {
    let p = if reference {
        match c.r {
            Some(r) => r,
            None => return false,
        }
    } else {
        c.p
    };
    let count = match (&sel.layer, sel.proto) {
        (Some(_), Some(proto)) => p.layer_count(proto),
        _ => 0,
    };
    let start = s.vals.len();
    for item in p.values(sel.id) {
        if let Some(ranges) = &sel.layer {
            if !layer_selected(item.layer, ranges, count) {
                continue;
            }
        }
        let rv = match p.protocol_tvb(item) {
            Some(tvb) if s.protocol_tvb && !sel.raw => Rv::Bytes(if reference {
                BRef::Ref(tvb)
            } else {
                BRef::Pkt(tvb)
            }),
            _ => item_rv(item, sel.raw, reference),
        };
        s.vals.push(rv);
    }
    s.vals.len() > start
}

fn arena_ref(start: usize, len: usize) -> Rv {
    Rv::Bytes(BRef::Arena(start as u32, len as u32))
}

/// Push the values of `v`; false when a field it reads is absent (the relation is then false).
fn push_vals(v: &Val, c: &Ctx, s: &mut Scratch) -> bool {
    match v {
        Val::Field(sel) => push_field(sel, c, s, false),
        Val::Reference(sel) => push_field(sel, c, s, true),
        Val::FieldLen(sel) => {
            let start = s.vals.len();
            let count = match (&sel.layer, sel.proto) {
                (Some(_), Some(proto)) => c.p.layer_count(proto),
                _ => 0,
            };
            for item in c.p.values(sel.id) {
                if let Some(ranges) = &sel.layer {
                    if !layer_selected(item.layer, ranges, count) {
                        continue;
                    }
                }
                // A protocol's length is its value's (`len(tcp)` counts the payload).
                let len = match item.value {
                    Value::Protocol(r) => r.len,
                    _ => item.pos.len,
                };
                s.vals.push(Rv::Int(i128::from(len)));
            }
            s.vals.len() > start
        }
        Val::Count(sel) => {
            let count = match (&sel.layer, sel.proto) {
                (Some(_), Some(proto)) => c.p.layer_count(proto),
                _ => 0,
            };
            let n =
                c.p.values(sel.id)
                    .filter(|i| {
                        sel.layer
                            .as_ref()
                            .is_none_or(|r| layer_selected(i.layer, r, count))
                    })
                    .count();
            if n == 0 {
                return false;
            }
            s.vals.push(Rv::Int(n as i128));
            true
        }
        Val::Const(rv, _) => {
            s.vals.push(*rv);
            true
        }
        Val::Slice(base, ranges) => {
            let start = s.vals.len();
            // A slice of a protocol is taken from its value, even under `contains`.
            let tvb = std::mem::take(&mut s.protocol_tvb);
            let pushed = push_vals(base, c, s);
            s.protocol_tvb = tvb;
            if !pushed {
                return false;
            }
            let end = s.vals.len();
            for i in start..end {
                let Some(&rv) = s.vals.get(i) else { break };
                if let Some(out) = slice_value(&rv, ranges, c, s) {
                    s.vals.push(out);
                }
            }
            s.vals.drain(start..end);
            true
        }
        Val::Neg(a) => {
            let start = s.vals.len();
            if !push_vals(a, c, s) {
                return false;
            }
            for rv in s.vals.get_mut(start..).unwrap_or(&mut []) {
                *rv = match *rv {
                    Rv::Int(i) => i.checked_neg().map_or(Rv::None, Rv::Int),
                    Rv::Float(f) => Rv::Float(-f),
                    Rv::Rel(t) => t.checked_neg().map_or(Rv::None, Rv::Rel),
                    other => other,
                };
            }
            true
        }
        Val::Arith(op, l, r) => {
            let a = s.vals.len();
            if !push_vals(l, c, s) {
                return false;
            }
            let b = s.vals.len();
            if !push_vals(r, c, s) {
                return false;
            }
            let e = s.vals.len();
            for i in a..b {
                for j in b..e {
                    let (Some(&x), Some(&y)) = (s.vals.get(i), s.vals.get(j)) else {
                        break;
                    };
                    if let Some(out) = arith(*op, &x, &y, c, s) {
                        s.vals.push(out);
                    }
                }
            }
            s.vals.drain(a..e);
            true
        }
        Val::Func(f, args) => push_func(*f, args, c, s),
    }
}

fn push_func(f: Func, args: &[Val], c: &Ctx, s: &mut Scratch) -> bool {
    let start = s.vals.len();
    for a in args {
        if !push_vals(a, c, s) {
            return false;
        }
    }
    let end = s.vals.len();
    match f {
        Func::Max | Func::Min => {
            let mut best: Option<Rv> = None;
            for i in start..end {
                let Some(&v) = s.vals.get(i) else { break };
                let better = match &best {
                    None => true,
                    Some(b) => {
                        let o = order(&v, b, c, &s.arena);
                        if f == Func::Max {
                            o == Some(Ordering::Greater)
                        } else {
                            o == Some(Ordering::Less)
                        }
                    }
                };
                if better {
                    best = Some(v);
                }
            }
            s.vals.truncate(start);
            if let Some(b) = best {
                s.vals.push(b);
            }
        }
        _ => {
            for i in start..end {
                let Some(&v) = s.vals.get(i) else { break };
                let out = match f {
                    Func::Len => Some(Rv::Int(bytes_len(&v, c, &s.arena) as i128)),
                    Func::Abs => Some(match v {
                        Rv::Int(i) => i.checked_abs().map_or(Rv::None, Rv::Int),
                        Rv::Float(x) => Rv::Float(x.abs()),
                        Rv::Rel(t) => t.checked_abs().map_or(Rv::None, Rv::Rel),
                        other => other,
                    }),
                    Func::Lower | Func::Upper => {
                        let at = s.arena.len();
                        match v {
                            Rv::Bytes(BRef::Arena(st, l)) => {
                                let r = st as usize..st as usize + l as usize;
                                if r.end <= s.arena.len() {
                                    s.arena.extend_from_within(r);
                                }
                            }
                            _ => s.arena.extend_from_slice(bytes_of(&v, c, &[])),
                        }
                        let new = s.arena.get_mut(at..).unwrap_or(&mut []);
                        if f == Func::Lower {
                            new.make_ascii_lowercase();
                        } else {
                            new.make_ascii_uppercase();
                        }
                        Some(arena_ref(at, s.arena.len() - at))
                    }
                    Func::String => {
                        let at = s.arena.len();
                        format_value(&v, &mut s.arena);
                        Some(arena_ref(at, s.arena.len() - at))
                    }
                    Func::Count | Func::Max | Func::Min => None,
                };
                if let Some(o) = out {
                    s.vals.push(o);
                }
            }
            s.vals.drain(start..end);
        }
    }
    true
}

/// The text `string()` gives a value: tshark 4.0's filter representation (integers in decimal
/// whatever their display base, as `string(tcp.flags) == "24"` shows on tshark 4.0.17).
fn format_value(v: &Rv, out: &mut Vec<u8>) {
    use std::io::Write as _;
    let _ = match *v {
        Rv::Int(i) => write!(out, "{i}"),
        Rv::Float(f) => write!(out, "{f}"),
        Rv::Bool(b) => write!(out, "{}", u8::from(b)),
        Rv::V4(a, _) => write!(out, "{}", std::net::Ipv4Addr::from(a)),
        Rv::V6(a, _) => write!(out, "{}", std::net::Ipv6Addr::from(a)),
        Rv::Ether(e) => write!(
            out,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            e[0], e[1], e[2], e[3], e[4], e[5]
        ),
        Rv::Abs(_) | Rv::Rel(_) | Rv::None | Rv::Bytes(_) => Ok(()),
    };
}

fn slice_value(rv: &Rv, ranges: &[SliceRange], c: &Ctx, s: &mut Scratch) -> Option<Rv> {
    // Addresses slice as their network-order bytes.
    let owned: Option<([u8; 16], usize)> = match *rv {
        Rv::V4(a, _) => {
            let mut b = [0u8; 16];
            b[..4].copy_from_slice(&a.to_be_bytes());
            Some((b, 4))
        }
        Rv::V6(a, _) => Some((a.to_be_bytes(), 16)),
        _ => None,
    };
    let len = match &owned {
        Some((_, n)) => *n,
        None => bytes_len(rv, c, &s.arena),
    };
    if let ([r], None) = (ranges, &owned) {
        // One range of a packet or arena value: a sub-range, no copy.
        let (a, e) = resolve_range(*r, len)?;
        let sub = |start: u32| (start + a as u32, (e - a) as u32);
        match rv {
            Rv::Bytes(BRef::Pkt(br)) => {
                let (st, l) = sub(br.start);
                return Some(Rv::Bytes(BRef::Pkt(ByteRange {
                    source: br.source,
                    start: st,
                    len: l,
                })));
            }
            Rv::Bytes(BRef::Ref(br)) => {
                let (st, l) = sub(br.start);
                return Some(Rv::Bytes(BRef::Ref(ByteRange {
                    source: br.source,
                    start: st,
                    len: l,
                })));
            }
            Rv::Bytes(BRef::Arena(st, _)) => {
                let (st, l) = sub(*st);
                return Some(Rv::Bytes(BRef::Arena(st, l)));
            }
            _ => {}
        }
    }
    // Every range must be in bounds, or the slice has no value.
    if ranges.iter().any(|r| resolve_range(*r, len).is_none()) {
        return None;
    }
    let at = s.arena.len();
    for r in ranges {
        let Some((a, e)) = resolve_range(*r, len) else {
            continue;
        };
        match &owned {
            Some((b, _)) => s.arena.extend_from_slice(b.get(a..e).unwrap_or(&[])),
            None => match rv {
                Rv::Bytes(BRef::Arena(st, _)) => {
                    let r = *st as usize + a..*st as usize + e;
                    if r.end <= at {
                        s.arena.extend_from_within(r);
                    }
                }
                _ => {
                    let src = bytes_of(rv, c, &[]);
                    s.arena.extend_from_slice(src.get(a..e).unwrap_or(&[]));
                }
            },
        }
    }
    Some(arena_ref(at, s.arena.len() - at))
}

fn bytes_of<'x>(v: &'x Rv, c: &'x Ctx, arena: &'x [u8]) -> &'x [u8] {
    match v {
        Rv::Bytes(BRef::Pkt(r)) => c.p.bytes(*r),
        Rv::Bytes(BRef::Ref(r)) => c.r.map_or(&[], |p| p.bytes(*r)),
        Rv::Bytes(BRef::Arena(s, l)) => {
            let s = *s as usize;
            arena.get(s..s + *l as usize).unwrap_or(&[])
        }
        Rv::Bytes(BRef::Const(i)) => c.consts.get(*i as usize).map_or(&[], |v| v.as_slice()),
        Rv::Ether(e) => e,
        _ => &[],
    }
}

fn bytes_len(v: &Rv, c: &Ctx, arena: &[u8]) -> usize {
    match v {
        Rv::V4(..) => 4,
        Rv::V6(..) => 16,
        Rv::Bytes(BRef::Arena(_, l)) => *l as usize,
        _ => bytes_of(v, c, arena).len(),
    }
}

fn truthy(v: &Rv, nonzero_bytes: bool, c: &Ctx, arena: &[u8]) -> bool {
    match v {
        Rv::None => false,
        Rv::Int(i) => *i != 0,
        Rv::Float(f) => *f != 0.0,
        Rv::Bool(b) => *b,
        Rv::V4(a, _) => *a != 0,
        Rv::V6(a, _) => *a != 0,
        Rv::Abs(t) | Rv::Rel(t) => *t != 0,
        Rv::Ether(_) | Rv::Bytes(_) => {
            let b = bytes_of(v, c, arena);
            if nonzero_bytes {
                b.iter().any(|&x| x != 0)
            } else {
                !b.is_empty()
            }
        }
    }
}

fn arith(op: ArithOp, x: &Rv, y: &Rv, c: &Ctx, s: &mut Scratch) -> Option<Rv> {
    use ArithOp as A;
    Some(match (x, y) {
        (Rv::Int(a), Rv::Int(b)) => Rv::Int(match op {
            A::BitAnd => a & b,
            A::Add => a.checked_add(*b)?,
            A::Sub => a.checked_sub(*b)?,
            A::Mul => a.checked_mul(*b)?,
            // Division or modulo by zero: no value (4.0).
            A::Div => a.checked_div(*b)?,
            A::Mod => a.checked_rem(*b)?,
        }),
        (Rv::Float(a), Rv::Float(b)) => Rv::Float(match op {
            A::Add => a + b,
            A::Sub => a - b,
            A::Mul => a * b,
            A::Div if *b == 0.0 => return None,
            A::Div => a / b,
            _ => return None,
        }),
        (Rv::Rel(a), Rv::Rel(b)) => Rv::Rel(match op {
            A::Add => a.checked_add(*b)?,
            A::Sub => a.checked_sub(*b)?,
            _ => return None,
        }),
        (Rv::V4(a, m), Rv::V4(b, n)) if op == A::BitAnd => Rv::V4(a & b, (*m).min(*n)),
        (Rv::V6(a, m), Rv::V6(b, n)) if op == A::BitAnd => Rv::V6(a & b, (*m).min(*n)),
        (Rv::Bool(a), Rv::Bool(b)) if op == A::BitAnd => Rv::Bool(*a && *b),
        _ if op == A::BitAnd => {
            // Byte sequences: AND over the common length.
            let at = s.arena.len();
            let (la, lb) = (bytes_len(x, c, &s.arena), bytes_len(y, c, &s.arena));
            let n = la.min(lb);
            for i in 0..n {
                let a = bytes_of(x, c, &s.arena).get(i).copied().unwrap_or(0);
                let b = bytes_of(y, c, &s.arena).get(i).copied().unwrap_or(0);
                s.arena.push(a & b);
            }
            arena_ref(at, n)
        }
        _ => return None,
    })
}

/// The order of two values of compatible types (None: unordered, such as NaN).
fn order(a: &Rv, b: &Rv, c: &Ctx, arena: &[u8]) -> Option<Ordering> {
    match (a, b) {
        (Rv::Int(x), Rv::Int(y)) => Some(x.cmp(y)),
        (Rv::Bool(x), Rv::Bool(y)) => Some(x.cmp(y)),
        (Rv::Bool(x), Rv::Int(y)) => Some(i128::from(*x).cmp(y)),
        (Rv::Int(x), Rv::Bool(y)) => Some(x.cmp(&i128::from(*y))),
        (Rv::Float(x), Rv::Float(y)) => x.partial_cmp(y),
        (Rv::Float(x), Rv::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Rv::Int(x), Rv::Float(y)) => (*x as f64).partial_cmp(y),
        // Addresses compare under the narrower netmask (CIDR membership and ordering, §3.3).
        (Rv::V4(x, m), Rv::V4(y, n)) => {
            let mask = v4_mask((*m).min(*n));
            Some((x & mask).cmp(&(y & mask)))
        }
        (Rv::V6(x, m), Rv::V6(y, n)) => {
            let mask = v6_mask((*m).min(*n));
            Some((x & mask).cmp(&(y & mask)))
        }
        (Rv::Abs(x), Rv::Abs(y)) | (Rv::Rel(x), Rv::Rel(y)) => Some(x.cmp(y)),
        (Rv::Bytes(_) | Rv::Ether(_), Rv::Bytes(_) | Rv::Ether(_)) => {
            Some(bytes_of(a, c, arena).cmp(bytes_of(b, c, arena)))
        }
        _ => None,
    }
}

fn compare(op: CmpOp, a: &Rv, b: &Rv, c: &Ctx, arena: &[u8]) -> bool {
    let nan_eq = matches!((a, b), (Rv::Float(x), Rv::Float(y)) if x.is_nan() && y.is_nan());
    let o = order(a, b, c, arena);
    match op {
        CmpOp::Eq => nan_eq || o == Some(Ordering::Equal),
        CmpOp::Ne => !(nan_eq || o == Some(Ordering::Equal)),
        CmpOp::Gt => o == Some(Ordering::Greater),
        CmpOp::Ge => matches!(o, Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::Lt => o == Some(Ordering::Less),
        CmpOp::Le => matches!(o, Some(Ordering::Less | Ordering::Equal)),
    }
}

// ---------------------------------------------------------------------------------------------
// explain()

enum Line {
    Text(String),
    Jump(&'static str, usize),
}

struct Explainer<'a> {
    lines: Vec<Line>,
    labels: Vec<Option<usize>>,
    regs: usize,
    consts: &'a [Vec<u8>],
}

fn ty_tag(ty: FieldType) -> String {
    format!("<{}>", ty.ft_name())
}

fn show_bytes(b: &[u8]) -> String {
    if !b.is_empty() && b.iter().all(|c| (0x20..0x7f).contains(c) && *c != b'"') {
        format!("\"{}\"", String::from_utf8_lossy(b))
    } else {
        let hex: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
        if hex.is_empty() {
            "\"\"".into()
        } else {
            hex.join(":")
        }
    }
}

fn show_const(rv: &Rv, ty: FieldType, consts: &[Vec<u8>]) -> String {
    let v = match rv {
        Rv::Int(i) => i.to_string(),
        Rv::Float(f) => f.to_string(),
        Rv::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Rv::V4(a, 32) => std::net::Ipv4Addr::from(*a).to_string(),
        Rv::V4(a, m) => format!("{}/{m}", std::net::Ipv4Addr::from(*a)),
        Rv::V6(a, 128) => std::net::Ipv6Addr::from(*a).to_string(),
        Rv::V6(a, m) => format!("{}/{m}", std::net::Ipv6Addr::from(*a)),
        Rv::Ether(e) => show_bytes(e),
        Rv::Abs(t) => format!(
            "{}.{:09}s since epoch",
            t.div_euclid(1_000_000_000),
            t.rem_euclid(1_000_000_000)
        ),
        Rv::Rel(t) => format!("{}.{:09}s", t / 1_000_000_000, (t % 1_000_000_000).abs()),
        Rv::Bytes(BRef::Const(i)) => {
            show_bytes(consts.get(*i as usize).map_or(&[][..], |v| v.as_slice()))
        }
        Rv::Bytes(_) | Rv::None => "?".into(),
    };
    format!("{v} {}", ty_tag(ty))
}

fn collect_consts(n: &Node, consts: &[Vec<u8>], out: &mut String, any: &mut bool) {
    fn val(v: &Val, consts: &[Vec<u8>], out: &mut String, any: &mut bool) {
        match v {
            Val::Const(rv, ty) => {
                *any = true;
                let _ = writeln!(out, "    {}", show_const(rv, *ty, consts));
            }
            Val::Slice(b, _) | Val::Neg(b) => val(b, consts, out, any),
            Val::Func(_, args) => args.iter().for_each(|a| val(a, consts, out, any)),
            Val::Arith(_, a, b) => {
                val(a, consts, out, any);
                val(b, consts, out, any);
            }
            _ => {}
        }
    }
    match n {
        Node::And(v) | Node::Or(v) => v.iter().for_each(|n| collect_consts(n, consts, out, any)),
        Node::Xor(a, b) => {
            collect_consts(a, consts, out, any);
            collect_consts(b, consts, out, any);
        }
        Node::Not(a) => collect_consts(a, consts, out, any),
        Node::Exists(v) | Node::Truthy(v, _) => val(v, consts, out, any),
        Node::Compare { lhs, rhs, .. } | Node::Contains { lhs, rhs, .. } => {
            val(lhs, consts, out, any);
            val(rhs, consts, out, any);
        }
        Node::Matches { lhs, pattern, .. } => {
            val(lhs, consts, out, any);
            *any = true;
            let _ = writeln!(out, "    /{pattern}/ <regex, caseless>");
        }
        Node::In { lhs, set, .. } => {
            val(lhs, consts, out, any);
            for (a, b) in set {
                val(a, consts, out, any);
                if let Some(b) = b {
                    val(b, consts, out, any);
                }
            }
        }
    }
}

fn show_sel(s: &Sel) -> String {
    let mut t = String::new();
    if s.raw {
        t.push('@');
    }
    t.push_str(registry::def(s.id).abbrev);
    if let Some(l) = &s.layer {
        t.push_str("#[");
        t.push_str(&show_ranges(l));
        t.push(']');
    }
    t
}

fn show_ranges(r: &[SliceRange]) -> String {
    let parts: Vec<String> = r
        .iter()
        .map(|r| match r {
            SliceRange::Len { start, len } => format!("{start}:{len}"),
            SliceRange::Span { start, end } => format!("{start}-{end}"),
            SliceRange::Single(i) => i.to_string(),
            SliceRange::ToEnd(i) => format!("{i}:"),
        })
        .collect();
    parts.join(",")
}

impl Explainer<'_> {
    fn label(&mut self) -> usize {
        self.labels.push(None);
        self.labels.len() - 1
    }
    fn place(&mut self, l: usize) {
        if let Some(slot) = self.labels.get_mut(l) {
            *slot = Some(self.lines.len());
        }
    }
    fn text(&mut self, t: String) {
        self.lines.push(Line::Text(t));
    }
    fn reg(&mut self) -> String {
        self.regs += 1;
        format!("reg#{}", self.regs - 1)
    }

    /// Emit the instructions for a value; returns the operand (a register or a constant).
    /// `fail` is where a missing field jumps.
    fn val(&mut self, v: &Val, fail: usize) -> String {
        match v {
            Val::Field(s) => {
                let r = self.reg();
                self.text(format!("READ_TREE {} -> {r}", show_sel(s)));
                self.lines.push(Line::Jump("IF_FALSE_GOTO", fail));
                r
            }
            Val::Reference(s) => {
                let r = self.reg();
                self.text(format!("READ_REFERENCE ${{{}}} -> {r}", show_sel(s)));
                self.lines.push(Line::Jump("IF_FALSE_GOTO", fail));
                r
            }
            Val::FieldLen(s) | Val::Count(s) => {
                let name = if matches!(v, Val::Count(_)) {
                    "count"
                } else {
                    "len"
                };
                let r = self.reg();
                self.text(format!("READ_TREE {} -> {r}", show_sel(s)));
                self.lines.push(Line::Jump("IF_FALSE_GOTO", fail));
                let out = self.reg();
                self.text(format!("CALL_FUNCTION {name}({r}) -> {out}"));
                out
            }
            Val::Const(rv, ty) => show_const(rv, *ty, self.consts),
            Val::Slice(b, ranges) => {
                let src = self.val(b, fail);
                let r = self.reg();
                self.text(format!("MK_SLICE {src}[{}] -> {r}", show_ranges(ranges)));
                r
            }
            Val::Func(f, args) => {
                let ops: Vec<String> = args.iter().map(|a| self.val(a, fail)).collect();
                let r = self.reg();
                self.text(format!(
                    "CALL_FUNCTION {}({}) -> {r}",
                    f.name(),
                    ops.join(", ")
                ));
                r
            }
            Val::Arith(op, a, b) => {
                let x = self.val(a, fail);
                let y = self.val(b, fail);
                let name = match op {
                    ArithOp::BitAnd => "BITWISE_AND",
                    ArithOp::Add => "ADD",
                    ArithOp::Sub => "SUBTRACT",
                    ArithOp::Mul => "MULTIPLY",
                    ArithOp::Div => "DIVIDE",
                    ArithOp::Mod => "MODULO",
                };
                let r = self.reg();
                self.text(format!("{name} {x} {y} -> {r}"));
                r
            }
            Val::Neg(a) => {
                let x = self.val(a, fail);
                let r = self.reg();
                self.text(format!("UNARY_MINUS {x} -> {r}"));
                r
            }
        }
    }

    fn node(&mut self, n: &Node) {
        let q = |all: bool| if all { "ALL" } else { "ANY" };
        match n {
            Node::And(v) | Node::Or(v) => {
                let end = self.label();
                let jump = if matches!(n, Node::And(_)) {
                    "IF_FALSE_GOTO"
                } else {
                    "IF_TRUE_GOTO"
                };
                for (i, c) in v.iter().enumerate() {
                    self.node(c);
                    if i + 1 < v.len() {
                        self.lines.push(Line::Jump(jump, end));
                    }
                }
                self.place(end);
            }
            Node::Xor(a, b) => {
                self.node(a);
                self.node(b);
                self.text("XOR".into());
            }
            Node::Not(a) => {
                self.node(a);
                self.text("NOT".into());
            }
            Node::Exists(v) => {
                let fail = self.label();
                match v {
                    Val::Field(s) => self.text(format!("CHECK_EXISTS {}", show_sel(s))),
                    other => {
                        let r = self.val(other, fail);
                        self.text(format!("NOT_EMPTY {r}"));
                    }
                }
                self.place(fail);
            }
            Node::Truthy(v, _) => {
                let fail = self.label();
                let r = self.val(v, fail);
                self.text(format!("ANY_TRUTHY {r}"));
                self.place(fail);
            }
            Node::Compare { all, op, lhs, rhs } => {
                let fail = self.label();
                let a = self.val(lhs, fail);
                let b = self.val(rhs, fail);
                let op = match op {
                    CmpOp::Eq => "EQ",
                    CmpOp::Ne => "NE",
                    CmpOp::Gt => "GT",
                    CmpOp::Ge => "GE",
                    CmpOp::Lt => "LT",
                    CmpOp::Le => "LE",
                };
                self.text(format!("{}_{op} {a} {b}", q(*all)));
                self.place(fail);
            }
            Node::Contains { all, lhs, rhs, .. } => {
                let fail = self.label();
                let a = self.val(lhs, fail);
                let b = self.val(rhs, fail);
                self.text(format!("{}_CONTAINS {a} {b}", q(*all)));
                self.place(fail);
            }
            Node::Matches {
                all, lhs, pattern, ..
            } => {
                let fail = self.label();
                let a = self.val(lhs, fail);
                self.text(format!("{}_MATCHES {a} /{pattern}/", q(*all)));
                self.place(fail);
            }
            Node::In { all, lhs, set } => {
                let fail = self.label();
                let a = self.val(lhs, fail);
                let items: Vec<String> = set
                    .iter()
                    .map(|(lo, hi)| {
                        let x = self.val(lo, fail);
                        match hi {
                            Some(hi) => format!("{x} .. {}", self.val(hi, fail)),
                            None => x,
                        }
                    })
                    .collect();
                self.text(format!("{}_IN {a} {{{}}}", q(*all), items.join(", ")));
                self.place(fail);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_ranges_resolve_like_wireshark() {
        assert_eq!(
            resolve_range(SliceRange::Len { start: 0, len: 2 }, 4),
            Some((0, 2))
        );
        assert_eq!(
            resolve_range(SliceRange::Len { start: -2, len: 2 }, 4),
            Some((2, 4))
        );
        assert_eq!(
            resolve_range(SliceRange::Span { start: 1, end: 2 }, 4),
            Some((1, 3))
        );
        assert_eq!(resolve_range(SliceRange::Single(3), 4), Some((3, 4)));
        assert_eq!(resolve_range(SliceRange::Single(4), 4), None);
        assert_eq!(resolve_range(SliceRange::ToEnd(1), 4), Some((1, 4)));
        assert_eq!(resolve_range(SliceRange::ToEnd(-4), 4), Some((0, 4)));
        assert_eq!(resolve_range(SliceRange::Single(-5), 4), None);
        assert_eq!(
            resolve_range(SliceRange::Span { start: 3, end: 1 }, 4),
            None
        );
    }

    #[test]
    fn layers_count_from_one_and_from_the_end() {
        let l = |r: SliceRange, layer: u16| layer_selected(layer, &[r], 3);
        assert!(l(SliceRange::Single(2), 2));
        assert!(!l(SliceRange::Single(2), 1));
        assert!(!l(SliceRange::Single(0), 1));
        assert!(l(SliceRange::Single(-1), 3));
        assert!(l(SliceRange::Span { start: 2, end: 3 }, 3));
        assert!(!l(SliceRange::Span { start: 2, end: 3 }, 1));
        assert!(l(SliceRange::ToEnd(2), 3));
    }

    #[test]
    fn quantifiers_over_the_cross_product() {
        let v = |x: &[i128]| x.iter().map(|i| Rv::Int(*i)).collect::<Vec<_>>();
        let eq = |a: &Rv, b: &Rv| a == b;
        assert!(quantified(false, &v(&[1, 2]), &v(&[2]), eq));
        assert!(!quantified(true, &v(&[1, 2]), &v(&[2]), eq));
        assert!(quantified(true, &v(&[2, 2]), &v(&[2]), eq));
        assert!(quantified(true, &v(&[]), &v(&[2]), eq));
        assert!(!quantified(false, &v(&[]), &v(&[2]), eq));
    }
}
