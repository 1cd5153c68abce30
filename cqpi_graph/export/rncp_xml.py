"""RNCP fiches in the XML export flow of France compétences, version 4.1.

Element names, nesting and order are those of the official export (see
`../shared/data/rncp/export-fiches-rncp-v4-1-extract.xml`); every element the importer reads is
written back as it was read, so that `cqpi import rncp` of the output gives the same triples
(provenance aside): XML → graph → XML → graph, and CSV → graph → XML → graph. What the graph
does not hold (a field the CSV export lacks, an element the importer does not read) is left out,
never invented.

A fiche is read from the RNCP import graph (what the registry said); a fiche only the curated
data knows is read from the union of the graphs. Field mapping: see docs/EXPORT.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

import pyoxigraph as ox

from ..errors import NotFoundError
from ..namespaces import CQ, DCT, ID, RDFS, SKOS, Graphs
from ..store import Store
from .certs import GraphView, first_literal, iris, label, nodes
from .dump import open_output
from .report import Excluded, ExportReport

FLOW_VERSION = "4.1"
# SI_JURY_* suffix -> skos:notation of the access route (voie:) concept.
ROUTES_XML = [("FI", "FI"), ("CA", "APP"), ("FC", "FC"), ("CQ", "CPRO"), ("CL", "CI"), ("VAE", "VAE")]
TEXTS_BEFORE_ROME = (("ACTIVITES_VISEES", "activitiesText"), ("CAPACITES_ATTESTEES", "capacitiesText"))
TEXTS_AFTER = (("SECTEURS_ACTIVITE", "sectorsText"), ("TYPE_EMPLOI_ACCESSIBLES", "jobTypesText"))
# Dates between DATE_FIN_ENREGISTREMENT and TYPE_ENREGISTREMENT, in the flow's order.
DATES_MIDDLE = (
    ("DATE_EFFET", "effectDate"),
    ("DATE_DECISION", "decisionDate"),
    ("DATE_DERNIER_JO", "lastJoDate"),
)
DATES_LAST = (("DATE_DE_PUBLICATION", "publicationDate"), ("DATE_LIMITE_DELIVRANCE", "deliveryDeadline"))
DECREE_KINDS = ("GENERAL", "CREATION", "AUTRE")
# Elements of the official flow whose absence is counted in the report (the source lacked them).
TRACKED = ("ID_FICHE", "NOMENCLATURE_EUROPE", "CERTIFICATEURS", "DATE_EFFET", "ACTIF")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RDFS_LABEL = RDFS + "label"
RNCP_GRAPH = Graphs.imported("rncp")


def _date(value: str | None) -> str | None:
    if not value or len(value) < 10 or value[4] != "-":
        return None
    return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"


def _bool(props: dict[str, list], pred: str) -> str | None:
    v = first_literal(props, pred)
    return None if v is None else ("Oui" if v.strip().lower() in ("true", "1") else "Non")


class _Xml:
    """Indented XML written element by element; an empty leaf is left out."""

    def __init__(self, depth: int = 1) -> None:
        self.parts: list[str] = []
        self.depth = depth
        self.tags: set[str] = set()
        self.cleaned = 0  # characters XML 1.0 cannot hold, dropped

    def leaf(self, tag: str, text: str | None) -> None:
        if text is None or text == "":
            return
        safe = _XML_INVALID.sub("", text)
        self.cleaned += len(text) - len(safe)
        self.tags.add(tag)
        self.parts.append(f"{'    ' * self.depth}<{tag}>{escape(safe)}</{tag}>\n")

    def open(self, tag: str) -> None:
        self.tags.add(tag)
        self.parts.append(f"{'    ' * self.depth}<{tag}>\n")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.parts.append(f"{'    ' * self.depth}</{tag}>\n")

    def coded(
        self, outer: str, inner: str, items: Iterable[tuple[str | None, str | None]], tag: str = "CODE"
    ) -> None:
        items = [(c, lab) for c, lab in items if c]
        if not items:
            return
        self.open(outer)
        for code, lab in items:
            self.open(inner)
            self.leaf(tag, code)
            self.leaf("LIBELLE", lab)
            self.close(inner)
        self.close(outer)


class FicheReader:
    """Reads what one fiche says, from the RNCP graph (else the union), for the XML flow."""

    def __init__(self, store: Store) -> None:
        self.union = GraphView(store)
        self.rncp = GraphView(store, RNCP_GRAPH) if RNCP_GRAPH in store.graphs() else None

    def fiche(self, iri: str) -> tuple[GraphView, dict[str, list]]:
        if self.rncp is not None:
            p = self.rncp.props(iri)
            if p:
                return self.rncp, p
        return self.union, self.union.props(iri)

    def code_of(self, iri: str) -> str:
        return first_literal(self.union.cached(iri), CQ + "rncpCode") or iri.rsplit("/", 1)[-1]

    def concept(self, iri: str) -> tuple[str | None, str | None]:
        p = self.union.cached(iri)
        return first_literal(p, SKOS + "notation", CQ + "code"), label(p)

    def name(self, iri: str) -> str | None:
        """An organisation's name as the registry gives it (its rdfs:label in the RNCP graph),
        else its label in the union of the graphs."""
        given = first_literal(self.rncp.cached(iri), RDFS_LABEL) if self.rncp is not None else None
        return given or label(self.union.cached(iri))

    def mentions(self, view: GraphView, p: dict[str, list]) -> dict[tuple[str, str], dict[str, list]]:
        """The fiche's mentions by (kind, target IRI)."""
        out = {}
        for m in iris(p, CQ + "hasMention"):
            mp = view.props(m)
            kind = m.split("/mention/", 1)[-1].split("/")[1] if "/mention/" in m else ""
            for target in iris(mp, CQ + "mentions"):
                out[(kind, target)] = mp
        return out


