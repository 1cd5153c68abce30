"""Get the official registry exports the way users will: download, verify, install, import.

| function | what |
|---|---|
| `fetch(into, sources=…, dry_run=…, mirror=…)` | the current exports into a `--registries` folder |
| `update(location, into=…)` | fetch, then import into the graph only what changed |
| `load_sources(config)` | the configured sources (sources.toml, overridden by the user's file) |
| `read_manifest(folder)`, `origin_of(path)` | what a fetch folder holds and where each file came from |

The sources (URL or portal dataset, publisher, licence, expected shape) are in
`cqpi_graph/fetch/sources.toml`.
"""

from __future__ import annotations

from .config import Source, load_sources
from .core import default_folder, fetch
from .download import Http
from .manifest import Entry, Manifest, origin_of, read_manifest
from .results import FetchReport, SourceResult
from .update import UpdateReport, update

__all__ = [
    "Entry",
    "FetchReport",
    "Http",
    "Manifest",
    "Source",
    "SourceResult",
    "UpdateReport",
    "default_folder",
    "fetch",
    "load_sources",
    "origin_of",
    "read_manifest",
    "update",
]
