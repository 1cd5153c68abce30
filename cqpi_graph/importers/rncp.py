"""RNCP/RS fiches from France compétences' open-data export: the CSV zip or the XML flow v4.1.

The kind of file is told from its first bytes (a zip starts with ``PK``, the XML flow with
``<``), never from its name. Every export of one import goes into ``import/rncp``, each fiche
from the newest export that holds it. The XML flow is read by `rncp_xml.py`.

Besides what the graph models, the writer keeps what a fiche states as it states it (names of
its organisations when fiches disagree, ROME labels, the state of a certifier, a partner's
habilitation, each access route's jury — in `cq:Mention` nodes — and every registry date), so
that the RNCP XML export gives back what was read.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..errors import InputError
from ..namespaces import DCT, PROV, RDFS, SKOS, Graphs
from ..progress import Progress
from ..store.base import Store
from ..untrusted import check_archive
from .common import (
    FALSE,
    TRUE,
    A,
    CsvRows,
    ImportJob,
    ImportReport,
    Origin,
    QuadSink,
    clean,
    cq,
    date_from_name,
    date_lit,
    fr,
    iri,
    level_concepts,
    lit,
    named,
    origin,
    parse_date,
    write_succession,
)
from .registry import Source, register
from .vocab import CodeLists

GRAPH = Graphs.imported("rncp")
PUBLISHER = "France compétences"

FICHE_CODE = re.compile(r"^(RNCP|RS)\d+$")
BLOC_CODE = re.compile(r"^(RNCP|RS)\d+BC\d+$")
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
SIRET = re.compile(r"^\d{14}$")
LEVEL = re.compile(r"^NIV([1-8])$")
# NSF: sub-domains (2 digits, « 31 »), specialty groups (3 digits), fields (a letter after them).
NSF_CODE = re.compile(r"^\d{2,3}[a-z]?$")
FORMACODE = re.compile(r"^\d{5}$")
_WS = re.compile(r"\s")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CODE_SEP = re.compile(r"[\s,;|]+")
PREFIX_TYPES = ("CQPM", "CQPI", "CQP")  # a title starting with these, when Abrege_Libelle is empty

LABEL = named(f"{RDFS}label")
PREF = named(f"{SKOS}prefLabel")
NOTATION = named(f"{SKOS}notation")
CONCEPT = named(f"{SKOS}Concept")
IN_SCHEME = named(f"{SKOS}inScheme")


def _key(name: str) -> str:
    t = unicodedata.normalize("NFKD", name)
    return "".join(c for c in t if c.isalnum() and not unicodedata.combining(c)).lower()


# The ten files of the CSV export, by a fragment of their name (accents and case ignored).
CSV_PARTS = [
    ("standard", "standard"),
    ("blocs", "blocsdecomp"),
    ("certificateurs", "certificateurs"),
    ("partenaires", "partenaires"),
    ("rome", "rome"),
    ("nsf", "nsf"),
    ("formacode", "formacode"),
    ("ccn", "ccn"),
    ("voies", "voixdacc"),
    ("succession", "anciennenouvellecertification"),
]


_BULLET = re.compile(r"^(?:([-*•·o])|\d+[.)])\s+")


def split_competences(text: str) -> list[tuple[str, bool]]:
    """Split a free-text competence list into (competence, is_sub_item).

    The export flattens line breaks into runs of spaces; items may carry bullets (« * », « - »,
    « • ») and sub-items « o ». Headings ending with « : » are dropped.
    """
    out: list[tuple[str, bool]] = []
    has_top_bullets = bool(re.search(r"(^|\s)[*•-]\s", text))
    for part in re.split(r"[\r\n]+|\s{3,}|\t+", text):
        part = part.strip()
        if not part:
            continue
        sub = False
        m = _BULLET.match(part)
        if m:
            sub = m.group(1) == "o" and has_top_bullets
            part = part[m.end() :].strip()
        part = part.rstrip(" ;")
        if not part or part.endswith(":") or len(part) < 3:
            continue
        out.append((part, sub))
    return out


@dataclass
class FicheValues:
    """What the Standard file (or a <FICHE> of the XML flow) says of one fiche."""

    title: str = ""
    abbr: str = ""
    level: str = ""
    level_label: str = ""
    level_field: str = "Nomenclature_Europe_Niveau"
    start_candidates: list[tuple[str, str]] = field(default_factory=list)  # (field, dd/mm/yyyy)
    end_candidates: list[tuple[str, str]] = field(default_factory=list)
    active: str = ""
    active_field: str = "Actif"
    registration: str = ""
    partial: str = ""
    id: str = ""
    abbr_title: str = ""  # ABREGE/LIBELLE, Abrege_Intitule
    state: str = ""  # ETAT_FICHE
    # Each registry date as given (cq: property, field, dd/mm/yyyy); cq:startDate is derived above.
    raw_dates: list[tuple[str, str, str]] = field(default_factory=list)
    accessible: list[tuple[str, str, str]] = field(default_factory=list)  # (cq: property, field, Oui/Non)


class LinkLabels:
    """Names of organisations and ROME labels as each fiche gives them, over the whole import.

    A name every fiche gives alike stays on the organisation (rdfs:label) or on the ROME job
    (cq:rncpLabel); when fiches give an organisation or a ROME code different names, each fiche
    keeps its own in its mention (cq:nameAsGiven), so that an export gives back what it read.
    """

    def __init__(self) -> None:
        self.names: dict[str, dict[str, set[tuple[str, str]]]] = {}  # org -> name -> {(code, kind)}
        self.romes: dict[str, dict[str, set[str]]] = {}  # ROME node -> label -> {code}

    def name(self, code: str, kind: str, org: str, text: str) -> None:
        if text:
            self.names.setdefault(org, {}).setdefault(text, set()).add((code, kind))

    def rome(self, code: str, node: str, text: str) -> None:
        if text:
            self.romes.setdefault(node, {}).setdefault(text, set()).add(code)

    def per_fiche(self) -> Iterator[tuple[str, str, str, str]]:
        """(fiche code, kind of link, target, name) where fiches disagree on the name."""
        for org, names in self.names.items():
            if len(names) > 1:
                for text, uses in names.items():
                    for code, kind in sorted(uses):
                        yield code, kind, org, text
        for node, labels in self.romes.items():
            if len(labels) > 1:
                for text, codes in labels.items():
                    for code in sorted(codes):
                        yield code, "rome", node, text

    def shared_rome(self) -> Iterator[tuple[str, str]]:
        for node, labels in self.romes.items():
            if len(labels) == 1:
                yield node, next(iter(labels))


class RncpWriter:
    """Turns the values of one fiche into triples; shared by the CSV and the XML readers.

    Several exports combine: they are read newest first, and a fiche an export describes is
    skipped in every older one (`skip`), so that each fiche takes its facts from the most recent
    export that contains it. `where` is the export (and file in it) being read.
    """

    def __init__(self, sink: QuadSink, report: ImportReport, codes: CodeLists) -> None:
        self.sink = sink
        self.add = sink.add  # (s, p, o): one call less per triple than a method that forwards
        self.report = report
        self.codes = codes
        self.where = Origin("", "")
        self.skip: frozenset[str] = frozenset()  # fiches described by a newer export
        self.fiches: set[str] = set()
        self.references: list[tuple[str, str, int | None, str]] = []  # code, file, row, field
        self.orgs: set[str] = set()
        self.concepts: set[str] = set()
        self.links = LinkLabels()
        self.mentions: set[str] = set()

    # -- helpers
    def _count(self, kind: str) -> None:
        self.report.entities[kind] += 1

    def fiche_code(self, value: str, file: str, row: int | None, fld: str) -> str | None:
        code = value.strip().upper()
        if not FICHE_CODE.match(code):
            self.report.error(
                file, row, fld, f"code de fiche invalide « {value.strip()} »", "RNCP ou RS suivi de chiffres"
            )
            return None
        return code

    def refer(self, code: str, file: str, row: int | None, fld: str) -> None:
        if code not in self.fiches:
            self.references.append((code, file, row, fld))

    def check_references(self) -> None:
        """Dangling references are kept (as links to …/cert/CODE) and reported as warnings."""
        seen: set[tuple[str, str]] = set()
        for code, file, row, fld in self.references:
            if code not in self.fiches and (code, fld) not in seen:
                seen.add((code, fld))
                self.report.warn(file, row, fld, f"{code} n'est pas dans l'export : référence conservée")

    def _concept(self, kind: str, code: str, label: str, scheme: str) -> str:
        node = iri(f"{kind}/{code}")
        if node not in self.concepts:
            self.concepts.add(node)
            self.add(node, A, CONCEPT)
            self.add(node, NOTATION, lit(code))
            self.add(node, IN_SCHEME, iri(f"scheme/{scheme}"))
            if label:
                self.add(node, PREF, fr(label))
            self._count(kind)
        return node

    # -- a fiche
    def fiche(self, code: str, values: FicheValues, file: str, row: int | None) -> str:
        s = iri(f"cert/{code}")
        if code not in self.fiches:
            self.fiches.add(code)
            self._count("certification")
        self.add(s, A, cq("Certification"))
        self.add(s, cq("rncpCode"), lit(code))
        self.add(s, named(f"{PROV}wasDerivedFrom"), self.where.source)
        title = clean(values.title)
        if title:
            self.add(s, LABEL, fr(title))
        abbr = clean(values.abbr)
        if abbr:
            self.add(s, cq("abbreviation"), lit(abbr))
        typ = self.certification_type(code, abbr, title)
        if typ:
            self.add(s, cq("certificationType"), named(typ[0]))
            self.add(s, A, named(typ[1]))
        self._level(s, values, file, row)
        self._dates(s, values, file, row)
        self._status(s, values, file, row)
        reg = clean(values.registration)
        if reg:
            self.add(s, cq("registrationType"), fr(reg))
        ident = clean(values.id)
        if ident:
            self.add(s, named(f"{DCT}identifier"), lit(ident))
        self._as_given(s, values, file, row)
        return s

    def _as_given(self, s: str, values: FicheValues, file: str, row: int | None) -> None:
        """The fields kept as the fiche gives them (abbreviation title, state, every date,
        availability overseas), so that the XML export can give them back."""
        if clean(values.abbr_title):
            self.add(s, cq("abbreviationTitle"), fr(clean(values.abbr_title)))
        if clean(values.state):
            self.add(s, cq("ficheState"), lit(clean(values.state)))
        derived = {f for f, _ in values.start_candidates + values.end_candidates}
        for prop, fld, raw in values.raw_dates:
            if not raw.strip():
                continue
            iso = parse_date(raw)
            if iso:
                self.add(s, cq(prop), date_lit(iso))
            elif fld not in derived:  # those are reported once, by _dates
                self.report.warn(file, row, fld, f"date illisible « {raw.strip()} »", "jj/mm/aaaa")
        for prop, fld, raw in values.accessible:
            flag = clean(raw).upper()
            if flag in ("OUI", "NON"):
                self.add(s, cq(prop), TRUE if flag == "OUI" else FALSE)
            elif flag:
                self.report.warn(file, row, fld, f"valeur inconnue « {raw.strip()} »", "Oui ou Non")

    def _level(self, s: str, values: FicheValues, file: str, row: int | None) -> None:
        level = clean(values.level).upper()
        if not level:
            return
        m = LEVEL.match(level)
        label = clean(values.level_label)
        if m:
            niv, eqf = level_concepts(int(m.group(1)))
            self.add(s, cq("level"), niv)
            self.add(s, cq("eqfLevel"), eqf)
            if label and label != f"Niveau {m.group(1)}":  # the usual wording is implied by NIVn
                self.add(s, cq("qualificationLevelName"), fr(label))
        elif level in ("REPRISE", "SANS NIVEAU", "NR"):
            self.add(s, cq("levelCode"), lit(level))
            if label:
                self.add(s, cq("qualificationLevelName"), fr(label))
        else:
            self.report.warn(
                file,
                row,
                values.level_field,
                f"niveau inconnu « {level} » : ignoré",
                "NIV1 à NIV8, REPRISE ou vide",
            )

    def _dates(self, s: str, values: FicheValues, file: str, row: int | None) -> None:
        for candidates, prop in ((values.start_candidates, "startDate"), (values.end_candidates, "endDate")):
            for fld, raw in candidates:
                if not raw.strip():
                    continue
                iso = parse_date(raw)
                if iso is None:
                    self.report.warn(file, row, fld, f"date illisible « {raw.strip()} »", "jj/mm/aaaa")
                    continue
                self.add(s, cq(prop), date_lit(iso))
                break

    def _status(self, s: str, values: FicheValues, file: str, row: int | None) -> None:
        active = clean(values.active).upper()
        if active in ("ACTIVE", "OUI", "ACTIF"):
            self.add(s, cq("active"), TRUE)
        elif active in ("INACTIVE", "NON", "INACTIF"):
            self.add(s, cq("active"), FALSE)
        elif active:
            self.report.warn(
                file, row, values.active_field, f"état inconnu « {active} »", "ACTIVE ou INACTIVE"
            )
        partial = clean(values.partial).upper()
        if partial in ("OUI", "NON"):
            self.add(s, cq("partialValidation"), TRUE if partial == "OUI" else FALSE)
        elif partial:
            self.report.warn(
                file, row, "Validation_Partielle", f"valeur inconnue « {partial} »", "Oui ou Non"
            )

    def certification_type(self, code: str, abbr: str, title: str) -> tuple[str, str] | None:
        """The typ: concept and class: by abbreviation, else a CQP by its title (CQP, CQPM, CQPI
        are CQP whichever répertoire registered them), else RS for a fiche of the RS."""
        typ = self.codes.type_for(abbr) if abbr else None
        if typ is None:
            first = title.split(" ", 1)[0].upper() if title else ""
            if first in PREFIX_TYPES:
                typ = self.codes.type_for(first)
        if typ is None and code.startswith("RS"):
            typ = self.codes.type_for("RS")
        return typ

    def organisation(
        self, siret_raw: str, name: str, cls: str, file: str, row: int | None, fld: str
    ) -> str | None:
        siret = _WS.sub("", siret_raw or "")  # the CSV export prefixes every SIRET with a TAB
        name = clean(name)
        if siret and not SIRET.match(siret):
            self.report.warn(file, row, fld, f"SIRET invalide « {siret_raw.strip()} »", "14 chiffres")
            siret = ""
        if siret:
            node = iri(f"siret/{siret}")
        elif name:
            node = iri("org/" + _NON_ALNUM.sub("-", _key_spaced(name)).strip("-"))
        else:
            self.report.warn(
                file,
                row,
                fld,
                "organisme non renseigné (ni SIRET ni nom) : ligne ignorée",
                "un SIRET ou un nom",
            )
            return None
        self.add(node, A, cq(cls))
        if siret:
            self.add(node, cq("siret"), lit(siret))
        if name:
            self.add(node, LABEL, fr(name))
        if node not in self.orgs:
            self.orgs.add(node)
            self._count("organisation")
        return node

    def certifier(
        self,
        code: str,
        siret: str,
        name: str,
        file: str,
        row: int | None,
        state: str = "",
        state_date: str = "",
    ) -> None:
        org = self.organisation(siret, name, "Certificateur", file, row, "Siret_Certificateur")
        if org:
            self.add(iri(f"cert/{code}"), cq("certifier"), org)
            self.links.name(code, "certificateur", org, clean(name))
            if clean(state):
                self.add(self.mention(code, "certificateur", org), cq("state"), lit(clean(state)))
            if state_date.strip():
                iso = parse_date(state_date)
                if iso:
                    self.add(self.mention(code, "certificateur", org), cq("stateDate"), date_lit(iso))
                else:
                    self.report.warn(
                        file, row, "DATE_DERNIERE_MODIFICATION_ETAT", f"date illisible « {state_date} »"
                    )
        self.refer(code, file, row, "Numero_Fiche")

    def partner(
        self, code: str, siret: str, name: str, habilitation: str, file: str, row: int | None
    ) -> None:
        cls = "OrganismeFormation" if "FORM" in habilitation.upper() else "Organisation"
        org = self.organisation(siret, name, cls, file, row, "Siret_Partenaire")
        if org:
            self.add(iri(f"cert/{code}"), cq("partner"), org)
            self.links.name(code, "partenaire", org, clean(name))
            if habilitation.strip():  # the habilitation is the fiche's, not the organisation's
                self.add(self.mention(code, "partenaire", org), cq("habilitation"), lit(habilitation.strip()))
        self.refer(code, file, row, "Numero_Fiche")

    def mention(self, code: str, kind: str, target: str) -> str:
        """The node of what fiche `code` says of one of its links (created on first use)."""
        node = iri(f"mention/{code}/{kind}/{target.strip('<>').rsplit('/', 1)[-1]}")
        if node not in self.mentions:
            self.mentions.add(node)
            self.add(iri(f"cert/{code}"), cq("hasMention"), node)
            self.add(node, A, cq("Mention"))
            self.add(node, cq("mentions"), target)
        return node

    def write_link_labels(self) -> None:
        """Names and ROME labels as each fiche gives them: on the organisation or ROME job when
        every fiche gives the same, else on each fiche's mention (after the last export)."""
        for code, kind, target, text in self.links.per_fiche():
            self.add(self.mention(code, kind, target), cq("nameAsGiven"), fr(text))
        for target, text in self.links.shared_rome():
            self.add(target, cq("rncpLabel"), fr(text))

    @staticmethod
    def _code_label(code: str, label: str) -> str:
        label = clean(label)
        prefix = code + " : "
        return label[len(prefix) :] if label.startswith(prefix) else label

    def nsf(self, code: str, nsf: str, label: str, file: str, row: int | None) -> None:
        nsf = nsf.strip().lower()
        if not NSF_CODE.match(nsf):
            self.report.warn(
                file, row, "Nsf_Code", f"code NSF invalide « {nsf} »", "3 chiffres et une lettre facultative"
            )
            return
        node = self._concept("nsf", nsf, self._code_label(nsf, label), "nsf")
        self.add(iri(f"cert/{code}"), cq("nsf"), node)
        self.refer(code, file, row, "Numero_Fiche")

    def formacode(self, code: str, fc: str, label: str, file: str, row: int | None) -> None:
        fc = fc.strip()
        if not FORMACODE.match(fc):
            self.report.warn(file, row, "Formacode_Code", f"Formacode invalide « {fc} »", "5 chiffres")
            return
        node = self._concept("formacode", fc, self._code_label(fc, label), "formacode")
        self.add(iri(f"cert/{code}"), cq("formacode"), node)
        self.refer(code, file, row, "Numero_Fiche")

    def rome(self, code: str, rome: str, file: str, row: int | None, label: str = "") -> None:
        rome = rome.strip().upper()
        if not ROME_CODE.match(rome):
            self.report.warn(
                file, row, "Codes_Rome_Code", f"code ROME invalide « {rome} »", "une lettre et 4 chiffres"
            )
            return
        node = iri(f"rome/{rome}")
        self.add(iri(f"cert/{code}"), cq("romeJob"), node)
        self.links.rome(code, node, clean(label))
        self.refer(code, file, row, "Numero_Fiche")

    def branch(self, code: str, idcc: str, label: str, file: str, row: int | None, fld: str) -> None:
        idcc = idcc.strip()
        if not idcc:
            return
        if not idcc.isdigit() or len(idcc) > 4:
            self.report.warn(file, row, fld, f"IDCC invalide « {idcc} »", "un nombre de 1 à 4 chiffres")
            return
        idcc = idcc.zfill(4)
        node = iri(f"idcc/{idcc}")
        self.add(node, A, cq("Branche"))
        self.add(node, cq("idcc"), lit(idcc))
        if clean(label):
            self.add(node, LABEL, fr(clean(label)))
        if node not in self.concepts:
            self.concepts.add(node)
            self._count("branche")
        self.add(iri(f"cert/{code}"), cq("branch"), node)
        self.refer(code, file, row, "Numero_Fiche")

    def route(self, code: str, label: str, file: str, row: int | None, fld: str = "Si_Jury") -> None:
        label = clean(label)
        if not label:
            return
        concept = self.codes.route_for(label)
        if concept is None:
            self.report.warn(
                file,
                row,
                fld,
                f"voie d'accès inconnue « {label} »",
                "un libellé des voies d'accès (skos:altLabel de voie:)",
            )
            return
        self.add(iri(f"cert/{code}"), cq("accessRoute"), named(concept))
        self.refer(code, file, row, "Numero_Fiche")

    def jury(self, code: str, notation: str, open_: str, composition: str, file: str, n: int | None) -> None:
        """One SI_JURY_* element of the XML flow: the route (skos:notation) is open (`ACTIF`
        Oui), said closed (Non), and its jury composition as the fiche gives it."""
        concept = self.codes.route_notations.get(notation)
        if concept is None:
            self.report.warn(file, n, f"SI_JURY ({notation})", f"voie d'accès inconnue « {notation} »")
            return
        route = named(concept)
        flag = clean(open_).upper()
        if flag == "OUI":
            self.add(iri(f"cert/{code}"), cq("accessRoute"), route)
        elif flag == "NON":
            self.add(self.mention(code, "voie", route), cq("routeOpen"), FALSE)
        elif flag:
            self.report.warn(
                file, n, f"SI_JURY ({notation})/ACTIF", f"valeur inconnue « {open_} »", "Oui ou Non"
            )
        if clean(composition):
            self.add(self.mention(code, "voie", route), cq("juryComposition"), fr(clean(composition)))

    def jo_publication(
        self, code: str, kind: str, n: int, title: str, date: str, file: str, row: int | None
    ) -> None:
        """One PUBLICATION_JO of a PUBLICATION_DECRET_{kind} element (n-th of its kind)."""
        if not clean(title) and not date.strip():
            return
        node = iri(f"jo/{code}/{kind.lower()}-{n}")
        self.add(iri(f"cert/{code}"), cq("joPublication"), node)
        self.add(node, A, cq("PublicationJO"))
        self.add(node, cq("decreeKind"), lit(kind))
        self.add(node, cq("order"), lit(str(n), datatype="http://www.w3.org/2001/XMLSchema#integer"))
        if clean(title):
            self.add(node, named(f"{DCT}title"), fr(clean(title)))
        if date.strip():
            iso = parse_date(date)
            if iso:
                self.add(node, cq("joDate"), date_lit(iso))
            else:
                self.report.warn(
                    file, row, "DATE_PUBLICATION_JO", f"date illisible « {date.strip()} »", "jj/mm/aaaa"
                )

    def bloc(
        self,
        code: str,
        bloc: str,
        label: str,
        file: str,
        row: int | None,
        competences: str | None = None,
        evaluation: str | None = None,
    ) -> None:
        bloc = self.repair_bloc_code(code, bloc.strip().upper(), file, row)
        if not BLOC_CODE.match(bloc):
            self.report.error(
                file,
                row,
                "Bloc_Competences_Code",
                f"code de bloc invalide « {bloc} »",
                "code de fiche suivi de BC et de chiffres (RNCP35340BC01)",
            )
            return
        s, b = iri(f"cert/{code}"), iri(f"bloc/{bloc}")
        self.add(b, A, cq("BlocDeCompetences"))
        self.add(b, cq("code"), lit(bloc))
        if clean(label):
            self.add(b, LABEL, fr(clean(label)))
        self.add(s, cq("hasBloc"), b)
        self.add(b, cq("blocOf"), s)
        self._count("bloc")
        if evaluation and clean(evaluation):
            self.add(b, cq("evaluationText"), fr(clean(evaluation)))
        if competences:
            parent = None
            for n, (text, sub) in enumerate(split_competences(competences), start=1):
                c = iri(f"competence/{bloc}-{n}")
                self.add(c, A, cq("Competence"))
                self.add(c, LABEL, fr(text))
                self.add(c, cq("order"), lit(str(n), datatype="http://www.w3.org/2001/XMLSchema#integer"))
                self.add(b, cq("hasCompetence"), c)
                if sub and parent:
                    self.add(parent, cq("hasPart"), c)
                else:
                    parent = c
                self._count("competence")
        self.refer(code, file, row, "Numero_Fiche")

    def repair_bloc_code(self, code: str, bloc: str, file: str, row: int | None) -> str:
        """A bloc code with its fiche code repeated (RNCP35035BCRNCP35035BC01) is repaired."""
        doubled = f"{code}BC{code}BC"
        if bloc.startswith(doubled) and BLOC_CODE.match(code + "BC" + bloc[len(doubled) :]):
            repaired = code + "BC" + bloc[len(doubled) :]
            self.report.warn(
                file,
                row,
                "Bloc_Competences_Code",
                f"code de bloc « {bloc} » réparé en « {repaired} » (code de fiche répété)",
            )
            return repaired
        return bloc

    def succession(self, old: str, new: str, file: str, row: int | None, fld: str) -> None:
        if old == new:
            self.report.warn(file, row, fld, f"{old} se succède à elle-même : ignoré")
            return
        write_succession(
            self.add,
            iri(f"cert/{old}"),
            iri(f"cert/{new}"),
            iri(f"reco/succession-{old}-{new}"),
            f"{new} remplace {old} (nouvelle version)",
            self.where.at(row, fld),
        )
        self.report.entities["succession"] += 1
        self.refer(old, file, row, fld)
        self.refer(new, file, row, fld)


