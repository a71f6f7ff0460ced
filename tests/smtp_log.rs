//! `wiresift smtp`: transactions on a few captures, with expected values read from tshark's
//! smtp.*/imf.* fields (tests/data/smtp_log/<capture>.tsv, made by tools/oracle/make_smtp_log.sh);
//! each expectation is also checked against that file, so it cannot drift from what tshark says.
//! `--export` is compared with `tshark --export-objects imf` (tshark keeps the dot-stuffing; the
//! comparison removes it from tshark's file with a plain text replace).

use std::path::{Path, PathBuf};
use std::process::Command;

use wiresift::app::smtp::{self, Transaction};

struct Expect {
    capture: &'static str,
    stream: u64,
    n: u32,
    helo: &'static str,
    mail_from: &'static str,
    rcpt_to: &'static [&'static str],
    replies: &'static str,
    from: &'static str,
    to: &'static str,
    cc: &'static str,
    subject: &'static str,
    date: &'static str,
    msg_id: &'static str,
    attachments: &'static [&'static str],
    auth_user: &'static str,
    starttls: bool,
    last_reply: &'static str,
    /// The frame with smtp.eom and the imf.* fields in tshark's output.
    eom_frame: Option<u32>,
    /// The file tshark's export wrote for this message.
    eml: Option<&'static str>,
}

const NONE: Expect = Expect {
    capture: "",
    stream: 0,
    n: 0,
    helo: "",
    mail_from: "",
    rcpt_to: &[],
    replies: "",
    from: "",
    to: "",
    cc: "",
    subject: "",
    date: "",
    msg_id: "",
    attachments: &[],
    auth_user: "",
    starttls: false,
    last_reply: "",
    eom_frame: None,
    eml: None,
};

