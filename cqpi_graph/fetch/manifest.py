"""cqpi-fetch.json: what the fetch folder holds, where each file came from, under which licence.

Written beside the files after every change (atomically), read to tell what changed, and
served as the index of a mirror: a folder filled by `cqpi fetch` on a connected machine and
published by any web server is what `cqpi fetch --from-mirror URL` reads.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import InputError

NAME = "cqpi-fetch.json"
FORMAT = "cqpi-fetch/1"


@dataclass
class FileRecord:
    path: str  # relative to the fetch folder, with '/'
    sha256: str
    size: int


@dataclass
class Origin:
    """Where the installed files were downloaded from, and the validators to tell a change."""

    url: str
    title: str = ""  # the portal's resource title
    resource_id: str = ""
    published: str = ""  # the portal's last_modified of the resource
    checksum_type: str = ""
    checksum: str = ""
    etag: str = ""
    http_last_modified: str = ""
    payload_sha256: str = ""  # SHA-256 of the downloaded file (the archive, when unpacked)
    mirror: str = ""  # the mirror it came through, if any


@dataclass
class Entry:
    """One source's installed files."""

    source: str
    importer: str
    import_path: str  # what `cqpi import IMPORTER` reads, relative to the fetch folder
    unpacked: bool
    files: list[FileRecord]
    lines: int  # lines of its data files, for the shrink guard
    origin: Origin
    publisher: str = ""
    licence: str = ""
    page: str = ""
    fetched_at: str = ""

    @classmethod
    def from_json(cls, data: dict) -> Entry:
        data = dict(data)
        data["files"] = [FileRecord(**f) for f in data.get("files", [])]
        data["origin"] = Origin(**data.get("origin", {}))
        return cls(**data)


@dataclass
class Manifest:
    sources: dict[str, Entry] = field(default_factory=dict)
    updated: str = ""

    def to_json(self) -> str:
        body = {
            "format": FORMAT,
            "updated": self.updated,
            "sources": {n: asdict(e) for n, e in sorted(self.sources.items())},
        }
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def parse(cls, text: str, where: str) -> Manifest:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InputError(f"JSON invalide : {exc}", file=where) from None
        return cls.from_data(data, where)

    @classmethod
    def from_data(cls, data: object, where: str) -> Manifest:
        try:
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                got = data.get("format") if isinstance(data, dict) else type(data).__name__
                raise ValueError(f"format « {got} »")
            sources = {n: Entry.from_json(e) for n, e in data["sources"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(
                f"index de téléchargement illisible : {exc}", file=where, expected=f"un {NAME} ({FORMAT})"
            ) from None
        return cls(sources, str(data.get("updated", "")))


def read_manifest(folder: Path) -> Manifest:
    """The manifest of a fetch folder (empty if the folder was never fetched into)."""
    path = Path(folder) / NAME
    if not path.is_file():
        return Manifest()
    return Manifest.parse(path.read_text(encoding="utf-8"), str(path))


def write_manifest(folder: Path, manifest: Manifest) -> None:
    path = Path(folder) / NAME
    tmp = path.with_name(NAME + ".tmp")
    tmp.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(tmp, path)


def origin_of(path: Path) -> tuple[Entry, FileRecord] | None:
    """The manifest entry and file record of a fetched file (for provenance), if any.

    Looks for cqpi-fetch.json in the file's folder and its parents.
    """
    path = Path(path).resolve()
    for folder in path.parents:
        if (folder / NAME).is_file():
            rel = path.relative_to(folder).as_posix()
            for entry in read_manifest(folder).sources.values():
                for rec in entry.files:
                    if rec.path == rel:
                        return entry, rec
            return None
    return None
