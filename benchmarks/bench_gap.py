"""What is left to learn (issue 21): calibration of the estimated bloc coverage, and its speed.

On a store built from ../shared/data (`cqpi build --registries ../shared/data`), pairs of
certifications where the registries do say something, each read as « holder of the older (or
first) one, towards the newer (or second) one »:

1. successive versions of a fiche in the RNCP export (`Ancienne_Nouvelle_Certification`: the old
   fiche is replaced by the new one), both with published blocs;
2. BCN ↔ RNCP: fiches that the crosswalk gives one BCN code (options of one diploma), and BCN
   successions followed through the crosswalk to fiches with blocs;
3. the seed's proximity CQPM CSPA ≈ CAP 50022003 ≈ bac pro 40020101, and the registry's later
   versions of the two diplomas;
4. a control: random pairs of fiches with blocs at the same level and with no registry link
   (no succession chain, no crosswalk row in common), fixed seed.

For each threshold: the share of the newer version's blocs estimated « probablement couvert »
(at least half of a bloc's texts matched), over all blocs and over the blocs *reworded* (whose text
is not found word for word among the older one's texts), and on the control pairs. Then speed:
`gap` and `reach --estimated` in process (warm), and one `cqpi gap` process.

    python benchmarks/bench_gap.py --store /work/stores/mine
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cqpi_graph.gap import MIN_SHARE, THRESHOLD, gap, reach_estimated  # noqa: E402
from cqpi_graph.gap.evidence import GapIndex, estimate_blocs, load_index, source_units  # noqa: E402
from cqpi_graph.paths import load_graph  # noqa: E402
from cqpi_graph.paths.graph import RecognitionGraph  # noqa: E402
from cqpi_graph.store import open_store  # noqa: E402
from cqpi_graph.textsim.french import normalise  # noqa: E402
from cqpi_graph.textsim.model import TextModel, load_model  # noqa: E402

SEED = 20261128
THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8)
Pair = tuple[str, str]


# ---------------------------------------------------------------- pairs the registries give


def _has_text(rg: RecognitionGraph, model: TextModel, g: str) -> bool:
    return bool(rg.catalog.blocs_of(g)) and g in model.cert_index


def version_pairs(rg: RecognitionGraph, model: TextModel) -> list[Pair]:
    cat = rg.catalog
    out = set()
    for s in rg.statements.successions:
        a, b = cat.group_of(s.frm), cat.group_of(s.to or "")
        if (
            a
            and b
            and a != b
            and s.graph.endswith("/rncp")
            and _has_text(rg, model, a)
            and _has_text(rg, model, b)
        ):
            out.add((a, b))
    return sorted(out)


def crosswalk_pairs(rg: RecognitionGraph, model: TextModel) -> list[Pair]:
    """Fiches of one BCN code (options), and BCN successions through the crosswalk."""
    cat = rg.catalog
    links: dict[str, set[str]] = defaultdict(set)
    for s in rg.statements.correspondences:
        a, b = cat.group_of(s.frm), cat.group_of(s.to or "")
        if a and b and a != b:
            links[a].add(b)
            links[b].add(a)

    def fiches(g: str) -> set[str]:
        return {x for x in ({g} | links.get(g, set())) if _has_text(rg, model, x)}

    out = set()
    for fs in (sorted(fiches(g) - {g}) for g in links if g.rsplit("/", 2)[-2] == "bcn"):
        out |= {(a, b) for i, a in enumerate(fs) for b in fs[i + 1 :]}
    for s in rg.statements.successions:
        a, b = cat.group_of(s.frm), cat.group_of(s.to or "")
        if a and b and a != b and s.graph.endswith("/bcn"):
            out |= {(x, y) for x in fiches(a) for y in fiches(b) if x != y}
    return sorted(out)


def control_pairs(rg: RecognitionGraph, model: TextModel, n: int, linked: set[frozenset[str]]) -> list[Pair]:
    cat = rg.catalog
    chain: dict[str, int] = {}
    for k, comp in enumerate(_chains(rg)):
        for g in comp:
            chain[g] = k
    by_level: dict[int, list[str]] = defaultdict(list)
    for g in sorted(cat.groups()):
        lv = cat.certification(g).level
        if lv is not None and _has_text(rg, model, g):
            by_level[lv].append(g)
    rnd = random.Random(SEED)
    levels = sorted(by_level)
    weights = [len(by_level[lv]) for lv in levels]
    out: list[Pair] = []
    while len(out) < n:
        lv = rnd.choices(levels, weights)[0]
        a, b = rnd.sample(by_level[lv], 2)
        same_chain = a in chain and chain.get(a) == chain.get(b)
        if not same_chain and frozenset((a, b)) not in linked:
            out.append((a, b))
    return out


def _chains(rg: RecognitionGraph) -> list[set[str]]:
    import networkx as nx

    g = nx.Graph()
    for s in rg.statements.successions:
        a, b = rg.catalog.group_of(s.frm), rg.catalog.group_of(s.to or "")
        if a and b:
            g.add_edge(a, b)
    return [set(c) for c in nx.connected_components(g)]


# ---------------------------------------------------------------- coverage by threshold


def bloc_scores(
    rg: RecognitionGraph, model: TextModel, index: GapIndex, pair: Pair
) -> list[tuple[list[float], bool]]:
    """For each bloc of the second certification: the best score of each of its texts against the
    first one's texts, and whether the bloc is reworded (none of its texts found as such)."""
    cat = rg.catalog
    a, b = (cat.certification(x) for x in pair)
    units = source_units(model, [a])
    blocs = cat.blocs_of(b.iri)
    est = estimate_blocs(model, index, units, blocs, threshold=0.2)
    own = {" ".join(normalise(model.corpus.units[u].text)) for u in units}
    out = []
    for bl in blocs:
        e = est[bl]
        if not e.texts:
            continue
        best = {m.competence.iri: m.score for m in e.matches}
        reworded = all(" ".join(normalise(t.text)) not in own for t in e.texts)
        out.append(([best.get(t.iri, 0.0) for t in e.texts], reworded))
    return out


