#!/usr/bin/env bash
# wiresift's benchmark: wiresift vs tcpdump vs tshark on the same generated captures, in the
# same run, one process at a time. Writes bench/RESULTS.md (and the raw hyperfine JSON beside
# the captures).
#
#   tools/bench.sh [--dir DIR] [--packets "1000000 5000000"] [--runs 5] [--tshark-runs 3]
#                  [--no-tshark] [--no-build] [--out bench/RESULTS.md]
#
# Needs: cargo, hyperfine, tcpdump, tshark (apt-get install -y hyperfine tcpdump tshark), python3.
# Captures come from `wiresift-gen --seed 1` and are kept in DIR (default /tmp/wiresift-bench),
# so a second run skips generation. Match counts of every tool are checked before timing.
set -euo pipefail

DIR=/tmp/wiresift-bench
PACKETS="1000000"
RUNS=5
TSHARK_RUNS=3
TSHARK=1
BUILD=1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/bench/RESULTS.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR=$2; shift 2 ;;
    --packets) PACKETS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --tshark-runs) TSHARK_RUNS=$2; shift 2 ;;
    --no-tshark) TSHARK=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in hyperfine tcpdump python3 $([ $TSHARK = 1 ] && echo tshark); do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is not installed" >&2; exit 2; }
done

mkdir -p "$DIR"
[ $BUILD = 1 ] && (cd "$ROOT" && cargo build --release --bins -q)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
W="$TARGET/release/wiresift"
GEN="$TARGET/release/wiresift-gen"
RES="$DIR/results"
rm -rf "$RES"; mkdir -p "$RES"

# Filters: name | wiresift/tshark display filter | tcpdump BPF (VLAN-tagged frames included; empty:
# no tcpdump equivalent). `syn` is a filter the prefilter cannot decide: every frame is dissected.
FILTERS=(
  "port25|tcp.port == 25|tcp port 25 or (vlan and tcp port 25)"
  "host|ip.addr == 10.1.2.3|host 10.1.2.3 or (vlan and host 10.1.2.3)"
  "smtp|smtp|tcp port 25 or tcp port 587 or (vlan and (tcp port 25 or tcp port 587))"
  "syn|tcp.flags.syn == 1 && tcp.flags.ack == 0|"
)
FIELDS="-e frame.number -e ip.src -e smtp.req.command -e smtp.response.code"

# Peak VmRSS and RssAnon (KiB) of a command, sampled from /proc every 10 ms.
rss() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 &
  local pid=$! hwm=0 anon=0 v
  while kill -0 "$pid" 2>/dev/null; do
    if [ -r /proc/$pid/status ]; then
      v=$(awk '/^VmHWM/{print $2}' /proc/$pid/status 2>/dev/null || true); [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
      v=$(awk '/^RssAnon/{print $2}' /proc/$pid/status 2>/dev/null || true); [ -n "$v" ] && [ "$v" -gt "$anon" ] && anon=$v
    fi
    sleep 0.01
  done
  wait "$pid" || true
  echo "$name $hwm $anon" >> "$RES/rss.txt"
}

count_of() { # name count: the match counts, checked against each other later
  echo "$1 $2" >> "$RES/counts.txt"
}

