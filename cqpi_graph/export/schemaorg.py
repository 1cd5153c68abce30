"""schema.org JSON-LD: one `EducationalOccupationalCredential` per certification.

`schemaorg_jsonld(store, iri)` gives the object the web view embeds in a certification page
(`<script type="application/ld+json">`); `export_schemaorg(store, output)` writes every
certification as one JSON-LD document (`@graph`), streamed.

Field mapping: see docs/EXPORT.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import NotFoundError
from ..namespaces import CQ, RDFS
from ..store import Store
from .certs import Certification, GraphView, certification_groups, lang_map, read_certification
from .dump import open_output
from .report import Excluded, ExportReport

CONTEXT = "https://schema.org"
ROME_SET = "https://www.francetravail.fr/employeur/vos-recrutements/le-rome-et-les-fiches-metiers.html"


def _fr(m: dict[str, str]) -> str | None:
    return m.get("fr") or next(iter(m.values()), None)


def _category(view: GraphView, rec: Certification) -> dict[str, Any] | None:
    """The most specific cq: class of the certification, as a DefinedTerm."""
    classes = [t for t in rec.types if t.startswith(CQ)]
    if not classes:
        return None
    supers: set[str] = set()
    for c in classes:
        supers.update(v.value for v in view.cached(c).get(RDFS + "subClassOf", []) if hasattr(v, "value"))
    specific = sorted(c for c in classes if c not in supers or c == CQ + "Certification")
    specific = [c for c in specific if c != CQ + "Certification"] or specific
    cls = specific[0]
    labels = lang_map(view.cached(cls), (RDFS + "label",))
    term: dict[str, Any] = {
        "@type": "DefinedTerm",
        "@id": cls,
        "name": _fr(labels) or cls.rsplit("#", 1)[-1],
        "termCode": cls.rsplit("#", 1)[-1],
        "inDefinedTermSet": CQ.rstrip("#"),
    }
    return term


def credential(view: GraphView, rec: Certification) -> dict[str, Any]:
    """The schema.org object of one certification record."""
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "EducationalOccupationalCredential",
        "@id": rec.iri,
        "url": rec.iri,
    }
    if rec.title:
        out["name"] = _fr(rec.title)
    if rec.description:
        out["description"] = _fr(rec.description)
    if rec.abbreviations:
        out["alternateName"] = rec.abbreviations if len(rec.abbreviations) > 1 else rec.abbreviations[0]
    ids = [
        {
            "@type": "PropertyValue",
            "propertyID": "BCN" if c in rec.bcn_codes else c.rstrip("0123456789"),
            "value": c,
        }
        for c in rec.rncp_codes + rec.bcn_codes
    ]
    if ids:
        out["identifier"] = ids
    category = _category(view, rec)
    if category:
        out["credentialCategory"] = category
    if rec.level and rec.level.iri:
        level: dict[str, Any] = {
            "@type": "DefinedTerm",
            "@id": rec.level.iri,
            "name": rec.level.label or f"Niveau {rec.level.code}",
            "termCode": rec.level.code,
            "inDefinedTermSet": "https://w3id.org/cqpi/id/scheme/niveaux",
        }
        if rec.eqf:
            level["sameAs"] = rec.eqf
        out["educationalLevel"] = level
    comps = [
        {"@type": "DefinedTerm", **({"@id": c.iri} if c.iri else {}), "name": _fr(c.title)}
        for c in rec.all_competences()
    ]
    if comps:
        out["competencyRequired"] = comps
    parts = []
    for b in rec.blocs:
        part: dict[str, Any] = {"@type": "EducationalOccupationalCredential"}
        if b.iri:
            part["@id"] = b.iri
        if b.title:
            part["name"] = _fr(b.title)
        if b.code:
            part["identifier"] = {"@type": "PropertyValue", "propertyID": "RNCP bloc", "value": b.code}
        if b.competences:
            part["competencyRequired"] = [
                {"@type": "DefinedTerm", "name": _fr(c.title)} for c in b.competences
            ]
        parts.append(part)
    if parts:
        out["hasPart"] = parts
    orgs = []
    for o in rec.certifiers:
        org: dict[str, Any] = {"@type": "Organization", "@id": o.iri}
        if o.name:
            org["name"] = _fr(o.name)
        if o.siret:
            org["identifier"] = {"@type": "PropertyValue", "propertyID": "SIRET", "value": o.siret}
        orgs.append(org)
    if orgs:
        out["recognizedBy"] = orgs
    jobs = [
        {
            "@type": "DefinedTerm",
            "@id": r.iri,
            "termCode": r.code,
            "name": r.label,
            "inDefinedTermSet": ROME_SET,
        }
        for r in rec.rome
        if r.code
    ]
    if jobs:
        out["about"] = jobs
    return out


def schemaorg_jsonld(store: Store, iri: str) -> dict[str, Any]:
    """The schema.org JSON-LD object of one certification, ready for `json.dumps`.

    Raises NotFoundError if `iri` is not a certification of the graph. A BCN diploma and its RNCP
    fiche give the same object (the fiche's IRI is its `@id`).
    """
    groups = certification_groups(store, [iri])
    if not groups:
        raise NotFoundError(f"aucune certification d'IRI {iri}")
    view = GraphView(store)
    return credential(view, read_certification(view, groups[0]))


def export_schemaorg(
    store: Store,
    output: BinaryIO | Path | str | None = None,
    *,
    iris: Iterable[str] | None = None,
    report: ExportReport | None = None,
) -> int:
    """Write every certification as one JSON-LD document (`@graph`), streamed; returns the count.

    A certification without a name (schema.org `name`) is left out and listed in `report`.
    """
    report = report if report is not None else ExportReport()
    report.profile, report.fields = "schemaorg", ("name",)
    view = GraphView(store)
    with open_output(output) as out:
        out.write(b'{"@context": "https://schema.org", "@graph": [\n')
        for group in certification_groups(store, iris):
            rec = read_certification(view, group)
            obj = credential(view, rec)
            if not obj.get("name"):
                report.excluded.append(Excluded(rec.iri, rec.code, None, ["name"]))
                continue
            obj.pop("@context", None)
            out.write((b",\n" if report.exported else b"") + json.dumps(obj, ensure_ascii=False).encode())
            report.exported.append(rec.iri)
        out.write(b"\n]}\n")
    return len(report.exported)
