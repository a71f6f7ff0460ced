//! `wiresift follow` against `tshark -q -z follow,tcp,<style>,<stream>`, byte for byte
//! (tests/data/follow/, made by tools/oracle/make_follow.sh).

use std::path::PathBuf;

use wiresift::app::follow::{self, Style};

#[test]
fn follow_prints_what_tshark_prints() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("tests/data/follow"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 12);
    let mut bad = Vec::new();
    for file in &files {
        // <capture>.<stream>.<style>.txt
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let parts: Vec<&str> = name.rsplitn(4, '.').collect();
        let (style, stream, capture) = (parts[1], parts[2].parse::<u64>().unwrap(), parts[3]);
        let style = match style {
            "ascii" => Style::Ascii,
            "hex" => Style::Hex,
            _ => Style::Raw,
        };
        let path = ["lab", "smtp", "l2l4"]
            .iter()
            .map(|d| root.join("fixtures").join(d).join(capture))
            .find(|p| p.exists())
            .unwrap();
        let conv = follow::follow(&path, stream).unwrap();
        let got = follow::render(&conv, stream, style);
        let want = std::fs::read(file).unwrap();
        if got.as_bytes() != want.as_slice() {
            let line = got
                .lines()
                .zip(String::from_utf8_lossy(&want).lines())
                .position(|(a, b)| a != b)
                .map_or(0, |n| n + 1);
            bad.push(format!("{name}: first differing line {line}"));
        }
    }
    println!(
        "{} tshark follow outputs; {} differ",
        files.len(),
        bad.len()
    );
    for b in &bad {
        println!("{b}");
    }
    assert!(bad.is_empty());
}
