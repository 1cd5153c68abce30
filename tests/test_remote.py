"""The remote store against a real Oxigraph server: same answers as the embedded store."""

from __future__ import annotations

import io
import json

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import to_isomorphic
from remote_server import assert_same_answers, graph_counts, select_answers

import cqpi_graph.build as build_mod
from cqpi_graph.build import build
from cqpi_graph.cli import main
from cqpi_graph.errors import QuerySyntaxError, RemoteStoreError, StoreError, StoreNotBuiltError
from cqpi_graph.namespaces import OWL, Graphs
from cqpi_graph.provenance import GraphRecord, record_graph
from cqpi_graph.store import Endpoint, open_store
from cqpi_graph.store.remote import (
    STAGING,
    RemoteStore,
    derive_endpoints,
    inline_prefixes,
    query_form,
)

pytestmark = pytest.mark.remote

QUERIES = [
    "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a cq:CQPI }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?c a owl:Class }",
    # classes given by inference only
    f"SELECT ?x ?c WHERE {{ GRAPH <{Graphs.INFERRED}> {{ ?x a ?c }} }}",
    "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(LANG(?l) = 'fr') }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g HAVING (COUNT(*) > 0) "
    "ORDER BY ?g LIMIT 100",
    "ASK { ?c rdfs:subClassOf+ cq:Certification }",
    "CONSTRUCT { ?c a owl:Class ; rdfs:label ?l } WHERE { ?c a owl:Class ; rdfs:label ?l }",
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{Graphs.CODELISTS}> {{ ?s ?p ?o }} }}",
]


def test_build_gives_same_graphs_as_embedded(remote_curated_store, curated_store):
    remote = graph_counts(remote_curated_store)
    assert remote == graph_counts(curated_store)
    assert remote[Graphs.INFERRED] > 0
    assert remote_curated_store.count() == curated_store.count()


def test_same_answers_as_embedded(remote_curated_store, curated_store):
    assert_same_answers(remote_curated_store, curated_store, QUERIES)


def test_terms_are_the_same_objects(remote_curated_store, curated_store):
    q = f"SELECT ?g ?n ?t WHERE {{ GRAPH <{Graphs.META}> {{ ?g void:triples ?n ; dct:title ?t }} }}"
    key = lambda r: (r["g"].value, r["t"].n3())  # noqa: E731
    assert sorted(remote_curated_store.select(q), key=key) == sorted(curated_store.select(q), key=key)
    assert remote_curated_store.values("SELECT ?c WHERE { ?c a owl:Class } ORDER BY ?c") == (
        curated_store.values("SELECT ?c WHERE { ?c a owl:Class } ORDER BY ?c")
    )


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_query_serialized_results(remote_curated_store, fmt):
    kind, data = remote_curated_store.query_serialized(
        "SELECT ?c WHERE { ?c a owl:Class } ORDER BY ?c LIMIT 3", fmt
    )
    assert kind == "select"
    assert b"Certification" in data or b"def#" in data
    kind, data = remote_curated_store.query_serialized("ASK { ?c a owl:Class }", "json")
    assert (kind, json.loads(data)["boolean"]) == ("ask", True)


def test_query_serialized_graph(remote_curated_store, curated_store):
    q = "CONSTRUCT { ?c a owl:Class } WHERE { ?c a owl:Class }"
    kind, data = remote_curated_store.query_serialized(q, "turtle")
    assert kind == "graph"
    g_remote = rdflib.Graph().parse(data=data, format="turtle")
    g_local = rdflib.Graph().parse(data=curated_store.query_serialized(q, "turtle")[1], format="turtle")
    assert to_isomorphic(g_remote) == to_isomorphic(g_local)


def test_quads_and_dump_match_embedded(remote_curated_store, curated_store):
    assert len(list(remote_curated_store.quads(Graphs.ONTOLOGY))) == curated_store.count(Graphs.ONTOLOGY)
    graphs = []
    for store in (remote_curated_store, curated_store):
        out = io.BytesIO()
        store.dump(out, "ntriples", Graphs.ONTOLOGY)
        graphs.append(to_isomorphic(rdflib.Graph().parse(data=out.getvalue(), format="nt")))
    assert graphs[0] == graphs[1]
    out = io.BytesIO()
    remote_curated_store.dump(out, "nquads")
    assert out.getvalue().count(b"\n") == curated_store.count()


def test_syntax_errors(remote_curated_store, curated_store):
    with pytest.raises(QuerySyntaxError) as err:
        remote_curated_store.select("SELECT ?s WHERE { ?s ?p }")
    assert err.value.status == 400 and "1:" in str(err.value)
    bad = "SELECT ?c WHERE { ?c a cq:CQPI ?x ."
    with pytest.raises(QuerySyntaxError) as remote_err:  # positions are those of the user's text
        remote_curated_store.select(bad)
    with pytest.raises(QuerySyntaxError) as local_err:
        curated_store.select(bad)
    position = str(local_err.value).split("error at ")[1].split(":")[:2]
    assert "error at " + ":".join(position) in str(remote_err.value)
    with pytest.raises(QuerySyntaxError):
        remote_curated_store.update("INSERT DATA { <urn:a> <urn:b> }")
    with pytest.raises(QuerySyntaxError, match="ASK"):
        remote_curated_store.ask("SELECT * WHERE { ?s ?p ?o }")


