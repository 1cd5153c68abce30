"""Importers of the official registries; each module registers itself in `registry.SOURCES`.

| name | input | named graph |
|---|---|---|
| rncp | RNCP/RS exports: CSV zips and XML flows v4.1, combined (newest export wins per fiche) | import/rncp |
| bcn  | N_FORMATION_DIPLOME.csv (with N_NIVEAU_FORMATION_DIPLOME.csv beside it) | import/bcn |
| kit  | kit-apprentissage-rncp-*.csv | import/kit |
| rome | folder of the ROME 4.0 unix_*_utf8.csv files | import/rome |
| esco | folder of the ESCO CSV files | import/esco |
"""

from __future__ import annotations

from . import bcn, esco, kit, rncp, rome  # noqa: F401 - each registers itself
from .bcn import import_bcn
from .common import ImportReport, RowProblem
from .esco import import_esco
from .kit import import_kit
from .registry import SOURCES, Source
from .rncp import import_rncp
from .rome import import_rome

__all__ = [
    "SOURCES",
    "ImportReport",
    "RowProblem",
    "Source",
    "import_bcn",
    "import_esco",
    "import_kit",
    "import_rncp",
    "import_rome",
]
