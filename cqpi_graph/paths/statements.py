"""The statements paths are made of, read from the store as typed records.

A recognition enters a path only as a reified statement with a direction and a source
(`usable`); a bare `cq:equivalentTo` triple, or a statement without `dct:source` or
`cq:direction`, never does (`cqpi validate --store` reports them). Successions come from their
statements or from bare `cq:replacedBy` triples: they are history and never count as recognition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..namespaces import CQ, DCT, PROV, Graphs
from ..store import Store
from .model import Origin

SUCCESSION_CLASS = CQ + "Succession"
FULL = frozenset({CQ + "EquivalenceTotale", CQ + "ReconnaissanceMutuelle", CQ + "ReconnaissanceCommune"})
RECOGNITION_CLASSES = FULL | {
    CQ + "CorrespondanceBlocs",
    CQ + "Dispense",
    CQ + "AccesParModulesComplementaires",
}
PROXIMITY_CLASS = CQ + "ProximiteContenu"
CORRESPONDENCE_CLASS = CQ + "CorrespondanceIdentifiants"
# The direct property that mirrors each statement class (docs/MODEL.md).
MIRROR = {
    CQ + "EquivalenceTotale": CQ + "equivalentTo",
    CQ + "CorrespondanceBlocs": CQ + "blocCorrespondsTo",
    CQ + "Dispense": CQ + "grantsExemptionFor",
    CQ + "ReconnaissanceMutuelle": CQ + "mutuallyRecognisedWith",
    CQ + "ReconnaissanceCommune": CQ + "mutuallyRecognisedWith",
    CQ + "AccesParModulesComplementaires": CQ + "leadsWithModulesTo",
    SUCCESSION_CLASS: CQ + "replacedBy",
}
BIDIRECTIONAL = "bidirectionnel"
_SETS = {
    CQ + "grantsBloc": "grants",
    CQ + "remainingBloc": "remaining",
    CQ + "fromBloc": "from_blocs",
}
_LISTS = {
    DCT + "source": "sources",
    CQ + "legalBasis": "legal_basis",
    CQ + "scopeNote": "notes",
}
_SINGLE = {
    CQ + "direction": "direction",
    CQ + "toBranch": "to_branch",
    PROV + "wasDerivedFrom": "derived_from",
    CQ + "sourceFile": "source_file",
    CQ + "sourceRow": "source_row",
    CQ + "sourceField": "source_field",
    CQ + "samenessNote": "sameness_note",
}


@dataclass
class Statement:
    """One reified link between two certifications, as declared."""

    iri: str
    cls: str
    frm: str
    to: str | None
    graph: str
    to_branch: str | None = None
    direction: str = ""
    sources: list[str] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    grants: set[str] = field(default_factory=set)
    remaining: set[str] = field(default_factory=set)
    from_blocs: set[str] = field(default_factory=set)
    derived_from: str = ""
    source_file: str = ""
    source_row: str = ""
    source_field: str = ""
    sameness_note: str = ""

    @property
    def is_succession(self) -> bool:
        return self.cls == SUCCESSION_CLASS

    @property
    def usable(self) -> bool:
        """A recognition enters paths only with a source and a direction; a succession always
        may (it is history, it grants nothing)."""
        return self.is_succession or bool(self.sources or self.derived_from) and bool(self.direction)

    @property
    def both_ways(self) -> bool:
        return self.direction.strip().lower() == BIDIRECTIONAL and self.cls in FULL


@dataclass
class StatementSet:
    recognitions: list[Statement]
    successions: list[Statement]
    proximities: list[Statement]
    correspondences: list[Statement]
    sources: dict[str, tuple[str, str | None]]  # meta source node -> (file name, export date)

    def origin(self, st: Statement) -> Origin | None:
        """Where an imported statement was read (None for a curated one)."""
        if not st.derived_from:
            return None
        export, date = self.sources.get(st.derived_from, ("", None))
        row = int(st.source_row) if st.source_row.isdigit() else None
        return Origin(export, date, st.source_file or export, row, st.source_field or None, st.graph)


def _ends(store: Store) -> dict[str, dict[str, tuple[str, str]]]:
    ends: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for p in (CQ + "fromCertification", CQ + "toCertification"):
        for q in store.quads_for_pattern(None, p, None, None):
            if q.graph != Graphs.INFERRED:
                ends[q.subject][p] = (q.object.value, q.graph)
    return ends


def _read(store: Store, classes: Iterable[str]) -> dict[str, Statement]:
    ends = _ends(store)
    out: dict[str, Statement] = {}
    for cls in classes:
        for q in store.quads_for_pattern(None, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", cls, None):
            e = ends.get(q.subject, {})
            frm = e.get(CQ + "fromCertification")
            if frm is None or q.subject in out or q.graph == Graphs.INFERRED:
                continue
            to = e.get(CQ + "toCertification")
            out[q.subject] = Statement(q.subject, cls, frm[0], to[0] if to else None, frm[1])
    _attributes(store, out)
    return out


def _attributes(store: Store, statements: dict[str, Statement]) -> None:
    for prop in (*_SETS, *_LISTS, *_SINGLE):
        for q in store.quads_for_pattern(None, prop, None, None):
            st = statements.get(q.subject)
            if st is None or q.graph == Graphs.INFERRED:
                continue
            value = q.object.value
            if prop in _SETS:
                getattr(st, _SETS[prop]).add(value)
            elif prop in _LISTS:
                values = getattr(st, _LISTS[prop])
                if value not in values:
                    values.append(value)
            else:
                setattr(st, _SINGLE[prop], value)


def _bare_successions(store: Store, stated: set[tuple[str, str | None]]) -> list[Statement]:
    """cq:replacedBy triples that no statement backs (curated or user data): history too."""
    out = []
    for q in store.quads_for_pattern(None, CQ + "replacedBy", None, None):
        pair = (q.subject, q.object.value)
        if q.graph != Graphs.INFERRED and pair not in stated and q.subject != q.object.value:
            stated.add(pair)
            out.append(
                Statement(
                    "", SUCCESSION_CLASS, q.subject, q.object.value, q.graph, direction="unidirectionnel"
                )
            )
    return out


def _bare_proximities(store: Store, stated: set[frozenset[str]]) -> list[Statement]:
    out = []
    for q in store.quads_for_pattern(None, CQ + "closeTo", None, None):
        pair = frozenset((q.subject, q.object.value))
        if q.graph != Graphs.INFERRED and pair not in stated and len(pair) == 2:
            stated.add(pair)
            out.append(Statement("", PROXIMITY_CLASS, q.subject, q.object.value, q.graph))
    return out


def _meta_sources(store: Store) -> dict[str, tuple[str, str | None]]:
    names: dict[str, str] = {}
    dates: dict[str, str] = {}
    for q in store.quads_for_pattern(None, CQ + "fileName", None, Graphs.META):
        names[q.subject] = q.object.value
    for q in store.quads_for_pattern(None, CQ + "exportDate", None, Graphs.META):
        dates[q.subject] = q.object.value
    return {node: (name, dates.get(node)) for node, name in names.items()}


def read_statements(store: Store) -> StatementSet:
    found = _read(
        store, [*sorted(RECOGNITION_CLASSES), SUCCESSION_CLASS, PROXIMITY_CLASS, CORRESPONDENCE_CLASS]
    )
    by_class: dict[str, list[Statement]] = defaultdict(list)
    for st in sorted(found.values(), key=lambda s: s.iri):
        by_class[st.cls].append(st)
    successions = by_class[SUCCESSION_CLASS]
    stated: set[tuple[str, str | None]] = {(s.frm, s.to) for s in successions if s.to}
    successions += _bare_successions(store, stated)
    proximities = by_class[PROXIMITY_CLASS]
    proximities += _bare_proximities(store, {frozenset((s.frm, s.to or "")) for s in proximities})
    recognitions = [s for c in sorted(RECOGNITION_CLASSES) for s in by_class[c]]
    return StatementSet(
        recognitions, successions, proximities, by_class[CORRESPONDENCE_CLASS], _meta_sources(store)
    )
