"""One language per page, for the text scripts build (issue 19, left over): each page is rendered in
a real headless Chromium, its scripts run (the autocomplete's list, the neighbourhood graph's list,
the editors' names, YASGUI's answers), and the same vocabulary check as tests/test_i18n.py is
applied to the DOM's text and to the attributes people read (aria-label, title, placeholder, alt).

Text marked as data (``lang="…"``, ``.data-value``, ``translate="no"``) and code (the query editor,
results, <code>, <pre>) is skipped, as in tests/test_i18n.py. The editors' own widgets (YASGUI,
Sparnatural) are libraries with their own words; what our scripts give them (names, the endpoint's
errors) is checked, the rest of their interface is listed in THIRD_PARTY below.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from test_i18n import _words, only_words
from test_web_browser import ARTIFACTS, browser_context, page, server  # noqa: F401 - fixtures
from webdata import ID

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The DOM's readable text and attributes, outside data, code and the third-party widgets' own words.
COLLECT = """() => {
  const SKIP = "script,style,code,pre,textarea,[lang]:not(html),.data-value,[translate=no],"
    + ".CodeMirror,.yasr_results,.dataTable,.yasr .dataTables_wrapper" + (arguments[0] || "");
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(SKIP) || !n.textContent.trim()) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    out.push(n.textContent.trim());
  }
  for (const el of document.body.querySelectorAll("[aria-label],[title],[placeholder],[alt]")) {
    if (el.closest(SKIP)) continue;
    for (const a of ["aria-label", "title", "placeholder", "alt"]) {
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
    }
  }
  return out;
}"""

# Nothing of the editors' widgets is skipped: YASGUI's own English words are put in the page's
# language by web/static/js/widgets-a11y.js, Sparnatural is given the page's language.
THIRD_PARTY = ""


def _leaks(page, lang: str) -> list[str]:  # noqa: ANN001, F811
    other = only_words("fr" if lang == "en" else "en")
    texts = page.evaluate(COLLECT.replace('arguments[0] || ""', repr(THIRD_PARTY)))
    return sorted({f"{w!r} in {t[:80]!r}" for t in texts for w in _words(t) & other})


def _open(page, url: str) -> None:  # noqa: ANN001, F811
    page.goto(url)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_text_built_by_scripts_speaks_the_page_language(server: str, page, lang: str) -> None:  # noqa: F811, ANN001
    found: dict[str, list[str]] = {}
    # the neighbourhood graph's list, built from its JSON
    _open(page, f"{server}/resource/cqpi/TWEB?lang={lang}")
    page.wait_for_function("document.getElementById('neighbourhood-graph')?.dataset.nodes !== undefined")
    assert page.locator("#neighbourhood-list li").count() > 0
    found["/resource/cqpi/TWEB"] = _leaks(page, lang)
    # the autocomplete's suggestions, typed as a person does
    _open(page, f"{server}/search?lang={lang}")
    page.locator("input.autocomplete").first.type("maintenance", delay=20)
    page.locator(".ac-list li").first.wait_for(timeout=10_000)
    found["/search (suggestions)"] = _leaks(page, lang)
    # the editors, their widgets named by our script
    for path in ("/query", "/query/builder", "/figures", "/paths?from=TWEBM&to=TWEB"):
        _open(page, f"{server}{path}{'&' if '?' in path else '?'}lang={lang}")
        page.wait_for_timeout(300)
        found[path] = _leaks(page, lang)
    # YASGUI with an answer: its table, its buttons, the results' words
    _open(page, f"{server}/query?lang={lang}&query={quote('SELECT * WHERE { ?s ?p ?o } LIMIT 30')}")
    page.locator(".yasqe_queryButton").click()
    page.locator(".yasr table.dataTable").wait_for(timeout=15_000)
    page.wait_for_timeout(300)
    found["/query (results)"] = _leaks(page, lang)
    page.screenshot(path=str(ARTIFACTS / f"i18n-scripts-{lang}.png"), full_page=True)
    found = {k: v for k, v in found.items() if v}
    assert not found, f"words of the other language on {lang} pages: {found}"
    assert page.errors == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sparql_syntax_error_shown_by_yasgui_speaks_the_page_language(server: str, page, lang: str) -> None:  # noqa: F811, ANN001
    """YASGUI shows the endpoint's answer: the page sends its language, the endpoint answers in it."""
    query = "SELECT * WHERE { ?s ?p ?o"
    _open(page, f"{server}/query?lang={lang}&query={quote(query)}")
    page.locator(".yasqe .CodeMirror").wait_for(timeout=15_000)
    page.locator(".yasqe_queryButton").click()
    expected = "SPARQL syntax error" if lang == "en" else "erreur de syntaxe SPARQL"
    error = page.locator(".yasr .errorResult", has_text=expected)
    error.wait_for(timeout=15_000)
    text = error.inner_text()
    head = text.split(expected, 1)[1].split("error at", 1)[0]  # what is ours: up to the parser's words
    other = only_words("fr" if lang == "en" else "en")
    assert not (_words(head) & other), text
    assert ("erreur de syntaxe" in text) == (lang == "fr"), text
    page.screenshot(path=str(ARTIFACTS / f"i18n-yasgui-error-{lang}.png"), full_page=True)


def test_page_carries_its_scripts_words(server: str, page) -> None:  # noqa: F811, ANN001
    """#ui-messages: the page's language and its scripts' words, from the message catalog."""
    for lang, name in (("fr", "Éditeur de requête SPARQL"), ("en", "SPARQL query editor")):
        _open(page, f"{server}/?lang={lang}")
        ui = page.evaluate("window.cqpiUI")
        assert ui["lang"] == lang and ui["widgets"]["editor"] == name, ui
    assert ID  # the fixture's codes (TWEB, TWEBM) come from tests/data/web-fixture.ttl
