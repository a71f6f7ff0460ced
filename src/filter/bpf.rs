//! Capture-filter look-alikes: when a filter is written in BPF (`port 25`, `host 10.0.0.1`),
//! its display-filter spelling, so an error can say what to type instead.
//!
//! Only a small, common part of the pcap-filter language is understood (protocols,
//! `[src|dst] host|net|port|portrange`, `ether host`, `less`/`greater`, `proto`, `and`/`or`/
//! `not`, parentheses); anything else gives no hint rather than a wrong one.

use super::syntax;

/// Words that exist in capture filters but not in display filters.
const BPF_ONLY: &[&str] = &[
    "port",
    "host",
    "net",
    "src",
    "dst",
    "ether",
    "portrange",
    "less",
    "greater",
    "proto",
];

/// Nesting beyond this gives no hint (and keeps the recursion shallow).
const MAX_DEPTH: usize = 64;

/// The display-filter spelling of `text` when it looks like a capture filter: it is not
/// valid display-filter syntax, or it uses a capture-only word. `None` otherwise, or when
/// the text is not a capture filter this module understands.
pub fn capture_filter_hint(text: &str) -> Option<String> {
    let toks = tokenize(text)?;
    let bpf_word = toks.iter().any(|t| BPF_ONLY.contains(t));
    if !bpf_word && syntax::parse(text).is_ok() {
        return None;
    }
    let mut p = Bpf {
        toks: &toks,
        pos: 0,
        depth: 0,
        last: None,
    };
    let tree = p.expr()?;
    if p.pos != toks.len() {
        return None;
    }
    let mut out = String::new();
    write(&tree, &mut out);
    // Never suggest something that would not parse itself.
    syntax::parse(&out).ok()?.expr?;
    Some(out)
}

fn tokenize(text: &str) -> Option<Vec<&str>> {
    let mut toks = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let len = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' | b')' => 1,
            b'!' => 1,
            b'&' | b'|' if b.get(i + 1) == Some(&c) => 2,
            c if is_word_char(c) => b.get(i..)?.iter().take_while(|&&c| is_word_char(c)).count(),
            _ => return None,
        };
        toks.push(text.get(i..i + len)?);
        i += len;
    }
    Some(toks)
}

fn is_word_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'/' | b'-' | b'\\')
}

enum Node {
    /// A display-filter term; `or` is true when it is itself an `||` of two tests.
    Leaf {
        text: String,
        or: bool,
    },
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
}

/// What a primitive was qualified with, reused for a bare id (`port 25 or 110`).
#[derive(Clone, Copy)]
struct Quals<'t> {
    proto: Option<&'t str>,
    dir: Option<&'t str>,
    kind: Option<&'t str>,
}

struct Bpf<'t> {
    toks: &'t [&'t str],
    pos: usize,
    depth: usize,
    last: Option<Quals<'t>>,
}

