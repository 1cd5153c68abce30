"""What `cqpi path` and `cqpi reach` answer: typed records with their `to_dict()` (the JSON twin)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import Bloc, Certification

RECOGNITION = "reconnaissance"
SUCCESSION = "succession"


@dataclass(frozen=True)
class Ref:
    """A resource cited by a step: a source document, a legal text."""

    iri: str
    label: str = ""

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label}


@dataclass(frozen=True)
class Origin:
    """Where an imported statement was read: the export file, its date, the file in it, the row."""

    export: str  # file name of the export (zip, XML, CSV)
    export_date: str | None
    file: str  # the file inside the export, or the export itself
    row: int | None
    field: str | None
    graph: str

    def display(self) -> str:
        date = f" (export du {self.export_date})" if self.export_date else ""
        inner = f", {self.file}" if self.file and self.file != self.export else ""
        row = f", ligne {self.row}" if self.row is not None else ""
        fld = f", champ {self.field}" if self.field else ""
        return f"{self.export}{date}{inner}{row}{fld}"

    def to_dict(self) -> dict:
        return {
            "export": self.export,
            "export_date": self.export_date,
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "graph": self.graph,
        }


@dataclass(frozen=True)
class Step:
    """One link used along a path: a declared recognition, or a succession (a new version)."""

    source: Certification
    target: Certification
    kind: str  # RECOGNITION or SUCCESSION
    relation: str  # prefixed name of the statement's class, e.g. "cq:EquivalenceTotale"
    relation_label: str
    granted: tuple[Bloc, ...]  # blocs of the target held after this step
    whole: bool  # the whole target is held after this step
    completed: tuple[Bloc, ...]  # blocs of the source to pass first (the step needs it whole)
    completion_known: bool
    statements: tuple[str, ...]
    sources: tuple[Ref, ...]
    legal_basis: tuple[Ref, ...]
    origins: tuple[Origin, ...]
    notes: tuple[str, ...] = ()
    derivation: str = ""  # "", or "sens déclaré bidirectionnel"

    def to_dict(self) -> dict:
        return {
            "from": self.source.to_dict(),
            "to": self.target.to_dict(),
            "kind": self.kind,
            "relation": self.relation,
            "relation_label": self.relation_label,
            "counts_as_recognition": self.kind == RECOGNITION,
            "granted_blocs": [b.to_dict() for b in self.granted],
            "whole_target_granted": self.whole,
            "to_pass_first": [b.to_dict() for b in self.completed],
            "to_pass_first_known": self.completion_known,
            "statements": list(self.statements),
            "sources": [r.to_dict() for r in self.sources],
            "legal_basis": [r.to_dict() for r in self.legal_basis],
            "provenance": [o.to_dict() for o in self.origins],
            "notes": list(self.notes),
            "derivation": self.derivation,
        }


@dataclass(frozen=True)
class Path:
    """A chain of steps and what is left to pass to obtain its last certification.

    `cost` is None when unknown (a scope not stated, blocs not published), never 0 then.
    """

    steps: tuple[Step, ...]
    remaining: tuple[Bloc, ...]  # blocs of the target left to pass
    cost: int | None
    declared_zero: bool = False  # cost 0 because declared statements say so
    flags: tuple[str, ...] = ()  # inactive target or steps, unknown scope…

    @property
    def cost_known(self) -> bool:
        return self.cost is not None

    @property
    def nodes(self) -> list[Certification]:
        if not self.steps:
            return []
        return [self.steps[0].source] + [s.target for s in self.steps]

    @property
    def recognitions(self) -> int:
        return sum(1 for s in self.steps if s.kind == RECOGNITION)

    def to_dict(self) -> dict:
        return {
            "cost": self.cost,
            "cost_known": self.cost_known,
            "declared_zero": self.declared_zero,
            "length": len(self.steps),
            "remaining_blocs": [b.to_dict() for b in self.remaining],
            "flags": list(self.flags),
            "nodes": [n.to_dict() for n in self.nodes],
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass(frozen=True)
class Proximity:
    """A content proximity (never a recognition): shown beside an answer, never counted."""

    a: Certification
    b: Certification
    sources: tuple[Ref, ...] = ()
    statements: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "relation": "cq:closeTo",
            "sources": [r.to_dict() for r in self.sources],
            "statements": list(self.statements),
            "counted": False,
        }


@dataclass(frozen=True)
class IdentifierLink:
    """A crosswalk row between two codes shown as two certifications (never a step)."""

    source: Certification
    target: Certification
    statement: str
    note: str  # the catalog's decision: why the two codes are, or are not, one certification
    origins: tuple[Origin, ...] = ()

    def to_dict(self) -> dict:
        return {
            "from": self.source.to_dict(),
            "to": self.target.to_dict(),
            "relation": "cq:identifierCorrespondsTo",
            "statement": self.statement,
            "decision": self.note,
            "provenance": [o.to_dict() for o in self.origins],
            "counted": False,
        }


@dataclass(frozen=True)
class PathResult:
    origin: Certification
    target: Certification
    paths: tuple[Path, ...]
    proximity: tuple[Proximity, ...] = ()
    identifier_links: tuple[IdentifierLink, ...] = ()
    same_certification: bool = False
    notes: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.paths) or self.same_certification

    @property
    def best(self) -> Path | None:
        return self.paths[0] if self.paths else None

    def to_dict(self) -> dict:
        return {
            "origin": self.origin.to_dict(),
            "target": self.target.to_dict(),
            "found": self.found,
            "same_certification": self.same_certification,
            "paths": [p.to_dict() for p in self.paths],
            "proximity": [p.to_dict() for p in self.proximity],
            "identifier_links": [c.to_dict() for c in self.identifier_links],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Reachable:
    node: Certification
    path: Path

    @property
    def cost(self) -> int | None:
        return self.path.cost

    def to_dict(self) -> dict:
        return {
            "node": self.node.to_dict(),
            "cost": self.path.cost,
            "cost_known": self.path.cost_known,
            "length": len(self.path.steps),
            "path": self.path.to_dict(),
        }


@dataclass(frozen=True)
class ReachResult:
    origin: Certification
    items: tuple[Reachable, ...]
    proximity: tuple[Proximity, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {
            "origin": self.origin.to_dict(),
            "reachable": [r.to_dict() for r in self.items],
            "proximity": [p.to_dict() for p in self.proximity],
            "notes": list(self.notes),
        }
