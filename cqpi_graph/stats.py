"""`cqpi stats`: what the graph holds, per named graph and per kind of resource."""

from __future__ import annotations

from dataclasses import dataclass, field

from .store import Store

_CLASSES = [
    "cq:Certification",
    "cq:Diplome",
    "cq:TitreProfessionnel",
    "cq:CQP",
    "cq:CQPM",
    "cq:CQPI",
    "cq:HabilitationRS",
    "cq:BlocDeCompetences",
    "cq:Competence",
    "cq:Branche",
    "cq:Organisation",
    "cq:Referentiel",
    "cq:Reconnaissance",
    "cq:ProximiteContenu",
    "cq:MetierROME",
]


@dataclass
class Stats:
    graphs: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    total: int = 0


def compute_stats(store: Store) -> Stats:
    st = Stats()
    for row in store.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    ):
        st.graphs[row["g"].value] = int(row["n"].value)
    st.total = sum(st.graphs.values())
    values = " ".join(_CLASSES)
    for row in store.select(
        f"SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?c {{ {values} }} ?x a ?c }} GROUP BY ?c"
    ):
        st.classes[row["c"].value] = int(row["n"].value)
    return st
