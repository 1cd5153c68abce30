"""The SPARQL endpoint is read-only and bounded: updates refused in every disguise, SERVICE never
calls out (a listener on a local port counts the connections), a time limit, a result cap, a
request size cap, and 32 clients at once get answers or clean 503s."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from reliability import answers, live, record
from webdata import build_web_store, web_app
from werkzeug.serving import make_server

from web import create_app

pytestmark = pytest.mark.reliability

CONFIG = {
    "SPARQL_TIMEOUT": 2.0,
    "SPARQL_MAX_RESULTS": 500,
    "SPARQL_MAX_QUERY_BYTES": 4096,
    "SPARQL_WORKERS": 2,
    "SPARQL_QUEUE_WAIT": 1.0,
}


@pytest.fixture(scope="module")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_web_store(tmp_path_factory.mktemp("sparql") / "store")


def make_app(store: Path, **extra: object):  # noqa: ANN201
    return create_app({"CQPI_STORE": str(store), **CONFIG, **extra})


@pytest.fixture(scope="module")
def app(web_store: Path):  # noqa: ANN201
    with web_app(web_store, **CONFIG) as application:
        yield application


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


class Listener:
    """A TCP port on 127.0.0.1 that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        time.sleep(0.5)  # let a late connection arrive before counting
        self._stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener():  # noqa: ANN201
    lst = Listener()
    yield lst
    lst._stop = True


# ---------------------------------------------------------------- read-only

UPDATES = [
    "INSERT DATA { <a:b> <a:b> <a:b> }",
    "insert data { <a:b> <a:b> <a:b> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "WITH <https://w3id.org/cqpi/graph/curated> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD SILENT <http://127.0.0.1:9/data.ttl> INTO GRAPH <a:g>",
    "CLEAR ALL",
    "clear default",
    "DROP ALL",
    "DROP SILENT GRAPH <https://w3id.org/cqpi/graph/curated>",
    "CREATE GRAPH <a:g>",
    "ADD DEFAULT TO <a:g>",
    "MOVE <https://w3id.org/cqpi/graph/curated> TO <a:g>",
    "COPY DEFAULT TO <a:g>",
    "# a comment first\nCLEAR ALL",
    "PREFIX ex: <http://ex/> # comment\nCLEAR GRAPH <http://ex/g>",
    "PREFIX insert: <http://ex/> PREFIX select: <http://ex/> BASE <http://ex/> DROP ALL",
    "  \n\tDrOp   AlL",
    "PREFIX : <http://ex/#> INSERT DATA { :a :b :c }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "PREFIX ex: <http://ex/> INSERT DATA { ex:a\\# ex:b ex:c }",
]


def update_requests(update: str) -> list[dict]:
    return [
        {"method": "GET", "query_string": {"query": update}},
        {"method": "POST", "data": {"query": update}},
        {"method": "POST", "data": update.encode(), "content_type": "application/sparql-query"},
        {"method": "POST", "data": {"update": update}},
        {"method": "GET", "query_string": {"update": update}},
        {"method": "POST", "data": update.encode(), "content_type": "application/sparql-update"},
        {
            "method": "POST",
            "data": update.encode(),
            "content_type": "application/sparql-update; charset=utf-8",
        },
        {"method": "POST", "data": {"query": "ASK {}", "update": update}},
    ]


def test_updates_are_refused_in_every_disguise(client, web_store: Path) -> None:  # noqa: ANN001
    before, generation = answers(web_store), live(web_store)
    for update in UPDATES:
        for kwargs in update_requests(update):
            r = client.open("/sparql", **kwargs)
            assert r.status_code in (403, 405), (update, kwargs, r.status_code, r.get_data(as_text=True))
            assert "lecture seule" in r.get_data(as_text=True) or r.status_code == 405
            record("queries refused (update)")
    for method in ("PUT", "DELETE", "PATCH"):
        r = client.open("/sparql", method=method, data=b"<a:b> <a:b> <a:b> .")
        assert r.status_code == 405 and "GET" in r.headers["Allow"]
        record("queries refused (update)")
    assert answers(web_store) == before and live(web_store) == generation
    record("data lost", 0)


