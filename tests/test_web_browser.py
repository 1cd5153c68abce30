"""End-to-end tests of the web view in a real headless Chromium (Debian's `chromium`, driven by
Playwright, never a downloaded browser) against a real `cqpi serve` on 127.0.0.1:
search → certification page → path explorer → SPARQL query → validation upload.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from webdata import ID, build_web_store, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = build_web_store(tmp_path_factory.mktemp("browser") / "store")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cqpi_graph",
            "--store",
            str(store),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stdout.read().decode()) from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (.ci/system-deps.sh installs it)")
    playwright = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            locale="fr-FR",
            viewport={"width": 1280, "height": 900},
            accept_downloads=False,
        )
        yield ctx
        ctx.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context):  # noqa: ANN001, ANN201
    pg = browser_context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    pg.errors = errors
    yield pg
    pg.close()


def shot(pg, name: str) -> None:  # noqa: ANN001
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_certification_path_sparql_validation(server: str, page, tmp_path: Path) -> None:  # noqa: ANN001
    # 1. home → search with autocomplete
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.fill("#home-q", "conducteur de tests")
    suggestion = page.locator(".ac-list li", has_text="Conducteur de tests web")
    suggestion.wait_for(timeout=10_000)
    shot(page, "01-home-autocomplete")
    suggestion.click()

    # 2. the certification page, in French, with its branches and référentiel
    page.wait_for_url("**/resource/cqpi/TWEB")
    assert page.locator("h1").inner_text() == "Conducteur de tests web"
    assert "Branche test de la plasturgie" in page.locator("td.branches").inner_text()
    assert page.locator("#referentiel").is_visible()
    assert "Les matières sont conformes" in page.locator("table.capacities").inner_text()
    assert page.locator("link[rel=alternate][type='text/turtle']").count() == 1
    shot(page, "02-certification")
    page.click("text=Explorateur de parcours")

    # 3. the path explorer, from this certification
    page.wait_for_url("**/paths?**")
    assert page.locator("#path-form").is_visible()
    assert page.input_value("#from") == ID + "cqpi/TWEB"
    # holders of the CQPM get an exemption towards this CQPI: a suggestion puts its code in the field
    page.fill("#from", "CQPM de test")
    page.locator(".ac-list li", has_text="CQPM de test de conduite").first.click()
    assert page.input_value("#from") == "TWEBM"
    # or the code is typed and the form sent without picking a suggestion
    page.fill("#to", "TWEB")
    page.click("#path-form button[type=submit]")
    page.wait_for_load_state()
    assert "to=TWEB" in page.url
    page.locator("section.path").first.wait_for(timeout=10_000)
    assert "Conduire la ligne" in page.locator("section.path").first.inner_text()
    shot(page, "03-paths")

    # 4. a SPARQL query in YASGUI, answered by /sparql
    page.goto(server + "/query")
    page.locator(".yasqe .CodeMirror").wait_for(timeout=15_000)
    page.evaluate("""() => { window.cqpiYasgui.getTab().setQuery(
        'PREFIX cq: <https://w3id.org/cqpi/def#>\\n'
        + 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\\n'
        + 'SELECT ?cqpi ?label WHERE { ?cqpi a cq:CQPI ; rdfs:label ?label '
        + 'FILTER(LANG(?label) = \"fr\") }'); }""")
    page.locator(".yasqe_queryButton").click()
    page.locator(".yasr", has_text="Conducteur de tests web").wait_for(timeout=15_000)
    assert "query=" in page.url  # the address is the shareable link
    shot(page, "04-sparql")

    # 5. the validation page: upload a référentiel
    ref = tmp_path / "referentiel.ttl"
    ref.write_text(
        "@prefix cq: <https://w3id.org/cqpi/def#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/cqpi/id/cqp/NOUVEAU> a cq:CQP ; rdfs:label "Nouveau CQP <b>test</b>"@fr .\n',
        encoding="utf-8",
    )
    page.goto(server + "/validate")
    page.set_input_files("#file", str(ref))
    page.click("#validate-form button[type=submit]")
    page.locator("#report").wait_for(timeout=15_000)
    assert "referentiel.ttl" in page.locator("#report h2").inner_text()
    shot(page, "05-validation")
    assert page.errors == []


def test_hostile_labels_never_run_in_the_browser(server: str, page) -> None:  # noqa: ANN001
    page.goto(server + "/resource/cert/RNCP99666")
    assert "<script>alert('xss')</script>" in page.locator("h1").inner_text()  # shown as text
    page.goto(server + "/socle?cert=" + ID + "cert/RNCP99666&cert=" + ID + "cqpi/TWEB")
    page.fill("#home-q, header input[name=q]", "piégé")
    page.locator(".ac-list li").first.wait_for(timeout=10_000)
    shot(page, "06-escaping")
    assert page.errors == []


def test_estimated_gap_apart_from_declared_paths_and_the_plan_prints(server: str, page) -> None:  # noqa: ANN001
    """Issue 21: declared paths first, then the estimate, dashed, each bloc opening on its evidence."""
    page.goto(server + "/paths?from=TWEBM,RNCP99666&to=TWEB")
    estimated = page.locator("#estimated")
    estimated.wait_for(timeout=10_000)
    first_path = page.locator("section.path").first.bounding_box()
    assert first_path and estimated.bounding_box()["y"] > first_path["y"]  # declared paths come first
    assert estimated.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"
    covered = page.locator("li.bloc-gap.status-covered", has_text="TWEBBC01")
    assert covered.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    acquire = page.locator("li.bloc-gap.status-acquire", has_text="TWEBBC02")
    assert acquire.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"
    evidence = covered.locator("ul.evidence")
    assert not evidence.is_visible()
    covered.locator("summary").click()  # expandable to the declared statement and its source
    assert evidence.is_visible() and "Dispense" in evidence.inner_text()
    shot(page, "07-gap")
    page.click("a.plan-link")
    page.wait_for_url("**/paths/plan?**")
    assert page.locator("#print-plan").is_visible()
    assert "Acquis par reconnaissance déclarée (1)" in page.locator("#plan").inner_text()
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.locator("#print-plan").is_visible()
    shot(page, "08-plan-print")
    page.emulate_media(media="screen")
    assert page.errors == []


# ---------------------------------------------------------------- another site using /sparql (CORS)

OTHER_SITE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another site</title>
<link rel="stylesheet" href="{server}/static/vendor/yasgui/yasgui.min.css">
<script src="{server}/static/vendor/yasgui/yasgui.min.js"></script></head>
<body><div id="yasgui"></div>
<script>
window.otherYasgui = new Yasgui(document.getElementById("yasgui"), {{
  requestConfig: {{ endpoint: "{server}/sparql", method: "POST" }},
  persistenceId: null, copyEndpointOnNewTab: false, populateFromUrl: false
}});
</script></body></html>
"""


