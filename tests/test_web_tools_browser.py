"""Issue 19 part B in a real headless Chromium: the visual query builder (Sparnatural beside
YASGUI) builds a query that runs; the figures draw; axe-core finds no serious or critical
violation on any page, in French and in English. Screenshots at 1280 and 375 px go to
test-artifacts/."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from test_web_browser import ARTIFACTS, browser_context, page, server  # noqa: F401 - fixtures
from webdata import ID

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).resolve().parent.parent / "web" / "node_modules" / "axe-core" / "axe.min.js"
# Every page of the site, with real codes of the curated data and of the web fixture.
PAGES = [
    "/",
    "/search?q=maintenance",
    "/search?q=CQPI",
    "/resource/cqpi/TWEB",
    "/resource/cqpm/CSPA",
    "/paths?from=TWEBM&to=TWEB",
    "/def",
    "/figures",
    "/validate",
    "/downloads",
    "/socle?cert=" + quote(ID + "cqpi/TWEB") + "&cert=" + quote(ID + "cert/RNCP99666"),
    "/socle?branch=textile",
    "/socle",
    "/similar?cert=" + quote(ID + "cqpi/TWEB"),
    "/paths/plan?from=TWEBM&to=TWEB",
    "/resource/cqpi/NO-SUCH-CODE",  # the « code inconnu » page (404) with its near matches
    # The two editors, with their third-party widgets made accessible by web/static/js/widgets-a11y.js.
    "/query",
    "/query/builder",
]


def _installed(server: str, path: str) -> bool:  # noqa: F811
    try:
        return urllib.request.urlopen(server + path, timeout=5).status == 200
    except OSError:
        return False


def shot(pg, name: str) -> None:  # noqa: ANN001
    """Full-page screenshots at 1280 px and at 375 px (a phone)."""
    for width in (1280, 375):
        pg.set_viewport_size({"width": width, "height": 900})
        pg.wait_for_timeout(150)
        pg.screenshot(path=str(ARTIFACTS / f"tools-{name}-{width}.png"), full_page=True)
    pg.set_viewport_size({"width": 1280, "height": 900})


def test_builder_builds_a_query_that_runs_and_shares(server: str, page) -> None:  # noqa: F811, ANN001
    if not _installed(server, "/static/vendor/lib/sparnatural.js"):
        pytest.skip("Sparnatural is not installed (npm ci --prefix web)")
    page.goto(server + "/query/builder")
    # 1. pick « Certification professionnelle » in the builder: the SPARQL follows in YASGUI
    page.locator("spar-natural li .item-label", has_text="Certification professionnelle").first.click()
    # … whose « type de certification » is any type: one criterion, complete
    page.locator("spar-natural .EndClassGroup li .item-label", has_text="Type de certification").first.click()
    page.locator("spar-natural").get_by_text("Tous").first.click()
    has_type = "() => window.cqpiBuilder.yasgui.getTab().getQuery().includes('cq:certificationType')"
    page.wait_for_function(has_type)
    assert "q=" in page.url  # the address is the share link
    # 2. run it: the answer comes from /sparql, with the certifications of the graph
    page.locator("spar-natural a.playBtn").click()
    page.locator(".yasr table tbody tr").first.wait_for(timeout=20_000)
    assert page.locator(".yasr table tbody tr").count() > 1
    shot(page, "builder")
    # 3. the share link opens the same query; the editor link carries the SPARQL
    shared = page.url
    editor = page.locator("#open-editor").get_attribute("href")
    assert "query=" in editor and "Certification" in editor
    page.goto(shared)
    page.wait_for_function(has_type)
    # 4. the vocabulary is one click away, each class with its anchor
    page.click("text=Vocabulaire : classes et propriétés")
    page.wait_for_url("**/def")
    assert page.locator("#Certification").is_visible()
    shot(page, "def")
    assert page.errors == []


def test_figures_draw_with_their_data_and_query(server: str, page) -> None:  # noqa: F811, ANN001
    if not _installed(server, "/static/vendor/lib/chart.umd.min.js"):
        pytest.skip("Chart.js is not installed (npm ci --prefix web)")
    page.goto(server + "/figures")
    cereq = page.locator("#fig-cereq-survey canvas")
    cereq.wait_for()
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length >= 5")
    drawn = page.evaluate(
        "() => Object.values(window.Chart.instances).map(c => c.data.datasets[0].data.length)"
    )
    assert all(n > 0 for n in drawn)
    shot(page, "figures")
    # its data as CSV, and its query opened in the editor answers the same rows
    csv = urllib.request.urlopen(server + "/figures/kinds.csv", timeout=10).read().decode()
    assert csv.startswith("label,value,iri\n") and "CQPI" in csv
    page.locator("#fig-kinds a", has_text="requête SPARQL").click()
    page.wait_for_url("**/query?**")
    page.locator(".yasqe .CodeMirror").wait_for(timeout=15_000)
    page.locator(".yasqe_queryButton").click()
    page.locator(".yasr", has_text="CQPI").wait_for(timeout=15_000)
    assert page.errors == []


def _axe(page, url: str) -> list[dict]:  # noqa: ANN001, F811
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")  # DevTools evaluation: the CSP stays
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'best-practice']}); return r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _axe_pages(server: str, page, lang: str, pages: list[str], name: str) -> dict:  # noqa: ANN001, F811
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (npm ci --prefix web)")
    found = {}
    for path in pages:
        url = server + path + ("&" if "?" in path else "?") + f"lang={lang}"
        bad = _axe(page, url)
        assert page.locator("html").get_attribute("lang") == lang
        if bad:
            found[path] = bad
    (ARTIFACTS / f"axe-{name}-{lang}.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_axe_no_serious_violation_on_any_page(server: str, page, lang: str) -> None:  # noqa: F811, ANN001
    found = _axe_pages(server, page, lang, PAGES, "pages")
    assert not found, json.dumps(found, indent=1)


def test_editor_widgets_named_in_the_page_language_and_usable(server: str, page) -> None:  # noqa: F811, ANN001
    """The names come from web/i18n.py in the page's language; the '+' button moved out of the tab
    list still adds a tab (YASGUI inserts it in the list) and the new tab gets the same treatment."""
    if not _installed(server, "/query/builder"):
        pytest.skip("the builder is not installed (npm ci --prefix web)")
    page.goto(server + "/query?lang=en")
    page.wait_for_load_state("networkidle")
    assert page.locator(".CodeMirror textarea").get_attribute("aria-label") == "SPARQL query editor"
    assert page.locator(".tabsList").get_attribute("aria-label") == "Query tabs"
    assert page.locator(".tabsList button").count() == 0
    page.locator("button.addTab").click()
    page.wait_for_function("document.querySelectorAll('.tabsList a[role=tab]').length === 2")
    page.wait_for_timeout(100)
    names = page.locator(".tabsList a[role=tab] input").evaluate_all("els => els.map(e => e.ariaLabel)")
    assert names == ["Tab name", "Tab name"]
    page.locator(".tabsList .tab").nth(1).locator(".closeTab").click()  # YASGUI keeps tabs: leave one
    page.wait_for_function("document.querySelectorAll('.tabsList a[role=tab]').length === 1")
    page.goto(server + "/query/builder?lang=fr")
    page.wait_for_load_state("networkidle")
    assert page.locator(".CodeMirror textarea").get_attribute("aria-label") == "Éditeur de requête SPARQL"
    root = page.locator("#sparnatural ul.root").first
    assert root.get_attribute("tabindex") == "0"
    root.focus()
    page.keyboard.press("Tab")  # focus moves on: the list traps nothing
    assert page.evaluate("document.activeElement.matches('#sparnatural ul.root')") is False
    assert page.errors == []
