"""`cqpi fetch`: download the current official exports, verify them, put them in place.

For each source: find the current version (the newest resource of a portal dataset, a fixed
URL, or a mirror's index), tell whether it differs from what the folder holds, download it
(resumably), verify it (checksum, completeness, shape, shrink), and only then replace the
previous files. A source that fails keeps its previous files and does not stop the others.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import FetchError
from ..progress import Progress
from ..provenance import now_iso
from . import portal
from .config import Source, load_sources, select
from .download import ByteProgress, Http, discard
from .install import (
    check_target,
    install_dir,
    install_file,
    intact,
    remove_previous,
    unpack,
    work_dir,
)
from .manifest import NAME, Entry, FileRecord, Manifest, Origin, read_manifest, write_manifest
from .results import (
    FAILED,
    NEW,
    SKIPPED,
    UNCHANGED,
    UNKNOWN,
    UPDATED,
    WOULD_ADD,
    WOULD_UPDATE,
    FetchReport,
    SourceResult,
)
from .verify import DEFAULT_MAX_SHRINK, check_checksum, check_payload, check_shrink, file_hash

_SAFE_NAME = re.compile(r"^[\w][\w.+-]*$")


def default_folder() -> Path:
    """$CQPI_REGISTRIES, else $XDG_DATA_HOME/cqpi-graph/registries (~/.local/share/…)."""
    env = os.environ.get("CQPI_REGISTRIES")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "cqpi-graph" / "registries"


@dataclass
class Payload:
    """A complete download waiting to be verified and installed."""

    part: Path
    name: str  # file name in the layout (single files)
    origin: Origin
    resumed_from: int = 0


@dataclass
class _Run:
    root: Path
    http: Http
    manifest: Manifest
    progress: Progress
    dry_run: bool
    max_shrink: float | None
    mirror: str = ""
    mirror_index: Manifest | None = None


# ---------------------------------------------------------------- entry point


def fetch(
    into: Path | str | None = None,
    *,
    sources: Sequence[str] = (),
    dry_run: bool = False,
    mirror: str | None = None,
    config: Path | None = None,
    use_user_config: bool = True,
    http: Http | None = None,
    progress: Progress | None = None,
    max_shrink: float | None = DEFAULT_MAX_SHRINK,
) -> FetchReport:
    """Fetch the official exports (all configured sources, or those named) into a folder.

    mirror: URL (or path) of a folder filled by `cqpi fetch` and served as is, read instead of
    the publishers' sites. max_shrink: refuse a new export with that fraction fewer lines than
    the installed one (None: never refuse).
    """
    root = Path(into) if into else default_folder()
    http = http or Http()
    known = load_sources(config, use_user_file=use_user_config)
    mirror_url = _mirror_base(mirror) if mirror else ""
    mirror_index = _read_mirror(http, mirror_url) if mirror else None
    chosen = _choose(known, sources, mirror_index)
    report = FetchReport(root.resolve() if root.exists() else root, dry_run=dry_run, mirror=mirror_url)
    with _locked(root, dry_run):
        run = _Run(
            root,
            http,
            read_manifest(root),
            progress or ByteProgress(),
            dry_run,
            max_shrink,
            mirror_url,
            mirror_index,
        )
        for src in chosen:
            report.results.append(_fetch_one(run, src))
    report.folder = root.resolve() if root.exists() else root
    return report


def _choose(known: dict[str, Source], names: Sequence[str], index: Manifest | None) -> list[Source]:
    """The sources to fetch; from a mirror, those of its index (known locally or not)."""
    if index is None:
        return select(known, names)
    offered = {
        n: known.get(n)
        or Source(n, importer=e.importer, unpack=e.unpacked, publisher=e.publisher, licence=e.licence)
        for n, e in index.sources.items()
    }
    return select(offered, names)


@contextlib.contextmanager
def _locked(root: Path, dry_run: bool) -> Iterator[None]:
    """One fetch at a time per folder (a cron run overlapping a manual one)."""
    if dry_run:
        yield
        return
    root.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    with open(work_dir(root) / "lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchError(f"un autre cqpi fetch écrit déjà dans {root}") from None
        yield


def _fetch_one(run: _Run, src: Source) -> SourceResult:
    prev = run.manifest.sources.get(src.name)
    try:
        if run.mirror_index is not None:
            return _from_mirror(run, src, prev)
        if not src.configured:
            return _kept(SourceResult(src.name, SKIPPED, "pas d'adresse configurée : " + src.note), prev)
        check_target(run.root, src.subfolder, prev, src.unpack)
        if src.dataset:
            return _from_portal(run, src, prev)
        return _from_url(run, src, prev)
    except FetchError as exc:
        text = str(exc)
        if exc.url and exc.url not in text:
            text += f" ({exc.url})"
        if prev is not None and not run.dry_run:
            text += " ; les fichiers en place sont gardés"
        return _kept(SourceResult(src.name, FAILED, text, url=exc.url or src.where), prev)


def _kept(result: SourceResult, prev: Entry | None) -> SourceResult:
    """A result that changed nothing: the previous files (if any) stay what is imported."""
    if prev is not None:
        result.files = [r.path for r in prev.files]
        result.importer, result.import_path = prev.importer, prev.import_path
        result.published = result.published or prev.origin.published
    return result


# ---------------------------------------------------------------- the three ways to a file


def _from_portal(run: _Run, src: Source, prev: Entry | None) -> SourceResult:
    res = portal.resolve(run.http, src)
    origin = Origin(
        url=res.url,
        title=res.title,
        resource_id=res.id,
        published=res.last_modified,
        checksum_type=res.checksum_type,
        checksum=res.checksum,
    )
    if prev is not None and _same_resource(prev.origin, res) and intact(run.root, prev):
        return _kept(SourceResult(src.name, UNCHANGED, url=res.url), prev)
    if run.dry_run:
        status = WOULD_UPDATE if prev else WOULD_ADD
        note = f"en place : {prev.origin.title or prev.origin.url}" if prev else ""
        return SourceResult(
            src.name,
            status,
            note,
            url=res.url,
            title=res.title,
            published=res.last_modified,
            size=res.filesize,
        )
    part = work_dir(run.root) / f"{src.name}.part"
    got = run.http.download(res.url, part, validator=res.validator, progress=run.progress, label=src.name)
    try:
        _check_resource(part, res)
    except FetchError:
        discard(part)  # a corrupt file is not resumed: the next run starts again
        raise
    origin = replace(origin, etag=got.etag, http_last_modified=got.last_modified)
    name = _file_name(src, res.title, res.url)
    return _finish(run, src, prev, Payload(part, name, origin, got.resumed_from))


def _check_resource(part: Path, res: portal.Resource) -> None:
    """The portal's checksum, else its announced size."""
    check_checksum(part, res.checksum_type, res.checksum, res.url)
    size = part.stat().st_size
    if res.filesize is not None and not res.checksum and size != res.filesize:
        raise FetchError(
            f"taille reçue {size} octets, le portail annonce {res.filesize} : fichier refusé", url=res.url
        )


