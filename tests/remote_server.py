"""A real Oxigraph SPARQL server for tests, and helpers to compare two stores.

Imported by conftest.py, so every test module can use these fixtures:

- `oxigraph_server` (session): one running `oxigraph serve` on 127.0.0.1, empty at first;
- `remote_curated_endpoint` (session): that server after `build(endpoint=…)`, its query URL;
- `remote_curated_store` (session): a `RemoteStore` on it (compare with `curated_store`);
- `oxigraph_factory` (function): start more servers (each stopped after the test), e.g. an
  empty one a test may write to: `server = oxigraph_factory()`.

`VirtuosoServer` runs OpenLink Virtuoso (Debian's `virtuoso-opensource-7-bin`, `virtuoso-t`) the
same way, for the parity tests against a second kind of server.

Helpers: `graph_counts`, `select_answers`, `construct_answers`, `assert_same_answers`.
Mark remote tests with `@pytest.mark.remote`; they are skipped when the `oxigraph` binary
(the `oxigraph` package on PyPI) is not installed.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Self

import pytest
import requests

from cqpi_graph.store import Store

OXIGRAPH = shutil.which("oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_ISQL = shutil.which("isql-vt") or shutil.which("isql-v")

__all__ = [
    "OxigraphServer",
    "VirtuosoServer",
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


class _ServerProcess:
    """A SPARQL server run as a child process, on free 127.0.0.1 ports, with its own data directory
    and log: what Oxigraph and Virtuoso start, wait for and stop the same way. Subclasses give
    `_launch` (ports, command), `_ready` (a request answered once up) and the figures below."""

    update_url: str
    name = ""  # in the error when it does not start
    start_timeout = 30.0
    poll_step = 0.05  # seconds between two readiness requests
    stop_timeout = 10.0

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = location.parent / f"{location.name}.log"

    def _require(self) -> None:
        """Skip the test when the server is not installed."""

    def _launch(self, log: IO[bytes]) -> subprocess.Popen[bytes]:
        raise NotImplementedError

    def _ready(self) -> bool:
        raise NotImplementedError

    def _started(self) -> None:
        """What to do once the server answers, before handing it out."""

    def start(self, timeout: float | None = None) -> Self:
        self._require()
        for _attempt in range(3):  # another process may take a port between probe and bind
            with open(self.log, "ab") as log:
                self.process = self._launch(log)
            if self._wait(self.start_timeout if timeout is None else timeout):
                self._started()
                return self
            self.stop()
        raise RuntimeError(f"{self.name} did not start; see {self.log}:\n{self.log.read_text()}")

    def _wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process is not None and self.process.poll() is None:
            try:
                if self._ready():
                    return True
            except requests.RequestException:
                pass
            time.sleep(self.poll_step)
        return False

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def update(self, update: str) -> None:
        requests.post(self.update_url, data={"update": update}, timeout=60).raise_for_status()

    def __enter__(self) -> Self:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class OxigraphServer(_ServerProcess):
    """`oxigraph serve` on a free 127.0.0.1 port with its own data directory."""

    name = "oxigraph serve"

    def __init__(self, location: Path, *extra_args: str) -> None:
        super().__init__(location)
        self.extra_args = extra_args

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

    def _require(self) -> None:
        if OXIGRAPH is None:
            pytest.skip("the `oxigraph` server binary is not installed (pip install oxigraph)")

    def _launch(self, log: IO[bytes]) -> subprocess.Popen[bytes]:
        self.port = _free_port()
        command = [OXIGRAPH, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"]
        return subprocess.Popen([*command, *self.extra_args], stdout=log, stderr=subprocess.STDOUT)

    def _ready(self) -> bool:
        return requests.post(self.query_url, data={"query": "ASK {}"}, timeout=2).status_code == 200

    def drop_all(self) -> None:
        self.update("DROP ALL")

    def nquads(self) -> bytes:
        """The whole dataset, as the server holds it (graph names included)."""
        r = requests.get(self.store_url, headers={"Accept": "application/n-quads"}, timeout=60)
        r.raise_for_status()
        return r.content


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 40000
MaxDirtyBuffers = 30000
DirsAllowed = {dir}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
"""


