"""The graph as the web view reads it: one read-only store per process, reopened on a new build,
and the one label function every page uses (the catalog's names and label rule).

A build that goes live while requests run is not noticed by any of them: each request holds the
store it started with until it ends (a counted handle), the next requests get the new one, and
the old store is closed when its last request is done.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g, has_app_context

from cqpi_graph.catalog import local_name
from cqpi_graph.catalog.names import resource_labels
from cqpi_graph.errors import StoreNotBuiltError
from cqpi_graph.namespaces import ID, PREFIXES
from cqpi_graph.store import Endpoint, Row, Store, Term, default_location, open_store


def remote(endpoint: str | None) -> Endpoint | None:
    """The server of the site's configuration, with the CQPI_* settings of its environment (the web
    app, like the command line, is where the environment is read)."""
    return Endpoint.from_env(endpoint) if endpoint else None


@dataclass(eq=False)
class Handle:
    """One open store (a generation) and the requests reading it."""

    store: Store
    generation: str
    users: int = 0
    retired: bool = False  # a newer generation is live: close once the last user is done


class GraphHolder:
    """Opens the store lazily and reopens it read-only when `current` points elsewhere."""

    def __init__(self, location: str | None, endpoint: str | None) -> None:
        self.endpoint = endpoint
        self.location = Path(location) if location else default_location()
        self._lock = threading.Lock()
        self._current: Handle | None = None

    def generation(self) -> str | None:
        if self.endpoint:
            return "remote"
        try:
            return os.readlink(self.location / "current")
        except OSError:
            return None

    def acquire(self) -> Handle:
        """The current store, counted as used until `release`."""
        gen = self.generation()
        with self._lock:
            cur = self._current
            if cur is None or gen != cur.generation:
                if gen is None:
                    raise StoreNotBuiltError(
                        f"aucun graphe à l'emplacement {self.location} : lancez d'abord `cqpi build`"
                    )
                store = open_store(self.location, endpoint=remote(self.endpoint))
                # open_store may have found a newer generation than the one read above
                actual = getattr(store, "directory", None)
                new = Handle(store, actual.name if actual is not None else gen)
                self._current = new
                if cur is not None:
                    cur.retired = True
                    if cur.users == 0:
                        cur.store.close()
                cur = new
            cur.users += 1
            return cur

    def release(self, handle: Handle) -> None:
        with self._lock:
            handle.users -= 1
            if handle.retired and handle.users == 0:
                handle.store.close()

    def handle(self) -> Handle:
        """The handle of this request (taken on first use, released when the request ends)."""
        if not has_app_context():
            return self.acquire()  # outside a request: kept open for the process
        held = g.get("graph_handle")
        if held is None or g.get("graph_holder") is not self:
            held = g.graph_handle = self.acquire()
            g.graph_holder = self
        return held

    def store(self) -> Store:
        return self.handle().store


def _release_handle(exc: BaseException | None = None) -> None:
    held = g.pop("graph_handle", None)
    holder_ = g.pop("graph_holder", None)
    if held is not None and holder_ is not None:
        holder_.release(held)


def init_app(app: Flask) -> None:
    app.extensions["cqpi_graph"] = GraphHolder(app.config["CQPI_STORE"], app.config["CQPI_ENDPOINT"])
    app.teardown_appcontext(_release_handle)


def holder() -> GraphHolder:
    return current_app.extensions["cqpi_graph"]


def store() -> Store:
    return holder().store()


def select(query: str) -> list[Row]:
    return store().select(query)


def ask(query: str) -> bool:
    return store().ask(query)


# ---------------------------------------------------------------- IRIs and literals


def iri_ok(iri: str) -> bool:
    """An IRI safe to put between <> in a query."""
    return bool(iri) and not any(c in iri for c in '<>"{}|^`\\ \n\r\t')


def sparql_string(text: str) -> str:
    """A SPARQL string literal."""
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{esc}"'


def local_path(iri: str) -> str | None:
    """`cqpi/CEI` for https://w3id.org/cqpi/id/cqpi/CEI, else None."""
    return iri[len(ID) :] if iri.startswith(ID) and len(iri) > len(ID) else None


def compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def lang() -> str:
    return getattr(g, "lang", "fr")


# ---------------------------------------------------------------- labels


def labels(iris: Iterable[str]) -> dict[str, str]:
    """Label of each IRI in the interface language (`catalog.names.resource_labels`: the catalog's
    names, then the label rule), kept for the generation."""
    iris = list(iris)
    cache = _label_cache()
    todo = [i for i in dict.fromkeys(iris) if i not in cache and iri_ok(i)]
    if todo:
        cache.update(resource_labels(store(), todo, lang()))
    return {i: cache.get(i) or _fallback(i) for i in iris}


_LABELS: dict[tuple[str, str], dict[str, str]] = {}  # (generation, language) -> IRI -> label
_LABELS_MAX = 200_000


def _label_cache() -> dict[str, str]:
    """Labels already chosen: for the whole generation of an embedded store (a generation never
    changes: most labels of a page — types, levels, code lists — are those of the last pages),
    for the request only on a remote server."""
    if not _has_g():
        return {}
    if "labels" in g:  # this request's cache (a page asks for labels a hundred times)
        return g.labels
    h = holder()
    gen = None if h.endpoint else h.generation()
    if gen is None:
        g.labels = {}
        return g.labels
    key = (gen, lang())
    cache = _LABELS.get(key)
    if cache is None or len(cache) > _LABELS_MAX:
        if len(_LABELS) >= 4:
            _LABELS.clear()
        cache = _LABELS[key] = {}
    g.labels = cache
    return cache


def label(iri: str | Term) -> str:
    value = iri.value if isinstance(iri, Term) else iri
    return labels([value])[value]


def _fallback(iri: str) -> str:
    return local_name(iri)


def _has_g() -> bool:
    try:
        g.get("x")
        return True
    except RuntimeError:
        return False


def literal_text(rows: Iterable[Term]) -> str | None:
    """The best of several literals (interface language first)."""
    items = list(rows)
    if not items:
        return None
    first = lang()
    order = {first: 0, ("en" if first == "fr" else "fr"): 1, None: 2}
    return min(items, key=lambda t: (order.get(t.lang, 3), t.value)).value
