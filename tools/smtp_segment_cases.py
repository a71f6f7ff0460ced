#!/usr/bin/env python3
"""Write the TCP segment cases of tests/dissect_smtp.rs as pcaps (raw IPv4, one second apart)
and print tshark 4.0's view of them (-2): the expected values those tests assert.

    tools/smtp_segment_cases.py > tests/data/smtp_segment_cases.txt
"""
import os, struct, subprocess, tempfile

def pkt(src, dst, sp, dp, seq, ack, flags, payload):
    tcp = struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 0x50, flags, 0xffff, 0, 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, bytes(src), bytes(dst))
    return ip + tcp

def write(path, segs):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for i, (client, seq, flags, payload) in enumerate(segs):
            c, s = [10, 0, 0, 1], [10, 0, 0, 2]
            p = pkt(c, s, 40000, 25, seq, 7000, flags, payload) if client else \
                pkt(s, c, 25, 40000, seq, 7000, flags, payload)
            f.write(struct.pack('<IIII', i, 0, len(p), len(p)) + p)

ISN = 2**32 - 5
CASES = {
    'wrap': [(1, ISN, 2, b''), (1, (ISN + 1) % 2**32, 0x18, b'MAIL FR'),
             (1, (ISN + 8) % 2**32, 0x18, b'OM:<a@example>\r\n')],
    'gap': [(1, 100, 2, b''), (1, 101, 0x18, b'MAIL FR'), (1, 118, 0x18, b'NOOP\r\n')],
    'retransmission': [(1, 100, 2, b''), (1, 101, 0x18, b'HELO x\r\n'),
                       (1, 101, 0x18, b'HELO x\r\n'), (1, 106, 0x18, b'x\r\nNOOP\r\n')],
    'out_of_order': [(1, 100, 2, b''), (1, 107, 0x18, b'NOOP\r\n'), (1, 101, 0x18, b'RSET\r\n')],
}
FIELDS = ['frame.number', 'tcp.segment', 'tcp.segment.count', 'tcp.reassembled.length',
          'tcp.reassembled_in', 'smtp.req.command', 'smtp.req.parameter', '_ws.col.Info']
env = dict(os.environ, WIRESHARK_CONFIG_DIR=tempfile.mkdtemp())
with tempfile.TemporaryDirectory() as d:
    for name, segs in CASES.items():
        path = os.path.join(d, name + '.pcap')
        write(path, segs)
        args = ['tshark', '-n', '-2', '-r', path, '-T', 'fields', '-E', 'header=y',
                '-E', 'occurrence=a', '-E', 'aggregator=,']
        for f in FIELDS:
            args += ['-e', f]
        print('== ' + name)
        print(subprocess.run(args, capture_output=True, text=True, env=env).stdout, end='')
