#!/usr/bin/env python3
"""Writes tests/data/filters_acceptance.tsv: tshark 4.0's verdict on each display filter below.

For every filter it runs

    TZ=UTC WIRESHARK_CONFIG_DIR=<empty dir> tshark -n -r fixtures/wireshark-suite/empty.pcap -Y '<filter>'

and records: exit status 0 -> tshark_ok=1, 2 -> tshark_ok=0; the first stderr line after
"tshark: "; the caret under the filter (0-based byte offset into the filter and the length of
"^~~~", both empty when tshark prints no caret, e.g. "Unexpected end of filter expression.").

Filters only use fields that wiresift registers (src/dissect/fields/*.rs) and the protocol names
http, dns, tls — except in the groups that are about unknown names on purpose. The script prints
a warning for any other dotted name so a typo in the list does not slip in unnoticed.

Usage: python3 tools/oracle/make_filter_acceptance.py   (from anywhere; paths are repo-relative)
"""

import re
import sys

from common import DATA, check_tsv_cell, registered_fields, tshark, tshark_version

EMPTY = "fixtures/wireshark-suite/empty.pcap"

# (group, filter). Order is kept in the output.
FILTERS = []


def add(group, *filters):
    for f in filters:
        FILTERS.append((group, f))


add("existence",
    "frame", "eth", "ip", "ipv6", "tcp", "udp", "arp", "icmp", "icmpv6", "vlan", "sll", "null",
    "smtp", "imf", "data", "data-text-lines", "http", "dns", "tls",
    "tcp.port", "ip.flags.df", "tcp.flags.syn", "smtp.req.command", "tcp.analysis.retransmission",
    "_ws.malformed", "_ws.expert", "frame.comment", ".tcp.port", ".ip", "!tcp", "not ip",
    "tcp.options.mss", "ipv6.hopopts", "eth.addr", "smtp.eom", "tcp.analysis.flags")

add("compare_ops",
    "tcp.port == 25", "tcp.port != 25", "tcp.port === 25", "tcp.port !== 25", "tcp.port ~= 25",
    "tcp.port > 1024", "tcp.port >= 1024", "tcp.port < 1024", "tcp.port <= 1024",
    "tcp.port eq 25", "tcp.port ne 25", "tcp.port any_eq 25", "tcp.port all_ne 25",
    "tcp.port all_eq 25", "tcp.port any_ne 25", "tcp.port gt 1024", "tcp.port ge 1024",
    "tcp.port lt 1024", "tcp.port le 1024", "tcp.port==25", "tcp.port EQ 25",
    "ip.src == ip.dst", "tcp.srcport > tcp.dstport", "ip.ttl < 64 < tcp.port",
    "frame.len > 60 >= ip.len", "tcp.port == == 25", "tcp.port => 25", "tcp.port <> 25",
    "tcp.port =! 25", "tcp.port ==25", "eth.src != eth.dst", "ip.addr !== 10.0.0.1",
    "smtp.req.command == \"EHLO\"", "smtp.req.command > \"A\"", "frame.protocols == \"eth:ethertype:ip:tcp\"")

add("quantifiers",
    "any tcp.port == 25", "all tcp.port == 25", "all tcp.port > 1024", "any ip.addr == 10.0.0.1",
    "all ip.addr != 10.0.0.1", "not all tcp.port == 25", "any tcp.port in {25 587}",
    "all tcp.port in {25 587}", "any tcp", "all frame", "any any tcp.port == 25",
    "all tcp.port contains 25", "any smtp.req.command contains \"MAIL\"")

add("contains_matches",
    "frame contains \"SMTP\"", "tcp contains \"EHLO\"", "tcp.payload contains 45:48:4c:4f",
    "tcp.payload contains \"\\r\\n\"", "smtp.req.parameter contains \"@\"",
    "frame contains 0d:0a", "eth.addr contains 00:00", "ip contains 7f",
    "tcp.port contains 25", "ip.src contains 10", "frame.len contains 1",
    "smtp.req.command matches \"^(EHLO|HELO)$\"", "smtp.req.command ~ \"mail\"",
    "frame matches \"(?-i)SMTP\"", "tcp.payload matches \"^\\\\x45\"", "smtp.response matches \"^2\"",
    "smtp.req.command matches HEAD", "smtp.req.command matches \"[\"", "tcp.port matches \"25\"",
    "ip.addr matches \"10\"", "imf.subject contains \"test\"", "imf.from matches \"@example\\\\.com\"",
    "smtp.req.command contains 'E'", "frame contains \"\"", "tcp.payload contains \"a\" \"b\"",
    "data.data contains 00", "data-text-lines contains \"x\"", "http contains \"GET\"",
    "smtp.req.command matches r\"^\\w+$\"")

