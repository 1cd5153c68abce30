"""The downloads folder: every dump and profile in one place, as `/downloads` offers them.

`write_downloads(store, directory)` writes

* the full dumps `cqpi-graph.nq`, `cqpi-graph.trig` (named graphs kept) and `cqpi-graph.ttl`
  (union of the graphs), each gzipped (`.gz`) when the store is large;
* the profiles: `cqpi-elm.ttl`, `cqpi-elm.jsonld` and `cqpi-elm-report.json` (the certifications
  left out, with their missing fields), `cqpi-schemaorg.jsonld`, `cqpi-rncp-v4.1.xml`, and the
  DCAT/VoID description `cqpi-void.ttl` listing the dumps;
* `SHA256SUMS`, the checksums of all of them (`sha256sum -c SHA256SUMS` checks a download).

The whole set is written into a fresh folder beside the target, which then takes the target's
place in one atomic swap (`publish.staged`): a reader of the folder, or a run killed at any
point, sees the old set or the new one, never a mix, and SHA256SUMS always matches the files
beside it. Files of an earlier run that this run no longer writes (a dump that is now gzipped,
say) disappear with the old set; files the run does not own (a README) are carried over.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..provenance import sha256_file
from ..store import Store
from .dump import EXTENSIONS, export_dump
from .publish import staged

DUMP_FORMATS = ("nquads", "trig", "turtle")
GZIP_QUADS = 200_000  # above this many quads in the store, the dumps are gzipped
CHECKSUMS = "SHA256SUMS"
DUMP_PREFIX = "cqpi-graph."
# Names this module writes (and may remove when a later run no longer writes them).
OWN_NAMES = re.compile(
    r"^(cqpi-graph\.(nq|trig|ttl)(\.gz)?|cqpi-elm\.(ttl|jsonld)|cqpi-elm-report\.json"
    r"|cqpi-schemaorg\.jsonld|cqpi-rncp-v4\.1\.xml|cqpi-void\.ttl|SHA256SUMS)$"
)
# What each file is, for listings (longest suffix first wins).
FORMATS = {
    ".nq.gz": ("N-Quads (gzip)", "application/gzip"),
    ".trig.gz": ("TriG (gzip)", "application/gzip"),
    ".ttl.gz": ("Turtle (gzip)", "application/gzip"),
    ".nt.gz": ("N-Triples (gzip)", "application/gzip"),
    ".nq": ("N-Quads", "application/n-quads"),
    ".trig": ("TriG", "application/trig"),
    ".ttl": ("Turtle", "text/turtle"),
    ".nt": ("N-Triples", "application/n-triples"),
    ".jsonld": ("JSON-LD", "application/ld+json"),
    ".rdf": ("RDF/XML", "application/rdf+xml"),
    ".xml": ("XML", "application/xml"),
    ".json": ("JSON", "application/json"),
    ".gz": ("gzip", "application/gzip"),
    ".zip": ("ZIP", "application/zip"),
    ".csv": ("CSV", "text/csv"),
    ".tsv": ("TSV", "text/tab-separated-values"),
    ".txt": ("texte", "text/plain"),
}
PROFILE_NAMES = {
    "cqpi-elm.ttl": "ELM v3 / LOQ (Europass QDR)",
    "cqpi-elm.jsonld": "ELM v3 / LOQ (Europass QDR)",
    "cqpi-elm-report.json": "ELM : certifications exclues et champs manquants",
    "cqpi-schemaorg.jsonld": "schema.org EducationalOccupationalCredential",
    "cqpi-rncp-v4.1.xml": "flux RNCP XML v4.1",
    "cqpi-void.ttl": "description DCAT / VoID",
    CHECKSUMS: "sommes de contrôle SHA-256",
}


def file_format(name: str) -> tuple[str, str]:
    """(format name, media type) of a downloads file, by its name."""
    if name == CHECKSUMS:
        return ("SHA-256", "text/plain")
    lower = name.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if lower.endswith(suffix):
            return FORMATS[suffix]
    return ("fichier", "application/octet-stream")


def is_dump(name: str) -> bool:
    """A full dump of the dataset (what VoID calls a void:dataDump)."""
    return name.startswith(DUMP_PREFIX)


def read_checksums(directory: Path) -> dict[str, str]:
    """name → SHA-256 from the folder's SHA256SUMS (empty if there is none)."""
    path = Path(directory) / CHECKSUMS
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return out
    for line in text.splitlines():
        m = re.match(r"^([0-9a-f]{64}) [ *](.+)$", line.strip())
        if m:
            out[m.group(2)] = m.group(1)
    return out


