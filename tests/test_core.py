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
    def csv_query(query: str) -> tuple[int, str]:
        code, out, _ = cli("--store", str(curated_store_path), "query", "--format", "csv", query)
        return code, out

    code, out = csv_query("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a cq:CQPI }")
    assert code == 0
    assert out.splitlines()[1].strip() == "9"
    code, out = csv_query("SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b a cq:Branche }")
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
    code, out, _ = cli(
        *store, "query", "--format", "turtle", "CONSTRUCT { ?c a cq:CQPI } WHERE { ?c a cq:CQPI }"
    )
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


def _rules_closure(store) -> set:
    """What the default engine infers, as rdflib triples, minus what is asserted."""
    from cqpi_graph.build import NOT_REASONED, _nt_triples
    from cqpi_graph.rules import compile_tbox, consequences

    tbox = compile_tbox(_nt_triples(store, [Graphs.ONTOLOGY, Graphs.CODELISTS]))
    asserted = [g for g in store.graphs() if g not in NOT_REASONED]
    lines = {" ".join(t) + " .\n" for t in consequences(tbox, _nt_triples(store, asserted))}
    graph = rdflib.Graph().parse(data="".join(lines), format="nt")
    base = {
        (s, p, o)
        for s, p, o in rdflib.Graph().parse(
            data="".join(" ".join(t) + " .\n" for t in _nt_triples(store, asserted)), format="nt"
        )
    }
    return set(graph) - base


def test_rules_engine_equals_owlrl_on_curated_graph(curated_store) -> None:
    """The default engine and the reference OWL RL implementation infer the same cq: facts."""
    reference = _cq_only(infer(asserted_triples(curated_store), "owlrl"))
    fast = _cq_only(_rules_closure(curated_store))
    assert fast == reference
    assert len(fast) > 50
    # The inferred graph of the built store holds exactly those facts.
    stored = _cq_only(
        {
            (s, p, o)
            for s, p, o in rdflib.Graph().parse(
                data=curated_store.construct(
                    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{Graphs.INFERRED}> {{ ?s ?p ?o }} }}"
                ),
                format="nt",
            )
        }
    )
    assert stored == reference


def test_reasonable_equals_owlrl_on_curated_graph(curated_store) -> None:
    triples = asserted_triples(curated_store)
    assert _cq_only(infer(triples, "reasonable")) == _cq_only(infer(triples, "owlrl"))


@pytest.mark.slow
def test_rules_engine_equals_reasonable_with_every_registry(full_store) -> None:
    """At registry scale owlrl is too slow; the Rust OWL RL reasoner is the reference there."""
    reference = _cq_only(infer(asserted_triples(full_store), "reasonable"))
    fast = _cq_only(_rules_closure(full_store))
    assert fast == reference


def test_unsupported_axiom_falls_back_to_a_general_reasoner(store_env: Path, tmp_path: Path) -> None:
    """A construct the compiled rules don't implement: the build uses a general OWL RL reasoner."""
    extra = tmp_path / "chain.ttl"
    extra.write_text(
        """@prefix cq: <https://w3id.org/cqpi/def#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix ex: <https://example.org/> .
ex:Niveau3 owl:equivalentClass [ a owl:Restriction ; owl:onProperty cq:level ;
    owl:hasValue <https://w3id.org/cqpi/id/niveau/3> ] .
ex:c cq:level <https://w3id.org/cqpi/id/niveau/3> .
""",
        encoding="utf-8",
    )
    build(store_env, extra_data=[extra])
    store = open_store(store_env)
    assert store.ask("ASK { <https://example.org/c> a <https://example.org/Niveau3> }")
    method = store.values(f"""SELECT ?m WHERE {{ GRAPH <{Graphs.META}> {{
        <{Graphs.INFERRED}> prov:wasGeneratedBy/cq:method ?m }} }}""")
    assert "reasonable" in method[0]


