"""OWL 2 RL materialisation compiled from the TBox, streaming over the store.

The ontology only uses the schema axioms below, so their OWL 2 RL rules can be applied in one
pass once the TBox is compiled into closures (super-classes, super-properties, inverses,
domains, ranges):

    cax-sco cax-eqc   type(x,C), C ⊑ D                 → type(x,D)
    prp-spo1 prp-eqp  p(x,y), p ⊑ q                    → q(x,y)
    prp-inv           p(x,y), p inverseOf q            → q(y,x)
    prp-symp          p(x,y), p symmetric              → p(y,x)
    prp-trp           p(x,y), p(y,z), p transitive     → p(x,z)
    prp-dom prp-rng   p(x,y), p domain/range C         → type(x,C) / type(y,C)
    scm-sco scm-spo   closure of subClassOf and subPropertyOf

Triples whose property reaches no inverse, symmetric or transitive property are mapped straight
to their consequences while streaming; the others (successions, equivalences, bloc links) go
through a small in-memory fixpoint. A TBox using any other OWL construct is refused
(UnsupportedAxiom): the caller then uses a general OWL RL reasoner. Terms are N-Triples strings
throughout, as pyoxigraph prints them, so nothing is converted to Python RDF objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .namespaces import OWL, RDF, RDFS

Triple = tuple[str, str, str]  # N-Triples terms: "<iri>", "_:b", "\"lit\"@fr"

TYPE = f"<{RDF}type>"
SUBCLASS = f"<{RDFS}subClassOf>"
SUBPROP = f"<{RDFS}subPropertyOf>"
DOMAIN = f"<{RDFS}domain>"
RANGE = f"<{RDFS}range>"
INVERSE = f"<{OWL}inverseOf>"
EQCLASS = f"<{OWL}equivalentClass>"
EQPROP = f"<{OWL}equivalentProperty>"
SYMMETRIC = f"<{OWL}SymmetricProperty>"
TRANSITIVE = f"<{OWL}TransitiveProperty>"

# What the TBox compiler reads, and the constructs whose rules it does not implement.
SCHEMA_TYPES = {SYMMETRIC, TRANSITIVE}
UNSUPPORTED_PREDICATES = {
    f"<{OWL}{name}>"
    for name in (
        "someValuesFrom",
        "allValuesFrom",
        "hasValue",
        "intersectionOf",
        "unionOf",
        "complementOf",
        "oneOf",
        "propertyChainAxiom",
        "hasKey",
        "maxCardinality",
        "maxQualifiedCardinality",
        "cardinality",
        "qualifiedCardinality",
        "onProperty",
        "sameAs",
        "propertyDisjointWith",
    )
}
UNSUPPORTED_TYPES = {
    f"<{OWL}{name}>"
    for name in (
        "FunctionalProperty",
        "InverseFunctionalProperty",
        "IrreflexiveProperty",
        "AsymmetricProperty",
        "Restriction",
    )
}


SCHEMA_PREDICATES = {SUBCLASS, SUBPROP, DOMAIN, RANGE, INVERSE, EQCLASS, EQPROP} | UNSUPPORTED_PREDICATES
SCHEMA_TYPES = SCHEMA_TYPES | UNSUPPORTED_TYPES


class UnsupportedAxiom(ValueError):
    """The TBox uses an OWL construct outside the rules above."""


def _reachable(succ: dict[str, set[str]], start: str) -> set[str]:
    """Every node reachable from start in one step or more (start itself only on a cycle)."""
    seen: set[str] = set()
    stack = list(succ.get(start, ()))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(succ.get(node, ()))
    return seen


def _closure(direct: dict[str, set[str]]) -> dict[str, set[str]]:
    """Non-reflexive transitive closure of a relation given as adjacency sets."""
    return {start: _reachable(direct, start) - {start} for start in direct}


@dataclass
class TBox:
    super_classes: dict[str, set[str]] = field(default_factory=dict)
    super_props: dict[str, set[str]] = field(default_factory=dict)
    inverses: dict[str, set[str]] = field(default_factory=dict)
    symmetric: set[str] = field(default_factory=set)
    transitive: set[str] = field(default_factory=set)
    domains: dict[str, set[str]] = field(default_factory=dict)  # including super-properties'
    ranges: dict[str, set[str]] = field(default_factory=dict)
    relational: set[str] = field(default_factory=set)  # reach an inverse/symmetric/transitive
    schema_triples: list[Triple] = field(default_factory=list)  # scm-sco / scm-spo closure

    def props_of(self, p: str) -> set[str]:
        """p and its super-properties."""
        return {p} | self.super_props.get(p, set())

    def classes_of(self, c: str) -> set[str]:
        return {c} | self.super_classes.get(c, set())

    def active(self, p: str) -> bool:
        """Can a triple with predicate p have any consequence?"""
        return (
            p == TYPE
            or p in self.super_props
            or p in self.domains
            or p in self.ranges
            or p in self.relational
        )


def compile_tbox(triples: Iterable[Triple]) -> TBox:
    sub_c: dict[str, set[str]] = defaultdict(set)
    sub_p: dict[str, set[str]] = defaultdict(set)
    inv: dict[str, set[str]] = defaultdict(set)
    dom: dict[str, set[str]] = defaultdict(set)
    rng: dict[str, set[str]] = defaultdict(set)
    tb = TBox()
    # axiom predicate -> (the relation it feeds, whether it holds both ways)
    feeds = {
        SUBCLASS: (sub_c, False),
        EQCLASS: (sub_c, True),
        SUBPROP: (sub_p, False),
        EQPROP: (sub_p, True),
        INVERSE: (inv, True),
        DOMAIN: (dom, False),
        RANGE: (rng, False),
    }
    for s, p, o in triples:
        if p in UNSUPPORTED_PREDICATES:
            raise UnsupportedAxiom(f"axiome non pris en charge : {s} {p} {o}")
        if p == TYPE and o in UNSUPPORTED_TYPES:
            raise UnsupportedAxiom(f"axiome non pris en charge : {s} a {o}")
        if s.startswith("_:") and p in (SUBCLASS, SUBPROP, EQCLASS):
            raise UnsupportedAxiom(f"classe anonyme non prise en charge : {s} {p} {o}")
        if p in feeds:
            relation, both_ways = feeds[p]
            relation[s].add(o)
            if both_ways:
                relation[o].add(s)
        elif p == TYPE and o == SYMMETRIC:
            tb.symmetric.add(s)
        elif p == TYPE and o == TRANSITIVE:
            tb.transitive.add(s)
    tb.super_classes = _closure(sub_c)
    tb.super_props = _closure(sub_p)
    tb.inverses = dict(inv)
    for c, supers in tb.super_classes.items():
        tb.schema_triples.extend((c, SUBCLASS, d) for d in supers)
    for p, supers in tb.super_props.items():
        tb.schema_triples.extend((p, SUBPROP, q) for q in supers)
    props = set(sub_p) | set(dom) | set(rng) | set(inv) | tb.symmetric | tb.transitive
    for supers in list(tb.super_props.values()):
        props |= supers
    special = set(inv) | tb.symmetric | tb.transitive
    for p in props:
        own = tb.props_of(p)
        d = set().union(*(dom.get(q, set()) for q in own))
        r = set().union(*(rng.get(q, set()) for q in own))
        if d:
            tb.domains[p] = d
        if r:
            tb.ranges[p] = r
        if own & special:
            tb.relational.add(p)
    return tb


def _is_literal(term: str) -> bool:
    return term.startswith('"')


def _fixpoint(tb: TBox, facts: set[Triple]) -> set[Triple]:
    """Close a set of relational facts under spo, inverse, symmetry and transitivity."""
    by_pred: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in facts:
        by_pred[p][s].add(o)
    frontier = set(facts)
    new: set[Triple] = set()

    def add(t: Triple) -> None:
        if t not in facts:
            facts.add(t)
            new.add(t)
            by_pred[t[1]][t[0]].add(t[2])

    while frontier:
        new.clear()

        for s, p, o in frontier:
            for q in tb.props_of(p):
                add((s, q, o))
                if _is_literal(o):
                    continue
                for r in tb.inverses.get(q, ()):
                    add((o, r, s))
                if q in tb.symmetric:
                    add((o, q, s))
        # Transitivity: recompute the closure of every transitive property that changed.
        changed = {t[1] for t in frontier | new if t[1] in tb.transitive}
        for q in changed:
            succ = by_pred[q]
            for start in list(succ):
                for node in _reachable(succ, start):
                    add((start, q, node))
        frontier = set(new)
    return facts


def _typed_by(tb: TBox, s: str, p: str, o: str) -> Iterator[Triple]:
    """The types a triple gives its subject (rdfs:domain) and its object (rdfs:range), with their
    superclasses."""
    for c in tb.domains.get(p, ()):
        for d in tb.classes_of(c):
            yield (s, TYPE, d)
    if not _is_literal(o):
        for c in tb.ranges.get(p, ()):
            for d in tb.classes_of(c):
                yield (o, TYPE, d)


def consequences(tb: TBox, abox: Iterable[Triple]) -> Iterator[Triple]:
    """Every consequence of the ABox under the compiled TBox (asserted triples may recur)."""
    yield from tb.schema_triples
    typing = tb.domains.keys() | tb.ranges.keys()  # no call for the predicates that type nothing
    relational: set[Triple] = set()
    for s, p, o in abox:
        if p == TYPE:
            for c in tb.super_classes.get(o, ()):
                yield (s, TYPE, c)
            continue
        if p in tb.relational:
            relational.add((s, p, o))
            continue
        for q in tb.super_props.get(p, ()):
            yield (s, q, o)
        if p in typing:
            yield from _typed_by(tb, s, p, o)
    for s, p, o in _fixpoint(tb, relational):
        yield (s, p, o)
        if p in typing:
            yield from _typed_by(tb, s, p, o)