@contextlib.contextmanager
def _target(path: Path, compress: bool) -> Iterator[BinaryIO]:
    """A binary stream to `path` in the staging folder (gzipped if asked). A failed write (a
    full disk) names the file it was writing, which the system's error does not."""
    try:
        with open(path, "wb") as raw:
            if compress:
                # mtime=0: the same content gives the same bytes (and the same checksum)
                with gzip.GzipFile(filename=path.name[:-3], mode="wb", fileobj=raw, mtime=0) as gz:
                    yield gz  # type: ignore[misc]
            else:
                yield raw
            raw.flush()
            os.fsync(raw.fileno())
    except OSError as exc:
        if exc.filename or exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def write_downloads(
    store: Store,
    directory: Path | str,
    *,
    base_url: str = "http://localhost:5000",
    compress: bool | None = None,
) -> list[Path]:
    """Write the dumps, the profiles and their checksums into `directory` (created if needed).

    compress: gzip the dumps (True), never (False), or when the store holds more than
    GZIP_QUADS quads (None). base_url is the public root of the web view, for the VoID
    description (its SPARQL endpoint, and the dumps as `{base_url}/downloads/NAME`).
    Returns the paths written, SHA256SUMS last.
    """
    folder = Path(directory)
    if compress is None:
        compress = store.count() > GZIP_QUADS
    with staged(folder, lambda name: bool(OWN_NAMES.match(name))) as staging:
        names = _write_all(store, staging, base_url, compress)
    return [folder / n for n in names]


def _write_all(store: Store, folder: Path, base_url: str, compress: bool) -> list[str]:
    """Every file of the set into `folder`, SHA256SUMS last; their names, in that order."""
    from .elm import export_elm
    from .rncp_xml import export_rncp_xml
    from .schemaorg import export_schemaorg
    from .void import dataset_description

    written: list[Path] = []

    def target(name: str, gz: bool = False):  # noqa: ANN202
        path = folder / (name + (".gz" if gz else ""))
        written.append(path)
        return _target(path, gz)

    for fmt in DUMP_FORMATS:
        with target(f"{DUMP_PREFIX}{EXTENSIONS[fmt]}", compress) as out:
            export_dump(store, fmt, None, out)
    with target("cqpi-elm.ttl") as out:
        _, report = export_elm(store, "turtle", out)
    with target("cqpi-elm.jsonld") as out:
        export_elm(store, "jsonld", out)
    with target("cqpi-elm-report.json") as out:
        out.write(report.to_json().encode("utf-8"))
    with target("cqpi-schemaorg.jsonld") as out:
        export_schemaorg(store, out)
    with target("cqpi-rncp-v4.1.xml") as out:
        export_rncp_xml(store, None, out)
    dumps = [f"{base_url.rstrip('/')}/downloads/{p.name}" for p in written if is_dump(p.name)]
    with target("cqpi-void.ttl") as out:
        out.write(dataset_description(store, base_url, fmt="turtle", dumps=dumps))
    sums = [(sha256_file(p), p.name) for p in written]
    with target(CHECKSUMS) as out:
        out.write("".join(f"{h}  {n}\n" for h, n in sums).encode("utf-8"))
    return [p.name for p in written]


__all__ = [
    "CHECKSUMS",
    "file_format",
    "is_dump",
    "read_checksums",
    "sha256_file",
    "write_downloads",
]
