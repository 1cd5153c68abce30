"""Warm a web worker before it serves: open the generation's indexes (all built by `cqpi build`
and kept beside the generation: nothing is computed here, only read) and compile the templates,
then render one page of each kind in the worker itself (what is imported, compiled or cached on
first use: lazy imports, Jinja's macros, werkzeug's routing), so that the first request of every
page kind costs what the next ones do.

`cqpi serve` warms its process before it listens; gunicorn workers warm in `create_app` when
CQPI_WARM=1 (each worker before it accepts connections)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from flask import Flask

if TYPE_CHECKING:
    from cqpi_graph.catalog import Catalog


def warm(app: Flask) -> dict[str, float]:
    """Load every index of the live generation; returns the seconds each took (errors are logged:
    a worker that could not warm still serves, and loads on first use)."""
    from cqpi_graph.catalog import load_catalog
    from cqpi_graph.paths import load_graph
    from cqpi_graph.search import load_search_index
    from cqpi_graph.socle import load_index
    from cqpi_graph.textsim.model import load_model

    from .graph import GraphHolder

    times: dict[str, float] = {}
    holder: GraphHolder = app.extensions["cqpi_graph"]
    try:
        store = holder.store()
    except Exception as exc:  # noqa: BLE001 - no graph yet: nothing to warm
        app.logger.warning("warm-up skipped: %s", exc)
        return times
    steps = [
        ("search", lambda: load_search_index(store).preload()),
        ("catalog", lambda: load_catalog(store)),
        ("recognition graph", lambda: load_graph(store)),
        ("competence index", lambda: load_index(store)),
        ("text model", lambda: load_model(store)),
        ("templates", lambda: [app.jinja_env.get_template(t) for t in app.jinja_env.list_templates()]),
        ("sparql worker", lambda: _start_query_worker(app)),
        ("first pages", lambda: _first_pages(app, load_catalog(store))),
    ]
    for name, step in steps:
        t = time.perf_counter()
        try:
            step()
        except Exception:  # noqa: BLE001 - the page that needs it will say what is wrong
            app.logger.exception("warm-up: %s", name)
        times[name] = round(time.perf_counter() - t, 3)
    return times


def _start_query_worker(app: Flask) -> None:
    """/sparql runs queries in worker processes started on first use: start one now."""
    from .sparql import pool

    with app.app_context():
        pool().run("ASK {}")


def _first_pages(app: Flask, catalog: Catalog) -> None:
    """One request of each page kind through the app, with two certifications of the catalog."""
    from .graph import local_path

    certs = []
    for iri in catalog.groups():
        c = catalog.certification(iri)
        if c.codes and local_path(iri) and "?" not in iri and "#" not in iri:
            certs.append(c)
            if len(certs) == 2:
                break
    pages = ["/", "/downloads", "/paths", "/socle"]
    if certs:
        a, b = certs[0], certs[-1]
        pages += [
            "/resource/" + quote(local_path(a.iri) or "", safe="/"),
            "/search?" + urlencode({"q": a.label or a.code}),
            "/paths?" + urlencode({"from": a.code, "to": b.code}),
            "/socle?" + urlencode({"cert": [a.code, b.code]}, doseq=True),
        ]
    client = app.test_client()
    failed = [path for path in pages if client.get(path, headers={"Accept": "text/html"}).status_code >= 500]
    if failed:
        raise RuntimeError("warm-up pages failed: " + ", ".join(failed))
