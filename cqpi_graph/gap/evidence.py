"""The computed half of a gap: which competence texts of the person's certifications match each
bloc of the target (the text model of issue 14, `textsim`).

A bloc's texts are its label when it lists no competence (the national export's blocs), else its
competences. A text of the target matches a text of the person's certifications when their score
reaches the threshold; the score is `textsim.pairs.match_units`'s: the higher of the cosine of the
two texts and the lower of their two cosines with a ROME or ESCO competence both align with. The
same competence (same resource) or two competences declared equivalent (`skos:exactMatch`,
`owl:sameAs`) score 1. A bloc is « probablement couvert » when at least MIN_SHARE of its texts
match, « à acquérir » otherwise, « inconnu » when there is no text to compare.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .. import _cache
from ..catalog import Catalog, Certification, load_catalog, local_name
from ..namespaces import CQ, RDFS, Graphs
from ..store import Store
from ..textsim.model import REGISTRIES, TextModel, load_model
from ..textsim.pairs import BlocMatch, UnitRef, match_units, unit_ref
from .model import (
    EQUIVALENT,
    PROBABLY_COVERED,
    SAME,
    TEXT,
    TO_ACQUIRE,
    UNKNOWN,
    CompetenceMatch,
)

VERSION = "cqpi-gap/1"
# Chosen on the registry's own pairs (benchmarks/RESULTS.md, « What is left to learn »).
THRESHOLD = 0.5
MIN_SHARE = 0.5
EVIDENCE_FLOOR = 0.2  # below the threshold, the closest text is still shown down to this score


@dataclass
class GapIndex:
    """What a gap needs beside the text model, built once per store generation."""

    bloc_texts: dict[str, tuple[int, ...]]  # bloc IRI -> its text units (label, or competences)
    refs: sp.csr_matrix  # unit x unit: cosine with the ROME and ESCO competences (side index)
    refs_by_ref: sp.csc_matrix
    ancestors: dict[str, frozenset[str]]  # class local name (folded) -> itself and superclasses


def load_index(store: Store) -> GapIndex:
    return _cache.cached("gap.index", store, _build_index, extra=(VERSION,))


def _build_index(store: Store) -> GapIndex:
    model = load_model(store)
    cat = load_catalog(store)
    return GapIndex(_bloc_texts(store, model, cat), *_refs(model), _ancestors(store))


def _bloc_texts(store: Store, model: TextModel, cat: Catalog) -> dict[str, tuple[int, ...]]:
    holds: dict[str, list[str]] = defaultdict(list)
    for s, _p, o, _l, _g, is_iri in _cache.iter_triples(store, (CQ + "hasCompetence",)):
        if is_iri and s in cat.bloc_owners and o not in holds[s]:
            holds[s].append(o)
    out: dict[str, tuple[int, ...]] = {}
    for b in cat.bloc_owners:
        if b in model.unit_index:
            out[b] = (model.unit_index[b],)
        else:
            units = [model.unit_index[c] for c in sorted(holds.get(b, ())) if c in model.unit_index]
            out[b] = tuple(dict.fromkeys(units))
    return out


def _refs(model: TextModel) -> tuple[sp.csr_matrix, sp.csc_matrix]:
    """The side index's links from each text to ROME and ESCO competences, one score per pair."""
    al = model.alignments
    n = len(model.corpus.units)
    keep = model.registry[al.cols] != REGISTRIES.index("certification")
    rows, cols, scores = al.rows[keep], al.cols[keep], al.scores[keep]
    order = np.lexsort((-scores, cols, rows))  # best score first within each (row, col)
    rows, cols, scores = rows[order], cols[order], scores[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    m = sp.csr_matrix((scores[first], (rows[first], cols[first])), shape=(n, n), dtype=np.float32)
    return m, m.tocsc()


def _ancestors(store: Store) -> dict[str, frozenset[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, RDFS + "subClassOf", None, Graphs.ONTOLOGY):
        parents[local_name(q.subject).casefold()].add(local_name(q.object.value).casefold())
    out: dict[str, frozenset[str]] = {}
    for c in list(parents):
        seen, todo = {c}, [c]
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        out[c] = frozenset(seen)
    return out


# ---------------------------------------------------------------- the person's texts


def text_index(model: TextModel, c: Certification) -> int | None:
    """The text model's index of a certification (None: it has no text)."""
    for iri in (c.iri, *c.members):
        if iri in model.cert_index:
            return model.cert_index[iri]
    return None


def source_units(model: TextModel, sources: Iterable[Certification]) -> dict[int, str]:
    """Every text unit of the person's certifications -> the code of the first that holds it."""
    out: dict[int, str] = {}
    for s in sources:
        k = text_index(model, s)
        if k is not None:
            for u in model.corpus.certs[k].units:
                out.setdefault(u, s.code)
    return out


# ---------------------------------------------------------------- one gap


@dataclass(frozen=True)
class BlocEstimate:
    """The computed evidence of one bloc: its texts and the closest source text of each."""

    texts: tuple[UnitRef, ...]
    matches: tuple[CompetenceMatch, ...]
    matched: int
    status: str


def estimate_blocs(
    model: TextModel,
    index: GapIndex,
    sources: dict[int, str],
    blocs: Sequence[str],
    *,
    threshold: float = THRESHOLD,
    min_share: float = MIN_SHARE,
) -> dict[str, BlocEstimate]:
    """The computed status and evidence of each bloc."""
    wanted = sorted({u for b in blocs for u in index.bloc_texts.get(b, ())})
    best = _best_matches(model, sources, wanted, min(threshold, EVIDENCE_FLOOR), threshold)
    out = {}
    for b in blocs:
        units = index.bloc_texts.get(b, ())
        found = tuple(sorted((best[u] for u in units if u in best), key=_evidence_order))
        matched = sum(1 for m in found if m.above_threshold)
        if not units or not sources:
            status = UNKNOWN
        else:
            status = PROBABLY_COVERED if matched >= min_share * len(units) - 1e-9 else TO_ACQUIRE
        out[b] = BlocEstimate(tuple(unit_ref(model, u) for u in units), found, matched, status)
    return out


def _evidence_order(m: CompetenceMatch) -> tuple:
    return (not m.above_threshold, -round(m.score, 6), m.competence.iri)


def _best_matches(
    model: TextModel, sources: dict[int, str], targets: list[int], floor: float, threshold: float
) -> dict[int, CompetenceMatch]:
    """For each target text, the closest source text (score >= floor)."""
    if not sources or not targets:
        return {}
    src = sorted(sources)
    best: dict[int, CompetenceMatch] = {}
    for m in match_units(model, src, targets, threshold=floor):  # best first
        t = model.unit_index[m.b.iri]
        if t not in best:
            best[t] = _match(m, sources[model.unit_index[m.a.iri]], TEXT, threshold)
    same = model.corpus.same
    classes: dict[str, int] = {}  # class of declared equivalents -> a source text in it
    for s in src:
        if model.corpus.units[s].iri in same:
            classes.setdefault(same[model.corpus.units[s].iri], s)
    for t in targets:
        iri = model.corpus.units[t].iri
        s = t if t in sources else classes.get(same.get(iri, ""), -1) if iri in same else -1
        if s >= 0:
            kind = SAME if s == t else EQUIVALENT
            m = BlocMatch(unit_ref(model, s), unit_ref(model, t), 1.0)
            best[t] = _match(m, sources[s], kind, threshold)
    return best


def _match(m: BlocMatch, code: str, kind: str, threshold: float) -> CompetenceMatch:
    return CompetenceMatch(
        m.b, m.a, code, m.score, m.direct, m.via, m.via_score, kind, m.score + 1e-6 >= threshold
    )


# ---------------------------------------------------------------- every certification at once


def best_scores(model: TextModel, index: GapIndex, sources: Sequence[int]) -> np.ndarray:
    """The best score of every text unit against the person's texts (what `_best_matches` gives,
    for all units at once: direct cosine, through a ROME/ESCO competence, same or equivalent)."""
    n = len(model.corpus.units)
    best = np.zeros(n, dtype=np.float32)
    if not len(sources):
        return best
    src = np.asarray(sorted(sources), dtype=np.int64)
    direct = model.units[src] @ model.units.T
    best = np.minimum(np.asarray(direct.max(axis=0).todense()).ravel(), 1.0).astype(np.float32)
    refs, by_ref = index.refs, index.refs_by_ref
    for s in src.tolist():
        lo, hi = refs.indptr[s], refs.indptr[s + 1]
        for r, v in zip(refs.indices[lo:hi].tolist(), refs.data[lo:hi].tolist(), strict=True):
            a, b = by_ref.indptr[r], by_ref.indptr[r + 1]
            rows = by_ref.indices[a:b]
            np.maximum.at(best, rows, np.minimum(by_ref.data[a:b], v))
    best[src] = 1.0
    same = model.corpus.same
    classes = {same[model.corpus.units[s].iri] for s in src.tolist() if model.corpus.units[s].iri in same}
    if classes:
        for iri, cls in same.items():
            if cls in classes and iri in model.unit_index:
                best[model.unit_index[iri]] = 1.0
    return best


def bloc_status(
    units: tuple[int, ...], best: np.ndarray, threshold: float, min_share: float, has_sources: bool
) -> str:
    """The computed status of one bloc from the best score of each of its texts."""
    if not units or not has_sources:
        return UNKNOWN
    matched = int((best[list(units)] + 1e-6 >= threshold).sum())
    return PROBABLY_COVERED if matched >= min_share * len(units) - 1e-9 else TO_ACQUIRE
