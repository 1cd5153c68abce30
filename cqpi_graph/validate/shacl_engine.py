"""pyshacl, the reference engine: the shapes the compiler leaves to it, or every shape on request."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterable, Iterator

import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import OWL, RDF, RDFS, SH

from ..resources import resource_dir
from .compiler import path_text, severity_name
from .sparql_engine import Hit

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@functools.lru_cache(maxsize=1)
def _vocabulary() -> rdflib.Graph:
    g = rdflib.Graph()
    folder = resource_dir("ontology")
    for name in ("cqpi.ttl", "codelists.ttl"):
        g.parse(folder / name, format="turtle")
    return g


def vocabulary() -> rdflib.Graph:
    """The ontology and code lists: class hierarchy for sh:targetClass, concepts for sh:class."""
    return _vocabulary()


def _untargeted(shapes: rdflib.Graph, keep: set[rdflib.term.Node]) -> rdflib.Graph:
    """A copy of the shapes graph where only the ``keep`` shapes have targets.

    The other shapes stay (a kept shape may refer to them with sh:node) but are not run."""
    g = rdflib.Graph()
    g += shapes
    for key in TARGETS:
        for s, o in list(g.subject_objects(key)):
            if s not in keep:
                g.remove((s, key, o))
    for cls in (RDFS.Class, OWL.Class):
        for s in list(g.subjects(RDF.type, cls)):
            if s not in keep and ((s, RDF.type, SH.NodeShape) in g or (s, RDF.type, SH.PropertyShape) in g):
                g.remove((s, RDF.type, cls))
    return g


def _owners(shapes: rdflib.Graph, rules: Iterable[rdflib.term.Node]) -> dict[rdflib.term.Node, str]:
    """Each shape that can be a sh:sourceShape, with the targeted shape its results belong to."""
    owner: dict[rdflib.term.Node, str] = {}
    for rule in rules:
        todo = [rule]
        while todo:
            s = todo.pop()
            if s in owner:
                continue
            owner[s] = str(rule)
            todo.extend(shapes.objects(s, SH.property))
    return owner


_patch_lock = threading.Lock()
_prepared: dict[tuple, object] = {}  # query text, base, prefixes -> rdflib prepared query


@contextlib.contextmanager
def _queries_parsed_once() -> Iterator[None]:
    """pyshacl parses a SHACL-SPARQL query again for every focus node (about 70 ms each with
    rdflib's parser): during a run, each query text is parsed and translated once (and kept for
    the next runs) and the prepared query re-evaluated (what rdflib's prepareQuery is for)."""
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    prepared = _prepared
    if len(prepared) > 1_000:
        prepared.clear()

    def query(self, q, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: ANN001, ANN202, N803
        if isinstance(q, str):
            key = (q, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            if key not in prepared:
                prepared[key] = processor.prepareQuery(q, initNs, base)
            q = prepared[key]
        return original(self, q, initBindings, initNs, base, DEBUG)

    with _patch_lock:
        processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
        try:
            yield
        finally:
            processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


def run(
    data: rdflib.Graph,
    shapes: rdflib.Graph | str = "referentiel",
    rules: Iterable[rdflib.term.Node] | None = None,
) -> tuple[list[Hit], rdflib.Graph]:
    """Validate a data graph (which must already hold its vocabulary) with pyshacl.

    ``shapes`` is a shapes graph or a project level; ``rules`` the targeted shapes to run (all by
    default). Returns the hits and pyshacl's own report graph."""
    from .compiler import targeted_shapes
    from .shapes import shapes_graph

    graph = shapes_graph(shapes) if isinstance(shapes, str) else shapes
    chosen = list(targeted_shapes(graph)) if rules is None else list(rules)
    shacl = graph if rules is None else _untargeted(graph, set(chosen))
    with _queries_parsed_once():
        conforms, report, _ = pyshacl_validate(
            data,
            shacl_graph=shacl,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            meta_shacl=False,
            advanced=False,
            debug=False,
        )
    owner = _owners(graph, chosen)
    # sh:result only: pyshacl also types the sh:detail of a result (the nested shape's) a result.
    results = [
        r for rep in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(rep, SH.result)
    ]
    return [_hit(report, r, owner, n) for n, r in enumerate(results)], report


def _hit(report: rdflib.Graph, r: rdflib.term.Node, owner: dict[rdflib.term.Node, str], n: int) -> Hit:
    path = report.value(r, SH.resultPath)
    shape = report.value(r, SH.sourceShape)
    sev = report.value(r, SH.resultSeverity)
    focus = report.value(r, SH.focusNode)
    assert shape is not None and focus is not None  # a SHACL result has both
    messages = tuple(
        (m.language or "", str(m))
        for m in report.objects(r, SH.resultMessage)
        if isinstance(m, rdflib.Literal)
    )
    return Hit(
        rule=owner.get(shape, str(shape)),
        severity=severity_name(sev),
        focus=focus,
        path=path,
        value=report.value(r, SH.value),
        component=str(report.value(r, SH.sourceConstraintComponent)),
        shape=shape,
        path_text=path_text(report, path) if path is not None else None,
        messages=messages,
        constraint=-1 - n,  # every pyshacl result is a result of its own
    )
