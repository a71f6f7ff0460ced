//! `wiresift fields` against `tshark -n -2 -T fields -E occurrence=a -E aggregator=, -e …`, value by
//! value, on the committed tshark outputs: tests/data/fields/*.tsv (tools/oracle/make_samples.sh)
//! and fixtures/oracle/*/*.tsv (fixtures/oracle/make_oracle.py). Both headers name the fields.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use wiresift::app::fields::{self, Args, Column, FieldOptions};
use wiresift::output::table::Format;
use wiresift::registry;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// (tshark output, capture) pairs.
fn oracles() -> Vec<(PathBuf, PathBuf)> {
    let mut pairs = Vec::new();
    let samples = root().join("tests/data/fields");
    for e in std::fs::read_dir(&samples).unwrap() {
        let tsv = e.unwrap().path();
        let name = tsv
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".tsv")
            .to_string();
        let capture = ["lab", "l2l4", "smtp", "malformed", "wireshark-suite"]
            .iter()
            .map(|d| root().join("fixtures").join(d).join(&name))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("no capture for {}", tsv.display()));
        pairs.push((tsv, capture));
    }
    for sub in ["lab", "l2l4", "smtp", "malformed"] {
        let dir = root().join("fixtures/oracle").join(sub);
        for e in std::fs::read_dir(&dir).unwrap() {
            let tsv = e.unwrap().path();
            let file = tsv.file_name().unwrap().to_string_lossy().to_string();
            if !file.ends_with(".tsv") || file.ends_with(".1pass.tsv") {
                continue;
            }
            let capture = root()
                .join("fixtures")
                .join(sub)
                .join(file.trim_end_matches(".tsv"));
            pairs.push((tsv, capture));
        }
    }
    pairs.sort();
    pairs
}

