#!/usr/bin/env python3
"""Writes tests/data/frames_l2l4.tsv and tests/data/frames_smtp.tsv: which frames tshark 4.0 selects.

For each (capture, filter) pair it runs

    TZ=UTC WIRESHARK_CONFIG_DIR=<empty dir> \
        tshark -n -2 -r fixtures/<capture> -Y '<filter>' -T fields -e frame.number

and writes `capture<TAB>filter<TAB>frames`, frames being the comma-separated frame numbers (empty
when nothing matches). When tshark rejects the filter or exits non-zero, frames is
`ERROR: <first line of tshark's message>` so a harness can drop the pair.

Two kinds of pairs:
* hand-written pairs (L2L4_PAIRS, SMTP_PAIRS below) for edge cases: absent fields, multi-occurrence,
  slices, sets, functions, arithmetic, layers;
* "value" pairs made from the capture itself: for each field in VALUE_FIELDS present in the capture,
  the value tshark prints for it in one frame (the middle one of those that have it) becomes a
  `field == value` filter, so every field family is exercised with a value that exists.

Usage: python3 tools/oracle/make_frame_lists.py [l2l4|smtp]   (both when no argument)
"""

import re
import sys

from common import DATA, check_tsv_cell, registered_fields, tshark

FIELD_TYPES = {}


def load_field_types():
    from common import REPO

    for path in (REPO / "src" / "dissect" / "fields").glob("*.rs"):
        for name, ftype in re.findall(r'abbrev: "([^"]+)", name: "(?:[^"\\]|\\.)*", ftype: FieldType::(\w+)', path.read_text()):
            FIELD_TYPES[name] = ftype


def frames(capture, flt):
    rc, out, err = tshark(["-2", "-r", f"fixtures/{capture}", "-Y", flt, "-T", "fields", "-e", "frame.number"])
    if rc != 0:
        first = next((l[len("tshark: "):] for l in err.splitlines() if l.startswith("tshark: ")), err.strip())
        return "ERROR: " + (first.splitlines()[0] if first else f"exit {rc}")
    return ",".join(l for l in out.decode().split("\n") if l)


# ---------------------------------------------------------------------------------------------
# Hand-written L2-L4 pairs
# ---------------------------------------------------------------------------------------------
L2L4_PAIRS = []


def on(capture, *filters):
    for f in filters:
        L2L4_PAIRS.append((capture, f))


TELNET = "lab/lab_smtp_telnet_helo.pcap"
on(TELNET,
   "frame", "frame.number == 5", "frame.number <= 3", "frame.number in {1, 3, 5..7}", "frame.len == 54",
   "frame.len > 60", "frame.cap_len == frame.len", "frame.len != frame.cap_len", "frame.time_delta == 0",
   "frame.time_relative > 1", "frame.time_delta > 0.5", "frame.interface_id == 0", "frame.protocols contains \"smtp\"",
   "frame.protocols == \"eth:ethertype:ip:tcp\"", "frame[0:6] == 00:00:00:00:00:00", "frame[12:2] == 08:00",
   "frame contains \"helo\"", "frame contains \"HELO\"", "frame matches \"helo\"", "frame matches \"(?-i)HELO\"",
   "eth.addr == 00:00:00:00:00:00", "eth.dst.ig == 0", "eth.src.lg == 0", "eth.type == 0x0800",
   "ip.src == 127.0.0.1", "ip.addr == 127.0.0.0/8", "ip.addr != 127.0.0.1", "!(ip.addr == 127.0.0.1)",
   "ip.ttl == 64", "ip.flags.df == 1", "ip.flags == 0x02", "ip.flags.mf == 0", "ip.checksum.status == 2",
   "ip.checksum.status == \"Unverified\"", "ip[12:4] == 7f:00:00:01", "ip.len > 52", "ip.id == 0",
   "ip.proto == 6", "ip.proto == \"TCP\"", "ip.hdr_len == 20", "ip.dsfield == 0", "ip.src_host == \"127.0.0.1\"",
   "tcp.port == 25", "tcp.srcport == 25", "tcp.dstport == 25", "tcp.port != 25", "!(tcp.port == 25)",
   "tcp.flags.syn == 1", "tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.flags & 0x12 == 0x12",
   "tcp.flags.fin == 1", "tcp.flags.push == 1", "tcp.flags.push", "tcp.flags.ack == 0", "tcp.flags.reset == 1",
   "tcp.flags == 0x018", "tcp.flags.str contains \"S\"", "tcp.len == 1", "tcp.len > 1", "tcp.len == 0",
   "tcp.seq == 0", "tcp.seq == 1", "tcp.ack == 1", "tcp.nxtseq == 2", "tcp.seq_raw > 0", "tcp.ack_raw == 0",
   "tcp.hdr_len == 40", "tcp.hdr_len == 32", "tcp.window_size_value > 500", "tcp.window_size > 65535",
   "tcp.window_size_scalefactor == 128", "tcp.window_size_scalefactor == -1", "tcp.options.mss_val == 65495",
   "tcp.options.mss", "tcp.options.wscale.shift == 7", "tcp.options.wscale.multiplier == 128",
   "tcp.options.sack_perm", "tcp.options.timestamp.tsval > 0", "tcp.options.timestamp.tsecr == 0",
   "tcp.option_kind == 8", "tcp.option_len == 10", "tcp.checksum.status == 2", "tcp.urgent_pointer == 0",
   "tcp.payload", "tcp.payload == 68", "tcp.payload == \"h\"", "tcp.payload == 0d:0a", "tcp.payload[0] == 'h'",
   "tcp.payload contains \"\\r\\n\"", "tcp contains \"quit\"", "tcp.stream == 0", "tcp.stream == 1",
   "len(tcp.payload) == 1", "len(tcp.payload) > 2", "count(tcp.options.nop) == 1", "tcp.seq + tcp.len == tcp.nxtseq",
   "tcp.nxtseq - tcp.seq == 1", "tcp.srcport + tcp.dstport > 25", "tcp.window_size_value * 2 > 100000",
   "tcp.ack - tcp.seq == 0", "tcp.analysis.acks_frame", "tcp.analysis.acks_frame == 5", "tcp.analysis.bytes_in_flight == 1",
   "tcp.analysis.initial_rtt", "tcp.time_relative > 0", "tcp.analysis.flags", "tcp.completeness == 31",
   "max(tcp.srcport, tcp.dstport) == 25", "min(tcp.srcport, tcp.dstport) == 25", "abs(tcp.srcport - tcp.dstport) > 1000",
   "string(frame.number) matches \"^[13579]$\"", "string(tcp.srcport) == \"25\"", "string(ip.src) == \"127.0.0.1\"",
   "tcp.port in {25, 80}", "tcp.port not in {25}", "any tcp.port == 25", "all tcp.port == 25",
   "tcp.port > 1000", "all tcp.port > 1000", "tcp.port === 25", "tcp.port !== 25", "tcp.port ~= 25",
   "tcp.flags.syn == True", "tcp.flags.syn == \"Set\"", "ip.flags.df == \"Set\"", "smtp", "udp", "ipv6", "arp", "vlan",
   "tcp.window_size_value == ${tcp.window_size_value}", "frame.number < ${frame.number}")