// Values from tests/data/smtp_log/*.tsv (frame numbers in comments).
const EXPECT: &[Expect] = &[
    Expect {
        capture: "lab/lab_smtp_full_session.pcap",
        helo: "client.lab.example", // 6 EHLO
        n: 1,
        mail_from: "alice@lab.example", // 19 MAIL FROM:<alice@lab.example> SIZE=4096
        rcpt_to: &["bob@lab.example", "carol@lab.example"], // 22, 25
        replies: "MAIL 250,RCPT 250,RCPT 250,DATA 354,. 250", // 20, 23, 26, 29, 38
        from: "Alice Example <alice@lab.example>",
        to: "Bob Example <bob@lab.example>, Carol Example <carol@lab.example>",
        subject: "Wireshark SMTP lab - message with attachment",
        date: "Mon, 06 Jan 2025 10:00:00 +0000",
        msg_id: "<lab-0001@client.lab.example>",
        attachments: &["lab-data.bin"], // mime_multipart.header.content-disposition
        auth_user: "YWxpY2U=",          // 13 (base64: tshark decodes only with smtp.decryption)
        last_reply: "250 2.0.0 OK: queued as 04B21",
        eom_frame: Some(37),
        eml: Some("Wireshark SMTP lab - message with attachment.eml"),
        ..NONE
    },
    Expect {
        capture: "lab/lab_smtp_full_session.pcap",
        n: 2,
        helo: "client.lab.example",
        mail_from: "alice@lab.example", // 43: MAIL, RCPT, RCPT, DATA pipelined in one segment
        rcpt_to: &["dave@lab.example", "erin@lab.example"],
        replies: "MAIL 250,RCPT 250,RCPT 250,DATA 354,. 250", // 44 (four replies), 47
        from: "alice@lab.example",
        to: "dave@lab.example, erin@lab.example",
        subject: "second message (pipelined envelope)",
        date: "Mon, 06 Jan 2025 10:01:00 +0000",
        msg_id: "<lab-0002@client.lab.example>",
        auth_user: "YWxpY2U=",
        last_reply: "250 2.0.0 OK: queued as 04C32",
        eom_frame: Some(46),
        eml: Some("second message (pipelined envelope).eml"),
        ..NONE
    },
    Expect {
        capture: "lab/lab_smtp_full_session.pcap",
        stream: 1,
        n: 1,
        helo: "client.lab.example",
        mail_from: "bob@lab.example",
        rcpt_to: &["alice@lab.example"],
        replies: "MAIL 250,RCPT 250,DATA 354,. 250",
        from: "bob@lab.example",
        to: "alice@lab.example",
        subject: "reply",
        date: "Mon, 06 Jan 2025 10:02:00 +0000",
        msg_id: "<lab-0003@client.lab.example>",
        last_reply: "250 2.0.0 OK: queued as 04D43",
        eom_frame: Some(83),
        eml: Some("reply.eml"),
        ..NONE
    },
    Expect {
        capture: "smtp/zeek_smtp.pcap",
        n: 1,
        helo: "GP",
        mail_from: "gurpartap@patriots.in", // 16 FROM: <gurpartap@patriots.in>
        rcpt_to: &["raj_deol2002in@yahoo.co.in"],
        replies: "MAIL 250,RCPT 250,DATA 354,. 250",
        from: "\"Gurpartap Singh\" <gurpartap@patriots.in>",
        to: "<raj_deol2002in@yahoo.co.in>",
        subject: "SMTP",
        date: "Mon, 5 Oct 2009 11:36:07 +0530",
        msg_id: "<000301ca4581$ef9e57f0$cedb07d0$@in>",
        attachments: &["NEWS.txt"],
        auth_user: "Z3VycGFydGFwQHBhdHJpb3RzLmlu",
        last_reply: "250 OK id=1Mugho-0003Dg-Un",
        eom_frame: Some(45),
        // Not compared: tshark reassembles this DATA from 14 fragments into 15156 bytes, taking
        // retransmitted segments (frames 27-36) twice, so its export repeats the headers in the
        // middle of the body; wiresift's 10 fragments, 13124 bytes, are the message once.
        eml: None,
        ..NONE
    },
    Expect {
        capture: "smtp/zeek_smtp.pcap",
        stream: 2,
        n: 1,
        helo: "[192.168.133.100]",
        mail_from: "albert@example.com",
        rcpt_to: &[
            "ericlim220@yahoo.com",
            "felica4uu@hotmail.com",
            "davis_mark1@outlook.com",
        ],
        replies: "MAIL 250,RCPT 250,RCPT 250,RCPT 250,DATA 354,. 250",
        from: "Albert Zaharovits <albert@example.com>",
        to: "ericlim220@yahoo.com",
        cc: "felica4uu@hotmail.com, davis_mark1@outlook.com", // folded: "…,\r\n davis…" unfolded
        subject: "Re: Bro SMTP CC Header",
        date: "Sat, 25 Jul 2015 16:43:07 +0300",
        msg_id: "<A6202DF2-8E58-4E41-BE0B-C8D3989A4AEE@example.com>",
        last_reply: "250 Ok",
        eom_frame: Some(87),
        eml: Some("Re%3a Bro SMTP CC Header.eml"),
        ..NONE
    },
    Expect {
        capture: "smtp/arkime_smtp-zip.pcap",
        n: 1,
        helo: "xxxxxxxxxxxxx.xxx.com",
        mail_from: "xxxxx@xxx.net",
        rcpt_to: &["xxxxxxxxx@xxxxxxx.com"],
        replies: "MAIL 250,RCPT 250,DATA 354,. 250", // 10, 12, 14, 20 (RCPT and DATA pipelined in 11)
        from: "xxxxxxxxx <xxxxx@xxx.net>",
        to: "xxxxxxxxx@xxxxxxx.com",
        subject: "zip test",
        date: "Tue, 17 Dec 2013 09:50:16 -0500",
        msg_id: "<20131217145016.GA29077@xxx.net>",
        attachments: &["a.zip"], // "inline|attachment;filename=\"a.zip\""
        last_reply: "250 Ok: queued as 5CF8324407F",
        eom_frame: Some(18),
        eml: Some("zip test.eml"),
        ..NONE
    },
    // The whole transaction is one client segment (11) that tshark dissects as message data: no
    // MAIL in tshark's fields, so no transaction; the session row keeps helo and the last reply.
    Expect {
        capture: "smtp/suricata_smtp-pipelining.pcap",
        helo: "ehlo.fr",
        last_reply: "250 2.0.0 Ok: queued as BCB022014FB060",
        ..NONE
    },
    Expect {
        capture: "smtp/zeek_tls_smtp-starttls.pcap",
        helo: "openssl.client.net",
        starttls: true, // 10 STAR TLS, 11 "220 2.0.0 Ready to start TLS"
        last_reply: "220 2.0.0 Ready to start TLS",
        ..NONE
    },
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tshark_rows(capture: &str) -> Vec<Vec<String>> {
    let name = Path::new(capture)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let text = std::fs::read_to_string(
        root()
            .join("tests/data/smtp_log")
            .join(format!("{name}.tsv")),
    )
    .unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

/// The expectation agrees with tshark's fields.
fn check_against_tshark(e: &Expect) {
    let rows = tshark_rows(e.capture);
    let stream = e.stream.to_string();
    let in_stream: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == stream).collect();
    let has = |col: usize, want: &str| {
        in_stream
            .iter()
            .any(|r| r[col].split('|').any(|v| v == want))
    };
    if !e.helo.is_empty() {
        assert!(has(3, e.helo), "{}: helo {}", e.capture, e.helo);
    }
    if !e.mail_from.is_empty() {
        assert!(
            in_stream.iter().any(|r| r[3]
                .split('|')
                .any(|v| v.contains(&format!("<{}>", e.mail_from)))),
            "{}",
            e.mail_from
        );
    }
    for rcpt in e.rcpt_to {
        assert!(
            in_stream
                .iter()
                .any(|r| r[3].split('|').any(|v| v.contains(&format!("<{rcpt}>")))),
            "{rcpt}"
        );
    }
    let (code, param) = e.last_reply.split_once(' ').unwrap_or((e.last_reply, ""));
    assert!(
        in_stream.iter().any(|r| r[4]
            .split('|')
            .zip(r[5].split('|'))
            .any(|(c, p)| c == code && p == param)),
        "{}: last reply {}",
        e.capture,
        e.last_reply
    );
    if !e.auth_user.is_empty() {
        assert!(has(6, e.auth_user));
    }
    if let Some(f) = e.eom_frame {
        let r = in_stream.iter().find(|r| r[1] == f.to_string()).unwrap();
        let unfolded = |s: &str| s.replace("\\r\\n", "");
        assert_eq!(r[7], "1", "smtp.eom on {f}");
        assert_eq!(
            [8, 9, 10, 11, 12, 13].map(|i| unfolded(&r[i])),
            [e.from, e.to, e.cc, e.subject, e.date, e.msg_id].map(String::from)
        );
        for a in e.attachments {
            assert!(r[14].contains(&format!("filename=\"{a}\"")), "{a}");
        }
    }
}

fn check_transaction(e: &Expect, t: &Transaction) {
    let got = (
        t.helo.as_str(),
        t.mail_from.as_str(),
        t.rcpt_to.iter().map(String::as_str).collect::<Vec<_>>(),
        t.replies.join(","),
        [&t.from, &t.to, &t.cc, &t.subject, &t.date, &t.message_id].map(|s| s.as_str()),
        t.attachments.iter().map(String::as_str).collect::<Vec<_>>(),
        t.auth_user.as_str(),
        t.starttls,
        t.last_reply.as_str(),
    );
    let want = (
        e.helo,
        e.mail_from,
        e.rcpt_to.to_vec(),
        e.replies.to_string(),
        [e.from, e.to, e.cc, e.subject, e.date, e.msg_id],
        e.attachments.to_vec(),
        e.auth_user,
        e.starttls,
        e.last_reply,
    );
    assert_eq!(got, want, "{} stream {} n {}", e.capture, e.stream, e.n);
}

#[test]
fn transactions_agree_with_tshark_fields() {
    let mut checked = 0;
    for capture in [
        "lab/lab_smtp_full_session.pcap",
        "smtp/zeek_smtp.pcap",
        "smtp/arkime_smtp-zip.pcap",
        "smtp/suricata_smtp-pipelining.pcap",
        "smtp/zeek_tls_smtp-starttls.pcap",
    ] {
        let (txns, _) = smtp::transactions(&root().join("fixtures").join(capture), None).unwrap();
        let expected: Vec<&Expect> = EXPECT.iter().filter(|e| e.capture == capture).collect();
        assert_eq!(txns.len(), expected.len(), "{capture}: {txns:#?}");
        for (e, t) in expected.iter().zip(&txns) {
            check_against_tshark(e);
            assert_eq!((t.stream, t.n), (e.stream, e.n));
            check_transaction(e, t);
            checked += 1;
        }
    }
    println!("{checked} transactions agree");
}

/// Dot-stuffing removed from tshark's export, independently of wiresift's code.
fn unstuffed(tshark: &[u8]) -> Vec<u8> {
    let s = tshark.to_vec();
    let mut text = String::from_utf8_lossy(&s).replace("\r\n..", "\r\n.");
    if text.starts_with("..") {
        text.remove(0);
    }
    text.into_bytes()
}

/// Equal bytes, or a short message with the first difference (not two dumps of kilobytes).
fn same_bytes(got: &[u8], want: &[u8], file: &Path) {
    if got != want {
        let at = got
            .iter()
            .zip(want)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(want.len()));
        panic!(
            "{}: {} bytes, tshark {} bytes; first difference at byte {at}",
            file.display(),
            got.len(),
            want.len()
        );
    }
}

