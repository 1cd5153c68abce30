"""The visual query builder's configuration (Sparnatural), generated from ontology/ and shapes/.

Sparnatural reads a SHACL description of what can be asked: one ``sh:NodeShape`` per class
(``sh:targetClass``) and, on it, one property shape per relation an analyst may follow
(``sh:path`` towards ``sh:class`` or a literal ``sh:datatype``). It is derived here, never
written by hand, so that it follows the ontology:

* a property goes on its ``rdfs:domain`` class; a property without a domain goes on the class
  whose shapes (shapes/*.ttl) constrain it; ``owl:inverseOf`` gives the other direction;
* its values are its ``rdfs:range`` (or the ``sh:class`` of a shape); an object property with no
  known range is left out (the builder needs a kind of thing to pick), a datatype property
  without a range is searched as text;
* code lists (the classes of ontology/codelists.ttl) are picked from a list, other things by
  autocompletion on their labels; labels are the ontology's, French and English.

``builder_config()`` returns the Turtle; ``builder_spec()`` the typed records it is made of.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef

from .namespaces import CQ
from .resources import resource_dir

SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("http://schema.org/")
DASH = Namespace("http://datashapes.org/dash#")
CORE = Namespace("http://data.sparna.fr/ontologies/sparnatural-config-core#")
SHAPES = "https://w3id.org/cqpi/querybuilder#"
LANGS = ("fr", "en")
TEXT_TYPES = {XSD.string, RDF.langString, RDFS.Literal}


@dataclass(frozen=True, slots=True)
class Relation:
    """One relation the builder offers: from `domain`, along `path`, to `target`."""

    domain: str
    path: str
    target: str  # a class IRI, or a datatype IRI when `literal`
    literal: bool
    labels: dict[str, str]
    inverse: bool = False  # `path` is followed backwards (^path)


@dataclass(slots=True)
class BuilderSpec:
    """The classes (IRI -> labels per language) and relations of the builder."""

    classes: dict[str, dict[str, str]] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    code_lists: set[str] = field(default_factory=set)


def _labels(g: Graph, node: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in g.objects(node, RDFS.label):
        if isinstance(o, Literal) and o.language in LANGS and o.language not in out:
            out[o.language] = str(o)
    return out


def _load(ontology: Path, shapes: Path) -> tuple[Graph, Graph]:
    onto, shp = Graph(), Graph()
    for path in sorted(ontology.glob("*.ttl")):
        onto.parse(path, format="turtle")
    for path in sorted(shapes.glob("*.ttl")):
        shp.parse(path, format="turtle")
    return onto, shp


def _shape_targets(shp: Graph) -> dict[URIRef, set[tuple[URIRef, URIRef | None]]]:
    """Property IRI -> {(class whose shapes constrain it, sh:class of that shape or None)}."""
    out: dict[URIRef, set[tuple[URIRef, URIRef | None]]] = defaultdict(set)
    for shape in set(shp.subjects(SH.path, None)):
        path = shp.value(shape, SH.path)
        if not isinstance(path, URIRef):
            continue
        targets = set(shp.objects(shape, SH.targetClass))
        for node in shp.subjects(SH.property, shape):
            targets |= set(shp.objects(node, SH.targetClass))
        cls = shp.value(shape, SH["class"])
        for t in targets:
            if isinstance(t, URIRef):
                out[path].add((t, cls if isinstance(cls, URIRef) else None))
    return out


def _declared(onto: Graph, prop: URIRef, strict: URIRef, hint: URIRef) -> set[URIRef]:
    """rdfs:domain/range, else the schema.org hint, else the super-property's (RDFS inheritance)."""
    seen: set[URIRef] = set()
    while isinstance(prop, URIRef) and prop not in seen:
        seen.add(prop)
        found = {o for o in onto.objects(prop, strict) if isinstance(o, URIRef)}
        found |= {o for o in onto.objects(prop, hint) if isinstance(o, URIRef)}
        if found:
            return found
        prop = onto.value(prop, RDFS.subPropertyOf)  # type: ignore[assignment]
    return set()


def _relations_of(onto: Graph, prop: URIRef, shaped: dict) -> list[Relation]:
    literal = (prop, RDF.type, OWL.DatatypeProperty) in onto
    labels = _labels(onto, prop)
    ranges = _declared(onto, prop, RDFS.range, SCHEMA.rangeIncludes)
    domains = _declared(onto, prop, RDFS.domain, SCHEMA.domainIncludes) or {
        c for c, _ in shaped.get(prop, ())
    }
    out = []
    for dom in sorted(domains):
        targets = ranges or {c for d, c in shaped.get(prop, ()) if d == dom and c is not None}
        if literal:
            out.append(Relation(str(dom), str(prop), str(min(targets, default=XSD.string)), True, labels))
        else:
            out += [Relation(str(dom), str(prop), str(t), False, labels) for t in sorted(targets)]
    inverse = onto.value(prop, OWL.inverseOf)
    if (
        not literal
        and isinstance(inverse, URIRef)
        and not _declared(onto, inverse, RDFS.domain, SCHEMA.domainIncludes)
    ):
        # declared on one side only: the other side follows from it
        out += [
            Relation(str(r), str(inverse), str(d), False, _labels(onto, inverse))
            for d in domains
            for r in ranges
        ]
    return out


