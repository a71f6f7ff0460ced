//! The `wiresift` binary as a user runs it: outputs and documented exit codes.
//! Expected counts are tshark 4.0.17's (fixtures/oracle/FILTER_COUNTS.tsv, column frames_2pass).

use std::process::{Command, Output};

fn wiresift(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wiresift"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run wiresift")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn counts_per_file_in_argument_order() {
    let o = wiresift(&[
        "filter",
        "--count",
        "smtp",
        "fixtures/lab/lab_smtp_full_session.pcap",
        "fixtures/lab/lab_smtp_errors.pcap",
        "fixtures/lab/lab_smtp_telnet_helo.pcap",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "fixtures/lab/lab_smtp_full_session.pcap: 50\nfixtures/lab/lab_smtp_errors.pcap: 64\nfixtures/lab/lab_smtp_telnet_helo.pcap: 5\n"
    );
}

#[test]
fn frames_and_limit_count_matches() {
    let o = wiresift(&[
        "filter",
        "--frames",
        "-c",
        "3",
        "smtp",
        "fixtures/lab/lab_smtp_telnet_helo.pcap",
    ]);
    assert_eq!(stdout(&o), "4\n14\n16\n");
}

#[test]
fn a_damaged_capture_keeps_its_good_frames_and_exits_3() {
    // tshark 4.0 reads 18 frames, then: "(pcap: File has 3925868813-byte packet, bigger than maximum of 262144)".
    let o = wiresift(&[
        "filter",
        "--count",
        "smtp",
        "fixtures/malformed/suricata_smtp-to-comma_damaged.pcap",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(stdout(&o), "10\n");
    let e = stderr(&o);
    assert!(e.contains("frame 19") && e.contains("3925868813"), "{e}");
}

#[test]
fn an_invalid_filter_exits_2_with_a_caret_and_a_suggestion() {
    let o = wiresift(&[
        "filter",
        "ip.adr == 10.0.0.1",
        "fixtures/lab/lab_smtp_telnet_helo.pcap",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("    ip.adr == 10.0.0.1\n    ^~~~~~\n"), "{e}");
    assert!(e.contains("\"ip.addr\""), "{e}");
}

#[test]
fn a_missing_capture_exits_1() {
    let o = wiresift(&["filter", "tcp", "fixtures/no-such-file.pcap"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no-such-file.pcap"));
}

#[test]
fn check_prints_json_for_scripts() {
    let o = wiresift(&["check", "--json", "tcp.port == 25 &&"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["kind"], "incomplete");
    let o = wiresift(&["check", "--json", "tcp.port in {25, 587}"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["valid"], true);
}

#[test]
fn write_refuses_to_overwrite_and_reads_back() {
    let dir = std::env::temp_dir().join(format!("wiresift-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("smtp.pcapng");
    let _ = std::fs::remove_file(&out);
    let o = wiresift(&[
        "filter",
        "--count",
        "smtp",
        "fixtures/lab/lab_smtp_telnet_helo.pcap",
        "-w",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The written capture holds exactly the 5 SMTP frames (renumbered 1..5).
    let o = wiresift(&["filter", "--frames", "", out.to_str().unwrap()]);
    assert_eq!(stdout(&o), "1\n2\n3\n4\n5\n");
    let o = wiresift(&[
        "filter",
        "smtp",
        "fixtures/lab/lab_smtp_telnet_helo.pcap",
        "-w",
        out.to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn show_prints_the_details_tree() {
    let o = wiresift(&[
        "show",
        "--frame",
        "4",
        "fixtures/lab/lab_smtp_telnet_helo.pcap",
    ]);
    let s = stdout(&o);
    // Lines as `tshark -V` prints them for this frame.
    assert!(
        s.starts_with("Frame 4: 103 bytes on wire (824 bits), 103 bytes captured (824 bits)\n"),
        "{s}"
    );
    assert!(s.contains("\nInternet Protocol Version 4, Src: 127.0.0.1, Dst: 127.0.0.1\n"));
    assert!(s.contains("\n        Response code: <domain> Service ready (220)\n"));
}

#[test]
fn decode_as_makes_another_port_smtp() {
    // `tshark -r fixtures/smtp/suricata_smtp-url-base64.pcap -d tcp.port==2525,smtp -Y smtp` prints 24 frames;
    // without -d, 0 (MANIFEST: "SMTP on port 2525 -> NOT dissected as SMTP by default").
    let f = "fixtures/smtp/suricata_smtp-url-base64.pcap";
    assert_eq!(stdout(&wiresift(&["filter", "--count", "smtp", f])), "0\n");
    assert_eq!(
        stdout(&wiresift(&[
            "filter",
            "--count",
            "smtp",
            "-d",
            "tcp.port==2525,smtp",
            f
        ])),
        "24\n"
    );
    assert_eq!(
        wiresift(&["filter", "--count", "smtp", "-d", "udp.port==53,dns", f])
            .status
            .code(),
        Some(2)
    );
}

/// Ctrl-C (SIGINT) stops a long run between two batches: the count of what was read so far is
/// printed, stderr says where it stopped, and the exit code is 130.
#[test]
fn ctrl_c_stops_cleanly_and_prints_what_was_found() {
    let dir = std::env::temp_dir().join(format!("wiresift-sigint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cap = dir.join("g.pcap");
    let gen = Command::new(env!("CARGO_BIN_EXE_wiresift-gen"))
        .args(["--packets", "200000", "--seed", "5", "--out"])
        .arg(&cap)
        .output()
        .expect("run wiresift-gen");
    assert!(gen.status.success(), "{}", stderr(&gen));
    // A filter the prefilter cannot help: every frame is dissected, so the run lasts long
    // enough (an unoptimised build reads about 200,000 frames a second).
    let child = Command::new(env!("CARGO_BIN_EXE_wiresift"))
        .args(["filter", "--count", "tcp.len > 1000"])
        .arg(&cap)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn wiresift");
    std::thread::sleep(std::time::Duration::from_millis(250));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let o = child.wait_with_output().expect("wait");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let count = stdout(&o);
    assert!(count.trim().parse::<u64>().is_ok(), "stdout: {count:?}");
    let err = stderr(&o);
    let read: u64 = err
        .split("interrupted after ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("stderr: {err}"));
    assert!(read < 200_000, "{err}");
    assert!(count.trim().parse::<u64>().unwrap_or(u64::MAX) <= read);
}

/// `fields -c N` stops after N matching frames, counted across the files in order: the first N
/// rows of the whole output.
#[test]
fn fields_limit_counts_matches_across_files() {
    let files = [
        "fixtures/lab/lab_smtp_telnet_helo.pcap",
        "fixtures/lab/lab_smtp_full_session.pcap",
    ];
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "fields",
            "-Y",
            "smtp.req",
            "-e",
            "frame.number",
            "-e",
            "smtp.req.command",
        ];
        a.extend_from_slice(extra);
        a.extend_from_slice(&files);
        a
    };
    let all = wiresift(&args(&[]));
    assert_eq!(all.status.code(), Some(0), "{}", stderr(&all));
    let all = stdout(&all);
    assert!(all.lines().count() > 6, "{all}");
    for n in [1usize, 2, 3, 6] {
        let s = n.to_string();
        let o = wiresift(&args(&["-c", Box::leak(s.into_boxed_str())]));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let want: Vec<&str> = all.lines().take(n).collect();
        assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), want, "-c {n}");
    }
}
