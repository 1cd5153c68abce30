"""Per-generation caches: an in-memory structure built from a store is reused until the store changes.

The embedded store is written copy-on-write, so its live generation directory names one
immutable state of the graph; a remote store is keyed by its location and the size of its
meta graph (every build, import or alignment run rewrites the meta graph).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from .namespaces import Graphs
from .store import Store

T = TypeVar("T")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_MAX_ENTRIES = 4
_caches: dict[str, OrderedDict[tuple, object]] = {}
_building: dict[tuple, threading.Lock] = {}
_lock = threading.Lock()


def generation_key(store: Store) -> tuple:
    """What identifies the state of the graph a store shows."""
    directory = getattr(store, "directory", None)
    if directory is not None:
        return ("embedded", str(directory))
    return ("remote", store.location, store.count(Graphs.META))


def _disk_path(store: Store, name: str, extra: tuple) -> Path | None:
    """Where an embedded store's generation keeps this structure between processes.

    STORE/cache/<generation>/<name>-<hash>.pickle: the generation is immutable, so the file is
    valid for as long as it exists; the store removes it with its generation.
    """
    directory = getattr(store, "directory", None)
    location = getattr(store, "location", None)
    if not _is_generation(directory, location) or Path(str(directory)).name.endswith(".tmp"):
        return None  # a writer's state is not final: the build's index step keeps what it computed
    return _generation_file(location, Path(directory).name, name, extra)  # type: ignore[arg-type]


def _is_generation(directory: object, location: object) -> bool:
    """A generation folder of an embedded store (not the scratch store of a remote write)."""
    if directory is None or location is None:
        return False
    return Path(str(directory)).parent == Path(str(location))


def _generation_file(
    location: str, generation: str, name: str, extra: tuple, suffix: str = ".pickle"
) -> Path | None:
    if os.environ.get("CQPI_NO_DISK_CACHE"):
        return None
    digest = hashlib.sha256(repr(extra).encode()).hexdigest()[:12]
    return Path(location) / "cache" / generation / f"{name}-{digest}{suffix}"


def generation_file(store: Store, name: str, extra: tuple = (), suffix: str = ".pickle") -> Path | None:
    """The file of a structure kept beside the store's generation (None: a remote store, or a
    store that is not a generation). A generation's writer gets the path its readers will use."""
    directory = getattr(store, "directory", None)
    location = getattr(store, "location", None)
    if not _is_generation(directory, location):
        return None
    generation = Path(str(directory)).name.removesuffix(".tmp")
    return _generation_file(str(location), generation, name, extra, suffix)


def _load(path: Path | None) -> object | None:
    if path is None or not path.is_file():
        return None
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # written by this program into the store's own folder
    except Exception:  # noqa: BLE001 - a stale or partial cache is rebuilt, never fatal
        return None


def _save(path: Path | None, value: object) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - read-only store folder, full disk: stay in memory
        return


def save_for_generation(store: Store, name: str, value: object, extra: tuple = ()) -> None:
    """Keep a structure computed by the writer of a generation for that generation's readers.

    The writer's directory is the generation's name plus ``.tmp`` until it is swapped in; the
    structure must be computed from the generation's final content (the writer's last step).
    """
    directory = getattr(store, "directory", None)
    if directory is None or not _is_generation(directory, store.location):
        return
    _save(_generation_file(store.location, Path(directory).name.removesuffix(".tmp"), name, extra), value)


def cached(name: str, store: Store, build: Callable[[Store], T], extra: tuple = ()) -> T:
    """build(store), computed once per store generation (and extra key), across processes.

    Threads that need the same structure at once (a web server after a build went live) wait
    for the first one to build it rather than each building its own.
    """
    key = (*generation_key(store), *extra)
    with _lock:
        cache = _caches.setdefault(name, OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            return cache[key]  # type: ignore[return-value]
        building = _building.setdefault((name, key), threading.Lock())
    with building:
        with _lock:
            if key in cache:
                return cache[key]  # type: ignore[return-value]
        disk = _disk_path(store, name, extra)
        loaded = _load(disk)
        value: T = build(store) if loaded is None else loaded  # type: ignore[assignment]
        if loaded is None:
            _save(disk, value)
        with _lock:
            cache[key] = value
            _building.pop((name, key), None)
            while len(cache) > _MAX_ENTRIES:
                cache.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached structure (tests, long-running servers after a rebuild)."""
    with _lock:
        _caches.clear()


def iter_triples(store: Store, predicates: tuple[str, ...] | list[str]) -> Iterator[tuple]:
    """(subject, predicate, object, object language, graph, object is an IRI) of every quad with
    one of the predicates, in any named graph; duplicates across graphs are kept (the graph differs).

    Reads through `Store.quads_for_pattern`: Oxigraph's indexes on the embedded store (a SPARQL
    SELECT over the union graph is about fifty times slower for bulk reads), SPARQL on a server.
    """
    for p in predicates:
        for q in store.quads_for_pattern(None, p, None, None):
            o = q.object
            lang = o.language if isinstance(o, ox.Literal) else None
            yield (q.subject, p, o.value, lang, q.graph, isinstance(o, ox.NamedNode))


def subjects_with(store: Store, predicate: str, obj: str) -> list[str]:
    """The IRIs that have this IRI as value of this predicate, in any named graph (may repeat)."""
    quads = store.quads_for_pattern(None, predicate, obj, None)
    return [q.subject for q in quads if not q.subject.startswith("_:")]


def subjects_of_type(store: Store, classes: Iterable[str]) -> list[tuple[str, str]]:
    """(resource IRI, class) for every rdf:type of one of the classes, in any named graph."""
    out: list[tuple[str, str]] = []
    for c in classes:
        for q in store.quads_for_pattern(None, RDF_TYPE, c, None):
            if not q.subject.startswith("_:"):
                out.append((q.subject, c))
    return out