def test_update_words_in_strings_iris_and_names_are_not_updates(client) -> None:  # noqa: ANN001
    ok = [
        'SELECT ?drop WHERE { BIND("DROP ALL; INSERT DATA {}" AS ?drop) }',
        "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:load ?o . FILTER(?s != <http://x/CLEAR>) } LIMIT 1",
        "SELECT ?insert WHERE { VALUES ?insert { 'delete' } }  # LOAD <x:y>",
    ]
    for q in ok:
        assert client.get("/sparql", query_string={"query": q}).status_code == 200, q


# ---------------------------------------------------------------- SERVICE


def service_queries(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o .SERVICE <{url}> {{ ?a ?b ?c }} }} LIMIT 1",
        f"PREFIX : <{url}#> SELECT * WHERE {{ SERVICE:x{{ ?a ?b ?c }} }}",
        f"PREFIX s: <{url}#> SELECT * WHERE {{ SERVICEs:x{{ ?a ?b ?c }} }}",
        f"PREFIX ex: <http://ex/> SELECT * WHERE {{ ?s ?p ex:a\\# SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p trueSERVICE<{url}>{{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ VALUES ?u {{ <{url}> }} SERVICE ?u {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ # no service here\n SeRvIcE <{url}> {{ ?a ?b ?c }} }}",
        f"PREFIX ex: <http://ex/> SELECT * WHERE {{ ?s ex:p\\' ex:o . SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?a ?b ?c }} }} }} }}",
        f"ASK {{ SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"CONSTRUCT {{ ?a ?b ?c }} WHERE {{ SERVICE <{url}> {{ ?a ?b ?c }} }}",
    ]


def test_service_never_calls_out(client, listener: Listener) -> None:  # noqa: ANN001
    for q in service_queries(listener.port):
        for kwargs in (
            {"method": "GET", "query_string": {"query": q}},
            {"method": "POST", "data": q.encode(), "content_type": "application/sparql-query"},
        ):
            r = client.open("/sparql", **kwargs)
            assert r.status_code == 403 and "SERVICE" in r.get_data(as_text=True), (q, r.status_code)
            record("queries refused (SERVICE)")
    # FROM / FROM NAMED and default-graph-uri name graphs of the store: nothing is fetched.
    url = f"http://127.0.0.1:{listener.port}/g"
    r = client.get(
        "/sparql",
        query_string={"query": f"SELECT * FROM <{url}> FROM NAMED <{url}> WHERE {{ ?s ?p ?o }} LIMIT 1"},
    )
    assert r.status_code == 200
    r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "default-graph-uri": url})
    assert r.status_code == 200
    listener.close()
    assert listener.connections == 0, "the server opened a connection to an address a caller chose"


def test_the_listener_does_see_a_service_call_when_allowed(web_store: Path, listener: Listener) -> None:
    """The control: with SERVICE allowed, the same query does reach the port (so the test above
    would fail without the refusal)."""
    application = make_app(web_store, SPARQL_ALLOW_SERVICE=True)
    try:
        q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
        r = application.test_client().get("/sparql", query_string={"query": q})
        assert r.status_code in (500, 503)
    finally:
        application.extensions["cqpi_sparql_pool"].close()
    listener.close()
    assert listener.connections >= 1


# ---------------------------------------------------------------- bounds


def test_cartesian_product_is_stopped_by_the_time_limit(client, app) -> None:  # noqa: ANN001
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    client.get("/sparql", query_string={"query": "ASK {}"})  # the pool exists
    killed = app.extensions["cqpi_sparql_pool"].killed
    t0 = time.monotonic()
    r = client.get("/sparql", query_string={"query": q})
    elapsed = time.monotonic() - t0
    assert (
        r.status_code == 503
        and "délai" in r.get_data(as_text=True)
        and "time limit" in r.get_data(as_text=True)
    )
    assert elapsed < CONFIG["SPARQL_TIMEOUT"] + 5
    assert app.extensions["cqpi_sparql_pool"].killed == killed + 1
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    record("queries refused (time limit)")


