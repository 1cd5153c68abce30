"""BCN diplomas (Éducation nationale, N_FORMATION_DIPLOME.csv, Windows-1252, `;`).

Each diploma is ``…/id/bcn/{8-character code}``, the IRI the curated data uses too, so that a
curated diploma and its BCN record are one resource.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..namespaces import RDFS, SKOS, Graphs
from ..progress import Progress
from ..store.base import Store
from .common import (
    A,
    CsvRows,
    ImportJob,
    ImportReport,
    Origin,
    QuadSink,
    clean,
    cq,
    date_lit,
    fr,
    iri,
    level_concepts,
    lit,
    named,
    origin,
    parse_date,
    path_opener,
    write_succession,
)
from .registry import Source, one_path, register
from .vocab import CodeLists

GRAPH = Graphs.imported("bcn")
BCN_CODE = re.compile(r"^[0-9A-Z]{8}$")
# NIVEAU_FORMATION_DIPLOME -> skos:notation of the typ: concept (nomenclature N_NIVEAU_FORMATION_DIPLOME).
LEVEL_TYPES = {"500": "CAP", "400": "BAC PRO", "320": "BTS", "450": "BP", "510": "BEP", "010": "MC"}
REQUIRED = ["FORMATION_DIPLOME", "NIVEAU_FORMATION_DIPLOME", "LIBELLE_COURT", "LIBELLE_LONG_200"]
LABEL = named(f"{RDFS}label")
ISCED_F = "http://data.europa.eu/snb/isced-f/"


def bcn_code(value: str) -> str | None:
    """An 8-character BCN code; 7-digit codes (a lost leading zero) are padded."""
    v = value.strip().upper()
    if v.isdigit() and len(v) < 8:
        v = v.zfill(8)
    return v if BCN_CODE.match(v) else None


LEVELS_FILE = "N_NIVEAU_FORMATION_DIPLOME.csv"
LEVEL_REQUIRED = ["NIVEAU_FORMATION_DIPLOME", "NIVEAU_QUALIFICATION_RNCP"]


def _level_table(sink: QuadSink, report: ImportReport, path: Path) -> None:
    """The diploma-level nomenclature: each level code (the first three characters of a BCN
    code: 500 CAP, 400 bac pro…) with its RNCP level, so that a diploma the main file lacks
    still has a level."""
    for row, r in CsvRows(path_opener(path), path.name, report, delimiter=";", required=LEVEL_REQUIRED):
        code = r["NIVEAU_FORMATION_DIPLOME"].strip().upper()
        lvl = r["NIVEAU_QUALIFICATION_RNCP"].strip()
        if not re.match(r"^[0-9A-Z]{3}$", code):
            report.warn(
                path.name,
                row,
                "NIVEAU_FORMATION_DIPLOME",
                f"code de niveau invalide « {code} »",
                "3 caractères",
            )
            continue
        node = iri(f"bcn-niveau/{code}")
        sink.add(node, A, named(f"{SKOS}Concept"))
        sink.add(node, named(f"{SKOS}notation"), lit(code))
        sink.add(node, named(f"{SKOS}inScheme"), iri("scheme/bcn-niveau"))
        label = clean(r.get("LIBELLE_100", ""))
        if label:
            sink.add(node, named(f"{SKOS}prefLabel"), fr(label))
        if lvl.isdigit() and 1 <= int(lvl) <= 8:
            sink.add(node, cq("level"), level_concepts(int(lvl))[0])
        report.entities["niveau"] += 1


@dataclass(frozen=True)
class SuccessionRef:
    """A diploma another row names as its predecessor or successor, checked once all are read."""

    code: str
    row: int
    field: str


@dataclass
class BcnRun:
    """One BCN import: where quads go, and what the rows read so far have introduced."""

    name: str
    sink: QuadSink
    report: ImportReport
    codes: CodeLists
    where: Origin
    known: set[str] = field(default_factory=set)  # diploma codes read
    refs: list[SuccessionRef] = field(default_factory=list)
    groups: set[str] = field(default_factory=set)  # NSF groups written
    iscedf: set[str] = field(default_factory=set)  # ISCED-F fields written
    pairs: set[tuple[str, str]] = field(default_factory=set)  # (old, new) successions


def _read_diploma(run: BcnRun, row: int, r: dict[str, str]) -> bool:
    """One row of N_FORMATION_DIPLOME; False when it is not read (bad or repeated code)."""
    code = bcn_code(r["FORMATION_DIPLOME"])
    if code is None:
        run.report.error(
            run.name,
            row,
            "FORMATION_DIPLOME",
            f"code diplôme invalide « {r['FORMATION_DIPLOME']} »",
            "8 caractères (chiffres et lettres)",
        )
        return False
    if not run.report.first(run.name, row, "FORMATION_DIPLOME", code, r):
        return False
    run.known.add(code)
    run.report.entities["diplome"] += 1
    s = iri(f"bcn/{code}")
    _names_and_type(run, s, code, r)
    _level(run, row, s, r)
    _specialty(run, s, r)
    _isced_field(run, row, s, r)
    _dates(run, row, s, r)
    _successions(run, row, code, r)
    return True


def _names_and_type(run: BcnRun, s: str, code: str, r: dict[str, str]) -> None:
    add = run.sink.add
    add(s, A, cq("Diplome"))
    add(s, cq("bcnCode"), lit(code))
    label = clean(r["LIBELLE_LONG_200"])
    if label:
        add(s, LABEL, fr(label))
    short = clean(r["LIBELLE_COURT"])
    if short:
        add(s, cq("abbreviation"), lit(short))
    niveau = r["NIVEAU_FORMATION_DIPLOME"].strip()
    typ = run.codes.type_for(LEVEL_TYPES[niveau]) if niveau in LEVEL_TYPES else run.codes.type_for(short)
    if typ:
        add(s, cq("certificationType"), named(typ[0]))
        add(s, A, named(typ[1]))


def _level(run: BcnRun, row: int, s: str, r: dict[str, str]) -> None:
    lvl = r.get("NIVEAU_QUALIFICATION_RNCP", "").strip()
    if lvl.isdigit() and 1 <= int(lvl) <= 8:
        niv, eqf = level_concepts(int(lvl))
        run.sink.add(s, cq("level"), niv)
        run.sink.add(s, cq("eqfLevel"), eqf)
    elif lvl and lvl not in ("00", "99"):
        run.report.warn(
            run.name, row, "NIVEAU_QUALIFICATION_RNCP", f"niveau inconnu « {lvl} »", "01 à 08, 00 ou 99"
        )


def _specialty(run: BcnRun, s: str, r: dict[str, str]) -> None:
    """The NSF specialty group (a SKOS concept, written once) and the group + letter specialty."""
    group = r.get("GROUPE_SPECIALITE", "").strip()
    if not re.match(r"^\d{3}$", group) or group == "999":
        return
    add = run.sink.add
    g = iri(f"nsf/{group}")
    add(s, cq("specialtyGroup"), g)
    if group not in run.groups:
        run.groups.add(group)
        add(g, A, named(f"{SKOS}Concept"))
        add(g, named(f"{SKOS}notation"), lit(group))
        add(g, named(f"{SKOS}inScheme"), iri("scheme/nsf"))
        glabel = clean(r.get("N_GROUPE_SPECIALITE.LIBELLE_LONG", ""))
        if glabel:
            add(g, LABEL, fr(glabel))
    letter = r.get("LETTRE_SPECIALITE", "").strip().lower()
    if re.match(r"^[a-z]$", letter):
        add(s, cq("nsf"), iri(f"nsf/{group}{letter}"))


def _isced_field(run: BcnRun, row: int, s: str, r: dict[str, str]) -> None:
    """ISCED-F 2013 detailed field (the 1997 codes of CITE_DOMAINE_FORMATION are not ISCED-F)."""
    isced = r.get("CITE_DOMAINE_DETAILLE", "").strip()
    if re.match(r"^(0\d|10)\d\d$", isced):
        node = named(f"{ISCED_F}{isced}")
        run.sink.add(s, cq("iscedField"), node)
        if isced not in run.iscedf:
            run.iscedf.add(isced)
            run.sink.add(node, named(f"{SKOS}notation"), lit(isced))
            ilabel = clean(r.get("N_CITE_2013_DOMAINE_DETAILL.LIBELLE_EDITION", ""))
            if ilabel:
                run.sink.add(node, named(f"{SKOS}prefLabel"), fr(ilabel))
    elif isced and isced != "9999":
        run.report.warn(
            run.name,
            row,
            "CITE_DOMAINE_DETAILLE",
            f"code CITE invalide « {isced} »",
            "4 chiffres ISCED-F 2013",
        )


def _dates(run: BcnRun, row: int, s: str, r: dict[str, str]) -> None:
    for fld, prop in (("DATE_OUVERTURE", "startDate"), ("DATE_FERMETURE", "endDate")):
        raw = r.get(fld, "").strip()
        if not raw:
            continue
        iso = parse_date(raw)
        if iso:
            run.sink.add(s, cq(prop), date_lit(iso))
        else:
            run.report.warn(run.name, row, fld, f"date illisible « {raw} »", "jj/mm/aaaa")


def succession_fields() -> list[tuple[str, bool]]:
    """The columns naming older and newer diplomas, in file order: (column, names a successor)."""
    return [
        (fld, forward)
        for i in range(1, 8)
        for fld, forward in ((f"ANCIEN_DIPLOME_{i}", False), (f"NOUVEAU_DIPLOME_{i}", True))
    ]


def _successions(run: BcnRun, row: int, code: str, r: dict[str, str]) -> None:
    for fld, forward in succession_fields():
        raw = r.get(fld, "").strip()
        if not raw:
            continue
        other = bcn_code(raw)
        if other is None:
            run.report.warn(run.name, row, fld, f"code diplôme invalide « {raw} »", "8 caractères")
            continue
        if other == code:
            # The publisher lists some diplomas as their own successor: no succession.
            run.report.warn(
                run.name,
                row,
                fld,
                f"le diplôme {code} est indiqué comme son propre "
                "successeur ou prédécesseur : référence ignorée",
            )
            continue
        old, new = (code, other) if forward else (other, code)
        write_succession(
            run.sink.add,
            iri(f"bcn/{old}"),
            iri(f"bcn/{new}"),
            iri(f"reco/succession-bcn-{old}-bcn-{new}"),
            f"le diplôme {new} remplace le diplôme {old} (nouvelle version)",
            run.where.at(row, fld),
        )
        run.refs.append(SuccessionRef(other, row, fld))
        run.pairs.add((old, new))


def _warn_unknown_references(run: BcnRun) -> None:
    """Each diploma named by a succession column but absent from the file, once."""
    seen: set[str] = set()
    for ref in run.refs:
        if ref.code not in run.known and ref.code not in seen:
            seen.add(ref.code)
            run.report.warn(
                run.name,
                ref.row,
                ref.field,
                f"le diplôme {ref.code} n'est pas dans le fichier : référence conservée",
            )


def _fill(
    path: Path, codes: CodeLists, levels: Path | None = None
) -> Callable[[QuadSink, ImportReport, Progress], None]:
    def fill(sink: QuadSink, report: ImportReport, progress: Progress) -> None:
        rows = CsvRows(path_opener(path), path.name, report, delimiter=";", required=REQUIRED)
        progress.stage("import BCN")
        run = BcnRun(path.name, sink, report, codes, origin(GRAPH, 0, path.name))
        if levels is not None:
            _level_table(sink, report, levels)
        for row, r in rows:
            if _read_diploma(run, row, r):
                progress.advance()
        _warn_unknown_references(run)
        report.entities["succession"] = len(run.pairs)
        if not run.known and report.rows_read == 0:
            raise InputError("aucune ligne de données", file=path.name, expected="au moins un diplôme")

    return fill


def import_bcn(store: Store, path: Path, progress: Progress | None = None) -> ImportReport:
    path = Path(path)
    if path.is_dir():
        path = path / "N_FORMATION_DIPLOME.csv"
    if not path.is_file():
        raise InputError("fichier introuvable", file=str(path), expected="N_FORMATION_DIPLOME.csv")
    job = ImportJob(
        "bcn",
        GRAPH,
        "Diplômes de la BCN (Éducation nationale)",
        "BCN diplomas (Éducation nationale)",
        "import BCN N_FORMATION_DIPLOME (cqpi_graph.importers.bcn)",
        [path],
        publisher="DEPP / Éducation nationale",
    )
    levels = path.with_name(LEVELS_FILE)
    if levels.is_file():
        job.files.append(levels)
    return job.run(store, _fill(path, CodeLists.load(store), levels if levels.is_file() else None), progress)


register(
    Source(
        "bcn",
        GRAPH,
        one_path("bcn", import_bcn),
        "Importer les diplômes de la BCN (N_FORMATION_DIPLOME.csv ; N_NIVEAU_FORMATION_DIPLOME.csv "
        "à côté donne le niveau de chaque code).",
        "cqpi import bcn ../shared/data/bcn/N_FORMATION_DIPLOME.csv",
    )
)
