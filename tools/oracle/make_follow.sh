#!/bin/sh
# Writes tshark 4.0's "Follow TCP Stream" output for the `wiresift follow` tests:
#   tests/data/follow/<capture file name>.<stream>.<style>.txt
#     = tshark -n -r fixtures/<capture> -q -z follow,tcp,<style>,<stream>     (style: ascii, hex, raw)
# Every tshark runs with TZ=UTC, LC_ALL=C.UTF-8 and an empty WIRESHARK_CONFIG_DIR (no profile leaks in);
# stdout is stored byte for byte, stderr dropped.
# Usage: sh tools/oracle/make_follow.sh   (from anywhere)
set -eu

REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
WIRESHARK_CONFIG_DIR=$(mktemp -d)
TZ=UTC
LC_ALL=C.UTF-8
export WIRESHARK_CONFIG_DIR TZ LC_ALL
trap 'rm -rf "$WIRESHARK_CONFIG_DIR"' EXIT
OUT=tests/data/follow
mkdir -p "$OUT"

# capture stream: the telnet lab (one-byte segments), IPv6, a full session with DATA, segments
# retransmitted and out of order (zeek_smtp, pcapplusplus_Smtp), a gap (bdat-gap), an empty stream.
while read -r capture stream; do
    [ -n "$capture" ] || continue
    for style in ascii hex raw; do
        tshark -n -r "fixtures/$capture" -q -z "follow,tcp,$style,$stream" 2>/dev/null \
            > "$OUT/$(basename "$capture").$stream.$style.txt"
    done
done <<LIST
lab/lab_smtp_telnet_helo.pcap 0
lab/lab_smtp_telnet_helo.pcap 7
lab/lab_smtp_ipv6.pcap 0
lab/lab_smtp_full_session.pcap 0
smtp/zeek_smtp.pcap 0
smtp/pcapplusplus_Smtp.pcap 0
smtp/zeek_smtp_smtp-bdat-gap.pcap 0
smtp/suricata_smtp-bug-5989.pcap 0
smtp/arkime_smtp-zip.pcap 0
LIST
