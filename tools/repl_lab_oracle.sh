#!/bin/sh
# The seed Wireshark SMTP lab (shared/reference/seed-wireshark-smtp-lab.txt) as a REPL transcript:
# each "> command" is typed into `wiresift repl`, and the lines under it are what tshark 4.0 shows
# for the same question on fixtures/lab/lab_smtp_telnet_helo.pcap. tests/repl_pty.rs checks that
# each expected line appears, in order, in the REPL's answer.
# Tables are asked for as TSV (`:format tsv` first), as tshark -T fields prints them.
# Regenerate: sh tools/repl_lab_oracle.sh > tests/data/repl/lab_transcript.txt
set -eu
cap=fixtures/lab/lab_smtp_telnet_helo.pcap
ts() { tshark -n -r "$cap" "$@" 2>/dev/null; }
# The details lines the lab asks the student to look at.
lab_lines='^Ethernet II|^Internet Protocol Version 4|^Transmission Control Protocol|^    (Source|Destination)( Port| Address)?: |Response code:|Response parameter:'

echo "# Activity 2: filter on smtp; the first 220's destination; all traffic of that address"
echo "> smtp"
ts -Y smtp
echo "$(ts -Y smtp | wc -l) of $(ts | wc -l) frames match"
echo "> :fields ip.dst where smtp.response.code == 220"
ts -Y 'smtp.response.code == 220' -T fields -e frame.number -e ip.dst
dst=$(ts -Y 'smtp.response.code == 220' -T fields -e ip.dst | head -1)
echo "> ip.addr == $dst"
echo "$(ts -Y "ip.addr == $dst" | wc -l) of $(ts | wc -l) frames match"
echo "# Activity 3: the handshake's first frame, Ethernet II / IPv4 / TCP"
echo "> :show 1"
ts -V -Y 'frame.number == 1' | grep -E "$lab_lines"
echo "# Activity 4: the 220 Service Ready, and the client's ACK after it"
echo "> :show 4"
ts -V -Y 'frame.number == 4' | grep -E "$lab_lines"
echo "> frame.number == 5"
ts -Y 'frame.number == 5'
echo "# Activity 5: the helo typed one byte a segment, combined by reassembly"
echo "> tcp.dstport == 25 && tcp.len == 1"
ts -Y 'tcp.dstport == 25 && tcp.len == 1' | head -6
echo "> :hex 6"
ts -x -Y 'frame.number == 6'| grep -v '^$'
echo "> smtp.req.command == \"helo\""
ts -Y 'smtp.req.command == "helo"'
echo "# Activity 6: 250"
echo "> :show 16"
ts -V -Y 'frame.number == 16' | grep -E "$lab_lines"
echo "# Activity 7: quit"
echo "> :fields smtp.req.command where smtp.req"
ts -Y 'smtp.req' -T fields -e frame.number -e smtp.req.command
echo "# Activity 8: 221 closing"
echo "> :show 28"
ts -V -Y 'frame.number == 28' | grep -E "$lab_lines"