/// wiresift's rows for these fields, as TSV lines split into cells.
fn wiresift_rows(capture: &Path, names: &[String]) -> Vec<Vec<String>> {
    let args = Args {
        fields: names.to_vec(),
        filter: None,
        captures: vec![capture.to_path_buf()],
        format: Format::Tsv,
        options: FieldOptions::default(),
        limit: None,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    fields::run(&mut out, &mut err, &args).unwrap();
    String::from_utf8_lossy(&out)
        .lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

/// Differences that come from dissection, not from printing: (field, at most this many values, why).
/// A field not listed here, or more values than listed, fails the test.
const KNOWN: &[(&str, usize, &str)] = &[
    (
        "_ws.col.Info",
        162,
        "no ICMP request/response tracking (\"no response found!\"), Info of damaged frames",
    ),
    (
        "_ws.col.Protocol",
        5,
        "fuzzed frames tshark names by their EtherType",
    ),
    (
        "frame.interface_id",
        255,
        "the frame dissector adds interface_id for pcap files, tshark only for pcapng",
    ),
    ("icmp.resp_in", 2, "no ICMP request/response tracking"),
    ("icmp.resp_to", 2, "no ICMP request/response tracking"),
    ("icmp.resptime", 2, "no ICMP request/response tracking"),
    (
        "icmpv6.checksum.status",
        1,
        "ICMPv6 checksum over a routing header's final destination",
    ),
    (
        "tcp.analysis.ack_rtt",
        1,
        "TCP analysis differences (atomic fragments)",
    ),
    (
        "tcp.analysis.acks_frame",
        3,
        "TCP analysis differences (atomic fragments)",
    ),
    (
        "tcp.analysis.duplicate_ack",
        2,
        "tshark adds the duplicate-ack label twice",
    ),
    (
        "tcp.analysis.flags",
        2,
        "TCP analysis differences (atomic fragments)",
    ),
    (
        "tcp.analysis.initial_rtt",
        26,
        "tcp.analysis.initial_rtt not on the SYN/ACK",
    ),
    (
        "tcp.analysis.retransmission",
        5,
        "TCP analysis differences (atomic fragments)",
    ),
    (
        "tcp.completeness",
        115,
        "two-pass tcp.completeness not carried to the second pass",
    ),
    ("tcp.len", 16, "TCP inside ICMP errors and truncated frames"),
    (
        "tcp.reassembled_in",
        16,
        "reassembly of protocols wiresift does not dissect (HTTP, DNS over TCP)",
    ),
    ("tcp.seq", 4, "TCP inside ICMP errors"),
    ("udp.dstport", 1, "UDP with a bad length"),
    ("udp.srcport", 1, "UDP with a bad length"),
    ("udp.stream", 2, "UDP inside ICMP errors"),
    ("udp.time_delta", 2, "UDP inside IP-in-IP"),
    ("udp.time_relative", 2, "UDP inside IP-in-IP"),
];

#[test]
fn fields_print_as_tshark_prints_them() {
    let pairs = oracles();
    assert!(pairs.len() >= 6);
    let (mut compared, mut equal, mut other_stack, mut frames) = (0usize, 0usize, 0usize, 0usize);
    let mut not_dissected: BTreeMap<String, usize> = BTreeMap::new();
    let mut differ: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (tsv, capture) in &pairs {
        let text = std::fs::read_to_string(tsv).unwrap();
        let mut lines = text.lines();
        // tshark prints no header for a capture without frames.
        let Some(first) = lines.next() else { continue };
        let header: Vec<&str> = first.split('\t').collect();
        // Fields wiresift cannot print are listed, not compared.
        let keep: Vec<usize> = (0..header.len())
            .filter(|&i| {
                let ok = match fields::resolve(header[i]) {
                    Ok(Column::Field(f)) => registry::dissected(f),
                    Ok(Column::Packet(_)) => true,
                    Err(_) => false,
                };
                if !ok {
                    *not_dissected.entry(header[i].to_string()).or_default() += 1;
                }
                ok
            })
            .collect();
        let names: Vec<String> = keep.iter().map(|&i| header[i].to_string()).collect();
        let got = wiresift_rows(capture, &names);
        let want: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
        assert_eq!(got.len(), want.len(), "{}: frame count", capture.display());
        frames += got.len();
        let protocols = keep.iter().position(|&i| header[i] == "frame.protocols");
        for (row, (g, w)) in got.iter().zip(&want).enumerate() {
            // Frames where tshark dissected a protocol wiresift does not (PPP, LLC, DHCP, DNS,
            // BGP, ...) are counted, not compared: their columns and upper layers differ by design.
            if let Some(k) = protocols {
                if g.get(k).map(String::as_str) != w.get(keep[k]).copied() {
                    other_stack += 1;
                    continue;
                }
            }
            for (k, &i) in keep.iter().enumerate() {
                let (gv, wv) = (
                    g.get(k).map_or("", String::as_str),
                    w.get(i).copied().unwrap_or(""),
                );
                compared += 1;
                if gv == wv {
                    equal += 1;
                } else {
                    let e = differ
                        .entry(header[i].to_string())
                        .or_insert((0, String::new()));
                    if e.0 == 0 {
                        e.1 = format!(
                            "{} frame {}: tshark {wv:?} wiresift {gv:?}",
                            capture.strip_prefix(root()).unwrap_or(capture).display(),
                            row + 1
                        );
                    }
                    e.0 += 1;
                }
            }
        }
    }
    println!(
        "{} captures, {frames} frames ({other_stack} with protocols wiresift does not dissect, skipped); \
         {compared} values compared; {equal} equal",
        pairs.len()
    );
    println!("not dissected by wiresift (columns skipped, per capture): {not_dissected:?}");
    for (field, (n, first)) in &differ {
        println!("DIFF {field}: {n} values; first: {first}");
    }
    for (field, (n, first)) in &differ {
        let known = KNOWN.iter().find(|(f, _, _)| f == field);
        assert!(
            known.is_some_and(|(_, max, _)| n <= max),
            "{field}: {n} values differ, e.g. {first}"
        );
    }
}
