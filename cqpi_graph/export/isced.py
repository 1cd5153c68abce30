"""NSF speciality -> ISCED-F 2013 field of education, through the curated table of `tables/`.

The registries give a certification's field as an NSF code (326, 326n, 32); Europass wants an
ISCED-F 2013 field. No official correspondence table was found, so the project keeps its own:
`tables/nsf-isced-f-2013.csv` (its header says how it was made) and the names of the ISCED-F
fields it uses, `tables/isced-f-2013.csv`. A code is looked up as given, then by its specialty
group (three digits), then by its sub-domain (two digits); a code the table does not hold has
no field (the export reports it, it never guesses).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLES = Path(__file__).parent / "tables"
NSF_TABLE = TABLES / "nsf-isced-f-2013.csv"
FIELDS_TABLE = TABLES / "isced-f-2013.csv"
SOURCE_NOTE = (
    "ISCED-F 2013 tiré du code NSF par la table de correspondance NSF → ISCED-F 2013 établie par "
    "le projet (cqpi_graph/export/tables/nsf-isced-f-2013.csv ; aucune table officielle trouvée)"
)


@dataclass(frozen=True)
class IscedField:
    """An ISCED-F 2013 field: its four-digit code and its names (en, and fr when known)."""

    code: str
    names: tuple[tuple[str, str], ...]  # (language, name)


@dataclass(frozen=True)
class NsfMatch:
    """The field an NSF code maps to, and the table row that gave it (326n, 326 or 32)."""

    nsf: str
    row: str
    field: IscedField


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter=";"))


@lru_cache(maxsize=1)
def isced_fields() -> dict[str, IscedField]:
    out = {}
    for r in _rows(FIELDS_TABLE):
        names = [("en", r["en"])] + ([("fr", r["fr"])] if r["fr"] else [])
        out[r["code"]] = IscedField(r["code"], tuple(names))
    return out


@lru_cache(maxsize=1)
def nsf_table() -> dict[str, str]:
    """NSF code (as in the table: 32, 326, 326n) -> ISCED-F code."""
    return {r["nsf"]: r["isced_f"] for r in _rows(NSF_TABLE)}


def isced_for_nsf(code: str) -> NsfMatch | None:
    """The ISCED-F 2013 field of an NSF code, or None when the table has none for it."""
    code = code.strip().lower()
    table, fields = nsf_table(), isced_fields()
    for key in (code, code[:3], code[:2]):
        if key in table and len(key) >= 2 and key.isalnum():
            return NsfMatch(code, key, fields[table[key]])
    return None
