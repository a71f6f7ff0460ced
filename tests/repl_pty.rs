//! `wiresift repl` driven through a real pseudo-terminal (expectrl): completion, colours, hints,
//! history across sessions, errors with their caret, queries, `:show`, `:fields`, Ctrl-C during a
//! long query, and the seed SMTP lab replayed as a transcript whose expected lines come from
//! tshark 4.0 (tests/data/repl/lab_transcript.txt, made by tools/repl_lab_oracle.sh).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use expectrl::{Expect, Session};

const LAB: &str = "fixtures/lab/lab_smtp_telnet_helo.pcap";
const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

type Pty = expectrl::session::OsSession;

/// A fresh history file for one test.
fn history(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wiresift-repl-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("history")
}

fn spawn(args: &[&str], history: &Path) -> Pty {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wiresift"));
    cmd.args(args)
        .env("WIRESIFT_HISTORY", history)
        .env("TERM", "xterm")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    let mut p = Session::spawn(cmd).unwrap();
    p.set_expect_timeout(Some(Duration::from_secs(120)));
    p.expect("Type a display filter").unwrap();
    p
}

fn quit(mut p: Pty) {
    p.send("\x04").unwrap();
    p.expect(expectrl::Eof).unwrap();
}

#[test]
fn tab_completes_protocol_fields_and_hints_the_rest() {
    let h = history("complete");
    let mut p = spawn(&[LAB], &h);
    // Two Tabs on an ambiguous prefix list the candidates, as bash does.
    p.send("smtp.re\t\t").unwrap();
    p.expect("smtp.req.command").unwrap();
    p.expect("smtp.response.code").unwrap();
    p.send("\x15").unwrap(); // Ctrl-U: clear the line
    p.send("smtp.req.c\t").unwrap();
    p.expect(format!("{GREEN}smtp.req.command{RESET}")).unwrap();
    p.send("\x15").unwrap();
    // The grey hint: the rest of the shortest field name.
    p.send("smtp.response.co").unwrap();
    p.expect("\x1b[90mde").unwrap();
    p.send("\x15").unwrap();
    p.send(":sh\t").unwrap();
    p.expect(":show").unwrap();
    p.send("\x15").unwrap();
    quit(p);
}

#[test]
fn the_line_is_coloured_as_the_filter_bar() {
    let h = history("colour");
    let mut p = spawn(&[LAB], &h);
    p.send("tcp.port == 25").unwrap();
    p.expect(format!("{GREEN}tcp.port == 25{RESET}")).unwrap();
    p.send("\x15").unwrap();
    p.send("tcp.prot == 25").unwrap();
    p.expect(format!("{RED}tcp.prot == 25{RESET}")).unwrap();
    p.send("\x15").unwrap();
    p.send("ip.addr != 127.0.0.1").unwrap();
    p.expect(format!("{YELLOW}ip.addr != 127.0.0.1{RESET}"))
        .unwrap();
    p.send("\x15").unwrap();
    quit(p);
}

#[test]
fn history_is_kept_across_sessions() {
    let h = history("history");
    let mut p = spawn(&[LAB], &h);
    p.send_line("tcp.srcport == 25 && smtp").unwrap();
    p.expect("frames match").unwrap();
    quit(p);
    let saved = std::fs::read_to_string(&h).unwrap();
    assert!(saved.contains("tcp.srcport == 25 && smtp"), "{saved}");
    let mut p = spawn(&[LAB], &h);
    p.send("\x1b[A").unwrap(); // Up: the previous session's line
    p.expect("tcp.srcport == 25 && smtp").unwrap();
    p.send("\x15").unwrap();
    quit(p);
}

#[test]
fn an_error_shows_its_caret_and_the_session_goes_on() {
    let h = history("error");
    let mut p = spawn(&[LAB], &h);
    p.send_line("tcp.prot == 25").unwrap();
    p.expect("\n    tcp.prot == 25\r\n    ^~~~~~~~\r\n")
        .unwrap();
    p.expect("\"tcp.port\"").unwrap();
    // An unclosed parenthesis continues on the next line instead of failing.
    p.send_line("(smtp").unwrap();
    p.send_line(")").unwrap();
    // Count from tshark: `tshark -r lab_smtp_telnet_helo.pcap -Y smtp` (lab transcript).
    p.expect("5 of 33 frames match").unwrap();
    quit(p);
}

