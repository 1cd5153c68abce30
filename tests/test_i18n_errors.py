"""One language per page, also for the library's errors that POST forms and the SPARQL endpoint
show (issue 19, left over): on an English page they are English, on a French page French.

Each family of errors is sent for real — a file that does not parse, a CSV that is not UTF-8, an
XML with entities, a JSON-LD nested too deep, a file of the wrong type, a SPARQL syntax error —
and the text the person reads is checked with the same vocabulary as tests/test_i18n.py, widened
to the library's own message catalog (cqpi_graph/messages.py).
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from test_i18n import _catalog, _words, visible_text
from webdata import web_app

from cqpi_graph.errors import InputError
from cqpi_graph.messages import EN as LIBRARY_EN
from cqpi_graph.messages import Message, Size, msg

ROOT = Path(__file__).resolve().parent.parent


def other_side(lang: str) -> set[str]:
    """Words only the other language uses, over the web catalog and the library's."""
    fr, en = set(), set()
    for k, v in {**_catalog(), **LIBRARY_EN}.items():
        fr |= _words(k)
        en |= _words(v)
    from test_i18n import BOTH_LANGUAGES

    return (fr - en if lang == "en" else en - fr) - set(BOTH_LANGUAGES)


def leaks(text: str, lang: str) -> list[str]:
    return sorted(_words(text) & other_side(lang))


# ---------------------------------------------------------------- the library's catalog


def _keys_in_source(area: str = "cqpi_graph") -> list[tuple[str, str]]:
    """Every literal key of a msg(...) call in an area of the code, with where it is."""
    found = []
    for path in sorted(p for p in (ROOT / area).rglob("*.py") if "node_modules" not in p.parts):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "msg"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append((str(node.args[0].value), f"{path.relative_to(ROOT)}:{node.lineno}"))
    return found


def test_every_library_message_has_its_english() -> None:
    keys = _keys_in_source()
    assert len(keys) > 40, "the scan found the library's messages"
    missing = [f"{where}: {key!r}" for key, where in keys if key not in LIBRARY_EN]
    assert not missing, f"messages without English in cqpi_graph/messages.py: {missing}"
    # keys built from a constant part (store/embedded.py, store/remote.py): both forms listed
    for what in ("requête SPARQL", "mise à jour SPARQL"):
        assert what + " invalide : {detail}" in LIBRARY_EN


def test_every_web_message_has_its_english() -> None:
    """The web view's own message keys (the SPARQL endpoint, its query pool) are in its catalog."""
    import web.sparql  # noqa: F401 - adds its table to the catalog

    keys = _keys_in_source("web")
    assert len(keys) > 10
    catalog = {**LIBRARY_EN, **_catalog()}
    missing = [f"{where}: {key!r}" for key, where in keys if key not in catalog]
    assert not missing, f"web messages without English: {missing}"


def test_english_keeps_the_placeholders() -> None:
    fields = re.compile(r"\{(\w+)\}")
    bad = [k for k, v in LIBRARY_EN.items() if sorted(fields.findall(k)) != sorted(fields.findall(v))]
    assert not bad, bad


def test_french_text_of_the_command_line_is_unchanged() -> None:
    head = msg("une ligne d'en-tête")
    err = InputError(msg("fichier vide"), file="a.csv", line=3, field="code", expected=head)
    assert str(err) == "a.csv, ligne 3, champ « code » : fichier vide (attendu : une ligne d'en-tête)"
    assert err.render("en") == "a.csv, line 3, field « code »: empty file (expected: a header row)"
    assert InputError("texte libre", line=2).render("en") == "line 2: texte libre"  # no key: as it is
    assert Size(1.5 * 2**20).render("fr") == "1,5 Mo" and Size(1.5 * 2**20).render("en") == "1.5 MB"
    assert isinstance(err.text, Message)


def test_error_keys_cross_the_sandbox() -> None:
    """The validation reads files in a child: its error comes back with its key, not as French text."""
    from cqpi_graph import sandbox

    def fail() -> None:
        encodings = msg("UTF-8, Windows-1252 ou Latin-1")
        raise InputError(msg("fichier en UTF-16"), file="x.csv", expected=encodings)

    with pytest.raises(InputError) as err:
        sandbox.call(fail, name="x.csv")
    assert err.value.render("en") == "x.csv: file in UTF-16 (expected: UTF-8, Windows-1252 or Latin-1)"


# ---------------------------------------------------------------- the validation form


def _bad_files(tmp_path: Path) -> dict[str, tuple[str, bytes]]:
    from hostile import deep_jsonld

    return {
        "turtle-syntax": ("bad.ttl", b"@prefix cq: <https://w3id.org/cqpi/def#> .\n<a> cq:b <c\n"),
        "csv-not-utf8": ("modele.csv", "[Certification]\ncode;intitulé\nX;caf\xe9\n".encode("latin-1")),
        "xlsx-damaged": ("modele.xlsx", b"PK\x03\x04" + b"\x00" * 64),
        "xml-entity": (
            "bad.rdf",
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a SYSTEM "file:///etc/passwd">]><r>&a;</r>',
        ),
        "jsonld-deep": ("deep.jsonld", deep_jsonld(tmp_path / "deep.jsonld", 500).read_bytes()),
        "wrong-type": ("notes.docx", b"PK\x03\x04 not a referentiel"),
        "binary": ("bad.ttl", b"\x00\x01\x02 binary"),
        "too-big": ("big.ttl", b"# " + b"x" * 30_000 + b"\n"),
        "no-file": ("", b""),
    }


