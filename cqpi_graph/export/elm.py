"""European Learning Model v3 (ELM), application profile *Learning Opportunity and Qualification*
(LOQ): what the Europass Qualification Dataset Register (QDR) ingests.

One `elm:Qualification` per certification (a BCN diploma and its RNCP fiche are one), whose IRI
is the certification's own persistent IRI. The official LOQ shapes (closed) make these
mandatory: a title, one EQF level in the EU EQF scheme, an NQF level in the QDR scheme, one or
more ISCED-F 2013 codes, one or more learning outcomes; this profile also requires the awarding
body as an organisation with its legal identifier (SIRET) and location. A certification that
lacks any of them is *not exported* and is listed in the report with what is missing — nothing
is padded with invented values.

What each ELM field is made of:

Field mapping: see docs/EXPORT.md.

NQF: the QDR publishes each national framework's levels as concepts of the scheme
`http://data.europa.eu/snb/qdr/25831c2`. When the level concept of the graph has a
`skos:exactMatch` to such a concept, that IRI is used. Otherwise the graph's own persistent
level IRI is used and stated to be in the QDR scheme (the level *is* the French framework's
level; only the QDR's own identifier for it is unknown offline); the report says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import DCT, EQF, RDF, SKOS, XSD
from ..store import Store
from .certs import (
    ISCED_F,
    LABEL_PREDICATES,
    Certification,
    GraphView,
    first_literal,
    iris,
    iter_certifications,
    lang_map,
)
from .dump import open_output

ELM = "http://data.europa.eu/snb/model/elm/"
ADMS = "http://www.w3.org/ns/adms#"
ROV = "http://www.w3.org/ns/regorg#"
EQF_SCHEME = EQF + "25831c2"
ISCED_SCHEME = ISCED_F + "25831c2"
QDR = "http://data.europa.eu/snb/qdr/"
QDR_SCHEME = QDR + "25831c2"
LANGUAGE = "http://publications.europa.eu/resource/authority/language"
COUNTRY = "http://publications.europa.eu/resource/authority/country"
FRANCE = COUNTRY + "/FRA"
LANGUAGES = {"fr": "FRA", "en": "ENG", "de": "DEU", "es": "SPA", "it": "ITA", "pt": "POR", "nl": "NLD"}
ISCED_CODE = re.compile(r"^(0\d|10)(\d{1,2})?$")  # ISCED-F 2013: broad, narrow, detailed

PREFIXES = {
    "elm": ELM,
    "dc": DCT,
    "skos": SKOS,
    "adms": ADMS,
    "rov": ROV,
    "xsd": XSD,
    "rdf": RDF,
    "eqf": EQF,
    "iscedf": ISCED_F,
    "cert": "https://w3id.org/cqpi/id/cert/",
    "siret": "https://w3id.org/cqpi/id/siret/",
}

# The mandatory fields, in the order they are checked and reported.
MANDATORY = ("title", "EQFLevel", "NQFLevel", "ISCEDFCode", "learningOutcome", "awardingBody")


@dataclass
class Excluded:
    iri: str
    code: str | None
    title: str | None
    missing: list[str]


@dataclass
class ElmReport:
    """Which certifications were exported and which were not, with what they lack."""

    exported: list[str] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def missing_counts(self) -> dict[str, int]:
        out = dict.fromkeys(MANDATORY, 0)
        for e in self.excluded:
            for m in e.missing:
                out[m] = out.get(m, 0) + 1
        return {k: v for k, v in out.items() if v}

    def summary(self) -> str:
        miss = ", ".join(f"{k} {v}" for k, v in self.missing_counts.items()) or "—"
        return (
            f"ELM/LOQ : {len(self.exported)} certifications exportées, {len(self.excluded)} exclues "
            f"(champs manquants : {miss})"
        )

    def to_text(self) -> str:
        lines = [self.summary()]
        lines += [f"note : {n}" for n in self.notes]
        if self.excluded:
            lines.append("certification\tcode\tintitulé\tchamps obligatoires manquants")
            for e in self.excluded:
                lines.append(f"{e.iri}\t{e.code or ''}\t{e.title or ''}\t{', '.join(e.missing)}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "exported": self.exported,
                    "excluded": [asdict(e) for e in self.excluded],
                    "missing_counts": self.missing_counts,
                    "notes": self.notes,
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )


# ---------------------------------------------------------------- triples


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: str, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


class _Writer:
    """Accumulates the triples of one qualification; shared nodes are described once."""

    def __init__(self) -> None:
        self.described: set[str] = set()
        self.out: list[ox.Triple] = []

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        self.out.append(ox.Triple(_n(s), _n(p), _n(o) if isinstance(o, str) else o))

    def once(self, iri: str) -> bool:
        if iri in self.described:
            return False
        self.described.add(iri)
        return True

    def scheme(self, iri: str, labels: dict[str, str]) -> None:
        if self.once(iri):
            self.add(iri, RDF + "type", SKOS + "ConceptScheme")
            for lang, text in labels.items():
                self.add(iri, SKOS + "prefLabel", _lit(text, lang))

    def concept(self, iri: str, schemes: Iterable[str], labels: dict[str, str], notation: str | None) -> None:
        if not self.once(iri):
            return
        self.add(iri, RDF + "type", SKOS + "Concept")
        for s in schemes:
            self.add(iri, SKOS + "inScheme", s)
        for lang, text in labels.items():
            self.add(iri, SKOS + "prefLabel", _lit(text, lang))
        if notation:
            self.add(iri, SKOS + "notation", _lit(notation))

    def flush(self) -> list[ox.Triple]:
        """The accumulated triples, grouped by subject (first-seen order) for readable Turtle."""
        groups: dict[object, list[ox.Triple]] = {}
        for t in self.out:
            groups.setdefault(t.subject, []).append(t)
        self.out = []
        return [t for g in groups.values() for t in g]


SCHEME_LABELS = {
    EQF_SCHEME: {"en": "European Qualifications Framework"},
    ISCED_SCHEME: {"en": "ISCED-F 2013"},
    QDR_SCHEME: {"en": "QDR list of qualification frameworks"},
    LANGUAGE: {"en": "Languages"},
    COUNTRY: {"en": "Countries"},
}


def _isced(view: GraphView, rec: Certification) -> list[tuple[str, str, dict[str, str]]]:
    """ISCED-F 2013 concepts: (IRI, code, labels)."""
    out: dict[str, tuple[str, str, dict[str, str]]] = {}
    for c in rec.isced:
        iri = c.iri or ""
        if not iri.startswith(ISCED_F) and iri:
            match = [i for i in iris(view.cached(iri), SKOS + "exactMatch") if i.startswith(ISCED_F)]
            iri = match[0] if match else ""
        code = iri[len(ISCED_F) :] if iri.startswith(ISCED_F) else (c.code or "")
        if not ISCED_CODE.match(code):
            continue
        iri = ISCED_F + code
        labels = lang_map(view.cached(c.iri), LABEL_PREDICATES) if c.iri else {}
        out[iri] = (iri, code, labels)
    return sorted(out.values())


def _nqf(view: GraphView, rec: Certification) -> tuple[str, bool] | None:
    """(concept IRI, is an official QDR IRI) for the national level."""
    if rec.level is None or rec.level.iri is None:
        return None
    qdr = [i for i in iris(view.cached(rec.level.iri), SKOS + "exactMatch") if i.startswith(QDR)]
    if qdr:
        return sorted(qdr)[0], True
    return rec.level.iri, False


def check_mandatory(view: GraphView, rec: Certification) -> list[str]:
    missing = []
    if not rec.title:
        missing.append("title")
    if not rec.eqf:
        missing.append("EQFLevel")
    if not _nqf(view, rec):
        missing.append("NQFLevel")
    if not _isced(view, rec):
        missing.append("ISCEDFCode")
    if not rec.all_competences():
        missing.append("learningOutcome")
    if not [o for o in rec.certifiers if o.siret and o.name]:
        missing.append("awardingBody")
    return missing


def qualification_triples(view: GraphView, rec: Certification, w: _Writer, report: ElmReport) -> None:
    q = rec.iri
    w.add(q, RDF + "type", ELM + "Qualification")
    for lang, text in sorted(rec.title.items()):
        w.add(q, DCT + "title", _lit(text, lang))
    for lang, text in sorted(rec.description.items()):
        w.add(q, DCT + "description", _lit(text, lang))
    for abbr in rec.abbreviations:
        w.add(q, ELM + "category", _lit(abbr, "fr"))
    # identifiers
    for code in rec.rncp_codes + rec.bcn_codes:
        ident = f"{q}#id-{code}"
        scheme = "BCN" if code in rec.bcn_codes else re.sub(r"\d.*", "", code)
        w.add(q, ADMS + "identifier", ident)
        if w.once(ident):
            w.add(ident, RDF + "type", ELM + "Identifier")
            w.add(ident, SKOS + "notation", _lit(code))
            w.add(ident, ELM + "schemeName", _lit(scheme))
    # levels
    w.scheme(EQF_SCHEME, SCHEME_LABELS[EQF_SCHEME])
    eqf_n = rec.eqf.rsplit("/", 1)[-1]
    eqf_labels = lang_map(view.cached(rec.eqf), LABEL_PREDICATES) or {"en": f"EQF level {eqf_n}"}
    w.concept(rec.eqf, [EQF_SCHEME], eqf_labels, rec.eqf.rsplit("/", 1)[-1])
    w.add(q, ELM + "EQFLevel", rec.eqf)
    nqf, official = _nqf(view, rec)
    w.scheme(QDR_SCHEME, SCHEME_LABELS[QDR_SCHEME])
    lp = view.cached(rec.level.iri)
    schemes = [QDR_SCHEME]
    if not official:
        for s in iris(lp, SKOS + "inScheme"):
            w.scheme(s, lang_map(view.cached(s), LABEL_PREDICATES))
            schemes.append(s)
    w.concept(nqf, schemes, lang_map(lp, LABEL_PREDICATES), first_literal(lp, SKOS + "notation"))
    w.add(q, ELM + "NQFLevel", nqf)
    # thematic area
    w.scheme(ISCED_SCHEME, SCHEME_LABELS[ISCED_SCHEME])
    for iri, code, labels in _isced(view, rec):
        w.concept(iri, [ISCED_SCHEME], labels, code)
        w.add(q, ELM + "ISCEDFCode", iri)
    # language of the qualification: the languages it is described in
    for lang in sorted(rec.title):
        code = LANGUAGES.get(lang.split("-")[0])
        if code:
            w.scheme(LANGUAGE, SCHEME_LABELS[LANGUAGE])
            w.concept(f"{LANGUAGE}/{code}", [LANGUAGE], {}, code)
            w.add(q, DCT + "language", f"{LANGUAGE}/{code}")
    # learning outcomes
    for i, comp in enumerate(rec.all_competences(), 1):
        lo = comp.iri or f"{q}#lo-{i}"
        w.add(q, ELM + "learningOutcome", lo)
        if w.once(lo):
            w.add(lo, RDF + "type", ELM + "LearningOutcome")
            for lang, text in sorted(comp.title.items()):
                w.add(lo, DCT + "title", _lit(text, lang))
    # awarding body
    bodies = [o for o in rec.certifiers if o.siret and o.name]
    skipped = [o for o in rec.certifiers if o not in bodies]
    if skipped:
        report.notes.append(
            f"{q} : certificateur(s) sans SIRET ou sans nom non repris comme organisme certificateur : "
            + ", ".join(o.iri for o in skipped)
        )
    ao = f"{q}#awarding"
    w.add(q, ELM + "awardingOpportunity", ao)
    w.add(ao, RDF + "type", ELM + "AwardingOpportunity")
    w.add(ao, ELM + "learningAchievementSpecification", q)
    for org in bodies:
        w.add(ao, ELM + "awardingBody", org.iri)
        if not w.once(org.iri):
            continue
        w.add(org.iri, RDF + "type", ELM + "Organisation")
        for lang, text in sorted(org.name.items()):
            w.add(org.iri, ROV + "legalName", _lit(text, lang))
        legal, loc, addr = f"{org.iri}#siret", f"{org.iri}#location", f"{org.iri}#address"
        w.add(org.iri, ROV + "registration", legal)
        w.add(legal, RDF + "type", ELM + "LegalIdentifier")
        w.add(legal, SKOS + "notation", _lit(org.siret))
        w.add(legal, ELM + "schemeName", _lit("SIRET"))
        w.scheme(COUNTRY, SCHEME_LABELS[COUNTRY])
        w.concept(FRANCE, [COUNTRY], {"fr": "France", "en": "France"}, "FRA")
        w.add(legal, DCT + "spatial", FRANCE)
        w.add(org.iri, ELM + "location", loc)
        w.add(loc, RDF + "type", DCT + "Location")
        w.add(loc, ELM + "address", addr)
        w.add(addr, RDF + "type", ELM + "Address")
        w.add(addr, ELM + "countryCode", FRANCE)


def elm_triples(store: Store, report: ElmReport, iris_: Iterable[str] | None = None) -> Iterator[ox.Triple]:
    """The ELM triples, certification by certification; fills `report` as it goes."""
    view = GraphView(store)
    w = _Writer()
    nqf_local = 0
    for rec in iter_certifications(store, iris_):
        missing = check_mandatory(view, rec)
        if missing:
            title = rec.title.get("fr") or next(iter(rec.title.values()), None)
            report.excluded.append(Excluded(rec.iri, rec.code, title, missing))
            continue
        qualification_triples(view, rec, w, report)
        if not _nqf(view, rec)[1]:
            nqf_local += 1
        report.exported.append(rec.iri)
        yield from w.flush()
    if nqf_local:
        report.notes.append(
            f"{nqf_local} niveau(x) NQF donné(s) par l'IRI du niveau du cadre national 2019 "
            f"(…/id/niveau/N), déclaré dans le schéma QDR {QDR_SCHEME} : aucun skos:exactMatch "
            f"vers un concept {QDR}… n'est connu dans le graphe"
        )


ELM_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def export_elm(
    store: Store,
    fmt: str = "turtle",
    output: BinaryIO | Path | str | None = None,
    *,
    iris: Iterable[str] | None = None,
) -> tuple[bytes | None, ElmReport]:
    """Export the certifications as ELM v3 / LOQ qualifications.

    Streams to `output` (file path, binary stream, or '-' for stdout) and returns
    (None, report); without `output`, returns (serialised bytes, report). `iris` restricts the
    export to these certifications. fmt: turtle, jsonld (also ntriples, rdfxml).
    """
    if fmt not in ELM_FORMATS:
        raise InputError(f"format ELM inconnu « {fmt} »", field="--format", expected="turtle, jsonld")
    report = ElmReport()
    triples = elm_triples(store, report, iris)
    prefixes = PREFIXES if fmt in ("turtle", "rdfxml", "jsonld") else None
    if output is None:
        data = ox.serialize(triples, format=ELM_FORMATS[fmt], prefixes=prefixes)
        return data, report
    with open_output(output) as out:
        ox.serialize(triples, out, format=ELM_FORMATS[fmt], prefixes=prefixes)
    return None, report
