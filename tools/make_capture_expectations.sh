#!/bin/sh
# Make the expected values for tests/capture_*.rs from tshark 4.0 (and tcpdump for the one file
# tshark refuses), and check with tshark that files written by CaptureWriter read back the same.
#
# Usage: tools/make_capture_expectations.sh     (from the repository root; needs tshark, tcpdump)
#
# Outputs:
#   tests/data/capture_frames.tsv   file, then tshark's frame.number, frame.time_epoch, frame.len,
#                                   frame.cap_len, frame.interface_id, frame.encap_type per frame
#   tests/data/capture_status.tsv   file, tshark's exit status, its error message (one line)
#   tests/data/capture_comments_test009.tsv  frame.comment and frame.interface_name of one file
#   tests/data/capture_edsa_tcpdump.tsv  tcpdump -tt times of malformed/tcpdump_edsa.pcap, whose
#                                   link type (285) tshark 4.0 refuses to read
set -eu
cd "$(dirname "$0")/.."
frames=tests/data/capture_frames.tsv
status=tests/data/capture_status.tsv
printf 'file\tnumber\ttime_epoch\tlen\tcap_len\tinterface_id\tencap_type\n' > "$frames"
printf 'file\texit\terror\n' > "$status"
fields="-e frame.number -e frame.time_epoch -e frame.len -e frame.cap_len -e frame.interface_id -e frame.encap_type"
for f in fixtures/l2l4/* fixtures/lab/*.pcap* fixtures/smtp/* fixtures/smtp-synthetic/* \
         fixtures/malformed/* fixtures/wireshark-suite/*; do
    rel=${f#fixtures/}
    set +e
    # shellcheck disable=SC2086
    tshark -r "$f" -T fields $fields > /tmp/capture_exp.$$ 2> /tmp/capture_err.$$
    rc=$?
    set -e
    sed "s|^|$rel\t|" /tmp/capture_exp.$$ >> "$frames"
    err=$(grep -v '^Running as user' /tmp/capture_err.$$ | tr '\n' ' ' | sed 's/ *$//')
    printf '%s\t%s\t%s\n' "$rel" "$rc" "$err" >> "$status"
done
rm -f /tmp/capture_exp.$$ /tmp/capture_err.$$

tcpdump -r fixtures/malformed/tcpdump_edsa.pcap -tt -nn 2>/dev/null | cut -d' ' -f1 \
    > tests/data/capture_edsa_tcpdump.tsv

# Per-frame comments (joined with ",") and interface names of a pcapng with comment options.
tshark -r fixtures/l2l4/pcapngtestgen_be_test009.pcapng -T fields -e frame.comment \
    -e frame.interface_name 2>/dev/null > tests/data/capture_comments_test009.tsv

# Round trip through CaptureWriter, checked by tshark: every frame's time, lengths and bytes
# must read back the same (pcapng keeps nanoseconds; pcap is written for single-link files).
cargo build --quiet --release --example capture_copy
out=$(mktemp -d)
n=0
for f in fixtures/l2l4/pcapngtestgen_le_test202.pcapng fixtures/l2l4/pcapplusplus_many_interfaces-1.pcapng \
         fixtures/l2l4/tcpdump_tcp-handshake-nano.pcap fixtures/wireshark-suite/icmp.pcapng.gz \
         fixtures/smtp/zeek_smtp.pcap fixtures/l2l4/zeek_llc.pcap; do
    for ext in pcapng pcap; do
        dst="$out/copy$n.$ext"; n=$((n + 1))
        if ! "${CARGO_TARGET_DIR:-target}/release/examples/capture_copy" "$f" "$dst" 2> "$out/err"; then
            echo "not written ($ext): $f: $(cat "$out/err")"; continue
        fi
        # frame.number is left out: pcap cannot hold custom blocks (frames in tshark 4.0), which
        # the copy skips. -x adds every frame's bytes as a hex dump.
        tshark -r "$f" -Y frame.encap_type -T fields -e frame.time_epoch -e frame.len -e frame.cap_len \
            -e frame.encap_type -e frame.comment -e frame.interface_name > "$out/a" 2>/dev/null
        tshark -r "$f" -Y frame.encap_type -x 2>/dev/null | grep '^[0-9a-f]\{4\}  ' >> "$out/a"
        tshark -r "$dst" -Y frame.encap_type -T fields -e frame.time_epoch -e frame.len -e frame.cap_len \
            -e frame.encap_type -e frame.comment -e frame.interface_name > "$out/b" 2>/dev/null
        tshark -r "$dst" -Y frame.encap_type -x 2>/dev/null | grep '^[0-9a-f]\{4\}  ' >> "$out/b"
        case "$ext:$f" in *pcapng*:*.pcapng*) keep=all ;; *) keep=4 ;; esac
        if [ "$keep" = 4 ]; then
            # pcap has no interface names or comments (tshark calls a pcapng interface without
            # if_name "unknown"): compare the first four columns.
            for ab in a b; do awk -F'\t' 'NF>1{print $1"\t"$2"\t"$3"\t"$4; next}{print}' "$out/$ab" > "$out/$ab.4"; mv "$out/$ab.4" "$out/$ab"; done
        fi
        if cmp -s "$out/a" "$out/b"; then
            echo "round trip ok ($ext, $(wc -l < "$out/a") lines): $f"
        else
            echo "ROUND TRIP DIFFERS ($ext): $f"; diff "$out/a" "$out/b" | head -5
        fi
    done
done
rm -rf "$out"