#[test]
fn export_writes_the_messages_tshark_exports_without_overwriting() {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("smtp_export");
    let _ = std::fs::remove_dir_all(&tmp);
    let mut files = 0;
    for e in EXPECT.iter().filter(|e| e.eml.is_some()) {
        let dir = tmp.join(e.capture.replace('/', "_"));
        std::fs::create_dir_all(&dir).unwrap();
        let run = |extra: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_wiresift"))
                .args(["smtp", "--format", "tsv", "--export"])
                .arg(&dir)
                .args(extra)
                .arg(root().join("fixtures").join(e.capture))
                .output()
                .unwrap()
        };
        let file = dir.join(format!("{}-{}.eml", e.stream, e.n));
        if !file.exists() {
            assert!(run(&[]).status.success());
        }
        let name = Path::new(e.capture)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let tshark = std::fs::read(
            root()
                .join("tests/data/smtp_log")
                .join(format!("{name}.eml"))
                .join(e.eml.unwrap()),
        )
        .unwrap();
        assert_eq!(
            std::fs::read(&file).unwrap(),
            unstuffed(&tshark),
            "{}",
            file.display()
        );
        files += 1;

        // A second export keeps the file (exit 1, message on stderr); --overwrite replaces it.
        std::fs::write(&file, b"keep me").unwrap();
        let again = run(&[]);
        assert_eq!(again.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
        assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
        assert!(run(&["--overwrite"]).status.success());
        same_bytes(&std::fs::read(&file).unwrap(), &unstuffed(&tshark), &file);
        // No temporary file is left behind.
        assert!(std::fs::read_dir(&dir).unwrap().all(|f| !f
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")));
    }
    assert_eq!(files, 5);
}
