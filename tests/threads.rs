//! Results must not depend on the number of threads: the same packet list and frames with 1 and 4
//! rayon threads, on captures with TCP state, reassembly, fragments and several link types.

use std::io;
use std::path::Path;

use wiresift::engine::{self, Flow, Match, Options, Sink};
use wiresift::filter;
use wiresift::output::packet_list;

struct Lines(Vec<String>);

impl Sink for Lines {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        let p = m.packet;
        let time = m
            .time_decimals()
            .map(|d| packet_list::relative_time(p.info.time_ns - m.first_ns, d))
            .unwrap_or_default();
        self.0.push(packet_list::line(
            p.info.number,
            &time,
            p.info.len,
            &p.columns,
        ));
        Ok(Flow::Continue)
    }
}

fn run(threads: usize, capture: &str, filter_text: &str) -> Vec<String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let f = filter::compile(filter_text).unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(capture);
        let mut sink = Lines(Vec::new());
        let opts = Options {
            columns: true,
            ..Options::default()
        };
        engine::run_file(&path, Some(&f), &opts, &mut sink).unwrap();
        sink.0
    })
}

#[test]
fn one_and_four_threads_give_the_same_answers() {
    let cases = [
        ("smtp/zeek_smtp_smtp-many-addresses.pcap", "tcp"),
        (
            "smtp/zeek_smtp_smtp-many-addresses.pcap",
            "smtp.req.command == \"RCPT\"",
        ),
        (
            "smtp/suricata_smtp-data-rejected.pcap",
            "smtp || tcp.analysis.flags",
        ),
        (
            "lab/lab_smtp_full_session.pcap",
            "imf || tcp.reassembled_in",
        ),
        ("l2l4/pcapplusplus_ip4_fragments.pcap", "ip"),
        ("l2l4/zeek_llc.pcap", "frame"),
    ];
    for (capture, f) in cases {
        let one = run(1, capture, f);
        assert!(!one.is_empty(), "{capture} {f}: no frames");
        assert_eq!(one, run(4, capture, f), "{capture} {f}");
    }
}