def test_axioms_in_extra_data_are_used_by_the_rules_engine(store_env: Path, tmp_path: Path) -> None:
    extra = tmp_path / "sub.ttl"
    extra.write_text(
        """@prefix cq: <https://w3id.org/cqpi/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <https://example.org/> .
ex:CQPBranche rdfs:subClassOf cq:CQP . ex:x a ex:CQPBranche .
""",
        encoding="utf-8",
    )
    build(store_env, extra_data=[extra])
    store = open_store(store_env)
    assert store.ask("ASK { <https://example.org/x> a cq:Certification }")


def test_provenance_of_each_graph(curated_store) -> None:
    rows = curated_store.select(f"""SELECT ?g ?file ?sha WHERE {{ GRAPH <{Graphs.META}> {{
        ?g <http://purl.org/dc/terms/source> ?src . ?src cq:fileName ?file ; cq:sha256 ?sha }} }}""")
    files = {(r["g"].value, r["file"].value) for r in rows}
    assert (Graphs.ONTOLOGY, "cqpi.ttl") in files
    assert all(len(r["sha"].value) == 64 for r in rows)
    method = curated_store.values(f"""SELECT ?m WHERE {{ GRAPH <{Graphs.META}> {{
        <{Graphs.INFERRED}> prov:wasGeneratedBy/cq:method ?m }} }}""")
    assert method and "OWL 2 RL" in method[0]


def test_malformed_turtle_stops_build_and_keeps_previous_store(store_env: Path, tmp_path: Path) -> None:
    assert cli("build")[0] == 0
    before = open_store(store_env)
    n_before = before.count()
    live_before = before.directory
    before.close()
    bad = tmp_path / "broken.ttl"
    bad.write_text(
        '@prefix cq: <https://w3id.org/cqpi/def#> .\n<http://x/a> a cq:CQP ;\n  cq:x "oops .\n',
        encoding="utf-8",
    )
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
        build(store_env, force=True)
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
        [
            sys.executable,
            "-m",
            "cqpi_graph",
            "--store",
            str(curated_store_path),
            "query",
            "--format",
            "csv",
            "SELECT (COUNT(*) AS ?n) WHERE { ?c a cq:CQPM }",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(proc.stdout.splitlines()[1]) >= 1


def test_registries_folder_is_discovered(shared_data: Path) -> None:
    """`cqpi build --registries DIR` finds every export of the shared data folder."""
    from conftest import SHARED_IMPORTS

    from cqpi_graph.importers.discover import discover

    found = [(name, path.relative_to(shared_data).as_posix()) for name, path in discover(shared_data)]
    assert set(SHARED_IMPORTS) <= set(found)
    # Every RNCP export of the folder (the national 2021 one too), and nothing else.
    rncp = (shared_data / "rncp").iterdir()
    exports = {p.relative_to(shared_data).as_posix() for p in rncp if p.suffix in (".zip", ".xml")}
    assert {p for n, p in found if n == "rncp"} == exports
    assert [n for n, _ in found if n != "rncp"] == ["bcn", "kit", "rome", "esco"]


def test_registries_folder_without_exports_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("rien", encoding="utf-8")
    code, _, err = cli("--store", str(tmp_path / "s"), "build", "--registries", str(tmp_path))
    assert code == 2 and "aucun export de registre reconnu" in err


def test_a_second_build_of_unchanged_inputs_is_skipped(tmp_path: Path, shared_data: Path) -> None:
    loc = tmp_path / "store"
    kit = shared_data / "kit/kit-apprentissage-rncp-v3.0.csv"
    first = build(loc, imports=[("kit", kit)])
    assert not first.skipped
    again = build(loc, imports=[("kit", kit)])
    assert again.skipped and again.graphs == first.graphs
    assert not build(loc).skipped  # other inputs: a new build
    from cqpi_graph.imports import import_registry

    import_registry(loc, "kit", kit)  # the graph is no longer what `build(loc)` alone gives
    assert not build(loc).skipped
    code, out, _ = cli("--store", str(loc), "build")
    assert code == 0 and "déjà à jour" in out
