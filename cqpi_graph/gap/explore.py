"""The path explorer's answer: the declared paths first, then the estimate, kept apart.

From a person's certifications to a target: each certification's declared paths
(`paths.find_paths`) and the estimated gap; without a target: what declared paths reach
(`paths.reach`) and the certifications closest to completion (`reach_estimated`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import NotFoundError
from ..paths import PathResult, ReachResult, find_paths, load_graph, reach
from ..store import Store
from .core import gap_between, resolve_sources
from .model import EstimatedReach, GapResult
from .reach import reach_estimated


@dataclass(frozen=True)
class Exploration:
    declared: tuple[PathResult, ...] | tuple[ReachResult, ...]  # one per certification of the person
    estimated: GapResult | EstimatedReach | None  # None: the target is no certification of the catalog

    def to_dict(self) -> dict:
        return {
            "declared": [d.to_dict() for d in self.declared],
            "estimated": self.estimated.to_dict() if self.estimated else None,
        }


def explore_path(
    store: Store, sources: Sequence[str], target: str, *, alternatives: int = 2, lang: str = "fr"
) -> Exploration:
    """Declared paths from each of the person's certifications to the target, then the gap."""
    rg = load_graph(store)
    srcs = resolve_sources(rg.catalog, sources, lang)
    declared = tuple(find_paths(store, s.iri, target, alternatives, lang=lang) for s in srcs)
    try:
        goal = rg.catalog.resolve(target, lang)
    except NotFoundError:  # « the CQP of branch X » of a CQPI: a made-up node, no blocs to compare
        return Exploration(declared, None)
    return Exploration(declared, gap_between(store, rg, srcs, goal, lang=lang))


def explore_reach(
    store: Store, sources: Sequence[str], *, limit: int = 100, top: int = 10, lang: str = "fr"
) -> Exploration:
    """What declared paths reach from each certification, then the closest by competences."""
    srcs = resolve_sources(load_graph(store).catalog, sources, lang)
    declared = tuple(reach(store, s.iri, limit=limit, lang=lang) for s in srcs)
    return Exploration(declared, reach_estimated(store, [s.iri for s in srcs], top=top, lang=lang))
