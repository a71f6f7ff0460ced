//! Parser, printer and capture-filter hint tests. The tables in tests/data/syntax_*.tsv are
//! re-checked against tshark 4.0 by tools/check_syntax_table.py.

use proptest::prelude::*;
use wiresift::filter::ast::{
    Arith, Entity, Expr, FieldRef, Layer, Relation, Rhs, SetElement, Span,
};
use wiresift::filter::bpf::capture_filter_hint;
use wiresift::filter::print::canonical;
use wiresift::filter::syntax::{MAX_DEPTH, MAX_FILTER_LEN};
use wiresift::filter::{parse, ErrorKind};

fn table(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("# "))
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

// ---- span-insensitive comparison -------------------------------------------------------

fn z() -> Span {
    Span::default()
}

fn zero_expr(e: &Expr) -> Expr {
    match e {
        Expr::Logical { op, lhs, rhs, .. } => Expr::Logical {
            op: *op,
            lhs: Box::new(zero_expr(lhs)),
            rhs: Box::new(zero_expr(rhs)),
            span: z(),
        },
        Expr::Not { expr, .. } => Expr::Not {
            expr: Box::new(zero_expr(expr)),
            span: z(),
        },
        Expr::Relation(r) => Expr::Relation(Box::new(Relation {
            quantifier: r.quantifier,
            op: r.op,
            op_span: z(),
            lhs: zero_arith(&r.lhs),
            rhs: match &r.rhs {
                Rhs::Value(a) => Rhs::Value(zero_arith(a)),
                Rhs::Set { elements, .. } => Rhs::Set {
                    elements: elements
                        .iter()
                        .map(|el| match el {
                            SetElement::One(a) => SetElement::One(zero_arith(a)),
                            SetElement::Range(a, b) => {
                                SetElement::Range(zero_arith(a), zero_arith(b))
                            }
                        })
                        .collect(),
                    span: z(),
                },
            },
            span: z(),
        })),
        Expr::Test(a) => Expr::Test(zero_arith(a)),
    }
}

fn zero_arith(a: &Arith) -> Arith {
    match a {
        Arith::Entity(e) => Arith::Entity(zero_entity(e)),
        Arith::Unary { op, expr, .. } => Arith::Unary {
            op: *op,
            expr: Box::new(zero_arith(expr)),
            span: z(),
        },
        Arith::Binary { op, lhs, rhs, .. } => Arith::Binary {
            op: *op,
            lhs: Box::new(zero_arith(lhs)),
            rhs: Box::new(zero_arith(rhs)),
            span: z(),
        },
    }
}

fn zero_field(f: &FieldRef) -> FieldRef {
    FieldRef {
        name: f.name.clone(),
        name_span: z(),
        layer: f.layer.as_ref().map(|l| Layer {
            ranges: l.ranges.clone(),
            span: z(),
        }),
        raw: f.raw,
        leading_dot: f.leading_dot,
        span: z(),
    }
}

fn zero_entity(e: &Entity) -> Entity {
    match e {
        Entity::Word { text, .. } => Entity::Word {
            text: text.clone(),
            span: z(),
        },
        Entity::Field(f) => Entity::Field(zero_field(f)),
        Entity::String { value, raw, .. } => Entity::String {
            value: value.clone(),
            raw: *raw,
            span: z(),
        },
        Entity::Char { value, .. } => Entity::Char {
            value: *value,
            span: z(),
        },
        Entity::Slice { base, ranges, .. } => Entity::Slice {
            base: Box::new(zero_entity(base)),
            ranges: ranges.clone(),
            ranges_span: z(),
            span: z(),
        },
        Entity::Function { name, args, .. } => Entity::Function {
            name: name.clone(),
            name_span: z(),
            args: args.iter().map(zero_arith).collect(),
            span: z(),
        },
        Entity::Reference { field, .. } => Entity::Reference {
            field: zero_field(field),
            span: z(),
        },
    }
}

