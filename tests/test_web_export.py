"""The exports in the web view: schema.org JSON-LD embedded in certification pages (and its
escaping), the schema.org and ELM twins, /.well-known/void, and /downloads after
`write_downloads` / `cqpi export --all`."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import VOID
from webdata import ID, build_web_store

from cqpi_graph.build import build
from cqpi_graph.export.downloads import write_downloads
from cqpi_graph.store import open_store
from web import create_app

TWEB = ID + "cqpi/TWEB"
HOSTILE = ID + "cert/RNCP99666"  # its label: <script>alert('xss')</script> & <b>Titre piégé</b>
EXPORT_FIXTURE = Path(__file__).parent / "data" / "export_fixture.ttl"
LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_web_store(tmp_path_factory.mktemp("webexport") / "store")


@pytest.fixture(scope="module")
def downloads_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


def make_app(store: Path, downloads: Path | None = None):  # noqa: ANN201
    config = {"CQPI_STORE": str(store), "SPARQL_TIMEOUT": 3.0}
    if downloads is not None:
        config["DOWNLOADS_DIR"] = str(downloads)
    return create_app(config)


@pytest.fixture(scope="module")
def app(web_store: Path, downloads_dir: Path):  # noqa: ANN201
    application = make_app(web_store, downloads_dir)
    yield application
    pool = application.extensions.get("cqpi_sparql_pool")
    if pool:
        pool.close()


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@pytest.fixture(scope="module")
def written(web_store: Path, downloads_dir: Path) -> list[Path]:
    store = open_store(web_store)
    try:
        return write_downloads(store, downloads_dir, base_url="https://cqpi.example.org")
    finally:
        store.close()


def embedded(body: str) -> list[str]:
    return LD_SCRIPT.findall(body)


# ---------------------------------------------------------------- schema.org in the page


def test_certification_page_embeds_parseable_schemaorg_jsonld(client) -> None:  # noqa: ANN001
    body = client.get("/resource/cqpi/TWEB").get_data(as_text=True)
    scripts = embedded(body)
    assert len(scripts) == 1
    obj = json.loads(scripts[0])
    assert obj["@type"] == "EducationalOccupationalCredential" and obj["@id"] == TWEB
    assert obj["name"] == "Conducteur de tests web"
    assert {c["name"] for c in obj["competencyRequired"]} >= {"Vérifier les approvisionnements"}
    # the same object read as RDF (schema.org context given inline: no network)
    obj["@context"] = {"@vocab": "https://schema.org/"}
    g = rdflib.Graph().parse(data=json.dumps(obj), format="json-ld")
    assert (
        rdflib.URIRef(TWEB),
        rdflib.RDF.type,
        rdflib.URIRef("https://schema.org/EducationalOccupationalCredential"),
    ) in g
    # and the page links its machine-readable twins
    assert 'href="/resource/cqpi/TWEB.schema.jsonld"' in body


def test_hostile_label_cannot_break_out_of_the_script(client) -> None:  # noqa: ANN001
    body = client.get("/resource/cert/RNCP99666").get_data(as_text=True)
    scripts = embedded(body)
    assert len(scripts) == 1
    raw = scripts[0]
    # nothing inside the element that the HTML parser could read as markup
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\\u003c/script\\u003e" in raw
    obj = json.loads(raw)
    assert obj["name"] == "<script>alert('xss')</script> & <b>Titre piégé</b>"
    assert "<svg onload=alert(2)>compétence</svg>" in {c["name"] for c in obj["competencyRequired"]}
    # the rest of the page escapes it as HTML: only our own script elements
    assert "<script>alert" not in body
    assert body.count("<script") == body.count("</script>")


def test_script_json_escapes_every_special_character() -> None:
    from web.resource.profiles import script_json

    text = str(script_json({"a": "</script><!-- & \u2028"}))
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_non_certification_pages_have_no_schemaorg(client) -> None:  # noqa: ANN001
    body = client.get("/resource/branche/test-chaussure").get_data(as_text=True)
    assert embedded(body) == []
    r = client.get("/resource/branche/test-chaussure.schema.jsonld")
    assert r.status_code == 404 and r.is_json


def test_schemaorg_twin_by_suffix_and_by_profile(client) -> None:  # noqa: ANN001
    for url in (
        "/resource/cqpi/TWEB.schema.jsonld",
        "/resource/cqpi/TWEB?profile=schemaorg",
        f"/resource?iri={TWEB}&profile=schemaorg",
    ):
        r = client.get(url)
        assert r.status_code == 200 and r.mimetype == "application/ld+json", url
        assert r.get_json(force=True)["@id"] == TWEB
    assert client.get("/resource/cqpi/TWEB?profile=nope").status_code == 404
    assert client.get("/resource/cqpi/NOPE.schema.jsonld").status_code == 404


def test_elm_twin_says_what_is_missing(client) -> None:  # noqa: ANN001
    r = client.get("/resource/cqpi/TWEB.elm.ttl")
    assert r.status_code == 404
    assert "awardingBody" in r.get_json()["missing"]
    assert "ELM : " in client.get("/resource/cqpi/TWEB").get_data(as_text=True)


def test_elm_twin_of_a_complete_certification(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(store, extra_data=[EXPORT_FIXTURE])
    client = make_app(store).test_client()
    body = client.get("/resource/cert/RNCP99901").get_data(as_text=True)
    assert 'href="/resource/cert/RNCP99901.elm.ttl"' in body
    r = client.get("/resource/cert/RNCP99901.elm.ttl")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=r.get_data(as_text=True), format="turtle")
    elm_q = rdflib.URIRef("http://data.europa.eu/snb/model/elm/Qualification")
    assert (rdflib.URIRef(ID + "cert/RNCP99901"), rdflib.RDF.type, elm_q) in g
    r = client.get("/resource/cert/RNCP99901.elm.jsonld")
    assert r.status_code == 200 and r.mimetype == "application/ld+json"
    assert len(rdflib.Graph().parse(data=r.get_data(as_text=True), format="json-ld")) == len(g)


# ---------------------------------------------------------------- /.well-known/void


def void_graph(resp, fmt: str) -> rdflib.Graph:  # noqa: ANN001
    return rdflib.Graph().parse(data=resp.get_data(as_text=True), format=fmt)


def test_void_turtle_by_default_with_counts_and_endpoint(client, web_store: Path) -> None:  # noqa: ANN001
    r = client.get("/.well-known/void", base_url="https://cqpi.example.org")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = void_graph(r, "turtle")
    ds = rdflib.URIRef("https://cqpi.example.org/.well-known/void#dataset")
    assert (ds, VOID.sparqlEndpoint, rdflib.URIRef("https://cqpi.example.org/sparql")) in g
    store = open_store(web_store)
    try:
        total, graphs = store.count(), {g_: store.count(g_) for g_ in store.graphs()}
    finally:
        store.close()
    assert int(g.value(ds, VOID.triples)) == total
    subsets = {str(s): int(g.value(s, VOID.triples)) for s in g.objects(ds, VOID.subset)}
    assert subsets == graphs


@pytest.mark.parametrize(
    ("how", "mime", "fmt"),
    [
        ({"headers": {"Accept": "application/ld+json"}}, "application/ld+json", "json-ld"),
        ({"headers": {"Accept": "application/n-triples"}}, "application/n-triples", "nt"),
        ({"headers": {"Accept": "text/html,*/*;q=0.8"}}, "text/turtle", "turtle"),
        ({"path": "/.well-known/void.jsonld"}, "application/ld+json", "json-ld"),
        ({"path": "/.well-known/void.nt"}, "application/n-triples", "nt"),
        ({"path": "/.well-known/void.ttl"}, "text/turtle", "turtle"),
        ({"path": "/.well-known/void.rdf"}, "application/rdf+xml", "xml"),
        ({"headers": {"Accept": "application/rdf+xml"}}, "application/rdf+xml", "xml"),
    ],
)
def test_void_formats(client, how: dict, mime: str, fmt: str) -> None:  # noqa: ANN001
    r = client.get(how.get("path", "/.well-known/void"), headers=how.get("headers", {}))
    assert r.status_code == 200 and r.mimetype == mime
    g = void_graph(r, fmt)
    assert (
        rdflib.URIRef("http://localhost/.well-known/void#dataset"),
        VOID.sparqlEndpoint,
        rdflib.URIRef("http://localhost/sparql"),
    ) in g


def test_void_406_and_linked_data_headers(client) -> None:  # noqa: ANN001
    r = client.get("/.well-known/void", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.get_data(as_text=True)
    r = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert r.headers["Content-Location"] == "/.well-known/void.jsonld" and "Accept" in r.headers["Vary"]
    assert '</.well-known/void.rdf>; rel="alternate"; type="application/rdf+xml"' in r.headers["Link"]


def test_void_lists_the_dumps_of_the_downloads_folder(client, written: list[Path]) -> None:  # noqa: ANN001
    g = void_graph(client.get("/.well-known/void"), "turtle")
    dumps = {str(o) for o in g.objects(None, VOID.dataDump)}
    assert dumps == {
        f"http://localhost/downloads/{p.name}" for p in written if p.name.startswith("cqpi-graph.")
    }
    assert len(dumps) == 3


def test_void_conforms_to_the_mandatory_dcat_ap_shapes(  # noqa: ANN001
    web_store: Path, written: list[Path], downloads_dir: Path, shared_data: Path
) -> None:
    """The live description (dumps of the downloads folder listed) against the official
    DCAT-AP 3.0.1 shapes, unmodified; the publisher set in the configuration."""
    import pyshacl
    from rdflib.namespace import FOAF, SH

    app = make_app(web_store, downloads_dir)
    app.config.update(PUBLISHER_NAME="Opérateur d'essai", CONTACT_EMAIL="contact@example.org")
    try:
        r = app.test_client().get("/.well-known/void", base_url="https://cqpi.example.org")
    finally:
        pool = app.extensions.get("cqpi_sparql_pool")
        if pool:
            pool.close()
    g = void_graph(r, "turtle")
    shapes = rdflib.Graph()
    for name in ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl"):
        shapes.parse(shared_data.parent / "conformance" / "dcat-ap" / name, format="turtle")
    _, report, _ = pyshacl.validate(g, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert [
        r for r in report.objects(None, SH.result) if report.value(r, SH.resultSeverity) == SH.Violation
    ] == []
    agent = rdflib.URIRef("https://cqpi.example.org/.well-known/void#publisher")
    assert str(g.value(agent, FOAF.name)) == "Opérateur d'essai"


def test_home_and_downloads_link_the_void_and_downloads(client) -> None:  # noqa: ANN001
    home = client.get("/").get_data(as_text=True)
    assert 'href="/.well-known/void"' in home and 'href="/downloads"' in home
    assert 'href="/.well-known/void"' in client.get("/downloads").get_data(as_text=True)


# ---------------------------------------------------------------- downloads


def test_write_downloads_writes_every_profile(written: list[Path], downloads_dir: Path) -> None:
    names = [p.name for p in written]
    assert names == [
        "cqpi-graph.nq",
        "cqpi-graph.trig",
        "cqpi-graph.ttl",
        "cqpi-elm.ttl",
        "cqpi-elm.jsonld",
        "cqpi-elm-report.json",
        "cqpi-schemaorg.jsonld",
        "cqpi-rncp-v4.1.xml",
        "cqpi-void.ttl",
        "SHA256SUMS",
    ]
    sums = (downloads_dir / "SHA256SUMS").read_text().splitlines()
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((downloads_dir / name).read_bytes()).hexdigest() == digest
    assert json.loads((downloads_dir / "cqpi-elm-report.json").read_text())["excluded"]
    assert json.loads((downloads_dir / "cqpi-schemaorg.jsonld").read_text())["@graph"]


def test_downloads_listed_with_format_size_date_checksum(client, written: list[Path]) -> None:  # noqa: ANN001
    files = {f["name"]: f for f in client.get("/downloads?format=json").get_json()["files"]}
    assert set(files) == {p.name for p in written}
    nq = files["cqpi-graph.nq"]
    path = next(p for p in written if p.name == "cqpi-graph.nq")
    assert nq["size"] == path.stat().st_size and nq["format"] == "N-Quads"
    assert nq["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert re.match(r"^\d{4}-\d\d-\d\dT", nq["modified"]) and nq["url"] == "/downloads/cqpi-graph.nq"
    html = client.get("/downloads").get_data(as_text=True)
    assert "cqpi-schemaorg.jsonld" in html and "N-Quads" in html and nq["sha256"][:16] in html


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("cqpi-graph.nq", "application/n-quads"),
        ("cqpi-graph.trig", "application/trig"),
        ("cqpi-graph.ttl", "text/turtle"),
        ("cqpi-elm.jsonld", "application/ld+json"),
        ("cqpi-elm-report.json", "application/json"),
        ("cqpi-rncp-v4.1.xml", "application/xml"),
        ("SHA256SUMS", "text/plain"),
    ],
)
def test_downloads_served_with_their_media_type(client, written: list[Path], name: str, mime: str) -> None:  # noqa: ANN001
    r = client.get(f"/downloads/{name}")
    assert r.status_code == 200 and r.mimetype == mime
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.get_data() == next(p for p in written if p.name == name).read_bytes()


def test_downloads_refuse_unknown_and_traversal(client, written: list[Path], downloads_dir: Path) -> None:  # noqa: ANN001
    (downloads_dir / ".hidden").write_text("secret")
    for bad in (
        "/downloads/nope.nq",
        "/downloads/.hidden",
        "/downloads/..%2F..%2Fstore",
        "/downloads/../web/__init__.py",
        "/downloads/%2Fetc%2Fpasswd",
        "/downloads/..",
        "/downloads/cqpi-graph.nq%00.txt",
    ):
        assert client.get(bad).status_code == 404, bad


def test_gzipped_dumps_replace_plain_ones(web_store: Path, tmp_path: Path) -> None:
    store = open_store(web_store)
    try:
        write_downloads(store, tmp_path, compress=False)
        (tmp_path / "notes.txt").write_text("kept")
        names = {p.name for p in write_downloads(store, tmp_path, compress=True)}
    finally:
        store.close()
    assert "cqpi-graph.nq.gz" in names and not (tmp_path / "cqpi-graph.nq").exists()
    assert (tmp_path / "notes.txt").read_text() == "kept"
    data = gzip.decompress((tmp_path / "cqpi-graph.nq.gz").read_bytes())
    assert len(data.splitlines()) > 100
    client = make_app(web_store, tmp_path).test_client()
    r = client.get("/downloads/cqpi-graph.nq.gz")
    assert r.status_code == 200 and r.mimetype == "application/gzip"
    assert "Content-Encoding" not in r.headers


def test_cli_export_all(web_store: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cqpi_graph.cli import main

    out = tmp_path / "dl"
    result = CliRunner().invoke(
        main,
        [
            "--store",
            str(web_store),
            "export",
            "--all",
            "-o",
            str(out),
            "--base-url",
            "https://cqpi.example.org",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "SHA256SUMS").is_file() and (out / "cqpi-void.ttl").is_file()
    void = (out / "cqpi-void.ttl").read_text()
    assert "https://cqpi.example.org/downloads/cqpi-graph.nq" in void
    bad = CliRunner().invoke(main, ["--store", str(web_store), "export", "--all", "--profile", "elm"])
    assert bad.exit_code == 2