add("membership",
    "tcp.port in {25 587 465}", "tcp.port in {25, 587, 465}", "tcp.port in {25,587}",
    "tcp.port in {1..1024}", "tcp.port in {1 .. 1024}", "tcp.port in {25 1000..2000 8080}",
    "tcp.port not in {25 587}", "not tcp.port in {25 587}", "ip.addr in {10.0.0.0/8 192.168.0.0/16}",
    "ip.addr in {10.0.0.1 .. 10.0.0.9}", "ipv6.addr in {::1 fe80::/10}",
    "smtp.req.command in {\"EHLO\" \"HELO\"}", "smtp.req.command in {\"A\"..\"Z\"}",
    "eth.addr in {00:00:00:00:00:00 ff:ff:ff:ff:ff:ff}", "frame.time_delta in {0.0 .. 0.5}",
    "frame.time_delta in {-2.0 .. 0.0}", "tcp.port in {}", "tcp.port in {25", "tcp.port in 25",
    "tcp.port in {80 443}", "tcp.port in {1..2..3}", "tcp.port in {..25}", "tcp.port in {25..}",
    "tcp.port in {-1 25}", "tcp.port in {tcp.srcport}", "tcp.port in {\"25\"}",
    "tcp.port in {100000}", "ip.proto in {\"TCP\" \"UDP\"}", "ip.proto in {6 17}",
    "tcp.port not in {25..25}", "tcp.flags.syn in {1}", "ip.addr in {1.2.3.4/33}",
    "tcp.port in {0x19 031 0b11001}", "tcp.port in {'a'}", "frame.len in {60 .. 100 200}")

add("membership",
    "tcp.port in {25, 587, 465}", "tcp.port in {25, 1000..2000, 8080}", "tcp.port not in {25, 587}",
    "not tcp.port in {25, 587}", "ip.addr in {10.0.0.0/8, 192.168.0.0/16}", "ipv6.addr in {::1, fe80::/10}",
    "smtp.req.command in {\"EHLO\", \"HELO\"}", "eth.addr in {00:00:00:00:00:00, ff:ff:ff:ff:ff:ff}",
    "tcp.port in {-1, 25}", "ip.proto in {\"TCP\", \"UDP\"}", "ip.proto in {6, 17}",
    "tcp.port in {0x19, 031, 0b11001}", "frame.len in {60 .. 100, 200}", "any tcp.port in {25, 587}",
    "all tcp.port in {25, 587}", "tcp.port in {25,}", "tcp.port in {,25}", "tcp.port in {25,,587}",
    "tcp.port in {tcp.srcport, tcp.dstport}", "tcp.port in {25, \"smtp\"}", "ip.proto in {TCP, UDP}",
    "frame.time_delta in {0, 0.5 .. 1}", "tcp.payload in {45:48:4c:4f, \"QUIT\"}", "ip.src in {10.0.0.1, localhost}",
    "tcp.port in {1..65535}", "tcp.port in {65535..1}", "smtp.response.code in {200..299}",
    "tcp.flags.syn in {True, False}", "ip.ttl in {'@', 64}", "tcp.port in { 25 , 587 }")

add("int_literals",
    "tcp.port == 25", "tcp.port == 0x19", "tcp.port == 0X19", "tcp.port == 031", "tcp.port == 0b11001",
    "tcp.port == 0B11001", "tcp.port == 09", "tcp.port == 0x", "tcp.port == 0b2", "tcp.port == 0xg1",
    "tcp.port == 25abc", "tcp.port == 1e2", "tcp.port == +25", "tcp.port == -25", "tcp.port == - 25",
    "tcp.port == 0", "tcp.port == 00", "ip.ttl == 0377", "tcp.seq == 0xffffffff",
    "frame.number == 1", "frame.p2p_dir == -1", "tcp.window_size_scalefactor == -1",
    "ip.len == -1", "tcp.flags == 0x012", "tcp.port == 25.", "tcp.port == .25")

add("int_range",
    "ip.ttl == 255", "ip.ttl == 256", "ip.ttl == 0x100", "ip.ttl == -256",
    "tcp.port == 65535", "tcp.port == 65536", "tcp.port == 99999999999",
    "vlan.id == 4095", "vlan.id == 65536", "icmp.mpls.label == 16777215", "icmp.mpls.label == 16777216",
    "tcp.seq == 4294967295", "tcp.seq == 4294967296", "frame.number == 4294967296",
    "frame.packet_id == 18446744073709551615", "frame.packet_id == 18446744073709551616",
    "frame.file_off == -9223372036854775808", "frame.file_off == 9223372036854775808",
    "frame.p2p_dir == 127", "frame.p2p_dir == 128", "frame.p2p_dir == -128", "frame.p2p_dir == -129",
    "tcp.window_size_scalefactor == 2147483648", "tcp.window_size_scalefactor == -2147483649",
    "frame.encap_type == 32767", "frame.encap_type == 32768")

add("float_literals",
    "frame.time_delta == 0.5", "frame.time_delta == 5e-1", "frame.time_delta == 5E-1",
    "frame.time_delta == 1", "frame.time_delta == .5", "frame.time_delta == 5.",
    "frame.time_delta > 1.5e3", "frame.time_delta == 0x1.8p3", "icmp.resptime > 0.5",
    "icmp.resptime == 1e400", "icmp.resptime == -0.5", "tcp.seq == 1.5", "tcp.port == 2.0",
    "frame.time_delta == inf", "icmp.resptime == nan", "frame.time_delta == 1.2.3",
    "frame.time_relative >= 0.000001", "frame.time_epoch > 1000000000")

