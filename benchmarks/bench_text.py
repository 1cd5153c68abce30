"""Competences understood from text (issue 14): quality and speed of the text model on real data.

Run on a store built from ../shared/data (the national RNCP export with ROME 4.0 and ESCO);
--build builds it first, timing each stage of `cqpi build` (wall and CPU) and the peak memory:

    python benchmarks/bench_text.py --store /tmp/nat --build ../shared/data

1. Job proximity (`cqpi similar ROME --kind rome`): recall@10 of France Travail's mobility
   links (rome/mobilite-dev-v460.csv, a development set: half of the source jobs), for every
   source job of the file: the share of its listed targets found in its top 10 (mean over
   sources; "micro": over all links). Every variant of cqpi_graph.textsim.jobs is reported, and
   the chosen one on two random halves of the sources (nothing is fitted on these pairs).
2. Hidden links (`cqpi similar FICHE --kind rome`): a random sample of fiches with >= 3 blocs
   and >= 1 declared ROME job (fixed seed); their declared links are hidden everywhere (they
   neither vote nor count); recall@10 of the hidden codes from title + bloc labels. "strict"
   also hides the links of every other version of a sampled fiche (its succession chain).
3. Speed, in process with the model loaded (warm): `similar` for fiches and for jobs, `socle`
   of 10 real certifications with --computed, `match_certifications` of two certifications.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cqpi_graph.build import build  # noqa: E402
from cqpi_graph.importers.discover import discover  # noqa: E402
from cqpi_graph.namespaces import Graphs  # noqa: E402
from cqpi_graph.progress import NullProgress  # noqa: E402
from cqpi_graph.socle import socle  # noqa: E402
from cqpi_graph.store import open_store  # noqa: E402
from cqpi_graph.textsim import jobs as J  # noqa: E402
from cqpi_graph.textsim.api import similar_from_text  # noqa: E402
from cqpi_graph.textsim.model import TextModel, load_model  # noqa: E402
from cqpi_graph.textsim.pairs import _chains, match_certifications  # noqa: E402
from cqpi_graph.textsim.proximity import proximity_rows  # noqa: E402

SEED = 20261127


def mobility(path: Path, model: TextModel) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    code = {j.code: k for k, j in enumerate(model.corpus.jobs)}
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["code_rome"] in code and r["code_rome_cible"] in code:
                out[code[r["code_rome"]]].add(code[r["code_rome_cible"]])
    return dict(out)


def recall(rank, truth: dict[int, set[int]], sources: list[int], k: int = 10) -> tuple[float, float]:
    macro, hits, total = 0.0, 0, 0
    for s in sources:
        top = set(rank(s)[:k])
        h = len(top & truth[s])
        macro += h / len(truth[s])
        hits += h
        total += len(truth[s])
    return macro / len(sources), hits / total


def top_of(scores: np.ndarray, self_index: int | None = None, k: int = 10) -> list[int]:
    scores = scores.astype(np.float64).copy()
    if self_index is not None:
        scores[self_index] = -np.inf
    order = np.lexsort((np.arange(len(scores)), -scores))
    return order[:k].tolist()


def item_matrix(model: TextModel) -> sp.csr_matrix:
    voc: dict[str, int] = {}
    rows, cols = [], []
    for r, j in enumerate(model.corpus.jobs):
        for it in j.items:
            rows.append(r)
            cols.append(voc.setdefault(it, len(voc)))
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(model.corpus.jobs), len(voc)))


NEW_OFF = {"fields_weight": 0.0, "domain_weight": 0.0}
FIELD_WEIGHTS = (0.0, 0.025, 0.05, 0.1)
DOMAIN_WEIGHTS = (0.0, 0.025, 0.05)


def job_proximity(model: TextModel, truth: dict[int, set[int]]) -> list[tuple[str, tuple[float, float]]]:
    b = item_matrix(model)
    inter = (b @ b.T).toarray()
    size = np.asarray(b.sum(axis=1)).ravel()
    df = np.asarray(b.sum(axis=0)).ravel()
    x = b.multiply(np.log(b.shape[0] / np.maximum(df, 1))).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    x = sp.diags(1 / norms) @ x
    idf_cos = (x @ x.T).toarray()
    sources = sorted(truth)
    variants = {
        "baseline: shared ROME items (raw count, before this branch)": lambda s: top_of(inter[s], s),
        "baseline: Jaccard of ROME items": lambda s: top_of(inter[s] / (size[s] + size - inter[s]), s),
        "baseline: IDF cosine of ROME items": lambda s: top_of(idf_cos[s], s),
    }
    new = NEW_OFF  # the third pass (2026-11-28)
    before = {"name_weight": 0.0, "hub_exponent": 0.0, **new}
    plain = {"cooc_weight": 0.0, "prior_exponent": 0.0, **before}
    for name, kw in [
        ("items + macro-competences + objectives (cosine)", {"views": ("codes",), **plain}),
        ("job text: label, appellations, item labels (cosine)", {"views": ("text",), **plain}),
        ("mean of the two (content)", plain),
        ("content + 0.1 x co-declaration of parent jobs", {"prior_exponent": 0.0, **before}),
        ("content x (1 + certifications)^0.1", {"cooc_weight": 0.0, **before}),
        ("content + co-declaration, x prior (cqpi similar until 2026-11-27)", before),
        ("... + 0.1 x best-matching appellation of the target", {"hub_exponent": 0.0, **new}),
        ("... / (1 + hubness)^0.05, without the appellations", {"name_weight": 0.0, **new}),
        ("both (cqpi similar 2026-11-27)", new),
        ("... + 0.05 x training fields (NSF) of the certifications", {"domain_weight": 0.0}),
        ("... + 0.025 x same domaine professionnel", {"fields_weight": 0.0}),
        ("**all (cqpi similar since 2026-11-28)**", {}),
    ]:
        variants[name] = lambda s, kw=kw: top_of(J.proximity_scores(model, s, **kw))
    return [(name, recall(rank, truth, sources)) for name, rank in variants.items()]


def halves(model: TextModel, truth: dict[int, set[int]]) -> list[tuple[str, float, float]]:
    sources = sorted(truth)
    random.Random(SEED).shuffle(sources)
    a, b = sorted(sources[: len(sources) // 2]), sorted(sources[len(sources) // 2 :])
    out = []
    for name, kw in [
        (
            "IDF cosine-like content",
            {"cooc_weight": 0.0, "prior_exponent": 0.0, "name_weight": 0.0, "hub_exponent": 0.0, **NEW_OFF},
        ),
        ("until 2026-11-27", {"name_weight": 0.0, "hub_exponent": 0.0, **NEW_OFF}),
        ("2026-11-27", NEW_OFF),
        ("chosen", {}),
    ]:
        rank = lambda s, kw=kw: top_of(J.proximity_scores(model, s, **kw))  # noqa: E731
        out.append((name, recall(rank, truth, a)[0], recall(rank, truth, b)[0]))
    return out


def sensitivity(model: TextModel, truth: dict[int, set[int]]) -> list[tuple[float, list[float]]]:
    """Recall around the chosen point: training-field weight (rows) x domain weight (columns)."""
    sources = sorted(truth)
    out = []
    for w in FIELD_WEIGHTS:
        row = []
        for d in DOMAIN_WEIGHTS:
            rows = proximity_rows(model, np.array(sources), fields_weight=w, domain_weight=d)
            row.append(recall(lambda s, r=rows: top_of(r[sources.index(s)]), truth, sources)[0])
        out.append((w, row))
    return out


def hidden_links(model: TextModel, n: int) -> list[tuple[str, float, int]]:
    certs = model.corpus.certs
    n_jobs = np.asarray(model.declared.sum(axis=1)).ravel()
    blocs = [sum(1 for u in c.units if model.corpus.units[u].kind == "bloc") for c in certs]
    eligible = [k for k, c in enumerate(certs) if blocs[k] >= 3 and n_jobs[k] > 0]
    sample = sorted(random.Random(SEED).sample(eligible, min(n, len(eligible))))
    hidden = frozenset(sample)
    chains = _chains(model)
    chain_of: dict[int, list[int]] = defaultdict(list)
    for k, root in chains.items():
        chain_of[root].append(k)
    strict = frozenset(x for s in sample for x in chain_of[chains[s]])
    truth = {s: set(model.declared[s].indices.tolist()) for s in sample}

    def rec(scores_of) -> float:  # noqa: ANN001
        return statistics.mean(len(set(top_of(scores_of(s))) & truth[s]) / len(truth[s]) for s in sample)

    def text_only(s: int) -> np.ndarray:
        return (model.job_docs @ model.cert_docs[s].T).toarray().ravel()

    def knn_only(s: int) -> np.ndarray:
        saved = J.TEXT_WEIGHT
        J.TEXT_WEIGHT = 0.0
        try:
            return J.job_scores(model, s, hidden)
        finally:
            J.TEXT_WEIGHT = saved

    return [
        ("naive: TF-IDF of title + bloc labels against ROME job texts", rec(text_only), len(sample)),
        ("nearest certifications by text vote their declared jobs", rec(knn_only), len(sample)),
        ("**votes + 0.3 x text (cqpi similar)**", rec(lambda s: J.job_scores(model, s, hidden)), len(sample)),
        (
            "same, strict: every version of a sampled fiche hidden too",
            rec(lambda s: J.job_scores(model, s, strict)),
            len(sample),
        ),
    ]


def timings(store, model: TextModel, runs: int) -> list[tuple[str, str]]:  # noqa: ANN001
    rng = random.Random(SEED)
    with_blocs = [c for c in model.corpus.certs if len(c.units) >= 3]
    fiches = [c.code for c in rng.sample(with_blocs, min(runs, len(with_blocs)))]
    jobs = [j.code for j in rng.sample(model.corpus.jobs, min(runs, len(model.corpus.jobs)))]

    def clock(fn, items) -> str:  # noqa: ANN001
        ts = []
        for x in items:
            t0 = time.perf_counter()
            fn(x)
            ts.append((time.perf_counter() - t0) * 1000)
        ts.sort()
        return f"p50 {statistics.median(ts):.1f} ms, p95 {ts[int(0.95 * (len(ts) - 1))]:.1f} ms (n={len(ts)})"

    socle(store, fiches[:10], computed=True)  # warm the indexes once
    groups = [rng.sample(fiches, 10) for _ in range(max(10, runs // 3))]
    index = [model.cert_index[c.iri] for c in with_blocs]
    pairs = [tuple(rng.sample(index, 2)) for _ in range(runs)]
    return [
        (
            "similar FICHE --kind rome --top 10",
            clock(lambda x: similar_from_text(store, x, 10, kind="rome"), fiches),
        ),
        ("similar FICHE (rome + certifications)", clock(lambda x: similar_from_text(store, x, 10), fiches)),
        (
            "similar ROME --kind rome --top 10",
            clock(lambda x: similar_from_text(store, x, 10, kind="rome"), jobs),
        ),
        ("socle of 10 certifications --computed", clock(lambda g: socle(store, g, computed=True), groups)),
        (
            "match_certifications (two certifications)",
            clock(lambda p: match_certifications(model, *p), pairs),
        ),
    ]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the importers' parsing sandbox)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class StageClock(NullProgress):
    """Wall and CPU seconds of each stage of a build (the stage names of cqpi_graph.build)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list] = []

    def stage(self, name: str, total: int | None = None) -> None:
        now = (time.perf_counter(), cpu_seconds())
        if self.rows:
            self.rows[-1][1] = now[0] - self.rows[-1][1]
            self.rows[-1][2] = now[1] - self.rows[-1][2]
        self.rows.append([name, now[0], now[1]])

    def close(self) -> None:
        self.stage("end")
        self.rows.pop()


