"""The importers of the official registries register here: a new source is one module that
calls `register`, plus its tests. The build, `cqpi import` and `--registries` read this table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..progress import Progress
from ..store.base import Store
from .common import ImportReport

Run = Callable[[Store, Sequence[Path], Progress | None], ImportReport]


@dataclass(frozen=True)
class Source:
    """One registry: its name, the named graph it fills and how to import its files."""

    name: str
    graph: str
    run: Run  # (store, paths, progress) -> report
    help: str  # one line, French
    example: str  # a command line
    several: bool = False  # several files combine into one import (RNCP/RS exports)


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    SOURCES[source.name] = source
    return source


def single(name: str, paths: Sequence[Path]) -> Path:
    """The one path of a source that takes one file or folder."""
    if len(paths) != 1:
        raise InputError(
            f"{len(paths)} fichiers pour la source « {name} »",
            field="--with",
            expected="un seul fichier ou dossier",
        )
    return Path(paths[0])


def one_path(name: str, importer: Callable[[Store, Path, Progress | None], ImportReport]) -> Run:
    """The Run of a source that takes one file or folder: `importer` on that one path."""
    return lambda store, paths, progress: importer(store, single(name, paths), progress)


def source(name: str) -> Source:
    if name not in SOURCES:
        known = ", ".join(sorted(SOURCES)) or "aucune"
        raise InputError(f"source inconnue « {name} » (connues : {known})", field="--with")
    return SOURCES[name]
