"""What is left to learn (issue 21): declared coverage from the paths, estimates from the texts,
never mixed; reach --estimated with its filters; the plan; the web explorer.

Small fixtures (tests/data/text_fixture.ttl + gap_fixture.ttl) and a property test over random
graphs of statements and random estimates; the calibration on the national export is measured by
benchmarks/bench_gap.py, not here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from stores import built_store, opened_store
from test_cost_model import _graph, graphs

from cqpi_graph.catalog import Bloc
from cqpi_graph.cli import main
from cqpi_graph.errors import InputError, NotFoundError
from cqpi_graph.gap import (
    COVERED,
    DECLARED,
    PROBABLY_COVERED,
    STATUSES,
    THRESHOLD,
    TO_ACQUIRE,
    UNKNOWN,
    assemble,
    gap,
    plan,
    reach_estimated,
)
from cqpi_graph.gap.declared import best_paths, coverage
from cqpi_graph.gap.evidence import (
    BlocEstimate,
    best_scores,
    bloc_status,
    estimate_blocs,
    load_index,
    source_units,
)
from cqpi_graph.gap.explore import explore_path
from cqpi_graph.gap.model import SAME, CompetenceMatch
from cqpi_graph.paths import load_graph
from cqpi_graph.store import Store
from cqpi_graph.textsim.model import load_model
from cqpi_graph.textsim.pairs import UnitRef

BLOC = "https://w3id.org/cqpi/id/bloc/RNCP99201BC0"


gap_path = built_store("text_fixture.ttl", "gap_fixture.ttl")
gs = opened_store("gap_path")


def run(path: Path, *args: str):
    return CliRunner().invoke(main, ["--store", str(path), *args])


def statuses(res) -> dict[str, str]:  # noqa: ANN001
    return {b.bloc.code: b.status for b in res.blocs}


# ---------------------------------------------------------------- one gap


def test_each_bloc_declared_probable_to_acquire_or_unknown(gs: Store) -> None:
    res = gap(gs, ["RNCP99102"], "RNCP99201")
    assert statuses(res) == {
        "RNCP99201BC01": TO_ACQUIRE,  # « Pétrissage et façonnage de la pâte à pain »: 0.44 < 0.5
        "RNCP99201BC02": PROBABLY_COVERED,
        "RNCP99201BC03": COVERED,  # the declared exemption, not the matching text
        "RNCP99201BC04": TO_ACQUIRE,
        "RNCP99201BC05": TO_ACQUIRE,
        "RNCP99201BC06": TO_ACQUIRE,
        "RNCP99201BC07": UNKNOWN,  # no title, no competence
    }
    by = {b.bloc.code: b for b in res.blocs}
    covered = by["RNCP99201BC03"]
    assert covered.basis == DECLARED and not covered.matches and covered.declared
    step = covered.declared[0].step
    assert (
        step is not None
        and step.relation == "cq:Dispense"
        and step.sources[0].label == "Jeu d'essai des écarts"
    )
    probable = by["RNCP99201BC02"]
    assert not probable.declared and probable.matches[0].above_threshold and probable.basis == "computed"
    assert probable.matches[0].source_certification == "RNCP99102" and probable.matches[0].score >= THRESHOLD
    assert "Cuisson des pains" in probable.matches[0].source.text
    closest = by["RNCP99201BC01"].matches[0]  # shown, below the threshold, with its ROME competence
    assert not closest.above_threshold and 0.4 < closest.score < THRESHOLD
    assert (
        closest.via is not None
        and closest.via.text == "Pétrir la pâte à pain"
        and closest.via_score > closest.direct
    )
    # declared and estimated costs side by side, never added: 6 blocs are not declared covered
    assert res.declared.cost == 6 and res.declared.covered == 1 and not res.declared.declared_zero
    e = res.estimated
    assert (e.to_acquire, e.probably_covered, e.unknown, e.known) == (4, 1, 1, False)
    assert res.method.threshold == THRESHOLD and res.method.name == "cqpi-gap/1"
    assert res.method.model.startswith("cqpi-text/1")
    assert any("sans intitulé ni compétence" in n for n in res.notes)


def test_a_person_with_several_certifications(gs: Store) -> None:
    res = gap(gs, ["RNCP99102", "RNCP99104,RNCP99202"], "RNCP99201")
    by = {b.bloc.code: b for b in res.blocs}
    assert [s.code for s in res.sources] == ["RNCP99102", "RNCP99104", "RNCP99202"]
    assert by["RNCP99201BC04"].status == PROBABLY_COVERED
    assert by["RNCP99201BC04"].matches[0].source_certification == "RNCP99104"
    hygiene = by["RNCP99201BC06"]  # one of its two competences is the one RNCP99202 holds
    assert hygiene.status == PROBABLY_COVERED and hygiene.matched == 1 and len(hygiene.texts) == 2
    assert hygiene.matches[0].kind == SAME and hygiene.matches[0].score == 1.0
    assert by["RNCP99201BC05"].status == TO_ACQUIRE
    assert res.declared.cost == 6  # the text matches changed nothing in it


def test_unpublished_blocs_are_unknown_never_nothing_to_acquire(gs: Store) -> None:
    res = gap(gs, ["RNCP99101"], "RNCP99203")
    assert res.blocs == () and not res.published
    assert res.estimated.to_dict()["to_acquire"] is None and not res.estimated.known
    assert res.declared.cost is None
    assert any("ne sont pas publiés" in n for n in res.notes)
    text = run_text(res)
    assert "inconnu" in text and "rien à" not in text


def run_text(res) -> str:  # noqa: ANN001
    from cqpi_graph.cli.gap import gap_lines

    return "\n".join(gap_lines(res))


def test_declared_zero_and_unknown_scope_and_same_certification(gs: Store) -> None:
    full = gap(gs, ["RNCP99204"], "RNCP99203")  # a full equivalence, target blocs unpublished
    assert full.declared.cost == 0 and full.declared.declared_zero and full.declared.paths
    scope = gap(gs, ["RNCP99205"], "RNCP99201")  # an exemption without a stated scope
    assert scope.declared.cost is None and "périmètre" in scope.declared.note
    assert COVERED not in statuses(scope).values()
    same = gap(gs, ["RNCP99201"], "RNCP99201")
    assert set(statuses(same).values()) == {COVERED} and same.declared.declared_zero
    assert same.blocs[0].declared[0].step is None


def test_unknown_codes_and_person_without_text(gs: Store) -> None:
    with pytest.raises(NotFoundError):
        gap(gs, ["RNCP9919"], "RNCP99201")
    with pytest.raises(InputError):
        gap(gs, [" , "], "RNCP99201")
    res = gap(gs, ["RNCP99203"], "RNCP99201")  # no bloc, no competence: nothing estimated
    assert {b.status for b in res.blocs if b.status != COVERED} == {UNKNOWN}
    assert any("rien n'est estimé" in n for n in res.notes)


def test_vectorised_scores_agree_with_the_evidence(gs: Store) -> None:
    """reach --estimated ranks with best_scores; one gap uses estimate_blocs: same statuses."""
    rg, model, index = load_graph(gs), load_model(gs), load_index(gs)
    cat = rg.catalog
    codes = ["RNCP99101", "RNCP99102", "RNCP99104", "RNCP99201", "RNCP99202", "RNCP99205", "RNCP99206"]
    for a in codes:
        units = source_units(model, [cat.resolve(a)])
        best = best_scores(model, index, list(units))
        for b in codes:
            blocs = cat.blocs_of(cat.resolve(b).iri)
            est = estimate_blocs(model, index, units, blocs)
            for bl in blocs:
                fast = bloc_status(index.bloc_texts.get(bl, ()), best, THRESHOLD, 0.5, bool(units))
                assert fast == est[bl].status, (a, b, bl)


# ---------------------------------------------------------------- the property


def _estimates(draw: st.DrawFn, blocs: tuple[str, ...]) -> dict[str, BlocEstimate]:
    out = {}
    for b in blocs:
        status = draw(st.sampled_from([PROBABLY_COVERED, TO_ACQUIRE, UNKNOWN]))
        unit = UnitRef(b + "-t", "texte", "bloc")
        match = CompetenceMatch(unit, UnitRef("x", "x", "bloc"), "RNCP0", 0.9, 0.9)
        out[b] = BlocEstimate((unit,), (match,) if status == PROBABLY_COVERED else (), 1, status)
    return out


@settings(max_examples=150, deadline=None)
@given(graphs(), st.data())
def test_estimated_never_declared_and_declared_cost_never_counts_it(g, data) -> None:  # noqa: ANN001
    """Whatever the statements and the text estimates: a computed status never appears as
    declared (« couvert » only with a declared path's evidence), and the declared cost is the one
    the paths give, counting every bloc not declared covered — never less because of an estimate."""
    cat, statements = g
    rg = _graph(cat, statements)
    certs = list(cat.groups())
    a = data.draw(st.lists(st.sampled_from(certs), min_size=1, max_size=2, unique=True))
    b = data.draw(st.sampled_from(certs))
    sources, target = tuple(cat.certification(x) for x in a), cat.certification(b)
    blocs = cat.blocs_of(b)
    declared = coverage(blocs, sources, target, best_paths(rg, sources, target))
    estimates = _estimates(data.draw, blocs)
    items, estimated = assemble([Bloc(x) for x in blocs], declared, estimates)
    alone, _ = assemble([Bloc(x) for x in blocs], declared, {})
    for item, other in zip(items, alone, strict=True):
        assert item.status in STATUSES
        if item.status == COVERED:
            assert item.declared and not item.matches and item.basis == DECLARED
            assert other.status == COVERED  # the same without any estimate
        else:
            assert not item.declared and item.bloc.iri not in declared.covered and not declared.whole
    not_declared = sum(1 for i in items if i.status != COVERED)
    assert estimated.to_acquire + estimated.probably_covered + estimated.unknown == not_declared
    cost = declared.cost
    if cost.cost is not None:
        assert cost.cost >= not_declared  # every estimated bloc is still to pass, as declared
        assert (cost.cost == 0) == cost.declared_zero
    if cost.declared_zero:
        assert not_declared == 0
    for sp in cost.paths:  # the declared figures are the paths' own (cost model)
        assert sp.path.cost is None or sp.path.cost >= 0


def test_every_pair_of_the_fixture_keeps_declared_and_estimated_apart(gs: Store) -> None:
    codes = ["RNCP99101", "RNCP99102", "RNCP99104", "RNCP99201", "RNCP99202", "RNCP99203", "RNCP99204"]
    codes += ["RNCP99205", "RNCP99206"]
    for a in codes:
        for b in codes:
            res = gap(gs, [a], b)
            for item in res.blocs:
                assert (item.status == COVERED) == bool(item.declared), (a, b, item.bloc.code)
                assert not (item.declared and item.matches)
            left = sum(1 for i in res.blocs if i.status != COVERED)
            assert res.declared.cost is None or res.declared.cost >= left, (a, b)


# ---------------------------------------------------------------- reach --estimated


def test_reach_estimated_ranks_by_blocs_to_acquire_with_filters(gs: Store) -> None:
    res = reach_estimated(gs, ["RNCP99102"], top=10)
    codes = [g.target.code for g in res.items]
    assert "RNCP99201" in codes and "RNCP99102" not in codes and "RNCP99206" not in codes  # inactive
    left = [g.estimated.to_acquire + g.estimated.unknown for g in res.items]
    assert left == sorted(left)
    item = next(g for g in res.items if g.target.code == "RNCP99201")
    assert statuses(item) == statuses(gap(gs, ["RNCP99102"], "RNCP99201"))  # the same gap
    assert res.unpublished >= 1 and res.method.threshold == THRESHOLD
    assert [g.target.code for g in reach_estimated(gs, ["RNCP99102"], levels=[4]).items] == ["RNCP99201"]
    with_inactive = reach_estimated(gs, ["RNCP99101"], levels=[4], status="any").items
    assert {g.target.code for g in with_inactive} == {"RNCP99201", "RNCP99206"}
    assert [g.target.code for g in reach_estimated(gs, ["RNCP99101"], levels=[4]).items] == ["RNCP99201"]
    active = reach_estimated(gs, ["RNCP99101"], status="active").items  # declared active only
    assert [g.target.code for g in active] == ["RNCP99201"]
    assert [g.target.code for g in reach_estimated(gs, ["RNCP99102"], branch="9993").items] == ["RNCP99201"]
    assert [g.target.code for g in reach_estimated(gs, ["RNCP99102"], rome="Z9101").items] == ["RNCP99101"]
    kinds = reach_estimated(gs, ["RNCP99102"], kinds=["Certification"]).items  # a class keeps its subclasses
    assert {g.target.code for g in kinds} >= {"RNCP99101", "RNCP99201"}
    with pytest.raises(InputError):
        reach_estimated(gs, ["RNCP99102"], kinds=["Diplôme-inventé"])
    with pytest.raises(NotFoundError):
        reach_estimated(gs, ["RNCP99102"], rome="Z0000")


# ---------------------------------------------------------------- the plan and the CLI


def test_plan_of_a_person(gs: Store) -> None:
    p = plan(gs, ["RNCP99102", "RNCP99104"], "RNCP99201")
    assert p.gap.sources[1].code == "RNCP99104"
    assert p.routes.vae is True and p.routes.partial_validation is True
    assert [b.bloc.code for b in p.held] == ["RNCP99201BC03"]
    assert {b.bloc.code for b in p.to_recognise} == {"RNCP99201BC02", "RNCP99201BC04"}
    assert {b.bloc.code for b in p.to_acquire} == {"RNCP99201BC01", "RNCP99201BC05", "RNCP99201BC06"}
    assert any("VAE" in a for a in p.routes.advice()) and any("partielle" in a for a in p.routes.advice())
    silent = plan(gs, ["RNCP99101"], "RNCP99102")  # the registry says nothing of its routes
    assert silent.routes.vae is None and silent.routes.partial_validation is None
    assert any("ne publie pas" in a for a in silent.routes.advice())
    data = p.to_dict()
    assert data["routes"]["vae"] is True and data["gap"]["declared_cost"]["cost"] == 6


def test_cli_gap_text_json_plan_and_reach(gap_path: Path, gs: Store) -> None:
    out = run(gap_path, "gap", "RNCP99102", "RNCP99201")
    assert out.exit_code == 0, out.output
    text = out.output
    assert "[couvert] RNCP99201BC03" in text and "cq:Dispense" in text and "Jeu d'essai des écarts" in text
    assert "[probablement couvert] RNCP99201BC02" in text and "[à acquérir] RNCP99201BC05" in text
    assert "plus proche, sous le seuil" in text
    assert "Coût déclaré" in text and "Coût estimé" in text and f"seuil {THRESHOLD}" in text
    data = json.loads(run(gap_path, "gap", "RNCP99102", "RNCP99201", "--format", "json").output)
    assert data == gap(gs, ["RNCP99102"], "RNCP99201").to_dict()
    assert {b["basis"] for b in data["blocs"]} == {"declared", "computed", None}
    english = run(gap_path, "gap", "RNCP99102", "RNCP99201", "--lang", "en").output
    assert "[probably covered]" in english and "Declared cost" in english
    printed = run(gap_path, "gap", "RNCP99102", "RNCP99104", "RNCP99201", "--plan").output
    assert "Plan de parcours" in printed and "À faire reconnaître" in printed and "VAE" in printed
    assert run(gap_path, "gap", "RNCP99201").exit_code == 2
    assert run(gap_path, "gap", "RNCP9919", "RNCP99201").exit_code == 1
    reach = run(gap_path, "reach", "RNCP99102", "--estimated", "--top", "3", "--level", "4")
    assert reach.exit_code == 0, reach.output
    assert "RNCP99201" in reach.output and "méthode : cqpi-gap/1" in reach.output
    reach_json = json.loads(run(gap_path, "reach", "RNCP99102", "--estimated", "--format", "json").output)
    assert reach_json["items"] and reach_json["filters"]["status"] == "obtainable"
    assert run(gap_path, "reach", "RNCP99102", "RNCP99104").exit_code == 2  # several: --estimated only
    assert "RNCP99103" in run(gap_path, "reach", "RNCP99102").output  # the declared reach is unchanged


# ---------------------------------------------------------------- the web explorer


def test_web_declared_first_then_estimate_dashed_and_plan(gap_path: Path, gs: Store) -> None:
    from webdata import web_app

    with web_app(gap_path) as app:
        client = app.test_client()
        body = client.get("/paths", query_string={"from": "RNCP99102", "to": "RNCP99201"}).get_data(
            as_text=True
        )
        declared, estimated = body.split('id="estimated"', 1)
        assert 'class="step reconnaissance"' in declared and "Dispense" in declared
        assert 'class="estimated"' in body and "gap.css" in body
        assert (
            'class="bloc-gap status-covered"' in estimated and 'class="bloc-gap status-probable"' in estimated
        )
        assert "status-acquire" in estimated and "status-unknown" in estimated
        assert "<details>" in estimated and "Pétrissage et façonnage de la pâte à pain" in estimated
        assert "cqpi-gap/1" in estimated and "/paths/plan?from=RNCP99102&amp;to=RNCP99201" in estimated
        data = client.get(
            "/paths", query_string={"from": "RNCP99102", "to": "RNCP99201", "format": "json"}
        ).get_json()
        with app.app_context():
            assert data == explore_path(gs, ["RNCP99102"], "RNCP99201").to_dict()
        several = client.get("/paths", query_string={"from": "RNCP99102, RNCP99104", "to": "RNCP99201"})
        assert several.status_code == 200 and several.get_data(as_text=True).count('class="endpoints"') == 2
        plan_page = client.get("/paths/plan", query_string={"from": "RNCP99102,RNCP99104", "to": "RNCP99201"})
        page = plan_page.get_data(as_text=True)
        assert plan_page.status_code == 200 and 'id="plan"' in page and "plan.js" in page
        assert "la VAE figure parmi les voies d&#39;accès" in page and "RNCP99201BC05" in page
        english = client.get("/paths/plan?from=RNCP99102&to=RNCP99201&lang=en").get_data(as_text=True)
        assert "Learning plan" in english and "probably covered" in english
        reach = client.get("/paths", query_string={"from": "RNCP99102"}).get_data(as_text=True)
        assert 'id="reach"' in reach and 'id="estimated-reach"' in reach and "RNCP99201" in reach
        assert client.get("/paths/plan?from=RNCP9919&to=RNCP99201").status_code == 404
        assert client.get("/paths/static/gap.css").status_code == 200


# ---------------------------------------------------------------- real data


@pytest.mark.slow
def test_real_versions_of_the_bts_sio(full_store: Store) -> None:
    res = gap(full_store, ["RNCP35340"], "RNCP40792")
    assert len(res.blocs) == 5 and res.declared.cost == 5  # a new version grants nothing declared
    assert all(b.status == PROBABLY_COVERED for b in res.blocs)
    assert res.declared.paths[0].path.steps[0].kind == "succession"
    first = res.blocs[0].matches[0]
    assert first.score == 1.0 and first.source_certification == "RNCP35340"
    unknown = gap(full_store, ["CSPA"], "50022003")  # the seed's proximity: no bloc published
    assert not unknown.published and unknown.estimated.to_dict()["to_acquire"] is None
