"""Full-text search of the graph (SQLite FTS5), and the side table of certification facets.

    from cqpi_graph.search import load_search_index, Filters
    index = load_search_index(store)
    page = index.search("bac pro maintenance", Filters(status=["active"]), page=1, per_page=20)
    page.total, page.kind, [h.label for h in page.hits], page.facets["level"]

`cqpi build` (and every import) writes the index beside the new generation
(`build_search_database`); readers open it in milliseconds. A store without one (a remote server,
a generation written by other means) gets it built on first use, then kept.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from pathlib import Path

from .. import _cache
from ..catalog import Catalog, load_catalog
from ..facets import FacetRow, compute_facets
from ..store import Store
from .index import SCHEMA_VERSION, build_search_index
from .query import FACET_DIMS, FacetCount, Filters, Hit, SearchIndex, SearchPage

__all__ = [
    "FACET_DIMS",
    "FacetCount",
    "Filters",
    "Hit",
    "SearchIndex",
    "SearchPage",
    "build_search_database",
    "load_facets",
    "load_search_index",
    "search",
]

NAME = "search"
_lock = threading.Lock()
_building: dict[tuple, threading.Lock] = {}
_open: dict[tuple, SearchIndex] = {}
_MAX_OPEN = 4


def index_path(store: Store) -> Path:
    """Where the store's generation keeps its search database."""
    path = _cache.generation_file(store, NAME, (SCHEMA_VERSION,), ".sqlite")
    if path is not None:
        return path
    key = repr(_cache.generation_key(store)).encode()
    return Path(tempfile.gettempdir()) / f"cqpi-search-{hashlib.sha256(key).hexdigest()[:16]}.sqlite"


def build_search_database(
    store: Store, catalog: Catalog | None = None, rows: list[FacetRow] | None = None
) -> Path:
    """Write the search database of the store's (new) generation; returns its path."""
    cat = catalog or load_catalog(store)
    rows = rows if rows is not None else compute_facets(store, cat)
    path = index_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    directory = getattr(store, "directory", None)
    build_search_index(
        store, path, cat, rows, Path(str(directory)).name.removesuffix(".tmp") if directory else "remote"
    )
    return path


def load_search_index(store: Store) -> SearchIndex:
    """The search index of the store's current generation: opened from disk (built only when the
    generation has none)."""
    key = _cache.generation_key(store)
    with _lock:
        found = _open.get(key)
        if found is not None:
            return found
    path = index_path(store)
    with _building.setdefault(key, threading.Lock()):  # one thread builds a missing index
        if not path.is_file():
            build_search_database(store)
    index = SearchIndex(path)
    with _lock:
        _open[key] = index
        while len(_open) > _MAX_OPEN:
            _open.pop(next(iter(_open))).close()
    return index


def load_facets(store: Store, iris: list[str] | None = None) -> list[FacetRow]:
    """The facet rows of the generation's side table (all certifications, or the given ones)."""
    return load_search_index(store).certifications(iris)


def search(store: Store, q: str, filters: Filters | None = None, **kwargs: object) -> SearchPage:
    """`SearchIndex.search` on the store's current generation."""
    return load_search_index(store).search(q, filters, **kwargs)  # type: ignore[arg-type]


def forget() -> None:
    """Close every open index (tests, after a store is removed)."""
    with _lock:
        for index in _open.values():
            index.close()
        _open.clear()
