//! Damaged, missing and hostile inputs through the `wiresift filter` binary: a clear message on
//! stderr naming what and where, every good frame before the damage printed, and the documented
//! exit code (0 ok, 1 unreadable or output failed, 2 usage, 3 partial). The reader's own messages
//! are pinned in capture_damage.rs; here it is the command's behaviour around them.

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use wiresift::harness::tcp_frame;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wiresift-cli-damage-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn wiresift<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_wiresift"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Two SMTP frames on a raw-IPv4 link (LINKTYPE_IPV4, 228).
fn good_frames() -> Vec<Vec<u8>> {
    vec![
        tcp_frame(false, 1000, 5000, 0x18, b"EHLO x\r\n"),
        tcp_frame(true, 5000, 1008, 0x18, b"250 ok\r\n"),
    ]
}

fn pcap(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut v = Vec::new();
    for x in [0xa1b2c3d4u32, 0x0004_0002, 0, 0, 65535, 228] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    for (i, f) in frames.iter().enumerate() {
        for x in [i as u32 + 1, 0, f.len() as u32, f.len() as u32] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(f);
    }
    v
}

fn block(t: u32, body: &[u8]) -> Vec<u8> {
    let mut b = body.to_vec();
    while b.len() % 4 != 0 {
        b.push(0);
    }
    let len = b.len() as u32 + 12;
    let mut v = t.to_le_bytes().to_vec();
    v.extend_from_slice(&len.to_le_bytes());
    v.extend_from_slice(&b);
    v.extend_from_slice(&len.to_le_bytes());
    v
}

/// A little-endian pcapng: section header, one raw-IPv4 interface, then the frames.
fn pcapng(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut shb = 0x1A2B3C4Du32.to_le_bytes().to_vec();
    shb.extend_from_slice(&[1, 0, 0, 0]);
    shb.extend_from_slice(&[0xff; 8]);
    let mut v = block(0x0A0D0D0A, &shb);
    let mut idb = 228u16.to_le_bytes().to_vec();
    idb.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    v.extend(block(1, &idb));
    for (i, f) in frames.iter().enumerate() {
        v.extend(epb(0, i as u32, f));
    }
    v
}

fn epb(iface: u32, sec: u32, f: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    let ts = u64::from(sec) * 1_000_000;
    for x in [
        iface,
        (ts >> 32) as u32,
        ts as u32,
        f.len() as u32,
        f.len() as u32,
    ] {
        body.extend_from_slice(&x.to_le_bytes());
    }
    body.extend_from_slice(f);
    block(6, &body)
}

