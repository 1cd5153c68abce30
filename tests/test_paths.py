"""Equivalence paths, shared competences, similar nodes, CQPI candidates, computed alignments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from stores import built_store, opened_store

from cqpi_graph import _cache
from cqpi_graph.align import compute_alignments, normalise, run_align, similarity
from cqpi_graph.catalog import load_catalog
from cqpi_graph.cli import main
from cqpi_graph.errors import NotFoundError
from cqpi_graph.importers import SOURCES
from cqpi_graph.namespaces import Graphs
from cqpi_graph.paths import RECOGNITION, SUCCESSION, find_paths, reach, resolve
from cqpi_graph.socle import cqpi_candidates, similar, socle
from cqpi_graph.store import Store, open_store

CERT = "https://w3id.org/cqpi/id/cert/"


fixture_path = built_store("paths_fixture.ttl", "socle_fixture.ttl")
fx = opened_store("fixture_path")


def run(path: Path, *args: str):
    return CliRunner().invoke(main, ["--store", str(path), *args])


# ---------------------------------------------------------------- paths


def test_successions_are_history_never_recognition(fx: Store) -> None:
    res = find_paths(fx, "59900001", "RNCP99004", alternatives=3)
    assert res.found and len(res.paths) == 2  # via option A and via option B
    for p in res.paths:
        assert [s.kind for s in p.steps] == [SUCCESSION, SUCCESSION]
        assert [s.relation for s in p.steps] == ["cq:Succession", "cq:Succession"]
        assert all(not s.granted and not s.whole for s in p.steps)
        assert p.cost is None and not p.declared_zero  # the new version's blocs are not known
    # a curated cq:sameCertification makes the BCN diploma and its RNCP fiche one node
    assert res.target.codes == ("RNCP99004", "59900004")
    assert res.origin.label == "Exploitation d'essai (CAP)" and res.origin.kind == "CAP"
    assert resolve(fx, "TST").codes == ("TST",)  # a sigle is the code of what has no official one


def test_rncp_chain_cites_its_statements(fx: Store) -> None:
    best = find_paths(fx, "RNCP99001", "RNCP99003").best
    assert [n.code for n in best.nodes] == ["RNCP99001", "RNCP99002", "RNCP99003"]
    assert best.steps[0].statements == ("https://w3id.org/cqpi/id/reco/test-succ-1",)
    assert best.steps[0].sources[0].label == "Jeu d'essai des chemins"
    assert best.cost is None


def test_succession_is_directed(fx: Store) -> None:
    assert not find_paths(fx, "RNCP99003", "RNCP99001").found


def test_full_equivalences_cost_nothing_with_their_sources(fx: Store) -> None:
    best = find_paths(fx, "RNCP99010", "RNCP99012").best
    assert best.cost == 0 and best.declared_zero
    assert all(s.kind == RECOGNITION and s.whole and s.sources for s in best.steps)


def test_reverse_only_where_the_statement_says_both_ways(fx: Store) -> None:
    back = find_paths(fx, "RNCP99011", "RNCP99010").best
    step = back.steps[0]
    assert step.derivation == "sens déclaré bidirectionnel" and step.statements[0].endswith("test-eq-1")
    assert back.cost == 0
    # test-eq-2 is one-way: nothing from RNCP99012 back
    assert not find_paths(fx, "RNCP99012", "RNCP99011").found


def test_cqpi_path_leaves_the_branch_modules(fx: Store) -> None:
    best = find_paths(fx, "TST", "RNCP99020").best
    step = best.steps[0]
    assert step.relation == "cq:AccesParModulesComplementaires"
    assert [b.code for b in best.remaining] == ["RNCP99020BC03"]
    assert [b.code for b in step.granted] == ["RNCP99020BC01", "RNCP99020BC02"]
    assert step.legal_basis[0].iri.endswith("test-charte")
    assert best.cost == 1


def test_bloc_correspondence_costs_what_is_not_covered(fx: Store) -> None:
    best = find_paths(fx, "RNCP99030", "RNCP99031").best
    assert best.steps[0].relation == "cq:CorrespondanceBlocs"
    assert [b.code for b in best.remaining] == ["RNCP99031BC03"]
    assert best.cost == 1


def test_cycles_terminate(fx: Store) -> None:
    res = find_paths(fx, "RNCP99040", "RNCP99042", alternatives=5)
    assert res.found
    assert all(len({n.iri for n in p.nodes}) == len(p.nodes) for p in res.paths)  # simple paths
    codes = [r.node.code for r in reach(fx, "RNCP99040").items]
    assert sorted(codes) == ["RNCP99041", "RNCP99042"]


def test_reach_ranks_unknown_costs_last(fx: Store) -> None:
    items = reach(fx, "RNCP99030").items
    assert [(r.node.code, r.cost) for r in items] == [("RNCP99031", 1), ("RNCP99032", None)]
    # the exemption needs the whole RNCP99031: its third bloc is passed first, then the scope is unknown
    step = items[1].path.steps[1]
    assert [b.code for b in step.completed] == ["RNCP99031BC03"]


def test_statements_without_source_or_direction_never_enter_a_path(fx: Store) -> None:
    assert not find_paths(fx, "RNCP99030", "RNCP99033").found  # no source
    assert not find_paths(fx, "RNCP99031", "RNCP99033").found  # no direction
    assert not find_paths(fx, "RNCP99032", "RNCP99033").found  # a bare triple
    from cqpi_graph.validate import validate_store

    found = {(r.rule_name, r.focus) for r in validate_store(fx).results}
    reco = "https://w3id.org/cqpi/id/reco/"
    assert ("RecognitionWithoutDirectionOrSource", reco + "test-nosource") in found
    assert ("RecognitionWithoutDirectionOrSource", reco + "test-nodirection") in found
    assert ("RecognitionLinkWithoutStatement", CERT + "RNCP99032") in found
    bad = [r for r in validate_store(fx).results if r.focus == reco + "test-nosource"]
    assert bad[0].value == "paths_fixture.ttl"  # the file that declares it


def test_proximity_is_never_a_path(fx: Store) -> None:
    res = find_paths(fx, "TSTP", "59900001")
    assert not res.found
    assert len(res.proximity) == 1 and res.proximity[0].sources
    assert not reach(fx, "TSTP").items


def test_unknown_code_lists_near_matches(fx: Store) -> None:
    with pytest.raises(NotFoundError) as exc:
        resolve(fx, "RNCP9900")
    assert exc.value.suggestions and any("RNCP99001" in s for s in exc.value.suggestions)
    with pytest.raises(NotFoundError) as exc:
        resolve(fx, "conducteur essai")  # words of a label
    assert any("Conducteur d'essai" in s for s in exc.value.suggestions)


def test_cli_path_exit_codes(fixture_path: Path) -> None:
    ok = run(fixture_path, "path", "TST", "RNCP99020")
    assert ok.exit_code == 0, ok.output
    assert "reste à passer : 1 bloc(s)" in ok.output and "RNCP99020BC03" in ok.output
    assert "Charte d'essai" in ok.output
    none = run(fixture_path, "path", "TSTP", "59900001")
    assert none.exit_code == 3
    assert "Aucun chemin" in none.output and "jamais comptée" in none.output
    unknown = run(fixture_path, "path", "RNCP9900", "RNCP99001")
    assert unknown.exit_code == 1
    assert "proches" in unknown.output and "RNCP99001" in unknown.output
    history = run(fixture_path, "path", "RNCP99001", "RNCP99003")
    assert "nouvelle version" in history.output and "reste à passer : inconnu" in history.output
    assert "rien" not in history.output


def test_cli_path_json(fixture_path: Path) -> None:
    out = run(fixture_path, "path", "RNCP99011", "RNCP99010", "--format", "json")
    data = json.loads(out.output)
    step = data["paths"][0]["steps"][0]
    assert data["found"] and step["counts_as_recognition"]
    assert step["derivation"] == "sens déclaré bidirectionnel"
    assert data["paths"][0]["cost"] == 0 and data["paths"][0]["declared_zero"]


def test_graph_is_cached_per_generation(fx: Store) -> None:
    from cqpi_graph.paths import load_graph

    assert load_graph(fx) is load_graph(fx)


# ---------------------------------------------------------------- socle, similar, candidates


def test_socle_lists_shared_rome_competences(fx: Store) -> None:
    res = socle(fx, ["RNCP99060", "RNCP99061"])
    assert sorted(s.code for s in res.shared) == ["900002", "900003"]
    assert all(s.basis == "identique" for s in res.shared)
    assert res.pairs[0].shared == 2 and res.pairs[0].jaccard == pytest.approx(0.5)
    via = res.shared[0].holders[CERT + "RNCP99060"][0].via
    assert via.endswith("/rome/Z9001")


def test_socle_min_share_and_csv(fixture_path: Path) -> None:
    out = run(
        fixture_path, "socle", "RNCP99060", "RNCP99061", "RNCP99070", "--min-share", "2", "--format", "csv"
    )
    assert out.exit_code == 0, out.output
    rows = out.output.strip().splitlines()
    assert rows[0].startswith("competence,code,label,share,basis,RNCP99060,RNCP99061,RNCP99070")
    assert any("900002" in r and ",3,déclarée," in r for r in rows)


def test_socle_by_branch(fx: Store) -> None:
    res = socle(fx, branch="9001")
    assert [n.code for n in res.nodes] == ["RNCP99070"]


def test_declared_versus_computed_alignments(fixture_path: Path) -> None:
    _cache.clear()
    with open_store(fixture_path) as st:
        declared = socle(st, ["RNCP99070", "RNCP99071"])
        assert [(s.code, s.basis) for s in declared.shared] == [("900002", "déclarée")]
    report = run_align(fixture_path, threshold=0.5)
    # (the curated CQPI CEI capacity of the same wording aligns with both as well)
    fixture_pairs = [al for al in report.alignments if "RNCP9907" in al.a and "RNCP9907" in al.b]
    assert len(fixture_pairs) == 1  # the two « Approvisionner et préparer … » capacities
    with open_store(fixture_path) as st:
        # stored with score and method in their own graph, never as skos:exactMatch
        assert st.ask(f"ASK {{ GRAPH <{Graphs.ALIGNMENTS}> {{ ?s cq:similarityScore ?x ; cq:method ?m }} }}")
        assert not st.ask(
            "ASK { GRAPH ?g { ?a skos:exactMatch ?b } "
            f"FILTER(?g = <{Graphs.ALIGNMENTS}> || ?g = <{Graphs.INFERRED}>) }}"
        )
        assert [(s.code, s.basis) for s in socle(st, ["RNCP99070", "RNCP99071"]).shared] == [
            ("900002", "déclarée")
        ]  # declared-only by default
        computed = socle(st, ["RNCP99070", "RNCP99071"], computed=True, threshold=0.5)
        bases = {s.label: s.basis for s in computed.shared}
        assert bases["Régler les paramètres d'une machine"] == "déclarée"
        calc = [s for s in computed.shared if s.basis == "calculée"]
        assert len(calc) == 1 and calc[0].alignments[0].score >= 0.5
    out = run(fixture_path, "socle", "RNCP99070", "RNCP99071", "--computed")
    assert "calculée" in out.output and "alignement calculé : score" in out.output


def test_similar_with_evidence(fx: Store) -> None:
    res = similar(fx, "RNCP99060", 3)
    assert res.items[0].node.code == "Z9001"  # its own ROME job shares everything
    second = res.items[1]
    assert second.shared == 2 and {c.code for c in second.evidence} == {"900002", "900003"}
    jobs = similar(fx, "Z9001", 10, kind="rome")
    assert [i.node.code for i in jobs.items] == ["Z9002"]


def test_cqpi_candidates_split_core_and_branch_specific(fx: Store) -> None:
    groups = cqpi_candidates(fx, min_jaccard=0.2)
    assert len(groups) == 1
    g = groups[0]
    assert sorted(m.code for m in g.members) == ["RNCP99070", "RNCP99071"]
    assert [c.code for c in g.core] == ["900002"]
    assert len(g.specific[CERT + "RNCP99070"]) == 2
    assert not cqpi_candidates(fx, min_jaccard=0.9)


def test_french_normalisation() -> None:
    assert normalise("Réglages des Machines") == normalise("réglage de la machine")
    assert "les" not in normalise("les installations")
    assert similarity("Approvisionner les machines", "approvisionnement des machines") > 0.5
    pairs = compute_alignments(
        {"a": "Trier les peaux", "b": "Trier des peaux", "c": "Vendre"},
        threshold=0.5,
        owners={"a": {"x"}, "b": {"x"}, "c": {"y"}},
    )
    assert pairs == []  # same holder: not aligned


# ---------------------------------------------------------------- curated data


def test_curated_cqpi_path_and_shared_core(curated_store: Store) -> None:
    cqpis = curated_store.values("SELECT ?s WHERE { ?c a cq:CQPI ; cq:abbreviation ?s }")
    if "CEI" not in cqpis:
        pytest.skip("the curated CQPI data is not merged yet")
    res = find_paths(curated_store, "CEI", "textile")
    step = res.best.steps[0]
    assert step.relation == "cq:AccesParModulesComplementaires"
    assert "Textile" in res.target.label and "non nommé" in res.target.label
    assert "modules complémentaires spécifiques" in res.best.remaining[0].label
    assert res.best.cost is None  # the modules are not listed by any source
    assert any("charte" in r.iri for r in step.legal_basis)
    # the round table's hint is not an adoption: no path to the CQP of the métallurgie
    with pytest.raises(NotFoundError, match="n'a pas adopté"):
        find_paths(curated_store, "CEI", "metallurgie")
    core = socle(curated_store, ["CEI"])
    assert len(core.shared) == 3 and any("Approvisionner" in s.label for s in core.shared)
    prox = find_paths(curated_store, "CSPA", "50022003")
    assert not prox.found and prox.proximity


# ---------------------------------------------------------------- real registry data


def _need(*names: str) -> None:
    missing = [n for n in names if n not in SOURCES]
    if missing:
        pytest.skip(f"importer(s) {', '.join(missing)} not registered in cqpi_graph.importers.SOURCES yet")


@pytest.mark.slow
def test_real_bcn_succession_path_never_costs_nothing(full_store: Store) -> None:
    _need("bcn")
    res = find_paths(full_store, "50022003", "50020101")
    assert res.found
    for p in res.paths:
        assert p.nodes[0].code == "50022003" and "50020101" in p.nodes[-1].codes
        assert all(s.kind == SUCCESSION for s in p.steps)
        assert p.cost is None or p.cost > 0


@pytest.mark.slow
def test_real_rncp_chain_is_history(full_store: Store) -> None:
    _need("rncp")
    res = find_paths(full_store, "RNCP1197", "RNCP30271")
    best = res.best
    assert [n.code for n in best.nodes] == ["RNCP1197", "RNCP4049", "RNCP22094", "RNCP28155", "RNCP30271"]
    data = res.to_dict()
    for p in data["paths"]:
        assert p["cost"] != 0
        for st in p["steps"]:
            assert st["kind"] == "succession" and not st["counts_as_recognition"]
            assert st["provenance"] and st["provenance"][0]["row"] is not None
    assert "cible inactive" in best.flags
    origin = best.steps[0].origins[0]
    assert origin.export.startswith("export-fiches-csv-2024-02-22") and origin.export_date == "2024-02-22"
    assert "Ancienne_Nouvelle" in origin.file


@pytest.mark.slow
def test_real_crosswalk_is_never_a_merge(full_store: Store) -> None:
    _need("kit", "bcn")
    res = find_paths(full_store, "32032610", "32032611")  # BTS SIO options A and B: one fiche
    assert not res.same_certification
    assert res.origin.iri != res.target.iri
    assert any(link.target.code == "RNCP35340" for link in res.identifier_links)
    master = find_paths(full_store, "13522012", "1353103H")  # Master Chimie, Master Management
    assert not master.same_certification and not master.found
    cat = load_catalog(full_store)
    assert max(len(cat.certification(g).members) for g in cat.groups()) <= 2


@pytest.mark.slow
def test_real_validate_store_lists_crosswalk_codes(full_store: Store) -> None:
    _need("kit")
    from cqpi_graph.validate import validate_store

    report = validate_store(full_store)
    codes = {r.focus for r in report.results if r.rule_name == "CrosswalkCodeSeveralFiches"}
    assert len(codes) == 52
