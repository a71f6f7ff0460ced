//! Build the seed corpora of the fuzz targets (fuzz/fuzz_targets/) from fixtures/ and the filter
//! tables in tests/data/:
//!
//! ```text
//! cargo run --example fuzz_seeds -- fuzz/corpus
//! ```
//!
//! - `capture_bytes`, `engine`: every fixture capture (the engine's only up to 64 KiB, to keep
//!   executions fast);
//! - `frame_bytes`: the first frames of each capture, each as a link-type byte and the frame;
//! - `tcp_stream`: each capture's TCP payloads on SMTP ports as a script of `tcp_stream` steps;
//! - `filter_text`: the filters of tests/data/filters_acceptance.tsv and syntax_valid.tsv.

use std::fs;
use std::path::{Path, PathBuf};

use wiresift::capture::CaptureReader;
use wiresift::dissect::{self, FrameTimes, Interest, Packet};
use wiresift::harness::LINK_TYPES;

fn captures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            captures(&p, out);
        } else if p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.contains(".pcap") || n.contains(".cap") || n.ends_with(".gz"))
        {
            out.push(p);
        }
    }
}

fn write(dir: &Path, name: String, bytes: &[u8]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join(name), bytes)
}

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let mut files = Vec::new();
    captures(Path::new("fixtures"), &mut files);
    let (mut frames, mut scripts) = (0, 0);
    for (i, path) in files.iter().enumerate() {
        let bytes = fs::read(path)?;
        if bytes.len() <= 1 << 20 {
            write(&out.join("capture_bytes"), format!("{i:03}"), &bytes)?;
        }
        if bytes.len() <= 64 << 10 {
            write(&out.join("engine"), format!("{i:03}"), &bytes)?;
        }
        let Ok(mut reader) = CaptureReader::open(path) else {
            continue;
        };
        let mut script = Vec::new();
        for (n, frame) in reader.frames().map_while(Result::ok).enumerate() {
            if n < 16 {
                if let Some(pick) = LINK_TYPES.iter().position(|&l| l == frame.info.link_type) {
                    let mut seed = vec![pick as u8];
                    seed.extend_from_slice(&frame.data);
                    write(&out.join("frame_bytes"), format!("{i:03}-{n:02}"), &seed)?;
                    frames += 1;
                }
            }
            let mut p = Packet::new();
            p.reset(frame.info, &frame.data);
            dissect::dissect_frame(&mut p, &Interest::none(), &FrameTimes::default());
            let Some(t) = p.transport.filter(|t| t.tcp.is_some()) else {
                continue;
            };
            let server = [25, 587].contains(&t.src_port);
            if !server && ![25, 587].contains(&t.dst_port) {
                continue;
            }
            for chunk in p.bytes(t.payload).chunks(255) {
                script.push(u8::from(server));
                script.push(chunk.len() as u8);
                script.extend_from_slice(chunk);
            }
        }
        if !script.is_empty() {
            write(&out.join("tcp_stream"), format!("{i:03}"), &script)?;
            scripts += 1;
        }
    }
    let mut filters = 0;
    for table in [
        "tests/data/filters_acceptance.tsv",
        "tests/data/syntax_valid.tsv",
    ] {
        for line in fs::read_to_string(table)?.lines().skip(1) {
            if let Some(f) = line.split('\t').next().filter(|f| !f.starts_with('#')) {
                write(
                    &out.join("filter_text"),
                    format!("{filters:04}"),
                    f.as_bytes(),
                )?;
                filters += 1;
            }
        }
    }
    println!(
        "{} captures, {frames} frames, {scripts} TCP scripts, {filters} filters into {}",
        files.len(),
        out.display()
    );
    Ok(())
}