FULL = "lab/lab_smtp_full_session.pcap"
on(FULL,
   "tcp.stream == 1", "tcp.flags.fin == 1", "tcp.len > 1000", "tcp.len >= 1000 && tcp.len <= 1448",
   "tcp.payload contains \"DATA\"", "tcp.payload[0:4] == \"MAIL\"", "tcp.payload[0:4] == 4d:41:49:4c", "tcp.payload[-2:] == 0d:0a",
   "tcp.payload[-2:2] == 0d:0a", "tcp.payload[0:1,2:1] == 4d:49", "frame[54:4] == \"EHLO\"", "tcp.nxtseq > 5000",
   "tcp.seq > 1000 && tcp.srcport == 25", "tcp.srcport == 25 && tcp.len > 0", "tcp.dstport == 25 && tcp.len > 0",
   "tcp.analysis.bytes_in_flight > 1000", "tcp.analysis.push_bytes_sent > 1000", "tcp.ack_raw - tcp.ack > 0",
   "len(tcp.payload) == 1000", "count(tcp.options.timestamp.tsval) == 1", "ip.len - ip.hdr_len - tcp.hdr_len == tcp.len",
   "ip.len == 52", "frame.len - 14 == ip.len", "tcp.flags.syn == 1 or tcp.flags.fin == 1", "not tcp.flags.ack == 1",
   "tcp.port == 25 and not tcp.len == 0", "tcp contains 2e:0d:0a", "frame contains \"Subject:\"",
   "lower(string(tcp.stream)) == \"1\"", "tcp.payload matches \"^(EHLO|HELO) \"", "tcp.payload matches \"^250[ -]\"",
   "tcp.payload ~ \"auth login\"")

V6 = "lab/lab_smtp_ipv6.pcap"
on(V6,
   "ipv6", "ip", "ipv6.addr == ::1", "ipv6.src == ::1", "ipv6.addr == ::/0", "ipv6.addr == ::1/128", "ipv6.addr != ::1",
   "ipv6.hlim == 64", "ipv6.nxt == 6", "ipv6.nxt == \"TCP\"", "ipv6.plen > 40", "ipv6.plen == tcp.hdr_len",
   "ipv6.flow > 0", "ipv6.flow == 0", "ipv6.tclass == 0", "ipv6.version == 6", "ipv6[8:16] == 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:01",
   "ipv6.src[15] == 01", "eth.type == 0x86dd", "eth.type == \"IPv6\"", "tcp.options.mss_val == 65476", "tcp.port == 25 && ipv6",
   "ipv6.src_host == \"::1\"", "ipv6.host == \"::1\"", "tcp.flags.syn == 1", "frame.len > 86")