def competence_list(view: GraphView, bloc: dict[str, list]) -> str | None:
    """LISTE_COMPETENCES: one competence per line (cq:order), `* ` / `o ` when there are
    sub-items (cq:hasPart), as the importer splits it."""
    comps = []
    for c in nodes(bloc, CQ + "hasCompetence"):
        cp = view.props(c)
        order = first_literal(cp, CQ + "order")
        text = first_literal(cp, RDFS_LABEL) or label(cp)
        if text:
            key = int(order) if order and order.isdigit() else 1 << 30
            comps.append(
                (key, c.value if isinstance(c, ox.NamedNode) else "", text, iris(cp, CQ + "hasPart"))
            )
    if not comps:
        return first_literal(bloc, CQ + "competenceText")
    comps.sort()
    subs = {s for *_, parts in comps for s in parts}
    if not subs:
        return "\n".join(text for _, _, text, _ in comps)
    return "\n".join(("o " if iri in subs else "* ") + text for _, iri, text, _ in comps)


def _head(x: _Xml, r: FicheReader, p: dict[str, list], code: str) -> None:
    x.leaf("ID_FICHE", first_literal(p, DCT + "identifier"))
    x.leaf("NUMERO_FICHE", code)
    for outer, inner, leaf, pred in (
        (
            "NOUVELLES_CERTIFICATIONS",
            "NOUVELLE_CERTIFICATION",
            "ID_FICHE_NOUVELLE_CERTIFICATION",
            "replacedBy",
        ),
        ("ANCIENNES_CERTIFICATIONS", "ANCIENNE_CERTIFICATION", "ID_FICHE_ANCIENNE_CERTIFICATION", "replaces"),
    ):
        codes = sorted({r.code_of(i) for i in iris(p, CQ + pred)})
        if codes:
            x.open(outer)
            for c in codes:
                x.open(inner)
                x.leaf(leaf, c)
                x.close(inner)
            x.close(outer)
    x.leaf("INTITULE", first_literal(p, RDFS_LABEL) or label(p))
    abbr = first_literal(p, CQ + "abbreviation")
    if abbr:
        x.open("ABREGE")
        x.leaf("CODE", abbr)
        x.leaf("LIBELLE", first_literal(p, CQ + "abbreviationTitle"))
        x.close("ABREGE")
    x.leaf("ETAT_FICHE", first_literal(p, CQ + "ficheState"))
    x.coded("FORMACODES", "FORMACODE", sorted(r.concept(i) for i in iris(p, CQ + "formacode")))
    _level(x, r, p)
    x.coded("CODES_NSF", "NSF", sorted(r.concept(i) for i in iris(p, CQ + "nsf")))


