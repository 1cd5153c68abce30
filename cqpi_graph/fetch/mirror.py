"""A mirror: a folder filled by `cqpi fetch` elsewhere, served by a web server or on a disk.

Its `cqpi-fetch.json` is the index: each source's files with their SHA-256, which every file
downloaded must match; the layout is the mirror's.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.parse
from dataclasses import replace
from pathlib import Path

from ..errors import FetchError
from .config import Source
from .context import Run, installed, kept, make_entry, record_entry
from .download import Http, discard
from .install import check_target, install_dir, install_file, intact, remove_previous, work_dir
from .manifest import NAME, Entry, FileRecord, Manifest
from .results import UNCHANGED, WOULD_ADD, WOULD_UPDATE, SourceResult
from .verify import check_payload, check_shrink, file_hash, safe_member


def mirror_base(mirror: str) -> str:
    if "://" not in mirror:
        return Path(mirror).expanduser().resolve().as_uri()
    return mirror.rstrip("/")


def read_mirror(http: Http, base: str) -> Manifest:
    url = f"{base}/{NAME}"
    return Manifest.from_data(http.get_json(url), url)


def _check_offer(offer: Entry, url: str) -> None:
    """The index names files under its source's folder only (never outside the fetch folder)."""
    where = offer.import_path
    ok = safe_member(where) and not where.startswith(".") and bool(offer.files)
    for rec in offer.files:
        inside = rec.path.startswith(where + "/") if offer.unpacked else rec.path == where
        ok = ok and inside and safe_member(rec.path) and "/." not in "/" + rec.path
    if not ok or (not offer.unpacked and len(offer.files) != 1):
        raise FetchError(f"index du miroir inattendu pour « {offer.source} » ({where})", url=url)


def _staging(run: Run, offer: Entry) -> Path:
    """The source's staging folder, kept across runs for the same offer (to resume), else emptied."""
    staged = work_dir(run.root) / f"{offer.source}.mirror"
    note = staged / ".offer.json"
    wanted = json.dumps([[r.path, r.sha256] for r in offer.files])
    if not note.is_file() or note.read_text(encoding="utf-8") != wanted:
        shutil.rmtree(staged, ignore_errors=True)
        staged.mkdir(parents=True)
        note.write_text(wanted, encoding="utf-8")
    return staged


def from_mirror(run: Run, src: Source, prev: Entry | None) -> SourceResult:
    assert run.mirror_index is not None
    offer = run.mirror_index.sources[src.name]
    _check_offer(offer, run.mirror)
    offered = [(r.path, r.sha256) for r in offer.files]
    if prev is not None and [(r.path, r.sha256) for r in prev.files] == offered and intact(run.root, prev):
        return kept(SourceResult(src.name, UNCHANGED, url=run.mirror), prev)
    size = sum(r.size for r in offer.files)
    if run.dry_run:
        status = WOULD_UPDATE if prev else WOULD_ADD
        return SourceResult(src.name, status, url=run.mirror, published=offer.origin.published, size=size)
    check_target(run.root, offer.import_path, prev, offer.unpacked)
    check_shrink(offer.lines, prev.lines if prev else 0, run.max_shrink, run.mirror)
    staged = _staging(run, offer)
    for rec in offer.files:
        _mirror_file(run, offer.source, rec, staged)
    src = replace(src, publisher=offer.publisher or src.publisher, licence=offer.licence or src.licence)
    if offer.unpacked:
        files = install_dir(run.root, offer.import_path, staged / offer.import_path, work_dir(run.root))
    else:
        rec = offer.files[0]
        folder, _, name = rec.path.rpartition("/")
        check_payload(staged / rec.path, src, run.mirror)
        files = install_file(run.root, folder, name, staged / rec.path, rec.sha256)
        remove_previous(run.root, prev, files)
    shutil.rmtree(staged, ignore_errors=True)
    origin = replace(offer.origin, mirror=run.mirror)
    entry = make_entry(src, offer.import_path, offer.unpacked, files, offer.lines, origin)
    entry.page = offer.page
    record_entry(run, entry)
    return installed(src, prev, entry, 0)


def _mirror_file(run: Run, source: str, rec: FileRecord, staged: Path) -> None:
    """One file of a mirror, downloaded (resumably) and checked against the mirror's SHA-256."""
    dest = staged / rec.path
    if dest.is_file() and dest.stat().st_size == rec.size and file_hash(dest) == rec.sha256:
        return  # already there from an interrupted run
    part = dest.with_name(dest.name + ".part")
    url = f"{run.mirror}/{urllib.parse.quote(rec.path)}"
    run.http.download(url, part, validator=rec.sha256, progress=run.progress, label=f"{source} {dest.name}")
    got = file_hash(part)
    if got != rec.sha256 or part.stat().st_size != rec.size:
        discard(part)
        raise FetchError(
            f"{rec.path} : SHA-256 {got} au lieu de {rec.sha256} (index du miroir) : fichier refusé",
            url=url,
        )
    os.replace(part, dest)
    discard(part)
