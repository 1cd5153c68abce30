"""`cqpi fetch`: download the current official exports, verify them, put them in place.

For each source: find the current version (the newest resource of a portal dataset, a fixed
URL, or a mirror's index), tell whether it differs from what the folder holds, download it
(resumably), verify it (checksum, completeness, shape, shrink), and only then replace the
previous files. A source that fails keeps its previous files and does not stop the others.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import FetchError, InputError
from ..locations import user_data_path
from ..progress import Progress
from .config import Source, load_sources, select
from .context import Run, kept
from .download import ByteProgress, Http
from .install import check_target, work_dir
from .manifest import Entry, Manifest, read_manifest
from .mirror import from_mirror, mirror_base, read_mirror
from .remote import from_portal, from_url
from .results import FAILED, SKIPPED, FetchReport, SourceResult
from .verify import DEFAULT_MAX_SHRINK


def default_folder() -> Path:
    """$CQPI_REGISTRIES, else $XDG_DATA_HOME/cqpi-graph/registries (~/.local/share/…)."""
    return user_data_path("CQPI_REGISTRIES", "registries")


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
    mirror_url = mirror_base(mirror) if mirror else ""
    mirror_index = read_mirror(http, mirror_url) if mirror else None
    chosen = _choose(known, sources, mirror_index)
    report = FetchReport(root.resolve() if root.exists() else root, dry_run=dry_run, mirror=mirror_url)
    with _locked(root, dry_run):
        run = Run(
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
    absent = [n for n in names if n not in index.sources]
    if absent:
        raise InputError(
            f"source absente de l'index du miroir : {', '.join(absent)}",
            field="--source",
            expected=", ".join(index.sources) or "aucune",
        )
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
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        fcntl = None  # type: ignore[assignment]
    try:
        root.mkdir(parents=True, exist_ok=True)
        fh = open(work_dir(root) / "lock", "w")  # noqa: SIM115 - held for the whole fetch
    except OSError as exc:
        raise FetchError(f"dossier {root} inutilisable : {exc.strerror}") from None
    with fh:
        if fcntl is None:
            yield
            return
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchError(f"un autre cqpi fetch écrit déjà dans {root}") from None
        yield


def _fetch_one(run: Run, src: Source) -> SourceResult:
    prev = run.manifest.sources.get(src.name)
    try:
        if run.mirror_index is not None:
            return from_mirror(run, src, prev)
        if not src.configured:
            return kept(SourceResult(src.name, SKIPPED, "pas d'adresse configurée : " + src.note), prev)
        check_target(run.root, src.subfolder, prev, src.unpack)
        if src.dataset:
            return from_portal(run, src, prev)
        return from_url(run, src, prev)
    except OSError as exc:  # the fetch folder: disk full, permissions
        where = f" ({exc.filename})" if exc.filename else ""
        return _failed(run, src, prev, FetchError(f"écriture impossible : {exc.strerror}{where}"))
    except FetchError as exc:
        return _failed(run, src, prev, exc)


def _failed(run: Run, src: Source, prev: Entry | None, exc: FetchError) -> SourceResult:
    text = str(exc)
    if exc.url and exc.url not in text:
        text += f" ({exc.url})"
    if prev is not None and not run.dry_run:
        text += " ; les fichiers en place sont gardés"
    return kept(SourceResult(src.name, FAILED, text, url=exc.url or src.where), prev)