fn expr_of(text: &str) -> Expr {
    match parse(text) {
        Ok(p) => p.expr.unwrap_or_else(|| panic!("{text:?} parsed as empty")),
        Err(e) => panic!("{text:?}: {e:?}"),
    }
}

/// canonical → parse gives the same tree (spans aside) and the same text again.
fn assert_round_trip(text: &str) {
    let e = expr_of(text);
    let c = canonical(&e);
    let back = expr_of(&c);
    assert_eq!(zero_expr(&back), zero_expr(&e), "{text:?} → {c:?}");
    assert_eq!(canonical(&back), c, "{text:?}");
}

// ---- tables ----------------------------------------------------------------------------

#[test]
fn valid_table_parses_to_its_canonical_text() {
    let rows = table("syntax_valid.tsv");
    assert!(rows.len() >= 150, "{} rows", rows.len());
    for row in rows {
        let [filter, want, _since] = row.as_slice() else {
            panic!("bad row {row:?}")
        };
        let e = expr_of(filter);
        assert_eq!(&canonical(&e), want, "{filter:?}");
        assert_round_trip(filter);
    }
}

#[test]
fn invalid_table_gives_tsharks_errors() {
    let rows = table("syntax_invalid.tsv");
    assert!(rows.len() >= 60, "{} rows", rows.len());
    for row in rows {
        let [filter, kind, start, end, message, _oracle] = row.as_slice() else {
            panic!("bad row {row:?}")
        };
        let e = match parse(filter) {
            Ok(p) => panic!("{filter:?} parsed: {:?}", p.expr.map(|e| canonical(&e))),
            Err(e) => e,
        };
        assert_eq!(format!("{:?}", e.kind), *kind, "{filter:?}: {e:?}");
        assert_eq!(&e.message, message, "{filter:?}");
        let want = Span::new(start.parse().unwrap(), end.parse().unwrap());
        assert_eq!(e.span, want, "{filter:?}: {e:?}");
    }
}

#[test]
fn whitespace_and_empty() {
    assert_eq!(parse("").unwrap().expr, None);
    assert_eq!(parse(" \t\n\r ").unwrap().expr, None);
    // tshark 4.0 rejects "\r"; Wireshark's later scanner (suite test_whitespace) accepts it.
    assert_eq!(
        canonical(&expr_of("\ttcp.stream \r\n== 1")),
        "tcp.stream == 1"
    );
    assert_eq!(canonical(&expr_of("tcp.port ==\t1\t")), "tcp.port == 1");
    assert_eq!(
        canonical(&expr_of("frame contains \"a\tb\"")),
        "frame contains \"a\\tb\""
    );
}

#[test]
fn syntax_errors_say_what_was_expected() {
    let e = parse("tcp.port ==").unwrap_err();
    assert!(e.is_incomplete());
    assert_eq!(
        e.suggestion.as_deref(),
        Some("expected a field, a value or a quoted string")
    );
    let e = parse("tcp.port in {80 443}").unwrap_err();
    assert_eq!(
        e.suggestion.as_deref(),
        Some("expected \",\" between set elements or \"}\"")
    );
}

#[test]
fn deprecated_any_ne_warns() {
    let p = parse("frame.len ~= 1").unwrap();
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(
        p.warnings[0].message,
        "The operator \"~=\" is deprecated, use \"!==\" instead."
    );
    assert_eq!(p.warnings[0].span, Span::new(10, 12));
    assert!(parse("frame.len !== 1").unwrap().warnings.is_empty());
}

#[test]
fn char_constant_newline_bug_is_kept() {
    // Reference §1.4: tshark 4.0.17 rejects '\n' ("is too long") because parse_charconst()
    // never steps over the `n`; '\x0a' and '\012' work.
    let e = parse(r"ip.proto == '\n'").unwrap_err();
    assert_eq!(
        e.message,
        r"'\n' is too long to be a valid character constant."
    );
    for ok in [r"ip.proto == '\x0a'", r"ip.proto == '\012'"] {
        let Expr::Relation(r) = expr_of(ok) else {
            panic!()
        };
        let Rhs::Value(Arith::Entity(Entity::Char { value, .. })) = r.rhs else {
            panic!()
        };
        assert_eq!(value, 10);
    }
}

