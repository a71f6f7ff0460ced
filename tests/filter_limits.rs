//! Limits: huge filters and hostile regular expressions compile and evaluate quickly, without
//! panicking (a test binary of its own, so the timing does not compete with the other tables).
//! The time bounds detect hangs and super-linear blow-ups, not speed: about 0.35 s in a debug
//! build on an idle machine, bounded at 5 s so a loaded machine does not fail them.

use std::time::{Duration, Instant};

use wiresift::dissect::{ByteRange, FrameInfo, Interest, Packet, Value};
use wiresift::filter::{self, ast};
use wiresift::registry;

/// A frame with TCP ports 25 and 1025 (or UDP 5060 twice), and a payload.
fn packet<'a>(data: &'a [u8], udp: bool) -> Packet<'a> {
    let all = Interest::all();
    let id = |n: &str| registry::lookup(n).expect("registered");
    let mut p = Packet::new();
    p.reset(FrameInfo::default(), data);
    p.begin_layer(id("frame"), ByteRange::frame(0, data.len()));
    let (proto, field, a, b) = if udp {
        ("udp", "udp.port", 5060, 5060)
    } else {
        ("tcp", "tcp.port", 25, 1025)
    };
    p.begin_layer(id(proto), ByteRange::frame(0, data.len()));
    p.add(&all, id(field), Value::UInt(a), ByteRange::frame(0, 2));
    p.add(&all, id(field), Value::UInt(b), ByteRange::frame(2, 2));
    if !udp {
        let r = ByteRange::frame(0, data.len());
        p.add(&all, id("tcp.payload"), Value::Bytes(r), r);
    }
    p
}

/// A balanced `or` tree of `n` comparisons, as an AST (so the parser's limits do not matter).
fn balanced(lo: usize, hi: usize, text: &mut String) -> ast::Expr {
    let span = ast::Span::new(0, 0);
    if hi - lo == 1 {
        let start = text.len();
        text.push_str("tcp.port");
        let lhs_span = ast::Span::new(start, text.len());
        let n = (lo % 60_000).to_string();
        let rhs_start = text.len();
        text.push_str(&n);
        return ast::Expr::Relation(Box::new(ast::Relation {
            quantifier: None,
            op: ast::RelOp::AnyEq,
            op_span: span,
            lhs: ast::Arith::Entity(ast::Entity::Word {
                text: "tcp.port".into(),
                span: lhs_span,
            }),
            rhs: ast::Rhs::Value(ast::Arith::Entity(ast::Entity::Word {
                text: n,
                span: ast::Span::new(rhs_start, text.len()),
            })),
            span,
        }));
    }
    let mid = lo + (hi - lo) / 2;
    ast::Expr::Logical {
        op: ast::LogicalOp::Or,
        lhs: Box::new(balanced(lo, mid, text)),
        rhs: Box::new(balanced(mid, hi, text)),
        span,
    }
}

#[test]
fn huge_balanced_chain_and_hostile_regex_are_fast() {
    let payload = vec![b'a'; 60_000];
    let rsp = packet(&payload, false);
    let udp = packet(&payload, true);
    let mut text = String::new();
    let expr = balanced(0, 100_000, &mut text);
    let start = Instant::now();
    let f = filter::compile_ast(Some(&expr), &text, String::new()).expect("compiles");
    // 25 and 1025 are among the constants; the UDP packet has no tcp.port at all.
    assert!(f.matches(&rsp));
    assert!(!f.matches(&udp));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );

    // The same from text, through the parser.
    let mut terms: Vec<String> = (0..100_000)
        .map(|i| format!("tcp.port == {}", i % 60_000))
        .collect();
    while terms.len() > 1 {
        terms = terms
            .chunks(2)
            .map(|c| match c {
                [a, b] => format!("({a} or {b})"),
                [a] => a.clone(),
                _ => String::new(),
            })
            .collect();
    }
    let text = &terms[0];
    let parsed = filter::syntax::parse(text).expect("parses");
    // The parser's own time is its tests' business; time check + compile + evaluate.
    let start = Instant::now();
    let f = filter::compile_ast(parsed.expr.as_ref(), text, String::new()).expect("compiles");
    assert!(f.matches(&rsp));
    assert!(!f.matches(&udp));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    drop(parsed);
    assert!(filter::compile(text).expect("compiles").matches(&rsp));

    // `(a*)*b` on 60,000 `a`s: exponential for a backtracking engine, linear here.
    let start = Instant::now();
    let f = filter::compile("tcp.payload matches \"(a*)*b\"").expect("compiles");
    assert!(!f.matches(&rsp));
    assert!(filter::compile("tcp.payload matches \"(a*)*$\"")
        .expect("compiles")
        .matches(&rsp));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn huge_regex_is_an_error_not_a_blowup() {
    let e = filter::compile("frame matches \"(((a{100}){100}){100})\"").expect_err("too big");
    assert!(
        e.message.starts_with("Regex compilation error"),
        "{}",
        e.message
    );
}

#[test]
fn nesting_at_the_parsers_limit_checks_and_evaluates() {
    // The parser accepts up to `syntax::MAX_DEPTH` levels; everything it accepts must check,
    // compile and evaluate on an ordinary test thread's stack.
    let payload = vec![b'a'; 8];
    let tcp = packet(&payload, false);
    let n = filter::syntax::MAX_DEPTH - 2;
    let nots = format!("{}tcp", "!".repeat(n));
    let f = filter::compile(&nots).expect("compiles");
    assert_eq!(f.matches(&tcp), n % 2 == 0);
    let abs = format!("{}tcp.port{} == 25", "abs(".repeat(n), ")".repeat(n));
    assert!(filter::compile(&abs).expect("compiles").matches(&tcp));
    let braces = format!(
        "{}tcp.port{} == {}",
        "{".repeat(n),
        " + 1}".repeat(n),
        25 + n
    );
    assert!(filter::compile(&braces).expect("compiles").matches(&tcp));
    let parens = format!("{}tcp.port == 25{}", "(".repeat(n), ")".repeat(n));
    assert!(filter::compile(&parens).expect("compiles").matches(&tcp));
}
