"""RNCP fiches in the XML export flow of France compétences, version 4.1.

Element names, nesting and order are those of the official export (see
`../shared/data/rncp/export-fiches-rncp-v4-1-extract.xml`); `cqpi import rncp` of the output
gives back the same fiches for every field written here:

Field mapping: see docs/EXPORT.md.

Fields the graph does not hold (ETAT_FICHE, SECTEURS_ACTIVITE, TYPE_EMPLOI_ACCESSIBLES, jury
composition, JO publications, links…) are left out rather than invented.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from ..errors import NotFoundError
from ..namespaces import CQ, DCT, ID
from ..store import Store
from .certs import (
    Bloc,
    Certification,
    GraphView,
    first_literal,
    iris,
    label,
    read_certification,
)
from .dump import open_output

FLOW_VERSION = "4.1"
# skos:notation of the access route -> suffix of the SI_JURY_* element.
ROUTES_XML = [("FI", "FI"), ("CA", "APP"), ("FC", "FC"), ("CQ", "CPRO"), ("CL", "CI"), ("VAE", "VAE")]


def _date(iso: str | None) -> str | None:
    if not iso or len(iso) < 10 or iso[4] != "-":
        return None
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"


class _Xml:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.depth = 0

    def leaf(self, tag: str, text: str | None) -> None:
        if text is None or text == "":
            return
        self.parts.append(f"{'    ' * self.depth}<{tag}>{escape(text)}</{tag}>\n")

    def open(self, tag: str) -> None:
        self.parts.append(f"{'    ' * self.depth}<{tag}>\n")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.parts.append(f"{'    ' * self.depth}</{tag}>\n")

    def text(self) -> str:
        out, self.parts = "".join(self.parts), []
        return out


def competence_list(bloc: Bloc) -> str | None:
    """LISTE_COMPETENCES: one competence per line, `* ` / `o ` when there are sub-items."""
    if not bloc.competences:
        return bloc.competence_text
    subs = {p for c in bloc.competences for p in c.parts}
    nested = bool(subs)
    lines = []
    for c in bloc.competences:
        text = c.title.get("fr") or next(iter(c.title.values()))
        if nested:
            lines.append(("o " if c.iri in subs else "* ") + text)
        else:
            lines.append(text)
    return "\n".join(lines)


def _coded_list(
    x: _Xml, outer: str, inner: str, items: Iterable[tuple[str | None, str | None]], code_tag: str = "CODE"
) -> None:
    items = [(c, lab) for c, lab in items if c]
    if not items:
        return
    x.open(outer)
    for code, lab in items:
        x.open(inner)
        x.leaf(code_tag, code)
        x.leaf("LIBELLE", lab)
        x.close(inner)
    x.close(outer)


def fiche_xml(view: GraphView, rec: Certification, depth: int = 1) -> str:
    """The <FICHE> element of one RNCP/RS fiche."""
    p = rec.props
    x = _Xml()
    x.depth = depth
    x.open("FICHE")
    x.leaf("ID_FICHE", first_literal(p, DCT + "identifier"))
    x.leaf("NUMERO_FICHE", rec.code)
    if rec.replaced_by:
        x.open("NOUVELLES_CERTIFICATIONS")
        for c in rec.replaced_by:
            x.open("NOUVELLE_CERTIFICATION")
            x.leaf("ID_FICHE_NOUVELLE_CERTIFICATION", c)
            x.close("NOUVELLE_CERTIFICATION")
        x.close("NOUVELLES_CERTIFICATIONS")
    if rec.replaces:
        x.open("ANCIENNES_CERTIFICATIONS")
        for c in rec.replaces:
            x.open("ANCIENNE_CERTIFICATION")
            x.leaf("ID_FICHE_ANCIENNE_CERTIFICATION", c)
            x.close("ANCIENNE_CERTIFICATION")
        x.close("ANCIENNES_CERTIFICATIONS")
    x.leaf("INTITULE", rec.title.get("fr") or next(iter(rec.title.values()), None))
    if rec.abbreviations:
        x.open("ABREGE")
        x.leaf("CODE", rec.abbreviations[0])
        x.leaf("LIBELLE", next((t.label for t in rec.type_labels if t.label), None))
        x.close("ABREGE")
    _coded_list(x, "FORMACODES", "FORMACODE", sorted((c.code, c.label) for c in rec.formacodes if c.code))
    if rec.level and rec.level.code and rec.level.code.isdigit():
        x.open("NOMENCLATURE_EUROPE")
        x.leaf("NIVEAU", f"NIV{rec.level.code}")
        x.leaf("LIBELLE", rec.level.label or f"Niveau {rec.level.code}")
        x.close("NOMENCLATURE_EUROPE")
    _coded_list(x, "CODES_NSF", "NSF", sorted((c.code, c.label) for c in rec.nsf if c.code))
    certifiers = [o for o in rec.certifiers]
    if certifiers:
        x.open("CERTIFICATEURS")
        for o in certifiers:
            x.open("CERTIFICATEUR")
            x.leaf("SIRET_CERTIFICATEUR", o.siret)
            x.leaf("NOM_CERTIFICATEUR", o.name.get("fr") or next(iter(o.name.values()), None))
            x.close("CERTIFICATEUR")
        x.close("CERTIFICATEURS")
    partners = iris(p, CQ + "partner")
    x.leaf("EXISTENCE_PARTENAIRES", "Oui" if partners else ("Non" if rec.rncp_codes else None))
    if partners:
        x.open("PARTENAIRES")
        for org in partners:
            op = view.cached(org)
            x.open("PARTENAIRE")
            x.leaf("NOM_PARTENAIRE", label(op))
            x.leaf("SIRET_PARTENAIRE", first_literal(op, CQ + "siret"))
            x.leaf("HABILITATION_PARTENAIRE", first_literal(op, CQ + "partnershipNote"))
            x.close("PARTENAIRE")
        x.close("PARTENAIRES")
    x.leaf("ACTIVITES_VISEES", first_literal(p, CQ + "activitiesText"))
    x.leaf("CAPACITES_ATTESTEES", first_literal(p, CQ + "capacitiesText"))
    _coded_list(
        x,
        "CODES_ROME",
        "ROME",
        sorted((c.code or (c.iri or "").rsplit("/", 1)[-1], c.label) for c in rec.rome),
    )
    branches = []
    for b in iris(p, CQ + "branch"):
        bp = view.cached(b)
        idcc = first_literal(bp, CQ + "idcc")
        if idcc:
            branches.append((idcc, label(bp)))
    _coded_list(x, "CCNS", "CCN", sorted(branches), code_tag="NUMERO")
    if rec.access_routes:
        have = {c.code for c in rec.access_routes}
        for suffix, notation in ROUTES_XML:
            x.open(f"SI_JURY_{suffix}")
            x.leaf("ACTIF", "Oui" if notation in have else "Non")
            x.close(f"SI_JURY_{suffix}")
    x.leaf("DATE_FIN_ENREGISTREMENT", _date(rec.end_date))
    x.leaf("DATE_EFFET", _date(rec.start_date))
    x.leaf("TYPE_ENREGISTREMENT", rec.registration_type)
    if rec.blocs:
        x.open("BLOCS_COMPETENCES")
        for b in rec.blocs:
            x.open("BLOC_COMPETENCES")
            x.leaf("CODE", b.code)
            x.leaf("LIBELLE", b.title.get("fr") or next(iter(b.title.values()), None))
            x.leaf("LISTE_COMPETENCES", competence_list(b))
            x.leaf("MODALITES_EVALUATION", b.evaluation)
            x.close("BLOC_COMPETENCES")
        x.close("BLOCS_COMPETENCES")
    x.leaf("OBJECTIFS_CONTEXTE", first_literal(p, CQ + "contextText"))
    if rec.active is not None:
        x.leaf("ACTIF", "Oui" if rec.active else "Non")
    x.close("FICHE")
    return x.text()


def fiche_codes(store: Store) -> list[str]:
    """Every RNCP/RS code of the graph that names a fiche (…/id/cert/CODE)."""
    rows = store.select(
        f'SELECT DISTINCT ?c WHERE {{ ?s cq:rncpCode ?c FILTER(STRSTARTS(STR(?s), "{ID}cert/")) }}'
    )
    codes = {r["c"].value for r in rows}
    return sorted(codes, key=lambda c: (c.rstrip("0123456789"), int(c.lstrip("RNCPS") or 0)))


def export_rncp_xml(
    store: Store, codes: Iterable[str] | None = None, output: BinaryIO | Path | str | None = None
) -> int:
    """Write the fiches (all of them, or these RNCP/RS codes) as an RNCP XML flow v4.1, streamed.

    Returns the number of fiches written. An unknown code raises NotFoundError before anything
    is written.
    """
    view = GraphView(store)
    wanted = sorted({c.strip().upper() for c in codes}) if codes is not None else fiche_codes(store)
    if codes is not None:
        known = set(fiche_codes(store))
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise NotFoundError(f"fiche(s) absente(s) du graphe : {', '.join(unknown)}")
    n = 0
    with open_output(output) as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<FICHES>\n')
        out.write(f"    <VERSION_FLUX>{FLOW_VERSION}</VERSION_FLUX>\n".encode())
        for code in wanted:
            rec = read_certification(view, [f"{ID}cert/{code}"])
            out.write(fiche_xml(view, rec).encode("utf-8"))
            n += 1
        out.write(b"</FICHES>\n")
    return n


__all__ = ["FLOW_VERSION", "export_rncp_xml", "fiche_codes", "fiche_xml"]
