//! Frame for frame agreement with `tshark -n -2 -r <capture> -Y '<filter>'` on SMTP, IMF and TCP
//! reassembly filters (`tests/data/frames_smtp.tsv`, made by `tools/oracle/make_frame_lists.py smtp`).

mod common;

#[test]
fn smtp_filters_match_the_frames_tshark_matches() {
    let rows = common::frame_rows(include_str!("data/frames_smtp.tsv"));
    assert!(rows.len() >= 150, "only {} pairs", rows.len());
    let bad = common::compare_rows(&rows);
    println!(
        "{} (capture, filter) pairs; {} agree; {} differ",
        rows.len(),
        rows.len() - bad.len(),
        bad.len()
    );
    for b in &bad {
        println!("{b}");
    }
    assert!(bad.is_empty());
}
