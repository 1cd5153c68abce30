"""No traceback for any input (issue 16, hole 9): a full disk during `cqpi build` or
`cqpi export --all` is one line naming the path and exit code 3, the previous store and the
previous downloads staying whole; an unexpected error is one line too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from reliability import record
from test_reliability_store import big_turtle

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parent.parent

# Runs inside a private mount namespace (unshare -rm): a 12 MB file system of its own.
SCENARIO = """
set -u
M=$1; BIG=$2
mount -t tmpfs -o size=12m tmpfs "$M" || exit 99
cqpi() { python -m cqpi_graph --store "$M/store" "$@"; }
cqpi build > /dev/null; echo "@first $?"
cqpi query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv | tail -1 | sed 's/^/@count-before /'
cqpi build --data "$BIG" 2> "$M/build.err"; echo "@build $?"; sed 's/^/@build-err /' "$M/build.err"
cqpi query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv | tail -1 | sed 's/^/@count-after /'
ls "$M/store" | sed 's/^/@store /'
mkdir "$M/dl"; echo "posé là" > "$M/dl/LISEZMOI.txt"
cqpi export --all -o "$M/dl" > /dev/null; echo "@export1 $?"
FREE=$(df -k --output=avail "$M" | tail -1)
dd if=/dev/zero of="$M/filler" bs=1k count=$((FREE - 200)) 2> /dev/null
cqpi export --all -o "$M/dl" > /dev/null 2> "$M/export.err"; echo "@export2 $?"
sed 's/^/@export-err /' "$M/export.err"
(cd "$M/dl" && sha256sum --quiet -c SHA256SUMS > /dev/null 2>&1; echo "@sums $?")
ls -a "$M" | sed 's/^/@top /'
ls "$M/dl" | sed 's/^/@dl /'
"""


def test_a_full_disk_is_one_line_naming_the_path(tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not available: no private file system to fill")
    big = big_turtle(tmp_path / "big.ttl", 60_000)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    script = tmp_path / "scenario.sh"
    script.write_text(SCENARIO, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(
        ["unshare", "-rm", "sh", str(script), str(mnt), str(big)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if proc.returncode == 99 or "@first" not in proc.stdout:
        pytest.skip(f"cannot mount a private file system here: {proc.stderr.strip()[:200]}")
    lines: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("@"):
            key, _, value = line[1:].partition(" ")
            lines.setdefault(key, []).append(value)
    assert lines["first"] == ["0"], proc.stdout
    # the build on a full disk: one line naming the path, exit 3, the previous store as it was
    assert lines["build"] == ["3"], proc.stdout
    (err,) = lines["build-err"]
    assert err.startswith("erreur : plus de place sur le disque : ") and str(mnt) in err, err
    assert lines["count-after"] == lines["count-before"]
    assert not any(s.endswith(".tmp") for s in lines["store"]), lines["store"]
    record("full-disk failures checked (build, export): one line naming the path, exit 3", 1)
    # export --all on a full disk: one line, exit 3, the previous downloads whole
    assert lines["export1"] == ["0"]
    assert lines["export2"] == ["3"], proc.stdout
    (err,) = lines["export-err"]
    assert "plus de place sur le disque" in err and str(mnt) in err, err
    assert lines["sums"] == ["0"], "SHA256SUMS no longer matches the downloads"
    assert "LISEZMOI.txt" in lines["dl"]
    assert not [t for t in lines["top"] if t.startswith(".dl.")], lines["top"]
    record("full-disk failures checked (build, export): one line naming the path, exit 3", 1)


def test_an_unexpected_error_is_one_line(tmp_path: Path) -> None:
    """A bug (here: a broken module) still ends in one line and exit code 3, not a traceback."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(
        "import cqpi_graph.stats as s\n"
        "def boom(*a, **k):\n"
        "    raise ValueError('valeur inattendue\\nsur deux lignes')\n"
        "s.compute_stats = boom\n"
        "import cqpi_graph.cli.core as c\n"
        "c.compute_stats = boom\n",
        encoding="utf-8",
    )
    from cqpi_graph.build import build

    build(tmp_path / "store")
    env = dict(os.environ, PYTHONPATH=f"{shim}{os.pathsep}{ROOT}")
    proc = subprocess.run(
        [sys.executable, "-m", "cqpi_graph", "--store", str(tmp_path / "store"), "stats"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "erreur interne : ValueError: valeur inattendue sur deux lignes" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "cqpi_graph", "--store", str(tmp_path / "store"), "stats"],
        capture_output=True,
        text=True,
        env=dict(env, CQPI_DEBUG="1"),
    )
    assert "Traceback" in proc.stderr  # CQPI_DEBUG=1 shows it
    record("tracebacks on bad input", 0)
