"""Write the catalog's sameness decisions into their own named graph after a build or import.

The correspondence rule (`sameness.decide`) runs over every `cq:CorrespondanceIdentifiants`
statement of the store. Its decisions go to https://w3id.org/cqpi/graph/catalog: a
`cq:sameCertification` pair (both directions) for each row that merges two identifiers, and a
`cq:samenessNote` on each statement saying why it does or does not merge them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..namespaces import CQ, RDF, Graphs
from ..provenance import GraphRecord, now_iso, record_graph
from ..store import Store
from ..store.base import Term
from .index import _label_candidates, member_levels
from .sameness import RULE, Correspondence, SamenessDecision, decide

GRAPH = Graphs.CATALOG


@dataclass
class SamenessReport:
    rows: int = 0
    merged: int = 0
    reasons: Counter = field(default_factory=Counter)


def correspondences(store: Store) -> list[Correspondence]:
    """Every identifier correspondence statement (one per crosswalk row)."""
    ends: dict[str, dict[str, str]] = defaultdict(dict)
    for p in (CQ + "fromCertification", CQ + "toCertification"):
        for q in store.quads_for_pattern(None, p, None, None):
            ends[q.subject][p] = q.object.value
    out = []
    for q in store.quads_for_pattern(None, RDF + "type", CQ + "CorrespondanceIdentifiants", None):
        e = ends.get(q.subject, {})
        a, b = e.get(CQ + "fromCertification"), e.get(CQ + "toCertification")
        if a and b:
            out.append(Correspondence(q.subject, a, b))
    return sorted(set(out), key=lambda c: c.statement)


def decisions(store: Store) -> list[SamenessDecision]:
    rows = correspondences(store)
    ends = {x for r in rows for x in (r.source, r.target)}
    labels = _label_candidates(store, ends)
    titles = {iri: sorted({c.value for c in cs}) for iri, cs in labels.items()}
    return decide(rows, titles, member_levels(store, ends))


def derive_sameness(store: Store) -> SamenessReport:
    """Recompute the catalog graph from the correspondence statements of the store."""
    started = now_iso()
    store.clear_graph(GRAPH)
    report = SamenessReport()
    quads: list[tuple[str, str, str, str]] = []
    for d in decisions(store):
        report.rows += 1
        a, b, st = (f"<{x}>" for x in (d.row.source, d.row.target, d.row.statement))
        if d.same:
            report.merged += 1
            quads += [(a, f"<{CQ}sameCertification>", b, GRAPH), (b, f"<{CQ}sameCertification>", a, GRAPH)]
            note = "même certification : correspondance univoque, intitulés et niveaux concordants"
        else:
            report.reasons[d.reason] += 1
            note = f"deux certifications distinctes : {d.reason}"
        quads.append((st, f"<{CQ}samenessNote>", Term("literal", note, lang="fr").n3(), GRAPH))
    store.add_quads(quads)
    record_graph(
        store,
        GraphRecord(
            GRAPH,
            "Décisions du catalogue (identité des certifications)",
            "Catalog decisions (identity of certifications)",
            f"règle de correspondance des identifiants {RULE}",
            started=started,
        ),
    )
    return report
