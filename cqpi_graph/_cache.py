"""Per-generation caches: an in-memory structure built from a store is reused until the store changes.

The embedded store is written copy-on-write, so its live generation directory names one
immutable state of the graph; a remote store is keyed by its location and the size of its
meta graph (every build, import or alignment run rewrites the meta graph).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from .namespaces import Graphs
from .store import Store

T = TypeVar("T")
_MAX_ENTRIES = 4
_caches: dict[str, OrderedDict[tuple, object]] = {}
_lock = threading.Lock()


def generation_key(store: Store) -> tuple:
    """What identifies the state of the graph a store shows."""
    directory = getattr(store, "directory", None)
    if directory is not None:
        return ("embedded", str(directory))
    return ("remote", store.location, store.count(Graphs.META))


def cached(name: str, store: Store, build: Callable[[Store], T], extra: tuple = ()) -> T:
    """build(store), computed once per store generation (and extra key)."""
    key = (*generation_key(store), *extra)
    with _lock:
        cache = _caches.setdefault(name, OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            return cache[key]  # type: ignore[return-value]
    value = build(store)
    with _lock:
        cache[key] = value
        while len(cache) > _MAX_ENTRIES:
            cache.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached structure (tests, long-running servers after a rebuild)."""
    with _lock:
        _caches.clear()
