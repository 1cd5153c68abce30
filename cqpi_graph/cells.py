"""Cells that a spreadsheet would take for a formula (CSV / formula injection).

A label such as ``=HYPERLINK("http://…","Cliquez")`` is plain text in the graph, but a CSV or
XLSX file that carries it as it is would run it when opened in Excel or LibreOffice. Every CSV
or XLSX that cqpi-graph writes for people (validation reports, socle tables, templates) passes
its text cells through :func:`neutralise`, which prefixes such a cell with an apostrophe (the
spreadsheets' own "this is text" mark). A plain number (``-3``, ``+2,5``) is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# What spreadsheets read as the start of a formula (OWASP), full-width forms included.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def looks_like_formula(value: str) -> bool:
    return bool(value) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value)


def neutralise(value: object) -> object:
    """The value as a spreadsheet shows it as text; non-strings are returned unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def neutralise_row(row: Iterable[object]) -> list[object]:
    return [neutralise(v) for v in row]


__all__ = ["FORMULA_START", "looks_like_formula", "neutralise", "neutralise_row"]
