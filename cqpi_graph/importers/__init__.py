"""Importers of the official registries; each registers itself in cqpi_graph.build.IMPORTERS.

| name | input | named graph |
|---|---|---|
| rncp | RNCP/RS export: CSV zip (-> import/rncp) or XML flow v4.1 (-> import/rncp-xml) | |
| bcn  | N_FORMATION_DIPLOME.csv (or its folder) | import/bcn |
| kit  | kit-apprentissage-rncp-*.csv | import/kit |
| rome | folder of the ROME 4.0 unix_*_utf8.csv files | import/rome |
| esco | folder of the ESCO CSV files | import/esco |
"""

from __future__ import annotations

from ..build import IMPORTERS
from .bcn import import_bcn
from .common import ImportReport, RowProblem
from .esco import import_esco
from .kit import import_kit
from .rncp import import_rncp
from .rome import import_rome

SOURCES = {
    "rncp": import_rncp,
    "bcn": import_bcn,
    "kit": import_kit,
    "rome": import_rome,
    "esco": import_esco,
}
IMPORTERS.update(SOURCES)

__all__ = [
    "SOURCES",
    "ImportReport",
    "RowProblem",
    "import_bcn",
    "import_esco",
    "import_kit",
    "import_rncp",
    "import_rome",
]
