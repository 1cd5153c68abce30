"""The W3C SPARQL 1.1 Protocol and Service Description test suites (../shared/conformance/) run
against the Flask app, read from their manifests as they are.

Each protocol test is a list of HTTP requests (method, path, headers, body) with the status class,
result format and boolean each answer must have. The endpoint is read-only: an update request
must be refused (403, a 4xx: the "bad update" tests pass as written; the others expect 2xx and
are checked for the refusal instead, and the ASK that follows them is not run, since it checks
what the update wrote). The service description tests GET the endpoint without a query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import rdflib
from rdflib.collection import Collection
from webdata import web_app

from cqpi_graph.store import store_writer

SUITES = Path(__file__).resolve().parent.parent.parent / "shared" / "conformance"
PROTOCOL = SUITES / "sparql-protocol"
SERVICE_DESCRIPTION = SUITES / "sparql-service-description"
SHAPES = Path(__file__).resolve().parent / "data" / "service-description.shapes.ttl"

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")

RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_TYPES = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


@dataclass
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # "2xx", "3xx", "4xx"
    format: str | None  # "boolean", "tabular", "RDF"
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    exchanges: list[Exchange]
    graph_data: dict[str, Path] = field(default_factory=dict)  # graph IRI → file

    @property
    def is_update(self) -> bool:
        """An update operation, by the suite's own names (update_…, bad_update_…, bad_multiple_updates)."""
        return "update" in self.name


def _manifest(path: Path) -> tuple[rdflib.Graph, list[rdflib.term.Node]]:
    g = rdflib.Graph().parse(path / "manifest.ttl", format="turtle", publicID=path.as_uri() + "/manifest.ttl")
    manifest = next(g.subjects(rdflib.RDF.type, MF.Manifest))
    return g, list(Collection(g, g.value(manifest, MF.entries)))


def _exchange(g: rdflib.Graph, req: rdflib.term.Node) -> Exchange:
    headers = {}
    for h in Collection(g, g.value(req, HT.headers)) if g.value(req, HT.headers) else []:
        headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
    body_node = g.value(req, HT.body)
    body = None
    if body_node is not None:
        encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(g.value(body_node, CNT.chars)).encode(encoding)
    resp = g.value(req, HT.resp)
    statuses = {str(s).rsplit("StatusCode", 1)[-1].lower() for s in g.objects(resp, MF.expectedStatus)}
    fmt = g.value(resp, MF.expectedFormat)
    boolean = g.value(resp, MF.expectedBoolean)
    # The manifest's paths start with /sparql/; this endpoint is /sparql.
    path = str(g.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    return Exchange(
        str(g.value(req, HT.methodName)),
        path,
        headers,
        body,
        statuses,
        str(fmt) if fmt is not None else None,
        boolean.toPython() if boolean is not None else None,
    )


def protocol_tests() -> list[ProtocolTest]:
    if not (PROTOCOL / "manifest.ttl").is_file():
        return []
    g, entries = _manifest(PROTOCOL)
    out = []
    for entry in entries:
        action = g.value(entry, MF.action)
        requests = Collection(g, g.value(action, HT.requests))
        data = {}
        for gd in g.objects(entry, UT.graphData):
            data[str(g.value(gd, rdflib.RDFS.label))] = Path(urlsplit(str(g.value(gd, UT.graph))).path)
        out.append(
            ProtocolTest(
                str(entry).rsplit("#", 1)[-1],
                str(g.value(entry, MF.name)),
                [_exchange(g, r) for r in requests],
                data,
            )
        )
    return out


def service_description_tests() -> list[str]:
    if not (SERVICE_DESCRIPTION / "manifest.ttl").is_file():
        return []
    _, entries = _manifest(SERVICE_DESCRIPTION)
    return [str(e).rsplit("#", 1)[-1] for e in entries]


TESTS = protocol_tests()
SD_TESTS = service_description_tests()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The app on a store holding the suite's data, each file in the graph the manifest names."""
    if not TESTS:
        pytest.skip(f"{PROTOCOL} is missing")
    graphs = {iri: path for t in TESTS for iri, path in t.graph_data.items()}
    path = tmp_path_factory.mktemp("w3c") / "store"
    with store_writer(path, fresh=True) as store:
        for iri, file in sorted(graphs.items()):
            store.load(file, "ntriples", iri)
    with web_app(path) as application:
        yield application


def _send(client, ex: Exchange):  # noqa: ANN001, ANN202
    parts = urlsplit(ex.path)
    headers = {k: v for k, v in ex.headers.items() if k.lower() != "content-type"}
    ctype = next((v for k, v in ex.headers.items() if k.lower() == "content-type"), None)
    return client.open(
        parts.path,
        method=ex.method,
        query_string=parse_qsl(parts.query, keep_blank_values=True),
        headers=headers,
        data=ex.body,
        content_type=ctype,
    )


def _boolean(resp) -> bool:  # noqa: ANN001
    if resp.mimetype == "application/sparql-results+json":
        return resp.get_json()["boolean"]
    text = resp.get_data(as_text=True)
    assert "<boolean>" in text, text
    return text.split("<boolean>")[1].split("</boolean>")[0].strip() == "true"


def check(resp, ex: Exchange) -> None:  # noqa: ANN001
    assert f"{resp.status_code // 100}xx" in ex.statuses, (resp.status_code, resp.get_data(as_text=True))
    if ex.format == "boolean":
        assert resp.mimetype in BOOLEAN_TYPES, resp.mimetype
    elif ex.format == "tabular":
        assert resp.mimetype in RESULT_TYPES, resp.mimetype
    elif ex.format == "RDF":
        assert resp.mimetype in RDF_TYPES, resp.mimetype
        rdflib.Graph().parse(data=resp.get_data(), format=RDF_TYPES[resp.mimetype])
    if ex.boolean is not None:
        assert _boolean(resp) is ex.boolean


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.name)
def test_protocol(app, test: ProtocolTest) -> None:  # noqa: ANN001
    client = app.test_client()
    if test.is_update:
        # Read-only: the first request (the update) is refused; what follows checks its effect.
        resp = _send(client, test.exchanges[0])
        body = resp.get_data(as_text=True)
        if test.name.startswith("update_"):  # a valid update (by the suite's name): the refusal
            assert resp.status_code == 403 and "read-only" in body, (resp.status_code, body)
        else:  # a malformed one: any 4xx, as the suite says
            assert 400 <= resp.status_code < 500, (resp.status_code, body)
        return
    for ex in test.exchanges:
        check(_send(client, ex), ex)


