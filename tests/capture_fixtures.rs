//! Every fixture capture read through `CaptureReader` agrees with tshark 4.0: frame count, and
//! per frame the number, `frame.time_epoch` (to the nanosecond), `frame.len`, `frame.cap_len`,
//! `frame.interface_id` and link type; damaged files give tshark's good frames, then an error.
//! Expected values: tests/data/capture_*.tsv, made by tools/make_capture_expectations.sh.

use std::collections::BTreeMap;

use wiresift::capture::{
    CaptureError, CaptureReader, FormatKind, FrameBatch, RecordKind, LINKTYPE_NONE,
};
use wiresift::dissect::FrameInfo;

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn rows(name: &str) -> Vec<Vec<String>> {
    data(name)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// tshark's "1340954905.298858000" as nanoseconds; times past 2262 saturate, as the reader's do.
fn epoch_ns(s: &str) -> i64 {
    let secs: i128 = s.split('.').next().unwrap().parse().unwrap();
    if secs.abs() > i128::from(i64::MAX / 1_000_000_000) {
        return if secs < 0 { i64::MIN } else { i64::MAX };
    }
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (sec, frac) = s.split_once('.').unwrap_or((s, "0"));
    let frac = format!("{frac:0<9}");
    let ns = sec.parse::<i64>().unwrap() * 1_000_000_000 + frac[..9].parse::<i64>().unwrap();
    if neg {
        -ns
    } else {
        ns
    }
}

struct Read {
    frames: Vec<(FrameInfo, RecordKind)>,
    error: Option<CaptureError>,
    pcap: bool,
}

/// Read a whole file in small batches, so batch boundaries fall everywhere.
fn read_all(path: &str) -> Read {
    let mut reader = CaptureReader::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let pcap = matches!(reader.format().kind, FormatKind::Pcap { .. });
    let mut batch = FrameBatch::new();
    let mut frames = Vec::new();
    let error = loop {
        batch.clear();
        match reader.fill(&mut batch, 7, 3000) {
            Ok(0) => break None,
            Ok(n) => {
                assert_eq!(n, batch.len());
                frames.extend(batch.frames().map(|f| (*f.info, f.kind)));
            }
            Err(e) => break Some(e),
        }
    };
    // After the end (or the error) the reader stays finished.
    assert_eq!(reader.fill(&mut batch, 7, 3000).ok(), Some(0), "{path}");
    Read {
        frames,
        error,
        pcap,
    }
}

#[test]
fn fixtures_match_tshark() {
    let encap: BTreeMap<u32, String> = rows("capture_linktype_encap.tsv")
        .into_iter()
        .map(|r| (r[0].parse().unwrap(), r[1].clone()))
        .collect();
    let mut expected: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for r in rows("capture_frames.tsv") {
        expected.entry(r[0].clone()).or_default().push(r);
    }
    let status = rows("capture_status.tsv");
    assert!(
        status.len() >= 100,
        "expected every fixture, got {}",
        status.len()
    );
    let mut checked_frames = 0;
    for st in &status {
        let (file, exit, tshark_error) = (&st[0], &st[1], st.get(2).map_or("", String::as_str));
        let path = format!("{}/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
        if file.ends_with(".py") {
            continue;
        }
        let got = read_all(&path);
        let want = expected.remove(file.as_str()).unwrap_or_default();
        if tshark_error.contains("network type 285 unknown or unsupported") {
            // tshark refuses the link type; tcpdump reads it: see edsa_matches_tcpdump.
            assert!(got.error.is_none(), "{file}: {:?}", got.error);
            continue;
        }
        assert_eq!(got.frames.len(), want.len(), "{file}: frame count");
        match exit.as_str() {
            "0" => assert!(got.error.is_none(), "{file}: {:?}", got.error),
            _ => {
                let e = got
                    .error
                    .as_ref()
                    .unwrap_or_else(|| panic!("{file}: no error"));
                assert!(matches!(e, CaptureError::Damaged { .. }), "{file}: {e:?}");
                assert_eq!(e.frame(), Some(want.len() as u32 + 1), "{file}: {e}");
                // tshark: "File has 3925868813-byte packet, bigger than maximum of 262144".
                let claimed = tshark_error
                    .split("File has ")
                    .nth(1)
                    .and_then(|s| s.split('-').next())
                    .unwrap_or_else(|| panic!("{file}: {tshark_error}"));
                let msg = e.to_string();
                assert!(
                    msg.contains(&format!(
                        "record claims {claimed} bytes, more than the 262144"
                    )),
                    "{file}: {msg}"
                );
            }
        }
        for ((info, kind), w) in got.frames.iter().zip(&want) {
            let ctx = format!("{file} frame {}", w[1]);
            assert_eq!(info.number.to_string(), w[1], "{ctx}: number");
            if w[2].is_empty() {
                assert!(!kind.has_time(), "{ctx}: tshark shows no time");
            } else {
                assert!(kind.has_time(), "{ctx}");
                let want_ns = match w[2].strip_prefix('-') {
                    // A pcap time is never before 1970: tshark prints seconds and a negative
                    // nanosecond part (a damaged microsecond field that wrapped) as "-S.N".
                    Some(t) if got.pcap => {
                        let (s, n) = t.split_once('.').unwrap();
                        s.parse::<i64>().unwrap() * 1_000_000_000 - n.parse::<i64>().unwrap()
                    }
                    _ => epoch_ns(&w[2]),
                };
                assert_eq!(info.time_ns, want_ns, "{ctx}: time {}", w[2]);
            }
            assert_eq!(info.len.to_string(), w[3], "{ctx}: len");
            assert_eq!(info.cap_len.to_string(), w[4], "{ctx}: cap_len");
            if w[5].is_empty() {
                assert!(got.pcap || !kind.has_interface(), "{ctx}: interface");
            } else {
                assert!(kind.has_interface(), "{ctx}");
                assert_eq!(info.interface_id.to_string(), w[5], "{ctx}: interface_id");
            }
            if w[6].is_empty() {
                assert_eq!(info.link_type, LINKTYPE_NONE, "{ctx}: {kind:?}");
            } else {
                assert_eq!(
                    encap.get(&info.link_type),
                    Some(&w[6]),
                    "{ctx}: link type {}",
                    info.link_type
                );
            }
            checked_frames += 1;
        }
    }
    assert!(
        expected.is_empty(),
        "files without a status row: {:?}",
        expected.keys()
    );
    assert!(checked_frames > 5000, "{checked_frames}");
}

#[test]
fn edsa_matches_tcpdump() {
    // tcpdump -tt prints microseconds.
    let want: Vec<i64> = data("capture_edsa_tcpdump.tsv")
        .lines()
        .map(epoch_ns)
        .collect();
    let path = format!(
        "{}/fixtures/malformed/tcpdump_edsa.pcap",
        env!("CARGO_MANIFEST_DIR")
    );
    let got = read_all(&path);
    assert!(got.error.is_none());
    let times: Vec<i64> = got.frames.iter().map(|(i, _)| i.time_ns).collect();
    assert_eq!(times, want);
    assert!(got.frames.iter().all(|(i, _)| i.link_type == 285));
}

#[test]
fn pcapng_comments_and_interface_names() {
    // tshark -r fixtures/l2l4/pcapngtestgen_be_test009.pcapng -T fields -e frame.comment
    //   -e frame.interface_name  (run by hand, tshark 4.0.17)
    let path = format!(
        "{}/fixtures/l2l4/pcapngtestgen_be_test009.pcapng",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut reader = CaptureReader::open(&path).unwrap();
    let frames: Vec<_> = reader.frames().collect::<Result<_, _>>().unwrap();
    let want = include_str!("data/capture_comments_test009.tsv");
    let mut lines = want.lines();
    for f in &frames {
        let line = lines.next().unwrap();
        let (comments, name) = line.split_once('\t').unwrap();
        assert_eq!(f.comments.join(","), comments);
        let iface = reader.interface(f.info.interface_id).unwrap();
        assert_eq!(iface.name.as_deref().unwrap_or(""), name);
    }
    assert!(lines.next().is_none());
}
