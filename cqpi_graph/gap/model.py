"""What `cqpi gap` and `cqpi reach --estimated` answer: typed records with their `to_dict()`.

A bloc of the target has one status. « couvert » comes only from declared recognitions (the
paths and their cost model), with their statements and sources; « probablement couvert » and
« à acquérir » are computed from the competence texts, with the matches and their scores;
« inconnu » when there is no text to compare. The declared cost and the estimated cost are two
separate records and are never added together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import Bloc, Certification
from ..paths.model import Path, Step
from ..textsim.pairs import UnitRef

COVERED = "couvert"
PROBABLY_COVERED = "probablement couvert"
TO_ACQUIRE = "à acquérir"
UNKNOWN = "inconnu"
STATUSES = (COVERED, PROBABLY_COVERED, TO_ACQUIRE, UNKNOWN)
DECLARED = "declared"
COMPUTED = "computed"
STATUS_LABELS = {
    "fr": {s: s for s in STATUSES},
    "en": {
        COVERED: "covered",
        PROBABLY_COVERED: "probably covered",
        TO_ACQUIRE: "to acquire",
        UNKNOWN: "unknown",
    },
}
# How a competence of the target was matched (CompetenceMatch.kind).
TEXT = "texte"
SAME = "même compétence"  # the same resource in both certifications
EQUIVALENT = "déclarée équivalente"  # skos:exactMatch / owl:sameAs between the two competences


def status_label(status: str, lang: str = "fr") -> str:
    return STATUS_LABELS.get(lang, STATUS_LABELS["fr"]).get(status, status)


@dataclass(frozen=True)
class Method:
    """How the estimate was made: stated on every answer."""

    name: str  # "cqpi-gap/1"
    model: str  # the text model's method (textsim.model.METHOD)
    threshold: float  # a competence matches from this score on
    min_share: float  # share of a bloc's texts that must match for « probablement couvert »
    description: str

    def to_dict(self) -> dict:
        return {
            "method": self.name,
            "model": self.model,
            "threshold": self.threshold,
            "min_share": self.min_share,
            "description": self.description,
        }


@dataclass(frozen=True)
class DeclaredEvidence:
    """Why a bloc is « couvert »: the declared path from one of the person's certifications
    (its last step gives the bloc), or the person holding the target itself."""

    source: Certification
    step: Step | None  # None: the person holds the target (same certification)
    path_length: int
    path_cost: int | None

    def to_dict(self) -> dict:
        return {
            "from": self.source.to_dict(),
            "same_certification": self.step is None,
            "path_length": self.path_length,
            "path_cost": self.path_cost,
            "step": self.step.to_dict() if self.step else None,
        }


@dataclass(frozen=True)
class CompetenceMatch:
    """A text of the target's bloc and the closest competence text of the person's certifications."""

    competence: UnitRef  # the bloc's label, or one of its competences
    source: UnitRef  # a bloc or competence of one of the person's certifications
    source_certification: str  # code of that certification
    score: float
    direct: float  # cosine of the two texts
    via: UnitRef | None = None  # a ROME or ESCO competence both texts align with
    via_score: float = 0.0
    kind: str = TEXT
    above_threshold: bool = True

    def to_dict(self) -> dict:
        return {
            "competence": self.competence.to_dict(),
            "source": self.source.to_dict(),
            "source_certification": self.source_certification,
            "score": round(self.score, 4),
            "direct": round(self.direct, 4),
            "via": self.via.to_dict() if self.via else None,
            "via_score": round(self.via_score, 4),
            "kind": self.kind,
            "above_threshold": self.above_threshold,
        }


@dataclass(frozen=True)
class BlocGap:
    """One bloc of the target, its status and its evidence (declared or computed, never both)."""

    bloc: Bloc
    status: str
    declared: tuple[DeclaredEvidence, ...] = ()
    texts: tuple[UnitRef, ...] = ()  # what the text model knows of the bloc
    matches: tuple[CompetenceMatch, ...] = ()  # the closest source text of each of them
    matched: int = 0  # texts matched at or above the threshold

    @property
    def basis(self) -> str | None:
        if self.status == COVERED:
            return DECLARED
        return COMPUTED if self.status in (PROBABLY_COVERED, TO_ACQUIRE) else None

    def to_dict(self, lang: str = "fr") -> dict:
        return {
            "bloc": self.bloc.to_dict(),
            "status": self.status,
            "status_label": status_label(self.status, lang),
            "basis": self.basis,
            "declared": [d.to_dict() for d in self.declared],
            "texts": [t.to_dict() for t in self.texts],
            "matched": self.matched,
            "matches": [m.to_dict() for m in self.matches],
        }


@dataclass(frozen=True)
class SourcePath:
    """The best declared path (cost model) from one of the person's certifications."""

    source: Certification
    path: Path

    def to_dict(self) -> dict:
        return {"from": self.source.to_dict(), "path": self.path.to_dict()}