add("string_literals",
    "smtp.req.command == \"EHLO\"", "smtp.req.command == \"\"", "smtp.req.parameter == \"a\\\"b\"",
    "smtp.req.parameter == \"a\\\\b\"", "smtp.req.parameter == \"\\a\\b\\f\\n\\r\\t\\v\"",
    "smtp.req.parameter == \"\\'\"", "smtp.req.parameter == \"\\101\"", "smtp.req.parameter == \"\\1\"",
    "smtp.req.parameter == \"\\400\"", "smtp.req.parameter == \"\\377\"", "smtp.req.parameter == \"\\x41\"",
    "smtp.req.parameter == \"\\x4\"", "smtp.req.parameter == \"\\xZZ\"", "smtp.req.parameter == \"\\u00e9\"",
    "smtp.req.parameter == \"\\u0048\"", "smtp.req.parameter == \"\\U0001F600\"",
    "smtp.req.parameter == \"\\u00\"", "smtp.req.parameter == \"\\ud800\"", "smtp.req.parameter == \"\\U00110000\"",
    "smtp.req.parameter == \"\\q\"", "smtp.req.parameter == \"\\8\"", "smtp.req.parameter == \"abc",
    "smtp.req.parameter == \"abc\\\"", "smtp.req.parameter == \"é\"", "smtp.req.parameter == \"a b\"",
    "smtp.req.parameter == 'abc'", "smtp.req.command == EHLO", "smtp.req.command == \"EHLO\"\"",
    "smtp.req.parameter == \"\\\\\"", "tcp.port == \"25\"", "ip.addr == \"10.0.0.1\"",
    "frame == \"abc\"", "tcp.payload == \"EHLO\\r\\n\"", "eth.addr == \"abc\"",
    "smtp.req.parameter == \"\\x\"", "smtp.req.parameter == \"\\0\"")

add("raw_strings",
    "smtp.req.parameter == r\"a\\b\"", "smtp.req.parameter == R\"a\\b\"", "smtp.req.parameter == r\"a\\\"b\"",
    "smtp.req.parameter matches r\"\\d+\"", "smtp.req.parameter == r\"\"", "smtp.req.parameter == r\"a\\\"",
    "smtp.req.parameter == r\"a\\\\\"", "smtp.req.parameter == r\"\\q\"", "smtp.req.parameter == r 'a'",
    "tcp.payload contains r\"\\x45\"")

add("char_constants",
    "ip.proto == 'H'", "ip.proto == '\\x06'", "ip.proto == '\\006'", "ip.proto == '\\''", "ip.proto == '\\\\'",
    "ip.proto == '\\n'", "ip.proto == '\\x0a'", "ip.proto == '\\012'", "ip.proto == '\\t'", "ip.proto == '\\r'",
    "ip.proto == '\\0'", "ip.proto == 'ab'", "ip.proto == '\\Z'", "ip.proto == ''", "ip.proto == 'a",
    "ip.proto == '\\u00e9'", "tcp.payload[0] == 'E'", "smtp.req.command contains 'H'",
    "frame.len == '\\xff'", "ip.ttl == '\\400'", "tcp.flags.syn == '\\x01'", "ip.src == 'a'",
    "ip.proto == '\\a'", "ip.proto == '\"'")

add("byte_strings",
    "eth.src == 00:00:00:00:00:00", "tcp.payload == 45:48:4c:4f", "tcp.payload == 45-48-4c-4f",
    "tcp.payload == 45.48.4c.4f", "tcp.payload == 45484c4f", "tcp.payload[0:4] == 48454144",
    "tcp.payload == :45484c4f", "tcp.payload == :45:48", "tcp.payload == :45-48", "tcp.payload == :45.48",
    "frame[0] == :fc", "frame[0] == fc", "frame contains fc", "frame[0] == fc:", "frame[0] == 0xff",
    "frame[0:2] == 0x4845", "tcp.payload[0] == 48", "tcp.payload[0] == 99", "tcp.payload == 4:5:6",
    "tcp.payload == 45:4", "tcp.payload == 454", "tcp.payload == 45:48:", "tcp.payload == 45::48",
    "tcp.payload == 45:gg", "tcp.payload == 45.48-4c", "data.data == 00", "data.data == 0",
    "frame[0:3] == 00:00:00", "tcp.payload == 4548.4c4f", "frame == 00", "tcp.payload contains :0d0a",
    "tcp.options == 02:04:05:b4")

add("mac_addresses",
    "eth.addr == ff:ff:ff:ff:ff:ff", "eth.addr == ff-ff-ff-ff-ff-ff", "eth.addr == ff.ff.ff.ff.ff.ff",
    "eth.addr == ffff.ffff.ffff", "eth.addr == ffffffffffff", "eth.addr == FF:FF:FF:FF:FF:FF",
    "eth.addr == 00:11:22:33:44", "eth.addr == 00:11:22:33:44:55:66", "eth.addr == 0:1:2:3:4:5",
    "eth.addr == ff:ff:ff:ff:ff:fg", "eth.src == 00:11:22:33:44:55", "eth.dst[0] & 1",
    "eth.dst[0:3] == 01:00:5e", "eth.addr > 00:00:00:00:00:00", "sll.src.eth == 00:00:00:00:00:00",
    "arp.src.hw_mac == 00:11:22:33:44:55", "eth.addr == broadcast", "eth.src == 0x001122334455")

add("ipv4",
    "ip.addr == 10.0.0.1", "ip.addr == 10.0.0.0/8", "ip.addr == 10.0.0.1/32", "ip.addr == 10.0.0.0/0",
    "ip.addr == 10.0.0.0/33", "ip.addr == 10.0.0.0/-1", "ip.addr == 10.0.0.0/", "ip.addr == 10.0.0.0/a",
    "ip.addr == 300.1.1.1", "ip.addr == 10.0.0", "ip.addr == 10.0.0.1.2", "ip.addr == 127.1",
    "ip.addr == 1.2.3.4/24", "ip.src != 10.0.0.1", "ip.src > 10.0.0.1", "ip.src <= 10.255.255.255",
    "ip.dst == 224.0.0.0/4", "ip.src == 0x0a000001", "ip.src == 167772161", "ip.src == ::1",
    "ip.addr == localhost", "ip.addr == 10.0.0.1 mask 255.0.0.0", "arp.src.proto_ipv4 == 10.0.0.1",
    "ip.addr == 10.0.0.0/08", "ip.addr == 1.2.3.4/32/1", "sll.src.ipv4 == 1.2.3.4")

