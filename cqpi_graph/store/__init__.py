"""Open the graph store: the embedded Oxigraph store by default, or a remote SPARQL server."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .base import RDF_FORMATS, RESULT_FORMATS, Row, Store, Term, with_prefixes
from .embedded import EmbeddedStore, default_location, open_embedded, write_embedded

__all__ = [
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "EmbeddedStore",
    "Row",
    "Store",
    "Term",
    "default_location",
    "open_store",
    "store_writer",
    "with_prefixes",
]


def _endpoint(endpoint: str | None) -> str | None:
    return endpoint or os.environ.get("CQPI_ENDPOINT") or None


def open_store(location: Path | str | None = None, *, endpoint: str | None = None) -> Store:
    """The store to read: a remote SPARQL endpoint if one is given, else the embedded store."""
    url = _endpoint(endpoint)
    if url:
        from .remote import RemoteStore

        return RemoteStore.from_env(url)
    return open_embedded(location)


@contextlib.contextmanager
def store_writer(
    location: Path | str | None = None,
    *,
    endpoint: str | None = None,
    fresh: bool = False,
    without: Iterable[str] = (),
) -> Iterator[Store]:
    """A store to write: changes become visible only when the block succeeds.

    without: graphs the write replaces whole, left out of the copy of the current graph (the
    embedded store copies the others in bulk; a remote store copies everything as before).
    """
    url = _endpoint(endpoint)
    if url:
        from .remote import RemoteStore

        with RemoteStore.from_env(url).writer(fresh=fresh) as store:
            yield store
        return
    with write_embedded(location, fresh=fresh, without=without) as store:
        yield store
