#!/bin/sh
# Writes tshark 4.0's packet list, packet details and field values for a set of L2-L4 captures:
#   tests/data/packet_list/<capture file name>.txt   tshark -n -r fixtures/<capture>
#   tests/data/show/<capture file name>.frame<N>.txt tshark -n -r fixtures/<capture> -V -Y 'frame.number == N'
#   tests/data/fields/<capture file name>.tsv        tshark -n -2 -r fixtures/<capture> -T fields -E header=y
#                                                      -E separator=/t -E occurrence=a -E aggregator=, -e <FIELDS...>
# Every tshark runs with TZ=UTC, LC_ALL=C.UTF-8 and an empty WIRESHARK_CONFIG_DIR (no profile leaks in).
# tshark's stdout is stored byte for byte (UTF-8 arrows "→" included); stderr is dropped.
# Usage: sh tools/oracle/make_samples.sh   (from anywhere)
set -eu

REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
WIRESHARK_CONFIG_DIR=$(mktemp -d)
TZ=UTC
LC_ALL=C.UTF-8
export WIRESHARK_CONFIG_DIR TZ LC_ALL
trap 'rm -rf "$WIRESHARK_CONFIG_DIR"' EXIT

OUT=tests/data
mkdir -p "$OUT/packet_list" "$OUT/show" "$OUT/fields"

# The captures, the telnet lab first. Between them: Ethernet, 802.1Q (double-tagged), 802.1ad QinQ,
# Linux cooked v1 and v2, BSD null/loopback, raw IP; ARP, IPv4 (options, fragments, IP-in-IP),
# IPv6 (hop-by-hop, routing, destination options, fragment header), TCP, UDP, ICMP, ICMPv6.
CAPTURES="
lab/lab_smtp_telnet_helo.pcap
lab/lab_smtp_ipv6.pcap
l2l4/pcapplusplus_IgmpPackets.pcap
l2l4/zeek_vlan-pcp-dei.pcapng
l2l4/pcapplusplus_QinQ_802.1_AD.pcapng
l2l4/pcapplusplus_ip4_fragments.pcap
l2l4/zeek_ipv6-http-atomic-frag.pcap
l2l4/pcapplusplus_ipv6_options.pcap
l2l4/pcapplusplus_null_loopback.pcap
l2l4/pcapplusplus_raw_ip.pcap
l2l4/zeek_linux_dlt_sll2.pcap
l2l4/zeek_tls_irc-starttls.pcap
l2l4/pcapplusplus_IcmpPackets.pcapng
wireshark-suite/ipoipoip.pcap
"

# capture:frame pairs for the details view.
SHOW="
lab/lab_smtp_telnet_helo.pcap:1
lab/lab_smtp_telnet_helo.pcap:4
lab/lab_smtp_telnet_helo.pcap:6
lab/lab_smtp_ipv6.pcap:1
l2l4/zeek_ipv6-http-atomic-frag.pcap:4
l2l4/zeek_ipv6-http-atomic-frag.pcap:13
l2l4/zeek_ipv6-http-atomic-frag.pcap:23
l2l4/zeek_ipv6-http-atomic-frag.pcap:33
l2l4/pcapplusplus_ipv6_options.pcap:1
l2l4/zeek_vlan-pcp-dei.pcapng:1
l2l4/zeek_vlan-pcp-dei.pcapng:2
l2l4/pcapplusplus_QinQ_802.1_AD.pcapng:1
l2l4/zeek_linux_dlt_sll2.pcap:1
l2l4/zeek_linux_dlt_sll2.pcap:3
l2l4/zeek_linux_dlt_sll2.pcap:5
l2l4/zeek_tls_irc-starttls.pcap:1
l2l4/pcapplusplus_IgmpPackets.pcap:1
l2l4/pcapplusplus_IgmpPackets.pcap:6
l2l4/pcapplusplus_IgmpPackets.pcap:74
l2l4/pcapplusplus_null_loopback.pcap:1
l2l4/pcapplusplus_raw_ip.pcap:1
wireshark-suite/ipoipoip.pcap:2
l2l4/pcapplusplus_ip4_fragments.pcap:1
l2l4/pcapplusplus_ip4_fragments.pcap:6
l2l4/pcapplusplus_IcmpPackets.pcapng:9
l2l4/pcapplusplus_IcmpPackets.pcapng:5
"

