"""Is a downloaded file the export it claims to be? Checksum, completeness, shape, size.

Nothing is installed before these checks pass: the portal's checksum when it gives one, a
complete ZIP (every member read, CRC-checked), the members and CSV header columns the source
expects, no HTML error page in place of data, and no sudden shrink against the installed file
(a truncated export would otherwise replace a good one).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import FetchError
from .config import Source

BLOCK = 1 << 20
MAX_RATIO = 200  # uncompressed / compressed size above which an archive is refused (zip bomb)
HASHES = {"sha1", "sha256", "md5", "sha512"}
DEFAULT_MAX_SHRINK = 0.2


@dataclass(frozen=True)
class Checked:
    kind: str  # "zip", "csv" or "text"
    lines: int  # newlines in its data (every member of a ZIP)


def file_hash(path: Path, algorithm: str = "sha256") -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            h.update(block)
    return h.hexdigest()


def check_checksum(path: Path, algorithm: str, expected: str, url: str) -> None:
    """The portal's checksum, when it gives one of a known kind."""
    if not expected or algorithm not in HASHES:
        return
    got = file_hash(path, algorithm)
    if got != expected.lower():
        raise FetchError(
            f"somme de contrôle {algorithm.upper()} différente de celle que publie le portail "
            f"(attendue {expected}, obtenue {got}) : fichier corrompu, refusé",
            url=url,
        )


def _refuse(message: str, url: str) -> FetchError:
    return FetchError(f"{message} : fichier refusé", url=url)


def _header(head: bytes, source: Source, name: str, url: str) -> None:
    """The CSV's first line has every column the source expects."""
    text = head.decode(source.encoding, errors="replace").lstrip("\ufeff")
    first = text.splitlines()[0] if text else ""
    row = next(csv.reader(io.StringIO(first), delimiter=source.delimiter), [])
    got = [c.strip() for c in row]
    missing = [c for c in source.columns if c not in got]
    if missing:
        seen = ", ".join(got[:8]) or "rien"
        raise _refuse(
            f"{name} : en-tête inattendu, colonnes absentes : {', '.join(missing)} (lu : {seen})", url
        )


def _looks_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start


def safe_member(name: str) -> bool:
    p = PurePosixPath(name)
    return not p.is_absolute() and ".." not in p.parts and not name.startswith(("/", "\\"))


def _check_zip(path: Path, source: Source, url: str) -> Checked:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(f"archive ZIP illisible, tronquée ou corrompue ({exc})", url) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if not infos:
            raise _refuse("archive ZIP vide", url)
        bad = [i.filename for i in infos if not safe_member(i.filename)]
        if bad:
            raise _refuse(f"chemin dangereux dans l'archive : {bad[0]}", url)
        if sum(i.file_size for i in infos) > MAX_RATIO * max(path.stat().st_size, 1) + (1 << 30):
            raise _refuse("archive dont le contenu décompressé est démesuré", url)
        names = [i.filename for i in infos]
        for pattern in source.members:
            if not any(re.search(pattern, n) for n in names):
                raise _refuse(f"aucun fichier de l'archive ne correspond à « {pattern} »", url)
        lines = 0
        try:
            for info in infos:
                with zf.open(info) as fh:
                    head = fh.read(65536)
                    if source.columns and source.members and re.search(source.members[0], info.filename):
                        _header(head, source, info.filename, url)
                    lines += head.count(b"\n")
                    while block := fh.read(BLOCK):
                        lines += block.count(b"\n")
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as exc:
            raise _refuse(f"archive ZIP corrompue ({exc})", url) from None
    return Checked("zip", lines)


def check_payload(path: Path, source: Source, url: str) -> Checked:
    """Refuse (FetchError) a file that is not a complete, readable export of the source."""
    size = path.stat().st_size
    if size == 0:
        raise _refuse("fichier vide", url)
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if head.startswith(b"PK"):
        return _check_zip(path, source, url)
    if source.unpack or source.members:
        raise _refuse(
            "une archive ZIP était attendue" + (" (page HTML reçue)" if _looks_html(head) else ""), url
        )
    if _looks_html(head):
        raise _refuse("le serveur a renvoyé une page HTML au lieu de l'export", url)
    if source.columns:
        _header(head, source, path.name, url)
    return Checked("csv" if source.columns else "text", count_lines(path))


def count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            n += block.count(b"\n")
    return n


def check_shrink(new: int, old: int, max_shrink: float | None, url: str) -> None:
    """Refuse an export much smaller than the installed one (a truncated file, a broken export)."""
    if max_shrink is None or old <= 0 or new >= old * (1 - max_shrink):
        return
    drop = round(100 * (old - new) / old)
    raise FetchError(
        f"le nouvel export a {new} lignes contre {old} pour le fichier en place (−{drop} %) : "
        "refusé comme probablement tronqué ; --allow-shrink pour l'accepter quand même",
        url=url,
    )
