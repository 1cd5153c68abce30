"""Paths: what holding one certification gives towards another, and what is left to pass.

Three kinds of link are kept apart (docs/MODEL.md): declared recognitions and successions are
steps (a succession is history: it grants nothing by itself); identifier correspondences and
content proximity are shown beside an answer, never used as steps. The cost of a path is what is
left to pass (`cost.evaluate`); it is unknown rather than zero when the sources do not say.
"""

from __future__ import annotations

import itertools

import networkx as nx

from ..catalog import Certification
from ..errors import NotFoundError
from ..store import Store
from .cost import evaluate
from .graph import RecognitionGraph, load_graph
from .model import (
    RECOGNITION,
    SUCCESSION,
    IdentifierLink,
    Origin,
    Path,
    PathResult,
    Proximity,
    Reachable,
    ReachResult,
    Ref,
    Step,
)

# Candidate paths looked at before ranking by cost (the search orders them by length first).
CANDIDATES = 30


def resolve(store: Store, code_or_iri: str, lang: str = "fr") -> Certification:
    """The certification named by a code (RNCP, RS, BCN, sigle) or IRI.

    Raises NotFoundError with near matches (codes and labels) when nothing matches.
    """
    return load_graph(store).catalog.resolve(code_or_iri, lang)


def _target(rg: RecognitionGraph, origin: Certification, text: str, lang: str) -> Certification:
    """B as a certification, or — for a CQPI holder — « the CQP of branch B »."""
    try:
        return rg.catalog.resolve(text, lang)
    except NotFoundError:
        branch = rg.catalog.resolve_branch(text)
        targets = rg.virtual_by_origin.get(origin.iri, {})
        if branch is not None and branch in targets:
            return rg.certification(targets[branch], lang)
        if branch is not None:
            name = rg.catalog.branch(branch, lang).label
            raise NotFoundError(
                f"« {text} » est la branche {name}, qui n'a pas adopté {origin.code} d'après le graphe : "
                "aucun CQP de cette branche n'est accessible par la règle des CQPI",
                [rg.certification(n, lang).display() for n in targets.values()],
            ) from None
        raise


def _rank(p: Path) -> tuple:
    return (p.cost is None, p.cost or 0, len(p.steps), -p.recognitions)


def find_paths(store: Store, a: str, b: str, alternatives: int = 2, *, lang: str = "fr") -> PathResult:
    """The best path from a to b (known cost first, then fewest blocs left, then fewest steps),
    then up to `alternatives` others."""
    rg = load_graph(store)
    origin = rg.catalog.resolve(a, lang)
    target = _target(rg, origin, b, lang)
    prox = _proximity(rg, (origin.iri, target.iri), lang)
    links = _identifier_links(rg, (origin.iri, target.iri), lang)
    if origin.iri == target.iri:
        return PathResult(origin, target, (), prox, links, same_certification=True, notes=_same_notes(origin))
    paths = paths_between(rg, origin.iri, target.iri, alternatives, lang)
    notes = () if paths else (_no_path_note(lang),)
    return PathResult(origin, target, tuple(paths), prox, links, notes=notes)


def paths_between(
    rg: RecognitionGraph, u: str, v: str, alternatives: int = 2, lang: str = "fr"
) -> list[Path]:
    """The best paths from node u to node v of a recognition graph, ranked by cost."""
    if u not in rg.digraph or v not in rg.digraph:
        return []
    try:
        gen = nx.shortest_simple_paths(rg.digraph, u, v, weight="weight")
        paths = [evaluate(rg, nodes, lang) for nodes in itertools.islice(gen, CANDIDATES)]
    except nx.NetworkXNoPath:
        return []
    paths.sort(key=_rank)
    return paths[: max(0, alternatives) + 1]


def reach(
    store: Store,
    a: str,
    *,
    max_cost: int | None = None,
    limit: int | None = None,
    lang: str = "fr",
) -> ReachResult:
    """Every certification reachable from a, ranked by what remains to pass (unknown last),
    then by steps."""
    rg = load_graph(store)
    origin = rg.catalog.resolve(a, lang)
    items: list[Reachable] = []
    if origin.iri in rg.digraph:
        _dist, routes = nx.single_source_dijkstra(rg.digraph, origin.iri, weight="weight")
        for node, nodes in routes.items():
            if node == origin.iri:
                continue
            path = evaluate(rg, nodes, lang)
            if max_cost is not None and (path.cost is None or path.cost > max_cost):
                continue
            items.append(Reachable(rg.certification(node, lang), path))
    items.sort(key=lambda r: (*_rank(r.path), r.node.code))
    if limit is not None:
        items = items[:limit]
    notes = () if items else (_no_path_note(lang),)
    return ReachResult(origin, tuple(items), _proximity(rg, (origin.iri,), lang), notes)


def _no_path_note(lang: str) -> str:
    if lang == "en":
        return "no declared recognition or succession links these certifications in the graph"
    return "aucune reconnaissance ni succession déclarée ne relie ces certifications dans le graphe"


def _same_notes(c: Certification) -> tuple[str, ...]:
    if len(c.members) < 2:
        return ()
    return (
        "codes regroupés par le catalogue : correspondance univoque, intitulés et niveaux concordants "
        f"({', '.join(c.codes)})",
    )


def _proximity(rg: RecognitionGraph, nodes: tuple[str, ...], lang: str) -> tuple[Proximity, ...]:
    seen: set[frozenset[str]] = set()
    out = []
    for n in nodes:
        for st in rg.proximity.get(n, []):
            a, b = rg.catalog.group_of(st.frm), rg.catalog.group_of(st.to or "")
            key = frozenset((a or "", b or ""))
            if a and b and key not in seen:
                seen.add(key)
                refs = tuple(Ref(s, rg.label(s, lang)) for s in st.sources)
                out.append(
                    Proximity(
                        rg.certification(a, lang),
                        rg.certification(b, lang),
                        refs,
                        (st.iri,) if st.iri else (),
                    )
                )
    return tuple(out)


def _identifier_links(rg: RecognitionGraph, nodes: tuple[str, ...], lang: str) -> tuple[IdentifierLink, ...]:
    out = []
    seen: set[str] = set()
    for n in nodes:
        for st in rg.identifier_links.get(n, []):
            a, b = rg.catalog.group_of(st.frm), rg.catalog.group_of(st.to or "")
            if a and b and st.iri not in seen:
                seen.add(st.iri)
                origin = rg.statements.origin(st)
                out.append(
                    IdentifierLink(
                        rg.certification(a, lang),
                        rg.certification(b, lang),
                        st.iri,
                        st.sameness_note,
                        (origin,) if origin else (),
                    )
                )
    return tuple(out)


__all__ = [
    "RECOGNITION",
    "SUCCESSION",
    "IdentifierLink",
    "Origin",
    "Path",
    "PathResult",
    "Proximity",
    "ReachResult",
    "Reachable",
    "RecognitionGraph",
    "Ref",
    "Step",
    "find_paths",
    "load_graph",
    "paths_between",
    "reach",
    "resolve",
]
