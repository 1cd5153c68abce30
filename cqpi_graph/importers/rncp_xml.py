"""The XML flow v4.1 of the RNCP/RS export, read fiche by fiche into the RNCP writer.

Every element of the flow this reader knows is kept (`XML_PATHS` lists them): what the graph
models (title, level, certifiers, blocs…) and what is kept as the fiche gives it (state, every
date, sectors, accessible jobs, jury of each access route, Official Journal publications, links),
so that `cqpi export --profile rncp-xml` gives back the same fiches. Elements it does not know
are counted in the import report, never silently dropped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from typing import TYPE_CHECKING

from ..errors import InputError
from ..progress import Progress
from .common import FALSE, TRUE, clean, cq, fr, iri, iterparse_untrusted, lit, origin

if TYPE_CHECKING:
    from .rncp import Export, RncpWriter

# SI_JURY_* suffix of the XML flow -> skos:notation of the voie: concept.
XML_ROUTES = {"FI": "FI", "CA": "APP", "FC": "FC", "CQ": "CPRO", "CL": "CI", "VAE": "VAE"}
# Free texts of the fiche -> cq: property.
TEXTS = (
    ("ACTIVITES_VISEES", "activitiesText"),
    ("CAPACITES_ATTESTEES", "capacitiesText"),
    ("SECTEURS_ACTIVITE", "sectorsText"),
    ("TYPE_EMPLOI_ACCESSIBLES", "jobTypesText"),
    ("OBJECTIFS_CONTEXTE", "contextText"),
)
# Registry dates kept as given (cq: property, element); cq:startDate is derived from the first
# of START_DATES present (the CSV export's Date_Effet, Date_Decision, Date_dernier_jo, in that order).
RAW_DATES = (
    ("effectDate", "DATE_EFFET"),
    ("decisionDate", "DATE_DECISION"),
    ("lastJoDate", "DATE_DERNIER_JO"),
    ("publicationDate", "DATE_DE_PUBLICATION"),
    ("deliveryDeadline", "DATE_LIMITE_DELIVRANCE"),
)
START_DATES = ("DATE_EFFET", "DATE_DECISION", "DATE_DERNIER_JO", "DATE_DE_PUBLICATION")
ACCESSIBLE = (
    ("accessibleNewCaledonia", "ACCESSIBLE_NOUVELLE_CALEDONIE"),
    ("accessibleFrenchPolynesia", "ACCESSIBLE_POLYNESIE_FRANCAISE"),
)
# Child elements of <FICHE> this reader reads (PUBLICATION_DECRET_* of any kind as well).
KNOWN = {
    "ID_FICHE",
    "NUMERO_FICHE",
    "NOUVELLES_CERTIFICATIONS",
    "ANCIENNES_CERTIFICATIONS",
    "INTITULE",
    "ABREGE",
    "ETAT_FICHE",
    "FORMACODES",
    "NOMENCLATURE_EUROPE",
    "CODES_NSF",
    "CERTIFICATEURS",
    "EXISTENCE_PARTENAIRES",
    "PARTENAIRES",
    "CODES_ROME",
    "CCNS",
    "LIEN_URL_DESCRIPTION",
    "DATE_FIN_ENREGISTREMENT",
    "TYPE_ENREGISTREMENT",
    "VALIDATION_PARTIELLE",
    "BLOCS_COMPETENCES",
    "ACTIF",
    *(tag for tag, _ in TEXTS),
    *(tag for _, tag in RAW_DATES),
    *(tag for _, tag in ACCESSIBLE),
    *(f"SI_JURY_{k}" for k in XML_ROUTES),
}


def _text(el: ET.Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(path)
    return (found.text or "") if found is not None else ""


def read_xml(w: RncpWriter, export: Export, progress: Progress) -> None:
    from .rncp import GRAPH

    path, name = export.path, export.path.name
    report = w.report
    report.row_unit = "fiche n°"
    w.where = origin(GRAPH, export.index, name)
    progress.stage(f"import RNCP (XML {name})", total=path.stat().st_size)
    n = 0
    root: ET.Element | None = None
    version = None
    unknown: Counter[str] = Counter()
    with open(path, "rb") as fh:
        try:
            for event, el in iterparse_untrusted(path, "FICHE"):
                if root is None:
                    root = el
                    if el.tag != "FICHES":
                        raise InputError(
                            f"élément racine <{el.tag}>",
                            file=name,
                            line=1,
                            expected="<FICHES> (flux XML RNCP v4)",
                        )
                    continue
                if event != "end":
                    continue
                if el.tag == "VERSION_FLUX":
                    version = (el.text or "").strip()
                    if not version.startswith("4"):
                        report.notes.append(f"{name} : version de flux {version} (attendue : 4.1)")
                elif el.tag == "FICHE":
                    n += 1
                    report.rows_read += 1
                    xml_fiche(w, el, name, n)
                    unknown.update(c.tag for c in el if not _known(c.tag))
                    root.clear()
                    if n % 500 == 0:
                        progress.done = fh.tell()
                        progress.advance(0)
        except ET.ParseError as exc:
            line, col = exc.position if exc.position else (None, None)
            raise InputError(
                f"XML illisible : {exc}",
                file=name,
                line=line,
                column=col,
                expected="un flux XML RNCP v4.1 complet",
            ) from None
    if root is None:
        raise InputError("fichier vide", file=name, expected="<FICHES>")
    if version is None:
        report.notes.append(f"{name} : pas d'élément VERSION_FLUX")
    for tag, count in sorted(unknown.items()):
        report.notes.append(f"{name} : élément <{tag}> non lu ({count} fiche(s)) : absent du graphe")
    report.row_unit = "ligne"


def _known(tag: str) -> bool:
    return tag in KNOWN or tag.startswith("PUBLICATION_DECRET_")


def _values(f: ET.Element):  # noqa: ANN202 - FicheValues (imported lazily: no import cycle)
    from .rncp import FicheValues

    return FicheValues(
        title=_text(f, "INTITULE"),
        abbr=_text(f, "ABREGE/CODE"),
        abbr_title=_text(f, "ABREGE/LIBELLE"),
        level=_text(f, "NOMENCLATURE_EUROPE/NIVEAU"),
        level_label=_text(f, "NOMENCLATURE_EUROPE/LIBELLE"),
        level_field="NOMENCLATURE_EUROPE/NIVEAU",
        start_candidates=[(k, _text(f, k)) for k in START_DATES],
        end_candidates=[("DATE_FIN_ENREGISTREMENT", _text(f, "DATE_FIN_ENREGISTREMENT"))],
        active=_text(f, "ACTIF"),
        active_field="ACTIF",
        registration=_text(f, "TYPE_ENREGISTREMENT"),
        partial=_text(f, "VALIDATION_PARTIELLE"),
        id=_text(f, "ID_FICHE"),
        state=_text(f, "ETAT_FICHE"),
        raw_dates=[(prop, tag, _text(f, tag)) for prop, tag in RAW_DATES],
        accessible=[(prop, tag, _text(f, tag)) for prop, tag in ACCESSIBLE],
    )


def xml_fiche(w: RncpWriter, f: ET.Element, name: str, n: int) -> None:
    from .rncp import FICHE_CODE

    raw = _text(f, "NUMERO_FICHE")
    if not raw.strip():
        w.report.error(name, n, "NUMERO_FICHE", f"fiche n° {n} sans numéro", "RNCP… ou RS…")
        return
    code = w.fiche_code(raw, name, n, "NUMERO_FICHE")
    if code is None or code in w.skip:
        return
    if not w.report.first(name, n, "NUMERO_FICHE", code, {"FICHE": ET.tostring(f)}):
        return
    w.fiche(code, _values(f), name, n)
    s = iri(f"cert/{code}")
    for tag, prop in TEXTS:
        t = clean(_text(f, tag))
        if t:
            w.add(s, cq(prop), fr(t))
    links = clean(_text(f, "LIEN_URL_DESCRIPTION"))
    if links:
        w.add(s, cq("descriptionLinks"), lit(links))
    # « Oui » is implied by the partners listed; kept only when it says more than they do.
    partners = clean(_text(f, "EXISTENCE_PARTENAIRES")).upper()
    if partners == "NON" or (partners == "OUI" and f.find("PARTENAIRES/PARTENAIRE") is None):
        w.add(s, cq("hasPartners"), TRUE if partners == "OUI" else FALSE)
    _organisations(w, f, code, name, n)
    _codes(w, f, code, name, n)
    _juries(w, f, code, name, n)
    _publications(w, f, code, name, n)
    for b in f.iterfind("BLOCS_COMPETENCES/BLOC_COMPETENCES"):
        w.bloc(
            code,
            _text(b, "CODE"),
            _text(b, "LIBELLE"),
            name,
            n,
            competences=_text(b, "LISTE_COMPETENCES"),
            evaluation=_text(b, "MODALITES_EVALUATION"),
        )
    for x in f.iterfind("NOUVELLES_CERTIFICATIONS/NOUVELLE_CERTIFICATION/ID_FICHE_NOUVELLE_CERTIFICATION"):
        new = (x.text or "").strip().upper()
        if FICHE_CODE.match(new):
            w.succession(code, new, name, n, "ID_FICHE_NOUVELLE_CERTIFICATION")
    for x in f.iterfind("ANCIENNES_CERTIFICATIONS/ANCIENNE_CERTIFICATION/ID_FICHE_ANCIENNE_CERTIFICATION"):
        old = (x.text or "").strip().upper()
        if FICHE_CODE.match(old):
            w.succession(old, code, name, n, "ID_FICHE_ANCIENNE_CERTIFICATION")


def _organisations(w: RncpWriter, f: ET.Element, code: str, name: str, n: int) -> None:
    for c in f.iterfind("CERTIFICATEURS/CERTIFICATEUR"):
        w.certifier(
            code,
            _text(c, "SIRET_CERTIFICATEUR"),
            _text(c, "NOM_CERTIFICATEUR"),
            name,
            n,
            state=_text(c, "ETAT_CERTIFICATEUR"),
            state_date=_text(c, "DATE_DERNIERE_MODIFICATION_ETAT"),
        )
    for p in f.iterfind("PARTENAIRES/PARTENAIRE"):
        w.partner(
            code,
            _text(p, "SIRET_PARTENAIRE"),
            _text(p, "NOM_PARTENAIRE"),
            _text(p, "HABILITATION_PARTENAIRE"),
            name,
            n,
        )


def _codes(w: RncpWriter, f: ET.Element, code: str, name: str, n: int) -> None:
    for x in f.iterfind("CODES_NSF/NSF"):
        w.nsf(code, _text(x, "CODE"), _text(x, "LIBELLE"), name, n)
    for x in f.iterfind("FORMACODES/FORMACODE"):
        w.formacode(code, _text(x, "CODE"), _text(x, "LIBELLE"), name, n)
    for x in f.iterfind("CODES_ROME/ROME"):
        w.rome(code, _text(x, "CODE"), name, n, _text(x, "LIBELLE"))
    for x in f.iterfind("CCNS/CCN"):
        w.branch(code, _text(x, "NUMERO") or _text(x, "CODE"), _text(x, "LIBELLE"), name, n, "CCN")


def _juries(w: RncpWriter, f: ET.Element, code: str, name: str, n: int) -> None:
    for key, notation in XML_ROUTES.items():
        el = f.find(f"SI_JURY_{key}")
        if el is not None:
            w.jury(code, notation, _text(el, "ACTIF"), _text(el, "COMPOSITION"), name, n)


def _publications(w: RncpWriter, f: ET.Element, code: str, name: str, n: int) -> None:
    for el in f:
        if el.tag.startswith("PUBLICATION_DECRET_"):
            kind = el.tag[len("PUBLICATION_DECRET_") :]
            for i, jo in enumerate(el.iterfind("PUBLICATION_JO"), start=1):
                w.jo_publication(code, kind, i, _text(jo, "TITRE"), _text(jo, "DATE_PUBLICATION_JO"), name, n)
