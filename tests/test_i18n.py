"""One language per page (issue 19): no untranslated interface text, in the templates or on a page.

Static: every Jinja template's visible text (text nodes and the attributes people read) goes
through ``_()``. Dynamic: every GET page, rendered in English, shows no word that only the French
side of the message catalog uses (and the other way round). Data (labels, descriptions from the
sources) is marked in the templates with ``lang="…"`` or ``class="data-value"`` and skipped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from webdata import ID, web_app

WEB = Path(__file__).resolve().parent.parent / "web"
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
READ_ATTRS = {"title", "alt", "placeholder", "aria-label"}
SKIP_TAGS = {"script", "style", "code", "pre", "textarea"}  # code, queries: not prose

# Text that is the same in both languages; one reason each.
SAME_IN_BOTH = {
    "FR": "language toggle, names the language in itself",
    "EN": "language toggle, names the language in itself",
    "SPARQL": "name of the W3C standard",
    "CSV": "file format name",
    "JSON": "file format name",
    "RNCP": "registry code",
    "cqpi-graph": "project name",
    "EUPL": "licence name",
    "Jaccard": "proper name (the Jaccard index)",
    "N-Triples": "RDF format name",
    "score": "the same word in both languages",
    "xlsx": "file extension",
    "csv": "file extension",
    **dict.fromkeys(["cq", "rdfs", "skos", "dct", "schema", "prov"], "SPARQL prefix names"),
}
# Codes and acronyms (RNCP1197, CQPM, HTTP, SHA-256, JSON-LD, H2102) read the same in both languages.
CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")


def templates() -> list[Path]:
    return sorted(p for p in WEB.rglob("*.html") if "node_modules" not in p.parts)


class _Texts(HTMLParser):
    """Collects (text, where) pairs of visible text; skips data-marked and non-visible elements."""

    def __init__(self, data_markers: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.data_markers = data_markers
        self.stack: list[tuple[str, bool]] = []
        self.found: list[tuple[str, str]] = []

    def _skipped(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        skip = tag in SKIP_TAGS or (
            self.data_markers
            and (
                ("lang" in a and tag != "html")
                or "data-value" in (a.get("class") or "").split()
                or a.get("translate") == "no"
            )
        )
        if not self._skipped() and not skip:
            for name in READ_ATTRS:
                if a.get(name):
                    self.found.append((a[name] or "", f"<{tag} {name}>"))
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.found.append((a["value"] or "", f"<{tag} value>"))
        if tag not in ("br", "hr", "img", "input", "meta", "link", "wbr", "source"):
            self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipped() and data.strip():
            self.found.append((data.strip(), "text"))


def _untranslated(text: str) -> bool:
    words = [w for w in re.split(r"[\s·—–:,;.()/|«»…]+", text) if w]
    return any(LETTER.search(w) and w not in SAME_IN_BOTH and not CODE.match(w.strip("…'")) for w in words)


@pytest.mark.parametrize("template", templates(), ids=lambda p: str(p.relative_to(WEB)))
def test_template_text_goes_through_translation(template: Path) -> None:
    source = JINJA.sub(" ", template.read_text(encoding="utf-8"))
    parser = _Texts(data_markers=False)
    parser.feed(source)
    bad = [f"{where}: {text!r}" for text, where in parser.found if _untranslated(text)]
    assert not bad, f"{template.relative_to(WEB)}: raw text outside _(): {bad}"


def _catalog() -> dict[str, str]:
    """The whole message catalog, as the app merges it (blueprints add their tables on import)."""
    import web  # noqa: F401
    import web.paths  # noqa: F401
    import web.resource  # noqa: F401
    from web.i18n import EN

    return dict(EN)


WORD = re.compile(r"[^\W\d_][^\W\d_]{3,}", re.UNICODE)
# Identifiers (cqpi-graph, cqpi_graph.facets, URLs, Validation_Partielle) are not words of a language.
IDENT = re.compile(r"[/:_.@=]|^[a-z0-9]+(-[a-z0-9]+)+$")


def _words(text: str) -> set[str]:
    tokens = (t.strip("()[]«»,;!?…'\"") for t in text.split())
    return {w.lower() for t in tokens if not IDENT.search(t) for w in WORD.findall(t)}


# Words the vocabulary check lets through on both sides; one reason each.
BOTH_LANGUAGES = {
    "base": "English word too (knowledge base)",
    "part": "English word too (has part)",
    "point": "English word too (time point)",
    "accessible": "English word too (accessible job types)",
    "compare": "French verb too (« ce que l'import compare »)",
    "compétences": "proper name France compétences, the registry operator",
    "référentiel": "French domain term, kept in English text and defined on /def",
    "socle": "French domain term, kept in English text and defined on /def",
}


def only_words(side: str) -> set[str]:
    """Words of one side of the catalog that appear on no message of the other side."""
    cat = _catalog()
    fr, en = set(), set()
    for k, v in cat.items():
        fr |= _words(k)
        en |= _words(v)
    only = fr - en if side == "fr" else en - fr
    return only - set(BOTH_LANGUAGES)


CEI = ID + "cqpi/CEI"
# Every GET page of every blueprint, with real parameters from the curated store.
PAGES = [
    "/",
    "/search?q=CQPI",
    "/search?q=conducteur",
    "/resource/cqpi/CEI",
    "/resource/cqpm/CSPA",
    "/resource/branche/textile",
    "/resource?iri=" + quote(CEI),
    "/paths",
    "/paths?from=CSPA&to=CEI",
    "/paths?from=CEI",
    "/paths?from=CEI&branch=textile",
    "/socle?branch=textile",
    "/search?q=CQPI&certifier=" + quote(ID + "org/cpnefp-textile"),
    "/search?q=opérateur&page=2",
    "/paths/plan?from=CSPA&to=CEI",
    "/socle",
    "/socle?cert=" + quote(CEI) + "&cert=" + quote(ID + "cqpm/CSPA"),
    "/similar?cert=" + quote(CEI),
    "/query",
    "/query/builder",
    "/def",
    "/figures",
    "/validate",
    "/downloads",
    # Error states speak the page's language too.
    "/resource/cqpi/NO-SUCH-CODE",
    "/search?q=zzqxw",
    "/paths?from=NO-SUCH-CODE&to=CEI",
    "/paths/plan?from=NO-SUCH-CODE&to=CEI",
    "/socle?cert=NO-SUCH-CODE",
    "/similar?cert=NO-SUCH-CODE",
    "/figures/no-such-figure.csv",
]


def test_every_html_get_route_is_covered(curated_store_path: Path) -> None:
    """A new page must join PAGES: every GET rule without parameters that serves HTML is listed."""
    with web_app(curated_store_path) as app:
        listed = {p.split("?")[0] for p in PAGES}
        client = app.test_client()
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.arguments or rule.rule in listed:
                continue
            resp = client.get(rule.rule)
            if resp.mimetype == "text/html" and resp.status_code == 200:
                pytest.fail(f"{rule.rule} serves HTML but is not in PAGES")


def visible_text(html: str) -> list[str]:
    parser = _Texts(data_markers=True)
    parser.feed(html)
    return [text for text, _ in parser.found]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("path", PAGES)
def test_page_speaks_one_language(curated_store_path: Path, path: str, lang: str) -> None:
    other = only_words("fr" if lang == "en" else "en")
    with web_app(curated_store_path) as app:
        resp = app.test_client().get(path + ("&" if "?" in path else "?") + "lang=" + lang)
    assert resp.status_code in (200, 400, 404), f"{path}: {resp.status_code}"
    html = resp.get_data(as_text=True)
    leaks = sorted({f"{w!r} in {t[:80]!r}" for t in visible_text(html) for w in _words(t) & other})
    assert not leaks, f"{path}?lang={lang}: words of the other language: {leaks}"


MESSAGE_KEYS = {"message", "error", "heading", "detail", "note"}


def _messages(value: object) -> list[str]:
    """The interface texts of a JSON body: the string values of message-like keys, at any depth."""
    if isinstance(value, dict):
        out = [v for k, v in value.items() if k in MESSAGE_KEYS and isinstance(v, str)]
        return out + [m for v in value.values() for m in _messages(v)]
    if isinstance(value, list):
        return [m for v in value for m in _messages(v)]
    return []


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("path", PAGES)
def test_json_twin_speaks_one_language(curated_store_path: Path, path: str, lang: str) -> None:
    """The JSON twin of a page (?format=json) words its messages in the language asked for."""
    other = only_words("fr" if lang == "en" else "en")
    with web_app(curated_store_path) as app:
        resp = app.test_client().get(path + ("&" if "?" in path else "?") + f"format=json&lang={lang}")
    if resp.mimetype != "application/json":
        pytest.skip(f"{path} has no JSON twin")
    leaks = sorted({f"{w!r} in {t[:80]!r}" for t in _messages(resp.get_json()) for w in _words(t) & other})
    assert not leaks, f"{path}?format=json&lang={lang}: words of the other language: {leaks}"