FIELDS="
frame.number frame.time frame.time_epoch frame.time_relative frame.time_delta frame.time_delta_displayed frame.len
frame.cap_len frame.interface_id frame.encap_type frame.protocols
eth.dst eth.src eth.addr eth.type eth.dst.ig eth.dst.lg eth.src.ig eth.src.lg eth.padding eth.trailer
vlan.priority vlan.dei vlan.id vlan.etype vlan.len
sll.pkttype sll.hatype sll.halen sll.src.eth sll.unused sll.ltype sll.etype sll.ifindex
null.family
arp.hw.type arp.proto.type arp.hw.size arp.proto.size arp.opcode arp.src.hw_mac arp.src.proto_ipv4 arp.dst.hw_mac arp.dst.proto_ipv4
arp.isgratuitous
ip.version ip.hdr_len ip.dsfield ip.dsfield.dscp ip.dsfield.ecn ip.len ip.id ip.flags ip.flags.rb ip.flags.df ip.flags.mf
ip.frag_offset ip.ttl ip.proto ip.checksum ip.checksum.status ip.src ip.dst ip.addr ip.src_host ip.dst_host ip.opt.type
ip.fragment ip.fragment.count ip.reassembled_in ip.reassembled.length
ipv6.version ipv6.tclass ipv6.tclass.dscp ipv6.tclass.ecn ipv6.flow ipv6.plen ipv6.nxt ipv6.hlim ipv6.src ipv6.dst ipv6.addr
ipv6.hopopts.nxt ipv6.hopopts.len ipv6.opt.type ipv6.opt.length ipv6.routing.nxt ipv6.routing.type ipv6.routing.segleft
ipv6.dstopts.nxt ipv6.dstopts.len ipv6.fraghdr.nxt ipv6.fraghdr.offset ipv6.fraghdr.more ipv6.fraghdr.ident
ipv6.fragment ipv6.reassembled.in
tcp.srcport tcp.dstport tcp.port tcp.stream tcp.completeness tcp.len tcp.seq tcp.seq_raw tcp.nxtseq tcp.ack tcp.ack_raw
tcp.hdr_len tcp.flags tcp.flags.res tcp.flags.ae tcp.flags.cwr tcp.flags.ece tcp.flags.urg tcp.flags.ack tcp.flags.push
tcp.flags.reset tcp.flags.syn tcp.flags.fin tcp.flags.str tcp.window_size_value tcp.window_size tcp.window_size_scalefactor
tcp.checksum tcp.checksum.status tcp.urgent_pointer tcp.options tcp.option_kind tcp.option_len tcp.options.mss_val
tcp.options.wscale.shift tcp.options.wscale.multiplier tcp.options.sack_perm tcp.options.sack_le tcp.options.sack_re
tcp.options.timestamp.tsval tcp.options.timestamp.tsecr tcp.analysis.flags tcp.analysis.acks_frame tcp.analysis.ack_rtt
tcp.analysis.initial_rtt tcp.analysis.bytes_in_flight tcp.analysis.push_bytes_sent tcp.analysis.retransmission
tcp.analysis.duplicate_ack tcp.analysis.duplicate_ack_num tcp.analysis.duplicate_ack_frame tcp.time_relative tcp.time_delta
tcp.payload
udp.srcport udp.dstport udp.port udp.length udp.checksum udp.checksum.status udp.stream udp.time_relative udp.time_delta udp.payload
icmp.type icmp.code icmp.checksum icmp.checksum.status icmp.ident icmp.ident_le icmp.seq icmp.seq_le icmp.resp_in icmp.resp_to
icmp.resptime icmp.data_time icmp.mtu icmp.redir_gw
icmpv6.type icmpv6.code icmpv6.checksum icmpv6.checksum.status icmpv6.echo.identifier icmpv6.echo.sequence_number
data.data data.len
"

FIELD_ARGS=""
for f in $FIELDS; do FIELD_ARGS="$FIELD_ARGS -e $f"; done

for c in $CAPTURES; do
    name=$(basename "$c")
    tshark -n -r "fixtures/$c" > "$OUT/packet_list/$name.txt" 2>/dev/null
    # shellcheck disable=SC2086
    tshark -n -2 -r "fixtures/$c" -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, \
        $FIELD_ARGS > "$OUT/fields/$name.tsv" 2>/dev/null
done

for pair in $SHOW; do
    c=${pair%:*}
    n=${pair##*:}
    name=$(basename "$c")
    tshark -n -r "fixtures/$c" -V -Y "frame.number == $n" > "$OUT/show/$name.frame$n.txt" 2>/dev/null
done

echo "$(tshark -v 2>/dev/null | head -1): wrote $(ls "$OUT/packet_list" | wc -l) packet lists," \
     "$(ls "$OUT/show" | wc -l) details, $(ls "$OUT/fields" | wc -l) field tables"