def _key_spaced(name: str) -> str:
    t = unicodedata.normalize("NFKD", name)
    return "".join(c for c in t if not unicodedata.combining(c)).lower()


def _codes_in(cell: str) -> list[str]:
    return [c for c in _CODE_SEP.split(cell.strip().upper()) if c]


# ---------------------------------------------------------------- CSV zip


def _csv_members(zf: zipfile.ZipFile) -> dict[str, tuple[zipfile.ZipInfo, str]]:
    """The files of the export by part (standard, blocs…): their zip entry and their name."""
    members: dict[str, tuple[zipfile.ZipInfo, str]] = {}
    for info in zf.infolist():
        if info.is_dir() or not info.filename.lower().endswith(".csv"):
            continue
        fname = info.filename
        if not info.flag_bits & 0x800:  # name not flagged UTF-8: zipfile decoded it as cp437
            with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
                fname = fname.encode("cp437").decode("utf-8")
        k = _key(Path(fname).name)
        for part, frag in CSV_PARTS:
            if frag in k and part not in members:
                members[part] = (info, Path(fname).name)
    if "standard" not in members:
        raise InputError(
            "l'archive ne contient pas le fichier Standard de l'export RNCP",
            file=zf.filename,
            expected="export_fiches_CSV_Standard_AAAA_MM_JJ.csv",
        )
    return members


