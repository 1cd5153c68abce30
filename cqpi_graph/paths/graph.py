"""The recognition graph of one store generation: certifications (the catalog's groups) joined by
declared recognitions and by successions, each edge keeping the statements behind it.

Identifier correspondences and content proximity are kept beside it, never as edges.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox

from .. import _cache
from ..catalog import Catalog, Certification, choose_label, load_catalog, local_name
from ..catalog.labels import LABEL_PROPERTIES, LabelCandidate, property_rank
from ..namespaces import CQ
from ..store import Store
from .statements import SUCCESSION_CLASS, Statement, StatementSet, read_statements

# Search weights: a step is a step; a new version costs more than a recognition, so that paths
# made of recognitions come first among paths of equal length.
RECOGNITION_WEIGHT = 1
SUCCESSION_WEIGHT = 2
VIRTUAL_KIND = "CQP (cible de branche)"


@dataclass
class Edge:
    """Everything declared from one certification to another."""

    u: str
    v: str
    recognitions: list[tuple[Statement, bool]] = field(default_factory=list)  # (statement, reversed)
    successions: list[Statement] = field(default_factory=list)

    @property
    def weight(self) -> int:
        return RECOGNITION_WEIGHT if self.recognitions else SUCCESSION_WEIGHT


@dataclass
class VirtualTarget:
    """« The CQP of branch X », which a CQPI holder reaches through the charter's rule when the
    source names no CQP: a node made for the answer, never stored."""

    iri: str
    cqpi: str  # group IRI of the CQPI
    branch: str | None
    statement: Statement


class RecognitionGraph:
    def __init__(self, catalog: Catalog, statements: StatementSet) -> None:
        self.catalog = catalog
        self.statements = statements
        self.edges: dict[tuple[str, str], Edge] = {}
        self.digraph = nx.DiGraph()
        self.virtual: dict[str, VirtualTarget] = {}
        self.virtual_by_origin: dict[str, dict[str, str]] = defaultdict(dict)  # CQPI -> branch -> node
        self.proximity: dict[str, list[Statement]] = defaultdict(list)
        self.identifier_links: dict[str, list[Statement]] = defaultdict(list)
        self.labels: dict[str, dict[str, str]] = {}  # class, source or legal text -> lang -> label

    # -- building
    def edge(self, u: str, v: str) -> Edge:
        key = (u, v)
        if key not in self.edges:
            self.edges[key] = Edge(u, v)
        return self.edges[key]

    def add_recognition(self, st: Statement) -> None:
        u = self.catalog.group_of(st.frm)
        if u is None:
            return
        targets: list[str | None] = (
            [self.catalog.group_of(st.to)] if st.to else [*self._virtual_targets(u, st)]
        )
        for v in targets:
            if v is None or v == u:
                continue
            self.edge(u, v).recognitions.append((st, False))
            if st.both_ways and v not in self.virtual:
                self.edge(v, u).recognitions.append((st, True))

    def add_succession(self, st: Statement) -> None:
        u, v = self.catalog.group_of(st.frm), self.catalog.group_of(st.to or "")
        if u is not None and v is not None and u != v:
            self.edge(u, v).successions.append(st)

    def _virtual_targets(self, cqpi: str, st: Statement) -> list[str]:
        branches: list[str | None] = (
            [st.to_branch] if st.to_branch else [*sorted(self.catalog.adopted_by.get(cqpi, ()))]
        )
        out = []
        for branch in branches or [None]:
            slug = local_name(branch) if branch else "branche-adherente"
            node = f"{cqpi}#cqp-{slug}"
            self.virtual[node] = VirtualTarget(node, cqpi, branch, st)
            self.virtual_by_origin[cqpi][branch or ""] = node
            out.append(node)
        return out

    def finish(self) -> None:
        for (u, v), e in self.edges.items():
            self.digraph.add_edge(u, v, weight=e.weight)
        for st in self.statements.proximities:
            a, b = self.catalog.group_of(st.frm), self.catalog.group_of(st.to or "")
            if a and b and a != b:
                self.proximity[a].append(st)
                self.proximity[b].append(st)
        for st in self.statements.correspondences:
            a, b = self.catalog.group_of(st.frm), self.catalog.group_of(st.to or "")
            if a and b and a != b:
                self.identifier_links[a].append(st)
                self.identifier_links[b].append(st)

    # -- reading
    def certification(self, node: str, lang: str = "fr") -> Certification:
        """A node as a certification record (a virtual branch target included)."""
        vt = self.virtual.get(node)
        if vt is None:
            return self.catalog.certification(node, lang)
        cqpi = self.catalog.certification(vt.cqpi, lang)
        branch = self.catalog.branch(vt.branch, lang) if vt.branch else None
        slug = local_name(vt.branch) if vt.branch else "branche-adherente"
        if lang == "en":
            where = f"branch {branch.label}" if branch else "adhering branch"
            label = (
                f"CQP of the {where}, open to holders of the CQPI {cqpi.code} (CQP not named by the source)"
            )
        else:
            where = f"de la branche {branch.label}" if branch else "d'une branche adhérente"
            label = f"CQP {where} accessible au titulaire du CQPI {cqpi.code} (CQP non nommé par la source)"
        return Certification(node, label, (f"{cqpi.code}@{slug}",), VIRTUAL_KIND, ())

    def label(self, iri: str, lang: str = "fr") -> str:
        names = self.labels.get(iri, {})
        return names.get(lang) or names.get("fr") or local_name(iri)


def load_graph(store: Store) -> RecognitionGraph:
    """The recognition graph of the store's current generation (built once, then cached)."""
    return _cache.cached("paths.graph", store, build_graph)


def build_graph(store: Store) -> RecognitionGraph:
    rg = RecognitionGraph(load_catalog(store), read_statements(store))
    for st in rg.statements.recognitions:
        if st.usable:
            rg.add_recognition(st)
    for st in rg.statements.successions:
        rg.add_succession(st)
    rg.finish()
    rg.labels = _labels(store, rg)
    return rg


def _labels(store: Store, rg: RecognitionGraph) -> dict[str, dict[str, str]]:
    """Labels of statement classes, sources and legal texts, per language."""
    wanted = {SUCCESSION_CLASS, CQ + "ProximiteContenu"}
    for sts in (rg.statements.recognitions, rg.statements.proximities, rg.statements.successions):
        for st in sts:
            wanted.update((st.cls, *st.sources, *st.legal_basis))
    candidates: dict[str, list[LabelCandidate]] = defaultdict(list)
    for iri in wanted:  # a few dozen: point lookups
        for prop in LABEL_PROPERTIES:
            for q in store.quads_for_pattern(iri, prop, None, None):
                if isinstance(q.object, ox.Literal):
                    rank = property_rank(prop)
                    candidates[iri].append(LabelCandidate(q.object.value, q.object.language, rank))
    return {iri: {lang: choose_label(cs, lang) for lang in ("fr", "en")} for iri, cs in candidates.items()}