add("ipv6",
    "ipv6.addr == ::1", "ipv6.addr == ::", "ipv6.addr == fe80::1", "ipv6.addr == fe80::/10",
    "ipv6.addr == 2001:db8::/32", "ipv6.addr == 2001:db8::/128", "ipv6.addr == 2001:db8::/129",
    "ipv6.addr == ::ffff:1.2.3.4", "ipv6.addr == 2001:0db8:0000:0000:0000:0000:0000:0001",
    "ipv6.addr == 2001:db8::1::2", "ipv6.addr == 2001:db8:::1", "ipv6.addr == 12345::1",
    "ipv6.addr == FE80::1", "ipv6.src == 10.0.0.1", "ipv6.addr == fe80::1%eth0",
    "ipv6.addr == [::1]", "ipv6.addr > ::1", "ipv6.dst == ff02::/16", "ipv6.addr == 1:2:3:4:5:6:7:8",
    "ipv6.addr == 1:2:3:4:5:6:7:8:9", "ipv6.addr == ::/0", "ipv6.addr == gggg::1")

add("abs_time",
    "frame.time == \"Dec 31, 2002 13:55:31.3\"", "frame.time == \"2002-12-31 13:55:31.3\"",
    "frame.time == \"2002-12-31T13:55:31Z\"", "frame.time == \"2002-12-31 13:55:31 UTC\"",
    "frame.time == \"Dec 31, 2002 13:55:31 UTC\"", "frame.time == \"2002-12-31 15:55:31.3+02:00\"",
    "frame.time == \"2002-12-31T15:55:31.3+02:00\"", "frame.time == \"2002-12-31 15:55:31.3 +02:00\"",
    "frame.time == \"2002-12-31 13:55:31 PST\"", "frame.time == \"2002-12-31 13:55:31 GMT\"",
    "frame.time == \"2020-13-01\"", "frame.time == \"2020-02-30 00:00:00\"", "frame.time == \"2020-01-01\"",
    "frame.time == \"2020-01-01 00:00\"", "frame.time == \"2002-12-31 13:55.3\"",
    "frame.time == \"mrt 1, 2000 00:00:00\"", "frame.time == \"Jan 1, 2000 00:00:00\"",
    "frame.time == \"Jan  1, 2000 00:00:00\"", "frame.time > \"2000-01-01 00:00:00\"",
    "frame.time >= \"Jan 1, 1970 00:00:00\"", "frame.time == \"2000-01-01 25:00:00\"",
    "frame.time == 1041342931.3", "frame.time == \"1041342931\"", "frame.time == \"\"",
    "frame.time == \"2002-12-31 13:55:31.123456789\"", "frame.time == \"2002-12-31 13:55:31.1234567891\"",
    "frame.time == \"2002-12-31 13:55:31 F\"", "frame.time == 2002-12-31", "frame.time contains \"2002\"",
    "frame.time in {\"2000-01-01 00:00:00\" .. \"2030-01-01 00:00:00\"}")

add("rel_time",
    "frame.time_delta == 0", "frame.time_delta > 0.5", "frame.time_delta < 1e-3",
    "frame.time_relative >= 10", "frame.time_delta == -1", "frame.time_delta == \"1\"",
    "frame.time_relative == 1:00", "frame.time_delta_displayed == 0", "tcp.time_relative > 1",
    "tcp.analysis.ack_rtt > 0.1", "frame.time_epoch == 1041342931.3", "frame.time_epoch == 0x10",
    "frame.time_delta + 1 > 2", "frame.time_delta * 2 > 1", "frame.time_relative - frame.time_delta > 0")

add("boolean",
    "ip.flags.df == 1", "ip.flags.df == 0", "ip.flags.df == True", "ip.flags.df == TRUE", "ip.flags.df == true",
    "ip.flags.df == False", "ip.flags.df == false", "ip.flags.df == \"Set\"", "ip.flags.df == \"Not set\"",
    "ip.flags.df == \"set\"", "ip.flags.df == \"True\"", "ip.flags.df == Set", "ip.flags.df == yes",
    "tcp.flags.push == 2", "tcp.flags.syn == -1", "tcp.flags.syn > 0", "tcp.flags.syn == 0x1",
    "frame.ignored == true", "frame.ignored == TRUE", "frame.ignored == True", "frame.marked == false",
    "tcp.flags.syn == 1 && tcp.flags.ack == 0", "smtp.req == 1", "smtp.rsp == True", "eth.ig == 1",
    "vlan.dei == 1", "tcp.flags.syn contains 1", "tcp.flags.syn == tcp.flags.ack")