def _same_resource(origin: Origin, res: portal.Resource) -> bool:
    return (origin.url, origin.published, origin.checksum) == (res.url, res.last_modified, res.checksum)


def _from_url(run: _Run, src: Source, prev: Entry | None) -> SourceResult:
    usable = prev is not None and prev.origin.url == src.url and intact(run.root, prev)
    conditional = _conditional(prev.origin) if usable and prev is not None else {}
    if run.dry_run:
        return _dry_url(run, src, prev, conditional)
    part = work_dir(run.root) / f"{src.name}.part"
    got = run.http.download(
        src.url,
        part,
        method=src.method,
        validator=src.url,
        conditional=conditional,
        progress=run.progress,
        label=src.name,
    )
    if got.not_modified and usable:
        return _kept(
            SourceResult(src.name, UNCHANGED, "non modifié (réponse 304 du serveur)", url=src.url), prev
        )
    if got.not_modified:
        raise FetchError("le serveur répond « non modifié » mais aucun fichier n'est en place", url=src.url)
    origin = Origin(url=src.url, etag=got.etag, http_last_modified=got.last_modified)
    return _finish(run, src, prev, Payload(part, _file_name(src, "", src.url), origin, got.resumed_from))


def _conditional(origin: Origin) -> dict[str, str]:
    headers = {}
    if origin.etag:
        headers["If-None-Match"] = origin.etag
    if origin.http_last_modified:
        headers["If-Modified-Since"] = origin.http_last_modified
    return headers


