"""Job proximity: the further signals tried against France Travail's mobility links (issue 14).

`cqpi similar ROME --kind rome` scored 0.333 recall@10 on the development set (see RESULTS.md).
This script measures, on the same store and the same file, the signals tried after it, each added
to that score (two of them, the best-matching appellation and the hubness reduction, are in
`cqpi similar` since), and the best combination under two-fold cross-validation over random halves
of the sources (weights picked on one half, recall read on the other), so that the figures say
what would carry over to the other half of the file; then the third pass (training fields and
domain, 2026-11-28) and the cross-validation of all four weights looked at on this file:

    python benchmarks/bench_mobility_signals.py --store /tmp/nat

The store must hold the quick-start graph (`cqpi build --registries ../shared/data`).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_text import DOMAIN_WEIGHTS, FIELD_WEIGHTS, NEW_OFF, mobility, recall, top_of  # noqa: E402

from cqpi_graph.store import open_store  # noqa: E402
from cqpi_graph.textsim.model import TextModel, load_model  # noqa: E402
from cqpi_graph.textsim.proximity import proximity_rows  # noqa: E402
from cqpi_graph.textsim.space import normalise_rows  # noqa: E402

Truth = dict[int, set[int]]


def scores_of(model: TextModel) -> np.ndarray:
    """The score before this pass (no appellations, no hubness) of every job pair (row: source),
    the source itself at -1."""
    n = len(model.corpus.jobs)
    out = proximity_rows(model, np.arange(n), name_weight=0.0, hub_exponent=0.0, **NEW_OFF)
    out[np.isinf(out)] = -1.0
    return out


def rec(m: np.ndarray, truth: Truth, sources: list[int]) -> float:
    m = m.copy()
    np.fill_diagonal(m, -1e9)
    return recall(lambda s: top_of(m[s], s), truth, sources)[0]


def same_domain(model: TextModel) -> np.ndarray:
    """1 where two jobs share ROME's domaine professionnel (first three characters of the code)."""
    d = np.array([j.code[:3] for j in model.corpus.jobs])
    return (d[:, None] == d[None, :]).astype(np.float64)


def appellation_match(model: TextModel) -> np.ndarray:
    """Best cosine of the source job's names (as one text) with one appellation of the target."""
    assert model.names is not None
    return model.names.best_names(np.arange(len(model.corpus.jobs)))[0]


def computed_codeclaration(model: TextModel, k: int = 10) -> np.ndarray:
    """Cosine of the jobs' profiles over certifications, each certification linked by text to its
    k closest jobs (declared or not): co-declaration extended to the jobs no fiche declares."""
    s = (model.job_docs @ model.cert_docs.T).toarray()
    top = np.argpartition(-s, k, axis=0)[:k]
    cols = np.tile(np.arange(s.shape[1]), k)
    rows = top.ravel()
    prof = sp.csr_matrix((s[rows, cols], (rows, cols)), shape=s.shape)
    prof = normalise_rows(prof)
    return (prof @ prof.T).toarray()


def core_containment(model: TextModel, rome: Path) -> np.ndarray:
    """Share (idf-weighted) of the target's core items (coeur de métier) the source job has."""
    idx = {j.code: i for i, j in enumerate(model.corpus.jobs)}
    items: dict[str, int] = {}
    rows, cols, core = [], [], []
    with open(rome / "unix_coherence_item_v460_utf8.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["code_rome"] in idx:
                rows.append(idx[r["code_rome"]])
                cols.append(items.setdefault(r["code_ogr"], len(items)))
                core.append(1.0 if r["coeur_metier"] == "Principale" else 0.0)
    n = len(idx)
    has = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(items)))
    df = np.asarray(has.sum(axis=0)).ravel()
    cores = sp.csr_matrix((core, (rows, cols)), shape=has.shape).multiply(np.log(n / np.maximum(df, 1)))
    size = np.asarray(cores.sum(axis=1)).ravel()
    size[size == 0] = 1
    return (has @ cores.T).toarray() / size[None, :]


