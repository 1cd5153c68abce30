"""Bulk reads kept in memory while a writer derives its indexes from its own graph.

After the inference, a build's last steps (text model, catalog, facets, search, recognition graph,
competence index) each read the same predicates across the whole graph (labels, cq:romeJob,
cq:hasBloc…); reading a quad from Oxigraph's on-disk indexes costs microseconds, and the same
1.6 million quads were read two or three times. While the memo is on, a read without a subject
(`quads_for_pattern(None, p, o, g)`) is kept and served again, until a write could change it:

* `add_quads` forgets the reads of the predicates (and classes, for rdf:type) and graphs it wrote;
* `clear_graph` forgets the reads that saw that graph or asked for it;
* `load` (a serialisation: its predicates are not known) forgets the reads over every graph and
  over its graph;
* `update`: one that only deletes, in graphs it names by their IRI (the meta graph's records),
  forgets the reads that saw those graphs; any other update forgets everything.

So a reader never sees a stale answer; the memo only saves reading the same quads again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .base import QuadRef

MAX_QUADS = 4_000_000  # about 1 GB of kept quads: beyond, reads are served from the store again

Key = tuple[str | None, object, str | None]  # predicate, object, graph (None: any)
# An update that may add quads, or names a graph otherwise than by its IRI: it may touch any read.
_ANY_CHANGE = re.compile(
    r"\b(?:INSERT|LOAD|ADD|COPY|MOVE|CREATE|ALL|DEFAULT)\b|\b(?:GRAPH|WITH|INTO|TO|USING|NAMED|FROM)\s++(?!<)",
    re.I,
)
_IRI = re.compile(r"<([^<>\s]*)>")


@dataclass
class _Entry:
    quads: list[QuadRef]
    graphs: frozenset[str]  # the graphs the quads come from


class ReadMemo:
    def __init__(self) -> None:
        self._entries: dict[Key, _Entry] = {}
        self._size = 0

    @staticmethod
    def key(predicate: str | None, obj: object, graph: str | None) -> Key:
        return (predicate, obj if obj is None or isinstance(obj, str) else ("term", str(obj)), graph)

    def read(self, key: Key, quads: Iterable[QuadRef]) -> Iterator[QuadRef]:
        """The memo's quads for this pattern, else `quads` (read whole and kept if it fits)."""
        entry = self._entries.get(key)
        if entry is None:
            kept = list(quads)
            if self._size + len(kept) > MAX_QUADS:
                return iter(kept)
            entry = _Entry(kept, frozenset(q.graph for q in kept))
            self._entries[key] = entry
            self._size += len(kept)
        return iter(entry.quads)

    def _drop(self, keys: list[Key]) -> None:
        for k in keys:
            self._size -= len(self._entries.pop(k).quads)

    def object_predicates(self) -> set[str]:
        """The predicates (N-Triples: <iri>) of the kept reads that name an object IRI."""
        return {f"<{k[0]}>" for k in self._entries if isinstance(k[1], str)}

    def wrote(self, predicates: set[str], objects: set[tuple[str, str]], graphs: set[str]) -> None:
        """Quads with these predicates were added to these graphs; objects: (predicate, object)
        of the quads whose predicate is in object_predicates() (a read of rdf:type for one class
        survives quads of other classes). `graphs` may hold other strings too."""

        def touched(k: Key) -> bool:
            if k[2] is not None and k[2] not in graphs:
                return False
            if k[0] is None:
                return True
            if k[0] not in predicates:
                return False
            return not isinstance(k[1], str) or (k[0], k[1]) in objects

        self._drop([k for k in self._entries if touched(k)])

    def updated(self, update: str) -> None:
        """A SPARQL update ran."""
        if _ANY_CHANGE.search(update):
            self.clear()
            return
        for iri in set(_IRI.findall(update)):  # deletions only: as if each named graph were cleared
            self.cleared(iri)

    def cleared(self, graph: str) -> None:
        self._drop([k for k, e in self._entries.items() if k[2] == graph or graph in e.graphs])

    def loaded(self, graph: str | None) -> None:
        """A serialisation was loaded into `graph` (None: a quad format, any graph)."""
        self._drop([k for k in self._entries if graph is None or k[2] is None or k[2] == graph])

    def clear(self) -> None:
        self._entries.clear()
        self._size = 0
