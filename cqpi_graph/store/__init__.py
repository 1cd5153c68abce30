"""Open the graph store: the embedded Oxigraph store by default, or a remote SPARQL server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from .base import RDF_FORMATS, RESULT_FORMATS, Row, Store, Term, with_prefixes
from .embedded import EmbeddedStore, default_location, open_embedded, write_embedded
from .endpoint import Endpoint, resolve

__all__ = [
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "EmbeddedStore",
    "Endpoint",
    "Row",
    "Store",
    "Term",
    "default_location",
    "open_store",
    "store_writer",
    "with_prefixes",
]


def open_store(location: Path | str | None = None, *, endpoint: str | Endpoint | None = None) -> Store:
    """The store to read: a remote SPARQL endpoint if one is given, else the embedded store."""
    ep = resolve(endpoint)
    if ep:
        from .remote import RemoteStore

        return RemoteStore.at(ep)
    return open_embedded(location)


@contextlib.contextmanager
def store_writer(
    location: Path | str | None = None,
    *,
    endpoint: str | Endpoint | None = None,
    fresh: bool = False,
    without: Iterable[str] = (),
) -> Iterator[Store]:
    """A store to write: changes become visible only when the block succeeds.

    without: graphs the write replaces whole, left out of the copy of the current graph (the
    embedded store copies the others in bulk; a remote store copies everything as before).
    """
    ep = resolve(endpoint)
    if ep:
        from .remote import RemoteStore

        with RemoteStore.at(ep).writer(fresh=fresh) as store:
            yield store
        return
    with write_embedded(location, fresh=fresh, without=without) as store:
        yield store