#[test]
fn strings_decode_to_bytes() {
    let value = |text: &str| {
        let Expr::Relation(r) = expr_of(text) else {
            panic!()
        };
        let Rhs::Value(Arith::Entity(Entity::String { value, raw, .. })) = r.rhs else {
            panic!()
        };
        (value, raw)
    };
    assert_eq!(
        value(r#"frame contains "\a\b\f\n\r\t\v\'\"\\\x41\x4\101\0""#),
        (b"\x07\x08\x0c\n\r\t\x0b'\"\\A\x04A\x00".to_vec(), false)
    );
    assert_eq!(
        value(r#"frame contains "\u00e9\U0001F600""#).0,
        "é😀".as_bytes()
    );
    assert_eq!(value(r#"frame contains "\xff""#).0, vec![0xff]);
    assert_eq!(
        value(r#"frame contains r"a\"b\x41""#),
        (br#"a\"b\x41"#.to_vec(), true)
    );
    assert_eq!(value(r#"frame contains "\x41\x4g""#).0, b"A\x04g");
}

// ---- spans -----------------------------------------------------------------------------

fn check_arith(a: &Arith, text: &str) {
    let s = a.span();
    assert!(s.start < s.end && s.end <= text.len(), "{a:?}");
    match a {
        Arith::Entity(e) => check_entity(e, text),
        Arith::Unary { expr, span, .. } => {
            assert!(matches!(&text[span.start..span.start + 1], "-" | "+"));
            check_arith(expr, text);
        }
        Arith::Binary { lhs, rhs, span, .. } => {
            assert!(span.start <= lhs.span().start && rhs.span().end <= span.end);
            check_arith(lhs, text);
            check_arith(rhs, text);
        }
    }
}

fn check_field(f: &FieldRef, text: &str) {
    assert_eq!(&text[f.name_span.start..f.name_span.end], f.name);
    if f.leading_dot {
        assert_eq!(&text[f.name_span.start - 1..f.name_span.start], ".");
    }
    if f.raw {
        assert_eq!(&text[f.span.start..f.span.start + 1], "@");
    }
    if let Some(l) = &f.layer {
        assert_eq!(&text[l.span.start..l.span.start + 1], "#");
        assert_eq!(l.span.end, f.span.end);
    }
}

fn check_entity(e: &Entity, text: &str) {
    let s = e.span();
    let here = &text[s.start..s.end];
    match e {
        Entity::Word { text: t, .. } => assert_eq!(here, t),
        Entity::Field(f) => check_field(f, text),
        Entity::String { raw, .. } => {
            assert!(here.ends_with('"'));
            assert!(here.starts_with(if *raw { "r\"" } else { "\"" }) || here.starts_with("R\""));
        }
        Entity::Char { .. } => assert!(here.starts_with('\'') && here.ends_with('\'')),
        Entity::Slice {
            base, ranges_span, ..
        } => {
            assert!(here.ends_with(']'));
            assert!(text[ranges_span.start..ranges_span.end].starts_with('['));
            assert_eq!(ranges_span.end, s.end);
            check_entity(base, text);
        }
        Entity::Function {
            name,
            name_span,
            args,
            ..
        } => {
            assert_eq!(&text[name_span.start..name_span.end], name);
            assert!(here.ends_with(')'));
            args.iter().for_each(|a| check_arith(a, text));
        }
        Entity::Reference { field, .. } => {
            assert!(here.starts_with('$'));
            check_field(field, text);
        }
    }
}

fn check_expr(e: &Expr, text: &str) {
    let s = e.span();
    assert!(s.start < s.end && s.end <= text.len());
    match e {
        Expr::Logical { lhs, rhs, .. } => {
            assert!(s.start <= lhs.span().start && rhs.span().end <= s.end);
            check_expr(lhs, text);
            check_expr(rhs, text);
        }
        Expr::Not { expr, .. } => {
            assert!(text[s.start..].starts_with('!') || text[s.start..].starts_with("not"));
            check_expr(expr, text);
        }
        Expr::Relation(r) => {
            let op = &text[r.op_span.start..r.op_span.end];
            let ok = [
                "==", "!=", "===", "!==", "~=", ">", ">=", "<", "<=", "eq", "ne", "gt", "ge", "lt",
                "le", "any_eq", "all_ne", "all_eq", "any_ne", "contains", "matches", "~", "in",
                "not",
            ];
            let not_in = op.starts_with("not") && op.ends_with("in");
            assert!(ok.contains(&op) || not_in, "op span {op:?} in {text:?}");
            assert!(r.span.start <= r.lhs.span().start && r.op_span.end <= r.span.end);
            check_arith(&r.lhs, text);
            match &r.rhs {
                Rhs::Value(a) => check_arith(a, text),
                Rhs::Set { elements, span } => {
                    assert!(text[span.start..span.end].starts_with('{'));
                    assert!(text[span.start..span.end].ends_with('}'));
                    for el in elements {
                        match el {
                            SetElement::One(a) => check_arith(a, text),
                            SetElement::Range(a, b) => {
                                check_arith(a, text);
                                check_arith(b, text);
                            }
                        }
                    }
                }
            }
        }
        Expr::Test(a) => check_arith(a, text),
    }
}

#[test]
fn every_span_points_at_its_text() {
    let mut rows: Vec<String> = table("syntax_valid.tsv")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    rows.push("  tcp.port  ==  80  and  not  ip.addr#2 eq 10.0.0.0/8 ".into());
    rows.push("${ip.src#[1-2]} == @.ip.dst[0:2,-1]".into());
    for text in rows {
        check_expr(&expr_of(&text), &text);
    }
    // Exact spans of a few nodes.
    let text = "not tcp.port in {80, 1..5} && len(frame) + 1 > 2";
    let Expr::Logical { lhs, rhs, span, .. } = expr_of(text) else {
        panic!()
    };
    assert_eq!(span, Span::new(0, text.len()));
    assert_eq!(lhs.span(), Span::new(0, 26));
    let Expr::Relation(r) = *rhs else { panic!() };
    assert_eq!(r.op_span, Span::new(45, 46));
    assert_eq!(r.lhs.span(), Span::new(30, 44));
    let Expr::Relation(r) = expr_of("tcp.port not  in {80}") else {
        panic!()
    };
    assert_eq!(r.op_span, Span::new(9, 16));
    // A chain keeps each comparison's own span; the middle operand appears in both.
    let Expr::Logical { lhs, rhs, .. } = expr_of("any a < b <= c") else {
        panic!()
    };
    assert_eq!(lhs.span(), Span::new(0, 9));
    assert_eq!(rhs.span(), Span::new(8, 14));
}

// ---- hostile input ---------------------------------------------------------------------

#[test]
fn deep_nesting_is_a_limit_error() {
    let n = 100_000;
    let cases = [
        format!("{}tcp{}", "(".repeat(n), ")".repeat(n)),
        format!("frame.len == {}1{}", "{".repeat(n), "}".repeat(n)),
        format!("{}tcp", "!".repeat(n)),
        format!("{}tcp", "not ".repeat(n)),
        format!("{}frame{}", "len(".repeat(n), ")".repeat(n)),
        format!("frame{}", "[0]".repeat(n)),
        format!("frame.len == {}", "1 + ".repeat(n) + "1"),
        format!("frame.len == {}", "-1 * ".repeat(n) + "1"),
        "(".repeat(n),
    ];
    for text in &cases {
        let e = parse(text).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Limit, "{}: {e:?}", &text[..20]);
    }
    // Just inside the limit is fine.
    let ok = format!("{}tcp{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(canonical(&expr_of(&ok)), "tcp");
    let over = format!(
        "{}tcp{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(parse(&over).unwrap_err().kind, ErrorKind::Limit);
}

fn depth(e: &Expr) -> usize {
    match e {
        Expr::Logical { lhs, rhs, .. } => 1 + depth(lhs).max(depth(rhs)),
        Expr::Not { expr, .. } => 1 + depth(expr),
        _ => 1,
    }
}

#[test]
fn long_chains_are_balanced_and_print() {
    let n = 100_000;
    for op in [" || ", " && ", " ^^ "] {
        let text: String = (0..n)
            .map(|i| format!("tcp.port == {i}"))
            .collect::<Vec<_>>()
            .join(op);
        let e = expr_of(&text);
        assert!(depth(&e) <= 18, "depth {}", depth(&e));
        assert_eq!(canonical(&e), text);
        drop(e);
    }
    let chain = format!("frame.len{}", " < 1".repeat(n));
    let e = expr_of(&chain);
    assert!(depth(&e) <= 18);
    assert_eq!(
        canonical(&e).len(),
        "frame.len < 1".len() + (n - 1) * " && 1 < 1".len()
    );
}

#[test]
fn big_and_strange_input_does_not_panic() {
    // A 1 MB filter: one long word, and a long string.
    let word = "a".repeat(1 << 20);
    assert_eq!(canonical(&expr_of(&word)), word);
    let string = format!("frame contains \"{}\"", "x".repeat(1 << 20));
    assert!(parse(&string).is_ok());
    let too_big = "a".repeat(MAX_FILTER_LEN + 1);
    assert_eq!(parse(&too_big).unwrap_err().kind, ErrorKind::Limit);
    // NUL and other control bytes outside strings; inside strings they are bytes.
    let e = parse("tcp\0").unwrap_err();
    assert_eq!(e.span, Span::new(3, 4));
    assert_eq!(
        e.message,
        "Non-printable ASCII characters may only appear inside double-quotes."
    );
    assert!(parse("frame contains \"\0\u{1}\"").is_ok());
    // Non-ASCII: the span covers the whole character.
    let e = parse("tcp.port == 80 ∧ udp").unwrap_err();
    assert_eq!(e.span, Span::new(15, 18));
    assert_eq!(
        canonical(&expr_of("frame contains \"日本\"")),
        "frame contains \"日本\""
    );
}

// ---- round trips -----------------------------------------------------------------------

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("tcp".to_string()),
        Just("tcp.port".to_string()),
        Just("ip.addr".to_string()),
        Just("frame".to_string()),
        Just("80".to_string()),
        Just("0x1F".to_string()),
        Just("10.0.0.0/8".to_string()),
        Just("fe80::1".to_string()),
        Just("aa:bb:cc".to_string()),
        Just(":fc".to_string()),
        Just("68-1".to_string()),
        Just("1.5".to_string()),
        Just(".udp.dstport".to_string()),
        Just("ip.src#2".to_string()),
        Just("ip.dst#[1-2,-1]".to_string()),
        Just("@tcp.port".to_string()),
        Just("${frame.len}".to_string()),
        Just("'a'".to_string()),
        Just(r"'\x00'".to_string()),
        prop::collection::vec(any::<u8>(), 0..6).prop_map(|b| {
            let mut s = String::from("\"");
            for c in b {
                s.push_str(&format!("\\x{c:02x}"));
            }
            s.push('"');
            s
        }),
        "[a-z]{1,3}\"[a-z ]{0,3}\"".prop_filter_map("raw string", |s| {
            s.split_once('"').map(|(_, rest)| format!("r\"{rest}"))
        }),
    ]
}

fn entity() -> impl Strategy<Value = String> {
    word().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), "(-?([1-9][0-9]?|0)(:[1-9]|-|:)?)?").prop_map(|(e, r)| {
                let r = if r.is_empty() { "0:1".to_string() } else { r };
                let r = r.strip_suffix('-').map_or(r.clone(), |x| format!("{x}:"));
                format!("{e}[{r}]")
            }),
            prop::collection::vec(inner, 0..3).prop_map(|args| format!("len({})", args.join(", "))),
        ]
    })
}

fn arith() -> impl Strategy<Value = String> {
    entity().prop_recursive(3, 16, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["&", "+", "-", "*", "/", "%"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("{{{a}}}")),
            entity().prop_map(|a| format!("-{a}")),
        ]
    })
}