def hub_penalty(m: np.ndarray, k: int = 20, exponent: float = 0.1) -> np.ndarray:
    """Hubness reduction: divide by (1 + how many sources have the target in their top k)^e."""
    b = m.copy()
    np.fill_diagonal(b, -1e9)
    hub = np.bincount(np.argpartition(-b, k, axis=1)[:, :k].ravel(), minlength=len(m))
    return m * (1.0 + hub[None, :]) ** (-exponent)


def diversified(m: np.ndarray, sim: np.ndarray, lam: float) -> Callable[[int], list[int]]:
    """Maximal marginal relevance over the 60 best: a near-duplicate of a chosen job is pushed down."""

    def rank(s: int) -> list[int]:
        r = m[s].copy()
        r[s] = -np.inf
        cand = list(np.argsort(-r, kind="stable")[:60])
        r = r / max(r[cand[0]], 1e-9)
        chosen: list[int] = []
        while len(chosen) < 10 and cand:
            pen = sim[np.ix_(cand, chosen)].max(axis=1) if chosen else np.zeros(len(cand))
            chosen.append(cand.pop(int(np.argmax(lam * r[cand] - (1 - lam) * pen))))
        return chosen

    return rank


def third_pass(model: TextModel, truth: Truth) -> None:
    """The training fields and the domain (2026-11-28): alone, and the two-fold cross-validation
    of choosing the four weights of `cqpi similar` that were looked at on this file (appellation,
    hubness, training fields, domain) on one half, read on the other."""
    src = sorted(truth)
    fields = (model.job_fields @ model.job_fields.T).toarray()[model.job_parent][:, model.job_parent]
    known = np.asarray(model.job_fields.getnnz(axis=1) > 0)[model.job_parent]
    print(f"\ntraining fields alone (cosine of the NSF profiles): {rec(fields, truth, src):.4f}")
    print(f"jobs with a training field (through their parent job): {known.mean():.1%}\n")
    grid = list(itertools.product((0.0, 0.1, 0.2), (0.0, 0.05, 0.1), FIELD_WEIGHTS, DOMAIN_WEIGHTS))
    per_source = {w: _per_source(model, truth, w) for w in grid}
    print("| split | fitted on one half (appellation, hubness, fields, domain) | 2026-11-27 | all four |")
    print("|---|---|---|---|")
    old = [w for w in grid if w[2:] == (0.0, 0.0)]
    runs = []
    for seed in range(10):
        order = list(range(len(src)))
        random.Random(seed).shuffle(order)
        halves = order[: len(order) // 2], order[len(order) // 2 :]
        for fit, test in (halves, halves[::-1]):
            best = max(grid, key=lambda w: per_source[w][fit].mean())
            best_old = max(old, key=lambda w: per_source[w][fit].mean())
            runs.append((per_source[best_old][test].mean(), per_source[best][test].mean()))
            print(f"| {seed} | {best} | {runs[-1][0]:.4f} | {runs[-1][1]:.4f} |")
    print(f"| mean | | {np.mean([r[0] for r in runs]):.4f} | {np.mean([r[1] for r in runs]):.4f} |")
    print(f"| lowest | | {min(r[0] for r in runs):.4f} | {min(r[1] for r in runs):.4f} |")


def _per_source(model: TextModel, truth: Truth, w: tuple) -> np.ndarray:
    """Recall@10 of each source job (in sorted order) under weights w of proximity_rows."""
    src = sorted(truth)
    name, hub, fields, domain = w
    rows = proximity_rows(
        model, np.array(src), name_weight=name, hub_exponent=hub, fields_weight=fields, domain_weight=domain
    )
    return np.array([len(set(top_of(r)) & truth[s]) / len(truth[s]) for r, s in zip(rows, src, strict=True)])


def cross_validated(
    base: np.ndarray, mix: Callable[[tuple], np.ndarray], truth: Truth, grid: list[tuple]
) -> list[tuple[int, tuple, float, float]]:
    """(split, weights fitted on one half, chosen score and mix on the other half)."""
    out = []
    sources = sorted(truth)
    for seed in range(5):
        order = sources[:]
        random.Random(seed).shuffle(order)
        halves = sorted(order[: len(order) // 2]), sorted(order[len(order) // 2 :])
        for fit, test in (halves, halves[::-1]):
            best = max(grid, key=lambda w: rec(mix(w), truth, fit))
            out.append((seed, best, rec(base, truth, test), rec(mix(best), truth, test)))
    return out


def mixer(base: np.ndarray, parts: list[np.ndarray]) -> Callable[[tuple], np.ndarray]:
    """Weights (one per part, then a hubness exponent) -> the mixed score, memoised."""
    cache: dict[tuple, np.ndarray] = {}

    def mix(w: tuple) -> np.ndarray:
        if w not in cache:
            m = base + sum(x * p for x, p in zip(w, parts, strict=False))
            cache[w] = hub_penalty(m, 20, w[-1]) if w[-1] else m
        return cache[w]

    return mix


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--rome", type=Path, default=ROOT.parent / "shared/data/rome")
    args = ap.parse_args()
    model = load_model(open_store(args.store))
    truth = mobility(args.rome / "mobilite-dev-v460.csv", model)
    src = sorted(truth)
    base = scores_of(model)
    content = ((model.job_codes @ model.job_codes.T) + (model.job_docs @ model.job_docs.T)).toarray() / 2
    signals = {
        "same domaine professionnel (ROME code, 3 characters)": (same_domain(model), (0.05, 0.1)),
        "best-matching appellation of the target": (appellation_match(model), (0.1, 0.2)),
        "co-declaration through computed job links of every certification": (
            computed_codeclaration(model),
            (0.1, 0.2),
        ),
        "target's core items (coeur de métier) held by the source": (
            core_containment(model, args.rome),
            (0.1, 0.3),
        ),
    }
    print(f"score of cqpi similar before the second pass: {rec(base, truth, src):.4f}\n")
    print("| signal added to that score | weight | recall@10 |\n|---|---|---|")
    for name, (m, weights) in signals.items():
        for w in weights:
            print(f"| {name} | {w} | {rec(base + w * m, truth, src):.4f} |")
    for e in (0.05, 0.1, 0.15):
        r = rec(hub_penalty(base, 20, e), truth, src)
        print(f"| hubness penalty (top 20) | exponent {e} | {r:.4f} |")
    for lam in (0.7, 0.9):
        r = recall(diversified(base, content, lam), truth, src)[0]
        print(f"| diversity re-ranking (MMR on content) | lambda {lam} | {r:.4f} |")
    mix = mixer(base, [signals[k][0] for k in list(signals)[:3]])
    grid = list(itertools.product((0, 0.05), (0, 0.1, 0.2), (0, 0.1, 0.2), (0, 0.05, 0.1)))
    best = max(grid, key=lambda w: rec(mix(w), truth, src))
    print(f"\nbest of the grid on the whole file (fitted): {best} {rec(mix(best), truth, src):.4f}")
    print("\ntwo-fold cross-validation of the three first signals and the hubness penalty:\n")
    print("| split | weights fitted on one half | chosen score, other half | mix, other half |")
    print("|---|---|---|---|")
    runs = cross_validated(base, mix, truth, grid)
    for seed, w, before, after in runs:
        print(f"| {seed} | {w} | {before:.4f} | {after:.4f} |")
    print(f"| mean | | {np.mean([r[2] for r in runs]):.4f} | {np.mean([r[3] for r in runs]):.4f} |")
    third_pass(model, truth)


if __name__ == "__main__":
    main()
