"""`reach --estimated`: the certifications closest to completion from a person's certifications.

Every certification with published blocs that passes the filters is scored at once: declared
coverage (the paths and their cost model) for the ones declared paths reach, and for the other
blocs the best score of each of their texts against the person's texts (`evidence.best_scores`,
the same rule as one gap). They are ranked by blocs left to acquire (unknown blocs counted with
them), then by blocs covered or probably covered; the first ones get their full gap, evidence
included.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from ..catalog import Catalog, Certification, local_name
from ..errors import InputError, NotFoundError
from ..paths.graph import RecognitionGraph, load_graph
from ..store import Store
from ..textsim.model import TextModel, load_model
from .core import gap_between, method, resolve_sources
from .declared import DeclaredCoverage, best_paths, coverage
from .evidence import MIN_SHARE, THRESHOLD, GapIndex, best_scores, bloc_status, load_index, source_units
from .model import COVERED, PROBABLY_COVERED, TO_ACQUIRE, UNKNOWN, EstimatedReach, GapResult, ReachFilters
from .wording import say

STATUS_FILTERS = ("active", "obtainable", "any")


def make_filters(
    rg: RecognitionGraph,
    model: TextModel,
    index: GapIndex,
    *,
    levels: Sequence[int] = (),
    kinds: Sequence[str] = (),
    status: str = "obtainable",
    branch: str | None = None,
    rome: str | None = None,
) -> ReachFilters:
    """The filters, checked: an unknown kind, branch or ROME job is an error naming what exists."""
    if status not in STATUS_FILTERS:
        raise InputError(f"statut « {status} » inconnu", field="status", expected=", ".join(STATUS_FILTERS))
    known = {local_name(c).casefold(): local_name(c) for c in rg.catalog.classes}
    for k in kinds:
        if k.casefold() not in known:
            raise InputError(
                f"type de certification « {k} » inconnu",
                field="kind",
                expected=", ".join(sorted(known.values())),
            )
    branch_iri = None
    if branch:
        branch_iri = rg.catalog.resolve_branch(branch)
        if branch_iri is None:
            raise NotFoundError(f"aucune branche « {branch} » (IDCC, identifiant ou libellé)")
    return ReachFilters(
        tuple(sorted(set(levels))),
        tuple(known[k.casefold()] for k in kinds),
        status,
        branch_iri,
        _job(model, rome) if rome else None,
    )


def _job(model: TextModel, text: str) -> str:
    key = text.strip().strip("<>")
    if key in model.job_index:
        return key
    for j in model.corpus.jobs:
        if j.code.upper() == key.upper():
            return j.iri
    near = [f"{j.code} {j.label}" for j in model.corpus.jobs if j.code.upper().startswith(key.upper()[:3])]
    raise NotFoundError(f"aucun métier ROME « {text} »", near[:6])


def passes(c: Certification, f: ReachFilters, cat: Catalog, model: TextModel, index: GapIndex) -> bool:
    if f.levels and c.level not in f.levels:
        return False
    if f.kinds:
        mine = index.ancestors.get(c.kind.casefold(), frozenset({c.kind.casefold()}))
        if not mine & {k.casefold() for k in f.kinds}:
            return False
    if (f.status == "active" and c.status.active is not True) or (
        f.status == "obtainable" and c.status.active is False
    ):
        return False
    if f.branch and f.branch not in cat.adopted_by.get(c.iri, ()):
        return False
    if f.rome:
        k = model.cert_index.get(c.iri)
        if k is None or not model.declared[k, model.job_index[f.rome]]:
            return False
    return True


def declared_reach(
    rg: RecognitionGraph, sources: Sequence[Certification], lang: str = "fr"
) -> dict[str, DeclaredCoverage]:
    """The declared coverage of every certification a declared path reaches from the sources."""
    reached: set[str] = set()
    for s in sources:
        if s.iri in rg.digraph:
            reached |= nx.descendants(rg.digraph, s.iri)
    out = {}
    for t in sorted(reached):
        if t in rg.virtual or t in {s.iri for s in sources}:
            continue
        target = rg.certification(t, lang)
        paths = best_paths(rg, sources, target, lang)
        out[t] = coverage(rg.catalog.blocs_of(t), sources, target, paths, lang)
    return out


def reach_estimated(
    store: Store,
    sources: Sequence[str],
    *,
    top: int = 10,
    levels: Sequence[int] = (),
    kinds: Sequence[str] = (),
    status: str = "obtainable",
    branch: str | None = None,
    rome: str | None = None,
    threshold: float = THRESHOLD,
    min_share: float = MIN_SHARE,
    lang: str = "fr",
) -> EstimatedReach:
    """The `top` certifications with the fewest blocs left to acquire from the sources."""
    rg = load_graph(store)
    cat = rg.catalog
    srcs = resolve_sources(cat, sources, lang)
    model, index = load_model(store), load_index(store)
    f = make_filters(rg, model, index, levels=levels, kinds=kinds, status=status, branch=branch, rome=rome)
    units = source_units(model, srcs)
    best = best_scores(model, index, list(units))
    declared = declared_reach(rg, srcs, lang)
    mine = {s.iri for s in srcs}
    ranked: list[tuple[tuple, Certification]] = []
    considered = unpublished = 0
    for g in cat.groups():
        c = cat.certification(g, lang)
        if g in mine or not passes(c, f, cat, model, index):
            continue
        blocs, dc = cat.blocs_of(g), declared.get(g)
        if not blocs and not (dc and dc.whole):
            unpublished += 1
            continue
        considered += 1
        statuses = [
            COVERED
            if dc and (dc.whole or b in dc.covered)
            else bloc_status(index.bloc_texts.get(b, ()), best, threshold, min_share, bool(units))
            for b in blocs
        ]
        held = sum(1 for s in statuses if s in (COVERED, PROBABLY_COVERED))
        if held or (dc and dc.whole):
            left = sum(1 for s in statuses if s in (TO_ACQUIRE, UNKNOWN))
            ranked.append(((left, -held, -len(blocs), c.code), c))
    ranked.sort(key=lambda x: x[0])
    items = [
        gap_between(store, rg, srcs, c, threshold, min_share, lang, declared.get(c.iri))
        for _key, c in ranked[: max(0, top)]
    ]
    items.sort(key=_rank)
    notes = [say("reach_unpublished", lang, n=unpublished)] if unpublished else []
    if not ranked:
        notes.append(say("reach_none", lang))
    return EstimatedReach(
        srcs, tuple(items), f, method(threshold, min_share, lang), considered, unpublished, tuple(notes)
    )


def _rank(g: GapResult) -> tuple:
    e = g.estimated
    held = sum(1 for b in g.blocs if b.status in (COVERED, PROBABLY_COVERED))
    return (e.to_acquire + e.unknown, -held, -len(g.blocs), g.target.code)