add("value_names",
    "ip.proto == \"TCP\"", "ip.proto == TCP", "ip.proto == \"tcp\"", "ip.proto == tcp", "ip.proto == \"UDP\"",
    "ip.proto == \"Nonsense\"", "ip.proto == Nonsense", "eth.type == \"IPv4\"", "eth.type == IPv4",
    "eth.type == 0x0800", "tcp.checksum.status == \"Good\"", "tcp.checksum.status == \"Unverified\"",
    "tcp.checksum.status == Unverified", "ip.checksum.status == \"Bad\"", "icmp.type == \"Echo (ping) request\"",
    "arp.opcode == \"request\"", "arp.opcode == \"reply\"", "arp.opcode == request", "ipv6.nxt == \"TCP\"",
    "icmpv6.type == \"Echo (ping) request\"", "tcp.port == \"smtp\"", "tcp.port == smtp", "ip.dsfield.dscp == \"Default\"",
    "sll.pkttype == \"Unicast to us\"", "ip.proto > \"TCP\"", "ip.proto in {\"TCP\" \"Nonsense\"}")

add("slices",
    "frame[0:6] == ff:ff:ff:ff:ff:ff", "frame[0-5] == ff:ff:ff:ff:ff:ff", "frame[0] == ff", "frame[:6] == ff:ff:ff:ff:ff:ff",
    "frame[6:] == 00", "frame[-1] == 00", "frame[-2:2] == 00:00", "frame[-2:] == 00:00", "frame[0:0] == 00",
    "frame[0,2] == 00:00", "frame[0:2,4:2] == 00:00:00:00", "frame[0-1,6] == 00:00:00",
    "ip[12:4] == 0a:00:00:01", "ip.src[0] == 10", "ip.src[0] == 0a", "ip.addr[0:2] == 0a:00",
    "ipv6.src[0:2] == fe:80", "eth.src[0:3] == 00:00:00", "tcp.payload[0:4] == \"EHLO\"",
    "tcp[13] & 0x02", "tcp[13] == 02", "smtp.req.command[0:2] == \"EH\"", "smtp.req.command[0] == 45",
    "tcp.port[0] == 0", "ip.ttl[0] == 64", "frame.len[0:2] == 00:00", "frame.time[0] == 00",
    "frame[1:2:3] == 00", "frame[a] == 00", "frame[] == 00", "frame[0:6]", "frame[0:6] == frame[6:6]",
    "frame[0:6][0:2] == ff:ff", "frame[0:6] contains ff", "frame[0:6] matches \"x\"", "frame[1-] == 00",
    "frame[-1-2] == 00", "frame[0x10] == 00", "frame[2-1] == 00", "frame[ 0 ] == 00", "len(frame[0:4]) == 4")

add("layers",
    "ip.addr#1 == 10.0.0.1", "ip.addr#2 == 10.0.0.1", "ip.src#[1-2] == 10.0.0.1", "ip.src#[-1] == 10.0.0.1",
    "ip.src#[1:2] == 10.0.0.1", "ip.src#[1,3] == 10.0.0.1", "ip#2", "ip.src#0 == 10.0.0.1", "ip.src# == 10.0.0.1",
    "ip.src#a == 10.0.0.1", "ip.src#-1 == 10.0.0.1", "ip.src #2 == 10.0.0.1", "count(ip.addr#2) == 2",
    "ip.src#2[0:2] == 0a:00", "ip.src[0:2]#2 == 0a:00", "tcp.port#1 == 25", "ip.src#1 == ip.dst#2",
    "ip.src#[] == 10.0.0.1", "ipv6.addr#2 == ::1", "ip.addr#1.2 == 10.0.0.1")

add("arithmetic",
    "tcp.srcport + tcp.dstport == 50", "tcp.srcport - tcp.dstport == 0", "tcp.srcport * 2 == 50",
    "tcp.srcport / 2 == 12", "tcp.srcport % 2 == 1", "tcp.srcport+1 == 26", "tcp.srcport -1 == 24",
    "tcp.srcport - 1 == 24", "tcp.srcport-1 == 24", "tcp.srcport == 68-1", "tcp.srcport == 68 - 1",
    "tcp.srcport == 66+1", "{tcp.srcport + 1} * 2 == 52", "(tcp.srcport + 1) * 2 == 52",
    "tcp.srcport + 1 * 2 == 27", "-tcp.srcport == -25", "+tcp.srcport == 25", "- tcp.srcport == -25",
    "tcp.srcport == -tcp.dstport", "ip.ttl + 200 == 328", "ip.ttl + 200 == 72", "ip.ttl / 0 == 0",
    "ip.ttl % 0 != 1", "1 + 1 == 2", "tcp.srcport + \"a\" == 1", "ip.src + 1 == 10.0.0.2",
    "frame.len - ip.len == 14", "tcp.seq + tcp.len == tcp.nxtseq", "tcp.srcport * tcp.dstport > 1000",
    "tcp.payload + 1 == 2", "tcp.srcport +", "tcp.srcport + == 1", "{tcp.srcport + 1 == 26}",
    "{tcp.srcport} == 25", "{{tcp.srcport}} == 25", "tcp.srcport + 1", "tcp.port == {25 + 1}",
    "frame.len + ip.ttl * 2 - 3 / 1 % 7 > 0", "tcp.srcport ** 2 == 625", "smtp.response.code - 200 < 100")

add("bitwise_and",
    "tcp.flags & 0x02", "tcp.flags & 0x02 == 0x02", "tcp.flags & 0x0F == 8", "tcp.flags bitwise_and 0x02",
    "tcp.flags bitand 0x02", "tcp.flags & 0x12 == 0x12", "ip.flags & 0x40", "eth.dst[0] & 0x01",
    "frame[0] & 01", "tcp.flags & tcp.srcport", "tcp.flags & 2 + 1 == 3", "tcp.flags && 0x02",
    "tcp.flags & \"a\"", "ip.src & 255.0.0.0 == 10.0.0.0", "smtp.req.command & 1", "tcp.flags & 0x10000",
    "tcp.flags | 0x02", "~tcp.flags == 0", "ip.dsfield & 0xfc == 0", "tcp.payload & ff")