def _dry_url(run: _Run, src: Source, prev: Entry | None, conditional: dict[str, str]) -> SourceResult:
    if prev is None:
        return SourceResult(src.name, WOULD_ADD, url=src.url)
    if src.method != "GET":
        note = "export produit à la demande : il sera téléchargé puis comparé au fichier en place"
        return _kept(SourceResult(src.name, UNKNOWN, note, url=src.url), prev)
    try:
        resp = run.http.head(src.url, conditional)
    except FetchError as exc:
        if exc.status not in (405, 501):
            raise
        note = "le serveur ne répond pas à HEAD : l'export sera téléchargé puis comparé"
        return _kept(SourceResult(src.name, UNKNOWN, note, url=src.url), prev)
    etag, lastmod = resp.headers.get("ETag", ""), resp.headers.get("Last-Modified", "")
    if resp.status_code == 304 or (
        conditional and (etag, lastmod) == (prev.origin.etag, prev.origin.http_last_modified)
    ):
        return _kept(SourceResult(src.name, UNCHANGED, url=src.url), prev)
    if etag or lastmod:
        size = resp.headers.get("Content-Length")
        return _kept(
            SourceResult(
                src.name, WOULD_UPDATE, url=src.url, size=int(size) if size and size.isdigit() else None
            ),
            prev,
        )
    note = "le serveur ne dit pas si l'export a changé : il sera téléchargé puis comparé"
    return _kept(SourceResult(src.name, UNKNOWN, note, url=src.url), prev)


def _file_name(src: Source, title: str, url: str) -> str:
    """The name in the layout: configured, else the portal's title, else the URL's last segment."""
    if src.file:
        return src.file
    for candidate in (
        title.strip(),
        urllib.parse.unquote(urllib.parse.urlparse(url).path.rsplit("/", 1)[-1]),
    ):
        if candidate and _SAFE_NAME.match(candidate):
            return candidate
    return f"{src.name}.download"


# ---------------------------------------------------------------- verify and install


def _finish(run: _Run, src: Source, prev: Entry | None, payload: Payload) -> SourceResult:
    """Verify a complete download, then install it (or recognise the files already in place)."""
    url = payload.origin.url
    sha = file_hash(payload.part)
    payload.origin.payload_sha256 = sha
    import_path = src.subfolder if src.unpack else f"{src.subfolder}/{payload.name}"
    if (
        prev is not None
        and (prev.origin.payload_sha256, prev.import_path) == (sha, import_path)
        and intact(run.root, prev)
    ):
        discard(payload.part)
        _record(run, replace(prev, origin=payload.origin))
        return _kept(SourceResult(src.name, UNCHANGED, "même fichier que celui en place", url=url), prev)
    try:
        checked = check_payload(payload.part, src, url)
        check_shrink(checked.lines, prev.lines if prev else 0, run.max_shrink, url)
    except FetchError:
        discard(payload.part)
        raise
    work = work_dir(run.root)
    if src.unpack:
        files = install_dir(run.root, src.subfolder, unpack(payload.part, work / f"{src.name}.staged"), work)
        shutil.rmtree(work / f"{src.name}.staged", ignore_errors=True)
        discard(payload.part)
    else:
        files = install_file(run.root, src.subfolder, payload.name, payload.part, sha)
        discard(payload.part)
    remove_previous(run.root, prev, files)
    entry = _entry(src, import_path, src.unpack, files, checked.lines, payload.origin)
    _record(run, entry)
    return _installed(src, prev, entry, payload.resumed_from)


