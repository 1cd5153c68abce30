"""Issue 19 part B without a browser: the query builder's configuration follows the ontology,
/def and /figures answer from the library, and every message of these pages is translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import g
from rdflib import OWL, RDF, Graph, URIRef
from webdata import web_app

from cqpi_graph.figures import figures
from cqpi_graph.querybuilder import SH, builder_config, builder_spec
from cqpi_graph.vocabulary import vocabulary

ROOT = Path(__file__).resolve().parent.parent
CQ = "https://w3id.org/cqpi/def#"


def test_builder_config_stays_in_sync_with_the_ontology() -> None:
    onto = Graph().parse(ROOT / "ontology" / "cqpi.ttl")
    declared = set(onto.subjects(RDF.type, OWL.Class)) | set(onto.subjects(RDF.type, OWL.ObjectProperty))
    declared |= set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    config = Graph().parse(data=builder_config(), format="turtle")
    used = set(config.objects(None, SH.targetClass)) | set(config.objects(None, SH.path))
    used |= set(config.objects(None, SH["class"]))
    # every cq: term the builder offers is one of the ontology's, with a label in both languages
    cq_terms = {t for t in used if str(t).startswith(CQ)}
    assert cq_terms and cq_terms <= declared
    spec = builder_spec()
    assert all(set(labels) == {"fr", "en"} for labels in spec.classes.values())
    # what analysts ask first is there: a certification's level, branch, blocs, recognitions
    paths = {(r.domain, r.path) for r in spec.relations}
    for prop in ("level", "branch", "hasBloc", "certifier", "grantsExemptionFor", "replacedBy", "active"):
        assert (CQ + "Certification", CQ + prop) in paths, prop
    # a CQPI is a certification: it offers the same relations
    assert (CQ + "CQPI", CQ + "level") in paths
    # code lists are picked from a list
    assert CQ + "Niveau" in spec.code_lists
    assert URIRef(CQ + "Certification") in set(config.objects(None, SH.targetClass))


def test_vocabulary_has_every_term_with_labels() -> None:
    terms = vocabulary()
    names = {t.name for t in terms}
    assert {"Certification", "CQPI", "level", "grantsExemptionFor"} <= names
    cert = next(t for t in terms if t.name == "Certification")
    assert (
        cert.label("fr") == "Certification professionnelle"
        and cert.label("en") == "Professional certification"
    )


def test_figures_from_the_seed_and_the_statistics_graph(curated_store) -> None:  # noqa: ANN001
    figs = {f.spec.name: f for f in figures(curated_store, "fr")}
    cereq = figs["cereq-survey"]
    assert ("Embauchés dans l'entreprise du contrat de qualification", 81.0) in [
        (a, b) for a, b, _ in cereq.rows
    ]
    kinds = dict((a, b) for a, b, _ in figs["kinds"].rows)
    assert kinds["CQP interbranches (CQPI)"] > 0
    assert sum(b for _, b, _ in figs["status"].rows) == sum(
        kinds.values()
    )  # every certification counted once
    assert figs["kinds"].csv().startswith("label,value,iri\n")
    en = {f.spec.name: f for f in figures(curated_store, "en")}
    assert "Inter-branch CQP (CQPI)" in [a for a, _, _ in en["kinds"].rows]


PAGES = ["/", "/query", "/query/builder", "/def", "/figures", "/validate", "/downloads", "/search?q=CQPI"]


@pytest.mark.parametrize("path", PAGES)
def test_every_message_of_a_page_is_translated(curated_store_path: Path, path: str) -> None:
    """Render the page in English: every message handed to the translation layer must have its
    English entry (a message missing from the table would show in French on an English page)."""
    import web.i18n as i18n

    missing: list[str] = []
    original = i18n.gettext

    def recording(message: str) -> str:
        if getattr(g, "lang", "fr") == "en" and message not in i18n.EN:
            missing.append(message)
        return original(message)

    with web_app(curated_store_path) as app:
        app.jinja_env.globals["_"] = recording
        resp = app.test_client().get(path + ("&" if "?" in path else "?") + "lang=en")
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert not missing, f"{path}: untranslated {sorted(set(missing))}"
