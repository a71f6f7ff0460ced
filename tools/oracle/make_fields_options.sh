#!/bin/sh
# tshark 4.0's -T fields output under non-default -E options, for tests/fields_options.rs:
#   tests/data/fields_options/<n>.txt = tshark -n -2 -r fixtures/lab/lab_smtp_full_session.pcap -T fields
#       -e frame.number -e ip.addr -e tcp.port -e smtp.response.code -e smtp.rsp.parameter -e smtp.eom <OPTIONS n>
# with OPTIONS per line of the list below (the first word is n). Same environment as make_samples.sh.
# Usage: sh tools/oracle/make_fields_options.sh   (from anywhere)
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
WIRESHARK_CONFIG_DIR=$(mktemp -d)
TZ=UTC
LC_ALL=C.UTF-8
export WIRESHARK_CONFIG_DIR TZ LC_ALL
trap 'rm -rf "$WIRESHARK_CONFIG_DIR"' EXIT
OUT=tests/data/fields_options
mkdir -p "$OUT"
while read -r n options; do
    # shellcheck disable=SC2086
    tshark -n -2 -r fixtures/lab/lab_smtp_full_session.pcap -T fields -e frame.number -e ip.addr -e tcp.port \
        -e smtp.response.code -e smtp.rsp.parameter -e smtp.eom $options 2>/dev/null > "$OUT/$n.txt"
    printf '%s\n' "$options" > "$OUT/$n.options"
done <<LIST
1 -E header=y
2 -E occurrence=f -E quote=d
3 -E occurrence=l -E separator=/s -E quote=s
4 -E aggregator=/s -E separator=; -E header=y
5 -Y smtp.rsp||smtp.eom -E aggregator=| -E occurrence=a
LIST
