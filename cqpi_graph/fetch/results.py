"""What `cqpi fetch` did (or, with --dry-run, would do), source by source."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .download import human_size

NEW, UPDATED, UNCHANGED, FAILED, SKIPPED = "new", "updated", "unchanged", "failed", "skipped"
WOULD_ADD, WOULD_UPDATE, UNKNOWN = "would-add", "would-update", "unknown"

LABELS = {
    NEW: "nouveau",
    UPDATED: "mis à jour",
    UNCHANGED: "inchangé",
    FAILED: "échec",
    SKIPPED: "ignoré",
    WOULD_ADD: "à télécharger",
    WOULD_UPDATE: "à mettre à jour",
    UNKNOWN: "à vérifier",
}


@dataclass
class SourceResult:
    """One source: its status, a sentence saying why, and the files in place afterwards."""

    source: str
    status: str
    message: str = ""
    files: list[str] = field(default_factory=list)  # relative to the fetch folder
    importer: str = ""
    import_path: str = ""  # what `cqpi import` reads, relative ('' when nothing is in place)
    url: str = ""
    title: str = ""  # the version found (portal resource title), for --dry-run
    published: str = ""
    size: int | None = None
    resumed_from: int = 0
    publisher: str = ""
    licence: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def line(self) -> str:
        what = self.import_path
        if self.status in (WOULD_ADD, WOULD_UPDATE) and self.title:
            what = self.title
        details = []
        if self.status in (NEW, UPDATED, WOULD_ADD, WOULD_UPDATE):
            if self.size is not None:
                details.append(human_size(self.size))
            if self.published:
                details.append(f"publié le {self.published[:10]}")
            if self.resumed_from:
                details.append(f"repris à {human_size(self.resumed_from)}")
        text = f"{self.source}\t{LABELS[self.status]}" + (f"\t{what}" if what else "")
        if details:
            text += f" ({', '.join(details)})"
        if self.message:
            text += f"\n\t{self.message}"
        if self.status in (NEW, UPDATED) and self.publisher:
            text += f"\n\t{self.publisher} — {self.licence}"
        return text


@dataclass
class FetchReport:
    folder: Path
    results: list[SourceResult] = field(default_factory=list)
    dry_run: bool = False
    mirror: str = ""

    @property
    def failed(self) -> list[SourceResult]:
        return [r for r in self.results if r.failed]

    @property
    def changed(self) -> list[SourceResult]:
        return [r for r in self.results if r.status in (NEW, UPDATED)]

    def imports(self) -> list[tuple[str, Path]]:
        """(importer, path) of every source with files in place, failed ones keeping theirs."""
        return [(r.importer, self.folder / r.import_path) for r in self.results if r.import_path]

    def lines(self) -> list[str]:
        out = [r.line() for r in self.results]
        if self.dry_run:
            out.append("simulation (--dry-run) : rien n'a été téléchargé ni modifié")
        return out

    def as_json(self) -> dict:
        return {
            "folder": str(self.folder),
            "dry_run": self.dry_run,
            "mirror": self.mirror,
            "sources": [asdict(r) for r in self.results],
        }
