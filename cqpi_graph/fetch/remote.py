"""The publishers' own servers: a portal dataset's newest resource, or a fixed URL."""

from __future__ import annotations

import re
import shutil
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import FetchError
from . import portal
from .config import Source
from .context import Run, installed, kept, make_entry, record_entry
from .download import discard
from .install import install_dir, install_file, intact, remove_previous, unpack, work_dir
from .manifest import Entry, Origin
from .results import UNCHANGED, UNKNOWN, WOULD_ADD, WOULD_UPDATE, SourceResult
from .verify import check_checksum, check_payload, check_shrink, file_hash

_SAFE_NAME = re.compile(r"^[\w][\w.+-]*$")


@dataclass
class Payload:
    """A complete download waiting to be verified and installed."""

    part: Path
    name: str  # file name in the layout (single files)
    origin: Origin
    resumed_from: int = 0


def from_portal(run: Run, src: Source, prev: Entry | None) -> SourceResult:
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
        return kept(SourceResult(src.name, UNCHANGED, url=res.url), prev)
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


def from_url(run: Run, src: Source, prev: Entry | None) -> SourceResult:
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
        return kept(
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


def _dry_url(run: Run, src: Source, prev: Entry | None, conditional: dict[str, str]) -> SourceResult:
    if prev is None:
        return SourceResult(src.name, WOULD_ADD, url=src.url)
    if src.method != "GET":
        note = "export produit à la demande : il sera téléchargé puis comparé au fichier en place"
        return kept(SourceResult(src.name, UNKNOWN, note, url=src.url), prev)
    try:
        resp = run.http.head(src.url, conditional)
    except FetchError as exc:
        if exc.status not in (405, 501):
            raise
        note = "le serveur ne répond pas à HEAD : l'export sera téléchargé puis comparé"
        return kept(SourceResult(src.name, UNKNOWN, note, url=src.url), prev)
    etag, lastmod = resp.headers.get("ETag", ""), resp.headers.get("Last-Modified", "")
    if resp.status_code == 304 or (
        conditional and (etag, lastmod) == (prev.origin.etag, prev.origin.http_last_modified)
    ):
        return kept(SourceResult(src.name, UNCHANGED, url=src.url), prev)
    if etag or lastmod:
        size = resp.headers.get("Content-Length")
        return kept(
            SourceResult(
                src.name, WOULD_UPDATE, url=src.url, size=int(size) if size and size.isdigit() else None
            ),
            prev,
        )
    note = "le serveur ne dit pas si l'export a changé : il sera téléchargé puis comparé"
    return kept(SourceResult(src.name, UNKNOWN, note, url=src.url), prev)


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


def _finish(run: Run, src: Source, prev: Entry | None, payload: Payload) -> SourceResult:
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
        record_entry(run, replace(prev, origin=payload.origin))
        return kept(SourceResult(src.name, UNCHANGED, "même fichier que celui en place", url=url), prev)
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
    entry = make_entry(src, import_path, src.unpack, files, checked.lines, payload.origin)
    record_entry(run, entry)
    return installed(src, prev, entry, payload.resumed_from)