def _level(x: _Xml, r: FicheReader, p: dict[str, list]) -> None:
    code = first_literal(p, CQ + "levelCode")
    levels = sorted(n for n, _ in (r.concept(i) for i in iris(p, CQ + "level")) if n and n.isdigit())
    if levels:
        code = f"NIV{levels[0]}"
    if not code:
        return
    x.open("NOMENCLATURE_EUROPE")
    x.leaf("NIVEAU", code)
    x.leaf(
        "LIBELLE",
        first_literal(p, CQ + "qualificationLevelName") or (f"Niveau {levels[0]}" if levels else None),
    )
    x.close("NOMENCLATURE_EUROPE")


def _organisations(x: _Xml, r: FicheReader, p: dict[str, list], mentions: dict) -> None:
    certifiers = sorted(iris(p, CQ + "certifier"))
    if certifiers:
        x.open("CERTIFICATEURS")
        for org in certifiers:
            m = mentions.get(("certificateur", org), {})
            x.open("CERTIFICATEUR")
            x.leaf("SIRET_CERTIFICATEUR", first_literal(r.union.cached(org), CQ + "siret"))
            x.leaf("NOM_CERTIFICATEUR", first_literal(m, CQ + "nameAsGiven") or r.name(org))
            x.leaf("ETAT_CERTIFICATEUR", first_literal(m, CQ + "state"))
            x.leaf("DATE_DERNIERE_MODIFICATION_ETAT", _date(first_literal(m, CQ + "stateDate")))
            x.close("CERTIFICATEUR")
        x.close("CERTIFICATEURS")
    partners = sorted(iris(p, CQ + "partner"))
    declared = _bool(p, CQ + "hasPartners")
    x.leaf("EXISTENCE_PARTENAIRES", "Oui" if partners else declared)
    if partners:
        x.open("PARTENAIRES")
        for org in partners:
            m = mentions.get(("partenaire", org), {})
            x.open("PARTENAIRE")
            x.leaf("NOM_PARTENAIRE", first_literal(m, CQ + "nameAsGiven") or r.name(org))
            x.leaf("SIRET_PARTENAIRE", first_literal(r.union.cached(org), CQ + "siret"))
            x.leaf("HABILITATION_PARTENAIRE", first_literal(m, CQ + "habilitation"))
            x.close("PARTENAIRE")
        x.close("PARTENAIRES")


def _jobs(x: _Xml, r: FicheReader, p: dict[str, list], mentions: dict) -> None:
    romes = []
    for i in iris(p, CQ + "romeJob"):
        given = first_literal(mentions.get(("rome", i), {}), CQ + "nameAsGiven")
        romes.append((i.rsplit("/", 1)[-1], given or first_literal(r.union.cached(i), CQ + "rncpLabel")))
    x.coded("CODES_ROME", "ROME", sorted(romes))
    branches = []
    for b in iris(p, CQ + "branch"):
        bp = r.union.cached(b)
        idcc = first_literal(bp, CQ + "idcc")
        if idcc:
            branches.append((idcc, first_literal(bp, RDFS_LABEL) or label(bp)))
    x.coded("CCNS", "CCN", sorted(branches), tag="NUMERO")


