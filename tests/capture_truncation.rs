//! A capture cut at every byte offset gives exactly the frames wholly before the cut, then (unless
//! the cut falls between records) a Truncated error naming the next frame. Never a panic.
//! Record boundaries come from a separate, minimal walk over the record/block headers.

use std::io::Cursor;

use wiresift::capture::{CaptureError, CaptureReader, Frame, FrameBatch};

fn fixture(rel: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read_all(bytes: Vec<u8>) -> (Vec<Frame>, Option<CaptureError>) {
    let mut reader = match CaptureReader::from_reader(Cursor::new(bytes)) {
        Ok(r) => r,
        Err(e) => return (Vec::new(), Some(e)),
    };
    let mut frames = Vec::new();
    for f in reader.frames() {
        match f {
            Ok(f) => frames.push(f),
            Err(e) => return (frames, Some(e)),
        }
    }
    (frames, None)
}

fn u32_at(b: &[u8], at: usize, big: bool) -> usize {
    let w: [u8; 4] = b[at..at + 4].try_into().unwrap();
    (if big {
        u32::from_be_bytes(w)
    } else {
        u32::from_le_bytes(w)
    }) as usize
}

/// (offsets where the file may end cleanly, end offset of each frame) for a standard pcap.
fn pcap_layout(b: &[u8]) -> (Vec<usize>, Vec<usize>) {
    let big = b[0] == 0xa1;
    let mut clean = vec![24];
    let mut ends = Vec::new();
    let mut p = 24;
    while p < b.len() {
        p += 16 + u32_at(b, p + 8, big);
        clean.push(p);
        ends.push(p);
    }
    assert_eq!(p, b.len());
    (clean, ends)
}

/// The same for pcapng: every block end is clean; packet-like blocks are frames.
fn pcapng_layout(b: &[u8]) -> (Vec<usize>, Vec<usize>) {
    let (mut clean, mut ends, mut p, mut big) = (Vec::new(), Vec::new(), 0, false);
    while p < b.len() {
        let t = u32_at(b, p, big);
        if t == 0x0A0D0D0A {
            big = b[p + 8] == 0x1a;
        }
        let t = u32_at(b, p, big);
        p += u32_at(b, p + 4, big);
        clean.push(p);
        if matches!(t, 2 | 3 | 6 | 9 | 0xBAD | 0x4000_0BAD) {
            ends.push(p);
        }
    }
    assert_eq!(p, b.len());
    (clean, ends)
}

fn check_every_cut(bytes: &[u8], clean: &[usize], ends: &[usize]) {
    let (full, err) = read_all(bytes.to_vec());
    assert!(err.is_none(), "{err:?}");
    assert_eq!(full.len(), ends.len());
    for k in 0..=bytes.len() {
        let (frames, err) = read_all(bytes[..k].to_vec());
        if k < 4 {
            assert!(
                matches!(err, Some(CaptureError::NotACapture { .. })),
                "cut {k}: {err:?}"
            );
            continue;
        }
        let n = ends.iter().filter(|&&e| e <= k).count();
        assert_eq!(frames.len(), n, "cut {k}: frames");
        assert!(
            frames.iter().zip(&full).all(|(a, b)| a == b),
            "cut {k}: frame contents"
        );
        if clean.contains(&k) {
            assert!(err.is_none(), "cut {k}: {err:?}");
        } else {
            let e = err.unwrap_or_else(|| panic!("cut {k}: no error"));
            assert!(
                matches!(e, CaptureError::Truncated { .. }),
                "cut {k}: {e:?}"
            );
            assert_eq!(e.frame(), Some(n as u32 + 1), "cut {k}: {e}");
            let msg = e.to_string();
            assert!(msg.contains(&format!("frame {}", n + 1)), "cut {k}: {msg}");
            assert!(e.offset().is_some_and(|o| o < k as u64), "cut {k}: {msg}");
        }
    }
}

#[test]
fn pcap_cut_everywhere() {
    for rel in [
        "lab/lab_smtp_telnet_helo.pcap",
        "l2l4/pcapplusplus_nanosecs_big_endian.pcap",
    ] {
        let b = fixture(rel);
        let (clean, ends) = pcap_layout(&b);
        check_every_cut(&b, &clean, &ends);
    }
}

#[test]
fn pcapng_cut_everywhere() {
    // Three sections of both byte orders, custom, name resolution and statistics blocks.
    for rel in [
        "l2l4/pcapngtestgen_le_test202.pcapng",
        "l2l4/pcapngtestgen_be_test010.pcapng",
    ] {
        let b = fixture(rel);
        let (clean, ends) = pcapng_layout(&b);
        check_every_cut(&b, &clean, &ends);
    }
}

#[test]
fn pcap_truncated_message() {
    // The last record of lab_smtp_telnet_helo.pcap, cut 5 bytes short.
    let b = fixture("lab/lab_smtp_telnet_helo.pcap");
    let (_, ends) = pcap_layout(&b);
    let last_start = ends[ends.len() - 2];
    let last_len = ends[ends.len() - 1] - last_start;
    let (frames, err) = read_all(b[..b.len() - 5].to_vec());
    assert_eq!(frames.len(), ends.len() - 1);
    assert_eq!(
        err.unwrap().to_string(),
        format!(
            "file ends inside frame {} (record at byte offset {last_start}): {} of {last_len} bytes present",
            ends.len(),
            last_len - 5
        )
    );
}

#[test]
fn gzip_cut_everywhere() {
    let gz = fixture("wireshark-suite/icmp.pcapng.gz");
    let (full, err) = read_all(gz.clone());
    assert!(err.is_none(), "{err:?}");
    assert!(!full.is_empty());
    let mut truncated = 0;
    for k in 0..gz.len() {
        let (frames, err) = read_all(gz[..k].to_vec());
        assert!(frames.iter().zip(&full).all(|(a, b)| a == b), "cut {k}");
        let e = err.unwrap_or_else(|| panic!("cut {k}: no error"));
        match &e {
            CaptureError::NotACapture { .. } => assert!(k < 2, "cut {k}: {e}"),
            CaptureError::Truncated { compressed, .. } => {
                assert!(compressed, "cut {k}: {e}");
                assert!(
                    e.to_string().contains("gzip-compressed data is cut short"),
                    "{e}"
                );
                truncated += 1;
            }
            other => panic!("cut {k}: {other:?}"),
        }
    }
    assert!(truncated > gz.len() / 2);
}

#[test]
fn batches_respect_limits() {
    let b = fixture("lab/lab_smtp_full_session.pcap");
    let (_, ends) = pcap_layout(&b);
    let mut reader = CaptureReader::from_reader(Cursor::new(b)).unwrap();
    let mut batch = FrameBatch::new();
    let mut total = 0;
    loop {
        batch.clear();
        let n = reader.fill(&mut batch, 3, usize::MAX).unwrap();
        if n == 0 {
            break;
        }
        assert!(n <= 3);
        total += n;
    }
    assert_eq!(total, ends.len());
}
