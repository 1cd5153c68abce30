"""Every rule of shapes/README.md on its defective référentiel, in every route (issue 15).

tests/data/referentiels/expected.json (made by _make_cases.py) gives, for each case and each
format (Turtle; the spreadsheet template as CSV and as XLSX where the template can say it), the
exact results: the rule under test and the consequences of the same defect on other rules.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from referentiel_cases import CASES, EXPECTED, ROOT, case_path, local, nomenclature_store

from cqpi_graph.validate import rules, validate_referentiel
from cqpi_graph.validate.shapes import rule_name

README = (ROOT / "shapes" / "README.md").read_text(encoding="utf-8")
# What people read carries no vocabulary term, no IRI of the project, no blank node id.
INTERNAL = re.compile(r"\bcqs?:[A-Za-z]|w3id\.org/cqpi|_:[A-Za-z0-9]")
READING = {name for name, r in rules("referentiel").items() if r.file == "spreadsheet.ttl"}


def _store(kind: str | None, request: pytest.FixtureRequest):  # noqa: ANN202 - a store or None
    if kind is None:
        return None
    if kind == "nomenclatures":
        return nomenclature_store()
    return request.getfixturevalue(f"{kind}_store")


def _params() -> list:
    return [
        pytest.param(name, fmt, id=f"{name}-{fmt}")
        for name, case in sorted(EXPECTED.items())
        for fmt in case["expect"]
    ]


@pytest.mark.parametrize(("name", "fmt"), _params())
def test_defective_referentiel_yields_its_results(name, fmt, tmp_path, request):
    case = EXPECTED[name]
    path = case_path(name, fmt, tmp_path)
    report = validate_referentiel(path, against_store=_store(case["store"], request))
    got = Counter((r.rule_name, local(r.focus)) for r in report.results)
    assert got == Counter(tuple(e) for e in case["expect"][fmt]), report.render("text")
    rule = next(r for r in rules("referentiel").values() if r.name == case["rule"])
    primary = next(r for r in report.results if r.rule_name == case["rule"])
    assert primary.severity == rule.severity
    assert report.conforms == (report.counts()["Violation"] == 0)
    assert report.exit_code == (0 if report.conforms else 1)
    for r in report.results:
        assert r.message == f"{r.resource} : {r.message_fr}"
        for text in (r.resource, r.message, r.value or "", r.expected or "", r.property_label or ""):
            assert not INTERNAL.search(text), text
    if fmt != "ttl":
        assert primary.cell, "a spreadsheet result names its cell"
        if fmt == "xlsx" and rule.iri not in READING:
            assert re.search(r"![A-Z]+\d+", primary.cell), primary.cell


@pytest.mark.parametrize("name", sorted(n for n, c in EXPECTED.items() if "ttl" in c["expect"]))
def test_engines_agree_on_defective_referentiel(name, request):
    """The compiled shapes and pyshacl give the same results, named the same way."""
    store = _store(EXPECTED[name]["store"], request)
    outcomes = []
    for engine in ("sparql", "shacl"):
        report = validate_referentiel(CASES / f"{name}.ttl", against_store=store, engine=engine)
        keys = [
            (r.rule, r.focus_term, r.value_term, r.property, r.severity, r.message) for r in report.results
        ]
        outcomes.append(sorted(keys))
    assert outcomes[0] == outcomes[1]


def _readme_rules() -> dict[str, dict]:
    """The rules tables of shapes/README.md: name -> severity, routes, cases."""
    out = {}
    for line in README.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        m = re.fullmatch(r"`(\w+)`", cells[0]) if len(cells) == 6 else None
        if m:
            out[m.group(1)] = {
                "severity": cells[1],
                "routes": {r.strip().lower() for r in cells[4].split(",") if r.strip()},
                "cases": re.findall(r"`([0-9]{2,3}-[\w-]+)`", cells[5]),
            }
    return out


SEVERITY_WORDS = {"Violation": "violation", "Warning": "avertissement", "Info": "information"}
ROUTES = {"turtle": "ttl", "csv": "csv", "xlsx": "xlsx"}


def test_readme_lists_every_rule_with_its_severity_routes_and_cases():
    documented = _readme_rules()
    project = {r.name: r for r in rules("referentiel").values()}
    assert set(documented) == set(project)
    for name, row in documented.items():
        assert row["severity"] == SEVERITY_WORDS[project[name].severity], name
        assert row["cases"], f"{name}: no case in shapes/README.md"
        formats = set()
        for case in row["cases"]:
            assert case in EXPECTED, case
            for fmt, expect in EXPECTED[case]["expect"].items():
                assert name in {e[0] for e in expect}, (name, case, fmt)
                formats.add(fmt)
        assert {ROUTES[r] for r in row["routes"]} == formats, name


def test_every_rule_is_the_rule_under_test_of_a_case():
    under_test = {c["rule"] for c in EXPECTED.values()}
    assert {r.name for r in rules("referentiel").values()} <= under_test


def test_every_rule_speaks_french_and_english_to_people():
    for iri, rule in rules("referentiel").items():
        assert rule.label_fr and rule.label_en and rule.message_fr and rule.message_en, iri
        for text in (rule.label_fr, rule.label_en, rule.message_fr, rule.message_en):
            assert not INTERNAL.search(text), (rule_name(iri), text)
        assert rule.message_fr != rule.message_en, iri
