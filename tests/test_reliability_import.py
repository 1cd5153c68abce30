"""Imports are atomic: SIGKILL at random points of `cqpi import` (RNCP zip, BCN, ROME) leaves the
previous store answering the same queries; two importers at once never corrupt the store."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability import answers, cqpi_command, kill_after, live, record
from stores import built_store

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parent.parent
KILLS_PER_SOURCE = 4


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


base_store = built_store(doc="A built store (ontology, code lists, curated data), copied by each test.")


def copy_store(base: Path, dest: Path) -> Path:
    shutil.copytree(base, dest, symlinks=True)
    return dest


def rome_subset(shared: Path, dest: Path, rows: int = 3000) -> Path:
    """The real ROME files cut to their first rows, so one import lasts a few seconds."""
    dest.mkdir()
    for f in (shared / "rome").glob("unix_*_utf8.csv"):
        with open(f, encoding="utf-8") as src, open(dest / f.name, "w", encoding="utf-8") as out:
            for i, line in enumerate(src):
                if i > rows:
                    break
                out.write(line)
    return dest


def rncp_zip(dest: Path) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate_rncp import generate_rncp_zip
    finally:
        sys.path.pop(0)
    return generate_rncp_zip(dest / "export-fiches-csv-2024-02-22.zip", 1500, seed=7)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("sources")
    return {
        "rncp": rncp_zip(work),
        "bcn": shared_data / "bcn" / "N_FORMATION_DIPLOME.csv",
        "rome": rome_subset(shared_data, work / "rome"),
    }


@pytest.mark.parametrize("source", ["rncp", "bcn", "rome"])
def test_sigkill_during_import_keeps_previous_store(
    source: str, base_store: Path, sources: dict[str, Path], tmp_path: Path
) -> None:
    path = sources[source]
    store = copy_store(base_store, tmp_path / "store")
    expected = answers(store)
    generation = live(store)
    # How long the whole import takes (process start included), to spread the kills over it.
    probe = copy_store(base_store, tmp_path / "probe")
    t0 = time.monotonic()
    subprocess.run(
        cqpi_command(probe, "import", source, str(path)), check=True, capture_output=True, env=_env()
    )
    duration = time.monotonic() - t0
    imported = answers(probe)
    assert imported["all"] != expected["all"], "the import must change the store"
    rng = random.Random(f"import-{source}")
    for k in range(KILLS_PER_SOURCE):
        proc = subprocess.Popen(
            cqpi_command(store, "import", source, str(path)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        # Spread over the run: the first kill early (process start), the others anywhere.
        kill_after(
            proc,
            rng.uniform(0.05, duration * 0.95) if k else 0.3,
            f"faults injected (SIGKILL during import {source})",
        )
        now = answers(store)
        if proc.returncode == -signal.SIGKILL:
            assert now == expected, f"a killed import of {source} changed the live store"
            assert live(store) == generation
            record("faults survived (store answered as before)")
        else:
            # The import finished before the kill: the new store is live and complete.
            assert proc.returncode == 0 and now == imported
            expected, generation = now, live(store)
    # After the kills, the same import still runs to the end and gives the same store.
    subprocess.run(
        cqpi_command(store, "import", source, str(path)), check=True, capture_output=True, env=_env()
    )
    assert answers(store) == imported
    assert not list(store.glob("gen-*.tmp")), "leftovers of killed imports were not cleaned"
    assert not list(store.glob("gen-*.copy.nt")), "scratch dumps of killed imports were not cleaned"
    record("data lost", 0)


def _imports_at_once(
    store: Path, sources: dict[str, Path], names: tuple[str, ...], lock_timeout: str, stdout: int
) -> list[subprocess.Popen[str]]:
    """`cqpi import NAME` for each name, all started together (stderr captured as text)."""
    env = _env(CQPI_LOCK_TIMEOUT=lock_timeout)
    return [
        subprocess.Popen(
            cqpi_command(store, "import", name, str(sources[name])),
            env=env,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]


def test_two_concurrent_importers_one_fails_clearly(
    base_store: Path, sources: dict[str, Path], tmp_path: Path
) -> None:
    store = copy_store(base_store, tmp_path / "store")
    before = answers(store)
    procs = _imports_at_once(store, sources, ("rome", "bcn"), "0", subprocess.PIPE)
    results = [(p.wait(), p.communicate()[1]) for p in procs]
    record("concurrent writers started", 2)
    codes = [code for code, _ in results]
    assert 0 in codes, results
    for code, err in results:
        if code != 0:
            assert "autre processus" in err and "Traceback" not in err, err
            record("concurrent writers refused cleanly")
    after = answers(store)
    assert after["cqpi"] == before["cqpi"] and after["branches"] == before["branches"]
    graphs = after["graphs"].split()
    # Exactly the winners' graphs were added, each complete (the loser left nothing behind).
    assert ("https://w3id.org/cqpi/graph/import/rome" in graphs) == (codes[0] == 0)
    assert ("https://w3id.org/cqpi/graph/import/bcn" in graphs) == (codes[1] == 0)
    assert not list(store.glob("gen-*.tmp"))


def test_waiting_importer_runs_after_the_first(
    base_store: Path, sources: dict[str, Path], tmp_path: Path
) -> None:
    store = copy_store(base_store, tmp_path / "store")
    procs = _imports_at_once(store, sources, ("rncp", "bcn"), "120", subprocess.DEVNULL)
    assert [p.wait() for p in procs] == [0, 0], [p.stderr.read() for p in procs]
    graphs = answers(store)["graphs"].split()
    # Both imports are in: neither overwrote the other's generation.
    assert "https://w3id.org/cqpi/graph/import/rncp" in graphs
    assert "https://w3id.org/cqpi/graph/import/bcn" in graphs
    record("concurrent writers serialised by the lock", 2)