def _read_csv(w: RncpWriter, zf: zipfile.ZipFile, export: Export, progress: Progress) -> None:
    members = _csv_members(zf)
    for part, _ in CSV_PARTS:
        if part not in members:
            w.report.notes.append(f"{export.path.name} : fichier « {part} » absent de l'archive")
    progress.stage(
        f"import RNCP (CSV {export.path.name})", total=sum(i.file_size for i, _ in members.values())
    )
    for part, _ in CSV_PARTS:
        if part not in members:
            continue
        info, name = members[part]
        w.where = origin(GRAPH, export.index, name)

        def opener(info: zipfile.ZipInfo = info) -> IO[bytes]:
            return zf.open(info)

        for row, r in CsvRows(opener, name, w.report, required=REQUIRED[part]):
            _csv_row(w, part, r, name, row)
            if row % 2000 == 0:
                progress.advance(0)
        progress.advance(info.file_size)


REQUIRED = {
    "standard": ["Numero_Fiche", "Intitule"],
    "blocs": ["Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"],
    "certificateurs": ["Numero_Fiche", "Siret_Certificateur", "Nom_Certificateur"],
    "partenaires": ["Numero_Fiche", "Nom_Partenaire", "Siret_Partenaire"],
    "rome": ["Numero_Fiche", "Codes_Rome_Code"],
    "nsf": ["Numero_Fiche", "Nsf_Code"],
    "formacode": ["Numero_Fiche", "Formacode_Code"],
    "ccn": ["Numero_Fiche", "Ccn_1_Numero"],
    "voies": ["Numero_Fiche", "Si_Jury"],
    "succession": ["Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"],
}


