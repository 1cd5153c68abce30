"""Competences understood from text: the text model, computed alignments, similarity from text.

Small fixtures (tests/data/text_fixture.ttl: the shapes the RNCP, ROME and ESCO importers write)
and a few real codes of ../shared/data; recall figures on the national export are measured by
benchmarks/bench_text.py, not here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from click.testing import CliRunner
from stores import built_store, opened_store

from cqpi_graph import _cache
from cqpi_graph.build import build
from cqpi_graph.cli import main
from cqpi_graph.namespaces import Graphs
from cqpi_graph.socle import socle
from cqpi_graph.store import Store, open_store
from cqpi_graph.textsim import model as text_model
from cqpi_graph.textsim.api import certification_match, certifier_overlaps, similar_from_text
from cqpi_graph.textsim.appellations import job_names
from cqpi_graph.textsim.corpus import JobDoc
from cqpi_graph.textsim.french import normalise
from cqpi_graph.textsim.jobs import close_jobs
from cqpi_graph.textsim.model import load_model
from cqpi_graph.textsim.space import TermSpace, top_matches

DATA = Path(__file__).parent / "data"
CERT = "https://w3id.org/cqpi/id/cert/"
ROME = "https://w3id.org/cqpi/id/rome/"


text_path = built_store("text_fixture.ttl")
tx = opened_store("text_path")


def run(path: Path, *args: str):
    return CliRunner().invoke(main, ["--store", str(path), *args])


# ---------------------------------------------------------------- vectors


def test_top_matches_skips_same_holder_and_keeps_k_per_registry() -> None:
    space = TermSpace.fit([["a", "b"], ["a", "b"], ["a", "c"], ["a", "b"]])
    m = space.encode([["a", "b"], ["a", "b"], ["a", "c"], ["a", "b"]])
    holder = np.array([0, 0, 1, 2])
    bucket = np.array([0, 0, 1, 1])
    got = top_matches(m, m, k=1, threshold=0.1, row_group=holder, col_group=holder, col_bucket=bucket)
    pairs = list(zip(got.rows.tolist(), got.cols.tolist(), strict=True))
    assert (0, 1) not in pairs and (0, 0) not in pairs  # same holder
    assert [c for r, c in pairs if r == 0] == [3]  # best of bucket 1 only: bucket 0 is its own holder
    assert sorted(c for r, c in pairs if r == 2) == [0, 3]  # one per bucket
    assert np.all(np.diff(got.rows) >= 0)
    assert isinstance(m, sp.csr_matrix) and np.allclose(m.multiply(m).sum(axis=1), 1.0)


# ---------------------------------------------------------------- what cqpi build computes


def test_build_writes_alignments_apart_and_the_model_beside_the_generation(
    tx: Store, text_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = Graphs.ALIGNMENTS
    rows = tx.select(f"""SELECT ?a ?b ?score ?m WHERE {{ GRAPH <{g}> {{ ?s rdf:subject ?a ;
        rdf:object ?b ; cq:similarityScore ?score ; cq:method ?m . ?a cq:competenceAlignedWith ?b }} }}""")
    pairs = {frozenset((r["a"].value.rsplit("/", 1)[-1], r["b"].value.rsplit("/", 1)[-1])) for r in rows}
    assert frozenset(("test-1", "910001")) in pairs  # ESCO skill <-> ROME savoir-faire
    assert frozenset(("RNCP99104BC01", "test-2")) in pairs  # a bloc <-> an ESCO skill
    assert all(float(r["score"].value) >= 0.5 and r["m"].value.startswith("cqpi-text/") for r in rows)
    # never a declared equivalence, never reasoned on
    assert not tx.ask(f"ASK {{ GRAPH <{g}> {{ ?a skos:exactMatch|owl:sameAs ?b }} }}")
    assert not tx.ask(f"ASK {{ GRAPH <{Graphs.INFERRED}> {{ ?a cq:competenceAlignedWith ?b }} }}")
    assert tx.ask(f"ASK {{ GRAPH <{Graphs.META}> {{ <{g}> cq:method ?m ; cq:similarityScore ?t }} }}")
    # the model was saved by the build for this generation: reading it builds nothing
    _cache.clear()

    def no_rebuild(*_a: object) -> None:
        raise AssertionError("the text model was rebuilt instead of read")

    monkeypatch.setattr(text_model, "build_model", no_rebuild)
    assert load_model(tx).corpus.jobs


def test_rome_job_links_declared_first_then_computed_with_evidence(tx: Store) -> None:
    declared = similar_from_text(tx, "RNCP99101", 5, kind="rome").jobs
    assert (declared[0].code, declared[0].basis) == ("Z9101", "declared")
    assert all(j.basis == "computed" and j.score is not None for j in declared[1:])
    # a fiche that declares no job gets computed ones, with the blocs that matched
    computed = similar_from_text(tx, "RNCP99102", 3, kind="rome").jobs
    assert computed and all(j.basis == "computed" for j in computed)
    assert computed[0].code in ("Z9101", "Z9103")
    best = computed[0]
    assert best.matches and all(m.score >= 0.2 for m in best.matches)
    assert any("RNCP99102BC" in m.a for m in best.matches) and any(
        "/competence/9100" in m.b for m in best.matches
    )
    assert "Z9104" not in [j.code for j in computed[:2]]


def test_job_proximity_and_declaring_certifications(tx: Store) -> None:
    res = similar_from_text(tx, "Z9101", 3)
    assert [j.code for j in res.jobs][:1] == ["Z9103"]  # same items, same macro-competence, its child
    assert res.jobs[0].shared and res.jobs[0].basis == "computed"
    assert [c.code for c in res.declared_certifications] == ["RNCP99101"]
    assert "RNCP99102" in [c.cert.code for c in res.certifications]  # computed from the texts


def test_similar_certifications_and_bloc_matches(tx: Store) -> None:
    res = similar_from_text(tx, "RNCP99102", 3, kind="certification")
    codes = [c.cert.code for c in res.certifications]
    assert codes[:2] == ["RNCP99103", "RNCP99101"] or codes[:2] == ["RNCP99101", "RNCP99103"]
    m = certification_match(tx, "RNCP99101", "RNCP99102", threshold=0.3)
    assert m.shared == 3 and m.jaccard == pytest.approx(1.0)
    assert {u.iri.rsplit("/", 1)[-1] for u in m.covered("b")} == {
        "RNCP99102BC01",
        "RNCP99102BC02",
        "RNCP99102BC03",
    }
    data = m.to_dict()
    assert data["basis"] == "computed" and data["matches"][0]["score"] >= 0.3


def test_socle_computed_lists_matched_blocs(tx: Store) -> None:
    declared = socle(tx, ["RNCP99101", "RNCP99102"])
    assert not [s for s in declared.shared if s.basis == "calculée"]
    res = socle(tx, ["RNCP99101", "RNCP99102"], computed=True, threshold=0.3)
    calc = [s for s in res.shared if s.basis == "calculée"]
    assert len(calc) == 3
    assert all(s.alignments and s.alignments[0].score >= 0.3 for s in calc)
    assert all(CERT + "RNCP99101" in s.holders and CERT + "RNCP99102" in s.holders for s in calc)


def test_candidates_across_certifiers(tx: Store, text_path: Path) -> None:
    groups = certifier_overlaps(tx, min_jaccard=0.5, threshold=0.3)
    assert len(groups) == 1
    g = groups[0]
    assert [m.code for m in g.members] == ["RNCP99101", "RNCP99102", "RNCP99103"]
    pairs = {frozenset((p.a.code, p.b.code)) for p in g.pairs}
    # a fiche and its new version, certified by one body under two spellings, are no candidates
    assert frozenset(("RNCP99102", "RNCP99103")) not in pairs
    assert frozenset(("RNCP99101", "RNCP99102")) in pairs
    out = run(
        text_path, "cqpi-candidates", "--across", "certifiers", "--min-jaccard", "0.5", "--threshold", "0.3"
    )
    assert out.exit_code == 0, out.output
    assert "certificateurs différents" in out.output and "Fournil d'essai A" in out.output


def test_cli_similar_marks_declared_and_computed(text_path: Path) -> None:
    out = run(text_path, "similar", "RNCP99101", "--kind", "rome", "--top", "3")
    assert out.exit_code == 0, out.output
    assert "Z9101 Boulanger d'essai — déclaré" in out.output and "calculé, score" in out.output
    data = json.loads(run(text_path, "similar", "Z9101", "--format", "json").output)
    assert data["subject"]["kind"] == "job" and data["rome"][0]["basis"] == "computed"
    unknown = run(text_path, "similar", "RNCP9919")
    assert unknown.exit_code == 1
    old = run(text_path, "similar", "RNCP99101", "--declared-only")
    assert old.exit_code == 0 and "compétence(s)" in old.output


# ---------------------------------------------------------------- real data


@pytest.mark.slow
def test_real_socle_of_two_versions_of_a_bts(full_store: Store) -> None:
    res = socle(full_store, ["RNCP35340", "RNCP40792"], computed=True)
    calc = [s for s in res.shared if s.basis == "calculée"]
    assert len(calc) >= 5
    assert any("Gérer le patrimoine informatique" in s.label for s in calc)
    assert all(s.alignments[0].score >= 0.5 for s in calc)


@pytest.mark.slow
def test_real_esco_joins_the_graph(full_store: Store) -> None:
    n = full_store.select(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{Graphs.ALIGNMENTS}> {{
        ?e cq:competenceAlignedWith ?r FILTER(STRSTARTS(STR(?e), "http://data.europa.eu/esco/")
                                             || STRSTARTS(STR(?r), "http://data.europa.eu/esco/")) }} }}""")
    assert int(n[0]["n"].value) > 10_000
    jobs = similar_from_text(full_store, "RNCP35340", 10, kind="rome").jobs
    assert [j.basis for j in jobs[:3]] == ["declared"] * 3 and jobs[3].basis == "computed"
    assert {j.code for j in jobs if j.basis == "computed"} & {"M1802", "M1803", "M1806", "I1401"}


