"""Any SHACL, always answered: a user's shapes (cqpi validate --shapes), the W3C SHACL Core suite
run through cqpi_graph's validation, and which engine checked which shape (issue 15)."""

from __future__ import annotations

import json

import pytest
import rdflib
import shacl_core
from click.testing import CliRunner
from rdflib.namespace import SH
from referentiel_cases import CASES, ROOT

from cqpi_graph.cli import main
from cqpi_graph.validate import validate_referentiel
from cqpi_graph.validate.compiler import Compiler, UnsupportedShape, targeted_shapes

SHARED = ROOT.parent / "shared"
SUITE = shacl_core.cases()


def test_the_suite_is_there_whole():
    assert len(SUITE) == 98


@pytest.mark.parametrize("case", SUITE, ids=[c.name for c in SUITE])
def test_w3c_shacl_core(case):
    """Expected sh:conforms and results (focus node, path, value, severity, component, shape)."""
    outcome = shacl_core.run(case)
    assert outcome.passed, outcome.diff()


def test_w3c_suite_compiles_all_but_what_pyshacl_must_check():
    """Only a shape over literals Oxigraph rewrites (xsd:byte) is left to pyshacl."""
    left = {}
    for case in SUITE:
        g = rdflib.Graph().parse(case.shapes)
        compiler = Compiler(g)
        for shape in targeted_shapes(g):
            try:
                compiler.compile(shape)
            except UnsupportedShape as exc:
                left[(case.name, str(shape))] = exc.key
    assert set(left.values()) <= {"lexical", "rewritten", "recursive"}, left
    assert len(left) <= 2, left


def test_cli_shapes_option_reports_the_standard_turtle_report():
    case = next(c for c in SUITE if c.name == "node/class-001")
    result = CliRunner().invoke(
        main, ["validate", "--shapes", str(case.shapes), "--format", "turtle", str(case.data)]
    )
    assert result.exit_code == 1, result.output
    g = rdflib.Graph().parse(data=result.output, format="turtle")
    report = next(g.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert shacl_core.result_keys(g, report) == case.results


def test_what_does_not_compile_runs_on_pyshacl_and_the_report_says_so(tmp_path):
    """A user's SHACL-SPARQL constraint: pyshacl checks it; the report names engine and reason."""
    shapes = tmp_path / "profil.ttl"
    shapes.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cq: <https://w3id.org/cqpi/def#> .
@prefix ex: <https://example.org/branche#> .
ex:ShortTitle a sh:NodeShape ;
    sh:name "Intitulé court"@fr , "Short title"@en ;
    sh:targetClass cq:CQPI ;
    sh:sparql [
        sh:message "l'intitulé dépasse 20 caractères"@fr , "the title is longer than 20 characters"@en ;
        sh:select \"\"\"SELECT $this ?value WHERE {
            $this <http://www.w3.org/2000/01/rdf-schema#label> ?value .
            FILTER (STRLEN(?value) > 20) }\"\"\" ] .
ex:Sigle a sh:PropertyShape ;
    sh:targetClass cq:CQPI ;
    sh:path cq:abbreviation ;
    sh:minLength 4 .
""",
        encoding="utf-8",
    )
    for lang in ("fr", "en"):
        report = validate_referentiel(CASES / "valid.ttl", shapes=[shapes], lang=lang)
        assert report.engines["https://example.org/branche#ShortTitle"] == "pyshacl"
        assert report.engines["https://example.org/branche#Sigle"] == "sparql"
        by_rule = {r.rule_name: r for r in report.results}
        assert set(by_rule) == {"ShortTitle", "Sigle"}
        text = report.render("text")
        if lang == "fr":
            assert "vérifiées par pyshacl" in text and "SHACL-SPARQL" in text
            assert "l'intitulé dépasse 20 caractères" in by_rule["ShortTitle"].message
            assert "au moins 4 caractères" in by_rule["Sigle"].message  # no sh:message: one per component
        else:
            assert "checked by pyshacl" in text
            assert "at least 4 characters" in by_rule["Sigle"].message
    data = json.loads(report.render("json"))
    assert data["engines"]["https://example.org/branche#ShortTitle"] == "pyshacl"
    assert "SHACL-SPARQL" in data["pyshacl_reasons"]["https://example.org/branche#ShortTitle"]


def test_official_profiles_are_checked_not_refused():
    """The Europass LOQ shapes and the DCAT-AP shapes, as published: every shape is checked."""
    for path in (
        SHARED / "data" / "elm" / "LOQ-constraints.ttl",
        SHARED / "conformance" / "dcat-ap" / "shapes.ttl",
    ):
        report = validate_referentiel(CASES / "valid.ttl", shapes=[path])
        user = {r: e for r, e in report.engines.items() if "w3id.org/cqpi" not in r}
        assert user and set(user.values()) <= {"sparql", "pyshacl"}
        assert all(why for r, why in report.reasons.items())


def test_pyshacl_engine_for_every_shape_agrees_on_user_shapes():
    for name in ("node/and-001", "property/qualifiedValueShapesDisjoint-001", "path/path-complex-001"):
        case = next(c for c in SUITE if c.name == name)
        compiled = shacl_core.run(case, "sparql")
        reference = shacl_core.run(case, "shacl")
        assert compiled.results == reference.results
        assert set(reference.engines.values()) == {"pyshacl"}


def test_bad_shapes_file_is_a_clear_input_error(tmp_path):
    bad = tmp_path / "profil.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:x sh:y ;; .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--shapes", str(bad), str(CASES / "valid.ttl")])
    assert result.exit_code == 2
    assert "profil.ttl" in result.output and "ligne 2" in result.output
    store_too = CliRunner().invoke(main, ["validate", "--store", "--shapes", str(bad)])
    assert store_too.exit_code == 2 and "--shapes" in store_too.output