IGMP = "l2l4/pcapplusplus_IgmpPackets.pcap"
on(IGMP,
   "arp", "arp.opcode == 1", "arp.opcode == \"reply\"", "arp.opcode == 2", "arp.isgratuitous == 1", "arp.hw.type == 1",
   "arp.proto.type == 0x0800", "arp.src.hw_mac[0:3] == 00:12:3f", "arp.src.proto_ipv4 in {169.254.0.0/16}",
   "arp.dst.hw_mac == 00:00:00:00:00:00", "udp", "udp.port == 5355", "udp.dstport == 5355", "udp.port == 137",
   "udp.length > 40", "udp.length == 8 + len(udp.payload)", "udp.stream == 0", "udp.stream > 3", "udp.checksum.status == 2",
   "udp.srcport > 49151", "udp.port in {53, 137, 5355}", "ipv6.hopopts", "ipv6.hopopts.nxt == 58", "ipv6.opt.type == 5",
   "ipv6.opt.router_alert == 0", "icmpv6", "icmpv6.type == 143", "icmpv6.checksum.status == 2", "ip.proto == 2",
   "ip.proto == 17 && ip.dst == 224.0.0.252", "ip.dst == 224.0.0.0/4", "ip.dst[0] == e0", "eth.dst.ig == 1", "eth.ig == 1",
   "eth.dst[0] & 1", "eth.dst == 01:00:5e:00:00:fc", "eth.dst[0:3] == 01:00:5e", "eth.dst == ff:ff:ff:ff:ff:ff",
   "eth.addr == ff:ff:ff:ff:ff:ff", "eth.src == eth.dst", "ipv6.dst == ff02::1:3", "ipv6.dst[0] == ff", "ipv6.addr == fe80::/10",
   "ip.ttl == 1", "ip.ttl == 128", "ip.ttl <= 1", "ip.flags.df == 0", "ip.dsfield.dscp == 48", "ip.opt.type",
   "ip.options.routeralert", "ip.hdr_len == 24", "tcp.flags.reset == 1", "tcp.port == 443", "tcp.srcport == 443 and tcp.len > 0",
   "tcp.stream == 2", "frame.len < 60", "frame.len == 60", "eth.padding", "eth.trailer", "tls", "count(ip.addr) == 2",
   "ip or ipv6", "not ip and not ipv6", "ip.version == 4 xor ipv6", "frame.protocols matches \"igmp\"")

VLAN = "l2l4/zeek_vlan-pcp-dei.pcapng"
on(VLAN,
   "vlan", "vlan.id == 10", "vlan.id == 20", "vlan.priority == 7", "vlan.priority == 5", "vlan.dei == 1", "vlan.dei == 0",
   "vlan.etype == 0x0800", "vlan.etype == 0x8100", "count(vlan.id) == 2", "count(vlan.id) == 1", "vlan.id#2",
   "vlan.id#1 == 10", "vlan.id#2 == 20", "vlan.id#[-1] == 20", "vlan.priority > 0", "vlan.id in {10, 20}", "eth.type == 0x8100",
   "!vlan", "vlan.id != 10", "!(vlan.id == 10)", "tcp.flags.syn == 1", "tcp.analysis.retransmission", "tcp.stream == 0",
   "frame.comment", "frame[12:2] == 81:00", "frame[16:2] == 81:00", "max(vlan.id) == 20", "min(vlan.priority) == 5")

QINQ = "l2l4/pcapplusplus_QinQ_802.1_AD.pcapng"
on(QINQ, "vlan", "vlan.id == 100", "vlan.id == 200", "count(vlan.id) == 1", "eth.type == 0x88a8", "ip", "data", "data.len > 0",
   "frame[12:2] == 88:a8", "vlan.etype == 0x0800")

VPK = "l2l4/pcapplusplus_VlanPackets.pcap"
on(VPK, "vlan", "count(vlan.id) == 2", "vlan.id == 1", "vlan.id#2 == 10", "icmp", "icmp.type == 8", "icmp.type == 0",
   "vlan.priority == 0", "vlan && !ip", "vlan.id in {1..100}", "eth.type == 0x8100", "vlan.len", "vlan.len > 0")

FRAG4 = "l2l4/pcapplusplus_ip4_fragments.pcap"
on(FRAG4,
   "ip.flags.mf == 1", "ip.flags.mf == 0", "ip.frag_offset > 0", "ip.frag_offset == 0", "ip.flags.mf == 1 || ip.frag_offset > 0",
   "ip.fragment", "ip.fragment.count > 5", "ip.reassembled_in", "ip.reassembled.length > 8000", "udp", "ip.id == ${ip.id}",
   "ip.flags == 0x01", "ip.flags & 0x01", "frame.len == 1514", "ip.len == 1500", "ip.proto == 17", "data", "data.len == 1480",
   "count(ip.fragment) > 3", "ip.fragment == 1", "ip.fragments", "ip.reassembled_in == 6", "udp.length > 1500")

FRAGPAD = "l2l4/pcapplusplus_frag_with_padding.pcap"
on(FRAGPAD, "vlan", "ip.flags.mf == 1", "ip.frag_offset > 0", "eth.trailer", "eth.padding", "vlan.trailer", "ip.reassembled_in",
   "ip.fragment", "udp", "frame.len == 64", "frame.len < 64", "ip.len < 46")