add("functions",
    "len(tcp.payload) > 10", "len(frame) > 100", "len(tcp.port) == 2", "len(smtp.req.command) == 4",
    "len(ip.src) == 4", "len(tcp.flags.syn) == 1", "len(frame.time) > 0", "len(\"abc\") == 3",
    "len(tcp.payload, tcp.payload) == 1", "len() == 1", "len(tcp.payload)",
    "count(tcp.port) == 2", "count(ip.addr) > 2", "count(smtp.req.command) == 1", "count(tcp) == 1",
    "count(25) == 1", "count(tcp.port, udp.port) == 1", "count(tcp.port)",
    "lower(smtp.req.command) == \"ehlo\"", "upper(smtp.req.command) == \"EHLO\"", "lower(tcp.port) == \"25\"",
    "upper(\"ehlo\") == \"EHLO\"", "lower(imf.subject) contains \"x\"", "lower(smtp.req.command) matches \"^e\"",
    "string(frame.number) matches \"[13579]$\"", "string(eth.src) contains \"00:00\"", "string(ip.src) == \"10.0.0.1\"",
    "string(smtp.req.command) == \"EHLO\"", "string(tcp.payload) == \"x\"", "string(frame.time_delta) == \"0\"",
    "string(\"x\") == \"x\"", "string(tcp.flags.syn) == \"1\"", "string(frame.time) contains \"2000\"",
    "max(tcp.srcport, tcp.dstport) == 25", "min(tcp.srcport, tcp.dstport) == 25", "max(tcp.srcport) == 25",
    "max(tcp.srcport, 5060) == 5060", "max(tcp.srcport, udp.srcport) > 0", "max(tcp.srcport, ip.src) > 0",
    "max() == 1", "min(ip.ttl, tcp.port, frame.len) > 0", "abs(tcp.srcport) == 25", "abs(-tcp.srcport) == 25",
    "abs(tcp.srcport - tcp.dstport) > 100", "abs(tcp.payload) == 1", "abs(frame.time_delta) < 1",
    "abs(min(tcp.srcport, tcp.dstport)) == 25", "nosuchfunc(tcp.port) == 1", "Len(tcp.payload) == 1",
    "LEN(tcp.payload) == 1", "len tcp.payload == 1", "tcp() == 1", "frame == tcp()", "len(tcp.payload == 1",
    "vals(ip.proto) == \"TCP\"", "dec(tcp.port) == \"25\"", "hex(tcp.port) == \"0x19\"", "float(tcp.port) == 25",
    "ip_rfc1918(ip.src)", "max(frame.time_delta, frame.time_relative) > 0", "len(frame) == len(tcp.payload)",
    "count(ip.addr) == count(tcp.port)")

add("field_references",
    "frame.number == ${frame.number}", "frame.number < ${frame.number}", "ip.src == ${ip.dst}",
    "tcp.port in {${tcp.srcport}}", "${tcp.port}", "${tcp.port} == 25", "ip.src == ${aaaa}",
    "ip.src == ${ip.src", "ip.src == $ip.dst", "ip.src == ${}", "tcp.port == ${tcp.port} + 1",
    "ip.src == ${ip.dst#1}", "tcp.port == ${tcp.srcport:1}", "frame.len > ${frame.len} - 10",
    "tcp.port == ${private_ipv4}", "ip.src == ${ip.src} and tcp")

add("precedence",
    "tcp or udp and frame.len == 1", "(tcp or udp) and frame.len == 1", "not tcp and udp", "not (tcp and udp)",
    "!tcp || !udp", "tcp && udp || arp", "tcp and not udp or arp", "not not tcp", "! ! tcp",
    "not udp.port in {5060}", "tcp.port == 25 and tcp.flags.syn == 1 or ip.ttl < 10", "tcp and (udp or (arp))",
    "((((tcp))))", "tcp and and udp", "tcp or or udp", "not", "tcp not udp", "tcp and not", "(tcp) (udp)",
    "tcp.port == 25 == tcp.srcport", "tcp.port > 1 < 2", "tcp.port contains 1 contains 2",
    "smtp.req.command matches \"x\" matches \"y\"", "tcp.port == 25 && ip.ttl == 64 && frame.len > 0 || arp",
    "tcp and udp and arp and icmp and frame", "(tcp and udp", "tcp and udp)", "tcp or (not (udp and not arp))")

add("syntax_errors",
    "(", ")", "(tcp", "tcp)", "\"abc", "tcp.port in {25", "tcp.port in 25}", "frame[0", "frame[0:2 == 00",
    "tcp.port ==", "tcp.port == 25 and", "tcp.port == 25 or", "tcp.port == 25 &&", "tcp.port == 25 ||",
    "tcp.port = 25", "ip.addr = 1.2.3.4", "tcp.port in {80 443}", "frame[1:2:3]", "1 == 1", "25",
    "\"abc\"", "'a'", "tcp AND udp", "tcp OR udp", "NOT tcp", "tcp and\u00a0udp", "tcp ! udp",
    "tcp.port == 25 25", "tcp.port == {25}", "tcp.port !", "==", "== 25", "tcp.port == ,", "tcp,udp",
    "tcp.port == 25;", "tcp.port == 25 # comment", "tcp..port == 25", "tcp.port. == 25", "tcp.port == 25)",
    "{tcp", "tcp}", "[tcp]", "tcp.port == 25 and ()", "tcp.port[", "frame[0] == ]", "tcp.port == $",
    "tcp.port == @", "tcp.port == ~", "ip.addr == 10.0.0.1 && && tcp", "-", "tcp -", "a == b",
    "tcp.port == 25 tcp", "tcp.port between 1 and 2", "tcp.port == 1..2")

