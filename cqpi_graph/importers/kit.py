"""The apprenticeship kit crosswalk: BCN diploma code <-> RNCP fiche (kit-apprentissage-rncp).

Each row is a correspondence of identifiers (docs/MODEL.md), never an identity: a
``cq:CorrespondanceIdentifiants`` statement from ``…/id/bcn/{code}`` to ``…/id/cert/{RNCP…}``
with the row it comes from, and the direct link ``cq:identifierCorrespondsTo``. Whether the two
codes are one certification is decided afterwards by the catalog's rule (one-to-one both ways,
titles and levels that agree: `cqpi_graph.catalog.sameness`). The row also says what the kit
knows of the fiche: its level, end date and status (ACTIVE/INACTIVE). Rows whose fiche is « NR »
(not registered) are warnings.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..namespaces import RDFS, Graphs
from ..progress import Progress
from ..store.base import Store
from .bcn import bcn_code
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
    date_lit,
    fr,
    iri,
    level_concepts,
    lit,
    named,
    origin,
    parse_date,
    path_opener,
    write_origin,
)
from .registry import Source, one_path, register

GRAPH = Graphs.imported("kit")
COL_BCN = "Code Diplôme"
COL_LABEL = "Intitulé diplôme (DEPP)"
COL_RNCP = "FicheRNCP"
COL_LEVEL = "Niveau fiche RNCP"
COL_END = "Date d'échéance de la fiche RNCP"
COL_STATUS = "Fiche ACTIVE/INACTIVE"
FICHE = re.compile(r"^(RNCP|RS)\d+$")
KIT_LEVEL = re.compile(r"^niveau([1-8])$", re.IGNORECASE)


class _KitWriter:
    def __init__(self, sink: QuadSink, report: ImportReport, where: Origin) -> None:
        self.add = sink.add
        self.report = report
        self.where = where
        self.bcns: set[str] = set()
        self.certs: set[str] = set()
        self.links: set[tuple[str, str]] = set()

    def diploma(self, code: str, label: str) -> str:
        b = iri(f"bcn/{code}")
        if code not in self.bcns:
            self.bcns.add(code)
            self.add(b, A, cq("Diplome"))
            self.add(b, cq("bcnCode"), lit(code))
            if label:
                self.add(b, named(f"{RDFS}label"), fr(label))
        return b

    def fiche(self, fiche: str, r: dict[str, str], row: int) -> str:
        c = iri(f"cert/{fiche}")
        if fiche in self.certs:
            return c
        self.certs.add(fiche)
        self.add(c, A, cq("Certification"))
        self.add(c, cq("rncpCode"), lit(fiche))
        m = KIT_LEVEL.match(r.get(COL_LEVEL, "").strip())
        if m:
            niv, eqf = level_concepts(int(m.group(1)))
            self.add(c, cq("level"), niv)
            self.add(c, cq("eqfLevel"), eqf)
        end = parse_date(r.get(COL_END, ""))
        if end:
            self.add(c, cq("endDate"), date_lit(end))
        status = r.get(COL_STATUS, "").strip().upper()
        if status in ("ACTIVE", "INACTIVE"):
            self.add(c, cq("active"), TRUE if status == "ACTIVE" else FALSE)
        elif status and status != "NR":
            self.report.warn(
                self.where.file, row, COL_STATUS, f"état inconnu « {status} »", "ACTIVE ou INACTIVE"
            )
        return c

    def correspondence(self, code: str, fiche: str, b: str, c: str, row: int) -> None:
        if (code, fiche) in self.links:
            self.report.warn(
                self.where.file, row, COL_RNCP, f"correspondance {code} → {fiche} déjà lue : doublon"
            )
            return
        self.links.add((code, fiche))
        st = iri(f"correspondance/kit-{code}-{fiche}")
        self.add(st, A, cq("CorrespondanceIdentifiants"))
        self.add(st, cq("fromCertification"), b)
        self.add(st, cq("toCertification"), c)
        self.add(st, cq("direction"), fr("unidirectionnel"))
        self.add(st, named(f"{RDFS}label"), fr(f"le diplôme BCN {code} correspond à la fiche {fiche}"))
        write_origin(self.add, st, self.where.at(row, COL_RNCP))
        self.add(b, cq("identifierCorrespondsTo"), c)
        self.report.entities["correspondance"] += 1


def _fill(path: Path):
    name = path.name

    def fill(sink: QuadSink, report: ImportReport, progress: Progress) -> None:
        progress.stage("import kit BCN-RNCP")
        w = _KitWriter(sink, report, origin(GRAPH, 0, name))
        for row, r in CsvRows(path_opener(path), name, report, delimiter=";", required=[COL_BCN, COL_RNCP]):
            progress.advance()
            code = bcn_code(r[COL_BCN])
            if code is None:
                report.error(
                    name,
                    row,
                    COL_BCN,
                    f"code diplôme invalide « {r[COL_BCN].strip()} »",
                    "8 caractères (chiffres et lettres)",
                )
                continue
            b = w.diploma(code, clean(r.get(COL_LABEL, "")))
            fiche = r[COL_RNCP].strip().upper()
            if not FICHE.match(fiche):
                report.warn(
                    name,
                    row,
                    COL_RNCP,
                    f"pas de fiche RNCP (« {fiche} ») pour le diplôme {code}",
                    "RNCP suivi de chiffres",
                )
                continue
            w.correspondence(code, fiche, b, w.fiche(fiche, r, row), row)
        report.entities["diplome"] = len(w.bcns)
        report.entities["certification"] = len(w.certs)
        if report.rows_read == 0:
            raise InputError("aucune ligne de données", file=name, expected="au moins une correspondance")

    return fill


def import_kit(store: Store, path: Path, progress: Progress | None = None) -> ImportReport:
    path = Path(path)
    if not path.is_file():
        raise InputError("fichier introuvable", file=str(path), expected="kit-apprentissage-rncp-*.csv")
    job = ImportJob(
        "kit",
        GRAPH,
        "Correspondance diplômes BCN - fiches RNCP (kit apprentissage)",
        "BCN diploma - RNCP fiche crosswalk (apprenticeship kit)",
        "import kit apprentissage (cqpi_graph.importers.kit)",
        [path],
        publisher="Mission apprentissage / France compétences",
    )
    return job.run(store, _fill(path), progress)


register(
    Source(
        "kit",
        GRAPH,
        one_path("kit", import_kit),
        "Importer la table de passage codes diplômes BCN - fiches RNCP (kit apprentissage).",
        "cqpi import kit ../shared/data/kit/kit-apprentissage-rncp-v3.0.csv",
    )
)
