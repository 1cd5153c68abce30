"""The SHACL shapes of shapes/*.ttl, per validation level.

Two levels (see shapes/README.md):
- ``referentiel``: a new référentiel submitted for validation; every shape keeps its severity,
  so the completeness shapes are violations;
- ``store``: the stored graph; the completeness shapes (shapes/completeness.ttl) are reported
  as warnings, because the registries hold certifications whose sources say little.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDF, RDFS, SH

from ..resources import resource_dir

LEVELS = ("referentiel", "store")
SHAPE_FILES = ("consistency.ttl", "completeness.ttl", "advice.ttl")
DOWNGRADED_AT_STORE_LEVEL = "completeness.ttl"
CQS = rdflib.Namespace("https://w3id.org/cqpi/shapes#")

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Rule:
    """One shape, as the reports name it."""

    iri: str
    label_fr: str
    label_en: str
    message_fr: str
    message_en: str
    severity: str  # Violation | Warning | Info, at the level the shapes were loaded for
    file: str

    @property
    def name(self) -> str:
        return self.iri.rsplit("#", 1)[-1]

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_fr

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_fr


def _text(g: rdflib.Graph, node: rdflib.term.Node, prop: rdflib.URIRef, lang: str) -> str:
    fallback = ""
    for o in g.objects(node, prop):
        if isinstance(o, rdflib.Literal):
            if o.language == lang:
                return str(o)
            fallback = fallback or str(o)
    return fallback


@functools.lru_cache(maxsize=4)
def _load(level: str) -> tuple[rdflib.Graph, dict[str, Rule]]:
    if level not in LEVELS:
        raise ValueError(f"niveau de validation inconnu : {level} (attendu : {', '.join(LEVELS)})")
    folder = resource_dir("shapes")
    shapes = rdflib.Graph()
    origin: dict[rdflib.URIRef, str] = {}
    for name in SHAPE_FILES:
        part = rdflib.Graph().parse(folder / name, format="turtle")
        for s in part.subjects(SH.severity, None):
            if isinstance(s, rdflib.URIRef):
                origin[s] = name
        shapes += part
    if level == "store":
        for s, name in origin.items():
            if name == DOWNGRADED_AT_STORE_LEVEL:
                shapes.set((s, SH.severity, SH.Warning))
    rules: dict[str, Rule] = {}
    for s, name in origin.items():
        msg_node = s
        constraint = shapes.value(s, SH.sparql)
        if constraint is not None:
            msg_node = constraint
        rules[str(s)] = Rule(
            iri=str(s),
            label_fr=_text(shapes, s, RDFS.label, "fr"),
            label_en=_text(shapes, s, RDFS.label, "en"),
            message_fr=_text(shapes, msg_node, SH.message, "fr"),
            message_en=_text(shapes, msg_node, SH.message, "en"),
            severity=SEVERITY_NAMES[shapes.value(s, SH.severity)],
            file=name,
        )
    return shapes, rules


def load_shapes(level: str = "referentiel") -> rdflib.Graph:
    """The shapes graph for a level (a copy: callers may change it)."""
    g = rdflib.Graph()
    g += _load(level)[0]
    return g


def shapes_graph(level: str = "referentiel") -> rdflib.Graph:
    """The shared, cached shapes graph for a level; do not modify it."""
    return _load(level)[0]


def rules(level: str = "referentiel") -> dict[str, Rule]:
    """Every rule (top-level shape) by IRI."""
    return _load(level)[1]


def is_shape(g: rdflib.Graph, node: rdflib.term.Node) -> bool:
    return (node, RDF.type, SH.NodeShape) in g or (node, RDF.type, SH.PropertyShape) in g
