"""A real Oxigraph SPARQL server for tests, and helpers to compare two stores.

Imported by conftest.py, so every test module can use these fixtures:

- `oxigraph_server` (session): one running `oxigraph serve` on 127.0.0.1, empty at first;
- `remote_curated_endpoint` (session): that server after `build(endpoint=…)`, its query URL;
- `remote_curated_store` (session): a `RemoteStore` on it (compare with `curated_store`);
- `oxigraph_factory` (function): start more servers (each stopped after the test), e.g. an
  empty one a test may write to: `server = oxigraph_factory()`.

Helpers: `graph_counts`, `select_answers`, `construct_answers`, `assert_same_answers`.
Mark remote tests with `@pytest.mark.remote`; they are skipped when the `oxigraph` binary
(the `oxigraph` package on PyPI) is not installed.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from cqpi_graph.store import Store

OXIGRAPH = shutil.which("oxigraph")

__all__ = [
    "OxigraphServer",
    "assert_same_answers",
    "construct_answers",
    "graph_counts",
    "oxigraph_factory",
    "oxigraph_server",
    "remote_curated_endpoint",
    "remote_curated_store",
    "select_answers",
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    """`oxigraph serve` on a free 127.0.0.1 port with its own data directory."""

    def __init__(self, location: Path, *extra_args: str) -> None:
        self.location = location
        self.extra_args = extra_args
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = location.parent / f"{location.name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def update_url(self) -> str:
        return self.url + "/update"

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    def start(self, timeout: float = 30.0) -> OxigraphServer:
        if OXIGRAPH is None:
            pytest.skip("the `oxigraph` server binary is not installed (pip install oxigraph)")
        for _attempt in range(3):  # another process may take the port between probe and bind
            self.port = _free_port()
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [
                        OXIGRAPH,
                        "serve",
                        "--location",
                        str(self.location),
                        "--bind",
                        f"127.0.0.1:{self.port}",
                        *self.extra_args,
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    r = requests.post(self.query_url, data={"query": "ASK {}"}, timeout=2)
                    if r.status_code == 200:
                        return self
                except requests.RequestException:
                    pass
                time.sleep(0.05)
            self.stop()
        raise RuntimeError(f"oxigraph serve did not start; see {self.log}:\n{self.log.read_text()}")

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def update(self, update: str) -> None:
        requests.post(self.update_url, data={"update": update}, timeout=60).raise_for_status()

    def drop_all(self) -> None:
        self.update("DROP ALL")

    def nquads(self) -> bytes:
        """The whole dataset, as the server holds it (graph names included)."""
        r = requests.get(self.store_url, headers={"Accept": "application/n-quads"}, timeout=60)
        r.raise_for_status()
        return r.content

    def __enter__(self) -> OxigraphServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture
def oxigraph_factory(tmp_path: Path) -> Iterator[Callable[..., OxigraphServer]]:
    """Start servers (extra `oxigraph serve` arguments allowed); all stopped after the test."""
    started: list[OxigraphServer] = []

    def start(*extra_args: str) -> OxigraphServer:
        server = OxigraphServer(tmp_path / f"oxigraph-{len(started)}", *extra_args)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """One Oxigraph server for the session. Do not write to it: use `oxigraph_factory`."""
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "data") as server:
        yield server


@pytest.fixture(scope="session")
def remote_curated_endpoint(oxigraph_server: OxigraphServer) -> str:
    """The session server, built like `curated_store` but through the remote store."""
    from cqpi_graph.build import build

    build(endpoint=oxigraph_server.query_url)
    return oxigraph_server.query_url


@pytest.fixture(scope="session")
def remote_curated_store(remote_curated_endpoint: str) -> Iterator[Store]:
    from cqpi_graph.store.remote import RemoteStore

    store = RemoteStore(remote_curated_endpoint)
    yield store
    store.close()


# ---------------------------------------------------------------- comparing two stores


def graph_counts(store: Store) -> dict[str, int]:
    """Triples per named graph."""
    return {g: store.count(g) for g in store.graphs()}


def _cell(term: object) -> str:
    n3 = term.n3()  # type: ignore[attr-defined]
    return "_:b" if n3.startswith("_:") else n3  # blank node labels differ between stores


def select_answers(store: Store, query: str) -> list[tuple[str, ...]]:
    """A SELECT's rows as sorted tuples of N-Triples terms ("" for unbound)."""
    rows = store.select(query)
    names = sorted({k for r in rows for k in r})
    return sorted(tuple(_cell(r[n]) if n in r else "" for n in names) for r in rows)


def construct_answers(store: Store, query: str) -> object:
    """A CONSTRUCT's graph, comparable with == up to blank node renaming."""
    import rdflib
    from rdflib.compare import to_isomorphic

    g = rdflib.Graph()
    g.parse(data=store.construct(query, "ntriples"), format="nt")
    return to_isomorphic(g)


def assert_same_answers(a: Store, b: Store, queries: list[str]) -> None:
    """Every query (SELECT, ASK or CONSTRUCT) gives the same answer on both stores."""
    from cqpi_graph.store.remote import query_form

    for q in queries:
        form = query_form(q)
        if form == "graph":
            ga, gb = construct_answers(a, q), construct_answers(b, q)
            assert ga == gb, f"CONSTRUCT answers differ ({len(ga)} vs {len(gb)} triples):\n{q}"
        elif form == "ask":
            assert a.ask(q) == b.ask(q), q
        else:
            assert select_answers(a, q) == select_answers(b, q), q
