"""The cost model never lies: a property test over random graphs of statements (docs/MODEL.md).

No path cost is ever 0 unless every step is a declared recognition carrying a source, and the
statements along the path cover the whole target; a succession never counts as a recognition;
an unknown scope gives an unknown cost, never 0.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cqpi_graph.catalog import Catalog, Status
from cqpi_graph.catalog.index import _Node
from cqpi_graph.namespaces import CQ, ID
from cqpi_graph.paths import RECOGNITION, SUCCESSION, paths_between
from cqpi_graph.paths.graph import RecognitionGraph
from cqpi_graph.paths.statements import FULL, Statement, StatementSet

KINDS = sorted(FULL) + [CQ + "Dispense", CQ + "CorrespondanceBlocs", CQ + "AccesParModulesComplementaires"]


def _catalog(blocs_per_cert: list[int]) -> Catalog:
    cat = Catalog()
    for i, n in enumerate(blocs_per_cert):
        iri = f"{ID}cert/RNCP9{i:04d}"
        blocs = tuple(f"{ID}bloc/RNCP9{i:04d}BC{j:02d}" for j in range(1, n + 1))
        cat._nodes[iri] = _Node(
            iri, (iri,), (f"RNCP9{i:04d}",), "Certification", {"fr": f"C{i}"}, None, Status(None), blocs
        )
        cat.canonical[iri] = iri
        for b in blocs:
            cat._blocs[b] = (b.rsplit("/", 1)[-1], {"fr": b})
            cat.bloc_owners[b].add(iri)
    return cat


@st.composite
def graphs(draw: st.DrawFn) -> tuple[Catalog, list[Statement]]:
    n = draw(st.integers(2, 6))
    blocs = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    cat = _catalog(blocs)
    certs = list(cat.groups())
    statements = []
    for k in range(draw(st.integers(1, 10))):
        a, b = draw(st.sampled_from(certs)), draw(st.sampled_from(certs))
        if a == b:
            continue
        if draw(st.booleans()):
            statements.append(
                Statement(f"{ID}reco/s{k}", CQ + "Succession", a, b, "g", direction="unidirectionnel")
            )
            continue
        cls = draw(st.sampled_from(KINDS))
        s = Statement(f"{ID}reco/r{k}", cls, a, b, "g")
        s.direction = draw(st.sampled_from(["", "unidirectionnel", "bidirectionnel"]))
        if draw(st.booleans()):
            s.sources.append(f"{ID}source/test")
        target_blocs = cat.blocs_of(b)
        if target_blocs:
            s.grants = set(draw(st.lists(st.sampled_from(target_blocs), max_size=3)))
            if cls.endswith("AccesParModulesComplementaires") and draw(st.booleans()):
                s.remaining = set(draw(st.lists(st.sampled_from(target_blocs), max_size=2)))
        source_blocs = cat.blocs_of(a)
        if cls.endswith("CorrespondanceBlocs") and source_blocs and draw(st.booleans()):
            s.from_blocs = set(draw(st.lists(st.sampled_from(source_blocs), min_size=1, max_size=2)))
        statements.append(s)
    return cat, statements


def _graph(cat: Catalog, statements: list[Statement]) -> RecognitionGraph:
    recognitions = [s for s in statements if s.cls != CQ + "Succession"]
    successions = [s for s in statements if s.cls == CQ + "Succession"]
    rg = RecognitionGraph(cat, StatementSet(recognitions, successions, [], [], {}))
    for s in recognitions:
        if s.usable:
            rg.add_recognition(s)
    for s in successions:
        rg.add_succession(s)
    rg.finish()
    return rg


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_no_path_costs_nothing_unless_declared(data: tuple[Catalog, list[Statement]]) -> None:
    cat, statements = data
    rg = _graph(cat, statements)
    by_iri = {s.iri: s for s in statements}
    certs = list(cat.groups())
    for u in certs:
        for v in certs:
            if u == v:
                continue
            for p in paths_between(rg, u, v, alternatives=3):
                for step in p.steps:
                    if step.kind == SUCCESSION:
                        assert not step.granted and not step.whole
                    for iri in step.statements:
                        s = by_iri[iri]
                        if step.kind == RECOGNITION and s.cls != CQ + "Succession":
                            assert s.sources and s.direction, "an unsourced statement entered a path"
                if p.cost == 0:
                    assert p.declared_zero and not p.remaining
                    assert all(step.kind == RECOGNITION for step in p.steps)
                    assert all(by_iri[i].sources for step in p.steps for i in step.statements)
                    last = p.steps[-1]
                    target_blocs = set(cat.blocs_of(v))
                    assert last.whole or (target_blocs and {b.iri for b in last.granted} >= target_blocs)
                if p.cost is None:
                    assert not p.declared_zero
