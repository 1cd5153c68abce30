"""OWL 2 RL inference: `reasonable` (fast, Rust) by default, `owlrl` as the reference engine.

Only consequences that are not already asserted are returned, so that the inferred named graph
holds exactly what the reasoner added. Trivial entailments (everything is an owl:Thing, reflexive
owl:sameAs, statements about the OWL/RDFS vocabularies themselves) are left out of it.
"""

from __future__ import annotations

from collections.abc import Iterable

import rdflib
from rdflib.term import Node

from .namespaces import OWL, RDF, RDFS, XSD

ENGINES = ("reasonable", "owlrl")
Triple = tuple[Node, Node, Node]

_SCHEMA_PREDICATES = {
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    RDFS + "domain",
    RDFS + "range",
    OWL + "inverseOf",
    OWL + "equivalentClass",
    OWL + "equivalentProperty",
    OWL + "propertyChainAxiom",
}
_SCHEMA_TYPES = {
    OWL + "SymmetricProperty",
    OWL + "TransitiveProperty",
    OWL + "FunctionalProperty",
    OWL + "InverseFunctionalProperty",
}
_VOCAB_PREFIXES = (OWL, RDF, RDFS, XSD)


def active_predicates(tbox: Iterable[Triple]) -> set[str]:
    """Predicates that some axiom of the TBox can act on; other ABox triples infer nothing."""
    active = {RDF + "type", OWL + "sameAs"}
    for s, p, o in tbox:
        ps = str(p)
        if ps in _SCHEMA_PREDICATES and ps != RDFS + "subClassOf" and ps != OWL + "equivalentClass":
            active.add(str(s))
            if ps in (RDFS + "subPropertyOf", OWL + "inverseOf", OWL + "equivalentProperty"):
                active.add(str(o))
        elif ps == RDF + "type" and str(o) in _SCHEMA_TYPES:
            active.add(str(s))
    return active


def _normalise(t: Triple) -> Triple:
    s, p, o = t
    if isinstance(o, rdflib.Literal) and o.datatype == rdflib.XSD.string and not o.language:
        o = rdflib.Literal(str(o))
    return (s, p, o)


def _is_trivial(t: Triple) -> bool:
    s, p, o = t
    if str(s).startswith(_VOCAB_PREFIXES):
        return True
    if str(p) == RDF + "type" and str(o) in (OWL + "Thing", RDFS + "Resource"):
        return True
    return str(p) == OWL + "sameAs" and s == o


def infer(triples: Iterable[Triple], engine: str = "reasonable") -> set[Triple]:
    """The OWL 2 RL consequences of `triples` that are not among them."""
    base = {_normalise(t) for t in triples}
    if engine == "reasonable":
        import reasonable

        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(list(base))
        closure = (_normalise(t) for t in reasoner.reason())
    elif engine == "owlrl":
        import owlrl

        graph = rdflib.Graph()
        for t in base:
            graph.add(t)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
        closure = (_normalise(t) for t in graph)
    else:
        raise ValueError(f"moteur d'inférence inconnu : {engine} (attendu : {', '.join(ENGINES)})")
    return {t for t in closure if t not in base and not _is_trivial(t)}