@pytest.mark.slow
def test_real_job_proximity_names_its_evidence(full_store: Store) -> None:
    """Close jobs of a real ROME job: the closest appellation is one of the target's own names,
    co-declaration says which (historic) jobs the certifications declare, hubs are counted."""
    model = load_model(full_store)
    k = model.job_index[ROME + "H3405"]  # Polisseur en bijouterie
    assert 0 < model.job_hubs.sum() <= len(model.corpus.jobs) * 20  # each job's 20 best (scored > 0)
    close = close_jobs(model, k, 10)
    assert all(j.code != "H3405" and j.basis == "computed" for j in close)
    assert any(j.appellation for j in close)
    scores, rows = model.names.best_names(np.array([k]))  # type: ignore[union-attr]
    target = model.job_index[ROME + "H3401"]  # abrasion surface treatment
    assert model.names.texts[int(rows[0, target])] == "Polisseur / Polisseuse sur métaux"  # type: ignore[union-attr]
    for j in close:
        doc = model.corpus.jobs[model.job_index[j.iri]]
        assert not j.appellation or j.appellation in doc.appellations
        if j.co_declared:
            assert j.co_declared_as[1] in (j.code, doc.parent.rsplit("/", 1)[-1])


@pytest.mark.slow
def test_real_close_jobs_name_their_shared_training_fields(full_store: Store) -> None:
    """Two jobs the BTS SIO declares share its training fields (NSF 326, informatique)."""
    model = load_model(full_store)
    bts = model.cert_index[CERT + "RNCP35340"]
    declared = sorted(int(j) for j in model.declared[bts].indices)
    k = declared[0]
    close = close_jobs(model, k, 10)
    by_code = {j.code: j for j in close}
    siblings = [model.corpus.jobs[j].code for j in declared[1:] if model.corpus.jobs[j].code in by_code]
    assert siblings, [j.code for j in close]
    for code in siblings:
        fields = by_code[code].fields
        assert fields and all("/nsf/" in f.iri for f in fields)
        assert any(f.code.startswith("326") for f in fields), [f.code for f in fields]
    assert close[0].to_dict()["shared_fields"] == [f.to_dict() for f in close[0].fields]


