//! The packet list as `tshark -n -r <capture>` prints it (tests/data/packet_list/, made by
//! tools/oracle/make_samples.sh). Captures whose every protocol wiresift dissects must match line for
//! line; over all samples, the number of identical lines is pinned so it can only go up.

use std::process::Command;

fn ours(capture: &str) -> Vec<String> {
    let o = Command::new(env!("CARGO_BIN_EXE_wiresift"))
        .args(["filter", "", capture])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run wiresift");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn fixture(name: &str) -> String {
    for dir in ["lab", "l2l4", "smtp", "wireshark-suite", "malformed"] {
        let p = format!("fixtures/{dir}/{name}");
        if std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(&p)
            .exists()
        {
            return p;
        }
    }
    panic!("no fixture {name}");
}

/// Captures made only of protocols wiresift dissects: every line must be tshark's.
const EXACT: &[&str] = &[
    "lab_smtp_telnet_helo.pcap",
    "lab_smtp_ipv6.pcap",
    "ipoipoip.pcap",
    "pcapplusplus_QinQ_802.1_AD.pcapng",
    "zeek_vlan-pcp-dei.pcapng",
];

#[test]
fn packet_lists_match_tshark() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/packet_list");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let (mut same, mut total) = (0, 0);
    for path in entries {
        let name = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".txt")
            .to_string();
        let theirs: Vec<String> = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        let ours = ours(&fixture(&name));
        let equal = ours.iter().zip(&theirs).filter(|(a, b)| a == b).count();
        println!("{name}: {equal} of {} lines as tshark", theirs.len());
        if EXACT.contains(&name.as_str()) {
            assert_eq!(ours, theirs, "{name}");
        }
        same += equal;
        total += theirs.len();
    }
    println!("{same} of {total} packet-list lines as tshark");
    // Pinned: the rest are frames of protocols wiresift does not dissect (TLS, DNS, LLMNR, IGMP, HTTP…).
    assert!(same >= PINNED, "{same} < {PINNED}");
}

const PINNED: usize = 260;