def timed_build(store: Path, shared: Path) -> None:
    """Build the national graph as the quick start does (`cqpi build --registries SHARED`)."""
    imports = discover(shared)
    print("imports: " + ", ".join(f"{n}={p.name}" for n, p in imports))
    clock = StageClock()
    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), cpu_seconds()
    report = build(store, imports=imports, progress=clock)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    groups: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for name, w, c in clock.rows:
        key = "text model + alignments" if name.startswith("textes") else name.split(" :")[0]
        key = "inference" if key.startswith("inférence") else key
        groups[key][0] += w
        groups[key][1] += c
    print(f"\n## Build (load average before: {load:.2f})\n")
    print("| stage | wall s | CPU s (with child processes) |\n|---|---|---|")
    for key, (w, c) in groups.items():
        print(f"| {key} | {w:.1f} | {c:.1f} |")
    print(f"| **total** | **{wall:.1f}** | **{cpu:.1f}** |")
    print(
        f"\npeak RSS {peak:.0f} MiB (largest child process {child_peak:.0f} MiB); "
        f"{sum(report.graphs.values())} quads, computed/alignments "
        f"{report.graphs.get(Graphs.ALIGNMENTS, 0)}; load average after: {os.getloadavg()[0]:.2f}\n"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--mobility", type=Path, default=ROOT.parent / "shared/data/rome/mobilite-dev-v460.csv")
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--skip", action="append", default=[], choices=["proximity", "hidden", "speed"])
    ap.add_argument("--build", type=Path, metavar="SHARED", help="build the store first from this folder")
    args = ap.parse_args()
    if args.build:
        timed_build(args.store, args.build)
    store = open_store(args.store)
    t0 = time.perf_counter()
    model = load_model(store)
    print(
        f"text model loaded in {time.perf_counter() - t0:.2f} s: {len(model.corpus.units)} competence texts, "
        f"{len(model.corpus.certs)} certifications, {len(model.corpus.jobs)} ROME jobs, "
        f"{len(model.alignments)} side-index alignments\n"
    )
    if "proximity" not in args.skip:
        truth = mobility(args.mobility, model)
        print(f"## Job proximity: {len(truth)} source jobs, {sum(map(len, truth.values()))} mobility links\n")
        print("| method | recall@10 (mean over sources) | recall@10 (all links) |\n|---|---|---|")
        for name, (macro, micro) in job_proximity(model, truth):
            print(f"| {name} | {macro:.4f} | {micro:.4f} |")
        print(f"\nrandom halves of the sources (seed {SEED}):\n")
        print("| method | half A | half B |\n|---|---|---|")
        for name, a, b in halves(model, truth):
            print(f"| {name} | {a:.4f} | {b:.4f} |")
        print("\nsensitivity (recall@10, mean over sources): training-field weight x domain weight\n")
        print("| fields \\ domain | " + " | ".join(map(str, DOMAIN_WEIGHTS)) + " |\n|---|---|---|---|")
        for w, row in sensitivity(model, truth):
            print(f"| {w} | " + " | ".join(f"{r:.4f}" for r in row) + " |")
    if "hidden" not in args.skip:
        rows = hidden_links(model, args.sample)
        print(f"\n## Hidden ROME links: {rows[0][2]} fiches (>= 3 blocs, >= 1 ROME job, seed {SEED})\n")
        print("| method | recall@10 |\n|---|---|")
        for name, r, _n in rows:
            print(f"| {name} | {r:.4f} |")
    if "speed" not in args.skip:
        print("\n## Speed (in process, model and indexes loaded)\n\n| query | time |\n|---|---|")
        for name, t in timings(store, model, args.runs):
            print(f"| {name} | {t} |")


if __name__ == "__main__":
    main()