def _juries(x: _Xml, r: FicheReader, p: dict[str, list], mentions: dict) -> None:
    """SI_JURY_*: written for a route the fiche opens (Oui), says closed (Non) or describes
    (jury composition); a route it does not name is left out (the CSV lists only open routes)."""
    by_notation = {r.concept(i)[0]: i for i in iris(p, CQ + "accessRoute")}
    said = {r.concept(t)[0]: (t, m) for (kind, t), m in mentions.items() if kind == "voie"}
    for suffix, notation in ROUTES_XML:
        if notation not in by_notation and notation not in said:
            continue
        m = said.get(notation, ("", {}))[1]
        x.open(f"SI_JURY_{suffix}")
        x.leaf("ACTIF", "Oui" if notation in by_notation else _bool(m, CQ + "routeOpen"))
        x.leaf("COMPOSITION", first_literal(m, CQ + "juryComposition"))
        x.close(f"SI_JURY_{suffix}")


def _publications(x: _Xml, view: GraphView, p: dict[str, list]) -> None:
    pubs: dict[str, list[tuple[int, dict[str, list]]]] = {}
    for j in iris(p, CQ + "joPublication"):
        jp = view.props(j)
        order = first_literal(jp, CQ + "order") or "0"
        pubs.setdefault(first_literal(jp, CQ + "decreeKind") or "AUTRE", []).append((int(order), jp))
    for kind in [*DECREE_KINDS, *sorted(k for k in pubs if k not in DECREE_KINDS)]:
        if kind not in pubs:
            continue
        x.open(f"PUBLICATION_DECRET_{kind}")
        for _, jp in sorted(pubs[kind], key=lambda t: t[0]):
            x.open("PUBLICATION_JO")
            x.leaf("TITRE", first_literal(jp, DCT + "title"))
            x.leaf("DATE_PUBLICATION_JO", _date(first_literal(jp, CQ + "joDate")))
            x.close("PUBLICATION_JO")
        x.close(f"PUBLICATION_DECRET_{kind}")


def _blocs(x: _Xml, view: GraphView, p: dict[str, list]) -> None:
    blocs = []
    for b in nodes(p, CQ + "hasBloc"):
        bp = view.props(b)
        blocs.append((first_literal(bp, CQ + "code", CQ + "rncpCode", SKOS + "notation") or "", bp))
    if not blocs:
        return
    x.open("BLOCS_COMPETENCES")
    for code, bp in sorted(blocs, key=lambda t: t[0]):
        x.open("BLOC_COMPETENCES")
        x.leaf("CODE", code)
        x.leaf("LIBELLE", first_literal(bp, RDFS_LABEL) or label(bp))
        x.leaf("LISTE_COMPETENCES", competence_list(view, bp))
        x.leaf("MODALITES_EVALUATION", first_literal(bp, CQ + "evaluationText"))
        x.close("BLOC_COMPETENCES")
    x.close("BLOCS_COMPETENCES")


def fiche_xml(r: FicheReader, iri: str, depth: int = 1) -> tuple[str, set[str], int]:
    """The <FICHE> element of one RNCP/RS fiche, the element names it holds, and the number of
    characters dropped because XML 1.0 cannot hold them (control characters)."""
    view, p = r.fiche(iri)
    mentions = r.mentions(view, p)
    x = _Xml(depth)
    x.open("FICHE")
    _head(x, r, p, r.code_of(iri))
    _organisations(x, r, p, mentions)
    for tag, prop in TEXTS_BEFORE_ROME + TEXTS_AFTER:
        x.leaf(tag, first_literal(p, CQ + prop))
    _jobs(x, r, p, mentions)
    _juries(x, r, p, mentions)
    x.leaf("ACCESSIBLE_NOUVELLE_CALEDONIE", _bool(p, CQ + "accessibleNewCaledonia"))
    x.leaf("ACCESSIBLE_POLYNESIE_FRANCAISE", _bool(p, CQ + "accessibleFrenchPolynesia"))
    _publications(x, view, p)
    x.leaf("LIEN_URL_DESCRIPTION", first_literal(p, CQ + "descriptionLinks"))
    x.leaf("DATE_FIN_ENREGISTREMENT", _date(first_literal(p, CQ + "endDate")))
    _middle_dates(x, p)
    x.leaf("TYPE_ENREGISTREMENT", first_literal(p, CQ + "registrationType"))
    x.leaf("VALIDATION_PARTIELLE", _bool(p, CQ + "partialValidation"))
    _blocs(x, view, p)
    x.leaf("OBJECTIFS_CONTEXTE", first_literal(p, CQ + "contextText"))
    x.leaf("ACTIF", _bool(p, CQ + "active"))
    for tag, prop in DATES_LAST:
        x.leaf(tag, _date(first_literal(p, CQ + prop)))
    x.close("FICHE")
    return "".join(x.parts), x.tags, x.cleaned


