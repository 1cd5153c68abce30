"""What each mandatory ELM/LOQ field of a qualification is made of, read from a certification.

* ISCED-F 2013: the fields the registries declare (BCN `CITE_DOMAINE_DETAILLE`, `cq:iscedField`);
  when none is declared, the fields of the certification's NSF codes through the curated table
  of `isced.py`;
* NQF level: the QDR's concept for the French level when the graph links it, else the graph's
  own level IRI;
* learning outcomes: the competences of the certification and of its blocs; a bloc whose
  competences are not published is one learning outcome, titled by the bloc;
* awarding bodies: the certifiers with a name and a SIRET (a SIRET locates the body in France;
  without it the body's location, mandatory in LOQ, is unknown).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..namespaces import ID, SKOS
from .certs import ISCED_F, LABEL_PREDICATES, Certification, GraphView, Organisation, iris, lang_map
from .isced import isced_for_nsf

QDR = "http://data.europa.eu/snb/qdr/"
NSF_IRI = ID + "nsf/"
ISCED_DECLARED, ISCED_FROM_NSF = "declared", "nsf"


@dataclass(frozen=True)
class Isced:
    iri: str
    code: str
    labels: dict[str, str]
    basis: str  # ISCED_DECLARED or ISCED_FROM_NSF


@dataclass(frozen=True)
class Outcome:
    iri: str
    title: dict[str, str]
    from_bloc: bool  # a bloc standing for its unpublished competences


def _isced_code(code: str) -> bool:
    """An ISCED-F 2013 code: broad (2 digits), narrow (3) or detailed (4), 00 to 10."""
    return code.isdigit() and 2 <= len(code) <= 4 and (code[:2] == "10" or code[0] == "0")


def declared_isced(view: GraphView, rec: Certification) -> list[Isced]:
    out: dict[str, Isced] = {}
    for c in rec.isced:
        iri = c.iri or ""
        if iri and not iri.startswith(ISCED_F):
            match = [i for i in iris(view.cached(iri), SKOS + "exactMatch") if i.startswith(ISCED_F)]
            iri = match[0] if match else ""
        code = iri[len(ISCED_F) :] if iri.startswith(ISCED_F) else (c.code or "")
        if _isced_code(code):
            labels = lang_map(view.cached(c.iri), LABEL_PREDICATES) if c.iri else {}
            out[ISCED_F + code] = Isced(ISCED_F + code, code, labels, ISCED_DECLARED)
    return sorted(out.values(), key=lambda i: i.code)


def nsf_isced(rec: Certification) -> tuple[list[Isced], list[str]]:
    """The ISCED-F fields of the NSF codes through the curated table, and the NSF codes it has
    no field for."""
    out: dict[str, Isced] = {}
    unmapped = []
    for c in rec.nsf:
        code = c.code or ((c.iri or "").rsplit("/", 1)[-1] if (c.iri or "").startswith(NSF_IRI) else "")
        match = isced_for_nsf(code) if code else None
        if match is None:
            unmapped.append(code or c.iri or "?")
            continue
        f = match.field
        out[ISCED_F + f.code] = Isced(ISCED_F + f.code, f.code, dict(f.names), ISCED_FROM_NSF)
    return sorted(out.values(), key=lambda i: i.code), unmapped


def isced_fields(view: GraphView, rec: Certification) -> list[Isced]:
    """Declared fields first; the NSF table only for a certification that declares none."""
    return declared_isced(view, rec) or nsf_isced(rec)[0]


def nqf_level(view: GraphView, rec: Certification) -> tuple[str, bool] | None:
    """(concept IRI, is an official QDR IRI) for the national level."""
    if rec.level is None or rec.level.iri is None:
        return None
    qdr = [i for i in iris(view.cached(rec.level.iri), SKOS + "exactMatch") if i.startswith(QDR)]
    if qdr:
        return sorted(qdr)[0], True
    return rec.level.iri, False


def learning_outcomes(rec: Certification) -> list[Outcome]:
    """The competences of the certification, then per bloc its competences or the bloc itself."""
    out: list[Outcome] = []
    seen: set[str] = set()

    def add(iri: str, title: dict[str, str], from_bloc: bool) -> None:
        if title and iri not in seen:
            seen.add(iri)
            out.append(Outcome(iri, title, from_bloc))

    for i, comp in enumerate(rec.competences, 1):
        add(comp.iri or f"{rec.iri}#lo-{i}", comp.title, False)
    for n, bloc in enumerate(rec.blocs, 1):
        if bloc.competences:
            for i, comp in enumerate(bloc.competences, 1):
                add(comp.iri or f"{rec.iri}#lo-{n}-{i}", comp.title, False)
        else:
            add(bloc.iri or f"{rec.iri}#bloc-{n}", bloc.title, True)
    return out


def awarding_bodies(rec: Certification) -> list[Organisation]:
    return [o for o in rec.certifiers if o.siret and o.name]
