"""The defective référentiels of tests/data/referentiels (made by _make_cases.py) and their routes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "referentiels"
EXPECTED: dict = json.loads((CASES / "expected.json").read_text(encoding="utf-8"))
ID = "https://w3id.org/cqpi/id/"
CQS = "https://w3id.org/cqpi/shapes#"


def csv_to_xlsx(src: Path, dest: Path) -> Path:
    """The same filled template as an XLSX workbook (one sheet per CSV section)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    ws = None
    for row in csv.reader(io.StringIO(src.read_text(encoding="utf-8"))):
        if row and row[0].startswith("["):
            ws = wb.create_sheet(row[0].strip("[]"))
            continue
        if ws is not None and row and not row[0].startswith("#"):
            ws.append(row)
    wb.save(dest)
    return dest


def case_path(name: str, fmt: str, tmp: Path) -> Path:
    """The file of a case in a format (a workbook is made from the CSV case)."""
    if fmt == "xlsx":
        return csv_to_xlsx(CASES / f"{name}.csv", tmp / f"{name}.xlsx")
    return CASES / f"{name}.{fmt}"


def local(focus: str) -> str:
    """A focus node as expected.json writes it (after the id/ namespace; « reading » for a sheet)."""
    if focus.startswith(ID):
        return focus[len(ID) :]
    if focus.startswith(CQS + "reading/"):
        return "reading"
    return focus


NOMENCLATURES = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix cq: <https://w3id.org/cqpi/def#> .
GRAPH <https://w3id.org/cqpi/graph/import/nsf> {
  <https://w3id.org/cqpi/id/nsf/200> skos:inScheme <https://w3id.org/cqpi/id/scheme/nsf> ;
      skos:notation "200" .
  <https://w3id.org/cqpi/id/nsf/250> skos:inScheme <https://w3id.org/cqpi/id/scheme/nsf> ;
      skos:notation "250" . }
GRAPH <https://w3id.org/cqpi/graph/import/formacode> {
  <https://w3id.org/cqpi/id/formacode/31054> skos:inScheme <https://w3id.org/cqpi/id/scheme/formacode> ;
      skos:notation "31054" . }
GRAPH <https://w3id.org/cqpi/graph/import/idcc> {
  <https://w3id.org/cqpi/id/idcc/0044> cq:idcc "0044" . }
"""


def nomenclature_store():  # noqa: ANN201 - pyoxigraph.Store
    """A store that holds the NSF, Formacode and IDCC nomenclatures whole (a few codes of each,
    in the graphs their importers would fill) and no other registry."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(NOMENCLATURES.encode("utf-8"), format=ox.RdfFormat.TRIG)
    return store
