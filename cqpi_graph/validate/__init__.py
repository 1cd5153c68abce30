"""Validation of référentiels and of the stored graph against the SHACL shapes of shapes/.

The API the CLI and the web page use:

- ``validate_referentiel(paths_or_graph, *, against_store=None, lang="fr") -> ValidationReport``
- ``validate_store(store, *, lang="fr") -> ValidationReport``
- ``ValidationReport.render(fmt)`` with fmt in ``FORMATS`` (text, html, csv, json, turtle);
  ``.conforms``, ``.exit_code``, ``.counts()``, ``.by_rule()``, ``.by_resource()``
- ``write_template(path, fmt)`` (xlsx or csv) and ``convert_spreadsheet(path) -> SheetGraph``
  (an rdflib.Graph whose ``cells`` map every produced node to its cell)
- ``load_input(path) -> rdflib.Graph`` for any accepted file (InputError, exit code 2, otherwise)
"""

from .api import store_context, validate_referentiel, validate_store
from .inputs import ACCEPTED
from .inputs import load as load_input
from .report import FORMATS, Result, ValidationReport
from .shapes import LEVELS, load_shapes, rules
from .spreadsheet import TEMPLATE_FORMATS, SheetGraph, convert_spreadsheet, write_template

__all__ = [
    "ACCEPTED",
    "FORMATS",
    "LEVELS",
    "TEMPLATE_FORMATS",
    "Result",
    "SheetGraph",
    "ValidationReport",
    "convert_spreadsheet",
    "load_input",
    "load_shapes",
    "rules",
    "store_context",
    "validate_referentiel",
    "validate_store",
    "write_template",
]
