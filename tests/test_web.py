"""Route tests of the web view with Flask's test client: every page, every content type of /sparql,
content negotiation, bad input, escaping and security headers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import rdflib
from webdata import FIXTURE, FIXTURE_GRAPH, ID, web_fixtures

from web import create_app

TWEB = ID + "cqpi/TWEB"
XSS = "<script>alert('xss')</script>"


web_store, app, client = web_fixtures()


def text(resp) -> str:  # noqa: ANN001
    return resp.get_data(as_text=True)


# ---------------------------------------------------------------- pages, language, labels


def test_home_is_french_by_default_and_lists_cqpi_and_branches(client) -> None:  # noqa: ANN001
    r = client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    body = text(r)
    assert '<html lang="fr">' in body and "Recherche" in body
    assert "Conducteur de tests web" in body and "Branche test de la chaussure" in body
    assert 'rel="alternate" type="application/json"' in body
    data = client.get("/", headers={"Accept": "application/json"}).get_json()
    assert data["counts"]["cqpi"] >= 1 and any(x["iri"] == TWEB for x in data["cqpi"])


def test_english_by_parameter_and_cookie_french_by_default(client) -> None:  # noqa: ANN001
    r = client.get("/?lang=en")
    assert '<html lang="en">' in text(r) and "Web test operator" in text(r)
    assert "lang=en" in r.headers.get("Set-Cookie", "")
    assert '<html lang="en">' in text(client.get("/search"))  # the cookie keeps the choice
    fresh = client.application.test_client()
    # French by default, whatever the browser's language: English is the user's explicit choice.
    assert '<html lang="fr">' in text(fresh.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert '<html lang="fr">' in text(fresh.get("/", headers={"Accept-Language": "fr-FR,en;q=0.5"}))


def test_label_falls_back_from_english_to_french_then_code(client) -> None:  # noqa: ANN001
    body = text(client.get("/resource/cqpi/TWEB?lang=en"))
    assert "<h1>Web test operator</h1>" in body
    assert "Préparer la production" in body  # bloc with a French label only


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search",
        "/search?q=tweb",
        "/paths",
        "/socle",
        "/query",
        "/validate",
        "/downloads",
        "/resource/cqpi/TWEB",
        "/resource/bloc/TWEBBC01",
        "/resource/branche/test-chaussure",
        "/resource/org/test-cpne",
        "/resource/rome/H2102",
        "/resource/competence/TWEB-1",
        "/resource?iri=https%3A%2F%2Fw3id.org%2Fcqpi%2Fdef%23CQPI",
    ],
)
def test_every_page_answers_html_with_security_headers(client, url: str) -> None:  # noqa: ANN001
    r = client.get(url)
    assert r.status_code == 200, url
    assert r.mimetype == "text/html"
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------- search


def test_search_html_and_json(client) -> None:  # noqa: ANN001
    body = text(client.get("/search?q=conducteur+tests"))
    assert "Conducteur de tests web" in body and 'href="/resource/cqpi/TWEB"' in body
    data = client.get("/search?q=conducteur+tests", headers={"Accept": "application/json"}).get_json()
    assert data["results"][0]["iri"] == TWEB and data["results"][0]["url"] == "/resource/cqpi/TWEB"
    assert client.get("/search?q=conducteur+tests&format=json").get_json()["total"] >= 1


@pytest.mark.parametrize(
    "q, iri",
    [
        ("RNCP99902", ID + "cert/RNCP99902"),
        ("TWEBBC01", ID + "bloc/TWEBBC01"),
        ("H2102", ID + "rome/H2102"),
        ("9991", ID + "branche/test-chaussure"),
        ("navigateur", TWEB),
        ("tweb", TWEB),
        ("regler l'installation", ID + "competence/TWEB-2"),
    ],
)
def test_search_labels_alt_labels_and_codes(client, q: str, iri: str) -> None:  # noqa: ANN001
    data = client.get("/search/suggest", query_string={"q": q}).get_json()
    assert data["results"] and data["results"][0]["iri"] == iri, data


def test_search_filters(client) -> None:  # noqa: ANN001
    def iris(**params: str) -> set[str]:
        return {
            x["iri"]
            for x in client.get("/search", query_string={"format": "json", **params}).get_json()["results"]
        }

    assert iris(q="test", type="CQPI") == {TWEB}
    assert ID + "cqpm/TWEBM" in iris(q="test", type="CQP")
    assert iris(q="titre", level="4") == {ID + "cert/RNCP99902"}
    assert iris(q="titre", active="false") == {ID + "cert/RNCP99901"}
    assert TWEB in iris(branch=ID + "branche/test-plasturgie")
    assert ID + "cqpm/TWEBM" not in iris(branch=ID + "branche/test-plasturgie")


# ---------------------------------------------------------------- resource pages


def test_certification_page_shows_every_section(client) -> None:  # noqa: ANN001
    body = text(client.get("/resource/cqpi/TWEB"))
    for expected in (
        "CQP interbranches (CQPI)",
        "Niveau 3",
        "CPNE de test",
        "Branche test de la plasturgie",
        'id="blocs"',
        "TWEBBC01",
        "Vérifier les approvisionnements",
        'id="referentiel"',
        "Préparation de la ligne de production",
        "Les matières sont conformes au dossier de fabrication",
        "En situation de travail",
        'id="recognitions"',
        "Dispense",
        "Conduire la ligne",
        'id="proximity"',
        "n'est pas une équivalence juridique",
        'id="shared"',
        "CQPM de test de conduite",
        "Conduite d'équipement de production alimentaire",
        'id="provenance"',
        "test/web",
        "inferred",
        'rel="alternate" type="text/turtle" href="/resource/cqpi/TWEB.ttl"',
        'type="application/ld+json"',
        'type="application/n-triples"',
    ):
        assert expected.replace("'", "&#39;") in body or expected in body, expected


def test_succession_is_shown_both_ways(client) -> None:  # noqa: ANN001
    assert "Nouveau titre de test" in text(client.get("/resource/cert/RNCP99901"))
    assert "Ancien titre de test" in text(client.get("/resource/cert/RNCP99902"))


@pytest.mark.parametrize(
    "accept, suffix, mime, rdflib_format",
    [
        ("text/turtle", ".ttl", "text/turtle", "turtle"),
        ("application/ld+json", ".jsonld", "application/ld+json", "json-ld"),
        ("application/n-triples", ".nt", "application/n-triples", "nt"),
    ],
)
def test_resource_is_dereferenceable(client, accept: str, suffix: str, mime: str, rdflib_format: str) -> None:  # noqa: ANN001
    for r in (
        client.get("/resource/cqpi/TWEB", headers={"Accept": accept}),
        client.get("/resource/cqpi/TWEB" + suffix),
        client.get("/id/cqpi/TWEB", headers={"Accept": accept}, follow_redirects=True),
    ):
        assert r.status_code == 200 and r.mimetype == mime
        g = rdflib.Graph().parse(data=r.get_data(), format=rdflib_format)
        assert (
            rdflib.URIRef(TWEB),
            rdflib.RDFS.label,
            rdflib.Literal("Conducteur de tests web", lang="fr"),
        ) in g
    browser = client.get(
        "/resource/cqpi/TWEB", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert browser.mimetype == "text/html" and "Accept" in browser.headers["Vary"]


def test_unknown_resource_is_404_with_near_matches(client) -> None:  # noqa: ANN001
    r = client.get("/resource/cqpi/TWEX")
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert 'href="/resource/cqpi/TWEB"' in text(r)
    r = client.get("/resource/cqpi/TWEX", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and TWEB in r.get_json()["suggestions"]


def test_unknown_page_is_404_without_trace(client) -> None:  # noqa: ANN001
    r = client.get("/nope")
    assert r.status_code == 404 and "Traceback" not in text(r)


def test_errors_never_show_a_stack_trace(app, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import web.home

    def boom(holder: object) -> list:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(web.home, "get_index", boom)
    r = app.test_client().get("/")
    assert r.status_code == 500
    assert "Traceback" not in text(r) and "secret internal detail" not in text(r)


# ---------------------------------------------------------------- escaping


def test_labels_with_html_are_escaped_everywhere(client) -> None:  # noqa: ANN001
    pages = [
        "/resource/cert/RNCP99666",
        "/search?q=piégé",
        "/resource/cqpi/TWEB",
        "/resource/branche/test-chaussure",
        "/socle?cert=" + ID + "cert/RNCP99666&cert=" + TWEB,
        "/resource/competence/XSS-1",
    ]
    for url in pages:
        body = text(client.get(url))
        assert XSS not in body and "<svg onload" not in body and "<img src=x" not in body, url
        assert "<b>Titre piégé</b>" not in body
    assert "&lt;script&gt;alert(" in text(client.get("/resource/cert/RNCP99666"))
    r = client.get("/search/suggest?q=piégé")
    assert r.mimetype == "application/json" and r.headers["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------- SPARQL endpoint

SELECT = "SELECT ?l WHERE { <https://w3id.org/cqpi/id/cqpi/TWEB> rdfs:label ?l } ORDER BY ?l"
CONSTRUCT = (
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { VALUES ?s { <https://w3id.org/cqpi/id/cqpi/TWEB> } "
    "?s rdfs:label ?l }"
)
RESULT_MIMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_MIMES = {"turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples"}


@pytest.mark.parametrize("fmt", list(RESULT_MIMES))
@pytest.mark.parametrize("how", ["accept", "format", "post-form", "post-direct"])
def test_sparql_select_every_format(client, fmt: str, how: str) -> None:  # noqa: ANN001
    mime = RESULT_MIMES[fmt]
    if how == "accept":
        r = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": mime})
    elif how == "format":
        r = client.get("/sparql", query_string={"query": SELECT, "format": fmt})
    elif how == "post-form":
        r = client.post("/sparql", data={"query": SELECT}, headers={"Accept": mime})
    else:
        r = client.post(
            "/sparql", data=SELECT.encode(), content_type="application/sparql-query", headers={"Accept": mime}
        )
    assert r.status_code == 200, text(r)
    assert r.mimetype == mime
    assert "Conducteur de tests web" in text(r)
    if fmt == "json":
        assert len(r.get_json()["results"]["bindings"]) == 2


@pytest.mark.parametrize("fmt", list(RESULT_MIMES))
def test_sparql_ask(client, fmt: str) -> None:  # noqa: ANN001
    r = client.get("/sparql", query_string={"query": "ASK { ?c a cq:CQPI }", "format": fmt})
    assert r.status_code == 200 and r.mimetype == RESULT_MIMES[fmt]
    assert "true" in text(r).lower()


@pytest.mark.parametrize("fmt", list(GRAPH_MIMES))
@pytest.mark.parametrize("query", [CONSTRUCT, f"DESCRIBE <{TWEB}>"])
def test_sparql_construct_and_describe_every_format(client, fmt: str, query: str) -> None:  # noqa: ANN001
    mime = GRAPH_MIMES[fmt]
    for r in (
        client.get("/sparql", query_string={"query": query}, headers={"Accept": mime}),
        client.post("/sparql", data={"query": query, "format": fmt}),
    ):
        assert r.status_code == 200 and r.mimetype == mime
        g = rdflib.Graph().parse(
            data=r.get_data(), format={"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}[fmt]
        )
        assert (rdflib.URIRef(TWEB), rdflib.RDFS.label, rdflib.Literal("Web test operator", lang="en")) in g


def test_sparql_default_graph_uri(client) -> None:  # noqa: ANN001
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    r = client.get("/sparql", query_string={"query": q, "default-graph-uri": FIXTURE_GRAPH})
    n = int(r.get_json()["results"]["bindings"][0]["n"]["value"])
    assert n == len(rdflib.Graph().parse(FIXTURE))


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "GET", "query_string": {"query": "INSERT DATA { <a:b> <a:b> <a:b> }"}},
        {"method": "GET", "query_string": {"update": "CLEAR ALL"}},
        {"method": "POST", "data": {"update": "DROP ALL"}},
        {
            "method": "POST",
            "data": b"LOAD <http://example.org/x>",
            "content_type": "application/sparql-update",
        },
        {"method": "POST", "data": {"query": "PREFIX ex: <http://ex/> # comment\nCLEAR GRAPH <http://ex/g>"}},
        {"method": "POST", "data": b"DELETE WHERE { ?s ?p ?o }", "content_type": "application/sparql-query"},
    ],
)
def test_sparql_update_is_refused(client, request_kwargs: dict) -> None:  # noqa: ANN001
    r = client.open("/sparql", **request_kwargs)
    assert r.status_code == 403 and "lecture seule" in text(r)


def test_sparql_write_methods_are_not_allowed(client) -> None:  # noqa: ANN001
    for method in ("PUT", "DELETE"):
        r = client.open("/sparql", method=method, data=b"<a:b> <a:b> <a:b> .")
        assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_sparql_service_is_refused(client) -> None:  # noqa: ANN001
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    r = client.get("/sparql", query_string={"query": q})
    assert r.status_code == 403 and "SERVICE" in text(r)
    # the word inside a string, an IRI or a variable is not the keyword
    ok = 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) FILTER(?service != <http://x/SERVICE>) }'
    assert client.get("/sparql", query_string={"query": ok}).status_code == 200


def test_sparql_syntax_error_is_400_with_position(client) -> None:  # noqa: ANN001
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert r.status_code == 400 and "syntaxe" in text(r) and "3:" in text(r)


def test_sparql_time_limit_stops_a_cartesian_product(client, app) -> None:  # noqa: ANN001
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    before = app.extensions["cqpi_sparql_pool"].killed if "cqpi_sparql_pool" in app.extensions else 0
    r = client.get("/sparql", query_string={"query": q})
    assert r.status_code == 503 and "délai" in text(r)
    assert app.extensions["cqpi_sparql_pool"].killed == before + 1
    # the endpoint still answers afterwards (a fresh worker)
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_sparql_result_cap(client) -> None:  # noqa: ANN001
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "500" in text(r) and "LIMIT" in text(r)
    r = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "turtle"})
    assert r.status_code == 400 and "triplets" in text(r)


def test_sparql_request_size_cap_and_content_type(client) -> None:  # noqa: ANN001
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    assert client.get("/sparql", query_string={"query": big}).status_code == 413
    assert (
        client.post("/sparql", data=big.encode(), content_type="application/sparql-query").status_code == 413
    )
    assert client.post("/sparql", data=b"{}", content_type="application/json").status_code == 415
    assert client.get("/sparql", query_string=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400


def test_sparql_without_query_sends_browsers_to_the_editor(client) -> None:  # noqa: ANN001
    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/query")
    assert client.get("/sparql", headers={"Accept": "application/sparql-results+json"}).status_code == 400


def test_query_page_has_yasgui_examples_and_shareable_query(client) -> None:  # noqa: ANN001
    body = text(client.get("/query"))
    assert "Les CQPI et les branches qui les ont adoptés" in body and 'id="yasgui"' in body
    assert 'data-query="PREFIX cq: &lt;https://w3id.org/cqpi/def#&gt;' in body  # examples declare prefixes
    shared = text(client.get("/query", query_string={"query": "ASK { ?s ?p ?o } # <b>"}))
    assert 'data-query="ASK { ?s ?p ?o } # &lt;b&gt;"' in shared
    if (
        Path(__file__).resolve().parent.parent / "web/node_modules/@zazuko/yasgui/build/yasgui.min.js"
    ).is_file():
        assert "/static/vendor/yasgui/yasgui.min.js" in body
        js = client.get("/static/vendor/yasgui/yasgui.min.js")
        assert js.status_code == 200 and js.mimetype == "application/javascript"
        assert "cdn" not in body.lower()
    assert client.get("/static/vendor/yasgui/package.json").status_code == 404
    assert client.get("/static/vendor/yasgui/..%2F..%2Fpackage.json").status_code == 404


# ---------------------------------------------------------------- paths, socles, validation, downloads


def test_path_explorer_page(client) -> None:  # noqa: ANN001
    r = client.get("/paths", query_string={"from": ID + "cqpm/TWEBM", "to": TWEB})
    assert r.status_code == 200
    body = text(r)
    assert 'id="path-form"' in body and "CQPM de test de conduite" in body
    # each step says what it is, what it gives and what is left, escaped like the rest of the page
    assert 'class="step reconnaissance"' in body and "Conduire la ligne" in body
    assert 'href="/resource/cqpi/TWEB"' in body
    # the JSON twin is the library's result, as it is: the declared paths, then the estimate apart
    data = client.get(
        "/paths", query_string={"from": ID + "cqpm/TWEBM", "to": TWEB, "format": "json"}
    ).get_json()
    from cqpi_graph.gap.explore import explore_path
    from cqpi_graph.paths import find_paths

    with client.application.app_context():
        from web.graph import store

        expected = explore_path(store(), [ID + "cqpm/TWEBM"], TWEB).to_dict()
        assert expected["declared"][0] == find_paths(store(), ID + "cqpm/TWEBM", TWEB).to_dict()
    assert data == expected and data["declared"][0]["paths"][0]["remaining_blocs"]
    # codes typed by a person, without picking a suggestion
    assert client.get("/paths", query_string={"from": "TWEBM", "to": "TWEB"}).status_code == 200
    reach = text(client.get("/paths", query_string={"from": ID + "cqpm/TWEBM"}))
    assert 'id="reach"' in reach and "Conducteur de tests web" in reach
    unknown = client.get("/paths", query_string={"from": "RNCP00000000", "to": TWEB})
    assert unknown.status_code == 404 and 'class="error-message"' in text(unknown)
    twin = client.get("/paths", query_string={"from": "RNCP00000000", "to": TWEB, "format": "json"})
    assert twin.status_code == 404 and "suggestions" in twin.get_json()


def test_socle_explorer_shared_competences_and_heatmap(client) -> None:  # noqa: ANN001
    r = client.get("/socle", query_string=[("cert", TWEB), ("cert", ID + "cqpm/TWEBM")])
    body = text(r)
    assert r.status_code == 200 and 'id="heatmap"' in body
    assert "Vérifier les approvisionnements" in body
    data = client.get(
        "/socle", query_string=[("cert", TWEB), ("cert", ID + "cqpm/TWEBM"), ("format", "json")]
    ).get_json()
    assert ID + "competence/TWEB-1" in {s["key"] for s in data["shared"]} and data["pairs"][0]["shared"] == 1
    # codes as typed, one field
    assert client.get("/socle", query_string={"cert": "TWEB TWEBM"}).status_code == 200
    r = client.get("/socle", query_string={"branch": ID + "branche/test-chaussure"})
    assert "CQPM de test de conduite" in text(r)
    assert client.get("/socle", query_string={"cert": "RNCP00000000"}).status_code == 404


def test_validation_upload_checks(client) -> None:  # noqa: ANN001
    r = client.post("/validate", data={}, content_type="multipart/form-data")
    assert r.status_code == 400 and "Aucun fichier" in text(r)
    r = client.post(
        "/validate",
        data={"file": (io.BytesIO(b"MZ\x00\x00"), "evil.exe")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 415
    r = client.post(
        "/validate",
        data={"file": (io.BytesIO(b"PK\x03\x04binary"), "ref.ttl")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 415
    r = client.post(
        "/validate", data={"file": (io.BytesIO(b"not xlsx"), "ref.xlsx")}, content_type="multipart/form-data"
    )
    assert r.status_code == 415
    r = client.post(
        "/validate",
        data={"file": (io.BytesIO(b"# x\n" * 6000), "big.ttl")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 413 and "volumineux" in text(r)
    r = client.post(
        "/validate",
        data={"file": (io.BytesIO(b"@prefix ex: <http://ex/> .\nex:a ex:b .\n"), "bad.ttl")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "line 2" in text(r)
    good = (
        FIXTURE.read_bytes()[:0]
        + b'<https://w3id.org/cqpi/id/cqp/X> <http://www.w3.org/2000/01/rdf-schema#label> "<b>X</b>" .\n'
    )
    r = client.post(
        "/validate", data={"file": (io.BytesIO(good), "../../etc/ref.nt")}, content_type="multipart/form-data"
    )
    assert r.status_code == 200 and 'id="report"' in text(r) and "1 triplets" in text(r)
    assert "../../etc" not in text(r)


def test_uploads_are_never_written_to_disk(app, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """Werkzeug spools large uploads to temporary files; the app keeps them in memory instead."""
    import werkzeug.wrappers

    def refuse(*a: object, **k: object) -> None:
        raise AssertionError("an upload touched the disk")

    monkeypatch.setattr(werkzeug.wrappers.Request, "_get_file_stream", refuse)
    data = b"<a:b> <a:b> <a:b> .\n" * 800  # above werkzeug's in-memory threshold (500 kB is not needed)
    r = app.test_client().post(
        "/validate", data={"file": (io.BytesIO(data), "ref.nt")}, content_type="multipart/form-data"
    )
    assert r.status_code == 200


def test_template_download(client) -> None:  # noqa: ANN001
    r = client.get("/validate/template.xlsx")
    assert r.status_code == 200 and r.get_data().startswith(b"PK")
    assert client.get("/validate/template.exe").status_code == 404


def test_downloads_only_listed_files(client) -> None:  # noqa: ANN001
    assert "cqpi-graph.nq" in text(client.get("/downloads"))
    r = client.get("/downloads/cqpi-graph.nq")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    for bad in ("/downloads/..%2F..%2Fstore", "/downloads/../web/__init__.py", "/downloads/%2Fetc%2Fpasswd"):
        assert client.get(bad).status_code == 404
    assert client.get("/downloads?format=json").get_json()["files"][0]["name"] == "cqpi-graph.nq"


# ---------------------------------------------------------------- store reopening and CLI


def test_a_new_build_is_picked_up_without_restart(tmp_path: Path) -> None:
    from cqpi_graph.build import build
    from cqpi_graph.store import store_writer

    path = tmp_path / "store"
    build(path)
    application = create_app({"CQPI_STORE": str(path)})
    c = application.test_client()
    assert c.get("/resource/cqpi/TWEB").status_code == 404
    assert c.get("/search/suggest?q=TWEB").get_json()["results"] == []
    with store_writer(path) as store:
        store.load(FIXTURE, "turtle", FIXTURE_GRAPH)
    assert c.get("/resource/cqpi/TWEB").status_code == 200
    assert c.get("/search/suggest?q=TWEB").get_json()["results"]
    r = c.get("/sparql", query_string={"query": f"ASK {{ <{TWEB}> ?p ?o }}"})
    assert json.loads(r.get_data())["boolean"] is True
    application.extensions["cqpi_sparql_pool"].close()


def test_store_not_built_is_a_clear_503(tmp_path: Path) -> None:
    r = create_app({"CQPI_STORE": str(tmp_path / "none")}).test_client().get("/")
    assert r.status_code == 503 and "cqpi build" in text(r)


def test_cli_serve_is_registered() -> None:
    from click.testing import CliRunner

    from cqpi_graph.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output and "gunicorn" in result.output


# ---------------------------------------------------------------- issue 19: pages people reach for


def test_certification_page_and_its_json_twin_come_from_the_library(client) -> None:  # noqa: ANN001
    from cqpi_graph.describe import describe

    page = text(client.get("/resource/cqpi/TWEB"))
    assert 'href="/resource/cqpi/TWEB.page.json"' in page and 'id="neighbourhood"' in page
    twin = client.get("/resource/cqpi/TWEB.page.json")
    assert twin.status_code == 200 and twin.mimetype == "application/json"
    with client.application.app_context():
        from cqpi_graph.textsim.api import computed_links
        from web.graph import store

        links = computed_links(store(), TWEB)
        expected = {**describe(store(), TWEB, "fr").to_dict(), "computed": links.to_dict() if links else None}
        assert twin.get_json() == expected
    assert (
        client.get("/resource?iri=" + TWEB + "&profile=page").get_json()["label"] == "Conducteur de tests web"
    )
    assert client.get("/resource/cqpi/TWEB.page.json?lang=en").get_json()["label"] == "Web test operator"
    missing = client.get("/resource/cqpi/TWEX.page.json")
    assert missing.status_code == 404 and TWEB in missing.get_json()["suggestions"]
    # format=json stays JSON-LD (content negotiation unchanged)
    assert client.get("/resource/cqpi/TWEB?format=json").mimetype == "application/ld+json"


def test_neighbourhood_endpoint_and_cytoscape_from_node_modules(client) -> None:  # noqa: ANN001
    data = client.get("/resource/cqpi/TWEB.neighbourhood.json").get_json()
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[TWEB]["kind"] == "subject" and nodes[ID + "cqpm/TWEBM"]["href"] == "/resource/cqpm/TWEBM"
    edge = next(e for e in data["edges"] if e["source"] == ID + "cqpm/TWEBM")
    assert edge["basis"] == "declared" and edge["words"] == "reconnaissance déclarée"
    en = client.get("/resource/cqpi/TWEB.neighbourhood.json?lang=en").get_json()
    assert any(e["words"] == "declared recognition" for e in en["edges"])
    from web.resource import CYTOSCAPE

    if not (CYTOSCAPE / "cytoscape.min.js").is_file():
        pytest.skip("cytoscape is not installed (npm ci --prefix web)")
    page = text(client.get("/resource/cqpi/TWEB"))
    assert 'src="/static/vendor/cytoscape/cytoscape.min.js"' in page
    r = client.get("/static/vendor/cytoscape/cytoscape.min.js")
    assert r.status_code == 200 and r.mimetype == "text/javascript"


@pytest.mark.parametrize(
    "url, args",
    [
        ("/paths", {"from": "TWEBX", "to": "TWEB"}),
        ("/paths", {"from": "TWEBM", "to": "TWEBX"}),
        ("/paths", {"from": "TWEBX"}),
        ("/paths/plan", {"from": "TWEBX", "to": "TWEB"}),
        ("/socle", {"cert": "TWEB TWEBX"}),
        ("/socle", {"branch": "branche inexistante"}),
        ("/similar", {"x": "TWEBX"}),
    ],
)
def test_every_form_says_code_inconnu_with_near_matches(client, url: str, args: dict) -> None:  # noqa: ANN001
    r = client.get(url, query_string=args)
    assert r.status_code == 404 and r.mimetype == "text/html"
    body = text(r)
    assert "Code inconnu" in body and 'id="unknown-input"' in body and "Traceback" not in body
    twin = client.get(url, query_string={**args, "format": "json"})
    assert twin.status_code == 404 and "suggestions" in twin.get_json()
    en = client.get(url, query_string={**args, "lang": "en"})
    assert en.status_code == 404 and "Unknown code" in text(en)


def test_near_matches_link_back_to_the_form(client) -> None:  # noqa: ANN001
    body = text(client.get("/paths", query_string={"from": "TWEBX", "to": "TWEB"}))
    assert 'href="/paths?from=TWEB&amp;to=TWEB"' in body or 'href="/paths?from=TWEBM&amp;to=TWEB"' in body


def test_forms_take_labels_as_typed(client) -> None:  # noqa: ANN001
    r = client.get(
        "/paths", query_string={"from": "CQPM de test de conduite", "to": "conducteur de tests web"}
    )
    assert r.status_code == 200 and "Conduire la ligne" in text(r)
    data = client.get(
        "/socle", query_string={"cert": "Conducteur de tests web, CQPM de test de conduite", "format": "json"}
    ).get_json()
    assert [c["iri"] for c in data["certifications"]] == [TWEB, ID + "cqpm/TWEBM"]
    r = client.get("/similar", query_string={"x": "Conducteur de tests web"})
    assert r.status_code == 200 and "CQPM de test de conduite" in text(r)
    # several labels match: said, with the candidates
    r = client.get("/paths", query_string={"from": "titre de test"})
    assert r.status_code == 404 and "Plusieurs certifications correspondent" in text(r)
    # « to » without « from »: a message, not an empty form
    r = client.get("/paths", query_string={"from": "", "to": "TWEB"})
    assert r.status_code == 400 and "Indiquez au moins une certification de départ" in text(r)


def test_paths_read_in_words_with_a_legend(client) -> None:  # noqa: ANN001
    body = text(client.get("/paths", query_string={"from": "TWEBM", "to": "TWEB"}))
    assert 'class="legend"' in body and "nouvelle version : historique" in body
    assert 'bloc(s) ou module(s) à passer : TWEBBC02 <span translate="no">Conduire la ligne' in body
    old = text(client.get("/paths", query_string={"from": "RNCP99901", "to": "RNCP99902", "lang": "en"}))
    assert "new version (succession)" in old and "remplacé" not in old


def test_socle_of_one_cqpi_and_of_a_branch(client) -> None:  # noqa: ANN001
    body = text(client.get("/socle", query_string={"cert": "TWEB"}))
    assert "Socle commun du CQPI" in body and "Vérifier les approvisionnements" in body
    # a branch of the arrêté of 2014 (data/arrete-2014-01-20.ttl): its nine CQPI, most of them
    # without published competences: unknown, never zero
    body = text(client.get("/socle", query_string={"branch": "textile"}))
    assert 'Branche <span translate="no">Textile</span> : 9 certification(s) adoptée(s)' in body
    assert "Conducteur d&#39;équipements industriels" in body and "compétences : inconnues" in body
    assert '<td class="unknown"' in body and "— 0 compétences" not in body
