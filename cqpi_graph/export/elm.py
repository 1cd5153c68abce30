"""European Learning Model v3 (ELM), application profile *Learning Opportunity and Qualification*
(LOQ): what the Europass Qualification Dataset Register (QDR) ingests.

One `elm:Qualification` per certification as the catalog groups them (a BCN diploma and its
RNCP fiche are one), whose IRI is the certification's own persistent IRI. The official LOQ
shapes (closed) make these mandatory: a title, one EQF level in the EU EQF scheme, an NQF level
in the QDR scheme, one or more ISCED-F 2013 codes, one or more learning outcomes; this profile
also requires the awarding body as an organisation with its legal identifier (SIRET) and
location. A certification that lacks any of them is *not exported* and is listed in the report
with what is missing — nothing is padded with invented values. How each field is made:
`elm_fields.py`; field mapping: docs/EXPORT.md.

NQF: the QDR publishes each national framework's levels as concepts of the scheme
`http://data.europa.eu/snb/qdr/25831c2`. When the level concept of the graph has a
`skos:exactMatch` to such a concept, that IRI is used. Otherwise the graph's own persistent
level IRI is used and stated to be in the QDR scheme (the level *is* the French framework's
level; only the QDR's own identifier for it is unknown offline); the report says so.

Formats: Turtle, N-Triples, RDF/XML (pyoxigraph), and JSON-LD written with the Europass context
(`elm_jsonld.py`). Everything streams, one qualification at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
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
from .elm_fields import (
    QDR,
    awarding_bodies,
    declared_isced,
    isced_fields,
    learning_outcomes,
    nqf_level,
    nsf_isced,
)
from .elm_jsonld import write_jsonld
from .elm_shapes import KNOWN_CONFLICTS
from .isced import SOURCE_NOTE
from .report import Excluded, ExportReport

ELM = "http://data.europa.eu/snb/model/elm/"
ADMS = "http://www.w3.org/ns/adms#"
ROV = "http://www.w3.org/ns/regorg#"
EQF_SCHEME = EQF + "25831c2"
ISCED_SCHEME = ISCED_F + "25831c2"
QDR_SCHEME = QDR + "25831c2"
LANGUAGE = "http://publications.europa.eu/resource/authority/language"
COUNTRY = "http://publications.europa.eu/resource/authority/country"
FRANCE = COUNTRY + "/FRA"
LANGUAGES = {"fr": "FRA", "en": "ENG", "de": "DEU", "es": "SPA", "it": "ITA", "pt": "POR", "nl": "NLD"}

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
# The ELM classes this export writes (for the shape conflicts the report quotes).
WRITTEN_CLASSES = {ELM + c for c in ("Qualification", "Organisation", "LegalIdentifier", "Identifier")}
# Counters of the report, in print order.
ACTIVE_BASE = "fiches actives avec blocs et certificateur"
ACTIVE_DONE = "dont exportées"
BY_NSF = "ISCED-F par la table NSF"
FROM_BLOCS = "acquis d'apprentissage tirés des blocs"
NQF_LOCAL = "niveau NQF par l'IRI du niveau national"
NO_SIRET = "certificateurs sans SIRET non repris"


class ElmReport(ExportReport):
    """The ELM export's report (see `report.ExportReport`)."""

    def __init__(self) -> None:
        super().__init__(profile="elm", fields=MANDATORY, headline=(ACTIVE_BASE, ACTIVE_DONE))


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
        if len(self.described) > 200_000:  # shared nodes repeat little: bounded memory
            self.described.clear()
        self.described.add(iri)
        return True

    def scheme(self, iri: str, labels: dict[str, str]) -> None:
        if self.once(iri):
            self.add(iri, RDF + "type", SKOS + "ConceptScheme")
            for lang, text in sorted(labels.items()):
                self.add(iri, SKOS + "prefLabel", _lit(text, lang))

    def concept(self, iri: str, schemes: Iterable[str], labels: dict[str, str], notation: str | None) -> None:
        if not self.once(iri):
            return
        self.add(iri, RDF + "type", SKOS + "Concept")
        for s in schemes:
            self.add(iri, SKOS + "inScheme", s)
        for lang, text in sorted(labels.items()):
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


def check_mandatory(view: GraphView, rec: Certification) -> list[str]:
    missing = []
    if not rec.title:
        missing.append("title")
    if not rec.eqf:
        missing.append("EQFLevel")
    if not nqf_level(view, rec):
        missing.append("NQFLevel")
    if not isced_fields(view, rec):
        missing.append("ISCEDFCode")
    if not learning_outcomes(rec):
        missing.append("learningOutcome")
    if not awarding_bodies(rec):
        missing.append("awardingBody")
    return missing


