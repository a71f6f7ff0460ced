//! The prefilter skips frames before dissection; it must never change an answer. Every fixture
//! capture, a set of filters covering every field and operator the prefilter reads, with and
//! without it: the same frames, and (with the packet list's columns, which need the stateful pass
//! over whole conversations) the same lines.

use std::io;
use std::path::{Path, PathBuf};

use wiresift::engine::{self, Flow, Match, Options, Sink};
use wiresift::filter;
use wiresift::output::packet_list;

const FILTERS: &[&str] = &[
    "tcp.port == 25",
    "tcp.port == 25 || tcp.port == 587",
    "tcp.port in {25, 80, 443, 1024..2048}",
    "tcp.srcport == 25 && tcp.dstport > 1024",
    "!(tcp.port == 80)",
    "tcp.port != 80",
    "udp.port == 53 || udp.srcport == 67",
    "ip.addr == 10.0.0.0/8",
    "ip.addr == 127.0.0.1",
    "ip.src == 192.168.0.0/16 && !ip.dst == 192.168.0.0/16",
    "ip.src == 127.0.0.1 && tcp.srcport == 25",
    "ip.proto == 17 ^^ tcp",
    "ipv6.addr == fe80::/10",
    "ipv6.src == ::1 || ipv6.nxt == 58",
    "ip.version == 6",
    "smtp",
    "smtp.req.command == \"MAIL\"",
    "smtp.response.code == 250 && ip.addr == 127.0.0.1",
    "imf",
    "tcp.len > 0 && tcp.port == 25",
    "tcp.flags.syn == 1 && ip",
    "udp.length > 100",
    "icmp || arp",
    "icmpv6 && ipv6",
    "tcp && !udp && !icmp",
    "eth.type == 0x0800 && tcp.port == 443",
];

struct Lines {
    columns: bool,
    out: Vec<String>,
}

impl Sink for Lines {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        let p = m.packet;
        self.out.push(if self.columns {
            packet_list::line(p.info.number, "", p.info.len, &p.columns)
        } else {
            p.info.number.to_string()
        });
        Ok(Flow::Continue)
    }
}

fn captures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for dir in ["l2l4", "lab", "smtp", "smtp-synthetic", "wireshark-suite"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = p.to_string_lossy().to_string();
            if name.ends_with(".pcap") || name.ends_with(".pcapng") || name.ends_with(".gz") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `columns_limit`: as the REPL, columns (and the stateful pass they need) only for the first
/// matches, after which the prefilter may also use direction-dependent fields.
fn run(
    path: &Path,
    f: &filter::Filter,
    columns: bool,
    columns_limit: Option<u64>,
    no_prefilter: bool,
) -> (Vec<String>, bool) {
    let opts = Options {
        columns,
        columns_limit,
        no_prefilter,
        ..Options::default()
    };
    let mut sink = Lines {
        columns,
        out: Vec::new(),
    };
    let report = engine::run_file(path, Some(f), &opts, &mut sink);
    let prefiltered = report.as_ref().is_ok_and(|r| r.prefiltered);
    (sink.out, prefiltered)
}

#[test]
fn the_prefilter_never_changes_an_answer() {
    let caps = captures();
    assert!(caps.len() > 50, "fixtures missing: {}", caps.len());
    let (mut compared, mut prefiltered, mut matched) = (0, 0, 0);
    let mut differences = Vec::new();
    for text in FILTERS {
        let f = filter::compile(text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
        for path in &caps {
            for (columns, limit) in [(false, None), (true, None), (true, Some(2))] {
                let (with, used) = run(path, &f, columns, limit, false);
                let (without, _) = run(path, &f, columns, limit, true);
                compared += 1;
                prefiltered += usize::from(used);
                matched += without.len();
                if with != without {
                    differences.push(format!(
                        "{} | {text} | columns {columns} {limit:?}: {} frames with the prefilter, {} without",
                        path.display(),
                        with.len(),
                        without.len()
                    ));
                }
            }
        }
    }
    eprintln!("{compared} runs compared, {prefiltered} prefiltered, {matched} matching frames");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // The comparison means something only if the prefilter ran and frames matched.
    assert!(prefiltered > compared / 2, "{prefiltered} of {compared}");
    assert!(matched > 10_000, "{matched}");
}
