"""What is left to learn: each bloc of a target certification, declared covered, probably
covered (computed from the competence texts), to acquire, or unknown (docs/MODEL.md, « Gap »).

Declared coverage comes only from the paths and their cost model; the estimate only from the
text model; the two costs are kept apart on every answer, with the method, model and threshold.
"""

from __future__ import annotations

from .core import assemble, gap, gap_between, method, resolve_sources
from .evidence import MIN_SHARE, THRESHOLD, VERSION
from .model import (
    COMPUTED,
    COVERED,
    DECLARED,
    PROBABLY_COVERED,
    STATUSES,
    TO_ACQUIRE,
    UNKNOWN,
    BlocGap,
    CompetenceMatch,
    DeclaredCost,
    DeclaredEvidence,
    EstimatedCost,
    EstimatedReach,
    GapResult,
    Method,
    ReachFilters,
    SourcePath,
    status_label,
)
from .plan import Plan, Routes, plan
from .reach import reach_estimated

__all__ = [
    "COMPUTED",
    "COVERED",
    "DECLARED",
    "MIN_SHARE",
    "PROBABLY_COVERED",
    "STATUSES",
    "THRESHOLD",
    "TO_ACQUIRE",
    "UNKNOWN",
    "VERSION",
    "BlocGap",
    "CompetenceMatch",
    "DeclaredCost",
    "DeclaredEvidence",
    "EstimatedCost",
    "EstimatedReach",
    "GapResult",
    "Method",
    "Plan",
    "ReachFilters",
    "Routes",
    "SourcePath",
    "assemble",
    "gap",
    "gap_between",
    "method",
    "plan",
    "reach_estimated",
    "resolve_sources",
    "status_label",
]
