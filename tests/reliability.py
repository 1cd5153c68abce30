"""Figures of the reliability section, collected while its tests run and written at the end.

Tests call `record(name, n)`; at the end of a session that ran any, the totals are written to
test-artifacts/reliability.json (the source of the figures in RELIABILITY.md).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

FIGURES: Counter[str] = Counter()
ARTIFACT = Path(__file__).resolve().parent.parent / "test-artifacts" / "reliability.json"


def record(name: str, n: int = 1) -> None:
    FIGURES[name] += n


def write() -> Path | None:
    if not FIGURES:
        return None
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(dict(sorted(FIGURES.items())), indent=2) + "\n", encoding="utf-8")
    return ARTIFACT