def _property_relations(onto: Graph, shp: Graph) -> list[Relation]:
    shaped = _shape_targets(shp)
    props = set(onto.subjects(RDF.type, OWL.ObjectProperty)) | set(
        onto.subjects(RDF.type, OWL.DatatypeProperty)
    )
    rels: list[Relation] = []
    for prop in sorted(p for p in props if isinstance(p, URIRef) and str(p).startswith(CQ)):
        rels += _relations_of(onto, prop, shaped)
    return rels


@lru_cache(maxsize=4)
def builder_spec(ontology: Path | None = None, shapes: Path | None = None) -> BuilderSpec:
    onto, shp = _load(ontology or resource_dir("ontology"), shapes or resource_dir("shapes"))
    rels = [r for r in _property_relations(onto, shp) if r.labels]
    spec = BuilderSpec()
    wanted = {r.domain for r in rels} | {r.target for r in rels if not r.literal}
    for cls in sorted(wanted):
        labels = _labels(onto, URIRef(cls))
        if labels and cls.startswith(CQ):
            spec.classes[cls] = labels
    kept = [r for r in rels if r.domain in spec.classes and (r.literal or r.target in spec.classes)]
    spec.relations = kept + _inherited(onto, spec, kept)
    codelists = resource_dir("ontology") / "codelists.ttl" if ontology is None else ontology / "codelists.ttl"
    if codelists.is_file():
        listed = Graph().parse(codelists, format="turtle")
        spec.code_lists = {str(c) for c in listed.objects(None, RDF.type)} & set(spec.classes)
    return spec


def _inherited(onto: Graph, spec: BuilderSpec, rels: list[Relation]) -> list[Relation]:
    """A CQPI is a Certification: each class also offers the relations of its ancestors."""
    own = {(r.domain, r.path, r.target) for r in rels}
    out = []
    for cls in spec.classes:
        ancestors = {str(a) for a in onto.transitive_objects(URIRef(cls), RDFS.subClassOf)} - {cls}
        for r in rels:
            if r.domain in ancestors and (cls, r.path, r.target) not in own:
                own.add((cls, r.path, r.target))
                out.append(Relation(cls, r.path, r.target, r.literal, r.labels, r.inverse))
    return out


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _add_relation(g: Graph, spec: BuilderSpec, shape: URIRef, rel: Relation) -> None:
    node = URIRef(f"{SHAPES}{_local(rel.domain)}-{_local(rel.path)}")
    g.add((shape, SH.property, node))
    g.add((node, RDF.type, SH.PropertyShape))
    g.add((node, SH.path, URIRef(rel.path)))
    for lang, text in rel.labels.items():
        g.add((node, SH.name, Literal(text, lang=lang)))
    if rel.literal:
        g.add((node, SH.nodeKind, SH.Literal))
        g.add((node, SH.datatype, URIRef(rel.target)))
        return
    g.add((node, SH.nodeKind, SH.IRI))
    g.add((node, SH["class"], URIRef(rel.target)))
    widget = CORE.ListProperty if rel.target in spec.code_lists else CORE.AutocompleteProperty
    g.add((node, DASH.searchWidget, widget))


def config_graph(spec: BuilderSpec) -> Graph:
    g = Graph()
    g.bind("sh", SH)
    g.bind("dash", DASH)
    g.bind("core", CORE)
    g.bind("cq", CQ)
    g.bind("cqb", SHAPES)
    g.bind("skos", SKOS)
    shapes = {cls: URIRef(SHAPES + _local(cls)) for cls in spec.classes}
    for cls, labels in spec.classes.items():
        shape = shapes[cls]
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, URIRef(cls)))
        for lang, text in labels.items():
            g.add((shape, RDFS.label, Literal(text, lang=lang)))
        # the label: what autocompletion and lists show and search
        label = URIRef(f"{SHAPES}{_local(cls)}-label")
        g.add((shape, SH.property, label))
        g.add((label, SH.path, RDFS.label))
        g.add((label, SH.datatype, RDF.langString))
        g.add((label, DASH.propertyRole, DASH.LabelRole))
        g.add((label, SH.name, Literal("intitulé", lang="fr")))
        g.add((label, SH.name, Literal("label", lang="en")))
    for rel in spec.relations:
        _add_relation(g, spec, shapes[rel.domain], rel)
    return g


def builder_config(ontology: Path | None = None, shapes: Path | None = None) -> str:
    """The Sparnatural SHACL configuration, as Turtle."""
    return config_graph(builder_spec(ontology, shapes)).serialize(format="turtle")
