//! `wiresift fields` with tshark's -E options, run as the binary, against tshark's output with the
//! same options (tests/data/fields_options/<n>.txt and .options, made by
//! tools/oracle/make_fields_options.sh).

use std::process::Command;

#[test]
fn e_options_print_as_tshark_prints_them() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut checked = 0;
    for n in 1..=5 {
        let dir = format!("{root}/tests/data/fields_options");
        let options = std::fs::read_to_string(format!("{dir}/{n}.options")).unwrap();
        let want = std::fs::read_to_string(format!("{dir}/{n}.txt")).unwrap();
        let mut args = vec!["fields", "--format", "tsv"];
        for f in [
            "frame.number",
            "ip.addr",
            "tcp.port",
            "smtp.response.code",
            "smtp.rsp.parameter",
            "smtp.eom",
        ] {
            args.extend(["-e", f]);
        }
        args.extend(options.split_whitespace());
        args.push("fixtures/lab/lab_smtp_full_session.pcap");
        let out = Command::new(env!("CARGO_BIN_EXE_wiresift"))
            .current_dir(root)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{options}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = String::from_utf8(out.stdout).unwrap();
        for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            assert_eq!(g, w, "options {:?}, line {}", options.trim(), i + 1);
        }
        assert_eq!(got.lines().count(), want.lines().count(), "{options}");
        checked += 1;
    }
    assert_eq!(checked, 5);
}