def test_every_protocol_test_is_run() -> None:
    """The suite is read whole: 34 tests, 20 queries (13 valid, 7 malformed) and 14 updates (7 valid:
    refused as read-only; 7 malformed: a 4xx as the suite says)."""
    if not TESTS:
        pytest.skip(f"{PROTOCOL} is missing")
    assert len(TESTS) == 34
    updates = [t for t in TESTS if t.is_update]
    assert len(updates) == 14
    assert sum(t.name.startswith("update_") for t in updates) == 7


# ---------------------------------------------------------------- service description

RDF_ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/n-triples;q=0.8, */*;q=0.1"


def _description(app, accept: str | None) -> tuple[rdflib.Graph, str]:  # noqa: ANN001
    resp = app.test_client().get("/sparql", headers={"Accept": accept} if accept else {})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}[
        resp.mimetype
    ]
    return rdflib.Graph().parse(data=resp.get_data(), format=fmt), resp.mimetype


@pytest.mark.parametrize("name", SD_TESTS)
@pytest.mark.parametrize("accept", [None, RDF_ACCEPT, "application/rdf+xml", "*/*"])
def test_service_description(app, name: str, accept: str | None) -> None:  # noqa: ANN001
    g, mimetype = _description(app, accept)
    if name == "returns-rdf":
        assert len(g) > 0 and mimetype in RDF_TYPES
    elif name == "has-endpoint-triple":
        assert (None, SD.endpoint, rdflib.URIRef("http://localhost/sparql")) in g
    elif name == "conforms-to-schema":
        from pyshacl import validate

        conforms, _, report = validate(g, shacl_graph=rdflib.Graph().parse(SHAPES, format="turtle"))
        assert conforms, report
    else:
        pytest.fail(f"unknown service description test {name}")


def test_service_description_tests_are_all_known() -> None:
    if not SD_TESTS:
        pytest.skip(f"{SERVICE_DESCRIPTION} is missing")
    assert sorted(SD_TESTS) == ["conforms-to-schema", "has-endpoint-triple", "returns-rdf"]
