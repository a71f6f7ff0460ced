#!/bin/sh
# Regenerate tests/data/smtp_*.tsv: tshark 4.0's values for the TCP reassembly, SMTP and IMF
# fields (and the protocol stack above TCP, and the columns) on every capture in fixtures/smtp,
# fixtures/smtp-synthetic and fixtures/lab; tests/dissect_smtp.rs compares wiresift with them.
# Two-pass (-2), default preferences (empty config dir), no name resolution. Captures whose SMTP
# runs on another port get a second file made with Decode As (`-d tcp.port==N,smtp`), named
# smtp_<capture>@<port>.tsv.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/tests/data"
export WIRESHARK_CONFIG_DIR="$(mktemp -d)"
smtp_fields=$(tshark -G fields 2>/dev/null | awk -F'\t' '$1=="F" && ($3 ~ /^smtp\./ || $3 ~ /^imf\./) {print $3}')
FIELDS="frame.number frame.protocols tcp.segment tcp.segments tcp.segment.count tcp.reassembled.length
tcp.reassembled_in tcp.reassembled.data smtp imf $smtp_fields _ws.col.Protocol _ws.col.Info"
args=""
for f in $FIELDS; do args="$args -e $f"; done
run() { # capture, output name, extra tshark options
  # shellcheck disable=SC2086
  tshark -n -2 -r "$1" $3 -T fields -E header=y -E separator=/t -E occurrence=a \
    -E aggregator=, $args > "$out/smtp_$2.tsv" 2>/dev/null || true
  echo "$2	$(($(wc -l < "$out/smtp_$2.tsv") - 1)) frames"
}
for cap in "$root"/fixtures/smtp/*.pcap* "$root"/fixtures/smtp-synthetic/*.pcap "$root"/fixtures/lab/*.pcap; do
  name=$(basename "$cap" | sed 's/\.[a-z]*$//')
  run "$cap" "$name" ""
done
# Decode As: SMTP on port 2525.
run "$root/fixtures/smtp/suricata_smtp-url-base64.pcap" "suricata_smtp-url-base64@2525" "-d tcp.port==2525,smtp"
# The AUTH decoding preference.
run "$root/fixtures/smtp/arkime_smtp-decrypted.pcap" "arkime_smtp-decrypted+decryption" "-o smtp.decryption:TRUE"
rm -rf "$WIRESHARK_CONFIG_DIR"
