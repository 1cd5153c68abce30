"""ELM JSON-LD written with the Europass context (European Learning Model, `rdf/ap/edc`).

The document carries, inline, the term definitions of the Europass context
(`edc-ap-context.jsonld`) that it uses — the same definitions, so that compacting the export with
the full Europass context gives the same keys, and that expanding it needs no network. Node
objects are written one qualification at a time (`@graph`), streamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, BinaryIO

import pyoxigraph as ox

ELM = "http://data.europa.eu/snb/model/elm/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Prefixes and terms of the Europass context used by the export, copied as the context defines
# them (tests/test_export_elm.py compares them with ../shared/data/elm/edc-ap-context.jsonld).
PREFIXES = {
    "elm": ELM,
    "adms": "http://www.w3.org/ns/adms#",
    "dc": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rov": "http://www.w3.org/ns/regorg#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
CLASSES = {
    "Address": "elm:Address",
    "AwardingOpportunity": "elm:AwardingOpportunity",
    "Concept": "skos:Concept",
    "ConceptScheme": "skos:ConceptScheme",
    "Identifier": "elm:Identifier",
    "LearningOutcome": "elm:LearningOutcome",
    "LegalIdentifier": "elm:LegalIdentifier",
    "Location": "dc:Location",
    "Organisation": "elm:Organisation",
    "Qualification": "elm:Qualification",
}
_ID = {"@type": "@id"}
_LANG = {"@container": "@language"}
PROPERTIES: dict[str, dict[str, str]] = {
    "address": {"@id": "elm:address", **_ID},
    "awardingBody": {"@id": "elm:awardingBody", **_ID},
    "awardingOpportunity": {"@id": "elm:awardingOpportunity", **_ID},
    "category": {"@id": "elm:category", **_LANG},
    "countryCode": {"@id": "elm:countryCode", **_ID},
    "description": {"@id": "dc:description", **_LANG},
    "eqfLevel": {"@id": "elm:EQFLevel", **_ID},
    "identifier": {"@id": "adms:identifier", **_ID},
    "inScheme": {"@id": "skos:inScheme", **_ID},
    "language": {"@id": "dc:language", **_ID},
    "learningAchievementSpecification": {"@id": "elm:learningAchievementSpecification", **_ID},
    "learningOutcome": {"@id": "elm:learningOutcome", **_ID},
    "legalName": {"@id": "rov:legalName", **_LANG},
    "location": {"@id": "elm:location", **_ID},
    "notation": {"@id": "skos:notation"},
    "nqfLevel": {"@id": "elm:NQFLevel", **_ID},
    "prefLabel": {"@id": "skos:prefLabel", **_LANG},
    "registration": {"@id": "rov:registration", **_ID},
    "schemeName": {"@id": "elm:schemeName", "@type": "xsd:string"},
    "spatial": {"@id": "dc:spatial", **_ID},
    "thematicArea": {"@id": "elm:ISCEDFCode", **_ID},
    "title": {"@id": "dc:title", **_LANG},
}
CONTEXT: dict[str, Any] = {**PREFIXES, **CLASSES, **PROPERTIES}


def _expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local


_TERMS = {_expand(d["@id"]): (term, d) for term, d in PROPERTIES.items()}
_CLASS_TERMS = {_expand(curie): term for term, curie in CLASSES.items()}


def _compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri[len(ns) :] and "/" not in iri[len(ns) :]:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _fits(value: ox.NamedNode | ox.BlankNode | ox.Literal, definition: dict[str, str]) -> bool:
    """Whether the term's coercion writes this value exactly (else the full form is used)."""
    if definition.get("@type") == "@id":
        return isinstance(value, ox.NamedNode)
    if definition.get("@container") == "@language":
        return isinstance(value, ox.Literal) and bool(value.language)
    if isinstance(value, ox.Literal) and not value.language:
        return value.datatype.value == XSD_STRING
    return False


def _full(value: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
    if isinstance(value, ox.NamedNode):
        return {"@id": value.value}
    if isinstance(value, ox.BlankNode):
        return {"@id": f"_:{value.value}"}
    if value.language:
        return {"@value": value.value, "@language": value.language}
    if value.datatype.value != XSD_STRING:
        return {"@value": value.value, "@type": value.datatype.value}
    return value.value


def node_object(subject: str, triples: list[ox.Triple]) -> dict[str, Any]:
    """The node object of one subject, keyed by the context's terms."""
    obj: dict[str, Any] = {"@id": subject}
    for t in triples:
        pred, value = t.predicate.value, t.object
        if isinstance(value, ox.Triple):  # RDF 1.2 triple terms: not in ELM
            continue
        if pred == RDF_TYPE and isinstance(value, ox.NamedNode):
            obj.setdefault("@type", []).append(_CLASS_TERMS.get(value.value) or _compact(value.value))
            continue
        term, definition = _TERMS.get(pred, (None, None))
        if term is not None and definition is not None and _fits(value, definition):
            if isinstance(value, ox.Literal) and definition.get("@container") == "@language":
                obj.setdefault(term, {}).setdefault(value.language, []).append(value.value)
            else:
                obj.setdefault(term, []).append(value.value)
        else:
            obj.setdefault(pred if term is not None else _compact(pred), []).append(_full(value))
    return {k: _single(v) for k, v in obj.items()}


def _single(v: Any) -> Any:
    if isinstance(v, list):
        return v[0] if len(v) == 1 else v
    if isinstance(v, dict) and all(isinstance(x, list) for x in v.values()):
        return {k: _single(x) for k, x in v.items()}
    return v


def write_jsonld(chunks: Iterable[list[ox.Triple]], out: BinaryIO) -> None:
    """Write the triples, given per qualification, as one JSON-LD document."""
    out.write(b'{\n"@context": ')
    out.write(json.dumps(CONTEXT, ensure_ascii=False, indent=1).encode())
    out.write(b',\n"@graph": [')
    first = True
    for chunk in chunks:
        by_subject: dict[str, list[ox.Triple]] = {}
        for t in chunk:
            s = t.subject
            if isinstance(s, ox.Triple):
                continue
            key = s.value if isinstance(s, ox.NamedNode) else f"_:{s.value}"
            by_subject.setdefault(key, []).append(t)
        for subject, triples in by_subject.items():
            out.write(b"\n" if first else b",\n")
            first = False
            out.write(json.dumps(node_object(subject, triples), ensure_ascii=False).encode())
    out.write(b"\n]\n}\n")
