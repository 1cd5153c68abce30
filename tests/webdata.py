"""A store for the web view tests: the project's build plus tests/data/web-fixture.ttl in a graph
of its own, with inference run again so the fixture gets the same materialised types."""

from __future__ import annotations

from pathlib import Path

from cqpi_graph.build import build, run_inference
from cqpi_graph.store import store_writer

FIXTURE = Path(__file__).resolve().parent / "data" / "web-fixture.ttl"
FIXTURE_GRAPH = "https://w3id.org/cqpi/graph/test/web"
ID = "https://w3id.org/cqpi/id/"


def build_web_store(path: Path) -> Path:
    build(path)
    with store_writer(path) as store:
        store.load(FIXTURE, "turtle", FIXTURE_GRAPH)
        run_inference(store)
    return path
