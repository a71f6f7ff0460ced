#!/bin/sh
# Regenerate tests/data/transport_*.tsv: tshark 4.0's values for every TCP/UDP field wiresift's
# transport dissectors fill, on the fixtures tests/dissect_transport.rs replays.
# Two-pass (-2), default preferences (empty config dir), no name resolution.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/tests/data"
export WIRESHARK_CONFIG_DIR="$(mktemp -d)"
FIELDS="frame.number tcp.srcport tcp.dstport tcp.port tcp.stream tcp.completeness tcp.len tcp.seq tcp.seq_raw
tcp.nxtseq tcp.ack tcp.ack_raw tcp.hdr_len tcp.flags tcp.flags.syn tcp.flags.str tcp.window_size_value
tcp.window_size tcp.window_size_scalefactor tcp.checksum tcp.checksum.status tcp.urgent_pointer
tcp.option_kind tcp.option_len tcp.options.mss_val tcp.options.wscale.shift tcp.options.wscale.multiplier
tcp.options.sack_le tcp.options.sack_re tcp.options.timestamp.tsval tcp.options.timestamp.tsecr
tcp.time_relative tcp.time_delta tcp.analysis.acks_frame tcp.analysis.ack_rtt tcp.analysis.initial_rtt
tcp.analysis.bytes_in_flight tcp.analysis.push_bytes_sent tcp.analysis.retransmission
tcp.analysis.fast_retransmission tcp.analysis.spurious_retransmission tcp.analysis.out_of_order
tcp.analysis.lost_segment tcp.analysis.ack_lost_segment tcp.analysis.duplicate_ack
tcp.analysis.duplicate_ack_num tcp.analysis.duplicate_ack_frame tcp.analysis.window_update
tcp.analysis.window_full tcp.analysis.zero_window tcp.analysis.zero_window_probe tcp.analysis.keep_alive
tcp.analysis.keep_alive_ack tcp.analysis.reused_ports
udp.srcport udp.dstport udp.port udp.length udp.checksum udp.checksum.status udp.stream udp.time_relative
udp.time_delta data.len _ws.col.Protocol _ws.col.Info"
args=""
for f in $FIELDS; do args="$args -e $f"; done
for cap in lab/lab_smtp_full_session.pcap lab/lab_smtp_ipv6.pcap lab/lab_smtp_errors.pcap \
    l2l4/tcpdump_tcp-handshake-nano.pcap l2l4/zeek_http_get-to-ssh-server.pcap l2l4/zeek_tls_irc-starttls.pcap \
    l2l4/zeek_tcp_truncated-header.pcap l2l4/pcapplusplus_many_interfaces-1.pcapng \
    smtp/arkime_smtp-decrypted.pcap smtp/suricata_smtp-bug-5989.pcap smtp/suricata_smtp-data-rejected.pcap \
    smtp/zeek_smtp.pcap smtp/zeek_smtp-one-side-only.pcap smtp/suricata_smtp-bug-6053.pcap \
    smtp/zeek_smtp_smtp-bdat-gap.pcap smtp/zeek_communityid_ipv6.pcap smtp/pcapplusplus_Smtp.pcap \
    wireshark-suite/sip.pcapng wireshark-suite/dhcp.pcap wireshark-suite/tftp.pcap wireshark-suite/http.pcap; do
  name=$(basename "$cap" | sed 's/\.[a-z]*$//')
  # shellcheck disable=SC2086
  tshark -n -2 -r "$root/fixtures/$cap" -T fields -E header=y -E separator=/t -E occurrence=a \
    -E aggregator=, $args > "$out/transport_$name.tsv" 2>/dev/null || true
  echo "$cap	$(($(wc -l < "$out/transport_$name.tsv") - 1)) frames"
done
rm -rf "$WIRESHARK_CONFIG_DIR"
