//! CaptureWriter round trips: what is written reads back with the same frames, bytes, timestamps
//! (to the nanosecond), lengths, link types, comments and interface names; the file appears only
//! on finish and never replaces an existing file unless asked. (tshark reading the written files
//! is checked by tools/make_capture_expectations.sh.)

use std::path::{Path, PathBuf};

use wiresift::capture::{
    CaptureError, CaptureReader, CaptureWriter, Frame, FrameBatch, OutputFormat, RecordKind,
    WriteOptions,
};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn scratch_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wiresift-capture-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn read(path: &Path) -> (CaptureReader, Vec<Frame>) {
    let mut r = CaptureReader::open(path).unwrap();
    let frames = r.frames().collect::<Result<Vec<_>, _>>().unwrap();
    (r, frames)
}

/// Copy `src` to `dst` through a batch, as the engine would.
fn copy(
    src: &Path,
    dst: &Path,
    opts: &WriteOptions,
    packets_only: bool,
) -> Result<(), CaptureError> {
    let mut r = CaptureReader::open(src)?;
    let mut w = CaptureWriter::create(dst, opts)?;
    let mut batch = FrameBatch::new();
    loop {
        batch.clear();
        if r.fill(&mut batch, 5, 1 << 20)? == 0 {
            break;
        }
        for (i, iface) in r.interfaces().iter().enumerate() {
            w.describe_interface(i as u32, iface);
        }
        for f in batch.frames() {
            if packets_only && f.kind != RecordKind::Packet {
                continue;
            }
            w.write(&f)?;
        }
    }
    w.finish()
}

fn same_frames(a: &[Frame], b: &[Frame], with_comments: bool) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.info.number, y.info.number);
        assert_eq!(x.info.time_ns, y.info.time_ns, "frame {}", x.info.number);
        assert_eq!((x.info.len, x.info.cap_len), (y.info.len, y.info.cap_len));
        assert_eq!(x.info.link_type, y.info.link_type);
        assert_eq!(x.data, y.data);
        assert_eq!(x.kind, y.kind, "frame {}", x.info.number);
        if with_comments {
            assert_eq!(x.comments, y.comments);
        }
    }
}

#[test]
fn pcapng_round_trip_keeps_everything() {
    let dir = scratch_dir("ng");
    for rel in [
        "l2l4/pcapplusplus_many_interfaces-1.pcapng",
        "l2l4/pcapngtestgen_be_test009.pcapng",
        // sections, simple packet blocks, custom blocks
        "l2l4/pcapngtestgen_le_test202.pcapng",
        "l2l4/pcapngtestgen_be_test010.pcapng",
        "l2l4/tcpdump_tcp-handshake-nano.pcap",
        "wireshark-suite/icmp.pcapng.gz",
        "malformed/tcpdump_aoe-oobr-1.pcap", // captured length > original length
    ] {
        let src = fixture(rel);
        let (r, before) = read(&src);
        let dst = dir.join("out.pcapng");
        let opts = WriteOptions {
            nanosecond: r.sub_microsecond(),
            ..WriteOptions::default()
        };
        copy(&src, &dst, &opts, false).unwrap();
        let (r2, after) = read(&dst);
        same_frames(&before, &after, true);
        for (x, y) in before.iter().zip(&after) {
            let iface = |r: &CaptureReader, f: &Frame| {
                f.interface
                    .map(|i| r.interface(i).unwrap())
                    .map(|i| (i.name.clone(), i.description.clone(), i.snaplen, i.section))
            };
            assert_eq!(iface(&r, x), iface(&r2, y), "{rel}");
            assert_eq!(x.info.interface_id, y.info.interface_id, "{rel}");
        }
        std::fs::remove_file(&dst).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pcap_round_trip_keeps_nanoseconds() {
    let dir = scratch_dir("pcap");
    for (rel, nano) in [
        ("l2l4/pcapplusplus_nanosecs_big_endian.pcap", true),
        ("smtp/zeek_smtp.pcap", false),
        ("l2l4/tcpdump_tcp-handshake-nano.pcap", true),
    ] {
        let src = fixture(rel);
        let (r, before) = read(&src);
        assert_eq!(r.sub_microsecond(), nano, "{rel}");
        let dst = dir.join("out.pcap");
        assert_eq!(OutputFormat::for_path(&dst), OutputFormat::Pcap);
        let opts = WriteOptions {
            nanosecond: nano,
            ..WriteOptions::default()
        };
        copy(&src, &dst, &opts, false).unwrap();
        let (r2, after) = read(&dst);
        assert!(
            matches!(r2.format().kind, wiresift::capture::FormatKind::Pcap { nanosecond, .. } if nanosecond == nano)
        );
        same_frames(&before, &after, false);
        std::fs::remove_file(&dst).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pcap_refuses_mixed_link_types_and_leaves_nothing() {
    let dir = scratch_dir("mixed");
    let dst = dir.join("mixed.pcap");
    let err = copy(
        &fixture("l2l4/pcapngtestgen_be_test006.pcapng"),
        &dst,
        &WriteOptions::default(),
        true,
    )
    .unwrap_err();
    assert!(matches!(err, CaptureError::Unsupported { .. }), "{err:?}");
    assert!(err.to_string().contains("write pcapng instead"), "{err}");
    // The unfinished writer was dropped: no file, no temporary file.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn never_overwrites_unless_asked() {
    let dir = scratch_dir("overwrite");
    let dst = dir.join("x.pcapng");
    std::fs::write(&dst, b"precious").unwrap();
    let err = CaptureWriter::create(&dst, &WriteOptions::default())
        .err()
        .unwrap();
    assert!(
        err.to_string().starts_with("refusing to overwrite"),
        "{err}"
    );
    assert_eq!(std::fs::read(&dst).unwrap(), b"precious");

    // The target appearing while writing is not clobbered either.
    let late = dir.join("late.pcapng");
    let w = CaptureWriter::create(&late, &WriteOptions::default()).unwrap();
    std::fs::write(&late, b"mine").unwrap();
    assert!(w.finish().is_err());
    assert_eq!(std::fs::read(&late).unwrap(), b"mine");

    copy(
        &fixture("l2l4/pcapngtestgen_be_test001.pcapng"),
        &dst,
        &WriteOptions {
            overwrite: true,
            ..WriteOptions::default()
        },
        true,
    )
    .unwrap();
    let (_, frames) = read(&dst);
    assert_eq!(frames.len(), 4);
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unfinished_writer_leaves_no_file() {
    let dir = scratch_dir("drop");
    let dst = dir.join("half.pcapng");
    {
        let src = fixture("smtp/zeek_smtp.pcap");
        let mut r = CaptureReader::open(&src).unwrap();
        let mut w = CaptureWriter::create(&dst, &WriteOptions::default()).unwrap();
        let mut batch = FrameBatch::new();
        r.fill(&mut batch, 10, usize::MAX).unwrap();
        for f in batch.frames() {
            w.write(&f).unwrap();
        }
        assert_eq!(w.frames(), 10);
        // dropped without finish(), as when a run is interrupted
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
