"""What a resource page shows, as typed records: every IRI comes with its label in the page's
language (the catalog's names); links are the web view's business, not the library's."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import Certification


@dataclass(frozen=True)
class Ref:
    """A resource named in one language."""

    iri: str
    label: str
    kind: str = "uri"

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label}


@dataclass(frozen=True)
class Value:
    """A statement's object: a resource (`iri`), a blank node or a literal (`lang`, `datatype`)."""

    kind: str  # "uri", "bnode" or "literal"
    label: str  # the resource's label, or the literal's text
    iri: str = ""
    lang: str | None = None
    datatype: str | None = None

    def to_dict(self) -> dict:
        if self.kind == "uri":
            return {"iri": self.iri, "label": self.label}
        out: dict = {"value": self.label}
        if self.lang:
            out["lang"] = self.lang
        if self.datatype and not self.lang:
            out["datatype"] = self.datatype
        return out


@dataclass
class BlocView:
    ref: Ref
    code: str
    competences: list[Ref] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return self.ref.iri

    @property
    def label(self) -> str:
        return self.ref.label

    def to_dict(self) -> dict:
        return {
            **self.ref.to_dict(),
            "code": self.code,
            "competences": [c.to_dict() for c in self.competences],
        }


@dataclass
class Activity:
    ref: Ref
    order: str | None = None

    def to_dict(self) -> dict:
        return {**self.ref.to_dict(), "order": self.order}


@dataclass
class Capacity:
    """A capacité of the référentiel, with its expected results and conditions."""

    ref: Ref
    order: str | None = None
    results: list[Value] = field(default_factory=list)
    conditions: list[Value] = field(default_factory=list)
    activities: list[Value] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            **self.ref.to_dict(),
            "order": self.order,
            "results": [v.to_dict() for v in self.results],
            "conditions": [v.to_dict() for v in self.conditions],
            "activities": [v.to_dict() for v in self.activities],
        }


@dataclass
class Recognition:
    """A declared statement (recognition, exemption, correspondence, proximity) about the resource."""

    ref: Ref
    role: str  # "in" (towards the resource) or "out" (from it)
    types: list[Ref]
    origin: list[Value] = field(default_factory=list)
    target: list[Value] = field(default_factory=list)
    granted: list[Value] = field(default_factory=list)
    remaining: list[Value] = field(default_factory=list)
    legal: list[Value] = field(default_factory=list)
    direction: list[Value] = field(default_factory=list)
    scope: list[Value] = field(default_factory=list)
    score: list[Value] = field(default_factory=list)
    source: list[Value] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = {**self.ref.to_dict(), "role": self.role, "types": [t.to_dict() for t in self.types]}
        for name in (
            "origin",
            "target",
            "granted",
            "remaining",
            "legal",
            "direction",
            "scope",
            "score",
            "source",
        ):
            out[name] = [v.to_dict() for v in getattr(self, name)]
        return out


@dataclass(frozen=True)
class SharedWith:
    """Another certification holding some of the same competences (same node, or aligned)."""

    ref: Ref
    n: int
    how: str  # "same" or "aligned"

    def to_dict(self) -> dict:
        return {**self.ref.to_dict(), "n": self.n, "how": self.how}


@dataclass(frozen=True)
class Statement:
    """One statement about the resource and the named graph that holds it (its provenance)."""

    subject: Value
    predicate: Ref
    obj: Value
    graph: str
    graph_short: str

    def to_dict(self) -> dict:
        return {
            "subject": self.subject.to_dict(),
            "predicate": self.predicate.to_dict(),
            "object": self.obj.to_dict(),
            "graph": self.graph,
        }


@dataclass
class GraphInfo:
    """A named graph the statements come from, with what the store records of it."""

    iri: str
    short: str
    props: dict[str, list[Value]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"iri": self.iri, "props": {k: [v.to_dict() for v in vs] for k, vs in self.props.items()}}


REF_FIELDS = (
    "types",
    "level",
    "eqf",
    "certifiers",
    "branches",
    "partner_branches",
    "rome",
    "replaces",
    "replaced_by",
    "close_to",
    "bloc_of",
    "correspondences",
    "competences",
    "referentiels",
    "related_certs",
)


@dataclass
class Description:
    """Everything the page of one resource shows, in one language."""

    iri: str
    lang: str
    label: str
    certification: Certification | None = None  # the catalog's record when it is one
    codes: list[str] = field(default_factory=list)
    alt_labels: list[Value] = field(default_factory=list)
    descriptions: list[Value] = field(default_factory=list)
    active: list[str] = field(default_factory=list)
    types: list[Ref] = field(default_factory=list)
    level: list[Ref] = field(default_factory=list)
    eqf: list[Ref] = field(default_factory=list)
    certifiers: list[Ref] = field(default_factory=list)
    branches: list[Ref] = field(default_factory=list)
    partner_branches: list[Ref] = field(default_factory=list)
    rome: list[Ref] = field(default_factory=list)
    replaces: list[Ref] = field(default_factory=list)
    replaced_by: list[Ref] = field(default_factory=list)
    close_to: list[Ref] = field(default_factory=list)
    bloc_of: list[Ref] = field(default_factory=list)
    correspondences: list[Ref] = field(default_factory=list)  # other codes of it (crosswalks, sameness)
    blocs: list[BlocView] = field(default_factory=list)
    competences: list[Ref] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    capacities: list[Capacity] = field(default_factory=list)
    referentiels: list[Ref] = field(default_factory=list)
    recognitions_in: list[Recognition] = field(default_factory=list)
    recognitions_out: list[Recognition] = field(default_factory=list)
    proximity: list[Recognition] = field(default_factory=list)
    shared: list[SharedWith] = field(default_factory=list)
    related_certs: list[Ref] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    graphs: list[GraphInfo] = field(default_factory=list)

    @property
    def is_cert(self) -> bool:
        return self.certification is not None

    def to_dict(self) -> dict:
        out: dict = {
            "iri": self.iri,
            "lang": self.lang,
            "label": self.label,
            "is_certification": self.is_cert,
        }
        out["certification"] = self.certification.to_dict() if self.certification else None
        out["codes"] = list(self.codes)
        out["active"] = list(self.active)
        for name in ("alt_labels", "descriptions"):
            out[name] = [v.to_dict() for v in getattr(self, name)]
        for name in REF_FIELDS:
            out[name] = [r.to_dict() for r in getattr(self, name)]
        for name in (
            "blocs",
            "activities",
            "capacities",
            "recognitions_in",
            "recognitions_out",
            "proximity",
            "shared",
            "statements",
            "incoming",
            "graphs",
        ):
            out[name] = [x.to_dict() for x in getattr(self, name)]
        return out


__all__ = [
    "Activity",
    "BlocView",
    "Capacity",
    "Description",
    "GraphInfo",
    "Recognition",
    "Ref",
    "SharedWith",
    "Statement",
    "Value",
]