FRAG6 = "l2l4/pcapplusplus_ip6_fragments.pcap"
on(FRAG6, "ipv6.fraghdr", "ipv6.fraghdr.more == 1", "ipv6.fraghdr.more == 0", "ipv6.fraghdr.offset == 0", "ipv6.fraghdr.offset > 0",
   "ipv6.fraghdr.nxt == 17", "ipv6.nxt == 44", "ipv6.reassembled.in", "ipv6.fragment", "udp", "udp.port == 5353",
   "ipv6.fraghdr.ident == ${ipv6.fraghdr.ident}", "ipv6.fragment.count > 2")

V6OPT = "l2l4/pcapplusplus_ipv6_options.pcap"
on(V6OPT, "ipv6.hopopts", "ipv6.routing", "ipv6.dstopts", "ipv6.routing.type == 0", "ipv6.routing.type == 2",
   "ipv6.routing.segleft > 0", "ipv6.nxt == 0", "ipv6.nxt == 43", "ipv6.nxt == 60", "ipv6.dstopts.nxt == 17", "ipv6.hopopts.len == 0",
   "icmpv6", "icmpv6.type == 128", "udp", "ipv6.hopopts && ipv6.routing", "count(ipv6.nxt) == 1", "ipv6.opt.type == 1",
   "ipv6.routing.src.addr", "ipv6.routing.mipv6.home_address")

ATOMIC = "l2l4/zeek_ipv6-http-atomic-frag.pcap"
on(ATOMIC, "ipv6.fraghdr", "ipv6.fraghdr.more == 0 && ipv6.fraghdr.offset == 0", "ipv6.hopopts", "ipv6.dstopts", "ipv6.routing",
   "ipv6.routing.type == 2", "tcp.analysis.retransmission", "tcp.analysis.spurious_retransmission", "tcp.analysis.ack_lost_segment",
   "tcp.analysis.flags", "tcp.flags.syn == 1", "tcp.port == 80", "tcp.len > 0", "icmpv6", "icmpv6.type == 135",
   "icmpv6.type == 136", "icmpv6.nd.ns.target_address", "ipv6.plen > 100", "tcp.stream == 1", "ipv6.nxt == 6", "ipv6.nxt != 6",
   "tcp.options.sack_perm", "tcp.options.timestamp.tsval", "tcp.options.wscale.shift == 2", "tcp.window_size > tcp.window_size_value")

NULL = "l2l4/pcapplusplus_null_loopback.pcap"
on(NULL, "null", "null.family == 2", "null.family == 30", "null.family == 24", "null.family != 2", "ip", "ipv6", "udp", "tcp",
   "frame[0:4] == 02:00:00:00", "frame.len > 100", "tcp.flags.syn", "udp.dstport == 53", "data")

RAW = "l2l4/pcapplusplus_raw_ip.pcap"
on(RAW, "ip", "ipv6", "eth", "frame[0] & 0xf0 == 0x40", "frame[0] == 60", "frame[0] == 0x60", "tcp.port == 80", "http", "dns",
   "udp.port == 53", "tcp.flags.syn == 1 && tcp.flags.ack == 1", "tcp.stream == 3", "tcp.stream > 5", "tcp.flags.fin == 1",
   "tcp.len > 1000", "ipv6.addr == 2001::/16", "ip.addr == 10.0.0.0/8", "ip.addr == 192.168.0.0/16", "ip.ttl > 100",
   "tcp.window_size_scalefactor == -1", "tcp.window_size_scalefactor > 0", "tcp.options.mss_val == 1460", "tcp.analysis.flags",
   "tcp.analysis.duplicate_ack", "udp.length > 100", "ip.checksum.status == \"Unverified\"", "ip.dsfield.ecn == 0",
   "data-text-lines", "count(tcp.options.sack_le) > 0", "tcp.options.sack_le", "tcp.options.sack_perm", "tcp.urgent_pointer > 0",
   "tcp contains \"HTTP/1.1\"", "tcp.payload[0:3] == \"GET\"", "tcp.payload matches \"^HTTP/1\\\\.[01] 200\"")

SLL2 = "l2l4/zeek_linux_dlt_sll2.pcap"
on(SLL2, "sll", "sll.pkttype == 0", "sll.pkttype == 4", "sll.pkttype == \"Sent by us\"", "sll.hatype == 1", "sll.halen == 6",
   "sll.etype == 0x0806", "sll.etype == 0x86dd", "sll.ifindex == 2", "sll.ifindex > 0", "sll.src.eth", "arp", "arp.opcode == 1",
   "arp.opcode == 2", "icmp", "icmp.type == 8", "icmp.type == 0", "icmp.resp_in", "icmp.resp_to", "icmpv6.type == 129",
   "icmpv6.echo.sequence_number == 1", "icmp.seq == 1", "icmp.ident > 0", "data.len == 56", "eth")

SLL1 = "l2l4/zeek_tls_irc-starttls.pcap"
on(SLL1, "sll", "sll.pkttype == 0", "sll.pkttype == 4", "sll.ltype", "sll.etype == 0x0800", "sll.hatype == 1", "sll.halen == 6",
   "sll.src.eth", "sll.unused", "tcp.port == 6667", "tcp.len > 0", "tcp.flags.syn == 1", "tcp.stream == 0",
   "tcp contains \"STARTTLS\"", "tcp.payload contains \"NICK\"", "ip.ttl == 64", "frame[14:2] == 08:00")

