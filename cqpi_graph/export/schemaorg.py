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
from .certs import (
    Bloc,
    Certification,
    GraphView,
    Organisation,
    certification_groups,
    lang_map,
    read_certification,
)
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


def _alternate_name(rec: Certification) -> list[str] | str | None:
    """The abbreviations: one as a string, several as a list."""
    if not rec.abbreviations:
        return None
    return rec.abbreviations if len(rec.abbreviations) > 1 else rec.abbreviations[0]


def _identifiers(rec: Certification) -> list[dict[str, Any]]:
    """RNCP/RS codes (propertyID: their prefix) and BCN codes, as PropertyValues."""
    return [
        {
            "@type": "PropertyValue",
            "propertyID": "BCN" if c in rec.bcn_codes else c.rstrip("0123456789"),
            "value": c,
        }
        for c in rec.rncp_codes + rec.bcn_codes
    ]


def _level(rec: Certification) -> dict[str, Any] | None:
    """The French qualification level as a DefinedTerm, sameAs its EQF level."""
    if not (rec.level and rec.level.iri):
        return None
    level: dict[str, Any] = {
        "@type": "DefinedTerm",
        "@id": rec.level.iri,
        "name": rec.level.label or f"Niveau {rec.level.code}",
        "termCode": rec.level.code,
        "inDefinedTermSet": "https://w3id.org/cqpi/id/scheme/niveaux",
    }
    if rec.eqf:
        level["sameAs"] = rec.eqf
    return level


def _competencies(rec: Certification) -> list[dict[str, Any]]:
    return [
        {"@type": "DefinedTerm", **({"@id": c.iri} if c.iri else {}), "name": _fr(c.title)}
        for c in rec.all_competences()
    ]


def _part(b: Bloc) -> dict[str, Any]:
    """A bloc de compétences as a credential of its own (hasPart)."""
    part: dict[str, Any] = {"@type": "EducationalOccupationalCredential"}
    if b.iri:
        part["@id"] = b.iri
    if b.title:
        part["name"] = _fr(b.title)
    if b.code:
        part["identifier"] = {"@type": "PropertyValue", "propertyID": "RNCP bloc", "value": b.code}
    if b.competences:
        part["competencyRequired"] = [{"@type": "DefinedTerm", "name": _fr(c.title)} for c in b.competences]
    return part


def _organization(o: Organisation) -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "Organization", "@id": o.iri}
    if o.name:
        org["name"] = _fr(o.name)
    if o.siret:
        org["identifier"] = {"@type": "PropertyValue", "propertyID": "SIRET", "value": o.siret}
    return org


def _jobs(rec: Certification) -> list[dict[str, Any]]:
    """The ROME jobs the certification leads to, as DefinedTerms of the ROME."""
    return [
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


def credential(view: GraphView, rec: Certification) -> dict[str, Any]:
    """The schema.org object of one certification record (fields absent when unknown)."""
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "EducationalOccupationalCredential",
        "@id": rec.iri,
        "url": rec.iri,
    }
    fields: list[tuple[str, Any]] = [
        ("name", _fr(rec.title) if rec.title else None),
        ("description", _fr(rec.description) if rec.description else None),
        ("alternateName", _alternate_name(rec)),
        ("identifier", _identifiers(rec) or None),
        ("credentialCategory", _category(view, rec)),
        ("educationalLevel", _level(rec)),
        ("competencyRequired", _competencies(rec) or None),
        ("hasPart", [_part(b) for b in rec.blocs] or None),
        ("recognizedBy", [_organization(o) for o in rec.certifiers] or None),
        ("about", _jobs(rec) or None),
    ]
    # an empty name or description is kept as read; a field the record lacks is left out
    out.update((key, value) for key, value in fields if value is not None)
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
