"""Figures of the reliability section, collected while its tests run and written at the end.

Tests call `record(name, n)`; at the end of a session that ran any, the totals are written to
test-artifacts/reliability.json (the source of the figures in RELIABILITY.md).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

FIGURES: Counter[str] = Counter()
ARTIFACT = Path(__file__).resolve().parent.parent / "test-artifacts" / "reliability.json"


def record(name: str, n: int = 1) -> None:
    FIGURES[name] += n


def write() -> Path | None:
    if not FIGURES:
        return None
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(dict(sorted(FIGURES.items())), indent=2) + "\n", encoding="utf-8")
    return ARTIFACT


# ---------------------------------------------------------------- helpers shared by the section

PROBES = {
    "cqpi": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a cq:CQPI }",
    "branches": "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b a cq:Branche }",
    "inferred": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/cqpi/graph/inferred> { ?s ?p ?o } }",
    "all": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "graphs": "SELECT (GROUP_CONCAT(DISTINCT STR(?g); separator=' ') AS ?n) WHERE { GRAPH ?g { } }",
}


def answers(path: Path) -> dict[str, str]:
    """What the live generation of a store answers to a few probe queries."""
    from cqpi_graph.store import open_store

    store = open_store(path)
    try:
        return {k: store.select(q)[0]["n"].value for k, q in PROBES.items()}
    finally:
        store.close()


def live(path: Path) -> str:
    """The name of the live generation (what `current` points at)."""
    return os.readlink(path / "current")


def cqpi_command(store: Path, *args: str) -> list[str]:
    """`cqpi --store STORE ARGS…` as a child process runs it (this interpreter)."""
    return [sys.executable, "-m", "cqpi_graph", "--store", str(store), *args]


def kill_after(proc: subprocess.Popen, delay: float, fault: str) -> None:
    """SIGKILL `proc` after `delay` seconds unless it has ended (recording `fault`); wait for it."""
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
        record(fault)
    proc.wait()