HS = "l2l4/tcpdump_tcp-handshake-nano.pcap"
on(HS, "tcp.flags.syn == 1", "tcp.flags.ack == 1 && !(tcp.flags.syn == 1)", "frame.time_delta > 0", "frame.time_relative < 0.001",
   "tcp.options.mss_val == 65495", "tcp.options.timestamp.tsecr > 0", "tcp.seq_raw == ${tcp.seq_raw}", "sll.pkttype == 0")

ICMP = "l2l4/pcapplusplus_IcmpPackets.pcapng"
on(ICMP, "icmp", "icmp.type == 0", "icmp.type == 3", "icmp.type == 5", "icmp.type == 8", "icmp.type == 9", "icmp.type == 10",
   "icmp.type == 11", "icmp.type == 12", "icmp.type == 13", "icmp.type == 17", "icmp.type in {13, 14, 15, 16, 17, 18}",
   "icmp.code == 1", "icmp.checksum.status == 1", "icmp.checksum.status == \"Good\"", "icmp.redir_gw", "icmp.mtu", "icmp.ident",
   "icmp.originate_timestamp", "icmp.address_mask", "icmp.num_addrs > 0", "count(ip) == 2", "count(ip.src) == 2", "ip.src#2",
   "ip.proto#2 == 17", "ip.proto#2 == 6", "icmp.type == 3 && udp", "tcp", "udp", "count(icmp.type) == 2", "icmp.type#2 == 8",
   "icmp.resp_in", "icmp.resp_to", "icmp.pointer", "icmp.type == \"Echo (ping) request\"", "icmp.mip.flags", "icmp.router_address")

TRUNC = "l2l4/zeek_tcp_truncated-header.pcap"
on(TRUNC, "frame.cap_len < frame.len", "frame.cap_len == 68", "frame.len - frame.cap_len > 100", "_ws.short", "_ws.malformed",
   "tcp.payload", "tcp.len > 0", "tcp.options.timestamp.tsval", "tcp.flags.push == 1", "tcp.port == 80", "tcp.analysis.flags",
   "tcp.hdr_len == 32", "tcp.len == 0")

HTTP1 = "wireshark-suite/http.pcap"
on(HTTP1, "http", "tcp.port == 80", "eth.src[0:3] == 00:e0:81", "tcp.payload contains \"GET\"", "ip.src == 10.0.0.5",
   "ip.dst == 209.225.11.237", "ip.addr in {10.0.0.0/24}", "frame.len == 340", "eth == 00:e0:81:00:b0:28:00:09:6b:88:f6:c9:08:00",
   "ip.flags.df == 1", "tcp.window_size_value == 6432", "tcp.hdr_len == 20", "tcp.flags.push == 1", "tcp.seq == 1",
   "tcp.checksum == 0x2e77", "ip.checksum == 0x9a8e", "ip.id == 0x8f12", "frame.time == \"Jun 30, 2003 03:09:30.474985000\"")

IPOIP = "wireshark-suite/ipoipoip.pcap"
on(IPOIP, "ip", "count(ip.addr) > 2", "count(ip.addr) == 10", "count(ip) == 5", "ip.addr#2 == 1.1.1.1", "ip.addr#2",
   "ip.addr#1", "ip.src#[2-4]", "ip.src#[-1]", "ip.dst#5", "ip.dst#6", "ip.addr != 1.1.1.1", "!(ip.addr == 1.1.1.1)",
   "ip.proto == 4", "ip.proto#5 == 6", "ip.proto#1 == 17", "tcp", "udp", "max(ip.ttl) > 1", "min(ip.ttl) == 64", "ip.ttl === 64",
   "ip.ttl !== 64", "all ip.ttl == 64", "any ip.ttl == 64", "ip.len#1 > ip.len#2", "len(ip) == 20", "count(ip.hdr_len) == 5",
   "null", "eth", "frame.len == 122", "ip.src == ip.dst", "ip.src#1 == ip.src#2", "string(ip.src) contains \"1.1.1\"")

ARP = "wireshark-suite/arp.pcap"
on(ARP, "arp", "arp.opcode == 1", "arp.opcode == \"request\"", "arp.src.proto_ipv4 == 10.0.0.1", "arp.dst.proto_ipv4",
   "arp.hw.type == 15", "arp.hw.size == 0", "arp.src.hw", "eth", "arp.isgratuitous", "arp.proto.size == 4")

ICMPGZ = "wireshark-suite/icmp.pcapng.gz"
on(ICMPGZ, "icmp", "icmp.type == 8", "icmp.type == 0", "icmp.resp_in == 2", "icmp.resp_to == 1", "icmp.resptime > 0",
   "icmp.ident == 0x0002", "icmp.seq == 256", "icmp.seq_le == 1", "icmp.data_time", "data.len == 48", "icmp.checksum.status == 1",
   "ip.ttl == 64", "icmp.code == 0")

