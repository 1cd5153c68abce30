"""A certification's neighbourhood as a small graph: its blocs, the recognitions declared from and
towards it, its versions (successions), its identifier correspondences (BCN twins), its ROME jobs
and the closest certifications computed from the texts — each edge saying which of the three kinds
of knowledge it is (declared, computed, history) so that a drawing never mixes them up.

    from cqpi_graph.neighbourhood import neighbourhood
    neighbourhood(store, "https://w3id.org/cqpi/id/cqpi/CEI", "fr").to_dict()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .catalog import load_catalog
from .catalog.names import resource_labels
from .describe import describe
from .describe.records import Description, Recognition
from .store import Store

if TYPE_CHECKING:
    from .textsim.api import TextSimilar

Names = Callable[[Iterable[str]], dict[str, str]]

# The words of each relation, per language (edges are drawn with them).
RELATIONS: dict[str, dict[str, str]] = {
    "bloc": {"fr": "bloc de compétences", "en": "skills block"},
    "recognition": {"fr": "reconnaissance déclarée", "en": "declared recognition"},
    "proximity": {
        "fr": "proximité déclarée (pas une équivalence)",
        "en": "declared proximity (not an equivalence)",
    },
    "replaces": {"fr": "remplace (historique)", "en": "replaces (history)"},
    "replaced_by": {"fr": "remplacée par (historique)", "en": "replaced by (history)"},
    "identifier": {"fr": "même certification, autre code", "en": "same certification, another code"},
    "correspondence": {
        "fr": "code relié par une table de passage (ni reconnaissance ni étape)",
        "en": "code linked by a crosswalk (neither a recognition nor a step)",
    },
    "rome": {"fr": "métier ROME déclaré", "en": "declared ROME job"},
    "branch": {"fr": "adoptée par la branche", "en": "adopted by the branch"},
    "computed_rome": {"fr": "métier ROME calculé", "en": "computed ROME job"},
    "computed_similar": {"fr": "proche d'après les textes (calculé)", "en": "close by its texts (computed)"},
}
# Which kind of knowledge each relation is.
BASIS = {
    "bloc": "declared",
    "recognition": "declared",
    "proximity": "declared",
    "replaces": "history",
    "replaced_by": "history",
    "identifier": "identifier",
    "correspondence": "identifier",
    "rome": "declared",
    "branch": "declared",
    "computed_rome": "computed",
    "computed_similar": "computed",
}


@dataclass(frozen=True)
class Node:
    iri: str
    label: str
    code: str = ""
    kind: str = "certification"  # "certification", "bloc", "job", "branch", "recognition", "subject"

    def to_dict(self) -> dict:
        return {"id": self.iri, "label": self.label, "code": self.code, "kind": self.kind}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relation: str  # a key of RELATIONS
    words: str  # the relation in the requested language
    detail: str = ""  # e.g. the recognition's type, or a similarity score

    @property
    def basis(self) -> str:
        return BASIS[self.relation]

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "target": self.target,
            "relation": self.relation,
            "basis": self.basis,
            "words": self.words,
            "detail": self.detail,
        }


@dataclass
class Neighbourhood:
    subject: str
    lang: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def add(self, node: Node, relation: str, *, outward: bool = True, detail: str = "") -> None:
        """A node linked to the subject (outward: subject → node)."""
        if node.iri == self.subject:
            return
        self.nodes.setdefault(node.iri, node)
        ends = (self.subject, node.iri) if outward else (node.iri, self.subject)
        edge = Edge(*ends, relation, RELATIONS[relation][self.lang], detail)
        if edge not in self.edges:
            self.edges.append(edge)

    def to_dict(self, href: Callable[[str], str] | None = None) -> dict:
        nodes = []
        for n in self.nodes.values():
            d = n.to_dict()
            if href is not None:
                d["href"] = href(n.iri)
            nodes.append(d)
        return {
            "subject": self.subject,
            "lang": self.lang,
            "nodes": nodes,
            "edges": [e.to_dict() for e in self.edges],
            "relations": {k: {"words": w[self.lang], "basis": BASIS[k]} for k, w in RELATIONS.items()},
        }


def neighbourhood(
    store: Store,
    iri: str,
    lang: str = "fr",
    names: Names | None = None,
    *,
    computed: TextSimilar | None = None,
) -> Neighbourhood:
    """The neighbourhood of `iri` (`computed`: the text model's links, when the caller has them).

    Raises NotFoundError when the graph says nothing of `iri`."""
    name: Names = names or (lambda iris: resource_labels(store, iris, lang))
    d = describe(store, iri, lang, name)
    out = Neighbourhood(iri, "en" if lang == "en" else "fr")
    cat = load_catalog(store)

    def code(x: str) -> str:
        c = cat.get(x)
        return c.code if c is not None else ""

    out.nodes[iri] = Node(iri, d.label, code(iri) or (d.codes[0] if d.codes else ""), "subject")
    for b in d.blocs:
        out.add(Node(b.iri, b.label, b.code, "bloc"), "bloc")
    _recognitions(out, d, code)
    for r in d.replaces:
        out.add(Node(r.iri, r.label, code(r.iri)), "replaces")
    for r in d.replaced_by:
        out.add(Node(r.iri, r.label, code(r.iri)), "replaced_by")
    _twins(out, d, name)
    for r in d.branches:
        out.add(Node(r.iri, r.label, "", "branch"), "branch")
    for r in d.rome:
        out.add(Node(r.iri, r.label, r.iri.rsplit("/", 1)[-1], "job"), "rome")
    if computed is not None:
        _computed(out, computed, name)
    return out


def _recognitions(out: Neighbourhood, d: Description, code: Callable[[str], str]) -> None:
    def ends(rec: Recognition, far: list) -> None:
        """An edge to each certification at the other end; to the statement itself when the source
        names none (« the CQP of a member branch »)."""
        kind = ", ".join(t.label for t in rec.types)
        relation = "proximity" if rec in d.proximity else "recognition"
        named = [v for v in far if v.kind == "uri" and v.iri != out.subject]
        for v in named:
            out.add(Node(v.iri, v.label, code(v.iri)), relation, outward=rec.role == "out", detail=kind)
        if not named:
            node = Node(rec.ref.iri, rec.ref.label, "", "recognition")
            out.add(node, relation, outward=rec.role == "out", detail=kind)

    for rec in d.recognitions_out:
        ends(rec, rec.target)
    for rec in d.recognitions_in:
        ends(rec, rec.origin)
    for rec in d.proximity:
        ends(rec, rec.target if rec.role == "out" else rec.origin)


def _twins(out: Neighbourhood, d: Description, name: Names) -> None:
    """The other identifiers of the same certification (its BCN twins, an RNCP fiche…), then the
    codes a crosswalk row links it to without making them one certification."""
    members = [
        m for m in (d.certification.members if d.certification is not None else ()) if m != out.subject
    ]
    linked = [r.iri for r in d.correspondences if r.iri not in members and r.iri != out.subject]
    labels = name(members + linked)
    for m in members:
        out.add(Node(m, labels.get(m, m), m.rsplit("/", 1)[-1]), "identifier")
    for m in linked:
        out.add(Node(m, labels.get(m, m), m.rsplit("/", 1)[-1]), "correspondence")


def _computed(out: Neighbourhood, computed: TextSimilar, name: Names) -> None:
    labels = name([c.cert.iri for c in computed.certifications] + [j.iri for j in computed.jobs])
    for c in computed.certifications:
        node = Node(c.cert.iri, labels.get(c.cert.iri) or c.cert.label, c.cert.code)
        out.add(node, "computed_similar", detail=f"{c.similarity:.2f}")
    for j in computed.jobs:
        out.add(
            Node(j.iri, labels.get(j.iri) or j.label, j.code, "job"), "computed_rome", detail=f"{j.score:.2f}"
        )