def coverage(
    rows: list[list[tuple[list[float], bool]]], t: float, reworded: bool = False
) -> tuple[float, int]:
    covered = total = 0
    for pair in rows:
        for scores, rew in pair:
            if reworded and not rew:
                continue
            total += 1
            covered += sum(s + 1e-6 >= t for s in scores) >= MIN_SHARE * len(scores) - 1e-9
    return (covered / total if total else float("nan")), total


def per_pair(rows: list[list[tuple[list[float], bool]]], t: float) -> tuple[float, float]:
    """Mean share of a pair's blocs covered, and share of pairs with every bloc covered."""
    shares = []
    for pair in rows:
        if pair:
            ok = [sum(s + 1e-6 >= t for s in sc) >= MIN_SHARE * len(sc) - 1e-9 for sc, _r in pair]
            shares.append(sum(ok) / len(ok))
    return statistics.mean(shares), sum(x == 1.0 for x in shares) / len(shares)


def table(name: str, rows: list, thresholds: tuple[float, ...]) -> list[str]:
    lines = []
    for label, rew in (("all blocs", False), ("reworded blocs", True)):
        n = coverage(rows, 0.5, rew)[1]
        cells = " | ".join(f"{coverage(rows, t, rew)[0]:.3f}" for t in thresholds)
        lines.append(f"| {name}, {label} | {len(rows)} | {n} | {cells} |")
    return lines


# ---------------------------------------------------------------- the seed's proximity


def seed_lines(store) -> list[str]:  # noqa: ANN001
    pairs = [
        ("CSPA", "50022003"),
        ("CSPA", "40020101"),
        ("50022003", "40020101"),
        ("RNCP14868", "RNCP14689"),
        ("RNCP14689", "RNCP14868"),
    ]
    lines = []
    for a, b in pairs:
        g = gap(store, [a], b)
        counts = {
            s: len(g.by_status(s)) for s in ("couvert", "probablement couvert", "à acquérir", "inconnu")
        }
        state = ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "blocs non publiés"
        lines.append(f"| {a} → {b} | {len(g.blocs)} | {state} | {'; '.join(g.notes)} |")
    return lines


# ---------------------------------------------------------------- speed


def percentiles(xs: list[float]) -> str:
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, int(0.95 * len(xs)))]
    return f"p50 {statistics.median(xs) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (n={len(xs)})"


