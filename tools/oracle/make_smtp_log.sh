#!/bin/sh
# tshark 4.0's view of the SMTP sessions used by tests/smtp_log.rs (tshark has no transaction table):
#   tests/data/smtp_log/<capture file name>.tsv
#     = tshark -n -2 -r fixtures/<capture> -Y smtp -T fields -E header=y -E occurrence=a -E 'aggregator=|'
#         -e tcp.stream -e frame.number -e smtp.req.command -e smtp.req.parameter -e smtp.response.code
#         -e smtp.rsp.parameter -e smtp.auth.username -e smtp.eom -e imf.from -e imf.to -e imf.cc
#         -e imf.subject -e imf.date -e imf.message_id -e mime_multipart.header.content-disposition
#   tests/data/smtp_log/<capture file name>.eml/   = tshark -n -r fixtures/<capture> -q --export-objects imf,<dir>
# Every tshark runs with TZ=UTC, LC_ALL=C.UTF-8 and an empty WIRESHARK_CONFIG_DIR; stderr is dropped.
# Usage: sh tools/oracle/make_smtp_log.sh   (from anywhere)
set -eu

REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
WIRESHARK_CONFIG_DIR=$(mktemp -d)
TZ=UTC
LC_ALL=C.UTF-8
export WIRESHARK_CONFIG_DIR TZ LC_ALL
trap 'rm -rf "$WIRESHARK_CONFIG_DIR"' EXIT
OUT=tests/data/smtp_log
mkdir -p "$OUT"

for capture in lab/lab_smtp_full_session.pcap smtp/zeek_smtp.pcap smtp/arkime_smtp-zip.pcap \
               smtp/suricata_smtp-pipelining.pcap smtp/zeek_tls_smtp-starttls.pcap; do
    name=$(basename "$capture")
    tshark -n -2 -r "fixtures/$capture" -Y smtp -T fields -E header=y -E occurrence=a -E 'aggregator=|' \
        -e tcp.stream -e frame.number -e smtp.req.command -e smtp.req.parameter -e smtp.response.code \
        -e smtp.rsp.parameter -e smtp.auth.username -e smtp.eom -e imf.from -e imf.to -e imf.cc \
        -e imf.subject -e imf.date -e imf.message_id -e mime_multipart.header.content-disposition \
        2>/dev/null > "$OUT/$name.tsv"
    rm -rf "$OUT/$name.eml"
    mkdir -p "$OUT/$name.eml"
    tshark -n -r "fixtures/$capture" -q --export-objects "imf,$OUT/$name.eml" 2>/dev/null >/dev/null
done
