"""The state of one `cqpi fetch` run and the results it builds, shared by its three ways to a file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..progress import Progress
from ..provenance import now_iso
from .config import Source
from .download import Http
from .manifest import Entry, FileRecord, Manifest, Origin, write_manifest
from .results import NEW, UPDATED, SourceResult


@dataclass
class Run:
    """One fetch: the folder, its manifest, the client, the options."""

    root: Path
    http: Http
    manifest: Manifest
    progress: Progress
    dry_run: bool
    max_shrink: float | None
    mirror: str = ""
    mirror_index: Manifest | None = None


def kept(result: SourceResult, prev: Entry | None) -> SourceResult:
    """A result that changed nothing: the previous files (if any) stay what is imported."""
    if prev is not None:
        result.files = [r.path for r in prev.files]
        result.importer, result.import_path = prev.importer, prev.import_path
        result.published = result.published or prev.origin.published
    return result


def make_entry(
    src: Source, import_path: str, unpacked: bool, files: list[FileRecord], lines: int, origin: Origin
) -> Entry:
    return Entry(
        source=src.name,
        importer=src.importer_name,
        import_path=import_path,
        unpacked=unpacked,
        files=files,
        lines=lines,
        origin=origin,
        publisher=src.publisher,
        licence=src.licence,
        page=src.page,
        fetched_at=now_iso(),
    )


def record_entry(run: Run, entry: Entry) -> None:
    run.manifest.sources[entry.source] = entry
    run.manifest.updated = now_iso()
    write_manifest(run.root, run.manifest)


def installed(src: Source, prev: Entry | None, entry: Entry, resumed_from: int) -> SourceResult:
    return SourceResult(
        src.name,
        UPDATED if prev else NEW,
        "fichiers locaux absents ou modifiés : téléchargés à nouveau"
        if prev and prev.origin == entry.origin
        else "",
        files=[r.path for r in entry.files],
        importer=entry.importer,
        import_path=entry.import_path,
        url=entry.origin.url,
        published=entry.origin.published,
        size=sum(r.size for r in entry.files),
        resumed_from=resumed_from,
        publisher=entry.publisher,
        licence=entry.licence,
    )