DHCP = "wireshark-suite/dhcp.pcap"
on(DHCP, "udp", "udp.port == 67", "udp.srcport == 68", "udp.dstport == 67", "udp.length > 300", "ip.src == 0.0.0.0",
   "ip.dst == 255.255.255.255", "eth.dst == ff:ff:ff:ff:ff:ff", "udp.stream == 0", "udp.stream == 1", "udp.checksum.status == 2",
   "ip.addr == 192.168.0.0/24", "udp.payload[0] == 01", "udp.payload[0] == 02", "ip.id == 0")

SIP = "wireshark-suite/sip.pcapng"
on(SIP, "ip", "udp.port == 5060", "udp.port == 2944", "udp.srcport == udp.dstport", "udp.length > 500", "ip.src in {10.0.0.0/8}",
   "frame contains \"INVITE\"", "udp contains \"SIP/2.0 200\"", "udp.payload[0:6] == \"INVITE\"", "udp.stream == 0", "frame.interface_id == 0",
   "data")

for cap in ("wireshark-suite/tftp.pcap", "wireshark-suite/ntp.pcap", "wireshark-suite/ipv6.pcap"):
    on(cap, "ip", "ipv6", "udp", "udp.port == 69", "udp.port == 123", "udp.length == 8 + len(udp.payload)", "eth", "icmpv6",
       "ipv6.hopopts", "icmpv6.type == 143")

MALF = "malformed/pcapplusplus_tcp-malformed.pcap"
on(MALF, "tcp", "_ws.malformed", "tcp.hdr_len > 20", "tcp.bogus_header_length", "tcp.options", "tcp.len", "tcp.payload", "_ws.expert")
for cap in ("malformed/zeek_trunc_ip4-trunc.pcap", "malformed/zeek_trunc_ip6-ext-trunc.pcap",
            "malformed/tcpdump_udp-length-heapoverflow.pcap", "malformed/tcpdump_heapoverflow-tcp_print.pcap",
            "malformed/tcpdump_bad-ipv4-version-pgm-heapoverflow.pcap", "malformed/tcpdump_LINKTYPE_IPV6_invalid.pcap",
            "malformed/zeek_ipv6-hbh-routing0.pcap", "malformed/tcpdump_aoe-oobr-1.pcap"):
    on(cap, "ip", "ipv6", "tcp", "udp", "_ws.malformed", "_ws.expert", "frame.cap_len < frame.len", "ip.bogus_ip_version",
       "udp.length.bad", "ipv6.routing")

SMTPL = "smtp/zeek_smtp.pcap"
on(SMTPL, "tcp.analysis.retransmission", "tcp.analysis.out_of_order", "tcp.analysis.window_full", "tcp.analysis.flags",
   "tcp.analysis.fast_retransmission", "tcp.analysis.duplicate_ack", "tcp.analysis.duplicate_ack_num > 0", "icmp", "icmp.type == 3",
   "icmp.code == 4", "icmp.mtu > 0", "tcp.stream == 3", "tcp.len > 1400", "ip.flags.df == 0", "tcp.analysis.ack_rtt > 0.1",
   "tcp.analysis.keep_alive", "tcp.analysis.window_update", "tcp.flags.reset == 1")
SMTPPP = "smtp/pcapplusplus_Smtp.pcap"
on(SMTPPP, "tcp.analysis.lost_segment", "tcp.analysis.ack_lost_segment", "ipv6", "tcp.analysis.flags", "tcp.stream == 0",
   "frame.time_delta > 1000", "tcp.analysis.retransmission")
on("smtp/zeek_smtp_rfc3030-bdat-multipart-chunked.pcap", "tcp.analysis.window_update", "tcp.analysis.duplicate_ack",
   "tcp.analysis.flags", "tcp.analysis.bytes_in_flight > 10000")
on("smtp/zeek_smtp_smtp-bdat-gap.pcap", "tcp.analysis.lost_segment", "tcp.analysis.ack_lost_segment", "tcp.analysis.flags")


# ---------------------------------------------------------------------------------------------
# Value pairs: `field == <value tshark prints>` for each field present in each capture
# ---------------------------------------------------------------------------------------------
VALUE_CAPTURES = [
    TELNET, V6, IGMP, VLAN, FRAG4, ATOMIC, NULL, RAW, SLL2, SLL1, ICMP, IPOIP, V6OPT, "wireshark-suite/arp.pcap",
]

