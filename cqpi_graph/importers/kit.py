"""The apprenticeship kit crosswalk: BCN diploma code <-> RNCP fiche (kit-apprentissage-rncp).

Each row links ``…/id/bcn/{code}`` and ``…/id/cert/{RNCP…}`` with ``cq:sameCertification`` in
both directions (the property is symmetric; both triples are asserted so that the kit graph is
navigable both ways on its own). Rows whose fiche is « NR » (not registered) are warnings.
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
    A,
    CsvRows,
    ImportJob,
    ImportReport,
    QuadSink,
    clean,
    cq,
    fr,
    iri,
    lit,
    named,
    path_opener,
)

GRAPH = Graphs.imported("kit")
COL_BCN = "Code Diplôme"
COL_LABEL = "Intitulé diplôme (DEPP)"
COL_RNCP = "FicheRNCP"
FICHE = re.compile(r"^(RNCP|RS)\d+$")


def _fill(path: Path):
    name = path.name

    def fill(sink: QuadSink, report: ImportReport, progress: Progress) -> None:
        progress.stage("import kit BCN-RNCP")
        bcns: set[str] = set()
        certs: set[str] = set()
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
            fiche = r[COL_RNCP].strip().upper()
            b = iri(f"bcn/{code}")
            if code not in bcns:
                bcns.add(code)
                sink.add(b, A, cq("Diplome"))
                sink.add(b, cq("bcnCode"), lit(code))
                label = clean(r.get(COL_LABEL, ""))
                if label:
                    sink.add(b, named(f"{RDFS}label"), fr(label))
            if not FICHE.match(fiche):
                report.warn(
                    name,
                    row,
                    COL_RNCP,
                    f"pas de fiche RNCP (« {fiche} ») pour le diplôme {code}",
                    "RNCP suivi de chiffres",
                )
                continue
            c = iri(f"cert/{fiche}")
            if fiche not in certs:
                certs.add(fiche)
                sink.add(c, A, cq("Certification"))
                sink.add(c, cq("rncpCode"), lit(fiche))
            sink.add(b, cq("sameCertification"), c)
            sink.add(c, cq("sameCertification"), b)
            report.entities["lien"] += 1
        report.entities["diplome"] = len(bcns)
        report.entities["certification"] = len(certs)
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