def test_unreachable_server_is_a_store_error(oxigraph_factory):
    server = oxigraph_factory()
    url = server.query_url
    server.stop()
    with pytest.raises(RemoteStoreError) as err:
        RemoteStore(url, timeout=5).select("SELECT * WHERE { ?s ?p ?o }")
    assert err.value.status is None and url in str(err.value)


def test_server_error_carries_status(oxigraph_factory):
    store = RemoteStore(oxigraph_factory().query_url)
    with pytest.raises(StoreError) as err:  # MOVE of a missing graph: a 500, not a syntax error
        store.update("MOVE GRAPH <urn:missing> TO GRAPH <urn:other>")
    assert err.value.status == 500 and "urn:missing" in err.value.server_message


def _snapshot(server) -> set[bytes]:
    return set(server.nquads().splitlines())


def _marked(server) -> set[bytes]:
    """Build, then mark the live graph so that any swap, even to equal data, would show."""
    build(endpoint=server.query_url, force=True)
    server.update(f'INSERT DATA {{ GRAPH <{Graphs.CURATED}> {{ <urn:x:marker> <urn:x:p> "v" }} }}')
    return _snapshot(server)


def test_failed_build_leaves_previous_graphs(oxigraph_factory, monkeypatch):
    server = oxigraph_factory()
    before = _marked(server)

    def boom(*args, **kwargs):
        raise RuntimeError("reasoner crashed")

    monkeypatch.setattr(build_mod, "run_inference", boom)
    with pytest.raises(RuntimeError, match="reasoner crashed"):
        build(endpoint=server.query_url, force=True)
    assert _snapshot(server) == before


def test_failed_upload_drops_staging(oxigraph_factory, monkeypatch):
    server = oxigraph_factory()
    before = _marked(server)
    real_upload = RemoteStore._upload
    calls = []

    def flaky(self, raw, graph, staging, scratch):
        calls.append(graph)
        if len(calls) == 3:
            raise RemoteStoreError("connection reset")
        real_upload(self, raw, graph, staging, scratch)

    monkeypatch.setattr(RemoteStore, "_upload", flaky)
    with pytest.raises(RemoteStoreError, match="connection reset"):
        build(endpoint=server.query_url, force=True)
    assert len(calls) == 3
    assert _snapshot(server) == before  # no staging graph left either


def test_failed_swap_is_atomic(oxigraph_factory, monkeypatch):
    """The swap request fails on the server after some MOVEs: Oxigraph rolls them all back."""
    server = oxigraph_factory()
    before = _marked(server)
    real_upload = RemoteStore._upload

    def skip_last(self, raw, graph, staging, scratch):
        if graph != Graphs.ONTOLOGY:  # the last MOVE will name a missing staging graph
            real_upload(self, raw, graph, staging, scratch)

    monkeypatch.setattr(RemoteStore, "_upload", skip_last)
    with pytest.raises(RemoteStoreError) as err:
        build(endpoint=server.query_url, force=True)
    assert err.value.status == 500
    assert _snapshot(server) == before


def test_import_writer_updates_only_what_changed(oxigraph_factory, monkeypatch):
    server = oxigraph_factory()
    build(endpoint=server.query_url, force=True)
    store = RemoteStore(server.query_url)
    uploaded = []
    real_upload = RemoteStore._upload

    def spy(self, raw, graph, staging, scratch):
        uploaded.append(graph)
        real_upload(self, raw, graph, staging, scratch)

    monkeypatch.setattr(RemoteStore, "_upload", spy)
    before = graph_counts(store)
    graph = Graphs.imported("test")
    with store.writer() as w:
        assert graph_counts(w) == before  # the write sees the server's graphs
        w.add_quads([("<urn:x:a>", "<http://www.w3.org/2000/01/rdf-schema#label>", '"a"@fr', graph)])
        record_graph(w, GraphRecord(graph, "Test", "Test", "test"))
        w.clear_graph(Graphs.INFERRED)
    assert sorted(uploaded) == sorted([graph, Graphs.META])  # the dropped graph needs no upload
    after = graph_counts(store)
    assert after[graph] == 1 and Graphs.INFERRED not in after
    assert after[Graphs.META] > before[Graphs.META]
    assert {g: n for g, n in after.items() if g not in (graph, Graphs.META)} == {
        g: n for g, n in before.items() if g not in (Graphs.META, Graphs.INFERRED)
    }
    assert store.select("SELECT ?l WHERE { <urn:x:a> rdfs:label ?l }")[0]["l"].lang == "fr"


def test_import_writer_failure_leaves_server_intact(oxigraph_factory):
    server = oxigraph_factory()
    before = _marked(server)
    store = RemoteStore(server.query_url)
    with pytest.raises(ValueError), store.writer() as w:
        w.clear_graph(Graphs.CURATED)
        raise ValueError("bad row")
    assert _snapshot(server) == before


