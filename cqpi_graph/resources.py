"""Where the project's own RDF lives: ontology/, data/ and shapes/ at the project root.

An installed wheel carries them under cqpi_graph/_resources (see pyproject.toml); a source
checkout (editable install) reads them from the repository itself.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The directory `ontology`, `data` or `shapes`."""
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"dossier de ressources introuvable : {name}")


def turtle_files(name: str) -> list[Path]:
    return sorted(resource_dir(name).glob("*.ttl"))