VALUE_FIELDS = """
frame.time frame.len frame.cap_len frame.time_relative frame.time_delta frame.time_epoch frame.interface_id frame.protocols
eth.dst eth.src eth.addr eth.type eth.src.oui eth.dst.ig eth.dst.lg eth.src.ig eth.src.lg eth.ig eth.lg eth.padding eth.trailer
vlan.priority vlan.dei vlan.id vlan.etype
sll.pkttype sll.hatype sll.halen sll.src.eth sll.ltype sll.etype sll.ifindex sll.unused
null.family
arp.hw.type arp.proto.type arp.hw.size arp.proto.size arp.opcode arp.src.hw_mac arp.src.proto_ipv4 arp.dst.hw_mac arp.dst.proto_ipv4
ip.version ip.hdr_len ip.dsfield ip.dsfield.dscp ip.dsfield.ecn ip.len ip.id ip.flags ip.flags.rb ip.flags.df ip.flags.mf
ip.frag_offset ip.ttl ip.proto ip.checksum ip.checksum.status ip.src ip.dst ip.addr ip.src_host ip.dst_host ip.host
ip.fragment ip.fragment.count ip.reassembled_in ip.reassembled.length
ipv6.version ipv6.tclass ipv6.tclass.dscp ipv6.tclass.ecn ipv6.flow ipv6.plen ipv6.nxt ipv6.hlim ipv6.src ipv6.dst ipv6.addr
ipv6.src_host ipv6.dst_host ipv6.hopopts.nxt ipv6.hopopts.len ipv6.hopopts.len_oct ipv6.opt.type ipv6.opt.length
ipv6.routing.nxt ipv6.routing.type ipv6.routing.segleft ipv6.dstopts.nxt ipv6.fraghdr.nxt ipv6.fraghdr.offset ipv6.fraghdr.more
ipv6.fraghdr.ident
tcp.srcport tcp.dstport tcp.port tcp.stream tcp.completeness tcp.seq tcp.seq_raw tcp.nxtseq tcp.ack tcp.ack_raw tcp.hdr_len
tcp.flags tcp.flags.res tcp.flags.ae tcp.flags.cwr tcp.flags.ece tcp.flags.urg tcp.flags.ack tcp.flags.push tcp.flags.reset
tcp.flags.syn tcp.flags.fin tcp.flags.str tcp.window_size_value tcp.window_size tcp.window_size_scalefactor tcp.checksum
tcp.checksum.status tcp.urgent_pointer tcp.len tcp.options tcp.option_kind tcp.option_len tcp.options.mss_val
tcp.options.wscale.shift tcp.options.wscale.multiplier tcp.options.sack_le tcp.options.sack_re tcp.options.timestamp.tsval
tcp.options.timestamp.tsecr tcp.analysis.acks_frame tcp.analysis.bytes_in_flight tcp.analysis.push_bytes_sent tcp.payload
udp.srcport udp.dstport udp.port udp.length udp.checksum udp.checksum.status udp.stream udp.payload
icmp.type icmp.code icmp.checksum icmp.checksum.status icmp.ident icmp.seq icmp.seq_le icmp.resp_in icmp.resp_to icmp.mtu
icmpv6.type icmpv6.code icmpv6.checksum icmpv6.checksum.status icmpv6.echo.identifier icmpv6.echo.sequence_number
data.data data.len
""".split()

MAX_BYTES_LITERAL = 48  # longer payload values are cut to a prefix slice


def literal_for(field, value):
    """The filter text comparing `field` with a value as tshark printed it (-T fields), or None."""
    ftype = FIELD_TYPES.get(field)
    if ftype is None or value == "":
        return None
    if ftype in ("String", "StringZ", "StringZPad"):
        if "\\" in value or '"' in value:
            return None
        return f'{field} == "{value}"'
    if ftype == "Bytes":
        hexes = value.replace(":", "")
        if len(hexes) > 2 * MAX_BYTES_LITERAL:
            prefix = ":".join(hexes[i:i + 2] for i in range(0, 2 * MAX_BYTES_LITERAL, 2))
            return f"{field}[0:{MAX_BYTES_LITERAL}] == {prefix}"
        if len(hexes) == 2:
            return f"{field} == :{hexes}"
        return f"{field} == {':'.join(hexes[i:i + 2] for i in range(0, len(hexes), 2))}"
    if ftype == "AbsoluteTime":
        return f'{field} == "{value}"'
    return f"{field} == {value}"