def _csv_row(w: RncpWriter, part: str, r: dict[str, str], name: str, row: int) -> None:
    code = w.fiche_code(r["Numero_Fiche"], name, row, "Numero_Fiche")
    if code is None or code in w.skip:
        return
    g = r.get
    if part == "standard":
        values = FicheValues(
            title=g("Intitule", ""),
            abbr=g("Abrege_Libelle", ""),
            level=g("Nomenclature_Europe_Niveau", ""),
            level_label=g("Nomenclature_Europe_Intitule", ""),
            start_candidates=[(f, g(f, "")) for f in ("Date_Effet", "Date_Decision", "Date_dernier_jo")],
            end_candidates=[("Date_Fin_Enregistrement", g("Date_Fin_Enregistrement", ""))],
            active=g("Actif", ""),
            registration=g("Type_Enregistrement", ""),
            partial=g("Validation_Partielle", ""),
            id=g("Id_Fiche", ""),
            abbr_title=g("Abrege_Intitule", ""),
            raw_dates=[
                ("effectDate", "Date_Effet", g("Date_Effet", "")),
                ("decisionDate", "Date_Decision", g("Date_Decision", "")),
                ("lastJoDate", "Date_dernier_jo", g("Date_dernier_jo", "")),
            ],
            accessible=[
                (
                    "accessibleNewCaledonia",
                    "Accessible_Nouvelle_Caledonie",
                    g("Accessible_Nouvelle_Caledonie", ""),
                ),
                (
                    "accessibleFrenchPolynesia",
                    "Accessible_Polynesie_Francaise",
                    g("Accessible_Polynesie_Francaise", ""),
                ),
            ],
        )
        if not w.report.first(name, row, "Numero_Fiche", code, r):
            return
        w.fiche(code, values, name, row)
    elif part == "blocs":
        w.bloc(code, r["Bloc_Competences_Code"], r["Bloc_Competences_Libelle"], name, row)
    elif part == "certificateurs":
        w.certifier(code, r["Siret_Certificateur"], r["Nom_Certificateur"], name, row)
    elif part == "partenaires":
        w.partner(
            code, r["Siret_Partenaire"], r["Nom_Partenaire"], g("Habilitation_Partenaire", ""), name, row
        )
    elif part == "rome":
        w.rome(code, r["Codes_Rome_Code"], name, row, g("Codes_Rome_Libelle", "").replace("''", "'"))
    elif part == "nsf":
        w.nsf(code, r["Nsf_Code"], g("Nsf_Intitule", ""), name, row)
    elif part == "formacode":
        w.formacode(code, r["Formacode_Code"], g("Formacode_Libelle", ""), name, row)
    elif part == "ccn":
        for i in range(1, 10):
            fld = f"Ccn_{i}_Numero"
            if fld not in r:
                break
            w.branch(code, r[fld], g(f"Ccn_{i}_Libelle", "").replace("''", "'"), name, row, fld)
    elif part == "voies":
        w.route(code, r["Si_Jury"], name, row)
    elif part == "succession":
        for old in _codes_in(r["Ancienne_Certification"]):
            if FICHE_CODE.match(old):
                w.succession(old, code, name, row, "Ancienne_Certification")
            else:
                w.report.warn(name, row, "Ancienne_Certification", f"code invalide « {old} »", "RNCP… ou RS…")
        for new in _codes_in(r["Nouvelle_Certification"]):
            if FICHE_CODE.match(new):
                w.succession(code, new, name, row, "Nouvelle_Certification")
            else:
                w.report.warn(name, row, "Nouvelle_Certification", f"code invalide « {new} »", "RNCP… ou RS…")


