#!/bin/sh
# Run every fuzz target in turn for SECONDS seconds each (default 180), one job, seeds built from
# fixtures/ by examples/fuzz_seeds.rs. Needs cargo-fuzz and a nightly toolchain (or
# RUSTC_BOOTSTRAP=1 on stable). Logs go to fuzz/logs/<target>.log; crashes to fuzz/artifacts/.
set -e
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-180}
TARGET_DIR=${CARGO_TARGET_DIR:-target}/fuzz
cargo run -q --example fuzz_seeds -- fuzz/corpus
mkdir -p fuzz/logs
for t in filter_text capture_bytes frame_bytes tcp_stream engine; do
    (cd fuzz && cargo +nightly fuzz run --target-dir "$TARGET_DIR" "$t" -- \
        -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1) > "fuzz/logs/$t.log" 2>&1 || echo "$t: crashed, see fuzz/logs/$t.log"
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|Done [0-9]+ runs" "fuzz/logs/$t.log" | sed "s/^/$t: /"
done
