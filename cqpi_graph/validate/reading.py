"""What could not be read in a spreadsheet, as validation results next to the shapes' ones.

The converter (spreadsheet.py) never stops at a cell it cannot read: it records a ReadingProblem
(the cell, what it holds, what was expected) and reads on. Each becomes a violation of one of the
reading rules of shapes/spreadsheet.ttl; a shape's result about the same cell is then left out,
since the reading problem already says what is wrong there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import rdflib

from .naming import Namer
from .report import Result
from .shapes import CQS, ShapeSet

COMPONENT = str(CQS.ReadingConstraintComponent)


@dataclass(frozen=True)
class ReadingProblem:
    """A cell (or a sheet, a column) of a spreadsheet that could not be read as the template says."""

    rule: str  # local name of a reading rule of shapes/spreadsheet.ttl (SheetCodeValue…)
    cell: str  # Sheet!C5, « ligne 14, colonne E », or a sheet or a column for what is missing
    value: str | None = None  # what the cell holds
    expected: str | None = None  # what the template expects there (French, or a list of codes)
    expected_en: str | None = None  # the same in English, when it is words
    focus: rdflib.term.Node | None = None  # the node the cell describes, when there is one
    prop: rdflib.URIRef | None = None  # the property the cell gives
    field: str | None = None  # the field or column, as the template names it


_EN = (
    (re.compile(r"ligne (\d+), colonne ([A-Z]+)"), r"line \1, column \2"),
    (re.compile(r"feuille « ([^»]*) »"), r"sheet “\1”"),
    (re.compile(r"colonne « ([^»]*) »"), r"column “\1”"),
    (re.compile(r"ligne « ([^»]*) »"), r"row “\1”"),
    (re.compile(r"^ligne (\d+)$"), r"line \1"),
)


def cell_text(cell: str | None, lang: str) -> str | None:
    """A cell reference in the report's language (the converter writes them in French)."""
    if cell is None or lang != "en":
        return cell
    for pattern, repl in _EN:
        cell = pattern.sub(repl, cell)
    return cell


def _result(p: ReadingProblem, shapes: ShapeSet, namer: Namer, lang: str, source: str) -> Result:
    rule = shapes.rules[str(CQS[p.rule])]
    if p.focus is not None:
        resource = namer.name(p.focus)
    else:
        resource = (f"Modèle tableur {source}" if lang == "fr" else f"Spreadsheet template {source}").strip()
    where = f"« {p.field} »" if p.field else ""
    fr = (where + " : " if where else "") + rule.message_fr
    en = (where.replace("« ", "“").replace(" »", "”") + ": " if where else "") + rule.message_en
    focus = p.focus if p.focus is not None else rdflib.URIRef(f"{CQS}reading/{p.rule}")
    value = rdflib.Literal(p.value) if p.value is not None else None
    return Result(
        rule=rule.iri,
        rule_label=rule.label(lang),
        severity=rule.severity,
        focus=str(focus),
        resource=resource,
        property=str(p.prop) if p.prop is not None else None,
        property_label=(namer.vocab_label(p.prop) if p.prop is not None else p.field),
        value=p.value,
        value_term=value.n3() if value is not None else None,
        message=resource + (": " if lang == "en" else " : ") + (en if lang == "en" else fr),
        message_fr=fr,
        message_en=en,
        component=COMPONENT,
        cell=p.cell,
        focus_is_blank=isinstance(focus, rdflib.BNode),
        focus_term=focus.n3(),
        shape=rdflib.URIRef(rule.iri).n3(),
        expected=(p.expected_en or p.expected) if lang == "en" else p.expected,
        engine="lecture",
    )


def merge(
    results: list[Result],
    problems: list[ReadingProblem],
    shapes: ShapeSet,
    namer: Namer,
    lang: str,
    source: str = "",
) -> list[Result]:
    """The reading problems first, then the shapes' results about other cells."""
    if not problems:
        return results
    read = [_result(p, shapes, namer, lang, source) for p in problems]
    cells = {p.cell for p in problems}
    kept = [r for r in results if not r.cell or not ({c.strip() for c in r.cell.split(" ; ")} & cells)]
    return read + kept