@pytest.fixture(scope="module")
def other_site(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second local web server (another origin: another port) whose page runs YASGUI on /sparql."""
    import functools
    import http.server

    root = tmp_path_factory.mktemp("other-site")
    (root / "index.html").write_text(OTHER_SITE_PAGE.format(server=server), encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)) as port:
        yield f"http://localhost:{port}"


def test_yasgui_on_another_origin(server: str, other_site: str, page) -> None:  # noqa: ANN001
    if urllib.request.urlopen(server + "/static/vendor/yasgui/yasgui.min.js", timeout=5).status != 200:
        pytest.skip("YASGUI is not installed (npm ci --prefix web)")
    page.goto(other_site + "/index.html")
    page.locator(".yasqe .CodeMirror").wait_for(timeout=15_000)
    # 1. a syntax error: the endpoint's message, readable across origins (not « Failed to fetch »)
    page.evaluate("() => { window.otherYasgui.getTab().setQuery('SELECT * WHERE { ?s ?p }'); }")
    page.locator(".yasqe_queryButton").click()
    error = page.locator(".yasr .errorResult")
    error.wait_for(timeout=15_000)
    text = error.inner_text()
    assert "syntaxe" in text and "Failed to fetch" not in text, text
    shot(page, "07-cors-yasgui-syntax-error")
    # 2. a query that runs, in YASGUI (form POST)
    page.evaluate(
        "() => { window.otherYasgui.getTab().setQuery("
        "'SELECT ?label WHERE { <"
        + ID
        + "cqpi/TWEB> <http://www.w3.org/2000/01/rdf-schema#label> ?label }'); }"
    )
    page.locator(".yasqe_queryButton").click()
    page.locator(".yasr", has_text="Conducteur de tests web").wait_for(timeout=15_000)
    shot(page, "08-cors-yasgui-result")
    # 3. POST application/sparql-query from that page: a preflighted request
    answer = page.evaluate(
        """async (endpoint) => {
            const r = await fetch(endpoint, {method: "POST",
                headers: {"Content-Type": "application/sparql-query",
                          "Accept": "application/sparql-results+json"},
                body: "ASK { ?s ?p ?o }"});
            return {status: r.status, type: r.headers.get("Content-Type"), body: await r.json()};
        }""",
        server + "/sparql",
    )
    assert answer["status"] == 200 and answer["body"]["boolean"] is True, answer
    assert answer["type"].startswith("application/sparql-results+json")
    # 4. and a resource from the same page, following the 303 of /id/…
    turtle = page.evaluate(
        """async (url) => {
            const r = await fetch(url, {headers: {"Accept": "text/turtle"}});
            return {status: r.status, link: r.headers.get("Link"), text: await r.text()};
        }""",
        server + "/id/cqpi/TWEB",
    )
    assert turtle["status"] == 200 and "Conducteur de tests web" in turtle["text"]
    assert 'rel="alternate"' in turtle["link"]
    assert page.errors == []


# ---------------------------------------------------------------- issue 19: forms, socles, neighbourhood


def shots(pg, name: str) -> None:  # noqa: ANN001
    """The page at 1280 px and at 375 px (a phone), as test artifacts."""
    shot(pg, f"{name}-1280")
    pg.set_viewport_size({"width": 375, "height": 800})
    pg.wait_for_timeout(300)  # drawings (the neighbourhood) follow the window's size
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    shot(pg, f"{name}-375")
    pg.set_viewport_size({"width": 1280, "height": 900})
    assert overflow <= 1, f"{name}: {overflow} px wider than a 375 px screen"


def submit(pg, form: str, fields: dict[str, str]) -> None:  # noqa: ANN001
    """Type into the fields and send the form without picking any suggestion."""
    for selector, value in fields.items():
        pg.fill(selector, value)
    pg.keyboard.press("Escape")  # close the suggestions, if any opened
    pg.click(f"{form} button[type=submit]")
    pg.wait_for_load_state()


def test_every_form_takes_what_is_typed(server: str, page) -> None:  # noqa: ANN001
    # paths: codes typed, no suggestion picked
    page.goto(server + "/paths")
    submit(page, "#path-form", {"#from": "TWEBM", "#to": "TWEB"})
    assert "from=TWEBM" in page.url and "to=TWEB" in page.url
    page.locator("section.path").first.wait_for(timeout=10_000)
    assert "TWEBBC02" in page.locator("p.path-cost").first.inner_text()
    assert page.locator("ul.legend").first.is_visible()
    shots(page, "19-01-path")
    # reach: only « from », as a label
    page.goto(server + "/paths")
    submit(page, "#path-form", {"#from": "CQPM de test de conduite", "#to": ""})
    assert page.locator("#reach").is_visible()
    # an unknown code: « Code inconnu », near matches that put one in the form
    page.goto(server + "/paths")
    submit(page, "#path-form", {"#from": "TWEBX", "#to": "TWEB"})
    assert "Code inconnu" in page.locator("#unknown-input").inner_text()
    page.locator("ul.suggestions a").first.click()
    page.wait_for_load_state()
    assert page.locator("section.path").count() >= 1 or page.locator("#reach").count() == 0
    shots(page, "19-02-path-near-match")
    # similar
    page.goto(server + "/similar")
    submit(page, "#similar-form", {"#similar-x": "TWEB"})
    assert "CQPM de test de conduite" in page.locator("ol.similar").inner_text()
    shots(page, "19-03-similar")
    assert page.errors == []


def test_socles_with_codes_one_cqpi_and_a_branch(server: str, page) -> None:  # noqa: ANN001
    page.goto(server + "/socle")
    submit(page, "#socle-form", {"#socle-cert": "TWEB TWEBM"})
    assert page.locator("#heatmap").is_visible()
    assert "Vérifier les approvisionnements" in page.locator("#shared-competences").inner_text()
    shots(page, "19-04-socle-codes")
    page.goto(server + "/socle")
    submit(page, "#socle-form", {"#socle-cert": "CEI"})
    assert "Socle commun du CQPI" in page.locator("main").inner_text()
    assert page.locator("ul.shared li").count() >= 3
    shots(page, "19-05-socle-cqpi")
    page.goto(server + "/socle")
    page.fill("#socle-cert", "")
    page.select_option("select[name=branch]", label="Textile")
    page.click("#socle-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("ul.certifications li").count() == 9
    assert page.locator("td.unknown").count() > 0
    shots(page, "19-06-socle-branch")
    page.emulate_media(media="print")
    assert not page.locator("#socle-form").is_visible() and not page.locator("header.top").is_visible()
    page.emulate_media(media="screen")
    assert page.errors == []


def test_neighbourhood_graph_loads_with_nodes(server: str, page) -> None:  # noqa: ANN001
    if urllib.request.urlopen(server + "/resource/cqpi/TWEB", timeout=5).status != 200:
        pytest.fail("no certification page")
    try:
        urllib.request.urlopen(server + "/static/vendor/cytoscape/cytoscape.min.js", timeout=5)
    except OSError:
        pytest.skip("cytoscape is not installed (npm ci --prefix web)")
    page.goto(server + "/resource/cqpi/TWEB")
    graph = page.locator("#neighbourhood-graph[data-nodes]")
    graph.wait_for(state="attached", timeout=15_000)
    assert int(graph.get_attribute("data-nodes")) >= 5
    assert page.evaluate("() => window.cqpiNeighbourhood.nodes('[kind = \"bloc\"]').length") == 2
    page.locator("#neighbourhood summary").click()
    links = page.locator("#neighbourhood-list a")
    assert links.count() >= 4
    page.locator("#neighbourhood").screenshot(path=str(ARTIFACTS / "19-07-neighbourhood.png"))
    shots(page, "19-08-certification")
    # each node a link: a click on the CQPM's node opens its page
    page.evaluate("() => window.cqpiNeighbourhood.$id('" + ID + "cqpm/TWEBM').emit('tap')")
    page.wait_for_url("**/resource/cqpm/TWEBM")
    assert page.errors == []
