"""The compiled engine: the shapes' SPARQL queries (compiler.py) run on Oxigraph.

pyshacl evaluates SPARQL-based constraints once per focus node (about 50 s per constraint over
200k triples); here each constraint is a single query over the whole graph, so that
`cqpi validate --store` scales to the national registries. tests/test_validate*.py check that
this engine and pyshacl give the same results, and the W3C SHACL Core suite runs through it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib

from ..terms import to_rdflib
from .compiler import CompiledQuery, Compiler, UnsupportedShape, targeted_shapes

__all__ = [
    "CompiledQuery",
    "Hit",
    "UnsupportedShape",
    "compile_shape",
    "compile_shapes",
    "focus_sparql",
    "hits",
    "memory_store",
    "path_sparql",
    "run",
    "solutions",
    "to_ox",
    "to_rdflib",
]


@dataclass(frozen=True)
class Hit:
    """One validation result of an engine (rdflib terms)."""

    rule: str  # the targeted shape the result is reported under
    severity: str
    focus: rdflib.term.Node
    path: rdflib.term.Node | None
    value: rdflib.term.Node | None
    component: str
    shape: rdflib.term.Node | None = None  # the source shape (sh:sourceShape)
    path_text: str | None = None  # the result path in SPARQL syntax
    detail: str | None = None  # tells apart results sharing focus and value (a language tag)
    messages: tuple[tuple[str, str], ...] = ()  # (lang, text) of pyshacl's sh:resultMessage
    constraint: int = 0  # which constraint: two of one shape may give the same focus and value


def path_sparql(g: rdflib.Graph, path: rdflib.term.Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    return Compiler(g).path(path)


def focus_sparql(g: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """A group pattern binding ?this to each focus node of the shape (once)."""
    return Compiler(g).focus(shape)


def compile_shape(g: rdflib.Graph, shape: rdflib.term.Node, trusted: bool = True) -> list[CompiledQuery]:
    """The SPARQL queries of one targeted shape: one per constraint (and nested property shape)."""
    return Compiler(g, frozenset([shape]) if trusted else frozenset()).compile(shape)


@functools.lru_cache(maxsize=4)
def _compiled(level: str) -> tuple[CompiledQuery, ...]:
    from .shapes import shape_set

    shapes = shape_set(level)
    compiler = Compiler(shapes.graph, shapes.project)
    out: list[CompiledQuery] = []
    for s in targeted_shapes(shapes.graph):
        out.extend(compiler.compile(s))
    return tuple(out)


@functools.lru_cache(maxsize=4)
def compiled_by_rule(level: str) -> dict[str, list[CompiledQuery]]:
    """The project's compiled queries of a level, by rule (shared: do not modify)."""
    out: dict[str, list[CompiledQuery]] = {}
    for q in _compiled(level):
        out.setdefault(q.rule, []).append(q)
    return out


def compile_shapes(level: str) -> list[CompiledQuery]:
    """Every query of the project's shapes for a level (each of them compiles)."""
    return list(_compiled(level))


def solutions(store: ox.Store, level: str = "store") -> Iterator[tuple[CompiledQuery, ox.QuerySolutions]]:
    """Each compiled query of the level with its solutions (Oxigraph terms, not converted)."""
    for cq in compile_shapes(level):
        sols = store.query(cq.query, use_default_graph_as_union=True)
        assert isinstance(sols, ox.QuerySolutions)
        yield cq, sols


def hits(store: ox.Store, queries: Iterable[CompiledQuery]) -> Iterator[Hit]:
    """The results of compiled queries over the union of the store's graphs."""
    for n, cq in enumerate(queries):
        sparql = cq.component.endswith("SPARQLConstraintComponent")
        closed = cq.component.endswith("ClosedConstraintComponent")
        sols = store.query(cq.query, use_default_graph_as_union=True)
        assert isinstance(sols, ox.QuerySolutions)
        for sol in sols:
            focus = sol["this"]
            if focus is None:
                continue
            value = sol["value"] if cq.binds_value else None
            path, path_text = cq.path, cq.path_text
            if sparql or closed:
                bound = sol["path"]
                path = to_rdflib(bound) if bound is not None else None
                path_text = f"<{bound.value}>" if isinstance(bound, ox.NamedNode) else None
                if value is None and sparql:
                    value = focus
            parts = [sol["detail"] if cq.binds_detail else None] + [sol[v[1:]] for v in cq.vias]
            detail = " ".join(str(p) for p in parts if p is not None) or None
            yield Hit(
                rule=cq.rule,
                severity=cq.severity,
                focus=as_written(focus),
                path=path,
                value=as_written(value) if value is not None else None,
                component=cq.component,
                shape=cq.shape,
                path_text=path_text,
                detail=detail,
                constraint=n,
            )


def as_written(t: object) -> rdflib.term.Node:
    """An Oxigraph term as rdflib's, an ill-typed literal kept as written ("none"^^xsd:boolean)."""
    if isinstance(t, ox.Literal) and not t.language and t.datatype.value != str(rdflib.XSD.string):
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value), normalize=False)
    return to_rdflib(t)


def run(store: ox.Store, level: str = "store") -> Iterator[Hit]:
    """Every result of every project shape of the level, over the union of the store's graphs."""
    return hits(store, compile_shapes(level))


def memory_store(graph: rdflib.Graph) -> ox.Store:
    """An in-memory Oxigraph store holding an rdflib graph (blank node ids kept)."""
    store = ox.Store()
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)  # type: ignore[arg-type]
    return store


def to_ox(t: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(t, rdflib.URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, rdflib.BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, rdflib.Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"terme non pris en charge : {t!r}")
