"""The graph as the web view reads it: one read-only store per process, reopened on a new build,
and the one label function every page uses (the catalog's names and label rule)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

from flask import Flask, current_app, g

from cqpi_graph.catalog import LabelCandidate, choose_label, load_catalog, local_name
from cqpi_graph.errors import StoreNotBuiltError
from cqpi_graph.namespaces import ID, PREFIXES
from cqpi_graph.store import Row, Store, Term, default_location, open_store

LABEL_PROPS = ("rdfs:label", "skos:prefLabel", "dct:title", "schema:name", "foaf:name")
CODE_PROPS = ("cq:abbreviation", "skos:notation", "cq:code", "cq:rncpCode", "cq:bcnCode", "cq:idcc")


class GraphHolder:
    """Opens the store lazily and reopens it read-only when `current` points elsewhere."""

    def __init__(self, location: str | None, endpoint: str | None) -> None:
        self.endpoint = endpoint
        self.location = Path(location) if location else default_location()
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._generation: str | None = None

    def generation(self) -> str | None:
        if self.endpoint:
            return "remote"
        try:
            return os.readlink(self.location / "current")
        except OSError:
            return None

    def store(self) -> Store:
        gen = self.generation()
        with self._lock:
            if self._store is None or gen != self._generation:
                if gen is None:
                    raise StoreNotBuiltError(
                        f"aucun graphe à l'emplacement {self.location} : lancez d'abord `cqpi build`"
                    )
                old = self._store
                self._store = open_store(self.location, endpoint=self.endpoint)
                self._generation = gen
                if old is not None:
                    old.close()
            return self._store


def init_app(app: Flask) -> None:
    app.extensions["cqpi_graph"] = GraphHolder(app.config["CQPI_STORE"], app.config["CQPI_ENDPOINT"])


def holder() -> GraphHolder:
    return current_app.extensions["cqpi_graph"]


def store() -> Store:
    if "store" not in g:
        g.store = holder().store()
    return g.store


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
    """Label of each IRI in the interface language. Certifications, blocs and branches are named
    by the catalog (the same name as in the CLI and the exports); other resources by the same
    rule (`catalog.choose_label`) over their labels, then a code, then the IRI's last segment."""
    wanted = sorted({i for i in iris if iri_ok(i)})
    cache = _label_cache()
    cat = load_catalog(store())
    for i in wanted:
        if i not in cache:
            known = cat.label(i, lang())
            if known:
                cache[i] = known
    todo = [i for i in wanted if i not in cache]
    for start in range(0, len(todo), 200):
        chunk = todo[start : start + 200]
        values = " ".join(f"<{i}>" for i in chunk)
        rows = store().select(
            f"SELECT ?s ?l ?kind WHERE {{ VALUES ?s {{ {values} }} "
            f"{{ ?s {'|'.join(LABEL_PROPS)} ?l BIND(0 AS ?kind) }} UNION "
            f"{{ ?s {'|'.join(CODE_PROPS)} ?l BIND(1 AS ?kind) }} }}"
        )
        found: dict[str, list[LabelCandidate]] = {}
        codes: dict[str, str] = {}
        for r in rows:
            term = r["l"]
            if term.kind != "literal":
                continue
            if r["kind"].value == "0":
                found.setdefault(r["s"].value, []).append(LabelCandidate(term.value, term.lang))
            else:
                codes[r["s"].value] = min(codes.get(r["s"].value, term.value), term.value)
        for i in chunk:
            cache[i] = choose_label(found.get(i, []), lang()) or codes.get(i) or _fallback(i)
    return {i: cache.get(i, _fallback(i)) for i in iris}


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
