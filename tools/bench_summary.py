#!/usr/bin/env python3
"""bench_summary.py RESULTS_DIR CAPTURE_DIR: tools/bench.sh's hyperfine JSON, match counts and
RSS samples as the Markdown of bench/RESULTS.md (stdout)."""

import datetime
import glob
import json
import os
import re
import subprocess
import sys

res, cap = sys.argv[1], sys.argv[2]


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def timing(path):
    if not os.path.exists(path):
        return None
    r = json.load(open(path))["results"][0]
    times = sorted(r["times"])
    return {"median": r["median"], "min": times[0], "max": times[-1], "cpu": r["user"] + r["system"],
            "runs": len(times)}


counts = {}
for line in open(os.path.join(res, "counts.txt")):
    k, v = line.split()
    counts[k] = int(v)
rss = {}
if os.path.exists(os.path.join(res, "rss.txt")):
    for line in open(os.path.join(res, "rss.txt")):
        k, hwm, anon = line.split()
        rss[k] = (int(hwm) / 1024, int(anon) / 1024)

sizes = sorted({int(os.path.basename(p).split("-")[0]) for p in glob.glob(os.path.join(res, "*.json"))})
print("# wiresift benchmark results\n")
print("Made by `tools/bench.sh` (captures from `wiresift-gen --seed 1`). Wall = hyperfine median "
      "(min..max); CPU = mean user+sys. The machine is shared: CPU time is the steadier figure.\n")
print("- date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
print("- commit: %s" % sh("git rev-parse --short HEAD"))
print("- machine: %s; nproc %s; load average at the end: %s" % (
    re.sub(r"\s+", " ", sh("lscpu | grep 'Model name'")), sh("nproc"), sh("cut -d' ' -f1-3 /proc/loadavg")))
print("- tools: %s; %s; %s" % (sh("tshark -v | head -1"), sh("tcpdump --version 2>&1 | head -1"),
                              sh("hyperfine --version")))
FILTERS = (("port25", "tcp.port == 25"), ("host", "ip.addr == 10.1.2.3"), ("smtp", "smtp"),
           ("syn", "tcp.flags.syn == 1 && tcp.flags.ack == 0"))
TOOLS = (("wiresift", "wiresift --count"), ("wiresift1t", "wiresift --count, 1 thread"),
         ("wiresift-noprefilter", "wiresift --count --no-prefilter"),
         ("tcpdump", "tcpdump BPF -w /dev/null"), ("tshark", "tshark -Y"))
identical = {}
if os.path.exists(os.path.join(res, "fields-identical.txt")):
    for line in open(os.path.join(res, "fields-identical.txt")):
        k, verdict, lines = line.split()
        identical[int(k)] = (verdict, int(lines))


def ratio(o, w):
    return "%.2f× / %.2f×" % (o["median"] / w["median"], o["cpu"] / w["cpu"]) if o and w else ""


for n in sizes:
    f = os.path.join(cap, "p%d.pcap" % n)
    size = os.path.getsize(f) if os.path.exists(f) else 0
    print("\n## %s frames (%.0f MiB)\n" % (format(n, ","), size / 2**20))
    print("| filter | tool | matches | wall s | CPU s | peak RSS MiB | RssAnon MiB |")
    print("|---|---|---|---|---|---|---|")
    floor = timing(os.path.join(res, "%d-floor-cat.json" % n))
    if floor:
        print("| | `cat file > /dev/null` (the floor) | | %.3f (%.3f..%.3f) | %.3f | | |" % (
            floor["median"], floor["min"], floor["max"], floor["cpu"]))
    ratios = []
    for name, df in FILTERS + (("fields", "smtp"),):
        t = {tool: timing(os.path.join(res, "%d-%s-%s.json" % (n, name, tool))) for tool, _ in TOOLS}
        for tool, label in TOOLS:
            x = t[tool]
            if not x:
                continue
            if name == "fields":
                label = label.replace("--count", "fields (4)").replace("tshark -Y", "tshark -Y smtp -T fields (4)")
            key = "%d/%s/%s" % (n, name, tool)
            m = counts.get(key, counts.get("%d/%s/wiresift" % (n, name), "") if tool.startswith("wiresift") else "")
            r = rss.get(key)
            print("| `%s` | %s | %s | %.3f (%.3f..%.3f) | %.3f | %s | %s |" % (
                df, label, m, x["median"], x["min"], x["max"], x["cpu"],
                "%.1f" % r[0] if r else "", "%.1f" % r[1] if r else ""))
        w = t["wiresift"]
        if w:
            ratios.append(("`%s`" % df if name != "fields" else "fields `-Y smtp` (4 fields)",
                           ratio(t["tcpdump"], w), ratio(t["tshark"], w), ratio(t["wiresift1t"], w),
                           ratio(t["wiresift-noprefilter"], w)))
    print("\nRatios, wall / CPU (above 1: wiresift is faster). `1 thread / 2 threads` is the speed-up of "
          "`RAYON_NUM_THREADS=2` over `=1`; `no prefilter / prefilter` is the prefilter lever:\n")
    print("| filter | tcpdump / wiresift | tshark / wiresift | 1 thread / 2 threads | no prefilter / prefilter |")
    print("|---|---|---|---|---|")
    for row in ratios:
        print("| %s | %s | %s | %s | %s |" % row)
    print("\nMatch counts: %s" % ", ".join("%s %d" % (k.split("/", 1)[1], v) for k, v in sorted(counts.items())
                                          if k.startswith("%d/" % n)))
    bad = []
    for name in ("port25", "host", "syn", "smtp"):
        tools = ("wiresift", "wiresift-noprefilter", "tshark") + (("tcpdump",) if name in ("port25", "host") else ())
        vals = {counts.get("%d/%s/%s" % (n, name, t)) for t in tools} - {None}
        if len(vals) > 1:
            bad.append(name)
    if counts.get("%d/ehlo/wiresift" % n) != counts.get("%d/ehlo/generator" % n):
        bad.append("ehlo")
    print("\nCounts agree (wiresift with and without the prefilter, tshark, and tcpdump where its BPF is "
          "the same question): %s. (tcpdump's `smtp` row is a port filter, not SMTP: its count is not compared.)"
          % ("yes" if not bad else "NO, for " + ", ".join(bad)))
    if n in identical:
        v, lines = identical[n]
        print("\n`wiresift fields` output vs tshark's, byte for byte: %s (%d lines)." % (
            "identical" if v == "identical" else "DIFFERENT (%d lines differ)" % lines, lines))