def _identifiers(w: _Writer, rec: Certification) -> None:
    q = rec.iri
    for code in rec.rncp_codes + rec.bcn_codes:
        ident = f"{q}#id-{code}"
        scheme = "BCN" if code in rec.bcn_codes else re.sub(r"\d.*", "", code)
        w.add(q, ADMS + "identifier", ident)
        if w.once(ident):
            w.add(ident, RDF + "type", ELM + "Identifier")
            w.add(ident, SKOS + "notation", _lit(code))
            w.add(ident, ELM + "schemeName", _lit(scheme))


def _levels(view: GraphView, w: _Writer, rec: Certification) -> None:
    q, eqf = rec.iri, rec.eqf or ""
    w.scheme(EQF_SCHEME, SCHEME_LABELS[EQF_SCHEME])
    n = eqf.rsplit("/", 1)[-1]
    w.concept(eqf, [EQF_SCHEME], lang_map(view.cached(eqf), LABEL_PREDICATES) or {"en": f"EQF level {n}"}, n)
    w.add(q, ELM + "EQFLevel", eqf)
    nqf, official = nqf_level(view, rec) or ("", False)
    w.scheme(QDR_SCHEME, SCHEME_LABELS[QDR_SCHEME])
    lp = view.cached(rec.level.iri) if rec.level and rec.level.iri else {}
    schemes = [QDR_SCHEME]
    if not official:
        for s in iris(lp, SKOS + "inScheme"):
            w.scheme(s, lang_map(view.cached(s), LABEL_PREDICATES))
            schemes.append(s)
    w.concept(nqf, schemes, lang_map(lp, LABEL_PREDICATES), first_literal(lp, SKOS + "notation"))
    w.add(q, ELM + "NQFLevel", nqf)


def _awarding(w: _Writer, rec: Certification) -> None:
    q = rec.iri
    ao = f"{q}#awarding"
    w.add(q, ELM + "awardingOpportunity", ao)
    w.add(ao, RDF + "type", ELM + "AwardingOpportunity")
    w.add(ao, ELM + "learningAchievementSpecification", q)
    for org in awarding_bodies(rec):
        w.add(ao, ELM + "awardingBody", org.iri)
        if not w.once(org.iri):
            continue
        w.add(org.iri, RDF + "type", ELM + "Organisation")
        for lang, text in sorted(org.name.items()):
            w.add(org.iri, ROV + "legalName", _lit(text, lang))
        legal, loc, addr = f"{org.iri}#siret", f"{org.iri}#location", f"{org.iri}#address"
        w.add(org.iri, ROV + "registration", legal)
        w.add(legal, RDF + "type", ELM + "LegalIdentifier")
        w.add(legal, SKOS + "notation", _lit(org.siret or ""))
        w.add(legal, ELM + "schemeName", _lit("SIRET"))
        w.scheme(COUNTRY, SCHEME_LABELS[COUNTRY])
        w.concept(FRANCE, [COUNTRY], {"fr": "France", "en": "France"}, "FRA")
        w.add(legal, DCT + "spatial", FRANCE)
        w.add(org.iri, ELM + "location", loc)
        w.add(loc, RDF + "type", DCT + "Location")
        w.add(loc, ELM + "address", addr)
        w.add(addr, RDF + "type", ELM + "Address")
        w.add(addr, ELM + "countryCode", FRANCE)


def qualification_triples(view: GraphView, rec: Certification, w: _Writer) -> None:
    q = rec.iri
    w.add(q, RDF + "type", ELM + "Qualification")
    for lang, text in sorted(rec.title.items()):
        w.add(q, DCT + "title", _lit(text, lang))
    for lang, text in sorted(rec.description.items()):
        w.add(q, DCT + "description", _lit(text, lang))
    for abbr in rec.abbreviations:
        w.add(q, ELM + "category", _lit(abbr, "fr"))
    _identifiers(w, rec)
    _levels(view, w, rec)
    w.scheme(ISCED_SCHEME, SCHEME_LABELS[ISCED_SCHEME])
    for f in isced_fields(view, rec):
        w.concept(f.iri, [ISCED_SCHEME], f.labels, f.code)
        w.add(q, ELM + "ISCEDFCode", f.iri)
    # language of the qualification: the languages it is described in
    for lang in sorted(rec.title):
        code = LANGUAGES.get(lang.split("-")[0])
        if code:
            w.scheme(LANGUAGE, SCHEME_LABELS[LANGUAGE])
            w.concept(f"{LANGUAGE}/{code}", [LANGUAGE], {}, code)
            w.add(q, DCT + "language", f"{LANGUAGE}/{code}")
    for lo in learning_outcomes(rec):
        w.add(q, ELM + "learningOutcome", lo.iri)
        if w.once(lo.iri):
            w.add(lo.iri, RDF + "type", ELM + "LearningOutcome")
            for lang, text in sorted(lo.title.items()):
                w.add(lo.iri, DCT + "title", _lit(text, lang))
    _awarding(w, rec)


