"""The spreadsheet template never gives up on the first problem (issue 15): every cell that cannot
be read is a violation with its cell and what is expected, the rest is read and checked; every
coded column has a drop-down; provisional codes for a référentiel without RNCP code yet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import rdflib
from click.testing import CliRunner
from referentiel_cases import CASES

from cqpi_graph.cli import main
from cqpi_graph.validate import convert_spreadsheet, validate_referentiel, write_template
from cqpi_graph.validate.shacl_engine import vocabulary
from cqpi_graph.validate.template import CERT_FIELDS, COMP_COLUMNS, INSTRUCTIONS, code_lists

TEN = CASES / "dix-erreurs.xlsx"
TEN_EXPECTED = [tuple(e) for e in json.loads((CASES / "dix-erreurs.json").read_text(encoding="utf-8"))]


def test_ten_mistakes_of_ten_kinds_are_all_reported_with_their_cells():
    assert len({rule for rule, _ in TEN_EXPECTED}) == 10
    for lang in ("fr", "en"):
        report = validate_referentiel(TEN, lang=lang)
        assert sorted((r.rule_name, r.cell) for r in report.results) == sorted(TEN_EXPECTED), report.render()
        assert report.exit_code == 1 and report.counts()["Violation"] == 10
        off_list = next(r for r in report.results if r.rule_name == "EvaluationMethodValue")
        assert off_list.value == "Observation"
        assert "Livret d'activité" in off_list.expected or "Activity booklet" in off_list.expected
        for r in report.results:
            if r.rule_name in ("CertificationTypeValue", "CertificationLevelValue", "SheetCodeValue"):
                assert r.expected, r.rule_name  # the values expected
    cli = CliRunner().invoke(main, ["validate", str(TEN)])
    assert cli.exit_code == 1
    for _, cell in TEN_EXPECTED:
        assert f"cellule : {cell}" in cli.output


def _validations(ws) -> list[tuple[str, str, str]]:  # noqa: ANN001
    return [(dv.type, dv.formula1 or "", str(dv.sqref)) for dv in ws.data_validations.dataValidation]


def test_every_coded_cell_of_the_xlsx_template_has_a_dropdown(tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(write_template(tmp_path / "modele.xlsx"))
    lists = wb["Listes"]
    assert lists.sheet_state == "hidden"
    columns = {lists.cell(1, c).value: c for c in range(1, lists.max_column + 1)}
    for key, values in code_lists().items():
        col = columns[key]
        got = [lists.cell(r, col).value for r in range(2, len(values) + 2)]
        assert got == values, key
    rows = {f.prop: 2 + i for i, f in enumerate(CERT_FIELDS)}
    cert = _validations(wb["Certification"])
    for key in ("type", "level", "bodyKind"):
        assert any(t == "list" and "Listes!" in f and f"B{rows[key]}" in s for t, f, s in cert), key
    for key in ("startDate", "endDate"):
        assert any(t == "date" and f"B{rows[key]}" in s for t, _, s in cert), key
    method_col = chr(65 + [c[1] for c in COMP_COLUMNS].index("evaluationMethod"))
    comps = _validations(wb["Compétences"])
    assert any(t == "list" and "Listes!" in f and s.startswith(f"{method_col}2") for t, f, s in comps)
    # Every evaluation method of the code list is offered.
    methods = list(
        vocabulary().subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/cqpi/def#ModaliteEvaluation"))
    )
    assert len(code_lists()["evaluationMethod"]) == len(methods)


def _csv_rows(path) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(rows: list[list[str]], path) -> None:  # noqa: ANN001
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_every_value_of_every_dropdown_is_read(tmp_path):
    """A value chosen from a drop-down list is never reported as off the list."""
    rows = _csv_rows(CASES / "valid.csv")
    comp_header = next(i for i, r in enumerate(rows) if r and r[0] == "Code du bloc")
    rows[comp_header + 1][6] = "\n".join(code_lists()["evaluationMethod"])
    for kind in code_lists()["bodyKind"][:2]:  # the joint kinds (a CQPI needs one)
        for level in code_lists()["level"]:
            for row in rows:
                if row and row[0] == "Nature de l'instance qui délivre":
                    row[1] = kind
                if row and row[0] == "Niveau":
                    row[1] = level
            path = tmp_path / f"r-{kind}-{level}.csv"
            _write(rows, path)
            report = validate_referentiel(path)
            assert not [r for r in report.results if r.severity == "Violation"], report.render()
    graph = convert_spreadsheet(path)
    methods = set(graph.objects(None, rdflib.URIRef("https://w3id.org/cqpi/def#evaluationMethod")))
    assert all(isinstance(m, rdflib.URIRef) for m in methods) and len(methods) == 9


def test_the_template_explains_provisional_codes(tmp_path):
    assert any("PROV-" in line for line in INSTRUCTIONS)
    code_help = next(f.help for f in CERT_FIELDS if f.prop == "rncpCode")
    assert "PROV-" in code_help
    assert "PROV-" in write_template(tmp_path / "modele.csv").read_text(encoding="utf-8")
    for path in (CASES / "valid-provisoire.csv", CASES / "valid-provisoire.ttl"):
        report = validate_referentiel(path)
        assert report.conforms and not report.results, report.render()
    graph = convert_spreadsheet(CASES / "valid-provisoire.csv")
    codes = {str(o) for o in graph.objects(None, rdflib.URIRef("https://w3id.org/cqpi/def#provisionalCode"))}
    assert codes == {"PROV-OCD", "PROV-OCD-BC01", "PROV-OCD-BC02"}


def test_many_problems_of_every_kind_are_reported_together(tmp_path):
    """A missing field, a missing column, an off-list kind, an unreadable level, a bad date, a
    competence without bloc: all reported with their place, and the rest still checked."""
    rows = _csv_rows(CASES / "valid.csv")
    rows = [r for r in rows if not (r and r[0] == "Métiers ROME")]
    for row in rows:
        if row and row[0] == "Nature de l'instance qui délivre":
            row[1] = "syndicat"
        if row and row[0] == "Niveau":
            row[1] = "niveau trois"
        if row and row[0] == "Date de fin de validité":
            row[1] = "demain"
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Code du bloc")
    rows[header] = [c.replace("Conditions de réalisation", "Conditions") for c in rows[header]]
    rows[header + 3][0] = rows[header + 3][1] = ""
    rows[header + 1][0] = rows[header + 1][1] = ""  # the first competence has no bloc
    path = tmp_path / "r.csv"
    _write(rows, path)
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    got = {(r["rule_name"], r["cell"]) for r in data["results"]}
    assert {name for name, _ in got} == {
        "SheetMissingField",
        "SheetMissingColumn",
        "SheetCodeValue",
        "CertificationLevelValue",
        "DateValid",
        "SheetCompetenceWithoutBloc",
    }
    assert all(cell for _, cell in got)
    assert ("SheetMissingField", "feuille « Certification », ligne « Métiers ROME »") in got


def test_a_date_cell_of_the_workbook_is_a_date(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "r.xlsx"
    wb = load_workbook(TEN)
    ws = wb["Certification"]
    row = 2 + [f.prop for f in CERT_FIELDS].index("startDate")
    ws.cell(row, 2).value = dt.datetime(2025, 9, 1)
    wb.save(path)
    graph = convert_spreadsheet(path)
    start = next(graph.objects(None, rdflib.URIRef("https://w3id.org/cqpi/def#startDate")))
    assert start == rdflib.Literal("2025-09-01", datatype=rdflib.XSD.date)
    report = validate_referentiel(path)
    assert "DateValid" not in {r.rule_name for r in report.results}