def test_best_names_compares_one_appellation_at_a_time() -> None:
    jobs = [
        JobDoc("j0", "J0", "Maçon", ["Maçon du bâtiment", "Maçon coffreur"]),
        JobDoc("j1", "J1", "Formateur", [f"Formateur {x}" for x in ("langues", "bureautique", "bâtiment")]),
        JobDoc("j2", "J2", "Comptable", ["Comptable unique"]),
    ]
    names = job_names(jobs, normalise)
    scores, rows = names.best_names(np.array([0]))
    assert names.texts[int(rows[0, 1])] == "Formateur bâtiment"
    assert scores[0, 1] > 0.3 and scores[0, 2] == 0.0
    assert list(names.starts) == [0, 3, 7, 9]


def test_training_fields_meet_at_group_and_sub_domain() -> None:
    """A job's training fields: the NSF codes of the certifications declaring it, compared as
    specialty groups (« 232 » and « 232t » meet) and sub-domains (« 23 » holds both)."""
    nsf = "https://w3id.org/cqpi/id/nsf/"
    iris = [nsf + "221", nsf + "23", nsf + "232", nsf + "232t"]
    assert text_model._nsf_levels("232t") == ["group:232", "domain:23"]
    assert text_model._nsf_levels("23") == ["domain:23"]
    counts = sp.csr_matrix(  # jobs x fields: certifications declaring the job in that field
        np.array([[0, 0, 2, 0], [0, 0, 0, 1], [0, 3, 0, 0], [4, 0, 0, 0], [0, 0, 0, 0]], dtype=np.float32)
    )
    fields = text_model._job_fields(counts, iris)
    sim = (fields @ fields.T).toarray()
    assert sim[0, 1] == pytest.approx(1.0)  # 232 and 232t: the same group
    assert 0 < sim[0, 2] < sim[0, 1]  # 23: the same sub-domain only
    assert sim[0, 3] == 0 and sim[4].sum() == 0  # another domain; a job no certification declares


