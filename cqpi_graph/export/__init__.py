"""Export the graph: full dumps and the profiles the registries read.

* `export_dump(store, fmt, graph=None, output=None)` — turtle, ntriples, nquads, trig, jsonld,
  rdfxml, streamed (`dump.py`);
* `export_elm(store, fmt="turtle", output=None)` — ELM v3 / LOQ for the Europass QDR, with a
  report of the certifications that lack mandatory data (`elm.py`; fields `elm_fields.py`,
  NSF → ISCED-F `isced.py`, JSON-LD `elm_jsonld.py`, closed-shape conflicts `elm_shapes.py`);
* `schemaorg_jsonld(store, iri)` / `export_schemaorg(store, output)` — schema.org
  `EducationalOccupationalCredential` JSON-LD (`schemaorg.py`);
* `export_rncp_xml(store, codes=None, output=None, report=None)` — RNCP export flow v4.1,
  round-trips through `cqpi import rncp` (`rncp_xml.py`);
* `ExportReport` — what an export wrote and left out, by missing field (`report.py`);
* `dataset_description(store, base_url)` — DCAT / VoID description of the dataset (`void.py`);
* `write_downloads(store, directory)` — all the dumps and profiles, with checksums, in one
  folder (what the web view's `/downloads` offers) (`downloads.py`).
"""

from __future__ import annotations

from .downloads import write_downloads
from .dump import QUAD_FORMATS, TRIPLE_FORMATS, export_dump, union_triple_count
from .elm import ElmReport, export_elm
from .report import Excluded, ExportReport
from .rncp_xml import export_rncp_xml
from .schemaorg import export_schemaorg, schemaorg_jsonld
from .void import dataset_description

__all__ = [
    "QUAD_FORMATS",
    "TRIPLE_FORMATS",
    "ElmReport",
    "Excluded",
    "ExportReport",
    "export_dump",
    "dataset_description",
    "export_elm",
    "export_rncp_xml",
    "export_schemaorg",
    "schemaorg_jsonld",
    "union_triple_count",
    "write_downloads",
]
