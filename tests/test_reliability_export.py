"""`cqpi export --all` publishes atomically (issue 16, hole 8): SIGKILL at any point of a run
leaves the downloads folder with the complete previous set, SHA256SUMS matching every file
(was: old and new dumps mixed under a SHA256SUMS that matched neither, and hidden `.part`
files); the next run cleans what the killed ones left."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability import kill_after, record
from webdata import build_web_store

from cqpi_graph.build import build
from cqpi_graph.export.downloads import OWN_NAMES, read_checksums

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parent.parent
KILLS = 8


def export_all(store: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cqpi_graph", "--store", str(store), "export", "--all", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )


def consistent(folder: Path) -> dict[str, str]:
    """The folder's checksums, after checking that they match exactly the files of the set."""
    sums = read_checksums(folder)
    assert sums, f"{folder} has no SHA256SUMS"
    own = {p.name for p in folder.iterdir() if OWN_NAMES.match(p.name) and p.name != "SHA256SUMS"}
    assert own == set(sums), f"files {sorted(own ^ set(sums))} are not both in the folder and in SHA256SUMS"
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, f"{name} does not match"
    assert not list(folder.glob(".*.part")), "half-written files in the folder"
    return sums


def test_a_killed_export_never_leaves_a_mixed_folder(tmp_path: Path) -> None:
    small = tmp_path / "small"
    build(small)
    large = build_web_store(tmp_path / "large")  # more data: every file of the set differs
    out = tmp_path / "downloads"
    out.mkdir()
    (out / "LISEZMOI.txt").write_text("posé par l'exploitant\n", encoding="utf-8")
    assert export_all(small, out).wait() == 0
    before = consistent(out)
    t0 = time.monotonic()
    probe = tmp_path / "probe"
    assert export_all(large, probe).wait() == 0
    duration = time.monotonic() - t0
    after = consistent(probe)
    differ = [n for n in after if before.get(n) != after[n]]
    assert len(differ) >= 4, "the two sets must differ to see a mix"
    rng = random.Random(20261127)
    for k in range(KILLS):
        proc = export_all(large if k % 2 == 0 else small, out)
        kill_after(proc, rng.uniform(0.05, duration * 0.95), "faults injected (SIGKILL during export --all)")
        now = consistent(out)
        assert now in (before, after), "the folder holds neither the old set nor the new one"
        if proc.returncode == -signal.SIGKILL:
            record("… folder left whole, SHA256SUMS matching")
        before = now
        assert (out / "LISEZMOI.txt").read_text(encoding="utf-8") == "posé par l'exploitant\n"
    # a complete run afterwards: the new set, and nothing left of the killed runs
    assert export_all(large, out).wait() == 0
    assert consistent(out) == after
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".downloads.")]
    assert not leftovers, leftovers
    assert (out / "LISEZMOI.txt").is_file()
