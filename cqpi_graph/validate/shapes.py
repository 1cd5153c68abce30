"""The SHACL shapes of shapes/*.ttl per validation level, and the shapes a user adds.

Two levels (see shapes/README.md):
- ``referentiel``: a new référentiel submitted for validation; every shape keeps its severity
  (completeness shapes are violations), shapes marked ``cqs:referentielSeverity`` take that
  severity, those marked ``cqs:storeOnly`` are left out, and the référentiel-only files
  (referentiel.ttl, registries.ttl) join;
- ``store``: the stored graph; the completeness shapes (shapes/completeness.ttl) are reported
  as warnings, because the registries hold certifications whose sources say little.

``shape_set(level, extra)`` adds the shapes of a user's files (``cqpi validate --shapes FILE``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF, RDFS, SH

from ..resources import resource_dir
from .compiler import severity_name, targeted_shapes

LEVELS = ("referentiel", "store")
SHAPE_FILES = ("consistency.ttl", "completeness.ttl", "advice.ttl")
LEVEL_FILES = {"referentiel": SHAPE_FILES + ("referentiel.ttl", "registries.ttl"), "store": SHAPE_FILES}
READING_RULES = "spreadsheet.ttl"  # the rules of reading a spreadsheet: documented, not shapes
DOWNGRADED_AT_STORE_LEVEL = "completeness.ttl"
CQS = rdflib.Namespace("https://w3id.org/cqpi/shapes#")


@dataclass(frozen=True)
class Rule:
    """One rule (a targeted shape, or a rule of reading a spreadsheet), as the reports name it."""

    iri: str
    label_fr: str
    label_en: str
    message_fr: str
    message_en: str
    severity: str  # Violation | Warning | Info (or another severity's IRI), at the loaded level
    file: str
    project: bool = True

    @property
    def name(self) -> str:
        return rule_name(self.iri)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_fr

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_fr


@dataclass
class ShapeSet:
    """The shapes one validation runs: the project's for a level, plus a user's files."""

    level: str
    graph: rdflib.Graph
    rules: dict[str, Rule]
    project: frozenset[rdflib.term.Node]  # shapes of shapes/ (their SHACL-SPARQL is compiled)
    user_files: tuple[str, ...] = field(default_factory=tuple)


def rule_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[-1]
            if tail:
                return tail
    return iri


def _text(g: rdflib.Graph, node: rdflib.term.Node, prop: rdflib.URIRef, lang: str) -> str:
    fallback = ""
    for o in g.objects(node, prop):
        if isinstance(o, rdflib.Literal):
            if o.language == lang:
                return str(o)
            if not o.language or o.language == "fr":
                fallback = fallback or str(o)
    return fallback


def _rule(g: rdflib.Graph, s: rdflib.term.Node, file: str, project: bool) -> Rule:
    msg_node = g.value(s, SH.sparql) or s
    label_fr = _text(g, s, RDFS.label, "fr") or _text(g, s, SH.name, "fr")
    label_en = _text(g, s, RDFS.label, "en") or _text(g, s, SH.name, "en")
    sev = g.value(s, SH.severity)
    return Rule(
        iri=str(s),
        label_fr=label_fr or rule_name(str(s)),
        label_en=label_en or rule_name(str(s)),
        message_fr=_text(g, msg_node, SH.message, "fr"),
        message_en=_text(g, msg_node, SH.message, "en"),
        severity=severity_name(sev),
        file=file,
        project=project,
    )


@functools.lru_cache(maxsize=4)
def _load(level: str) -> ShapeSet:
    if level not in LEVELS:
        raise ValueError(f"niveau de validation inconnu : {level} (attendu : {', '.join(LEVELS)})")
    folder = resource_dir("shapes")
    shapes = rdflib.Graph()
    origin: dict[rdflib.term.Node, str] = {}
    for name in LEVEL_FILES[level]:
        part = rdflib.Graph().parse(folder / name, format="turtle")
        if level == "referentiel":  # a shape of the stored graph only: left without targets
            for s in list(part.subjects(CQS.storeOnly, rdflib.Literal(True))):
                for key in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
                    part.remove((s, key, None))
        for s in targeted_shapes(part):
            origin[s] = name
        shapes += part
    for s, name in origin.items():
        if level == "store" and name == DOWNGRADED_AT_STORE_LEVEL:
            shapes.set((s, SH.severity, SH.Warning))
        override = shapes.value(s, CQS.referentielSeverity)
        if level == "referentiel" and override is not None:
            shapes.set((s, SH.severity, override))
    rules = {str(s): _rule(shapes, s, name, True) for s, name in origin.items()}
    if level == "referentiel":
        reading = rdflib.Graph().parse(folder / READING_RULES, format="turtle")
        for s in reading.subjects(RDF.type, CQS.ReadingRule):
            rules[str(s)] = _rule(reading, s, READING_RULES, True)
    project = frozenset(n for s in origin for n in _shape_closure(shapes, s))
    return ShapeSet(level, shapes, rules, project)


def _shape_closure(g: rdflib.Graph, shape: rdflib.term.Node) -> set[rdflib.term.Node]:
    """A shape and the shapes it refers to (sh:property, sh:node, logical lists, qualified)."""
    out: set[rdflib.term.Node] = set()
    todo = [shape]
    while todo:
        s = todo.pop()
        if s in out:
            continue
        out.add(s)
        for p in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
            todo.extend(g.objects(s, p))
        for p in (SH["and"], SH["or"], SH.xone):
            for lst in g.objects(s, p):
                todo.extend(Collection(g, lst))
    return out


def shape_set(level: str = "referentiel", extra: Sequence[str | Path | rdflib.Graph] = ()) -> ShapeSet:
    """The project's shapes for a level plus the shapes of ``extra`` files (or graphs)."""
    base = _load(level)
    if not extra:
        return base
    from .inputs import load_rdf

    user = rdflib.Graph()
    rules = dict(base.rules)
    files = []
    for item in extra:
        part = item if isinstance(item, rdflib.Graph) else load_rdf(item)
        files.append("" if isinstance(item, rdflib.Graph) else Path(item).name)
        user += part
        for s in targeted_shapes(part):
            if str(s) not in rules:
                rules[str(s)] = _rule(part, s, files[-1], False)
    # Read through both graphs rather than copy the project's shapes for every validation.
    graph = ReadOnlyGraphAggregate([base.graph, user])
    return ShapeSet(level, graph, rules, base.project, tuple(files))


def load_shapes(level: str = "referentiel") -> rdflib.Graph:
    """The project's shapes graph for a level (a copy: callers may change it)."""
    g = rdflib.Graph()
    g += _load(level).graph
    return g


def shapes_graph(level: str = "referentiel") -> rdflib.Graph:
    """The shared, cached project shapes graph for a level; do not modify it."""
    return _load(level).graph


def rules(level: str = "referentiel") -> dict[str, Rule]:
    """Every project rule (targeted shape, and at the référentiel level the reading rules) by IRI."""
    return _load(level).rules


def is_shape(g: rdflib.Graph, node: rdflib.term.Node) -> bool:
    return (node, RDF.type, SH.NodeShape) in g or (node, RDF.type, SH.PropertyShape) in g