# ---------------------------------------------------------------- entry point


def detect_kind(path: Path) -> str:
    """'csv-zip' or 'xml', from the first bytes of the file (never from its name)."""
    if path.is_dir():
        raise InputError(
            "un fichier était attendu, pas un dossier",
            file=str(path),
            expected="l'archive ZIP des CSV ou le flux XML de l'export RNCP",
        )
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise InputError(f"lecture impossible : {exc.strerror}", file=str(path)) from None
    if not head:
        raise InputError("fichier vide", file=str(path), expected="l'archive ZIP des CSV ou le flux XML")
    if head.startswith(b"PK"):
        return "csv-zip"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "xml"
    raise InputError(
        "format non reconnu",
        file=str(path),
        expected="une archive ZIP (export CSV) ou un document XML (flux v4.1)",
    )


@dataclass(frozen=True)
class Export:
    """One RNCP/RS export file of an import: its kind, its date and its rank among the files."""

    path: Path
    kind: str  # "csv-zip" or "xml"
    date: str | None
    index: int


_XML_DATE = re.compile(rb"<(?:DATE_DERNIERE_MODIFICATION_ETAT|DATE_DE_PUBLICATION)>(\d{2})/(\d{2})/(\d{4})<")


def _xml_content_date(path: Path) -> str | None:
    """The latest publication or state-change date of the fiches of an XML flow (a lower bound
    of its export date), read in chunks."""
    best: str | None = None
    tail = b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            data = tail + chunk
            for d, m, y in _XML_DATE.findall(data):
                iso = f"{y.decode()}-{m.decode()}-{d.decode()}"
                best = iso if best is None or iso > best else best
            tail = data[-64:]
    return best


