"""The declared half of a gap: what recognitions give, from the paths and their cost model only.

For each of the person's certifications, the best declared path to the target
(`paths.paths_between`, ranked by the cost model). A bloc of the target is covered when a path
leaves it out of what remains to pass; nothing computed ever enters here.

The declared cost of a set of certifications: 0 when one path is « rien à passer » (declared
statements cover the whole target); unknown when one path's cost is unknown (a scope the source
does not state could cover more) or the target's blocs are not published; else the target's blocs
no path covers, plus the blocs the covering paths need passed first. With no declared path it is
every bloc of the target: declared statements give nothing towards it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..catalog import Certification
from ..paths import RECOGNITION, paths_between
from ..paths.graph import RecognitionGraph
from ..paths.model import Path
from .model import DeclaredCost, DeclaredEvidence, SourcePath
from .wording import say


@dataclass
class DeclaredCoverage:
    """Blocs of the target covered by declared recognitions, with why, and the declared cost."""

    covered: dict[str, list[DeclaredEvidence]] = field(default_factory=dict)  # bloc IRI -> evidence
    cost: DeclaredCost = field(default_factory=lambda: DeclaredCost(None, False, 0))
    whole: bool = False  # the whole target is covered (also when its blocs are not published)


def best_paths(
    rg: RecognitionGraph, sources: Sequence[Certification], target: Certification, lang: str = "fr"
) -> list[SourcePath]:
    out = []
    for s in sources:
        found = paths_between(rg, s.iri, target.iri, alternatives=0, lang=lang)
        if found:
            out.append(SourcePath(s, found[0]))
    return out


def covered_by(path: Path, blocs: Sequence[str]) -> set[str]:
    """The target's blocs a path leaves out of what remains (the last step gives them)."""
    if not path.steps or path.steps[-1].kind != RECOGNITION:
        return set()
    remaining = {b.iri for b in path.remaining}
    return {b for b in blocs if b not in remaining}


def coverage(
    blocs: Sequence[str],
    sources: Sequence[Certification],
    target: Certification,
    paths: Sequence[SourcePath],
    lang: str = "fr",
) -> DeclaredCoverage:
    """Combine the best paths of the person's certifications (see the module docstring)."""
    same = [s for s in sources if s.iri == target.iri]
    if same:
        ev = DeclaredEvidence(same[0], None, 0, 0)
        note = say("same", lang)
        return DeclaredCoverage({b: [ev] for b in blocs}, DeclaredCost(0, True, len(blocs), (), note), True)
    out = DeclaredCoverage()
    prerequisites: set[str] = set()
    zero = any(sp.path.declared_zero for sp in paths)
    for sp in paths:
        got = covered_by(sp.path, blocs)
        if zero and not sp.path.declared_zero:
            continue  # another certification gives the whole target: only its path counts
        for b in sorted(got):
            last = sp.path.steps[-1]
            out.covered.setdefault(b, []).append(
                DeclaredEvidence(sp.source, last, len(sp.path.steps), sp.path.cost)
            )
        if got:
            prerequisites |= {x.iri for st in sp.path.steps for x in st.completed}
    out.whole = zero
    out.cost = _cost(blocs, paths, out, prerequisites, zero, lang)
    return out


def _cost(
    blocs: Sequence[str],
    paths: Sequence[SourcePath],
    cov: DeclaredCoverage,
    prerequisites: set[str],
    zero: bool,
    lang: str,
) -> DeclaredCost:
    n = len(cov.covered)
    kept = tuple(paths)
    if zero:
        return DeclaredCost(0, True, len(blocs), kept, say("declared_whole", lang))
    if not blocs:
        return DeclaredCost(None, False, 0, kept, say("declared_unpublished", lang))
    if any(sp.path.cost is None for sp in paths):
        return DeclaredCost(None, False, n, kept, say("declared_unknown_scope", lang))
    if not paths:
        note = (
            "aucune reconnaissance déclarée : tous les blocs de la cible restent à passer selon les sources"
        )
        return DeclaredCost(len(blocs), False, 0, kept, note)
    left = len([b for b in blocs if b not in cov.covered]) + len(prerequisites)
    note = "" if n else say("declared_nothing_given", lang)
    return DeclaredCost(left, left == 0, n, kept, note)