def _middle_dates(x: _Xml, p: dict[str, list]) -> None:
    """DATE_EFFET, DATE_DECISION, DATE_DERNIER_JO as given. A graph that holds only the derived
    cq:startDate (curated data) gives it as DATE_EFFET."""
    given = [first_literal(p, CQ + prop) for _, prop in DATES_MIDDLE + DATES_LAST]
    for tag, prop in DATES_MIDDLE:
        x.leaf(tag, _date(first_literal(p, CQ + prop)))
    if not any(given):
        x.leaf("DATE_EFFET", _date(first_literal(p, CQ + "startDate")))


def fiche_codes(store: Store) -> list[str]:
    """Every RNCP/RS code of the graph that names a fiche (…/id/cert/CODE)."""
    rows = store.select(
        f'SELECT DISTINCT ?c WHERE {{ ?s cq:rncpCode ?c FILTER(STRSTARTS(STR(?s), "{ID}cert/")) }}'
    )
    codes = {r["c"].value for r in rows}
    return sorted(codes, key=lambda c: (c.rstrip("0123456789"), int(c.lstrip("RNCPS") or 0)))


def export_rncp_xml(
    store: Store,
    codes: Iterable[str] | None = None,
    output: BinaryIO | Path | str | None = None,
    report: ExportReport | None = None,
) -> int:
    """Write the fiches (all of them, or these RNCP/RS codes) as an RNCP XML flow v4.1, streamed.

    Returns the number of fiches written; `report` (if given) receives what was written, the
    fiches left out (no title: <INTITULE> is mandatory) and the elements fiches lack. An unknown
    code raises NotFoundError before anything is written.
    """
    report = report if report is not None else ExportReport()
    report.profile, report.fields = "rncp-xml", ("INTITULE",)
    known = fiche_codes(store)
    wanted = sorted({c.strip().upper() for c in codes}) if codes is not None else known
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise NotFoundError(f"fiche(s) absente(s) du graphe : {', '.join(unknown)}")
    reader = FicheReader(store)
    lacking = dict.fromkeys(TRACKED, 0)
    cleaned = 0
    with open_output(output) as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<FICHES>\n')
        out.write(f"    <VERSION_FLUX>{FLOW_VERSION}</VERSION_FLUX>\n".encode())
        for code in wanted:
            iri = f"{ID}cert/{code}"
            text, tags, dropped = fiche_xml(reader, iri)
            if "INTITULE" not in tags:
                report.excluded.append(Excluded(iri, code, None, ["INTITULE"]))
                continue
            out.write(text.encode("utf-8"))
            report.exported.append(iri)
            cleaned += dropped
            for tag in TRACKED:
                lacking[tag] += tag not in tags
        out.write(b"</FICHES>\n")
    if cleaned:
        report.notes.append(f"{cleaned} caractère(s) de contrôle retirés (interdits en XML 1.0)")
    for tag, n in lacking.items():
        if n:
            report.notes.append(f"{n} fiche(s) sans <{tag}> : la source ne le donne pas (rien n'est inventé)")
    return len(report.exported)


__all__ = ["FLOW_VERSION", "FicheReader", "export_rncp_xml", "fiche_codes", "fiche_xml"]