fn relation() -> impl Strategy<Value = String> {
    let ops = vec!["==", "!=", "===", "!==", ">", ">=", "<", "<=", "eq", "~="];
    prop_oneof![
        arith(),
        (
            prop::sample::select(vec!["", "any ", "all "]),
            arith(),
            prop::sample::select(ops),
            arith()
        )
            .prop_map(|(q, a, op, b)| format!("{q}{a} {op} {b}")),
        (arith(), arith(), arith()).prop_map(|(a, b, c)| format!("{a} < {b} <= {c}")),
        (
            entity(),
            prop::sample::select(vec!["contains", "matches"]),
            entity()
        )
            .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        (
            entity(),
            prop::sample::select(vec!["in", "not in"]),
            prop::collection::vec((arith(), prop::option::of(arith())), 1..4)
        )
            .prop_map(|(a, op, els)| {
                let els: Vec<String> = els
                    .into_iter()
                    .map(|(lo, hi)| match hi {
                        Some(hi) => format!("{lo} .. {hi}"),
                        None => lo,
                    })
                    .collect();
                format!("{a} {op} {{{}}}", els.join(", "))
            }),
    ]
}

fn filter() -> impl Strategy<Value = String> {
    relation().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["&&", "||", "^^", "and", "or", "xor"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.prop_map(|a| format!("!({a})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn canonical_round_trips(text in filter()) {
        let e = match parse(&text) {
            Ok(p) => p.expr.unwrap(),
            Err(err) => return Err(TestCaseError::fail(format!("{text:?}: {err:?}"))),
        };
        let c = canonical(&e);
        let back = parse(&c).map_err(|err| TestCaseError::fail(format!("{c:?}: {err:?}")))?;
        let back = back.expr.unwrap();
        prop_assert_eq!(zero_expr(&back), zero_expr(&e), "{:?} -> {:?}", text, c);
        prop_assert_eq!(canonical(&back), c);
    }

    #[test]
    fn any_text_parses_or_fails_cleanly(text in "[ -~\\t\\r\\n\\x00é∧]{0,40}") {
        match parse(&text) {
            Ok(p) => {
                if let Some(e) = p.expr {
                    let c = canonical(&e);
                    let back = parse(&c).map_err(|err| TestCaseError::fail(format!("{text:?} -> {c:?}: {err:?}")))?;
                    prop_assert_eq!(zero_expr(&back.expr.unwrap()), zero_expr(&e));
                }
            }
            Err(e) => {
                prop_assert!(e.span.start <= e.span.end && e.span.end <= text.len());
                prop_assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
            }
        }
    }
}

// ---- capture-filter hints --------------------------------------------------------------

#[test]
fn capture_filter_hints() {
    let cases = [
        ("port 25", Some("tcp.port == 25 || udp.port == 25")),
        ("host 10.0.0.1", Some("ip.addr == 10.0.0.1")),
        ("tcp port 25 and not arp", Some("tcp.port == 25 && !arp")),
        ("src host 10.0.0.1", Some("ip.src == 10.0.0.1")),
        ("dst host 10.0.0.1", Some("ip.dst == 10.0.0.1")),
        ("net 10.0.0.0/8", Some("ip.addr == 10.0.0.0/8")),
        (
            "dst port 25",
            Some("tcp.dstport == 25 || udp.dstport == 25"),
        ),
        ("udp src port 53", Some("udp.srcport == 53")),
        (
            "ether host aa:bb:cc:dd:ee:ff",
            Some("eth.addr == aa:bb:cc:dd:ee:ff"),
        ),
        (
            "ether src aa:bb:cc:dd:ee:ff",
            Some("eth.src == aa:bb:cc:dd:ee:ff"),
        ),
        (
            "portrange 20-25",
            Some("tcp.port in {20..25} || udp.port in {20..25}"),
        ),
        ("tcp portrange 20-25", Some("tcp.port in {20..25}")),
        ("less 100", Some("frame.len <= 100")),
        ("greater 100", Some("frame.len >= 100")),
        ("host fe80::1", Some("ipv6.addr == fe80::1")),
        ("ip proto 17", Some("ip.proto == 17")),
        ("ip proto \\tcp", Some("ip.proto == 6")),
        ("not port 25", Some("!(tcp.port == 25 || udp.port == 25)")),
        (
            "port 25 and host 10.0.0.1",
            Some("(tcp.port == 25 || udp.port == 25) && ip.addr == 10.0.0.1"),
        ),
        // BPF: and/or have equal precedence, left to right.
        (
            "tcp or udp and port 53",
            Some("(tcp || udp) && (tcp.port == 53 || udp.port == 53)"),
        ),
        (
            "tcp port 25 or 110",
            Some("tcp.port == 25 || tcp.port == 110"),
        ),
        // Already display filters, or not capture filters at all.
        ("tcp", None),
        ("tcp and not arp", None),
        ("tcp.port == 25", None),
        ("port", None),
        ("host", None),
        ("frame contains \"port 25\"", None),
        ("hello world", None),
    ];
    for (bpf, want) in cases {
        assert_eq!(capture_filter_hint(bpf).as_deref(), want, "{bpf}");
    }
    assert_eq!(
        capture_filter_hint("udp and (port 53 or port 67)").as_deref(),
        Some("udp && (tcp.port == 53 || udp.port == 53 || tcp.port == 67 || udp.port == 67)")
    );
    assert_eq!(capture_filter_hint(&"(".repeat(10_000)), None);
}

#[test]
fn bad_escape_of_a_non_ascii_character_spans_the_character() {
    let e = parse("frame contains \"\\é\"").unwrap_err();
    assert_eq!(e.message, "\\é is not a valid character escape sequence");
    assert_eq!(e.span, Span::new(16, 19));
}

/// Random token soups with tshark 4.0's verdicts (tools/gen_syntax_corpus.py): the same
/// accept/reject decision, the same message and the same caret.
#[test]
fn random_corpus_agrees_with_tshark() {
    let rows = table("syntax_corpus.tsv");
    let mut bad = Vec::new();
    for row in &rows {
        let [filter, verdict, message, start, width] = row.as_slice() else {
            panic!("bad row {row:?}")
        };
        let got = parse(filter);
        let ok = match (verdict.as_str(), &got) {
            ("ok", Ok(_)) | ("semantic-first", _) => true,
            // An "ok" row whose message we raise as a syntax error must be that message.
            ("ok" | "syntax", Err(e)) => {
                let start: i64 = start.parse().unwrap();
                let width: i64 = width.parse().unwrap();
                let caret_ok = start < 0
                    || (e.span.start as i64 == start
                        && (e.span.end - e.span.start).max(1) as i64 == width);
                &e.message == message && caret_ok
            }
            _ => false,
        };
        if !ok {
            bad.push(format!(
                "{filter:?}: tshark {verdict} {message:?} @{start}+{width}, ours {got:?}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} differ:\n{}",
        bad.len(),
        rows.len(),
        bad.join("\n")
    );
}

/// Print how each filter in the file $WIRESIFT_DUMP (one per line) parses: a helper for
/// writing table rows, whose verdicts tools/check_syntax_table.py then checks with tshark.
#[test]
#[ignore]
fn dump() {
    let Ok(path) = std::env::var("WIRESIFT_DUMP") else {
        return;
    };
    for line in std::fs::read_to_string(path).unwrap().lines() {
        match parse(line) {
            Ok(p) => println!(
                "{line}\t{}",
                p.expr.as_ref().map(canonical).unwrap_or_default()
            ),
            Err(e) => println!(
                "{line}\t{:?}\t{}\t{}\t{}",
                e.kind, e.span.start, e.span.end, e.message
            ),
        }
    }
}
