"""BCN diplomas (Éducation nationale, N_FORMATION_DIPLOME.csv, Windows-1252, `;`).

Each diploma is ``…/id/bcn/{8-character code}``, the IRI the curated data uses too, so that a
curated diploma and its BCN record are one resource.
"""

from __future__ import annotations

import re
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
from .registry import Source, register, single
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


def _fill(path: Path, codes: CodeLists, levels: Path | None = None):
    name = path.name

    def fill(sink: QuadSink, report: ImportReport, progress: Progress) -> None:
        rows = CsvRows(path_opener(path), name, report, delimiter=";", required=REQUIRED)
        progress.stage("import BCN")
        where = origin(GRAPH, 0, name)
        if levels is not None:
            _level_table(sink, report, levels)
        known: set[str] = set()
        refs: list[tuple[str, int, str]] = []
        groups: set[str] = set()
        iscedf: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        for row, r in rows:
            code = bcn_code(r["FORMATION_DIPLOME"])
            if code is None:
                report.error(
                    name,
                    row,
                    "FORMATION_DIPLOME",
                    f"code diplôme invalide « {r['FORMATION_DIPLOME']} »",
                    "8 caractères (chiffres et lettres)",
                )
                continue
            if not report.first(name, row, "FORMATION_DIPLOME", code, r):
                continue
            progress.advance()
            known.add(code)
            report.entities["diplome"] += 1
            s = iri(f"bcn/{code}")
            sink.add(s, A, cq("Diplome"))
            sink.add(s, cq("bcnCode"), lit(code))
            label = clean(r["LIBELLE_LONG_200"])
            if label:
                sink.add(s, LABEL, fr(label))
            short = clean(r["LIBELLE_COURT"])
            if short:
                sink.add(s, cq("abbreviation"), lit(short))
            niveau = r["NIVEAU_FORMATION_DIPLOME"].strip()
            typ = codes.type_for(LEVEL_TYPES[niveau]) if niveau in LEVEL_TYPES else codes.type_for(short)
            if typ:
                sink.add(s, cq("certificationType"), named(typ[0]))
                sink.add(s, A, named(typ[1]))
            lvl = r.get("NIVEAU_QUALIFICATION_RNCP", "").strip()
            if lvl.isdigit() and 1 <= int(lvl) <= 8:
                niv, eqf = level_concepts(int(lvl))
                sink.add(s, cq("level"), niv)
                sink.add(s, cq("eqfLevel"), eqf)
            elif lvl and lvl not in ("00", "99"):
                report.warn(
                    name, row, "NIVEAU_QUALIFICATION_RNCP", f"niveau inconnu « {lvl} »", "01 à 08, 00 ou 99"
                )
            group = r.get("GROUPE_SPECIALITE", "").strip()
            if re.match(r"^\d{3}$", group) and group != "999":
                g = iri(f"nsf/{group}")
                sink.add(s, cq("specialtyGroup"), g)
                if group not in groups:
                    groups.add(group)
                    sink.add(g, A, named(f"{SKOS}Concept"))
                    sink.add(g, named(f"{SKOS}notation"), lit(group))
                    sink.add(g, named(f"{SKOS}inScheme"), iri("scheme/nsf"))
                    glabel = clean(r.get("N_GROUPE_SPECIALITE.LIBELLE_LONG", ""))
                    if glabel:
                        sink.add(g, LABEL, fr(glabel))
                letter = r.get("LETTRE_SPECIALITE", "").strip().lower()
                if re.match(r"^[a-z]$", letter):
                    sink.add(s, cq("nsf"), iri(f"nsf/{group}{letter}"))
            # ISCED-F 2013 detailed field (the 1997 codes of CITE_DOMAINE_FORMATION are not ISCED-F).
            isced = r.get("CITE_DOMAINE_DETAILLE", "").strip()
            if re.match(r"^(0\d|10)\d\d$", isced):
                node = named(f"{ISCED_F}{isced}")
                sink.add(s, cq("iscedField"), node)
                if isced not in iscedf:
                    iscedf.add(isced)
                    sink.add(node, named(f"{SKOS}notation"), lit(isced))
                    ilabel = clean(r.get("N_CITE_2013_DOMAINE_DETAILL.LIBELLE_EDITION", ""))
                    if ilabel:
                        sink.add(node, named(f"{SKOS}prefLabel"), fr(ilabel))
            elif isced and isced != "9999":
                report.warn(
                    name,
                    row,
                    "CITE_DOMAINE_DETAILLE",
                    f"code CITE invalide « {isced} »",
                    "4 chiffres ISCED-F 2013",
                )
            for fld, prop in (("DATE_OUVERTURE", "startDate"), ("DATE_FERMETURE", "endDate")):
                raw = r.get(fld, "").strip()
                if raw:
                    iso = parse_date(raw)
                    if iso:
                        sink.add(s, cq(prop), date_lit(iso))
                    else:
                        report.warn(name, row, fld, f"date illisible « {raw} »", "jj/mm/aaaa")
            for i in range(1, 8):
                for fld, forward in ((f"ANCIEN_DIPLOME_{i}", False), (f"NOUVEAU_DIPLOME_{i}", True)):
                    raw = r.get(fld, "").strip()
                    if not raw:
                        continue
                    other = bcn_code(raw)
                    if other is None:
                        report.warn(name, row, fld, f"code diplôme invalide « {raw} »", "8 caractères")
                        continue
                    if other == code:
                        # The publisher lists some diplomas as their own successor: no succession.
                        report.warn(
                            name,
                            row,
                            fld,
                            f"le diplôme {code} est indiqué comme son propre "
                            "successeur ou prédécesseur : référence ignorée",
                        )
                        continue
                    old, new = (code, other) if forward else (other, code)
                    write_succession(
                        sink.add,
                        iri(f"bcn/{old}"),
                        iri(f"bcn/{new}"),
                        iri(f"reco/succession-bcn-{old}-bcn-{new}"),
                        f"le diplôme {new} remplace le diplôme {old} (nouvelle version)",
                        where.at(row, fld),
                    )
                    refs.append((other, row, fld))
                    pairs.add((old, new))
        seen: set[str] = set()
        for other, row, fld in refs:
            if other not in known and other not in seen:
                seen.add(other)
                report.warn(
                    name, row, fld, f"le diplôme {other} n'est pas dans le fichier : référence conservée"
                )
        report.entities["succession"] = len(pairs)
        if not known and report.rows_read == 0:
            raise InputError("aucune ligne de données", file=name, expected="au moins un diplôme")

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
        lambda store, paths, progress: import_bcn(store, single("bcn", paths), progress),
        "Importer les diplômes de la BCN (N_FORMATION_DIPLOME.csv ; N_NIVEAU_FORMATION_DIPLOME.csv "
        "à côté donne le niveau de chaque code).",
        "cqpi import bcn ../shared/data/bcn/N_FORMATION_DIPLOME.csv",
    )
)
