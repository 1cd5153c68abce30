"""What an export wrote and what it left out: one report type for every profile.

A certification an export cannot write faithfully is *excluded*, never padded: the report names
it (IRI, code, title) with the fields it lacks, counts the exclusions by missing field, and keeps
notes on how some fields were made (a curated table, a local identifier). The CLI prints the
summary and writes the report as TSV (one line per excluded certification) or JSON.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROFILE_NAMES = {"elm": "ELM/LOQ", "rncp-xml": "flux RNCP XML v4.1", "schemaorg": "schema.org"}


@dataclass
class Excluded:
    """A certification left out of an export, and the fields it lacks."""

    iri: str
    code: str | None
    title: str | None
    missing: list[str]


@dataclass
class ExportReport:
    """Which certifications an export wrote and which it left out, with what they lack."""

    profile: str = "elm"
    exported: list[str] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Counters of the export beyond exported/excluded (« actives exportées »…), in print order.
    counts: dict[str, int] = field(default_factory=dict)
    fields: tuple[str, ...] = ()  # the fields an exclusion can name, in report order
    headline: tuple[str, ...] = ()  # the counters the summary line shows, in order

    @property
    def missing_counts(self) -> dict[str, int]:
        """Excluded certifications by missing field (one certification may lack several)."""
        out = dict.fromkeys(self.fields, 0)
        for e in self.excluded:
            for m in e.missing:
                out[m] = out.get(m, 0) + 1
        return {k: v for k, v in out.items() if v}

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def summary(self) -> str:
        name = PROFILE_NAMES.get(self.profile, self.profile)
        extra = "".join(f", {k} : {self.counts.get(k, 0)}" for k in self.headline)
        miss = ", ".join(f"{k} {v}" for k, v in self.missing_counts.items()) or "—"
        return (
            f"{name} : {len(self.exported)} certifications exportées, {len(self.excluded)} exclues"
            f"{extra} (exclues par champ manquant : {miss})"
        )

    def to_tsv(self) -> str:
        """One line per excluded certification: IRI, code, title, missing fields."""
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t", lineterminator="\n")
        w.writerow(["certification", "code", "intitule", "champs_manquants"])
        for e in self.excluded:
            w.writerow([e.iri, e.code or "", _one_line(e.title), ", ".join(e.missing)])
        return buf.getvalue()

    def to_text(self) -> str:
        """Summary, notes, then the TSV of the excluded certifications."""
        lines = [self.summary(), *(f"note : {n}" for n in self.notes)]
        return "\n".join(lines) + "\n" + (self.to_tsv() if self.excluded else "")

    def to_json(self) -> str:
        doc = {
            "profile": self.profile,
            "exported": self.exported,
            "excluded": [asdict(e) for e in self.excluded],
            "missing_counts": self.missing_counts,
            "counts": self.counts,
            "notes": self.notes,
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    def write(self, path: Path) -> None:
        """JSON for a `.json` file, else TSV."""
        text = self.to_json() if path.suffix.lower() == ".json" else self.to_tsv()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def default_report_path(store: object, profile: str) -> Path:
    """Where an export writes its report when none is named: beside an embedded store
    (STORE/reports/, like the import reports), else in the temporary folder."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    location = getattr(store, "location", None) if getattr(store, "directory", None) is not None else None
    if location and "://" in str(location):  # a remote store (or its write buffer): no folder of its own
        location = None
    folder = Path(location) / "reports" if location else Path(tempfile.gettempdir()) / "cqpi-reports"
    return folder / f"export-{profile}-{stamp}-{os.getpid()}.tsv"