/// The output for the good frames alone: what a damaged file must print before its damage.
fn expected_list(dir: &Path) -> String {
    let good = dir.join("good.pcap");
    fs::write(&good, pcap(&good_frames())).unwrap();
    let out = wiresift([OsStr::new("filter"), OsStr::new(""), good.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let list = text(&out.stdout);
    assert_eq!(list.lines().count(), 2, "{list}");
    list
}

/// Run `filter ""` on `bytes` written as `name`; check the exit code and that stdout is `list`.
fn run_damaged(dir: &Path, name: &str, bytes: &[u8], code: i32, list: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    let out = wiresift([OsStr::new("filter"), OsStr::new(""), path.as_os_str()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{name}: {err}");
    assert_eq!(text(&out.stdout), list, "{name}");
    assert!(
        err.starts_with(&format!("wiresift: {}: ", path.display())),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn a_record_claiming_4_gb() {
    let dir = scratch("4gb");
    let list = expected_list(&dir);
    let mut b = pcap(&good_frames());
    let at = b.len();
    for x in [3u32, 0, u32::MAX, u32::MAX] {
        b.extend_from_slice(&x.to_le_bytes());
    }
    b.extend_from_slice(b"only a few bytes");
    let err = run_damaged(&dir, "4gb.pcap", &b, 3, &list);
    assert!(
        err.contains(&format!(
            "frame 3 at byte offset {at}: record claims 4294967295 bytes, more than the 262144 a frame may have \
             (2 good frames before it were processed)"
        )),
        "{err}"
    );
}

#[test]
fn a_pcapng_block_with_a_bad_length() {
    let dir = scratch("badlen");
    let list = expected_list(&dir);
    let mut b = pcapng(&good_frames());
    let at = b.len();
    let mut bad = epb(0, 9, b"xyz");
    bad[4] = bad[4].wrapping_add(2); // no longer a multiple of 4
    let claimed = u32::from_le_bytes(bad[4..8].try_into().unwrap());
    b.extend(bad);
    let err = run_damaged(&dir, "badlen.pcapng", &b, 3, &list);
    assert!(
        err.contains(&format!(
            "frame 3 at byte offset {at}: enhanced packet block has length {claimed}, which is not a multiple of 4"
        )),
        "{err}"
    );
}

#[test]
fn an_unknown_block_type_is_skipped() {
    // The pcapng specification says a reader skips blocks it does not know; so does tshark.
    let dir = scratch("unknown");
    let list = expected_list(&dir);
    let frames = good_frames();
    let mut b = pcapng(&frames[..1]);
    b.extend(block(0x0000_7777, b"some block nobody knows"));
    b.extend(epb(0, 1, &frames[1]));
    let path = dir.join("unknown.pcapng");
    fs::write(&path, &b).unwrap();
    let out = wiresift([OsStr::new("filter"), OsStr::new(""), path.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), list);
    assert!(out.stderr.is_empty());
}

#[test]
fn an_interface_id_out_of_range() {
    let dir = scratch("iface");
    let list = expected_list(&dir);
    let mut b = pcapng(&good_frames());
    let at = b.len();
    b.extend(epb(7, 3, b"abcd"));
    let err = run_damaged(&dir, "iface.pcapng", &b, 3, &list);
    assert!(
        err.contains(&format!("frame 3 at byte offset {at}: ")),
        "{err}"
    );
    assert!(err.contains("interface 7"), "{err}");
    assert!(
        err.contains("(2 good frames before it were processed)"),
        "{err}"
    );
}

#[test]
fn a_gzip_stream_cut_short() {
    let dir = scratch("gzip");
    let list = expected_list(&dir);
    // The good frames, then enough of them again that a cut in the middle lands after the first two.
    let mut frames = good_frames();
    // Bytes that do not compress (a linear congruential sequence), so half the stream is half the data.
    let mut x = 12345u32;
    for _ in 0..40 {
        let noise: Vec<u8> = (0..200)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (x >> 16) as u8
            })
            .collect();
        frames.push(tcp_frame(false, 1, 1, 0x10, &noise));
    }
    let plain = pcap(&frames);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let path = dir.join("cut.pcap.gz");
    fs::write(&path, &gz[..gz.len() / 2]).unwrap();
    let out = wiresift([OsStr::new("filter"), OsStr::new("smtp"), path.as_os_str()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("the gzip-compressed data is cut short inside"),
        "{err}"
    );
    assert!(err.contains("of the uncompressed data"), "{err}");
    // The two SMTP frames come before the cut.
    let shown = text(&out.stdout);
    let want: Vec<&str> = list.lines().collect();
    let got: Vec<&str> = shown.lines().collect();
    assert_eq!(got, want, "{err}");
}

#[test]
fn a_file_that_is_not_a_capture_and_a_missing_file() {
    let dir = scratch("notcap");
    let list = expected_list(&dir);
    let html = dir.join("page.pcap");
    fs::write(&html, b"<html><body>not a capture</body></html>").unwrap();
    let missing = dir.join("missing.pcap");
    let good = dir.join("good.pcap");

    let out = wiresift([OsStr::new("filter"), OsStr::new(""), html.as_os_str()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.starts_with(&format!(
            "wiresift: {}: not a pcap or pcapng capture file: the file starts with bytes 3c 68 74 6d",
            html.display()
        )),
        "{err}"
    );

    let out = wiresift([OsStr::new("filter"), OsStr::new(""), missing.as_os_str()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with(&format!("wiresift: {}: cannot open", missing.display())),
        "{err}"
    );
    assert!(err.contains("No such file or directory"), "{err}");

    // One unreadable file among good ones: the good ones are still read; the exit code says 1.
    let out = wiresift([
        OsStr::new("filter"),
        OsStr::new(""),
        missing.as_os_str(),
        good.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let prefixed: String = list
        .lines()
        .map(|l| format!("{}: {l}\n", good.display()))
        .collect();
    assert_eq!(text(&out.stdout), prefixed);
}

#[test]
fn write_never_overwrites_unless_asked() {
    let dir = scratch("overwrite");
    expected_list(&dir);
    let good = dir.join("good.pcap");
    let target = dir.join("keep.pcapng");
    fs::write(&target, b"precious").unwrap();
    let args = |extra: &[&str]| {
        let mut a: Vec<&OsStr> = vec![
            OsStr::new("filter"),
            OsStr::new(""),
            good.as_os_str(),
            OsStr::new("-w"),
        ];
        a.push(target.as_os_str());
        a.extend(extra.iter().map(OsStr::new));
        wiresift(a)
    };
    let out = args(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing is read before refusing");
    assert!(
        text(&out.stderr).contains("refusing to overwrite"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fs::read(&target).unwrap(), b"precious");

    let out = args(&["--overwrite"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let frames: Vec<_> = wiresift::capture::CaptureReader::open(&target)
        .unwrap()
        .frames()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(frames.len(), 2);
}

#[test]
fn an_interrupted_write_leaves_no_file() {
    // stdout on /dev/full: the packet list fails mid-run, after the writer started.
    let dir = scratch("interrupted");
    let frames: Vec<Vec<u8>> = (0..500)
        .map(|i| tcp_frame(false, i * 8, 1, 0x18, b"NOOP\r\n\r\n"))
        .collect();
    let src = dir.join("many.pcap");
    fs::write(&src, pcap(&frames)).unwrap();
    let target = dir.join("out.pcapng");
    let Ok(full) = fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not on this system
    };
    let out = Command::new(env!("CARGO_BIN_EXE_wiresift"))
        .args([
            OsStr::new("filter"),
            OsStr::new(""),
            src.as_os_str(),
            OsStr::new("-w"),
            target.as_os_str(),
        ])
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("No space left on device"),
        "{}",
        text(&out.stderr)
    );
    let left: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        left,
        [OsStr::new("many.pcap")],
        "a half capture or a temporary file was left"
    );
}

#[test]
fn damage_with_write_keeps_the_good_frames() {
    let dir = scratch("damage-write");
    expected_list(&dir);
    let mut b = pcap(&good_frames());
    for x in [3u32, 0, u32::MAX, u32::MAX] {
        b.extend_from_slice(&x.to_le_bytes());
    }
    let src = dir.join("damaged.pcap");
    fs::write(&src, b).unwrap();
    let target = dir.join("saved.pcap");
    let out = wiresift([
        OsStr::new("filter"),
        OsStr::new(""),
        src.as_os_str(),
        OsStr::new("-w"),
        target.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let saved: Vec<_> = wiresift::capture::CaptureReader::open(&target)
        .unwrap()
        .frames()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        saved.iter().map(|f| f.data.clone()).collect::<Vec<_>>(),
        good_frames()
    );
}

#[cfg(unix)]
#[test]
fn invalid_utf8_arguments_are_errors_not_panics() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("utf8");
    expected_list(&dir);
    let good = dir.join("good.pcap");
    let bad = OsStr::from_bytes(b"tcp\xff\xfe");
    // A filter must be text: clap says so, with the usage exit code.
    let out = wiresift([OsStr::new("filter"), bad, good.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("invalid UTF-8"),
        "{}",
        text(&out.stderr)
    );
    let out = wiresift([OsStr::new("check"), bad]);
    assert_eq!(out.status.code(), Some(2));
    let out = wiresift([OsStr::new("registry"), bad]);
    assert_eq!(out.status.code(), Some(2));
    // A file name need not be: it is just missing here.
    let missing = dir.join(OsStr::from_bytes(b"\xff.pcap"));
    let out = wiresift([OsStr::new("filter"), OsStr::new(""), missing.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot open"));
    // And -w to such a name works.
    let target = dir.join(OsStr::from_bytes(b"\xfe.pcapng"));
    let out = wiresift([
        OsStr::new("filter"),
        OsStr::new(""),
        good.as_os_str(),
        OsStr::new("-w"),
        target.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(target.exists());
}
