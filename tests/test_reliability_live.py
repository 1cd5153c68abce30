"""Builds going live under load (issue 16, hole 4): clients keep querying the web view while new
generations of its store go live one after the other; no request fails (was: 3 of 755 requests
a 500, the old store closed under a request still reading it), and no generation a reader holds
is removed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from reliability import live, record
from webdata import FIXTURE, FIXTURE_GRAPH, build_web_store, web_app
from werkzeug.serving import make_server

from cqpi_graph.store import open_store

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 6
WRITES = 4

# One new generation: the live one copied, the fixture graph reloaded, inference rerun.
WRITER = """
import sys
from pathlib import Path
from cqpi_graph.build import run_inference
from cqpi_graph.namespaces import Graphs
from cqpi_graph.store import store_writer
path, fixture, graph = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
with store_writer(path, without={graph, Graphs.INFERRED}) as store:
    store.load(fixture, "turtle", graph)
    run_inference(store)
"""

URLS = [
    "/",
    "/search?q=conduite",
    "/search/suggest?q=CQ",
    "/search?q=TWEB&format=json",
    "/resource/cqpi/TWEB",
    "/sparql?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a cq:CQPI }"}),
    "/?lang=en",
]


def test_clients_never_notice_builds_going_live(tmp_path: Path) -> None:
    store = build_web_store(tmp_path / "store")
    config = {"SPARQL_QUEUE_WAIT": 60.0, "SPARQL_TIMEOUT": 60.0, "SPARQL_WORKERS": 2}
    with web_app(store, **config) as app:
        srv = make_server("127.0.0.1", 0, app, threaded=True)
        server = threading.Thread(target=srv.serve_forever, daemon=True)
        server.start()
        base = f"http://127.0.0.1:{srv.server_port}"
        stop = threading.Event()
        results: list[tuple[str, int, float]] = []
        failures: list[str] = []

        def client(i: int) -> None:
            n = i
            while not stop.is_set():
                url = URLS[n % len(URLS)]
                n += 1
                t0 = time.monotonic()
                try:
                    with urllib.request.urlopen(base + url, timeout=120) as resp:
                        resp.read()
                        status = resp.status
                except urllib.error.HTTPError as exc:
                    status = exc.code
                    failures.append(f"{url}: {status} {exc.read()[:200]!r}")
                except OSError as exc:
                    status = 0
                    failures.append(f"{url}: {exc!r}")
                results.append((url, status, time.monotonic() - t0))

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        generations = [live(store)]
        try:
            time.sleep(1.0)  # every client has made requests on the first generation
            for _ in range(WRITES):
                subprocess.run(
                    [sys.executable, "-c", WRITER, str(store), str(FIXTURE), FIXTURE_GRAPH],
                    check=True,
                    capture_output=True,
                    env=dict(os.environ, PYTHONPATH=str(ROOT)),
                    timeout=600,
                )
                generations.append(live(store))
                time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join(180)
            srv.shutdown()
    assert len(set(generations)) == WRITES + 1, "every write made a new generation live"
    statuses = Counter(status for _, status, _ in results)
    times = sorted(t for _, _, t in results)
    record("requests during builds going live (6 clients, 4 builds)", len(results))
    record("requests failed during builds going live", len(failures))
    record("latency during builds going live: p50 (ms)", int(1000 * times[len(times) // 2]))
    record("latency during builds going live: p99 (ms)", int(1000 * times[int(len(times) * 0.99)]))
    record("latency during builds going live: max (ms)", int(1000 * times[-1]))
    assert not failures, failures[:5]
    assert statuses == Counter({200: len(results)}) and len(results) > 50
    # the generations readers held are gone once nobody holds them (the next write cleans up)
    with open_store(store) as s:
        assert s.count() > 0
    left = sorted(p.name for p in store.glob("gen-*") if p.is_dir())
    assert len(left) <= 3, left


def test_a_reader_keeps_its_generation_through_later_builds(tmp_path: Path) -> None:
    """A store opened before two builds still answers after them: the writers' clean-up leaves
    the generation it holds, and removes it once it is closed."""
    store = build_web_store(tmp_path / "store")
    reader = open_store(store)
    first = reader.directory
    count = reader.count()
    for _ in range(3):
        subprocess.run(
            [sys.executable, "-c", WRITER, str(store), str(FIXTURE), FIXTURE_GRAPH],
            check=True,
            capture_output=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
    assert live(store) != first.name and first.is_dir()
    assert reader.count() == count and reader.ask("ASK { ?s a cq:CQPI }")
    reader.close()
    subprocess.run(
        [sys.executable, "-c", WRITER, str(store), str(FIXTURE), FIXTURE_GRAPH],
        check=True,
        capture_output=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert not first.exists(), "a generation nobody reads any more was not removed"
    record("readers that kept their generation through 3 builds", 1)


def test_a_request_keeps_its_store_when_another_sees_a_new_build(tmp_path: Path) -> None:
    """The race behind the 500s, made deterministic: request A reads, a build goes live, request
    B opens the new store; A's next query must still answer (the old code closed A's store)."""
    from web import graph

    store = build_web_store(tmp_path / "store")
    a_has_store, b_done = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}
    with web_app(store) as app:

        def request_a() -> None:
            with app.test_request_context("/"):
                first = graph.store()
                n = first.count()
                a_has_store.set()
                b_done.wait(120)
                try:
                    outcome["a"] = (first.count() == n, graph.store() is first)
                except Exception as exc:  # noqa: BLE001 - what the test is about
                    outcome["a"] = exc

        a = threading.Thread(target=request_a)
        a.start()
        assert a_has_store.wait(60)
        subprocess.run(
            [sys.executable, "-c", WRITER, str(store), str(FIXTURE), FIXTURE_GRAPH],
            check=True,
            capture_output=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        with app.test_request_context("/"):
            outcome["b"] = graph.store().directory.name == live(store)
        b_done.set()
        a.join(60)
        assert outcome == {"a": (True, True), "b": True}, outcome
        # after both requests, the next one reads the new generation, and the old store is closed
        with app.test_request_context("/"):
            assert graph.store().directory.name == live(store)
    record("requests that kept their store while a build went live", 1)