add("unknown_names",
    "ip.adr == 10.0.0.1", "ip.adr", "smtp.command == \"EHLO\"", "smtp.command", "TCP", "Tcp", "IP.addr == 1.2.3.4",
    "tcp.prot == 25", "tcpp", "foo.bar == 1", "foo.bar", "ip.port == 25", "smtp.req.cmd == \"EHLO\"",
    "eth.mac == 00:00:00:00:00:00", "udp.stream.id == 1", "frame.num == 1", ".aaaa", ".tcp.prt",
    "tcp.flags.SYN == 1", "http.request.method == \"GET\"", "dns.qry.name == \"x\"", "nosuchproto",
    "ip.addr == nosuchhost.invalid", "tcp.port == nosuchname", "imf.subjct contains \"x\"", "9p",
    "tcp.analysis.retransmissions", "ip.src_hosts == \"x\"", "smtp.rsp.code == 250", "sll2")

add("capture_lookalikes",
    "port 25", "host 10.0.0.1", "tcp port 25", "tcp port 25 and not arp", "src host 10.0.0.1", "net 10.0.0.0/8",
    "ether host 00:00:00:00:00:00", "dst port 25", "ip host 10.0.0.1", "tcp[13] & 2 != 0", "portrange 1-1024",
    "greater 100", "less 100", "ip proto 6", "not port 22", "tcp and port 25", "vlan 100", "udp port 53 or icmp")

add("post_4_0",
    "tcp ^^ udp", "tcp xor udp", "tcp.port == 80 ^^ udp", "@tcp.port == 00:19", "@tcp.payload contains \"x\"",
    "len(@smtp.req.command) == 4", "tcp.port == $tcp.port", "$tcp.port", "tcp.flags bitand 2", "frame[0] == fc:",
    "frame[0:2] == ff:ff:", "frame.time_delta == inf", "frame.time_delta == infinity", "frame.time_delta == -infinity",
    "frame.time_delta == NaN", "frame.time_delta < nan", "tcp AnD udp",
    "smtp.req.command == \u201cEHLO\u201d", "smtp.req.command == \"\\u0045HLO\"", "len(smtp.req.command)",
    "max(5060, tcp.srcport) == 5060", "frame.time == 1041342931", "1 + 1 == 2", "tcp.port == 25 xor udp.port == 53",
    "ip.src#[-1] == 10.0.0.1", "${private_ipv4;x}", "$private_ipv4()", "ip_linklocal(ip.src)",
    "ip.flags.df == \"True\"", "tcp.port in {tcp.srcport + 1}", "frame.time * 2 > \"2000-01-01 00:00:00\"",
    "_ws.col.protocol == \"TCP\"", "tcp.port in {25 $tcp.port}")

add("protocol_names_misc",
    "http or dns or tls", "http && tcp.port == 80", "not tls", "tls or smtp", "dns and udp.port == 53",
    "http.request", "tcp.port == 25 && !tls", "frame contains \"HTTP\" && !http", "http == 00",
    "eth.type == 0x86dd and ipv6", "vlan.id == 100 and ip", "sll.pkttype == 0", "null.family == 2",
    "arp.opcode == 1", "icmp.type == 8", "icmpv6.type == 128", "udp.length > 8", "imf.from contains \"@\"",
    "data.len > 0", "_ws.expert.severity > 0", "frame.interface_id == 0", "smtp.response.code == 250",
    "smtp.data.fragment", "tcp.reassembled_in", "ip.fragment", "ipv6.fraghdr.more == 1")