impl<'t> Bpf<'t> {
    fn peek(&self) -> Option<&'t str> {
        self.toks.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<&'t str> {
        let t = self.peek()?;
        self.pos += 1;
        Some(t)
    }

    /// `and` and `or` have the same precedence in BPF, left to right.
    fn expr(&mut self) -> Option<Node> {
        let mut lhs = self.term()?;
        while let Some(t) = self.peek() {
            let and = match t {
                "and" | "&&" => true,
                "or" | "||" => false,
                _ => break,
            };
            self.pos += 1;
            let rhs = self.term()?;
            lhs = if and {
                Node::And(Box::new(lhs), Box::new(rhs))
            } else {
                Node::Or(Box::new(lhs), Box::new(rhs))
            };
        }
        Some(lhs)
    }

    fn term(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let t = self.peek()?;
        let node = match t {
            "not" | "!" => {
                self.pos += 1;
                Node::Not(Box::new(self.term()?))
            }
            "(" => {
                self.pos += 1;
                let e = self.expr()?;
                (self.next()? == ")").then_some(())?;
                e
            }
            _ => self.primitive()?,
        };
        self.depth -= 1;
        Some(node)
    }

    fn primitive(&mut self) -> Option<Node> {
        let first = self.next()?;
        match first {
            "less" | "greater" => {
                let n = self.next().filter(|n| is_number(n))?;
                let op = if first == "less" { "<=" } else { ">=" };
                return Some(leaf(format!("frame.len {op} {n}")));
            }
            "proto" => return self.proto(None),
            _ => {}
        }
        let mut q = Quals {
            proto: None,
            dir: None,
            kind: None,
        };
        let mut t = first;
        if is_proto(t) {
            q.proto = Some(t);
            match self.peek() {
                Some("proto") if t != "ether" => {
                    self.pos += 1;
                    return self.proto(Some(t));
                }
                Some(n) if is_qualifier(n) => t = self.next()?,
                _ => return Some(leaf(display_proto(first)?.to_string())),
            }
        }
        if matches!(t, "src" | "dst") {
            q.dir = Some(t);
            t = self.next()?;
        }
        if matches!(t, "host" | "net" | "port" | "portrange") {
            q.kind = Some(t);
            t = self.next()?;
        }
        if q.proto.is_none() && q.dir.is_none() && q.kind.is_none() {
            // A bare id takes the qualifiers of the primitive before it.
            q = self.last?;
        }
        self.last = Some(q);
        self.qualified(q, t)
    }

    /// `proto N`, `ip proto N`, `ip6 proto N`.
    fn proto(&mut self, family: Option<&str>) -> Option<Node> {
        let n = self.next()?;
        let n = match n.trim_start_matches('\\') {
            "tcp" => "6",
            "udp" => "17",
            "icmp" => "1",
            "icmp6" => "58",
            n if is_number(n) => n,
            _ => return None,
        };
        let field = if family == Some("ip6") {
            "ipv6.nxt"
        } else {
            "ip.proto"
        };
        Some(leaf(format!("{field} == {n}")))
    }

    fn qualified(&mut self, q: Quals<'t>, id: &str) -> Option<Node> {
        let suffix = match q.dir {
            Some("src") => "src",
            Some("dst") => "dst",
            _ => "addr",
        };
        match q.kind.unwrap_or("host") {
            "host" | "net" => {
                if !is_address(id) {
                    return None;
                }
                let family = match q.proto {
                    Some("ether") => "eth",
                    Some("ip6") => "ipv6",
                    Some("ip") | None if is_v6(id) => "ipv6",
                    Some("ip") | None => "ip",
                    _ => return None,
                };
                if family == "eth" && q.kind == Some("net") {
                    return None;
                }
                Some(leaf(format!("{family}.{suffix} == {id}")))
            }
            "port" | "portrange" => {
                let field = match suffix {
                    "addr" => "port",
                    "src" => "srcport",
                    _ => "dstport",
                };
                let test = if q.kind == Some("portrange") {
                    let (lo, hi) = id.split_once('-')?;
                    if !is_number(lo) || !is_number(hi) {
                        return None;
                    }
                    format!("in {{{lo}..{hi}}}")
                } else if is_number(id) {
                    format!("== {id}")
                } else {
                    return None;
                };
                match q.proto {
                    Some(p @ ("tcp" | "udp" | "sctp")) => Some(leaf(format!("{p}.{field} {test}"))),
                    None => Some(Node::Leaf {
                        text: format!("tcp.{field} {test} || udp.{field} {test}"),
                        or: true,
                    }),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

fn leaf(text: String) -> Node {
    Node::Leaf { text, or: false }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}

fn is_v6(s: &str) -> bool {
    s.split('/')
        .next()
        .is_some_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok())
}

/// An address, network, MAC or host name: nothing that could be a keyword.
fn is_address(s: &str) -> bool {
    !s.is_empty()
        && !BPF_ONLY.contains(&s)
        && !matches!(s, "and" | "or" | "not")
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b':' | b'/' | b'-' | b'_'))
}

fn is_proto(s: &str) -> bool {
    matches!(
        s,
        "ether"
            | "ip"
            | "ip6"
            | "tcp"
            | "udp"
            | "icmp"
            | "icmp6"
            | "arp"
            | "sctp"
            | "igmp"
            | "vlan"
    )
}

fn is_qualifier(s: &str) -> bool {
    matches!(s, "src" | "dst" | "host" | "net" | "port" | "portrange")
}

fn display_proto(s: &str) -> Option<&'static str> {
    Some(match s {
        "ip" => "ip",
        "ip6" => "ipv6",
        "tcp" => "tcp",
        "udp" => "udp",
        "icmp" => "icmp",
        "icmp6" => "icmpv6",
        "arp" => "arp",
        "sctp" => "sctp",
        "igmp" => "igmp",
        "vlan" => "vlan",
        _ => return None,
    })
}

fn prec(n: &Node) -> u8 {
    match n {
        Node::Or(..) | Node::Leaf { or: true, .. } => 1,
        Node::And(..) => 2,
        Node::Not(_) => 3,
        Node::Leaf { .. } => 4,
    }
}

fn write(n: &Node, out: &mut String) {
    let child = |c: &Node, min: u8, out: &mut String| {
        if prec(c) < min {
            out.push('(');
            write(c, out);
            out.push(')');
        } else {
            write(c, out);
        }
    };
    match n {
        Node::Leaf { text, .. } => out.push_str(text),
        Node::Or(a, b) => {
            child(a, 1, out);
            out.push_str(" || ");
            child(b, 1, out);
        }
        Node::And(a, b) => {
            child(a, 2, out);
            out.push_str(" && ");
            child(b, 2, out);
        }
        Node::Not(a) => {
            out.push('!');
            // A bare protocol reads well after `!`; a comparison gets parentheses.
            let bare = matches!(&**a, Node::Leaf { text, or: false } if !text.contains(' '));
            child(a, if bare { 4 } else { 5 }, out);
        }
    }
}
