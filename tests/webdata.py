"""A store for the web view tests: the project's build plus tests/data/web-fixture.ttl in a graph
of its own, with inference run again so the fixture gets the same materialised types."""

from __future__ import annotations

import contextlib
import socketserver
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

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


# The limits the web tests run with: small enough to reach them on purpose.
TEST_LIMITS = {
    "SPARQL_TIMEOUT": 3.0,
    "SPARQL_MAX_RESULTS": 500,
    "SPARQL_MAX_QUERY_BYTES": 4096,
    "UPLOAD_MAX_BYTES": 20_000,
}


@contextlib.contextmanager
def web_app(store: Path, **config: object) -> Iterator[Flask]:
    """The app on a test store, with TEST_LIMITS (overridable); its query workers stopped after."""
    from web import create_app

    application = create_app({"CQPI_STORE": str(store), **TEST_LIMITS, **config})
    try:
        yield application
    finally:
        pool = application.extensions.get("cqpi_sparql_pool")
        if pool:
            pool.close()


@contextlib.contextmanager
def serving(httpd: socketserver.BaseServer) -> Iterator[int]:
    """`httpd` serving on a daemon thread for the block (its port); shut down and joined after."""
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]  # type: ignore[attr-defined]
    finally:
        httpd.shutdown()
        thread.join(10)


def web_fixtures() -> tuple[Callable[..., Any], ...]:
    """Module fixtures `web_store` (the web test store), `app` (web_app on it, with a downloads
    folder holding a one-line dump) and `client`; a module takes them with
    `web_store, app, client = web_fixtures()`."""

    @pytest.fixture(scope="module")
    def web_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
        return build_web_store(tmp_path_factory.mktemp(request.module.__name__) / "store")

    @pytest.fixture(scope="module")
    def app(web_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
        downloads = tmp_path_factory.mktemp("downloads")
        (downloads / "cqpi-graph.nq").write_text("<a:b> <a:b> <a:b> .\n")
        with web_app(web_store, DOWNLOADS_DIR=str(downloads)) as application:
            yield application

    @pytest.fixture
    def client(app: Flask):  # noqa: ANN202
        return app.test_client()

    return web_store, app, client