class VirtuosoServer(_ServerProcess):
    """`virtuoso-t` in the foreground on free 127.0.0.1 ports, with its own database directory.

    Its SPARQL endpoint is `/sparql` and its Graph Store Protocol `/sparql-graph-crud`; the
    anonymous SPARQL user is granted SPARQL_UPDATE (Virtuoso refuses updates by default).
    """

    name = "virtuoso-t"
    start_timeout = 60.0
    poll_step = 0.1
    stop_timeout = 30.0

    def __init__(self, location: Path) -> None:
        super().__init__(location)
        self.sql_port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    query_url = update_url = url

    @property
    def store_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql-graph-crud"

    def _require(self) -> None:
        if VIRTUOSO is None or VIRTUOSO_ISQL is None:
            pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)")

    def _launch(self, log: IO[bytes]) -> subprocess.Popen[bytes]:
        self.location.mkdir(parents=True, exist_ok=True)
        self.port, self.sql_port = _free_port(), _free_port()
        ini = self.location / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(dir=self.location, sql_port=self.sql_port, http_port=self.port))
        return subprocess.Popen(
            [VIRTUOSO, "-f", "-c", str(ini)], cwd=self.location, stdout=log, stderr=subprocess.STDOUT
        )

    def _ready(self) -> bool:
        return requests.get(self.url, params={"query": "ASK {}"}, timeout=2).status_code == 200

    def _started(self) -> None:
        self._grant_updates()

    def _grant_updates(self) -> None:
        grant = 'GRANT SPARQL_UPDATE TO "SPARQL";'
        subprocess.run(
            [VIRTUOSO_ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={grant}"],
            check=True,
            capture_output=True,
            timeout=60,
        )


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


# `SAMPLE(?x) AS ?v`: any value of the group is a right answer, so ?v is left out of comparisons.
_SAMPLED = re.compile(r"SAMPLE\s*\(\s*(?:DISTINCT\s+)?[?$]\w+\s*\)\s*AS\s*[?$](\w+)", re.I)


def select_answers(store: Store, query: str, *, distinct: bool = False) -> list[tuple[str, ...]]:
    """A SELECT's rows as sorted tuples of N-Triples terms ("" for unbound), without the
    variables a SAMPLE binds; distinct=True: each row once."""
    rows = store.select(query)
    sampled = set(_SAMPLED.findall(query))
    names = sorted({k for r in rows for k in r} - sampled)
    out = [tuple(_cell(r[n]) if n in r else "" for n in names) for r in rows]
    return sorted(set(out) if distinct else out)


def construct_answers(store: Store, query: str) -> object:
    """A CONSTRUCT's graph, comparable with == up to blank node renaming."""
    import rdflib
    from rdflib.compare import to_isomorphic

    g = rdflib.Graph()
    g.parse(data=store.construct(query, "ntriples"), format="nt")
    return to_isomorphic(g)


# A top-level `ORDER BY … LIMIT n` at the end of a query: rows tied at the cut are chosen freely.
_TRAILING_LIMIT = re.compile(r"\bLIMIT\s+(\d+)\s*(?:OFFSET\s+\d+\s*)?$", re.I)


def _same_rows(a: Store, b: Store, q: str, distinct: bool) -> None:
    m = _TRAILING_LIMIT.search(q.strip())
    if m is None or "order by" not in q.lower() or "offset" in m.group(0).lower():
        assert select_answers(a, q, distinct=distinct) == select_answers(b, q, distinct=distinct), q
        return
    # The whole ordered answer must be the same; each store's first n rows must be n of them.
    whole = q.strip()[: m.start()]
    full = select_answers(a, whole, distinct=distinct)
    assert full == select_answers(b, whole, distinct=distinct), whole
    for store in (a, b):
        rows = select_answers(store, q, distinct=distinct)
        assert len(rows) == min(int(m.group(1)), len(full)) and not Counter(rows) - Counter(full), q


def assert_same_answers(a: Store, b: Store, queries: list[str], *, distinct: bool = False) -> None:
    """Every query (SELECT, ASK or CONSTRUCT) gives the same answer on both stores (distinct=True:
    the same rows, each counted once; `ORDER BY … LIMIT n`: the same answer without the LIMIT, and
    n of its rows with it, since rows tied at the cut may be either)."""
    from cqpi_graph.store.remote import query_form

    for q in queries:
        form = query_form(q)
        if form == "graph":
            ga, gb = construct_answers(a, q), construct_answers(b, q)
            assert ga == gb, f"CONSTRUCT answers differ ({len(ga)} vs {len(gb)} triples):\n{q}"
        elif form == "ask":
            assert a.ask(q) == b.ask(q), q
        else:
            _same_rows(a, b, q, distinct)