add("realistic",
    "ip.src == 192.168.1.1 && tcp.dstport == 25", "ip.addr == 10.0.0.0/8 and not tcp.port == 22",
    "tcp.flags.syn == 1 and tcp.flags.ack == 0", "tcp.flags & 0x02 and not tcp.flags & 0x10", "tcp.analysis.flags && !tcp.analysis.window_update",
    "tcp.analysis.retransmission or tcp.analysis.fast_retransmission", "tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment",
    "tcp.analysis.duplicate_ack_num >= 3", "tcp.analysis.ack_rtt > 0.2", "tcp.analysis.bytes_in_flight > 65535",
    "tcp.window_size == 0 && tcp.flags.reset != 1", "tcp.len > 0 and tcp.port == 25", "tcp.stream eq 3", "tcp.stream in {0, 1, 2}",
    "tcp.seq == 1 && tcp.ack == 1", "tcp.nxtseq > tcp.seq", "tcp.hdr_len > 20", "tcp.options.mss_val < 1460",
    "tcp.options.wscale.shift >= 7", "tcp.options.sack_le", "tcp.options.timestamp.tsval > tcp.options.timestamp.tsecr",
    "tcp.urgent_pointer != 0", "tcp.checksum.status == \"Bad\"", "tcp.payload[0:4] == \"EHLO\"", "tcp.reassembled_in == 10",
    "tcp.segment.count > 2", "udp.port == 53 || tcp.port == 53", "udp.length < 20", "udp.stream == 2", "udp.checksum.status == 2",
    "icmp.type == 3 && icmp.code == 4", "icmp.resp_in", "icmp.resptime > 1.5", "icmpv6.type == 135 || icmpv6.type == 136",
    "icmpv6.nd.ns.target_address == fe80::1", "icmpv6.opt.type == 1", "arp.opcode == 2 && arp.src.proto_ipv4 == 10.0.0.1",
    "arp.duplicate-address-detected", "arp.isgratuitous == 1", "eth.dst == ff:ff:ff:ff:ff:ff && !arp", "eth.src[0] & 2",
    "eth.type == 0x8100 || vlan", "vlan.id == 100 && vlan.priority >= 5", "vlan.dei == 1", "sll.pkttype == 4",
    "sll.ltype == 0x0800", "sll.ifindex == 2", "null.family == 30", "ip.version == 4 && ip.hdr_len > 20",
    "ip.dsfield.dscp == 46", "ip.dsfield.ecn == 3", "ip.len > 1500", "ip.id == 0x1ea0", "ip.flags.mf == 1 || ip.frag_offset > 0",
    "ip.frag_offset == 1480", "ip.ttl < 10", "ip.checksum.status == \"Good\"", "ip.fragment.count > 2", "ip.reassembled_in",
    "ip.opt.type == 148", "ip.src_host == \"10.0.0.1\"", "ip.host contains \"10.\"", "ipv6.flow == 0x12345",
    "ipv6.tclass.dscp == 0", "ipv6.plen == 0", "ipv6.nxt == 58", "ipv6.hlim == 255", "ipv6.hopopts.nxt == 6", "ipv6.routing.type == 4",
    "ipv6.fraghdr.ident == 0xdeadbeef", "ipv6.fraghdr.offset > 0", "ipv6.dstopts", "ipv6.src_host == \"::1\"",
    "frame.len > 1000 && frame.cap_len < frame.len", "frame.time_delta > 1", "frame.time_relative <= 0.001", "frame.number > 10 && frame.number < 20",
    "frame.interface_id == 1", "frame.protocols contains \"ipv6\"", "frame.comment contains \"test\"", "frame.marked == 1",
    "smtp.req.command == \"MAIL\" && smtp.req.parameter contains \"@example.com\"", "smtp.response.code >= 500 && smtp.response.code < 600",
    "smtp.rsp.parameter contains \"OK\"", "smtp.auth.username == \"user\"", "smtp.data.fragment.count > 1", "smtp.data.reassembled.in",
    "imf.subject contains \"invoice\"", "imf.to contains \"@\"", "imf.content.type matches \"^multipart/\"", "imf.message_id",
    "data.len > 100", "data.data[0:2] == 00:01", "data.text contains \"x\"", "_ws.expert.severity >= 4194304", "_ws.expert.group == 0x04000000",
    "_ws.malformed || _ws.short", "_ws.expert.message contains \"retransmission\"")


FIELD_TOKEN = re.compile(r"(?<![\w.:\"'\\-])\.?([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+)")
ON_PURPOSE = {"unknown_names", "capture_lookalikes", "post_4_0", "syntax_errors", "functions"}
EXTRA_NAMES = {"http", "dns", "tls", "http.request", "http.request.method", "dns.qry.name"}


def warn_unregistered():
    known = registered_fields() | EXTRA_NAMES
    for group, f in FILTERS:
        if group in ON_PURPOSE:
            continue
        stripped = re.sub(r'[rR]?"(?:[^"\\]|\\.)*"', '""', f)
        for name in FIELD_TOKEN.findall(stripped):
            if name not in known and not re.fullmatch(r"[0-9a-fA-F.:-]+", name):
                print(f"warning: {name!r} in {f!r} ({group}) is not registered", file=sys.stderr)


def verdict(f):
    rc, _, err = tshark(["-r", EMPTY, "-Y", f])
    if rc == 0:
        return 1, "", "", ""
    if rc != 2:
        raise RuntimeError(f"tshark exited {rc} for {f!r}: {err}")
    lines = err.splitlines()
    message = ""
    caret_start = caret_len = ""
    for i, line in enumerate(lines):
        if line.startswith("tshark: "):
            message = line[len("tshark: "):]
            rest = lines[i + 1:]
            if len(rest) >= 2 and rest[0].startswith("    ") and "^" in rest[1]:
                caret = rest[1]
                # tshark pads with one space per byte of the filter (see "é" in the README).
                start = caret.index("^") - 4
                caret_start = str(start)
                caret_len = str(len(caret[caret.index("^"):].rstrip()))
            break
    return 0, message, caret_start, caret_len


def main():
    warn_unregistered()
    seen = set()
    rows = []
    for group, f in FILTERS:
        if f in seen:
            continue
        seen.add(f)
        ok, message, cs, cl = verdict(f)
        rows.append((f, str(ok), message, cs, cl, group))
    out = DATA / "filters_acceptance.tsv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("filter\ttshark_ok\ttshark_message\tcaret_start\tcaret_len\tgroup\n")
        for row in rows:
            fh.write("\t".join(check_tsv_cell(c) for c in row) + "\n")
    valid = sum(1 for r in rows if r[1] == "1")
    print(f"{tshark_version()} {len(rows)} filters, {valid} valid ({100 * valid // len(rows)}%), written to {out}")


if __name__ == "__main__":
    main()