FAMILIES = [
    "turtle-syntax",
    "xlsx-damaged",
    "csv-not-utf8",
    "xml-entity",
    "jsonld-deep",
    "wrong-type",
    "binary",
    "too-big",
    "no-file",
]
# Families the library reports (the others are the web form's own checks): its « attendu » frame.
LIBRARY_FAMILIES = ("turtle-syntax", "xlsx-damaged", "xml-entity", "jsonld-deep")


def _upload_error(html: str) -> str:
    """The error's text as a person reads it, without what is marked as quoted in another
    language (<span lang="en"> around a parser's own diagnostic)."""
    m = re.search(r'<div class="error-message" id="upload-error">(.*?)</div>', html, re.DOTALL)
    assert m, "the page shows the error"
    return " ".join(visible_text(m.group(0)))


@pytest.fixture(scope="module")
def validate_client(curated_store_path: Path):  # noqa: ANN201
    with web_app(curated_store_path) as app:
        yield app.test_client()


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("family", FAMILIES)
def test_validation_error_speaks_the_page_language(
    validate_client,  # noqa: ANN001
    tmp_path: Path,
    family: str,
    lang: str,
) -> None:
    name, data = _bad_files(tmp_path)[family]
    form = {"file": (io.BytesIO(data), name)} if name else {}
    resp = validate_client.post(f"/validate?lang={lang}", data=form, content_type="multipart/form-data")
    assert 400 <= resp.status_code < 500, resp.status_code
    text = _upload_error(resp.get_data(as_text=True))
    assert not leaks(text, lang), f"{family} on a {lang} page: {leaks(text, lang)} in {text!r}"
    if family in LIBRARY_FAMILIES:
        assert ("expected:" if lang == "en" else "attendu :") in text, text


# ---------------------------------------------------------------- the SPARQL endpoint


BAD_QUERY = "SELECT * WHERE { ?s ?p ?o"


def _parser_words(query: str) -> str:
    """What the SPARQL parser itself says (its own language, quoted as it is by the endpoint)."""
    import pyoxigraph as ox

    with pytest.raises(SyntaxError) as err:
        ox.Store().query(query)
    return str(err.value)


# (name, request) per family of endpoint errors; each a real request the endpoint refuses.
SPARQL_FAMILIES = {
    "syntax": {"method": "POST", "data": {"query": BAD_QUERY}},
    "update": {"method": "POST", "data": {"query": "INSERT DATA { <a:b> <a:b> <a:b> }"}},
    "service": {"method": "POST", "data": {"query": "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"}},
    "empty": {"method": "POST", "data": {"query": "  "}},
    "cap": {"method": "POST", "data": {"query": "SELECT * WHERE { ?s ?p ?o }"}},
    "two-queries": {"method": "POST", "data": {"query": ["ASK {}", "ASK {}"]}},
    "content-type": {"method": "POST", "data": b"ASK {}", "content_type": "text/plain"},
    "missing": {"method": "POST", "data": {"default-graph-uri": "http://x/"}},
    "write-method": {"method": "PUT", "data": b""},
}


@pytest.fixture(scope="module")
def sparql_client(curated_store_path: Path):  # noqa: ANN201
    with web_app(curated_store_path) as app:
        yield app.test_client()


def _sparql(client, family: str, lang: str | None, how: str = "query"):  # noqa: ANN001, ANN202
    kwargs = dict(SPARQL_FAMILIES[family])
    url = "/sparql"
    if lang and how == "query":
        url += f"?lang={lang}"
    elif lang and how == "form":  # what the query pages' YASGUI sends
        kwargs["data"] = {**kwargs["data"], "lang": lang}
    elif lang and how == "cookie":
        client.set_cookie("lang", lang)
    try:
        return client.open(url, **kwargs)
    finally:
        client.delete_cookie("lang")


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("family", list(SPARQL_FAMILIES))
def test_sparql_error_speaks_the_declared_language(sparql_client, family: str, lang: str) -> None:  # noqa: ANN001
    resp = _sparql(sparql_client, family, lang)
    assert 400 <= resp.status_code < 600, (family, resp.status_code)
    text = resp.get_data(as_text=True)
    if family == "syntax":
        quoted = _parser_words(BAD_QUERY)
        assert quoted in text, text
        text = text.replace(quoted, " ")
        assert text.startswith("SPARQL syntax error:" if lang == "en" else "erreur de syntaxe SPARQL :"), text
    assert len(text.strip().splitlines()) == 1, f"one language, one line: {text!r}"
    assert not leaks(text, lang), f"{family}, lang={lang}: {leaks(text, lang)} in {text!r}"


@pytest.mark.parametrize("how", ["form", "cookie"])
def test_sparql_error_language_from_the_form_or_the_cookie(sparql_client, how: str) -> None:  # noqa: ANN001
    for lang, words in (("en", "is refused"), ("fr", "est refusé")):
        text = _sparql(sparql_client, "update", lang, how).get_data(as_text=True)
        assert words in text and len(text.strip().splitlines()) == 1, (how, lang, text)


def test_sparql_error_without_a_language_is_french_then_english(sparql_client) -> None:  # noqa: ANN001
    """A client that declares no language (curl, a SPARQL library) reads both, French first."""
    fr, en = _sparql(sparql_client, "update", None).get_data(as_text=True).strip().splitlines()
    assert "lecture seule" in fr and not leaks(fr, "fr")
    assert "read-only" in en and not leaks(en, "en")
