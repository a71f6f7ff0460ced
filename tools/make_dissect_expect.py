#!/usr/bin/env python3
"""Expected per-frame values for tests/dissect_l2l3.rs, from tshark 4.0.

For every capture listed in CAPTURES it runs (default preferences, no name resolution):
  tshark -n -2 -r F -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, -e FIELD...
and writes tests/data/dissect_<name>.tsv. Run from the repository root: python3 tools/make_dissect_expect.py
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FIELDS = """
frame.number frame.time frame.time_epoch frame.time_relative frame.time_delta frame.time_delta_displayed
frame.len frame.cap_len frame.marked frame.ignored frame.protocols frame.interface_id frame.encap_type
eth.dst eth.dst.lg eth.dst.ig eth.src eth.src.lg eth.src.ig eth.addr eth.lg eth.ig eth.type eth.len
eth.padding eth.trailer
vlan.priority vlan.dei vlan.id vlan.etype vlan.len
sll.pkttype sll.hatype sll.halen sll.src.eth sll.unused sll.etype sll.ltype sll.ifindex
null.family null.type
arp.hw.type arp.proto.type arp.hw.size arp.proto.size arp.opcode arp.isgratuitous arp.isprobe
arp.isannouncement arp.src.hw_mac arp.src.proto_ipv4 arp.dst.hw_mac arp.dst.proto_ipv4
ip.version ip.hdr_len ip.dsfield ip.dsfield.dscp ip.dsfield.ecn ip.len ip.id ip.flags ip.flags.rb
ip.flags.df ip.flags.mf ip.frag_offset ip.ttl ip.proto ip.checksum ip.checksum.status ip.src ip.dst
ip.addr ip.src_host ip.dst_host ip.host ip.opt.type ip.opt.len
ip.fragment ip.fragment.count ip.reassembled.length ip.reassembled_in
ipv6.version ipv6.tclass ipv6.tclass.dscp ipv6.tclass.ecn ipv6.flow ipv6.plen ipv6.nxt ipv6.hlim
ipv6.src ipv6.dst ipv6.addr ipv6.src_host ipv6.dst_host ipv6.host
ipv6.hopopts.nxt ipv6.hopopts.len ipv6.hopopts.len_oct ipv6.routing.nxt ipv6.routing.len
ipv6.routing.type ipv6.routing.segleft ipv6.fraghdr.nxt ipv6.fraghdr.offset ipv6.fraghdr.more
ipv6.fraghdr.ident ipv6.dstopts.nxt ipv6.dstopts.len ipv6.opt.type ipv6.opt.length
icmp.type icmp.code icmp.checksum icmp.checksum.status icmp.ident icmp.seq icmp.seq_le icmp.mtu
icmpv6.type icmpv6.code icmpv6.checksum icmpv6.checksum.status icmpv6.echo.identifier
icmpv6.echo.sequence_number icmpv6.nd.ns.target_address icmpv6.nd.na.target_address
icmpv6.opt.type icmpv6.opt.length icmpv6.mtu
data.data data.len
_ws.col.Source _ws.col.Destination _ws.col.Protocol _ws.col.Info
""".split()

CAPTURES = [
    "fixtures/wireshark-suite/arp.pcap",
    "fixtures/wireshark-suite/ipv6.pcap",
    "fixtures/wireshark-suite/ipoipoip.pcap",
    "fixtures/wireshark-suite/icmp.pcapng.gz",
    "fixtures/wireshark-suite/dhcp.pcap",
    "fixtures/wireshark-suite/tftp.pcap",
] + sorted(
    os.path.join(d, f)
    for d in ("fixtures/l2l4", "fixtures/lab", "fixtures/malformed")
    for f in os.listdir(os.path.join(ROOT, d))
    if f.endswith((".pcap", ".pcapng"))
)


def main():
    out_dir = os.path.join(ROOT, "tests", "data")
    with tempfile.TemporaryDirectory() as conf:
        env = dict(os.environ, WIRESHARK_CONFIG_DIR=conf, TZ="UTC")
        for cap in CAPTURES:
            cmd = ["tshark", "-n", "-2", "-r", os.path.join(ROOT, cap), "-T", "fields",
                   "-E", "header=y", "-E", "separator=/t", "-E", "occurrence=a",
                   "-E", "aggregator=,"]
            for f in FIELDS:
                cmd += ["-e", f]
            res = subprocess.run(cmd, env=env, capture_output=True)
            name = os.path.basename(cap)
            with open(os.path.join(out_dir, "dissect_" + name + ".tsv"), "wb") as fh:
                fh.write(res.stdout)
            print(name, res.returncode, len(res.stdout.splitlines()) - 1, file=sys.stderr)


if __name__ == "__main__":
    main()
