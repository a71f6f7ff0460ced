"""Shared helpers for the tshark oracle scripts: one way to run tshark, always the same environment.

Every script here runs tshark 4.0.17 with an empty configuration directory (no profile, no
preferences, no macros leak in), with name resolution off (`-n`) and with TZ=UTC so that absolute
times without a zone mean the same thing on every machine.
"""

import os
import pathlib
import re
import subprocess
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
DATA = REPO / "tests" / "data"

_CONFIG_DIR = tempfile.mkdtemp(prefix="wiresift-oracle-")


def tshark_env():
    env = dict(os.environ)
    env["WIRESHARK_CONFIG_DIR"] = _CONFIG_DIR
    env["TZ"] = "UTC"
    env["LC_ALL"] = "C.UTF-8"
    return env


def tshark(args, cwd=None):
    """Runs `tshark -n <args>`; returns (exit code, stdout bytes, stderr text without the root banner)."""
    proc = subprocess.run(
        ["tshark", "-n", *args],
        cwd=cwd or REPO,
        env=tshark_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    err = proc.stderr.decode("utf-8", "replace")
    err = "\n".join(line for line in err.splitlines() if not line.startswith("Running as user "))
    return proc.returncode, proc.stdout, err


def tshark_version():
    out = subprocess.run(["tshark", "-v"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=tshark_env()).stdout
    return out.decode().splitlines()[0]


def registered_fields():
    """Every abbrev in src/dissect/fields/*.rs (the fields wiresift's registry knows)."""
    names = set()
    for path in (REPO / "src" / "dissect" / "fields").glob("*.rs"):
        names.update(re.findall(r'abbrev: "([^"]+)"', path.read_text()))
    return names


def check_tsv_cell(text):
    if "\t" in text or "\n" in text or "\r" in text:
        raise ValueError(f"cell would break the TSV: {text!r}")
    return text