#[test]
fn a_query_then_show_and_fields() {
    let h = history("query");
    let mut p = spawn(&[LAB], &h);
    // Lines and values from tshark 4.0.17 (tests/data/repl/lab_transcript.txt).
    p.send_line("smtp").unwrap();
    p.expect("   16   1.340048    127.0.0.1 → 127.0.0.1    SMTP 88 S: 250 mail.lab.example")
        .unwrap();
    p.expect("5 of 33 frames match").unwrap();
    p.send_line(":show 16").unwrap();
    p.expect(
        "Transmission Control Protocol, Src Port: 25, Dst Port: 58998, Seq: 38, Ack: 7, Len: 22",
    )
    .unwrap();
    p.expect("        Response code: Requested mail action okay, completed (250)")
        .unwrap();
    // A first screenful of 2, then the count of the rest (tshark: 8 frames; lines 6 and 8 first).
    p.send_line(":limit 2").unwrap();
    p.send_line("tcp.dstport == 25 && tcp.len == 1").unwrap();
    p.expect("    6   0.851798    127.0.0.1 → 127.0.0.1    TCP 67 58998 → 25 [PSH, ACK] Seq=1 Ack=38 Win=65536 Len=1 TSval=1763828151 TSecr=2397917622 [TCP segment of a reassembled PDU]").unwrap();
    p.expect("    8   0.972027    127.0.0.1 → 127.0.0.1    TCP 67 58998 → 25 [PSH, ACK] Seq=2 Ack=38 Win=65536 Len=1 TSval=1763828271 TSecr=2397918473 [TCP segment of a reassembled PDU]").unwrap();
    p.expect("… and 6 more").unwrap();
    p.expect("8 of 33 frames match").unwrap();
    p.send_line(":format csv").unwrap();
    p.expect("tables print as csv").unwrap();
    p.send_line(":fields smtp.req.command where smtp.req")
        .unwrap();
    p.expect("frame.number,smtp.req.command\r\n14,helo\r\n26,quit\r\n")
        .unwrap();
    p.expect("2 rows").unwrap();
    quit(p);
}

/// A pcap of the lab's frames repeated until the file has `frames` frames: long enough that a
/// query in a debug build takes seconds.
fn long_capture(frames: usize) -> PathBuf {
    let lab = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(LAB)).unwrap();
    let (header, records) = lab.split_at(24);
    let mut out = header.to_vec();
    let mut written = 0;
    while written < frames {
        out.extend_from_slice(records);
        written += 33;
    }
    let path = std::env::temp_dir().join(format!("wiresift-repl-long-{}.pcap", std::process::id()));
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn ctrl_c_cancels_a_long_query_without_leaving() {
    let h = history("cancel");
    let cap = long_capture(1_500_000);
    let mut p = spawn(&[cap.to_str().unwrap()], &h);
    p.send_line("tcp.port == 25 && frame.len > 60").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    p.send("\x03").unwrap();
    p.expect("cancelled").unwrap();
    p.send_line(":limit 5").unwrap();
    p.expect("showing up to 5 frames per answer").unwrap();
    quit(p);
    let _ = std::fs::remove_file(cap);
}

#[test]
fn the_seed_smtp_lab_as_a_transcript() {
    let transcript = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/repl/lab_transcript.txt"),
    )
    .unwrap();
    let h = history("lab");
    let mut p = spawn(&[LAB], &h);
    p.send_line(":format tsv").unwrap();
    p.expect("tables print as tsv").unwrap();
    let mut checked = 0;
    for line in transcript.lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("> ") {
            p.send_line(cmd).unwrap();
            continue;
        }
        // The REPL ends lines with \r\n on the terminal; TSV rows are matched whole.
        p.expect(line).unwrap();
        checked += 1;
    }
    assert!(checked > 50, "only {checked} lines checked");
    quit(p);
}
