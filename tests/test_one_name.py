"""One name per certification and language, wherever a person reads it (issue 13).

Every certification of the curated graph is named by the catalog (`Catalog.certification`); the
command line (`cqpi reach --format json`), the web page and its JSON twin, the schema.org and
ELM exports must show exactly that name, in French and in English.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from cqpi_graph.catalog import load_catalog
from cqpi_graph.cli import main
from cqpi_graph.export.elm import export_elm
from cqpi_graph.export.schemaorg import export_schemaorg
from cqpi_graph.namespaces import SKOS
from cqpi_graph.store import Store
from web import create_app
from web.graph import local_path

LANGS = ("fr", "en")


@pytest.fixture(scope="module")
def names(curated_store: Store) -> dict[tuple[str, str], str]:
    """(certification IRI, language) -> the catalog's name."""
    cat = load_catalog(curated_store)
    found = {(g, lang): cat.certification(g, lang).label for g in cat.groups() for lang in LANGS}
    assert len(found) >= 2 * 20 and all(found.values())
    return found


@pytest.fixture(scope="module")
def client(curated_store_path: Path):  # noqa: ANN201
    return create_app({"TESTING": True, "CQPI_STORE": str(curated_store_path)}).test_client()


def test_command_line(names: dict, curated_store: Store, curated_store_path: Path) -> None:
    cat = load_catalog(curated_store)
    for (iri, lang), name in names.items():
        code = cat.certification(iri).code
        args = ["--store", str(curated_store_path), "reach", code, "--format", "json", "--lang", lang]
        result = CliRunner().invoke(main, args)
        assert result.exit_code in (0, 1), result.output
        assert json.loads(result.output)["origin"]["label"] == name, (code, lang)


def test_web_page_and_json_twin(names: dict, client) -> None:  # noqa: ANN001
    for (iri, lang), name in names.items():
        path = local_path(iri)
        twin = client.get(f"/resource/{path}.page.json?lang={lang}")
        assert twin.status_code == 200, (iri, twin.status_code)
        assert twin.get_json()["label"] == name, (iri, lang)
        page = client.get(f"/resource/{path}?lang={lang}", headers={"Accept": "text/html"})
        h1 = re.search(r"<h1>(.*?)</h1>", page.get_data(as_text=True), re.S)
        assert h1 and _unescape(h1.group(1)).strip() == name, (iri, lang)


def test_exports(names: dict, curated_store: Store) -> None:
    buf = io.BytesIO()
    export_schemaorg(curated_store, buf)
    schema = {o["@id"]: o["name"] for o in json.loads(buf.getvalue())["@graph"]}
    data, report = export_elm(curated_store, "turtle")
    elm = rdflib.Graph().parse(data=data or b"", format="turtle")
    excluded = {e.iri: e.title for e in report.excluded}  # named in the report of what is left out
    for (iri, lang), name in names.items():
        if lang == "fr":
            if iri in schema:
                assert schema[iri] == name, iri
            if iri in excluded:
                assert excluded[iri] == name, iri
        labels = {
            str(o)
            for o in elm.objects(rdflib.URIRef(iri), rdflib.URIRef(SKOS + "prefLabel"))
            if getattr(o, "language", None) == lang
        }
        assert labels <= {name}, (iri, lang, labels)
    assert len(excluded) + len(set(elm.subjects())) > 0
    assert schema, "the schema.org export names certifications"


def _unescape(html: str) -> str:
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


def test_label_rule_presumes_untagged_titles_french() -> None:
    """An untagged registry title is presumed French: before English on a French page, after a
    tagged French title on an English page; another language only when nothing else is there."""
    from cqpi_graph.catalog.labels import LabelCandidate, choose_label

    untagged = LabelCandidate("Soudeur industriel")
    english = LabelCandidate("Industrial welder", "en")
    french = LabelCandidate("Soudeuse / soudeur industriel", "fr")
    german = LabelCandidate("Industrieschweißer", "de")
    assert choose_label([english, untagged], "fr") == "Soudeur industriel"
    assert choose_label([english, untagged], "en") == "Industrial welder"
    assert choose_label([untagged, french], "en") == "Soudeuse / soudeur industriel"
    assert choose_label([german, untagged], "en") == "Soudeur industriel"
    assert choose_label([german], "fr") == "Industrieschweißer"


def test_a_rome_code_is_named_by_its_preferred_label_else_by_the_rncp_export(tmp_path: Path) -> None:
    """The preferred property first (skos:prefLabel before the RNCP export's older wording), and
    a code the imported ROME does not name (a domain code such as A1500) keeps the export's."""
    from cqpi_graph.build import build
    from cqpi_graph.catalog.names import resource_labels
    from cqpi_graph.store import open_store

    rome = "https://w3id.org/cqpi/id/rome/"
    ttl = tmp_path / "rome.ttl"
    ttl.write_text(
        f"""@prefix cq: <https://w3id.org/cqpi/def#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <{rome}Z1102> a cq:MetierROME ; skos:prefLabel "Ingénieur d'affaires en industrie"@fr ;
            cq:rncpLabel "Management d'affaires"@fr .
        <{rome}Z1500> a cq:MetierROME ; cq:rncpLabel "Soins aux animaux"@fr .
        """,
        encoding="utf-8",
    )
    build(tmp_path / "store", extra_data=[ttl])
    with open_store(tmp_path / "store") as store:
        for lang in LANGS:
            names = resource_labels(store, [rome + "Z1102", rome + "Z1500"], lang)
            assert names[rome + "Z1102"] == "Ingénieur d'affaires en industrie"
            assert names[rome + "Z1500"] == "Soins aux animaux"
