"""The embedded store: an on-disk Oxigraph database, written copy-on-write.

Layout of a store location PATH:
    PATH/current      symlink to the live generation (a RocksDB directory)
    PATH/gen-*        generations; a writer fills a new one and swaps `current` atomically
    PATH/lock         held (flock) by the one writer
    PATH/gen-*.readers  a shared lock (flock) per reader of that generation
Readers open the live generation read-only; they never see a half-written one, and a writer
never removes a generation a reader still holds open (the reader's shared lock on
gen-*.readers): a web request or a query worker that opened the store before a build went live
keeps reading it until it closes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import QuerySyntaxError, StoreError, StoreLockedError, StoreNotBuiltError
from ..locations import user_data_path
from ..messages import Quoted, msg
from ..namespaces import PREFIXES
from .base import Object, QuadRef, Row, Store, Term
from .memo import ReadMemo

RDF_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
RESULT_FORMAT = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
KEEP_OLD_GENERATIONS = 1  # a reader that opened the previous one keeps working


def to_term(t: object) -> Term:
    if isinstance(t, ox.NamedNode):
        return Term("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", t.value)
    if isinstance(t, ox.Literal):
        dt = t.datatype.value
        if t.language:
            return Term("literal", t.value, lang=t.language)
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Term("literal", t.value)
        return Term("literal", t.value, datatype=dt)
    return Term("triple", str(t))


def _syntax_error(exc: SyntaxError, what: str) -> QuerySyntaxError:
    # what: "requête SPARQL" or "mise à jour SPARQL"; the parser's own diagnostic stays as it is
    return QuerySyntaxError(msg(what + " invalide : {detail}", detail=Quoted(str(exc))))


QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class EmbeddedStore(Store):
    """One generation of an on-disk Oxigraph store."""

    def __init__(self, store: ox.Store, location: str, directory: Path, lease: int | None = None) -> None:
        self._store = store
        self.location = location
        self.directory = directory
        self._lease = lease  # descriptor of the generation's readers file, shared-locked
        self._memo: ReadMemo | None = None

    # -- reading
    def _query(self, query: str, base_iri: str | None = None) -> QueryResult:
        try:
            return self._store.query(
                query, prefixes=PREFIXES, use_default_graph_as_union=True, base_iri=base_iri
            )
        except SyntaxError as exc:
            raise _syntax_error(exc, "requête SPARQL") from None
        except OSError as exc:
            raise StoreError(f"erreur d'évaluation de la requête : {exc}") from None

    def select(self, query: str) -> list[Row]:
        result = self._query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError(msg("une requête SELECT était attendue"))
        names = [v.value for v in result.variables]
        rows: list[Row] = []
        for sol in result:
            row: Row = {}
            for name in names:
                value = sol[name]
                if value is not None:
                    row[name] = to_term(value)
            rows.append(row)
        return rows

    def ask(self, query: str) -> bool:
        result = self._query(query)
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError(msg("une requête ASK était attendue"))
        return bool(result)

    def construct(self, query: str, fmt: str = "ntriples") -> bytes:
        result = self._query(query)
        if not isinstance(result, ox.QueryTriples):
            raise QuerySyntaxError("une requête CONSTRUCT ou DESCRIBE était attendue")
        return result.serialize(format=RDF_FORMAT[fmt]) or b""

    def query_serialized(self, query: str, fmt: str, *, base_iri: str | None = None) -> tuple[str, bytes]:
        result = self._query(query, base_iri)
        if isinstance(result, ox.QueryTriples):
            return "graph", result.serialize(format=RDF_FORMAT.get(fmt, ox.RdfFormat.TURTLE)) or b""
        kind = "ask" if isinstance(result, ox.QueryBoolean) else "select"
        results_format = RESULT_FORMAT.get(fmt, ox.QueryResultsFormat.JSON)
        return kind, result.serialize(format=results_format) or b""

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"].value)

    def dump(self, output: BinaryIO | Path, fmt: str, graph: str | None = None) -> None:
        """Streamed; a triple format of the whole store writes the union of the graphs, each
        triple once."""
        rdf_format = RDF_FORMAT[fmt]
        prefixes = PREFIXES if fmt in ("turtle", "trig", "rdfxml") else None
        data: Iterable[ox.Quad] | Iterable[ox.Triple]
        if graph is not None:
            quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            data = quads if rdf_format.supports_datasets else (q.triple for q in quads)
        elif rdf_format.supports_datasets:
            data = self._store.quads_for_pattern(None, None, None, None)
        else:
            data = _union_triples(self._store)
        ox.serialize(data, output, format=rdf_format, prefixes=prefixes)

    # -- writing
    @contextlib.contextmanager
    def memo_reads(self) -> Iterator[None]:
        """Keep bulk reads in memory until a write could change them (store/memo.py)."""
        self._memo = ReadMemo()
        try:
            yield
        finally:
            self._memo = None

    def update(self, update: str) -> None:
        if self._memo is not None:
            self._memo.updated(update)
        try:
            self._store.update(update, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise _syntax_error(exc, "mise à jour SPARQL") from None

    def load(self, data: bytes | Path, fmt: str, graph: str | None = None) -> None:
        if self._memo is not None:
            self._memo.loaded(graph)
        to_graph = ox.NamedNode(graph) if graph is not None else None
        if isinstance(data, Path):
            self._store.bulk_load(path=str(data), format=RDF_FORMAT[fmt], to_graph=to_graph)
        else:
            self._store.bulk_load(data, format=RDF_FORMAT[fmt], to_graph=to_graph)

    def add_quads(self, quads: Iterable[tuple[str, str, str, str]]) -> int:
        """Quads as N-Triples terms; parsed in batches by Oxigraph's own N-Quads parser."""
        memo = self._memo
        written: set[str] = set()  # predicates, then graphs (a memo's reads they may change)
        by_object = memo.object_predicates() if memo is not None else set()
        objects: set[tuple[str, str]] = set()
        n = 0
        batch: list[str] = []
        for s, p, o, g in quads:
            batch.append(f"{s} {p} {o} <{g}> .\n")
            if memo is not None:
                written.add(p)
                written.add(g)
                if p in by_object:
                    objects.add((p[1:-1], o[1:-1]))
            if len(batch) >= 50_000:
                self._store.bulk_load(input="".join(batch).encode(), format=ox.RdfFormat.N_QUADS)
                n += len(batch)
                batch.clear()
        if batch:
            self._store.bulk_load(input="".join(batch).encode(), format=ox.RdfFormat.N_QUADS)
            n += len(batch)
        if memo is not None:
            memo.wrote({p[1:-1] for p in written if p.startswith("<")}, objects, written)
        return n

    def clear_graph(self, graph: str) -> None:
        if self._memo is not None:
            self._memo.cleared(graph)
        node = ox.NamedNode(graph)
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Raw Oxigraph quads (fast path for in-process consumers such as inference)."""
        g = ox.NamedNode(graph) if graph else None
        return self._store.quads_for_pattern(None, None, None, g)

    def quads_for_pattern(
        self,
        subject: str | None = None,
        predicate: str | None = None,
        obj: Object | str | None = None,
        graph: str | None = None,
    ) -> Iterator[QuadRef]:
        """Quads of named graphs from Oxigraph's indexes (the default graph is never used)."""
        if self._memo is not None and subject is None:
            key = self._memo.key(predicate, obj, graph)
            return self._memo.read(key, self._quads_for_pattern(None, predicate, obj, graph))
        return self._quads_for_pattern(subject, predicate, obj, graph)

    def _quads_for_pattern(
        self,
        subject: str | None,
        predicate: str | None,
        obj: Object | str | None,
        graph: str | None,
    ) -> Iterator[QuadRef]:
        s: ox.NamedNode | ox.BlankNode | None = None
        if subject is not None:
            s = ox.BlankNode(subject[2:]) if subject.startswith("_:") else ox.NamedNode(subject)
        p = ox.NamedNode(predicate) if predicate is not None else None
        o = ox.NamedNode(obj) if isinstance(obj, str) else obj
        g = ox.NamedNode(graph) if graph is not None else None
        for q in self._store.quads_for_pattern(s, p, o, g):
            sub, obj_, gn = q.subject, q.object, q.graph_name
            if isinstance(sub, ox.Triple) or isinstance(obj_, ox.Triple) or isinstance(gn, ox.DefaultGraph):
                continue
            name = sub.value if isinstance(sub, ox.NamedNode) else "_:" + sub.value
            # the pattern's own strings when it names them (one string, not one per quad)
            yield QuadRef(
                name,
                predicate if predicate is not None else q.predicate.value,
                obj_,
                graph if graph is not None else gn.value,
            )

    def quads_about(self, subjects: Iterable[str]) -> Iterator[QuadRef]:
        for subject in sorted(set(subjects)):
            yield from self.quads_for_pattern(subject)

    def snapshot(self) -> ox.Store:
        return self._store

    def optimize(self) -> None:
        self._store.flush()
        self._store.optimize()

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]
        _release(self._lease)
        self._lease = None

    def __del__(self) -> None:
        _release(getattr(self, "_lease", None))