def export_date(path: Path, kind: str) -> str | None:
    """From the file name (export-fiches-csv-2024-02-22.zip), else from the names of the files
    in the zip, else from the content of an XML flow."""
    found = date_from_name(path.name)
    if found or not path.is_file():
        return found
    if kind == "csv-zip":
        with contextlib.suppress(zipfile.BadZipFile, OSError), zipfile.ZipFile(path) as zf:
            return next((d for d in (date_from_name(i.filename) for i in zf.infolist()) if d), None)
        return None
    return _xml_content_date(path)


def _read_export(w: RncpWriter, export: Export, progress: Progress) -> None:
    if export.kind == "xml":
        from .rncp_xml import read_xml  # the XML reader uses this module's writer

        read_xml(w, export, progress)
        return
    try:
        with zipfile.ZipFile(export.path) as zf:
            check_archive(zf, str(export.path))
            _read_csv(w, zf, export, progress)
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as exc:
        raise InputError(
            f"archive ZIP illisible (tronquée ?) : {exc}",
            file=str(export.path),
            expected="l'archive ZIP complète de l'export CSV",
        ) from None


def _fill(exports: list[Export], codes: CodeLists) -> Callable[[QuadSink, ImportReport, Progress], None]:
    def fill(sink: QuadSink, report: ImportReport, progress: Progress) -> None:
        w = RncpWriter(sink, report, codes)
        taken: set[str] = set()
        for export in newest_first(exports):
            w.skip = frozenset(taken)
            before = set(w.fiches)
            _read_export(w, export, progress)
            described = w.fiches - before
            if len(exports) > 1:
                report.notes.append(
                    f"{export.path.name} (export du {export.date or 'date inconnue'}) : "
                    f"{len(described)} fiche(s) prises de cet export"
                )
            taken |= described
        w.check_references()
        w.write_link_labels()

    return fill


