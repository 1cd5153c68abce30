"""Shared fixtures: a store built once per session from the repository's own files."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# The Oxigraph server fixtures and store comparison helpers (tests/remote_server.py).
from remote_server import *  # noqa: F403
from stores import built_store, opened_store

from cqpi_graph.build import build
from cqpi_graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _no_ambient_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch a developer's own store or server."""
    for var in ("CQPI_ENDPOINT", "CQPI_UPDATE_ENDPOINT", "CQPI_GRAPH_STORE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is missing: the shared data folder must sit beside the project")
    return SHARED_DATA


curated_store_path = built_store(
    scope="session", doc="A store built from ontology/ and data/ (no registry import)."
)
curated_store = opened_store("curated_store_path", scope="session")


@pytest.fixture(scope="session")
def sparql(curated_store: Store) -> Callable[[str], list[dict[str, str]]]:
    """Run SELECT on the curated store: rows of variable name -> lexical value."""

    def run(query: str) -> list[dict[str, str]]:
        return [{k: v.value for k, v in row.items()} for row in curated_store.select(query)]

    return run


@pytest.fixture
def store_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty store location for CLI tests (CQPI_STORE points at it)."""
    path = tmp_path / "store"
    monkeypatch.setenv("CQPI_STORE", str(path))
    return path


def pytest_report_header(config: pytest.Config) -> str:
    state = "present" if SHARED_DATA.is_dir() else "MISSING"
    return f"shared data: {SHARED_DATA} ({state}); pid {os.getpid()}"


# Registry files of ../shared/data imported by `full_store_path` (source name, relative path):
# benchmarks/import_digest.py's list, so the digests test_import_equivalence pins are of this build.
# The importers register themselves in cqpi_graph.importers.SOURCES.
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.append(str(ROOT / "benchmarks"))
from import_digest import SHARED_IMPORTS  # noqa: E402


@pytest.fixture(scope="session")
def full_store_path(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A store built with every registry file of ../shared/data imported (built once)."""
    from cqpi_graph.importers import SOURCES

    wanted = [(name, shared_data / rel) for name, rel in SHARED_IMPORTS if name in SOURCES]
    path = tmp_path_factory.mktemp("full") / "store"
    build(path, imports=wanted)
    return path


full_store = opened_store("full_store_path", scope="session")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    """Print (and save) the figures of the reliability section when it ran."""
    import reliability

    path = reliability.write()
    if path is None:
        return
    terminalreporter.section("reliability figures")
    for name, n in sorted(reliability.FIGURES.items()):
        terminalreporter.write_line(f"{name}: {n}")
    terminalreporter.write_line(f"(saved to {path})")


export_store_path = built_store(
    "export_fixture.ttl",
    scope="session",
    doc="Ontology, code lists, curated data and the export fixture (tests/data), with inference.",
)
export_store = opened_store("export_store_path", scope="session")
