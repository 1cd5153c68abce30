"""The web view under abuse: a store whose every label is hostile HTML is rendered escaped on every
page; uploads are capped, type-checked and never written where a caller chooses; downloads and
static files cannot be left by any spelling of ../; security headers on every response; no stack
trace; no route accepts a write."""

from __future__ import annotations

import base64
import builtins
import csv
import io
import os
import re
import tempfile
from pathlib import Path

import pytest
from reliability import answers, live, record
from webdata import FIXTURE, ID, web_app

from cqpi_graph.build import build, run_inference
from cqpi_graph.cells import looks_like_formula
from cqpi_graph.store import store_writer

pytestmark = pytest.mark.reliability

# What must never reach a page as markup.
PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\\\"><svg/onload=alert(3)>'</title>"
MARKERS = ["<script>alert(1)", "<img src=x onerror", "<svg/onload", '"><svg']
TWEB, TWEBM = ID + "cqpi/TWEB", ID + "cqpm/TWEBM"


def hostile_fixture(dest: Path) -> Path:
    """The web fixture with every language-tagged label turned into an attack."""
    text = FIXTURE.read_text(encoding="utf-8")
    text = re.sub(r'"([^"\n]*)"@(fr|en)', lambda m: f'"{PAYLOAD}{m.group(1)}{PAYLOAD}"@{m.group(2)}', text)
    dest.write_text(text, encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("hostile")
    path = work / "store"
    build(path)
    with store_writer(path) as store:
        store.load(
            hostile_fixture(work / "hostile.ttl"), "turtle", "https://w3id.org/cqpi/graph/test/hostile"
        )
        run_inference(store)
    return path


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dl")
    (root / "secret.txt").write_text("TOPSECRET outside the downloads folder\n")
    d = root / "exports"
    d.mkdir()
    (d / "cqpi-graph.nq").write_text("<a:b> <a:b> <a:b> .\n")
    (d / "<img src=x onerror=alert(2)>.nq").write_text("<a:b> <a:b> <a:b> .\n")
    (d / ".hidden").write_text("TOPSECRET dotfile\n")
    (d / "link.txt").symlink_to(root / "secret.txt")
    return d


@pytest.fixture(scope="module")
def app(hostile_store: Path, downloads: Path):  # noqa: ANN201
    with web_app(hostile_store, DOWNLOADS_DIR=str(downloads)) as application:
        yield application


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


def assert_headers(resp, what: str) -> None:  # noqa: ANN001
    h = resp.headers
    csp = h.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp, what
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, what
    assert h.get("X-Content-Type-Options") == "nosniff", what
    assert h.get("X-Frame-Options") == "DENY", what
    assert h.get("Referrer-Policy"), what


def assert_inert(body: str, what: str) -> None:
    for marker in MARKERS:
        assert marker not in body, f"{what}: {marker!r} reached the page unescaped"


# ---------------------------------------------------------------- escaping, everywhere


def local_iris() -> list[str]:
    text = FIXTURE.read_text(encoding="utf-8")
    return sorted({"/resource/" + m.replace("\\/", "/") for m in re.findall(r"\bid:([\w\\/.-]+)", text)})


def pages() -> list[str]:
    q = "<script>alert(1)</script>"
    return [
        "/",
        "/?lang=en",
        "/search?q=TWEB",
        "/search?q=test",
        "/search?q=" + q,
        "/search?q=alert&lang=en",
        f"/paths?from={TWEBM}&to={TWEB}",
        f"/paths?from={TWEBM}",
        f"/paths?from={q}&to={TWEB}",
        f"/socle?cert={TWEB}&cert={TWEBM}&cert={ID}cert/RNCP99666",
        f"/socle?branch={ID}branche/test-chaussure",
        "/query?query=" + q,
        "/validate",
        "/downloads",
        "/resource?iri=" + q,
        "/resource/cqpi/" + q,
        "/nope/" + q,
        *local_iris(),
    ]


def test_hostile_labels_are_escaped_on_every_page(client) -> None:  # noqa: ANN001
    seen_payload = 0
    for url in pages():
        r = client.get(url)
        body = r.get_data(as_text=True)
        assert r.status_code in (200, 400, 404), (url, r.status_code)
        assert_inert(body, url)
        assert_headers(r, url)
        seen_payload += "&lt;script&gt;alert(1)" in body
        record("pages checked with hostile labels")
    assert seen_payload >= 10, "the hostile labels were not shown at all: the test proves nothing"
    # the path's steps and the heatmap are among them, with the labels in them
    body = client.get(f"/paths?from={TWEBM}&to={TWEB}").get_data(as_text=True)
    assert 'class="step' in body and "&lt;script&gt;" in body
    body = client.get(f"/socle?cert={TWEB}&cert={TWEBM}").get_data(as_text=True)
    assert 'id="heatmap"' in body and "&lt;script&gt;" in body


def test_json_for_the_dom_is_served_as_json_and_inserted_as_text(client) -> None:  # noqa: ANN001
    for url in ("/search/suggest?q=TWEB", "/search?q=TWEB&format=json", f"/paths?from={TWEBM}&format=json"):
        r = client.get(url)
        assert r.mimetype == "application/json" and r.headers["X-Content-Type-Options"] == "nosniff", url
        assert_headers(r, url)
    assert "<script>alert(1)" in client.get("/search/suggest?q=TWEB").get_data(as_text=True)  # data, as data
    root = Path(__file__).resolve().parent.parent / "web"
    for js in (root / "static" / "js").glob("*.js"):
        code = js.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in code, f"{js.name} writes HTML with {sink}"
    for tpl in root.rglob("*.html"):
        assert "|safe" not in tpl.read_text(encoding="utf-8").replace(" ", ""), tpl
    record("pages checked with hostile labels", 3)


def test_validation_report_of_a_hostile_upload_is_escaped(client) -> None:  # noqa: ANN001
    ttl = (
        "@prefix cq: <https://w3id.org/cqpi/def#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<https://w3id.org/cqpi/id/cqpi/EVIL> a cq:CQPI ; rdfs:label "{PAYLOAD}"@fr ; '
        f'cq:abbreviation "=HYPERLINK(\\"http://127.0.0.1:9/\\")" .\n'
    ).encode()
    r = client.post(
        "/validate",
        data={"file": (io.BytesIO(ttl), "<img src=x onerror=alert(2)>.ttl")},
        content_type="multipart/form-data",
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="report"' in body
    assert_inert(body, "validation page")
    assert_headers(r, "validation page")
    # the HTML report offered for download is escaped too, and its CSV has no live formula
    reports = {}
    for mime in ("text/html", "text/csv"):
        m = re.search(rf'href="data:{mime};charset=utf-8;base64,([^"]+)"', body)
        assert m, mime
        reports[mime] = base64.b64decode(m.group(1)).decode("utf-8")
    assert_inert(reports["text/html"], "downloaded HTML report")
    for row in csv.reader(io.StringIO(reports["text/csv"])):
        assert not any(looks_like_formula(c) for c in row), row
    record("pages checked with hostile labels", 3)


# ---------------------------------------------------------------- uploads


def upload(client, data: bytes, name: str):  # noqa: ANN001, ANN201
    return client.post(
        "/validate", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_uploads_are_capped_and_type_checked(client) -> None:  # noqa: ANN001
    cases = [
        (b"MZ\x90\x00", "evil.exe", 415),
        (b"#!/bin/sh\nrm -rf /\n", "evil.sh", 415),
        (b"<a:b> <a:b> <a:b> .\n", "noextension", 415),
        (b"PK\x03\x04polyglot", "ref.ttl", 415),
        (b"not a zip", "ref.xlsx", 415),
        (b"<a:b> <a:b> \x00 .\n", "ref.nt", 415),
        ("é".encode("latin-1") * 10, "ref.ttl", 415),
        (b"# padding\n" * 2_100, "big.ttl", 413),
        # under the cap: read; the converter never gives up, the report says what is wrong
        (b"x" * 19_999 + b"\n", "ref.csv", 200),
    ]
    for data, name, status in cases:
        r = upload(client, data, name)
        assert r.status_code == status, (name, r.status_code)
        assert "Traceback" not in r.get_data(as_text=True)
        if status == 200:
            assert "non conforme" in r.get_data(as_text=True)
        record("uploads refused (size or type)" if status in (413, 415) else "bad inputs tried (uploads)")
    # a body over the whole-request cap is refused before it is read
    r = client.post("/validate", data=b"x" * 6_000_000, content_type="multipart/form-data; boundary=x")
    assert r.status_code == 413
    record("uploads refused (size or type)")


def test_uploads_are_never_written_where_the_caller_chooses(app, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    written: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, mode="r", *a, **k):  # noqa: ANN001, ANN202
        if any(c in mode for c in "wax+"):
            written.append(os.path.abspath(str(file)))
        return real_open(file, mode, *a, **k)

    def spy_os_open(path, flags, *a, **k):  # noqa: ANN001, ANN202
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            written.append(os.path.abspath(str(path)))
        return real_os_open(path, flags, *a, **k)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    client = app.test_client()
    good = b'<https://w3id.org/cqpi/id/cqp/X> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\n'
    names = [
        "../../../../tmp/pwned.nt",
        "..\\..\\..\\pwned.nt",
        "/etc/cron.d/pwned.nt",
        "%2e%2e%2fpwned.nt",
        "....//....//pwned.nt",
        "pwned.nt\x00.png",
        "C:\\Windows\\pwned.nt",
    ]
    for name in names:
        r = upload(client, good, name)
        assert r.status_code in (200, 415), (name, r.status_code)
        assert "../" not in r.get_data(as_text=True).replace("&#39;", "'")
        record("uploads with hostile file names")
    monkeypatch.undo()
    tmp = os.path.realpath(tempfile.gettempdir())
    for path in written:
        real = os.path.realpath(path)
        assert real.startswith(tmp + os.sep), f"an upload wrote outside the temporary folder: {path}"
        parent = os.path.basename(os.path.dirname(real))
        assert parent.startswith("cqpi-upload-") and os.path.basename(real).startswith("referentiel."), path
        assert not os.path.exists(real), "an upload was left on disk"
    assert not Path(tmp, "pwned.nt").exists() and not Path("/etc/cron.d/pwned.nt").exists()


# ---------------------------------------------------------------- downloads and static files

TRAVERSALS = [
    "../secret.txt",
    "..%2fsecret.txt",
    "..%2Fsecret.txt",
    "%2e%2e%2fsecret.txt",
    "%2e%2e/secret.txt",
    "%252e%252e%252fsecret.txt",
    "..%5csecret.txt",
    "..\\secret.txt",
    "%c0%ae%c0%ae/secret.txt",
    "....//secret.txt",
    "..;/secret.txt",
    "secret.txt%00.nq",
    "%2fetc%2fpasswd",
    "/etc/passwd",
    "link.txt",
    ".hidden",
    "..",
    ".",
]


def test_no_path_traversal_in_downloads_or_static_files(client) -> None:  # noqa: ANN001
    listing = client.get("/downloads?format=json").get_json()["files"]
    assert {f["name"] for f in listing} == {"cqpi-graph.nq", "<img src=x onerror=alert(2)>.nq"}
    assert client.get("/downloads/cqpi-graph.nq").status_code == 200
    for bad in TRAVERSALS:
        for prefix in ("/downloads/", "/static/", "/static/vendor/yasgui/", "/downloads/x/"):
            r = client.get(prefix + bad)
            body = r.get_data()
            assert r.status_code in (404, 400, 308, 301), (prefix + bad, r.status_code)
            assert b"TOPSECRET" not in body and b"root:" not in body and b"create_app" not in body, (
                prefix + bad
            )
            if r.status_code in (301, 308):  # a redirect must stay inside the site
                assert r.headers["Location"].startswith(("/", "http://localhost/")), r.headers["Location"]
            record("path traversal attempts refused")


# ---------------------------------------------------------------- headers and errors


def test_security_headers_on_every_kind_of_response(client) -> None:  # noqa: ANN001
    responses = {
        "html": client.get("/"),
        "json": client.get("/search/suggest?q=TWEB"),
        "sparql": client.get("/sparql", query_string={"query": "ASK {}"}),
        "sparql error": client.get("/sparql", query_string={"query": "SELECT"}),
        "404": client.get("/nope"),
        "405": client.delete("/"),
        "413": client.post(
            "/validate", data=b"x" * 6_000_000, content_type="multipart/form-data; boundary=x"
        ),
        "static": client.get("/static/js/site.js"),
        "download": client.get("/downloads/cqpi-graph.nq"),
        "rdf": client.get("/resource/cqpi/TWEB", headers={"Accept": "text/turtle"}),
    }
    for what, r in responses.items():
        assert_headers(r, what)
        record("responses checked for security headers")


def test_errors_never_show_a_stack_trace(app, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import web.home
    import web.search

    assert not app.debug
    secret = "secret internal detail /srv/cqpi/web/home/__init__.py"

    def boom(*a: object, **k: object) -> list:
        raise RuntimeError(secret)

    monkeypatch.setattr(web.home, "get_index", boom)
    monkeypatch.setattr(web.search, "get_index", boom)
    client = app.test_client()
    for url, headers in (
        ("/", {}),
        ("/", {"Accept": "application/json"}),
        ("/search?q=x", {}),
        ("/search/suggest?q=xx", {"Accept": "application/json"}),
    ):
        r = client.get(url, headers=headers)
        body = r.get_data(as_text=True)
        assert r.status_code == 500, url
        assert "Traceback" not in body and secret not in body and 'File "' not in body, url
        assert_headers(r, url)
        record("errors checked for stack traces")
    monkeypatch.undo()
    # malformed requests are client errors, never a 500
    r = client.post("/validate", data=b"--x\r\nbroken", content_type="multipart/form-data; boundary=x")
    assert r.status_code == 400 and "Traceback" not in r.get_data(as_text=True)
    r = client.get("/search?limit=%00&q=%ff%fe")
    assert r.status_code in (200, 400)
    record("errors checked for stack traces", 2)


# ---------------------------------------------------------------- no write endpoint

READ_ONLY_POSTS = {("/sparql", "POST"), ("/validate", "POST")}  # a query; an upload checked in memory


def test_no_route_accepts_writes(app, hostile_store: Path) -> None:  # noqa: ANN001
    """The web view has no write endpoint: every route answers 405 to PUT/POST/DELETE/PATCH, but
    the two documented read-only POSTs, which leave the store as it was."""
    before, generation = answers(hostile_store), live(hostile_store)
    client = app.test_client()
    checked = 0
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        # a URL of this rule: each variable part filled with a value its converter accepts
        values = {}
        for arg in rule.arguments:
            conv = rule._converters[arg]
            values[arg] = next(iter(getattr(conv, "items", None) or ["x"]))
        url = adapter.build(rule.endpoint, values, method="GET" if "GET" in rule.methods else None)
        for method in ("PUT", "POST", "DELETE", "PATCH"):
            r = client.open(url, method=method, data=b"<a:b> <a:b> <a:b> .", content_type="text/turtle")
            if (rule.rule, method) in READ_ONLY_POSTS:
                assert r.status_code in (400, 403, 415), (url, method, r.status_code)
            else:
                assert r.status_code == 405, (url, method, r.status_code)
            checked += 1
        extra = rule.methods - {"GET", "HEAD", "OPTIONS"}
        allowed = {m for r_, m in READ_ONLY_POSTS if r_ == rule.rule}
        if rule.endpoint == "sparql.refuse_write":
            allowed |= {"PUT", "DELETE", "PATCH"}  # present only to answer 405 with Allow
        assert extra <= allowed, f"{rule.rule} accepts {extra - allowed}"
    # the read-only POSTs, used for real, change nothing
    client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    upload(client, b"<a:b> <a:b> <a:b> .\n", "ref.nt")
    assert answers(hostile_store) == before and live(hostile_store) == generation
    record("write attempts on routes refused", checked)
    record("data lost", 0)
