"""The référentiel engine: pyshacl over a small data graph (a file, plus its context)."""

from __future__ import annotations

import functools

import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import SH

from ..resources import resource_dir
from .shapes import SEVERITY_NAMES, shapes_graph
from .sparql_engine import Hit


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


def run(data: rdflib.Graph, level: str = "referentiel") -> tuple[list[Hit], rdflib.Graph]:
    """Validate a data graph (which must already hold its vocabulary); hits and the raw report."""
    conforms, report, _ = pyshacl_validate(
        data,
        shacl_graph=shapes_graph(level),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        debug=False,
    )
    hits: list[Hit] = []
    for r in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        shape = report.value(r, SH.sourceShape)
        hits.append(
            Hit(
                rule=str(shape),
                severity=SEVERITY_NAMES[report.value(r, SH.resultSeverity)],
                focus=report.value(r, SH.focusNode),
                path=path if isinstance(path, rdflib.URIRef) else _simple_path(report, path),
                value=report.value(r, SH.value),
                component=str(report.value(r, SH.sourceConstraintComponent)),
            )
        )
    return hits, report


def _simple_path(g: rdflib.Graph, path: rdflib.term.Node | None) -> rdflib.term.Node | None:
    """The shape's own path node (blank) is kept as is; reports show its first predicate."""
    return path
