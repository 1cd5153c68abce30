"""Validation of référentiels and of the stored graph against the SHACL shapes of shapes/.

The API the CLI and the web page use:

- ``validate_referentiel(paths_or_graph, *, against_store=None, lang="fr", engine="sparql", shapes=())
  -> ValidationReport``: the rules of shapes/ (see shapes/README.md) plus a user's SHACL files;
  what the compiler cannot translate runs on pyshacl (``report.engines``, ``report.reasons``)
- ``validate_store(store, *, lang="fr") -> ValidationReport``
- ``ValidationReport.render(fmt)`` with fmt in ``FORMATS`` (text, html, csv, json, turtle);
  ``.conforms``, ``.exit_code``, ``.counts()``, ``.by_rule()``, ``.by_resource()``
- ``write_template(path, fmt)`` (xlsx or csv) and ``convert_spreadsheet(path) -> SheetGraph``
  (an rdflib.Graph whose ``cells`` map every produced node to its cell, and whose ``problems``
  are the cells it could not read: it never stops at the first)
- ``load_input(path) -> rdflib.Graph`` for any accepted file (InputError, exit code 2, otherwise)
"""

from .api import store_context, validate_referentiel, validate_store
from .inputs import ACCEPTED
from .inputs import load as load_input
from .report import FORMATS, Result, ValidationReport
from .shapes import LEVELS, ShapeSet, load_shapes, rules, shape_set
from .spreadsheet import TEMPLATE_FORMATS, SheetGraph, convert_spreadsheet, write_template

__all__ = [
    "ACCEPTED",
    "FORMATS",
    "LEVELS",
    "TEMPLATE_FORMATS",
    "Result",
    "ShapeSet",
    "SheetGraph",
    "ValidationReport",
    "convert_spreadsheet",
    "load_input",
    "load_shapes",
    "rules",
    "shape_set",
    "store_context",
    "validate_referentiel",
    "validate_store",
    "write_template",
]
