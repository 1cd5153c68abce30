"""The store facade: one small interface over the embedded Oxigraph store and remote servers."""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..namespaces import PREFIXES, sparql_prologue

# Result and RDF formats, by the names the CLI and the web view use.
RESULT_FORMATS = {"json", "xml", "csv", "tsv"}
RDF_FORMATS = {"turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"}


@dataclass(frozen=True, slots=True)
class Term:
    """One RDF term as the SPARQL JSON results format describes it."""

    kind: str  # "uri", "literal", "bnode" or "triple"
    value: str
    lang: str | None = None
    datatype: str | None = None

    def __str__(self) -> str:
        return self.value

    def n3(self) -> str:
        """The term in N-Triples syntax."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if self.lang:
            return f'"{text}"@{self.lang}'
        if self.datatype and self.datatype != "http://www.w3.org/2001/XMLSchema#string":
            return f'"{text}"^^<{self.datatype}>'
        return f'"{text}"'


Row = dict[str, Term]
Object = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True, slots=True)
class QuadRef:
    """One quad of a named graph, as the bulk readers use it: plain strings but for the object."""

    subject: str  # an IRI, or "_:" and a blank node id
    predicate: str
    object: Object
    graph: str


def to_ox(t: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A result term as a pyoxigraph term."""
    if t.kind == "uri":
        return ox.NamedNode(t.value)
    if t.kind == "bnode":
        return ox.BlankNode(t.value)
    if t.lang:
        return ox.Literal(t.value, language=t.lang)
    if t.datatype:
        return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype))
    return ox.Literal(t.value)


def with_prefixes(query: str, prefixes: dict[str, str] | None = None) -> str:
    """Prepend the common PREFIX declarations that the query does not declare itself."""
    wanted = prefixes or PREFIXES
    lowered = query.lower()
    missing = {k: v for k, v in wanted.items() if f"prefix {k}:" not in lowered}
    return sparql_prologue(missing) + query if missing else query


class Store(abc.ABC):
    """What every part of cqpi-graph needs from the graph store.

    Queries see the union of all named graphs as their default graph.
    """

    location: str

    # -- reading
    @abc.abstractmethod
    def select(self, query: str) -> list[Row]:
        """Run a SELECT query; rows map variable names to bound terms."""

    @abc.abstractmethod
    def ask(self, query: str) -> bool:
        """Run an ASK query."""

    @abc.abstractmethod
    def construct(self, query: str, fmt: str = "ntriples") -> bytes:
        """Run a CONSTRUCT or DESCRIBE query and serialise the triples."""

    @abc.abstractmethod
    def query_serialized(self, query: str, fmt: str, *, base_iri: str | None = None) -> tuple[str, bytes]:
        """Run any query; return its kind ("select", "ask", "graph") and the serialised result.

        fmt is one of RESULT_FORMATS for SELECT/ASK and RDF_FORMATS for CONSTRUCT/DESCRIBE;
        base_iri, when given, resolves the query's relative IRIs (unless it declares its own BASE).
        """

    @abc.abstractmethod
    def graphs(self) -> list[str]:
        """The named graphs that hold at least one quad."""

    @abc.abstractmethod
    def count(self, graph: str | None = None) -> int:
        """Number of quads in one named graph, or in the whole store."""

    @abc.abstractmethod
    def dump(self, output: BinaryIO | Path, fmt: str, graph: str | None = None) -> None:
        """Serialise the store (quad formats) or one graph (triple formats), streaming."""

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """The quads of one named graph (default: of every named graph), as pyoxigraph terms.

        What in-process consumers such as the reasoner read. This default asks for each graph
        with a CONSTRUCT; the embedded and remote stores stream them more directly.
        """
        for g in [graph] if graph else self.graphs():
            data = self.construct(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}", "ntriples"
            )
            node = ox.NamedNode(g)
            for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(q.subject, q.predicate, q.object, node)

    def quads_for_pattern(
        self,
        subject: str | None = None,
        predicate: str | None = None,
        obj: Object | str | None = None,
        graph: str | None = None,
    ) -> Iterator[QuadRef]:
        """Quads of named graphs matching a pattern (IRIs as strings, None for any).

        The bulk read the in-process indexes (catalog, paths, socle) are built from. The embedded
        store reads Oxigraph's indexes directly; this default asks a SPARQL SELECT, so that a
        remote server gives the same quads. A blank-node subject ("_:id") cannot be named in a
        query to a server: it matches nothing there.
        """
        if subject is not None and subject.startswith("_:"):
            return
        binds = []
        for var, value in (("s", subject), ("p", predicate), ("o", obj), ("g", graph)):
            if value is not None:
                binds.append(f"VALUES ?{var} {{ {f'<{value}>' if isinstance(value, str) else value} }}")
        query = f"SELECT ?s ?p ?o ?g WHERE {{ {' '.join(binds)} GRAPH ?g {{ ?s ?p ?o }} }}"
        for row in self.select(query):
            s, p, o, g = row["s"], row["p"], row["o"], row["g"]
            if s.kind == "triple" or o.kind == "triple":
                continue
            yield QuadRef(s.value if s.kind == "uri" else "_:" + s.value, p.value, to_ox(o), g.value)

    def quads_about(self, subjects: Iterable[str]) -> Iterator[QuadRef]:
        """Quads whose subject is one of these IRIs (a chunked SELECT here; point lookups in the
        embedded store)."""
        ordered = sorted(set(subjects))
        for start in range(0, len(ordered), 200):
            values = " ".join(f"<{i}>" for i in ordered[start : start + 200])
            for row in self.select(
                f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            ):
                s, p, o, g = row["s"], row["p"], row["o"], row["g"]
                if o.kind != "triple":
                    yield QuadRef(s.value, p.value, to_ox(o), g.value)

    def snapshot(self) -> ox.Store:
        """The whole graph as an Oxigraph store to run many queries on (validation rules): the
        embedded store's own, or an in-memory copy of a server's, read once."""
        local = ox.Store()
        local.bulk_extend(self.quads())
        return local

    # -- writing
    @abc.abstractmethod
    def update(self, update: str) -> None:
        """Run a SPARQL 1.1 Update."""

    @abc.abstractmethod
    def load(self, data: bytes | Path, fmt: str, graph: str | None = None) -> None:
        """Load a serialisation into a named graph (or into the graphs of a quad format)."""

    @abc.abstractmethod
    def add_quads(self, quads: Iterable[tuple[str, str, str, str]]) -> int:
        """Add quads given as N-Triples terms (subject, predicate, object, graph IRI)."""

    @abc.abstractmethod
    def clear_graph(self, graph: str) -> None:
        """Remove every quad of a named graph."""

    def memo_reads(self) -> contextlib.AbstractContextManager[None]:
        """While in this context, the store may keep bulk reads in memory until a write could
        change them (the embedded store does: store/memo.py); a hint, never a change of answer."""
        return contextlib.nullcontext()

    def optimize(self) -> None:  # noqa: B027 - optional hook
        """Compact the store's indexes (a writer's bulk loads leave many small files that every
        read then merges): before the reads of a long derivation, as at the end of a write."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the store."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers built on the above
    def values(self, query: str, var: str | None = None) -> list[str]:
        """Lexical values of one variable of a SELECT query."""
        rows = self.select(query)
        if not rows:
            return []
        name = var or next(iter(rows[0]))
        return [r[name].value for r in rows if name in r]

    def iter_select(self, query: str) -> Iterator[Row]:
        yield from self.select(query)
