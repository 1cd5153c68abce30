"""Put a verified download in place, in the layout `cqpi build --registries DIR` reads.

A single file is moved into `DIR/<folder>/` with one rename; an archive to unpack is extracted
into a staging folder that replaces `DIR/<folder>/` whole, so that a folder never mixes two
versions. Working files live in `DIR/.cqpi-fetch/`, which discovery skips.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

from ..errors import FetchError
from .manifest import Entry, FileRecord
from .verify import file_hash, safe_member

WORK = ".cqpi-fetch"


def work_dir(root: Path) -> Path:
    path = root / WORK
    path.mkdir(parents=True, exist_ok=True)
    return path


def relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def record(root: Path, path: Path, sha256: str | None = None) -> FileRecord:
    return FileRecord(relative(root, path), sha256 or file_hash(path), path.stat().st_size)


def intact(root: Path, entry: Entry) -> bool:
    """Are the files the manifest lists still there, unchanged?"""
    for rec in entry.files:
        path = root / rec.path
        if not path.is_file() or path.stat().st_size != rec.size or file_hash(path) != rec.sha256:
            return False
    return bool(entry.files)


def check_target(root: Path, folder: str, previous: Entry | None, unpacked: bool) -> None:
    """A folder to replace whole must be one this tool created (never a user's own folder)."""
    dest = root / folder
    if not unpacked or not dest.exists():
        return
    if previous is None or not previous.unpacked or previous.import_path != folder:
        raise FetchError(
            f"le dossier {dest} existe déjà et n'a pas été créé par cqpi fetch : "
            "il n'est pas remplacé (choisissez un autre --into, ou videz ce dossier)"
        )


def install_file(root: Path, folder: str, name: str, part: Path, sha256: str) -> list[FileRecord]:
    dest = root / folder / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, dest)
    return [record(root, dest, sha256)]


def _flatten(staged: Path) -> Path:
    """An archive whose files all sit in one top folder: that folder's content."""
    entries = list(staged.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return staged


def unpack(archive: Path, staged: Path) -> Path:
    """Extract a (verified) ZIP into a fresh staging folder; returns the folder to install."""
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not safe_member(info.filename):
                    raise FetchError(f"chemin dangereux dans l'archive : {info.filename}")
                zf.extract(info, staged)
    except OSError as exc:
        raise FetchError(f"extraction impossible dans {staged} : {exc.strerror}") from None
    return _flatten(staged)


def install_dir(root: Path, folder: str, content: Path, work: Path) -> list[FileRecord]:
    """Replace DIR/folder by the staged content (two renames; the old folder is then removed)."""
    dest = root / folder
    dest.parent.mkdir(parents=True, exist_ok=True)
    old = work / (folder.replace("/", "_") + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        os.replace(dest, old)
    os.replace(content, dest)
    shutil.rmtree(old, ignore_errors=True)
    return [record(root, p) for p in sorted(dest.rglob("*")) if p.is_file()]


def remove_previous(root: Path, previous: Entry | None, keep: list[FileRecord]) -> None:
    """Delete the files of the previous version that the new one does not have."""
    if previous is None or previous.unpacked:
        return
    kept = {r.path for r in keep}
    for rec in previous.files:
        if rec.path not in kept:
            (root / rec.path).unlink(missing_ok=True)