# ---------------------------------------------------------------- locations and generations


def default_location() -> Path:
    """$CQPI_STORE, else $XDG_DATA_HOME/cqpi-graph/store (~/.local/share/cqpi-graph/store)."""
    return user_data_path("CQPI_STORE", "store")


def live_generation(location: Path) -> Path | None:
    current = location / "current"
    if current.is_symlink() or current.exists():
        target = current.resolve()
        if target.is_dir():
            return target
    return None


READERS = ".readers"  # suffix of a generation's reader lock file


class _Gone(Exception):
    """The generation is being removed: resolve `current` again."""


def _release(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)  # closing the descriptor drops its lock


def _lease(location: Path, gen: Path) -> int | None:
    """A shared lock on the generation's readers file, or None for a generation without one
    (written before reader locks existed). A writer's clean-up holding it exclusively means the
    generation is going away: _Gone."""
    try:
        fd = os.open(location / (gen.name + READERS), os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise _Gone from None
    return fd


def open_embedded(location: Path | str | None = None) -> EmbeddedStore:
    """Open the live generation of a store read-only (kept from removal until closed)."""
    loc = Path(location) if location else default_location()
    for _ in range(20):  # a build going live at this very moment: try the new generation
        gen = live_generation(loc)
        if gen is None:
            raise StoreNotBuiltError(
                f"aucun graphe à l'emplacement {loc} : lancez d'abord `cqpi build` "
                f"(no store at {loc}: run `cqpi build` first)"
            )
        try:
            lease = _lease(loc, gen)
        except _Gone:
            time.sleep(0.01)
            continue
        try:
            store = ox.Store.read_only(str(gen))
        except OSError as exc:
            _release(lease)
            if not gen.is_dir():  # removed between resolving and opening
                continue
            raise StoreError(f"impossible d'ouvrir le graphe {gen} : {exc}") from None
        if not gen.is_dir():
            _release(lease)
            continue
        return EmbeddedStore(store, str(loc), gen, lease)
    raise StoreError(f"impossible d'ouvrir le graphe {loc} : il change sans cesse (builds en boucle ?)")


@contextlib.contextmanager
def _writer_lock(location: Path, timeout: float) -> Iterator[None]:
    location.mkdir(parents=True, exist_ok=True)
    with open(location / "lock", "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "?"
                    raise StoreLockedError(
                        f"le graphe {location} est en cours d'écriture par un autre processus "
                        f"({holder}) ; réessayez quand il aura fini "
                        f"(store is being written by another process)"
                    ) from None
                time.sleep(0.1)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def _swap_current(location: Path, generation: Path) -> None:
    (location / (generation.name + READERS)).touch()  # readers lock it while they read
    tmp_link = location / f".current-{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    tmp_link.symlink_to(generation.name)
    os.replace(tmp_link, location / "current")  # atomic on POSIX
    fd = os.open(location, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_unread(generation: Path) -> bool:
    """Remove a generation unless a reader holds it (its shared lock on gen-*.readers)."""
    readers = generation.with_name(generation.name + READERS)
    try:
        fd = os.open(readers, os.O_RDONLY)
    except OSError:
        fd = None  # no readers file: written before reader locks, or unfinished
    try:
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False  # still read: a later writer removes it
        shutil.rmtree(generation, ignore_errors=True)
        readers.unlink(missing_ok=True)
        return True
    finally:
        _release(fd)


def _collect_garbage(location: Path, live: Path) -> None:
    gens = sorted(
        (p for p in location.glob("gen-*") if p.is_dir() and p != live),
        key=lambda p: p.stat().st_mtime,
    )
    unfinished = [p for p in gens if p.name.endswith(".tmp")]
    finished = [p for p in gens if not p.name.endswith(".tmp")]
    stale = unfinished + finished[: max(0, len(finished) - KEEP_OLD_GENERATIONS)]
    for p in stale:
        _remove_unread(p)
    for r in location.glob("gen-*" + READERS):  # the readers file of a generation already gone
        if not r.with_name(r.name.removesuffix(READERS)).exists():
            _remove_unread(r.with_name(r.name.removesuffix(READERS)))
    # Scratch dumps of writers that were killed while copying graphs.
    for p in location.glob("gen-*.copy.nt"):
        if not (location / p.name.removesuffix(".copy.nt")).exists():
            p.unlink(missing_ok=True)
    # Caches of generations that are gone (cqpi_graph._cache keeps them per generation).
    cache_root = location / "cache"
    if cache_root.is_dir():
        for c in cache_root.iterdir():
            if not (location / c.name).is_dir():
                shutil.rmtree(c, ignore_errors=True)


def _copy_graphs(live: Path, raw: ox.Store, without: set[str], scratch: Path) -> None:
    """Copy every graph of the live generation but `without` (dump and bulk load, in Rust)."""
    src = ox.Store.read_only(str(live))
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        g for g in src.named_graphs() if g.value not in without
    ]
    graphs.append(ox.DefaultGraph())
    buf = scratch.with_name(scratch.name + ".copy.nt")
    try:
        for g in graphs:
            src.dump(str(buf), format=ox.RdfFormat.N_TRIPLES, from_graph=g)
            if buf.stat().st_size:
                raw.bulk_load(path=str(buf), format=ox.RdfFormat.N_TRIPLES, to_graph=g)
    finally:
        buf.unlink(missing_ok=True)


@contextlib.contextmanager
def write_embedded(
    location: Path | str | None = None,
    *,
    fresh: bool = False,
    without: Iterable[str] = (),
    lock_timeout: float | None = None,
) -> Iterator[EmbeddedStore]:
    """A new generation to write into; it becomes live only if the block ends without error.

    fresh=True starts empty (a build); otherwise the live generation is copied first (an
    import), using Oxigraph's backup, which hard-links the immutable database files. Graphs
    named in `without` (those the write replaces) are left out of the copy instead: removing
    millions of quads one by one costs far more than bulk-copying the others.
    """
    loc = Path(location) if location else default_location()
    timeout = float(os.environ.get("CQPI_LOCK_TIMEOUT", "30")) if lock_timeout is None else lock_timeout
    with _writer_lock(loc, timeout):
        live = live_generation(loc)
        if not fresh and live is None:
            raise StoreNotBuiltError(f"aucun graphe à l'emplacement {loc} : lancez d'abord `cqpi build`")
        stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 1_000_000_000:09d}"
        tmp = loc / f"gen-{stamp}.tmp"
        final = loc / f"gen-{stamp}"
        store: EmbeddedStore | None = None
        try:
            drop = set(without)
            if fresh:
                raw = ox.Store(str(tmp))
            elif drop and live is not None:
                raw = ox.Store(str(tmp))
                _copy_graphs(live, raw, drop, tmp)
            else:
                ox.Store.read_only(str(live)).backup(str(tmp))
                raw = ox.Store(str(tmp))
            store = EmbeddedStore(raw, str(loc), tmp)
            del raw
            yield store
            store.optimize()
            store.close()
            os.rename(tmp, final)
            _swap_current(loc, final)
        except BaseException:
            # Drop the database handle first: RocksDB would otherwise write into the directory
            # while it is being removed (the traceback keeps this frame, and the handle, alive).
            if store is not None:
                store.close()
            store = None
            gc.collect()
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _collect_garbage(loc, final)


__all__ = ["EmbeddedStore", "default_location", "open_embedded", "write_embedded"]


def _union_triples(raw: ox.Store) -> Iterator[ox.Triple]:
    """Distinct triples of the union of all graphs, streamed without a set in memory.

    A triple is emitted with the first graph (default graph first, then IRI order) that holds
    it; the check is one point lookup in the store's SPOG index per quad.
    """
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    graphs += sorted(raw.named_graphs(), key=lambda g: str(g))
    rank = {g: i for i, g in enumerate(graphs)}
    for i, g in enumerate(graphs):
        for q in raw.quads_for_pattern(None, None, None, g):
            if i:
                first = min(
                    rank.get(o.graph_name, i)
                    for o in raw.quads_for_pattern(q.subject, q.predicate, q.object, None)
                )
                if first < i:
                    continue
            yield q.triple
