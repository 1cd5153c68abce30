"""One gap: each bloc of the target with its status, the declared cost and the estimated cost."""

from __future__ import annotations

from collections.abc import Sequence

from ..catalog import Bloc, Catalog, Certification
from ..errors import InputError
from ..paths.graph import RecognitionGraph, load_graph
from ..store import Store
from ..textsim.model import METHOD as TEXT_METHOD
from ..textsim.model import TextModel, load_model
from .declared import DeclaredCoverage, best_paths, coverage
from .evidence import (
    MIN_SHARE,
    THRESHOLD,
    VERSION,
    BlocEstimate,
    estimate_blocs,
    load_index,
    source_units,
    text_index,
)
from .model import (
    COVERED,
    PROBABLY_COVERED,
    TO_ACQUIRE,
    UNKNOWN,
    BlocGap,
    EstimatedCost,
    GapResult,
    Method,
)
from .wording import say


def method(threshold: float = THRESHOLD, min_share: float = MIN_SHARE, lang: str = "fr") -> Method:
    text = say("method", lang, share=min_share, threshold=threshold)
    return Method(VERSION, TEXT_METHOD, threshold, min_share, text)


def resolve_sources(cat: Catalog, codes: Sequence[str], lang: str = "fr") -> tuple[Certification, ...]:
    """The person's certifications (codes, sigles, labels or IRIs; « A,B » lists several), each once."""
    out: dict[str, Certification] = {}
    for text in codes:
        for c in cat.resolve_list(text, lang):
            out.setdefault(c.iri, c)
    if not out:
        raise InputError("donnez au moins une certification de la personne", field="A")
    return tuple(out.values())


def assemble(
    blocs: Sequence[Bloc],
    declared: DeclaredCoverage,
    estimates: dict[str, BlocEstimate],
) -> tuple[tuple[BlocGap, ...], EstimatedCost]:
    """Each bloc's status: « couvert » from the declared coverage only, else the computed one.

    The estimated cost counts the computed statuses; the declared cost is `declared.cost`, left
    as it is: nothing computed enters it.
    """
    out = []
    for b in blocs:
        ev = declared.covered.get(b.iri)
        if ev or declared.whole:
            out.append(BlocGap(b, COVERED, tuple(ev or ())))
            continue
        est = estimates.get(b.iri)
        if est is None:
            out.append(BlocGap(b, UNKNOWN))
            continue
        out.append(BlocGap(b, est.status, (), est.texts, est.matches, est.matched))
    count = {s: sum(1 for g in out if g.status == s) for s in (TO_ACQUIRE, PROBABLY_COVERED, UNKNOWN)}
    cost = EstimatedCost(count[TO_ACQUIRE], count[PROBABLY_COVERED], count[UNKNOWN], bool(blocs))
    return tuple(out), cost


def gap(
    store: Store,
    sources: Sequence[str],
    target: str,
    *,
    threshold: float = THRESHOLD,
    min_share: float = MIN_SHARE,
    lang: str = "fr",
) -> GapResult:
    """What a holder of the `sources` certifications has left to learn or prove for `target`.

    sources: codes (RNCP, RS, BCN), sigles or IRIs of the person's certifications.
    """
    rg = load_graph(store)
    srcs = resolve_sources(rg.catalog, sources, lang)
    return gap_between(store, rg, srcs, rg.catalog.resolve(target, lang), threshold, min_share, lang)


def gap_between(
    store: Store,
    rg: RecognitionGraph,
    sources: tuple[Certification, ...],
    target: Certification,
    threshold: float = THRESHOLD,
    min_share: float = MIN_SHARE,
    lang: str = "fr",
    declared: DeclaredCoverage | None = None,
) -> GapResult:
    cat = rg.catalog
    bloc_iris = cat.blocs_of(target.iri)
    blocs = [cat.bloc(b, lang) for b in bloc_iris]
    if declared is None:
        declared = coverage(bloc_iris, sources, target, best_paths(rg, sources, target, lang), lang)
    notes: list[str] = []
    estimates: dict[str, BlocEstimate] = {}
    todo = [b for b in bloc_iris if b not in declared.covered and not declared.whole]
    if todo:
        model, index = load_model(store), load_index(store)
        units = source_units(model, sources)
        notes += [say("no_text", lang, code=s.code) for s in sources if not _has_units(model, s)]
        if not units:
            notes.append(say("no_source_text", lang))
        estimates = estimate_blocs(model, index, units, todo, threshold=threshold, min_share=min_share)
    items, estimated = assemble(blocs, declared, estimates)
    notes += _notes(sources, target, items, lang)
    m = method(threshold, min_share, lang)
    return GapResult(sources, target, items, declared.cost, estimated, m, lang, tuple(notes))


def _has_units(model: TextModel, c: Certification) -> bool:
    k = text_index(model, c)
    return k is not None and bool(model.corpus.certs[k].units)


def _notes(
    sources: tuple[Certification, ...], target: Certification, items: tuple[BlocGap, ...], lang: str
) -> list[str]:
    out = []
    levels = [s.level for s in sources if s.level is not None]
    if target.level is not None and levels and target.level > max(levels) and items:
        out.append(say("higher_level", lang, target=target.level, source=max(levels)))
    if not items:
        out.append(say("unpublished", lang, code=target.code))
    untexted = sum(1 for g in items if g.status == UNKNOWN and not g.texts)
    if untexted:
        out.append(say("untexted", lang, n=untexted))
    partial = sum(1 for g in items if g.status == TO_ACQUIRE and g.matched)
    if partial:
        out.append(say("partial_blocs", lang, n=partial))
    if target.status.active is False:
        out.append(say("inactive", lang, source=target.status.source.rsplit("/", 1)[-1] or "?"))
    return out