def test_result_cap_and_size_cap(client) -> None:  # noqa: ANN001
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "500" in r.get_data(as_text=True)
    r = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "triplets" in r.get_data(as_text=True)
    record("queries refused (result cap)", 2)
    big = "ASK {} #" + "x" * 5000
    for kwargs in (
        {"method": "GET", "query_string": {"query": big}},
        {"method": "POST", "data": {"query": big}},
        {"method": "POST", "data": big.encode(), "content_type": "application/sparql-query"},
        # a body far above every cap: refused by its length before it is read
        {"method": "POST", "data": b"x" * 6_000_000, "content_type": "application/sparql-query"},
    ):
        r = client.open("/sparql", **kwargs)
        assert r.status_code == 413, kwargs["method"]
        record("queries refused (size cap)")


# ---------------------------------------------------------------- under load


@pytest.fixture
def server(web_store: Path):  # noqa: ANN201
    """The app on a loopback port, threaded, as a real client sees it."""
    application = make_app(web_store)
    srv = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield application, f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    application.extensions.get("cqpi_sparql_pool") and application.extensions["cqpi_sparql_pool"].close()


LOAD_QUERIES = [
    "SELECT ?c ?l WHERE { ?c a cq:CQPI ; rdfs:label ?l } LIMIT 50",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "ASK { ?s a cq:Branche }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",  # heavy: hits the time limit
]


def test_32_concurrent_clients_get_answers_or_clean_503s(server) -> None:  # noqa: ANN001
    application, base = server
    clients, per_client = 32, 3

    def one(i: int) -> tuple[int, str]:
        q = LOAD_QUERIES[3] if i % 16 == 5 else LOAD_QUERIES[i % 3]
        url = base + "/sparql?" + urllib.parse.urlencode({"query": q})
        req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                body = resp.read()
                json.loads(body)  # a complete, well-formed answer
                return resp.status, ""
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    with ThreadPoolExecutor(max_workers=clients) as ex:
        results = list(ex.map(one, range(clients * per_client)))
    statuses = Counter(code for code, _ in results)
    for code, body in results:
        assert code in (200, 503), (code, body)
        if code == 503:
            assert "occupé" in body or "délai" in body, body
    assert statuses[200] > 0
    # The server still answers, and no worker process was leaked.
    with urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=30) as resp:
        assert resp.status == 200
    pool = application.extensions["cqpi_sparql_pool"]
    assert pool._count <= pool.size
    record("requests served under load (32 concurrent clients)", statuses[200])
    record("requests answered 503 under load (clean)", statuses[503])
    record("requests crashed under load", sum(n for c, n in statuses.items() if c not in (200, 503)))


# ---------------------------------------------------------------- limits on the whole answer (issue 16)


