"""The project's vocabulary (ontology/cqpi.ttl) as typed records: what /def shows.

Each class and property of the cq: namespace with its labels and definitions per language, its
super-terms, and for a property its domain and range (declared ``rdfs:domain``/``rdfs:range``,
or the non-entailing ``schema:domainIncludes``/``rangeIncludes`` hints).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

from .namespaces import CQ
from .resources import resource_dir

SCHEMA = Namespace("http://schema.org/")
KINDS = {OWL.Class: "class", OWL.ObjectProperty: "object", OWL.DatatypeProperty: "datatype"}


@dataclass(frozen=True, slots=True)
class Term:
    iri: str
    kind: str  # "class", "object" (property) or "datatype" (property)
    labels: dict[str, str]
    definitions: dict[str, str]
    parents: tuple[str, ...]
    domains: tuple[str, ...] = ()
    ranges: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.iri.rsplit("#", 1)[-1]

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("fr") or self.name

    def definition(self, lang: str) -> str:
        return self.definitions.get(lang) or ""

    def to_dict(self) -> dict:
        return {
            "iri": self.iri,
            "kind": self.kind,
            "label": self.labels,
            "definition": self.definitions,
            "parents": list(self.parents),
            "domains": list(self.domains),
            "ranges": list(self.ranges),
        }


def _texts(g: Graph, node: URIRef, *preds: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for pred in preds:
        for o in g.objects(node, pred):
            if isinstance(o, Literal) and o.language and o.language not in out:
                out[o.language] = str(o)
    return out


def _iris(g: Graph, node: URIRef, *preds: URIRef) -> tuple[str, ...]:
    return tuple(sorted({str(o) for p in preds for o in g.objects(node, p) if isinstance(o, URIRef)}))


@lru_cache(maxsize=2)
def vocabulary(ontology: Path | None = None) -> tuple[Term, ...]:
    """Every class and property of the cq: namespace, classes first, each sorted by name."""
    g = Graph().parse((ontology or resource_dir("ontology")) / "cqpi.ttl", format="turtle")
    terms = []
    for rdf_type, kind in KINDS.items():
        for node in sorted((s for s in g.subjects(RDF.type, rdf_type) if str(s).startswith(CQ)), key=str):
            assert isinstance(node, URIRef)
            terms.append(
                Term(
                    iri=str(node),
                    kind=kind,
                    labels=_texts(g, node, RDFS.label),
                    definitions=_texts(g, node, SKOS.definition, RDFS.comment),
                    parents=_iris(g, node, RDFS.subClassOf, RDFS.subPropertyOf),
                    domains=_iris(g, node, RDFS.domain, SCHEMA.domainIncludes),
                    ranges=_iris(g, node, RDFS.range, SCHEMA.rangeIncludes),
                )
            )
    return tuple(terms)