# ---------------------------------------------------------------- the export, with its report


def _count_fields(view: GraphView, rec: Certification, report: ExportReport) -> None:
    """Counters of how the exported fields were made (for the report's notes)."""
    if not declared_isced(view, rec):
        report.count(BY_NSF)
    if any(lo.from_bloc for lo in learning_outcomes(rec)):
        report.count(FROM_BLOCS)
    if not (nqf_level(view, rec) or ("", False))[1]:
        report.count(NQF_LOCAL)
    without_siret = [o for o in rec.certifiers if o not in awarding_bodies(rec)]
    if without_siret:
        report.count(NO_SIRET)


def elm_chunks(
    store: Store, report: ExportReport, iris_: Iterable[str] | None = None
) -> Iterator[list[ox.Triple]]:
    """The ELM triples, one list per exported qualification; fills `report` as it goes."""
    view = GraphView(store)
    w = _Writer()
    unmapped: dict[str, int] = {}
    for rec in iter_certifications(store, iris_, links=False):
        base = bool(rec.active and rec.blocs and rec.certifiers)
        if base:
            report.count(ACTIVE_BASE)
        missing = check_mandatory(view, rec)
        if "ISCEDFCode" in missing:
            for code in nsf_isced(rec)[1]:
                unmapped[code] = unmapped.get(code, 0) + 1
        if missing:
            title = rec.title.get("fr") or next(iter(rec.title.values()), None)
            report.excluded.append(Excluded(rec.iri, rec.code, title, missing))
            continue
        qualification_triples(view, rec, w)
        _count_fields(view, rec, report)
        report.exported.append(rec.iri)
        if base:
            report.count(ACTIVE_DONE)
        yield w.flush()
    _notes(report, unmapped)


def _notes(report: ExportReport, unmapped: dict[str, int]) -> None:
    c = report.counts
    if c.get(ACTIVE_BASE):
        share = 100 * c.get(ACTIVE_DONE, 0) / c[ACTIVE_BASE]
        report.notes.append(
            f"{c.get(ACTIVE_DONE, 0)} des {c[ACTIVE_BASE]} fiches actives qui ont des blocs et un "
            f"certificateur sont exportées ({share:.1f} %)"
        )
    if c.get(BY_NSF):
        report.notes.append(f"{c[BY_NSF]} qualification(s) : {SOURCE_NOTE}")
    if unmapped:
        codes = ", ".join(f"{k} ({v})" for k, v in sorted(unmapped.items()))
        report.notes.append(f"codes NSF sans champ ISCED-F dans la table (certifications exclues) : {codes}")
    if c.get(NQF_LOCAL):
        report.notes.append(
            f"{c[NQF_LOCAL]} niveau(x) NQF donné(s) par l'IRI du niveau du "
            f"cadre national 2019 (…/id/niveau/N), déclaré dans le schéma QDR {QDR_SCHEME} : aucun "
            f"skos:exactMatch vers un concept {QDR}… n'est connu dans le graphe"
        )
    if c.get(NO_SIRET):
        report.notes.append(
            "un certificateur sans SIRET n'est pas repris comme organisme certificateur : sa "
            "localisation, obligatoire dans LOQ, n'est pas connue"
        )
    for conflict in KNOWN_CONFLICTS:
        if conflict.cls in WRITTEN_CLASSES:
            report.notes.append(
                "avec l'ontologie ELM chargée, aucune donnée valide ne satisfait les formes LOQ : "
                + conflict.text()
            )


ELM_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": None,  # elm_jsonld.write_jsonld: the Europass context
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def _write(chunks: Iterator[list[ox.Triple]], out: BinaryIO, fmt: str) -> None:
    if fmt == "jsonld":
        write_jsonld(chunks, out)
        return
    triples = (t for chunk in chunks for t in chunk)
    prefixes = PREFIXES if fmt in ("turtle", "rdfxml") else None
    ox.serialize(triples, out, format=ELM_FORMATS[fmt], prefixes=prefixes)


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
    chunks = elm_chunks(store, report, iris)
    if output is None:
        import io

        buf = io.BytesIO()
        _write(chunks, buf, fmt)
        return buf.getvalue(), report
    with open_output(output) as out:
        _write(chunks, out, fmt)
    return None, report