def concat_query(doublings: int) -> str:
    """A short query whose one row is a string of 32 × 2^doublings characters (24: 512 MB)."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(doublings))
    return f'SELECT ?x{doublings} WHERE {{ BIND("abcdefghijklmnopqrstuvwxyz012345" AS ?x0) {binds} }}'


def test_one_huge_row_is_cut_at_the_byte_cap(web_store: Path) -> None:
    """The row cap counts rows: one row of 8 MB passed it. The byte cap stops it (a clean 400)."""
    assert len(concat_query(24).encode()) < 1100
    with web_app(web_store, **CONFIG, SPARQL_MAX_RESPONSE_BYTES=256 * 1024) as app:
        client = app.test_client()
        t0 = time.monotonic()
        r = client.get("/sparql", query_string={"query": concat_query(18)})
        elapsed = time.monotonic() - t0
        assert r.status_code == 400 and "0.25 Mo" in r.get_data(as_text=True), r.get_data(as_text=True)[:300]
        assert elapsed < CONFIG["SPARQL_TIMEOUT"]
        assert client.get("/sparql", query_string={"query": concat_query(8)}).status_code == 200
    record("queries refused (byte cap)")


def read_stream(resp, pause_after: int = 0, pause: float = 0.0) -> bytes:  # noqa: ANN001
    """The body of a streamed test response, read chunk by chunk (pausing like a slow client)."""
    out = bytearray()
    paused = False
    for chunk in resp.response:
        out += chunk
        if not paused and pause and len(out) >= pause_after:
            time.sleep(pause)
            paused = True
    return bytes(out)


def test_streamed_answers_are_cut_with_a_clear_error(web_store: Path) -> None:
    """Beyond 1 MB an answer streams; it still stops at the byte cap and at the time limit of the
    whole answer (a slow client included), and ends with an error line."""
    # about 1.7 MB of JSON on the web fixture
    every = 'SELECT * WHERE { ?s ?p ?o . BIND(CONCAT(STR(?s), " ", STR(?p), " ", STR(?o)) AS ?x) }'
    limits = {**CONFIG, "SPARQL_MAX_RESULTS": 1_000_000, "SPARQL_TIMEOUT": 3.0}
    cap = 1_300_000
    with web_app(web_store, **limits, SPARQL_MAX_RESPONSE_BYTES=cap) as app:
        r = app.test_client().get("/sparql", query_string={"query": every}, buffered=False)
        body = read_stream(r)
        assert r.status_code == 200 and cap < len(body) < cap + 1000
        assert body.rstrip().endswith(b"(response cut)") and b"1.24 Mo" in body[-300:], body[-300:]
        assert app.extensions["cqpi_sparql_pool"].cut == 1
    with web_app(web_store, **limits, SPARQL_MAX_RESPONSE_BYTES=64 << 20) as app:
        r = app.test_client().get("/sparql", query_string={"query": every}, buffered=False)
        body = read_stream(r, pause_after=1, pause=limits["SPARQL_TIMEOUT"] + 0.5)
        assert body.rstrip().endswith(b"(response cut)") and "délai".encode() in body[-300:], body[-300:]
        pool = app.extensions["cqpi_sparql_pool"]
        assert pool.cut == 1 and pool._count == 0  # the worker stopped mid-answer was replaced
        assert app.test_client().get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    record("streamed answers cut (byte cap, time limit) with an error line", 2)


def test_the_concat_attack_costs_one_worker_never_the_web_process(web_store: Path) -> None:
    """24 doublings: a 512 MB row (was: answered after 11 s, web process at 2.86 GB)."""
    from hostile import live_server

    config = {
        "CQPI_STORE": str(web_store),
        "SPARQL_TIMEOUT": 10.0,
        "SPARQL_WORKER_MEMORY": 256 << 20,
        "SPARQL_MAX_RESPONSE_BYTES": 1 << 20,
    }
    with live_server(config) as server:
        q = urllib.parse.urlencode({"query": concat_query(24)})
        t0 = time.monotonic()
        status, body = server.get("/sparql?" + q, timeout=60)
        elapsed = time.monotonic() - t0
        assert status in (400, 503), (status, body[:300])
        text = body.decode("utf-8", "replace")
        assert "mémoire" in text or "Mo" in text or "délai" in text, text
        assert elapsed < config["SPARQL_TIMEOUT"] + 5
        assert server.alive() and server.get("/")[0] == 200
        assert server.get("/sparql?query=ASK%7B%7D")[0] == 200
        peak = server.peak_memory()
    record("queries refused (memory cap of the query worker)")
    record("web process peak memory during the CONCAT attack (MiB)", peak >> 20)
    assert peak < 400 << 20, f"the web process grew to {peak >> 20} MiB"
