"""The curated arrêté of 20 January 2014 (data/arrete-2014-01-20.ttl) against its official table
(../shared/data/legal/), row by row: NSF codes, registration duration, delivering bodies."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from cqpi_graph.paths import find_paths
from cqpi_graph.store import Store

ID = "https://w3id.org/cqpi/id/"
TABLE = "legal/jorf-arrete-2014-01-20-ETSD1401196A-article-2.csv"
# The arrêté's titles and the seed's sigles (the seed names the nine CQPI by sigle).
SIGLES = {
    "Technicien(ne) de la qualité (CQPI)": "TQ",
    "Opérateur(trice) qualité (CQPI)": "OQ",
    "Opérateur(trice) en maintenance industrielle (CQPI)": "OMI",
    "Technicien(ne) en maintenance industrielle (CQPI)": "TMI",
    "Animateur(trice) d'équipe domaine industriel (CQPI)": "AE",
    "Conducteur(trice) d'équipements industriels (CQPI)": "CEI",
    "Agent(e) logistique (CQPI)": "AL",
    "Vendeur(se) conseil à distance (CQPI)": "VCad",
    "Vendeur(se) conseil en magasin (CQPI)": "VCm",
}


def _table(shared_data: Path) -> list[dict[str, str]]:
    with open(shared_data / TABLE, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _federations(cell: str) -> set[str]:
    """The federations' acronyms named in a cell of delivering bodies (« … (UIT) ; … »)."""
    return set(re.findall(r"\(([A-Z]{2,})\)", cell)) - {"CPNE", "CPNEFP"}


def test_every_cqpi_row_is_curated(curated_store: Store, shared_data: Path) -> None:
    rows = [r for r in _table(shared_data) if "(CQPI)" in r["intitule"]]
    assert len(rows) == 9
    for r in rows:
        cqpi = f"<{ID}cqpi/{SIGLES[r['intitule']]}>"
        nsf = {f"{ID}nsf/{c.strip()}" for c in r["code_nsf"].split("|")}
        got_nsf = set(curated_store.values(f"SELECT ?n WHERE {{ {cqpi} cq:nsf ?n }}"))
        assert got_nsf == nsf, r["intitule"]
        years = r["duree_enregistrement"].split()[0]
        assert curated_store.ask(f'ASK {{ {cqpi} cq:registrationDuration "P{years}Y"^^xsd:duration }}')
        federations = set(
            curated_store.values(f"""SELECT ?acr WHERE {{ ?a a cq:Adoption ; cq:adoptedCertification {cqpi} ;
                cq:deliveringBody ?o ; dct:source ?src . ?o a cq:Federation ; rdfs:label ?acr .
                ?src cq:nor|dct:identifier "NOR ETSD1401196A" }}""")
        )
        assert federations == _federations(r["organismes_delivrants"]), r["intitule"]
        cpne = curated_store.values(f"""SELECT ?o WHERE {{ ?a cq:adoptedCertification {cqpi} ;
            cq:deliveringBody ?o . ?o a cq:CPNE }}""")
        assert len(cpne) == r["organismes_delivrants"].count("Commission paritaire")


def test_branch_cqp_rows_are_curated(curated_store: Store, shared_data: Path) -> None:
    rows = [r for r in _table(shared_data) if "(CQPI)" not in r["intitule"]]
    assert len(rows) == 3
    for r in rows:
        found = curated_store.values(
            f"""SELECT ?c WHERE {{ ?c a cq:CQP ; rdfs:label "{r["intitule"]}"@fr ;
            cq:registeredBy <{ID}texte/arrete-2014-01-20> ; cq:branch ?b }}"""
        )
        assert len(found) == 1, r["intitule"]


def test_path_from_a_cqpi_to_an_adopting_branch(curated_store: Store) -> None:
    res = find_paths(curated_store, "CEI", "textile")
    assert res.found and "Textile" in res.target.label
    assert res.best.cost is None  # the complementary modules are not listed by any source
    res = find_paths(curated_store, "VCm", "maroquinerie")
    assert res.found and "Maroquinerie" in res.target.label
