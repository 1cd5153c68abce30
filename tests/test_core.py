"""The spine: build, query, stats, inference, store generations, errors — through API and CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from cqpi_graph.build import asserted_triples, build
from cqpi_graph.cli import main
from cqpi_graph.errors import StoreLockedError, StoreNotBuiltError
from cqpi_graph.inference import infer
from cqpi_graph.namespaces import CQ, Graphs
from cqpi_graph.store import open_store
from cqpi_graph.store.embedded import write_embedded


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_reports_counts_per_named_graph(store_env: Path) -> None:
    code, out, err = cli("build")
    assert code == 0, err
    for name in ("ontology", "codelists", "curated", "inferred", "meta"):
        assert any(line.startswith(name + "\t") for line in out.splitlines()), out
    assert "total\t" in out


def test_query_counts_cqpi_and_branches(curated_store_path: Path) -> None:
    code, out, _ = cli("--store", str(curated_store_path), "query", "--format", "csv",
                       "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a cq:CQPI }")
    assert code == 0
    assert out.splitlines()[1].strip() == "9"
    code, out, _ = cli("--store", str(curated_store_path), "query", "--format", "csv",
                       "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b a cq:Branche }")
    assert int(out.splitlines()[1]) >= 16


def test_query_formats(curated_store_path: Path, tmp_path: Path) -> None:
    q = "SELECT ?c ?l WHERE { ?c a cq:CQPI ; rdfs:label ?l FILTER(lang(?l) = 'fr') } ORDER BY ?c"
    store = ["--store", str(curated_store_path)]
    code, out, _ = cli(*store, "query", q)
    assert code == 0 and "(9 lignes)" in out and "Conducteur" in out
    code, out, _ = cli(*store, "query", "--format", "json", q)
    assert len(json.loads(out)["results"]["bindings"]) == 9
    code, out, _ = cli(*store, "query", "--format", "tsv", q)
    assert out.splitlines()[0] == "?c\t?l"
    code, out, _ = cli(*store, "query", "--format", "xml", q)
    assert out.startswith("<?xml")
    code, out, _ = cli(*store, "query", "--format", "turtle",
                       "CONSTRUCT { ?c a cq:CQPI } WHERE { ?c a cq:CQPI }")
    assert len(rdflib.Graph().parse(data=out, format="turtle")) == 9
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { ?c a cq:CQPM }", encoding="utf-8")
    code, out, _ = cli(*store, "query", "--file", str(rq))
    assert out.strip() == "true"


def test_sparql_syntax_error_gives_position_and_exit_code(curated_store_path: Path) -> None:
    code, _, err = cli("--store", str(curated_store_path), "query", "SELECT ?x WHERE { ?x a cq:CQPI ")
    assert code == 2
    assert "1:32" in err and "invalide" in err


def test_inferred_types_of_a_cqpm(sparql) -> None:
    rows = sparql("""SELECT ?t WHERE { GRAPH <https://w3id.org/cqpi/graph/inferred> {
        <https://w3id.org/cqpi/id/cqpm/CSPA> a ?t } }""")
    types = {r["t"] for r in rows}
    assert CQ + "Certification" in types
    assert "http://schema.org/EducationalOccupationalCredential" in types
    assert "http://data.europa.eu/snb/model/elm/Qualification" in types


def test_inferred_triples_are_apart_from_asserted(curated_store) -> None:
    overlap = curated_store.select(f"""SELECT ?s ?p ?o WHERE {{
        GRAPH <{Graphs.INFERRED}> {{ ?s ?p ?o }}
        GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{Graphs.INFERRED}>) }} LIMIT 5""")
    assert overlap == []
    assert curated_store.count(Graphs.INFERRED) > 0


def _cq_only(triples: set) -> set:
    """Triples whose predicate, or class for rdf:type, is in the cq: namespace."""
    out = set()
    for s, p, o in triples:
        if str(p).startswith(CQ) or (p == rdflib.RDF.type and str(o).startswith(CQ)):
            out.add((s, p, o))
    return out


def test_fast_reasoner_equals_owlrl_on_curated_graph(curated_store) -> None:
    triples = asserted_triples(curated_store)
    fast = _cq_only(infer(triples, "reasonable"))
    reference = _cq_only(infer(triples, "owlrl"))
    assert fast == reference
    assert len(fast) > 50


def test_provenance_of_each_graph(curated_store) -> None:
    rows = curated_store.select(f"""SELECT ?g ?file ?sha WHERE {{ GRAPH <{Graphs.META}> {{
        ?g <http://purl.org/dc/terms/source> ?src . ?src cq:fileName ?file ; cq:sha256 ?sha }} }}""")
    files = {(r["g"].value, r["file"].value) for r in rows}
    assert (Graphs.ONTOLOGY, "cqpi.ttl") in files
    assert all(len(r["sha"].value) == 64 for r in rows)
    method = curated_store.values(f"""SELECT ?m WHERE {{ GRAPH <{Graphs.META}> {{
        <{Graphs.INFERRED}> prov:wasGeneratedBy/cq:method ?m }} }}""")
    assert method and "reasonable" in method[0]


def test_malformed_turtle_stops_build_and_keeps_previous_store(store_env: Path, tmp_path: Path) -> None:
    assert cli("build")[0] == 0
    before = open_store(store_env)
    n_before = before.count()
    live_before = before.directory
    before.close()
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix cq: <https://w3id.org/cqpi/def#> .\n<http://x/a> a cq:CQP ;\n  cq:x "oops .\n',
                   encoding="utf-8")
    code, _, err = cli("build", "--data", str(bad))
    assert code == 2
    assert "broken.ttl" in err and "ligne 3" in err
    after = open_store(store_env)
    assert after.directory == live_before and after.count() == n_before
    assert after.ask("ASK { ?c a cq:CQPI }")


def test_failed_build_midway_leaves_previous_generation(store_env: Path, monkeypatch) -> None:
    build(store_env)
    live = open_store(store_env).directory
    import cqpi_graph.build as b

    def boom(*args, **kwargs):
        raise RuntimeError("panne simulée pendant l'inférence")

    monkeypatch.setattr(b, "run_inference", boom)
    with pytest.raises(RuntimeError):
        build(store_env)
    assert open_store(store_env).directory == live
    assert not list(store_env.glob("gen-*.tmp"))


def test_second_writer_fails_clearly(store_env: Path) -> None:
    build(store_env)
    with (
        write_embedded(store_env),
        pytest.raises(StoreLockedError, match="autre processus"),
        write_embedded(store_env, lock_timeout=0.2),
    ):
        pass


def test_query_without_store_says_build_first(store_env: Path) -> None:
    with pytest.raises(StoreNotBuiltError):
        open_store(store_env)
    code, _, err = cli("stats")
    assert code == 1 and "cqpi build" in err


def test_stats_text_and_json(curated_store_path: Path) -> None:
    code, out, _ = cli("--store", str(curated_store_path), "stats", "--format", "json")
    data = json.loads(out)
    assert data["classes"][CQ + "CQPI"] == 9
    assert data["total"] == sum(data["graphs"].values())
    code, out, _ = cli("--store", str(curated_store_path), "stats")
    assert "cq:CQPI\t9" in out


def test_python_dash_m_entry_point(curated_store_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cqpi_graph", "--store", str(curated_store_path), "query", "--format", "csv",
         "SELECT (COUNT(*) AS ?n) WHERE { ?c a cq:CQPM }"],
        capture_output=True, text=True, check=True,
    )
    assert int(proc.stdout.splitlines()[1]) >= 1
