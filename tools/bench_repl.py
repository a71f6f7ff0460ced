#!/usr/bin/env python3
"""Time each query of a `wiresift repl` session: wall time, and the user and system CPU the REPL
process spent on it (from /proc/PID/stat, so other load on a shared machine does not count).

Usage: python3 tools/bench_repl.py BINARY CAPTURE QUERY...
e.g.   python3 tools/bench_repl.py target/release/wiresift /tmp/repl1m.pcap \
           'tcp.port == 25' 'ip.addr == 10.1.2.3' ':smtp'
(a 1,000,000-frame capture: python3 /work/shared/bench/gen_pcap.py --packets 1000000 --out /tmp/repl1m.pcap)
"""
import os
import re
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")
DONE = re.compile(r"(frames match|transactions|rows) \((.*)\)$|^cancelled|^opened|Ctrl-D leaves")


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 (1-based) of the whole line.
    return int(fields[11]) / TICK, int(fields[12]) / TICK


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wait_for(p, pattern):
    while True:
        line = p.stdout.readline()
        if not line:
            sys.exit("the REPL ended early")
        if pattern.search(line.rstrip("\n")):
            return line.rstrip("\n")


def main():
    binary, capture, *queries = sys.argv[1:]
    start = time.monotonic()
    p = subprocess.Popen([binary, "repl", capture], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, bufsize=1,
                         env=dict(os.environ, WIRESIFT_HISTORY="/dev/null"))
    wait_for(p, re.compile("Ctrl-D leaves"))
    u, s = cpu(p.pid)
    print(f"open: wall {time.monotonic() - start:.2f} s, user {u:.2f} s, sys {s:.2f} s, "
          f"rss {rss_kb(p.pid) // 1024} MiB")
    for q in queries:
        u0, s0 = cpu(p.pid)
        t0 = time.monotonic()
        p.stdin.write(q + "\n")
        p.stdin.flush()
        line = wait_for(p, re.compile(r"(frames match|transactions|rows) \(|^cancelled"))
        wall = time.monotonic() - t0
        u1, s1 = cpu(p.pid)
        print(f"{q!r}: wall {wall:.2f} s, user {u1 - u0:.2f} s, sys {s1 - s0:.2f} s, "
              f"rss {rss_kb(p.pid) // 1024} MiB  [{line}]")
    p.stdin.close()
    p.wait()


if __name__ == "__main__":
    main()
