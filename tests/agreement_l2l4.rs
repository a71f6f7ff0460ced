//! Frame for frame agreement with `tshark -n -2 -r <capture> -Y '<filter>'` on L2–L4 filters
//! (`tests/data/frames_l2l4.tsv`, made by `tools/oracle/make_frame_lists.py`).

mod common;

#[test]
fn l2l4_filters_match_the_frames_tshark_matches() {
    let rows = common::frame_rows(include_str!("data/frames_l2l4.tsv"));
    assert!(rows.len() >= 200, "only {} pairs", rows.len());
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