def value_pairs():
    pairs = []
    for cap in VALUE_CAPTURES:
        present = [f for f in VALUE_FIELDS if f in FIELD_TYPES]
        args = ["-2", "-r", f"fixtures/{cap}", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"]
        for f in present:
            args += ["-e", f]
        rc, out, err = tshark(args)
        rows = [line.split("\t") for line in out.decode("utf-8", "replace").split("\n") if line]
        for i, f in enumerate(present):
            values = [r[i] for r in rows if i < len(r) and r[i] != ""]
            if not values:
                continue
            flt = literal_for(f, values[len(values) // 2])
            if flt:
                pairs.append((cap, flt))
    return pairs


# ---------------------------------------------------------------------------------------------
# SMTP-stage pairs (smtp.*, imf.*, reassembly)
# ---------------------------------------------------------------------------------------------
SMTP_PAIRS = []


def smtp_on(capture, *filters):
    for f in filters:
        SMTP_PAIRS.append((capture, f))


SMTP_GENERIC = [
    "smtp", "smtp.req", "smtp.rsp", "smtp.req == 1", "smtp.rsp == 1", "smtp.req.command", "smtp.req.command == \"EHLO\"",
    "smtp.req.command == \"HELO\"", "smtp.req.command == \"MAIL\"", "smtp.req.command == \"RCPT\"", "smtp.req.command == \"DATA\"",
    "smtp.req.command == \"QUIT\"", "smtp.req.command == \"AUTH\"", "smtp.req.command == \"RSET\"", "smtp.req.command == \"BDAT\"",
    "smtp.req.command == \"STARTTLS\"", "smtp.req.command == \"ehlo\"", "lower(smtp.req.command) == \"ehlo\"",
    "upper(smtp.req.command) == \"HELO\"", "smtp.req.command matches \"^(ehlo|helo)$\"", "smtp.req.command in {\"MAIL\", \"RCPT\"}",
    "smtp.req.parameter", "smtp.req.parameter contains \"@\"", "smtp.req.parameter contains \"FROM:\"",
    "smtp.req.parameter matches \"^from:\"", "smtp.response.code", "smtp.response.code == 220", "smtp.response.code == 250",
    "smtp.response.code == 354", "smtp.response.code == 221", "smtp.response.code >= 400", "smtp.response.code >= 500",
    "smtp.response.code in {200..299}", "smtp.response.code in {334, 235, 535}", "count(smtp.response.code) > 1",
    "count(smtp.req.command) > 1", "smtp.response", "smtp.rsp.parameter contains \"OK\"", "smtp.response contains \"250-\"",
    "smtp.command_line", "smtp.command_line contains \"\\r\\n\"", "smtp.message", "smtp.data.fragment", "smtp.data.fragments",
    "smtp.data.reassembled.in", "smtp.data.fragment.count > 1", "smtp.data.reassembled.length > 0", "smtp.eom", "smtp.auth.username",
    "smtp.auth.password", "smtp.auth.username_password", "imf", "imf.from", "imf.to", "imf.subject", "imf.date", "imf.message_id",
    "imf.from contains \"@\"", "imf.subject matches \".\"", "imf.content.type contains \"multipart\"", "imf.mime_version == \"1.0\"",
    "imf.content.type", "imf.address", "imf.mailbox_list.item", "imf.extension", "data-text-lines",
    "tcp.reassembled_in", "tcp.segment", "tcp.segments", "tcp.segment.count > 1", "tcp.reassembled.length > 0", "tcp.reassembled.data",
    "tcp.segment_data", "tcp.pdu.size", "tcp.port == 25", "tcp.len > 0 && !smtp", "smtp && tcp.len == 0", "smtp.req and smtp.rsp",
    "smtp.response.code.unexpected", "smtp.base64_decode", "_ws.expert", "_ws.malformed", "len(smtp.req.command) == 4",
    "string(smtp.response.code) == \"250\"", "smtp.req.command == \"MAIL\" || smtp.response.code == 250",
]

SMTP_CAPTURES = [
    "lab/lab_smtp_telnet_helo.pcap", "lab/lab_smtp_telnet_helo_crlf_split.pcap", "lab/lab_smtp_full_session.pcap",
    "lab/lab_smtp_errors.pcap", "lab/lab_smtp_ipv6.pcap", "smtp-synthetic/smtp-synthetic.pcap",
    "smtp-synthetic/smtp-bdat-starttls.pcap", "smtp/zeek_smtp.pcap", "smtp/arkime_smtp-data-521.pcap",
    "smtp/suricata_smtp-pipelining.pcap", "smtp/zeek_smtp_smtp-bdat-pipeline-8bitmime.pcap", "smtp/suricata_smtp-bug-5989.pcap",
    "smtp/zeek_tls_smtp-starttls.pcap", "smtp/arkime_smtp-subject-gb2312-b.pcap",
]


def smtp_pairs():
    pairs = []
    # Every generic filter on the five lab/synthetic captures the later stage is built around...
    for cap in SMTP_CAPTURES[:7]:
        for f in SMTP_GENERIC:
            pairs.append((cap, f))
    # ...and a smaller, sharper set on the real-world captures.
    sharp = ["smtp", "smtp.req.command", "smtp.response.code", "smtp.data.fragment", "smtp.data.reassembled.in", "imf",
             "imf.subject", "tcp.reassembled_in", "tcp.segment", "smtp.eom", "smtp.auth.username", "smtp.response.code >= 400",
             "smtp.req.command == \"STAR\"", "smtp.req.parameter == \"TLS\"", "smtp.req.command == \"BDAT\"", "smtp.req.command == \"DATA\""]
    for cap in SMTP_CAPTURES[7:]:
        for f in sharp:
            pairs.append((cap, f))
    return pairs


def write(path, pairs):
    seen = set()
    n = errors = empty = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("capture\tfilter\tframes\n")
        for cap, flt in pairs:
            if (cap, flt) in seen:
                continue
            seen.add((cap, flt))
            result = frames(cap, flt)
            n += 1
            errors += result.startswith("ERROR: ")
            empty += result == ""
            fh.write(f"{check_tsv_cell(cap)}\t{check_tsv_cell(flt)}\t{check_tsv_cell(result)}\n")
    print(f"{path}: {n} pairs, {errors} tshark errors, {empty} with no frame")


def main():
    load_field_types()
    which = sys.argv[1:] or ["l2l4", "smtp"]
    DATA.mkdir(parents=True, exist_ok=True)
    if "l2l4" in which:
        write(DATA / "frames_l2l4.tsv", L2L4_PAIRS + value_pairs())
    if "smtp" in which:
        write(DATA / "frames_smtp.tsv", smtp_pairs())


if __name__ == "__main__":
    main()
