"""`cqpi update`: fetch the current exports, then import into the graph only what changed.

Every source with files in place goes through `import_registry`, which recognises an export
already imported (same files, same SHA-256) before writing anything and carries the import
safeguards; a graph that does not exist yet is built once with all the exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..build import build, group_imports
from ..errors import InputError, StoreNotBuiltError
from ..importers.common import ImportReport
from ..imports import import_registry
from ..progress import NullProgress, Progress
from ..store import Endpoint, open_store
from .core import fetch
from .download import Http
from .results import FetchReport
from .verify import DEFAULT_MAX_SHRINK


@dataclass
class UpdateReport:
    fetch: FetchReport
    imports: list[ImportReport] = field(default_factory=list)
    built: bool = False
    errors: list[str] = field(default_factory=list)  # imports refused (the graph keeps its data)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.fetch.failed

    @property
    def imported(self) -> list[ImportReport]:
        return [r for r in self.imports if not r.skipped]


def _store_exists(location: Path | str | None, endpoint: str | Endpoint | None) -> bool:
    try:
        open_store(location, endpoint=endpoint).close()
    except StoreNotBuiltError:
        return False
    return True


def update(
    location: Path | str | None = None,
    *,
    endpoint: str | Endpoint | None = None,
    into: Path | str | None = None,
    sources: Sequence[str] = (),
    mirror: str | None = None,
    config: Path | None = None,
    use_user_config: bool = True,
    reasoner: str = "rules",
    http: Http | None = None,
    progress: Progress | None = None,
    max_shrink: float | None = DEFAULT_MAX_SHRINK,
) -> UpdateReport:
    """Fetch, then import each fetched export the graph does not hold yet.

    progress: the imports' display (downloads show their own byte counts on a terminal).
    """
    fetched = fetch(
        into,
        sources=sources,
        mirror=mirror,
        config=config,
        use_user_config=use_user_config,
        http=http,
        max_shrink=max_shrink,
    )
    report = UpdateReport(fetched)
    imports = fetched.imports()
    if not imports:
        return report
    allow_shrink = max_shrink is None  # --allow-shrink holds for the imports too
    if not _store_exists(location, endpoint):
        built = build(
            location,
            endpoint=endpoint,
            imports=imports,
            reasoner=reasoner,
            progress=progress,
            allow_shrink=allow_shrink,
        )
        report.imports = [r for r in built.imports if isinstance(r, ImportReport)]
        report.built = True
        return report
    for src, paths in group_imports(imports):
        name = src.name
        try:
            report.imports.append(
                import_registry(
                    location,
                    name,
                    paths,
                    endpoint=endpoint,
                    reasoner=reasoner,
                    progress=progress or NullProgress(),
                    allow_shrink=allow_shrink,
                )
            )
        except InputError as exc:
            report.errors.append(f"{name} : {exc}")
    return report
