"""Run a set of shapes on a data graph: compiled shapes on Oxigraph, the rest on pyshacl.

Nothing is refused: a shape the compiler cannot translate (compiler.UnsupportedShape) is checked
by pyshacl, and the outcome says which engine checked which shape and why.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib

from . import shacl_engine, sparql_engine
from .compiler import REWRITTEN_DATATYPES, CompiledQuery, Compiler, UnsupportedShape, targeted_shapes
from .shapes import ShapeSet

ENGINES = ("sparql", "shacl")
COMPILED, PYSHACL = "sparql", "pyshacl"


@dataclass
class Outcome:
    hits: list[sparql_engine.Hit]
    engines: dict[str, str] = field(default_factory=dict)  # rule IRI -> "sparql" | "pyshacl"
    reasons: dict[str, UnsupportedShape] = field(default_factory=dict)  # rule IRI -> why pyshacl


def rewritten_literals(graphs: Sequence[rdflib.Graph]) -> rdflib.URIRef | None:
    """A datatype of the data that Oxigraph would store under another one (xsd:byte…), if any."""
    for g in graphs:
        for o in g.objects():
            if isinstance(o, rdflib.Literal) and o.datatype in REWRITTEN_DATATYPES:
                return o.datatype
    return None


@functools.lru_cache(maxsize=1)
def _vocabulary_quads() -> tuple[ox.Quad, ...]:
    to_ox = sparql_engine.to_ox
    return tuple(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in shacl_engine.vocabulary())  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1)
def vocabulary_subjects() -> frozenset[rdflib.term.Node]:
    return frozenset(shacl_engine.vocabulary().subjects())


def data_graph(graphs: Sequence[rdflib.Graph]) -> rdflib.Graph:
    """One rdflib graph of the data and the vocabulary (for pyshacl)."""
    data = rdflib.Graph()
    for g in (*graphs, shacl_engine.vocabulary()):
        data += g
    return data


def memory_store(graphs: Sequence[rdflib.Graph]) -> ox.Store:
    """An in-memory Oxigraph store of the data and the vocabulary (converted once)."""
    store = ox.Store()
    to_ox = sparql_engine.to_ox
    for g in graphs:
        store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in g)  # type: ignore[arg-type]
    store.extend(_vocabulary_quads())
    return store


def plan(
    shapes: ShapeSet, graphs: Sequence[rdflib.Graph], engine: str = "sparql"
) -> tuple[dict[rdflib.term.Node, list[CompiledQuery]], dict[rdflib.term.Node, UnsupportedShape]]:
    """Which targeted shape runs compiled (with its queries) and which on pyshacl (with why)."""
    if engine not in ENGINES:
        raise ValueError(f"moteur inconnu : {engine} (attendu : {', '.join(ENGINES)})")
    compiler = Compiler(shapes.graph, shapes.project)
    project = sparql_engine.compiled_by_rule(shapes.level)
    rewritten = rewritten_literals(graphs) if shapes.user_files else None
    compiled: dict[rdflib.term.Node, list[CompiledQuery]] = {}
    fallback: dict[rdflib.term.Node, UnsupportedShape] = {}
    for rule in targeted_shapes(shapes.graph):
        if engine == "shacl":
            fallback[rule] = UnsupportedShape("engine")
            continue
        if rewritten is not None and rule not in shapes.project:
            fallback[rule] = UnsupportedShape("rewritten-data", rewritten)
            continue
        if str(rule) in project and rule in shapes.project:
            compiled[rule] = project[str(rule)]
            continue
        try:
            compiled[rule] = compiler.compile(rule)
        except UnsupportedShape as exc:
            fallback[rule] = exc
    return compiled, fallback


def run(graphs: Sequence[rdflib.Graph], shapes: ShapeSet, engine: str = "sparql") -> Outcome:
    """Every result of every targeted shape of ``shapes`` over the data ``graphs`` (and the
    vocabulary, always joined: class hierarchy for sh:class, code lists)."""
    compiled, fallback = plan(shapes, graphs, engine)
    out = Outcome([])
    queries = [q for qs in compiled.values() for q in qs]
    if queries:
        out.hits.extend(sparql_engine.hits(memory_store(graphs), queries))
    if fallback:
        hits, _ = shacl_engine.run(data_graph(graphs), shapes.graph, fallback)
        out.hits.extend(hits)
    out.engines = {str(r): COMPILED for r in compiled} | {str(r): PYSHACL for r in fallback}
    out.reasons = {str(r): why for r, why in fallback.items()}
    return out