def speed(store, rg: RecognitionGraph, pairs: list[Pair], runs: int, location: str) -> list[str]:  # noqa: ANN001
    rnd = random.Random(SEED)
    sample = rnd.sample(pairs, min(runs, len(pairs)))
    code = {g: rg.catalog.certification(g).code for p in sample for g in p}
    gap(store, [code[sample[0][0]]], code[sample[0][1]])  # warm
    times = []
    for a, b in sample:
        t0 = time.perf_counter()
        gap(store, [code[a]], code[b])
        times.append(time.perf_counter() - t0)
    reach_times = []
    for a, _b in sample[: max(1, runs // 3)]:
        t0 = time.perf_counter()
        reach_estimated(store, [code[a]], top=10)
        reach_times.append(time.perf_counter() - t0)
    a, b = code[sample[0][0]], code[sample[0][1]]
    t0 = time.perf_counter()
    env = {**os.environ, "CQPI_STORE": location}
    subprocess.run(
        [sys.executable, "-m", "cqpi_graph", "gap", a, b], env=env, check=True, capture_output=True
    )
    cold = time.perf_counter() - t0
    return [
        f"| `gap A B` (one certification each, versions of fiches) | {percentiles(times)} |",
        f"| `reach A --estimated --top 10` | {percentiles(reach_times)} |",
        f"| one `cqpi gap {a} {b}` process (Python start, model read) | {cold:.2f} s |",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, default=os.environ.get("CQPI_STORE"))
    ap.add_argument("--control", type=int, default=400, help="random control pairs")
    ap.add_argument("--runs", type=int, default=60)
    args = ap.parse_args()
    store = open_store(args.store)
    t0 = time.perf_counter()
    rg, model = load_graph(store), load_model(store)
    index = load_index(store)
    print(f"graph, text model and gap index loaded in {time.perf_counter() - t0:.1f} s\n")
    versions = version_pairs(rg, model)
    crosswalk = crosswalk_pairs(rg, model)
    linked = {frozenset(p) for p in versions + crosswalk}
    control = control_pairs(rg, model, args.control, linked)
    rows = {
        name: [bloc_scores(rg, model, index, p) for p in ps]
        for name, ps in (("versions", versions), ("crosswalk", crosswalk), ("control", control))
    }
    head = " | ".join(str(t) for t in THRESHOLDS)
    print(f"## Share of the second certification's blocs « probablement couvert » (min share {MIN_SHARE})\n")
    print(f"| pairs | n pairs | n blocs | {head} |\n|---|---|---|" + "---|" * len(THRESHOLDS))
    for name in rows:
        print("\n".join(table(name, rows[name], THRESHOLDS)))
    print(
        "\nYouden J (versions − control, all blocs):",
        ", ".join(
            f"{t}: {coverage(rows['versions'], t)[0] - coverage(rows['control'], t)[0]:.3f}"
            for t in THRESHOLDS
        ),
    )
    print(
        "Youden J (reworded versions − control):",
        ", ".join(
            f"{t}: {coverage(rows['versions'], t, True)[0] - coverage(rows['control'], t)[0]:.3f}"
            for t in THRESHOLDS
        ),
    )
    ratio = [
        coverage(rows["control"], t, True)[0] / coverage(rows["versions"], t, True)[0] for t in THRESHOLDS
    ]
    print(
        "control / versions, reworded blocs:",
        ", ".join(f"{t}: {r:.3f}" for t, r in zip(THRESHOLDS, ratio, strict=True)),
    )
    for name in rows:
        mean, full = per_pair(rows[name], THRESHOLD)
        print(
            f"{name} at {THRESHOLD}: mean share of blocs covered per pair {mean:.3f}, "
            f"pairs fully covered {full:.3f}"
        )
    print(f"\n## The seed's proximity (threshold {THRESHOLD})\n")
    print("| pair | blocs | statuses | notes |\n|---|---|---|---|")
    print("\n".join(seed_lines(store)))
    print("\n## Speed (in process, warm)\n\n| query | time |\n|---|---|")
    print("\n".join(speed(store, rg, versions, args.runs, str(args.store))))


if __name__ == "__main__":
    main()