for N in $PACKETS; do
  F="$DIR/p$N.pcap"
  if [ ! -s "$F" ]; then
    echo "== generating $F"
    "$GEN" --packets "$N" --seed 1 --out "$F" --stats "$DIR/p$N.json" 2> "$DIR/p$N.gen.log"
  fi
  cat "$F" > /dev/null  # page cache warm
  echo "== $F: match counts"
  for spec in "${FILTERS[@]}"; do
    IFS='|' read -r name df bpf <<< "$spec"
    count_of "$N/$name/wiresift" "$("$W" filter --count "$df" "$F")"
    count_of "$N/$name/wiresift-noprefilter" "$("$W" filter --count --no-prefilter "$df" "$F")"
    [ -n "$bpf" ] && count_of "$N/$name/tcpdump" "$(tcpdump -nn -q -r "$F" "$bpf" 2>/dev/null | wc -l)"
    if [ $TSHARK = 1 ] && [ "$N" -le 1000000 ]; then
      count_of "$N/$name/tshark" "$(tshark -n -r "$F" -Y "$df" 2>/dev/null | wc -l)"
    fi
  done
  count_of "$N/ehlo/wiresift" "$("$W" filter --count 'smtp.req.command == "EHLO"' "$F")"
  count_of "$N/ehlo/generator" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["smtp_ehlo"])' "$DIR/p$N.json")"

  echo "== $F: timing"
  hyperfine -w 1 -r "$RUNS" --export-json "$RES/$N-floor-cat.json" -n "cat > /dev/null" "cat '$F' > /dev/null"
  for spec in "${FILTERS[@]}"; do
    IFS='|' read -r name df bpf <<< "$spec"
    hyperfine -w 1 -r "$RUNS" --export-json "$RES/$N-$name-wiresift.json" -n "wiresift filter --count '$df'" \
      "'$W' filter --count '$df' '$F'"
    hyperfine -w 1 -r "$RUNS" --export-json "$RES/$N-$name-wiresift1t.json" -n "RAYON_NUM_THREADS=1 wiresift filter --count '$df'" \
      "RAYON_NUM_THREADS=1 '$W' filter --count '$df' '$F'"
    hyperfine -w 1 -r "$RUNS" --export-json "$RES/$N-$name-wiresift-noprefilter.json" -n "wiresift filter --count --no-prefilter '$df'" \
      "'$W' filter --count --no-prefilter '$df' '$F'"
    if [ -n "$bpf" ]; then
      hyperfine -w 1 -r "$RUNS" --export-json "$RES/$N-$name-tcpdump.json" -n "tcpdump '$bpf' -w /dev/null" \
        "tcpdump -nn -r '$F' -w /dev/null '$bpf'"
      rss "$N/$name/tcpdump" tcpdump -nn -r "$F" -w /dev/null "$bpf"
    fi
    rss "$N/$name/wiresift" "$W" filter --count "$df" "$F"
    if [ $TSHARK = 1 ] && [ "$N" -le 1000000 ]; then
      hyperfine -w 0 -r "$TSHARK_RUNS" --export-json "$RES/$N-$name-tshark.json" -n "tshark -Y '$df'" \
        "tshark -n -r '$F' -Y '$df' > /dev/null"
      [ "$N" -le 1000000 ] && rss "$N/$name/tshark" tshark -n -r "$F" -Y "$df"
    fi
  done
  hyperfine -w 1 -r "$RUNS" --export-json "$RES/$N-fields-wiresift.json" -n "wiresift fields" \
    "'$W' fields -Y smtp $FIELDS '$F' > /dev/null"
  hyperfine -w 1 -r "$RUNS" --export-json "$RES/$N-fields-wiresift1t.json" -n "RAYON_NUM_THREADS=1 wiresift fields" \
    "RAYON_NUM_THREADS=1 '$W' fields -Y smtp $FIELDS '$F' > /dev/null"
  rss "$N/fields/wiresift" "$W" fields -Y smtp $FIELDS "$F"
  if [ $TSHARK = 1 ] && [ "$N" -le 1000000 ]; then
    hyperfine -w 0 -r "$TSHARK_RUNS" --export-json "$RES/$N-fields-tshark.json" -n "tshark -Y smtp -T fields (4)" \
      "tshark -n -r '$F' -Y smtp -T fields $FIELDS > /dev/null"
    # The extraction must print the same bytes as tshark.
    "$W" fields -Y smtp $FIELDS "$F" > "$RES/$N-fields-wiresift.txt"
    tshark -n -r "$F" -Y smtp -T fields $FIELDS > "$RES/$N-fields-tshark.txt" 2>/dev/null
    if cmp -s "$RES/$N-fields-wiresift.txt" "$RES/$N-fields-tshark.txt"; then
      echo "$N identical $(wc -l < "$RES/$N-fields-tshark.txt")" >> "$RES/fields-identical.txt"
    else
      echo "$N DIFFERENT $(diff "$RES/$N-fields-wiresift.txt" "$RES/$N-fields-tshark.txt" | grep -c '^[<>]')" >> "$RES/fields-identical.txt"
    fi
  fi
done

python3 "$ROOT/tools/bench_summary.py" "$RES" "$DIR" > "$OUT"
echo "== wrote $OUT"
cat "$OUT"
