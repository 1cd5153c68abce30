"""Real SPARQL clients with their default settings against the web view served over HTTP on
127.0.0.1: SPARQLWrapper for every query form in every format it offers, rdflib's SPARQLStore,
and rdflib reading a resource URL as RDF/XML (following the 303 of /id/…)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from webdata import ID, build_web_store, serving, web_app

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

TWEB = ID + "cqpi/TWEB"
LABEL = (rdflib.URIRef(TWEB), rdflib.RDFS.label, rdflib.Literal("Conducteur de tests web", lang="fr"))
PREFIX = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
QUERIES = {
    "SELECT": PREFIX + f"SELECT ?l WHERE {{ <{TWEB}> rdfs:label ?l }} ORDER BY ?l",
    "ASK": PREFIX + f"ASK {{ <{TWEB}> rdfs:label ?l }}",
    "CONSTRUCT": PREFIX + f"CONSTRUCT {{ <{TWEB}> rdfs:label ?l }} WHERE {{ <{TWEB}> rdfs:label ?l }}",
    "DESCRIBE": f"DESCRIBE <{TWEB}>",
}
# Every return format SPARQLWrapper offers (SPARQLWrapper.Wrapper._allowedFormats).
FORMATS = ["json", "xml", "turtle", "n3", "rdf", "rdf+xml", "csv", "tsv", "json-ld"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app behind a real HTTP server (werkzeug, threaded) on a free 127.0.0.1 port."""
    from werkzeug.serving import make_server

    store: Path = build_web_store(tmp_path_factory.mktemp("clients") / "store")
    with web_app(store) as app, serving(make_server("127.0.0.1", 0, app, threaded=True)) as port:
        yield f"http://127.0.0.1:{port}"


def _wrapper(url: str, query: str, fmt: str):  # noqa: ANN202
    from SPARQLWrapper import SPARQLWrapper as Wrapper

    client = Wrapper(url + "/sparql")  # default settings: GET, format/output/results parameters
    client.setQuery(query)
    client.setReturnFormat(fmt)
    with warnings.catch_warnings():  # it warns that it sends Accept: */* for some pairs
        warnings.simplefilter("ignore", RuntimeWarning)
        return client.query()


def _check_select(result, fmt: str) -> None:  # noqa: ANN001
    data = result.convert()
    ctype = result._get_responseFormat()  # noqa: SLF001 - what SPARQLWrapper understood
    if isinstance(data, dict):
        assert [b["l"]["value"] for b in data["results"]["bindings"]][0] == "Conducteur de tests web"
    elif isinstance(data, bytes):
        assert b"Conducteur de tests web" in data, (fmt, ctype)
    else:  # an XML DOM
        assert "Conducteur de tests web" in data.toxml()


def _check_ask(result, fmt: str) -> None:  # noqa: ANN001
    data = result.convert()
    if isinstance(data, dict):
        assert data["boolean"] is True
    elif isinstance(data, bytes):
        assert data.strip().lower() == b"true", data
    else:
        assert "<boolean>true</boolean>" in data.toxml()


def _check_graph(result, fmt: str) -> None:  # noqa: ANN001
    data = result.convert()
    if isinstance(data, bytes):  # turtle, n3, csv and tsv come as bytes: parse them as what they say
        ctype = result.response.headers["Content-Type"].split(";")[0]
        kind = {"text/turtle": "turtle", "text/n3": "n3", "application/n-triples": "nt"}[ctype]
        data = rdflib.Graph().parse(data=data, format=kind)
    assert isinstance(data, rdflib.Graph), (fmt, type(data))
    assert LABEL in data, fmt


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("form", list(QUERIES))
def test_sparqlwrapper_default_settings(server: str, form: str, fmt: str) -> None:
    result = _wrapper(server, QUERIES[form], fmt)
    assert result.response.status == 200
    {"SELECT": _check_select, "ASK": _check_ask}.get(form, _check_graph)(result, fmt)


def test_sparqlwrapper_post_and_errors(server: str) -> None:
    from SPARQLWrapper import JSON, POST
    from SPARQLWrapper import SPARQLWrapper as Wrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = Wrapper(server + "/sparql")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(QUERIES["SELECT"])
    assert client.query().convert()["results"]["bindings"]
    client.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed, match="syntaxe"):
        client.query()


def test_rdflib_sparqlstore_default_settings(server: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = rdflib.Graph(store=SPARQLStore(server + "/sparql"))
    rows = list(g.query(QUERIES["SELECT"]))
    assert [str(r[0]) for r in rows][0] == "Conducteur de tests web"
    assert g.query(QUERIES["ASK"]).askAnswer is True
    for form in ("CONSTRUCT", "DESCRIBE"):
        assert LABEL in g.query(QUERIES[form]).graph, form
    assert LABEL in set(g.triples((rdflib.URIRef(TWEB), rdflib.RDFS.label, None)))
    assert len(g) > 0


@pytest.mark.parametrize("path", ["/resource/cqpi/TWEB", "/id/cqpi/TWEB", "/resource/cqpi/TWEB.rdf"])
def test_rdflib_reads_rdfxml_from_a_resource_url(server: str, path: str) -> None:
    g = rdflib.Graph().parse(server + path, format="xml")  # sends Accept: application/rdf+xml
    assert LABEL in g
    g = rdflib.Graph().parse(server + path)  # rdflib's own Accept, format from the answer
    assert LABEL in g
