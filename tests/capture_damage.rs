//! Hand-built captures (bytes laid out per the pcap and pcapng specifications) for the cases the
//! fixtures lack: each kind of damage, sections of both byte orders with different timestamp
//! resolutions, skipped blocks, gzip, and files that are not captures at all.

use std::io::{Cursor, Write};

use wiresift::capture::{CaptureError, CaptureReader, FormatKind, Frame};

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

/// Little-endian microsecond pcap, Ethernet, snaplen 65535; records (sec, usec, incl, orig, data).
fn pcap(records: &[(u32, u32, u32, u32, &[u8])]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    v.extend_from_slice(&2u16.to_le_bytes());
    v.extend_from_slice(&4u16.to_le_bytes());
    for x in [0u32, 0, 65535, 1] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    for (sec, usec, incl, orig, data) in records {
        for x in [sec, usec, incl, orig] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(data);
    }
    v
}

fn u16b(v: u16, big: bool) -> [u8; 2] {
    if big {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    }
}
fn u32b(v: u32, big: bool) -> [u8; 4] {
    if big {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    }
}

fn pad(v: &mut Vec<u8>) {
    while !v.len().is_multiple_of(4) {
        v.push(0);
    }
}

fn options(opts: &[(u16, &[u8])], big: bool) -> Vec<u8> {
    let mut v = Vec::new();
    for (code, value) in opts {
        v.extend_from_slice(&u16b(*code, big));
        v.extend_from_slice(&u16b(value.len() as u16, big));
        v.extend_from_slice(value);
        pad(&mut v);
    }
    if !opts.is_empty() {
        v.extend_from_slice(&[0; 4]);
    }
    v
}

fn block(t: u32, body: &[u8], big: bool) -> Vec<u8> {
    let mut b = body.to_vec();
    pad(&mut b);
    let len = b.len() as u32 + 12;
    let mut v = Vec::new();
    v.extend_from_slice(&u32b(t, big));
    v.extend_from_slice(&u32b(len, big));
    v.extend_from_slice(&b);
    v.extend_from_slice(&u32b(len, big));
    v
}

fn shb(big: bool) -> Vec<u8> {
    let mut body = u32b(0x1A2B3C4D, big).to_vec();
    body.extend_from_slice(&u16b(1, big));
    body.extend_from_slice(&u16b(0, big));
    body.extend_from_slice(&[0xff; 8]);
    block(0x0A0D0D0A, &body, big)
}

fn idb(link: u16, snaplen: u32, opts: &[(u16, &[u8])], big: bool) -> Vec<u8> {
    let mut body = u16b(link, big).to_vec();
    body.extend_from_slice(&[0, 0]);
    body.extend_from_slice(&u32b(snaplen, big));
    body.extend_from_slice(&options(opts, big));
    block(1, &body, big)
}

fn epb(iface: u32, ts: u64, data: &[u8], orig: u32, opts: &[(u16, &[u8])], big: bool) -> Vec<u8> {
    let mut body = Vec::new();
    for x in [iface, (ts >> 32) as u32, ts as u32, data.len() as u32, orig] {
        body.extend_from_slice(&u32b(x, big));
    }
    body.extend_from_slice(data);
    pad(&mut body);
    body.extend_from_slice(&options(opts, big));
    block(6, &body, big)
}

#[test]
fn pcap_record_too_large_after_good_frames() {
    let f = pcap(&[
        (10, 1, 4, 4, b"abcd"),
        (11, 2, 3, 60, b"xyz"),
        (12, 3, 300_000, 300_000, b""),
    ]);
    let (frames, err) = read_all(f);
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[1].info.time_ns, 11_000_002_000);
    assert_eq!((frames[1].info.len, frames[1].info.cap_len), (60, 3));
    let e = err.unwrap();
    assert!(matches!(e, CaptureError::Damaged { .. }));
    // 24 + (16 + 4) + (16 + 3) = 63
    assert_eq!(
        e.to_string(),
        "frame 3 at byte offset 63: record claims 300000 bytes, more than the 262144 a frame may have"
    );
    assert_eq!((e.frame(), e.offset()), (Some(3), Some(63)));
}

#[test]
fn pcapng_sections_byte_orders_and_resolutions() {
    let mut f = shb(false);
    // Interface 0: nanoseconds (if_tsresol 9), named.
    f.extend(idb(1, 0, &[(2, b"eth0"), (9, &[9])], false));
    f.extend(block(4, &[0; 8], false)); // name resolution: skipped
    f.extend(epb(
        0,
        1_500_000_000_123_456_789,
        b"one",
        3,
        &[(1, b"first"), (1, b"second")],
        false,
    ));
    f.extend(block(5, &[0; 12], false)); // interface statistics: skipped
    f.extend(block(0x1234, &[1, 2, 3, 4], false)); // unknown: skipped
                                                   // Section 2, big-endian: interface 0 counts in 1/8 s (if_tsresol 0x83) with a 100 s offset.
    f.extend(shb(true));
    f.extend(idb(
        0,
        0,
        &[(9, &[0x83]), (14, &100u64.to_be_bytes())],
        true,
    ));
    f.extend(idb(101, 0, &[], true));
    f.extend(epb(0, 8 * 1_000 + 3, b"two!", 10, &[], true));
    f.extend(epb(1, 7_000_001, b"3", 1, &[], true)); // default microseconds
    let (frames, err) = read_all(f);
    assert!(err.is_none(), "{err:?}");
    let got: Vec<_> = frames
        .iter()
        .map(|f| {
            (
                f.info.number,
                f.info.time_ns,
                f.info.interface_id,
                f.info.link_type,
                f.interface,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, 1_500_000_000_123_456_789, 0, 1, Some(0)),
            // 8003/8 s = 1000.375 s, + 100 s
            (2, 1_100_375_000_000, 0, 0, Some(1)),
            (3, 7_000_001_000, 1, 101, Some(2)),
        ]
    );
    assert_eq!(frames[0].comments, vec!["first", "second"]);
    assert_eq!(frames[1].data, b"two!");
    assert_eq!(frames[1].info.len, 10);
}

