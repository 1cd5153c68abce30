"""The sources `cqpi fetch` knows: the repository's sources.toml, overridden by the user's file.

The user's file has the same tables; a field it gives replaces the default, a new table adds a
source, `enabled = false` removes one. Every field is checked (name and type), so that a typo
is an error naming the file, the table and the field, never a silently ignored setting.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from ..errors import InputError

DEFAULT_FILE = Path(__file__).with_name("sources.toml")


@dataclass(frozen=True)
class Source:
    """One official export: where it is published, under which licence, how to check it."""

    name: str
    title: str = ""
    publisher: str = ""
    licence: str = ""
    page: str = ""
    dataset: str = ""  # udata dataset API URL (data.gouv.fr /api/1/datasets/{id}/)
    resource: str = ""  # regular expression on the resource titles of that dataset
    format: str = ""  # the resource's declared format, if the choice must also match it
    url: str = ""  # a fixed URL instead of a dataset
    method: str = "GET"
    folder: str = ""
    file: str = ""
    unpack: bool = False
    members: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    delimiter: str = ","
    encoding: str = "utf-8"
    importer: str = ""
    note: str = ""
    enabled: bool = True
    origin_file: str = field(default="", compare=False)  # the configuration file that defined it

    @property
    def subfolder(self) -> str:
        return self.folder or self.name

    @property
    def importer_name(self) -> str:
        return self.importer or self.name

    @property
    def configured(self) -> bool:
        return bool(self.url or (self.dataset and self.resource))

    @property
    def where(self) -> str:
        return self.dataset or self.url


_FIELDS = {f.name for f in fields(Source)}
_LISTS = {"members", "columns"}
_BOOLS = {"unpack", "enabled"}
_SETTABLE = sorted(n for n in _FIELDS if n not in ("name", "origin_file"))
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


def user_file() -> Path | None:
    """$CQPI_SOURCES, else ~/.config/cqpi-graph/sources.toml if it exists."""
    env = os.environ.get("CQPI_SOURCES")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    path = Path(base) / "cqpi-graph" / "sources.toml"
    return path if path.is_file() else None


def _read(path: Path) -> dict[str, dict[str, object]]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise InputError("fichier de sources introuvable", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"TOML invalide : {exc}", file=str(path)) from None
    for name, table in data.items():
        if not isinstance(table, dict):
            raise InputError(
                "une table [nom] par source était attendue", file=str(path), field=name, expected="[rncp]…"
            )
    return data


def _value(path: Path, name: str, key: str, value: object) -> object:
    """One field, type-checked; lists become tuples."""
    where = f"[{name}] {key}"
    if key not in _FIELDS or key in ("name", "origin_file"):
        raise InputError("champ inconnu", file=str(path), field=where, expected=", ".join(_SETTABLE))
    if key in _LISTS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError("liste de textes attendue", file=str(path), field=where)
        return tuple(value)
    if key in _BOOLS:
        if not isinstance(value, bool):
            raise InputError("true ou false attendu", file=str(path), field=where)
        return value
    if not isinstance(value, str):
        raise InputError("texte attendu", file=str(path), field=where)
    if key == "method" and value.upper() not in ("GET", "POST"):
        raise InputError("méthode HTTP inconnue", file=str(path), field=where, expected="GET ou POST")
    return value.upper() if key == "method" else value


def _check(src: Source) -> None:
    """Regular expressions compile; a source names either a dataset or a URL."""
    file = src.origin_file or None
    for key, patterns in (("resource", (src.resource,)), ("members", src.members)):
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise InputError(
                    f"expression régulière invalide : {exc}", file=file, field=f"[{src.name}] {key}"
                ) from None
    if src.dataset and not src.resource:
        raise InputError(
            "« dataset » sans « resource »",
            file=file,
            field=f"[{src.name}] resource",
            expected="une expression régulière sur le titre des ressources",
        )
    if src.file and ("/" in src.file or src.file.startswith(".")):
        raise InputError("nom de fichier simple attendu", file=file, field=f"[{src.name}] file")
    if src.folder and (src.folder.startswith(".") or ".." in Path(src.folder).parts):
        raise InputError("sous-dossier relatif attendu", file=file, field=f"[{src.name}] folder")


def _merge(sources: dict[str, Source], path: Path) -> None:
    for name, table in _read(path).items():
        if not _NAME.match(name):
            raise InputError("nom de source invalide", file=str(path), field=name, expected="[a-z0-9_-]+")
        values = {k: _value(path, name, k, v) for k, v in table.items()}
        base = sources.get(name) or Source(name)
        sources[name] = replace(base, origin_file=str(path), **values)  # type: ignore[arg-type]


def load_sources(override: Path | None = None, *, use_user_file: bool = True) -> dict[str, Source]:
    """Every enabled source, by name, in the order of the files (defaults first)."""
    sources: dict[str, Source] = {}
    _merge(sources, DEFAULT_FILE)
    extra = override if override is not None else (user_file() if use_user_file else None)
    if extra is not None:
        _merge(sources, Path(extra))
    for src in sources.values():
        _check(src)
    return {n: s for n, s in sources.items() if s.enabled}


def select(sources: dict[str, Source], names: Sequence[str]) -> list[Source]:
    """The named sources (all if none is named); an unknown name is an error listing the known."""
    if not names:
        return list(sources.values())
    unknown = [n for n in names if n not in sources]
    if unknown:
        raise InputError(
            f"source inconnue : {', '.join(unknown)}",
            field="--source",
            expected=", ".join(sources) or "aucune",
        )
    return [sources[n] for n in dict.fromkeys(names)]
