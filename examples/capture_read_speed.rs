//! Read every frame of a capture through `CaptureReader::fill` and report frames/s and GB/s.
//! The reading speed of the engine's first stage; compare with a plain read() loop
//! (shared/bench/pcap_walk.c).
//!
//! `cargo run --release --example capture_read_speed -- FILE [RUNS]`

use std::time::Instant;

use wiresift::capture::{CaptureReader, FrameBatch};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: capture_read_speed FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    for run in 1..=runs {
        let start = Instant::now();
        let mut reader = match CaptureReader::open(path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let mut batch = FrameBatch::new();
        let (mut frames, mut bytes, mut check) = (0u64, 0u64, 0u64);
        loop {
            batch.clear();
            match reader.fill(&mut batch, 4096, 4 << 20) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    eprintln!("{e}");
                    break;
                }
            }
            for (info, data) in batch.iter() {
                frames += 1;
                bytes += data.len() as u64;
                check = check.wrapping_add(u64::from(info.len) ^ info.time_ns as u64);
            }
        }
        let s = start.elapsed().as_secs_f64();
        println!(
            "run {run}: {frames} frames, {bytes} frame bytes, {:.3} s, {:.2} M frames/s, {:.2} GB/s of file (check {check:x})",
            s,
            frames as f64 / s / 1e6,
            size as f64 / s / 1e9
        );
    }
}