def newest_first(exports: list[Export]) -> list[Export]:
    """Most recent export first; an export of unknown date counts as the oldest."""
    return sorted(exports, key=lambda e: (e.date is not None, e.date or "", -e.index), reverse=True)


def import_rncp(store: Store, paths: Path | Sequence[Path], progress: Progress | None = None) -> ImportReport:
    """Import RNCP/RS exports (CSV zips and XML flows) into the RNCP graph.

    Several exports combine: each fiche takes its facts from the most recent export that
    contains it (export date from the file name, the zip's file names or the XML content), so
    that an RS export and an RNCP export, or a partial extract and a full export, live together.
    The import replaces the graph: the files given are the whole of what it holds.
    """
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    exports = []
    for i, path in enumerate(files):
        kind = detect_kind(path)
        exports.append(Export(path, kind, export_date(path, kind), i))
    job = ImportJob(
        "rncp",
        GRAPH,
        "Exports RNCP/RS",
        "RNCP/RS exports",
        "import des exports RNCP/RS, CSV et XML (cqpi_graph.importers.rncp)",
        files,
        export_dates=[e.date for e in exports],
        publisher=PUBLISHER,
    )
    return job.run(store, _fill(exports, CodeLists.load(store)), progress)


register(
    Source(
        "rncp",
        GRAPH,
        import_rncp,
        "Importer des exports RNCP/RS : archives ZIP des CSV ou flux XML v4.1 (d'après le contenu). "
        "Plusieurs exports se combinent : chaque fiche vient de l'export le plus récent qui la contient.",
        "cqpi import rncp ../shared/data/rncp/export-fiches-csv-2024-02-22.zip",
        several=True,
    )
)