def _entry(
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


def _record(run: _Run, entry: Entry) -> None:
    run.manifest.sources[entry.source] = entry
    run.manifest.updated = now_iso()
    write_manifest(run.root, run.manifest)


def _installed(src: Source, prev: Entry | None, entry: Entry, resumed_from: int) -> SourceResult:
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


# ---------------------------------------------------------------- from a mirror


def _mirror_base(mirror: str) -> str:
    if "://" not in mirror:
        return Path(mirror).expanduser().resolve().as_uri()
    return mirror.rstrip("/")


def _read_mirror(http: Http, base: str) -> Manifest:
    url = f"{base}/{NAME}"
    return Manifest.from_data(http.get_json(url), url)


def _from_mirror(run: _Run, src: Source, prev: Entry | None) -> SourceResult:
    assert run.mirror_index is not None
    offer = run.mirror_index.sources[src.name]
    offered = [(r.path, r.sha256) for r in offer.files]
    if prev is not None and [(r.path, r.sha256) for r in prev.files] == offered and intact(run.root, prev):
        return _kept(SourceResult(src.name, UNCHANGED, url=run.mirror), prev)
    size = sum(r.size for r in offer.files)
    if run.dry_run:
        status = WOULD_UPDATE if prev else WOULD_ADD
        return SourceResult(src.name, status, url=run.mirror, published=offer.origin.published, size=size)
    check_target(run.root, offer.import_path, prev, offer.unpacked)
    check_shrink(offer.lines, prev.lines if prev else 0, run.max_shrink, run.mirror)
    staged = work_dir(run.root) / f"{src.name}.mirror"
    for rec in offer.files:
        _mirror_file(run, offer, rec, staged)
    origin = replace(offer.origin, mirror=run.mirror)
    src = replace(src, publisher=offer.publisher or src.publisher, licence=offer.licence or src.licence)
    if offer.unpacked:
        content = staged / offer.import_path
        files = install_dir(run.root, offer.import_path, content, work_dir(run.root))
    else:
        rec = offer.files[0]
        folder, _, name = rec.path.rpartition("/")
        checked = check_payload(staged / rec.path, src, run.mirror)
        check_shrink(checked.lines, prev.lines if prev else 0, run.max_shrink, run.mirror)
        files = install_file(run.root, folder, name, staged / rec.path, rec.sha256)
        remove_previous(run.root, prev, files)
    shutil.rmtree(staged, ignore_errors=True)
    entry = _entry(src, offer.import_path, offer.unpacked, files, offer.lines, origin)
    entry.page = offer.page
    _record(run, entry)
    return _installed(src, prev, entry, 0)


def _mirror_file(run: _Run, offer: Entry, rec: FileRecord, staged: Path) -> None:
    """One file of a mirror, downloaded (resumably) and checked against the mirror's SHA-256."""
    from .verify import safe_member

    if not safe_member(rec.path) or not rec.path.startswith(offer.import_path.split("/")[0]):
        raise FetchError(f"chemin inattendu dans l'index du miroir : {rec.path}", url=run.mirror)
    dest = staged / rec.path
    if dest.is_file() and dest.stat().st_size == rec.size and file_hash(dest) == rec.sha256:
        return  # already there from an interrupted run
    part = dest.with_name(dest.name + ".part")
    url = f"{run.mirror}/{urllib.parse.quote(rec.path)}"
    run.http.download(
        url, part, validator=rec.sha256, progress=run.progress, label=f"{offer.source} {dest.name}"
    )
    got = file_hash(part)
    if got != rec.sha256 or part.stat().st_size != rec.size:
        discard(part)
        raise FetchError(
            f"{rec.path} : SHA-256 {got} au lieu de {rec.sha256} (index du miroir) : fichier refusé",
            url=url,
        )
    os.replace(part, dest)
    discard(part)