@dataclass(frozen=True)
class DeclaredCost:
    """What declared statements leave to pass (docs/MODEL.md, « Cost model »): None when unknown."""

    cost: int | None
    declared_zero: bool
    covered: int  # blocs of the target covered by declared recognitions
    paths: tuple[SourcePath, ...] = ()
    note: str = ""

    def to_dict(self) -> dict:
        return {
            "cost": self.cost,
            "cost_known": self.cost is not None,
            "declared_zero": self.declared_zero,
            "covered_blocs": self.covered,
            "paths": [p.to_dict() for p in self.paths],
            "note": self.note,
            "basis": DECLARED,
        }


@dataclass(frozen=True)
class EstimatedCost:
    """The computed estimate: blocs to acquire, and blocs only probably covered (to prove)."""

    to_acquire: int
    probably_covered: int
    unknown: int  # blocs that could not be estimated (no text)
    published: bool  # the target's blocs are published

    @property
    def known(self) -> bool:
        return self.published and self.unknown == 0

    @property
    def low(self) -> int | None:
        """At least this many blocs to pass (all probably covered blocs recognised)."""
        return self.to_acquire if self.known else None

    @property
    def high(self) -> int | None:
        """At most this many (none of the probably covered blocs recognised)."""
        return self.to_acquire + self.probably_covered if self.known else None

    def to_dict(self) -> dict:
        return {
            "to_acquire": self.to_acquire if self.published else None,
            "probably_covered": self.probably_covered if self.published else None,
            "unknown_blocs": self.unknown,
            "known": self.known,
            "low": self.low,
            "high": self.high,
            "basis": COMPUTED,
        }


@dataclass(frozen=True)
class GapResult:
    sources: tuple[Certification, ...]
    target: Certification
    blocs: tuple[BlocGap, ...]
    declared: DeclaredCost
    estimated: EstimatedCost
    method: Method
    lang: str = "fr"
    notes: tuple[str, ...] = ()

    @property
    def published(self) -> bool:
        return self.estimated.published

    def by_status(self, status: str) -> tuple[BlocGap, ...]:
        return tuple(b for b in self.blocs if b.status == status)

    def to_dict(self) -> dict:
        return {
            "sources": [s.to_dict() for s in self.sources],
            "target": self.target.to_dict(),
            "blocs_published": self.published,
            "blocs": [b.to_dict(self.lang) for b in self.blocs],
            "declared_cost": self.declared.to_dict(),
            "estimated_cost": self.estimated.to_dict(),
            "method": self.method.to_dict(),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class ReachFilters:
    """What `reach --estimated` keeps: None / empty means no filter."""

    levels: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()  # class local names (a class keeps its subclasses)
    status: str = "obtainable"  # "active", "obtainable" (not declared inactive), "any"
    branch: str | None = None  # branch IRI
    rome: str | None = None  # ROME job IRI (declared cq:romeJob)

    def to_dict(self) -> dict:
        return {
            "levels": list(self.levels),
            "kinds": list(self.kinds),
            "status": self.status,
            "branch": self.branch,
            "rome": self.rome,
        }


@dataclass(frozen=True)
class EstimatedReach:
    """The certifications closest to completion from the person's certifications."""

    sources: tuple[Certification, ...]
    items: tuple[GapResult, ...]
    filters: ReachFilters
    method: Method
    considered: int  # certifications with published blocs that passed the filters
    unpublished: int  # certifications that passed the filters but publish no blocs
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {
            "sources": [s.to_dict() for s in self.sources],
            "filters": self.filters.to_dict(),
            "method": self.method.to_dict(),
            "considered": self.considered,
            "without_published_blocs": self.unpublished,
            "items": [g.to_dict() for g in self.items],
            "notes": list(self.notes),
        }