#[test]
fn pcapng_interface_out_of_range() {
    let mut f = shb(false);
    f.extend(idb(1, 0, &[], false));
    f.extend(epb(0, 0, b"ok", 2, &[], false));
    let at = f.len();
    f.extend(epb(1, 0, b"bad", 3, &[], false));
    let (frames, err) = read_all(f);
    assert_eq!(frames.len(), 1);
    let e = err.unwrap();
    assert_eq!(
        e.to_string(),
        format!(
            "frame 2 at byte offset {at}: enhanced packet block names interface 1, but its section \
             has only 1 interface description block(s)"
        )
    );
}

#[test]
fn pcapng_packet_before_interface() {
    let mut f = shb(true);
    f.extend(epb(0, 0, b"x", 1, &[], true));
    let (frames, err) = read_all(f);
    assert!(frames.is_empty());
    let e = err.unwrap();
    assert!(
        matches!(
            e,
            CaptureError::Damaged {
                frame: Some(1),
                offset: 28,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("before any interface description block"),
        "{e}"
    );
}

#[test]
fn pcapng_bad_block_lengths() {
    let mut base = shb(false);
    base.extend(idb(1, 0, &[], false));
    base.extend(epb(0, 0, b"ok", 2, &[], false));
    let at = base.len();

    let mut odd = base.clone();
    let mut b = epb(0, 0, b"x", 1, &[], false);
    b[4] += 1; // 20 + 4 + 12 = 36 bytes, now claiming 37
    odd.extend(b);
    let (frames, err) = read_all(odd);
    assert_eq!(frames.len(), 1);
    let e = err.unwrap();
    assert_eq!(
        e.to_string(),
        format!("frame 2 at byte offset {at}: enhanced packet block has length 37, which is not a multiple of 4")
    );

    let mut mismatch = base.clone();
    let mut b = epb(0, 0, b"x", 1, &[], false);
    let n = b.len();
    b[n - 4] = 40;
    mismatch.extend(b);
    let (frames, err) = read_all(mismatch);
    assert_eq!(frames.len(), 1);
    assert!(err
        .unwrap()
        .to_string()
        .contains("trailing length 40 but leading length 36"));

    let mut huge = base;
    let mut b = epb(0, 0, b"x", 1, &[], false);
    b[12 + 8..12 + 12].copy_from_slice(&1_000_000u32.to_le_bytes()); // captured length
    huge.extend(b);
    let (frames, err) = read_all(huge);
    assert_eq!(frames.len(), 1);
    assert!(err
        .unwrap()
        .to_string()
        .ends_with("record claims 1000000 bytes, more than the 262144 a frame may have"));
}

#[test]
fn not_a_capture() {
    let (_, err) = read_all(b"<!DOCTYPE html><html>".to_vec());
    let e = err.unwrap();
    assert!(matches!(e, CaptureError::NotACapture { .. }));
    assert_eq!(
        e.to_string(),
        "not a pcap or pcapng capture file: the file starts with bytes 3c 21 44 4f 43 54 59 50 \
         (\"<!DOCTYP\"); a pcap file starts with a1 b2 c3 d4 (or a variant) and a pcapng file \
         with 0a 0d 0d 0a"
    );
    let (_, err) = read_all(Vec::new());
    assert_eq!(
        err.unwrap().to_string(),
        "not a pcap or pcapng capture file: the file is empty"
    );
}

#[test]
fn gzip_is_recognised_by_magic() {
    let plain = pcap(&[(1, 2, 3, 3, b"abc"), (4, 5, 1, 9, b"z")]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let mut reader = CaptureReader::from_reader(Cursor::new(gz)).unwrap();
    let format = reader.format();
    assert!(format.gzip);
    assert!(matches!(
        format.kind,
        FormatKind::Pcap {
            nanosecond: false,
            big_endian: false
        }
    ));
    let frames: Vec<Frame> = reader.frames().collect::<Result<_, _>>().unwrap();
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[1].data, b"z");
    assert_eq!(frames[1].info.time_ns, 4_000_005_000);

    // Compressed non-capture data is named as such.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"hello world").unwrap();
    let (_, err) = read_all(gz.finish().unwrap());
    assert!(err.unwrap().to_string().starts_with(
        "not a pcap or pcapng capture file: gzip-compressed data starts with bytes 68 65"
    ));
}
