#!/usr/bin/env python3
"""Re-check tests/data/syntax_*.tsv against tshark 4.0 (the oracle for the parser tables).

valid rows   (filter, canonical, since):
  since=4.0    tshark must not give a *syntax* error for the filter nor for its canonical text
               (semantic errors such as unknown fields are the checker's business);
  since=later  tshark 4.0 must give a syntax error: syntax from a later Wireshark, accepted
               by design.
invalid rows (filter, kind, start, end, message, oracle):
  oracle=tshark    tshark's message must be the same text, and its caret (when it prints
                   one) must sit at [start, end) (tshark counts bytes);
  oracle=tshark-message  the same message; the span deliberately differs (we cover a whole
                   UTF-8 character where tshark marks its first byte);
  oracle=wiresift  our own error (limits, macros, a clearer kind); tshark's output is shown.

Usage: tools/check_syntax_table.py   (exit 1 on any disagreement)
"""
import os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPTURE = "/work/shared/captures/wireshark-suite/empty.pcap"
SYNTAX = [
    "was unexpected in this context", "Unexpected end of filter expression",
    "The final quote was missing", "Non-printable", "is not a valid range",
    "causes an integer overflow", "causes an integer underflow", "isn't valid because",
    "character constant", "is not a valid character escape sequence",
    "universal character name", "is larger than 255", "The right bracket was missing",
    "Expected digit or", "macro",
]


def tshark(filt):
    p = subprocess.run(["tshark", "-r", CAPTURE, "-Y", filt], capture_output=True)
    err = p.stderr.decode("utf-8", errors="replace")
    lines = [l for l in err.splitlines() if "Running as user" not in l]
    msg = lines[0][len("tshark: "):] if lines and lines[0].startswith("tshark: ") else ""
    caret = None
    raw = [l for l in p.stderr.split(b"\n") if b"Running as user" not in l]
    if len(raw) >= 3 and raw[2].lstrip().startswith(b"^"):
        col = len(raw[2]) - len(raw[2].lstrip()) - 4
        width = raw[2].count(b"~") + 1
        caret = (col, width)
    return p.returncode, msg, caret


def is_syntax(msg):
    return any(s in msg for s in SYNTAX)


def rows(name):
    with open(os.path.join(ROOT, "tests", "data", name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line.split("\t")


def main():
    bad = 0
    for filt, canon, since in rows("syntax_valid.tsv"):
        for text in ([filt, canon] if since == "4.0" else [filt]):
            rc, msg, _ = tshark(text)
            syntax_err = rc != 0 and is_syntax(msg)
            if syntax_err != (since == "later"):
                bad += 1
                print(f"VALID {since}: {text!r}: tshark rc={rc} {msg!r}")
    for filt, kind, start, end, message, oracle in rows("syntax_invalid.tsv"):
        rc, msg, caret = tshark(filt)
        if oracle not in ("tshark", "tshark-message"):
            print(f"info (ours): {filt!r}: tshark says {msg!r}")
            continue
        start, end = int(start), int(end)
        cstart, cwidth = start, max(1, end - start)
        if oracle == "tshark-message":
            caret = None
        if rc == 0 or msg != message or (caret is not None and caret != (cstart, cwidth)):
            bad += 1
            print(f"INVALID: {filt!r}: want {message!r} at {(cstart, cwidth)}, "
                  f"tshark rc={rc} {msg!r} caret={caret}")
    print("disagreements:", bad)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