def test_import_writer_needs_a_built_server(oxigraph_factory):
    store = RemoteStore(oxigraph_factory().query_url)
    with pytest.raises(StoreNotBuiltError), store.writer():
        pass


def test_union_modes_and_staging_graphs(oxigraph_factory, curated_store):
    """`dataset` (portable) and `server` modes; staging graphs stay out of sight and get swept."""
    server = oxigraph_factory("--union-default-graph")
    build(endpoint=server.query_url, force=True)
    stale = f"{STAGING}1-deadbeef/0"
    server.update(f"INSERT DATA {{ GRAPH <{stale}> {{ <urn:x:s> a <{OWL}Class> }} }}")
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?c a owl:Class }"
    expected = select_answers(curated_store, q)
    dataset = RemoteStore(server.query_url, union="dataset")
    assert stale not in dataset.graphs()
    assert select_answers(dataset, q) == expected
    build(endpoint=server.url, force=True)  # the next write sweeps the stale staging graph
    assert stale not in dataset._all_graphs()
    # a server whose default graph is the union (the staging graph would show there)
    assert_same_answers(RemoteStore(server.url, union="server"), curated_store, QUERIES)


def test_open_store_and_env(remote_curated_endpoint, monkeypatch, curated_store):
    monkeypatch.setenv("CQPI_ENDPOINT", remote_curated_endpoint)
    monkeypatch.setenv("CQPI_UNION_DEFAULT_GRAPH", "dataset")
    with open_store() as store:
        assert isinstance(store, RemoteStore) and store.union == "dataset"
        assert graph_counts(store) == graph_counts(curated_store)


def test_cli_query_and_stats(remote_curated_endpoint, curated_store_path):
    runner = CliRunner()
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?c a owl:Class }"
    remote = runner.invoke(main, ["--endpoint", remote_curated_endpoint, "query", q])
    local = runner.invoke(main, ["--store", str(curated_store_path), "query", q])
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output
    env = {"CQPI_ENDPOINT": remote_curated_endpoint}
    remote = runner.invoke(main, ["stats", "--format", "json"], env=env)
    local = runner.invoke(main, ["--store", str(curated_store_path), "stats", "--format", "json"])
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.output) == json.loads(local.output)
    bad = runner.invoke(main, ["--endpoint", remote_curated_endpoint, "query", "SELECT ?s WHERE {"])
    assert bad.exit_code == 2 and "erreur" in bad.output


def test_cli_build(oxigraph_factory, curated_store):
    server = oxigraph_factory()
    result = CliRunner().invoke(main, ["--endpoint", server.url, "build"])
    assert result.exit_code == 0, result.output
    assert server.query_url in result.output
    assert graph_counts(RemoteStore(server.url)) == graph_counts(curated_store)


def test_endpoint_layouts():
    assert derive_endpoints("http://h:7878") == (
        "http://h:7878/query",
        "http://h:7878/update",
        "http://h:7878/store",
    )
    assert derive_endpoints("http://h:3030/ds/sparql") == (
        "http://h:3030/ds/sparql",
        "http://h:3030/ds/update",
        "http://h:3030/ds/data",
    )
    assert derive_endpoints("http://h:3030/ds")[1:] == ("http://h:3030/ds", "http://h:3030/ds")
    store = RemoteStore("http://h/q", update_endpoint="http://h/u", graph_store="none")
    assert (store.update_url, store.graph_store_url) == ("http://h/u", None)


def test_query_text_helpers():
    assert query_form("# c\nPREFIX a: <x#>\nBASE <y>\n  construct {} WHERE {}") == "graph"
    assert query_form("ASK {}") == "ask" and query_form("INSERT DATA {}") is None
    text = inline_prefixes("SELECT * WHERE {\n ?c a cq:CQPI }")
    assert "\n" not in text.split("SELECT")[0] and "PREFIX cq:" in text
    assert inline_prefixes("PREFIX cq: <urn:x#> SELECT * { ?c a cq:X }").count("PREFIX") == 1
    assert "PREFIX" not in inline_prefixes("SELECT * { <urn:cq:x> ?p ?o }")


def test_without_graph_store_protocol(oxigraph_factory, curated_store, monkeypatch):
    """SPARQL only (CQPI_GRAPH_STORE=none): INSERT DATA to load, CONSTRUCT to read."""
    server = oxigraph_factory()
    endpoint = Endpoint(server.query_url, graph_store="none")
    build(endpoint=endpoint, force=True)
    store = open_store(endpoint=endpoint)
    assert store.graph_store_url is None
    assert graph_counts(store) == graph_counts(curated_store)
    assert_same_answers(store, curated_store, QUERIES)
    with store.writer() as w:
        w.load(b'<urn:x:a> <urn:x:p> "d\\u00e9j\\u00e0 \\"vu\\"\\n"@fr .', "ntriples", Graphs.imported("t"))
    assert store.values("SELECT ?o WHERE { <urn:x:a> ?p ?o }") == ['déjà "vu"\n']
    assert len(list(store.quads(Graphs.ONTOLOGY))) == curated_store.count(Graphs.ONTOLOGY)