def test_web_certification_page_shows_computed_links_apart(text_path: Path) -> None:
    from webdata import web_app

    with web_app(text_path) as app:
        client = app.test_client()
        body = client.get("/resource/cert/RNCP99102").get_data(as_text=True)
        assert 'id="computed"' in body and "Calculé d&#39;après les textes des blocs" in body
        computed = body.split('id="computed"', 1)[1].split("</section>", 1)[0]
        assert "Z9101 Boulanger d&#39;essai" in computed and "calculé, score" in computed
        assert "RNCP99101" in computed  # closest certification
        # the declared ROME job of RNCP99101 stays in the declared table, not in the computed list
        page = client.get("/resource/cert/RNCP99101").get_data(as_text=True)
        declared, rest = page.split('id="computed"', 1)
        assert "Z9101" in declared and "Z9101" not in rest.split("</section>", 1)[0]
        english = client.get("/resource/cert/RNCP99102?lang=en").get_data(as_text=True)
        assert "Computed from the texts of the blocs" in english and "computed, score" in english


def test_web_job_page_shows_close_jobs_computed_and_its_twin(text_path: Path) -> None:
    from webdata import web_app

    with web_app(text_path) as app:
        client = app.test_client()
        body = client.get("/resource/rome/Z9101").get_data(as_text=True)
        computed = body.split('id="computed"', 1)[1].split("</section>", 1)[0]
        assert "Calculé d&#39;après les compétences et les textes du ROME" in computed
        assert "Métiers proches" in computed and "Z9103" in computed and "calculé, score" in computed
        # Z9103's parent is Z9101: the certification declaring it is in NSF 221
        assert "domaines de formation communs (NSF) : 221 Agro-alimentaire" in computed
        assert '(certifications de <span translate="no">Z9101</span>)' in computed  # its parent's
        english = client.get("/resource/rome/Z9101?lang=en").get_data(as_text=True)
        assert "Computed from the ROME&#39;s competences and texts" in english and "Close jobs" in english
        assert "shared training fields (NSF): 221" in english and "(certifications of" in english
        twin = client.get("/resource/rome/Z9101.page.json").get_json()
        assert twin["computed"]["subject"]["kind"] == "job"
        assert twin["computed"]["rome"][0]["code"] == "Z9103"
        assert all(j["basis"] == "computed" for j in twin["computed"]["rome"])
        assert twin["computed"]["rome"][0]["shared_fields"][0]["code"] == "221"


def test_import_recomputes_the_text_model_and_alignments(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqpi_graph.imports import import_registry

    path = tmp_path / "store"
    build(path, extra_data=[DATA / "text_fixture.ttl"])
    import_registry(path, "rncp", shared_data / "rncp" / "export-fiches-csv-2024-02-22.zip")
    _cache.clear()
    monkeypatch.setattr(text_model, "build_model", lambda *_a: pytest.fail("model rebuilt by a query"))
    with open_store(path) as st:
        model = load_model(st)
        assert "RNCP30271" in {c.code for c in model.corpus.certs}  # the imported fiches have texts
        assert st.ask(f"ASK {{ GRAPH <{Graphs.ALIGNMENTS}> {{ ?a cq:competenceAlignedWith ?b }} }}")
        assert [j.code for j in similar_from_text(st, "RNCP99101", 1, kind="rome").jobs] == ["Z9101"]


def test_model_is_kept_only_beside_an_embedded_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scratch store of a remote write has a folder but no generation: nothing is saved."""
    from types import SimpleNamespace

    monkeypatch.chdir(tmp_path)
    remote = SimpleNamespace(directory=tmp_path / "cqpi-remote-x", location="http://127.0.0.1:1/query")
    _cache.save_for_generation(remote, "textsim.model", {"x": 1})  # type: ignore[arg-type]
    assert not any(tmp_path.rglob("*.pickle"))
    embedded = SimpleNamespace(directory=tmp_path / "store" / "gen-1.tmp", location=str(tmp_path / "store"))
    _cache.save_for_generation(embedded, "textsim.model", {"x": 1})  # type: ignore[arg-type]
    assert [p.parent.name for p in tmp_path.rglob("*.pickle")] == ["gen-1"]
