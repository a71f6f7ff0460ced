//! The Wikiversity "Wireshark/SMTP" lab (the seed lab), walked on fixtures/lab/lab_smtp_telnet_helo.pcap
//! (a telnet session to port 25: greeting, `helo` typed a byte at a time, 250, `quit`, 221).
//! Each step is one `wiresift` command run as the binary, as a student would type it; every
//! expected value is what tshark 4.0.17 prints, with the tshark command in the comment
//! (all run as `TZ=UTC tshark -n …` with an empty WIRESHARK_CONFIG_DIR).

use std::process::Command;

const CAPTURE: &str = "fixtures/lab/lab_smtp_telnet_helo.pcap";

/// Run `wiresift <args> CAPTURE` from the repository root; its stdout (exit code 0 required).
fn wiresift(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wiresift"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .arg(CAPTURE)
        .output()
        .expect("run wiresift");
    assert!(
        out.status.success(),
        "wiresift {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn fields(filter: &str, names: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["fields", "--format", "tsv", "-Y", filter];
    for n in names {
        args.extend(["-e", n]);
    }
    wiresift(&args)
        .lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

#[test]
fn activity_2_the_smtp_frames_and_the_connection() {
    // Step 1: filter `smtp`. `tshark -n -r CAPTURE -Y smtp`:
    assert_eq!(
        wiresift(&["filter", "smtp"]),
        "    4   0.001290    127.0.0.1 → 127.0.0.1    SMTP 103 S: 220 mail.lab.example ESMTP aiosmtpd\n\
         \x20  14   1.339678    127.0.0.1 → 127.0.0.1    SMTP 68 C: helo\n\
         \x20  16   1.340048    127.0.0.1 → 127.0.0.1    SMTP 88 S: 250 mail.lab.example\n\
         \x20  26   2.811663    127.0.0.1 → 127.0.0.1    SMTP 68 C: quit\n\
         \x20  28   2.812002    127.0.0.1 → 127.0.0.1    SMTP 75 S: 221 Bye\n"
    );
    // Steps 2-3: the first SMTP frame is 4, "S: 220 …"; its destination address.
    // `tshark -n -r CAPTURE -Y 'frame.number == 4' -T fields -e ip.dst -e _ws.col.Info`
    assert_eq!(
        fields("smtp", &["frame.number", "ip.dst", "_ws.col.Info"])[0],
        ["4", "127.0.0.1", "S: 220 mail.lab.example ESMTP aiosmtpd"]
    );
    // Step 4: `ip.addr == 127.0.0.1` shows the whole connection: all 33 frames
    // (`tshark -n -r CAPTURE -Y 'ip.addr == 127.0.0.1' | wc -l` = `tshark -n -r CAPTURE | wc -l` = 33).
    assert_eq!(
        wiresift(&["filter", "--count", "ip.addr == 127.0.0.1"]),
        "33\n"
    );
    assert_eq!(wiresift(&["filter", "--count", ""]), "33\n");
}

#[test]
fn activity_3_the_handshake_and_the_addresses() {
    // Step 1: frames 1-3 are SYN, SYN/ACK, ACK.
    // `tshark -n -r CAPTURE -Y 'frame.number <= 3' -T fields -e frame.number -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.str`
    assert_eq!(
        fields(
            "frame.number <= 3",
            &[
                "frame.number",
                "tcp.flags.syn",
                "tcp.flags.ack",
                "tcp.flags.str"
            ]
        ),
        [
            ["1", "1", "0", "··········S·"],
            ["2", "1", "1", "·······A··S·"],
            ["3", "0", "1", "·······A····"],
        ]
    );
    // Steps 2-10: Ethernet II / IPv4 / TCP; MAC, IP addresses and ports of frame 1 (a loopback
    // capture: all-zero MACs). `tshark -n -r CAPTURE -Y 'frame.number == 1' -T fields -e frame.protocols
    // -e eth.dst -e eth.src -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport`
    assert_eq!(
        fields(
            "frame.number == 1",
            &[
                "frame.protocols",
                "eth.dst",
                "eth.src",
                "ip.src",
                "ip.dst",
                "tcp.srcport",
                "tcp.dstport"
            ]
        ),
        [[
            "eth:ethertype:ip:tcp",
            "00:00:00:00:00:00",
            "00:00:00:00:00:00",
            "127.0.0.1",
            "127.0.0.1",
            "58998",
            "25"
        ]]
    );
    // Every frame of the connection has the same ports: `tshark -n -r CAPTURE -Y 'tcp.port == 58998 && tcp.port == 25' | wc -l` = 33.
    assert_eq!(
        wiresift(&["filter", "--count", "tcp.port == 58998 && tcp.port == 25"]),
        "33\n"
    );
}

#[test]
fn activity_4_service_ready() {
    // Steps 2-5: frame 4 is Ethernet/IPv4/TCP/SMTP, response code 220 and its parameter.
    // `tshark -n -r CAPTURE -Y 'frame.number == 4' -T fields -e frame.protocols -e smtp.response.code -e smtp.rsp.parameter`
    assert_eq!(
        fields(
            "frame.number == 4",
            &[
                "frame.protocols",
                "smtp.response.code",
                "smtp.rsp.parameter"
            ]
        ),
        [[
            "eth:ethertype:ip:tcp:smtp",
            "220",
            "mail.lab.example ESMTP aiosmtpd"
        ]]
    );
    // Step 7: frame 5 is the client's ACK of the greeting: Ack=38 = frame 4's tcp.nxtseq, no data,
    // and tshark's analysis says it acknowledges frame 4.
    // `tshark -n -r CAPTURE -Y 'frame.number == 4' -T fields -e tcp.nxtseq` → 38;
    // `tshark -n -r CAPTURE -Y 'frame.number == 5' -T fields -e tcp.srcport -e tcp.ack -e tcp.len -e tcp.analysis.acks_frame`
    assert_eq!(fields("frame.number == 4", &["tcp.nxtseq"]), [["38"]]);
    assert_eq!(
        fields(
            "frame.number == 5",
            &[
                "tcp.srcport",
                "tcp.ack",
                "tcp.len",
                "tcp.analysis.acks_frame"
            ]
        ),
        [["58998", "38", "0", "4"]]
    );
}

#[test]
fn activities_5_to_8_helo_250_quit_221() {
    // helo and quit are typed a byte at a time; Wireshark reassembles each line on the frame that
    // completes it (the CR LF), listing the segments' frames.
    // `tshark -n -2 -r CAPTURE -Y smtp.req -T fields -e frame.number -e smtp.req.command -e tcp.segment
    //  -e tcp.reassembled.length -e tcp.reassembled.data`
    assert_eq!(
        fields(
            "smtp.req",
            &[
                "frame.number",
                "smtp.req.command",
                "tcp.segment",
                "tcp.reassembled.length",
                "tcp.reassembled.data"
            ]
        ),
        [
            ["14", "helo", "6,8,10,12,14", "6", "68656c6f0d0a"],
            ["26", "quit", "18,20,22,24,26", "6", "717569740d0a"],
        ]
    );
    // The segments spell the command, each acknowledged by the server in the next frame.
    // `tshark -n -2 -r CAPTURE -Y 'tcp.reassembled_in == 14' -T fields -e frame.number -e tcp.payload`
    assert_eq!(
        fields("tcp.reassembled_in == 14", &["frame.number", "tcp.payload"]),
        [["6", "68"], ["8", "65"], ["10", "6c"], ["12", "6f"]]
    );
    // `tshark -n -2 -r CAPTURE -Y 'tcp.reassembled_in == 26' -T fields -e frame.number -e tcp.payload`
    assert_eq!(
        fields("tcp.reassembled_in == 26", &["frame.number", "tcp.payload"]),
        [["18", "71"], ["20", "75"], ["22", "69"], ["24", "74"]]
    );
    // `tshark -n -r CAPTURE -Y 'tcp.analysis.acks_frame in {6, 8, 10, 12, 14}' -T fields -e frame.number`
    // → 7, 9, 11, 13, 15 (tshark 4.0 needs the commas in a set).
    assert_eq!(
        fields(
            "tcp.analysis.acks_frame in {6, 8, 10, 12, 14}",
            &["frame.number"]
        ),
        [["7"], ["9"], ["11"], ["13"], ["15"]]
    );
    // The replies: `tshark -n -r CAPTURE -Y smtp.rsp -T fields -e frame.number -e smtp.response.code -e smtp.rsp.parameter`
    assert_eq!(
        fields(
            "smtp.rsp",
            &["frame.number", "smtp.response.code", "smtp.rsp.parameter"]
        ),
        [
            ["4", "220", "mail.lab.example ESMTP aiosmtpd"],
            ["16", "250", "mail.lab.example"],
            ["28", "221", "Bye"]
        ]
    );
}

#[test]
fn the_whole_conversation_as_follow_tcp_stream() {
    // `tshark -n -r CAPTURE -q -z follow,tcp,ascii,0` (stored as tests/data/follow/lab_smtp_telnet_helo.pcap.0.ascii.txt)
    let want = include_str!("data/follow/lab_smtp_telnet_helo.pcap.0.ascii.txt");
    assert_eq!(wiresift(&["follow", "--stream", "0"]), want);
}

#[test]
fn the_session_as_one_smtp_log_row() {
    // No MAIL was sent, so the session is one row numbered 0: the bare `helo` has no parameter
    // (`tshark -n -r CAPTURE -Y 'smtp.req.command == "helo"' -T fields -e smtp.req.parameter` is empty),
    // the last reply is frame 28's "221 Bye", and its frames are those of `tshark -n -r CAPTURE -Y smtp`.
    let out = wiresift(&["smtp", "--format", "tsv"]);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    let col = |name: &str| rows[0].iter().position(|h| *h == name).unwrap();
    assert_eq!(rows.len(), 2);
    let r = &rows[1];
    assert_eq!(
        [
            r[col("stream")],
            r[col("n")],
            r[col("client")],
            r[col("server")],
            r[col("helo")],
            r[col("mail_from")]
        ],
        ["0", "0", "127.0.0.1:58998", "127.0.0.1:25", "", ""]
    );
    assert_eq!(
        [r[col("last_reply")], r[col("frames")], r[col("starttls")]],
        ["221 Bye", "4,14,16,26,28", "F"]
    );
}
